"""Call 42 as an example of library behaviour: the verdict's rule order and items, the
population register by NIS code, messages per language, ``check(..., on=...)``, amounts as
JSON numbers, and identical output on every engine.

What call 42 accepts and refuses (every criterion, on both sides of every boundary) is tested
in ``rulesets/call-42.tests.yaml``, which runs on both engines (see tests/toolkit/test_toolkit_cases.py).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

import amif_rules
from conftest import CALL_42_RULES, ELIGIBLE, ENGINES, EXAMPLES, eligible, patched


def test_every_rule_appears_in_ruleset_order(engine):
    verdict = amif_rules.check(ELIGIBLE, engine=engine)
    assert verdict.engine == engine
    ids = []
    for result in verdict.rules:
        if not ids or ids[-1] != result.id:
            ids.append(result.id)
    assert ids == CALL_42_RULES
    per_participant = [r.item for r in verdict.rules if r.id == "participant-third-country-national"]
    assert per_participant == ["participants[0]", "participants[1]"]


@pytest.mark.parametrize("partners", [[], None])
def test_a_rule_for_each_partner_gives_one_result_without_an_item_when_there_are_none(engine, partners):
    document = eligible(partners=partners) if partners is not None else patched("partners", ...)
    verdict = amif_rules.check(document, engine=engine)
    for rule in ("partner-is-ocmw", "partner-municipality-small", "partner-role-coaching"):
        assert [r.item for r in verdict.rules if r.id == rule] == [None]


# -- lead applicant --------------------------------------------------------------------------


def test_lead_message_shows_the_values_in_each_language(engine):
    document = patched(
        "applicant",
        {"name": "OCMW Leuven", "kind": "ocmw", "municipality": {"nis_code": "24062", "name": "Leuven", "population": 102275}},
    )
    nl = amif_rules.check(document, engine=engine).rule("lead-municipality-large")
    assert nl.message == (
        "Leuven heeft 102.275 inwoners; deze oproep staat enkel open voor OCMW's van gemeenten met meer dan 150.000 inwoners."
    )
    assert nl.fields == {"applicant.municipality.population": 102275}
    assert nl.source.startswith("call-42-social-activation.nl.txt, Eindbegunstigden")
    fr = amif_rules.check(document, engine=engine, lang="fr").rule("lead-municipality-large").message
    assert "102\u202f275" in fr and "150\u202f000" in fr
    en = amif_rules.check(document, engine=engine, lang="en").rule("lead-municipality-large").message
    assert "102,275" in en and "150,000" in en


def test_lead_population_comes_from_the_register_by_nis_code(engine):
    document = patched("applicant.municipality", {"nis_code": "24062"})
    result = amif_rules.check(document, engine=engine).rule("lead-municipality-large")
    assert result.fields == {"applicant.municipality.population": 101624}  # Leuven, 1 January 2019
    assert result.message.startswith("Leuven heeft 101.624 inwoners")


# -- participants ---------------------------------------------------------------------------


def test_reference_date_can_be_given_explicitly(engine):
    document = patched("participants", [{"id": "X", "nationalities": ["GB"], "residence": "legal"}])
    result = amif_rules.check(document, engine=engine, on=dt.date(2020, 6, 1)).rule("participant-third-country-national")
    assert result.outcome == "pass"
    assert "submitted_at" not in result.fields


# -- budget ---------------------------------------------------------------------------------


def test_amounts_as_json_numbers_are_exact(engine):
    text = (
        json.dumps(patched("budget", ...))[:-1]
        + ', "budget": {"total_eligible_cost": 400000.00, "amif": 300000.01, "cofinancing": {"pod_mi": 60000}}}'
    )
    verdict = amif_rules.check(text, engine=engine)
    assert verdict.rule("amif-share-max").outcome == "fail"
    assert verdict.rule("amif-share-max").fields == {"budget.amif": "300000.01", "budget.total_eligible_cost": "400000.00"}


# -- aggregation ----------------------------------------------------------------------------


def test_a_missing_value_is_reported_as_none(engine):
    document = patched("form.signed", ...)
    document["applicant"]["kind"] = "municipality"
    verdict = amif_rules.check(document, engine=engine)
    assert verdict.rule("form-signed").fields == {"form.signed": None}


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
@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_engines_give_identical_bytes_on_the_examples(name, lang):
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    outputs = set()
    for engine in ENGINES:
        data = amif_rules.check(text, engine=engine, lang=lang).to_dict()
        assert data.pop("engine") == engine
        outputs.add(json.dumps(data, ensure_ascii=False, sort_keys=False))
    assert len(outputs) == 1
