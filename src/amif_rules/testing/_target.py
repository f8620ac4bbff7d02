"""What the strategies know of a ruleset, and the oracle they steer by.

A :class:`Target` is a call's ruleset as it is evaluated for one reference date: its typed
rules (``ruleset.py``), their compiled form (``ir.py``) and what every fact key means. The
strategies read the *compiled* conditions to find which fields a rule reads and where its
boundaries are (a :class:`~amif_rules.ir.Linear` atom is an exact integer comparison), and
judge candidate documents with :func:`judge`, an oracle that evaluates the *typed*
expressions of the ruleset directly (``expr.evaluate``), without the compiler or either
engine. A disagreement between that oracle and an engine is therefore a finding, not an
echo.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import attrs

from .. import catalog, dates, expr
from ..compiler import Plan
from ..documents import read_application
from ..errors import AmifRulesError, InputError
from ..facts import Facts, build_facts
from ..ir import CompiledRule, EncodedFacts
from ..ruleset import Rule, Ruleset
from ..schema import DATE, FieldType, root_field, scope_field
from ..search import Key, PlanKeys


@attrs.frozen
class Result:
    """The oracle's outcome of one rule on one fact (``item`` None for root rules, or for a
    per-element rule over an empty or absent list)."""

    rule: int
    id: str
    severity: str
    scope: str | None
    item: int | None
    outcome: str


@attrs.frozen
class Judgement:
    """A document judged by the oracle: the outcome of every rule, and what it was read as."""

    target: Target
    results: tuple[Result, ...]
    facts: Facts
    encoded: EncodedFacts

    @property
    def outcome(self) -> str:
        if any(r.outcome == "fail" and r.severity == "error" for r in self.results):
            return "ineligible"
        if any(r.outcome == "unknown" for r in self.results):
            return "incomplete"
        return "eligible"

    def fact(self, result: Result) -> dict:
        if result.scope is None or result.item is None:
            return self.encoded.root
        return self.encoded.items[result.scope][result.item]


class Target:
    """A prepared ruleset with the meaning of each of its fact keys."""

    def __init__(self, ruleset: Ruleset, plan: Plan, call: str | None):
        self.ruleset = ruleset
        self.plan = plan
        self.call = call
        self.rules: tuple[Rule, ...] = ruleset.rules
        self.compiled: tuple[CompiledRule, ...] = plan.compiled.rules
        self.keys: dict[str, Key] = PlanKeys(plan).table()
        self.index = {rule.id: position for position, rule in enumerate(self.rules)}

    def rule(self, rule_id: str) -> Rule:
        try:
            return self.rules[self.index[rule_id]]
        except KeyError:
            raise ValueError(
                f"ruleset {self.ruleset.id!r} has no rule {rule_id!r}; its rules: " + ", ".join(self.index)
            ) from None

    def reads(self) -> set[tuple[str | None, str]]:
        """Every (scope, path) of a document field the compiled rules read, arguments of
        derived keys included (``reference_date`` stands for ``submitted_at``)."""
        found: set[tuple[str | None, str]] = set()
        for info in self.keys.values():
            if info.call is None:
                found.add((info.scope, info.path))
            else:
                for path in expr.paths(info.call):
                    if path.gather is not None:  # partners.experience: each partner's experience
                        found.add((path.gather, path.element_field))
                    else:
                        found.add((path.scope, path.path))
        return {(scope, "submitted_at" if path == "reference_date" else path) for scope, path in found}


_TARGETS: dict[tuple, Target] = {}


def target_for(call: str | None, ruleset: Ruleset | None, on: dt.date | None) -> Target:
    """The target a document is judged against, as ``amif_rules.check`` would pick it."""
    key = (call, None if ruleset is None else (ruleset.digest, ruleset.file), on)
    target = _TARGETS.get(key)
    if target is not None:
        return target
    if ruleset is not None:
        prepared = catalog.prepare_ruleset(ruleset, on)
    else:
        prepared = catalog.for_call(str(call), on)
    target = Target(prepared.ruleset, prepared.plan, call if call is not None else prepared.ruleset.call)
    if len(_TARGETS) > 4096:
        _TARGETS.clear()
    _TARGETS[key] = target
    return target


def judge(document: Any, call: str | None = None, ruleset: Ruleset | None = None) -> Judgement | None:
    """The oracle's view of ``document``: None when the document is not a valid application."""
    try:
        application = read_application(copy.deepcopy(document) if isinstance(document, dict) else document)
    except InputError:
        return None
    day = dates.reference_date(application.submitted_at)
    if day is not None and any(
        p is not None and p.birth_date is not None and p.birth_date > day for p in application.participants or ()
    ):
        return None  # born after the submission: the reader refuses it (issue 10), whatever its version
    code = call if call is not None else application.call
    if ruleset is None and code is None:
        return None
    try:
        target = target_for(code, ruleset, day)
    except AmifRulesError:
        return None
    facts = build_facts(application, register_date=dates.register_date(target.ruleset.register_date, day))
    encoded = target.plan.encode(facts)
    results: list[Result] = []
    for position, rule in enumerate(target.rules):
        if rule.for_each is None:
            results.append(Result(position, rule.id, rule.severity, None, None, typed_outcome(rule, facts.root, {})))
            continue
        elements = facts.items.get(rule.for_each, ())
        if not elements:
            results.append(Result(position, rule.id, rule.severity, rule.for_each, None, "not_applicable"))
        for index, element in enumerate(elements):
            results.append(
                Result(position, rule.id, rule.severity, rule.for_each, index, typed_outcome(rule, facts.root, element))
            )
    return Judgement(target, tuple(results), facts, encoded)


def typed_outcome(rule: Rule, root: dict, element: dict) -> str:
    """A rule's outcome from its typed expressions (three-valued, as the contract says)."""

    def lookup(scope: str | None, path: str) -> Any:
        return element.get(path) if scope is not None else root.get(path)

    if rule.when is not None:
        applicable = expr.evaluate(rule.when, lookup)
        if applicable is False:
            return "not_applicable"
        if applicable is None:
            return "unknown"
    truth = expr.evaluate(rule.check, lookup)
    if truth is None:
        return "unknown"
    return "pass" if truth else "fail"


def field_type(scope: str | None, path: str) -> FieldType | None:
    if path == "reference_date" and scope is None:
        return FieldType(DATE)
    return root_field(path) if scope is None else scope_field(scope, path)
