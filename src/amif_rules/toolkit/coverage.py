"""Coverage of ruleset tests: which rule outcomes, and which sides of each condition, the
cases reached.

- **Outcomes**: for each rule, which of pass, fail, unknown and not_applicable the cases'
  verdicts show. An outcome that no application can reach is not a gap: ``not_applicable``
  for a rule without ``when:`` or ``for_each:``, ``fail`` for ``check: true``, ``unknown``
  for a rule that reads no field.
- **Conditions**: for each side of every ``and``/``or`` in a rule's ``when`` and ``check``
  (nested ones too, through ``not``), whether a case made that side *decisive*: the whole
  ``when`` (or ``check``) is true or false, and changing that side's value alone, in that
  case, would change it. A side is covered when it was decisive once as true and once as false (for
  ``a and b``: the case where both hold, the case where only ``a`` fails, the case where only
  ``b`` fails). A ``check`` counts only in cases where the rule applies (its ``when`` is
  true). A side that is a fixed value (a parameter) or that a fixed side overrules can never
  be decisive; it is shown, but not as a gap.

Conditions are traced on the ruleset's typed expressions (:mod:`amif_rules.expr`) by a
small evaluator that follows :func:`amif_rules.expr.evaluate` (Kleene's three-valued logic;
it evaluates every side, which gives the same values since expressions have no effects).
Leaves (comparisons, ``in``, function calls, true/false fields) are evaluated by
``expr.evaluate`` itself. As a check on the tracer, the outcome it derives for each rule is
compared with the engine's; a difference is listed in ``inconsistencies``.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from .. import expr
from ..expr import Logic, Node, NotOp
from ..exprtext import render
from ..ruleset import OUTCOMES, Rule, Ruleset
from .cases import CaseResult, FileResult, shown

__all__ = [
    "RuleCoverage",
    "RulesetCoverage",
    "Side",
    "SideCoverage",
    "coverage_json",
    "coverage_text",
    "measure",
    "render",
    "rule_sides",
    "reachable_outcomes",
]

#: Beyond this many combinations of leaf values, reachability is not enumerated: every side
#: is assumed able to decide (so a gap may be reported that no application could close).
MAX_COMBINATIONS = 20_000
_LABELS = {True: "true", False: "false"}


# -- the tracing evaluator ---------------------------------------------------------------------------


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Logic):
        return node.operands
    if isinstance(node, NotOp):
        return (node.operand,)
    return ()


def _leaves(node: Node, position: tuple = ()) -> list[tuple[tuple, Node]]:
    """The leaves of a condition (whatever is not and/or/not), with their positions."""
    children = _children(node)
    if not children:
        return [(position, node)]
    return [leaf for index, child in enumerate(children) for leaf in _leaves(child, position + (index,))]


def _combine(node: Node, position: tuple, leaves: dict, overrides: dict, values: dict | None) -> Any:
    """The value of ``node`` from its leaves' values, with some positions forced (Kleene)."""
    if position in overrides:
        value = overrides[position]
    elif isinstance(node, Logic):
        operands = [_combine(child, position + (index,), leaves, overrides, values) for index, child in enumerate(node.operands)]
        decisive = node.op == "or"  # True decides "or", False decides "and"
        if any(operand is decisive for operand in operands):
            value = decisive
        elif any(operand is None for operand in operands):
            value = None
        else:
            value = not decisive
    elif isinstance(node, NotOp):
        inner = _combine(node.operand, position + (0,), leaves, overrides, values)
        value = None if inner is None else not inner
    else:
        value = leaves[position]
    if values is not None:
        values[position] = value
    return value


@attrs.frozen
class Side:
    """One side of an and/or of a rule's ``when`` or ``check``."""

    part: str  # "when" or "check"
    position: tuple[int, ...]  # the path from the condition's root through and/or/not
    text: str
    op: str  # the and/or it is a side of
    within: str  # that and/or, as text
    #: The values with which the side can be decisive for some application (given fixed parameters).
    reachable: frozenset
    #: Why it can never be decisive, when it cannot.
    why_not: str | None = None


def rule_sides(rule: Rule) -> tuple[Side, ...]:
    """Every side of every and/or of the rule's ``when`` and ``check``, with the values with
    which each can be decisive."""
    sides: list[Side] = []
    when_possible = _possible(rule.when) if rule.when is not None else {True}
    for part, node in (("when", rule.when), ("check", rule.check)):
        if node is None:
            continue
        found = _sides_of(node)
        if not found:
            continue
        reachable = _reachable_sides(node, [position for position, _, _ in found])
        if part == "check" and True not in when_possible:
            reachable = {position: set() for position in reachable}
        for position, operand, parent in found:
            values = frozenset(reachable[position])
            why = None
            if not values:
                possible = _possible(operand) - {None}
                if not _reads_data(operand):
                    why = f"fixed: always {_LABELS.get(expr.evaluate(operand, _nothing), 'unknown')}"
                elif len(possible) < 2:
                    why = f"always {' or '.join(_LABELS[v] for v in sorted(possible, reverse=True)) or 'unknown'}, for any application"
                elif part == "check" and True not in when_possible:
                    why = "the rule never applies"
                else:
                    fixed = [render(o) for o in parent.operands if o is not operand and not _reads_data(o)]
                    why = "cannot decide: " + (", ".join(fixed) + " is fixed" if fixed else "another side always decides")
            sides.append(Side(part, position, render(operand), parent.op, render(parent), values, why))
    return tuple(sides)


def _sides_of(node: Node, position: tuple = ()) -> list[tuple[tuple, Node, Logic]]:
    found: list[tuple[tuple, Node, Logic]] = []
    for index, child in enumerate(_children(node)):
        if isinstance(node, Logic):
            found.append((position + (index,), child, node))
        found.extend(_sides_of(child, position + (index,)))
    return found


def _nothing(scope: str | None, path: str) -> Any:
    return None


def _reads_data(node: Node) -> bool:
    """Whether a node's value depends on the application: a field, or a dated parameter read without a date."""
    return bool(expr.paths(node)) or expr.unresolved(node)


@functools.lru_cache(maxsize=4096)
def _flippable(node: Node) -> bool:
    """Whether some application makes the node true and some other makes it false."""
    possible = _possible(node)
    return True in possible and False in possible


def _leaf_possible(leaf: Node) -> set:
    if _reads_data(leaf):
        return {True, False, None}
    return {expr.evaluate(leaf, _nothing)}


def _possible(node: Node) -> set:
    """The values a condition can take over all applications (leaves taken as independent)."""
    leaves = _leaves(node)
    domains = [sorted(_leaf_possible(leaf), key=repr) for _, leaf in leaves]
    if _size(domains) > MAX_COMBINATIONS:
        return {True, False, None}
    found = set()
    for combination in itertools.product(*domains):
        found.add(_combine(node, (), dict(zip((p for p, _ in leaves), combination)), {}, None))
    return found


def _size(domains: list) -> int:
    size = 1
    for domain in domains:
        size *= len(domain)
    return size


def _reachable_sides(node: Node, positions: list[tuple]) -> dict[tuple, set]:
    leaves = _leaves(node)
    domains = [sorted(_leaf_possible(leaf), key=repr) for _, leaf in leaves]
    reachable: dict[tuple, set] = {position: set() for position in positions}
    if _size(domains) > MAX_COMBINATIONS:
        for position in positions:
            reachable[position] = {True, False}
        return reachable
    for combination in itertools.product(*domains):
        values = dict(zip((p for p, _ in leaves), combination))
        for position, value in _decisive(node, values).items():
            reachable[position].add(value)
    return reachable


def _decisive(node: Node, leaves: dict) -> dict[tuple, bool]:
    """The sides that are decisive with these leaf values: position -> the side's value.

    A side that no application can make both true and false (a parameter, or an ``or``
    with a side fixed to true) is never decisive: no application can change it.
    """
    values: dict = {}
    root = _combine(node, (), leaves, {}, values)
    found: dict[tuple, bool] = {}
    if root is None:  # an unknown condition shows no side deciding it
        return found
    for position, operand, _ in _sides_of(node):
        if not _flippable(operand):
            continue
        value = values.get(position)
        if value is None:
            continue
        if _combine(node, (), leaves, {position: not value}, None) != root:
            found[position] = value
    return found


def trace(node: Node, lookup) -> tuple[Any, dict[tuple, bool]]:
    """Evaluate a condition on facts: its value, and its decisive sides (position -> value)."""
    leaves = {position: expr.evaluate(leaf, lookup) for position, leaf in _leaves(node)}
    return _combine(node, (), leaves, {}, None), _decisive(node, leaves)


# -- outcomes --------------------------------------------------------------------------------------------


def reachable_outcomes(rule: Rule) -> tuple[str, ...]:
    """The outcomes some application can give the rule (conditions' leaves taken as independent)."""
    when = _possible(rule.when) if rule.when is not None else {True}
    check = _possible(rule.check)
    found = set()
    if False in when or rule.for_each is not None:  # an empty list: not applicable
        found.add("not_applicable")
    if None in when or (True in when and None in check):
        found.add("unknown")
    if True in when and True in check:
        found.add("pass")
    if True in when and False in check:
        found.add("fail")
    return tuple(outcome for outcome in OUTCOMES if outcome in found)


# -- measuring -----------------------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class SideCoverage:
    side: Side
    #: value (True/False) -> the names of the cases in which the side decided with that value.
    decided: dict

    @property
    def gaps(self) -> tuple[bool, ...]:
        return tuple(value for value in (True, False) if value in self.side.reachable and not self.decided.get(value))


@attrs.frozen(eq=False)
class RuleCoverage:
    id: str
    for_each: str | None
    reachable: tuple[str, ...]
    #: outcome -> the names of the cases whose verdict gives the rule that outcome.
    reached: dict
    sides: tuple[SideCoverage, ...]

    @property
    def missed(self) -> tuple[str, ...]:
        return tuple(outcome for outcome in self.reachable if not self.reached.get(outcome))


@attrs.frozen(eq=False)
class RulesetCoverage:
    ruleset_id: str
    version: str
    ruleset_file: str
    files: tuple[str, ...]
    cases: int
    rules: tuple[RuleCoverage, ...]
    #: Rules left out of the ruleset (a parameter without a value), with why.
    inactive: tuple[tuple[str, str], ...] = ()
    #: Where the tracer's outcome differs from the engine's (should never happen).
    inconsistencies: tuple[str, ...] = ()

    @property
    def outcome_totals(self) -> tuple[int, int]:
        reachable = sum(len(rule.reachable) for rule in self.rules)
        reached = sum(len(rule.reachable) - len(rule.missed) for rule in self.rules)
        return reached, reachable

    @property
    def side_totals(self) -> tuple[int, int]:
        reachable = sum(len(side.side.reachable) for rule in self.rules for side in rule.sides)
        reached = sum(len(side.side.reachable) - len(side.gaps) for rule in self.rules for side in rule.sides)
        return reached, reachable

    @property
    def complete(self) -> bool:
        return not self.gaps()

    def gaps(self) -> list[str]:
        """The rule outcomes no case reaches and the sides never decisive, one line each."""
        lines = []
        for rule in self.rules:
            if rule.missed:
                lines.append(f"rule {rule.id}: no case reaches {', '.join(rule.missed)}")
            for side in rule.sides:
                for value in side.gaps:
                    lines.append(
                        f"rule {rule.id}, {side.side.part}: no case where `{side.side.text}`, being "
                        f"{_LABELS[value]}, alone decided it"
                    )
        return lines

    def to_dict(self) -> dict:
        reached, reachable = self.outcome_totals
        sides_reached, sides_reachable = self.side_totals
        return {
            "ruleset": {"id": self.ruleset_id, "version": self.version, "file": self.ruleset_file},
            "files": list(self.files),
            "cases": self.cases,
            "outcomes": {"reached": reached, "reachable": reachable},
            "sides": {"decisive": sides_reached, "reachable": sides_reachable},
            "rules": [
                {
                    "id": rule.id,
                    "outcomes": {
                        outcome: {"reachable": outcome in rule.reachable, "cases": list(rule.reached.get(outcome, ()))}
                        for outcome in OUTCOMES
                    },
                    "conditions": [
                        {
                            "part": side.side.part,
                            "side": side.side.text,
                            "of": side.side.within,
                            **{
                                _LABELS[value]: {
                                    "reachable": value in side.side.reachable,
                                    "cases": list(side.decided.get(value, ())),
                                }
                                for value in (True, False)
                            },
                            **({"why_not": side.side.why_not} if side.side.why_not else {}),
                        }
                        for side in rule.sides
                    ],
                }
                for rule in self.rules
            ],
            "inactive": [{"rule": rule_id, "why": why} for rule_id, why in self.inactive],
            "gaps": self.gaps(),
            "inconsistencies": list(self.inconsistencies),
        }


def measure(file_results: Iterable[FileResult]) -> tuple[RulesetCoverage, ...]:
    """Coverage per tested ruleset (files that test the same ruleset file are merged)."""
    groups: dict[Path, list[FileResult]] = {}
    for file_result in file_results:
        groups.setdefault(Path(file_result.tests.ruleset_path).resolve(), []).append(file_result)
    return tuple(_measure_ruleset(path, results) for path, results in groups.items())


def _measure_ruleset(path: Path, file_results: list[FileResult]) -> RulesetCoverage:
    ruleset: Ruleset = file_results[0].tests.ruleset
    static = {rule.id: (reachable_outcomes(rule), rule_sides(rule)) for rule in ruleset.rules}
    reached: dict[str, dict[str, list[str]]] = {rule.id: {} for rule in ruleset.rules}
    decided: dict[tuple, dict[bool, list[str]]] = {}
    inconsistencies: list[str] = []
    count = 0
    for file_result in file_results:
        for result in file_result.results:
            count += 1
            _trace_case(result, reached, decided, inconsistencies)
    rules = []
    for rule in ruleset.rules:
        outcomes, sides = static[rule.id]
        rule_reached = {outcome: tuple(names) for outcome, names in reached[rule.id].items()}
        # An outcome a case reached is reachable, whatever the static analysis says.
        reachable = tuple(o for o in OUTCOMES if o in outcomes or rule_reached.get(o))
        side_coverage = []
        for side in sides:
            found = decided.get((rule.id, side.part, side.position), {})
            if set(found) - side.reachable:
                side = attrs.evolve(side, reachable=side.reachable | frozenset(found))
            side_coverage.append(SideCoverage(side, {value: tuple(names) for value, names in found.items()}))
        rules.append(RuleCoverage(rule.id, rule.for_each, reachable, rule_reached, tuple(side_coverage)))
    return RulesetCoverage(
        ruleset.id,
        ruleset.version,
        shown(path),
        tuple(f.tests.display for f in file_results),
        count,
        tuple(rules),
        tuple(ruleset.inactive),
        tuple(inconsistencies),
    )


def _add(target: dict, key: Any, name: str) -> None:
    names = target.setdefault(key, [])
    if name not in names:
        names.append(name)


def _trace_case(result: CaseResult, reached: dict, decided: dict, inconsistencies: list) -> None:
    verdict, ruleset, facts = result.verdict, result.ruleset, result.facts
    if verdict is None or ruleset is None or facts is None:
        return
    name = result.case.name
    for rule_result in verdict.rules:
        if rule_result.id in reached:
            _add(reached[rule_result.id], rule_result.outcome, name)
    engine_outcomes = {(r.id, r.item): r.outcome for r in verdict.rules}
    for rule in ruleset.rules:
        if rule.id not in reached:
            continue
        if rule.for_each is None:
            elements: list[tuple[str | None, dict]] = [(None, {})]
        else:
            elements = [(f"{rule.for_each}[{index}]", element) for index, element in enumerate(facts.items[rule.for_each])]
        for item, element in elements:

            def lookup(scope: str | None, path: str, element: dict = element) -> Any:
                return element.get(path) if scope is not None else facts.root.get(path)

            applies: Any = True
            if rule.when is not None:
                applies, sides = trace(rule.when, lookup)
                for position, value in sides.items():
                    _add(decided.setdefault((rule.id, "when", position), {}), value, name)
            if applies is False:
                outcome = "not_applicable"
            elif applies is None:
                outcome = "unknown"
            else:
                holds, sides = trace(rule.check, lookup)
                for position, value in sides.items():
                    _add(decided.setdefault((rule.id, "check", position), {}), value, name)
                outcome = "unknown" if holds is None else "pass" if holds else "fail"
            engine = engine_outcomes.get((rule.id, item))
            if engine is not None and engine != outcome:
                inconsistencies.append(
                    f"case {name!r}, rule {rule.id}{f'[{item}]' if item else ''}: the engine says {engine}, the tracer {outcome}"
                )


# -- reports ---------------------------------------------------------------------------------------------


_MARK_REACHED, _MARK_MISSED, _MARK_IMPOSSIBLE = "✔", "✘", "·"


def coverage_text(coverages: Iterable[RulesetCoverage], untested: Iterable[str] = ()) -> str:
    """The readable coverage report: a table of rule outcomes, the sides of conditions, and
    what no case reaches."""
    lines: list[str] = []
    for coverage in coverages:
        reached, reachable = coverage.outcome_totals
        sides_reached, sides_reachable = coverage.side_totals
        lines.append(
            f"coverage of {coverage.ruleset_id} (version {coverage.version}): {coverage.cases} "
            f"case{'s' if coverage.cases != 1 else ''} in {', '.join(coverage.files)}"
        )
        lines.append(
            f"  rule outcomes reached: {reached} of {reachable} that can happen; "
            f"sides of conditions decisive: {sides_reached} of {sides_reachable}"
        )
        width = max([len(rule.id) for rule in coverage.rules] + [4]) + 2
        lines.append(f"  {'rule':<{width}}pass  fail  unknown  not_applicable")
        for rule in coverage.rules:
            marks = [_mark(outcome in rule.reachable, bool(rule.reached.get(outcome))) for outcome in OUTCOMES]
            lines.append(f"  {rule.id:<{width}}{marks[0]:<6}{marks[1]:<6}{marks[2]:<9}{marks[3]}".rstrip())
        with_sides = [rule for rule in coverage.rules if rule.sides]
        if with_sides:
            lines.append(
                "  conditions (each side of an and/or: a case where, being true / false, it alone decided the condition):"
            )
            for rule in with_sides:
                parts = []
                for side in rule.sides:
                    if side.side.part not in parts:
                        parts.append(side.side.part)
                for part in parts:
                    lines.append(f"    {rule.id}, {part}:")
                    for side in (s for s in rule.sides if s.side.part == part):
                        indent = "  " * len(side.side.position)
                        both = "  ".join(
                            f"{_LABELS[value]} {_mark(value in side.side.reachable, bool(side.decided.get(value)))}"
                            for value in (True, False)
                        )
                        note = f"  ({side.side.why_not})" if side.side.why_not else ""
                        lines.append(f"    {indent}{side.side.text}: {both}{note}")
        for rule_id, why in coverage.inactive:
            lines.append(f"  left out of the ruleset: {rule_id} ({why})")
        gaps = coverage.gaps()
        if gaps:
            lines.append("  not reached by any case:")
            lines.extend(f"    {gap}" for gap in gaps)
        else:
            lines.append("  every outcome and every side that can happen is reached")
        for problem in coverage.inconsistencies:
            lines.append(f"  inconsistency: {problem}")
    for name in untested:
        lines.append(f"no tests file for {name}")
    lines.append(
        f"({_MARK_REACHED} reached by a case, {_MARK_MISSED} can happen but no case reaches it, {_MARK_IMPOSSIBLE} cannot happen)"
    )
    return "\n".join(lines)


def _mark(reachable: bool, reached: bool) -> str:
    if reached:
        return _MARK_REACHED
    return _MARK_MISSED if reachable else _MARK_IMPOSSIBLE


def coverage_json(coverages: Iterable[RulesetCoverage], untested: Iterable[str] = ()) -> dict:
    return {"rulesets": [coverage.to_dict() for coverage in coverages], "untested": list(untested)}
