"""Generated decision code: one Python function per compiled ruleset that computes every
rule's outcome, written from the validated compiled form (:mod:`amif_rules.ir`) as attrs
writes ``__init__`` methods.

Why: interpreting the compiled conditions, or calling one closure per node, costs a
function call and a dispatch per node and per fact; a function written for the ruleset
reads each fact key once into a local and decides with plain comparisons.

What keeps it safe: nothing a ruleset or a document says ever becomes code. The generator
writes only

- identifiers it makes itself (``v0``, ``t3``, ``S1``, ``o2``, the function's parameters),
- literals of validated values, each written with ``repr`` after an exact type check
  (``int``, ``str``, ``bool``; fact keys and list names are ``str``),
- a fixed vocabulary of statements and operators.

The source is parsed back and every node checked against that vocabulary before it is
compiled (:mod:`amif_rules.codegen`), and ``tests/pipeline/test_generated.py`` fuzzes the generator
with hostile rulesets. The interpreter (:func:`.python.evaluate_condition`) stays the
reference: a property test holds the two to identical outcomes.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from ..codegen import BUILD_LOCK, GENERATED_PREFIX, GeneratorError, Vocabulary, Writer, audit, build, literal
from ..ir import (
    And,
    CompareConst,
    CompareKeys,
    CompiledRule,
    CompiledRuleset,
    Condition,
    Const,
    IsTrue,
    Linear,
    Member,
    Not,
    Or,
    RuleOutcome,
    condition_keys,
)

#: The comparison operators the compiled form uses, as Python writes them.
_OPERATORS = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
PASS, FAIL, UNKNOWN, NOT_APPLICABLE = OUTCOMES = ("pass", "fail", "unknown", "not_applicable")


__all__ = ["GENERATED_PREFIX", "GeneratorError", "RuleWriter", "decision_function", "generate", "source"]


def _literal(value: Any) -> str:
    """``repr`` of a validated literal: only exact ``int``, ``str`` and ``bool`` here."""
    if value is None:
        raise GeneratorError("not a literal the generator writes: NoneType")
    return literal(value)


class RuleWriter(Writer):
    """Writes the body of one generated function, statement by statement (into ``lines``
    shared with another writer in :mod:`amif_rules.quickcheck`)."""

    def __init__(self, lines: list[str] | None = None) -> None:
        super().__init__(lines)
        self.sets: dict[tuple[str, ...], str] = {}  # member value sets, hoisted as constants

    def constants(self) -> list[str]:
        """The statements that make the member value sets, before the function."""
        made = []
        for values, name in self.sets.items():
            items = ", ".join(_literal(value) for value in values) + ("," if len(values) == 1 else "")
            made.append(f"{name} = frozenset(({items}))")
        return made

    def value_set(self, values: tuple[str, ...]) -> str:
        found = self.sets.get(values)
        if found is None:
            found = self.sets[values] = f"S{len(self.sets)}"
        return found

    # -- one fact: load its keys once, then decide each condition --------------------------

    def load(self, depth: int, fact: str, keys: tuple[str, ...]) -> dict[str, str]:
        """Each key of the fact in a local (None when absent)."""
        local = {}
        for key in keys:
            local[key] = self.name("v")
            self.emit(depth, f"{local[key]} = {fact}.get({_literal(key)})")
        return local

    def condition(self, depth: int, node: Condition, local: dict[str, str]) -> str:
        """Statements that leave the Kleene truth of ``node`` in a fresh local; its name."""
        out = self.name("t")
        kind = type(node)
        if kind is Const:
            assert isinstance(node, Const)
            self.emit(depth, f"{out} = {_literal(node.value)}")
        elif kind is Linear:
            assert isinstance(node, Linear)
            names = [local[key] for _, key in node.terms]
            total = " + ".join([_term(coef, name) for (coef, _), name in zip(node.terms, names)] or ["0"])
            missing = " or ".join(f"{name} is None" for name in names) or "False"
            # sum + constant OP 0, written as sum OP -constant: one addition less
            bound = _literal(-_whole(node.constant))
            self.emit(depth, f"{out} = None if {missing} else {total} {_OPERATORS[node.op]} {bound}")
        elif kind is CompareConst:
            assert isinstance(node, CompareConst)
            name = local[node.key]
            self.emit(depth, f"{out} = None if {name} is None else {name} {_OPERATORS[node.op]} {_literal(node.value)}")
        elif kind is CompareKeys:
            assert isinstance(node, CompareKeys)
            left, right = local[node.left], local[node.right]
            self.emit(depth, f"{out} = None if {left} is None or {right} is None else {left} {_OPERATORS[node.op]} {right}")
        elif kind is Member:
            assert isinstance(node, Member)
            name, values = local[node.key], self.value_set(tuple(_checked_text(v) for v in node.values))
            test = "not in" if node.negated else "in"
            self.emit(depth, f"{out} = None if {name} is None else {name} {test} {values}")
        elif kind is IsTrue:
            assert isinstance(node, IsTrue)
            name = local[node.key]
            self.emit(depth, f"{out} = None if {name} is None else {name} is True")
        elif kind is Not:
            assert isinstance(node, Not)
            inner = self.condition(depth, node.operand, local)
            self.emit(depth, f"{out} = None if {inner} is None else not {inner}")
        elif kind is And or kind is Or:
            assert isinstance(node, (And, Or))
            self._connective(depth, out, kind is Or, node.operands, local)
        else:
            raise GeneratorError(f"not a compiled condition: {kind.__name__}")
        return out

    def _connective(self, depth: int, out: str, decisive: bool, operands: tuple[Condition, ...], local: dict[str, str]) -> None:
        """Kleene's ``and`` (``decisive`` False) or ``or`` (True), short-circuiting as the
        interpreter does: the first decisive operand ends it (a ``while`` left by ``break``
        keeps the code flat however many operands there are)."""
        self.emit(depth, f"{out} = {not decisive!r}")
        self.emit(depth, "while True:")
        for operand in operands:
            truth = self.condition(depth + 1, operand, local)
            self.emit(depth + 1, f"if {truth} is {decisive!r}:")
            self.emit(depth + 2, f"{out} = {decisive!r}")
            self.emit(depth + 2, "break")
            self.emit(depth + 1, f"if {truth} is None:")
            self.emit(depth + 2, f"{out} = None")
        self.emit(depth + 1, "break")

    def rule(
        self, depth: int, rule: CompiledRule, fact: str, made: str, given: dict[str, str] | None = None, out: str = "out"
    ) -> None:
        """Append to ``out`` the outcome of ``rule`` on ``fact`` from ``made``, the rule's
        outcomes by name (made once per rule and element by the engine). ``given``: the
        locals that hold the fact's values already, by key (a key it lacks is missing)."""
        keys = tuple(dict.fromkeys((*condition_keys(rule.when), *condition_keys(rule.check))))
        local = self.load(depth, fact, keys) if given is None else {key: given.get(key, "None") for key in keys}
        always = type(rule.when) is Const and rule.when.value is True
        if not always:
            applies = self.condition(depth, rule.when, local)
            self.emit(depth, f"if {applies} is False:")
            self.emit(depth + 1, f"{out}.append({made}[{NOT_APPLICABLE!r}])")
            self.emit(depth, f"elif {applies} is None:")
            self.emit(depth + 1, f"{out}.append({made}[{UNKNOWN!r}])")
            self.emit(depth, "else:")
            depth += 1
        truth = self.condition(depth, rule.check, local)
        self.emit(depth, f"{out}.append({made}[{UNKNOWN!r} if {truth} is None else {PASS!r} if {truth} else {FAIL!r}])")


def _term(coef: int, name: str) -> str:
    """``coef * name``, the coefficient left out when it is 1 (a sum of whole numbers)."""
    return name if _whole(coef) == 1 else f"{_literal(coef)} * {name}"


def _whole(value: Any) -> int:
    if type(value) is not int:
        raise GeneratorError(f"a coefficient or constant must be a whole number, got {type(value).__name__}")
    return value


def _checked_text(value: Any) -> str:
    if type(value) is not str:
        raise GeneratorError(f"a member value must be text, got {type(value).__name__}")
    return value


def generate(compiled: CompiledRuleset) -> str:
    """The source of the decision function of ``compiled``: ``decide(root, items, made)``
    returns one outcome per rule and element, in the engines' order. ``made[n]`` is rule
    n's outcomes by name on the root, or (``.for_items(count)``) per element."""
    writer = RuleWriter()
    writer.emit(1, "out = []")
    for position, rule in enumerate(compiled.rules):
        if rule.scope is None:
            writer.rule(1, rule, "root", f"made[{position}].root")
        else:
            elements, index, fact, by_item = writer.name("e"), writer.name("i"), writer.name("f"), writer.name("m")
            writer.emit(1, f"{elements} = items.get({_literal(rule.scope)}, ())")
            writer.emit(1, f"{by_item} = made[{position}].for_items(len({elements}))")
            writer.emit(1, f"for {index}, {fact} in enumerate({elements}):")
            writer.rule(2, rule, fact, f"{by_item}[{index}]")
    writer.emit(1, "return out")
    return "\n".join([*writer.constants(), "def decide(root, items, made):", *writer.lines]) + "\n"


# -- the audit: the generated source holds only the generator's vocabulary ----------------------

VOCABULARY = Vocabulary(
    names=frozenset({"root", "items", "made", "out"}),
    prefixes=frozenset({"v", "t", "e", "i", "f", "m", "S"}),
    calls=frozenset({"frozenset", "enumerate", "len"}),
    attributes=frozenset({"get", "append", "root", "for_items"}),
    functions=frozenset({"decide"}),
)


def _audit(source: str) -> ast.Module:
    """Parse the generated source back and refuse anything outside the generator's
    vocabulary (see :func:`amif_rules.codegen.audit`)."""
    return audit(source, VOCABULARY)


# -- compiled once per ruleset ------------------------------------------------------------------

_CACHE: dict[str, tuple[str, Callable[..., list[RuleOutcome]]]] = {}


def decision_function(compiled: CompiledRuleset) -> tuple[str, Callable[..., list[RuleOutcome]]]:
    """(source, function) of ``compiled``, generated, audited and compiled once per key
    (under :data:`~amif_rules.codegen.BUILD_LOCK`: threads that first use a ruleset together
    make it once)."""
    found = _CACHE.get(compiled.key)
    if found is not None:
        return found
    with BUILD_LOCK:
        found = _CACHE.get(compiled.key)
        if found is not None:
            return found
        source = generate(compiled)
        builtins = {"frozenset": frozenset, "enumerate": enumerate, "len": len}
        namespace = build(source, VOCABULARY, {"__builtins__": builtins}, compiled.key[:12])
        made = (source, namespace["decide"])
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[compiled.key] = made
    return made


def source(compiled: CompiledRuleset) -> str:
    """The generated source of a compiled ruleset, as it runs (for reading and debugging)."""
    return decision_function(compiled)[0]
