"""The built-in engine: interprets the compiled form directly, in pure Python.

It is the reference semantics that the durable engine is held to, and the engine used
where durable_rules cannot be installed (Python 3.13 and later).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

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

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

Truth = bool | None  # None is "unknown"
#: A fact as engines get it (see :class:`~amif_rules.ir.EncodedFacts`). Its values are
#: ``Scalar``s; typed Any because the compiler, not the types, guarantees that the keys a
#: :class:`Linear` reads hold integers, which the engine adds without checking.
Fact = Mapping[str, Any]


def evaluate_condition(node: Condition, fact: Fact) -> Truth:
    """Kleene three-valued evaluation of a compiled condition on one fact."""
    # One handler per node type (_EVALUATE), found by the node's exact type: a dict lookup
    # is faster than a chain of type tests, and each handler's node has its precise type.
    return _EVALUATE.get(type(node), _not_a_condition)(node, fact)


def _not_a_condition(node: object, fact: Fact) -> Truth:
    raise TypeError(f"not a compiled condition: {node!r}")


def _linear(node: Linear, fact: Fact) -> Truth:
    total = node.constant
    for coef, key in node.terms:
        value = fact.get(key)
        if value is None:
            return None
        total += coef * value
    return _OPS[node.op](total, 0)


def _compare_const(node: CompareConst, fact: Fact) -> Truth:
    value = fact.get(node.key)
    if value is None:
        return None
    return _OPS[node.op](value, node.value)


def _member(node: Member, fact: Fact) -> Truth:
    value = fact.get(node.key)
    if value is None:
        return None
    return (value in node.values) != node.negated


def _and(node: And, fact: Fact) -> Truth:
    result: Truth = True
    for operand in node.operands:
        truth = _EVALUATE.get(type(operand), _not_a_condition)(operand, fact)
        if truth is False:
            return False
        if truth is None:
            result = None
    return result


def _or(node: Or, fact: Fact) -> Truth:
    result: Truth = False
    for operand in node.operands:
        truth = _EVALUATE.get(type(operand), _not_a_condition)(operand, fact)
        if truth is True:
            return True
        if truth is None:
            result = None
    return result


def _not(node: Not, fact: Fact) -> Truth:
    truth = _EVALUATE.get(type(node.operand), _not_a_condition)(node.operand, fact)
    return None if truth is None else not truth


def _is_true(node: IsTrue, fact: Fact) -> Truth:
    value = fact.get(node.key)
    if value is None:
        return None
    return value is True


def _compare_keys(node: CompareKeys, fact: Fact) -> Truth:
    left, right = fact.get(node.left), fact.get(node.right)
    if left is None or right is None:
        return None
    return _OPS[node.op](left, right)


def _const(node: Const, fact: Fact) -> Truth:
    return node.value


_EVALUATE: dict[type[Condition], Callable[[Any, Fact], Truth]] = {
    Linear: _linear,
    CompareConst: _compare_const,
    Member: _member,
    And: _and,
    Or: _or,
    Not: _not,
    IsTrue: _is_true,
    CompareKeys: _compare_keys,
    Const: _const,
}


def rule_outcome(rule: CompiledRule, fact: Fact) -> str:
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

Check = Callable[[Fact], Truth]


def compile_condition(node: Condition) -> Check:
    """A function computing :func:`evaluate_condition` for ``node``, without re-dispatching
    on node types at every evaluation (no ``eval``: closures over the node's values)."""
    if type(node) is Linear:
        compare = _OPS[node.op]
        constant = node.constant
        if len(node.terms) == 1:
            ((coef, key),) = node.terms

            def linear1(fact: Fact) -> Truth:
                value = fact.get(key)
                return None if value is None else compare(coef * value + constant, 0)

            return linear1
        terms = node.terms

        def linear(fact: Fact) -> Truth:
            total = constant
            for coef, key in terms:
                value = fact.get(key)
                if value is None:
                    return None
                total += coef * value
            return compare(total, 0)

        return linear
    if type(node) is CompareConst:
        key, expected, equal = node.key, node.value, node.op == "=="

        def compare_const(fact: Fact) -> Truth:
            value = fact.get(key)
            return None if value is None else (value == expected) is equal

        return compare_const
    if type(node) is Member:
        key, values, negated = node.key, frozenset(node.values), node.negated

        def member(fact: Fact) -> Truth:
            value = fact.get(key)
            return None if value is None else (value in values) is not negated

        return member
    if type(node) is IsTrue:
        key = node.key

        def is_true(fact: Fact) -> Truth:
            value = fact.get(key)
            return None if value is None else value is True

        return is_true
    if type(node) is Const:
        constant_value = node.value
        return lambda fact: constant_value
    if type(node) is Not:
        inner = compile_condition(node.operand)

        def negate(fact: Fact) -> Truth:
            truth = inner(fact)
            return None if truth is None else not truth

        return negate
    if type(node) is And or type(node) is Or:
        parts = tuple(compile_condition(operand) for operand in node.operands)
        decisive = type(node) is Or  # True decides "or", False decides "and"

        def connect(fact: Fact) -> Truth:
            result: Truth = not decisive
            for part in parts:
                truth = part(fact)
                if truth is decisive:
                    return decisive
                if truth is None:
                    result = None
            return result

        return connect
    if type(node) is CompareKeys:
        left_key, right_key, compare_keys = node.left, node.right, _OPS[node.op]

        def compare_two(fact: Fact) -> Truth:
            left, right = fact.get(left_key), fact.get(right_key)
            return None if left is None or right is None else compare_keys(left, right)

        return compare_two
    raise TypeError(f"not a compiled condition: {node!r}")


def compile_rule(rule: CompiledRule) -> Callable[[Fact], str]:
    """The outcome function of one rule (same as :func:`rule_outcome`)."""
    check = compile_condition(rule.check)
    if isinstance(rule.when, Const) and rule.when.value:

        def outcome(fact: Fact) -> str:
            truth = check(fact)
            return "unknown" if truth is None else "pass" if truth else "fail"

        return outcome
    when = compile_condition(rule.when)

    def outcome_when(fact: Fact) -> str:
        applicable = when(fact)
        if applicable is False:
            return "not_applicable"
        if applicable is None:
            return "unknown"
        truth = check(fact)
        return "unknown" if truth is None else "pass" if truth else "fail"

    return outcome_when


#: A rule as the engine runs it: its index, its scope, its outcome function, its RuleOutcomes.
_Rule = tuple[int, str | None, Callable[[Fact], str], "_Outcomes"]


class PythonEngine:
    """Thread-safe: the compiled closures are immutable and built once per ruleset key."""

    name = "python"

    def __init__(self) -> None:
        self._compiled: dict[str, tuple[_Rule, ...]] = {}

    def _rules(self, compiled: CompiledRuleset) -> tuple[_Rule, ...]:
        rules = self._compiled.get(compiled.key)
        if rules is None:
            rules = tuple((rule.index, rule.scope, compile_rule(rule), _Outcomes(rule.index)) for rule in compiled.rules)
            self._compiled[compiled.key] = rules
        return rules

    def evaluate(self, compiled: CompiledRuleset, facts: EncodedFacts) -> tuple[RuleOutcome, ...]:
        results: list[RuleOutcome] = []
        append = results.append
        extend = results.extend
        root, items = facts.root, facts.items
        for _index, scope, outcome, made in self._rules(compiled):
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
            items = self.items = tuple(
                {outcome: RuleOutcome(index, item, outcome) for outcome in _OUTCOMES} for item in range(size)
            )
        return items


_OUTCOMES = ("pass", "fail", "unknown", "not_applicable")
