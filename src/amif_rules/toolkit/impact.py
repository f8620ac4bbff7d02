"""The impact of a draft: which applications of a portfolio change outcome, and why.

A **draft** is a ruleset that ``extends`` a published one and overrides some of its
parameters or rules (``rulesets/drafts/call-42-threshold-100000.yaml``). :func:`impact`
evaluates every application of a **portfolio** (a folder of JSON/YAML documents, a JSON
Lines file, standard input, or any iterable of documents) under the base ruleset and under
the draft, and reports:

- the number of applications per outcome, before and after;
- every **flip** (an application whose outcome changes), with the rules whose outcome
  changed (id, list element, before → after), the values those rules read (their
  ``fields``) and the parameters they read, with the base's and the draft's values;
- the flips grouped by **cause**: the set of rule changes that made them
  ("lead-municipality-large: fail → pass");
- per rule, how many results have each outcome before and after (rule-level deltas);
- the documents with bad input, counted and listed, never fatal.

:func:`sweep` counts the outcomes of the portfolio for a series of values of one numeric
parameter (``lead_min_population`` from 50,000 to 200,000 by 10,000, say).

Both read the portfolio once, as a stream, in constant memory: only the counts, the flips
and the first :data:`MAX_LISTED_ERRORS` input errors are kept, never every verdict. Each
document is evaluated for its outcome only (the engine's rule outcomes, without the
messages); the full, explained verdicts are computed for the flips alone.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, NamedTuple, Optional, Sequence, Union

import attrs
import yaml

from .. import api, catalog, expr
from ..api import check
from ..batch import Progress, sources
from ..documents import parse_json, parse_text, parse_yaml, read_application
from ..engines import get_engine
from ..errors import AmifRulesError, InputError, Problem
from ..model import Application
from ..ruleset import LANGUAGES, Ruleset, load_ruleset, parse_ruleset
from ..explain import json_value
from ..yamlsafe import strict_loader

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

RulesetLike = Union[Ruleset, str, Path]


class UnknownRuleset(AmifRulesError, LookupError):
    """Neither a ruleset file nor a bundled ruleset id or call code."""


# -- finding rulesets -----------------------------------------------------------------------------


def resolve_ruleset(spec: RulesetLike) -> Ruleset:
    """A :class:`Ruleset`, a ruleset file, a bundled ruleset id (``call-42``, or a bundled
    draft such as ``call-42-threshold-100000``) or a call code (``42``) → a loaded ruleset.

    Raises :class:`RulesetError` for a file that does not load, :class:`UnknownRuleset`
    when ``spec`` names nothing.
    """
    if isinstance(spec, Ruleset):
        return spec
    text = str(spec)
    path = Path(text)
    if path.is_file():
        return load_ruleset(path)
    folder = catalog.rulesets_dir()
    if "/" not in text and "\\" not in text:
        stem = text[:-5] if text.endswith(".yaml") else text
        for candidate in (folder / f"{stem}.yaml", folder / "drafts" / f"{stem}.yaml"):
            if candidate.is_file():
                return load_ruleset(candidate)
        if text in catalog.calls():
            return load_ruleset(catalog.select(text, None))
    drafts = sorted(p.stem for p in (folder / "drafts").glob("*.yaml")) if (folder / "drafts").is_dir() else []
    known = sorted(p.stem for p in catalog.ruleset_files())
    raise UnknownRuleset(f"no ruleset file {text!r}, and no bundled ruleset of that id or call code; "
                         f"bundled: {', '.join(known)}" + (f"; bundled drafts: {', '.join(drafts)}" if drafts else ""))


# -- the report's parts ---------------------------------------------------------------------------


@attrs.frozen
class RulesetInfo:
    id: str
    version: str
    status: str
    call: Optional[str]
    file: str

    @classmethod
    def of(cls, ruleset: Ruleset) -> "RulesetInfo":
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
    item: Optional[str]
    before: str  # a rule outcome, or ABSENT
    after: str
    #: The values the rule read, as in the draft's verdict (the base's when the draft lacks the rule).
    fields: dict
    #: The values the base read, when they differ (another register date, say); else None.
    fields_before: Optional[dict]
    #: The parameters the rule reads, with the base's and the draft's values.
    parameters: tuple[ParameterValues, ...]
    message_before: Optional[str]
    message_after: Optional[str]
    severity_before: Optional[str] = None  # None where the rule is absent
    severity_after: Optional[str] = None

    @property
    def key(self) -> tuple[str, str, str]:
        """(rule, before, after), a failed or unknown warning marked " (warning)"."""
        return (self.rule, _state(self.before, self.severity_before), _state(self.after, self.severity_after))

    @property
    def decisive(self) -> bool:
        """Whether the change can move the verdict: it makes the rule block (a failed error
        rule), undecided (unknown), or neither, differently before and after. A rule that goes
        from pass to not applicable, or is removed while it passed, changes no verdict."""
        return _effect(self.before, self.severity_before) != _effect(self.after, self.severity_after)

    def to_dict(self) -> dict:
        data = {"id": self.rule, "item": self.item, "before": self.before, "after": self.after,
                "severity_before": self.severity_before, "severity_after": self.severity_after,
                "decisive": self.decisive, "fields": self.fields}
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
    applicant: Optional[str]
    municipality: Optional[str]
    before: str
    after: str
    changes: tuple[RuleChange, ...]

    @property
    def cause(self) -> tuple[tuple[str, str, str], ...]:
        """The distinct (rule, before, after) of its decisive changes, in rule order."""
        decisive = [change for change in self.changes if change.decisive] or list(self.changes)
        return tuple(dict.fromkeys(change.key for change in decisive))

    def to_dict(self) -> dict:
        return {"document": self.document, "applicant": self.applicant, "municipality": self.municipality,
                "before": self.before, "after": self.after, "cause": cause_label(self.cause),
                "rules": [change.to_dict() for change in self.changes]}


def _state(outcome: str, severity: Optional[str]) -> str:
    return f"{outcome} (warning)" if severity == "warning" and outcome in ("fail", "unknown") else outcome


def _effect(outcome: str, severity: Optional[str]) -> str:
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
        return {"cause": self.label,
                "rules": [{"id": rule, "before": before, "after": after} for rule, before, after in self.changes],
                "count": len(self.flips), "transitions": self.transitions,
                "parameters": [p.to_dict() for p in self.parameters],
                "documents": [flip.document for flip in self.flips]}


@attrs.frozen
class RuleDelta:
    """One rule over the whole portfolio: its results per outcome before and after."""

    rule: str
    before: dict[str, int]
    after: dict[str, int]
    changed: int  # results (documents × list elements) whose outcome differs
    transitions: dict[str, int]  # "fail → pass": n

    def to_dict(self) -> dict:
        return {"id": self.rule, "before": self.before, "after": self.after, "changed": self.changed,
                "transitions": self.transitions}


@attrs.frozen
class BadDocument:
    """A document of the portfolio that could not be checked, with why."""

    document: str
    problems: tuple[tuple[str, str], ...]  # (path, message)

    def to_dict(self) -> dict:
        return {"document": self.document,
                "problems": [{"path": path, "message": message} for path, message in self.problems]}


class SweepPoint(NamedTuple):
    value: Any  # int or Decimal
    counts: dict[str, int]  # outcome -> applications


@attrs.frozen
class Sweep:
    """How the outcomes of a portfolio move with the value of one parameter."""

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
        return {"ruleset": self.ruleset.to_dict(), "parameter": self.parameter, "type": self.type,
                "current": json_value(self.current), "base_value": json_value(self.base_value),
                "documents": self.documents, "errors": self.errors,
                "points": [{"value": json_value(point.value), "outcomes": dict(point.counts)} for point in self.points]}

    def to_text(self, lang: str = "en") -> str:
        from .report import sweep_text

        return sweep_text(self, lang)

    def to_svg(self, lang: str = "en", standalone: bool = True) -> str:
        from .report import sweep_svg

        return sweep_svg(self, lang, standalone)

    def to_html(self, lang: str = "en") -> str:
        from .report import sweep_html

        return sweep_html(self, lang)

    def to_png(self, lang: str = "en") -> bytes:
        from .report import sweep_png

        return sweep_png(self, lang)


@attrs.frozen
class ImpactReport:
    """What a draft changes for a portfolio (see the module docstring)."""

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
    sweep: Optional[Sweep] = None

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
            "portfolio": {"source": self.portfolio, "documents": self.documents, "checked": self.checked,
                          "errors": self.errors},
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

    def to_json(self, indent: Optional[int] = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_text(self, lang: Optional[str] = None) -> str:
        from .report import impact_text

        return impact_text(self, lang or self.lang)

    def to_html(self, lang: Optional[str] = None) -> str:
        from .report import impact_html

        return impact_html(self, lang or self.lang)


# -- documents ------------------------------------------------------------------------------------

#: One document of a portfolio, not yet parsed: (name, raw bytes) or (name, mapping/Application).
Item = tuple[str, Any]
DocumentsLike = Union[str, Path, Iterable[Any]]


def portfolio_items(documents: DocumentsLike, stdin: Optional[IO[bytes]] = None) -> tuple[str, Iterator[Item]]:
    """(a name for the portfolio, its documents as (name, raw or parsed document), lazily).

    ``documents``: a folder (its ``*.json``, ``*.yaml``, ``*.yml`` files, by name), a JSON
    Lines file (``*.jsonl``, ``*.ndjson``: one document per line), one JSON or YAML document,
    ``"-"`` for JSON Lines on standard input; or an iterable of documents (mappings,
    :class:`Application` objects, JSON/YAML texts, or ``(name, document)`` pairs).
    """
    if isinstance(documents, (str, Path)):
        name = str(documents)
        if name == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            return "stdin", sources(["-"], True, stream)
        path = Path(name)
        if not path.exists():
            raise FileNotFoundError(f"no portfolio {name!r}: give a folder of documents, a JSON Lines file, or -")
        jsonl = path.is_file() and path.suffix.lower() in (".jsonl", ".ndjson")
        return name, sources([name], jsonl, stdin or sys.stdin.buffer)
    if isinstance(documents, (bytes, dict)):
        raise TypeError("documents: give a path, '-', or an iterable of documents")

    def items() -> Iterator[Item]:
        for number, document in enumerate(documents, start=1):
            if isinstance(document, tuple) and len(document) == 2 and isinstance(document[0], str):
                yield document
            else:
                yield f"#{number}", document

    return "<documents>", items()


def _parse(name: str, data: Any) -> Application:
    """Raises InputError (bad document) like ``amif-rules check`` does."""
    if isinstance(data, Application):
        return data
    if isinstance(data, bytes):
        source = name.rsplit(":", 1)[0] if ":" in name else name
        suffix = Path(source).suffix.lower()
        if suffix in (".json", ".jsonl", ".ndjson") or name.startswith("stdin:"):
            data = parse_json(data)
        elif suffix in (".yaml", ".yml"):
            data = parse_yaml(data)
        else:
            data = parse_text(data)
    return read_application(data)


# -- evaluating, fast ---------------------------------------------------------------------------


class _Side:
    """One ruleset, evaluated the way :func:`amif_rules.check` does, for outcomes only."""

    def __init__(self, ruleset: Ruleset, engine: str, on: Optional[dt.date]):
        self.ruleset = ruleset
        self.engine = get_engine(engine)
        self.on = on

    def evaluate(self, application: Application) -> tuple[str, dict[tuple[str, Optional[str]], tuple[str, str]]]:
        """(verdict outcome, {(rule id, item path): (outcome, severity)}) — as ``check`` would say."""
        prepared, facts = api.prepare(application, on=self.on, ruleset=self.ruleset)
        outcomes = self.engine.evaluate(prepared.plan.compiled, prepared.plan.encode(facts))
        rules = prepared.ruleset.rules
        results: dict[tuple[str, Optional[str]], tuple[str, str]] = {}
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


# -- parameters and rules of two rulesets -----------------------------------------------------------


def _shape(node: Any) -> Any:
    """An expression without its parameter values, to tell a changed rule from a changed value."""
    if isinstance(node, expr.Param):
        return ("param", node.name)
    if attrs.has(type(node)):
        return (type(node).__name__,) + tuple(_shape(getattr(node, f.name)) for f in attrs.fields(type(node)))
    if isinstance(node, (tuple, list)):
        return tuple(_shape(x) for x in node)
    return node


def _rule_shape(rule) -> tuple:
    return (rule.for_each, rule.severity, _shape(rule.when), _shape(rule.check))


def _parameter_value(ruleset: Ruleset, name: str) -> Any:
    parameter = ruleset.parameters.get(name)
    if parameter is None:
        return None
    return json_value(parameter.value)  # UNSET / UNRESOLVED (a dated value) become their names


def _parameters_of(rule) -> set[str]:
    names = set(expr.parameters(rule.check))
    if rule.when is not None:
        names |= expr.parameters(rule.when)
    return names


def _parameter_values(base: Ruleset, draft: Ruleset, names: Iterable[str]) -> tuple[ParameterValues, ...]:
    result = []
    for name in names:
        parameter = draft.parameters.get(name) or base.parameters.get(name)
        if parameter is None:
            continue
        result.append(ParameterValues(name, parameter.type_name, _parameter_value(base, name), _parameter_value(draft, name)))
    return tuple(result)


def compare_rulesets(base: Ruleset, draft: Ruleset) -> tuple[tuple[ParameterValues, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(changed parameters, rules added, rules removed, rules modified) of ``draft`` against ``base``."""
    names = list(dict.fromkeys(list(base.parameters) + list(draft.parameters)))
    changed = tuple(p for p in _parameter_values(base, draft, names) if p.changed)
    base_rules = {rule.id: rule for rule in base.rules}
    draft_rules = {rule.id: rule for rule in draft.rules}
    added = tuple(rule_id for rule_id in draft_rules if rule_id not in base_rules)
    removed = tuple(rule_id for rule_id in base_rules if rule_id not in draft_rules)
    modified = tuple(rule_id for rule_id, rule in draft_rules.items()
                     if rule_id in base_rules and _rule_shape(rule) != _rule_shape(base_rules[rule_id]))
    return changed, added, removed, modified


# -- sweeps: a ruleset with one parameter set to another value -----------------------------------------


def numeric_value(text: str | int | Decimal, type_name: str, name: str = "the value") -> int | Decimal:
    """A sweep value for a parameter of ``type_name`` (exact: never through a float)."""
    try:
        value = Decimal(str(text).strip().replace("_", ""))
    except InvalidOperation:
        raise ValueError(f"{name}: expected a number such as 100000 or 0.7, got {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"{name}: expected a finite number, got {text!r}")
    if type_name == "integer":
        if value != value.to_integral_value():
            raise ValueError(f"{name}: the parameter is a whole number, got {text}")
        return int(value)
    if type_name == "money" and value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{name}: an amount in euro has at most two decimals, got {text}")
    return value


def with_parameter(ruleset: RulesetLike, name: str, value: Any) -> Ruleset:
    """``ruleset`` with parameter ``name`` set to ``value`` (in memory; no file is written).

    The ruleset's own file is read again with the value replaced (or, for an inherited
    parameter, overridden, as a draft would), so that ``extends`` resolves exactly as for
    the ruleset itself. The version becomes ``<version>+<name>=<value>``.
    """
    ruleset = resolve_ruleset(ruleset)
    parameter = ruleset.parameters.get(name)
    if parameter is None:
        known = ", ".join(sorted(ruleset.parameters)) or "none"
        raise ValueError(f"ruleset {ruleset.id} has no parameter {name!r}; its parameters: {known}")
    if parameter.type_name not in NUMERIC_TYPES:
        raise ValueError(f"parameter {name} is of type {parameter.type_name}; a sweep varies a number "
                         f"({', '.join(NUMERIC_TYPES)})")
    value = numeric_value(value, parameter.type_name, name)
    data = yaml.load(ruleset.text, Loader=strict_loader("a ruleset"))  # noqa: S506 - a safe loader
    parameters = data.get("parameters") or {}
    spec = dict(parameters.get(name) or {})  # empty for an inherited parameter: merged key by key
    spec.pop("values", None)
    spec["value"] = value if isinstance(value, int) else format(value, "f")
    spec["type"] = parameter.type_name
    parameters[name] = spec
    data["parameters"] = parameters
    data["version"] = f"{ruleset.version}+{name}={spec['value']}"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    return parse_ruleset(text, ruleset.origin, on=ruleset.on)


def sweep_values(spec: str, type_name: str = "decimal") -> list:
    """``FROM..TO:STEP`` → the values FROM, FROM+STEP, ... up to TO (included when reached)."""
    try:
        bounds, step_text = spec.rsplit(":", 1)
        start_text, end_text = bounds.split("..", 1)
    except ValueError:
        raise ValueError(f"a sweep is written PARAM=FROM..TO:STEP, such as lead_min_population=50000..200000:10000; "
                         f"got {spec!r}") from None
    start = numeric_value(start_text, type_name, "FROM")
    end = numeric_value(end_text, type_name, "TO")
    step = numeric_value(step_text, type_name, "STEP")
    if step <= 0:
        raise ValueError(f"STEP must be more than 0, got {step_text}")
    if end < start:
        raise ValueError(f"TO ({end_text}) is less than FROM ({start_text})")
    count = int((Decimal(end) - Decimal(start)) / Decimal(step)) + 1
    if count > MAX_SWEEP_POINTS:
        raise ValueError(f"{count:,} values; a sweep has at most {MAX_SWEEP_POINTS} (take a larger STEP)")
    return [start + step * index for index in range(count)]


def parse_sweep(text: str) -> tuple[str, str]:
    """``PARAM=FROM..TO:STEP`` → (PARAM, FROM..TO:STEP)."""
    name, sep, spec = text.partition("=")
    if not sep or not name.strip():
        raise ValueError(f"a sweep is written PARAM=FROM..TO:STEP, such as lead_min_population=50000..200000:10000; "
                         f"got {text!r}")
    return name.strip(), spec.strip()


# -- the pass over the portfolio ----------------------------------------------------------------------


def _progress(progress: Any) -> Progress:
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


class _Pass:
    """Reads a portfolio once; evaluates each document under every ruleset it is given."""

    def __init__(self, sides: Sequence[_Side], call: Optional[str], progress: Progress):
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
                    application = _parse(name, data)
                    if self.call is not None and application.call is not None and application.call != self.call:
                        raise InputError([Problem("call", f"the application is for call {application.call}, "
                                                          f"the rulesets are for call {self.call}")])
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


def _zero(outcomes: Sequence[str]) -> dict[str, int]:
    return {outcome: 0 for outcome in outcomes}


def _sweep_sides(ruleset: Ruleset, parameter: str, values: Sequence[Any], engine: str,
                 on: Optional[dt.date]) -> tuple[list[_Side], list[Any], str]:
    if parameter not in ruleset.parameters:
        known = ", ".join(sorted(ruleset.parameters)) or "none"
        raise ValueError(f"ruleset {ruleset.id} has no parameter {parameter!r}; its parameters: {known}")
    type_name = ruleset.parameters[parameter].type_name
    if type_name not in NUMERIC_TYPES:
        raise ValueError(f"parameter {parameter} is of type {type_name}; a sweep varies a number "
                         f"({', '.join(NUMERIC_TYPES)})")
    typed = [numeric_value(value, type_name, parameter) for value in values]
    if not typed:
        raise ValueError("a sweep needs at least one value")
    if len(typed) > MAX_SWEEP_POINTS:
        raise ValueError(f"{len(typed):,} values; a sweep has at most {MAX_SWEEP_POINTS}")
    return [_Side(with_parameter(ruleset, parameter, value), engine, on) for value in typed], typed, type_name


def impact(base: RulesetLike, draft: RulesetLike, documents: DocumentsLike, lang: str = "nl", engine: str = "auto",
           progress: Any = None, on: Optional[dt.date] = None,
           sweep: Optional[tuple[str, Sequence[Any]]] = None) -> ImpactReport:
    """Evaluate every document of ``documents`` under ``base`` and ``draft``; see the module docstring.

    ``base``, ``draft``: :class:`Ruleset` objects, ruleset files, or bundled ids.
    ``documents``: a folder, a JSON Lines file, ``"-"``, or an iterable of documents.
    ``progress``: a :class:`amif_rules.batch.Progress`, or ``True`` for a counter on standard
    error when it is a terminal. ``sweep=(parameter, values)`` also sweeps a parameter of the
    draft, in the same pass over the portfolio (the report's ``sweep``).
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    base_ruleset = resolve_ruleset(base)
    draft_ruleset = resolve_ruleset(draft)
    sides = [_Side(base_ruleset, engine, on), _Side(draft_ruleset, engine, on)]
    sweep_values_typed: list = []
    sweep_type = ""
    if sweep is not None:
        extra, sweep_values_typed, sweep_type = _sweep_sides(draft_ruleset, sweep[0], sweep[1], engine, on)
        sides += extra
    source, items = portfolio_items(documents)
    scan = _Pass(sides, draft_ruleset.call or base_ruleset.call, _progress(progress))

    before = _zero(VERDICT_OUTCOMES)
    after = _zero(VERDICT_OUTCOMES)
    sweep_counts = [_zero(VERDICT_OUTCOMES) for _ in sweep_values_typed]
    rule_order = [rule.id for rule in draft_ruleset.rules] + [r.id for r in base_ruleset.rules
                                                             if r.id not in {d.id for d in draft_ruleset.rules}]
    rule_before = {rule_id: Counter() for rule_id in rule_order}
    rule_after = {rule_id: Counter() for rule_id in rule_order}
    rule_transitions = {rule_id: Counter() for rule_id in rule_order}
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
            elif _effect(was, severity_was) != _effect(now, severity_now):
                differs = True
        if outcome_before != outcome_after:
            flips.append(_flip(name, application, base_ruleset, draft_ruleset, lang, engine, on))
        elif differs:
            quiet_changes += 1

    deltas = tuple(
        RuleDelta(rule_id, {o: rule_before[rule_id][o] for o in RULE_OUTCOMES},
                  {o: rule_after[rule_id][o] for o in RULE_OUTCOMES},
                  sum(rule_transitions[rule_id].values()), dict(sorted(rule_transitions[rule_id].items())))
        for rule_id in rule_order)
    parameters, added, removed, modified = compare_rulesets(base_ruleset, draft_ruleset)
    sweep_result = None
    if sweep is not None:
        draft_value = draft_ruleset.parameters[sweep[0]].value
        base_parameter = base_ruleset.parameters.get(sweep[0])
        base_value = base_parameter.value if base_parameter is not None else None
        sweep_result = Sweep(RulesetInfo.of(draft_ruleset), sweep[0], sweep_type, draft_value,
                             tuple(SweepPoint(v, c) for v, c in zip(sweep_values_typed, sweep_counts)),
                             scan.documents, scan.errors, base_value if base_value != draft_value else None)
    return ImpactReport(
        base=RulesetInfo.of(base_ruleset), draft=RulesetInfo.of(draft_ruleset), portfolio=source,
        documents=scan.documents, errors=scan.errors, bad_documents=tuple(scan.bad), before=before, after=after,
        flips=tuple(flips), rules=deltas, unchanged_with_rule_changes=quiet_changes, parameters=parameters,
        rules_added=added, rules_removed=removed, rules_modified=modified, lang=lang, engine=engine,
        sweep=sweep_result)


def _flip(name: str, application: Application, base: Ruleset, draft: Ruleset, lang: str, engine: str,
          on: Optional[dt.date]) -> Flip:
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
                outcome_was == outcome_now and _effect(outcome_was, severity_was) == _effect(outcome_now, severity_now)):
            continue
        fields = dict((now or was).fields)
        fields_before = dict(was.fields) if was is not None and now is not None and was.fields != now.fields else None
        names: dict[str, None] = {}
        for rules in (base_rules, draft_rules):
            if key[0] in rules:
                names.update(dict.fromkeys(sorted(_parameters_of(rules[key[0]]))))
        changes.append(RuleChange(key[0], key[1], outcome_was, outcome_now, fields, fields_before,
                                  _parameter_values(base, draft, names),
                                  was.message if was is not None else None, now.message if now is not None else None,
                                  severity_was, severity_now))
    applicant = application.applicant
    municipality = applicant.municipality if applicant is not None else None
    return Flip(name, applicant.name if applicant is not None else None,
                municipality.name if municipality is not None else None,
                verdict_before.outcome, verdict_after.outcome, tuple(changes))


def sweep(ruleset: RulesetLike, parameter: str, values: Iterable[Any], documents: DocumentsLike,
          engine: str = "auto", progress: Any = None, on: Optional[dt.date] = None) -> Sweep:
    """How many applications of ``documents`` are eligible (ineligible, incomplete) for each
    of ``values`` of ``parameter`` in ``ruleset`` (a base or a draft); one pass over the
    portfolio. Iterating the result gives ``(value, counts)`` pairs."""
    target = resolve_ruleset(ruleset)
    sides, typed, type_name = _sweep_sides(target, parameter, list(values), engine, on)
    _, items = portfolio_items(documents)
    scan = _Pass(sides, target.call, _progress(progress))
    counts = [_zero(VERDICT_OUTCOMES) for _ in typed]
    for _, _, evaluated in scan.run(items):
        for tally, (outcome, _) in zip(counts, evaluated):
            tally[outcome] += 1
    extended = _extended_value(target, parameter)
    return Sweep(RulesetInfo.of(target), parameter, type_name, target.parameters[parameter].value,
                 tuple(SweepPoint(v, c) for v, c in zip(typed, counts)), scan.documents, scan.errors, extended)


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
