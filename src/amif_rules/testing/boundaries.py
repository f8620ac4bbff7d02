"""Boundaries of a ruleset, derived from its comparisons and parameters (never hand-listed).

Every numeric, date or date-time comparison of a rule compiles to an exact integer
comparison (:class:`~amif_rules.ir.Linear`: ``sum(coef × field) + constant OP 0``, money in
cents, instants in microseconds, dates as day numbers). Solving it for one field gives that
field's boundary: ``applicant.municipality.population > 150000`` has the boundary 150000,
which fails, and 150001, the closest value that passes. A comparison of two fields
(``budget.amif <= 0.75 × budget.total_eligible_cost``) has a boundary *relative* to the
other field's value in a given document.

- :func:`boundaries` lists them (absolute ones with their values; relative ones computed
  against a document when you pass one);
- :func:`boundary_values` draws the values on and next to each boundary of one field;
- :func:`boundary_cases` draws whole documents that sit on or next to a boundary of a rule,
  with every other rule passing, and says what the rule's outcome must be.
"""

from __future__ import annotations

import random
import re
from fractions import Fraction
from typing import Any

import attrs
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..ir import Linear, atoms
from ..ruleset import Ruleset
from ..search import around, decide, document_value, threshold
from ._search import Goal, Searcher, apply, parts_of
from ._target import Judgement, Target, judge, target_for
from .strategies import prepare

__all__ = ["Boundary", "BoundaryCase", "boundaries", "boundary_cases", "boundary_values"]

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


@attrs.frozen
class Boundary:
    """Where one comparison of a rule changes its truth, for one field.

    ``path`` is the input path (``partners[].municipality.population`` for a field of every
    list element), or the derived value compared (``age_on(item.birth_date,reference_date)``).
    ``op`` and ``value`` read as ``path op value`` (``> 150000``); ``value`` is None when the
    boundary falls between two values the field can take (a share of an odd amount of
    cents). ``holds`` is the value
    closest to the boundary for which the comparison is true, ``breaks`` the closest for
    which it is false (document forms: ``"1320069.53"`` for money, ISO text for dates and
    date-times). ``relative_to`` names the other fields of the comparison: then the values
    are None unless the boundary was computed against a document.
    """

    rule: str
    part: str  # "check" or "when"
    path: str
    op: str
    value: Any
    holds: Any
    breaks: Any
    relative_to: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.holds is None and self.breaks is None:
            return f"{self.rule}: {self.path} {self.op} a value set by {', '.join(self.relative_to)}"
        given = f" given {', '.join(self.relative_to)}" if self.relative_to else ""
        value = self.value if self.value is not None else "(between)"
        return f"{self.rule}: {self.path} {self.op} {value}{given} (holds at {self.holds}, breaks at {self.breaks})"


@attrs.frozen
class BoundaryCase:
    """A document that sits on or next to a boundary of ``rule`` (every other rule passes or
    does not apply, and none is unknown).

    ``path``/``value``: the field moved to the boundary and its value there; ``holds``:
    whether the comparison is true there; ``expected``: the rule's outcome on the document
    (on ``item`` for a per-element rule); ``outcome``: the verdict's outcome. Both come from
    an oracle that evaluates the ruleset's expressions directly, not from an engine.
    """

    document: dict
    rule: str
    item: str | None
    path: str
    value: Any
    holds: bool
    expected: str
    outcome: str


def _atoms(condition):
    """The Linear atoms of a condition."""
    return (atom for atom, _ in atoms(condition) if isinstance(atom, Linear))


def _solve(coefficient: int, rest: int, op: str) -> tuple[Fraction, int | None, int | None]:
    """The exact boundary of ``coefficient × x + rest OP 0``, and the closest integers on the
    side where it holds and where it breaks."""
    exact = threshold(coefficient, rest)
    nearest = sorted(set(around(exact)), key=lambda x: (abs(x - exact), x))
    holds = next((x for x in nearest if decide(coefficient * x + rest, op)), None)
    breaks = next((x for x in nearest if not decide(coefficient * x + rest, op)), None)
    return exact, holds, breaks


def _target(call: str | None, ruleset: Ruleset | None, document: dict | None):
    if document is not None:
        judgement = judge(document, call, ruleset)
        if judgement is None:
            raise ValueError("the document is not a valid application (amif_rules.check raises InputError for it)")
        return judgement.target, judgement
    return target_for(call, ruleset, None), None


def boundaries(
    call: str | None = "42", document: dict | None = None, ruleset: Ruleset | None = None, rule: str | None = None
) -> tuple[Boundary, ...]:
    """Every boundary of the call's rules (of ``rule`` only, when given), in rule order.

    With ``document``, boundaries relative to other fields are computed against that
    document's values (root rules only); without, their values are None.
    """
    target, judgement = _target(call, ruleset, document)
    if rule is not None:
        target.rule(rule)  # raises ValueError for an unknown rule
    found: list[Boundary] = []
    for typed, compiled in zip(target.rules, target.compiled):
        if rule is not None and typed.id != rule:
            continue
        for part, condition in (("check", compiled.check), ("when", compiled.when)):
            for atom in _atoms(condition):
                for coefficient, key in atom.terms:
                    info = target.keys[key]
                    others = [(c, k) for c, k in atom.terms if k != key]
                    relative = tuple(target.keys[k].document_path() for _, k in others)
                    rest: int | None = atom.constant
                    if others:
                        fact = judgement.encoded.root if (judgement is not None and compiled.scope is None) else None
                        if fact is None or any(fact.get(k) is None for _, k in others):
                            rest = None
                        else:
                            rest += sum(c * int(fact[k]) for c, k in others)
                    op = atom.op if coefficient > 0 else _FLIP[atom.op]
                    if rest is None:
                        found.append(Boundary(typed.id, part, info.document_path(), op, None, None, None, relative))
                        continue
                    exact, holds, breaks = _solve(coefficient, rest, atom.op)
                    value = document_value(info.type.kind, int(exact)) if exact.denominator == 1 else None
                    found.append(
                        Boundary(
                            typed.id,
                            part,
                            info.document_path(),
                            op,
                            value,
                            None if holds is None else document_value(info.type.kind, holds),
                            None if breaks is None else document_value(info.type.kind, breaks),
                            relative,
                        )
                    )
    return tuple(found)


def _normal(path: str) -> str:
    return re.sub(r"\[[0-9]*\]", "[]", path)


def boundary_values(path: str, call: str | None = "42", ruleset: Ruleset | None = None) -> st.SearchStrategy:
    """Values of one field on and next to each of its absolute boundaries, in document form.

    ``path`` as in :class:`Boundary` (``applicant.municipality.population``,
    ``partners[].municipality.population``; an index such as ``partners[0]`` is accepted).
    Raises ``InvalidArgument`` when no rule compares that field with a constant.
    """
    wanted = _normal(path)
    values: list = []
    for boundary in boundaries(call, ruleset=ruleset):
        if _normal(boundary.path) != wanted or boundary.relative_to:
            continue
        for value in (boundary.value, boundary.holds, boundary.breaks):
            if value is not None and value not in values:
                values.append(value)
    if not values:
        raise InvalidArgument(f"no rule of call {call!r} compares {path} with a constant")
    return st.sampled_from(values)


@attrs.frozen
class _CaseGoal(Goal):
    """Every result but one (``rule``, ``item``) is as an eligible document wants it."""

    only: tuple = ()

    def wants(self, judgement: Judgement) -> list:
        return [(r, want) for r, want in Goal.wants(self, judgement) if (r.id, r.item) != self.only]


def boundary_cases(
    call: str | None = "42",
    rule: str | None = None,
    ruleset: Ruleset | None = None,
    max_partners: int = 3,
    max_participants: int = 4,
) -> st.SearchStrategy[BoundaryCase]:
    """Documents on or next to a boundary of ``rule`` (any rule with a boundary, when None).

    Each draw takes an application every rule accepts, moves one field of one comparison of
    the rule to the closest value on one side of its boundary (or exactly onto it), and
    steers the rest of the document so that every other rule still passes without touching
    that comparison's fields. See :class:`BoundaryCase` for what you get. A ruleset that no
    application passes (as the linter proves) has no boundary case: Hypothesis reports
    ``Unsatisfiable``.
    """
    spec = prepare(call, ruleset)
    target: Target = spec.target
    with_boundaries = [typed.id for typed, compiled in zip(target.rules, target.compiled) if list(_atoms(compiled.check))]
    if rule is not None:
        if rule not in target.index:
            raise InvalidArgument(f"ruleset {target.ruleset.id!r} has no rule {rule!r}; its rules: " + ", ".join(target.index))
        if rule not in with_boundaries:
            raise InvalidArgument(f"rule {rule!r} compares no number, amount or date: it has no boundary")
        chosen_rules = [rule]
    else:
        if not with_boundaries:
            raise InvalidArgument(f"no rule of {target.ruleset.id!r} has a boundary")
        chosen_rules = with_boundaries
    return spec.unless_impossible(_boundary_cases(spec, tuple(chosen_rules), max_partners, max_participants))


@st.composite
def _boundary_cases(draw, spec, rule_ids: tuple, max_partners: int, max_participants: int) -> BoundaryCase:
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    rule_id = draw(st.sampled_from(rule_ids))
    holds_wanted = draw(st.booleans())
    for _ in range(6):
        base = draw(spec.base(max_partners, max_participants))
        searcher = Searcher(draw, rnd, spec.call, spec.ruleset, fresh=spec.fresh)
        found = searcher.run(base, Goal(applies=rule_id))
        if found is None:
            continue
        document, judgement = found
        results = [r for r in judgement.results if r.id == rule_id and r.outcome == "pass"]
        if not results:
            continue
        result = rnd.choice(results)
        compiled = judgement.target.compiled[result.rule]
        atoms = list(_atoms(compiled.check))
        atom = rnd.choice(atoms)
        fact = judgement.fact(result)
        settable = [k for _, k in atom.terms if searcher.settable(judgement.target.keys[k], result)]
        if not settable:
            continue
        key = rnd.choice(settable)
        mutations = searcher.linear(judgement, result, atom, holds_wanted, fact, near_only=True, key=key)
        if not mutations:
            continue
        moved = apply(document, mutations)
        frozen = set()
        for _, k in atom.terms:
            for scope, path in Searcher.inputs(judgement.target.keys[k]):
                frozen.add(parts_of(scope, path, result.item if scope is not None else None))
        steering = Searcher(draw, rnd, spec.call, spec.ruleset, frozen=frozenset(frozen), fresh=spec.fresh)
        steered = steering.run(moved, _CaseGoal(only=(rule_id, result.item)))
        if steered is None:
            continue
        final, verdict = steered
        mine = [r for r in verdict.results if r.id == rule_id and r.item == result.item]
        if len(mine) != 1 or mine[0].outcome not in ("pass", "fail"):
            continue
        fact = verdict.fact(mine[0])
        if any(fact.get(k) is None for _, k in atom.terms):
            continue
        total = atom.constant + sum(c * int(fact[k]) for c, k in atom.terms)
        if decide(total, atom.op) != holds_wanted or abs(total) > 2 * max(abs(c) for c, _ in atom.terms):
            continue
        info = verdict.target.keys[key]
        item = f"{result.scope}[{result.item}]" if result.scope is not None and result.item is not None else None
        return BoundaryCase(
            final,
            rule_id,
            item,
            info.document_path(result.item if info.scope else None),
            document_value(info.type.kind, int(fact[key])),
            holds_wanted,
            mine[0].outcome,
            verdict.outcome,
        )
    assume(False)  # hypothesis.assume: this draw found nothing (strategies has no assume)
    raise AssertionError("unreachable")  # pragma: no cover
