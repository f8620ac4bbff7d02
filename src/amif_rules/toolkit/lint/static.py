"""AR2xx, beyond the loader: rules left out for want of a parameter value, parameters and
definitions nothing reads, citations of source texts that are not in ``shared/sources``
or do not say what is quoted, citations of facts the digest does not have (:mod:`.digest`),
and inputs without a question (:mod:`.questions`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from ...ruleset import parameters_read
from ...suggestions import closest
from .digest import FACT_CITATION, Digest, describe_pages
from .digest import read as read_digest
from .linter import Linter
from .questions import unasked_inputs
from .raw import RawFile, rule_places


def beyond_loader(linter: Linter, chain: list[RawFile]) -> None:
    """AR201-AR207 of a loaded ruleset whose files are ``chain`` (the file linted last)."""
    ruleset = linter.ruleset
    assert ruleset is not None
    own = chain[-1] if chain else None
    places = rule_places(chain)
    for rule_id, reason in ruleset.inactive:
        where = places.get((rule_id, None)) or linter.name
        names = reason.removeprefix("no value for ")
        linter.add(
            "AR201",
            f"rule {rule_id!r} is left out: {reason}",
            where,
            rule=rule_id,
            hint=f"give {names} a value (value: ...) to use the rule, or list it under remove_rules:",
        )
    unasked_inputs(linter, chain)
    if own is None or not isinstance(own.data, dict):
        return
    read: set[str] = set()
    for rule in ruleset.rules:
        read |= parameters_read(rule)
    for _, reason in ruleset.inactive:
        read |= {name.strip() for name in reason.removeprefix("no value for ").split(",")}
    parameters = own.data.get("parameters")
    own_parameters = parameters if isinstance(parameters, dict) else {}
    for name in own_parameters:
        if name in ruleset.parameters and name not in read:
            linter.add(
                "AR202",
                f"parameter {name!r} is never read by a rule, a message or a definition",
                own.where(("parameters", name), key=True),
                hint=f"use it, or remove {name}",
            )
    own_definitions = own.data.get("definitions") if isinstance(own.data.get("definitions"), dict) else {}
    if own_definitions:
        used = _names_used(chain)
        for name in own_definitions:
            if not used.get(name):
                linter.add(
                    "AR203",
                    f"definition {name!r} is never used",
                    own.where(("definitions", name), key=True),
                    hint=f"use it by name in a check or when, or remove {name}",
                )
    citations(linter, own)


def citations(linter: Linter, own: RawFile) -> None:
    """AR204/AR205/AR207: each citation of the file names a text of the sources folder, and
    quotes its words and headings as they are; a citation of the digest names one of its facts
    and, when it gives a page, one the digest lists for that fact's call (when the folder is
    there)."""
    folder = linter.sources or sources_folder(linter.path)
    if folder is None or not folder.is_dir():
        return
    texts: dict[str, str | None] = {}
    digests: dict[str, Digest | None] = {}
    for where, value in _citations(own.data):
        for part in str(value).split("; "):
            fact = FACT_CITATION.match(part.strip())
            if fact:
                file = fact["file"]
                if file not in digests:
                    digests[file] = read_digest(folder / file)
                _fact_citation(linter, own, where, folder, fact, digests[file])
                continue
            match = CITATION.match(part.strip())
            if not match:
                continue
            file = match["file"]
            if file not in texts:
                candidate = folder / file
                texts[file] = candidate.read_text(encoding="utf-8", errors="replace") if candidate.is_file() else None
            text = texts[file]
            if text is None:
                _missing(linter, own, where, folder, file)
                continue
            heading, quote = match["heading"], match["quote"]
            if heading and not any(line.strip().startswith(heading) for line in text.splitlines()):
                linter.add(
                    "AR205", f"{file} has no heading {heading!r}", own.where(where), hint="copy the heading as the text writes it"
                )
            if quote and " ".join(quote.split()) not in " ".join(text.split()):
                linter.add(
                    "AR205",
                    f'{file} does not contain the words quoted: "{quote}"',
                    own.where(where),
                    hint="quote the words of the text exactly, without paraphrasing",
                )


def _missing(linter: Linter, own: RawFile, where: tuple, folder: Path, file: str) -> None:
    linter.add(
        "AR204",
        f"source text {file!r} is not in {folder}",
        own.where(where),
        hint="cite the file name of a text in shared/sources, or add the text there",
    )


def _fact_citation(linter: Linter, own: RawFile, where: tuple, folder: Path, citation: re.Match, digest: Digest | None) -> None:
    """AR204/AR207 of one ``<digest>.md#<id>[, <page URL>]`` citation."""
    file, fact_id, page = citation["file"], citation["id"], citation["page"]
    if digest is None:
        _missing(linter, own, where, folder, file)
        return
    if citation["rest"]:
        linter.add(
            "AR207",
            f"{citation.string.strip()!r} is not a citation of a fact: '{file}#<id>' or '{file}#<id>, <page URL>'",
            own.where(where),
            hint="after the fact's id, give only ', ' and the URL of the page it comes from",
        )
        return
    fact = digest.facts.get(fact_id)
    if fact is None:
        near = closest(fact_id, digest.facts)
        linter.add(
            "AR207",
            f"{file} has no fact {fact_id!r}",
            own.where(where),
            hint=f"did you mean {near}?" if near else "cite the id in backticks at the start of one of its list items",
        )
        return
    if page is not None and page not in fact.pages:
        near = closest(page, fact.pages)
        linter.add(
            "AR207",
            f"{file} does not list the page {page} under the heading of {fact_id}'s call ({fact.heading})",
            own.where(where),
            hint=f"did you mean {near}?" if near else f"cite one of the pages it lists for call {fact.call}",
            details=tuple(f"page of {fact.call}: {line}" for line in describe_pages(fact))
            or (f"{file} lists no page for {fact.call}",),
        )


_WORD = re.compile(r"(?<![\w.])([a-z_][a-z0-9_]*)(?![\w])")


def _names_used(chain: list[RawFile]) -> dict[str, set]:
    """name -> the places (rule ids, definition names) whose expressions use it."""
    used: dict[str, set] = {}

    def scan(text: Any, where: str) -> None:
        if isinstance(text, str):
            for match in _WORD.finditer(text):
                used.setdefault(match.group(1), set()).add(where)

    for raw in chain:
        data = raw.data if isinstance(raw.data, dict) else {}
        for name, text in (data.get("definitions") or {}).items() if isinstance(data.get("definitions"), dict) else ():
            if isinstance(text, str):
                for match in _WORD.finditer(text):
                    if match.group(1) != name:
                        used.setdefault(match.group(1), set()).add(f"definition {name}")
        for spec in data.get("rules") or [] if isinstance(data.get("rules"), list) else []:
            if not isinstance(spec, dict):
                continue
            for key in ("check", "when"):
                scan(spec.get(key), f"rule {spec.get('id')}")
            messages = spec.get("messages")
            if isinstance(messages, dict):
                for texts in messages.values():
                    if isinstance(texts, dict):
                        for text in texts.values():
                            if isinstance(text, str):
                                for placeholder in re.findall(r"(?<!\{)\{([^{}]+)\}", text):
                                    scan(placeholder.split(":")[0], f"rule {spec.get('id')}")
    return used


#: A citation: ``<file>.txt, <heading>: "<quote>"``, heading and quote optional.
CITATION = re.compile(r'^(?P<file>[\w.-]+\.txt)(?:, (?P<heading>[^:"]+))?(?:: "(?P<quote>[^"]+)")?(?P<rest>.*)$')


def _citations(data: Any, where: tuple = ()) -> Iterable[tuple[tuple, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "source" and isinstance(value, (str, int, float, Decimal)) and not isinstance(value, bool):
                yield where + (key,), str(value)
            else:
                yield from _citations(value, where + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _citations(value, where + (index,))


def sources_folder(path: Path | None) -> Path | None:
    """The folder of source texts: ``$AMIF_SOURCES``, else a ``shared/sources`` folder above
    ``path`` (a ruleset file), or above the current folder (None when there is none)."""
    configured = os.environ.get("AMIF_SOURCES")
    if configured:
        return Path(configured)
    start = path.resolve().parent if path is not None else Path.cwd().resolve()
    for folder in (start, *start.parents):
        candidate = folder / "shared" / "sources"
        if candidate.is_dir():
            return candidate
    return None
