"""The workbench's source panel for a citation of a fact of the digest,
``calls-beyond-the-seeds.md#<id>[, <page URL>]``: the digest's text, with the fact's list item
as the passage and its call's heading as the heading; citations of ``.txt`` texts as before."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_workbench_api import Client

from amif_rules.service import Settings, create_app
from amif_rules.service.sources import Sources, passage
from amif_rules.toolkit.lint.digest import DIGEST
from conftest import ROOT

SOURCES = Path(os.environ.get("AMIF_SOURCES", ROOT.parent / "shared" / "sources"))
WB = "/v1/workbench"
DRAFT = "call-42-digest-cited"
OFFICIAL_427 = "https://www.esf-vlaanderen.be/nl/oproepen/amif-oproep-actief-en-gedeeld-burgerschap"
CITED = f"{DIGEST}#427.promotor, {OFFICIAL_427}"

pytestmark = pytest.mark.skipif(not (SOURCES / DIGEST).is_file(), reason=f"the digest is not beside this checkout ({SOURCES})")

MESSAGES = 'messages: {pass: {nl: ja, fr: oui, en: "yes"}, fail: {nl: nee, fr: non, en: "no"}}'
DRAFT_YAML = f"""\
id: {DRAFT}
extends: call-42
version: "0.1"
status: draft
title: {{nl: t, fr: t, en: t}}
rules:
  - id: promotor-cited
    check: form.signed
    source: '{CITED}'
    {MESSAGES}
  - id: fact-unknown
    check: form.signed
    source: '{DIGEST}#427.promoter'
    {MESSAGES}
"""


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    made = Client(create_app(Settings(workspace=tmp_path / "workspace", sources=SOURCES)))
    yield made
    made.close()


# -- the functions ------------------------------------------------------------------------------


def test_the_passage_of_a_fact_citation():
    assert passage(CITED) == {"file": DIGEST, "heading": None, "quote": None, "fact": "427.promotor", "page": OFFICIAL_427}
    assert passage(f"{DIGEST}#427.promotor")["page"] is None  # type: ignore[index]
    # The first part of several; a .txt citation is read as before.
    assert passage(f'{CITED}; call-42-social-activation.nl.txt, Budget: "75 %"')["fact"] == "427.promotor"  # type: ignore[index]
    assert passage('call-42-social-activation.nl.txt, Budget: "75 %"; ' + CITED) == {
        "file": "call-42-social-activation.nl.txt",
        "heading": "Budget",
        "quote": "75 %",
    }


def test_a_fact_is_found_as_its_list_item_under_its_calls_heading():
    sources = Sources.read(SOURCES)
    assert DIGEST in sources.digests and DIGEST not in sources.texts  # the texts stay the .txt files
    cited = sources.cited(CITED)
    assert cited is not None
    assert (cited["file"], cited["fact"], cited["page"], cited["authority"]) == (DIGEST, "427.promotor", OFFICIAL_427, "official")
    assert cited["heading"] == "427 — Active and shared citizenship (Flemish AMIF 2014-2020)"
    assert cited["text"] == (SOURCES / DIGEST).read_text(encoding="utf-8")
    item = cited["text"][cited["start"] : cited["end"]]
    assert item == "`427.promotor` (official): within the partnership the local government is the promotor."
    assert cited["text"].rfind("## 427 — ", 0, cited["start"]) > cited["text"].rfind("## 426 — ", 0, cited["start"])
    # An item over several lines is whole.
    longer = sources.cited(f"{DIGEST}#426.partnership-experience")
    assert longer is not None and longer["text"][longer["start"] : longer["end"]].endswith(
        "expertise in working with the\n  AMIF target group."
    )


def test_a_fact_the_digest_does_not_have_shows_the_digest_without_a_passage(tmp_path):
    sources = Sources.read(SOURCES)
    cited = sources.cited(f"{DIGEST}#427.promoter")
    assert cited is not None and (cited["start"], cited["end"], cited["heading"], cited["authority"]) == (None, None, None, None)
    assert cited["fact"] == "427.promoter" and cited["text"].startswith("# Calls beyond the five texts")
    # A folder without the digest has no text for the citation.
    (tmp_path / "call-42-social-activation.nl.txt").write_text("Budget\n", encoding="utf-8")
    assert Sources.read(tmp_path).cited(CITED) is None
    assert Sources.read(None).cited(CITED) is None


def test_txt_citations_are_found_as_before():
    sources = Sources.read(SOURCES)
    cited = sources.cited('call-42-social-activation.nl.txt, Eindbegunstigden: "gemeenten met meer dan 150.000 inwoners"')
    assert cited is not None and set(cited) == {"file", "heading", "quote", "text", "start", "end"}
    assert cited["text"][cited["start"] : cited["end"]] == "gemeenten met meer dan 150.000 inwoners"


# -- through the workbench -----------------------------------------------------------------------


def test_the_workbench_shows_a_cited_fact(client: Client):
    assert client("POST", f"{WB}/drafts", json={"base": "call-42", "id": DRAFT}).status_code == 201
    saved = client("PUT", f"{WB}/drafts/{DRAFT}", json={"yaml": DRAFT_YAML})
    assert saved.status_code == 200, saved.text
    # Lint as the editor types: the unknown fact is named, with the id it is close to.
    findings = [f for f in saved.json()["findings"] if f["code"] in ("AR204", "AR205", "AR207")]
    assert [(f["code"], f["hint"]) for f in findings] == [("AR207", "did you mean 427.promotor?")]

    view = client("GET", f"{WB}/rulesets/{DRAFT}").json()
    rule = next(r for r in view["rules"] if r["id"] == "promotor-cited")
    assert rule["source"] == CITED and rule["passage"]["fact"] == "427.promotor"

    shown = client("GET", f"{WB}/rulesets/{DRAFT}/sources/promotor-cited").json()
    assert shown["heading"].startswith("427 — ") and shown["authority"] == "official" and shown["page"] == OFFICIAL_427
    assert shown["text"][shown["start"] : shown["end"]].startswith("`427.promotor` (official)")
    unknown = client("GET", f"{WB}/rulesets/{DRAFT}/sources/fact-unknown").json()
    assert unknown["start"] is None and unknown["fact"] == "427.promoter"
    # call 42's own rules still show their passages.
    inherited = client("GET", f"{WB}/rulesets/{DRAFT}/sources/lead-municipality-large").json()
    assert inherited["text"][inherited["start"] : inherited["end"]] == "gemeenten met meer dan 150.000 inwoners"
