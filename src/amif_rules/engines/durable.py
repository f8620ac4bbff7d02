"""The durable_rules engine: the compiled form matched by durable_rules' Rete network (in C).

Every quirk of durable_rules 2.0.28 lives in this module and nowhere else (see
``durable-rules-notes.md`` in the design notes). How the compiled form maps onto it:

* **Three-valued logic.** durable only knows true and false, and any comparison on an absent
  field is false. Each condition ``c`` is therefore compiled twice, into ``T(c)`` ("c is
  true") and ``F(c)`` ("c is false"), both two-valued: ``T(a and b) = T(a) and T(b)``,
  ``F(a and b) = F(a) or F(b)``, ``T(not a) = F(a)``, ... and, for an atom, "every key it
  reads is present and the comparison holds" (``T``) or "... does not hold" (``F``). Per rule,
  durable gets ``pass = T(when) and T(check)``, ``fail = T(when) and F(check)`` and
  ``not_applicable = F(when)``; ``unknown`` is what is left when none of them fired. Those
  three are mutually exclusive, which :meth:`DurableEngine.evaluate` checks.
* **One fact per entity**: the root, and one per element of each scope, told apart by an
  integer tag ``t`` that every pattern tests first (a pattern without a positive test would
  also match durable's own per-session state fact, and fire forever). Element facts carry
  copies of the root keys their rules read (see :mod:`amif_rules.ir`), so every pattern reads
  one fact: no joins (joins crash upstream).
* **Field names.** durable flattens nested objects and finds properties by a 32-bit FNV-1a
  hash of their name, so keys such as ``applicant.municipality.population`` are renamed to
  short identifiers whose hashes are distinct from one another and from durable's own names.
* **Values.** Strings get an ``"s"`` prefix, so that no string can ever equal a number: durable
  compares a string with a number as text (``"18" == 18``). A string whose escaped text is too
  long for durable's 16-bit string lengths becomes a SHA-256 digest (strings are only ever
  compared for equality, which the digest keeps). Booleans stay booleans, which durable
  compares with numbers as 0/1, like Python (``True == 1``); its ``bool + bool`` is a logical
  *and*, so sums start with a product, which is an integer. :class:`~amif_rules.ir.IsTrue`
  reads a 0/1 companion field, the only way to tell ``True`` from the integer 1. ``None`` is
  dropped (it means "missing"); other types and integers beyond int64 are refused.
* **Linear atoms** with one term become a plain ``field OP bound`` (exact integer bounds, no
  rounding); with several, ``z OP' expr`` against a constant field ``z = 0``, where ``expr``
  is built from ``$add``/``$sub``/``$mul`` (integers only, never ``$div``). Every field an
  expression reads is guarded by ``$ex`` first, because durable reads an absent field as
  garbage.
* **Or.** An ``$or`` inside a pattern fires its rule once per matching branch; the duplicates
  are harmless (results are per rule and fact). A pattern holds at most 15 ``$and``/``$or``:
  deeper conditions, and ``or``s too wide for one node, are split into several durable rules
  that report the same outcome.
* **Limits.** Before durable sees a ruleset, the alpha network it will build is simulated here
  and checked against durable's hard limits (alpha nodes pushed at once, children and rules
  per node, expressions per pattern, rules per ruleset, properties per fact); rules are spread
  under "group" tautologies when the network is too wide, and :class:`EngineError` says what is
  wrong when nothing fits.
* **Sessions.** durable_rules' Python layer (``durable.lang``/``durable.engine.Host``) is not
  used: its hosts start timer threads that crash under threads, it swallows exceptions raised
  in actions (#305), and on a fact that matches no rule it raises
  ``MessageNotHandledException`` and loses the session. This module calls the C extension
  directly: no Python action ever runs. One evaluation asserts all facts into one session,
  drains the fired rules with ``start_action_for_state``/``complete_and_start_action`` (each
  durable rule has a ``cap``, so one call returns all the facts it matched) and always deletes
  the session. A process-wide lock serialises those C calls (they hold the GIL anyway), so at
  most one session per ruleset is ever alive: the 1,024-session cap and the 32-bit session-id
  hash collisions cannot happen. A sentinel rule that fires on every root fact proves each
  evaluation really ran, and every ruleset runs once when it is compiled, so that durable's
  recycled session node always has an initialised action context (deleting a session whose
  node never ran an action can abort the process).
* **Compile once.** Rulesets cannot be deleted or replaced in durable, so each
  :class:`~amif_rules.ir.CompiledRuleset` is compiled once per process, cached by ``key``.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from typing import Any, Iterable, Optional, Sequence

from ..errors import EngineError, EngineUnavailable
from ..ir import (
    And,
    CompareConst,
    CompareKeys,
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

try:  # On Python 3.13 the extension fails with "undefined symbol: PyEval_CallObject".
    import durable_rules_engine as _dre
except Exception as _error:  # pragma: no cover - depends on the interpreter
    raise EngineUnavailable(
        f"durable_rules cannot be imported on this interpreter ({_error}); "
        "use the built-in engine instead (engine='python' or 'auto')"
    ) from _error

__all__ = ["DurableEngine"]

# --------------------------------------------------------------------------------------
# durable's hard limits (durable_rules 2.0.28, src/rules/*.h), each with a little margin.

#: Alpha nodes pushed on durable's per-fact stack at once (MAX_STACK_SIZE 64, error 303).
MAX_ALPHA_STACK = 62
#: Conditions under one alpha node (a 512-slot table; full, ``create_ruleset`` never returns).
MAX_CHILDREN = 480
#: ``$nex``/``$or`` links under one alpha node (NEXT_LIST_LENGTH 128, error 107).
MAX_NEXT_LINKS = 120
#: Rules ending on one identical condition (BETA_LIST_LENGTH 256, error 108).
MAX_RULES_PER_NODE = 250
#: ``$and``/``$or`` per pattern: each costs two of MAX_SEQUENCE_EXPRESSIONS 32 (error 113).
MAX_CONNECTIVES = 15
#: Rules per durable ruleset (MAX_ACTIONS 4096).
MAX_RULES = 4000
#: Properties per fact (MAX_OBJECT_PROPERTIES 255, error 302).
MAX_FIELDS = 250
#: Strings whose escaped JSON text is longer than this are replaced by a digest (durable
#: compares at most 65,535 bytes of a string).
MAX_STRING_BYTES = 40000
#: Fan-out of the group levels that keep a wide ruleset within MAX_ALPHA_STACK.
GROUP_FANOUT = 8
#: "cap" of every durable rule: how many matched facts one action call returns (ushort).
ACTION_CAP = 65535

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _fnv1a32(text: str) -> int:
    """durable's property/session/message hash (FNV-1a over C ``char``, which is signed)."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        if byte >= 128:
            byte -= 256
        value = ((value ^ (byte & 0xFFFFFFFF)) * 16777619) & 0xFFFFFFFF
    return value


# Names durable gives a meaning to; no field of ours may hash like them.
_RESERVED_NAMES = (
    "id", "sid", "$s", "$i", "$forward", "m", "all", "any", "pri", "count", "cap", "dist",
    "$lt", "$lte", "$gt", "$gte", "$eq", "$neq", "$mt", "$imt", "$iall", "$iany", "$ex",
    "$nex", "$or", "$and", "$m", "name", "$add", "$sub", "$mul", "$div", "$l", "$r",
)
_TAG, _ZERO, _GROUP = "t", "z", "g"
_FIXED_FIELDS = (_TAG, _ZERO, _GROUP)
_RESERVED_HASHES = frozenset(_fnv1a32(name) for name in _RESERVED_NAMES)
if len({_fnv1a32(name) for name in _FIXED_FIELDS} | _RESERVED_HASHES) != len(_RESERVED_HASHES) + 3:
    raise EngineError("durable engine: its field names collide with durable's")  # pragma: no cover

# Every string durable sees carries an "s" prefix (see _encode_value), ids included.
#: The one session id (only one session is ever alive per ruleset, see the module docstring).
_SID = "s0"
_ROOT_ID = "sr"
#: The sentinel durable rule, fired by every root fact.
_SENTINEL = "s"

_ID_RE = re.compile(r'"id":"s([0-9]+)"')
_LOCK = threading.RLock()  # serialises every call into durable_rules_engine
_BUILD_LOCK = threading.Lock()  # guards the growth of the shared RuleOutcome lists

# Element fact ids ("s" + a decimal number) whose hashes are distinct from one another and
# from the root fact's and durable's own state fact's ("sid-<sid>"): durable keys a session's
# facts by the hash of their id, so two ids with one hash would be one fact.
_ID_HASHES = {_fnv1a32(_ROOT_ID), _fnv1a32("sid-" + _SID)}
_ELEMENT_IDS: list[str] = []  # the decimal numbers, without the "s"
_ELEMENT_INDEX: dict[str, int] = {}
_NEXT_ID_CANDIDATE = [0]


def _element_ids(count: int) -> list[str]:
    """At least ``count`` element fact ids (grown on demand, never shrunk)."""
    if len(_ELEMENT_IDS) < count:
        with _LOCK:
            while len(_ELEMENT_IDS) < count:
                candidate = str(_NEXT_ID_CANDIDATE[0])
                _NEXT_ID_CANDIDATE[0] += 1
                digest = _fnv1a32("s" + candidate)
                if digest in _ID_HASHES:
                    continue
                _ID_HASHES.add(digest)
                _ELEMENT_INDEX[candidate] = len(_ELEMENT_IDS)
                _ELEMENT_IDS.append(candidate)
    return _ELEMENT_IDS


# --------------------------------------------------------------------------------------
# Values
#
# Booleans stay JSON booleans: durable compares them with numbers as 0/1, as Python does
# (True == 1), and multiplies them as integers; only ``bool + bool`` (a logical and) and
# ``bool - bool`` are wrong, which _linear never builds. Strings get an "s" prefix, so that no
# string ever equals a number compared as text ("18" == 18 is true in durable). A string whose
# escaped JSON text is too long for durable's 16-bit lengths becomes "h" + its SHA-256 digest:
# strings are only compared for equality, which the digest preserves.

_ESCAPE = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]
#: Strings shorter than this can never need a digest (an escaped character takes <= 12 bytes).
_SHORT_STRING = MAX_STRING_BYTES // 12


def _encode_string(value: str) -> str:
    token = "s" + value
    if len(token) > _SHORT_STRING and len(_ESCAPE(token)) - 2 > MAX_STRING_BYTES:
        return "h" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    return token


def _encode_value(value: Any) -> Any:
    """A fact or constant value exactly as durable must see it (see above)."""
    kind = type(value)
    if kind is str:
        return _encode_string(value)
    if kind is bool:
        return value
    if kind is int:
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise ValueError(f"integer {value} does not fit durable_rules' 64-bit integers")
        return value
    raise TypeError(f"fact values must be int, str or bool, not {kind.__name__}: {value!r}")


def _encode_constant(value: Any) -> Any:
    """A constant of a condition: booleans as 0/1, which equal both True and 1 in durable."""
    encoded = _encode_value(value)
    return int(encoded) if type(encoded) is bool else encoded


# --------------------------------------------------------------------------------------
# Two-valued formulas over durable conditions.
# A formula is TRUE, FALSE, ("lit", key, condition), ("and", key, items) or ("or", key, items);
# ``key`` is a canonical text used to deduplicate.

TRUE = ("T", "T")
FALSE = ("F", "F")


def _lit(condition: dict) -> tuple:
    return ("lit", json.dumps(condition, sort_keys=True), condition)


def _connect(kind: str, operands: Iterable[tuple]) -> tuple:
    """``and``/``or`` of formulas, flattened, with constants folded and repeats dropped."""
    unit, zero = (TRUE, FALSE) if kind == "and" else (FALSE, TRUE)
    items: dict[str, tuple] = {}
    for operand in operands:
        if operand is zero:
            return zero
        if operand is unit:
            continue
        for item in operand[2] if operand[0] == kind else (operand,):
            items.setdefault(item[1], item)
    if not items:
        return unit
    if len(items) == 1:
        return next(iter(items.values()))
    values = tuple(items.values())
    return (kind, kind + "(" + ",".join(item[1] for item in values) + ")", values)


def _and(*operands: tuple) -> tuple:
    return _connect("and", operands)


def _or(*operands: tuple) -> tuple:
    return _connect("or", operands)


def _connectives(formula: tuple) -> int:
    if formula[0] in ("and", "or"):
        return 1 + sum(_connectives(item) for item in formula[2])
    return 0


def _emit(formula: tuple) -> dict:
    if formula[0] == "lit":
        return formula[2]
    return {"$" + formula[0]: [_emit(item) for item in formula[2]]}


def _top_items(formula: tuple) -> tuple:
    if formula is TRUE:
        return ()
    return formula[2] if formula[0] == "and" else (formula,)


def _split(formula: tuple, budget: int, branches: int, limit: int) -> list[tuple]:
    """``formula`` as a disjunction of formulas that each fit one durable pattern.

    Each part becomes its own durable rule, reporting the same outcome. A part has at most
    ``budget`` connectives, and its top-level ``or`` at most ``branches`` operands (a wide
    ``or`` under one condition is a wide node of durable's network); an ``or`` that does not
    fit is distributed (``a and (b or c)`` -> ``a and b``, ``a and c``).
    """
    items = _top_items(formula)
    ors = [item for item in items if item[0] == "or"]
    deep = sum(_connectives(item) for item in items) > budget
    if not deep and all(len(item[2]) <= branches for item in ors):
        return [formula]
    if formula[0] == "or":
        parts = list(formula[2])
    else:
        widest = max(ors, key=lambda item: (_connectives(item), len(item[2])))
        parts = [
            _and(*(operand if item is widest else item for item in items)) for operand in widest[2]
        ]
    result: list[tuple] = []
    for part in parts:
        result.extend(_split(part, budget, branches, limit))
        if len(result) > limit:
            raise EngineError(
                f"a rule's condition expands to more than {limit} durable_rules patterns; "
                "simplify it or use the built-in engine (engine='python')"
            )
    return result


_NEGATE = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_MIRROR = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_DURABLE_OP = {"==": "$eq", "!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}


def _compare(field: str, op: str, value: Any) -> tuple:
    if op == "==":
        return _lit({field: value})
    return _lit({_DURABLE_OP[op]: {field: value}})


def _present(field: str) -> tuple:
    return _lit({"$ex": {field: 1}})


class _Fields:
    """Fact keys -> durable field names with distinct, non-reserved hashes (one per ruleset)."""

    def __init__(self) -> None:
        self._hashes = set(_RESERVED_HASHES) | {_fnv1a32(name) for name in _FIXED_FIELDS}
        self.values: dict[str, str] = {}
        self.flags: dict[str, str] = {}
        self._counter = 0

    def _new(self, prefix: str) -> str:
        while True:
            name = f"{prefix}{self._counter}"
            self._counter += 1
            digest = _fnv1a32(name)
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


class _Scope:
    """What the facts of one tag must carry: the keys and IsTrue flags its rules read."""

    def __init__(self, tag: int, fields: _Fields) -> None:
        self.tag = tag
        self._fields = fields
        self.values: dict[str, str] = {}
        self.flags: dict[str, str] = {}
        self.zero = False
        self.group = False

    def value(self, key: str) -> str:
        name = self.values[key] = self._fields.value(key)
        return name

    def flag(self, key: str) -> str:
        name = self.flags[key] = self._fields.flag(key)
        return name


def _linear(atom: Linear, scope: _Scope) -> tuple[tuple, tuple]:
    """T and F of ``sum(coef * key) + constant OP 0``, in exact integer arithmetic."""
    op, constant, terms = atom.op, atom.constant, atom.terms
    if not terms:
        truth = _python_compare(op, constant, 0)
        return (TRUE, FALSE) if truth else (FALSE, TRUE)
    if len(terms) == 1:
        coef, key = terms[0]
        field = scope.value(key)
        if coef < 0:  # a*k + c OP 0  <=>  (-a)*k - c  MIRROR(OP)  0
            coef, constant, op = -coef, -constant, _MIRROR[op]
        # coef > 0: k OP -constant/coef, rounded exactly for integer k.
        floor = (-constant) // coef
        exact = floor * coef == -constant
        ceil = floor if exact else floor + 1
        if op in ("==", "!="):
            if not exact or not _INT64_MIN <= floor <= _INT64_MAX:  # no (int64) solution
                return (FALSE, _present(field)) if op == "==" else (_present(field), FALSE)
            return _compare(field, op, floor), _compare(field, _NEGATE[op], floor)
        bound = {">=": ceil, ">": floor, "<=": floor, "<": ceil}[op]
        if not _INT64_MIN <= bound <= _INT64_MAX:  # decided for every int64 value
            holds = _python_compare(op, 0, bound)
            return (_present(field), FALSE) if holds else (FALSE, _present(field))
        return _compare(field, op, bound), _compare(field, _NEGATE[op], bound)
    numbers = (constant, *(coef for coef, _ in terms))
    if not all(_INT64_MIN <= number <= _INT64_MAX for number in numbers):
        raise EngineError(f"durable engine: {atom!r} has a number beyond 64 bits")
    fields = [scope.value(key) for _, key in terms]
    scope.zero = True
    expression: Any = None
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
    guards = [_present(field) for field in dict.fromkeys(fields)]
    # expr OP 0  <=>  0 MIRROR(OP) expr  <=>  z MIRROR(OP) expr, with z = 0 in every fact.
    true = _lit({_DURABLE_OP[_MIRROR[op]]: {_ZERO: expression}})
    false = _lit({_DURABLE_OP[_MIRROR[_NEGATE[op]]]: {_ZERO: expression}})
    return _and(*guards, true), _and(*guards, false)


def _python_compare(op: str, left: Any, right: Any) -> bool:
    return {
        "==": left == right, "!=": left != right, "<": left < right,
        "<=": left <= right, ">": left > right, ">=": left >= right,
    }[op]


def _truth(node: Condition, scope: _Scope) -> tuple[tuple, tuple]:
    """(T(node), F(node)): when ``node`` is true, when it is false (see module docstring)."""
    kind = type(node)
    if kind is And:
        pairs = [_truth(operand, scope) for operand in node.operands]
        return _and(*(t for t, _ in pairs)), _or(*(f for _, f in pairs))
    if kind is Or:
        pairs = [_truth(operand, scope) for operand in node.operands]
        return _or(*(t for t, _ in pairs)), _and(*(f for _, f in pairs))
    if kind is Not:
        true, false = _truth(node.operand, scope)
        return false, true
    if kind is Const:
        return (TRUE, FALSE) if node.value else (FALSE, TRUE)
    if kind is Linear:
        return _linear(node, scope)
    if kind is CompareConst:
        if node.op not in ("==", "!="):
            raise EngineError(f"durable engine: unsupported comparison {node.op!r} in {node!r}")
        field, value = scope.value(node.key), _encode_constant(node.value)
        return _compare(field, node.op, value), _compare(field, _NEGATE[node.op], value)
    if kind is CompareKeys:
        if node.op not in ("==", "!="):
            raise EngineError(f"durable engine: unsupported comparison {node.op!r} in {node!r}")
        left, right = scope.value(node.left), scope.value(node.right)
        if left == right:  # x == x whenever x is present
            present = _present(left)
            return (present, FALSE) if node.op == "==" else (FALSE, present)
        guard = _present(right)  # the left field is tested by the node itself
        same = _compare(left, node.op, {"$m": right})
        other = _compare(left, _NEGATE[node.op], {"$m": right})
        return _and(guard, same), _and(guard, other)
    if kind is Member:
        field = scope.value(node.key)
        values = list(dict.fromkeys(_encode_constant(value) for value in node.values))
        inside = _or(*(_lit({field: value}) for value in values))
        outside = _and(*(_lit({"$neq": {field: value}}) for value in values))
        if not values:
            outside = _present(field)
        return (outside, inside) if node.negated else (inside, outside)
    if kind is IsTrue:
        flag = scope.flag(node.key)
        return _lit({flag: 1}), _lit({flag: 0})
    raise EngineError(f"durable engine: not a compiled condition: {node!r}")


# --------------------------------------------------------------------------------------
# A model of the alpha network durable builds (rete.c: createAlpha, findAlpha, linkAlpha),
# to check its limits before durable sees the ruleset.


class _Node:
    __slots__ = ("prop", "op", "value", "children", "links", "rules")

    def __init__(self, prop: str, op: str, value: Any) -> None:
        self.prop, self.op, self.value = prop, op, value
        self.children: list[_Node] = []  # conditions tested on present properties
        self.links: list[_Node] = []  # $nex and $or "forward" nodes
        self.rules = 0


_CONDITION_OPS = {"$eq", "$neq", "$lt", "$lte", "$gt", "$gte", "$ex", "$nex"}


class _Network:
    def __init__(self) -> None:
        self.root = _Node("", "", None)
        self.nodes = [self.root]

    def add_rule(self, pattern: dict) -> None:
        self._create(pattern, self.root).rules += 1

    def _create(self, condition: dict, parent: _Node) -> _Node:
        (name, body), = condition.items()
        if name == "$and":
            for item in body:
                parent = self._create(item, parent)
            return parent
        if name == "$or":
            forward = self._new("$forward", "$nex", None)
            for item in body:
                self._create(item, parent).links.append(forward)
            return forward
        if name in _CONDITION_OPS:
            (prop, value), = body.items()
            op = name
        else:
            prop, value, op = name, body, "$eq"
        # durable shares a condition with an identical sibling, except when its value is an
        # expression or a field reference (compareValue never matches those).
        shared = None if isinstance(value, dict) else (type(value).__name__, json.dumps(value))
        siblings = parent.links if op == "$nex" else parent.children
        if shared is not None:
            for node in siblings:
                if node.prop == prop and node.op == op and node.value == shared:
                    return node
        node = self._new(prop, op, shared if shared is not None else object())
        siblings.append(node)
        return node

    def _new(self, prop: str, op: str, value: Any) -> _Node:
        node = _Node(prop, op, value)
        self.nodes.append(node)
        return node

    def problems(self) -> list[str]:
        """What durable would fail on (empty when the network fits)."""
        found = []
        for node in self.nodes:
            if len(node.children) > MAX_CHILDREN:
                found.append(f"{len(node.children)} conditions under one (at most {MAX_CHILDREN})")
            if len(node.links) > MAX_NEXT_LINKS:
                found.append(f"{len(node.links)} 'or' links from one condition (at most {MAX_NEXT_LINKS})")
            if node.rules > MAX_RULES_PER_NODE:
                found.append(f"{node.rules} rules ending on one condition (at most {MAX_RULES_PER_NODE})")
        stack = self.stack_bound()
        if stack > MAX_ALPHA_STACK:
            found.append(f"up to {stack} conditions matched at once by a fact (at most {MAX_ALPHA_STACK})")
        return found

    def stack_bound(self) -> int:
        """An upper bound of durable's alpha stack (handleAlpha) over every possible fact.

        A node, once popped, pushes every child that matches; the stack then holds what was
        pending plus those. ``$eq`` children on one property exclude one another (a property
        has one value), so they count once; everything else is assumed to match.
        """
        pushes: dict[int, int] = {}
        for node in self.nodes:
            constant = [c for c in node.children if c.op == "$eq" and type(c.value) is tuple]
            equal = {(child.prop, child.value[0]) for child in constant}
            others = len(node.children) - len(constant)
            pushes[id(node)] = len(equal) + others + len(node.links)
        # Longest path in a DAG (forward nodes have several parents): topological order.
        parents: dict[int, int] = {id(node): 0 for node in self.nodes}
        for node in self.nodes:
            for child in node.children + node.links:
                parents[id(child)] += 1
        pending = {id(self.root): 0}
        ready = [self.root]
        bound = 0
        while ready:
            node = ready.pop()
            here = pending[id(node)] + pushes[id(node)]
            bound = max(bound, here)
            for child in node.children + node.links:
                pending[id(child)] = max(pending.get(id(child), 0), here - 1)
                parents[id(child)] -= 1
                if not parents[id(child)]:
                    ready.append(child)
        return bound


# --------------------------------------------------------------------------------------
# Compiling a CompiledRuleset into a durable ruleset


_plan_counter = [0]


class _Plan:
    """One CompiledRuleset, compiled into a durable ruleset (built once per process)."""

    def __init__(self, compiled: CompiledRuleset) -> None:
        self.key = compiled.key
        self.rule_count = len(compiled.rules)
        scopes: list[Optional[str]] = [None, *compiled.scopes]
        for rule in compiled.rules:
            if rule.scope not in scopes:
                scopes.append(rule.scope)
        self.rule_scopes = tuple(rule.scope for rule in compiled.rules)
        self.scope_names = tuple(scope for scope in scopes if scope is not None)
        self.rule_indexes = tuple(rule.index for rule in compiled.rules)
        fields = _Fields()
        self.scopes = {scope: _Scope(tag, fields) for tag, scope in enumerate(scopes)}
        last_error = ""
        for levels in range(0, 5):
            try:
                ruleset, labels, network, tags_used = self._build(compiled, levels)
            except EngineError as error:  # a pattern that can never fit: grouping won't help
                message = f"ruleset {compiled.key!r} does not fit durable_rules: {error}"
                raise EngineError(message) from None
            problems = network.problems()
            if not problems:
                break
            last_error = "; ".join(sorted(set(problems)))
        else:
            raise EngineError(
                f"ruleset {compiled.key!r} does not fit durable_rules' limits: {last_error}; "
                "use the built-in engine (engine='python')"
            )
        # durable rule name -> (tag, ((rule position, outcome, its RuleOutcomes by item), ...))
        self.labels = {
            name: (tag, tuple((position, outcome, []) for position, outcome in fired))
            for name, (tag, fired) in labels.items()
        }
        self.levels = levels
        self.durable_rules = len(ruleset)
        self.alpha_nodes = len(network.nodes)
        for scope in self.scopes.values():
            count = 3 + len(scope.values) + len(scope.flags) + scope.zero + scope.group
            if count > MAX_FIELDS:
                raise EngineError(
                    f"ruleset {compiled.key!r}: facts of scope {scope.tag} need {count} fields "
                    f"(durable: {MAX_FIELDS}); use the built-in engine (engine='python')"
                )
        # Which facts to assert: only those of scopes that some durable rule matches. Per scope:
        # its tag, the JSON text its facts start with (up to the id), then its ('"field":', key)
        # and ('"flag":', key) pairs.
        self.active = tuple(
            (
                scope,
                info.tag,
                '{"sid":"%s","t":%d%s%s,"id":"'
                % (
                    _SID,
                    info.tag,
                    ',"%s":0' % _ZERO if info.zero else "",
                    ',"%s":0' % _GROUP if info.group else "",
                ),
                tuple((',"%s":' % field, key) for key, field in info.values.items()),
                tuple((',"%s":' % field, key) for key, field in info.flags.items()),
            )
            for scope, info in self.scopes.items()
            if info.tag in tags_used
        )
        _plan_counter[0] += 1
        self.name = f"amif_rules_{_plan_counter[0]}"
        text = json.dumps(ruleset, separators=(",", ":"))
        with _LOCK:
            try:
                self.handle = _dre.create_ruleset(self.name, text)
            except Exception as error:
                raise EngineError(f"durable_rules refused ruleset {compiled.key!r}: {error}") from error
            self._warm_up()
        # The unknown results per combination of scope sizes (see _order).
        self._orders: dict[tuple, tuple] = {}

    def _build(self, compiled: CompiledRuleset, levels: int):
        """The durable ruleset, its labels and its simulated network, with ``levels`` of groups."""
        ruleset: dict[str, dict] = {_SENTINEL: {"all": [{"m": {_TAG: 0}}], "cap": ACTION_CAP}}
        labels: dict[str, tuple] = {_SENTINEL: (0, ())}
        by_pattern: dict[str, str] = {}
        network = _Network()
        network.add_rule({_TAG: 0})
        tags_used = {0}
        patterns_in_scope: dict[int, int] = {}
        for scope in self.scopes.values():
            scope.group = False
        for position, rule in enumerate(compiled.rules):
            scope = self.scopes[rule.scope]
            when_true, when_false = _truth(rule.when, scope)
            check_true, check_false = _truth(rule.check, scope)
            outcomes = (
                ("pass", _and(when_true, check_true)),
                ("fail", _and(when_true, check_false)),
                ("not_applicable", when_false),
            )
            for outcome, formula in outcomes:
                if formula is FALSE:
                    continue
                # Without groups a wide "or" stays in one pattern; with groups, it is spread.
                branches = GROUP_FANOUT if levels else MAX_CHILDREN
                for part in _split(formula, MAX_CONNECTIVES - 1, branches, MAX_RULES):
                    prefix = [_lit({_TAG: scope.tag})]
                    if levels:  # tautologies (g is 0) that spread patterns under a tree of groups
                        scope.group = True
                        rank = patterns_in_scope.get(scope.tag, 0)
                        patterns_in_scope[scope.tag] = rank + 1
                        leaf = rank // GROUP_FANOUT
                        for level in range(levels):
                            digit = (leaf // GROUP_FANOUT ** (levels - 1 - level)) % GROUP_FANOUT
                            prefix.append(_lit({"$neq": {_GROUP: 1 + level * GROUP_FANOUT + digit}}))
                    items = [*prefix, *_top_items(part)]
                    pattern = {"$and": [_emit(item) for item in items]} if len(items) > 1 else items[0][2]
                    text = json.dumps(pattern, sort_keys=True)
                    name = by_pattern.get(text)
                    if name is None:
                        name = by_pattern[text] = f"r{len(by_pattern)}"
                        ruleset[name] = {"all": [{"m": pattern}], "cap": ACTION_CAP}
                        labels[name] = (scope.tag, ())
                        network.add_rule(pattern)
                        tags_used.add(scope.tag)
                        if len(ruleset) > MAX_RULES:
                            raise EngineError(f"more than {MAX_RULES} durable_rules rules")
                    tag, fired = labels[name]
                    if (position, outcome) not in fired:
                        labels[name] = (tag, fired + ((position, outcome),))
        return ruleset, labels, network, tags_used

    def _warm_up(self) -> None:
        """Run the ruleset once, so that the session node durable recycles has run an action."""
        payload = json.dumps([{"sid": _SID, "id": _ROOT_ID, _TAG: 0}], separators=(",", ":"))
        messages = self.run(payload)
        if not any(message.startswith('{"' + _SENTINEL + '":') for message in messages):
            raise EngineError(f"durable_rules did not fire the sentinel rule of ruleset {self.key!r}")

    def run(self, payload: str) -> list[str]:
        """Assert ``payload`` (a JSON array of facts) into a fresh session; the fired rules.

        Always deletes the session, whatever happens. Callers hold ``_LOCK``.
        """
        handle = self.handle
        messages: list[str] = []
        try:
            result, state = _dre.assert_facts(handle, payload)
            # 0: handled; 1: some fact matched no rule (fine: its rules are unknown); 2: a fact
            # id was seen twice in the session (MessageObservedException in durable.engine).
            if result not in (0, 1):
                raise EngineError(f"durable_rules returned {result} when asserting facts")
            started = _dre.start_action_for_state(handle, state)
            if started is not None:
                messages.append(started[1])
                while True:
                    message = _dre.complete_and_start_action(handle, state)
                    if message is None:
                        break
                    messages.append(message)
        except _dre.error as error:
            raise EngineError(f"durable_rules failed on ruleset {self.key!r}: {error}") from error
        finally:
            try:
                _dre.delete_state(handle, _SID)
            except _dre.error as error:
                if "309" not in str(error):  # 309: no session (nothing was asserted)
                    raise EngineError(f"durable_rules could not delete a session: {error}") from error
        return messages

    def encode(self, facts: EncodedFacts) -> tuple[str, dict[int, int]]:
        """The JSON array of facts durable is given, and the first element number of each tag.

        Written by hand: it is faster than building dicts for json.dumps, and it checks every
        value's type and range on the way (see _encode_value).
        """
        out: list[str] = ["["]
        append = out.append
        offsets: dict[int, int] = {}
        count = 0
        for scope, tag, head, values, flags in self.active:
            if scope is None:
                entities: Sequence[dict] = (facts.root,)
                ids: Sequence[str] = (_ROOT_ID[1:],)
            else:
                entities = facts.items.get(scope, ())
                if not entities:
                    continue
                offsets[tag] = count
                ids = _element_ids(count + len(entities))[count : count + len(entities)]
                count += len(entities)
            for number, entity in zip(ids, entities):
                append(head + "s" + number + '"')
                get = entity.get
                for prefix, key in values:
                    value = get(key)
                    if value is None:
                        continue
                    kind = type(value)
                    if kind is str:
                        token = "s" + value if len(value) < _SHORT_STRING else _encode_string(value)
                        append(prefix + _ESCAPE(token))
                    elif kind is int:
                        if not _INT64_MIN <= value <= _INT64_MAX:
                            raise ValueError(f"{key}: {value} does not fit durable_rules' int64")
                        append(prefix + str(value))
                    elif kind is bool:
                        append(prefix + ("true" if value else "false"))
                    else:
                        raise TypeError(
                            f"{key}: fact values must be int, str or bool, not {kind.__name__}"
                        )
                for prefix, key in flags:
                    value = get(key)
                    if value is not None:
                        append(prefix + ("1" if value is True else "0"))
                append("},")
        out[-1] = "}]"
        return "".join(out), offsets

    def decode(
        self, messages: list[str], facts: EncodedFacts, offsets: dict[int, int]
    ) -> tuple[RuleOutcome, ...]:
        """RuleOutcomes, in the order of the built-in engine, from the fired durable rules.

        Every result has a slot (``start[position] + item``); slots start as "unknown" and each
        fired durable rule fills the slots of the facts it matched. RuleOutcomes are immutable,
        so they are built once per plan and shared between results.
        """
        unknowns, start, sizes = self._order(facts)
        results = list(unknowns)
        sentinel = False
        for message in messages:
            name = message[2 : message.index('"', 2)]
            tag, labels = self.labels[name]
            if name == _SENTINEL:
                sentinel = True
                continue
            if tag == 0:
                items: Sequence[int] = (0,)
                count = 1
            else:
                offset = offsets[tag]
                items = [_ELEMENT_INDEX[number] - offset for number in _ID_RE.findall(message)]
                count = sizes[tag]
            for position, outcome, built in labels:
                if len(built) < count:
                    self._build_outcomes(built, position, outcome, tag, count)
                first = start[position]
                for item in items:
                    current = results[first + item]
                    if current.outcome != "unknown" and current.outcome != outcome:
                        raise EngineError(
                            f"durable_rules reported both {current.outcome!r} and {outcome!r} for "
                            f"rule {current.rule} (item {current.item}) of ruleset {self.key!r}"
                        )
                    results[first + item] = built[item]
        if not sentinel:
            raise EngineError(f"durable_rules did not process the root fact of ruleset {self.key!r}")
        return tuple(results)

    def _build_outcomes(self, built: list, position: int, outcome: str, tag: int, count: int) -> None:
        """Extend ``built`` (the RuleOutcomes of one rule and outcome, by item) to ``count``."""
        with _BUILD_LOCK:
            index = self.rule_indexes[position]
            while len(built) < count:
                built.append(RuleOutcome(index, None if tag == 0 else len(built), outcome))

    def _order(self, facts: EncodedFacts) -> tuple[list, list, dict]:
        """The results, all unknown, in the built-in engine's order; the first slot of each
        rule; the number of facts of each tag. Cached per combination of scope sizes."""
        sizes = tuple(len(facts.items.get(scope, ())) for scope in self.scope_names)
        order = self._orders.get(sizes)
        if order is None:
            if len(self._orders) > 1000:
                self._orders.clear()
            count = dict(zip(self.scope_names, sizes))
            unknowns: list[RuleOutcome] = []
            start: list[int] = []
            for position, scope in enumerate(self.rule_scopes):
                index = self.rule_indexes[position]
                start.append(len(unknowns))
                for item in (None,) if scope is None else range(count[scope]):
                    unknowns.append(RuleOutcome(index, item, "unknown"))
            tags = {self.scopes[scope].tag: size for scope, size in count.items()}
            order = self._orders[sizes] = (unknowns, start, tags)
        return order


# Process-wide, like durable's rulesets themselves (they can never be deleted): every
# DurableEngine shares them, and a ruleset key is compiled at most once per process.
_PLANS: dict[str, _Plan] = {}
_FAILURES: dict[str, str] = {}
_COMPILE_LOCK = threading.Lock()


class DurableEngine:
    """Evaluates compiled rulesets with durable_rules; thread-safe (see the module docstring)."""

    name = "durable"

    def _plan(self, compiled: CompiledRuleset) -> _Plan:
        plan = _PLANS.get(compiled.key)
        if plan is None:
            with _COMPILE_LOCK:
                plan = _PLANS.get(compiled.key)
                if plan is None:
                    failure = _FAILURES.get(compiled.key)
                    if failure is not None:
                        raise EngineError(failure)
                    try:
                        plan = _Plan(compiled)
                    except EngineError as error:
                        _FAILURES[compiled.key] = str(error)
                        raise
                    _PLANS[compiled.key] = plan
        if plan.rule_count != len(compiled.rules):
            raise EngineError(
                f"two different compiled rulesets share the key {compiled.key!r}; keys must "
                "change whenever the rules do"
            )
        return plan

    def evaluate(self, compiled: CompiledRuleset, facts: EncodedFacts) -> tuple[RuleOutcome, ...]:
        plan = self._plan(compiled)
        payload, offsets = plan.encode(facts)
        with _LOCK:
            messages = plan.run(payload)
        return plan.decode(messages, facts, offsets)
