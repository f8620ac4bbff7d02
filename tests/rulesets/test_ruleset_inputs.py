"""The ``inputs:`` of the ruleset language: every field has a question and a label in three
languages in the bundled base, calls override key by key, a bad entry is refused where it
is, and lint reports a rule input without a question (AR206)."""

from __future__ import annotations

import pytest

import amif_rules
from amif_rules import catalog
from amif_rules.languages import LANGUAGES
from amif_rules.rulesetinputs import input_paths, known_path
from amif_rules.toolkit.lint import lint

BASE = catalog.rulesets_dir() / "application-inputs.yaml"
CONTROLLED = {
    "submitted_at",
    "form.complete",
    "form.signed",
    "budget.total_eligible_cost",
    "budget.amif",
    "budget.grant",
    "budget.cofinancing.pod_mi",
    "budget.cofinancing.flemish_government",
    "budget.cofinancing.own",
    "budget.cofinancing.other",
    "duration_months",
    "theme",
    "results",
    "activities",
    "commitment_signed",
    "documents",
    "partners[].role",
}


def test_the_base_asks_for_every_field_in_three_languages():
    base = amif_rules.load_ruleset(BASE)
    assert base.abstract and base.rules == ()
    assert sorted(base.inputs) == sorted(input_paths())
    for path, described in base.inputs.items():
        assert set(described.question) == set(LANGUAGES), path
        assert set(described.label) == set(LANGUAGES), path
    assert {path for path, d in base.inputs.items() if d.applicant_controls} == CONTROLLED


@pytest.mark.parametrize("path", catalog.ruleset_files(), ids=lambda p: p.name)
def test_every_bundled_ruleset_has_a_question_for_what_its_rules_read(path):
    findings = [f for f in lint(path) if f.code == "AR206"]
    assert findings == []


def write(tmp_path, text: str):
    path = tmp_path / "draft.yaml"
    path.write_text(
        "id: draft\nversion: '1'\ncall: x-1\nextends: call-42\nstatus: draft\ntitle: {nl: t, fr: t, en: t}\n" + text,
        encoding="utf-8",
    )
    return path


def test_a_call_overrides_an_entry_key_by_key(tmp_path):
    path = write(tmp_path, "inputs:\n  budget.amif:\n    question: {nl: 'Hoeveel AMIF?', fr: 'Combien ?', en: 'How much?'}\n")
    ruleset = amif_rules.load_ruleset(path)
    amif = ruleset.inputs["budget.amif"]
    assert amif.question["en"].text == "How much?"
    assert amif.applicant_controls  # kept from the base
    assert amif.label["nl"].text == amif_rules.load_ruleset(BASE).inputs["budget.amif"].label["nl"].text


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("inputs:\n  budget.amfi:\n    applicant_controls: true\n", "AR103", "did you mean 'budget.amif'"),
        ("inputs:\n  budget.amif:\n    asked: {nl: x}\n", "AR101", "unknown key 'asked'"),
        ("inputs:\n  budget.amif:\n    applicant_controls: 'yes'\n", "AR109", "true or false"),
        ("inputs:\n  participants[].residence:\n    question: {nl: 'Status van {item.nam}?'}\n", "AR103", "no field 'nam'"),
        ("inputs:\n  budget.amif:\n    question: {nl: 'Bedrag {budget.amif:percentage}'}\n", "AR111", "format"),
        ("inputs:\n  budget.amif:\n    question: {de: 'Wie viel?'}\n", "AR101", "'de'"),
        ("inputs: [budget.amif]\n", "AR109", "mapping"),
    ],
)
def test_a_bad_entry_is_refused_where_it_is(tmp_path, text, code, words):
    path = write(tmp_path, text)
    with pytest.raises(amif_rules.RulesetError) as caught:
        amif_rules.load_ruleset(path)
    problems = caught.value.problems
    assert any(p.code == code and words in str(p) and p.location.line >= 7 for p in problems), [str(p) for p in problems]


def test_known_paths():
    assert known_path("participants[].residence") and known_path("budget.amif") and known_path("results")
    assert not known_path("participants[].colour") and not known_path("budget") and not known_path("reference_date")


def test_lint_reports_a_question_missing_in_a_language(tmp_path):
    path = write(tmp_path, "inputs:\n  budget.amif:\n    question: {nl: 'Hoeveel AMIF?'}\n")
    findings = [f for f in lint(path) if f.code == "AR206"]
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity == "warning"
    assert "budget.amif" in finding.message and "fr, en" in finding.message
    assert "amif-share-max" in finding.message
    assert finding.location is not None and finding.location.startswith(str(path)) and ":9:" in finding.location


def test_lint_reports_an_input_without_any_question(tmp_path):
    path = tmp_path / "alone.yaml"
    path.write_text(
        "id: alone\nversion: '1'\ncall: x-2\nsource: call-42-social-activation.nl.txt\n"
        "title: {nl: t, fr: t, en: t}\nrules:\n  - id: long-enough\n    check: duration_months >= 12\n"
        "    source: 'call-42-social-activation.nl.txt'\n"
        "    messages: {pass: {nl: a, fr: a, en: a}, fail: {nl: b, fr: b, en: b}}\n",
        encoding="utf-8",
    )
    findings = [f for f in lint(path) if f.code == "AR206"]
    assert [f.message for f in findings] == ["input duration_months (read by long-enough) has no question in nl, fr, en"]
    assert "extend application-inputs" in findings[0].hint
