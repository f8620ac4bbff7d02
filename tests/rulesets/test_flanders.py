"""The Flemish AMIF 2014-2020 calls of written question 26 (2019): what Python must test.

For every ruleset: it loads, with its amounts and the rows of the text they cite; its call
code routes to it; its rules and their order, the base rules it leaves out; the values each
rule reports having read; and every example is named by its call and outcome, and gives the
same verdict on every engine.

What each call accepts and refuses (call budget and Flemish co-financing to the cent, ages on
the day before / of / after a birthday, the target-group fields true / false / missing, the
messages) is tested in ``rulesets/flanders-*.tests.yaml``, which run on both engines (see
tests/toolkit/test_toolkit_cases.py). The choices behind the figures are in docs/rulesets/flanders.md.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from decimal import Decimal

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
    "426": ("flanders-426", "2070992.75", "0.00", []),  # its rules from the call pages: RULES_426
    "426-dissemination": ("flanders-426-dissemination", "500000.00", "150000.00", []),
    "427": ("flanders-427", "1204985.71", "401661.92", []),  # its rules from the call pages: RULES_427
}
CODES = sorted(CALLS)

#: Calls 426 and 427 gained the criteria of their call pages (calls-beyond-the-seeds.md): their
#: own rules come first, and the deadline rule is theirs, by the day (docs/rulesets/flanders.md).
RULES_426 = [
    "applicant-legal-personality",
    "partner-legal-personality",
    "partnership-required",
    "partnership-experience",
    "commitment-signed",
    "grant-range",
    "own-financing-min",
    "submitted-before-deadline",
    *BASE_RULES,
]
RULES_427 = [
    "promotor-local-government",
    "partnership-required",
    "partnership-policy-participation",
    "grant-range",
    "submitted-before-deadline",
    *BASE_RULES,
]
PAGE_RULES = {"426": RULES_426, "427": RULES_427}
#: Submitted before the deadlines of the call pages (426: 30 March 2018, 427: 16 March 2018).
SUBMITTED_PAGES = "2018-03-15T10:00:00+01:00"


def rules_of(code: str) -> list[str]:
    """The rule ids of call ``code``'s ruleset, in verdict order."""
    return PAGE_RULES.get(code, BASE_RULES + CALLS[code][3])


def inactive_of(code: str) -> dict[str, str]:
    """The base rules left out of call ``code``'s ruleset, with why."""
    if code in PAGE_RULES:
        return {rule: why for rule, why in INACTIVE.items() if rule != "submitted-before-deadline"}
    return INACTIVE


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
    "id": "P-001",
    "nationalities": ["SY"],
    "residence": "international_protection",
    "birth_date": "2000-01-01",
    "gender": "female",
    "low_literate": True,
    "young_children": True,
    "first_language": "ar",
    "education_level": "high",
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
    if code in PAGE_RULES:  # what the criteria of the call pages read, as declared
        doc["submitted_at"] = SUBMITTED_PAGES
        doc["applicant"]["legal_personality"] = True
        doc["applicant"]["experience"] = ["anti_discrimination", "amif_target_group"]
        doc["partners"] = [
            {
                "name": "vzw Partner",
                "kind": "nonprofit",
                "role": "co_applicant",
                "legal_personality": True,
                "experience": ["anti_discrimination", "amif_target_group", "policy_participation"],
            }
        ]
        doc["commitment_signed"] = True
        doc["budget"]["cofinancing"]["other"] = "0.00"
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


def cent(amount: str) -> str:
    """One cent more than ``amount``."""
    return str(Decimal(amount) + Decimal("0.01"))


def rule_ids(verdict) -> list[str]:
    """The rule ids of a verdict in order, per-participant repetitions folded."""
    ids: list[str] = []
    for result in verdict.rules:
        if not ids or ids[-1] != result.id:
            ids.append(result.id)
    return ids


# -- every ruleset --------------------------------------------------------------------------


def test_every_flemish_ruleset_file_is_covered():
    files = {p.stem for p in RULESETS.glob("flanders-*.yaml") if not p.name.endswith(".tests.yaml")} - {
        "flanders-amif-2014-2020-base",
        "flanders-321",
        "flanders-507",  # its amounts come from the digest, not written question 26: tests/rulesets/test_other_rulesets.py
        "flanders-579",  # the same (and AMIF 2021-2027)
    }
    assert files == {ruleset_id for ruleset_id, _, _, _ in CALLS.values()}


@pytest.mark.parametrize("code", CODES)
def test_ruleset_loads_with_its_call_code_and_amounts(code):
    ruleset_id, budget, cofinancing, own = CALLS[code]
    ruleset = load_ruleset(RULESETS / f"{ruleset_id}.yaml")
    assert ruleset.id == ruleset_id
    assert ruleset.call == code
    assert ruleset.version == ("2" if code in PAGE_RULES else "1")
    assert ruleset.status == "published"
    assert ruleset.abstract is False
    assert ruleset.extends == ("application-inputs", "amif-base", "amif-2014-2020-base", "flanders-amif-2014-2020-base")
    # The texts give no dates for these calls; the pages of 426 and 427 give their deadlines.
    deadlines = {"426": dt.date(2018, 3, 30), "427": dt.date(2018, 3, 16)}
    assert ruleset.valid_from is None and ruleset.valid_until == deadlines.get(code)
    assert ruleset.parameters["call_budget"].value == Decimal(budget)
    assert ruleset.parameters["call_budget"].type_name == "money"
    assert ruleset.parameters["flemish_cofinancing"].value == Decimal(cofinancing)
    assert ruleset.parameters["flemish_cofinancing"].type_name == "money"
    assert [rule.id for rule in ruleset.rules] == rules_of(code)
    for lang in ("nl", "fr", "en"):
        assert ruleset.title.get(lang).startswith(
            ("AMIF-oproep 4", "AMIF-oproep 3", "Appel AMIF 3", "Appel AMIF 4", "AMIF call 3", "AMIF call 4")
        )
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
    assert dict(ruleset.inactive) == inactive_of(code)
    assert list(dict(ruleset.inactive)) == list(inactive_of(code))


@pytest.mark.parametrize("code", CODES)
def test_call_code_routes_to_its_ruleset(engine, code):
    ruleset_id, _, _, own = CALLS[code]
    verdict = amif_rules.check(document(code), engine=engine)
    assert verdict.ruleset_id == ruleset_id
    assert verdict.call == code
    assert verdict.engine == engine
    assert rule_ids(verdict) == rules_of(code)
    assert verdict.outcome == "eligible", verdict.to_text()
    assert not {result.id for result in verdict.rules} & set(inactive_of(code))
    # The call code can also be given apart from the document.
    assert amif_rules.check(document(code, call="42"), call=code, engine=engine).ruleset_id == ruleset_id


def test_426_and_its_dissemination_are_two_calls(engine):
    assert amif_rules.check(document("426"), engine=engine).ruleset_id == "flanders-426"
    assert amif_rules.check(document("426-dissemination"), engine=engine).ruleset_id == "flanders-426-dissemination"
    assert {"426", "426-dissemination"} <= set(amif_rules.catalog.calls())


# -- what the rules cite --------------------------------------------------------------------


def test_426_cofinancing_rule_cites_that_there_is_none(engine):
    verdict = amif_rules.check(with_budget("426", flemish="0.01"), engine=engine, lang="en")
    assert "geen Vlaamse cofinanciering" in verdict.rule("flemish-cofinancing-max").source


def test_385_damaged_cofinancing_figure_is_quoted_as_printed():
    source = load_ruleset(RULESETS / "flanders-385.yaml").parameters["flemish_cofinancing"].source
    assert '767.010?64"' in source  # quoted as printed; read as 767,010.64 (rulesets/flanders-385.tests.yaml)


@pytest.mark.parametrize("code", ["320", "384"])
def test_women_rules_cite_their_call(code):
    ruleset = load_ruleset(RULESETS / f"flanders-{code}.yaml")
    for rule in WOMEN:
        assert (
            f"{code} " in ruleset.rule(rule).source and "laaggeletterde vrouwen met jonge kinderen" in ruleset.rule(rule).source
        )


# -- the values each rule reports having read -------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_flemish_cofinancing_reports_the_amount_asked(engine, code):
    over = cent(CALLS[code][2])
    verdict = amif_rules.check(with_budget(code, flemish=over), engine=engine)
    assert verdict.rule("flemish-cofinancing-max").fields == {"budget.cofinancing.flemish_government": over}


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("field", ["amif", "flemish_government"])
def test_a_missing_amount_is_reported_as_none(engine, code, field):
    doc = document(code)
    if field == "amif":
        del doc["budget"]["amif"]
        rule, path = "amif-within-call-budget", "budget.amif"
    else:
        del doc["budget"]["cofinancing"]["flemish_government"]
        rule, path = "flemish-cofinancing-max", "budget.cofinancing.flemish_government"
    assert amif_rules.check(doc, engine=engine).rule(rule).fields[path] is None


@pytest.mark.parametrize("code", ["320", "384"])
@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("gender", "female", "participant-woman"),
        ("gender", "male", "participant-woman"),
        ("gender", "other", "participant-woman"),
        ("gender", ..., "participant-woman"),
        ("low_literate", True, "participant-low-literate"),
        ("low_literate", False, "participant-low-literate"),
        ("low_literate", ..., "participant-low-literate"),
        ("young_children", True, "participant-young-children"),
        ("young_children", False, "participant-young-children"),
        ("young_children", ..., "participant-young-children"),
    ],
)
def test_each_target_group_rule_reads_its_own_field(engine, code, field, value, rule):
    verdict = amif_rules.check(with_participant(code, **{field: value}), engine=engine)
    assert verdict.rule(rule, "participants[0]").fields == {f"participants[0].{field}": None if value is ... else value}


@pytest.mark.parametrize(
    "birth_date", ["2003-06-02", "2003-06-01", "2003-05-31", "1999-06-02", "1999-06-01", "1998-06-02", "1998-06-01", "1998-05-31"]
)
def test_385_age_reports_the_birth_date_and_the_submission_time(engine, birth_date):
    result = amif_rules.check(with_participant("385", birth_date=birth_date), engine=engine).rule(
        "participant-age", "participants[0]"
    )
    assert result.fields == {"participants[0].birth_date": birth_date, "submitted_at": SUBMITTED}


@pytest.mark.parametrize("language", ["nl", "ar", "fr", "en", ...])
def test_327_first_language_reports_the_value_it_read(engine, language):
    result = amif_rules.check(with_participant("327", first_language=language), engine=engine).rule(
        "participant-other-first-language", "participants[0]"
    )
    assert result.fields == {"participants[0].first_language": None if language is ... else language}


# -- examples -------------------------------------------------------------------------------

EXAMPLE_NAME = re.compile(
    r"^flanders-(?P<call>\d{3}(?:-dissemination)?)-(?P<outcome>eligible|ineligible|incomplete)-[a-z0-9-]+\.json$"
)
EXAMPLE_FILES = sorted(
    p.name for p in EXAMPLES.glob("flanders-*.json") if not p.name.startswith(("flanders-507-", "flanders-579-"))
)


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
def test_example_is_checked_against_the_ruleset_of_its_call(engine, name):
    verdict = amif_rules.check((EXAMPLES / name).read_text(encoding="utf-8"), engine=engine)
    assert verdict.ruleset_id == CALLS[EXAMPLE_NAME.match(name)["call"]][0]


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
