"""The backtracking search over candidate values, under a budget: an assignment of the keys
that gives every rule an outcome it may have, or a proof that there is none.

:func:`satisfy` is the search the linter's AR310/AR312 findings and the testing kit's
"no application can be eligible" both rest on; :func:`no_eligible_application` is that proof
for every version of a ruleset.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable

import attrs

from .. import expr
from ..compiler import compile_ruleset
from ..errors import RulesetError
from ..ruleset import Ruleset
from .keys import VarId
from .model import MISSING, SEED, Model

#: How many assignments one search may evaluate.
SEARCH_BUDGET = 200_000

#: ``ok(rule index, outcome)``: whether the search accepts that outcome of that rule.
Acceptable = Callable[[int, str], bool]


@attrs.frozen
class Found:
    """The result of a search: an assignment found (or None), whether the search covered
    every case that matters (``exact``), how many assignments it evaluated, and whether each
    list had elements (``"some"``) or none."""

    assignment: dict | None
    exact: bool
    count: int
    states: dict = attrs.field(factory=dict)


def eligible(ruleset: Ruleset) -> Acceptable:
    """What an eligible application asks of each rule: an error rule passes or does not
    apply; a warning is decided (it may fail, never be unknown)."""
    errors = [rule.severity == "error" for rule in ruleset.rules]

    def ok(index: int, outcome: str) -> bool:
        if errors[index]:
            return outcome in ("pass", "not_applicable")
        return outcome != "unknown"

    return ok


def versions(ruleset: Ruleset) -> list[tuple[Ruleset, dt.date | None]]:
    """The ruleset with each set of dated parameter values it can have, and the date it is
    resolved on (one version, on None, when nothing is dated)."""
    days = sorted({day for periods in ruleset.dated.values() for start, end, _ in periods if (day := start or end) is not None})
    if not days:
        return [(ruleset, None)]
    resolved = [ruleset.resolved(day) for day in days]
    return [(version, version.on) for version in resolved]


def components(rule_indices: list[int], model: Model) -> list[list[int]]:
    """The rules in groups that share no key: each group can be searched on its own."""
    parent: dict = {}

    def find(x):
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for index in rule_indices:
        ids = model.rule_vars[index]
        for other in ids[1:]:
            a, b = find(ids[0]), find(other)
            if a != b:
                parent[a] = b
    groups: dict = {}
    for index in rule_indices:
        ids = model.rule_vars[index]
        root = find(ids[0]) if ids else ("rule", index)
        groups.setdefault(root, []).append(index)
    return list(groups.values())


def backtrack(model: Model, rules: list[int], ok: Acceptable, candidates: dict, budget: list) -> tuple[dict | None, bool]:
    """An assignment of the rules' keys under which ``ok(rule, outcome)`` holds for every
    rule; ``(None, True)`` when there is none among the candidates, ``(None, False)`` when the
    budget (``budget[0]``, spent in place) ran out first."""
    order: list[VarId] = []
    for index in sorted(rules, key=lambda i: len(model.rule_vars[i])):
        for var_id in model.rule_vars[index]:
            if var_id not in order:
                order.append(var_id)
    position = {var_id: i for i, var_id in enumerate(order)}
    due: dict[int, list[int]] = {}
    for index in rules:
        ids = model.rule_vars[index]
        last = max((position[v] for v in ids), default=-1)
        due.setdefault(last, []).append(index)
    for index in due.get(-1, []):
        budget[0] -= 1
        if not ok(index, model.outcome(index, {})):
            return None, True
    assignment: dict = {}

    def step(depth: int) -> bool | None:
        if depth == len(order):
            return True
        var_id = order[depth]
        for value in candidates[var_id]:
            if budget[0] <= 0:
                return None
            budget[0] -= 1
            assignment[var_id] = value
            if all(ok(index, model.outcome(index, assignment)) for index in due.get(depth, ())):
                found = step(depth + 1)
                if found is None:
                    return None
                if found:
                    return True
        assignment.pop(var_id, None)
        return False

    found = step(0)
    if found is None:
        return None, False
    return (dict(assignment), True) if found else (None, True)


def satisfy(model: Model, rules: list[int], ok: Acceptable, force: dict | None = None) -> Found:
    """An assignment making ``ok`` hold for every rule of ``rules``, trying each list with
    one element, then without (``force``: list name -> ``"some"`` or ``"none"``, fixed)."""
    scopes = sorted({scope for i in rules if (scope := model.compiled[i].scope)})
    options = []
    for scope in scopes:
        wanted = (force or {}).get(scope)
        options.append([wanted] if wanted else ["some", "none"])
    total = 0
    exact = True
    for combo in itertools.product(*options):
        states = dict(zip(scopes, combo))
        active = [i for i in rules if (scope := model.compiled[i].scope) is None or states[scope] == "some"]
        candidates, inexact = model.candidates(active, random.Random(SEED))
        restrict_lengths(model, candidates, states)
        budget = [SEARCH_BUDGET]
        assignment: dict = {}
        failed = False
        for component in components(active, model):
            found, complete = backtrack(model, component, ok, candidates, budget)
            if found is None:
                failed = True
                # Unsatisfiable among the candidates is a proof only when the search
                # ended and every key's candidates were exhaustive.
                if not complete or any(v in inexact for i in component for v in model.rule_vars[i]):
                    exact = False
                break
            assignment.update(found)
        total += SEARCH_BUDGET - budget[0]
        if not failed:
            return Found(assignment, True, total, states)
    return Found(None, exact, total)


def restrict_lengths(model: Model, candidates: dict, states: dict) -> None:
    """The length of a list fixed at none or some: ``len(partners)`` is 0 (or missing) when
    the search has no partners, at least 1 when it has one."""
    for var_id, values in candidates.items():
        var = model.vars[var_id]
        if var.call is None or var.call.name != "len" or var_id[0] is not None:
            continue
        arg = var.call.args[0]
        if isinstance(arg, expr.Path) and arg.scope is None and arg.path in states:
            if states[arg.path] == "none":
                candidates[var_id] = [0, MISSING]
            else:
                kept = [v for v in values if v is not None and v >= 1] or [1]
                candidates[var_id] = kept


def no_eligible_application(ruleset: Ruleset) -> bool:
    """Whether the search proves that no application is eligible under some version of the
    ruleset (the linter's certain AR310). A search that finds nothing within its budget, or
    over a comparison of several keys, proves nothing: then False."""
    for version, _ in versions(ruleset):
        try:
            plan = compile_ruleset(version)
        except RulesetError:  # no engine can run it; the linter says why
            return False
        if not version.rules:
            continue
        model = Model(plan)
        found = satisfy(model, list(range(len(model.compiled))), eligible(version))
        if found.assignment is None and found.exact:
            return True
    return False
