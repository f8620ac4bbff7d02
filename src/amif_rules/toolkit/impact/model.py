"""What an impact report is made of: the rulesets compared, the flips with their rule
changes and parameters, causes, per-rule deltas, bad documents, and sweeps. Plain data with
``to_dict``; how it is written (text, HTML, charts) lives in the modules beside this one."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import attrs

from ...explain import json_value
from ...ruleset import Ruleset

VERDICT_OUTCOMES = ("eligible", "ineligible", "incomplete")
RULE_OUTCOMES = ("pass", "fail", "unknown", "not_applicable")
#: The outcome of a rule that one of the two rulesets does not have (added or removed by the draft).
ABSENT = "absent"
#: Input errors listed in a report (all are counted).
MAX_LISTED_ERRORS = 100
#: Values in one sweep.
MAX_SWEEP_POINTS = 500
#: Parameter types a sweep can vary.
NUMERIC_TYPES = ("integer", "decimal", "share", "money")
ARROW = "→"

RulesetLike = Ruleset | str | Path

# -- the report's parts ---------------------------------------------------------------------------


@attrs.frozen
class RulesetInfo:
    id: str
    version: str
    status: str
    call: str | None
    file: str

    @classmethod
    def of(cls, ruleset: Ruleset) -> RulesetInfo:
        return cls(ruleset.id, ruleset.version, ruleset.status, ruleset.call, ruleset.origin)

    def to_dict(self) -> dict:
        return {"id": self.id, "version": self.version, "status": self.status, "call": self.call, "file": self.file}


@attrs.frozen
class ParameterValues:
    """A parameter's value in the base and in the draft (None where a ruleset lacks it)."""

    name: str
    type: str
    base: Any  # JSON value
    draft: Any

    @property
    def changed(self) -> bool:
        return self.base != self.draft

    def to_dict(self) -> dict:
        return {"name": self.name, "type": self.type, "base": self.base, "draft": self.draft, "changed": self.changed}


@attrs.frozen
class RuleChange:
    """One rule (on one list element) whose outcome differs between base and draft."""

    rule: str
    item: str | None
    before: str  # a rule outcome, or ABSENT
    after: str
    #: The values the rule read, as in the draft's verdict (the base's when the draft lacks the rule).
    fields: dict
    #: The values the base read, when they differ (another register date, say); else None.
    fields_before: dict | None
    #: The parameters the rule reads, with the base's and the draft's values.
    parameters: tuple[ParameterValues, ...]
    message_before: str | None
    message_after: str | None
    severity_before: str | None = None  # None where the rule is absent
    severity_after: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """(rule, before, after), a failed or unknown warning marked " (warning)"."""
        return (self.rule, _state(self.before, self.severity_before), _state(self.after, self.severity_after))

    @property
    def decisive(self) -> bool:
        """Whether the change can move the verdict: it makes the rule block (a failed error
        rule), undecided (unknown), or neither, differently before and after. A rule that goes
        from pass to not applicable, or is removed while it passed, changes no verdict."""
        return effect(self.before, self.severity_before) != effect(self.after, self.severity_after)

    def to_dict(self) -> dict:
        data: dict[str, Any] = {
            "id": self.rule,
            "item": self.item,
            "before": self.before,
            "after": self.after,
            "severity_before": self.severity_before,
            "severity_after": self.severity_after,
            "decisive": self.decisive,
            "fields": self.fields,
        }
        if self.fields_before is not None:
            data["fields_before"] = self.fields_before
        data["parameters"] = [p.to_dict() for p in self.parameters]
        data["message_before"] = self.message_before
        data["message_after"] = self.message_after
        return data


@attrs.frozen
class Flip:
    """An application whose outcome differs between base and draft."""

    document: str  # where it was read: "file.jsonl:12", "folder/x.json"
    applicant: str | None
    municipality: str | None
    before: str
    after: str
    changes: tuple[RuleChange, ...]

    @property
    def cause(self) -> tuple[tuple[str, str, str], ...]:
        """The distinct (rule, before, after) of its decisive changes, in rule order."""
        decisive = [change for change in self.changes if change.decisive] or list(self.changes)
        return tuple(dict.fromkeys(change.key for change in decisive))

    def to_dict(self) -> dict:
        return {
            "document": self.document,
            "applicant": self.applicant,
            "municipality": self.municipality,
            "before": self.before,
            "after": self.after,
            "cause": cause_label(self.cause),
            "rules": [change.to_dict() for change in self.changes],
        }


def _state(outcome: str, severity: str | None) -> str:
    return f"{outcome} (warning)" if severity == "warning" and outcome in ("fail", "unknown") else outcome


def effect(outcome: str, severity: str | None) -> str:
    """What a rule's result does to the verdict: it ``blocks`` (a failed error rule), leaves
    it ``undecided`` (an unknown error rule), or is ``fine``."""
    if outcome == "fail" and severity == "error":
        return "blocks"
    return "undecided" if outcome == "unknown" and severity == "error" else "fine"


def cause_label(cause: Sequence[tuple[str, str, str]]) -> str:
    """``lead-municipality-large: fail → pass; form-signed: pass → fail``."""
    if not cause:
        return "(no rule outcome changed)"
    return "; ".join(f"{rule}: {before} {ARROW} {after}" for rule, before, after in cause)


@attrs.frozen
class Cause:
    """Flips with the same set of rule changes."""

    changes: tuple[tuple[str, str, str], ...]
    flips: tuple[Flip, ...]

    @property
    def label(self) -> str:
        return cause_label(self.changes)

    @property
    def transitions(self) -> dict[str, int]:
        """How many of its flips go from which outcome to which: {"ineligible → eligible": 5}."""
        counts = Counter(f"{flip.before} {ARROW} {flip.after}" for flip in self.flips)
        return dict(sorted(counts.items()))

    @property
    def parameters(self) -> tuple[ParameterValues, ...]:
        """The parameters the changed rules read, once each, in order."""
        seen: dict[str, ParameterValues] = {}
        for flip in self.flips[:1]:
            for change in flip.changes:
                if change.key in self.changes:
                    for parameter in change.parameters:
                        seen.setdefault(parameter.name, parameter)
        return tuple(seen.values())

    def to_dict(self) -> dict:
        return {
            "cause": self.label,
            "rules": [{"id": rule, "before": before, "after": after} for rule, before, after in self.changes],
            "count": len(self.flips),
            "transitions": self.transitions,
            "parameters": [p.to_dict() for p in self.parameters],
            "documents": [flip.document for flip in self.flips],
        }


@attrs.frozen
class RuleDelta:
    """One rule over the whole portfolio: its results per outcome before and after."""

    rule: str
    before: dict[str, int]
    after: dict[str, int]
    changed: int  # results (documents × list elements) whose outcome differs
    transitions: dict[str, int]  # "fail → pass": n

    def to_dict(self) -> dict:
        return {
            "id": self.rule,
            "before": self.before,
            "after": self.after,
            "changed": self.changed,
            "transitions": self.transitions,
        }


@attrs.frozen
class BadDocument:
    """A document of the portfolio that could not be checked, with why."""

    document: str
    problems: tuple[tuple[str, str], ...]  # (path, message)

    def to_dict(self) -> dict:
        return {"document": self.document, "problems": [{"path": path, "message": message} for path, message in self.problems]}


class SweepPoint(NamedTuple):
    value: Any  # int or Decimal
    counts: dict[str, int]  # outcome -> applications


@attrs.frozen
class SweepResult:
    """How the outcomes of a portfolio move with the value of one parameter (the counts; the
    :class:`~amif_rules.toolkit.impact.Sweep` that :func:`sweep` returns also draws them)."""

    ruleset: RulesetInfo
    parameter: str
    type: str
    current: Any  # the ruleset's own value (int or Decimal)
    points: tuple[SweepPoint, ...]
    documents: int
    errors: int
    #: The value in the base ruleset, when the sweep is of a draft whose value differs.
    base_value: Any = None

    def __iter__(self) -> Iterator[SweepPoint]:
        return iter(self.points)

    def __len__(self) -> int:
        return len(self.points)

    def eligible(self) -> list[tuple[Any, int]]:
        return [(point.value, point.counts["eligible"]) for point in self.points]

    def to_dict(self) -> dict:
        return {
            "ruleset": self.ruleset.to_dict(),
            "parameter": self.parameter,
            "type": self.type,
            "current": json_value(self.current),
            "base_value": json_value(self.base_value),
            "documents": self.documents,
            "errors": self.errors,
            "points": [{"value": json_value(point.value), "outcomes": dict(point.counts)} for point in self.points],
        }


@attrs.frozen
class ImpactResult:
    """What a draft changes for a portfolio (see :mod:`amif_rules.toolkit.impact`): the
    counts, flips and causes; the :class:`~amif_rules.toolkit.impact.ImpactReport` that
    :func:`impact` returns also writes them as text and HTML."""

    base: RulesetInfo
    draft: RulesetInfo
    portfolio: str
    documents: int  # documents read, those with bad input included
    errors: int  # documents with bad input
    bad_documents: tuple[BadDocument, ...]  # the first MAX_LISTED_ERRORS of them
    before: dict[str, int]  # verdict outcome -> applications, under the base
    after: dict[str, int]  # ... under the draft
    flips: tuple[Flip, ...]
    rules: tuple[RuleDelta, ...]
    #: Applications that keep their outcome although some rule's outcome changed.
    unchanged_with_rule_changes: int
    #: The parameters whose value the draft changes.
    parameters: tuple[ParameterValues, ...]
    rules_added: tuple[str, ...]
    rules_removed: tuple[str, ...]
    rules_modified: tuple[str, ...]  # condition, scope or severity changed
    lang: str = "nl"
    engine: str = "auto"
    sweep: SweepResult | None = None

    @property
    def checked(self) -> int:
        return self.documents - self.errors

    @property
    def changed(self) -> int:
        """How many applications change outcome."""
        return len(self.flips)

    @property
    def causes(self) -> tuple[Cause, ...]:
        """The flips grouped by cause, the largest group first."""
        groups: dict[tuple, list[Flip]] = {}
        for flip in self.flips:
            groups.setdefault(flip.cause, []).append(flip)
        ordered = sorted(groups.items(), key=lambda entry: (-len(entry[1]), cause_label(entry[0])))
        return tuple(Cause(cause, tuple(flips)) for cause, flips in ordered)

    def to_dict(self) -> dict:
        return {
            "base": self.base.to_dict(),
            "draft": self.draft.to_dict(),
            "parameters": [p.to_dict() for p in self.parameters],
            "rules_added": list(self.rules_added),
            "rules_removed": list(self.rules_removed),
            "rules_modified": list(self.rules_modified),
            "portfolio": {"source": self.portfolio, "documents": self.documents, "checked": self.checked, "errors": self.errors},
            "outcomes": {"before": dict(self.before), "after": dict(self.after)},
            "changed": self.changed,
            "unchanged_with_rule_changes": self.unchanged_with_rule_changes,
            "causes": [cause.to_dict() for cause in self.causes],
            "flips": [flip.to_dict() for flip in self.flips],
            "rules": [delta.to_dict() for delta in self.rules],
            "errors": [bad.to_dict() for bad in self.bad_documents],
            "sweep": self.sweep.to_dict() if self.sweep is not None else None,
            "lang": self.lang,
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)
