"""``amif-rules lint``: schema and loading problems with stable codes, findings beyond the
loader, and semantic findings whose counterexample applications really do what they claim."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import attrs
import jsonschema
import pytest
import yaml

import amif_rules
from amif_rules import catalog
from amif_rules.toolkit import lint_cli
from amif_rules.toolkit.lint import CODES, Finding, exit_status, lint, ruleset_schema
from amif_rules.yamlsafe import strict_loader

ROOT = Path(__file__).resolve().parents[2]
CALL_42 = ROOT / "rulesets" / "call-42.yaml"
CONTRADICTORY = ROOT / "rulesets" / "drafts" / "call-42-contradictory.yaml"

HEAD = """\
id: tiny
version: "1"
call: "99"
title: {nl: t, fr: t, en: t}
source: call-42-social-activation.nl.txt
"""
MESSAGES = 'messages: {pass: {nl: ja, fr: oui, en: "yes"}, fail: {nl: nee, fr: non, en: "no"}}'


def rule(
    rule_id: str,
    check: str,
    *,
    when: str | None = None,
    for_each: str | None = None,
    severity: str | None = None,
    source: str = "call-42-social-activation.nl.txt, Budget",
) -> str:
    lines = [f"  - id: {rule_id}"]
    if for_each:
        lines.append(f"    for_each: {for_each}")
    if severity:
        lines.append(f"    severity: {severity}")
    if when:
        lines.append(f"    when: {when}")
    lines += [f"    check: {check}", f"    source: '{source}'", f"    {MESSAGES}"]
    return "\n".join(lines) + "\n"


def write(tmp_path: Path, text: str, name: str = "tiny.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def only(findings, code: str) -> Finding:
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, f"expected one {code}, got: " + "\n".join(f.to_text() for f in findings)
    return found[0]


# -- the 150,000 gap of call 42 ---------------------------------------------------------------------


def test_call_42_reports_the_150000_gap_with_a_counterexample_that_fails_both_rules():
    findings = lint(CALL_42)
    gap = only(findings, "AR301")
    assert gap.severity == "warning" and gap.certain is True
    assert "municipality.population = 150,000" in gap.message
    assert "lead-municipality-large" in gap.message and "partner-municipality-small" in gap.message
    assert re.fullmatch(r".*call-42\.yaml:66:12", gap.location)  # the check of lead-municipality-large
    assert "lead-municipality-large accepts applicant.municipality.population > 150,000" in gap.details
    assert "partner-municipality-small accepts partners[].municipality.population < 150,000" in gap.details

    # The counterexample is a complete application, and checking it really fails both rules.
    document = gap.counterexample
    assert document["applicant"]["municipality"]["population"] == 150_000
    coached = [p for p in document["partners"] if p.get("role") == "coaching" and p["municipality"].get("population") == 150_000]
    assert coached
    verdict = amif_rules.check(document, engine="python", lang="en")
    assert verdict.outcome == "ineligible"
    assert verdict.rule("lead-municipality-large").outcome == "fail"
    index = document["partners"].index(coached[0])
    assert verdict.rule("partner-municipality-small", f"partners[{index}]").outcome == "fail"
    # Nothing else fails: the gap is the only reason.
    assert {r.id for r in verdict.rules if r.outcome == "fail"} == {"lead-municipality-large", "partner-municipality-small"}
    # What the finding says it shows is what the check gives.
    assert gap.shows["outcome"] == "ineligible"
    assert {(r["id"], r["outcome"]) for r in gap.shows["rules"]} == {
        ("lead-municipality-large", "fail"),
        ("partner-municipality-small", "fail"),
    }
    assert gap.changes == {"applicant.municipality.population": 150000, f"partners[{index}].municipality.population": 150000}
    assert gap.based_on.endswith("call-42-eligible-antwerpen.json")
    # The values on both sides are accepted: 150,001 can lead, 149,999 can coach.
    for lead, partner in ((150_001, 149_999),):
        document["applicant"]["municipality"]["population"] = lead
        document["partners"][index]["municipality"]["population"] = partner
        assert amif_rules.check(document, engine="python").outcome == "eligible"
    assert exit_status(findings) == 0
    assert not [f for f in findings if f.severity == "error"]


def test_the_text_of_the_gap_finding_shows_the_counterexample_and_its_check():
    text = only(lint(CALL_42), "AR301").to_text()
    assert "counterexample:" in text and "call-42-eligible-antwerpen.json" in text
    assert "checked: INELIGIBLE" in text
    assert "✘ lead-municipality-large:" in text and "✘ partner-municipality-small [partners[0]]:" in text


def test_a_draft_that_widens_the_gap_reports_the_whole_interval(tmp_path):
    draft = write(
        tmp_path,
        """\
id: narrow-partners
version: "1"
extends: call-42
call: "42"
status: draft
title: {nl: t, fr: t, en: t}
parameters:
  partner_max_population:
    value: 100000
    source: 'call-42-social-activation.nl.txt, Doelstellingen: "andere OCMW’s van een gemeente met minder dan 150.000 inwoners"'
""",
        "narrow-partners.yaml",
    )
    gap = only(lint(draft), "AR301")
    assert "municipality.population from 100,000 to 150,000 is accepted by no rule" in gap.message
    verdict = amif_rules.check(gap.counterexample, ruleset=amif_rules.load_ruleset(draft), engine="python")
    assert verdict.rule("lead-municipality-large").outcome == "fail"
    assert any(r.id == "partner-municipality-small" and r.outcome == "fail" for r in verdict.rules)


def test_a_draft_that_closes_the_gap_has_no_gap(tmp_path):
    draft = write(
        tmp_path,
        """\
id: lower-lead
version: "1"
extends: call-42
call: "42"
status: draft
title: {nl: t, fr: t, en: t}
parameters:
  lead_min_population:
    value: 100000
    source: 'call-42-social-activation.nl.txt, Eindbegunstigden: "grote OCMW’s van gemeenten met meer dan 150.000 inwoners"'
""",
        "lower-lead.yaml",
    )
    assert "AR301" not in codes(lint(draft))


# -- drafts under which nothing is eligible -------------------------------------------------------------


def test_the_contradictory_draft_is_reported_unsatisfiable():
    findings = lint(CONTRADICTORY)
    finding = only(findings, "AR310")
    assert finding.severity == "error" and finding.certain is True
    assert "unsatisfiable" in finding.message
    assert "'lead-municipality-large' and 'lead-municipality-medium' contradict each other" in finding.message
    assert "lead-municipality-large accepts applicant.municipality.population > 200,000" in finding.details
    assert "lead-municipality-medium accepts applicant.municipality.population < 100,000" in finding.details
    assert finding.location.endswith("call-42-contradictory.yaml:34:12")
    # Its application passes one rule of the two and fails the other.
    draft = amif_rules.load_ruleset(CONTRADICTORY)
    verdict = amif_rules.check(finding.counterexample, ruleset=draft, engine="python")
    assert verdict.outcome == "ineligible"
    outcomes = {verdict.rule("lead-municipality-large").outcome, verdict.rule("lead-municipality-medium").outcome}
    assert outcomes == {"pass", "fail"}
    assert exit_status(findings) == 1
    # No example of call 42 is eligible under the draft either.
    for path in sorted((ROOT / "examples").glob("call-42-*")):
        assert amif_rules.check(path.read_text(encoding="utf-8"), ruleset=draft, engine="python").outcome != "eligible"


def test_the_conflict_named_is_minimal(tmp_path):
    text = (
        HEAD
        + "rules:\n"
        + rule("big", "applicant.municipality.population > 200000")
        + rule("signed", "form.signed")
        + rule("small", "applicant.municipality.population < 100000")
        + rule("short", "duration_months <= 36")
    )
    finding = only(lint(write(tmp_path, text)), "AR310")
    assert "'big' and 'small' contradict each other" in finding.message
    assert "signed" not in finding.message and "short" not in finding.message


def test_an_empty_list_is_a_way_out_but_is_reported(tmp_path):
    text = (
        HEAD
        + "rules:\n"
        + rule("young", "age_on(item.birth_date, reference_date) < 30", for_each="participants")
        + rule("old", "age_on(item.birth_date, reference_date) > 40", for_each="participants")
    )
    findings = lint(write(tmp_path, text))
    assert "AR310" not in codes(findings)  # an application without participants is eligible
    finding = only(findings, "AR312")
    assert finding.severity == "warning"
    assert "only applications without participants can be eligible" in finding.message
    assert "'young' and 'old' contradict each other" in finding.message


def test_a_bounded_search_does_not_claim_certainty(tmp_path):
    text = (
        HEAD
        + "rules:\n"
        + rule("share", "budget.amif <= 0.75 * budget.total_eligible_cost")
        + rule("over", "budget.amif > budget.total_eligible_cost + budget.cofinancing.own")
    )
    finding = only(lint(write(tmp_path, text)), "AR310")
    assert finding.severity == "warning" and finding.certain is False
    assert re.search(r"no eligible application found among [\d,]+ candidates", finding.message)


def test_a_satisfiable_ruleset_gives_an_eligible_application_when_verbose(tmp_path):
    text = (
        HEAD
        + "rules:\n"
        + rule("large", "applicant.municipality.population > 150000")
        + rule("share", "budget.amif <= 0.75 * budget.total_eligible_cost")
        + rule("adult", "age_on(item.birth_date, reference_date) >= 18", for_each="participants")
        + rule("third-country", "not union_citizen(item.nationalities, reference_date)", for_each="participants")
        + rule("on-time", "local_date(submitted_at) == reference_date")
    )
    path = write(tmp_path, text)
    assert "AR311" not in codes(lint(path))
    witness = only(lint(path, verbose=True), "AR311")
    assert witness.severity == "info" and witness.based_on == "constructed"
    ruleset = amif_rules.load_ruleset(path)
    verdict = amif_rules.check(witness.counterexample, ruleset=ruleset, engine="python")
    assert verdict.outcome == "eligible"
    assert witness.counterexample["participants"], "the witness has participants (with a birth date and nationalities)"


# -- rules that can never fail, pass or apply ------------------------------------------------------------


def test_a_rule_that_can_never_fail_and_one_that_can_never_pass(tmp_path):
    text = (
        HEAD
        + "rules:\n"
        + rule("duration-not-negative", "duration_months >= 0")
        + rule("duration-contradictory", "duration_months > 10 and duration_months < 5", severity="warning")
        + rule("short", "duration_months <= 36")
    )
    path = write(tmp_path, text)
    findings = lint(path)
    never_fails = only(findings, "AR302")
    assert never_fails.rule == "duration-not-negative" and never_fails.certain is True
    assert never_fails.severity == "warning"
    assert never_fails.location == f"{path}:8:12"
    never_passes = only(findings, "AR303")
    assert never_passes.rule == "duration-contradictory" and never_passes.certain is True
    assert never_passes.severity == "warning"  # a warning rule: it cannot make anything ineligible
    # The counterexample of "never passes" shows the failing case.
    ruleset = amif_rules.load_ruleset(path)
    verdict = amif_rules.check(never_passes.counterexample, ruleset=ruleset, engine="python")
    assert verdict.rule("duration-contradictory").outcome == "fail"
    assert "short" not in {f.rule for f in findings}
    assert exit_status(findings) == 0


def test_an_error_rule_that_can_never_pass_is_an_error(tmp_path):
    text = HEAD + "rules:\n" + rule("never", "duration_months > 10 and duration_months < 5", when='applicant.kind == "ocmw"')
    findings = lint(write(tmp_path, text))
    finding = only(findings, "AR303")
    assert finding.severity == "error"
    assert "AR310" not in codes(findings)  # an applicant that is not an OCMW makes it not applicable
    assert exit_status(findings) == 1


def test_a_rule_that_refuses_everything_makes_the_ruleset_unsatisfiable(tmp_path):
    findings = lint(write(tmp_path, HEAD + "rules:\n" + rule("never", "duration_months > 10 and duration_months < 5")))
    assert {"AR303", "AR310"} <= set(codes(findings))
    assert "rule 'never' refuses every application" in only(findings, "AR310").message


def test_a_rule_that_never_applies(tmp_path):
    text = (
        HEAD
        + "rules:\n"
        + rule(
            "never-applies",
            "form.signed",
            when="applicant.municipality.population > 200000 and applicant.municipality.population < 100",
        )
    )
    finding = only(lint(write(tmp_path, text)), "AR304")
    assert finding.rule == "never-applies" and finding.location.endswith(":8:11")


def test_a_constant_check_is_information_only():
    findings = lint(ROOT / "rulesets" / "routing.yaml")
    constant = [f for f in findings if f.code == "AR302"]
    assert constant and all(f.severity == "info" and "constant true" in f.message for f in constant)


def test_never_fails_over_several_fields_is_not_claimed_certain(tmp_path):
    text = HEAD + "rules:\n" + rule("sum", "budget.amif + budget.total_eligible_cost >= 0")
    finding = only(lint(write(tmp_path, text)), "AR302")
    assert finding.certain is False and finding.severity == "info"
    assert re.search(r"no counterexample found among [\d,]+ candidates", finding.message)


# -- loading problems: one code per kind, with where ----------------------------------------------------

VALID = (
    HEAD
    + """\
parameters:
  max_duration: {value: 36, type: integer, source: 'call-42-social-activation.nl.txt, Budget'}
rules:
"""
    + rule("short", "duration_months <= max_duration")
    + """inputs:
  duration_months:
    question: {nl: "Hoeveel maanden?", fr: "Combien de mois ?", en: "How many months?"}
"""
)


@pytest.mark.parametrize(
    ("name", "old", "new", "code", "line"),
    [
        ("unknown field path", "duration_months <= max_duration", "duration_month <= max_duration", "AR103", 10),
        ("type error", "duration_months <= max_duration", 'duration_months <= "36"', "AR104", 10),
        ("missing translation", "title: {nl: t, fr: t, en: t}", "title: {nl: t, fr: t}", "AR105", 4),
        ("rule without source", "    source: 'call-42-social-activation.nl.txt, Budget'\n", "", "AR106", 9),
        (
            "parameter without source",
            "type: integer, source: 'call-42-social-activation.nl.txt, Budget'}",
            "type: integer}",
            "AR106",
            7,
        ),
        ("duplicate id", "rules:\n", "rules:\n" + rule("short", "form.signed"), "AR107", 13),
        ("unknown key", "    check:", "    chek: x\n    check:", "AR101", 10),
        ("bad parameter value", "{value: 36, type: integer", '{value: "36", type: integer', "AR108", 7),
        ("bad severity", "    check:", "    severity: blocking\n    check:", "AR109", 10),
        ("expression syntax", "duration_months <= max_duration", "duration_months <=", "AR110", 10),
        ("bad placeholder", 'en: "yes"}', 'en: "{duration_months:procent}"}', "AR111", 12),
        ("missing check", "    check: duration_months <= max_duration\n", "", "AR102", 9),
        ("not YAML", "rules:\n", "rules:\n  - id: [unclosed\n", "AR001", 10),
        ("bad id", "id: tiny", "id: Tiny Call", "AR109", 1),
        ("extends nothing", 'call: "99"', 'call: "99"\nextends: no-such-base', "AR112", 4),
    ],
)
def test_each_loader_problem_has_its_code_and_location(tmp_path, name, old, new, code, line):
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new, 1))
    findings = lint(path)
    found = [f for f in findings if f.code == code]
    assert found, f"{name}: expected {code}, got:\n" + "\n".join(f.to_text() for f in findings)
    assert any(re.fullmatch(rf"{re.escape(str(path))}:{line}:\d+", f.location) for f in found), [f.location for f in found]
    assert all(f.severity == "error" for f in found)
    assert exit_status(findings) == 1
    assert "AR199" not in codes(findings)


def test_the_valid_template_is_clean(tmp_path):
    assert lint(write(tmp_path, VALID)) == []


def test_definition_problems(tmp_path):
    text = VALID.replace("rules:\n", "definitions:\n  loop: loop and true\nrules:\n").replace(
        "duration_months <= max_duration", "loop"
    )
    assert "AR113" in codes(lint(write(tmp_path, text)))


def test_every_code_is_documented():
    docs = (ROOT / "docs" / "lint.md").read_text(encoding="utf-8")
    for code, (severity, _) in CODES.items():
        assert re.search(rf"^\| `{code}` \| {severity} \|", docs, re.M), f"{code} is not in the table of docs/lint.md"
    assert set(re.findall(r"^\| `(AR\d{3})`", docs, re.M)) == set(CODES)


# -- the JSON Schema ---------------------------------------------------------------------------------


def _data(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=strict_loader("a ruleset"))


def test_the_schema_is_a_valid_draft_2020_12_schema_with_descriptions():
    schema = ruleset_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    for name, spec in schema["properties"].items():
        assert spec.get("description"), name
    for name, spec in schema["$defs"]["rule"]["properties"].items():
        assert spec.get("description"), name


DRAFTS = sorted(p for p in (ROOT / "rulesets" / "drafts").glob("*.yaml") if not p.name.endswith(".tests.yaml"))


@pytest.mark.parametrize("path", [*catalog.ruleset_files(), *DRAFTS], ids=lambda p: p.name)
def test_the_schema_accepts_every_bundled_ruleset(path):
    errors = list(jsonschema.Draft202012Validator(ruleset_schema()).iter_errors(_data(path)))
    assert not errors, [e.message for e in errors]


BROKEN = {
    "unknown top-level key": {"titel": "x"},
    "bad id": {"id": "Call 42"},
    "title without en": {"title": {"nl": "t", "fr": "t"}},
    "bad status": {"status": "final"},
    "bad date": {"valid_until": "2 september 2019"},
    "integer parameter as text": {"parameters": {"x": {"value": "150000", "type": "integer", "source": "s"}}},
    "unknown parameter type": {"parameters": {"x": {"value": 1, "type": "number", "source": "s"}}},
    "parameter without source": {"parameters": {"x": {"value": 1, "type": "integer"}}},
    "instant without offset": {"parameters": {"x": {"value": "2019-09-02T23:59:00", "type": "instant", "source": "s"}}},
    "rule without check": {
        "rules": [
            {
                "id": "r",
                "source": "s",
                "messages": {"pass": {"nl": "a", "fr": "a", "en": "a"}, "fail": {"nl": "a", "fr": "a", "en": "a"}},
            }
        ]
    },
    "unknown rule key": {"rules": [{"id": "r", "chek": "form.signed"}]},
    "bad severity": {"rules": [{"id": "r", "severity": "blocking"}]},
    "bad for_each": {"rules": [{"id": "r", "for_each": "partner"}]},
    "message without fr": {"rules": [{"id": "r", "messages": {"pass": {"nl": "a", "en": "a"}}}]},
    "abstract with a call": {"abstract": True},
    "no rules": {"rules": []},
}


@pytest.mark.parametrize("change", list(BROKEN.values()), ids=list(BROKEN))
def test_the_schema_rejects_broken_rulesets(change):
    data = _data(CALL_42)
    data.pop("extends")  # a ruleset of its own: everything must be there
    data["rules"] = [
        {
            "id": "form-signed",
            "check": "form.signed",
            "source": "s",
            "messages": {"pass": {"nl": "a", "fr": "a", "en": "a"}, "fail": {"nl": "a", "fr": "a", "en": "a"}},
        }
    ]
    validator = jsonschema.Draft202012Validator(ruleset_schema())
    assert not list(validator.iter_errors(data))
    for key, value in change.items():
        if key == "rules" and value:
            data["rules"] = data["rules"] + value
        elif key == "parameters":
            data["parameters"] = {**data["parameters"], **value}
        else:
            data[key] = value
    assert list(validator.iter_errors(data))


def test_a_schema_violation_the_loader_does_not_explain_is_reported_with_its_place(tmp_path):
    """Where the loader is silent (it stops at the first problem of a rule), the schema still
    points at the exact key: both are reported, each once."""
    path = write(tmp_path, VALID.replace("    check:", "    title: {nl: t, fr: t, en: t, de: t}\n    check:"))
    findings = lint(path)
    assert any(f.code in ("AR101", "AR002") and f.location.startswith(f"{path}:10:") for f in findings), [
        f.to_text() for f in findings
    ]


# -- every bundled ruleset lints without errors ---------------------------------------------------------


@pytest.mark.parametrize("path", catalog.ruleset_files(), ids=lambda p: p.name)
def test_every_bundled_ruleset_lints_without_errors(path):
    findings = lint(path)
    errors = [f.to_text() for f in findings if f.severity == "error"]
    assert not errors, "\n".join(errors)
    assert all(f.code in CODES and f.severity in ("error", "warning", "info") for f in findings)


def test_a_base_reports_the_rules_it_leaves_out():
    findings = lint(ROOT / "rulesets" / "amif-2014-2020-base.yaml")
    left_out = {f.rule for f in findings if f.code == "AR201"}
    assert left_out == {"participant-legal-residence", "amif-share-max", "amif-within-call-budget", "submitted-before-deadline"}
    assert all(f.severity == "info" for f in findings if f.code == "AR201")


# -- beyond the loader ---------------------------------------------------------------------------------


def test_unused_parameters_and_definitions(tmp_path):
    text = VALID.replace("rules:\n", "definitions:\n  unused_def: duration_months > 1\nrules:\n").replace(
        "parameters:\n",
        "parameters:\n  unused_param: {value: 3, type: integer, source: 'call-42-social-activation.nl.txt, Budget'}\n",
    )
    path = write(tmp_path, text)
    findings = lint(path)
    assert only(findings, "AR202").location == f"{path}:7:3"
    assert "unused_param" in only(findings, "AR202").message
    assert "unused_def" in only(findings, "AR203").message
    # A definition that is used is not reported.
    used = text.replace("duration_months <= max_duration", "unused_def and duration_months <= max_duration")
    assert "AR203" not in codes(lint(write(tmp_path, used, "used.yaml")))


def test_citations_of_missing_source_texts(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "call-42-social-activation.nl.txt").write_text("Budget\nHet budget bedraagt 10 euro.\n", encoding="utf-8")
    text = (
        HEAD
        + "rules:\n"
        + rule("a", "form.signed", source='call-42-social-activation.nl.txt, Budget: "bedraagt 10 euro"')
        + rule("b", "form.complete", source="no-such-text.txt, Budget")
        + rule("c", "duration_months <= 36", source='call-42-social-activation.nl.txt, Budget: "bedraagt 20 euro"')
    )
    path = write(tmp_path, text)
    findings = lint(path, sources=sources)
    missing = only(findings, "AR204")
    assert missing.severity == "warning" and "no-such-text.txt" in missing.message
    assert missing.location == f"{path}:13:13"
    assert "bedraagt 20 euro" in only(findings, "AR205").message
    # Without the folder, citations are not checked.
    assert not {"AR204", "AR205"} & set(codes(lint(path, sources=tmp_path / "nowhere")))


# -- the API and the command ---------------------------------------------------------------------------


def test_finding_is_a_frozen_attrs_class_that_serialises():
    finding = only(lint(CALL_42), "AR301")
    assert attrs.has(Finding)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        finding.code = "X"  # type: ignore[misc]
    data = json.loads(json.dumps(finding.to_dict()))
    assert data["code"] == "AR301" and data["counterexample"]["applicant"]["municipality"]["population"] == 150000


def test_a_loaded_ruleset_can_be_linted():
    ruleset = amif_rules.load_ruleset(CONTRADICTORY)
    assert "AR310" in codes(lint(ruleset))


def test_a_missing_file_is_an_error_of_use(tmp_path):
    with pytest.raises(FileNotFoundError):
        lint(tmp_path / "nothing.yaml")


def _command(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="amif-rules")
    commands = parser.add_subparsers(dest="command")
    lint_cli.add_parser(commands)
    return lint_cli.run(parser.parse_args(["lint", *argv]))


def test_exit_status_0_with_warnings_only(capsys):
    assert _command(str(CALL_42)) == 0
    out = capsys.readouterr().out
    assert "warning AR301" in out
    assert out.rstrip().endswith("1 file linted: 0 errors, 1 warning, 0 info")


def test_exit_status_1_with_errors(capsys):
    assert _command(str(CONTRADICTORY)) == 1
    assert "error AR310" in capsys.readouterr().out


def test_exit_status_2_for_usage_errors(tmp_path, capsys):
    assert _command(str(tmp_path / "missing.yaml")) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert _command(str(tmp_path)) == 2  # a folder without rulesets
    assert "no ruleset files" in capsys.readouterr().err


def test_a_folder_lints_its_rulesets_but_not_tests_files_nor_subfolders(tmp_path, capsys):
    (tmp_path / "sub").mkdir()
    write(tmp_path, VALID, "good.yaml")
    write(tmp_path, "cases: []\n", "good.tests.yaml")
    write(tmp_path / "sub", HEAD + "rules:\n" + rule("never", "duration_months > 10 and duration_months < 5"), "bad.yaml")
    assert _command(str(tmp_path), "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert [entry["path"] for entry in data["files"]] == [str(tmp_path / "good.yaml")]
    assert _command(str(tmp_path / "sub")) == 1


def test_json_output(capsys):
    assert _command(str(CALL_42), str(CONTRADICTORY), "--format", "json") == 1
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == {"files": 2, "errors": 1, "warnings": 1, "info": 0}
    gap = data["files"][0]["findings"][0]
    assert gap["code"] == "AR301" and gap["shows"]["outcome"] == "ineligible"
    assert gap["counterexample"]["call"] == "42"


def test_verbose_text_shows_the_application(capsys):
    assert _command(str(CALL_42), "--verbose") == 0
    out = capsys.readouterr().out
    assert "info AR311" in out and '"population": 150000' in out


def test_an_unreadable_ruleset_is_a_finding_not_a_traceback(tmp_path, capsys):
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"\xff\xfe\x00id: x")
    assert _command(str(path)) == 1
    captured = capsys.readouterr()
    assert "AR001" in captured.out and "Traceback" not in captured.out + captured.err


# -- docs/lint.md shows real output --------------------------------------------------------------------


def _doc_blocks() -> list[tuple[str, str]]:
    text = (ROOT / "docs" / "lint.md").read_text(encoding="utf-8")
    return re.findall(r"^```(\w[^\n]*)\n(.*?)^```$", text, re.S | re.M)


def test_the_outputs_in_the_docs_are_real(monkeypatch, capsys):
    blocks = _doc_blocks()
    pairs = [
        (blocks[i][1].strip(), blocks[i + 1][1])
        for i in range(len(blocks) - 1)
        if blocks[i][0] == "sh" and blocks[i][1].count("\n") == 1 and blocks[i + 1][0] == "text"
    ]
    assert len(pairs) == 2
    monkeypatch.chdir(ROOT)
    for command, expected in pairs:
        argv = command.split()
        assert argv[:2] == ["amif-rules", "lint"]
        status = _command(*argv[2:])
        assert capsys.readouterr().out == expected, command
        assert status == (1 if "contradictory" in command else 0)


def test_the_loading_problems_in_the_docs_are_real(tmp_path, monkeypatch, capsys):
    language = (ROOT / "docs" / "ruleset-language.md").read_text(encoding="utf-8")
    draft = re.search(r"```yaml ruleset-error file=my-draft.yaml\n(.*?)```", language, re.S).group(1)
    write(tmp_path, draft, "my-draft.yaml")
    expected = next(body for info, body in _doc_blocks() if info == "text" and body.startswith("my-draft.yaml"))
    monkeypatch.chdir(tmp_path)
    assert _command("my-draft.yaml") == 1
    assert capsys.readouterr().out == expected


def test_the_json_excerpt_in_the_docs_is_real(monkeypatch, capsys):
    expected = next(body for info, body in _doc_blocks() if info == "text" and body.startswith('{\n  "files"'))
    monkeypatch.chdir(ROOT)
    _command("rulesets/call-42.yaml", "--format", "json")
    assert capsys.readouterr().out.startswith(expected)


def test_without_jsonschema_the_schema_check_is_skipped_and_said(monkeypatch, tmp_path):
    import sys

    monkeypatch.setitem(sys.modules, "jsonschema", None)  # import jsonschema now raises ImportError
    findings = lint(write(tmp_path, VALID))
    assert codes(findings) == ["AR003"] and findings[0].severity == "info"


def test_a_conflict_over_a_choice_names_the_values(tmp_path):
    draft = write(
        tmp_path,
        """\
id: municipalities-only
version: "1"
extends: call-42
call: "42"
status: draft
title: {nl: t, fr: t, en: t}
rules:
  - id: lead-is-municipality
    check: applicant.kind in ["municipality", "province"]
    source: 'call-42-social-activation.nl.txt, Eindbegunstigden'
"""
        + f"    {MESSAGES}\n",
        "municipalities-only.yaml",
    )
    finding = only(lint(draft), "AR310")
    assert "'lead-is-ocmw' and 'lead-is-municipality' contradict each other" in finding.message
    assert 'lead-is-ocmw accepts applicant.kind = "ocmw"' in finding.details
    assert 'lead-is-municipality accepts applicant.kind in ["municipality", "province"]' in finding.details


def test_a_bounded_search_finds_the_same_count_in_every_process(tmp_path):
    """Its random values are drawn in a fixed order: the same number of candidates whatever the
    interpreter's hash seed (None, in a key of a set, hashes by its address)."""
    text = (
        HEAD
        + "rules:\n"
        + rule("share", "budget.amif <= 0.75 * budget.total_eligible_cost")
        + rule("over", "budget.amif > budget.total_eligible_cost + budget.cofinancing.own")
    )
    path = write(tmp_path, text)
    script = (
        "import sys; from amif_rules.toolkit.lint import lint; "
        "print([f.candidates for f in lint(sys.argv[1]) if f.code == 'AR310'])"
    )
    counts = {
        subprocess.run(
            [sys.executable, "-c", script, str(path)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(counts) == 1 and counts != {"[]\n"}, counts
