"""Every citation in every ruleset names a real source text, and what it quotes is in it.

A citation is ``<file>[, <heading>][: "<quote>"]``; several are joined by ``; ``. The
source texts are not copied into the repository: they live in ``shared/sources/`` beside
the clone (where CI has them). Whitespace is compared loosely (the texts break lines inside
sentences and table rows); everything else must match to the letter.

A fact of the digest (``calls-beyond-the-seeds.md``) is cited by its id,
``calls-beyond-the-seeds.md#<id>[, <page URL>]``: the id must start a list item of the digest
(in backticks), and the page must be one the digest gives in that fact's section (and, as lint
reads it, one listed for that fact's call). The digest is read here with a regular expression
of its own, and compared with what ``amif_rules.toolkit.lint.digest`` (lint, the workbench)
makes of it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from amif_rules import catalog
from amif_rules.toolkit.lint import digest

SOURCES = Path(os.environ.get("AMIF_SOURCES", Path(__file__).resolve().parents[3] / "shared" / "sources"))
CITATION = re.compile(r'^(?P<file>[\w.-]+\.txt)(?:, (?P<heading>[^:"]+?))?(?:: "(?P<quote>[^"]+)")?$')
MAX_QUOTE = 200  # quote the words that carry a criterion, not whole passages

if not SOURCES.is_dir():  # pragma: no cover - CI always has them
    if os.environ.get("CI"):
        raise RuntimeError(f"the source texts are missing: {SOURCES}")
    pytest.skip(f"the source texts are not beside this checkout ({SOURCES})", allow_module_level=True)


FACT_CITATION = re.compile(r"^(?P<file>[\w.-]+\.md)#(?P<id>[\w.-]+)(?:, (?P<page>https?://\S+))?$")
URL = re.compile(r"https?://[^\s,;()]+")


def normal(text: str) -> str:
    return " ".join(text.split())


TEXTS = {path.name: path.read_text(encoding="utf-8") for path in SOURCES.glob("*.txt")}
DIGESTS = {path.name: path.read_text(encoding="utf-8") for path in SOURCES.glob("*.md")}


def facts(text: str) -> dict[str, str]:
    """Fact id -> the text of its ``## `` section, for every list item that starts with an id."""
    found: dict[str, str] = {}
    for section in re.split(r"^(?=## )", text, flags=re.MULTILINE):
        for fact_id in re.findall(r"^- `([\w-]+\.[\w.-]+)`", section, flags=re.MULTILINE):
            found.setdefault(fact_id, section)
    return found


def citations():
    """(ruleset file, where, citation) for every source: key of every bundled ruleset file."""
    for path in catalog.ruleset_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        stack = [((), data)]
        while stack:
            where, node = stack.pop()
            if isinstance(node, dict):
                for key, value in node.items():
                    if key == "source" and isinstance(value, str):
                        yield path.name, ".".join(str(w) for w in where), value
                    else:
                        stack.append((where + (node.get("id", key) if key == "rules" else key,), value))
            elif isinstance(node, list):
                stack.extend((where + (item.get("id", i) if isinstance(item, dict) else i,), item) for i, item in enumerate(node))


ALL = sorted(citations())


def test_there_are_citations_to_check():
    assert len(ALL) > 20
    data = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in catalog.ruleset_files()}
    citing = {name for name, d in data.items() if d.get("rules") or d.get("parameters") or d.get("source")}
    assert set(data) - citing == {"application-inputs.yaml"}  # a base of inputs only: nothing to cite
    assert {name for name, _, _ in ALL} == citing


@pytest.mark.parametrize(("ruleset", "where", "source"), ALL, ids=[f"{n}:{w}" for n, w, _ in ALL])
def test_citation_is_in_its_source(ruleset, where, source):
    for part in source.split("; "):
        fact = FACT_CITATION.match(part.strip())
        if fact:
            _check_fact(f"{ruleset} {where}", fact)
            continue
        match = CITATION.match(part.strip())
        assert match, f"{ruleset} {where}: {part!r} is not '<file>, <heading>: \"<quote>\"' nor '<digest>.md#<id>, <page URL>'"
        name, heading, quote = match["file"], match["heading"], match["quote"]
        assert name in TEXTS, f"{ruleset} {where}: no source text {name!r} (have: {', '.join(sorted(TEXTS))})"
        text = TEXTS[name]
        if heading:
            lines = [line.strip() for line in text.splitlines()]
            assert any(line.startswith(heading) for line in lines), f"{ruleset} {where}: no heading {heading!r} in {name}"
        if quote:
            assert len(quote) <= MAX_QUOTE, f"{ruleset} {where}: quote longer than {MAX_QUOTE} characters"
            assert normal(quote) in normal(text), f"{ruleset} {where}: {quote!r} is not in {name}"
            if heading:
                section = _section(text, heading)
                assert normal(quote) in normal(section), f"{ruleset} {where}: {quote!r} is not under {heading!r} in {name}"


def _check_fact(place: str, fact: re.Match) -> None:
    """A citation of a fact names a digest of the folder, one of its ids and a page of its section."""
    name, fact_id, page = fact["file"], fact["id"], fact["page"]
    assert name in DIGESTS, f"{place}: no digest {name!r} (have: {', '.join(sorted(DIGESTS))})"
    known = facts(DIGESTS[name])
    assert fact_id in known, f"{place}: {name} has no fact {fact_id!r}"
    if page:
        assert page in URL.findall(known[fact_id]), f"{place}: {name} gives no page {page} in the section of {fact_id}"
        listed = digest.parse(DIGESTS[name]).facts[fact_id].pages  # the pages of its own call, as lint reads them
        assert page in listed, f"{place}: {name} lists {', '.join(listed)} for {fact_id}, not {page}"


def _section(text: str, heading: str) -> str:
    """The text from the heading's line up to the next line that is a known heading."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(heading))
    headings = {"Inleiding", "Doelstellingen", "Budget", "Begunstigden", "Doelgroep", "Eindbegunstigden", "Info & contact"}
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() in headings), len(lines))
    return "\n".join(lines[start:end])


def test_the_checker_catches_a_misquote():
    """The check itself can fail: a changed word is not found."""
    text = TEXTS["call-42-social-activation.nl.txt"]
    assert normal("gemeenten met meer dan 150.000 inwoners") in normal(text)
    assert normal("gemeenten met meer dan 100.000 inwoners") not in normal(text)
    assert "meer dan 150.000" not in normal(_section(text, "Budget"))


def test_the_digest_reads_as_lint_and_the_workbench_read_it():
    """The ids found here are those :mod:`amif_rules.toolkit.lint.digest` finds, each with a
    call, an authority and at least one page of its own section."""
    text = DIGESTS[digest.DIGEST]
    parsed = digest.parse(text).facts
    known = facts(text)
    assert list(parsed) == list(known) and len(parsed) > 40
    for fact_id, fact in parsed.items():
        assert fact_id.startswith(fact.call + ".") and fact.authority, fact_id
        assert fact.pages and set(fact.pages) <= set(URL.findall(known[fact_id])), fact_id
        assert text[fact.start : fact.end].startswith(f"`{fact_id}`")


def test_the_checker_catches_a_wrong_fact_or_page():
    official = "https://www.esf-vlaanderen.be/nl/oproepen/amif-oproep-actief-en-gedeeld-burgerschap"
    good = FACT_CITATION.match(f"calls-beyond-the-seeds.md#427.promotor, {official}")
    assert good
    _check_fact("good", good)
    for wrong in (
        f"calls-beyond-the-seeds.md#427.promoter, {official}",
        "calls-beyond-the-seeds.md#427.promotor, https://www.mi-is.be/nl/subsidies-projectoproepen/projectoproep-amif-voor-sociale-activering-van-nieuwkomers",
        "no-such-digest.md#427.promotor",
    ):
        match = FACT_CITATION.match(wrong)
        assert match
        with pytest.raises(AssertionError):
            _check_fact("wrong", match)
