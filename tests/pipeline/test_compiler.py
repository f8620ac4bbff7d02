"""The compiler: exact integer linear forms, derived keys, folding, and the int64 guarantee."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import amif_rules
from amif_rules import ir
from amif_rules.compiler import compile_ruleset, encode_value
from amif_rules.documents import read_application
from amif_rules.engines.python import PythonEngine, evaluate_condition
from amif_rules.facts import build_facts
from amif_rules.schema import FieldType

HEAD = """
id: t
version: "1"
title: {nl: t, fr: t, en: t}
source: x.txt
parameters:
  share: {value: "0.75", type: share, source: "x.txt, a"}
  call_budget: {value: "1320069.53", type: money, source: "x.txt, b"}
  deadline: {value: "2019-09-02T23:59:00+02:00", type: instant, source: "x.txt, c"}
  big: {value: 90000000000, type: integer, source: "x.txt, d"}
rules:
"""


def rule(check: str, for_each: str | None = None, when: str | None = None) -> str:
    lines = ["  - id: r", f"    check: '{check}'", "    source: x.txt, h"]
    if for_each:
        lines.append(f"    for_each: {for_each}")
    if when:
        lines.append(f"    when: '{when}'")
    lines.append("    messages: {pass: {nl: p, fr: p, en: p}, fail: {nl: f, fr: f, en: f}}")
    return "\n".join(lines) + "\n"


def compiled_check(check: str, **kwargs) -> ir.Condition:
    plan = compile_ruleset(amif_rules.parse_ruleset(HEAD + rule(check, **kwargs)))
    return plan.compiled.rules[0].check


def test_share_comparison_is_an_integer_linear_form():
    condition = compiled_check("budget.amif <= share * budget.total_eligible_cost")
    # amif/100 - 0.75 * total/100 <= 0   ->   4 * amif - 3 * total <= 0 (in cents)
    assert condition == ir.Linear(((4, "budget.amif"), (-3, "budget.total_eligible_cost")), 0, "<=")


def test_money_against_a_money_parameter_is_in_cents():
    assert compiled_check("budget.amif <= call_budget") == ir.Linear(((1, "budget.amif"),), -132006953, "<=")


def test_instants_compare_in_microseconds():
    condition = compiled_check("submitted_at <= deadline")
    micros = int(dt.datetime(2019, 9, 2, 21, 59, tzinfo=dt.UTC).timestamp()) * 10**6
    assert condition == ir.Linear(((1, "submitted_at"),), -micros, "<=")


def test_constants_fold():
    assert compiled_check("1 + 1 == 2") == ir.Const(True)
    assert compiled_check("form.signed or true") == ir.Const(True)
    assert compiled_check("form.signed and true") == ir.IsTrue("form.signed")


def test_function_calls_become_derived_keys():
    condition = compiled_check("not union_citizen(item.nationalities, reference_date)", for_each="participants")
    assert condition == ir.Not(ir.IsTrue("fn:union_citizen(item.nationalities,reference_date)"))


def test_overflowing_comparisons_are_refused_at_load():
    with pytest.raises(amif_rules.RulesetError, match="64-bit"):
        compile_ruleset(amif_rules.parse_ruleset(HEAD + rule("budget.amif * big * big <= budget.total_eligible_cost")))


def test_encoding_units():
    assert encode_value(Decimal("1320069.53"), FieldType("money")) == 132006953
    assert encode_value(dt.date(1, 1, 1), FieldType("date")) == 1
    moment = dt.datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=dt.UTC)
    assert encode_value(moment, FieldType("instant")) == 1
    before = dt.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC)
    assert encode_value(before, FieldType("instant")) == -1


def generated_truth(node: ir.Condition, fact: dict) -> bool | None:
    """The truth of ``node`` on ``fact`` as the generated decision code computes it."""
    rule = ir.CompiledRule(0, "r", None, ir.Const(True), node)
    compiled = ir.CompiledRuleset(f"kleene {node!r}", (rule,), ())
    (outcome,) = PythonEngine().evaluate(compiled, ir.EncodedFacts(fact, {}))
    return {"pass": True, "fail": False, "unknown": None}[outcome.outcome]


@pytest.mark.parametrize(
    ("a", "b", "and_", "or_"),
    [
        (True, True, True, True),
        (True, False, False, True),
        (True, None, None, True),
        (False, False, False, False),
        (False, None, False, None),
        (None, None, None, None),
    ],
)
def test_kleene_logic(a, b, and_, or_):
    def atom(value):
        return ir.Const(True) if value is True else ir.Const(False) if value is False else ir.IsTrue("missing")

    for evaluate in (evaluate_condition, generated_truth):
        for left, right in ((a, b), (b, a)):
            assert evaluate(ir.And((atom(left), atom(right))), {}) is and_
            assert evaluate(ir.Or((atom(left), atom(right))), {}) is or_
        assert evaluate(ir.Not(atom(a)), {}) is (None if a is None else not a)


def test_element_facts_carry_the_root_keys_their_rules_read():
    plan = compile_ruleset(
        amif_rules.parse_ruleset(HEAD + rule('item.kind == "ocmw" and submitted_at <= deadline', for_each="partners"))
    )
    application = read_application({"submitted_at": "2019-09-01T10:00:00+02:00", "partners": [{"kind": "ocmw"}, {}]})
    encoded = plan.encode(build_facts(application))
    assert [sorted(fact) for fact in encoded.items["partners"]] == [["item.kind", "submitted_at"], ["submitted_at"]]
    outcomes = PythonEngine().evaluate(plan.compiled, encoded)
    assert [o.outcome for o in outcomes] == ["pass", "unknown"]
