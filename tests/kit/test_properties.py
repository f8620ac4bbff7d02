"""Properties of the library, held on documents drawn by ``amif_rules.testing``.

- both engines give the same verdict on every generated document;
- the same document gives the same verdict twice, after a JSON round trip of the document
  and of the verdict, and after a trip through the model (``to_document``);
- every verdict validates against the published verdict schema, and every generated
  document against the published application schema;
- a generated eligible application is eligible; a generated "ineligible for rule X" fails
  exactly on X; a generated incomplete one is incomplete; boundary cases get the outcome the
  boundary says;
- monotonicity: raising the lead's population above the threshold, lowering the AMIF
  amount or the POD MI co-financing, never makes a call-42 application less eligible;
- the typed oracle the strategies steer by agrees with both engines.

The strategies themselves are tested here too (their parts are valid, the boundaries are
those of the ruleset's parameters), and the examples of docs/testing.md are checked to be
verbatim copies of tests/outside_suite/test_outside_example.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import amif_rules
from amif_rules import catalog, limits, testing
from amif_rules.reference import is_eu_member, register
from amif_rules.testing._target import judge

ROOT = Path(__file__).resolve().parents[2]
ENGINES = testing.available_engines()
CALL_42 = catalog.for_call("42").ruleset
PARAMETERS = {name: parameter.value for name, parameter in CALL_42.parameters.items()}
#: The error rules of call 42 that a document can make fail: all of them.
FAILABLE_42 = [rule.id for rule in CALL_42.rules if rule.severity == "error"]


def slow(examples: int) -> settings:
    """Settings for tests whose examples take a search to draw (a few ms each)."""
    return settings(
        max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
    )


def verdicts(document, **options) -> dict:
    """The verdict of every available engine, which must agree; the built-in one returned."""
    return testing.assert_engines_agree(document, **options)


# -- the three kinds of generated applications ------------------------------------------------------------


@slow(60)
@given(document=testing.applications("42", eligible=True))
def test_generated_eligible_applications_are_eligible(document):
    verdict = verdicts(document)
    assert verdict.outcome == "eligible", verdict.to_text()
    assert not testing.failing_rules(verdict) and verdict.missing == ()
    testing.assert_valid_verdict(verdict)


@pytest.mark.parametrize("rule", FAILABLE_42)
@slow(12)
@given(data=st.data())
def test_generated_ineligible_applications_fail_exactly_on_their_rule(rule, data):
    document = data.draw(testing.applications("42", ineligible_for=rule))
    verdict = verdicts(document, lang=data.draw(st.sampled_from(["nl", "fr", "en"])))
    testing.assert_fails_exactly_on(verdict, rule)
    assert not any(r.outcome == "unknown" for r in verdict.rules), "no rule is left unknown"


@slow(40)
@given(document=testing.applications("42", eligible=False))
def test_generated_ineligible_applications_are_ineligible(document):
    verdict = verdicts(document)
    assert verdict.outcome == "ineligible"
    assert len(testing.failing_rules(verdict)) == 1


@slow(50)
@given(document=testing.applications("42", incomplete=True))
def test_generated_incomplete_applications_are_incomplete(document):
    verdict = verdicts(document)
    assert verdict.outcome == "incomplete", verdict.to_text()
    assert not testing.failing_rules(verdict)
    assert verdict.missing, "an incomplete verdict says what is missing"
    testing.assert_valid_verdict(verdict)


@pytest.mark.parametrize("call", catalog.calls())
@slow(4)
@given(data=st.data())
def test_every_bundled_call_gets_eligible_ineligible_and_incomplete_applications(call, data):
    """The strategies are generic: they read each ruleset's compiled rules."""
    wanted = data.draw(st.sampled_from(["eligible", "ineligible", "incomplete"]))
    options = {"eligible": {"eligible": True}, "ineligible": {"eligible": False}, "incomplete": {"incomplete": True}}[wanted]
    document = data.draw(testing.applications(call, **options))
    verdict = verdicts(document)
    assert verdict.outcome == wanted, verdict.to_text()
    testing.assert_valid_verdict(verdict)


# -- engines, determinism, schemas ----------------------------------------------------------------------


@slow(150)
@given(document=testing.applications("42"), lang=st.sampled_from(["nl", "fr", "en"]))
def test_engines_agree_on_every_generated_document(document, lang):
    verdict = verdicts(document, lang=lang)
    assert verdict.outcome in testing.OUTCOME_RANK


@slow(60)
@given(document=testing.applications("42"), engine=st.sampled_from(ENGINES))
def test_the_same_document_gives_the_same_verdict_after_round_trips(document, engine):
    testing.assert_deterministic(document, engine=engine)


@slow(60)
@given(document=testing.applications("42"), lang=st.sampled_from(["nl", "fr", "en"]))
def test_every_verdict_validates_against_the_published_schema(document, lang):
    verdict = amif_rules.check(document, lang=lang, engine="python")
    testing.assert_valid_verdict(verdict)
    json.loads(verdict.to_json())


@slow(80)
@given(document=testing.applications("42"))
def test_generated_documents_validate_against_the_application_schema(document):
    testing.assert_valid_application(document)


@slow(100)
@given(
    case=testing.malformed_cases(
        "42", kinds=["wrong-type", "unknown-enum", "huge-number", "negative", "long-string", "bad-format"]
    )
)
def test_the_application_schema_refuses_what_it_can_tell(case):
    """Where JSON Schema can say it, the schema refuses what the reader refuses."""
    with pytest.raises(amif_rules.InputError):
        amif_rules.read_application(case.document)
    if case.schema_refuses:
        with pytest.raises(AssertionError, match="does not validate"):
            testing.assert_valid_application(case.document)


def test_the_application_schema_is_published_and_valid():
    import jsonschema

    schema = testing.application_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["participants"]["maxItems"] == limits.MAX_PARTICIPANTS
    example = json.loads((ROOT / "examples" / "call-42-eligible-antwerpen.json").read_text(encoding="utf-8"))
    testing.assert_valid_application(example)
    with pytest.raises(AssertionError, match="applicant/kind"):
        testing.assert_valid_application({**example, "applicant": {**example["applicant"], "kind": "OCMW"}})
    for path, limit in (("partners", limits.MAX_PARTNERS), ("participants", limits.MAX_PARTICIPANTS)):
        with pytest.raises(AssertionError, match=path):
            testing.assert_valid_application({**example, path: [{}] * (limit + 1)})


@slow(100)
@given(document=testing.applications("42"))
def test_the_typed_oracle_agrees_with_the_engines(document):
    """The strategies steer by evaluating the typed expressions; the engines run the
    compiled form. Both must give every rule the same outcome."""
    judgement = judge(document, "42")
    assert judgement is not None
    verdict = verdicts(document)
    oracle = [(r.id, r.outcome) for r in judgement.results]
    assert [(r.id, r.outcome) for r in verdict.rules] == oracle
    assert verdict.outcome == judgement.outcome


# -- boundaries -------------------------------------------------------------------------------------------


def test_boundaries_are_those_of_the_parameters():
    """Derived from the compiled comparisons, the boundaries meet the YAML parameters."""
    found = {(b.rule, b.path): b for b in testing.boundaries("42")}
    lead = found[("lead-municipality-large", "applicant.municipality.population")]
    assert (lead.op, lead.value, lead.holds, lead.breaks) == (
        ">",
        PARAMETERS["lead_min_population"],
        PARAMETERS["lead_min_population"] + 1,
        PARAMETERS["lead_min_population"],
    )
    partner = found[("partner-municipality-small", "partners[].municipality.population")]
    assert (partner.op, partner.value, partner.holds) == (
        "<",
        PARAMETERS["partner_max_population"],
        PARAMETERS["partner_max_population"] - 1,
    )
    budget = found[("amif-within-call-budget", "budget.amif")]
    assert Decimal(budget.value) == PARAMETERS["call_budget"] and Decimal(budget.breaks) == PARAMETERS["call_budget"] + Decimal(
        "0.01"
    )
    deadline = found[("submitted-before-deadline", "submitted_at")]
    assert dt.datetime.fromisoformat(deadline.holds) == PARAMETERS["deadline"]
    assert dt.datetime.fromisoformat(deadline.breaks) - PARAMETERS["deadline"] == dt.timedelta(microseconds=1)
    share = found[("amif-share-max", "budget.amif")]
    assert share.relative_to == ("budget.total_eligible_cost",) and share.value is None


@given(total=st.integers(1, 10**10))
def test_relative_boundaries_are_computed_against_a_document(total):
    document = {
        "call": "42",
        "budget": {"total_eligible_cost": f"{total // 100}.{total % 100:02d}", "amif": "0.00", "cofinancing": {"pod_mi": "0.00"}},
    }
    found = {(b.rule, b.path): b for b in testing.boundaries("42", document)}
    amif = found[("amif-share-max", "budget.amif")]
    share = PARAMETERS["amif_max_share"]
    assert Decimal(amif.holds) <= share * Decimal(total) / 100 < Decimal(amif.breaks)
    assert Decimal(amif.breaks) - Decimal(amif.holds) == Decimal("0.01")


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_boundary_values_decide_the_rule_as_the_parameter_says(data):
    population = data.draw(testing.boundary_values("applicant.municipality.population"))
    document = data.draw(testing.applications("42", eligible=True))
    document["applicant"]["municipality"]["population"] = population
    verdict = verdicts(document)
    expected = "pass" if population > PARAMETERS["lead_min_population"] else "fail"
    assert verdict.rule("lead-municipality-large").outcome == expected


@slow(80)
@given(case=testing.boundary_cases("42"))
def test_boundary_cases_get_the_outcome_their_boundary_says(case):
    verdict = verdicts(case.document)
    results = [r for r in verdict.rules if r.id == case.rule and r.item == case.item]
    assert [r.outcome for r in results] == [case.expected]
    assert verdict.outcome == case.outcome
    # Every comparison of call 42 with a boundary is its rule's whole check.
    assert case.expected == ("pass" if case.holds else "fail")


def test_boundary_strategies_refuse_what_has_no_boundary():
    from hypothesis.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match="no boundary"):
        testing.boundary_cases("42", rule="lead-is-ocmw")
    with pytest.raises(InvalidArgument, match="compares"):
        testing.boundary_values("applicant.kind")
    with pytest.raises(InvalidArgument, match="has no rule"):
        testing.applications("42", ineligible_for="no-such-rule")
    with pytest.raises(InvalidArgument, match="warning"):
        testing.applications("42", ineligible_for="partner-role-coaching")


# -- monotonicity ------------------------------------------------------------------------------------------


def test_monotonic_fields_of_call_42():
    assert testing.monotonic_fields("42") == {
        "applicant.municipality.population": "up",
        "partners[].municipality.population": "down",
        "budget.amif": "down",
        "budget.total_eligible_cost": "up",
        "budget.cofinancing.pod_mi": "down",
    }


def _read_value(verdict, path):
    return next((r.fields[path] for r in verdict.rules if r.fields.get(path) is not None), None)


@slow(60)
@given(document=testing.applications("42"), data=st.data())
def test_raising_the_lead_population_above_the_threshold_never_hurts(document, data):
    path = "applicant.municipality.population"
    before = amif_rules.check(document, engine="python")
    old = _read_value(before, path)
    assume(old is not None)
    floor = max(old, PARAMETERS["lead_min_population"] + 1)
    new = data.draw(st.integers(floor, limits.MAX_POPULATION))
    for engine in ENGINES:
        _, after = testing.assert_monotonic(document, path, new, engine=engine)
        assert after.rule("lead-municipality-large").outcome == "pass"


@slow(40)
@given(document=testing.applications("42", ineligible_for="lead-municipality-large"), data=st.data())
def test_raising_the_lead_population_makes_an_otherwise_eligible_application_eligible(document, data):
    new = data.draw(st.integers(PARAMETERS["lead_min_population"] + 1, limits.MAX_POPULATION))
    _, after = testing.assert_monotonic(document, "applicant.municipality.population", new)
    assert after.outcome == "eligible"


@slow(60)
@given(document=testing.applications("42"), path=st.sampled_from(["budget.amif", "budget.cofinancing.pod_mi"]), data=st.data())
def test_lowering_the_amif_or_pod_mi_amount_never_hurts(document, path, data):
    before = amif_rules.check(document, engine="python")
    old = _read_value(before, path)
    assume(old is not None)
    cents = data.draw(st.integers(0, int(Decimal(old) * 100)))
    new = f"{cents // 100}.{cents % 100:02d}"
    for engine in ENGINES:
        testing.assert_monotonic(document, path, new, engine=engine)


def test_assert_monotonic_refuses_a_move_the_wrong_way():
    document = json.loads((ROOT / "examples" / "call-42-eligible-antwerpen.json").read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="not a move up"):
        testing.assert_monotonic(document, "applicant.municipality.population", 1)
    with pytest.raises(ValueError, match="not a monotonic field"):
        testing.assert_monotonic(document, "applicant.kind", "ocmw")


# -- the strategies' parts -----------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(municipality=testing.municipalities(min_population=150_001))
def test_municipalities_come_from_the_register(municipality):
    record = register.lookup(municipality["nis_code"], testing.REGISTER_DATES[0])
    assert record is not None and record.name_nl == municipality["name"] and record.population > 150_000
    assert municipality.get("population", record.population) == record.population


@settings(max_examples=80, deadline=None)
@given(person=testing.participants(third_country=True, residences=["legal"], fields=["birth_date", "gender", "first_language"]))
def test_participants_are_valid_and_as_asked(person):
    application = amif_rules.read_application({"participants": [person]})
    read = application.participants[0]
    assert read.residence.value == "legal" and read.birth_date is not None and read.first_language
    assert not any(is_eu_member(code, dt.date(2019, 1, 1)) for code in person["nationalities"])


@settings(max_examples=80, deadline=None)
@given(codes=testing.nationalities(third_country=False, on=dt.date(2019, 6, 1)))
def test_nationalities_of_union_citizens_hold_a_member_state(codes):
    assert any(is_eu_member(code, dt.date(2019, 6, 1)) for code in codes)
    assert len(set(codes)) == len(codes) <= limits.MAX_NATIONALITIES


@settings(max_examples=80, deadline=None)
@given(budget=testing.budgets(amif_share=("0.5", "0.75"), pod_mi_share=("0", "0.15")))
def test_budgets_keep_their_shares(budget):
    total = Decimal(budget["total_eligible_cost"])
    assert Decimal("0.5") * total - Decimal("0.01") <= Decimal(budget["amif"]) <= Decimal("0.75") * total
    assert Decimal(budget["cofinancing"]["pod_mi"]) <= Decimal("0.15") * total
    assert re.fullmatch(r"[0-9]+\.[0-9]{2}", budget["amif"])
    amif_rules.read_application({"budget": budget})


@settings(max_examples=80, deadline=None)
@given(amount=testing.money("0.00", "99999999999.99"), moment=testing.instants())
def test_money_and_instants_read_back(amount, moment):
    application = amif_rules.read_application({"budget": {"amif": amount}, "submitted_at": moment})
    assert application.budget.amif == Decimal(amount)
    assert application.submitted_at.tzinfo is not None


# -- the documentation -----------------------------------------------------------------------------------


def test_the_testing_page_quotes_the_outside_suite_verbatim():
    """Every ``text`` block of docs/testing.md that starts with a line naming a file of
    tests/outside_suite/ is a verbatim excerpt of that file (which pytest runs)."""
    page = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```text\n(.*?)^```$", page, flags=re.S | re.M)
    quoted = 0
    for block in blocks:
        first, _, body = block.partition("\n")
        match = re.fullmatch(r"# (tests/outside_suite/[\w/]+\.py)", first.strip())
        if match is None:
            continue
        source = (ROOT / match.group(1)).read_text(encoding="utf-8")
        assert body in source, f"docs/testing.md quotes {match.group(1)}, but not verbatim:\n{body}"
        quoted += 1
    assert quoted >= 3, "docs/testing.md should show the outside suite"


def test_the_testing_page_prints_the_boundaries_of_call_42():
    page = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    block = re.search(r'^```text\n# boundaries\("42"\)\n(.*?)^```$', page, flags=re.S | re.M)
    assert block is not None
    assert block.group(1).splitlines() == [str(boundary) for boundary in testing.boundaries("42")]
