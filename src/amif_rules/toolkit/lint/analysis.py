"""The state of the semantic analysis: :class:`Semantics` for one file (where its rules are,
each finding said once), :class:`Analysis` for one version of its ruleset (the search over its
compiled rules, and the questions every AR3xx finding asks of it).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterable

from ...compiler import Plan
from ...ruleset import Ruleset
from ...search import SEARCH_BUDGET, SEED, Found, Model, VarId, around, eligible, satisfy
from .counterexamples import Counterexamples
from .linter import Linter
from .raw import rule_places


class Semantics:
    """The AR3xx findings of one file: placed at the rule they are about, each said once (a
    finding that two versions of the ruleset share is said for the first)."""

    def __init__(self, linter: Linter):
        assert linter.ruleset is not None  # the semantics are those of a loaded ruleset
        self.linter = linter
        self.ruleset: Ruleset = linter.ruleset
        self.places = rule_places(linter.chain)
        self.seen: set = set()

    def add(
        self, code: str, message: str, rule: str | None = None, key: str | None = None, severity: str | None = None, **more
    ) -> None:
        identity = (code, message)
        if identity in self.seen:
            return
        self.seen.add(identity)
        where = (self.places.get((rule, key)) or self.places.get((rule, None))) if rule else None
        self.linter.add(code, message, where or self.linter.name, severity, rule=rule, **more)


class Analysis:
    """One version of the ruleset (``on``: the date its dated values are resolved on)."""

    def __init__(self, semantics: Semantics, ruleset: Ruleset, plan: Plan, on: dt.date | None):
        self.semantics = semantics
        self.ruleset = ruleset
        self.plan = plan
        self.model = Model(plan)
        self.on = on
        self.suffix = f" (with the values in force on {on.isoformat()})" if on else ""
        self.ok = eligible(ruleset)
        linter = semantics.linter
        self.examples = Counterexamples(ruleset, plan, self.model, on, linter.examples, linter.path)

    def add(self, code, message, **more) -> None:
        self.semantics.add(code, message + self.suffix, **more)

    @property
    def witness(self) -> Found | None:
        """The search for an eligible application (made first, by :func:`.eligibility.check`);
        counterexamples start from what it found when no example of the call is eligible."""
        return self.examples.witness

    @witness.setter
    def witness(self, found: Found) -> None:
        self.examples.witness = found

    def solve(self, rules: list[int], force: dict | None = None) -> Found:
        """An assignment making every rule of ``rules`` ok (pass or not applicable for error
        rules, decided for warnings), trying each list with one element, then without."""
        return satisfy(self.model, rules, self.ok, force)

    def pieces(self, rule_indices: list[int], var_id: VarId, others: Iterable[VarId] = ()) -> list[tuple[int, int]]:
        """The values of a key cut where any of the rules' thresholds on it (or on the keys of
        the same kind ``others``) is: within a piece every such comparison has one truth."""
        var = self.model.vars[var_id]
        low, high = var.bounds
        points = {low, high}
        keys = {var_id, *others}
        for index in rule_indices:
            for key, exact in self.model.thresholds(index):
                if key in keys:
                    _, floor, ceil, _ = around(exact)
                    for p in (floor, ceil):
                        if low <= p <= high:
                            points.add(p)
        cuts = sorted(points)
        result = []
        for a, b in zip(cuts, cuts[1:] + [None]):
            result.append((a, a))
            if b is not None and b - a > 1:
                result.append((a + 1, b - 1))
        return result

    def accepted_pieces(self, index: int, var_id: VarId, pieces: list) -> list[tuple[int, int]] | None:
        """The pieces on which some assignment of the rule's other keys makes it pass (its
        when true, its check true); None when that cannot be decided exactly."""
        model = self.model
        others = [v for v in model.rule_vars[index] if v != var_id]
        candidates, inexact = model.candidates([index], random.Random(SEED))
        if set(model.rule_vars[index]) & inexact:
            return None
        accepted = []
        for piece in pieces:
            found = False
            budget = SEARCH_BUDGET
            for values in itertools.product(*(candidates[v] for v in others)):
                budget -= 1
                if budget < 0:
                    return None
                assignment = dict(zip(others, values))
                assignment[var_id] = piece[0]
                if model.outcome(index, assignment) == "pass":
                    found = True
                    break
            if found:
                accepted.append(piece)
        return accepted

    def accepted_values(self, index: int, var_id: VarId) -> list | None:
        """The values of a choice, text or true/false key for which the rule can pass (texts:
        only those the rules name)."""
        model = self.model
        candidates, inexact = model.candidates([index], random.Random(SEED))
        if set(model.rule_vars[index]) & inexact:
            return None
        others = [v for v in model.rule_vars[index] if v != var_id]
        accepted = []
        for value in candidates[var_id]:
            if value is None:
                continue
            for count, values in enumerate(itertools.product(*(candidates[v] for v in others))):
                if count >= SEARCH_BUDGET:
                    return None
                assignment = dict(zip(others, values))
                assignment[var_id] = value
                if model.outcome(index, assignment) == "pass":
                    accepted.append(value)
                    break
        return accepted
