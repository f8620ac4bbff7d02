"""The impact of a draft over a portfolio (amif_rules.toolkit.impact), its reports, the CLI,
and the bundled sample portfolio of every Belgian OCMW."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import struct
import subprocess
import sys
import zlib

import pytest

import amif_rules
from amif_rules.batch import Progress
from amif_rules.cli import impact as impact_cli
from amif_rules.reference.municipalities import register
from amif_rules.toolkit.impact import (
    ImpactReport,
    Side,
    impact,
    parse_sweep,
    resolve_ruleset,
    sweep,
    sweep_values,
    with_parameter,
)
from amif_rules.toolkit.portfolio import applicant_name, sample_portfolio, write_portfolio
from conftest import ENGINES, ROOT, eligible

BASE = ROOT / "rulesets" / "call-42.yaml"
DRAFT = ROOT / "rulesets" / "drafts" / "call-42-threshold-100000.yaml"
SAMPLE = ROOT / "examples" / "portfolios" / "call-42-all-ocmws.jsonl"
DOCS_IMAGE = ROOT / "docs" / "images" / "call-42-lead-threshold-sweep.png"
REGISTER_DATE = dt.date(2019, 1, 1)


def _records():
    return register.on(REGISTER_DATE)


def _expected_flips() -> dict[str, int]:
    """OCMW name -> population, for the municipalities of 100,001 to 150,000 inhabitants."""
    return {applicant_name(r)[0]: r.population for r in _records() if 100_000 < r.population <= 150_000}


def _large() -> dict[str, int]:
    return {applicant_name(r)[0]: r.population for r in _records() if r.population > 150_000}


@pytest.fixture(scope="module", params=ENGINES)
def report(request) -> ImpactReport:
    return impact(BASE, DRAFT, SAMPLE, lang="en", engine=request.param)


@pytest.fixture(scope="module")
def swept() -> ImpactReport:
    return impact(BASE, DRAFT, SAMPLE, lang="en", engine="python", sweep=("lead_min_population", range(50_000, 200_001, 10_000)))


# -- the sample portfolio ---------------------------------------------------------------------------


def test_the_sample_portfolio_is_the_register_one_ocmw_each():
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(_records()) == 581
    buffer = io.StringIO()
    assert write_portfolio(buffer) == 581
    assert buffer.getvalue() == SAMPLE.read_text(encoding="utf-8"), (
        "the bundled sample is out of date: regenerate it with "
        "amif-rules portfolio --output examples/portfolios/call-42-all-ocmws.jsonl"
    )
    documents = [json.loads(line) for line in lines]
    assert [d["applicant"]["municipality"]["nis_code"] for d in documents] == [r.nis_code for r in _records()]
    assert all("population" not in d["applicant"]["municipality"] for d in documents)
    assert all(d["applicant"]["kind"] == "ocmw" and d["call"] == "42" for d in documents)
    by_code = {d["applicant"]["municipality"]["nis_code"]: d["applicant"]["name"] for d in documents}
    assert by_code["11002"] == "OCMW Antwerpen" and by_code["62063"] == "CPAS Liège"


def test_every_sample_application_passes_every_rule_but_the_population(engine):
    """With no population threshold, all 581 are eligible; under call 42, only the five large ones."""
    result = sweep(BASE, "lead_min_population", [0, 150_000], SAMPLE, engine=engine)
    assert result.eligible() == [(0, 581), (150_000, len(_large()))]
    assert len(_large()) == 5
    verdict = amif_rules.check(next(sample_portfolio()), lang="en", engine=engine)
    assert [r.id for r in verdict.rules if r.outcome not in ("pass", "not_applicable")] == ["lead-municipality-large"]


# -- the 100,000 draft over the sample --------------------------------------------------------------


def test_the_draft_flips_exactly_the_ocmws_of_100001_to_150000_inhabitants(report):
    expected = _expected_flips()
    assert len(expected) == 5  # Anderlecht, Schaarbeek, Leuven, Brugge, Namur
    assert {flip.applicant: flip.changes[0].fields["applicant.municipality.population"] for flip in report.flips} == expected
    for flip in report.flips:
        assert (flip.before, flip.after) == ("ineligible", "eligible")
        assert len(flip.changes) == 1
        change = flip.changes[0]
        assert (change.rule, change.item, change.before, change.after) == ("lead-municipality-large", None, "fail", "pass")
        assert [(p.name, p.base, p.draft) for p in change.parameters] == [("lead_min_population", 150_000, 100_000)]
        assert "more than 100,000" in change.message_after
        assert flip.document.startswith(str(SAMPLE) + ":")


def test_the_flips_have_one_cause(report):
    (cause,) = report.causes
    assert cause.label == "lead-municipality-large: fail → pass"
    assert cause.transitions == {"ineligible → eligible": 5}
    assert {flip.applicant for flip in cause.flips} == set(_expected_flips())
    assert [(p.name, p.base, p.draft) for p in cause.parameters] == [("lead_min_population", 150_000, 100_000)]


def test_counts(report):
    flips = len(_expected_flips())
    assert report.documents == 581 and report.errors == 0 and report.checked == 581
    assert report.before == {"eligible": 5, "ineligible": 576, "incomplete": 0}
    assert report.after == {"eligible": 5 + flips, "ineligible": 576 - flips, "incomplete": 0}
    assert report.changed == flips
    assert report.unchanged_with_rule_changes == 0
    assert [(p.name, p.base, p.draft) for p in report.parameters] == [("lead_min_population", 150_000, 100_000)]
    assert report.rules_added == report.rules_removed == report.rules_modified == ()
    deltas = {delta.rule: delta for delta in report.rules}
    lead = deltas["lead-municipality-large"]
    assert lead.before["pass"] == 5 and lead.after["pass"] == 5 + flips and lead.changed == flips
    assert lead.transitions == {"fail → pass": flips}
    assert [d.rule for d in report.rules if d.changed] == ["lead-municipality-large"]
    assert deltas["participant-legal-residence"].before["pass"] == 581


def test_text_names_the_ocmws_with_their_populations(report):
    text = report.to_text()
    assert "5 applications change outcome." in text
    assert "Cause 1: lead-municipality-large: fail → pass (5 applications; ineligible → eligible: 5)" in text
    assert "parameter lead_min_population: 150,000 → 100,000" in text
    for name, population in _expected_flips().items():
        line = next(line for line in text.splitlines() if line.strip().startswith(name + " "))
        assert f"applicant.municipality.population = {population:,}" in line
    dutch = report.to_text("nl")
    assert "5 aanvragen krijgen een andere uitkomst." in dutch and "= 101.624" in dutch


def test_json_structure(report):
    data = json.loads(report.to_json())
    assert set(data) == {
        "base",
        "draft",
        "parameters",
        "rules_added",
        "rules_removed",
        "rules_modified",
        "portfolio",
        "outcomes",
        "changed",
        "unchanged_with_rule_changes",
        "causes",
        "flips",
        "rules",
        "errors",
        "sweep",
        "lang",
    }
    assert data["base"]["id"] == "call-42" and data["draft"] == {
        "id": "call-42-threshold-100000",
        "version": "1-draft",
        "status": "draft",
        "call": "42",
        "file": str(DRAFT),
    }
    assert data["portfolio"] == {"source": str(SAMPLE), "documents": 581, "checked": 581, "errors": 0}
    assert data["outcomes"]["before"]["eligible"] == 5 and data["changed"] == 5
    assert data["parameters"] == [
        {"name": "lead_min_population", "type": "integer", "base": 150000, "draft": 100000, "changed": True}
    ]
    (cause,) = data["causes"]
    assert cause["cause"] == "lead-municipality-large: fail → pass" and cause["count"] == 5
    assert cause["rules"] == [{"id": "lead-municipality-large", "before": "fail", "after": "pass"}]
    assert len(cause["documents"]) == 5
    flip = data["flips"][0]
    assert set(flip) == {"document", "applicant", "municipality", "before", "after", "cause", "rules"}
    (rule,) = flip["rules"]
    assert set(rule) == {
        "id",
        "item",
        "before",
        "after",
        "severity_before",
        "severity_after",
        "decisive",
        "fields",
        "parameters",
        "message_before",
        "message_after",
    }
    assert rule["decisive"] is True and rule["severity_before"] == rule["severity_after"] == "error"
    assert rule["fields"] == {"applicant.municipality.population": _expected_flips()[flip["applicant"]]}
    assert rule["parameters"][0]["base"] == 150000 and rule["parameters"][0]["draft"] == 100000
    assert {r["id"] for r in data["rules"]} >= {"lead-municipality-large", "form-signed"}
    assert data["errors"] == [] and data["sweep"] is None


def test_the_sample_flips_the_same_under_both_engines():
    if len(ENGINES) < 2:
        pytest.skip("durable-rules is not available here")
    reports = [impact(BASE, DRAFT, SAMPLE, lang="en", engine=name) for name in ENGINES]
    assert reports[0].to_dict() == reports[1].to_dict()


# -- sweeps -----------------------------------------------------------------------------------------


def test_the_eligible_count_does_not_rise_with_the_threshold(swept):
    points = swept.sweep.eligible()
    assert [value for value, _ in points] == list(range(50_000, 200_001, 10_000))
    counts = [count for _, count in points]
    assert all(a >= b for a, b in zip(counts, counts[1:]))
    at = dict(points)
    assert at[100_000] == 5 + len(_expected_flips()) == swept.after["eligible"]
    assert at[150_000] == 5 == swept.before["eligible"]
    records = _records()
    for value, count in points:
        assert count == sum(1 for r in records if r.population > value)
    assert swept.sweep.current == 100_000 and swept.sweep.base_value == 150_000
    assert all(sum(point.counts.values()) == 581 for point in swept.sweep)


def test_sweep_of_a_published_ruleset_alone(engine):
    result = sweep("call-42", "lead_min_population", [100_000, 150_000], SAMPLE, engine=engine)
    assert [(value, counts["eligible"]) for value, counts in result] == [(100_000, 10), (150_000, 5)]
    assert result.current == 150_000 and result.base_value is None
    data = result.to_dict()
    assert data["points"][0] == {"value": 100000, "outcomes": {"eligible": 10, "ineligible": 571, "incomplete": 0}}


def test_sweep_values_and_their_errors():
    assert sweep_values("50000..80000:10000", "integer") == [50_000, 60_000, 70_000, 80_000]
    assert sweep_values("1..2:3", "integer") == [1]
    from decimal import Decimal

    assert sweep_values("0.70..0.80:0.05", "share") == [Decimal("0.70"), Decimal("0.75"), Decimal("0.80")]
    assert parse_sweep("lead_min_population=1..2:1") == ("lead_min_population", "1..2:1")
    for bad, message in [
        ("5..1:1", "less than FROM"),
        ("1..5:0", "more than 0"),
        ("1-5:1", "FROM..TO:STEP"),
        ("1.5..3:1", "whole number"),
        ("x..3:1", "number"),
        ("0..10000000:1", "at most"),
    ]:
        with pytest.raises(ValueError, match=message):
            sweep_values(bad, "integer")
    with pytest.raises(ValueError, match="at most two decimals"):
        sweep_values("0.001..1:1", "money")
    with pytest.raises(ValueError, match="PARAM=FROM..TO:STEP"):
        parse_sweep("50000..100000:1000")


def test_with_parameter_overrides_an_inherited_parameter():
    draft = resolve_ruleset(DRAFT)
    variant = with_parameter(draft, "amif_max_share", "0.80")
    assert str(variant.parameters["amif_max_share"].value) == "0.80"
    assert variant.parameters["lead_min_population"].value == 100_000
    assert variant.version == "1-draft+amif_max_share=0.80"
    assert [r.id for r in variant.rules] == [r.id for r in draft.rules]
    with pytest.raises(ValueError, match="no parameter 'lead_min_populaton'"):
        with_parameter(draft, "lead_min_populaton", 1)
    with pytest.raises(ValueError, match="of type instant"):
        with_parameter(draft, "deadline", 1)


# -- HTML and PNG -----------------------------------------------------------------------------------


def test_html_is_self_contained(swept):
    page = swept.to_html()
    lowered = page.lower()
    assert page.startswith("<!DOCTYPE html>")
    for resource in ("http://", "https://", "<script", "<link", "@import", "url(", " src=", "href="):
        assert resource not in lowered, resource
    assert "default-src 'none'" in page
    assert '<table id="flips">' in page and '<table id="causes">' in page and '<table id="outcomes">' in page
    assert page.count('<tr class="flip"') == 5
    assert '<svg id="sweep-chart"' in page and "<polyline" in page and page.count("<circle") == 16
    assert 'class="marker marker-own"' in page and "draft: 100,000" in page and "base: 150,000" in page
    for name in _expected_flips():
        assert f'<span class="applicant">{name}</span>' in page


def test_html_escapes_what_comes_from_documents(tmp_path):
    document = dict(next(sample_portfolio()))
    document["applicant"] = {**document["applicant"], "name": "<script>alert('x')</script> & Co"}
    document["applicant"]["municipality"] = {"nis_code": "24062", "name": "Leuven"}
    page = impact(BASE, DRAFT, [document], lang="en", engine="python").to_html()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Co" in page


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks.append((kind, body))
        offset += 12 + length
    return chunks


def test_png_is_a_valid_png(swept):
    data = swept.sweep.to_png("en")
    chunks = _png_chunks(data)
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, color, _, _, _ = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (width, height, depth, color) == (900, 500, 8, 2)
    raw = zlib.decompress(chunks[1][1])
    assert len(raw) == height * (1 + 3 * width)
    pixels = {raw[i : i + 3] for row in range(height) for i in range(row * (1 + 3 * width) + 1, (row + 1) * (1 + 3 * width), 3)}
    assert bytes.fromhex("1f5fbf") in pixels and bytes.fromhex("d9480f") in pixels  # the series, the draft's marker
    assert data == swept.sweep.to_png("en")  # deterministic


def test_the_chart_in_the_docs_is_the_one_the_code_draws(swept):
    assert DOCS_IMAGE.read_bytes() == swept.sweep.to_png("en"), (
        "docs/images/call-42-lead-threshold-sweep.png is out of date; regenerate it with the sweep command of "
        "docs/tutorial-draft-impact.md"
    )


# -- portfolios: streams, folders, bad input -------------------------------------------------------------


def _lines(count: int) -> list[str]:
    return SAMPLE.read_text(encoding="utf-8").splitlines()[:count]


def test_streaming_from_jsonl_a_folder_an_iterable_and_stdin(tmp_path):
    lines = [
        line
        for line in SAMPLE.read_text(encoding="utf-8").splitlines()
        if json.loads(line)["applicant"]["municipality"]["nis_code"] in ("24062", "31005", "11002", "11001")
    ]
    jsonl = tmp_path / "four.jsonl"
    jsonl.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    folder = tmp_path / "four"
    folder.mkdir()
    for index, line in enumerate(lines):
        (folder / f"{index}.json").write_text(line, encoding="utf-8")
    (folder / "notes.txt").write_text("not an application", encoding="utf-8")
    from_jsonl = impact(BASE, DRAFT, jsonl, lang="en", engine="python")
    from_folder = impact(BASE, DRAFT, folder, lang="en", engine="python")
    from_iterable = impact(BASE, DRAFT, (json.loads(line) for line in lines), lang="en", engine="python")
    for result in (from_jsonl, from_folder, from_iterable):
        assert result.documents == 4 and result.errors == 0
        assert result.before["eligible"] == 1 and result.after["eligible"] == 3
        assert sorted(flip.applicant for flip in result.flips) == ["OCMW Brugge", "OCMW Leuven"]
    assert [flip.document for flip in from_jsonl.flips] == [f"{jsonl}:3", f"{jsonl}:4"]
    assert sorted(flip.document for flip in from_folder.flips) == [str(folder / "2.json"), str(folder / "3.json")]
    assert [flip.document for flip in from_iterable.flips] == ["#3", "#4"]
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "amif_rules.cli",
            "impact",
            "call-42",
            "call-42-threshold-100000",
            "-",
            "--format",
            "json",
            "--engine",
            "python",
        ],
        input="\n".join(lines).encode(),
        capture_output=True,
        env=_env(),
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    data = json.loads(completed.stdout)
    assert data["portfolio"]["source"] == "stdin" and data["changed"] == 2
    assert [flip["document"] for flip in data["flips"]] == ["stdin:3", "stdin:4"]


def test_input_errors_are_counted_and_listed_not_fatal(tmp_path):
    good = _lines(3)
    leuven = next(line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if '"24062"' in line)
    bad = [
        "{not json",
        json.dumps(eligible(budget={"amif": "1.234,56"})),
        json.dumps({**json.loads(good[0]), "call": "320"}),
        json.dumps({**json.loads(good[0]), "applicant": {"kind": "OCMW"}}),
    ]
    portfolio = tmp_path / "mixed.jsonl"
    portfolio.write_text("\n".join([good[0], bad[0], good[1], bad[1], leuven, bad[2], good[2], bad[3]]) + "\n", encoding="utf-8")
    result = impact(BASE, DRAFT, portfolio, lang="en", engine="python")
    assert result.documents == 8 and result.errors == 4 and result.checked == 4
    assert [bad.document for bad in result.bad_documents] == [f"{portfolio}:{n}" for n in (2, 4, 6, 8)]
    paths = [[path for path, _ in bad.problems] for bad in result.bad_documents]
    assert paths[1] == ["budget.amif"] and paths[2] == ["call"] and paths[3] == ["applicant.kind"]
    assert "call 320" in result.bad_documents[2].problems[0][1]
    assert [flip.applicant for flip in result.flips] == ["OCMW Leuven"]
    text = result.to_text()
    assert "Documents with bad input (4):" in text and f"{portfolio}:4: budget.amif: expected an amount" in text
    data = result.to_dict()
    assert data["portfolio"]["errors"] == 4 and data["errors"][1]["problems"][0]["path"] == "budget.amif"
    assert 'id="errors"' in result.to_html()
    out, err, status = _cli(["impact", str(BASE), str(DRAFT), str(portfolio), "--lang", "en", "--engine", "python"])
    assert status == 0 and "Documents with bad input (4):" in out


def test_many_input_errors_are_counted_but_only_the_first_listed(tmp_path):
    from amif_rules.toolkit import impact as module

    portfolio = tmp_path / "bad.jsonl"
    portfolio.write_text("{oops\n" * (module.MAX_LISTED_ERRORS + 7), encoding="utf-8")
    result = impact(BASE, DRAFT, portfolio, lang="en", engine="python")
    assert result.errors == module.MAX_LISTED_ERRORS + 7 and len(result.bad_documents) == module.MAX_LISTED_ERRORS
    assert "… and 7 more (only the first 100 are listed)" in result.to_text()


# -- drafts that add, change and remove rules --------------------------------------------------------------

_RULE_DRAFT = """
id: call-42-rules-draft
version: "1-draft"
extends: call-42
call: "42"
status: draft
title: {nl: Ontwerp, fr: Projet, en: Draft}
parameters:
  max_duration:
    value: 12
    type: integer
    source: 'call-42-social-activation.nl.txt, Budget: "a maximum duration, invented for this test"'
remove_rules: [form-complete]
rules:
  - id: form-signed
    severity: warning
  - id: duration-max
    check: duration_months <= max_duration
    source: 'call-42-social-activation.nl.txt, Budget: "a maximum duration, invented for this test"'
    messages:
      pass: {nl: "ja", fr: "oui", en: "{duration_months} months"}
      fail: {nl: "nee", fr: "non", en: "{duration_months} months, more than {max_duration}"}
"""


def test_a_draft_that_adds_changes_and_removes_rules(tmp_path, engine):
    draft = tmp_path / "call-42-rules-draft.yaml"
    draft.write_text(_RULE_DRAFT, encoding="utf-8")
    sample = [json.loads(line) for line in _lines(2)]  # Aartselaar (too small), Antwerpen (eligible)
    documents = [
        eligible(),  # 24 months: eligible -> ineligible (the new rule)
        eligible(duration_months=6),  # stays eligible; form-complete: pass -> absent
        eligible(form={"complete": False, "signed": True}, duration_months=6),  # ineligible -> eligible (rule removed)
        eligible(form={"complete": True, "signed": False}, duration_months=6),  # ineligible -> eligible (now a warning)
        *sample,
    ]
    result = impact(BASE, draft, documents, lang="en", engine=engine)
    assert result.rules_added == ("duration-max",)
    assert result.rules_removed == ("form-complete",)
    assert result.rules_modified == ("form-signed",)
    assert [(p.name, p.base, p.draft) for p in result.parameters] == [("max_duration", None, 12)]  # new
    assert result.before == {"eligible": 3, "ineligible": 3, "incomplete": 0}
    assert result.after == {"eligible": 3, "ineligible": 3, "incomplete": 0}
    assert [flip.document for flip in result.flips] == ["#1", "#3", "#4", "#6"]
    by_cause = {cause.label: [flip.document for flip in cause.flips] for cause in result.causes}
    assert by_cause == {
        "duration-max: absent → fail": ["#1", "#6"],
        "form-complete: fail → absent": ["#3"],
        "form-signed: fail → fail (warning)": ["#4"],
    }
    first = result.flips[0]
    assert [(c.rule, c.before, c.after, c.decisive) for c in first.changes] == [
        ("duration-max", "absent", "fail", True),
        ("form-complete", "pass", "absent", False),
    ]
    change = first.changes[0]
    assert change.fields == {"duration_months": 24} and change.message_before is None
    assert change.message_after == "24 months, more than 12"
    assert [(p.name, p.base, p.draft) for p in change.parameters] == [("max_duration", None, 12)]
    deltas = {delta.rule: delta for delta in result.rules}
    assert deltas["duration-max"].before == {"pass": 0, "fail": 0, "unknown": 0, "not_applicable": 0}
    assert deltas["duration-max"].after == {"pass": 3, "fail": 3, "unknown": 0, "not_applicable": 0}
    assert deltas["form-complete"].transitions == {"fail → absent": 1, "pass → absent": 5}
    assert result.unchanged_with_rule_changes == 2  # #2 and Aartselaar: form-complete removed, same verdict
    text = result.to_text()
    assert "rule added: duration-max" in text and "rule removed: form-complete" in text
    assert "rule changed: form-signed" in text and "parameter max_duration: — → 12" in text


def test_the_fast_evaluation_agrees_with_check(engine):
    """impact() counts from the engines' outcomes alone; they must be what check() says."""
    base, draft = resolve_ruleset(BASE), resolve_ruleset(DRAFT)
    documents = [json.loads(p.read_text()) for p in sorted((ROOT / "examples").glob("call-42-*.json"))]
    documents += [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()[::37]]
    documents += [eligible(partners=[]), eligible(participants=None), {"call": "42"}]
    for ruleset in (base, draft):
        side = Side(ruleset, engine, None)
        for document in documents:
            application = amif_rules.read_application(document)
            outcome, results = side.evaluate(application)
            verdict = amif_rules.check(application, engine=engine, ruleset=ruleset)
            assert outcome == verdict.outcome
            assert {key: value[0] for key, value in results.items()} == {(r.id, r.item): r.outcome for r in verdict.rules}


def test_the_on_date_is_passed_on():
    late = eligible(submitted_at="2019-09-03T10:00:00+02:00")
    assert impact(BASE, DRAFT, [late], engine="python").before["ineligible"] == 1
    assert impact(BASE, DRAFT, [late], engine="python", on=dt.date(2019, 9, 1)).before["ineligible"] == 1


# -- progress on a terminal only ------------------------------------------------------------------------------


class _Stream(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_only_on_a_terminal():
    terminal, pipe = _Stream(True), _Stream(False)
    impact(BASE, DRAFT, SAMPLE, engine="python", progress=Progress(terminal))
    impact(BASE, DRAFT, SAMPLE, engine="python", progress=Progress(pipe))
    assert "\rchecked 581 documents" in terminal.getvalue() and terminal.getvalue().endswith("\n")
    assert pipe.getvalue() == ""
    swept_terminal = _Stream(True)
    sweep(BASE, "lead_min_population", [100_000], SAMPLE, engine="python", progress=Progress(swept_terminal))
    assert "checked 581 documents" in swept_terminal.getvalue()


@pytest.mark.skipif(os.name != "posix", reason="needs a pseudo-terminal")
def test_the_command_shows_progress_on_a_terminal_and_not_in_a_pipe(tmp_path):
    import pty

    command = [
        sys.executable,
        "-m",
        "amif_rules.cli",
        "impact",
        "call-42",
        str(DRAFT),
        str(SAMPLE),
        "--engine",
        "python",
        "--output",
        str(tmp_path / "report.txt"),
    ]
    master, slave = pty.openpty()
    try:
        completed = subprocess.run(command, stderr=slave, stdout=subprocess.DEVNULL, env=_env(), timeout=120)
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
    assert completed.returncode == 0
    assert b"\rchecked 581 documents" in shown
    piped = subprocess.run(command, capture_output=True, env=_env(), timeout=120)
    assert piped.returncode == 0 and b"checked" not in piped.stderr


# -- the command ----------------------------------------------------------------------------------------------


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])))


def _cli(argv: list[str], stdin: str = "") -> tuple[str, str, int]:
    completed = subprocess.run(
        [sys.executable, "-m", "amif_rules.cli", *argv], capture_output=True, text=True, input=stdin, env=_env(), timeout=120
    )
    return completed.stdout, completed.stderr, completed.returncode


def test_the_command_writes_text_json_html_and_png(tmp_path):
    html_file, png = tmp_path / "impact.html", tmp_path / "sweep.png"
    out, err, status = _cli(
        [
            "impact",
            "rulesets/call-42.yaml",
            "rulesets/drafts/call-42-threshold-100000.yaml",
            "examples/portfolios/call-42-all-ocmws.jsonl",
            "--lang",
            "en",
            "--engine",
            "python",
            "--sweep",
            "lead_min_population=50000..200000:10000",
            "--format",
            "html",
            "--output",
            str(html_file),
            "--png",
            str(png),
        ]
    )
    assert status == 0, err
    assert out == "" and err == f"amif-rules: wrote {html_file}\namif-rules: wrote {png}\n"
    assert '<table id="flips">' in html_file.read_text(encoding="utf-8")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out, err, status = _cli(["impact", "42", "call-42-threshold-100000", str(SAMPLE), "--lang", "en"])
    assert status == 0 and err == "" and "5 applications change outcome." in out
    out, _, status = _cli(["impact", "call-42", str(DRAFT), str(SAMPLE), "--format", "json"])
    assert status == 0 and json.loads(out)["changed"] == 5


@pytest.mark.parametrize(
    "argv, message",
    [
        (["impact", "call-42", "nosuch-draft", str(SAMPLE)], "no ruleset file 'nosuch-draft'"),
        (["impact", "call-42", str(DRAFT), "nosuch.jsonl"], "no portfolio 'nosuch.jsonl'"),
        (["impact", "call-42", str(DRAFT), str(SAMPLE), "--png", "x.png"], "--png draws the chart of a sweep"),
        (["impact", "call-42", str(DRAFT), str(SAMPLE), "--sweep", "lead_min_population=9..1:1"], "less than FROM"),
        (["impact", "call-42", str(DRAFT), str(SAMPLE), "--sweep", "nothing=1..2:1"], "has no parameter 'nothing'"),
        (["impact", "call-42", str(DRAFT), str(SAMPLE), "--sweep", "deadline=1..2:1"], "a sweep varies a number"),
        (["impact", "call-42", str(DRAFT), str(SAMPLE), "--format", "pdf"], "invalid choice: 'pdf'"),
        (["impact", "call-42", str(DRAFT)], "the following arguments are required: PORTFOLIO"),
    ],
)
def test_usage_errors_exit_2_without_a_traceback(argv, message):
    out, err, status = _cli(argv)
    assert status == 2 and message in err and "Traceback" not in err and out == ""


def test_a_draft_with_a_mistake_is_a_usage_error(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(DRAFT.read_text(encoding="utf-8").replace("extends: call-42", "extends: call-24"), encoding="utf-8")
    out, err, status = _cli(["impact", "call-42", str(broken), str(SAMPLE)])
    assert status == 2 and "the ruleset cannot be loaded" in err and "no ruleset 'call-24' to extend" in err
    assert "Traceback" not in err
    empty = tmp_path / "empty"
    empty.mkdir()
    out, err, status = _cli(["impact", "call-42", str(DRAFT), str(empty)])
    assert status == 2 and "no applications found" in err


def test_the_portfolio_command_regenerates_the_sample(tmp_path):
    out, err, status = _cli(["portfolio"])
    assert status == 0 and out == SAMPLE.read_text(encoding="utf-8")
    target = tmp_path / "sample" / "ocmws.jsonl"
    out, err, status = _cli(["portfolio", "--output", str(target)])
    assert status == 0 and err == f"amif-rules: wrote 581 applications to {target}\n"
    assert target.read_text(encoding="utf-8") == SAMPLE.read_text(encoding="utf-8")
    out, err, status = _cli(["portfolio", "--date", "2030-01-01"])
    assert status == 2 and "no figures for 2030-01-01" in err


def test_run_dispatches_on_the_command():
    args = impact_cli.build_parser().parse_args(["portfolio", "--output", os.devnull])
    assert impact_cli.run(args) == 0
    args.command = "check"
    assert impact_cli.run(args) == 2


# -- the tutorial shows real output ----------------------------------------------------------------------------

TUTORIAL = ROOT / "docs" / "tutorial-draft-impact.md"


def _tutorial_runs() -> list[tuple[str, list[str]]]:
    """(command, expected output lines) of each ```text block of the tutorial that starts with
    ``$ amif-rules impact`` or ``$ amif-rules check``."""
    runs, block = [], None
    for line in TUTORIAL.read_text(encoding="utf-8").split("\n"):
        if block is None:
            if line == "```text":
                block = []
            continue
        if line == "```":
            if block and block[0].startswith(("$ amif-rules impact ", "$ amif-rules check ")):
                runs.append((block[0][2:], block[1:]))
            block = None
        else:
            block.append(line)
    return runs


def _matches(expected: list[str], actual: list[str]) -> bool:
    import re

    pattern = "".join("(?:[^\n]*\n)*?" if line == "..." else re.escape(line.rstrip()) + "\n" for line in expected)
    return re.fullmatch(pattern, "".join(line.rstrip() + "\n" for line in actual)) is not None


@pytest.mark.parametrize("command, expected", _tutorial_runs(), ids=lambda v: v[:60] if isinstance(v, str) else "")
def test_the_tutorial_shows_the_real_output(command, expected, tmp_path):
    """The tutorial's outputs are in ```text blocks (which the docs test does not run); they
    are checked here, through ``python -m amif_rules.cli``, against this checkout."""
    image = "docs/images/call-42-lead-threshold-sweep.png"
    command = command.replace(image, str(tmp_path / "sweep.png"))
    expected = [line.replace(image, str(tmp_path / "sweep.png")) for line in expected]
    words = command.split()
    assert words[0] == "amif-rules"
    completed = subprocess.run(
        [sys.executable, "-m", "amif_rules.cli", *words[1:]], capture_output=True, text=True, cwd=ROOT, env=_env(), timeout=300
    )
    actual = (completed.stdout + completed.stderr).rstrip("\n").split("\n")
    assert _matches(expected, actual), "\n".join(["expected:", *expected, "got:", *actual])
    if (tmp_path / "sweep.png").exists():
        assert (tmp_path / "sweep.png").read_bytes() == DOCS_IMAGE.read_bytes()
