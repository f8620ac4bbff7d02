"""The source texts the rulesets cite (``shared/sources``), for the workbench: read once when
the service starts, held in memory, and found by a citation, never by a file name a client
sends (the client names a ruleset and a rule; the server reads the rule's ``source:``).

Where the folder is: ``--sources DIR``, else ``$AMIF_SOURCES``, else a ``shared/sources``
folder above the current folder or above the package's checkout, as ``amif-rules lint``
looks for it. A citation is ``<file>.txt, <heading>: "<quote>"`` (docs/ruleset-language.md
§13); its quote is found in the text whatever its whitespace (as tests/rulesets/test_sources.py
compares them), after its heading when the heading is there. A citation of a fact of the
digest, ``calls-beyond-the-seeds.md#<id>[, <page URL>]``, is found as the fact's list item,
under its call's heading (:mod:`amif_rules.toolkit.lint.digest` reads the digest).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import attrs

from ..toolkit.lint.digest import FACT_CITATION, Digest, parse
from ..toolkit.lint.static import CITATION, sources_folder

#: The largest source text read (the bundled ones are a few kilobytes).
MAX_TEXT_BYTES = 2_000_000
#: The most texts read from the folder.
MAX_TEXTS = 500


def passage(source: str | None) -> dict[str, Any] | None:
    """``{file, heading, quote}`` of a citation's first part, or None when it names no text.
    A citation of a fact of the digest also gives ``fact`` (its id) and ``page`` (the page URL
    cited, or None); its heading and quote are None (the digest knows its call's heading)."""
    if not source:
        return None
    first = source.split("; ", 1)[0].strip()
    fact = FACT_CITATION.match(first)
    if fact is not None and not fact["rest"]:
        return {"file": fact["file"], "heading": None, "quote": None, "fact": fact["id"], "page": fact["page"]}
    match = CITATION.match(first)
    if match is None:
        return None
    return {"file": match["file"], "heading": match["heading"], "quote": match["quote"]}


def find_folder(explicit: str | os.PathLike | None = None) -> Path | None:
    """The folder of source texts: ``explicit``, else where ``amif-rules lint`` finds it
    (``$AMIF_SOURCES``, or ``shared/sources`` above the current folder), else above this
    package's checkout (None when there is none)."""
    if explicit is not None:
        return Path(explicit)
    return sources_folder(None) or sources_folder(Path(__file__))


def _normal(text: str) -> tuple[str, list[int]]:
    """``text`` with each run of whitespace as one space, and where each of its characters was."""
    out: list[str] = []
    where: list[int] = []
    space = False
    for index, char in enumerate(text):
        if char.isspace():
            if out and not space:
                out.append(" ")
                where.append(index)
            space = True
            continue
        space = False
        out.append(char)
        where.append(index)
    return "".join(out), where


def locate(text: str, quote: str | None, heading: str | None = None) -> tuple[int | None, int | None]:
    """The offsets (start, end) of ``quote`` in ``text``, whitespace aside; after the line that
    starts with ``heading`` when there is one. ``(None, None)`` when it is not there."""
    if not quote:
        return None, None
    normal, where = _normal(text)
    wanted = " ".join(quote.split())
    after = 0
    if heading:
        for match in re.finditer(r"^[ \t]*" + re.escape(heading.strip()), text, flags=re.MULTILINE):
            after = next((i for i, original in enumerate(where) if original >= match.start()), 0)
            break
    found = normal.find(wanted, after)
    if found < 0:
        found = normal.find(wanted)
    if found < 0 or not wanted:
        return None, None
    return where[found], where[found + len(wanted) - 1] + 1


@attrs.frozen
class Sources:
    """The texts of the folder, by file name (empty when there is no folder); and its digests
    of facts (``*.md``), parsed."""

    folder: Path | None
    texts: dict[str, str] = attrs.field(factory=dict)
    digests: dict[str, Digest] = attrs.field(factory=dict)

    @classmethod
    def read(cls, folder: Path | None) -> Sources:
        texts: dict[str, str] = {}
        digests: dict[str, Digest] = {}
        if folder is not None and folder.is_dir():
            for path in sorted(folder.glob("*.txt"))[:MAX_TEXTS]:
                data = _read(path)
                if data is not None:
                    texts[path.name] = data
            for path in sorted(folder.glob("*.md"))[:MAX_TEXTS]:
                data = _read(path)
                if data is not None:
                    digests[path.name] = parse(data)
        return cls(folder, texts, digests)

    def cited(self, source: str | None) -> dict[str, Any] | None:
        """``{file, heading, quote, text, start, end}`` of a citation, or None when the citation
        names no text or the folder has no such text. For a fact of the digest, also ``fact``,
        ``page`` and ``authority``: the passage is the fact's list item, the heading its call's
        (``start``, ``end``, ``heading`` and ``authority`` are None when the digest has no such
        fact)."""
        cited = passage(source)
        if cited is not None and "fact" in cited:
            return self._fact(cited)
        if cited is None or cited["file"] not in self.texts:
            return None
        text = self.texts[cited["file"]]
        start, end = locate(text, cited["quote"], cited["heading"])
        return {**cited, "text": text, "start": start, "end": end}

    def _fact(self, cited: dict[str, Any]) -> dict[str, Any] | None:
        digest = self.digests.get(cited["file"])
        if digest is None:
            return None
        fact = digest.facts.get(cited["fact"])
        if fact is None:
            return {**cited, "authority": None, "text": digest.text, "start": None, "end": None}
        return {
            **cited,
            "heading": fact.heading,
            "authority": fact.authority,
            "text": digest.text,
            "start": fact.start,
            "end": fact.end,
        }


def _read(path: Path) -> str | None:
    """A text of the folder, or None when it cannot be read or is too large."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data.decode("utf-8", errors="replace") if len(data) <= MAX_TEXT_BYTES else None
