"""Comparing a verdict with what a case expects, and saying why they differ: the rule, its
outcome, its message and the values it read, so that a failure needs no debugger."""

from __future__ import annotations

import json
from typing import Any

from ...verdict import RuleResult, Verdict
from .model import ITEM, Case
from .results import Failure


def compare(case: Case, verdict: Verdict) -> list[Failure]:
    """The expectations of ``case`` that ``verdict`` does not meet, each explained."""
    failures: list[Failure] = []
    if verdict.outcome != case.outcome:
        failures.append(
            Failure(
                "outcome",
                f"outcome: expected {case.outcome}, got {verdict.outcome} — {why(verdict)}",
                expected=case.outcome,
                actual=verdict.outcome,
            )
        )
    for expectation in case.rules:
        results = [
            r for r in verdict.rules if r.id == expectation.rule and (expectation.item is None or r.item == expectation.item)
        ]
        if not results:
            scope = ITEM.match(expectation.item).group("list") if expectation.item else None  # type: ignore[union-attr]
            count = sum(1 for r in verdict.rules if r.id == expectation.rule and r.item is not None)
            failures.append(
                Failure(
                    "rule",
                    f"rule {expectation.label}: expected {expectation.outcome}, but the rule has no result for "
                    f"{expectation.item}: the application has {count} {scope}",
                    rule=expectation.rule,
                    item=expectation.item,
                    expected=expectation.outcome,
                )
            )
            continue
        for result in results:
            if result.outcome != expectation.outcome:
                failures.append(
                    Failure(
                        "rule",
                        f"rule {label(result)}: expected {expectation.outcome}, got {result.outcome} — {values(result)}",
                        rule=result.id,
                        item=result.item,
                        expected=expectation.outcome,
                        actual=result.outcome,
                        message=result.message,
                        fields=dict(result.fields),
                    )
                )
            elif expectation.message is not None and expectation.message not in result.message:
                failures.append(
                    Failure(
                        "message",
                        f"rule {label(result)}: expected its message to contain {expectation.message!r}, got: {result.message}",
                        rule=result.id,
                        item=result.item,
                        expected=expectation.message,
                        actual=result.message,
                        message=result.message,
                        fields=dict(result.fields),
                    )
                )
    if case.missing is not None and tuple(verdict.missing) != case.missing:
        expected, actual = set(case.missing), set(verdict.missing)
        details = []
        if actual - expected:
            details.append("also missing: " + ", ".join(sorted(actual - expected)))
        if expected - actual:
            details.append("not missing: " + ", ".join(sorted(expected - actual)))
        failures.append(
            Failure(
                "missing",
                f"missing: expected [{', '.join(case.missing)}], got [{', '.join(verdict.missing)}] — " + "; ".join(details),
                expected=list(case.missing),
                actual=list(verdict.missing),
            )
        )
    return failures


def label(result: RuleResult) -> str:
    """``rule-id`` or ``rule-id[partners[1]]``."""
    return f"{result.id}[{result.item}]" if result.item else result.id


def format_value(value: Any) -> str:
    """A value the rule read, as in the verdict's ``fields``: missing, or its JSON text."""
    if value is None:
        return "missing"
    return json.dumps(value, ensure_ascii=False)


def values(result: RuleResult) -> str:
    """``path = value, ... (message)``: what the rule read and what it said."""
    read = ", ".join(f"{path} = {format_value(value)}" for path, value in result.fields.items())
    return f"{read} ({result.message})" if read else f"({result.message})"


def why(verdict: Verdict) -> str:
    """The rules that made the verdict what it is."""
    if verdict.outcome == "ineligible":
        deciding = [r for r in verdict.rules if r.outcome == "fail" and r.severity == "error"]
        return "; ".join(f"rule {label(r)} failed: {values(r)}" for r in deciding)
    if verdict.outcome == "incomplete":
        unknown = [r for r in verdict.rules if r.outcome == "unknown"]
        return f"missing {', '.join(verdict.missing)}: " + "; ".join(f"rule {label(r)} is unknown: {values(r)}" for r in unknown)
    warnings = [r for r in verdict.rules if r.outcome == "fail"]
    text = "no rule of severity error failed and none is unknown"
    if warnings:
        text += "; failed warnings: " + "; ".join(f"{label(r)}: {values(r)}" for r in warnings)
    return text


def engine_differences(verdicts: list[Verdict]) -> list[Failure]:
    """A failure for each engine whose verdict differs from the first one's (``--engine both``)."""
    first, *others = verdicts
    failures = []
    for other in others:
        a, b = first.to_dict(), other.to_dict()
        a.pop("engine")
        b.pop("engine")
        if a == b:
            continue
        details = []
        if first.outcome != other.outcome:
            details.append(f"outcome {first.engine}: {first.outcome}, {other.engine}: {other.outcome}")
        for left, right in zip(first.rules, other.rules):
            if left.to_dict() != right.to_dict():
                details.append(f"rule {label(left)} {first.engine}: {left.outcome}, {other.engine}: {right.outcome}")
        if len(first.rules) != len(other.rules):
            details.append(f"{first.engine} gives {len(first.rules)} rule results, {other.engine} {len(other.rules)}")
        if not details:
            details.append("the verdicts differ")
        failures.append(
            Failure("engines", f"the engines disagree: {'; '.join(details)}", expected=first.engine, actual=other.engine)
        )
    return failures
