"""Generated explanations: one straight-line Python function per rule, outcome and language
that lists the fields the rule read and writes its message, as attrs writes ``__init__``.

Why: :func:`amif_rules.explain.explainer` (the reference, kept) runs a loop over the rule's
steps with a dispatch per step, then the renderer's loop over the template's parts with a
dispatch per part. What a rule, an outcome and a language decide is known before any
document is read, so the generator writes it out: each value read once into a local, the
``fields`` dict as one literal, the message as one ``"".join([...])``, ``missing`` worked out
only where the message or the register's note uses it, the default message and the
placeholders that read no field (parameters, literals) written out once. In a rule on list
elements, what is made of a value of the root (its ISO text, its formatted text) is made once
per document: a memo keeps the last value, by identity, and its text. ``row=True`` writes the
result's JSON object of contract §2 as well, which is what ``Verdict.to_dict`` runs.

What keeps it safe (the rules of :mod:`amif_rules.codegen`): the generated source holds

- identifiers the generator makes (a letter prefix and digits: ``v3``, ``p1``, ``W0``) and a
  few fixed names (the function's parameters, its locals, the helpers it is handed);
- literals written with :func:`~amif_rules.codegen.literal` after an exact type check: the
  template's literal text, the paths and field names, the kinds and formats, the language,
  the interface's own words; all of them ruleset text is only ever a literal;
- calls only to the helpers the namespace holds: ``format_cached`` and ``format_value`` (the
  renderer's own formatting), ``json_value`` and ``register_notes`` (from ``explain``), the
  builtins ``format``, ``len``, ``list``, ``str``, ``enumerate``, and for each placeholder that
  needs the expression evaluator, its writer (``messages.render_plan``), handed over as
  ``W0``, ``W1``...; no f-string, no comprehension, no lambda, no import.

:func:`amif_rules.codegen.build` parses the source back, refuses anything outside
:data:`VOCABULARY`, and only then compiles it. ``tests/pipeline/test_explaingen.py`` holds the
generated functions to the reference's result, byte for byte, on generated documents of every
bundled ruleset, and fuzzes the generator with hostile templates.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

import attrs

from . import explain, expr, messages
from .codegen import BUILD_LOCK, COMMON_NODES, GeneratorError, Vocabulary, Writer, audit, build, text_literal
from .ruleset import Rule

__all__ = ["VOCABULARY", "GeneratorError", "explain_source", "explainer", "generate"]

#: The fixed names generated code holds beside the names it makes.
_LOCALS = frozenset(
    {"facts", "element", "item_path", "root", "item", "fields", "missing", "message", "look", "scope", "path", "key", "value"}
)
#: The helpers and builtins generated code calls (all handed over in its namespace).
_HELPERS = frozenset(
    {
        "format_cached",
        "format_value",
        "json_value",
        "default_message",
        "register_notes",
        "format",
        "len",
        "list",
        "str",
        "enumerate",
    }
)

VOCABULARY = Vocabulary(
    names=_LOCALS | {"TypeError"},
    # v: a value read, p: a formatted part, i/x: a gathered element's index and element,
    # m: a memo read, X: a placeholder's node, W: a placeholder's writer, M: a memo.
    prefixes=frozenset({"v", "p", "i", "x", "m", "X", "W", "M"}),
    calls=_HELPERS,
    attributes=frozenset({"root", "get", "reference_date_source", "provenance", "isoformat", "join", "items", "append"}),
    functions=frozenset({"explain", "look"}),
    nodes=(*COMMON_NODES, ast.Dict, ast.Try, ast.ExceptHandler),
)


def _namespace() -> dict[str, Any]:
    """What every generated function may reach: the helpers above, nothing else."""
    return {
        "__builtins__": {},
        "TypeError": TypeError,
        "format_cached": messages.format_cached,
        "format_value": messages.format_value,
        "json_value": explain.json_value,
        "default_message": messages.default_message,
        "register_notes": explain.register_notes,
        "format": format,
        "len": len,
        "list": list,
        "str": str,
        "enumerate": enumerate,
    }


def _text(value: Any) -> str:
    """A literal of text the generator writes (ruleset text, a path, a word): ``str`` only."""
    return text_literal(value, "a text the generator writes")


class _Writer(Writer):
    """Writes the body of one generated function, statement by statement."""

    def __init__(self) -> None:
        super().__init__()
        #: (in the element?, path) -> the local holding its value (each read once)
        self.reads: dict[tuple[bool, str], str] = {}
        self.writers = 0
        self.look = False
        #: whether the rule is on list elements (see :meth:`memo`)
        self.per_element = False

    def read(self, in_item: bool, path: str) -> str:
        """The local holding ``element.get(path)`` or ``root.get(path)``, read once."""
        key = (in_item, path)
        local = self.reads.get(key)
        if local is None:
            local = self.reads[key] = self.name("v")
            self.emit(1, f"{local} = {'element' if in_item else 'root'}.get({_text(path)})")
        return local

    def memo(self, local: str, none: str, depth: int) -> tuple[str, str]:
        """(memo, out): statements that leave in ``out`` the text of the last value seen if
        ``local`` holds that very object, ``none`` if it holds None, and otherwise open the
        ``else:`` in which the caller computes ``out`` and stores ``memo[0] = (local, out)``.

        For a value of the root that a rule on list elements reads: the same object for every
        element of a document, so its text is made once per document. Identity, never
        equality (equal instants in other zones are written differently); a value is one
        tuple swapped at once, so threads never see a value with another's text; the memo
        starts with a marker no value is."""
        memo, last, out = self.hand("M", [(_Marker(), None)]), self.name("m"), self.name("p")
        self.emit(depth, f"{last} = {memo}[0]")
        self.emit(depth, f"if {last}[0] is {local}:")
        self.emit(depth + 1, f"{out} = {last}[1]")
        self.emit(depth, f"elif {local} is None:")
        self.emit(depth + 1, f"{out} = {none}")
        self.emit(depth, "else:")
        return memo, out

    def hand(self, prefix: str, value: Any) -> str:
        """A name for an object the generated code is handed (a node, a writer)."""
        name = f"{prefix}{len(self.namespace)}"
        self.namespace[name] = value
        return name


def _converted(local: str, convert: str) -> str:
    """The JSON value of the value in ``local`` (None stays None), as :data:`explain.CONVERTERS`."""
    if convert == explain.AS_IS:
        return local
    if convert == explain.AS_DECIMAL:
        return f"None if {local} is None else format({local}, 'f')"
    if convert == explain.AS_ISO:
        return f"None if {local} is None else {local}.isoformat()"
    if convert == explain.AS_LIST:
        return f"None if {local} is None else list({local})"
    if convert == explain.AS_JSON:
        return f"None if {local} is None else json_value({local})"
    raise GeneratorError(f"not a conversion the generator writes: {convert!r}")


def _iso(writer: _Writer, local: str, depth: int) -> str:
    """``local.isoformat()`` (None stays None), once per document (see :meth:`_Writer.memo`)."""
    memo, out = writer.memo(local, "None", depth)
    writer.emit(depth + 1, f"{out} = {local}.isoformat()")
    writer.emit(depth + 1, f"{memo}[0] = ({local}, {out})")
    return out


class _Marker:
    """What a memo holds before its first value: no value is it."""


def _fields(writer: _Writer, rule: Rule) -> None:
    """Statements that leave in ``fields`` what :func:`explain.fields_reader` returns: the
    unconditional steps up to the first conditional one as one dict literal, then one
    assignment per step (a dict keeps the first place and the last value of a key either way)."""
    plan = explain.fields_plan(rule)
    # Every value a step reads, read once (the template's fields share them).
    values: list[str] = []
    for step, path, _, _ in plan:
        if step == explain.ITEM_STEP:
            values.append(writer.read(True, path))
        elif step in (explain.ROOT_STEP, explain.LIST_STEP, explain.REFERENCE_DATE_STEP, explain.GATHER_STEP):
            values.append(writer.read(False, path))
        elif step == explain.UNRESOLVED_STEP:
            values.append("None")
        else:
            raise GeneratorError(f"not a step the generator writes: {step!r}")
    if any(step == explain.ITEM_STEP for step, _, _, _ in plan):
        writer.emit(1, "item = item_path or ''")
    entries: list[str] = []  # the dict literal, while no step has been conditional
    started = False

    def put(key: str, value: str, depth: int = 1) -> None:
        if started:
            writer.emit(depth, f"fields[{key}] = {value}")
        else:
            entries.append(f"{key}: {value}")

    def start() -> None:
        nonlocal started
        if not started:
            writer.emit(1, "fields = {" + ", ".join(entries) + "}")
            started = True

    for (step, path, name, convert), local in zip(plan, values):
        if step == explain.ITEM_STEP:
            put(f"item + {_text(name)}", _converted(local, convert))
        elif step == explain.ROOT_STEP and convert == explain.AS_ISO and rule.for_each is not None:
            put(_text(name), _iso(writer, local, 1))
        elif step == explain.ROOT_STEP:
            put(_text(name), _converted(local, convert))
        elif step == explain.LIST_STEP:
            put(_text(name), f"None if {local} is None else len({local})")
        elif step == explain.REFERENCE_DATE_STEP:
            start()
            writer.emit(1, "if facts.reference_date_source != 'on':")
            put(_text(name), _iso(writer, local, 2) if rule.for_each is not None else _converted(local, explain.AS_ISO), 2)
        elif step == explain.UNRESOLVED_STEP:
            start()
            writer.emit(1, "if facts.reference_date_source is None:")
            put(_text("submitted_at"), "None", 2)
        else:  # GATHER_STEP: each element's field, by its own path
            start()
            index, each, value = writer.name("i"), writer.name("x"), writer.name("v")
            writer.emit(1, f"if {local} is None:")
            put(_text(path), "None", 2)
            writer.emit(1, f"for {index}, {each} in enumerate({local} or ()):")
            writer.emit(2, f"{value} = {each}.get({_text(name)})")
            key = f"{_text(path + '[')} + str({index}) + {_text('].' + name)}"
            put(key, _converted(value, convert), 2)
    start()


def _missing(writer: _Writer) -> None:
    """``missing``: the paths whose value is None, in the order of ``fields``."""
    writer.emit(1, "missing = []")
    writer.emit(1, "for key, value in fields.items():")
    writer.emit(2, "if value is None:")
    writer.emit(3, "missing.append(key)")


def _missing_text(lang: str) -> str:
    """``{missing}``: the missing paths, or the language's word for none."""
    return f"(', '.join(missing) if missing else {_text(messages.NOTHING[lang])})"


def _no_lookup(scope: str | None, path: str) -> Any:
    raise GeneratorError("a constant placeholder read a field")


def _constant_text(part: str | messages.Placeholder, write: Any) -> str | None:
    """The text of a placeholder that reads no field (a parameter or a literal, possibly
    negated): the same for every document, so written once, by its own writer; None for any
    other placeholder (or one whose writer fails: then it fails when a message is written,
    as the reference does)."""
    node = part.node if isinstance(part, messages.Placeholder) else None
    while isinstance(node, expr.Neg):
        node = node.operand
    if not isinstance(node, (expr.Param, expr.Lit)):
        return None
    try:
        text = write(_no_lookup)[2]
    except Exception:  # noqa: BLE001 - left to the run, where the reference meets it too
        return None
    return text if type(text) is str else None


def _part(writer: _Writer, part: str | messages.Placeholder, kind: int, data: Any, lang: str) -> tuple[str, str | None]:
    """An expression for one part of the template (statements before it, where it needs them),
    written as :func:`messages.renderer` writes the part, and its text when it is the same for
    every document (None otherwise)."""
    missing_word = _text(messages.MISSING[lang])
    if kind == messages.PART_TEXT:
        return _text(data), data
    if kind == messages.PART_ITEM:
        return "(item_path or '')", None
    if kind == messages.PART_MISSING:
        return _missing_text(lang), None
    if kind == messages.PART_TEXT_FIELD:
        in_item, path = data
        local = writer.read(bool(in_item), path)
        return f"({missing_word} if {local} is None else {local})", None
    if kind == messages.PART_FIELD:
        in_item, path, value_kind, field, fmt, node = data
        local, node_name = writer.read(bool(in_item), path), writer.hand("X", node)
        written_format = "None" if fmt is None else _text(fmt)
        arguments = f"{_text(value_kind)}, {_text(field)}, {_text(lang)}, {written_format}"
        fallback = f"{node_name}, {_text(lang)}, {written_format}"
        # A value of the root, in a rule on list elements: the same object for every element.
        memo = writer.memo(local, missing_word, 1) if writer.per_element and not in_item else None
        out = memo[1] if memo is not None else writer.name("p")
        depth = 2  # inside the else: of the memo, or of the test for None
        if memo is None:
            writer.emit(1, f"if {local} is None:")
            writer.emit(2, f"{out} = {missing_word}")
            writer.emit(1, "else:")
        writer.emit(depth, "try:")
        writer.emit(depth + 1, f"{out} = format_cached({local}, {arguments})")
        writer.emit(depth, "except TypeError:")
        writer.emit(depth + 1, f"{out} = format_value({local}, {fallback})")
        if memo is not None:
            writer.emit(depth, f"{memo[0]}[0] = ({local}, {out})")
        return out, None
    if kind == messages.PART_WRITER:
        constant = _constant_text(part, data)
        if constant is not None:
            return _text(constant), constant
        if not writer.look:
            writer.look = True
            writer.emit(1, "def look(scope, path):")
            writer.emit(2, "return element.get(path) if scope is not None else root.get(path)")
        name = f"W{writer.writers}"
        writer.writers += 1
        writer.namespace[name] = data
        return f"{name}(look)[2]", None
    raise GeneratorError(f"not a template part the generator writes: {kind!r}")


def _message(writer: _Writer, template: messages.Template, lang: str) -> None:
    """``message``: the template filled in; the parts that are the same for every document
    joined once, here."""
    plan = messages.render_plan(template, lang)
    pieces: list[str] = []
    constant: list[str] = []  # the run of constant texts before the next piece
    for part, (kind, data) in zip(template.parts, plan):
        expression, text = _part(writer, part, kind, data, lang)
        if text is not None:
            constant.append(text)
            continue
        if constant:
            pieces.append(_text("".join(constant)))
            constant = []
        pieces.append(expression)
    if not pieces:
        writer.emit(1, f"message = {_text(''.join(constant))}")
        return
    if constant:
        pieces.append(_text("".join(constant)))
    writer.emit(1, "message = ''.join([" + ", ".join(pieces) + "])")


def _generate(rule: Rule, outcome: str, lang: str, row: bool = False) -> tuple[str, dict[str, Any]]:
    """(source, the names it is handed) of the explanation of ``rule`` with ``outcome`` in ``lang``
    (``row``: returning the result's JSON object instead, see :func:`explainer`)."""
    _text(outcome)
    _text(lang)
    if lang not in messages.MISSING:
        raise GeneratorError(f"not a language: {lang!r}")
    writer = _Writer()
    writer.per_element = rule.for_each is not None
    writer.emit(1, "root = facts.root")
    _fields(writer, rule)
    template = rule.messages.template(outcome, lang)
    unknown = outcome == "unknown"
    if template is not None:
        uses_missing = unknown or any(
            isinstance(part, messages.Placeholder) and part.node is None and part.text != "item" for part in template.parts
        )
    else:  # the default message: unknown names what is missing; an outcome without one fails as the reference does
        uses_missing = unknown or outcome not in messages.DEFAULT_MESSAGES
    if uses_missing:
        _missing(writer)
    if template is not None:
        _message(writer, template, lang)
    elif unknown:  # the default message of an unknown result names what is missing
        pieces = messages.DEFAULT_MESSAGES["unknown"][lang].split("{missing}")
        writer.emit(1, f"message = {_missing_text(lang)}.join([" + ", ".join(_text(piece) for piece in pieces) + "])")
    elif outcome in messages.DEFAULT_MESSAGES:
        writer.emit(1, f"message = {_text(messages.default_message(outcome, lang))}")
    else:
        writer.emit(1, f"message = default_message({_text(outcome)}, {_text(lang)}, missing)")
    if unknown:
        writer.emit(1, "if missing and facts.provenance:")
        writer.emit(2, f"message = message + register_notes(facts.provenance, missing, {_text(lang)})")
    if row:  # the JSON object of contract §2, as verdict._result_dict writes it
        head = f"'id': {_text(rule.id)}, 'outcome': {_text(outcome)}, 'severity': {_text(rule.severity)}"
        tail = f"'source': {_text(rule.source)}"
        writer.emit(1, "if item_path is None:")
        writer.emit(2, f"return {{{head}, 'message': message, 'fields': fields, {tail}}}")
        writer.emit(1, f"return {{{head}, 'message': message, 'fields': fields, {tail}, 'item': item_path}}")
    else:
        writer.emit(1, "return (message, fields)")
    source = "\n".join(["def explain(facts, element, item_path):", *writer.lines]) + "\n"
    return source, writer.namespace


def generate(rule: Rule, outcome: str, lang: str, row: bool = False) -> str:
    """The source of the explanation of ``rule`` with ``outcome`` in ``lang``:
    ``explain(facts, element, item_path) -> (message, fields)``, as :func:`explain.explainer`
    (``row``: the result's JSON object, see :func:`explainer`)."""
    with BUILD_LOCK:
        return _generate(rule, outcome, lang, row)[0]


def _vocabulary(given: dict[str, Any]) -> Vocabulary:
    """The vocabulary of one generated function: :data:`VOCABULARY` and the writers it calls."""
    writers = frozenset(name for name in given if name.startswith("W"))
    return attrs.evolve(VOCABULARY, calls=VOCABULARY.calls | writers) if writers else VOCABULARY


def explainer(rule: Rule, outcome: str, lang: str, row: bool = False) -> Callable[..., Any]:
    """The generated explanation of ``rule`` with ``outcome`` in ``lang``, audited and compiled
    (under :data:`~amif_rules.codegen.BUILD_LOCK`; callers cache it: ``verdict`` once per
    ruleset, rule, outcome and language): ``(facts, element, item path) -> (message, fields)``,
    what :func:`explain.explainer` returns. With ``row``, the function returns the result's
    JSON object of contract §2 instead (``id``, ``outcome``, ``severity``, ``message``,
    ``fields``, ``source``, and ``item`` when the item path is not None), for
    ``Verdict.to_dict``."""
    with BUILD_LOCK:
        source, given = _generate(rule, outcome, lang, row)
        namespace = {**_namespace(), **given}
        label = f"{'row' if row else 'explain'} {rule.id[:40]} {outcome} {lang}"
        built = build(source, _vocabulary(given), namespace, label)
    function: Callable[..., Any] = built["explain"]
    return function


def explain_source(rule: Rule, outcome: str, lang: str, row: bool = False) -> str:
    """The generated source of one rule's explanation, as it runs (for reading and debugging)."""
    return generate(rule, outcome, lang, row)


def _audit(source: str, writers: int = 0) -> ast.Module:
    """Parse generated source back and refuse anything outside the vocabulary (for tests)."""
    return audit(source, _vocabulary({f"W{n}": None for n in range(writers)}))
