"""Call 42 end to end: every criterion, on both sides of every boundary, on every engine."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import amif_rules
from conftest import CALL_42_RULES, ELIGIBLE, ENGINES, EXAMPLES, eligible, patched



def outcome_of(document: dict, rule: str, engine: str, item: str | None = None, **kwargs) -> str:
    return amif_rules.check(document, engine=engine, **kwargs).rule(rule, item).outcome


def test_the_reference_document_is_eligible(engine):
    verdict = amif_rules.check(ELIGIBLE, engine=engine)
    assert verdict.outcome == "eligible", verdict.to_text()
    assert verdict.missing == ()
    assert verdict.engine == engine


def test_every_rule_appears_in_ruleset_order(engine):
    verdict = amif_rules.check(ELIGIBLE, engine=engine)
    ids = []
    for result in verdict.rules:
        if not ids or ids[-1] != result.id:
            ids.append(result.id)
    assert ids == CALL_42_RULES
    per_participant = [r.item for r in verdict.rules if r.id == "participant-third-country-national"]
    assert per_participant == ["participants[0]", "participants[1]"]


# -- lead applicant --------------------------------------------------------------------------


@pytest.mark.parametrize(("population", "expected"), [(150_000, "fail"), (150_001, "pass"), (149_999, "fail"), (525_935, "pass")])
def test_lead_population_boundary(engine, population, expected):
    document = patched("applicant.municipality.population", population)
    assert outcome_of(document, "lead-municipality-large", engine) == expected
    assert amif_rules.check(document, engine=engine).outcome == ("eligible" if expected == "pass" else "ineligible")


def test_lead_message_shows_the_values_in_each_language(engine):
    document = patched("applicant", {"name": "OCMW Leuven", "kind": "ocmw",
                                     "municipality": {"nis_code": "24062", "name": "Leuven", "population": 102275}})
    nl = amif_rules.check(document, engine=engine).rule("lead-municipality-large")
    assert nl.message == ("Leuven heeft 102.275 inwoners; deze oproep staat enkel open voor OCMW's van gemeenten "
                          "met meer dan 150.000 inwoners.")
    assert nl.fields == {"applicant.municipality.population": 102275}
    assert nl.source.startswith("call-42-social-activation.nl.txt, Eindbegunstigden")
    fr = amif_rules.check(document, engine=engine, lang="fr").rule("lead-municipality-large").message
    assert "102\u202f275" in fr and "150\u202f000" in fr
    en = amif_rules.check(document, engine=engine, lang="en").rule("lead-municipality-large").message
    assert "102,275" in en and "150,000" in en


def test_lead_population_comes_from_the_register_by_nis_code(engine):
    document = patched("applicant.municipality", {"nis_code": "24062"})
    result = amif_rules.check(document, engine=engine).rule("lead-municipality-large")
    assert result.outcome == "fail"
    assert result.fields == {"applicant.municipality.population": 101624}  # Leuven, 1 January 2019
    assert result.message.startswith("Leuven heeft 101.624 inwoners")


@pytest.mark.parametrize("kind", ["municipality", "nonprofit", "community_commission", "other"])
def test_lead_must_be_an_ocmw(engine, kind):
    document = patched("applicant.kind", kind)
    assert outcome_of(document, "lead-is-ocmw", engine) == "fail"
    assert amif_rules.check(document, engine=engine).outcome == "ineligible"


def test_lead_population_unknown_when_neither_population_nor_known_code(engine):
    document = patched("applicant.municipality", {"name": "Nergensdorp", "nis_code": "99999"})
    verdict = amif_rules.check(document, engine=engine)
    assert verdict.rule("lead-municipality-large").outcome == "unknown"
    assert verdict.outcome == "incomplete"
    assert verdict.missing == ("applicant.municipality.population",)


# -- partners -------------------------------------------------------------------------------


@pytest.mark.parametrize(("population", "expected"), [(149_999, "pass"), (150_000, "fail"), (150_001, "fail"), (1, "pass")])
def test_partner_population_boundary(engine, population, expected):
    document = patched("partners.0.municipality.population", population)
    assert outcome_of(document, "partner-municipality-small", engine, "partners[0]") == expected


def test_exactly_150000_can_neither_lead_nor_coach(engine):
    lead = patched("applicant.municipality.population", 150_000)
    partner = patched("partners.0.municipality.population", 150_000)
    assert outcome_of(lead, "lead-municipality-large", engine) == "fail"
    assert outcome_of(partner, "partner-municipality-small", engine, "partners[0]") == "fail"


@pytest.mark.parametrize("partners", [[], None])
def test_partners_are_optional(engine, partners):
    document = eligible(partners=partners) if partners is not None else patched("partners", ...)
    verdict = amif_rules.check(document, engine=engine)
    assert verdict.outcome == "eligible"
    for rule in ("partner-is-ocmw", "partner-municipality-small", "partner-role-coaching"):
        result = verdict.rule(rule)
        assert result.outcome == "not_applicable"
        assert result.item is None


def test_coaching_partner_must_be_an_ocmw(engine):
    document = patched("partners.0.kind", "nonprofit")
    assert outcome_of(document, "partner-is-ocmw", engine, "partners[0]") == "fail"
    assert amif_rules.check(document, engine=engine).outcome == "ineligible"


def test_partner_in_another_role_is_a_warning_only(engine):
    other = {"name": "Vzw Samen", "kind": "nonprofit", "role": "other",
             "municipality": {"nis_code": "11002", "population": 525935}}
    document = eligible(partners=[ELIGIBLE["partners"][0], other])
    verdict = amif_rules.check(document, engine=engine)
    assert verdict.rule("partner-role-coaching", "partners[1]").outcome == "fail"
    assert verdict.rule("partner-role-coaching", "partners[1]").severity == "warning"
    assert verdict.rule("partner-is-ocmw", "partners[1]").outcome == "not_applicable"
    assert verdict.rule("partner-municipality-small", "partners[1]").outcome == "not_applicable"
    assert verdict.outcome == "eligible"


def test_partner_role_missing_makes_its_rules_unknown(engine):
    document = patched("partners.0.role", ...)
    verdict = amif_rules.check(document, engine=engine)
    assert verdict.rule("partner-is-ocmw", "partners[0]").outcome == "unknown"
    assert verdict.outcome == "incomplete"
    assert verdict.missing == ("partners[0].role",)


# -- participants ---------------------------------------------------------------------------


@pytest.mark.parametrize(("nationalities", "submitted_at", "expected"), [
    (["SY"], "2019-08-30T14:00:00+02:00", "pass"),
    (["stateless"], "2019-08-30T14:00:00+02:00", "pass"),
    (["GB"], "2019-08-30T14:00:00+02:00", "fail"),       # the UK was in the Union in 2019
    (["GB"], "2020-02-01T10:00:00+01:00", "pass"),       # and out from 1 February 2020
    (["GB"], "2020-01-31T23:30:00+01:00", "fail"),       # its last day
    (["SY", "BE"], "2019-08-30T14:00:00+02:00", "fail"),  # any EU nationality
    (["HR"], "2013-06-30T12:00:00+02:00", "pass"),       # Croatia joined on 1 July 2013
    (["HR"], "2013-07-01T12:00:00+02:00", "fail"),
    (["NO"], "2019-08-30T14:00:00+02:00", "pass"),       # EEA: third country under this ruleset
    (["CH", "LI"], "2019-08-30T14:00:00+02:00", "pass"),
])
def test_third_country_national_on_the_reference_date(engine, nationalities, submitted_at, expected):
    document = patched("participants", [{"id": "X", "nationalities": nationalities, "residence": "legal"}])
    document["submitted_at"] = submitted_at
    assert outcome_of(document, "participant-third-country-national", engine, "participants[0]") == expected


def test_reference_date_can_be_given_explicitly(engine):
    document = patched("participants", [{"id": "X", "nationalities": ["GB"], "residence": "legal"}])
    assert outcome_of(document, "participant-third-country-national", engine, "participants[0]") == "fail"
    result = amif_rules.check(document, engine=engine, on=dt.date(2020, 6, 1)).rule("participant-third-country-national")
    assert result.outcome == "pass"
    assert "submitted_at" not in result.fields


def test_without_a_date_only_date_dependent_nationalities_are_unknown(engine):
    document = patched("submitted_at", ...)
    document["participants"] = [{"id": "A", "nationalities": ["SY"], "residence": "legal"},
                                {"id": "B", "nationalities": ["GB"], "residence": "legal"}]
    verdict = amif_rules.check(document, engine=engine)
    assert verdict.rule("participant-third-country-national", "participants[0]").outcome == "pass"
    assert verdict.rule("participant-third-country-national", "participants[1]").outcome == "unknown"
    assert verdict.missing == ("submitted_at",)


@pytest.mark.parametrize(("residence", "expected"), [
    ("legal", "pass"), ("international_protection", "pass"), ("resettled", "pass"),
    ("relocated", "pass"), ("applicant", "pass"), ("irregular", "fail"),
])
def test_residence(engine, residence, expected):
    document = patched("participants.0.residence", residence)
    assert outcome_of(document, "participant-legal-residence", engine, "participants[0]") == expected


@pytest.mark.parametrize("participants", [[], None])
def test_participants_are_optional(engine, participants):
    document = eligible(participants=participants) if participants is not None else patched("participants", ...)
    verdict = amif_rules.check(document, engine=engine)
    assert verdict.outcome == "eligible"
    assert verdict.rule("participant-third-country-national").outcome == "not_applicable"


# -- budget ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("total", "amif", "expected"), [
    ("400000.00", "300000.00", "pass"),     # exactly 75 %
    ("400000.00", "300000.01", "fail"),     # one cent over
    ("333333.33", "249999.99", "pass"),     # 75 % is 249,999.9975
    ("333333.33", "250000.00", "fail"),
    ("0.04", "0.03", "pass"),
    ("0.04", "0.04", "fail"),
    ("1760092.71", "1320069.53", "pass"),   # 75 % of 1,760,092.71 is 1,320,069.5325
])
def test_amif_share_boundary(engine, total, amif, expected):
    document = eligible(budget={"total_eligible_cost": total, "amif": amif, "cofinancing": {"pod_mi": "0.00"}})
    assert outcome_of(document, "amif-share-max", engine) == expected


@pytest.mark.parametrize(("total", "pod_mi", "expected"), [
    ("400000.00", "60000.00", "pass"),      # exactly 15 %
    ("400000.00", "60000.01", "fail"),
    ("100.07", "15.01", "pass"),            # 15 % is 15.0105
    ("100.07", "15.02", "fail"),
    ("400000.00", "0.00", "pass"),
])
def test_pod_mi_share_boundary(engine, total, pod_mi, expected):
    document = eligible(budget={"total_eligible_cost": total, "amif": "0.00", "cofinancing": {"pod_mi": pod_mi}})
    assert outcome_of(document, "pod-mi-share-max", engine) == expected


def test_pod_mi_cofinancing_missing_is_unknown_not_zero(engine):
    document = eligible(budget={"total_eligible_cost": "400000.00", "amif": "300000.00"})
    verdict = amif_rules.check(document, engine=engine)
    assert verdict.rule("pod-mi-share-max").outcome == "unknown"
    assert verdict.missing == ("budget.cofinancing.pod_mi",)


@pytest.mark.parametrize(("amif", "expected"), [("1320069.53", "pass"), ("1320069.54", "fail")])
def test_call_budget_boundary(engine, amif, expected):
    document = eligible(budget={"total_eligible_cost": "2000000.00", "amif": amif, "cofinancing": {"pod_mi": "0.00"}})
    assert outcome_of(document, "amif-within-call-budget", engine) == expected


def test_amounts_as_json_numbers_are_exact(engine):
    text = json.dumps(patched("budget", ...))[:-1] + ', "budget": {"total_eligible_cost": 400000.00, "amif": 300000.01, "cofinancing": {"pod_mi": 60000}}}'
    verdict = amif_rules.check(text, engine=engine)
    assert verdict.rule("amif-share-max").outcome == "fail"
    assert verdict.rule("amif-share-max").fields == {"budget.amif": "300000.01", "budget.total_eligible_cost": "400000.00"}


# -- deadline and form ----------------------------------------------------------------------


@pytest.mark.parametrize(("submitted_at", "expected"), [
    ("2019-09-02T23:59:00+02:00", "pass"),
    ("2019-09-02T23:59:01+02:00", "fail"),
    ("2019-09-02T21:59:00Z", "pass"),          # the same instants in UTC
    ("2019-09-02T21:59:01Z", "fail"),
    ("2019-09-02T21:59:00+00:00", "pass"),
    ("2019-09-02T23:59:00", "pass"),           # no offset: Brussels local time
    ("2019-09-02T23:59:01", "fail"),
    ("2019-09-02T23:59:00.000001", "fail"),    # one microsecond late
    ("2019-09-03T00:30:00+01:00", "fail"),
    ("2019-09-02T22:59:00+01:00", "pass"),
    ("2019-07-01T09:00:00+02:00", "pass"),
])
def test_deadline_boundary(engine, submitted_at, expected):
    document = patched("submitted_at", submitted_at)
    assert outcome_of(document, "submitted-before-deadline", engine) == expected


@pytest.mark.parametrize("field", ["complete", "signed"])
def test_form_complete_and_signed(engine, field):
    assert outcome_of(patched(f"form.{field}", False), f"form-{field}", engine) == "fail"
    verdict = amif_rules.check(patched(f"form.{field}", ...), engine=engine)
    assert verdict.rule(f"form-{field}").outcome == "unknown"
    assert verdict.outcome == "incomplete"
    assert verdict.missing == (f"form.{field}",)


# -- aggregation ----------------------------------------------------------------------------


def test_a_failure_beats_missing_data(engine):
    document = patched("form.signed", ...)
    document["applicant"]["kind"] = "municipality"
    verdict = amif_rules.check(document, engine=engine)
    assert verdict.outcome == "ineligible"
    assert verdict.rule("form-signed").outcome == "unknown"
    assert verdict.rule("form-signed").fields == {"form.signed": None}


def test_an_empty_document_is_incomplete_and_lists_what_is_missing(engine):
    verdict = amif_rules.check({"call": "42"}, engine=engine)
    assert verdict.outcome == "incomplete"
    assert verdict.missing == (
        "applicant.kind", "applicant.municipality.population", "budget.amif", "budget.cofinancing.pod_mi",
        "budget.total_eligible_cost", "form.complete", "form.signed", "submitted_at",
    )


# -- examples -------------------------------------------------------------------------------

EXPECTED_EXAMPLES = {
    "call-42-eligible-antwerpen.json": "eligible",
    "call-42-eligible-liege.yaml": "eligible",
    "call-42-ineligible-leuven.json": "ineligible",
    "call-42-ineligible-gent-late-over-budget.json": "ineligible",
    "call-42-incomplete-brussel.json": "incomplete",
}


def test_every_example_is_listed():
    assert sorted(p.name for p in EXAMPLES.glob("call-42-*")) == sorted(EXPECTED_EXAMPLES)


@pytest.mark.parametrize("name", sorted(EXPECTED_EXAMPLES))
def test_examples(engine, name):
    verdict = amif_rules.check((EXAMPLES / name).read_text(encoding="utf-8"), engine=engine)
    assert verdict.outcome == EXPECTED_EXAMPLES[name], verdict.to_text()


@pytest.mark.parametrize("name", sorted(EXPECTED_EXAMPLES))
@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_engines_give_identical_bytes_on_the_examples(name, lang):
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    outputs = set()
    for engine in ENGINES:
        data = amif_rules.check(text, engine=engine, lang=lang).to_dict()
        assert data.pop("engine") == engine
        outputs.add(json.dumps(data, ensure_ascii=False, sort_keys=False))
    assert len(outputs) == 1
