"""The Flemish AMIF 2014-2020 calls of written question 26 (2019), end to end.

For every ruleset: it loads, its call code routes to it, its rules and their order, the base
rules it leaves out; every boundary on both sides, on every engine (call budget and Flemish
co-financing to the cent, ages on the day before / of / after a birthday, the target-group
fields true / false / missing); missing data makes a rule unknown and is listed; and every
example application gives the outcome its file name says, with the same verdict on every
engine. The choices behind the figures are in docs/rulesets/flanders.md.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

import amif_rules
from amif_rules.ruleset import load_ruleset
from conftest import ENGINES, EXAMPLES, ROOT

RULESETS = ROOT / "rulesets"

#: The rules every Flemish call inherits, in verdict order.
BASE_RULES = ["participant-third-country-national", "theme-integration", "amif-within-call-budget", "flemish-cofinancing-max"]
#: Base rules of AMIF 2014-2020 that the texts give no value for: left out of every call here.
INACTIVE = {
    "participant-legal-residence": "no value for eligible_residence",
    "amif-share-max": "no value for amif_max_share",
    "submitted-before-deadline": "no value for deadline",
}
WOMEN = ["participant-woman", "participant-low-literate", "participant-young-children"]

#: call code -> (ruleset id, AMIF call budget, Flemish co-financing, the call's own rules)
CALLS = {
    "320": ("flanders-320", "659219.12", "219739.72", WOMEN),
    "327": ("flanders-327", "221640.42", "221640.44", ["participant-adult", "participant-other-first-language"]),
    "339": ("flanders-339", "1358559.42", "452853.14", ["participant-highly-educated"]),
    "369": ("flanders-369", "1176253.31", "392085.09", []),
    "370": ("flanders-370", "1000000.00", "500000.00", []),
    "384": ("flanders-384", "1235751.98", "411917.32", WOMEN),
    "385": ("flanders-385", "2301031.90", "767010.64", ["participant-age"]),
    "420": ("flanders-420", "648512.62", "778357.84", []),
    "426": ("flanders-426", "2070992.75", "0.00", []),
    "426-dissemination": ("flanders-426-dissemination", "500000.00", "150000.00", []),
    "427": ("flanders-427", "1204985.71", "401661.92", []),
}
CODES = sorted(CALLS)

#: Where each call's amounts are printed in written question 26: the start of its table row.
ROWS = {
    "320": "320 Proeftuinen laaggeletterde vrouwen met jonge kinderen",
    "327": "327 Disseminatieproject Nedbox",
    "339": "339 Proeftuinen loopbaanaanpak hoogopgeleide nieuwkomers",
    "369": "369 Proeftuinen kleuterparticipatie",
    "370": "370 Integratiepact koepelstructuur",
    "384": "384 Inburgering laaggeletterde vrouwen met jonge kinderen",
    "385": "385 Centrale begeleiding 15 – 19 jarige nieuwkomers",
    "420": "420 Blended learning maatschappelijke oriëntatie",
    "426": "426 Integratiepact projecten 2.070.992,75",
    "426-dissemination": "426 Integratiepact projecten: disseminatie",
    "427": "427 Actief en gedeeld burgerschap",
}

SUBMITTED = "2018-06-01T10:00:00+02:00"  # reference date: Friday 1 June 2018

#: One participant who meets the target-group criteria of every call: an 18-year-old
#: (born 1 January 2000) Syrian woman with international protection, low-literate, with
#: young children, Arabic-speaking and highly educated (the fields are independent inputs;
#: each call reads only its own).
PARTICIPANT = {
    "id": "P-001", "nationalities": ["SY"], "residence": "international_protection", "birth_date": "2000-01-01",
    "gender": "female", "low_literate": True, "young_children": True, "first_language": "ar", "education_level": "high",
}


def document(code: str, **changes) -> dict:
    """An application to call ``code`` that passes every rule of its ruleset."""
    doc = {
        "call": code,
        "submitted_at": SUBMITTED,
        "form": {"complete": True, "signed": True},
        "theme": "integration",
        "region": "flanders",
        "community": "flemish",
        "applicant": {"name": "Stad Gent", "kind": "municipality", "municipality": {"nis_code": "44021", "name": "Gent"}},
        "participants": [copy.deepcopy(PARTICIPANT)],
        "budget": {
            "total_eligible_cost": "200000.00",
            "amif": "100000.00",
            "cofinancing": {"flemish_government": "0.00" if code == "426" else "50000.00", "own": "50000.00"},
        },
        "duration_months": 24,
    }
    doc.update(copy.deepcopy(changes))
    return doc


def with_participant(code: str, **fields) -> dict:
    """The document of ``code`` with its one participant changed; ``...`` removes a field."""
    doc = document(code)
    for name, value in fields.items():
        if value is ...:
            doc["participants"][0].pop(name, None)
        else:
            doc["participants"][0][name] = value
    return doc


def with_budget(code: str, amif: str | None = None, flemish: str | None = None) -> dict:
    doc = document(code)
    if amif is not None:
        doc["budget"]["amif"] = amif
    if flemish is not None:
        doc["budget"]["cofinancing"]["flemish_government"] = flemish
    return doc


def outcome(doc: dict, rule: str, engine: str, item: str | None = None, **kwargs) -> str:
    return amif_rules.check(doc, engine=engine, **kwargs).rule(rule, item).outcome


def cent(amount: str, sign: int = 1) -> str:
    return str(Decimal(amount) + sign * Decimal("0.01"))


def rule_ids(verdict) -> list[str]:
    """The rule ids of a verdict in order, per-participant repetitions folded."""
    ids: list[str] = []
    for result in verdict.rules:
        if not ids or ids[-1] != result.id:
            ids.append(result.id)
    return ids


# -- every ruleset --------------------------------------------------------------------------


def test_every_flemish_ruleset_file_is_covered():
    files = {p.stem for p in RULESETS.glob("flanders-*.yaml") if not p.name.endswith(".tests.yaml")} - {"flanders-amif-2014-2020-base", "flanders-321"}
    assert files == {ruleset_id for ruleset_id, _, _, _ in CALLS.values()}


@pytest.mark.parametrize("code", CODES)
def test_ruleset_loads_with_its_call_code_and_amounts(code):
    ruleset_id, budget, cofinancing, own = CALLS[code]
    ruleset = load_ruleset(RULESETS / f"{ruleset_id}.yaml")
    assert ruleset.id == ruleset_id
    assert ruleset.call == code
    assert ruleset.version == "1"
    assert ruleset.status == "published"
    assert ruleset.abstract is False
    assert ruleset.extends == ("amif-base", "amif-2014-2020-base", "flanders-amif-2014-2020-base")
    # The texts give no dates for these calls: none are set.
    assert ruleset.valid_from is None and ruleset.valid_until is None
    assert ruleset.parameters["call_budget"].value == Decimal(budget)
    assert ruleset.parameters["call_budget"].type_name == "money"
    assert ruleset.parameters["flemish_cofinancing"].value == Decimal(cofinancing)
    assert ruleset.parameters["flemish_cofinancing"].type_name == "money"
    assert [rule.id for rule in ruleset.rules] == BASE_RULES + own
    for lang in ("nl", "fr", "en"):
        assert ruleset.title.get(lang).startswith(("AMIF-oproep 4", "AMIF-oproep 3", "Appel AMIF 3", "Appel AMIF 4",
                                                   "AMIF call 3", "AMIF call 4"))
        assert ruleset.description is not None and ruleset.description.get(lang).strip()


@pytest.mark.parametrize("code", CODES)
def test_amounts_cite_the_row_of_written_question_26(code):
    ruleset_id = CALLS[code][0]
    ruleset = load_ruleset(RULESETS / f"{ruleset_id}.yaml")
    for name in ("call_budget", "flemish_cofinancing"):
        source = ruleset.parameters[name].source
        assert source.startswith("written-question-26-2019-amif-projects.nl.txt, 1-2.: ")
        assert ROWS[code] in source, (name, source)


@pytest.mark.parametrize("code", CODES)
def test_base_rules_the_texts_give_no_value_for_are_left_out(code):
    ruleset = load_ruleset(RULESETS / f"{CALLS[code][0]}.yaml")
    assert dict(ruleset.inactive) == INACTIVE
    assert list(dict(ruleset.inactive)) == list(INACTIVE)


@pytest.mark.parametrize("code", CODES)
def test_call_code_routes_to_its_ruleset_and_a_good_application_is_eligible(engine, code):
    ruleset_id, _, _, own = CALLS[code]
    verdict = amif_rules.check(document(code), engine=engine)
    assert verdict.ruleset_id == ruleset_id
    assert verdict.call == code
    assert verdict.outcome == "eligible", verdict.to_text()
    assert verdict.missing == ()
    assert verdict.engine == engine
    assert rule_ids(verdict) == BASE_RULES + own
    assert all(result.outcome == "pass" for result in verdict.rules)
    assert not {result.id for result in verdict.rules} & set(INACTIVE)
    # The call code can also be given apart from the document.
    assert amif_rules.check(document(code, call="42"), call=code, engine=engine).ruleset_id == ruleset_id


def test_426_and_its_dissemination_are_two_calls(engine):
    assert amif_rules.check(document("426"), engine=engine).ruleset_id == "flanders-426"
    assert amif_rules.check(document("426-dissemination"), engine=engine).ruleset_id == "flanders-426-dissemination"
    assert {"426", "426-dissemination"} <= set(amif_rules.catalog.calls())


@pytest.mark.parametrize("code", CODES)
def test_an_empty_application_is_incomplete_and_lists_what_is_missing(engine, code):
    verdict = amif_rules.check({"call": code}, engine=engine)
    assert verdict.outcome == "incomplete"
    assert verdict.missing == ("budget.amif", "budget.cofinancing.flemish_government", "theme")
    for rule in CALLS[code][3] + ["participant-third-country-national"]:
        assert verdict.rule(rule).outcome == "not_applicable"  # no participants listed


# -- budget ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_call_budget_boundary(engine, code):
    budget = CALLS[code][1]
    at = amif_rules.check(with_budget(code, amif=budget), engine=engine)
    assert at.rule("amif-within-call-budget").outcome == "pass"
    assert at.outcome == "eligible"
    over = amif_rules.check(with_budget(code, amif=cent(budget)), engine=engine)
    assert over.rule("amif-within-call-budget").outcome == "fail"
    assert over.outcome == "ineligible"
    assert outcome(with_budget(code, amif=cent(budget, -1)), "amif-within-call-budget", engine) == "pass"


@pytest.mark.parametrize("code", CODES)
def test_flemish_cofinancing_boundary(engine, code):
    cofinancing = CALLS[code][2]
    at = amif_rules.check(with_budget(code, flemish=cofinancing), engine=engine)
    assert at.rule("flemish-cofinancing-max").outcome == "pass"
    assert at.outcome == "eligible"
    over = amif_rules.check(with_budget(code, flemish=cent(cofinancing)), engine=engine)
    assert over.rule("flemish-cofinancing-max").outcome == "fail"
    assert over.outcome == "ineligible"
    assert over.rule("flemish-cofinancing-max").fields == {"budget.cofinancing.flemish_government": cent(cofinancing)}


@pytest.mark.parametrize(("flemish", "expected"), [("0.00", "pass"), ("0", "pass"), ("0.01", "fail"), ("25000.00", "fail")])
def test_426_has_no_flemish_cofinancing(engine, flemish, expected):
    assert outcome(with_budget("426", flemish=flemish), "flemish-cofinancing-max", engine) == expected


def test_426_messages_say_the_projects_cofinance_themselves(engine):
    verdict = amif_rules.check(with_budget("426", flemish="0.01"), engine=engine, lang="en")
    assert verdict.rule("flemish-cofinancing-max").message == (
        "Flemish co-financing of €0.01 is asked; this call has no Flemish co-financing (€0.00): "
        "the projects co-finance themselves.")
    assert "geen Vlaamse cofinanciering" in verdict.rule("flemish-cofinancing-max").source
    nl = amif_rules.check(with_budget("426", flemish="0.00"), engine=engine, lang="nl").rule("flemish-cofinancing-max")
    assert nl.message == "Er wordt geen Vlaamse cofinanciering gevraagd (€\u00a00,00); deze oproep kent er geen."


def test_385_damaged_cofinancing_figure_is_read_as_767010_64(engine):
    assert outcome(with_budget("385", flemish="767010.64"), "flemish-cofinancing-max", engine) == "pass"
    assert outcome(with_budget("385", flemish="767010.65"), "flemish-cofinancing-max", engine) == "fail"
    source = load_ruleset(RULESETS / "flanders-385.yaml").parameters["flemish_cofinancing"].source
    assert '767.010?64"' in source  # quoted as printed


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("field", ["amif", "flemish_government"])
def test_missing_amounts_are_unknown_and_listed(engine, code, field):
    doc = document(code)
    if field == "amif":
        del doc["budget"]["amif"]
        rule, path = "amif-within-call-budget", "budget.amif"
    else:
        del doc["budget"]["cofinancing"]["flemish_government"]
        rule, path = "flemish-cofinancing-max", "budget.cofinancing.flemish_government"
    verdict = amif_rules.check(doc, engine=engine)
    assert verdict.rule(rule).outcome == "unknown"
    assert verdict.rule(rule).fields[path] is None
    assert verdict.outcome == "incomplete"
    assert verdict.missing == (path,)


# -- the Flemish base -----------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize(("theme", "expected"), [("integration", "pass"), ("asylum", "fail"), ("return", "fail")])
def test_theme_integration(engine, code, theme, expected):
    assert outcome(document(code, theme=theme), "theme-integration", engine) == expected


@pytest.mark.parametrize("code", CODES)
def test_theme_missing_is_unknown(engine, code):
    doc = document(code)
    del doc["theme"]
    verdict = amif_rules.check(doc, engine=engine)
    assert verdict.rule("theme-integration").outcome == "unknown"
    assert verdict.missing == ("theme",)


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize(("submitted_at", "expected"), [
    ("2020-01-31T23:30:00+01:00", "fail"),   # the United Kingdom's last day in the Union
    ("2020-01-31T23:30:00Z", "pass"),        # 00:30 on 1 February in Brussels: out
    ("2020-02-01T00:00:00+01:00", "pass"),
    ("2019-06-03T10:00:00+02:00", "fail"),
])
def test_a_british_participant_before_and_after_brexit(engine, code, submitted_at, expected):
    doc = with_participant(code, nationalities=["GB"])
    doc["submitted_at"] = submitted_at
    assert outcome(doc, "participant-third-country-national", engine, "participants[0]") == expected


@pytest.mark.parametrize("code", CODES)
def test_a_union_citizen_makes_the_application_ineligible(engine, code):
    doc = document(code)
    doc["participants"].append(dict(PARTICIPANT, id="P-002", nationalities=["SY", "NL"]))
    verdict = amif_rules.check(doc, engine=engine)
    assert verdict.rule("participant-third-country-national", "participants[0]").outcome == "pass"
    assert verdict.rule("participant-third-country-national", "participants[1]").outcome == "fail"
    assert verdict.outcome == "ineligible"


# -- 320 and 384: low-literate women with young children ---------------------------------


@pytest.mark.parametrize("code", ["320", "384"])
@pytest.mark.parametrize(("field", "value", "rule", "expected"), [
    ("gender", "female", "participant-woman", "pass"),
    ("gender", "male", "participant-woman", "fail"),
    ("gender", "other", "participant-woman", "fail"),
    ("gender", ..., "participant-woman", "unknown"),
    ("low_literate", True, "participant-low-literate", "pass"),
    ("low_literate", False, "participant-low-literate", "fail"),
    ("low_literate", ..., "participant-low-literate", "unknown"),
    ("young_children", True, "participant-young-children", "pass"),
    ("young_children", False, "participant-young-children", "fail"),
    ("young_children", ..., "participant-young-children", "unknown"),
])
def test_low_literate_women_with_young_children(engine, code, field, value, rule, expected):
    verdict = amif_rules.check(with_participant(code, **{field: value}), engine=engine)
    result = verdict.rule(rule, "participants[0]")
    assert result.outcome == expected
    assert result.fields == {f"participants[0].{field}": None if value is ... else value}
    # Each part is its own rule: the other two are not affected.
    others = [r for r in WOMEN if r != rule]
    assert all(verdict.rule(other, "participants[0]").outcome == "pass" for other in others)
    assert verdict.outcome == {"pass": "eligible", "fail": "ineligible", "unknown": "incomplete"}[expected]
    assert verdict.missing == ((f"participants[0].{field}",) if expected == "unknown" else ())


@pytest.mark.parametrize("code", ["320", "384"])
def test_each_failing_part_is_named(engine, code):
    doc = with_participant(code, gender="male", young_children=False)
    verdict = amif_rules.check(doc, engine=engine, lang="en")
    assert verdict.rule("participant-woman").message == (
        "Participant P-001 is recorded as: man; the call is for low-literate women with young children.")
    assert verdict.rule("participant-low-literate").outcome == "pass"
    assert verdict.rule("participant-young-children").message == (
        "Participant P-001 has no young children; the call is for low-literate women with young children.")
    nl = amif_rules.check(doc, engine=engine, lang="nl").rule("participant-woman").message
    assert nl == ("Deelnemer P-001 is geregistreerd als: man; de oproep richt zich tot laaggeletterde vrouwen "
                  "met jonge kinderen.")


@pytest.mark.parametrize("code", ["320", "384"])
def test_women_rules_cite_their_call(code):
    ruleset = load_ruleset(RULESETS / f"flanders-{code}.yaml")
    for rule in WOMEN:
        assert f"{code} " in ruleset.rule(rule).source and "laaggeletterde vrouwen met jonge kinderen" in ruleset.rule(rule).source


# -- 385: newcomers aged 15 to 19 ------------------------------------------------------------


@pytest.mark.parametrize(("birth_date", "age", "expected"), [
    ("2003-06-02", 14, "fail"),   # 15 tomorrow: 14 years and 364 days
    ("2003-06-01", 15, "pass"),   # 15 today
    ("2003-05-31", 15, "pass"),   # 15 since yesterday
    ("1999-06-02", 18, "pass"),   # 19 tomorrow
    ("1999-06-01", 19, "pass"),   # 19 today
    ("1998-06-02", 19, "pass"),   # 20 tomorrow: still 19
    ("1998-06-01", 20, "fail"),   # 20 today
    ("1998-05-31", 20, "fail"),   # 20 since yesterday
])
def test_385_age_bounds(engine, birth_date, age, expected):
    result = amif_rules.check(with_participant("385", birth_date=birth_date), engine=engine, lang="en").rule(
        "participant-age", "participants[0]")
    assert result.outcome == expected
    assert result.message.startswith(f"Participant P-001 is {age} on 1 June 2018")
    assert result.fields == {"participants[0].birth_date": birth_date, "submitted_at": SUBMITTED}


def test_385_fail_message_in_each_language(engine):
    doc = with_participant("385", birth_date="1998-06-01")
    assert amif_rules.check(doc, engine=engine, lang="nl").rule("participant-age").message == (
        "Deelnemer P-001 is 20 jaar op 1 juni 2018; de oproep richt zich tot nieuwkomers van 15 tot 19 jaar.")
    assert amif_rules.check(doc, engine=engine, lang="fr").rule("participant-age").message == (
        "Le participant P-001 a 20 ans au 1 juin 2018 ; l'appel vise les primo-arrivants de 15 à 19 ans.")


def test_385_reference_date_is_the_brussels_date_of_submission(engine):
    doc = with_participant("385", birth_date="2003-06-01")
    doc["submitted_at"] = "2018-05-31T22:30:00Z"   # 00:30 on 1 June in Brussels: 15 that day
    assert outcome(doc, "participant-age", engine, "participants[0]") == "pass"
    doc["submitted_at"] = "2018-05-31T21:30:00Z"   # 23:30 on 31 May in Brussels: still 14
    assert outcome(doc, "participant-age", engine, "participants[0]") == "fail"


def test_385_reference_date_can_be_given(engine):
    doc = with_participant("385", birth_date="2003-06-01")
    assert outcome(doc, "participant-age", engine, "participants[0]", on=dt.date(2018, 5, 31)) == "fail"
    assert outcome(doc, "participant-age", engine, "participants[0]", on=dt.date(2023, 5, 31)) == "pass"  # 19
    assert outcome(doc, "participant-age", engine, "participants[0]", on=dt.date(2023, 6, 1)) == "fail"   # 20


@pytest.mark.parametrize("missing", ["birth_date", "submitted_at"])
def test_385_age_unknown_without_birth_date_or_date(engine, missing):
    doc = document("385")
    if missing == "birth_date":
        del doc["participants"][0]["birth_date"]
    else:
        del doc["submitted_at"]
    verdict = amif_rules.check(doc, engine=engine)
    assert verdict.rule("participant-age", "participants[0]").outcome == "unknown"
    assert verdict.outcome == "incomplete"
    assert verdict.missing == (("participants[0].birth_date",) if missing == "birth_date" else ("submitted_at",))


def test_385_one_participant_out_of_range_among_several(engine):
    doc = document("385")
    doc["participants"] = [dict(PARTICIPANT, id="A", birth_date="2002-09-09"),
                           dict(PARTICIPANT, id="B", birth_date="2004-01-01"),
                           dict(PARTICIPANT, id="C")]
    verdict = amif_rules.check(doc, engine=engine)
    assert [r.outcome for r in verdict.rules if r.id == "participant-age"] == ["pass", "fail", "pass"]
    assert [r.item for r in verdict.rules if r.id == "participant-age"] == ["participants[0]", "participants[1]",
                                                                             "participants[2]"]
    assert verdict.outcome == "ineligible"


# -- 327: NedBox, adults of another language -----------------------------------------------


@pytest.mark.parametrize(("birth_date", "expected"), [
    ("2000-06-02", "fail"),   # 18 tomorrow
    ("2000-06-01", "pass"),   # 18 today
    ("2000-05-31", "pass"),
    ("1938-02-14", "pass"),   # no upper age
    ("2010-01-01", "fail"),
])
def test_327_adults(engine, birth_date, expected):
    assert outcome(with_participant("327", birth_date=birth_date), "participant-adult", engine, "participants[0]") == expected


def test_327_adult_unknown_without_birth_date(engine):
    verdict = amif_rules.check(with_participant("327", birth_date=...), engine=engine)
    assert verdict.rule("participant-adult").outcome == "unknown"
    assert verdict.missing == ("participants[0].birth_date",)


@pytest.mark.parametrize(("language", "expected"), [("nl", "fail"), ("ar", "pass"), ("fr", "pass"), ("en", "pass"), (..., "unknown")])
def test_327_first_language_other_than_dutch(engine, language, expected):
    verdict = amif_rules.check(with_participant("327", first_language=language), engine=engine)
    result = verdict.rule("participant-other-first-language", "participants[0]")
    assert result.outcome == expected
    assert result.fields == {"participants[0].first_language": None if language is ... else language}
    assert verdict.outcome == {"pass": "eligible", "fail": "ineligible", "unknown": "incomplete"}[expected]
    assert verdict.missing == (("participants[0].first_language",) if expected == "unknown" else ())


def test_327_messages(engine):
    en = amif_rules.check(with_participant("327", first_language="nl", birth_date="2000-06-02"), engine=engine, lang="en")
    assert en.rule("participant-other-first-language").message == (
        "Participant P-001 has Dutch as first language; NedBox is for people of another language.")
    assert en.rule("participant-adult").message == (
        "Participant P-001 is 17 on 1 June 2018; NedBox is for adults of another language (18 or older).")


# -- 339: highly educated newcomers ---------------------------------------------------------


@pytest.mark.parametrize(("level", "expected"), [("high", "pass"), ("medium", "fail"), ("low", "fail"), (..., "unknown")])
def test_339_highly_educated(engine, level, expected):
    verdict = amif_rules.check(with_participant("339", education_level=level), engine=engine)
    assert verdict.rule("participant-highly-educated", "participants[0]").outcome == expected
    assert verdict.outcome == {"pass": "eligible", "fail": "ineligible", "unknown": "incomplete"}[expected]
    assert verdict.missing == (("participants[0].education_level",) if expected == "unknown" else ())


def test_339_message(engine):
    verdict = amif_rules.check(with_participant("339", education_level="medium"), engine=engine, lang="nl")
    assert verdict.rule("participant-highly-educated").message == (
        "Deelnemer P-001 is middengeschoold; de oproep richt zich tot hoogopgeleide nieuwkomers.")


# -- calls with only the base and the amounts -----------------------------------------------


@pytest.mark.parametrize("code", ["369", "370", "420", "426", "426-dissemination", "427"])
def test_calls_without_own_criteria_do_not_read_the_target_group_fields(engine, code):
    """A participant with none of the other calls' fields is fine: only nationality is read."""
    doc = document(code)
    doc["participants"] = [{"id": "X", "nationalities": ["MA"]}]
    verdict = amif_rules.check(doc, engine=engine)
    assert verdict.outcome == "eligible", verdict.to_text()
    assert rule_ids(verdict) == BASE_RULES


@pytest.mark.parametrize("code", CODES)
def test_participants_are_optional(engine, code):
    verdict = amif_rules.check(document(code, participants=[]), engine=engine)
    assert verdict.outcome == "eligible"
    for rule in CALLS[code][3] + ["participant-third-country-national"]:
        assert verdict.rule(rule).outcome == "not_applicable"


# -- examples -------------------------------------------------------------------------------

EXAMPLE_NAME = re.compile(r"^flanders-(?P<call>\d{3}(?:-dissemination)?)-(?P<outcome>eligible|ineligible|incomplete)-[a-z0-9-]+\.json$")
EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("flanders-*.json"))


def test_example_files_are_named_by_call_and_outcome():
    assert len(EXAMPLE_FILES) >= 2 * len(CALLS)
    for name in EXAMPLE_FILES:
        match = EXAMPLE_NAME.match(name)
        assert match, name
        assert match["call"] in CALLS, name
        assert json.loads((EXAMPLES / name).read_text(encoding="utf-8"))["call"] == match["call"], name


def test_every_call_has_an_eligible_and_an_ineligible_example_and_some_are_incomplete():
    found = {(EXAMPLE_NAME.match(n)["call"], EXAMPLE_NAME.match(n)["outcome"]) for n in EXAMPLE_FILES}
    for code in CALLS:
        assert (code, "eligible") in found and (code, "ineligible") in found, code
    assert sum(1 for _, o in found if o == "incomplete") >= 3


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_example_gives_the_outcome_its_name_says(engine, name):
    expected = EXAMPLE_NAME.match(name)["outcome"]
    verdict = amif_rules.check((EXAMPLES / name).read_text(encoding="utf-8"), engine=engine)
    assert verdict.outcome == expected, verdict.to_text()
    assert verdict.ruleset_id == CALLS[EXAMPLE_NAME.match(name)["call"]][0]
    if expected == "incomplete":
        assert verdict.missing
    if expected == "ineligible":
        assert any(r.outcome == "fail" and r.severity == "error" for r in verdict.rules)


@pytest.mark.parametrize("name", EXAMPLE_FILES)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_example_verdicts_are_identical_on_every_engine(name, lang):
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    verdicts = {}
    for engine in ENGINES:
        data = amif_rules.check(text, engine=engine, lang=lang).to_dict()
        assert data.pop("engine") == engine
        verdicts[engine] = json.dumps(data, ensure_ascii=False, indent=2)
    assert len(set(verdicts.values())) == 1
    assert "python" in verdicts


def test_the_examples_fail_for_the_reason_their_name_gives(engine):
    """Spot checks: the ineligible examples fail on the rule their name points at."""
    reasons = {
        "flanders-320-ineligible-antwerpen-father.json": ("participant-woman", "participants[2]"),
        "flanders-327-ineligible-brugge-dutch-speaker.json": ("participant-other-first-language", "participants[0]"),
        "flanders-339-ineligible-hasselt-medium.json": ("participant-highly-educated", "participants[1]"),
        "flanders-369-ineligible-sint-niklaas-over-budget.json": ("amif-within-call-budget", None),
        "flanders-370-ineligible-cofinancing.json": ("flemish-cofinancing-max", None),
        "flanders-384-ineligible-brussel-no-young-children.json": ("participant-young-children", "participants[1]"),
        "flanders-385-ineligible-leuven-age-20.json": ("participant-age", "participants[1]"),
        "flanders-420-ineligible-oostende-eu-citizen.json": ("participant-third-country-national", "participants[0]"),
        "flanders-426-dissemination-ineligible-over-budget.json": ("amif-within-call-budget", None),
        "flanders-426-ineligible-turnhout-flemish-cofinancing.json": ("flemish-cofinancing-max", None),
        "flanders-427-ineligible-aalst-british-participant.json": ("participant-third-country-national", "participants[1]"),
    }
    for name, (rule, item) in reasons.items():
        verdict = amif_rules.check((EXAMPLES / name).read_text(encoding="utf-8"), engine=engine)
        failed = [(r.id, r.item) for r in verdict.rules if r.outcome == "fail"]
        assert failed == [(rule, item)], (name, failed)
