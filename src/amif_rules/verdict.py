"""Rule outcomes → the explained verdict of contract §2.

This layer knows outcomes, facts and messages, never which engine produced the outcomes:
the verdict of two engines differs only in its ``engine`` field.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any, Optional

import attrs

from . import messages
from .facts import NO_REGISTER_YEAR, Facts
from .ir import RuleOutcome
from .ruleset import Rule, Ruleset
from .schema import LIST

#: How an outcome shows in the text output.
_MARKS = {"pass": "✔", "fail": "✘", "unknown": "?", "not_applicable": "–"}
_OUTCOME_WORDS = {
    "eligible": {"nl": "ontvankelijk", "fr": "recevable", "en": "eligible"},
    "ineligible": {"nl": "niet ontvankelijk", "fr": "irrecevable", "en": "ineligible"},
    "incomplete": {"nl": "onvolledig", "fr": "incomplet", "en": "incomplete"},
}


class Explanation:
    """The message and fields of one rule result, made the first time they are read.

    A portal that only needs outcomes never pays for formatting messages in three
    languages; the text is the same whenever it is made. Thread-safe: computing twice by
    a race gives the same value.
    """

    __slots__ = ("_make", "_value")

    def __init__(self, make):
        self._make = make
        self._value = None

    @classmethod
    def given(cls, message: str, fields: dict[str, Any]) -> "Explanation":
        explanation = cls(None)
        explanation._value = (message, fields)
        return explanation

    @property
    def value(self) -> tuple[str, dict[str, Any]]:
        value = self._value
        if value is None:
            value = self._value = self._make()
            self._make = None
        return value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Explanation) and self.value == other.value

    def __hash__(self) -> int:  # pragma: no cover - results are not used as keys
        return hash(self.value[0])

    def __repr__(self) -> str:
        return repr(self.value[0]) if self._value is not None else "<not yet rendered>"


def _explanation(value: Any) -> Explanation:
    return value if isinstance(value, Explanation) else Explanation.given(value, {})


@attrs.frozen(init=False)
class RuleResult:
    """The outcome of one rule (on one list element, when ``item`` is set), explained.

    ``message`` and ``fields`` are made when first read (see :class:`Explanation`).
    """

    id: str
    outcome: str
    severity: str
    explanation: Explanation
    source: str
    item: Optional[str] = None

    def __init__(self, id: str, outcome: str, severity: str, message: Any, fields: Optional[dict[str, Any]] = None,
                 source: str = "", item: Optional[str] = None):
        explanation = message if isinstance(message, Explanation) else Explanation.given(message, dict(fields or {}))
        self.__attrs_init__(id, outcome, severity, explanation, source, item)

    @property
    def message(self) -> str:
        return self.explanation.value[0]

    @property
    def fields(self) -> dict[str, Any]:
        """Every input path the rule read, with its JSON value (None when missing)."""
        return self.explanation.value[1]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(path for path, value in self.fields.items() if value is None)

    def to_dict(self) -> dict[str, Any]:
        data = {
            "id": self.id,
            "outcome": self.outcome,
            "severity": self.severity,
            "message": self.message,
            "fields": dict(self.fields),
            "source": self.source,
        }
        if self.item is not None:
            data["item"] = self.item
        return data


@attrs.frozen
class Verdict:
    """The answer to one application (contract §2)."""

    call: Optional[str]
    ruleset_id: str
    ruleset_version: str
    outcome: str  # eligible | ineligible | incomplete
    rules: tuple[RuleResult, ...]
    missing: tuple[str, ...]
    engine: str
    lang: str = "nl"

    @property
    def eligible(self) -> bool:
        return self.outcome == "eligible"

    def rule(self, rule_id: str, item: Optional[str] = None) -> RuleResult:
        """The result of rule ``rule_id`` (on element ``item``, for per-element rules)."""
        for result in self.rules:
            if result.id == rule_id and (item is None or result.item == item):
                return result
        raise KeyError(rule_id if item is None else f"{rule_id} on {item}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "call": self.call,
            "ruleset": {"id": self.ruleset_id, "version": self.ruleset_version},
            "outcome": self.outcome,
            "rules": [result.to_dict() for result in self.rules],
            "missing": list(self.missing),
            "engine": self.engine,
        }

    def to_json(self, indent: Optional[int] = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_text(self) -> str:
        """A readable explanation: outcome first, then every rule with its message."""
        lang = self.lang
        lines = [f"{self.ruleset_id} (versie {self.ruleset_version}): {_OUTCOME_WORDS[self.outcome][lang].upper()}"
                 if lang == "nl" else
                 f"{self.ruleset_id} (version {self.ruleset_version}): {_OUTCOME_WORDS[self.outcome][lang].upper()}"]
        for result in self.rules:
            where = f" [{result.item}]" if result.item else ""
            warning = " (warning)" if result.severity == "warning" else ""
            lines.append(f"  {_MARKS[result.outcome]} {result.id}{where}{warning}: {result.message}")
            lines.append(f"      {result.source}")
        if self.missing:
            heading = {"nl": "Ontbrekende gegevens", "fr": "Données manquantes", "en": "Missing data"}[lang]
            lines.append(f"{heading}: {', '.join(self.missing)}")
        return "\n".join(lines)


def verdict_schema() -> dict:
    """The JSON Schema of :meth:`Verdict.to_dict` (contract §2), as published in the package."""
    from importlib import resources

    return json.loads(resources.files("amif_rules").joinpath("schemas", "verdict.schema.json").read_text(encoding="utf-8"))


def aggregate(results: tuple[RuleResult, ...]) -> tuple[str, tuple[str, ...]]:
    """The verdict's outcome and its ``missing`` paths.

    Ineligible when any ``error`` rule fails; otherwise incomplete when any rule is
    unknown; otherwise eligible. ``missing`` lists the absent inputs of the unknown rules,
    only when they are what keeps the verdict undecided (the outcome is incomplete).
    """
    if any(r.outcome == "fail" and r.severity == "error" for r in results):
        return "ineligible", ()
    unknown = [r for r in results if r.outcome == "unknown"]
    if unknown:
        return "incomplete", tuple(sorted({path for r in unknown for path in r.missing}))
    return "eligible", ()


def build_verdict(ruleset: Ruleset, facts: Facts, outcomes: tuple[RuleOutcome, ...], engine: str, lang: str,
                  call: Optional[str]) -> Verdict:
    """Explain engine outcomes: messages in ``lang``, fields read, aggregation."""
    by_rule: dict[int, list[RuleOutcome]] = {}
    for outcome in outcomes:
        by_rule.setdefault(outcome.rule, []).append(outcome)
    results: list[RuleResult] = []
    for index, rule in enumerate(ruleset.rules):
        rule_outcomes = by_rule.get(index, [])
        if rule.for_each is not None and not rule_outcomes:
            results.append(_empty_list_result(rule, facts, lang))
            continue
        for outcome in sorted(rule_outcomes, key=lambda o: -1 if o.item is None else o.item):
            results.append(_result(rule, facts, outcome, lang))
    verdict_outcome, missing = aggregate(tuple(results))
    return Verdict(call=call, ruleset_id=ruleset.id, ruleset_version=ruleset.version, outcome=verdict_outcome,
                   rules=tuple(results), missing=missing, engine=engine, lang=lang)


def _empty_list_result(rule: Rule, facts: Facts, lang: str) -> RuleResult:
    scope = rule.for_each
    assert scope is not None
    value: Any = [] if scope in facts.lists_given else None
    return RuleResult(rule.id, "not_applicable", rule.severity, messages.default_message("empty_list", lang, scope=scope),
                      {scope: value}, rule.source)


def _result(rule: Rule, facts: Facts, outcome: RuleOutcome, lang: str) -> RuleResult:
    item_path = f"{rule.for_each}[{outcome.item}]" if outcome.item is not None else None
    result = object.__new__(RuleResult)  # the checks of __init__ are for callers, not needed here
    result.__attrs_init__(rule.id, outcome.outcome, rule.severity,
                          Explanation(lambda: _explain(rule, facts, outcome, lang, item_path)), rule.source, item_path)
    return result


def _explain(rule: Rule, facts: Facts, outcome: RuleOutcome, lang: str, item_path: Optional[str]) -> tuple[str, dict]:
    element = facts.items[rule.for_each][outcome.item] if outcome.item is not None and rule.for_each else {}
    fields = _fields(rule, facts, element, item_path)
    missing = tuple(path for path, value in fields.items() if value is None)

    def lookup(scope: Optional[str], path: str) -> Any:
        return element.get(path) if scope is not None else facts.root.get(path)

    template = rule.messages.template(outcome.outcome, lang)
    if template is not None:
        message = messages.render(template, lang, lookup, item_path, missing)
    else:
        message = messages.default_message(outcome.outcome, lang, missing)
    if outcome.outcome == "unknown":
        for path in missing:
            note = facts.provenance.get(path, "")
            if note.startswith(NO_REGISTER_YEAR):
                day = dt.date.fromisoformat(note[len(NO_REGISTER_YEAR):])
                message += " " + messages.no_register_year(day, lang)
    return message, fields


def _fields(rule: Rule, facts: Facts, element: dict, item_path: Optional[str]) -> dict[str, Any]:
    """Every input path the rule read, with its JSON value (None when missing)."""
    fields: dict[str, Any] = {}
    if rule.unresolved and facts.reference_date_source is None:
        fields["submitted_at"] = None  # the date that picks a dated parameter's value
    for path in rule.reads:
        if path.scope is not None:
            fields[f"{item_path}.{path.path}"] = json_value(element.get(path.path))
        elif path.path == "reference_date":
            if facts.reference_date_source != "on":
                fields["submitted_at"] = json_value(facts.root.get("submitted_at"))
        elif path.type.kind == LIST:
            value = facts.root.get(path.path)
            fields[path.path] = None if value is None else len(value)
        else:
            fields[path.path] = json_value(facts.root.get(path.path))
    return fields


def json_value(value: Any) -> Any:
    """A typed value as JSON: amounts as "1234.56", instants and dates in ISO 8601."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [json_value(v) for v in value]
    return str(value)
