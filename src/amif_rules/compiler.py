"""Ruleset → compiled form (``ir.py``) and typed facts → encoded facts.

Compilation happens once per ruleset (cached by the catalogue). It turns every typed
expression into an engine-neutral condition:

- numeric, date and date-time comparisons become exact integer linear forms
  (``Linear``): money in cents, instants in microseconds, dates as ordinals; decimal
  constants and parameters are cleared by multiplying through, so no engine divides;
- function calls (``union_citizen``, ``age_on``...) become *derived keys*, computed once
  per document by :meth:`Plan.encode` from the typed facts, so every engine reads the same
  derived values;
- parameters are folded into constants.

The work per document is bounded: one pass over the facts, computing only the keys the
ruleset reads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import attrs

from . import encodegen, expr, exprfunctions, ir, limits
from .errors import RulesetError, RulesetProblem
from .facts import Facts
from .problemcodes import BAD_VALUE, LIMIT
from .ruleset import Ruleset
from .schema import BOOL, DATE, ENUM, INSTANT, INT, LIST, MONEY, TEXT, FieldType
from .units import cents, day_number, micros

#: Typed values by path: a document's root, or one element of a list.
Values = dict[str, Any]
#: (root values, element values) -> encoded value or None.
Compute = Callable[[Values, Values], Any]
#: root values -> (element values -> encoded value or None).
Bind = Callable[[Values], Callable[[Values], Any]]
#: How a typed fact becomes an engine value (None: it already is one).
Converter = Callable[[Any], ir.Scalar] | None
#: A linear form: coefficient per key in encoded units, and a constant.
LinearForm = tuple[dict[str, Fraction], Fraction]

#: The key of conditions that read a dated parameter with no date to pick its value by.
UNRESOLVED_KEY = "?unresolved"
_INT64 = 2**63 - 1

#: The largest encoded magnitude of each kind (for the overflow guarantee of ``Linear``).
_BOUNDS = {
    MONEY: limits.MAX_MONEY_EUROS * 100,
    INT: max(limits.MAX_POPULATION, limits.MAX_PARTICIPANTS, limits.MAX_DURATION_MONTHS),
    INSTANT: micros(dt.datetime(limits.MAX_YEAR + 1, 1, 1, tzinfo=dt.UTC)),
    DATE: day_number(dt.date(limits.MAX_YEAR, 12, 31)),
}


@attrs.frozen
class Derivation:
    """A derived key: the value of a function call, computed per fact from typed facts."""

    key: str
    node: expr.Call
    scope: str | None
    #: (root values, element values) -> encoded value or None; made once at compile time.
    compute: Compute | None = attrs.field(default=None, eq=False, repr=False)
    #: root values -> (element values -> encoded value or None): ``compute`` with the root's
    #: arguments read once per document, for the elements of a list.
    bind: Bind | None = attrs.field(default=None, eq=False, repr=False)
    #: The element field by whose value ``bind``'s answers are remembered (``bind`` then
    #: returns a :class:`Remembered`, which the generated encoder looks up itself), or None.
    remembered_by: str | None = attrs.field(default=None, eq=False, repr=False)

    def functions(self) -> tuple[Compute, Bind]:
        """``compute`` and ``bind``, which every derivation the compiler makes has."""
        if self.compute is None or self.bind is None:
            raise ValueError(f"derivation {self.key} was made without its functions")
        return self.compute, self.bind


def _derivation_function(node: expr.Call) -> tuple[Compute, Bind, str | None]:
    """A plain function computing ``node`` from (root, element) typed values, encoded.

    Calls whose arguments are fields, parameters and literals (all of the bundled rulesets')
    skip the general evaluator, and remember their last few thousand answers: the functions
    are pure, and the same nationalities on the same date come back in every document.
    Anything else falls back to the general evaluator.
    """
    function = exprfunctions.FUNCTIONS[node.name]
    kind = node.type
    getters: list[tuple[int, Any]] = []  # (0: root, 1: element, 2: constant; path or value)
    plain = True
    for arg in node.args:
        if isinstance(arg, expr.Path) and arg.gather is None:
            getters.append((0 if arg.scope is None else 1, arg.path))
        elif isinstance(arg, (expr.Lit, expr.Param)):
            getters.append((2, arg.value))
        else:
            plain = False
            break
    if not plain or any(g[0] == 2 and g[1] is expr.UNRESOLVED for g in getters):

        def general(root: Values, element: Values) -> Any:
            def lookup(scope: str | None, path: str) -> Any:
                return element.get(path) if scope is not None else root.get(path)

            value = expr.evaluate(node, lookup)
            return None if value is None else encode_value(value, kind)

        return general, _bind_each(general), None
    impl, partial = function.impl, function.partial
    encode = _encoder(kind)
    # Lists of elements (len(partners)) are not hashable: those calls are not remembered.
    remember = not any(isinstance(arg, expr.Path) and arg.type.kind == LIST for arg in node.args)
    answers: dict[tuple[Any, ...], Any] = {}
    getters_tuple = tuple(getters)

    def answer_for(args: tuple[Any, ...], memo: dict[Any, Any] | None, memo_key: Any) -> Any:
        if not partial and None in args:
            answer = None
        else:
            value = impl(*args)
            answer = None if value is None else encode(value)
        if memo is not None:
            if len(memo) >= _REMEMBERED:
                memo.clear()  # bounded memory; a race only costs a recomputation
            memo[memo_key] = answer
        return answer

    def fast(root: Values, element: Values) -> Any:
        args = tuple([root.get(key) if where == 0 else element.get(key) if where == 1 else key for where, key in getters_tuple])
        if remember:
            answer = answers.get(args, _NOTHING)
            if answer is not _NOTHING:
                return answer
        return answer_for(args, answers if remember else None, args)

    element_positions = [index for index, (where, _) in enumerate(getters_tuple) if where == 1]
    if not remember or len(element_positions) != 1:
        return fast, _bind_each(fast), None
    (position,) = element_positions
    element_path = getters_tuple[position][1]
    by_root: dict[tuple[Any, ...], dict[Any, Any]] = {}  # the other arguments' values -> {element value: answer}
    stored = [0]  # answers remembered in by_root, all roots together

    def bind(root: Values) -> Callable[[Values], Any]:
        """One function per document: the arguments read from the root (a date, say) are
        read once, and answers are remembered by the element's value alone."""
        fixed = tuple([root.get(key) if where == 0 else key for where, key in getters_tuple if where != 1])
        memo = by_root.get(fixed)
        if memo is None:
            if len(by_root) >= _ROOTS_REMEMBERED:
                by_root.clear()
                stored[0] = 0
            memo = by_root[fixed] = {}
        before, after = fixed[:position], fixed[position:]

        def miss(value: Any) -> Any:
            answer = answer_for(before + (value,) + after, None, value)
            if stored[0] >= _ANSWERS_REMEMBERED:
                by_root.clear()  # bounded memory; this document keeps its own memo
                stored[0] = 0
            memo[value] = answer
            stored[0] += 1  # a race only miscounts a little: the bound stays a bound
            return answer

        return Remembered(memo, element_path, miss)

    return fast, bind, element_path


class Remembered:
    """A derived value of one element field, for one document's root values: answers
    remembered by the field's value (``memo``), so that the generated encoder looks them
    up itself and calls only on a miss (``miss(value)``)."""

    __slots__ = ("memo", "path", "miss")

    def __init__(self, memo: dict[Any, Any], path: str, miss: Callable[[Any], Any]):
        self.memo, self.path, self.miss = memo, path, miss

    def __call__(self, element: Values) -> Any:
        value = element.get(self.path)
        answer = self.memo.get(value, _NOTHING)
        return self.miss(value) if answer is _NOTHING else answer


def _bind_each(compute: Compute) -> Bind:
    """``bind`` for a function that cannot be bound: it reads the root for every element."""
    return lambda root: lambda element: compute(root, element)


_NOTHING = object()
_NO_ELEMENT: Values = {}  # what root derivations see as their element (never written)
#: Answers each derived function remembers (see _derivation_function): of a call on root
#: values alone; of a call on an element's value, for as many sets of root arguments (a
#: reference date, say) as a batch goes through, up to 4,096 sets and 65,536 answers in all
#: per derived value (a few MiB). A batch's submissions spread over more days than a
#: handful: with 64 sets, 400 documents on 71 days found almost nothing remembered.
_REMEMBERED = 1024
_ROOTS_REMEMBERED = 4096
_ANSWERS_REMEMBERED = 65_536


def _encoder(kind: FieldType) -> Callable[[Any], ir.Scalar]:
    """How a derived value becomes an engine value. Unlike facts (see _converter), what a
    function returns is normalised to its declared type."""
    if kind.kind == BOOL:
        return bool
    if kind.kind == INT:
        return int
    return lambda value: encode_value(value, kind)


def _converter(kind: FieldType) -> Converter:
    """How a typed fact becomes an engine value; None where it already is one (text, enum
    values, booleans and whole numbers are stored as such in facts)."""
    k = kind.kind
    if k in (TEXT, ENUM, BOOL, INT):
        return None
    if k == MONEY:
        return cents
    if k == INSTANT:
        return micros
    if k == DATE:
        return day_number
    return lambda value: encode_value(value, kind)


#: What ``Plan.encode`` runs: the root's (key, path, converter)s, the root's derived
#: (key, compute)s, and per list (scope, its keys, the root keys its facts copy, its
#: (key, bind, the element field its answers are remembered by)s): ``encodegen.Encoding``.
_Encoding = encodegen.Encoding


@attrs.frozen
class Plan:
    """The compiled ruleset plus what to encode from each document's facts."""

    compiled: ir.CompiledRuleset
    root_keys: tuple[tuple[str, str, FieldType], ...]  # (key, path, type) read from the root
    scope_keys: dict[str, tuple[tuple[str, str, FieldType], ...]]  # per scope: (key, relative path, type)
    scope_root_keys: dict[str, tuple[str, ...]]  # root keys copied into element facts
    derivations: tuple[Derivation, ...]
    #: What encode runs, made once from the fields above.
    _encoding: _Encoding = attrs.field(init=False, eq=False, repr=False)
    #: The generated encoder of ``_encoding``, made on first use.
    _encoder: encodegen.Encoder | None = attrs.field(init=False, default=None, eq=False, repr=False)
    #: What the floors above generate for this plan, made on first use, by name
    #: (``quickcheck``'s reading and deciding function).
    generated: dict[str, Any] = attrs.field(init=False, factory=dict, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        root = tuple((key, path, _converter(kind)) for key, path, kind in self.root_keys)
        root_derived = tuple((d.key, d.functions()[0]) for d in self.derivations if d.scope is None)
        scopes = []
        for scope in self.compiled.scopes:
            scopes.append(
                (
                    scope,
                    tuple((key, path, _converter(kind)) for key, path, kind in self.scope_keys.get(scope, ())),
                    self.scope_root_keys.get(scope, ()),
                    tuple((d.key, d.functions()[1], d.remembered_by) for d in self.derivations if d.scope == scope),
                )
            )
        object.__setattr__(self, "_encoding", (root, root_derived, tuple(scopes)))

    def encode(self, facts: Facts) -> ir.EncodedFacts:
        """Typed facts → engine facts (only the keys this ruleset reads), by the encoder
        generated for this plan (:mod:`amif_rules.encodegen`), made on first use."""
        encode = self._encoder
        if encode is None:
            encode = self.encoder()[1]
        root, items = encode(facts.root, facts.items)
        return ir.EncodedFacts(root, items)

    def encode_reference(self, facts: Facts) -> ir.EncodedFacts:
        """:meth:`encode` by interpreting ``_encoding``: the reference the generated
        encoder is held to (``tests/pipeline/test_encodegen.py``)."""
        root_keys, root_derived, scopes = self._encoding
        root_values = facts.root
        root: dict[str, ir.Scalar] = {}
        for key, path, convert in root_keys:
            value = root_values.get(path)
            if value is not None:
                root[key] = value if convert is None else convert(value)
        for key, compute in root_derived:
            value = compute(root_values, _NO_ELEMENT)
            if value is not None:
                root[key] = value
        items: dict[str, tuple[dict[str, ir.Scalar], ...]] = {}
        for scope, keys, shared_keys, derived in scopes:
            shared = {key: root[key] for key in shared_keys if key in root}
            encoded = []
            for element in facts.items.get(scope, ()):
                fact = shared.copy()
                for key, path, convert in keys:
                    value = element.get(path)
                    if value is not None:
                        fact[key] = value if convert is None else convert(value)
                for key, bind, _ in derived:
                    value = bind(root_values)(element)
                    if value is not None:
                        fact[key] = value
                encoded.append(fact)
            items[scope] = tuple(encoded)
        return ir.EncodedFacts(root, items)

    @property
    def encoding(self) -> encodegen.Encoding:
        """What :meth:`encode` reads and converts (see :data:`encodegen.Encoding`)."""
        return self._encoding

    @property
    def no_element(self) -> dict[str, Any]:
        """What the root's derived values get as their element."""
        return _NO_ELEMENT

    def encoder(self) -> tuple[str, encodegen.Encoder]:
        """(source, function) of this plan's generated encoder (the source for reading)."""
        source, encode = encodegen.encoder(self._encoding, self.compiled.key[:12], _NO_ELEMENT)
        object.__setattr__(self, "_encoder", encode)  # a race makes it twice: the same code
        return source, encode


def encode_value(value: Any, kind: FieldType) -> ir.Scalar:
    """A typed value in engine units: cents, microseconds, ordinals; text and booleans as is."""
    k = kind.kind
    if k == MONEY:
        return cents(Decimal(value))
    if k == INSTANT:
        return micros(value)
    if k == DATE:
        return day_number(value)
    if k == BOOL:
        return bool(value)
    if k in (TEXT, ENUM):
        return str(value)
    if k == INT:
        return int(value)
    raise TypeError(f"cannot encode a {kind} for an engine")


# -- compiling conditions ---------------------------------------------------------------------


class _CompileError(Exception):
    pass


class _RuleCompiler:
    def __init__(self, plan_keys: _Keys, scope: str | None):
        self.keys = plan_keys
        self.scope = scope

    def condition(self, node: expr.Node) -> ir.Condition:
        if not isinstance(node, (expr.Logic, expr.NotOp)) and expr.unresolved(node):
            # A dated parameter without a date: unknown (this key is never in a fact).
            return ir.IsTrue(UNRESOLVED_KEY)
        if isinstance(node, expr.Logic):
            operands = tuple(self.condition(operand) for operand in node.operands)
            return _fold(ir.And(operands) if node.op == "and" else ir.Or(operands))
        if isinstance(node, expr.NotOp):
            inner = self.condition(node.operand)
            return ir.Const(not inner.value) if isinstance(inner, ir.Const) else ir.Not(inner)
        if isinstance(node, (expr.Lit, expr.Param)):
            return ir.Const(bool(node.value))
        if isinstance(node, (expr.Path, expr.Call)):
            return ir.IsTrue(self.keys.key_of(node, self.scope))
        if isinstance(node, expr.In):
            values = tuple(str(v) for v in node.haystack.value)
            if isinstance(node.needle, (expr.Lit, expr.Param)):
                return ir.Const((node.needle.value in values) != node.negated)
            return ir.Member(self.keys.key_of(node.needle, self.scope), values, node.negated)
        if isinstance(node, expr.Cmp):
            return self.comparison(node)
        raise _CompileError(f"cannot use {type(node).__name__} as a condition")

    def comparison(self, node: expr.Cmp) -> ir.Condition:
        left, right = node.left, node.right
        if left.type.numeric or left.type.kind in (INSTANT, DATE):
            terms, constant = _subtract(self.linear(left), self.linear(right))
            return _linear(terms, constant, node.op)
        op = _equality(node.op)  # the checker allows only == and != on texts, choices and booleans
        if isinstance(left, (expr.Lit, expr.Param)):
            if isinstance(right, (expr.Lit, expr.Param)):
                return ir.Const(left.value == right.value if op == "==" else left.value != right.value)
            left, right = right, left
        if isinstance(right, (expr.Lit, expr.Param)):
            value = right.value if isinstance(right.value, bool) else str(right.value)
            return ir.CompareConst(self.keys.key_of(left, self.scope), op, value)
        return ir.CompareKeys(self.keys.key_of(left, self.scope), op, self.keys.key_of(right, self.scope))

    def linear(self, node: expr.Node) -> LinearForm:
        """``node`` as (coefficient per key in encoded units, constant)."""
        if isinstance(node, (expr.Lit, expr.Param)):
            return {}, _constant(node.value, node.type)
        if isinstance(node, (expr.Path, expr.Call)):
            key = self.keys.key_of(node, self.scope)
            unit = Fraction(1, 100) if node.type.kind == MONEY else Fraction(1)
            return {key: unit}, Fraction(0)
        if isinstance(node, expr.Neg):
            terms, constant = self.linear(node.operand)
            return {k: -v for k, v in terms.items()}, -constant
        if isinstance(node, expr.Arith):
            left, right = self.linear(node.left), self.linear(node.right)
            if node.op == "+":
                return _add(left, right)
            if node.op == "-":
                return _subtract(left, right)
            if node.op == "*":
                if not right[0]:
                    return _scale(left, right[1])
                if not left[0]:
                    return _scale(right, left[1])
                raise _CompileError("two fields cannot be multiplied")
            if right[0] or right[1] == 0:
                raise _CompileError("division only by a non-zero constant")
            return _scale(left, 1 / right[1])
        raise _CompileError(f"cannot compute with {type(node).__name__}")


def _equality(op: expr.CompareOp) -> Literal["==", "!="]:
    if op == "==" or op == "!=":
        return op
    raise _CompileError(f"{op} compares only numbers, dates and date-times")


def _constant(value: Any, kind: FieldType) -> Fraction:
    if kind.kind == INSTANT:
        return Fraction(encode_value(value, kind))
    if kind.kind == DATE:
        return Fraction(day_number(value))
    return Fraction(value)


def _add(a: LinearForm, b: LinearForm) -> LinearForm:
    terms = dict(a[0])
    for key, coef in b[0].items():
        terms[key] = terms.get(key, Fraction(0)) + coef
    return terms, a[1] + b[1]


def _subtract(a: LinearForm, b: LinearForm) -> LinearForm:
    return _add(a, ({k: -v for k, v in b[0].items()}, -b[1]))


def _scale(a: LinearForm, factor: Fraction) -> LinearForm:
    return {k: v * factor for k, v in a[0].items()}, a[1] * factor


def _linear(terms: dict[str, Fraction], constant: Fraction, op: expr.CompareOp) -> ir.Condition:
    terms = {k: v for k, v in terms.items() if v != 0}
    if not terms:
        return ir.Const(_decide(constant, op))
    denominators = [v.denominator for v in terms.values()] + [constant.denominator]
    lcd = math.lcm(*denominators)
    integers = {k: int(v * lcd) for k, v in terms.items()}
    const = int(constant * lcd)
    divisor = math.gcd(*integers.values(), const)
    if divisor > 1:
        integers = {k: v // divisor for k, v in integers.items()}
        const //= divisor
    return ir.Linear(tuple(sorted(((c, k) for k, c in integers.items()), key=lambda t: t[1])), const, op)


def _decide(value: Fraction, op: str) -> bool:
    return {"==": value == 0, "!=": value != 0, "<": value < 0, "<=": value <= 0, ">": value > 0, ">=": value >= 0}[op]


def _fold(node: ir.And | ir.Or) -> ir.Condition:
    absorbing = isinstance(node, ir.Or)  # True absorbs "or", False absorbs "and"
    kept = []
    for operand in node.operands:
        if isinstance(operand, ir.Const):
            if operand.value is absorbing:
                return ir.Const(absorbing)
            continue
        kept.append(operand)
    if not kept:
        return ir.Const(not absorbing)
    if len(kept) == 1:
        return kept[0]
    return type(node)(tuple(kept))


class _Keys:
    """Allocates fact keys for paths and derived values, and records what to encode."""

    def __init__(self) -> None:
        self.root: dict[str, tuple[str, FieldType]] = {}
        self.scoped: dict[str, dict[str, tuple[str, FieldType]]] = {}
        self.scope_root: dict[str, dict[str, None]] = {}
        self.derivations: dict[str, Derivation] = {}

    def key_of(self, node: expr.Node, scope: str | None) -> str:
        if isinstance(node, expr.Path):
            if node.scope is None:
                self.root[node.path] = (node.path, node.type)
                if scope is not None:
                    self.scope_root.setdefault(scope, {})[node.path] = None
                return node.path
            key = f"item.{node.path}"
            self.scoped.setdefault(node.scope, {})[key] = (node.path, node.type)
            return key
        if isinstance(node, expr.Call):
            reads_item = any(p.scope is not None for p in expr.paths(node))
            key = "fn:" + _canonical(node)
            if key not in self.derivations:
                self.derivations[key] = Derivation(key, node, scope if reads_item else None, *_derivation_function(node))
            if not reads_item and scope is not None:
                self.scope_root.setdefault(scope, {})[key] = None
            return key
        raise _CompileError(f"not a field: {node!r}")


def _canonical(node: expr.Node) -> str:
    if isinstance(node, expr.Path):
        return node.text
    if isinstance(node, expr.Param):
        return f"{node.name}={node.value!r}"
    if isinstance(node, expr.Lit):
        return repr(node.value)
    if isinstance(node, expr.Call):
        return f"{node.name}(" + ",".join(_canonical(arg) for arg in node.args) + ")"
    if isinstance(node, expr.Arith):
        return f"({_canonical(node.left)}{node.op}{_canonical(node.right)})"
    if isinstance(node, expr.Neg):
        return f"-{_canonical(node.operand)}"
    return repr(node)


def _check_bounds(condition: ir.Condition, kinds: dict[str, str]) -> str | None:
    """A message when a linear form could exceed int64 for inputs within the limits."""
    stack = [condition]
    while stack:
        node = stack.pop()
        if isinstance(node, (ir.And, ir.Or)):
            stack.extend(node.operands)
        elif isinstance(node, ir.Not):
            stack.append(node.operand)
        elif isinstance(node, ir.Linear):
            worst = abs(node.constant) + sum(abs(c) * _BOUNDS.get(kinds.get(k, INT), _BOUNDS[INT]) for c, k in node.terms)
            if worst > _INT64:
                return "this comparison could exceed 64-bit integers for large inputs; simplify its constants"
    return None


def compile_ruleset(ruleset: Ruleset) -> Plan:
    """Compile a loaded ruleset; raises :class:`RulesetError` for what no engine can run."""
    keys = _Keys()
    rules = []
    problems = []
    for index, rule in enumerate(ruleset.rules):
        compiler = _RuleCompiler(keys, rule.for_each)
        try:
            when = compiler.condition(rule.when) if rule.when is not None else ir.Const(True)
            check = compiler.condition(rule.check)
        except _CompileError as error:
            problems.append(RulesetProblem(rule.location, f"rule {rule.id}: {error}", code=BAD_VALUE))
            continue
        kinds = {k: t.kind for k, (_, t) in keys.root.items()}
        for scoped in keys.scoped.values():
            kinds.update({k: t.kind for k, (_, t) in scoped.items()})
        kinds.update({k: d.node.type.kind for k, d in keys.derivations.items()})
        for condition in (when, check):
            message = _check_bounds(condition, kinds)
            if message:
                problems.append(RulesetProblem(rule.location, f"rule {rule.id}: {message}", code=LIMIT))
        rules.append(ir.CompiledRule(index, rule.id, rule.for_each, when, check))
    if problems:
        raise RulesetError(problems)
    scopes = tuple(sorted({rule.for_each for rule in ruleset.rules if rule.for_each}))
    digest = hashlib.sha256(repr((ruleset.id, ruleset.version, tuple(rules))).encode("utf-8")).hexdigest()[:32]
    compiled = ir.CompiledRuleset(key=f"{ruleset.id}@{digest}", rules=tuple(rules), scopes=scopes)
    return Plan(
        compiled=compiled,
        root_keys=tuple((key, path, kind) for key, (path, kind) in keys.root.items()),
        scope_keys={s: tuple((key, path, kind) for key, (path, kind) in m.items()) for s, m in keys.scoped.items()},
        scope_root_keys={s: tuple(m) for s, m in keys.scope_root.items()},
        derivations=tuple(keys.derivations.values()),
    )
