"""The compiled rules of one ruleset as constraints over keys, and the candidate values of
each key that decide every comparison the rules make.

A :class:`~amif_rules.ir.Linear` atom over one key is a threshold: only which side of it a
value is on matters, so the integers :func:`~amif_rules.search.values.around` it, the ends
of the key's domain and "missing" represent every value. Choices, texts and booleans are
finite (texts: the constants the rules compare with, plus a value none of them names).
Candidates are therefore exhaustive for rules whose numeric atoms each read one key. An atom
over several keys (``budget.amif <= 0.75 * budget.total_eligible_cost``) has no fixed
threshold: its keys get boundary values solved from the other keys' candidates plus a
seeded random sample, and are reported as not exhaustive.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from ..compiler import Plan
from ..engines.python import rule_outcome
from ..ir import CompareConst, CompareKeys, Linear, Member, atoms, condition_keys
from ..schema import BOOL, ENUM, INSTANT, TEXT
from ..units import MICROS_PER_DAY
from .keys import Key, PlanKeys, VarId
from .values import around, threshold

#: A key without a value in a document.
MISSING = None
#: The seed of every random choice a search makes (the same findings on every run).
SEED = 20190902
#: Random values drawn per key that appears in a comparison of several keys.
RANDOM_VALUES = 6
#: Texts that are valid in a document for fields the reader checks, used as "a value no rule names".
FRESH_TEXTS = {
    "nis_code": ["99991", "99992", "99993"],
    "first_language": ["ar", "ti", "ps"],
    "call": ["fresh-1", "fresh-2", "fresh-3"],
}


class Model:
    """The compiled rules of one ruleset as constraints over namespaced fact keys: for each
    rule, the keys it reads (:attr:`rule_vars`) and its atoms (:attr:`rule_atoms`)."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.compiled = plan.compiled.rules
        keys = PlanKeys(plan)
        self.vars: dict[VarId, Key] = {}
        self.rule_vars: list[tuple[VarId, ...]] = []
        self.rule_atoms: list[list[tuple[Any, Any]]] = []  # (scope, atom)
        self._rule_candidates: dict[int, dict[VarId, list]] = {}
        for compiled in self.compiled:
            ids = []
            for key in condition_keys(compiled.when) + condition_keys(compiled.check):
                var = keys.in_rule(compiled.scope, key)
                self.vars.setdefault((var.scope, var.key), var)
                if (var.scope, var.key) not in ids:
                    ids.append((var.scope, var.key))
            self.rule_vars.append(tuple(ids))
            self.rule_atoms.append(
                [(compiled.scope, atom) for part in (compiled.when, compiled.check) for atom, _ in atoms(part)]
            )

    def rule_candidates(self, index: int) -> dict[VarId, list]:
        """:meth:`candidates` of rule ``index`` alone, with the search's seed: the same for
        every document, so made once per rule (questions and remedies ask for it per result;
        read it, never change it)."""
        made = self._rule_candidates.get(index)
        if made is None:
            made = self._rule_candidates[index] = self.candidates([index], random.Random(SEED))[0]
        return made

    def var_of(self, scope: str | None, key: str) -> VarId:
        if (scope, key) in self.vars:
            return (scope, key)
        return (None, key)

    def outcome(self, index: int, assignment: dict) -> str:
        """Rule ``index``'s outcome when its keys take the values of ``assignment`` (a key
        without one is missing)."""
        fact = {}
        for var_id in self.rule_vars[index]:
            value = assignment.get(var_id)
            if value is not None:
                fact[var_id[1]] = value
        return rule_outcome(self.compiled[index], fact)

    def thresholds(self, index: int) -> Iterable[tuple[VarId, Fraction]]:
        """The thresholds of rule ``index``'s atoms over one key, with that key."""
        for scope, atom in self.rule_atoms[index]:
            if isinstance(atom, Linear) and len(atom.terms) == 1:
                ((coef, key),) = atom.terms
                yield self.var_of(scope, key), threshold(coef, atom.constant)

    def candidates(self, rule_indices: Iterable[int], rnd: random.Random) -> tuple[dict[VarId, list], set]:
        """Candidate values of every key the rules read, and the keys whose candidates are
        not exhaustive (they appear in a comparison of several keys)."""
        indices = list(rule_indices)
        thresholds: dict[VarId, set] = {}
        multi: list[tuple[str, Linear]] = []
        texts: dict[VarId, set] = {}
        links: dict[VarId, VarId] = {}

        def find(var_id):
            while links.get(var_id, var_id) != var_id:
                var_id = links[var_id]
            return var_id

        for index in indices:
            for scope, atom in self.rule_atoms[index]:
                if isinstance(atom, Linear):
                    if len(atom.terms) == 1:
                        ((coef, key),) = atom.terms
                        thresholds.setdefault(self.var_of(scope, key), set()).add(threshold(coef, atom.constant))
                    else:
                        multi.append((scope, atom))
                elif isinstance(atom, CompareConst):
                    texts.setdefault(self.var_of(scope, atom.key), set()).add(atom.value)
                elif isinstance(atom, Member):
                    texts.setdefault(self.var_of(scope, atom.key), set()).update(atom.values)
                elif isinstance(atom, CompareKeys):
                    left, right = find(self.var_of(scope, atom.left)), find(self.var_of(scope, atom.right))
                    if left != right:
                        links[left] = right
        inexact: set[VarId] = set()
        variables = sorted({var_id for index in indices for var_id in self.rule_vars[index]}, key=repr)
        base: dict[VarId, list] = {}
        for var_id in variables:
            var = self.vars[var_id]
            if var.numeric:
                low, high = var.bounds
                points = {low, high, *_typical(var)}
                if low <= 0 <= high:
                    points.add(0)
                for t in thresholds.get(var_id, ()):
                    for p in around(t):
                        points.add(min(max(p, low), high))
                base[var_id] = sorted(points)
        for scope, atom in multi:
            ids = [self.var_of(scope, key) for _, key in atom.terms]
            inexact.update(ids)
            for position, (coef, _) in enumerate(atom.terms):
                target = ids[position]
                if target not in base:
                    continue
                others = [(c, ids[i]) for i, (c, _) in enumerate(atom.terms) if i != position]
                pools = [base.get(var_id, [0]) for _, var_id in others]
                combos = list(itertools.islice(itertools.product(*pools), 64))
                if len(combos) == 64:
                    combos += [tuple(rnd.choice(pool) for pool in pools) for _ in range(32)]
                low, high = self.vars[target].bounds
                extra = set()
                for combo in combos:
                    rest = atom.constant + sum(c * value for (c, _), value in zip(others, combo))
                    for p in around(threshold(coef, rest)):
                        if low <= p <= high:
                            extra.add(p)
                base[target] = sorted(set(base[target]) | extra)
        for var_id in sorted(inexact, key=repr):  # in a fixed order: the same draws every run (None hashes by address)
            if var_id in base:
                low, high = self.vars[var_id].bounds
                spread = min(high, low + 10**7)
                base[var_id] = sorted(set(base[var_id]) | {rnd.randint(low, spread) for _ in range(RANDOM_VALUES)})
        groups: dict[VarId, list[VarId]] = {}
        for var_id in variables:
            groups.setdefault(find(var_id), []).append(var_id)
        result: dict[VarId, list] = {}
        for var_id in variables:
            var = self.vars[var_id]
            if var.kind == "unresolved":
                values: list = []
            elif var.numeric:
                near = sorted({p for t in thresholds.get(var_id, ()) for p in around(t)})
                known = set(base[var_id])
                if var.kind == INSTANT:  # a day either side reads better in an example than a microsecond
                    low, high = var.bounds
                    rounder = [p for t in thresholds.get(var_id, ()) for p in _a_day_either_side(t) if low <= p <= high]
                    near = rounder + near
                    known |= set(rounder)
                typical = _typical(var)
                values = list(
                    dict.fromkeys([v for v in near if v in known] + typical + [v for v in base[var_id] if v not in set(near)])
                )
            elif var.kind == BOOL:
                values = [True, False]
            elif var.kind == ENUM:
                values = list(var.choices)
            elif var.kind in (TEXT,):
                group = groups[find(var_id)]
                pool = set()
                for member in group:
                    pool |= {v for v in texts.get(member, ()) if isinstance(v, str)}
                suffix = (var.path or var.key).rsplit(".", 1)[-1]
                fresh = [v for v in FRESH_TEXTS.get(suffix, [f"other-{i}" for i in range(1, 4)]) if v not in pool]
                values = sorted(pool) + fresh[: max(1, len(group))]
            else:
                values = []
                inexact.add(var_id)
            result[var_id] = values + [MISSING]
        return result, inexact


def _a_day_either_side(exact: Fraction) -> tuple[int, int]:
    _, floor, ceil, _ = around(exact)
    return (floor - MICROS_PER_DAY, ceil + MICROS_PER_DAY)


def _typical(var: Key) -> list[int]:
    """A plausible value of a numeric key, tried early so that examples read naturally (an
    extra candidate: it never makes a search less exhaustive)."""
    low, high = var.bounds
    value = var.typical
    return [value] if value is not None and low <= value <= high else []
