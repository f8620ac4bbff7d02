"""The rulesets beside the AMIF calls of the five texts: Buurtstewards, the general integration
projects under the decree of 7 June 2013, AMIF 2021-2027 (Flanders, draft), the calls whose
criteria come from their pages (507, 579, federal 31, the POD MI social activation call after
42) and the routing of a project to its authority, as far as Python must test them: how they load and are found by call code and
date, the values their rules report having read, the routing over every combination of
theme, region and community, and their examples.

What each of them accepts and refuses (every criterion on both sides of its boundary, the
messages) is tested in its ``rulesets/*.tests.yaml``, which run on both engines (see
tests/toolkit/test_toolkit_cases.py)."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import amif_rules
from amif_rules import catalog
from amif_rules.cli import main as cli_main
from conftest import CALL_42_RULES, DURABLE_EXPECTED, ENGINES, EXAMPLES

ROOT = Path(__file__).resolve().parents[2]
RULESETS = ROOT / "rulesets"

#: file -> (id, call code, status, valid_from, valid_until, extends, rule ids in order)
EXPECTED = {
    "buurtstewards.yaml": (
        "buurtstewards",
        "buurtstewards",
        "published",
        dt.date(2016, 1, 1),
        dt.date(2021, 12, 31),
        ("application-inputs",),
        [
            "applicant-kind",
            "city-is-beneficiary",
            "commission-is-vgc",
            "grant-max-gent",
            "grant-max-sint-niklaas",
            "grant-max-antwerpen",
            "grant-max-vgc",
        ],
    ),
    "integration-projects-2013.yaml": (
        "integration-projects-2013",
        "integration-projects",
        "published",
        dt.date(2013, 6, 7),
        None,
        ("application-inputs",),
        ["theme-integration", "duration-positive", "duration-max", "results-stated"],
    ),
    "amif-2021-2027-flanders.yaml": (
        "amif-2021-2027-flanders",
        "amif-2021-2027-flanders",
        "draft",
        dt.date(2021, 1, 1),
        dt.date(2027, 12, 31),
        ("application-inputs", "amif-base"),
        ["participant-third-country-national", "theme-integration", "social-networking-focus"],
    ),
    "flanders-507.yaml": (
        "flanders-507",
        "507",
        "published",
        None,
        dt.date(2020, 10, 16),
        ("application-inputs", "amif-base", "amif-2014-2020-base", "flanders-amif-2014-2020-base"),
        [
            "submitted-before-deadline",
            "participant-third-country-national",
            "theme-integration",
            "amif-within-call-budget",
            "applicant-local-government",
            "co-applicant-local-government",
            "grant-max",
            "own-financing-min",
            "trajectory-declared",
        ],
    ),
    "flanders-579.yaml": (
        "flanders-579",
        "579",
        "published",
        None,
        dt.date(2023, 11, 30),
        ("application-inputs",),
        [
            "applicant-local-government",
            "amif-share-max",
            "own-contribution-min",
            "documents-attached",
            "submitted-before-deadline",
            "amif-within-call-budget",
        ],
    ),
    "federal-31.yaml": (
        "federal-31",
        "31",
        "published",
        None,
        None,
        ("application-inputs", "amif-base", "amif-2014-2020-base"),
        [
            "participant-third-country-national",
            "participant-legal-residence",
            "amif-share-max",
            "amif-within-call-budget",
            "pod-mi-share-max",
            "pod-mi-within-call-budget",
        ],
    ),
    "podmi-social-activation.yaml": (
        "podmi-social-activation",
        "podmi-social-activation",
        "published",
        None,
        None,
        ("application-inputs", "amif-base", "amif-2014-2020-base", "call-42"),
        # call 42's first six (who may lead, the partnership, the target group); its last seven
        # rest on what the page does not give (residence, shares, budget, deadline, form)
        [*CALL_42_RULES[:6], "commitment-signed", "theme-social-activation"],
    ),
    "routing.yaml": (
        "routing",
        "routing",
        "published",
        None,
        None,
        ("application-inputs",),
        [
            "route-federal",
            "route-integration-flanders",
            "route-integration-wallonia",
            "route-integration-brussels-flemish",
            "route-integration-brussels-french",
            "route-social-activation",
            "route-union-action",
            "theme-has-route",
            "brussels-community-has-route",
        ],
    ),
}
ROUTES = [rule for rule in EXPECTED["routing.yaml"][6] if rule.startswith("route-")]


def rule_ids(verdict) -> list[str]:
    ids: list[str] = []
    for result in verdict.rules:
        if not ids or ids[-1] != result.id:
            ids.append(result.id)
    return ids


# -- loading and routing by call code ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_ruleset_loads_as_specified(name):
    ruleset_id, call, status, valid_from, valid_until, extends, rules = EXPECTED[name]
    ruleset = amif_rules.load_ruleset(RULESETS / name)
    assert (ruleset.id, ruleset.call, ruleset.status) == (ruleset_id, call, status)
    assert (ruleset.valid_from, ruleset.valid_until) == (valid_from, valid_until)
    assert ruleset.extends == extends
    assert not ruleset.abstract
    assert ruleset.inactive == ()
    assert [rule.id for rule in ruleset.rules] == rules
    for rule in ruleset.rules:
        for outcome in ("pass", "fail"):
            for lang in ("nl", "fr", "en"):
                assert rule.messages.template(outcome, lang) is not None, (rule.id, outcome, lang)
        if rule.when is not None:
            for lang in ("nl", "fr", "en"):
                assert rule.messages.template("not_applicable", lang) is not None, (rule.id, lang)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_call_code_routes_to_the_ruleset(name, engine):
    ruleset_id, call, *_, rules = EXPECTED[name]
    assert catalog.for_call(call).ruleset.id == ruleset_id
    assert catalog.select(call, dt.date(2019, 1, 1)).name == name
    verdict = amif_rules.check({"call": call}, engine=engine)
    assert verdict.ruleset_id == ruleset_id
    assert verdict.call == call
    assert rule_ids(verdict) == rules


def test_the_draft_is_marked_as_such_and_extends_the_amif_base():
    ruleset = amif_rules.load_ruleset(RULESETS / "amif-2021-2027-flanders.yaml")
    assert ruleset.status == "draft"
    assert "ontwerp" in ruleset.title.nl and "draft" in ruleset.title.en
    assert ruleset.rule("social-networking-focus").severity == "warning"
    assert [r.id for r in ruleset.rules if r.severity == "error"] == ["participant-third-country-national", "theme-integration"]


# -- Buurtstewards ------------------------------------------------------------------------------

#: beneficiary -> (applicant, yearly amount, its rule)
BENEFICIARIES = {
    "gent": (
        {"name": "Stad Gent", "kind": "municipality", "municipality": {"nis_code": "44021", "name": "Gent"}},
        "300000.00",
        "grant-max-gent",
    ),
    "sint-niklaas": (
        {"name": "Stad Sint-Niklaas", "kind": "municipality", "municipality": {"nis_code": "46021", "name": "Sint-Niklaas"}},
        "100000.00",
        "grant-max-sint-niklaas",
    ),
    "antwerpen": (
        {"name": "Stad Antwerpen", "kind": "municipality", "municipality": {"nis_code": "11002", "name": "Antwerpen"}},
        "200000.00",
        "grant-max-antwerpen",
    ),
    "vgc": (
        {"name": "Vlaamse Gemeenschapscommissie", "kind": "community_commission", "commission": "vgc"},
        "200000.00",
        "grant-max-vgc",
    ),
}


def buurtstewards(applicant: dict, grant: str | None = "100000.00") -> dict:
    document = {
        "call": "buurtstewards",
        "submitted_at": "2018-05-14T11:20:00+02:00",
        "applicant": copy.deepcopy(applicant),
        "budget": {},
    }
    if grant is not None:
        document["budget"]["grant"] = grant
    return document


@pytest.mark.parametrize("beneficiary", sorted(BENEFICIARIES))
def test_a_grant_rule_reports_the_amount_asked(engine, beneficiary):
    applicant, amount, rule = BENEFICIARIES[beneficiary]
    verdict = amif_rules.check(buurtstewards(applicant, amount), engine=engine)
    assert verdict.rule(rule).fields["budget.grant"] == amount


# -- general integration projects (decree of 7 June 2013) ---------------------------------------

INTEGRATION_PROJECT = {
    "call": "integration-projects",
    "submitted_at": "2017-02-28T15:10:00+01:00",
    "applicant": {"name": "Vzw Samen Leuven", "kind": "nonprofit"},
    "theme": "integration",
    "duration_months": 24,
    "results": ["60 buddyduo's"],
}


def project(**changes) -> dict:
    document = copy.deepcopy(INTEGRATION_PROJECT)
    for key, value in changes.items():
        if value is ...:
            document.pop(key, None)
        else:
            document[key] = value
    return document


@pytest.mark.parametrize("months", [0, 1, 35, 36, 37, 120])
def test_the_duration_rules_report_the_months(engine, months):
    verdict = amif_rules.check(project(duration_months=months), engine=engine)
    assert verdict.rule("duration-max").fields == {"duration_months": months}


@pytest.mark.parametrize("results", [[], ["Een draaiboek buddywerking"], ["a", "b", "c"]])
def test_the_results_are_reported_as_read(engine, results):
    result = amif_rules.check(project(results=results), engine=engine).rule("results-stated")
    assert result.fields == {"results": tuple(results)}  # frozen: lists are tuples
    assert result.to_dict()["fields"] == {"results": results}


# -- routing ------------------------------------------------------------------------------------


def routing(theme=None, region=None, community=None) -> dict:
    document = {"call": "routing", "applicant": {"name": "Vzw Voorbeeld", "kind": "nonprofit"}}
    for key, value in (("theme", theme), ("region", region), ("community", community)):
        if value is not None:
            document[key] = value
    return document


def test_a_federal_route_reads_only_the_theme(engine):
    verdict = amif_rules.check(routing("asylum"), engine=engine)
    assert verdict.rule("route-federal").fields == {"theme": "asylum"}


THEMES = [None, "asylum", "reception", "return", "legal_migration", "integration", "social_activation", "union_action", "other"]
REGIONS = [None, "flanders", "wallonia", "brussels"]
COMMUNITIES = [None, "flemish", "french", "german"]


@pytest.mark.parametrize("theme", THEMES)
def test_the_outcome_says_whether_a_route_was_found(engine, theme):
    """For every combination: eligible exactly when one route passes; ineligible exactly in the
    two cases without a route; otherwise incomplete, listing what is missing."""
    for region, community in itertools.product(REGIONS, COMMUNITIES):
        verdict = amif_rules.check(routing(theme, region, community), engine=engine)
        passed = [r.id for r in verdict.rules if r.id in ROUTES and r.outcome == "pass"]
        unknown = [r.id for r in verdict.rules if r.outcome == "unknown"]
        no_route = theme == "other" or (theme == "integration" and region == "brussels" and community == "german")
        where = (theme, region, community)
        assert len(passed) <= 1, where
        if no_route:
            assert verdict.outcome == "ineligible" and passed == [], where
        elif passed:
            assert verdict.outcome == "eligible" and unknown == [], where
        else:
            assert verdict.outcome == "incomplete" and unknown, where
            assert verdict.missing, where
            assert set(verdict.missing) <= {"theme", "region", "community"}, where
        assert all(r.outcome != "fail" or r.id in ("theme-has-route", "brussels-community-has-route") for r in verdict.rules), (
            where
        )


# -- validity ------------------------------------------------------------------------------------

MINE = {"buurtstewards", "integration-projects-2013", "amif-2021-2027-flanders", "routing"}


def calls_on(day: str, capsys) -> set[str]:
    assert cli_main(["calls", "--on", day, "--format", "json"]) == 0
    return {row["id"] for row in json.loads(capsys.readouterr().out)} & MINE


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2013-06-06", set()),
        ("2013-06-07", {"integration-projects-2013"}),
        ("2015-12-31", {"integration-projects-2013"}),
        ("2016-01-01", {"integration-projects-2013", "buurtstewards"}),
        ("2018-06-01", {"integration-projects-2013", "buurtstewards"}),
        ("2020-12-31", {"integration-projects-2013", "buurtstewards"}),
        ("2021-01-01", {"integration-projects-2013", "buurtstewards", "amif-2021-2027-flanders"}),
        ("2021-12-31", {"integration-projects-2013", "buurtstewards", "amif-2021-2027-flanders"}),
        ("2022-01-01", {"integration-projects-2013", "amif-2021-2027-flanders"}),
        ("2027-12-31", {"integration-projects-2013", "amif-2021-2027-flanders"}),
        ("2028-01-01", {"integration-projects-2013"}),
    ],
)
def test_calls_on_a_date(capsys, day, expected):
    assert calls_on(day, capsys) == expected


def test_calls_without_a_date_lists_all_four(capsys):
    assert cli_main(["calls", "--format", "json"]) == 0
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert MINE <= set(rows)
    assert rows["amif-2021-2027-flanders"]["status"] == "draft"
    assert rows["amif-2021-2027-flanders"]["extends"] == ["application-inputs", "amif-base"]
    assert (rows["buurtstewards"]["valid_from"], rows["buurtstewards"]["valid_until"]) == ("2016-01-01", "2021-12-31")
    assert (rows["routing"]["valid_from"], rows["routing"]["valid_until"]) == (None, None)


def test_the_calls_command_on_2018_06_01():
    result = subprocess.run(
        [sys.executable, "-m", "amif_rules", "calls", "--on", "2018-06-01", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    ids = {row["id"] for row in json.loads(result.stdout)}
    assert {"buurtstewards", "integration-projects-2013"} <= ids
    assert not ids & {"amif-2021-2027-flanders", "routing"}


@pytest.mark.parametrize(
    ("name", "inside", "outside"),
    [
        ("buurtstewards.yaml", [dt.date(2016, 1, 1), dt.date(2021, 12, 31)], [dt.date(2015, 12, 31), dt.date(2022, 1, 1)]),
        ("integration-projects-2013.yaml", [dt.date(2013, 6, 7), dt.date(2040, 1, 1)], [dt.date(2013, 6, 6)]),
        (
            "amif-2021-2027-flanders.yaml",
            [dt.date(2021, 1, 1), dt.date(2027, 12, 31)],
            [dt.date(2020, 12, 31), dt.date(2028, 1, 1)],
        ),
    ],
)
def test_valid_on(name, inside, outside):
    ruleset = amif_rules.load_ruleset(RULESETS / name)
    assert all(ruleset.valid_on(day) for day in inside)
    assert not any(ruleset.valid_on(day) for day in outside)


def test_check_on_a_date_uses_the_same_ruleset(engine):
    """The validity dates are informational: a check on a date outside them still applies the
    ruleset of the call (the one version there is), as documented in docs/ruleset-language.md."""
    applicant, amount, _ = BENEFICIARIES["gent"]
    document = buurtstewards(applicant, amount)
    for day in (dt.date(2015, 6, 1), dt.date(2018, 6, 1), dt.date(2023, 6, 1)):
        verdict = amif_rules.check(document, engine=engine, on=day)
        assert verdict.ruleset_id == "buurtstewards"
        assert verdict.outcome == "eligible"


# -- examples -----------------------------------------------------------------------------------

EXPECTED_EXAMPLES = {
    "buurtstewards-eligible-gent.json": "eligible",
    "buurtstewards-eligible-vgc.json": "eligible",
    "buurtstewards-ineligible-mechelen.json": "ineligible",
    "buurtstewards-ineligible-sint-niklaas-over-amount.json": "ineligible",
    "buurtstewards-incomplete-antwerpen.json": "incomplete",
    "integration-projects-eligible-leuven.json": "eligible",
    "integration-projects-ineligible-48-months.json": "ineligible",
    "integration-projects-incomplete-no-results.json": "incomplete",
    "amif-2021-2027-eligible-gent-buddy.json": "eligible",
    "amif-2021-2027-eligible-warning-antwerpen-language.json": "eligible",
    "amif-2021-2027-ineligible-kortrijk-eu-participant.json": "ineligible",
    "amif-2021-2027-incomplete-hasselt-no-activities.json": "incomplete",
    "routing-eligible-federal-reception.json": "eligible",
    "routing-eligible-flanders-integration.json": "eligible",
    "routing-eligible-wallonia-integration.json": "eligible",
    "routing-eligible-brussels-flemish.json": "eligible",
    "routing-eligible-brussels-french.json": "eligible",
    "routing-eligible-social-activation-liege.json": "eligible",
    "routing-eligible-union-action.json": "eligible",
    "routing-ineligible-other-theme.json": "ineligible",
    "routing-ineligible-brussels-german.json": "ineligible",
    "routing-incomplete-brussels-no-community.json": "incomplete",
    "flanders-579-eligible-genk.json": "eligible",
    "flanders-579-ineligible-leuven-no-pay-slips.json": "ineligible",
    "flanders-579-incomplete-aalst-no-documents.json": "incomplete",
    "federal-31-eligible-gent.json": "eligible",
    "federal-31-ineligible-liege-amif-over-75-percent.json": "ineligible",
    "federal-31-incomplete-antwerpen-no-pod-mi-cofinancing.json": "incomplete",
    "podmi-social-activation-eligible-charleroi.json": "eligible",
    "podmi-social-activation-ineligible-gent-commitment-not-signed.json": "ineligible",
    "podmi-social-activation-incomplete-brussel-no-commitment.json": "incomplete",
    "routing-incomplete-no-theme.json": "incomplete",
    "flanders-507-eligible-gent.json": "eligible",
    "flanders-507-ineligible-antwerpen-nonprofit-low-own-financing.json": "ineligible",
    "flanders-507-incomplete-kortrijk-no-own-financing.json": "incomplete",
}
PREFIXES = {
    "buurtstewards-": "buurtstewards",
    "integration-projects-": "integration-projects",
    "amif-2021-2027-": "amif-2021-2027-flanders",
    "routing-": "routing",
    "flanders-507-": "507",
    "flanders-579-": "579",
    "federal-31-": "31",
    "podmi-social-activation-": "podmi-social-activation",
}


def test_every_example_is_listed_and_named_by_its_outcome():
    found = sorted(p.name for prefix in PREFIXES for p in EXAMPLES.glob(prefix + "*"))
    assert found == sorted(EXPECTED_EXAMPLES)
    for name, outcome in EXPECTED_EXAMPLES.items():
        assert re.search(r"-(eligible|ineligible|incomplete)-", name)[1] == outcome, name
        call = next(code for prefix, code in PREFIXES.items() if name.startswith(prefix))
        assert json.loads((EXAMPLES / name).read_text(encoding="utf-8"))["call"] == call, name
    for outcome in ("eligible", "ineligible", "incomplete"):
        for prefix in PREFIXES:
            assert any(n.startswith(prefix) and v == outcome for n, v in EXPECTED_EXAMPLES.items()), (prefix, outcome)


@pytest.mark.parametrize("name", sorted(EXPECTED_EXAMPLES))
@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_engines_give_identical_bytes_on_the_examples(name, lang):
    if DURABLE_EXPECTED and os.environ.get("AMIF_NO_DURABLE") != "1":
        assert ENGINES == ["python", "durable"]
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    outputs = set()
    for engine in ENGINES:
        data = amif_rules.check(text, engine=engine, lang=lang).to_dict()
        assert data.pop("engine") == engine
        outputs.add(json.dumps(data, ensure_ascii=False, sort_keys=False))
    assert len(outputs) == 1
