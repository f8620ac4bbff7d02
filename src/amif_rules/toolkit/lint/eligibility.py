"""AR310-AR312: can any application be eligible? If not, a smallest set of rules that
contradict each other, what each accepts of the keys they share, and documents that show it.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from ...search import VarId, document_value
from .analysis import Analysis
from .counterexamples import changed_paths, put, shows_of
from .text import conflict_text, intervals, value_text


def check(analysis: Analysis) -> None:
    """AR310 when no application can be eligible, AR312 for each list no element of which
    can pass every rule, AR311 (verbose) an eligible application."""
    model = analysis.model
    everything = list(range(len(model.compiled)))
    result = analysis.solve(everything)
    analysis.witness = result
    if result.assignment is None:
        if result.exact:
            core = minimal_core(analysis, everything)
            names = [analysis.ruleset.rules[i].id for i in core]
            details = describe_conflict(analysis, core)
            document, based_on, changes, shows, tried = conflict_cases(analysis, core)
            analysis.add(
                "AR310",
                "no application can be eligible (the rules are unsatisfiable): " + conflict_text(names),
                rule=names[-1] if names else None,
                key="check",
                details=tuple(details + tried),
                certain=True,
                candidates=result.count,
                counterexample=document,
                based_on=based_on,
                changes=changes,
                shows=shows,
                hint="change one of these rules or parameters so that some values pass them all",
            )
        else:
            analysis.add(
                "AR310",
                f"no eligible application found among {result.count:,} candidates "
                "(a bounded search: the rules compare several fields at once)",
                severity="warning",
                certain=False,
                candidates=result.count,
            )
        return
    for scope in sorted({c.scope for c in model.compiled if c.scope}):
        if result.states.get(scope) == "some":
            continue
        forced = analysis.solve(everything, force={scope: "some"})
        if forced.assignment is None and forced.exact:
            in_scope = [i for i in everything if model.compiled[i].scope == scope or model.compiled[i].scope is None]
            core = minimal_core(analysis, in_scope, force={scope: "some"})
            names = [analysis.ruleset.rules[i].id for i in core]
            analysis.add(
                "AR312",
                f"no element of {scope} can pass every rule, so only applications without {scope} "
                f"can be eligible: {conflict_text(names)}",
                rule=names[-1] if names else None,
                key="check",
                details=tuple(describe_conflict(analysis, core)),
                certain=True,
                candidates=forced.count,
                hint="change one of these rules so that some element passes them all",
            )
    if analysis.semantics.linter.verbose:
        document, based_on = analysis.examples.passing_document()
        shows = shows_of(document, analysis.ruleset, None) if document is not None else None
        example = "a constructed one" if based_on == "constructed" else based_on
        analysis.add(
            "AR311",
            "an application can be eligible" + (f", e.g. {example}" if example else ""),
            certain=True,
            candidates=result.count,
            counterexample=document,
            based_on=based_on,
            changes=(changed_paths(None, document) if based_on == "constructed" else {}) if document is not None else None,
            shows=shows,
        )


def minimal_core(analysis: Analysis, rules: list[int], force: dict | None = None) -> list[int]:
    """A minimal set of rules that still leaves no eligible application (deletion)."""
    kept = list(rules)
    for index in list(rules):
        trial = [i for i in kept if i != index]
        if not trial:
            continue
        result = analysis.solve(trial, force)
        if result.assignment is None and result.exact:
            kept = trial
    return kept


def describe_conflict(analysis: Analysis, core: list[int]) -> list[str]:
    """For each key two or more of the rules read: which values each accepts."""
    model = analysis.model
    counts: dict[VarId, int] = {}
    for index in core:
        for var_id in model.rule_vars[index]:
            counts[var_id] = counts.get(var_id, 0) + 1
    lines = []
    for var_id, count in counts.items():
        var = model.vars[var_id]
        if count < 2 or var.kind == "unresolved":
            continue
        for index in core:
            if var_id not in model.rule_vars[index]:
                continue
            if var.numeric:
                accepted = analysis.accepted_pieces(index, var_id, analysis.pieces([index for index in core], var_id))
                if accepted is not None:
                    lines.append(f"{analysis.ruleset.rules[index].id} accepts {var.document_path()} {intervals(accepted, var)}")
            else:
                values = analysis.accepted_values(index, var_id)
                if values is not None:
                    shown = (
                        "no value"
                        if not values
                        else f"= {json.dumps(values[0], ensure_ascii=False)}"
                        if len(values) == 1
                        else f"in {json.dumps(values, ensure_ascii=False)}"
                    )
                    lines.append(f"{analysis.ruleset.rules[index].id} accepts {var.document_path()} {shown}")
    return lines


def conflict_cases(analysis: Analysis, core: list[int]) -> tuple:
    """Applications that show a conflict: from the example closest to eligible, each
    shared key set to a value one rule accepts, which another rule then refuses."""
    base, based_on = analysis.examples.nearest_document()
    if base is None:
        return None, None, None, None, []
    model = analysis.model
    rule_ids = [analysis.ruleset.rules[i].id for i in core]
    counts: dict[VarId, list[int]] = {}
    for index in core:
        for var_id in model.rule_vars[index]:
            counts.setdefault(var_id, []).append(index)
    first: tuple = (None, None, None, None)
    lines: list[str] = []
    marks = {"pass": "✔", "fail": "✘", "unknown": "?", "not_applicable": "–"}
    for var_id, readers in counts.items():
        var = model.vars[var_id]
        if len(readers) < 2 or not var.numeric or var.call is not None or not var.path:
            continue
        pieces = analysis.pieces(core, var_id)
        accepted: dict[int, Any] = {index: analysis.accepted_pieces(index, var_id, pieces) for index in readers}
        if any(value is None for value in accepted.values()):
            continue
        for index in readers:
            own = accepted[index]
            others = [p for other in readers if other != index for p in accepted[other]]
            if not own:
                continue
            ends = [end for piece in own for end in piece]
            value = min(ends, key=lambda e: min((abs(e - o) for p in others for o in p), default=0))
            document = copy.deepcopy(base)
            if var.scope is None:
                put(document, tuple(var.path.split(".")), document_value(var.kind, value))
                targets: list[tuple[str, str | None]] = [(rule_id, None) for rule_id in rule_ids]
            else:
                if not isinstance(document.get(var.scope), list) or not document[var.scope]:
                    continue
                put(document, (var.scope, 0, *var.path.split(".")), document_value(var.kind, value))
                targets = [
                    (rule_id, None if model.compiled[i].scope is None else f"{var.scope}[0]")
                    for rule_id, i in zip(rule_ids, core)
                ]
            shows = shows_of(document, analysis.ruleset, targets)
            if shows is None:
                continue
            outcomes = ", ".join(f"{marks[r['outcome']]} {r['id']}" for r in shows["rules"])
            lines.append(f"with {var.document_path()} = {value_text(var, value)}: {outcomes}")
            if first[0] is None:
                first = (document, based_on, changed_paths(base, document), shows)
    return (*first, [f"from {based_on}:"] + [f"  {line}" for line in lines] if lines else [])
