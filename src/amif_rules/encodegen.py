"""Generated fact encoders: one Python function per compiled ruleset that turns a
document's typed facts into the engine's encoded facts (:class:`~amif_rules.ir.EncodedFacts`).

Why: ``Plan.encode`` used to walk tables of (key, path, converter) for every document and
every list element, unpacking a tuple and testing for a converter at each step. The
function written here reads each path the ruleset needs into a local, converts it where its
type asks, and builds each fact in one go.

What keeps it safe (see :mod:`amif_rules.codegen`): fact keys, paths and list names are
written with ``codegen.literal`` after an exact ``str`` check; converters and derived
values are functions the compiler made, handed to the code under names the generator
makes (``C0``, ``D1``, ``B2``); the source is audited before it is compiled.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from .codegen import COMMON_NODES, Vocabulary, Writer, build, text_literal

#: (key, path, converter or None) of facts read as they are given
Read = tuple[tuple[str, str, Callable[[Any], Any] | None], ...]
#: per list: (list name, its element reads, the root keys copied into each element,
#: (key, bind, remembered by) of its derived values: bind(root values) -> (element values
#: -> value); where "remembered by" names an element field, bind returns an object whose
#: ``memo`` maps that field's values to answers, and it is called only on a miss)
Scope = tuple[str, Read, tuple[str, ...], tuple[tuple[str, Callable[[Any], Callable[[Any], Any]], str | None], ...]]
#: (root reads, (key, compute) of the root's derived values, the lists)
Encoding = tuple[Read, tuple[tuple[str, Callable[[Any, Any], Any]], ...], tuple[Scope, ...]]
#: (typed root values, typed elements by list) -> (encoded root, encoded elements by list)
Encoder = Callable[[dict[str, Any], dict[str, Any]], tuple[dict[str, Any], dict[str, tuple[dict[str, Any], ...]]]]

VOCABULARY = Vocabulary(
    names=frozenset({"values", "lists", "root", "items", "NO_ELEMENT", "NOTHING"}),
    prefixes=frozenset({"v", "e", "s", "f", "b", "o", "m", "C", "D", "B"}),
    calls=frozenset({"tuple"}),
    attributes=frozenset({"get", "copy", "append", "memo"}),
    functions=frozenset({"encode"}),
    nodes=(*COMMON_NODES, ast.Dict),  # the empty dicts it starts facts with
    call_prefixes=frozenset({"C", "D", "B", "b"}),  # converters, derivations, bound derivations
)


#: What a memo holds for no answer (an answer may be None: unknown).
_NOTHING = object()


def _text(value: Any) -> str:
    return text_literal(value, "a fact key, path or list name")


class _Writer(Writer):
    def read(self, depth: int, target: str, source: str, reads: Read) -> None:
        """``target[key] = converted source.get(path)`` for each read whose value is given."""
        for key, path, convert in reads:
            value = self.name("v")
            self.emit(depth, f"{value} = {source}.get({_text(path)})")
            self.emit(depth, f"if {value} is not None:")
            written = value if convert is None else f"{self.function('C', convert)}({value})"
            self.emit(depth + 1, f"{target}[{_text(key)}] = {written}")

    def put(self, depth: int, target: str, key: str, call: str) -> None:
        """``target[key] = call`` when the call's value is not None."""
        value = self.name("v")
        self.emit(depth, f"{value} = {call}")
        self.emit(depth, f"if {value} is not None:")
        self.emit(depth + 1, f"{target}[{_text(key)}] = {value}")


def generate(encoding: Encoding) -> tuple[str, dict[str, Any]]:
    """The source of ``encode(values, lists)`` for ``encoding`` (what ``Plan`` computes
    once), and the names it calls: the converters and derived values."""
    reads, derived, scopes = encoding
    writer = _Writer()
    writer.emit(1, "root = {}")
    writer.read(1, "root", "values", reads)
    for key, compute in derived:
        writer.put(1, "root", key, f"{writer.function('D', compute)}(values, NO_ELEMENT)")
    writer.emit(1, "items = {}")
    for scope, element_reads, shared_keys, binds in scopes:
        elements, shared, out, fact = writer.name("e"), writer.name("s"), writer.name("o"), writer.name("f")
        writer.emit(1, f"{elements} = lists.get({_text(scope)}, ())")
        writer.emit(1, f"if not {elements}:")
        writer.emit(2, f"items[{_text(scope)}] = ()")
        writer.emit(1, "else:")
        if shared_keys:
            writer.emit(2, f"{shared} = {{}}")
        for key in shared_keys:
            value = writer.name("v")
            writer.emit(2, f"{value} = root.get({_text(key)})")
            writer.emit(2, f"if {value} is not None:")
            writer.emit(3, f"{shared}[{_text(key)}] = {value}")
        bound = [(key, writer.name("b"), writer.function("B", bind), by, writer.name("m")) for key, bind, by in binds]
        for _, local, bind_name, by, memo in bound:
            writer.emit(2, f"{local} = {bind_name}(values)")
            if by is not None:
                writer.emit(2, f"{memo} = {local}.memo")
        writer.emit(2, f"{out} = []")
        element = writer.name("v")
        writer.emit(2, f"for {element} in {elements}:")
        writer.emit(3, f"{fact} = {shared}.copy()" if shared_keys else f"{fact} = {{}}")
        writer.read(3, fact, element, element_reads)
        fields: dict[str, str] = {}  # element fields read for remembered answers, once each
        for key, local, _, by, memo in bound:
            if by is None:
                writer.put(3, fact, key, f"{local}({element})")
                continue
            # the remembered answer, looked up here; the call only on a miss
            field = fields.get(by)
            if field is None:
                field = fields[by] = writer.name("v")
                writer.emit(3, f"{field} = {element}.get({_text(by)})")
            value = writer.name("v")
            writer.emit(3, f"{value} = {memo}.get({field}, NOTHING)")
            writer.emit(3, f"if {value} is NOTHING:")
            writer.emit(4, f"{value} = {local}({element})")
            writer.emit(3, f"if {value} is not None:")
            writer.emit(4, f"{fact}[{_text(key)}] = {value}")
        writer.emit(3, f"{out}.append({fact})")
        writer.emit(2, f"items[{_text(scope)}] = tuple({out})")
    writer.emit(1, "return root, items")
    return "\n".join(["def encode(values, lists):", *writer.lines]) + "\n", writer.namespace


def encoder(encoding: Encoding, label: str, no_element: dict[str, Any]) -> tuple[str, Encoder]:
    """(source, function) for ``encoding``: generated, audited and compiled.
    ``no_element``: what root derivations get as their element (never written)."""
    source, names = generate(encoding)
    namespace = {"__builtins__": {"tuple": tuple}, "NO_ELEMENT": no_element, "NOTHING": _NOTHING, **names}
    return source, build(source, VOCABULARY, namespace, label)["encode"]
