"""An outside test suite: how a portal's own tests use amif_rules.testing.

It imports nothing of this repository but the installed package (``amif_rules`` and
``amif_rules.testing``), Hypothesis and pytest, as a portal backend's suite would.
docs/testing.md quotes it; tests/kit/test_properties.py checks that the quotes stay verbatim.
"""

from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import amif_rules
from amif_rules import testing


# The portal under test: a pre-check endpoint, reduced to a function.
def precheck(body: bytes) -> tuple[int, dict]:
    """HTTP status and JSON body of the portal's pre-check endpoint."""
    try:
        verdict = amif_rules.check(body, lang="en")  # JSON or YAML bytes, as received
    except amif_rules.InputError as error:
        return 400, {"bad_fields": list(error.paths)}
    return 200, {"outcome": verdict.outcome, "missing": list(verdict.missing)}


def post(document) -> tuple[int, dict]:
    """Send a document as a client would: a mapping as JSON, text or bytes as they are."""
    if isinstance(document, bytes):
        return precheck(document)
    if isinstance(document, str):
        return precheck(document.encode("utf-8", "surrogatepass"))
    return precheck(testing.json_text(document).encode("ascii"))  # any integer; json.dumps stops at 4,300 digits


# Eligible applications are accepted.
@settings(max_examples=25, deadline=None)
@given(testing.applications("42", eligible=True))
def test_eligible_applications_are_accepted(document):
    status, body = post(document)
    assert status == 200
    assert body == {"outcome": "eligible", "missing": []}


# An application that asks too much AMIF money fails on that rule alone.
@settings(max_examples=25, deadline=None)
@given(testing.applications("42", ineligible_for="amif-share-max"))
def test_too_much_amif_is_refused_for_that_reason(document):
    verdict = amif_rules.check(document, lang="en")
    testing.assert_fails_exactly_on(verdict, "amif-share-max")
    assert post(document) == (200, {"outcome": "ineligible", "missing": []})


# Incomplete applications: the portal shows the user what is missing.
@settings(max_examples=25, deadline=None)
@given(testing.applications("42", incomplete=True))
def test_incomplete_applications_say_what_is_missing(document):
    status, body = post(document)
    assert status == 200 and body["outcome"] == "incomplete"
    assert body["missing"], "the user is told which fields to fill in"


# Boundaries come from the ruleset: here, the lead's population (150,000 in call 42).
@settings(max_examples=20, deadline=None)
@given(testing.applications("42", eligible=True),
       testing.boundary_values("applicant.municipality.population"))
def test_the_population_boundary(document, population):
    document["applicant"]["municipality"]["population"] = population
    verdict = amif_rules.check(document)
    lead = verdict.rule("lead-municipality-large")
    assert lead.outcome == ("pass" if population > 150_000 else "fail")


# Whole documents on either side of any boundary of any rule of the call.
@settings(max_examples=25, deadline=None)
@given(testing.boundary_cases("42"))
def test_boundary_cases(case):
    verdict = amif_rules.check(case.document)
    assert verdict.rule(case.rule, case.item).outcome == case.expected
    assert verdict.outcome == case.outcome


# Broken documents: a 400 naming the broken fields, never a 500.
@settings(max_examples=40, deadline=None)
@given(testing.malformed_cases("42", kinds=["wrong-type", "unknown-enum", "negative", "bad-format"]))
def test_broken_documents_get_a_400_naming_the_fields(case):
    status, body = post(case.document)
    assert status == 400
    assert case.named_by(body["bad_fields"]), (case.description, body)


# Anything at all: a verdict or an input error, whatever the portal is sent.
@settings(max_examples=40, deadline=None)
@given(testing.junk_documents("42"))
def test_junk_never_crashes_the_portal(document):
    try:
        verdict = amif_rules.check(document, call="42")
    except amif_rules.InputError as error:
        assert error.paths, "an input error names where the problem is"
    else:
        assert verdict.outcome in ("eligible", "ineligible", "incomplete")


# The library's own promises, checked on the portal's documents.
@settings(max_examples=20, deadline=None)
@given(testing.applications("42"), st.sampled_from(["nl", "fr", "en"]))
def test_the_library_keeps_its_contract(document, lang):
    verdict = testing.assert_engines_agree(document, lang=lang)
    testing.assert_valid_verdict(verdict)
    testing.assert_deterministic(document)


# What the portal stores and forwards: a verdict nobody can change, the same whether the
# client sent JSON or YAML, and never refused by the schema the form validates with first.
@settings(max_examples=20, deadline=None)
@given(testing.applications("42"))
def test_verdicts_are_safe_to_store_and_forward(document):
    testing.assert_immutable(amif_rules.check(document))
    testing.assert_yaml_json_agree(document)
    testing.assert_schema_accepts(document)


# A 400 whose body stays small, whatever the size of what the client sent.
@settings(max_examples=20, deadline=None)
@given(testing.malformed_cases("42", kinds=["huge-number", "long-string", "long-list"]))
def test_error_bodies_stay_small(case):
    error = testing.assert_bounded_error(case.document, max_chars=300)
    assert error is not None and case.named_by(error.paths)


# A portal field that only ever helps: lowering the AMIF amount.
@settings(max_examples=20, deadline=None)
@given(testing.applications("42", eligible=False), st.integers(0, 100))
def test_asking_less_never_hurts(document, percent):
    old = Decimal(amif_rules.check(document).rule("amif-share-max").fields["budget.amif"])
    lower = (old * percent / 100).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    before, after = testing.assert_monotonic(document, "budget.amif", str(lower))
    assert after.rule("amif-share-max").fields["budget.amif"] == str(lower)


@pytest.mark.parametrize("call", ["320", "buurtstewards"])
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_other_calls_work_the_same_way(call, data):
    document = data.draw(testing.applications(call, eligible=True))
    assert amif_rules.check(document).outcome == "eligible"
