"""The rule expression language: parse, type-check, and evaluate on typed values.

Expressions are parsed with Python's :mod:`ast` in ``eval`` mode and only a whitelist of
node kinds is accepted: literals, field paths, parameters, comparisons (chains too),
``and``/``or``/``not``, ``in``/``not in``, ``+ - * /`` and a few named functions. Nothing
is ever executed: the tree is translated into the typed nodes below, checked against
:mod:`amif_rules.schema`, and evaluated by :func:`evaluate` (messages, derivations) or
compiled to engine conditions (``compiler.py``).

Missing values make an expression *unknown* (``None``): Kleene's three-valued logic.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal, localcontext
from typing import Any, Literal, TypeGuard

import attrs

from . import limits, schema
from .exprfunctions import CONSTANTS, FUNCTIONS, GATHERING_FUNCTIONS, LIST_OF_TEXT, gathered
from .problemcodes import BAD_DEFINITION, LIMIT, SYNTAX, TYPE_ERROR, UNKNOWN_FIELD
from .schema import BOOL, CODES, DATE, DECIMAL, ENUM, INSTANT, INT, LIST, MONEY, TEXT, TEXTS, FieldType
from .suggestions import closest

# -- typed nodes ----------------------------------------------------------------------------


class _Unresolved:
    """The value of a dated parameter read without a date: unknown until the date is known."""

    def __repr__(self) -> str:
        return "UNRESOLVED"


UNRESOLVED = _Unresolved()

#: The comparisons, the arithmetic and the logic of the rule language.
CompareOp = Literal["==", "!=", "<", "<=", ">", ">="]
ArithOp = Literal["+", "-", "*", "/"]
LogicOp = Literal["and", "or"]


@attrs.frozen
class Lit:
    value: Any
    type: FieldType


@attrs.frozen
class Param:
    name: str
    value: Any
    type: FieldType


@attrs.frozen
class Path:
    """A field: ``scope`` is None for the document root, or the list name for ``item.``.

    ``gather`` names a list when the path gathers one field over its elements
    (``partners.experience``: every partner's declared experience); its value is a
    :class:`Gathered`, and only ``has_any`` and ``has_all`` read it (see :func:`gathered`).
    """

    scope: str | None
    path: str
    type: FieldType
    gather: str | None = None

    @property
    def text(self) -> str:
        return f"item.{self.path}" if self.scope else self.path

    @property
    def input_path(self) -> str:
        """The input it reads as ``inputs:`` names it (``partners[].experience`` for a field
        of a list's elements, read one at a time or gathered)."""
        if self.scope is not None:
            return f"{self.scope}[].{self.path}"
        if self.gather is not None:
            return f"{self.gather}[].{self.element_field}"
        return self.path

    @property
    def element_field(self) -> str:
        """The field read in each element of a gathering path (``experience``)."""
        return self.path[len(self.gather) + 1 :] if self.gather else self.path


@attrs.frozen
class Call:
    name: str
    args: tuple[Node, ...]
    type: FieldType


@attrs.frozen
class Neg:
    operand: Node
    type: FieldType


@attrs.frozen
class Arith:
    op: ArithOp
    left: Node
    right: Node
    type: FieldType


@attrs.frozen
class Cmp:
    op: CompareOp
    left: Node
    right: Node
    type: FieldType = FieldType(BOOL)


@attrs.frozen
class In:
    needle: Node
    haystack: Lit | Param  # of texts
    negated: bool
    type: FieldType = FieldType(BOOL)


@attrs.frozen
class Logic:
    op: LogicOp
    operands: tuple[Node, ...]
    type: FieldType = FieldType(BOOL)


@attrs.frozen
class NotOp:
    operand: Node
    type: FieldType = FieldType(BOOL)


Node = Lit | Param | Path | Call | Neg | Arith | Cmp | In | Logic | NotOp


class ExpressionError(Exception):
    """A problem in one expression, at a (1-based line, 0-based column) of its text.

    ``code`` is the problem's lint code (:mod:`amif_rules.problemcodes`); it is required, so
    that every place that raises one says which kind of problem it is, and the ruleset
    reader carries it to the :class:`~amif_rules.errors.RulesetProblem` it becomes.
    """

    def __init__(self, message: str, line: int = 1, column: int = 0, hint: str | None = None, *, code: str):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint
        self.code = code


# -- parsing ------------------------------------------------------------------------------------

_COMPARE: dict[type[ast.cmpop], CompareOp] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
_ARITH: dict[type[ast.operator], ArithOp] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_KEYWORDS = {"true": True, "false": False, "True": True, "False": False}


@attrs.frozen
class Scope:
    """What names mean while checking one expression."""

    parameters: Mapping[str, Param]
    item_scope: str | None = None  # the list a for_each rule iterates over
    #: Message placeholders are only ever shown, never matched by an engine, so there a
    #: field may divide by a field (``budget.amif / budget.total_eligible_cost``).
    for_display: bool = False
    #: Named expressions of the ruleset (``definitions:``), expanded where they are used.
    definitions: Mapping[str, str] = attrs.field(factory=dict)
    #: Definitions being expanded (to refuse a definition that uses itself).
    expanding: tuple[str, ...] = ()


def parse(text: str, scope: Scope, want: str | None = BOOL) -> Node:
    """Parse and type-check ``text``. ``want`` is the required result kind (None: any)."""
    if not isinstance(text, str):
        raise ExpressionError(
            f"an expression must be text, got {type(text).__name__}",
            hint='write the condition as a string, e.g. applicant.kind == "ocmw"',
            code=TYPE_ERROR,
        )
    if len(text) > limits.MAX_EXPRESSION_LENGTH:
        raise ExpressionError(f"expression longer than {limits.MAX_EXPRESSION_LENGTH} characters", code=LIMIT)
    source = text.strip()
    if not source:
        raise ExpressionError("empty expression", hint="write a condition such as budget.amif <= 1000", code=SYNTAX)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise ExpressionError(
            f"not a valid expression: {error.msg}",
            error.lineno or 1,
            max((error.offset or 1) - 1, 0),
            hint='use and/or/not, ==, !=, <, <=, >, >=, in, + - * /, and "double quotes" for text',
            code=SYNTAX,
        ) from None
    node = _Translator(source, scope).translate(tree.body, 1)
    if want is not None and node.type.kind != want:
        raise ExpressionError(
            f"this expression gives {node.type.a}, but a condition must be true or false",
            hint='compare it with something, e.g. ... == "ocmw" or ... > 1000',
            code=TYPE_ERROR,
        )
    return node


class _Translator:
    def __init__(self, source: str, scope: Scope):
        self.source = source
        self.scope = scope
        #: The node that may be a gathering path: the first argument of has_any or has_all.
        self.gathering_place: ast.AST | None = None

    def fail(self, node: ast.AST, code: str, message: str, hint: str | None = None) -> ExpressionError:
        """The error of ``code`` at ``node``'s place."""
        return ExpressionError(message, getattr(node, "lineno", 1), getattr(node, "col_offset", 0), hint, code=code)

    def translate(self, node: ast.AST, depth: int) -> Node:
        if depth > limits.MAX_EXPRESSION_DEPTH:
            raise self.fail(
                node,
                LIMIT,
                f"expression nested deeper than {limits.MAX_EXPRESSION_DEPTH} levels",
                hint="split it into several rules",
            )
        method: Callable[[Any, int], Node] | None = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise self.fail(
                node,
                SYNTAX,
                f"{_describe(node)} is not part of the rule language",
                hint="use field paths, parameters, literals, comparisons, and/or/not, in, + - * / and the named functions "
                + ", ".join(sorted(FUNCTIONS)),
            )
        return method(node, depth + 1)

    # literals
    def _Constant(self, node: ast.Constant, depth: int) -> Node:
        value = node.value
        if isinstance(value, bool):
            return Lit(value, FieldType(BOOL))
        if isinstance(value, int):
            return Lit(value, FieldType(INT))
        if isinstance(value, float):
            segment = ast.get_source_segment(self.source, node) or repr(value)
            try:
                return Lit(Decimal(segment.replace("_", "")), FieldType(DECIMAL))
            except ArithmeticError:
                raise self.fail(node, SYNTAX, f"not a decimal number: {segment}") from None
        if isinstance(value, str):
            return Lit(value, FieldType(TEXT))
        raise self.fail(
            node, SYNTAX, f"{value!r} is not a literal of the rule language", hint='literals are numbers, "text", true and false'
        )

    def _List(self, node: ast.List, depth: int) -> Node:
        values = []
        for element in node.elts:
            if not (isinstance(element, ast.Constant) and isinstance(element.value, str)):
                raise self.fail(
                    element,
                    SYNTAX,
                    'a list literal may only hold "text" values',
                    hint='for example item.residence in ["legal", "applicant"]',
                )
            values.append(element.value)
        return Lit(tuple(values), FieldType(TEXTS))

    _Tuple = _List

    # names and paths
    def _Name(self, node: ast.Name, depth: int) -> Node:
        return self._path(node, [node.id])

    def _Attribute(self, node: ast.Attribute, depth: int) -> Node:
        parts: list[str] = []
        current: ast.AST = node
        while isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        if not isinstance(current, ast.Name):
            raise self.fail(node, SYNTAX, "a field path is names joined by dots, such as applicant.municipality.population")
        parts.append(current.id)
        return self._path(node, list(reversed(parts)))

    def _path(self, node: ast.AST, parts: list[str]) -> Node:
        head = parts[0]
        dotted = ".".join(parts)
        if len(parts) == 1 and head in _KEYWORDS:
            return Lit(_KEYWORDS[head], FieldType(BOOL))
        if len(parts) == 1 and head in self.scope.parameters:
            return self.scope.parameters[head]
        if len(parts) == 1 and head in self.scope.definitions:
            return self._definition(node, head)
        if len(parts) == 1 and head in CONSTANTS:
            value, constant_type = CONSTANTS[head]
            return Lit(value, constant_type)
        if head == "item":
            item_scope = self.scope.item_scope
            if item_scope is None:
                raise self.fail(
                    node,
                    UNKNOWN_FIELD,
                    "'item' is only defined in a rule with for_each",
                    hint="add for_each: partners (or participants) to the rule, or use a path from the document root",
                )
            rest = ".".join(parts[1:])
            kind = schema.scope_field(item_scope, rest)
            if kind is None:
                known = sorted(schema.SCOPE_FIELDS[item_scope])
                if rest in schema.scope_prefixes(item_scope):
                    raise self.fail(
                        node,
                        UNKNOWN_FIELD,
                        f"item.{rest} is an object, not a value",
                        hint="name one of its fields: " + ", ".join(f"item.{k}" for k in known if k.startswith(rest + ".")),
                    )
                raise self.fail(
                    node,
                    UNKNOWN_FIELD,
                    f"the elements of {item_scope} have no field {rest!r}",
                    hint=_did_you_mean(rest, known, prefix="item.") or "fields: " + ", ".join(f"item.{k}" for k in known),
                )
            return Path(item_scope, rest, kind)
        kind = schema.root_field(dotted)
        if kind is not None:
            return Path(None, dotted, kind)
        if head in schema.SCOPE_FIELDS and len(parts) > 1:
            return self._gathering(node, head, ".".join(parts[1:]))
        if dotted in schema.root_prefixes():
            children = [p for p in schema.ROOT_FIELDS if p.startswith(dotted + ".")]
            raise self.fail(
                node, UNKNOWN_FIELD, f"{dotted} is an object, not a value", hint="name one of its fields: " + ", ".join(children)
            )
        candidates = (
            sorted(schema.ROOT_FIELDS)
            + sorted(schema.DERIVED_ROOT)
            + sorted(self.scope.parameters)
            + sorted(self.scope.definitions)
            + sorted(CONSTANTS)
        )
        if self.scope.item_scope:
            candidates += [f"item.{k}" for k in schema.SCOPE_FIELDS[self.scope.item_scope]]
        what = "parameter or field" if len(parts) == 1 else "field"
        raise self.fail(
            node,
            UNKNOWN_FIELD,
            f"unknown {what} {dotted!r}",
            hint=_did_you_mean(dotted, candidates) or "define it under parameters:, or use a field of the application document",
        )

    def _gathering(self, node: ast.AST, name: str, rest: str) -> Path:
        """``partners.experience``: one field of every element of a list, gathered."""
        kind = schema.scope_field(name, rest)
        if kind is None:
            known = sorted(schema.SCOPE_FIELDS[name])
            raise self.fail(
                node,
                UNKNOWN_FIELD,
                f"the elements of {name} have no field {rest!r}",
                hint=_did_you_mean(rest, known, prefix=f"{name}.") or "fields: " + ", ".join(f"{name}.{k}" for k in known),
            )
        if kind.kind not in (TEXT, ENUM, TEXTS, CODES):
            raise self.fail(
                node,
                TYPE_ERROR,
                f"{name}.{rest} would gather {kind.a} over the {name}; only text, choice and list fields can be gathered",
                hint=f"test each element with for_each: {name} and item.{rest}",
            )
        if node is not self.gathering_place and not self.scope.for_display:
            raise self.fail(
                node,
                TYPE_ERROR,
                f"{name}.{rest} gathers a field over the {name}: it can only be the first argument of "
                + " or ".join(f"{function}()" for function in GATHERING_FUNCTIONS),
                hint=f"for example has_any({name}.{rest}, [...]), true when one of the {name} has one of the values;"
                f" to test each of the {name}, use for_each: {name} and item.{rest}",
            )
        return Path(None, f"{name}.{rest}", FieldType(CODES if kind.kind == CODES else TEXTS, kind.choices), gather=name)

    def _definition(self, node: ast.AST, name: str) -> Node:
        if name in self.scope.expanding:
            raise self.fail(
                node, BAD_DEFINITION, f"definition {name!r} uses itself (through {' -> '.join(self.scope.expanding)})"
            )
        inner = Scope(
            self.scope.parameters,
            self.scope.item_scope,
            self.scope.for_display,
            self.scope.definitions,
            self.scope.expanding + (name,),
        )
        try:
            return parse(self.scope.definitions[name], inner, want=None)
        except ExpressionError as error:
            raise self.fail(node, error.code, f"in definition {name!r}: {error.message}", error.hint) from None

    # operators
    def _BoolOp(self, node: ast.BoolOp, depth: int) -> Node:
        operands = tuple(self._boolean(value, depth) for value in node.values)
        return Logic("and" if isinstance(node.op, ast.And) else "or", operands)

    def _boolean(self, node: ast.AST, depth: int) -> Node:
        result = self.translate(node, depth)
        if result.type.kind != BOOL:
            raise self.fail(
                node,
                TYPE_ERROR,
                f"and/or/not need true/false values; this is {result.type.a}",
                hint="compare it with something first, e.g. ... > 0",
            )
        return result

    def _UnaryOp(self, node: ast.UnaryOp, depth: int) -> Node:
        if isinstance(node.op, ast.Not):
            return NotOp(self._boolean(node.operand, depth))
        if isinstance(node.op, ast.USub):
            operand = self.translate(node.operand, depth)
            if not operand.type.numeric:
                raise self.fail(node, TYPE_ERROR, f"cannot negate {operand.type.a}")
            if isinstance(operand, Lit):
                return Lit(-operand.value, operand.type)
            return Neg(operand, operand.type)
        if isinstance(node.op, ast.UAdd):
            return self.translate(node.operand, depth)
        raise self.fail(node, SYNTAX, f"{_describe(node)} is not part of the rule language")

    def _BinOp(self, node: ast.BinOp, depth: int) -> Node:
        op = _ARITH.get(type(node.op))
        if op is None:
            raise self.fail(
                node,
                SYNTAX,
                f"the operator {_describe(node.op)} is not part of the rule language",
                hint="arithmetic is + - * / on numbers and amounts",
            )
        left, right = self.translate(node.left, depth), self.translate(node.right, depth)
        for side, operand in (("left", left), ("right", right)):
            if not operand.type.numeric:
                raise self.fail(node, TYPE_ERROR, f"arithmetic needs numbers, but the {side} side is {operand.type.a}")
        if op == "*" and not (_constant(left) or _constant(right)) and not self.scope.for_display:
            raise self.fail(
                node,
                TYPE_ERROR,
                "one side of * must be a number or parameter: two fields cannot be multiplied",
                hint="for shares, compare amounts: budget.amif <= amif_max_share * budget.total_eligible_cost",
            )
        if op == "/" and not _constant(right) and not self.scope.for_display:
            raise self.fail(
                node,
                TYPE_ERROR,
                "division is only by a number or parameter",
                hint="instead of a / b <= 0.75, write a <= 0.75 * b (it also stays exact)",
            )
        if op == "/" and _constant(right) and right.value == 0:
            raise self.fail(node, TYPE_ERROR, "division by zero")
        if op in "+-" and _mixes_money_and_count(left, right):
            raise self.fail(node, TYPE_ERROR, "cannot add or subtract a count (a whole-number field) and an amount in euro")
        kinds = {left.type.kind, right.type.kind}
        result = MONEY if MONEY in kinds else DECIMAL if (DECIMAL in kinds or op == "/") else INT
        return Arith(op, left, right, FieldType(result))

    def _Compare(self, node: ast.Compare, depth: int) -> Node:
        operands = [self.translate(node.left, depth)] + [self.translate(c, depth) for c in node.comparators]
        parts: list[Node] = []
        for index, op_node in enumerate(node.ops):
            left, right = operands[index], operands[index + 1]
            if isinstance(op_node, (ast.In, ast.NotIn)):
                parts.append(self._membership(node, left, right, isinstance(op_node, ast.NotIn)))
                continue
            op = _COMPARE.get(type(op_node))
            if op is None:
                raise self.fail(
                    node,
                    SYNTAX,
                    f"{_describe(op_node)} is not a comparison of the rule language",
                    hint="use ==, !=, <, <=, >, >=, in, not in",
                )
            parts.append(self._comparison(node, op, left, right))
        return parts[0] if len(parts) == 1 else Logic("and", tuple(parts))

    def _comparison(self, node: ast.AST, op: CompareOp, left: Node, right: Node) -> Node:
        lk, rk = left.type.kind, right.type.kind
        if left.type.numeric and right.type.numeric:
            if _mixes_money_and_count(left, right):
                raise self.fail(
                    node,
                    TYPE_ERROR,
                    f"cannot compare an amount in euro with a whole number ({_text(left)} vs {_text(right)})",
                    hint="compare amounts with amounts, e.g. budget.amif <= call_budget",
                )
            return Cmp(op, left, right)
        if lk != rk and not ({lk, rk} <= {TEXT, ENUM}):
            raise self.fail(
                node, TYPE_ERROR, f"cannot compare {left.type.a} with {right.type.a}", hint=_compare_hint(left, right)
            )
        if lk in (TEXT, ENUM, BOOL) and op not in ("==", "!="):
            raise self.fail(node, TYPE_ERROR, f"{op} does not apply to {left.type}: only == and != do")
        if lk in (CODES, TEXTS, LIST):
            raise self.fail(
                node, TYPE_ERROR, f"lists cannot be compared with {op}", hint="use has_any(item.nationalities, [...]) or len(...)"
            )
        for enum_side, other in ((left, right), (right, left)):
            if (
                enum_side.type.kind == ENUM
                and isinstance(other, (Lit, Param))
                and isinstance(other.value, str)
                and other.value not in enum_side.type.choices
            ):
                raise self.fail(
                    node,
                    TYPE_ERROR,
                    f"{other.value!r} is never a value of {_text(enum_side)}",
                    hint=_did_you_mean(str(other.value), enum_side.type.choices)
                    or "values: " + ", ".join(enum_side.type.choices),
                )
        return Cmp(op, left, right)

    def _membership(self, node: ast.AST, needle: Node, haystack: Node, negated: bool) -> Node:
        if haystack.type.kind != TEXTS or not isinstance(haystack, (Lit, Param)):
            hint = 'write x in ["a", "b"] or x in a list parameter'
            if haystack.type.kind == CODES:
                hint = 'to test nationalities, use has_any(item.nationalities, ["SY"])'
            if isinstance(haystack, Path) and haystack.gather:
                hint = f"to test whether one of the {haystack.gather} has a value, use has_any({haystack.path}, [...])"
            raise self.fail(node, TYPE_ERROR, f"'in' needs a list of texts on its right, got {haystack.type.a}", hint=hint)
        if needle.type.kind not in (TEXT, ENUM):
            raise self.fail(node, TYPE_ERROR, f"'in' tests a text or choice field, got {needle.type.a}")
        if needle.type.kind == ENUM:
            stray = [v for v in haystack.value if v not in needle.type.choices] if isinstance(haystack.value, tuple) else []
            if stray:
                raise self.fail(
                    node,
                    TYPE_ERROR,
                    f"{stray[0]!r} is never a value of {_text(needle)}",
                    hint=_did_you_mean(stray[0], needle.type.choices) or "values: " + ", ".join(needle.type.choices),
                )
        return In(needle, haystack, negated)

    def _Call(self, node: ast.Call, depth: int) -> Node:
        if not isinstance(node.func, ast.Name):
            raise self.fail(
                node, SYNTAX, "only the named functions can be called", hint="functions: " + ", ".join(sorted(FUNCTIONS))
            )
        function = FUNCTIONS.get(node.func.id)
        if function is None:
            raise self.fail(
                node,
                SYNTAX,
                f"unknown function {node.func.id!r}",
                hint=_did_you_mean(node.func.id, sorted(FUNCTIONS)) or "functions: " + ", ".join(sorted(FUNCTIONS)),
            )
        if node.keywords or len(node.args) != len(function.params):
            raise self.fail(
                node,
                TYPE_ERROR,
                f"{function.name}() takes {len(function.params)} argument(s): "
                + ", ".join(str(FieldType(k)) for k in function.params),
            )
        if function.name in GATHERING_FUNCTIONS and node.args:
            self.gathering_place = node.args[0]
        args = tuple(self.translate(arg, depth) for arg in node.args)
        for index, (arg, kind) in enumerate(zip(args, function.params)):
            if isinstance(arg, Path) and arg.gather and not (function.name in GATHERING_FUNCTIONS and index == 0):
                raise self.fail(
                    node.args[index],
                    TYPE_ERROR,
                    f"{arg.path} gathers a field over the {arg.gather}: it can only be the first argument of "
                    + " or ".join(f"{name}()" for name in GATHERING_FUNCTIONS),
                    hint=f"for example has_any({arg.path}, [...]), true when one of the {arg.gather} has one of the values",
                )
            accepted = {LIST, CODES, TEXTS} if kind == LIST else {CODES, TEXTS} if kind == LIST_OF_TEXT else {kind}
            if arg.type.kind not in accepted:
                raise self.fail(
                    node.args[index],
                    TYPE_ERROR,
                    f"argument {index + 1} of {function.name}() must be {FieldType(kind).a}, got {arg.type.a}",
                )
        return Call(function.name, args, function.result)


def _mixes_money_and_count(left: Node, right: Node) -> bool:
    """An amount in euro next to a whole-number *field* (a literal 1000 is fine)."""
    kinds = {left.type.kind, right.type.kind}
    if kinds != {MONEY, INT}:
        return False
    count = left if left.type.kind == INT else right
    return not _constant(count)


def _constant(node: Node) -> TypeGuard[Lit | Param]:
    return isinstance(node, (Lit, Param))


def _text(node: Node) -> str:
    if isinstance(node, Path):
        return node.text
    if isinstance(node, Param):
        return node.name
    if isinstance(node, Lit):
        return repr(node.value)
    return "the expression"


def _compare_hint(left: Node, right: Node) -> str:
    kinds = {left.type.kind, right.type.kind}
    if kinds & {INT, MONEY, DECIMAL} and kinds & {TEXT, ENUM}:
        return 'numbers are written without quotes: 150000, not "150000"'
    if kinds == {INSTANT, DATE}:
        return "compare a date-time with a date-time, or use local_date(submitted_at)"
    return "compare values of the same kind"


def _did_you_mean(word: str, candidates: Iterable[str], prefix: str = "") -> str | None:
    close = closest(word, candidates, cutoff=0.6)
    return f"did you mean {prefix}{close}?" if close is not None else None


def _describe(node: ast.AST) -> str:
    names = {
        "Call": "a call",
        "Subscript": "indexing with [ ]",
        "Lambda": "lambda",
        "Dict": "a dict",
        "Set": "a set",
        "IfExp": "if/else",
        "JoinedStr": "an f-string",
        "ListComp": "a comprehension",
        "GeneratorExp": "a generator",
        "Starred": "*",
        "Mod": "%",
        "Pow": "**",
        "FloorDiv": "//",
        "Is": "is",
        "IsNot": "is not",
        "BitAnd": "&",
        "BitOr": "|",
        "Invert": "~",
        "NamedExpr": ":=",
    }
    name = type(node).__name__
    return names.get(name, name)


# -- evaluation on typed values -------------------------------------------------------------

Lookup = Callable[[str | None, str], Any]  # (scope, path) -> value or None


def evaluate(node: Node, lookup: Lookup) -> Any:
    """Evaluate a typed node; ``None`` means unknown (some value it needs is missing).

    Numbers are ``int`` or ``Decimal`` (exact: a high-precision context and division only
    by constants), instants aware ``datetime``, dates ``date``. Nodes are told apart by
    ``type(node) is``: as fast as the lookup it replaced, and the type checker follows it.
    """
    if type(node) is Lit:
        return node.value
    if type(node) is Param:
        return None if node.value is UNRESOLVED else node.value
    if type(node) is Path:
        if node.gather is not None:
            return gathered(lookup(None, node.gather), node.element_field)
        return lookup(node.scope, node.path)
    if type(node) is Logic:
        decisive = node.op == "or"  # True decides "or", False decides "and"
        result: bool | None = not decisive
        for operand in node.operands:
            value = evaluate(operand, lookup)
            if value is decisive:
                return decisive
            if value is None:
                result = None
        return result
    if type(node) is NotOp:
        value = evaluate(node.operand, lookup)
        return None if value is None else not value
    if type(node) is Cmp:
        left, right = evaluate(node.left, lookup), evaluate(node.right, lookup)
        if left is None or right is None:
            return None
        return COMPARISONS[node.op](left, right)
    if type(node) is In:
        needle = evaluate(node.needle, lookup)
        haystack = evaluate(node.haystack, lookup)
        if needle is None or haystack is None:
            return None
        return (needle in haystack) != node.negated
    if type(node) is Arith:
        left, right = evaluate(node.left, lookup), evaluate(node.right, lookup)
        if left is None or right is None:
            return None
        with localcontext() as context:
            context.prec = 60
            if node.op == "+":
                return left + right
            if node.op == "-":
                return left - right
            if node.op == "*":
                return left * right
            if right == 0:
                return None
            return Decimal(left) / Decimal(right)
    if type(node) is Neg:
        value = evaluate(node.operand, lookup)
        return None if value is None else -value
    if type(node) is Call:
        function = FUNCTIONS[node.name]
        args = [evaluate(arg, lookup) for arg in node.args]
        if not function.partial and any(arg is None for arg in args):
            return None
        return function.impl(*args)
    raise TypeError(f"not an expression node: {node!r}")


COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def children(node: Node) -> tuple[Node, ...]:
    """The nodes directly under ``node``."""
    if isinstance(node, Logic):
        return node.operands
    if isinstance(node, Call):
        return node.args
    if isinstance(node, (Cmp, Arith)):
        return (node.left, node.right)
    if isinstance(node, In):
        return (node.needle, node.haystack)
    if isinstance(node, (NotOp, Neg)):
        return (node.operand,)
    return ()


def walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, ``node`` included (depth first, any order of siblings)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(children(current))


def unresolved(node: Node) -> bool:
    """Whether a node reads a dated parameter that has no value yet (no date known)."""
    return any(isinstance(current, Param) and current.value is UNRESOLVED for current in walk(node))


def parameters(node: Node) -> set[str]:
    """The names of the parameters a node reads."""
    return {current.name for current in walk(node) if isinstance(current, Param)}


def paths(node: Node) -> tuple[Path, ...]:
    """Every field a node reads, in reading order, without repeats."""
    seen: dict[Path, None] = {}

    def visit(current: Node) -> None:
        if isinstance(current, Path):
            seen.setdefault(current, None)
        for child in children(current):
            visit(child)

    visit(node)
    return tuple(seen)
