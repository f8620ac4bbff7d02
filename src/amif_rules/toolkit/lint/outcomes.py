"""AR302-AR305: rules that can never fail, never pass, never apply, or are always unknown,
each searched on its own over its keys' candidates (exhaustively when they are few enough).
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterable

from ... import expr
from ...ir import Const
from ...search import SEARCH_BUDGET, SEED
from .analysis import Analysis


def check(analysis: Analysis) -> None:
    """For each rule, search the outcomes its keys can give it: AR302 when it never fails,
    AR303 when it never passes, AR304 when it never applies, AR305 when it is always unknown."""
    model = analysis.model
    for index, rule in enumerate(analysis.ruleset.rules):
        compiled = model.compiled[index]
        ids = model.rule_vars[index]
        if any(model.vars[v].kind == "unresolved" for v in ids):
            continue
        candidates, inexact = model.candidates([index], random.Random(SEED + index))
        exact = not (set(ids) & inexact)
        found: dict[str, dict] = {}
        count = 0
        sizes = [len(candidates[v]) for v in ids]
        product = math.prod(sizes) if sizes else 1
        iterator: Iterable[tuple]
        if product <= SEARCH_BUDGET:
            iterator = itertools.product(*(candidates[v] for v in ids))
        else:
            exact = False
            rnd = random.Random(SEED + index)
            iterator = (tuple(rnd.choice(candidates[v]) for v in ids) for _ in range(SEARCH_BUDGET))
        for values in iterator:
            count += 1
            assignment = dict(zip(ids, values))
            outcome = model.outcome(index, assignment)
            if outcome not in found:
                found[outcome] = assignment
                if {"pass", "fail", "not_applicable"} <= set(found):
                    break
        how = "" if exact else f" (no counterexample found among {count:,} candidates)"
        if "fail" not in found and "pass" in found:
            constant = isinstance(rule.check, expr.Lit)  # check: true, written so on purpose
            severity = "info" if constant or not exact else "warning"
            why = (
                "its check is the constant true"
                if constant
                else "its check is always true as written"
                if isinstance(compiled.check, Const)
                else "no application makes its check false"
            )
            document, based_on, changes, shows = (
                (None, None, None, None) if constant else analysis.examples.case(index, found["pass"])
            )
            analysis.add(
                "AR302",
                f"rule {rule.id!r} can never fail: {why}{how}",
                rule=rule.id,
                key="check",
                severity=severity,
                certain=exact,
                candidates=count,
                counterexample=document,
                based_on=based_on,
                changes=changes,
                shows=shows,
                hint=None
                if constant
                else "check the comparison and its parameters: as written, the rule accepts every application it applies to",
            )
        elif "pass" not in found and "fail" in found:
            severity = "error" if exact and rule.severity == "error" else "warning"
            document, based_on, changes, shows = analysis.examples.case(index, found["fail"])
            analysis.add(
                "AR303",
                f"rule {rule.id!r} can never pass: no application makes its check true{how}",
                rule=rule.id,
                key="check",
                severity=severity,
                certain=exact,
                candidates=count,
                counterexample=document,
                based_on=based_on,
                changes=changes,
                shows=shows,
                hint="check the comparison and its parameters: as written, the rule refuses every application it applies to",
            )
        elif "pass" not in found and "fail" not in found and "not_applicable" in found:
            analysis.add(
                "AR304",
                f"rule {rule.id!r} can never apply: its when: is never true{how}",
                rule=rule.id,
                key="when",
                certain=exact,
                candidates=count,
            )
        elif not found.keys() - {"unknown"}:
            analysis.add("AR305", f"rule {rule.id!r} is always unknown", rule=rule.id, certain=exact, candidates=count)
