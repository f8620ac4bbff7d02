"""Coverage of ruleset tests (amif_rules.toolkit.coverage) and the ``amif-rules test`` command.

- the tracing evaluator gives expr.evaluate's value on every combination of true, false and
  missing, and finds exactly the decisive sides;
- which outcomes and sides can happen at all (a rule without ``when`` is never
  ``not_applicable``; ``check: true`` never fails; a fixed parameter never decides), so that
  only real gaps are reported;
- the bundled tests reach every outcome and side that can happen, and the tracer agrees
  with the engines on every rule of every case;
- ``amif-rules test``: its report, ``--coverage``, ``--format json``, ``--engine``, and its
  exit status (0 pass, 1 a case fails, 2 a usage or loading error), never a traceback.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import textwrap
from pathlib import Path

import pytest

import amif_rules
from amif_rules import expr
from amif_rules.cli import test as test_cli
from amif_rules.toolkit import cases, coverage
from amif_rules.toolkit.coverage import reachable_outcomes, render, rule_sides, trace

ROOT = Path(__file__).resolve().parents[2]
RULESETS = ROOT / "rulesets"
EXAMPLES = ROOT / "examples"


def ruleset(rules: str, parameters: str = "") -> amif_rules.Ruleset:
    text = textwrap.dedent("""\
        id: sample
        version: "1"
        title: {nl: t, fr: t, en: t}
        source: call-42-social-activation.nl.txt
        parameters:
          threshold: {value: 150000, type: integer, source: 's'}
          flag: {value: true, type: bool, source: 's'}
        %s
        rules:
        %s
        """) % (textwrap.indent(textwrap.dedent(parameters), "  "), textwrap.indent(textwrap.dedent(rules), "  "))
    return amif_rules.parse_ruleset(text, "sample.yaml")


MESSAGES = "messages: {pass: {nl: j, fr: o, en: y}, fail: {nl: n, fr: n, en: n}}"


def rule(check: str, when: str | None = None, for_each: str | None = None) -> amif_rules.ruleset.Rule:
    lines = ["- id: r"]
    if for_each:
        lines.append(f"  for_each: {for_each}")
    if when:
        lines.append(f"  when: '{when}'")
    lines += [f"  check: '{check}'", "  source: 's'", f"  {MESSAGES}"]
    return ruleset("\n".join(lines)).rules[0]


# -- the tracing evaluator ------------------------------------------------------------------------------

CONDITIONS = [
    "form.signed and form.complete",
    "form.signed or form.complete",
    'form.signed and (form.complete or not applicant.kind == "ocmw")',
    "not (form.signed and form.complete) or applicant.municipality.population > threshold",
    "form.signed and flag",
    '(form.signed or form.complete) and (applicant.kind == "ocmw" or not form.signed)',
]
VALUES = {
    "form.signed": (True, False, None),
    "form.complete": (True, False, None),
    "applicant.kind": ("ocmw", "municipality", None),
    "applicant.municipality.population": (150001, 150000, None),
}


@pytest.mark.parametrize("condition", CONDITIONS)
def test_the_tracer_gives_the_value_of_expr_evaluate_and_the_decisive_sides(condition):
    node = rule(condition).check
    sides = coverage._sides_of(node)
    assert sides
    for combination in itertools.product(*VALUES.values()):
        facts = dict(zip(VALUES, combination))

        def lookup(scope, path, facts=facts):
            return facts.get(path)

        value, decisive = trace(node, lookup)
        assert value == expr.evaluate(node, lookup), (condition, facts)
        leaves = {position: expr.evaluate(leaf, lookup) for position, leaf in coverage._leaves(node)}
        values: dict = {}
        assert coverage._combine(node, (), leaves, {}, values) == value
        for position, operand, _ in sides:
            side = values[position]
            if value is None or side is None or not coverage._flippable(operand):
                assert position not in decisive, (condition, facts, position)
                continue
            # Decisive: forcing that side to its other value changes the whole condition.
            changes = coverage._combine(node, (), leaves, {position: not side}, None) != value
            assert (position in decisive) == changes, (condition, facts, position)
            if changes:
                assert decisive[position] is side


def test_decisive_sides_of_a_and_b():
    node = rule("form.signed and form.complete").check
    values = {
        (True, True): {(0,): True, (1,): True},
        (False, True): {(0,): False},
        (True, False): {(1,): False},
        (False, False): {},
        (False, None): {(0,): False},
        (None, True): {},
    }
    for (signed, complete), expected in values.items():
        facts = {"form.signed": signed, "form.complete": complete}
        assert trace(node, lambda scope, path, facts=facts: facts.get(path))[1] == expected, (signed, complete)


def test_render_writes_conditions_back_as_text():
    assert (
        render(rule('form.signed and (form.complete or not applicant.kind == "ocmw")').check)
        == 'form.signed and (form.complete or not applicant.kind == "ocmw")'
    )
    assert (
        render(rule("budget.amif <= 0.75 * budget.total_eligible_cost").check)
        == "budget.amif <= 0.75 * budget.total_eligible_cost"
    )
    assert (
        render(rule('item.residence in ["legal", "applicant"]', for_each="participants").check)
        == 'item.residence in ["legal", "applicant"]'
    )
    assert (
        render(rule("not has_any(item.nationalities, EEA_EFTA_SWISS)", for_each="participants").check)
        == "not has_any(item.nationalities, EEA_EFTA_SWISS)"
    )
    assert (
        render(rule("16 <= age_on(item.birth_date, reference_date) <= 18", for_each="participants").check)
        == "16 <= age_on(item.birth_date, reference_date) and age_on(item.birth_date, reference_date) <= 18"
    )


# -- what can happen at all -------------------------------------------------------------------------------


def test_outcomes_that_can_happen():
    assert reachable_outcomes(rule("form.signed")) == ("pass", "fail", "unknown")
    assert reachable_outcomes(rule("form.signed", when='applicant.kind == "ocmw"')) == (
        "pass",
        "fail",
        "unknown",
        "not_applicable",
    )
    assert reachable_outcomes(rule('item.kind == "ocmw"', for_each="partners")) == (
        "pass",
        "fail",
        "unknown",
        "not_applicable",
    )  # an empty list: not applicable
    assert reachable_outcomes(rule("true", when='theme == "asylum"')) == ("pass", "unknown", "not_applicable")
    assert reachable_outcomes(rule("flag or form.signed")) == ("pass",)
    assert reachable_outcomes(rule("form.signed", when="false")) == ("not_applicable",)


def test_sides_that_can_decide():
    sides = {side.text: side for side in rule_sides(rule("form.signed and form.complete", when='flag or theme == "asylum"'))}
    assert sides["form.signed"].reachable == {True, False}
    assert sides["form.complete"].reachable == {True, False}
    assert sides["flag"].reachable == frozenset() and sides["flag"].why_not == "fixed: always true"
    assert sides['theme == "asylum"'].reachable == frozenset()
    assert sides['theme == "asylum"'].why_not == "cannot decide: flag is fixed"
    nested = {side.text: side for side in rule_sides(rule("form.signed and (flag or form.complete)"))}
    assert nested["flag or form.complete"].why_not == "always true, for any application"
    assert nested["form.signed"].reachable == {True, False}
    never = {side.text: side for side in rule_sides(rule("form.signed and form.complete", when="false"))}
    assert never["form.signed"].why_not == "the rule never applies"


def test_the_third_country_rule_has_a_fixed_side():
    rules = amif_rules.load_ruleset(RULESETS / "call-42.yaml")
    sides = {side.text: side for side in rule_sides(rules.rule("participant-third-country-national"))}
    assert sides["not union_citizen(item.nationalities, reference_date)"].reachable == {True, False}
    assert sides["eea_swiss_are_third_country"].why_not == "fixed: always true"
    assert sides["not has_any(item.nationalities, EEA_EFTA_SWISS)"].reachable == frozenset()


# -- measuring ------------------------------------------------------------------------------------------------


def run(path: Path, engine: str = "python") -> cases.FileResult:
    return cases.run_file(cases.load_tests(path), engine)


def test_the_bundled_tests_reach_everything_that_can_happen():
    results = [run(path) for path in sorted(RULESETS.glob("*.tests.yaml"))]
    measured = coverage.measure(results)
    assert {c.ruleset_id for c in measured} == {r.tests.ruleset.id for r in results}
    for item in measured:
        assert item.gaps() == [], (item.ruleset_id, item.gaps())
        assert item.inconsistencies == ()
        reached, reachable = item.outcome_totals
        assert reached == reachable > 0


def test_call_42_reaches_every_outcome_that_can_happen():
    (call42,) = coverage.measure([run(RULESETS / "call-42.tests.yaml")])
    table = {rule.id: rule for rule in call42.rules}
    assert table["lead-municipality-large"].reachable == ("pass", "fail", "unknown")  # no when: never not applicable
    assert set(table["partner-is-ocmw"].reachable) == {"pass", "fail", "unknown", "not_applicable"}
    assert "exactly 150,000 cannot lead" in table["lead-municipality-large"].reached["fail"]
    assert "150,001 inhabitants can lead" in table["lead-municipality-large"].reached["pass"]
    assert call42.outcome_totals == (44, 44)
    side = next(s for s in table["participant-third-country-national"].sides if s.side.text.startswith("not union"))
    assert "a British national is a Union citizen in 2019" in side.decided[False]


def test_gaps_name_the_outcomes_and_sides_no_case_reaches(tmp_path):
    path = tmp_path / "buurtstewards.tests.yaml"
    shutil.copy(RULESETS / "buurtstewards.yaml", tmp_path / "buurtstewards.yaml")
    path.write_text(
        textwrap.dedent(f"""\
        examples:
          gent: {{file: {EXAMPLES / "buurtstewards-eligible-gent.json"}}}
        cases:
          - name: Gent
            example: gent
            outcome: eligible
          - name: Antwerpen as a city
            example: gent
            patch: {{applicant.municipality.nis_code: "11002", budget.grant: "1.00"}}
            outcome: eligible
        """),
        encoding="utf-8",
    )
    (measured,) = coverage.measure([run(path)])
    gaps = measured.gaps()
    assert "rule applicant-kind: no case reaches fail, unknown" in gaps
    assert "rule commission-is-vgc: no case reaches pass, fail, unknown" in gaps
    assert "rule grant-max-gent: no case reaches fail, unknown" in gaps
    # decided true (Gent) and false by the NIS code (Antwerpen), never false by the kind alone:
    assert 'rule grant-max-gent, when: no case where `applicant.kind == "municipality"`, being false, alone decided it' in gaps
    assert not any("nis_code == nis_gent" in gap and "grant-max-gent," in gap for gap in gaps)
    # not applicable cannot happen to applicant-kind (no when): never listed as a gap
    assert not any(gap.startswith("rule applicant-kind") and "not_applicable" in gap for gap in gaps)
    text = coverage.coverage_text([measured])
    assert "  applicant-kind          ✔     ✘     ✘        ·" in text
    assert '      applicant.kind == "municipality": true ✔  false ✘' in text
    assert "  not reached by any case:" in text
    data = coverage.coverage_json([measured])
    rules = {r["id"]: r for r in data["rulesets"][0]["rules"]}
    assert rules["applicant-kind"]["outcomes"]["not_applicable"] == {"reachable": False, "cases": []}
    assert rules["grant-max-gent"]["outcomes"]["pass"]["cases"] == ["Gent"]


def test_unreachable_outcomes_are_not_gaps():
    (routing,) = coverage.measure([run(RULESETS / "routing.tests.yaml")])
    federal = next(rule for rule in routing.rules if rule.id == "route-federal")
    assert "fail" not in federal.reachable and federal.missed == ()
    assert "  route-federal                       ✔     ·     ✔        ✔" in coverage.coverage_text([routing])


# -- the command ------------------------------------------------------------------------------------------------


def command(capsys, *argv: str, cwd: Path | None = None) -> tuple[int, str, str]:
    previous = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        status = test_cli.main(list(argv))
    finally:
        os.chdir(previous)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


def test_the_command_passes_on_the_bundled_tests(capsys):
    status, out, err = command(capsys, str(RULESETS / "call-42.tests.yaml"))
    assert status == 0, out + err
    lines = out.splitlines()
    assert lines[0].startswith(f"{RULESETS / 'call-42.tests.yaml'}: ruleset call-42 (version 1), 81 cases, engine ")
    assert "  ✔ exactly 150,000 cannot lead" in lines
    assert lines[-1] == "81 cases in 1 file: 81 passed, 0 failed"


def test_the_command_with_coverage(capsys):
    status, out, _ = command(capsys, str(RULESETS / "call-42.tests.yaml"), "--coverage", "--engine", "python")
    assert status == 0
    assert "coverage of call-42 (version 1): 81 cases in " in out
    assert "  rule outcomes reached: 44 of 44 that can happen; sides of conditions decisive: 2 of 2" in out
    assert "  lead-municipality-large             ✔     ✔     ✔        ·" in out
    assert "  every outcome and every side that can happen is reached" in out


def test_the_command_defaults_to_the_rulesets_folder(capsys, tmp_path):
    (tmp_path / "rulesets").mkdir()
    for name in ("routing.yaml", "routing.tests.yaml", "buurtstewards.yaml"):
        shutil.copy(RULESETS / name, tmp_path / "rulesets" / name)
    shutil.copytree(EXAMPLES, tmp_path / "examples", ignore=shutil.ignore_patterns("portfolios"))
    status, out, _ = command(capsys, "--coverage", cwd=tmp_path)
    assert status == 0
    assert out.startswith("rulesets/routing.tests.yaml: ruleset routing")
    assert "no tests file for buurtstewards (rulesets/buurtstewards.yaml)" in out


def test_without_a_rulesets_folder_the_command_runs_the_bundled_tests(capsys, tmp_path):
    status, out, _ = command(capsys, "--engine", "python", cwd=tmp_path)
    assert status == 0
    bundled = sorted(amif_rules.catalog.rulesets_dir().glob("*.tests.yaml"))
    assert len(bundled) >= 17
    assert out.splitlines()[-1].endswith(f"in {len(bundled)} files: {out.splitlines()[-1].split(' cases')[0]} passed, 0 failed")


def test_a_failing_case_exits_1_and_says_why(capsys, tmp_path):
    path = tmp_path / "call-42.tests.yaml"
    text = (RULESETS / "call-42.tests.yaml").read_text(encoding="utf-8").replace("../examples/", f"{EXAMPLES}/")
    text = text.replace(
        '      lead-municipality-large: {outcome: fail, message: "heeft 150.000 inwoners"}\n',
        "      lead-municipality-large: pass\n",
    )
    path.write_text(text, encoding="utf-8")
    shutil.copy(RULESETS / "call-42.yaml", tmp_path / "call-42.yaml")
    status, out, _ = command(capsys, str(path), "--engine", "python")
    assert status == 1
    assert (
        "  ✘ exactly 150,000 cannot lead: rule lead-municipality-large: expected pass, got fail — "
        "applicant.municipality.population = 150000 (Antwerpen heeft 150.000 inwoners;"
    ) in out
    assert out.splitlines()[-1] == "81 cases in 1 file: 80 passed, 1 failed"
    status, out, _ = command(capsys, str(path), "--engine", "python", "--format", "json")
    data = json.loads(out)
    assert status == 1 and data["summary"] == {"files": 1, "cases": 81, "passed": 80, "failed": 1, "loading_errors": 0}
    (failed,) = [c for c in data["files"][0]["cases"] if not c["passed"]]
    assert failed["failures"][0]["rule"] == "lead-municipality-large"
    assert failed["failures"][0]["fields"] == {"applicant.municipality.population": 150000}


def test_json_with_coverage(capsys):
    status, out, _ = command(capsys, str(RULESETS / "routing.tests.yaml"), "--format", "json", "--coverage")
    data = json.loads(out)
    assert status == 0
    assert data["coverage"]["rulesets"][0]["ruleset"]["id"] == "routing"
    assert data["coverage"]["rulesets"][0]["gaps"] == []


def test_usage_and_loading_errors_exit_2(capsys, tmp_path):
    status, _, err = command(capsys, str(tmp_path / "nowhere"))
    assert status == 2 and "no such file or folder" in err
    status, _, err = command(capsys, str(tmp_path))
    assert status == 2 and "no tests files (*.tests.yaml) in" in err
    (tmp_path / "x.tests.yaml").write_text("cases:\n  - name: [\n", encoding="utf-8")
    status, out, err = command(capsys, str(tmp_path / "x.tests.yaml"))
    assert status == 2
    assert "amif-rules: a tests file does not load:" in err and "x.tests.yaml:3:1: not valid YAML" in err
    with pytest.raises(SystemExit) as caught:
        test_cli.main(["--engine", "rete"])
    assert caught.value.code == 2


def test_both_engines(capsys):
    status, out, err = command(capsys, str(RULESETS / "integration-projects-2013.tests.yaml"), "--engine", "both")
    if amif_rules.durable_available():
        assert status == 0 and "engine durable and python" in out
    else:
        assert status == 2 and "needs durable-rules" in err


def test_the_subcommand_plugs_into_a_command_line_parser(capsys):
    parser = argparse.ArgumentParser(prog="amif-rules")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("check")
    test_cli.add_parser(commands)
    args = parser.parse_args(["test", str(RULESETS / "routing.tests.yaml"), "--engine", "python", "--format", "json"])
    assert args.command == "test" and args.coverage is False
    assert test_cli.run(args) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["failed"] == 0
