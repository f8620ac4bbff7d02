"""Two-valued formulas over durable conditions, and how one is cut to fit a durable pattern.

A formula is :data:`TRUE`, :data:`FALSE`, a :class:`Lit` (one durable condition) or a
:class:`Junction` (``and``/``or`` of formulas). Each :class:`Lit` and :class:`Junction` has a
canonical text, ``key``, by which repeated operands are dropped. A durable pattern holds at
most :data:`~.limits.MAX_CONNECTIVES` ``$and``/``$or``, and a wide ``or`` is a wide node of
durable's network: :func:`split` cuts a formula into a disjunction of parts that each fit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Literal, NamedTuple

from ...errors import EngineError

#: A condition in durable's JSON form, such as ``{"$lt": {"a0": 5}}``.
DurableCondition = dict[str, Any]


class Constant(NamedTuple):
    """:data:`TRUE` or :data:`FALSE`, folded away by :func:`and_` and :func:`or_`."""

    value: bool


class Lit(NamedTuple):
    """One durable condition."""

    key: str
    condition: DurableCondition


class Junction(NamedTuple):
    """``and``/``or`` of at least two formulas, none of them a constant or a repeat."""

    kind: Literal["and", "or"]
    key: str
    items: tuple[Term, ...]


#: A formula that is not a constant: what a durable pattern is made of.
Term = Lit | Junction
Formula = Constant | Term

TRUE = Constant(True)
FALSE = Constant(False)


def lit(condition: DurableCondition) -> Lit:
    return Lit(json.dumps(condition, sort_keys=True), condition)


def _connect(kind: Literal["and", "or"], operands: Iterable[Formula]) -> Formula:
    """``and``/``or`` of formulas, flattened, with constants folded and repeats dropped."""
    zero = FALSE if kind == "and" else TRUE
    items: dict[str, Term] = {}
    for operand in operands:
        if isinstance(operand, Constant):
            if operand is zero:
                return zero
            continue  # the unit
        for item in operand.items if isinstance(operand, Junction) and operand.kind == kind else (operand,):
            items.setdefault(item.key, item)
    if not items:
        return TRUE if kind == "and" else FALSE
    if len(items) == 1:
        return next(iter(items.values()))
    values = tuple(items.values())
    return Junction(kind, kind + "(" + ",".join(item.key for item in values) + ")", values)


def and_(*operands: Formula) -> Formula:
    return _connect("and", operands)


def or_(*operands: Formula) -> Formula:
    return _connect("or", operands)


def connectives(formula: Formula) -> int:
    """How many ``$and``/``$or`` the formula costs in a durable pattern."""
    if isinstance(formula, Junction):
        return 1 + sum(connectives(item) for item in formula.items)
    return 0


def emit(formula: Term) -> DurableCondition:
    """The formula as a durable condition."""
    if isinstance(formula, Lit):
        return formula.condition
    return {"$" + formula.kind: [emit(item) for item in formula.items]}


def top_items(formula: Formula) -> tuple[Term, ...]:
    """The operands of a top-level ``and`` (none for TRUE), else the formula alone."""
    if isinstance(formula, Constant):
        if formula.value:
            return ()
        raise EngineError("durable engine: FALSE has no pattern")  # pragma: no cover - never built
    if isinstance(formula, Junction) and formula.kind == "and":
        return formula.items
    return (formula,)


def split(formula: Formula, budget: int, branches: int, limit: int) -> list[Formula]:
    """``formula`` as a disjunction of formulas that each fit one durable pattern.

    Each part becomes its own durable rule, reporting the same outcome. A part has at most
    ``budget`` connectives, and its top-level ``or`` at most ``branches`` operands (a wide
    ``or`` under one condition is a wide node of durable's network); an ``or`` that does not
    fit is distributed (``a and (b or c)`` -> ``a and b``, ``a and c``).
    """
    items = top_items(formula)
    ors = [item for item in items if isinstance(item, Junction) and item.kind == "or"]
    deep = sum(connectives(item) for item in items) > budget
    if not deep and all(len(item.items) <= branches for item in ors):
        return [formula]
    parts: list[Formula]
    if isinstance(formula, Junction) and formula.kind == "or":
        parts = list(formula.items)
    else:
        widest = max(ors, key=lambda item: (connectives(item), len(item.items)))
        parts = [and_(*(operand if item is widest else item for item in items)) for operand in widest.items]
    result: list[Formula] = []
    for part in parts:
        result.extend(split(part, budget, branches, limit))
        if len(result) > limit:
            raise EngineError(
                f"a rule's condition expands to more than {limit} durable_rules patterns; "
                "simplify it or use the built-in engine (engine='python')"
            )
    return result
