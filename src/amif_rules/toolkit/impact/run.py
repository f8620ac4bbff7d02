"""The two passes: :func:`impact` (a draft against its base, with every flip explained) and
:func:`sweep` (the outcomes for each value of one parameter). Each reads the portfolio once;
the full, explained verdicts are computed for the flips alone."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ...api import check
from ...catalog import resolve_ruleset
from ...errors import AmifRulesError
from ...languages import check_language
from ...model import Application
from ...ruleset import Ruleset, load_ruleset, parameters_read
from .compare import compare_rulesets, parameter_values
from .documents import DocumentsLike, portfolio_items
from .evaluate import Pass, Side, progress_of, zero
from .model import (
    ABSENT,
    ARROW,
    RULE_OUTCOMES,
    VERDICT_OUTCOMES,
    Flip,
    RuleChange,
    RuleDelta,
    RulesetInfo,
    RulesetLike,
    SweepPoint,
    effect,
)
from .report import ImpactReport, Sweep
from .sweeps import sweep_sides


def impact(
    base: RulesetLike,
    draft: RulesetLike,
    documents: DocumentsLike,
    lang: str = "nl",
    engine: str = "auto",
    progress: Any = None,
    on: dt.date | None = None,
    sweep: tuple[str, Sequence[Any]] | None = None,
) -> ImpactReport:
    """Evaluate every document of ``documents`` under ``base`` and ``draft``; see the module docstring.

    ``base``, ``draft``: :class:`Ruleset` objects, ruleset files, or bundled ids.
    ``documents``: a folder, a JSON Lines file, ``"-"``, or an iterable of documents.
    ``progress``: a :class:`amif_rules.batch.Progress`, or ``True`` for a counter on standard
    error when it is a terminal. ``sweep=(parameter, values)`` also sweeps a parameter of the
    draft, in the same pass over the portfolio (the report's ``sweep``).
    """
    check_language(lang)
    base_ruleset = resolve_ruleset(base)
    draft_ruleset = resolve_ruleset(draft)
    sides = [Side(base_ruleset, engine, on), Side(draft_ruleset, engine, on)]
    sweep_values_typed: list = []
    sweep_type = ""
    if sweep is not None:
        extra, sweep_values_typed, sweep_type = sweep_sides(draft_ruleset, sweep[0], sweep[1], engine, on)
        sides += extra
    source, items = portfolio_items(documents)
    scan = Pass(sides, draft_ruleset.call or base_ruleset.call, progress_of(progress))

    before = zero(VERDICT_OUTCOMES)
    after = zero(VERDICT_OUTCOMES)
    sweep_counts = [zero(VERDICT_OUTCOMES) for _ in sweep_values_typed]
    rule_order = [rule.id for rule in draft_ruleset.rules] + [
        r.id for r in base_ruleset.rules if r.id not in {d.id for d in draft_ruleset.rules}
    ]
    rule_before: dict[str, Counter[str]] = {rule_id: Counter() for rule_id in rule_order}
    rule_after: dict[str, Counter[str]] = {rule_id: Counter() for rule_id in rule_order}
    rule_transitions: dict[str, Counter[str]] = {rule_id: Counter() for rule_id in rule_order}
    flips: list[Flip] = []
    quiet_changes = 0
    for name, application, evaluated in scan.run(items):
        (outcome_before, results_before), (outcome_after, results_after) = evaluated[0], evaluated[1]
        before[outcome_before] += 1
        after[outcome_after] += 1
        for counts, (outcome, _) in zip(sweep_counts, evaluated[2:]):
            counts[outcome] += 1
        differs = False
        for key in dict.fromkeys(list(results_before) + list(results_after)):
            was, severity_was = results_before.get(key, (ABSENT, None))
            now, severity_now = results_after.get(key, (ABSENT, None))
            if was != ABSENT:
                rule_before[key[0]][was] += 1
            if now != ABSENT:
                rule_after[key[0]][now] += 1
            if was != now:
                differs = True
                rule_transitions[key[0]][f"{was} {ARROW} {now}"] += 1
            elif effect(was, severity_was) != effect(now, severity_now):
                differs = True
        if outcome_before != outcome_after:
            flips.append(_flip(name, application, base_ruleset, draft_ruleset, lang, engine, on))
        elif differs:
            quiet_changes += 1

    deltas = tuple(
        RuleDelta(
            rule_id,
            {o: rule_before[rule_id][o] for o in RULE_OUTCOMES},
            {o: rule_after[rule_id][o] for o in RULE_OUTCOMES},
            sum(rule_transitions[rule_id].values()),
            dict(sorted(rule_transitions[rule_id].items())),
        )
        for rule_id in rule_order
    )
    parameters, added, removed, modified = compare_rulesets(base_ruleset, draft_ruleset)
    sweep_result = None
    if sweep is not None:
        draft_value = draft_ruleset.parameters[sweep[0]].value
        base_parameter = base_ruleset.parameters.get(sweep[0])
        base_value = base_parameter.value if base_parameter is not None else None
        sweep_result = Sweep(
            RulesetInfo.of(draft_ruleset),
            sweep[0],
            sweep_type,
            draft_value,
            tuple(SweepPoint(v, c) for v, c in zip(sweep_values_typed, sweep_counts)),
            scan.documents,
            scan.errors,
            base_value if base_value != draft_value else None,
        )
    return ImpactReport(
        base=RulesetInfo.of(base_ruleset),
        draft=RulesetInfo.of(draft_ruleset),
        portfolio=source,
        documents=scan.documents,
        errors=scan.errors,
        bad_documents=tuple(scan.bad),
        before=before,
        after=after,
        flips=tuple(flips),
        rules=deltas,
        unchanged_with_rule_changes=quiet_changes,
        parameters=parameters,
        rules_added=added,
        rules_removed=removed,
        rules_modified=modified,
        lang=lang,
        engine=engine,
        sweep=sweep_result,
    )


def _flip(name: str, application: Application, base: Ruleset, draft: Ruleset, lang: str, engine: str, on: dt.date | None) -> Flip:
    """The explained flip: both full verdicts, compared rule by rule."""
    verdict_before = check(application, lang=lang, engine=engine, on=on, ruleset=base)
    verdict_after = check(application, lang=lang, engine=engine, on=on, ruleset=draft)
    results_before = {(r.id, r.item): r for r in verdict_before.rules}
    results_after = {(r.id, r.item): r for r in verdict_after.rules}
    base_rules = {rule.id: rule for rule in base.rules}
    draft_rules = {rule.id: rule for rule in draft.rules}
    changes = []
    for key in dict.fromkeys(list(results_after) + list(results_before)):
        was, now = results_before.get(key), results_after.get(key)
        outcome_was = was.outcome if was is not None else ABSENT
        outcome_now = now.outcome if now is not None else ABSENT
        severity_was = was.severity if was is not None else None
        severity_now = now.severity if now is not None else None
        if (outcome_was, severity_was) == (outcome_now, severity_now) or (
            outcome_was == outcome_now and effect(outcome_was, severity_was) == effect(outcome_now, severity_now)
        ):
            continue
        shown = now or was
        assert shown is not None  # every key is a rule of one verdict or the other
        fields = dict(shown.fields)
        fields_before = dict(was.fields) if was is not None and now is not None and was.fields != now.fields else None
        names: dict[str, None] = {}
        for rules in (base_rules, draft_rules):
            if key[0] in rules:
                names.update(dict.fromkeys(sorted(parameters_read(rules[key[0]], messages=False))))
        changes.append(
            RuleChange(
                key[0],
                key[1],
                outcome_was,
                outcome_now,
                fields,
                fields_before,
                parameter_values(base, draft, names),
                was.message if was is not None else None,
                now.message if now is not None else None,
                severity_was,
                severity_now,
            )
        )
    applicant = application.applicant
    municipality = applicant.municipality if applicant is not None else None
    return Flip(
        name,
        applicant.name if applicant is not None else None,
        municipality.name if municipality is not None else None,
        verdict_before.outcome,
        verdict_after.outcome,
        tuple(changes),
    )


def sweep(
    ruleset: RulesetLike,
    parameter: str,
    values: Iterable[Any],
    documents: DocumentsLike,
    engine: str = "auto",
    progress: Any = None,
    on: dt.date | None = None,
) -> Sweep:
    """How many applications of ``documents`` are eligible (ineligible, incomplete) for each
    of ``values`` of ``parameter`` in ``ruleset`` (a base or a draft); one pass over the
    portfolio. Iterating the result gives ``(value, counts)`` pairs."""
    target = resolve_ruleset(ruleset)
    sides, typed, type_name = sweep_sides(target, parameter, list(values), engine, on)
    _, items = portfolio_items(documents)
    scan = Pass(sides, target.call, progress_of(progress))
    counts = [zero(VERDICT_OUTCOMES) for _ in typed]
    for _, _, evaluated in scan.run(items):
        for tally, (outcome, _) in zip(counts, evaluated):
            tally[outcome] += 1
    extended = _extended_value(target, parameter)
    return Sweep(
        RulesetInfo.of(target),
        parameter,
        type_name,
        target.parameters[parameter].value,
        tuple(SweepPoint(v, c) for v, c in zip(typed, counts)),
        scan.documents,
        scan.errors,
        extended,
    )


def _extended_value(ruleset: Ruleset, parameter: str) -> Any:
    """The value of ``parameter`` in the ruleset ``ruleset`` extends, when it differs (else None)."""
    if not ruleset.extends:
        return None
    parent_id = ruleset.extends[-1]
    beside = Path(ruleset.origin).resolve().parent / f"{parent_id}.yaml" if ruleset.origin != "<ruleset>" else None
    try:
        parent = load_ruleset(beside) if beside is not None and beside.is_file() else resolve_ruleset(parent_id)
    except AmifRulesError:
        return None
    own = ruleset.parameters[parameter].value
    inherited = parent.parameters.get(parameter)
    return inherited.value if inherited is not None and inherited.value != own else None
