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


class PythonEngine:
    """Stateless, hence thread-safe without locks."""

    name = "python"

    def evaluate(self, compiled: CompiledRuleset, facts: EncodedFacts) -> tuple[RuleOutcome, ...]:
        results: list[RuleOutcome] = []
        for rule in compiled.rules:
            if rule.scope is None:
                results.append(RuleOutcome(rule.index, None, rule_outcome(rule, facts.root)))
            else:
                for index, fact in enumerate(facts.items.get(rule.scope, ())):
                    results.append(RuleOutcome(rule.index, index, rule_outcome(rule, fact)))
        return tuple(results)
