"""Gathering paths through the whole pipeline (``has_any(partners.experience, [...])``: "some
partner declares it"): the verdict on both engines, the fields it reports read, what it lists
as missing, its messages, and the remedies that add the value to one partner."""

from __future__ import annotations

import pytest

import amif_rules

RULESET = """
id: gathering-test
version: "1"
call: "gathering-test"
extends: application-inputs
title: {nl: Verzameld, fr: Rassemblé, en: Gathered}
source: call-42-social-activation.nl.txt
inputs:
  partners[].experience:
    applicant_controls: true
rules:
  - id: some-partner-experienced
    when: len(partners) >= 1
    check: has_any(partners.experience, ["policy_participation"])
    source: 'an example'
    messages:
      pass: {nl: "Ja: {partners.experience}.", fr: "Oui : {partners.experience}.", en: "Yes: {partners.experience}."}
      fail: {nl: "Nee: {partners.experience}.", fr: "Non : {partners.experience}.", en: "No: {partners.experience}."}
      unknown: {nl: "Onbekend: {missing}.", fr: "Inconnu : {missing}.", en: "Unknown: {missing}."}
      not_applicable: {nl: "Geen partners.", fr: "Aucun partenaire.", en: "No partners."}
"""


@pytest.fixture(scope="module")
def ruleset():
    return amif_rules.parse_ruleset(RULESET, "gathering-test.yaml")


def check(ruleset, partners, engine, **options):
    document = {"call": "gathering-test"} if partners is None else {"call": "gathering-test", "partners": partners}
    verdict = amif_rules.check(document, ruleset=ruleset, engine=engine, lang="en", **options)
    (result,) = verdict.rules
    return verdict, result


def test_the_second_partner_can_bring_it(ruleset, engine):
    partners = [{"name": "A", "experience": ["amif_target_group"]}, {"name": "B", "experience": ["policy_participation"]}]
    verdict, result = check(ruleset, partners, engine)
    assert verdict.outcome == "eligible"
    assert result.outcome == "pass"
    assert (
        result.message == "Yes: working with the AMIF target group, policy participation of hard-to-reach groups and civic sense."
    )
    assert result.to_dict()["fields"] == {
        "partners": 2,
        "partners[0].experience": ["amif_target_group"],
        "partners[1].experience": ["policy_participation"],
    }


def test_an_undeclared_partner_is_missing_only_while_no_other_brings_it(ruleset, engine):
    verdict, result = check(ruleset, [{"name": "A"}, {"name": "B", "experience": []}], engine)
    assert (verdict.outcome, result.outcome) == ("incomplete", "unknown")
    assert verdict.missing == ("partners[0].experience",)
    assert result.message == "Unknown: partners[0].experience."
    verdict, result = check(ruleset, [{"name": "A"}, {"name": "B", "experience": ["policy_participation"]}], engine)
    assert (verdict.outcome, result.outcome) == ("eligible", "pass")
    assert verdict.missing == ()


def test_no_partner_bringing_it_fails_and_shows_none(ruleset, engine):
    verdict, result = check(ruleset, [{"name": "A", "experience": []}], engine)
    assert (verdict.outcome, result.outcome, result.message) == ("ineligible", "fail", "No: none.")


def test_without_partners_the_list_is_missing_or_the_rule_does_not_apply(ruleset, engine):
    verdict, result = check(ruleset, None, engine)
    assert result.outcome == "unknown" and "partners" in verdict.missing
    verdict, result = check(ruleset, [], engine)
    assert result.outcome == "not_applicable"


def test_a_remedy_adds_the_value_to_one_partner_and_is_proven(ruleset):
    partners = [{"name": "A", "experience": ["amif_target_group"]}, {"name": "B", "experience": []}]
    verdict, _ = check(ruleset, partners, "python", include=["remedies"])
    (remedy,) = verdict.to_dict()["remedies"]
    assert remedy["rule"] == "some-partner-experienced"
    assert remedy["options"] == [
        [{"path": "partners[0].experience", "value": ["amif_target_group", "policy_participation"]}],
        [{"path": "partners[1].experience", "value": ["policy_participation"]}],
    ]
    for option in remedy["options"]:
        changed = [dict(partner) for partner in partners]
        index = int(option[0]["path"][len("partners[")])
        changed[index]["experience"] = option[0]["value"]
        assert check(ruleset, changed, "python")[0].outcome == "eligible"


def test_a_partner_the_applicant_does_not_control_gets_no_option_but_an_explanation():
    verdict = amif_rules.check(
        {"call": "427", "partners": [{"name": "vzw A", "kind": "nonprofit", "experience": ["amif_target_group"]}]},
        lang="en",
        engine="python",
        include=["remedies"],
    )
    (remedy,) = [r for r in verdict.to_dict()["remedies"] if r["rule"] == "partnership-policy-participation"]
    assert remedy["options"] == []
    assert "the declared experience of partner partners[0] (working with the AMIF target group)" in remedy["message"]
    assert "the project's partners (1)" in remedy["message"]


def test_a_refused_partnership_count_names_how_many_partners_there_are():
    verdict = amif_rules.check({"call": "426", "partners": []}, lang="en", engine="python", include=["remedies"])
    (remedy,) = [r for r in verdict.to_dict()["remedies"] if r["rule"] == "partnership-required"]
    assert remedy["options"] == []
    assert "it depends on the project's partners (none)" in remedy["message"]
