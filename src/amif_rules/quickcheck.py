"""A plain document to every rule's outcome in one generated function per ruleset.

For the built-in engine, ``check`` runs one function written for the ruleset in force: it
reads and validates the document (by the generated reader of :mod:`amif_rules.readgen`, the
same for every ruleset, made once), derives what the library derives (``facts.derive``: the
reference date, the register's populations), then takes each value the ruleset reads into a
local, converted to engine units, and decides each rule there, once per element of a list,
without building the engine's facts. Any problem with the document makes it return None,
and the full reader names every bad path.

What it must equal, and is held to (``tests/pipeline/test_quickcheck.py``): the reader's
facts, the plan's encoder (:meth:`~amif_rules.compiler.Plan.encode_reference`) and the
built-in engine's interpreter (:func:`~amif_rules.engines.python.rule_outcome`), on generated
documents of every bundled call. Safety: as every generator of the package
(:mod:`amif_rules.codegen`), it writes only names it makes and literals of validated values,
and its source is audited before it is compiled.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any, cast

from . import catalog, dates, readgen
from .codegen import BUILD_LOCK, GeneratorError, Vocabulary, Writer, build, text_literal
from .compiler import Plan
from .engines import get_engine
from .engines.generated import VOCABULARY as DECISION_VOCABULARY
from .engines.generated import RuleWriter
from .errors import UnknownCall
from .facts import Facts, derive
from .ir import RuleOutcome
from .ruleset import Ruleset

#: The encoding's prefixes: root values, element values, converters, root derivations,
#: bindings and their remembered answers, each rule's outcomes, an element's index and value.
_ENCODE_PREFIXES = frozenset({"r", "c", "C", "D", "B", "b", "n", "q", "j", "u"})

VOCABULARY = Vocabulary(
    names=frozenset({"data", "call", "submitted", "reader", "flat", "facts", "values", "lists", "made", "out"})
    | {"on", "register_date", "day", "READ", "DERIVE", "NO_ELEMENT", "NOTHING"},
    prefixes=DECISION_VOCABULARY.prefixes | _ENCODE_PREFIXES,
    calls=DECISION_VOCABULARY.calls | {"READ", "DERIVE"},
    attributes=DECISION_VOCABULARY.attributes | {"root", "items", "memo", "extend"},
    functions=frozenset({"check"}),
    call_prefixes=frozenset({"C", "D", "B", "b"}),
)

#: What a memo holds for no answer (an answer may be None: unknown).
_NOTHING = object()
#: Checks of a process that take the long way before any code is generated for the quick
#: one: a command that checks one document does not pay for writing code it runs once (the
#: reader and a ruleset's function take 10 to 20 ms to write, audit and compile; the long
#: way reads a document in about 0.3 ms). Both ways give the same verdict.
WARM_UP = 1
_checks = itertools.count()


def warmed_up() -> bool:
    """True from the check after the first :data:`WARM_UP` of this process."""
    return next(_checks) >= WARM_UP


class _Encoding(Writer):
    """Writes the encoding's statements, and hands its functions over under made names."""

    def value(self, depth: int, local: dict[str, str], key: str, prefix: str, source: str, path: str, convert: Any) -> None:
        """``local[key]``: a new local holding ``source``'s value at ``path``, converted."""
        if key in local:
            raise GeneratorError(f"a fact key is encoded twice: {key!r}")
        name = local[key] = self.name(prefix)
        self.emit(depth, f"{name} = {source}.get({text_literal(path, 'a path')})")
        if convert is not None:
            self.emit(depth, f"if {name} is not None:")
            self.emit(depth + 1, f"{name} = {self.function('C', convert)}({name})")


def generate(plan: Plan) -> tuple[str, dict[str, Any]]:
    """The source of ``check(data, call, submitted, reader, on, register_date, day, made)``
    for ``plan`` (→ (facts, outcomes), or None), and the names it is handed."""
    lines: list[str] = []
    writer = _Encoding(lines)
    rules = RuleWriter(lines)  # its names begin with other prefixes
    emit = writer.emit
    emit(1, "flat = READ(data, call, submitted, reader)")
    emit(1, "if flat is None:")
    emit(2, "return None")
    emit(1, "facts = DERIVE(flat, on, register_date, day)")
    emit(1, "values = facts.root")
    emit(1, "lists = facts.items")
    root_reads, root_derived, scopes = plan.encoding
    root_local: dict[str, str] = {}
    for key, path, convert in root_reads:
        writer.value(1, root_local, key, "r", "values", path, convert)
    for key, compute in root_derived:
        if key in root_local:
            raise GeneratorError(f"a fact key is encoded twice: {key!r}")
        name = root_local[key] = writer.name("r")
        emit(1, f"{name} = {writer.function('D', compute)}(values, NO_ELEMENT)")
    compiled = plan.compiled
    outcomes = [writer.name("q") for _ in compiled.rules]
    for position, rule in enumerate(compiled.rules):
        if rule.scope is None:
            emit(1, f"{outcomes[position]} = []")
            rules.rule(1, rule, "values", f"made[{position}].root", root_local, outcomes[position])
    for scope, element_reads, shared_keys, binds in scopes:
        scoped = [(position, rule) for position, rule in enumerate(compiled.rules) if rule.scope == scope]
        elements = writer.name("u")
        emit(1, f"{elements} = lists.get({text_literal(scope, 'a list name')}, ())")
        by_item = {}
        for position, _ in scoped:
            by_item[position] = writer.name("n")
            emit(1, f"{outcomes[position]} = []")
            emit(1, f"{by_item[position]} = made[{position}].for_items(len({elements}))")
        if not scoped:
            continue
        emit(1, f"if {elements}:")
        bound = []
        for key, bind, by in binds:
            binding, memo = writer.name("b"), writer.name("n")
            emit(2, f"{binding} = {writer.function('B', bind)}(values)")
            if by is not None:
                emit(2, f"{memo} = {binding}.memo")
            bound.append((key, binding, by, memo))
        index, element = writer.name("j"), writer.name("u")
        emit(2, f"for {index}, {element} in enumerate({elements}):")
        local = {key: root_local[key] for key in shared_keys if key in root_local}
        for key, path, convert in element_reads:
            local.pop(key, None)  # the element's own value, as the encoder's fact has it
            writer.value(3, local, key, "c", element, path, convert)
        fields: dict[str, str] = {}
        for key, bound_local, by, memo in bound:
            local.pop(key, None)
            name = local[key] = writer.name("c")
            if by is None:
                emit(3, f"{name} = {bound_local}({element})")
                continue
            field = fields.get(by)
            if field is None:
                field = fields[by] = writer.name("c")
                emit(3, f"{field} = {element}.get({text_literal(by, 'a path')})")
            emit(3, f"{name} = {memo}.get({field}, NOTHING)")
            emit(3, f"if {name} is NOTHING:")
            emit(4, f"{name} = {bound_local}({element})")
        for position, rule in scoped:
            rules.rule(3, rule, element, f"{by_item[position]}[{index}]", local, outcomes[position])
    emit(1, "out = []")
    for name in outcomes:
        emit(1, f"out.extend({name})")
    emit(1, "return facts, out")
    signature = "def check(data, call, submitted, reader, on, register_date, day, made):"
    return "\n".join([*rules.constants(), signature, *lines]) + "\n", writer.namespace


Checker = Callable[..., "tuple[Facts, list[RuleOutcome]] | None"]


def checker(plan: Plan) -> tuple[str, Checker]:
    """(source, function) of ``plan``'s reading and deciding function, generated, audited
    and compiled once per plan (under :data:`~amif_rules.codegen.BUILD_LOCK`)."""
    found = plan.generated.get("check")
    if found is not None:
        return cast("tuple[str, Checker]", found)
    with BUILD_LOCK:
        found = plan.generated.get("check")
        if found is None:
            source, names = generate(plan)
            namespace = {
                "__builtins__": {"frozenset": frozenset, "enumerate": enumerate, "len": len},
                **names,
                "READ": readgen.reader()[1],
                "DERIVE": derive,
                "NO_ELEMENT": plan.no_element,
                "NOTHING": _NOTHING,
            }
            found = plan.generated["check"] = (
                source,
                build(source, VOCABULARY, namespace, plan.compiled.key[:12] + " check")["check"],
            )
    return cast("tuple[str, Checker]", found)


def quick_check(
    document: dict[str, Any], call: str | None, on: dt.date | None, ruleset: Ruleset | None, decide: bool
) -> tuple[catalog.Prepared, Facts, tuple[RuleOutcome, ...] | None] | None:
    """The ruleset in force for a plain document, its facts and, with ``decide``, every
    rule's outcome by the built-in engine; None when the full reader must read it (which
    names every problem), or it names no known call."""
    begun = readgen.head(document) if type(document) is dict else None
    if begun is None:
        return None
    reader, name, submitted = begun
    day = dates.reference_date(submitted, on)
    if ruleset is not None:
        prepared = catalog.prepare_ruleset(ruleset, day)
    else:
        code = call if call is not None else name
        if code is None:
            return None
        try:
            prepared = catalog.for_call(str(code), day)
        except UnknownCall:
            return None  # the full reader first: a document's problems come before the call's
    register_date = dates.register_date(prepared.ruleset.register_date, day)
    plan = prepared.plan
    if decide:
        run = checker(plan)[1]
        made = get_engine("python").outcome_tables(plan.compiled)  # type: ignore[attr-defined]
        done = run(document, name, submitted, reader, on, register_date, day, made)
        if done is None:
            return None
        return prepared, done[0], tuple(done[1])
    flat = readgen.reader()[1](document, name, submitted, reader)
    if flat is None:
        return None
    return prepared, derive(flat, on=on, register_date=register_date, reference_date=day), None


__all__ = ["VOCABULARY", "WARM_UP", "checker", "generate", "quick_check", "warmed_up"]
