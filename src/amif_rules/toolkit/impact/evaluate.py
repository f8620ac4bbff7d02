"""Evaluating a portfolio fast: each document for its outcome only (the engine's rule
outcomes, without the messages), under every ruleset of the pass, reading the portfolio once;
documents with bad input are counted, and the first :data:`MAX_LISTED_ERRORS` listed."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ... import api
from ...batch import Progress
from ...engines import get_engine
from ...errors import AmifRulesError, InputError, Problem
from ...model import Application
from ...ruleset import Ruleset
from .documents import Item, parse_document
from .model import MAX_LISTED_ERRORS, BadDocument


class Side:
    """One ruleset, evaluated the way :func:`amif_rules.check` does, for outcomes only."""

    def __init__(self, ruleset: Ruleset, engine: str, on: dt.date | None):
        self.ruleset = ruleset
        self.engine = get_engine(engine)
        self.on = on

    def evaluate(self, application: Application) -> tuple[str, dict[tuple[str, str | None], tuple[str, str]]]:
        """(verdict outcome, {(rule id, item path): (outcome, severity)}) — as ``check`` would say."""
        prepared, facts = api.prepare(application, on=self.on, ruleset=self.ruleset)
        outcomes = self.engine.evaluate(prepared.plan.compiled, prepared.plan.encode(facts))
        rules = prepared.ruleset.rules
        results: dict[tuple[str, str | None], tuple[str, str]] = {}
        seen: set[int] = set()
        for outcome in outcomes:
            rule = rules[outcome.rule]
            seen.add(outcome.rule)
            item = f"{rule.for_each}[{outcome.item}]" if outcome.item is not None else None
            results[(rule.id, item)] = (outcome.outcome, rule.severity)
        for index, rule in enumerate(rules):
            if index not in seen and rule.for_each is not None:
                results[(rule.id, None)] = ("not_applicable", rule.severity)
        values = results.values()
        if any(outcome == "fail" and severity == "error" for outcome, severity in values):
            verdict = "ineligible"
        elif any(outcome == "unknown" for outcome, _ in values):
            verdict = "incomplete"
        else:
            verdict = "eligible"
        return verdict, results


def progress_of(progress: Any) -> Progress:
    """A :class:`Progress` as given, ``True`` for a counter on standard error, else a silent one."""
    if isinstance(progress, Progress):
        return progress
    if progress is True:
        return Progress(sys.stderr)
    return Progress(sys.stderr, enabled=False)


def _problems(error: Exception) -> tuple[tuple[str, str], ...]:
    if isinstance(error, InputError):
        return tuple((problem.path, problem.message) for problem in error.problems)
    if isinstance(error, FileNotFoundError | OSError):
        return (("", str(error)),)
    return (("", f"{type(error).__name__}: {error}"),)


class Pass:
    """Reads a portfolio once; evaluates each document under every ruleset it is given."""

    def __init__(self, sides: Sequence[Side], call: str | None, progress: Progress):
        self.sides = sides
        self.call = call
        self.progress = progress
        self.documents = 0
        self.errors = 0
        self.bad: list[BadDocument] = []

    def run(self, items: Iterable[Item]) -> Iterator[tuple[str, Application, list]]:
        """Yields (name, application, [(outcome, results) per side]) for each good document."""
        try:
            for name, data in items:
                self.documents += 1
                try:
                    application = parse_document(name, data)
                    if self.call is not None and application.call is not None and application.call != self.call:
                        raise InputError(
                            [
                                Problem(
                                    "call",
                                    f"the application is for call {application.call}, the rulesets are for call {self.call}",
                                )
                            ]
                        )
                    evaluated = [side.evaluate(application) for side in self.sides]
                except (AmifRulesError, UnicodeDecodeError) as error:
                    self._bad(name, error)
                    self.progress.step(False)
                    continue
                self.progress.step(True)
                yield name, application, evaluated
        except OSError as error:  # a folder or file that cannot be read half-way
            self.documents += 1
            self._bad(getattr(error, "filename", None) or "portfolio", error)
        finally:
            self.progress.close()

    def _bad(self, name: str, error: Exception) -> None:
        self.errors += 1
        if len(self.bad) < MAX_LISTED_ERRORS:
            self.bad.append(BadDocument(name, _problems(error)))


def zero(outcomes: Sequence[str]) -> dict[str, int]:
    """A tally of each outcome, all at 0 (every outcome shows in a report, counted or not)."""
    return {outcome: 0 for outcome in outcomes}
