"""Changes near one document: which values of some keys give a rule the outcome wanted, every
other key keeping the value the document gives it.

The candidates are the search's (:meth:`~amif_rules.search.model.Model.candidates`: the
integers around each threshold, the choices, the constants), plus, for an atom over several
keys, the exact threshold of the key being changed given the other keys' values in *this*
document. A numeric key therefore reaches its bound exactly: ``budget.amif <= 0.75 ×
budget.total_eligible_cost`` gives the largest amount that passes, and the smallest total.
Questions (:mod:`amif_rules.advice.questions`) ask whether one answer can refuse; remedies
(:mod:`amif_rules.advice.remedies`) ask for the smallest changes that pass. Both confirm what
they use on a real document.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..engines.python import rule_outcome
from ..ir import Linear
from .model import MISSING, Model
from .values import around, threshold

#: How many pairs of values a search for two changes may try.
PAIR_BUDGET = 4096


def candidates_near(
    model: Model, index: int, fact: Mapping[str, Any], key: str, searched: Mapping[Any, list] | None = None
) -> list[Any]:
    """The values of fact key ``key`` worth trying for rule ``index`` on ``fact``: the
    search's candidates, and the exact thresholds of atoms over several keys solved for
    ``key`` with the others at their values in ``fact`` (never "missing"). ``searched``: the
    search's candidates of the rule, when the caller has them already."""
    scope = model.compiled[index].scope
    var_id = model.var_of(scope, key)
    if searched is None:
        searched = model.rule_candidates(index)
    values = [v for v in searched.get(var_id, []) if v is not MISSING]
    var = model.vars.get(var_id)
    if var is None or not var.numeric:
        return values
    low, high = var.bounds
    exact: list[int] = []
    for _, atom in model.rule_atoms[index]:
        if not isinstance(atom, Linear) or len(atom.terms) < 2:
            continue
        coefficient = next((c for c, k in atom.terms if k == key), None)
        if coefficient is None:
            continue
        others = [(c, fact.get(k)) for c, k in atom.terms if k != key]
        known = [(c, int(v)) for c, v in others if v is not None]
        if len(known) < len(others):
            continue  # another key of the atom is missing: no threshold in this document
        rest = atom.constant + sum(c * v for c, v in known)
        exact.extend(p for p in around(threshold(coefficient, rest)) if low <= p <= high)
    return list(dict.fromkeys(exact + values))


def _distance(current: Any, value: Any) -> tuple[int, Any]:
    """How far ``value`` is from ``current``: numbers by their difference, anything else
    equal or not (a missing current value makes every value as far)."""
    if isinstance(current, int) and not isinstance(current, bool) and isinstance(value, int):
        return (0, abs(value - current))
    return (1, 0)


def smallest_changes(
    model: Model,
    index: int,
    fact: Mapping[str, Any],
    keys: Sequence[str],
    wanted: Callable[[str], bool],
    pairs: bool = True,
) -> list[dict[str, Any]]:
    """Alternative changes of ``keys`` (fact key names) that give rule ``index`` an outcome
    ``wanted`` accepts, every other key as in ``fact``: each change is a mapping key → value.

    One key at a time first: a numeric key gives the accepted value nearest its current one
    (the bound; without one, the first candidate accepted), any other key every accepted
    value (the choices allowed). Only when no
    single key helps are pairs tried (``pairs``), nearest values first, within
    :data:`PAIR_BUDGET`; the first accepted pair of each two keys is given.
    """
    compiled = model.compiled[index]
    searched = model.rule_candidates(index)

    def outcome(changes: Mapping[str, Any]) -> str:
        return rule_outcome(compiled, {**fact, **changes})

    found: list[dict[str, Any]] = []
    pools: dict[str, list[Any]] = {}
    for key in keys:
        current = fact.get(key)
        pool = sorted(
            (v for v in candidates_near(model, index, fact, key, searched) if v != current), key=lambda v: _distance(current, v)
        )
        pools[key] = pool
        accepted = [value for value in pool if wanted(outcome({key: value}))]
        if not accepted:
            continue
        var = model.vars.get(model.var_of(compiled.scope, key))
        if var is not None and var.numeric:  # a number: the nearest accepted one (the bound)
            found.append({key: accepted[0]})
        else:
            found.extend({key: value} for value in accepted)
    if found or not pairs:
        return found
    budget = PAIR_BUDGET
    for first, second in itertools.combinations(keys, 2):
        for a, b in itertools.product(pools[first], pools[second]):
            budget -= 1
            if budget < 0:
                return found
            if wanted(outcome({first: a, second: b})):
                found.append({first: a, second: b})
                break
    return found
