"""Citations of the digest's facts, ``calls-beyond-the-seeds.md#<id>[, <page URL>]``: lint
finds the digest (AR204 when it is not there), the fact (AR207, with a did-you-mean) and the
page (AR207 when the digest does not list it under the fact's call, naming those it lists).
The digest is read by :mod:`amif_rules.toolkit.lint.digest`, also for the workbench."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from amif_rules.toolkit.lint import lint
from amif_rules.toolkit.lint.digest import DIGEST, FACT_CITATION, parse

ROOT = Path(__file__).resolve().parents[2]
SOURCES = Path(os.environ.get("AMIF_SOURCES", ROOT.parent / "shared" / "sources"))
OFFICIAL_427 = "https://www.esf-vlaanderen.be/nl/oproepen/amif-oproep-actief-en-gedeeld-burgerschap"
NOTICE_427 = "https://vleva.eu/nl/eu-algemeen/justitie-en-burgerschap/calls/amif-actief-en-gedeeld-burgerschap"
PODMI = "https://www.mi-is.be/nl/subsidies-projectoproepen/projectoproep-amif-voor-sociale-activering-van-nieuwkomers"

HEAD = """\
id: tiny
version: "1"
call: "427"
title: {{nl: t, fr: t, en: t}}
source: call-42-social-activation.nl.txt
rules:
  - id: signed
    check: form.signed
    source: '{source}'
    messages: {{pass: {{nl: ja, fr: oui, en: "yes"}}, fail: {{nl: nee, fr: non, en: "no"}}}}
"""
SOURCE_LINE = 9  # the line of the rule's source: in HEAD

#: A digest of two calls, written as the real one is.
SMALL = """\
# A digest

Cite a fact as `small.md#1.promotor`.

- **official**: the managing authority's page.

## 1 — A call
Pages: official https://example.org/call-1 ;
notices https://example.org/notice-a ,
https://example.org/notice-b

- `1.promotor` (official): a local government is the promotor,
  alone or with others.
- `1.budget` (notice): 100,000.
- Not known: the deadline.

## Calls of other texts

- `2.lots` (notice, https://example.org/call-2): two lots.
- `2.dates` (notice): until 1 May.
- `3.closed` (official, https://example.org/call-3): a closed call.
"""

needs_sources = pytest.mark.skipif(not (SOURCES / DIGEST).is_file(), reason=f"the digest is not beside this checkout ({SOURCES})")


def draft(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(HEAD.format(source=source), encoding="utf-8")
    return path


def beyond(findings) -> list:
    return [f for f in findings if f.code in ("AR204", "AR205", "AR207")]


# -- the digest, read ---------------------------------------------------------------------------


def test_the_digest_is_read_into_facts_with_their_pages():
    parsed = parse(SMALL)
    assert list(parsed.facts) == ["1.promotor", "1.budget", "2.lots", "2.dates", "3.closed"]
    promotor = parsed.facts["1.promotor"]
    assert promotor.call == "1" and promotor.authority == "official" and promotor.heading == "1 — A call"
    assert promotor.pages == {
        "https://example.org/call-1": "official",
        "https://example.org/notice-a": "notice",
        "https://example.org/notice-b": "notice",
    }
    assert (
        SMALL[promotor.start : promotor.end]
        == "`1.promotor` (official): a local government is the promotor,\n  alone or with others."
    )
    # Without a Pages: line, a call's pages are those its facts name in their brackets.
    assert parsed.facts["2.dates"].pages == {"https://example.org/call-2": "notice"}
    assert parsed.facts["3.closed"].pages == {"https://example.org/call-3": "official"}
    assert parsed.facts["2.lots"].authority == "notice"


def test_the_citation_of_a_fact():
    match = FACT_CITATION.match(f"{DIGEST}#427.promotor, {OFFICIAL_427}")
    assert match and (match["file"], match["id"], match["page"], match["rest"]) == (DIGEST, "427.promotor", OFFICIAL_427, "")
    bare = FACT_CITATION.match(f"{DIGEST}#427.promotor")
    assert bare and bare["page"] is None and not bare["rest"]
    assert FACT_CITATION.match("call-42-social-activation.nl.txt, Budget") is None


@needs_sources
def test_the_real_digest_has_the_facts_the_issue_names():
    facts = parse((SOURCES / DIGEST).read_text(encoding="utf-8")).facts
    assert {
        "427.promotor",
        "426.grant-range",
        "507.own-financing",
        "579.documents",
        "podmi-sa.applicants",
        "31.amif-share",
    } <= set(facts)
    assert facts["427.promotor"].authority == "official" and facts["427.promotor"].pages[OFFICIAL_427] == "official"
    assert facts["426.commitment"].authority == "official + notice"
    assert facts["31.awarded"].authority == "grant decision"
    assert list(facts["podmi-sa.partnership"].pages) == [PODMI]


# -- lint ---------------------------------------------------------------------------------------


@needs_sources
@pytest.mark.parametrize(
    "source",
    [
        f"{DIGEST}#427.promotor, {OFFICIAL_427}",
        f"{DIGEST}#427.grant-range, {NOTICE_427}",
        f"{DIGEST}#427.promotor",
        f'call-42-social-activation.nl.txt, Eindbegunstigden: "gemeenten met meer dan 150.000 inwoners"; {DIGEST}#podmi-sa.applicants, {PODMI}',
    ],
)
def test_a_fact_the_digest_has_is_not_reported(tmp_path, source):
    assert beyond(lint(draft(tmp_path, source), sources=SOURCES)) == []


@needs_sources
def test_a_fact_the_digest_does_not_have(tmp_path):
    path = draft(tmp_path, f"{DIGEST}#427.promoter, {OFFICIAL_427}")
    (finding,) = beyond(lint(path, sources=SOURCES))
    assert finding.code == "AR207" and finding.severity == "warning"
    assert finding.message == f"{DIGEST} has no fact '427.promoter'"
    assert finding.hint == "did you mean 427.promotor?"
    assert finding.location == f"{path}:{SOURCE_LINE}:13"


@needs_sources
def test_a_page_the_digest_does_not_list_for_the_call(tmp_path):
    path = draft(tmp_path, f"{DIGEST}#427.promotor, {PODMI}")
    (finding,) = beyond(lint(path, sources=SOURCES))
    assert finding.code == "AR207"
    assert PODMI in finding.message and "427 — Active and shared citizenship" in finding.message
    assert f"page of 427: official {OFFICIAL_427}" in finding.details
    assert len(finding.details) == 4  # the official page and three notices
    # A page nearly right is named.
    near = draft(tmp_path, f"{DIGEST}#427.promotor, {OFFICIAL_427}-x")
    (finding,) = beyond(lint(near, sources=SOURCES))
    assert finding.code == "AR207" and finding.hint == f"did you mean {OFFICIAL_427}?"


def test_a_page_of_another_call_in_the_same_section(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "call-42-social-activation.nl.txt").write_text("Budget\n", encoding="utf-8")
    (sources / "small.md").write_text(SMALL, encoding="utf-8")
    fine = draft(tmp_path, "small.md#2.dates, https://example.org/call-2")
    assert beyond(lint(fine, sources=sources)) == []
    wrong = draft(tmp_path, "small.md#2.dates, https://example.org/call-3")
    (finding,) = beyond(lint(wrong, sources=sources))
    assert finding.code == "AR207" and finding.details == ("page of 2: notice https://example.org/call-2",)


def test_a_citation_with_more_after_the_page(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "call-42-social-activation.nl.txt").write_text("Budget\n", encoding="utf-8")
    (sources / "small.md").write_text(SMALL, encoding="utf-8")
    path = draft(tmp_path, "small.md#1.promotor, https://example.org/call-1 (the official page)")
    (finding,) = beyond(lint(path, sources=sources))
    assert finding.code == "AR207" and "is not a citation of a fact" in finding.message


def test_the_digest_missing_from_the_folder(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "call-42-social-activation.nl.txt").write_text("Budget\n", encoding="utf-8")
    path = draft(tmp_path, f"{DIGEST}#427.promotor, {OFFICIAL_427}")
    (finding,) = beyond(lint(path, sources=sources))
    assert finding.code == "AR204" and DIGEST in finding.message
    assert finding.location == f"{path}:{SOURCE_LINE}:13"
    # Without the folder, citations are not checked.
    assert beyond(lint(path, sources=tmp_path / "nowhere")) == []


@needs_sources
def test_a_copy_of_the_real_folder_is_read_as_the_real_one(tmp_path, monkeypatch):
    """The folder is found beside the ruleset (``shared/sources`` above it), as for texts."""
    shared = tmp_path / "shared" / "sources"
    shutil.copytree(SOURCES, shared)
    folder = tmp_path / "drafts"
    folder.mkdir()
    path = draft(folder, f"{DIGEST}#427.promoter")
    monkeypatch.delenv("AMIF_SOURCES", raising=False)
    (finding,) = beyond(lint(path))
    assert finding.code == "AR207" and finding.hint == "did you mean 427.promotor?"
