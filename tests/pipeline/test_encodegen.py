"""The generated fact encoder (``encodegen.py``): the engine's facts it writes are the
reference encoder's on every bundled ruleset, its source can be read, and its audit refuses
what the generator never writes. (Hostile rulesets: ``test_generated.py``.)"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from amif_rules import catalog, codegen, encodegen, testing
from amif_rules.api import prepare_flat, read_flat


@pytest.mark.parametrize("call", catalog.calls())
def test_the_generated_encoder_writes_the_reference_facts(call):
    @settings(max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(testing.applications(call))
    def hold(document):
        prepared, facts = prepare_flat(read_flat(document))
        generated, reference = prepared.plan.encode(facts), prepared.plan.encode_reference(facts)
        assert generated == reference
        # the same keys in the same order: durable-rules gets the same JSON
        assert list(generated.root) == list(reference.root)
        for scope, elements in reference.items.items():
            assert [list(fact) for fact in generated.items[scope]] == [list(fact) for fact in elements]

    hold()


def test_a_documents_facts_are_encoded_with_their_units():
    prepared, facts = prepare_flat(
        read_flat(
            {
                "call": "42",
                "submitted_at": "2018-01-10T10:00:00+01:00",
                "budget": {"amif": "1234.56"},
                "participants": [{"nationalities": ["SY"], "residence": "legal"}, {"nationalities": ["GB"]}],
            }
        )
    )
    encoded = prepared.plan.encode(facts)
    assert encoded.root["budget.amif"] == 123456  # cents
    assert "budget.total_eligible_cost" not in encoded.root  # absent stays absent (unknown)
    first, second = encoded.items["participants"]
    assert first["item.residence"] == "legal" and "item.residence" not in second
    union = "fn:union_citizen(item.nationalities,reference_date)"
    assert first[union] is False and second[union] is True  # the UK was in the EU in 2018
    assert encoded.items["partners"] == ()


def test_the_source_can_be_read():
    plan = catalog.for_call("42", None).plan
    source, encode = plan.encoder()
    assert source.startswith("def encode(values, lists):\n")
    assert "'budget.amif'" in source and "for " in source
    assert callable(encode)


@pytest.mark.parametrize(
    "source",
    [
        "import os\ndef encode(values, lists):\n    return {}, {}\n",
        "def encode(values, lists):\n    return values.__class__, {}\n",
        "def encode(values, lists):\n    return open('x'), {}\n",
        "def encode(values, lists):\n    return __import__('os'), {}\n",
        "def encode(values, lists):\n    return (lambda: 1)(), {}\n",
        "def encode(values, lists):\n    return f'{values}', {}\n",
        "def encode(values, lists):\n    return {k: 1 for k in values}, {}\n",
        "def decode(values, lists):\n    return {}, {}\n",
        "def encode(values, lists):\n    return 1.5, {}\n",
        "def encode(values, lists):\n    return x1(values), {}\n",
    ],
)
def test_the_audit_refuses_what_the_generator_never_writes(source):
    with pytest.raises(codegen.GeneratorError):
        codegen.audit(source, encodegen.VOCABULARY)


def test_the_generator_refuses_keys_that_are_not_text():
    with pytest.raises(codegen.GeneratorError):
        encodegen.generate((((1, "budget.amif", None),), (), ()))  # type: ignore[arg-type]
    with pytest.raises(codegen.GeneratorError):
        encodegen.generate(((("budget.amif", "budget.amif", "not a function"),), (), ()))  # type: ignore[arg-type]
