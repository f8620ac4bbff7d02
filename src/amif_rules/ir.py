"""The compiled form of a ruleset: what every engine evaluates.

The compiler (``compiler.py``) turns a ruleset's parsed expressions into this small,
engine-neutral intermediate representation. Engines see no YAML, no parameters, no
Decimal and no dates: every value an engine compares is an ``int``, a ``str`` or a
``bool``, already in integer units (money in cents, instants in microseconds since the
Unix epoch, dates as proleptic Gregorian ordinals). That is what lets the durable-rules
engine (int64, JSON-only values) and the built-in interpreter agree to the bit.

Conditions are trees of :class:`And`, :class:`Or`, :class:`Not` over *atoms*. An atom
reads one or more fact keys; it is *unknown* when any key it reads is missing from the
fact, otherwise true or false. Boolean connectives follow Kleene's three-valued logic.

A fact is a flat ``dict`` from key to value, one fact per entity: the document root, and
one per element of each list a rule iterates over. Keys are strings such as
``"applicant.municipality.population"`` (root) or ``"item.kind"`` (element). Element facts
also carry copies of the root keys their rules read, under the same root key, so that every
condition reads one fact only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal, NamedTuple

import attrs

ComparisonOp = Literal["==", "!=", "<", "<=", ">", ">="]
Scalar = int | str | bool

#: Which outcome a rule can reach. ``unknown`` is never matched: it is what is left.
Outcome = Literal["pass", "fail", "unknown", "not_applicable"]


@attrs.frozen
class Linear:
    """``sum(coef * fact[key]) + constant  OP  0`` over integers.

    Every numeric comparison of the ruleset language (with its decimal constants,
    parameters and ``+ - *`` and division by constants) is normalised by the compiler into
    this form, with integer coefficients, so that no engine ever divides or rounds.
    ``terms`` is sorted by key and has no zero coefficient. The compiler guarantees that
    ``sum(abs(coef) * bound(key)) + abs(constant) < 2**63`` for the documented input
    bounds, so that int64 arithmetic cannot overflow.
    """

    terms: tuple[tuple[int, str], ...]
    constant: int
    op: ComparisonOp

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for _, key in self.terms)


@attrs.frozen
class CompareConst:
    """``fact[key] OP value`` for strings and booleans (only ``==`` / ``!=``)."""

    key: str
    op: Literal["==", "!="]
    value: str | bool

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key,)


@attrs.frozen
class CompareKeys:
    """``fact[left] OP fact[right]`` for two string or boolean keys (``==`` / ``!=``)."""

    left: str
    op: Literal["==", "!="]
    right: str

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.left, self.right)


@attrs.frozen
class Member:
    """``fact[key] in values`` (or ``not in`` when ``negated``); values are strings."""

    key: str
    values: tuple[str, ...]
    negated: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key,)


@attrs.frozen
class IsTrue:
    """``fact[key]`` is the boolean ``True`` (a bare boolean field used as a condition)."""

    key: str

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key,)


@attrs.frozen
class Const:
    """A condition that is decided at compile time (for instance ``true``)."""

    value: bool

    @property
    def keys(self) -> tuple[str, ...]:
        return ()


Atom = Linear | CompareConst | CompareKeys | Member | IsTrue | Const


@attrs.frozen
class And:
    operands: tuple[Condition, ...]


@attrs.frozen
class Or:
    operands: tuple[Condition, ...]


@attrs.frozen
class Not:
    operand: Condition


Condition = Atom | And | Or | Not


def atoms(condition: Condition, positive: bool = True) -> Iterator[tuple[Atom, bool]]:
    """Every atom of a condition, left to right, with whether it counts positively (False
    under an odd number of ``Not``)."""
    if isinstance(condition, (And, Or)):
        for operand in condition.operands:
            yield from atoms(operand, positive)
    elif isinstance(condition, Not):
        yield from atoms(condition.operand, not positive)
    else:
        yield condition, positive


def condition_keys(condition: Condition) -> tuple[str, ...]:
    """Every fact key a condition reads, in first-read order, without repeats."""
    return tuple(dict.fromkeys(key for atom, _ in atoms(condition) for key in atom.keys))


@attrs.frozen
class CompiledRule:
    """One rule, ready for an engine.

    ``scope`` is ``None`` for a rule over the document root, or the name of the list
    (``"partners"``, ``"participants"``) whose elements the rule is applied to, one result
    per element. ``when`` is the applicability condition (``Const(True)`` when the rule has
    none). Outcome per fact: ``not_applicable`` when ``when`` is false; ``pass`` /
    ``fail`` when ``when`` is true and ``check`` is true / false; ``unknown`` otherwise.
    """

    index: int
    id: str
    scope: str | None
    when: Condition
    check: Condition


@attrs.frozen
class CompiledRuleset:
    """Everything an engine needs, and a stable ``key`` to cache engine state under.

    ``key`` changes whenever anything that could change an outcome changes (it is a digest
    of the compiled rules), so an engine may cache per ``key`` for the process lifetime.
    ``scopes`` lists the list names element facts come from, in a fixed order.
    """

    key: str
    rules: tuple[CompiledRule, ...]
    scopes: tuple[str, ...]


@attrs.frozen
class EncodedFacts:
    """The facts of one document, encoded for engines.

    ``root`` is the root fact; ``items[scope]`` the element facts of each scope, in list
    order. Missing values are simply absent keys (never ``None``).
    """

    root: dict[str, Scalar]
    items: dict[str, tuple[dict[str, Scalar], ...]]


class RuleOutcome(NamedTuple):
    """The outcome of one rule on one fact (``item`` is the element index, or None).

    A named tuple rather than an attrs class: engines make tens of them per check, and a
    tuple is made in a fifth of the time (measured in ``benchmarks/``).
    """

    rule: int
    item: int | None
    outcome: str
