"""Compiled conditions → durable conditions, in two-valued logic.

durable only knows true and false, and any comparison on an absent field is false. Each
condition ``c`` is therefore translated twice, into ``T(c)`` ("c is true") and ``F(c)``
("c is false"), both two-valued: ``T(a and b) = T(a) and T(b)``, ``F(a and b) = F(a) or
F(b)``, ``T(not a) = F(a)``, ... and, for an atom, "every key it reads is present and the
comparison holds" (``T``) or "... does not hold" (``F``).

Field names: durable flattens nested objects and finds properties by a 32-bit FNV-1a hash of
their name, so fact keys such as ``applicant.municipality.population`` are renamed to short
identifiers whose hashes are distinct from one another and from durable's own names
(:class:`Fields`). :class:`IsTrue` reads a 0/1 companion field ("flag"), the only way to tell
``True`` from the integer 1.

Linear atoms with one term become a plain ``field OP bound`` (exact integer bounds, no
rounding); with several, ``z OP' expr`` against a constant field ``z = 0``, where ``expr`` is
built from ``$add``/``$sub``/``$mul`` (integers only, never ``$div``); its sum starts with a
product, which is an integer even on booleans (durable's ``bool + bool`` is a logical and).
Every field an expression reads is guarded by ``$ex`` first, because durable reads an absent
field as garbage.
"""

from __future__ import annotations

from typing import Any

from ...errors import EngineError
from ...ir import (
    And,
    CompareConst,
    CompareKeys,
    ComparisonOp,
    Condition,
    Const,
    IsTrue,
    Linear,
    Member,
    Not,
    Or,
)
from .formulas import FALSE, TRUE, DurableCondition, Formula, Lit, and_, lit, or_
from .limits import FIXED_FIELDS, INT64_MAX, INT64_MIN, RESERVED_HASHES, ZERO, fnv1a32
from .values import encode_constant

NEGATE: dict[ComparisonOp, ComparisonOp] = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
MIRROR: dict[ComparisonOp, ComparisonOp] = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
DURABLE_OP: dict[ComparisonOp, str] = {"==": "$eq", "!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}


def compare(field: str, op: ComparisonOp, value: Any) -> Lit:
    """``field OP value``; ``value`` is a constant or a field reference (``{"$m": name}``)."""
    if op == "==":
        return lit({field: value})
    return lit({DURABLE_OP[op]: {field: value}})


def present(field: str) -> Lit:
    return lit({"$ex": {field: 1}})


class Fields:
    """Fact keys -> durable field names with distinct, non-reserved hashes (one per ruleset)."""

    def __init__(self) -> None:
        self._hashes = set(RESERVED_HASHES) | {fnv1a32(name) for name in FIXED_FIELDS}
        self.values: dict[str, str] = {}
        self.flags: dict[str, str] = {}
        self._counter = 0

    def _new(self, prefix: str) -> str:
        while True:
            name = f"{prefix}{self._counter}"
            self._counter += 1
            digest = fnv1a32(name)
            if digest not in self._hashes:
                self._hashes.add(digest)
                return name

    def value(self, key: str) -> str:
        name = self.values.get(key)
        if name is None:
            name = self.values[key] = self._new("a")
        return name

    def flag(self, key: str) -> str:
        name = self.flags.get(key)
        if name is None:
            name = self.flags[key] = self._new("b")
        return name


class Scope:
    """What the facts of one tag must carry: the keys and IsTrue flags its rules read."""

    def __init__(self, tag: int, fields: Fields) -> None:
        self.tag = tag
        self._fields = fields
        self.values: dict[str, str] = {}
        self.flags: dict[str, str] = {}
        #: Whether its facts carry the constant field ``z`` (linear atoms of several terms).
        self.zero = False
        #: Whether its facts carry the group field ``g`` (see :mod:`.build`).
        self.group = False

    def value(self, key: str) -> str:
        name = self.values[key] = self._fields.value(key)
        return name

    def flag(self, key: str) -> str:
        name = self.flags[key] = self._fields.flag(key)
        return name


def _python_compare(op: ComparisonOp, left: int, right: int) -> bool:
    return {
        "==": left == right,
        "!=": left != right,
        "<": left < right,
        "<=": left <= right,
        ">": left > right,
        ">=": left >= right,
    }[op]


def linear(atom: Linear, scope: Scope) -> tuple[Formula, Formula]:
    """T and F of ``sum(coef * key) + constant OP 0``, in exact integer arithmetic."""
    op, constant, terms = atom.op, atom.constant, atom.terms
    if not terms:
        truth = _python_compare(op, constant, 0)
        return (TRUE, FALSE) if truth else (FALSE, TRUE)
    if len(terms) == 1:
        coef, key = terms[0]
        field = scope.value(key)
        if coef < 0:  # a*k + c OP 0  <=>  (-a)*k - c  MIRROR(OP)  0
            coef, constant, op = -coef, -constant, MIRROR[op]
        # coef > 0: k OP -constant/coef, rounded exactly for integer k.
        floor = (-constant) // coef
        exact = floor * coef == -constant
        ceil = floor if exact else floor + 1
        if op in ("==", "!="):
            if not exact or not INT64_MIN <= floor <= INT64_MAX:  # no (int64) solution
                return (FALSE, present(field)) if op == "==" else (present(field), FALSE)
            return compare(field, op, floor), compare(field, NEGATE[op], floor)
        bound = {">=": ceil, ">": floor, "<=": floor, "<": ceil}[op]
        if not INT64_MIN <= bound <= INT64_MAX:  # decided for every int64 value
            holds = _python_compare(op, 0, bound)
            return (present(field), FALSE) if holds else (FALSE, present(field))
        return compare(field, op, bound), compare(field, NEGATE[op], bound)
    numbers = (constant, *(coef for coef, _ in terms))
    if not all(INT64_MIN <= number <= INT64_MAX for number in numbers):
        raise EngineError(f"durable engine: {atom!r} has a number beyond 64 bits")
    fields = [scope.value(key) for _, key in terms]
    scope.zero = True
    expression: DurableCondition | None = None
    for (coef, _), field in zip(terms, fields):
        reference = {"$m": field}
        if expression is None:  # a product, so that the sum is an integer even on booleans
            expression = {"$mul": {"$l": coef, "$r": reference}}
        elif coef in (1, -1):
            expression = {"$add" if coef == 1 else "$sub": {"$l": expression, "$r": reference}}
        else:
            term = {"$mul": {"$l": abs(coef), "$r": reference}}
            expression = {"$add" if coef > 0 else "$sub": {"$l": expression, "$r": term}}
    if constant:
        expression = {"$add": {"$l": expression, "$r": constant}}
    guards = [present(field) for field in dict.fromkeys(fields)]
    # expr OP 0  <=>  0 MIRROR(OP) expr  <=>  z MIRROR(OP) expr, with z = 0 in every fact.
    true = lit({DURABLE_OP[MIRROR[op]]: {ZERO: expression}})
    false = lit({DURABLE_OP[MIRROR[NEGATE[op]]]: {ZERO: expression}})
    return and_(*guards, true), and_(*guards, false)


def truth(node: Condition, scope: Scope) -> tuple[Formula, Formula]:
    """(T(node), F(node)): when ``node`` is true, when it is false (see the module docstring)."""
    if type(node) is And:
        pairs = [truth(operand, scope) for operand in node.operands]
        return and_(*(t for t, _ in pairs)), or_(*(f for _, f in pairs))
    if type(node) is Or:
        pairs = [truth(operand, scope) for operand in node.operands]
        return or_(*(t for t, _ in pairs)), and_(*(f for _, f in pairs))
    if type(node) is Not:
        true, false = truth(node.operand, scope)
        return false, true
    if type(node) is Const:
        return (TRUE, FALSE) if node.value else (FALSE, TRUE)
    if type(node) is Linear:
        return linear(node, scope)
    if type(node) is CompareConst:
        if node.op not in ("==", "!="):
            raise EngineError(f"durable engine: unsupported comparison {node.op!r} in {node!r}")
        field, value = scope.value(node.key), encode_constant(node.value)
        return compare(field, node.op, value), compare(field, NEGATE[node.op], value)
    if type(node) is CompareKeys:
        if node.op not in ("==", "!="):
            raise EngineError(f"durable engine: unsupported comparison {node.op!r} in {node!r}")
        left, right = scope.value(node.left), scope.value(node.right)
        if left == right:  # x == x whenever x is present
            both = present(left)
            return (both, FALSE) if node.op == "==" else (FALSE, both)
        guard = present(right)  # the left field is tested by the node itself
        same = compare(left, node.op, {"$m": right})
        other = compare(left, NEGATE[node.op], {"$m": right})
        return and_(guard, same), and_(guard, other)
    if type(node) is Member:
        field = scope.value(node.key)
        values = list(dict.fromkeys(encode_constant(value) for value in node.values))
        inside = or_(*(lit({field: value}) for value in values))
        outside = and_(*(lit({"$neq": {field: value}}) for value in values))
        if not values:
            outside = present(field)
        return (outside, inside) if node.negated else (inside, outside)
    if type(node) is IsTrue:
        flag = scope.flag(node.key)
        return lit({flag: 1}), lit({flag: 0})
    raise EngineError(f"durable engine: not a compiled condition: {node!r}")
