"""The generated reading and deciding function (``quickcheck.py``): per ruleset, one function
from the plain document to every rule's outcome. It gives the full reader's facts and the
interpreter's outcomes on every bundled call, leaves every bad document to the full reader,
can be read, and is audited before it runs. (Hostile rulesets: ``test_generated.py``.)"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import amif_rules
from amif_rules import catalog, codegen, quickcheck, readgen, testing
from amif_rules.api import prepare_flat
from amif_rules.documents import read_application
from amif_rules.errors import InputError, UnknownCall
from amif_rules.facts import flatten
from amif_rules.ir import RuleOutcome
from amif_rules.verdict import build_verdict
from conftest import EXAMPLES, interpreted


def the_long_way(document, on=None):
    """The full reader's facts, the encoder's reference facts and the interpreter's outcomes,
    or the InputError the full reader raises."""
    try:
        prepared, facts = prepare_flat(flatten(read_application(document)), on=on)
    except (InputError, UnknownCall) as error:
        return error
    plan = prepared.plan
    outcomes = tuple(RuleOutcome(*triple) for triple in interpreted(plan.compiled, plan.encode_reference(facts)))
    return prepared, facts, outcomes


def assert_as_the_long_way(document, on=None):
    """The quick way gives the long way's facts and outcomes, or leaves the document to it."""
    expected = the_long_way(document, on)
    try:
        quick = quickcheck.quick_check(document, None, on, None, decide=True)
    except InputError as error:  # raised past the reading (a birth after the submission)
        assert isinstance(expected, InputError) and error.problems == expected.problems
        return False
    if quick is None:
        return False
    assert not isinstance(expected, Exception), f"the quick way accepted a document the long way refuses: {expected}"
    prepared, facts, outcomes = quick
    assert prepared is expected[0]
    assert facts == expected[1]
    assert list(facts.root) == list(expected[1].root)  # the same keys in the same order
    assert outcomes == expected[2]
    return True


@pytest.mark.parametrize("call", catalog.calls())
def test_every_call_gives_the_full_readers_facts_and_the_interpreters_outcomes(call):
    @settings(max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(testing.applications(call), st.sampled_from([None, dt.date(2019, 6, 1), dt.date(2025, 3, 31)]))
    def hold(document, on):
        assert assert_as_the_long_way(document, on), "a portal's plain document should take the quick way"

    hold()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(document=testing.malformed_documents("42"))
def test_bad_documents_are_left_to_the_full_reader(document):
    assert not assert_as_the_long_way(document)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(document=testing.junk_documents("42"))
def test_junk_is_read_as_the_long_way_reads_it_or_left_to_it(document):
    assert_as_the_long_way(document)  # asserts the same facts and outcomes when it takes it


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_every_bundled_example_as_the_long_way(path):
    assert_as_the_long_way(json.loads(path.read_text(encoding="utf-8")))


def test_an_unknown_call_is_left_to_the_full_reader_so_its_problems_come_first():
    document = {"call": "no-such-call", "duration_months": -1}
    assert quickcheck.quick_check(document, None, None, None, decide=True) is None
    with pytest.raises(InputError, match="duration_months"):
        amif_rules.check(document, engine="python")


def test_check_gives_the_same_verdict_on_both_engines():
    for path in sorted(EXAMPLES.glob("call-42*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        python = amif_rules.check(document, engine="python").to_dict()
        python.pop("engine")
        if amif_rules.durable_available():
            durable = amif_rules.check(document, engine="durable").to_dict()
            durable.pop("engine")
            assert python == durable
        reference = the_long_way(document)
        if not isinstance(reference, InputError):
            prepared, facts, outcomes = reference
            long_way = build_verdict(prepared.ruleset, facts, outcomes, "python", "en", document.get("call"))
            assert amif_rules.check(document, engine="python", lang="en").to_json() == long_way.to_json()


def test_the_source_can_be_read_and_is_made_once_per_plan():
    plan = catalog.for_call("42", None).plan
    source, check = quickcheck.checker(plan)
    assert source.splitlines()[-1] == "    return facts, out"
    assert "def check(data, call, submitted, reader, on, register_date, day, made):" in source
    assert "'residence'" in source and "flat = READ(data, call, submitted, reader)" in source
    assert quickcheck.checker(plan)[1] is check
    assert amif_rules.generated_source(call="42", part="check") == source
    assert amif_rules.generated_source(part="read") == readgen.reader()[0]


@pytest.mark.parametrize(
    "source",
    [
        "def check(data):\n    return data.__class__\n",
        "def check(data):\n    return open('x')\n",
        "def check(data):\n    return __import__('os')\n",
        "def check(data):\n    return [k for k in data]\n",
        "def check(data):\n    return 1.5\n",
        "def check(data):\n    return z1(data)\n",
        "def check(data):\n    raise data\n",
        "def read(data):\n    return DERIVE(data)\n",
        "def check(data):\n    return FLAT(data)\n",
    ],
)
def test_the_audit_refuses_what_the_generator_never_writes(source):
    with pytest.raises(codegen.GeneratorError):
        codegen.audit(source, quickcheck.VOCABULARY)
