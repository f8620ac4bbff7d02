"""The digest of facts beside the source texts (``shared/sources/calls-beyond-the-seeds.md``):
its facts by id, each with its call, its authority and the pages listed under its call's
heading; and the citation of a fact, ``<digest>.md#<id>[, <page URL>]``
(docs/ruleset-language.md §13). One home: lint (AR204/AR207), the workbench's source panel and
the citation test read the digest through :func:`parse`.

How the digest is written, and read here:

- a section per call under a ``## `` heading; its ``Pages:`` (or ``Page:``) line, continued on
  the lines after it up to a blank line, lists the call's pages, each URL after the word that
  says how much authority it has (``official``, ``notices``, ``grant decision``);
- a fact is a list item that starts with its id in backticks, ``<call>.<name>``, then its
  authority in brackets: ``- `427.promotor` (official): ...``. Its item goes on over the
  indented lines after it. A URL in those brackets (``(notice, https://...)``, in the section
  of the calls of the five texts, which has no ``Pages:`` line) is a page of that fact's call.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import attrs

#: The digest's file name, in the sources folder.
DIGEST = "calls-beyond-the-seeds.md"

#: A citation of a fact: ``<file>.md#<id>``, then ``, <page URL>`` or nothing (``rest`` holds
#: whatever else follows the id; a citation with a rest is not well formed).
FACT_CITATION = re.compile(r"^(?P<file>[\w.-]+\.md)#(?P<id>[^\s,;#]*)(?:, (?P<page>https?://\S+))?(?P<rest>.*)$")

_URL = re.compile(r"https?://[^\s,;()]+")
_HEADING = re.compile(r"^## (?P<title>.+?)\s*$", re.MULTILINE)
_PAGES = re.compile(r"^Pages?:", re.MULTILINE)
_FACT = re.compile(r"^- `(?P<id>(?P<call>[\w-]+)\.[\w.-]+)`(?: \((?P<authority>[^)]*)\))?", re.MULTILINE)


@attrs.frozen
class Fact:
    """One fact of the digest: ``id`` (``427.promotor``), ``call`` (``427``), ``authority``
    (``official``, ``notice``, ``official + notice``, ``grant decision``), the ``heading`` of
    its call's section, the ``pages`` listed for its call (URL -> its authority) and where its
    list item is in the digest's text (``start``: its id's opening backtick; ``end``: the end
    of its last line)."""

    id: str
    call: str
    authority: str
    heading: str
    pages: dict[str, str]
    start: int
    end: int


@attrs.frozen
class Digest:
    """A digest's text and its facts by id, in the order it gives them."""

    text: str
    facts: dict[str, Fact]


def _pages(line: str) -> dict[str, str]:
    """URL -> authority of a ``Pages:`` line (with its continuation lines)."""
    pages: dict[str, str] = {}
    kind = ""
    position = 0
    for match in _URL.finditer(line):
        before = line[position : match.start()].strip(" \t\n;,")
        if before:
            kind = before.removesuffix("s") if before in ("notices", "officials") else before
        pages.setdefault(match.group(), kind)
        position = match.end()
    return pages


def _item_end(text: str, start: int) -> int:
    """The end of the list item whose first line starts at ``start``: its last indented line."""
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    while end < len(text):
        following = text.find("\n", end + 1)
        following = len(text) if following < 0 else following
        line = text[end + 1 : following]
        if not line.startswith((" ", "\t")) or not line.strip():
            break
        end = following
    return end


@lru_cache(maxsize=8)
def parse(text: str) -> Digest:
    """The facts of a digest's text (parsed once per text)."""
    headings = list(_HEADING.finditer(text))
    facts: dict[str, Fact] = {}
    for index, heading in enumerate(headings):
        section_end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        section = text[heading.start() : section_end]
        shared: dict[str, str] = {}
        for line in _PAGES.finditer(section):
            stop = section.find("\n\n", line.start())
            shared.update(_pages(section[line.end() : stop if stop >= 0 else len(section)]))
        found = list(_FACT.finditer(section))
        own: dict[str, dict[str, str]] = {}  # call -> the pages its facts name in their brackets
        for match in found:
            authority = match["authority"] or ""
            kind = authority.split(",", 1)[0].strip()
            for url in _URL.findall(authority):
                own.setdefault(match["call"], {}).setdefault(url, kind)
        for match in found:
            authority = (match["authority"] or "").split(",", 1)[0].strip()
            start = heading.start() + match.start() + 2
            pages = {**shared, **own.get(match["call"], {})}
            fact = Fact(match["id"], match["call"], authority, heading["title"], pages, start, _item_end(text, start))
            facts.setdefault(fact.id, fact)
    return Digest(text, facts)


def read(path: Path) -> Digest | None:
    """The digest at ``path``, or None when there is no such file."""
    if not path.is_file():
        return None
    return parse(path.read_text(encoding="utf-8", errors="replace"))


def describe_pages(fact: Fact) -> tuple[str, ...]:
    """The pages listed for a fact's call, each as ``<authority> <URL>``."""
    return tuple(f"{kind} {url}".strip() for url, kind in fact.pages.items())
