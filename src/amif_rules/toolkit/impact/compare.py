"""A draft against its base: the parameters whose value it changes, the rules it adds,
removes or modifies, and the values of the parameters a rule reads in both."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from ... import expr
from ...explain import json_value
from ...ruleset import Ruleset
from .model import ParameterValues


def _shape(node: Any) -> Any:
    """An expression without its parameter values, to tell a changed rule from a changed value."""
    if isinstance(node, expr.Param):
        return ("param", node.name)
    if attrs.has(type(node)):
        return (type(node).__name__,) + tuple(_shape(getattr(node, f.name)) for f in attrs.fields(type(node)))
    if isinstance(node, (tuple, list)):
        return tuple(_shape(x) for x in node)
    return node


def _rule_shape(rule) -> tuple:
    return (rule.for_each, rule.severity, _shape(rule.when), _shape(rule.check))


def _json_value(ruleset: Ruleset, name: str) -> Any:
    parameter = ruleset.parameters.get(name)
    if parameter is None:
        return None
    return json_value(parameter.value)  # UNSET / UNRESOLVED (a dated value) become their names


def parameter_values(base: Ruleset, draft: Ruleset, names: Iterable[str]) -> tuple[ParameterValues, ...]:
    """Each named parameter with its value in the base and in the draft (JSON values)."""
    result = []
    for name in names:
        parameter = draft.parameters.get(name) or base.parameters.get(name)
        if parameter is None:
            continue
        result.append(ParameterValues(name, parameter.type_name, _json_value(base, name), _json_value(draft, name)))
    return tuple(result)


def compare_rulesets(
    base: Ruleset, draft: Ruleset
) -> tuple[tuple[ParameterValues, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(changed parameters, rules added, rules removed, rules modified) of ``draft`` against ``base``."""
    names = list(dict.fromkeys(list(base.parameters) + list(draft.parameters)))
    changed = tuple(p for p in parameter_values(base, draft, names) if p.changed)
    base_rules = {rule.id: rule for rule in base.rules}
    draft_rules = {rule.id: rule for rule in draft.rules}
    added = tuple(rule_id for rule_id in draft_rules if rule_id not in base_rules)
    removed = tuple(rule_id for rule_id in base_rules if rule_id not in draft_rules)
    modified = tuple(
        rule_id
        for rule_id, rule in draft_rules.items()
        if rule_id in base_rules and _rule_shape(rule) != _rule_shape(base_rules[rule_id])
    )
    return changed, added, removed, modified
