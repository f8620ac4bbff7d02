"""Generated code, made safely: what every code generator of the package shares.

Every part of a check runs Python written by the package, as attrs writes ``__init__``
methods: the document reader (``readgen.py``, from its table of the document's fields), and
for one compiled ruleset the function that reads and decides (``quickcheck.py``), the
engine's decision function (``engines/generated.py``), the fact encoder (``encodegen.py``)
and the explanations (``explaingen.py``). None of them lets a
ruleset's or a document's text become code. Each generator writes only identifiers it makes,
literals written with :func:`literal` after an exact type check, and a fixed vocabulary of
statements; :func:`build` parses the source back, refuses anything outside that
generator's :class:`Vocabulary`, and only then compiles it, in a namespace holding nothing
but what the generator hands it.
"""

from __future__ import annotations

import ast
import re
import threading
from collections.abc import Callable
from typing import Any

import attrs

#: The file name every generated code object carries (audit hooks can tell it apart).
GENERATED_PREFIX = "<amif_rules generated "
#: Generators build under this lock: CPython 3.11's ``ast`` is not safe to run in several
#: threads at once (its recursion counter is shared: "AST constructor recursion depth mismatch").
BUILD_LOCK = threading.RLock()


class GeneratorError(Exception):
    """A generator met something it does not write, or its source left its vocabulary
    (never expected: the compiled form is validated before any code is written)."""


def literal(value: Any) -> str:
    """``repr`` of a validated literal: only exact ``int``, ``str``, ``bool`` and None."""
    if value is None or type(value) is bool or type(value) is int or type(value) is str:
        return repr(value)
    raise GeneratorError(f"not a literal the generator writes: {type(value).__name__}")


def text_literal(value: Any, what: str = "text") -> str:
    """:func:`literal` of a value that must be text (a ruleset's text, a fact key, a path);
    ``what`` names it in the error."""
    if type(value) is not str:
        raise GeneratorError(f"{what} must be text, got {type(value).__name__}")
    return literal(value)


#: The node kinds every generator may write.
COMMON_NODES: tuple[type[ast.AST], ...] = (
    ast.Module,
    ast.FunctionDef,
    ast.arguments,
    ast.arg,
    ast.Assign,
    ast.Return,
    ast.If,
    ast.For,
    ast.While,
    ast.Break,
    ast.Expr,
    ast.Call,
    ast.Attribute,
    ast.Subscript,
    ast.Name,
    ast.Load,
    ast.Store,
    ast.Constant,
    ast.Tuple,
    ast.List,
    ast.IfExp,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.BinOp,
    ast.Add,
    ast.Mult,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.Is,
    ast.IsNot,
    ast.In,
    ast.NotIn,
)


class Writer:
    """Writes one generated function's statements, makes its names (a prefix and a number,
    unique within the writer) and hands over the functions it calls (:meth:`function`).
    ``lines``: a list shared with another writer whose names begin with other prefixes, to
    write into the same function."""

    def __init__(self, lines: list[str] | None = None) -> None:
        self.lines: list[str] = [] if lines is None else lines
        self.namespace: dict[str, Any] = {}
        self.count = 0

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def function(self, prefix: str, function: Callable[..., Any]) -> str:
        """A function handed to the code under a made name (``C3``)."""
        if not callable(function):
            raise GeneratorError("a converter or derived value must be a function")
        name = self.name(prefix)
        self.namespace[name] = function
        return name


_MADE_NAME = re.compile(r"([A-Za-z]+)([0-9]+)")


def _no_name(name: str) -> bool:
    return False


@attrs.frozen
class Vocabulary:
    """What one generator's source may hold."""

    #: Names the generator writes literally: its function's parameters and results.
    names: frozenset[str]
    #: Prefixes of the names it makes (``v`` for ``v12``): a prefix and digits.
    prefixes: frozenset[str]
    #: The only names it calls directly (builtins it hands over, or names it made).
    calls: frozenset[str]
    #: The only attributes it reads.
    attributes: frozenset[str]
    #: The functions it defines.
    functions: frozenset[str]
    nodes: tuple[type[ast.AST], ...] = COMMON_NODES
    #: Prefixes of made names that hold functions the generator hands over, and may be called.
    call_prefixes: frozenset[str] = frozenset()
    #: Further names allowed by a test of the generator's own (rarely needed).
    extra: Callable[[str], bool] = _no_name

    def allows_name(self, name: str) -> bool:
        if name in self.names or name in self.calls or self.extra(name):
            return True
        made = _MADE_NAME.fullmatch(name)
        return made is not None and made.group(1) in self.prefixes

    def allows_call(self, name: str) -> bool:
        if name in self.calls:
            return True
        made = _MADE_NAME.fullmatch(name)
        return made is not None and made.group(1) in self.call_prefixes and made.group(1) in self.prefixes


def audit(source: str, vocabulary: Vocabulary) -> ast.Module:
    """Parse generated source back and refuse anything outside ``vocabulary``: other node
    kinds, names the generator did not make, calls or attributes it does not write,
    constants of other types (only ``int``, ``str``, ``bool`` and None)."""
    tree = ast.parse(source, mode="exec")
    for node in ast.walk(tree):
        if not isinstance(node, vocabulary.nodes):
            raise GeneratorError(f"generated code holds a {type(node).__name__}")
        if isinstance(node, ast.Name) and not vocabulary.allows_name(node.id):
            raise GeneratorError(f"generated code names {node.id!r}")
        if isinstance(node, ast.Attribute) and node.attr not in vocabulary.attributes:
            raise GeneratorError(f"generated code reads .{node.attr}")
        if isinstance(node, ast.Call) and not (
            (isinstance(node.func, ast.Name) and vocabulary.allows_call(node.func.id)) or isinstance(node.func, ast.Attribute)
        ):
            raise GeneratorError("generated code calls something it did not name")
        if isinstance(node, ast.Constant) and type(node.value) not in (int, str, bool, type(None)):
            raise GeneratorError(f"generated code holds a constant of type {type(node.value).__name__}")
        if isinstance(node, ast.FunctionDef) and node.name not in vocabulary.functions:
            raise GeneratorError(f"generated code defines {node.name!r}")
    return tree


def build(source: str, vocabulary: Vocabulary, namespace: dict[str, Any], label: str) -> dict[str, Any]:
    """Audit ``source``, compile it under a file name starting with
    :data:`GENERATED_PREFIX` and run it in ``namespace`` (the generator's names; builtins
    only as the generator lists them). Returns the namespace, holding what it defined."""
    with BUILD_LOCK:
        tree = audit(source, vocabulary)
        code = compile(tree, f"{GENERATED_PREFIX}{label}>", "exec")
    namespace.setdefault("__builtins__", {})
    exec(code, namespace)  # noqa: S102 - audited source written from a validated compiled form
    return namespace
