"""The rulesets beside the AMIF calls: Buurtstewards, the general integration projects under
the decree of 7 June 2013, AMIF 2021-2027 (Flanders, draft) and the routing of a project to
its authority. Every criterion on both sides of its boundary, on every engine."""

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
from conftest import DURABLE_EXPECTED, ENGINES, EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
RULESETS = ROOT / "rulesets"

#: file -> (id, call code, status, valid_from, valid_until, extends, rule ids in order)
EXPECTED = {
    "buurtstewards.yaml": (
        "buurtstewards", "buurtstewards", "published", dt.date(2016, 1, 1), dt.date(2021, 12, 31), (),
        ["applicant-kind", "city-is-beneficiary", "commission-is-vgc", "grant-max-gent", "grant-max-sint-niklaas",
         "grant-max-antwerpen", "grant-max-vgc"],
    ),
    "integration-projects-2013.yaml": (
        "integration-projects-2013", "integration-projects", "published", dt.date(2013, 6, 7), None, (),
        ["theme-integration", "duration-positive", "duration-max", "results-stated"],
    ),
    "amif-2021-2027-flanders.yaml": (
        "amif-2021-2027-flanders", "amif-2021-2027-flanders", "draft", dt.date(2021, 1, 1), dt.date(2027, 12, 31),
        ("amif-base",),
        ["participant-third-country-national", "theme-integration", "social-networking-focus"],
    ),
    "routing.yaml": (
        "routing", "routing", "published", None, None, (),
        ["route-federal", "route-integration-flanders", "route-integration-wallonia",
         "route-integration-brussels-flemish", "route-integration-brussels-french", "route-social-activation",
         "route-union-action", "theme-has-route", "brussels-community-has-route"],
    ),
}
ROUTES = [rule for rule in EXPECTED["routing.yaml"][6] if rule.startswith("route-")]


def rule_ids(verdict) -> list[str]:
    ids: list[str] = []
    for result in verdict.rules:
        if not ids or ids[-1] != result.id:
            ids.append(result.id)
    return ids


def outcomes(verdict) -> dict[str, str]:
    """Rule id -> outcome, for rules that are not applied per element."""
    return {result.id: result.outcome for result in verdict.rules if result.item is None}


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
    "gent": ({"name": "Stad Gent", "kind": "municipality", "municipality": {"nis_code": "44021", "name": "Gent"}},
             "300000.00", "grant-max-gent"),
    "sint-niklaas": ({"name": "Stad Sint-Niklaas", "kind": "municipality",
                      "municipality": {"nis_code": "46021", "name": "Sint-Niklaas"}}, "100000.00", "grant-max-sint-niklaas"),
    "antwerpen": ({"name": "Stad Antwerpen", "kind": "municipality",
                   "municipality": {"nis_code": "11002", "name": "Antwerpen"}}, "200000.00", "grant-max-antwerpen"),
    "vgc": ({"name": "Vlaamse Gemeenschapscommissie", "kind": "community_commission", "commission": "vgc"},
            "200000.00", "grant-max-vgc"),
}
GRANT_RULES = [rule for _, _, rule in BENEFICIARIES.values()]


def buurtstewards(applicant: dict, grant: str | None = "100000.00") -> dict:
    document = {"call": "buurtstewards", "submitted_at": "2018-05-14T11:20:00+02:00",
                "applicant": copy.deepcopy(applicant), "budget": {}}
    if grant is not None:
        document["budget"]["grant"] = grant
    return document


def one_cent_more(amount: str) -> str:
    whole, cents = amount.split(".")
    return f"{int(whole) + (int(cents) + 1) // 100}.{(int(cents) + 1) % 100:02d}"


@pytest.mark.parametrize("beneficiary", sorted(BENEFICIARIES))
def test_grant_exactly_the_amount_passes(engine, beneficiary):
    applicant, amount, rule = BENEFICIARIES[beneficiary]
    verdict = amif_rules.check(buurtstewards(applicant, amount), engine=engine, lang="en")
    assert verdict.outcome == "eligible", verdict.to_text()
    result = verdict.rule(rule)
    assert result.outcome == "pass"
    assert result.fields["budget.grant"] == amount
    assert f"€{int(amount[:-3]):,}.00" in result.message
    for other in GRANT_RULES:
        if other != rule:
            assert verdict.rule(other).outcome == "not_applicable"


@pytest.mark.parametrize("beneficiary", sorted(BENEFICIARIES))
def test_grant_one_cent_over_the_amount_fails(engine, beneficiary):
    applicant, amount, rule = BENEFICIARIES[beneficiary]
    over = one_cent_more(amount)
    verdict = amif_rules.check(buurtstewards(applicant, over), engine=engine, lang="en")
    assert verdict.outcome == "ineligible"
    assert verdict.rule(rule).outcome == "fail"
    assert [r.id for r in verdict.rules if r.outcome == "fail"] == [rule]
    assert f"€{int(amount[:-3]):,}.00" in verdict.rule(rule).message
    assert f"€{int(over[:-3]):,}.{over[-2:]}" in verdict.rule(rule).message


def test_one_cent_more():
    assert one_cent_more("300000.00") == "300000.01"
    assert one_cent_more("99.99") == "100.00"


def test_the_amounts_differ_per_beneficiary(engine):
    """200,000.01 is too much for Antwerpen and the VGC, not for Gent; 100,000.01 for Sint-Niklaas only."""
    for grant, expected in (("200000.01", {"gent": "pass", "sint-niklaas": "fail", "antwerpen": "fail", "vgc": "fail"}),
                            ("100000.01", {"gent": "pass", "sint-niklaas": "fail", "antwerpen": "pass", "vgc": "pass"})):
        for beneficiary, outcome in expected.items():
            applicant, _, rule = BENEFICIARIES[beneficiary]
            assert amif_rules.check(buurtstewards(applicant, grant), engine=engine).rule(rule).outcome == outcome


@pytest.mark.parametrize(("nis_code", "name"), [("12025", "Mechelen"), ("21004", "Brussel"), ("44019", "Evergem")])
def test_a_city_that_is_not_listed_is_refused(engine, nis_code, name):
    applicant = {"name": f"Stad {name}", "kind": "municipality", "municipality": {"nis_code": nis_code, "name": name}}
    verdict = amif_rules.check(buurtstewards(applicant), engine=engine, lang="en")
    assert verdict.outcome == "ineligible"
    assert outcomes(verdict) == {
        "applicant-kind": "pass", "city-is-beneficiary": "fail", "commission-is-vgc": "not_applicable",
        **{rule: "not_applicable" for rule in GRANT_RULES},
    }
    assert f"Stad {name} (NIS {nis_code}) is not a beneficiary" in verdict.rule("city-is-beneficiary").message


@pytest.mark.parametrize("commission", ["cocof", "ggc"])
def test_another_community_commission_is_refused(engine, commission):
    applicant = {"name": "Commissie", "kind": "community_commission", "commission": commission}
    verdict = amif_rules.check(buurtstewards(applicant), engine=engine)
    assert verdict.outcome == "ineligible"
    assert outcomes(verdict) == {
        "applicant-kind": "pass", "city-is-beneficiary": "not_applicable", "commission-is-vgc": "fail",
        **{rule: "not_applicable" for rule in GRANT_RULES},
    }


@pytest.mark.parametrize("kind", ["ocmw", "nonprofit", "intermunicipal", "province", "company", "other"])
def test_other_kinds_of_applicant_are_refused(engine, kind):
    applicant = {"name": "OCMW Gent", "kind": kind, "municipality": {"nis_code": "44021"}}
    verdict = amif_rules.check(buurtstewards(applicant), engine=engine)
    assert verdict.outcome == "ineligible"
    assert verdict.rule("applicant-kind").outcome == "fail"
    assert verdict.rule("city-is-beneficiary").outcome == "not_applicable"
    assert verdict.rule("grant-max-gent").outcome == "not_applicable"


@pytest.mark.parametrize("beneficiary", sorted(BENEFICIARIES))
def test_missing_grant_is_unknown(engine, beneficiary):
    applicant, _, rule = BENEFICIARIES[beneficiary]
    verdict = amif_rules.check(buurtstewards(applicant, None), engine=engine)
    assert verdict.outcome == "incomplete"
    assert verdict.rule(rule).outcome == "unknown"
    assert verdict.missing == ("budget.grant",)


def test_missing_nis_code_of_a_city_is_unknown(engine):
    applicant = {"name": "Stad Gent", "kind": "municipality"}
    verdict = amif_rules.check(buurtstewards(applicant, "300000.00"), engine=engine)
    assert verdict.outcome == "incomplete"
    assert verdict.rule("city-is-beneficiary").outcome == "unknown"
    assert verdict.missing == ("applicant.municipality.nis_code",)


def test_missing_commission_is_unknown(engine):
    applicant = {"name": "Vlaamse Gemeenschapscommissie", "kind": "community_commission"}
    verdict = amif_rules.check(buurtstewards(applicant, "200000.00"), engine=engine)
    assert verdict.outcome == "incomplete"
    assert verdict.rule("commission-is-vgc").outcome == "unknown"
    assert verdict.rule("grant-max-vgc").outcome == "unknown"
    assert verdict.missing == ("applicant.commission",)


def test_missing_kind_is_unknown(engine):
    applicant = {"name": "Stad Gent", "municipality": {"nis_code": "44021"}}
    verdict = amif_rules.check(buurtstewards(applicant, "300000.00"), engine=engine)
    assert verdict.outcome == "incomplete"
    assert verdict.rule("applicant-kind").outcome == "unknown"
    assert verdict.rule("grant-max-gent").outcome == "unknown"
    assert verdict.rule("grant-max-antwerpen").outcome == "not_applicable"
    assert "applicant.kind" in verdict.missing


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


def test_the_reference_project_is_eligible(engine):
    verdict = amif_rules.check(project(), engine=engine)
    assert verdict.outcome == "eligible", verdict.to_text()


@pytest.mark.parametrize(("months", "positive", "maximum"), [
    (0, "fail", "pass"), (1, "pass", "pass"), (35, "pass", "pass"), (36, "pass", "pass"), (37, "pass", "fail"),
    (120, "pass", "fail"),
])
def test_duration_boundaries(engine, months, positive, maximum):
    verdict = amif_rules.check(project(duration_months=months), engine=engine, lang="en")
    assert verdict.rule("duration-positive").outcome == positive
    assert verdict.rule("duration-max").outcome == maximum
    assert verdict.outcome == ("eligible" if positive == maximum == "pass" else "ineligible")
    assert verdict.rule("duration-max").fields == {"duration_months": months}
    if maximum == "fail":
        assert verdict.rule("duration-max").message == (
            f"The project runs for {months} months; projects under the decree of 7 June 2013 last at most 36 months.")


def test_missing_duration_is_unknown(engine):
    verdict = amif_rules.check(project(duration_months=...), engine=engine)
    assert verdict.rule("duration-positive").outcome == "unknown"
    assert verdict.rule("duration-max").outcome == "unknown"
    assert verdict.outcome == "incomplete"
    assert verdict.missing == ("duration_months",)


@pytest.mark.parametrize(("results", "expected"), [
    ([], "fail"), (["Een draaiboek buddywerking"], "pass"), (["a", "b", "c"], "pass"),
])
def test_results_must_be_stated(engine, results, expected):
    verdict = amif_rules.check(project(results=results), engine=engine)
    assert verdict.rule("results-stated").outcome == expected
    assert verdict.rule("results-stated").fields == {"results": tuple(results)}  # frozen: lists are tuples
    assert verdict.rule("results-stated").to_dict()["fields"] == {"results": results}
    assert verdict.outcome == ("eligible" if expected == "pass" else "ineligible")


def test_missing_results_are_unknown_not_empty(engine):
    verdict = amif_rules.check(project(results=...), engine=engine)
    assert verdict.rule("results-stated").outcome == "unknown"
    assert verdict.outcome == "incomplete"
    assert verdict.missing == ("results",)


@pytest.mark.parametrize("theme", ["asylum", "reception", "return", "legal_migration", "social_activation",
                                   "union_action", "other"])
def test_integration_projects_are_about_integration(engine, theme):
    verdict = amif_rules.check(project(theme=theme), engine=engine)
    assert verdict.rule("theme-integration").outcome == "fail"
    assert verdict.outcome == "ineligible"


def test_missing_theme_is_unknown(engine):
    verdict = amif_rules.check(project(theme=...), engine=engine)
    assert verdict.rule("theme-integration").outcome == "unknown"
    assert verdict.missing == ("theme",)


# -- AMIF 2021-2027, Flanders (draft) -----------------------------------------------------------

AMIF_2021 = {
    "call": "amif-2021-2027-flanders",
    "submitted_at": "2021-10-15T10:30:00+02:00",
    "applicant": {"name": "Stad Gent", "kind": "municipality", "municipality": {"nis_code": "44021"}},
    "participants": [{"id": "G-001", "nationalities": ["AF"], "residence": "international_protection"}],
    "theme": "integration",
    "activities": ["buddy"],
}


def amif_2021(**changes) -> dict:
    document = copy.deepcopy(AMIF_2021)
    for key, value in changes.items():
        if value is ...:
            document.pop(key, None)
        else:
            document[key] = value
    return document


@pytest.mark.parametrize(("activities", "expected"), [
    (["buddy"], "pass"), (["volunteering"], "pass"), (["local_associations"], "pass"),
    (["language", "local_associations"], "pass"),
    (["language", "training", "education", "leisure", "other"], "fail"), ([], "fail"),
])
def test_the_social_networking_focus_is_a_warning(engine, activities, expected):
    verdict = amif_rules.check(amif_2021(activities=activities), engine=engine)
    result = verdict.rule("social-networking-focus")
    assert (result.outcome, result.severity) == (expected, "warning")
    assert verdict.outcome == "eligible", verdict.to_text()


def test_missing_activities_make_the_warning_unknown(engine):
    verdict = amif_rules.check(amif_2021(activities=...), engine=engine)
    assert verdict.rule("social-networking-focus").outcome == "unknown"
    assert verdict.outcome == "incomplete"
    assert verdict.missing == ("activities",)


def test_the_warning_does_not_hide_an_error(engine):
    verdict = amif_rules.check(amif_2021(activities=["language"], theme="return"), engine=engine)
    assert verdict.rule("social-networking-focus").outcome == "fail"
    assert verdict.rule("theme-integration").outcome == "fail"
    assert verdict.outcome == "ineligible"


@pytest.mark.parametrize(("nationalities", "expected"), [
    (["AF"], "pass"), (["stateless"], "pass"), (["GB"], "pass"), (["NO"], "pass"), (["RO"], "fail"),
    (["MA", "BE"], "fail"),
])
def test_participants_are_third_country_nationals(engine, nationalities, expected):
    document = amif_2021(participants=[{"id": "X", "nationalities": nationalities, "residence": "legal"}])
    verdict = amif_rules.check(document, engine=engine)
    assert verdict.rule("participant-third-country-national", "participants[0]").outcome == expected
    assert verdict.outcome == ("eligible" if expected == "pass" else "ineligible")


def test_the_reference_date_can_be_given(engine):
    """A British participant is a third-country national in the 2021-2027 period, not before Brexit."""
    document = amif_2021(participants=[{"id": "X", "nationalities": ["GB"], "residence": "legal"}])
    rule = "participant-third-country-national"
    assert amif_rules.check(document, engine=engine, on=dt.date(2021, 1, 1)).rule(rule, "participants[0]").outcome == "pass"
    assert amif_rules.check(document, engine=engine, on=dt.date(2020, 1, 31)).rule(rule, "participants[0]").outcome == "fail"


# -- routing ------------------------------------------------------------------------------------

#: (theme, region, community) -> the one route that passes
ROUTED = [
    (("asylum", None, None), "route-federal"),
    (("reception", "wallonia", "french"), "route-federal"),
    (("return", "flanders", None), "route-federal"),
    (("legal_migration", "brussels", "german"), "route-federal"),
    (("integration", "flanders", None), "route-integration-flanders"),
    (("integration", "flanders", "french"), "route-integration-flanders"),
    (("integration", "wallonia", None), "route-integration-wallonia"),
    (("integration", "wallonia", "german"), "route-integration-wallonia"),
    (("integration", "brussels", "flemish"), "route-integration-brussels-flemish"),
    (("integration", "brussels", "french"), "route-integration-brussels-french"),
    (("social_activation", None, None), "route-social-activation"),
    (("social_activation", "brussels", "french"), "route-social-activation"),
    (("union_action", None, None), "route-union-action"),
    (("union_action", "flanders", "flemish"), "route-union-action"),
]

#: the words each route's pass message must name (authority, channel, website)
ROUTE_WORDS = {
    "route-federal": ["FOD Binnenlandse Zaken", "Europese Fondsen", "www.amif-isf.be", "amif.isf@ibz.eu"],
    "route-integration-flanders": ["ESF Vlaanderen", "Afdeling ESF en Duurzaam Ondernemen", "www.esf-vlaanderen.be/nl/amif"],
    "route-integration-wallonia": ["Agence FSE", "www.fse.be"],
    "route-integration-brussels-flemish": ["ESF Vlaanderen", "Vlaamse ESF-agentschap", "www.esf-vlaanderen.be/nl/amif"],
    "route-integration-brussels-french": ["Agence FSE de la Fédération Wallonie-Bruxelles", "www.fse.be"],
    "route-social-activation": ["POD Maatschappelijke Integratie", "amif.isf@ibz.eu", "oproep 42"],
    "route-union-action": ["rechtstreeks", "Europese Commissie", "Union Actions"],
}


def routing(theme=None, region=None, community=None) -> dict:
    document = {"call": "routing", "applicant": {"name": "Vzw Voorbeeld", "kind": "nonprofit"}}
    for key, value in (("theme", theme), ("region", region), ("community", community)):
        if value is not None:
            document[key] = value
    return document


@pytest.mark.parametrize(("case", "route"), ROUTED, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c, _ in ROUTED])
def test_each_route(engine, case, route):
    verdict = amif_rules.check(routing(*case), engine=engine, lang="nl")
    assert verdict.outcome == "eligible", verdict.to_text()
    assert [r.id for r in verdict.rules if r.outcome == "pass" and r.id.startswith("route-")] == [route]
    assert all(verdict.rule(other).outcome == "not_applicable" for other in ROUTES if other != route)
    for words in ROUTE_WORDS[route]:
        assert words in verdict.rule(route).message, (words, verdict.rule(route).message)
    assert verdict.missing == ()


def test_brussels_goes_by_community(engine):
    flemish = amif_rules.check(routing("integration", "brussels", "flemish"), engine=engine, lang="en")
    french = amif_rules.check(routing("integration", "brussels", "french"), engine=engine, lang="en")
    german = amif_rules.check(routing("integration", "brussels", "german"), engine=engine, lang="en")
    unknown = amif_rules.check(routing("integration", "brussels"), engine=engine, lang="en")
    assert flemish.rule("route-integration-brussels-flemish").outcome == "pass"
    assert french.rule("route-integration-brussels-french").outcome == "pass"
    assert german.outcome == "ineligible"
    assert german.rule("brussels-community-has-route").outcome == "fail"
    assert "no authority for the German-speaking Community" in german.rule("brussels-community-has-route").message
    assert unknown.outcome == "incomplete"
    assert unknown.missing == ("community",)
    assert unknown.rule("route-integration-brussels-flemish").outcome == "unknown"
    assert unknown.rule("route-integration-brussels-french").outcome == "unknown"
    assert unknown.rule("brussels-community-has-route").outcome == "unknown"


@pytest.mark.parametrize(("region", "community"), [(None, None), ("flanders", "flemish"), ("brussels", "german")])
def test_theme_other_has_no_route(engine, region, community):
    verdict = amif_rules.check(routing("other", region, community), engine=engine)
    assert verdict.outcome == "ineligible"
    assert verdict.rule("theme-has-route").outcome == "fail"
    assert all(verdict.rule(route).outcome == "not_applicable" for route in ROUTES)


def test_missing_theme_is_incomplete(engine):
    verdict = amif_rules.check(routing(region="flanders", community="flemish"), engine=engine)
    assert verdict.outcome == "incomplete"
    assert verdict.missing == ("theme",)
    assert verdict.rule("theme-has-route").outcome == "unknown"


def test_integration_without_region_is_incomplete(engine):
    verdict = amif_rules.check(routing("integration", community="flemish"), engine=engine)
    assert verdict.outcome == "incomplete"
    assert verdict.missing == ("region",)
    for route in ("route-integration-flanders", "route-integration-wallonia", "route-integration-brussels-flemish"):
        assert verdict.rule(route).outcome == "unknown"
    assert verdict.rule("route-federal").outcome == "not_applicable"


def test_a_federal_theme_needs_no_region(engine):
    verdict = amif_rules.check(routing("asylum"), engine=engine)
    assert verdict.outcome == "eligible"
    assert verdict.rule("route-federal").fields == {"theme": "asylum"}


THEMES = [None, "asylum", "reception", "return", "legal_migration", "integration", "social_activation",
          "union_action", "other"]
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
        assert all(r.outcome != "fail" or r.id in ("theme-has-route", "brussels-community-has-route")
                   for r in verdict.rules), where


# -- validity ------------------------------------------------------------------------------------

MINE = {"buurtstewards", "integration-projects-2013", "amif-2021-2027-flanders", "routing"}


def calls_on(day: str, capsys) -> set[str]:
    assert cli_main(["calls", "--on", day, "--format", "json"]) == 0
    return {row["id"] for row in json.loads(capsys.readouterr().out)} & MINE


@pytest.mark.parametrize(("day", "expected"), [
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
])
def test_calls_on_a_date(capsys, day, expected):
    assert calls_on(day, capsys) == expected


def test_calls_without_a_date_lists_all_four(capsys):
    assert cli_main(["calls", "--format", "json"]) == 0
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert MINE <= set(rows)
    assert rows["amif-2021-2027-flanders"]["status"] == "draft"
    assert rows["amif-2021-2027-flanders"]["extends"] == ["amif-base"]
    assert (rows["buurtstewards"]["valid_from"], rows["buurtstewards"]["valid_until"]) == ("2016-01-01", "2021-12-31")
    assert (rows["routing"]["valid_from"], rows["routing"]["valid_until"]) == (None, None)


def test_the_calls_command_on_2018_06_01():
    result = subprocess.run([sys.executable, "-m", "amif_rules", "calls", "--on", "2018-06-01", "--format", "json"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    ids = {row["id"] for row in json.loads(result.stdout)}
    assert {"buurtstewards", "integration-projects-2013"} <= ids
    assert not ids & {"amif-2021-2027-flanders", "routing"}


@pytest.mark.parametrize(("name", "inside", "outside"), [
    ("buurtstewards.yaml", [dt.date(2016, 1, 1), dt.date(2021, 12, 31)], [dt.date(2015, 12, 31), dt.date(2022, 1, 1)]),
    ("integration-projects-2013.yaml", [dt.date(2013, 6, 7), dt.date(2040, 1, 1)], [dt.date(2013, 6, 6)]),
    ("amif-2021-2027-flanders.yaml", [dt.date(2021, 1, 1), dt.date(2027, 12, 31)], [dt.date(2020, 12, 31), dt.date(2028, 1, 1)]),
])
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
    "routing-incomplete-no-theme.json": "incomplete",
}
PREFIXES = {"buurtstewards-": "buurtstewards", "integration-projects-": "integration-projects",
            "amif-2021-2027-": "amif-2021-2027-flanders", "routing-": "routing"}


def test_every_example_is_listed_and_named_by_its_outcome():
    found = sorted(p.name for prefix in PREFIXES for p in EXAMPLES.glob(prefix + "*"))
    assert found == sorted(EXPECTED_EXAMPLES)
    for name, outcome in EXPECTED_EXAMPLES.items():
        assert re.search(r"-(eligible|ineligible|incomplete)-", name)[1] == outcome, name
    for outcome in ("eligible", "ineligible", "incomplete"):
        for prefix in PREFIXES:
            assert any(n.startswith(prefix) and v == outcome for n, v in EXPECTED_EXAMPLES.items()), (prefix, outcome)


@pytest.mark.parametrize("name", sorted(EXPECTED_EXAMPLES))
def test_examples(engine, name):
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    call = next(code for prefix, code in PREFIXES.items() if name.startswith(prefix))
    assert json.loads(text)["call"] == call
    verdict = amif_rules.check(text, engine=engine)
    assert verdict.outcome == EXPECTED_EXAMPLES[name], verdict.to_text()


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
