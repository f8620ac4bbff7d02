"""The built-in engine: interprets the compiled form directly, in pure Python.

It is the reference semantics that the durable engine is held to, and the engine used
where durable_rules cannot be installed (Python 3.13 and later).
"""

from __future__ import annotations

import operator
from typing import Callable, Optional

from ..ir import (
    And,
    CompareConst,
    CompareKeys,
    CompiledRule,
    CompiledRuleset,
    Condition,
    Const,
    EncodedFacts,
    IsTrue,
    Linear,
    Member,
    Not,
    Or,
    RuleOutcome,
)

_OPS: dict[str, Callable[[object, object], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

Truth = Optional[bool]  # None is "unknown"


def evaluate_condition(node: Condition, fact: dict) -> Truth:
    """Kleene three-valued evaluation of a compiled condition on one fact."""
    kind = type(node)
    if kind is Linear:
        total = node.constant
        for coef, key in node.terms:
            value = fact.get(key)
            if value is None:
                return None
            total += coef * value
        return _OPS[node.op](total, 0)
    if kind is CompareConst:
        value = fact.get(node.key)
        if value is None:
            return None
        return _OPS[node.op](value, node.value)
    if kind is Member:
        value = fact.get(node.key)
        if value is None:
            return None
        return (value in node.values) != node.negated
    if kind is And:
        result: Truth = True
        for operand in node.operands:
            truth = evaluate_condition(operand, fact)
            if truth is False:
                return False
            if truth is None:
                result = None
        return result
    if kind is Or:
        result = False
        for operand in node.operands:
            truth = evaluate_condition(operand, fact)
            if truth is True:
                return True
            if truth is None:
                result = None
        return result
    if kind is Not:
        truth = evaluate_condition(node.operand, fact)
        return None if truth is None else not truth
    if kind is IsTrue:
        value = fact.get(node.key)
        if value is None:
            return None
        return value is True
    if kind is CompareKeys:
        left, right = fact.get(node.left), fact.get(node.right)
        if left is None or right is None:
            return None
        return _OPS[node.op](left, right)
    if kind is Const:
        return node.value
    raise TypeError(f"not a compiled condition: {node!r}")


def rule_outcome(rule: CompiledRule, fact: dict) -> str:
    """The outcome of one rule on one fact."""
    applicable = evaluate_condition(rule.when, fact)
    if applicable is False:
        return "not_applicable"
    if applicable is None:
        return "unknown"
    truth = evaluate_condition(rule.check, fact)
    if truth is None:
        return "unknown"
    return "pass" if truth else "fail"


# -- closures: the same semantics, compiled once per ruleset ------------------------------------

Check = Callable[[dict], Truth]


def compile_condition(node: Condition) -> Check:
    """A function computing :func:`evaluate_condition` for ``node``, without re-dispatching
    on node types at every evaluation (no ``eval``: closures over the node's values)."""
    kind = type(node)
    if kind is Linear:
        compare = _OPS[node.op]
        constant = node.constant
        if len(node.terms) == 1:
            (coef, key), = node.terms

            def linear1(fact: dict) -> Truth:
                value = fact.get(key)
                return None if value is None else compare(coef * value + constant, 0)

            return linear1
        terms = node.terms

        def linear(fact: dict) -> Truth:
            total = constant
            for coef, key in terms:
                value = fact.get(key)
                if value is None:
                    return None
                total += coef * value
            return compare(total, 0)

        return linear
    if kind is CompareConst:
        key, expected, equal = node.key, node.value, node.op == "=="

        def compare_const(fact: dict) -> Truth:
            value = fact.get(key)
            return None if value is None else (value == expected) is equal

        return compare_const
    if kind is Member:
        key, values, negated = node.key, frozenset(node.values), node.negated

        def member(fact: dict) -> Truth:
            value = fact.get(key)
            return None if value is None else (value in values) is not negated

        return member
    if kind is IsTrue:
        key = node.key

        def is_true(fact: dict) -> Truth:
            value = fact.get(key)
            return None if value is None else value is True

        return is_true
    if kind is Const:
        constant_value = node.value
        return lambda fact: constant_value
    if kind is Not:
        inner = compile_condition(node.operand)

        def negate(fact: dict) -> Truth:
            truth = inner(fact)
            return None if truth is None else not truth

        return negate
    if kind is And or kind is Or:
        parts = tuple(compile_condition(operand) for operand in node.operands)
        decisive = kind is Or  # True decides "or", False decides "and"

        def connect(fact: dict) -> Truth:
            result: Truth = not decisive
            for part in parts:
                truth = part(fact)
                if truth is decisive:
                    return decisive
                if truth is None:
                    result = None
            return result

        return connect
    if kind is CompareKeys:
        left_key, right_key, compare_keys = node.left, node.right, _OPS[node.op]

        def compare_two(fact: dict) -> Truth:
            left, right = fact.get(left_key), fact.get(right_key)
            return None if left is None or right is None else compare_keys(left, right)

        return compare_two
    raise TypeError(f"not a compiled condition: {node!r}")


def compile_rule(rule: CompiledRule) -> Callable[[dict], str]:
    """The outcome function of one rule (same as :func:`rule_outcome`)."""
    check = compile_condition(rule.check)
    if isinstance(rule.when, Const) and rule.when.value:
        def outcome(fact: dict) -> str:
            truth = check(fact)
            return "unknown" if truth is None else "pass" if truth else "fail"

        return outcome
    when = compile_condition(rule.when)

    def outcome_when(fact: dict) -> str:
        applicable = when(fact)
        if applicable is False:
            return "not_applicable"
        if applicable is None:
            return "unknown"
        truth = check(fact)
        return "unknown" if truth is None else "pass" if truth else "fail"

    return outcome_when


class PythonEngine:
    """Thread-safe: the compiled closures are immutable and built once per ruleset key."""

    name = "python"

    def __init__(self) -> None:
        self._compiled: dict[str, tuple] = {}

    def _rules(self, compiled: CompiledRuleset) -> tuple:
        rules = self._compiled.get(compiled.key)
        if rules is None:
            rules = tuple((rule.index, rule.scope, compile_rule(rule), _Outcomes(rule.index))
                          for rule in compiled.rules)
            self._compiled[compiled.key] = rules
        return rules

    def evaluate(self, compiled: CompiledRuleset, facts: EncodedFacts) -> tuple[RuleOutcome, ...]:
        results: list[RuleOutcome] = []
        append = results.append
        extend = results.extend
        root, items = facts.root, facts.items
        for index, scope, outcome, made in self._rules(compiled):
            if scope is None:
                append(made.root[outcome(root)])
            else:
                elements = items.get(scope, ())
                if elements:
                    by_item = made.for_items(len(elements))
                    extend([by_item[position][outcome(fact)] for position, fact in enumerate(elements)])
        return tuple(results)


class _Outcomes:
    """The RuleOutcomes of one rule, made once and shared: they are immutable, and making
    tens of them per check was a fifth of the engine's time."""

    __slots__ = ("index", "root", "items")

    def __init__(self, index: int):
        self.index = index
        self.root = {outcome: RuleOutcome(index, None, outcome) for outcome in _OUTCOMES}
        self.items: tuple[dict[str, RuleOutcome], ...] = ()

    def for_items(self, count: int) -> tuple[dict[str, RuleOutcome], ...]:
        items = self.items
        if len(items) < count:  # a new tuple, swapped in whole: readers never see it half made
            size = max(count, min(2 * len(items), 10_000), 16)
            index = self.index
            items = self.items = tuple({outcome: RuleOutcome(index, item, outcome) for outcome in _OUTCOMES}
                                       for item in range(size))
        return items


_OUTCOMES = ("pass", "fail", "unknown", "not_applicable")
