"""Rulesets built on others (extends), unset and dated parameters, definitions, versions in
time, and the register year: the language features that let calls share a base."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import amif_rules
from amif_rules import catalog

MESSAGES = "messages: {pass: {nl: p, fr: p, en: p}, fail: {nl: f, fr: f, en: f}}"

BASE = f"""
id: base
version: "1"
abstract: true
title: {{nl: b, fr: b, en: b}}
source: x.txt
parameters:
  limit: {{value: 100, source: "x.txt, a"}}
  share: {{type: share, source: "x.txt, b"}}
definitions:
  big: duration_months > limit
rules:
  - id: first
    check: big
    source: x.txt, a
    {MESSAGES}
  - id: second
    check: budget.amif <= share * budget.total_eligible_cost
    source: x.txt, b
    {MESSAGES}
  - id: third
    check: form.signed
    source: x.txt, c
    {MESSAGES}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def child(folder: Path, body: str, name: str = "child") -> Path:
    write(folder, "base", BASE)
    head = f"""
id: {name}
version: "2"
call: "77"
extends: base
title: {{nl: c, fr: c, en: c}}
"""
    return write(folder, name, head + textwrap.dedent(body))


def test_a_base_with_an_unset_parameter_leaves_its_rule_out(tmp_path):
    write(tmp_path, "base", BASE)
    base = amif_rules.load_ruleset(tmp_path / "base.yaml")
    assert base.abstract
    assert [r.id for r in base.rules] == ["first", "third"]
    assert base.inactive == (("second", "no value for share"),)


def test_a_child_sets_the_parameter_and_the_rule_comes_alive(tmp_path):
    ruleset = amif_rules.load_ruleset(child(tmp_path, 'parameters:\n  share: {value: "0.5", source: "x.txt, c"}\n'))
    assert ruleset.extends == ("base",)
    assert [r.id for r in ruleset.rules] == ["first", "second", "third"]
    assert ruleset.parameters["share"].value == amif_rules.ruleset.Decimal("0.5")
    assert ruleset.parameters["share"].type_name == "share"  # inherited
    verdict = amif_rules.check({"budget": {"amif": "51.00", "total_eligible_cost": "100.00"}}, ruleset=ruleset)
    assert verdict.rule("second").outcome == "fail"


def test_overrides_by_id_key_by_key(tmp_path):
    body = """
    parameters:
      limit: {value: 10}
    rules:
      - id: third
        severity: warning
      - id: fourth
        check: duration_months < 50
        source: x.txt, d
        messages: {pass: {nl: p, fr: p, en: p}, fail: {nl: f, fr: f, en: f}}
    """
    ruleset = amif_rules.load_ruleset(child(tmp_path, body))
    assert [r.id for r in ruleset.rules] == ["first", "third", "fourth"]  # unlisted inherited first
    assert ruleset.rule("third").severity == "warning"
    assert ruleset.rule("third").source == "x.txt, c"  # kept
    assert ruleset.parameters["limit"].source == "x.txt, a"  # only the value changed
    verdict = amif_rules.check({"duration_months": 20}, ruleset=ruleset)
    assert verdict.rule("first").outcome == "pass"  # 20 > 10, the child's limit


def test_listing_every_inherited_id_orders_the_verdict(tmp_path):
    ruleset = amif_rules.load_ruleset(child(tmp_path, "rules:\n  - id: third\n  - id: second\n  - id: first\n"))
    assert [r.id for r in ruleset.rules] == ["third", "first"]  # second stays left out (no value)


def test_an_overridden_rule_keeps_its_place(tmp_path):
    body = """
    rules:
      - id: new
        check: form.complete
        source: x.txt, n
        messages: {pass: {nl: p, fr: p, en: p}, fail: {nl: f, fr: f, en: f}}
      - id: first
        severity: warning
    """
    ruleset = amif_rules.load_ruleset(child(tmp_path, body))
    assert [r.id for r in ruleset.rules] == ["first", "third", "new"]


def test_remove_rules(tmp_path):
    ruleset = amif_rules.load_ruleset(child(tmp_path, "remove_rules: [third]\n"))
    assert [r.id for r in ruleset.rules] == ["first"]
    with pytest.raises(amif_rules.RulesetError, match="no rule 'thrid' to remove") as caught:
        amif_rules.load_ruleset(child(tmp_path, "remove_rules: [thrid]\n"))
    assert "third" in caught.value.problems[0].hint


def test_a_missing_parent_is_named_with_where_it_was_looked_for(tmp_path):
    path = write(
        tmp_path,
        "lonely",
        """
    id: lonely
    version: "1"
    extends: nowhere
    title: {nl: c, fr: c, en: c}
    source: x.txt
    """,
    )
    with pytest.raises(amif_rules.RulesetError) as caught:
        amif_rules.load_ruleset(path)
    problem = caught.value.problems[0]
    assert "no ruleset 'nowhere'" in problem.message
    assert problem.location.file == "lonely.yaml" and problem.location.line == 4


def test_extends_cycles_are_refused(tmp_path):
    write(tmp_path, "a", "id: a\nversion: '1'\nextends: b\ntitle: {nl: a, fr: a, en: a}\nsource: x.txt\nrules: []\n")
    write(tmp_path, "b", "id: b\nversion: '1'\nextends: a\ntitle: {nl: b, fr: b, en: b}\nsource: x.txt\nrules: []\n")
    with pytest.raises(amif_rules.RulesetError, match="extends itself"):
        amif_rules.load_ruleset(tmp_path / "a.yaml")


def test_an_extends_cycle_is_told_in_the_order_it_was_followed(tmp_path):
    for name, parent in (("a", "b"), ("b", "c"), ("c", "a")):
        write(
            tmp_path,
            name,
            f"id: {name}\nversion: '1'\nextends: {parent}\ntitle: {{nl: x, fr: x, en: x}}\nsource: x.txt\nrules: []\n",
        )
    with pytest.raises(amif_rules.RulesetError) as caught:
        amif_rules.load_ruleset(tmp_path / "a.yaml")
    messages = [p.message for p in caught.value.problems if "extends itself" in p.message]
    assert messages == ["ruleset 'a' extends itself (through a -> b -> c)"]


def test_an_error_in_the_parent_is_located_in_the_parent(tmp_path):
    write(tmp_path, "base", BASE.replace("form.signed", "form.sined"))
    path = write(
        tmp_path,
        "kid",
        """
    id: kid
    version: "1"
    extends: base
    title: {nl: c, fr: c, en: c}
    """,
    )
    with pytest.raises(amif_rules.RulesetError) as caught:
        amif_rules.load_ruleset(path)
    problem = caught.value.problems[0]
    assert problem.location.file == "base.yaml"
    assert "form.signed" in problem.hint


def test_definitions_expand_and_refuse_themselves(tmp_path):
    text = BASE.replace("big: duration_months > limit", "big: big and duration_months > limit")
    write(tmp_path, "base", text)
    with pytest.raises(amif_rules.RulesetError, match="uses itself"):
        amif_rules.load_ruleset(tmp_path / "base.yaml")


def test_the_bundled_bases_and_call_42():
    base = amif_rules.load_ruleset(catalog.rulesets_dir() / "amif-2014-2020-base.yaml")
    assert base.abstract and base.extends == ("application-inputs", "amif-base")
    assert {rule_id for rule_id, _ in base.inactive} == {
        "participant-legal-residence",
        "amif-share-max",
        "amif-within-call-budget",
        "submitted-before-deadline",
    }
    call42 = amif_rules.load_ruleset(catalog.rulesets_dir() / "call-42.yaml")
    assert call42.extends == ("application-inputs", "amif-base", "amif-2014-2020-base")
    assert call42.inactive == ()


# -- dated parameter values ---------------------------------------------------------------------

DATED = """
id: dated
version: "1"
call: "dated"
title: {nl: d, fr: d, en: d}
source: x.txt
parameters:
  ceiling:
    type: money
    source: "x.txt, a"
    values:
      - {value: "100.00", until: 2019-12-31}
      - {value: "200.00", from: 2020-01-01}
rules:
  - id: within
    check: budget.amif <= ceiling
    source: x.txt, a
    messages: {pass: {nl: "{ceiling}", fr: p, en: p}, fail: {nl: "{ceiling}", fr: f, en: f}}
"""


@pytest.mark.parametrize(
    ("submitted_at", "expected"),
    [("2019-12-31T23:00:00+01:00", "fail"), ("2020-01-01T00:00:00+01:00", "pass"), ("2019-12-31T23:30:00Z", "pass")],
)
def test_dated_values_follow_the_reference_date(tmp_path, engine, submitted_at, expected):
    ruleset = amif_rules.load_ruleset(write(tmp_path, "dated", DATED))
    verdict = amif_rules.check({"submitted_at": submitted_at, "budget": {"amif": "150.00"}}, ruleset=ruleset, engine=engine)
    assert verdict.rule("within").outcome == expected


def test_dated_values_without_a_date_are_unknown(tmp_path, engine):
    ruleset = amif_rules.load_ruleset(write(tmp_path, "dated", DATED))
    verdict = amif_rules.check({"budget": {"amif": "50.00"}}, ruleset=ruleset, engine=engine)
    assert verdict.rule("within").outcome == "unknown"
    assert verdict.missing == ("submitted_at",)
    on = amif_rules.check({"budget": {"amif": "150.00"}}, ruleset=ruleset, engine=engine, on=dt.date(2019, 6, 1))
    assert on.rule("within").outcome == "fail"
    assert on.rule("within").message == "€\xa0100,00"


def test_overlapping_periods_are_refused(tmp_path):
    text = DATED.replace("from: 2020-01-01", "from: 2019-12-01")
    with pytest.raises(amif_rules.RulesetError, match="must not overlap"):
        amif_rules.load_ruleset(write(tmp_path, "dated", text))


# -- versions of a call in time ----------------------------------------------------------------


def version(number: int, valid_from: str | None, valid_until: str | None, status: str = "published") -> str:
    dates = (f"valid_from: {valid_from}\n" if valid_from else "") + (f"valid_until: {valid_until}\n" if valid_until else "")
    return (
        f'id: v{number}\nversion: "{number}"\ncall: "88"\nstatus: {status}\n{dates}'
        f"title: {{nl: v, fr: v, en: v}}\nsource: x.txt\n"
        f"rules:\n  - id: r\n    check: form.signed\n    source: x.txt, a\n    {MESSAGES}\n"
    )


@pytest.fixture
def versions(tmp_path, monkeypatch):
    write(tmp_path, "v1", version(1, "2018-01-01", "2018-12-31"))
    write(tmp_path, "v2", version(2, "2019-01-01", "2019-12-31"))
    write(tmp_path, "v3", version(3, "2020-01-01", None, status="draft"))
    monkeypatch.setattr(catalog, "rulesets_dir", lambda: tmp_path)
    catalog.reset()
    yield
    catalog.reset()


@pytest.mark.parametrize(
    ("on", "expected"), [("2018-06-01", "1"), ("2019-01-01", "2"), ("2017-01-01", "1"), ("2021-01-01", "2"), (None, "2")]
)
def test_the_version_in_force_is_chosen(versions, on, expected):
    day = dt.date.fromisoformat(on) if on else None
    verdict = amif_rules.check({"call": "88", "form": {"signed": True}}, on=day, engine="python")
    assert verdict.ruleset_version == expected  # drafts only when nothing is published


def test_the_submission_date_chooses_the_version(versions):
    verdict = amif_rules.check({"call": "88", "submitted_at": "2018-12-31T23:59:00+01:00"}, engine="python")
    assert verdict.ruleset_version == "1"


def test_calls_on_a_date_lists_the_open_calls():
    def open_on(day: str) -> list[str]:
        result = subprocess.run(
            [sys.executable, "-m", "amif_rules", "calls", "--on", day, "--format", "json"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return [row["id"] for row in json.loads(result.stdout)]

    assert "call-42" in open_on("2019-08-01")
    assert "call-42" not in open_on("2019-09-03")


# -- the register year ----------------------------------------------------------------------------

REGISTER = f"""
id: ry
version: "1"
title: {{nl: t, fr: t, en: t}}
source: x.txt
register_date: reference_year
parameters:
  minimum: {{value: 150000, source: "x.txt, a"}}
rules:
  - id: big
    check: applicant.municipality.population > minimum
    source: x.txt, a
    {MESSAGES}
"""


@pytest.mark.parametrize(("year", "population"), [(2019, 525935), (2020, 529247)])
def test_the_register_answers_by_year(tmp_path, engine, year, population):
    ruleset = amif_rules.load_ruleset(write(tmp_path, "ry", REGISTER))
    document = {"applicant": {"municipality": {"nis_code": "11002"}}, "submitted_at": f"{year}-05-01T10:00:00+02:00"}
    result = amif_rules.check(document, ruleset=ruleset, engine=engine).rule("big")
    assert result.fields == {"applicant.municipality.population": population}


def test_a_year_the_register_lacks_is_said_clearly(tmp_path, engine):
    ruleset = amif_rules.load_ruleset(write(tmp_path, "ry", REGISTER))
    document = {"applicant": {"municipality": {"nis_code": "11002"}}, "submitted_at": "2021-05-01T10:00:00+02:00"}
    result = amif_rules.check(document, ruleset=ruleset, engine=engine, lang="en").rule("big")
    assert result.outcome == "unknown"
    assert "no population figures for 1 January 2021" in result.message


def test_a_fixed_register_date_must_be_in_the_register(tmp_path):
    with pytest.raises(amif_rules.RulesetError, match="no figures for 2021-01-01") as caught:
        amif_rules.load_ruleset(write(tmp_path, "ry", REGISTER.replace("reference_year", "2021-01-01")))
    assert "2019-01-01, 2020-01-01" in caught.value.problems[0].hint


def test_a_date_in_a_gap_takes_the_value_of_the_period_before(tmp_path):
    text = DATED.replace("until: 2019-12-31}", "until: 2019-06-30}")
    ruleset = amif_rules.load_ruleset(write(tmp_path, "dated", text))
    gap = amif_rules.check({"budget": {"amif": "150.00"}}, ruleset=ruleset, engine="python", on=dt.date(2019, 9, 1))
    assert gap.rule("within").outcome == "fail"  # the 100.00 of the period before the gap


def test_a_broken_ruleset_given_with_ruleset_is_a_usage_error(tmp_path):
    path = write(tmp_path, "broken", "id: broken\nversion: '1'\n")
    example = Path(__file__).resolve().parents[2] / "examples" / "call-42-eligible-antwerpen.json"
    result = subprocess.run(
        [sys.executable, "-m", "amif_rules", "check", str(example), "--ruleset", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "broken.yaml" in result.stderr and "missing required key 'title'" in result.stderr
