"""The built-in engine, in pure Python: the reference semantics of the compiled form
(:func:`evaluate_condition`, :func:`rule_outcome`), which the durable engine and the
generated decision code are held to, and the engine that runs that generated code, used
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
from .generated import decision_function

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


class PythonEngine:
    """Runs each ruleset's generated decision function (:mod:`.generated`), made once per
    ruleset key; thread-safe, for the function and the outcomes it picks from are never
    changed once made. :func:`rule_outcome` above is the reference it is held to."""

    name = "python"

    def __init__(self) -> None:
        self._compiled: dict[str, tuple[Callable[..., list[RuleOutcome]], tuple[_Outcomes, ...]]] = {}

    def _decision(self, compiled: CompiledRuleset) -> tuple[Callable[..., list[RuleOutcome]], tuple[_Outcomes, ...]]:
        found = self._compiled.get(compiled.key)
        if found is None:
            _, decide = decision_function(compiled)
            found = self._compiled[compiled.key] = (decide, tuple(_Outcomes(rule.index) for rule in compiled.rules))
        return found

    def outcome_tables(self, compiled: CompiledRuleset) -> tuple[_Outcomes, ...]:
        """Each rule's outcomes, made once (what generated decisions pick from)."""
        return self._decision(compiled)[1]

    def evaluate(self, compiled: CompiledRuleset, facts: EncodedFacts) -> tuple[RuleOutcome, ...]:
        decide, made = self._decision(compiled)
        return tuple(decide(facts.root, facts.items, made))


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
