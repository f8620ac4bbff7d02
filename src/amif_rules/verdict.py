"""Rule outcomes → the explained verdict of contract §2.

This layer knows outcomes, facts and messages, never which engine produced the outcomes:
the verdict of two engines differs only in its ``engine`` field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from . import explain, explaingen, messages, resources
from .codegen import BUILD_LOCK
from .facts import Facts
from .ir import RuleOutcome
from .ruleset import Rule, Ruleset

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

    def __init__(self, make: Callable[[], tuple[str, Mapping[str, Any]]] | None):
        self._make = make
        self._value: tuple[str, Mapping[str, Any]] | None = None

    @classmethod
    def given(cls, message: str, fields: Mapping[str, Any]) -> Explanation:
        explanation = cls(None)
        explanation._value = (message, freeze(fields))
        return explanation

    @property
    def value(self) -> tuple[str, Mapping[str, Any]]:
        value = self._value
        if value is None:
            make = self._make
            if make is None:  # made by another thread since _value was read: it sets _value first
                made = self._value
                if made is None:
                    raise TypeError("an Explanation needs the function that makes it")
                return made
            message, fields = make()
            value = self._value = (message, freeze(fields))
            self._make = None
        return value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Explanation) and self.value == other.value

    def __hash__(self) -> int:  # pragma: no cover - results are not used as keys
        return hash(self.value[0])

    def __repr__(self) -> str:
        return repr(self.value[0]) if self._value is not None else "<not yet rendered>"


class FrozenMapping(Mapping[str, Any]):
    """A read-only mapping that shows as a dict: what a verdict hands out cannot change."""

    __slots__ = ("_items",)
    _items: MappingProxyType[str, Any]

    def __init__(self, items: Mapping[str, Any]):
        object.__setattr__(self, "_items", MappingProxyType(dict(items)))

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return repr(dict(self._items))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a verdict cannot be changed")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a verdict cannot be changed")


def freeze(value: Any) -> Any:
    """A JSON value that cannot be changed: objects as read-only mappings, lists as tuples.

    What a verdict hands out is frozen, so that ``to_json()`` is a pure function of the
    input whatever a caller does with what it reads (:func:`thaw` gives JSON back).
    """
    if isinstance(value, (list, tuple)):
        return tuple(freeze(item) for item in value)
    if isinstance(value, Mapping):
        return FrozenMapping({key: freeze(item) for key, item in value.items()})
    return value


def thaw(value: Any) -> Any:
    """A frozen JSON value as fresh plain dicts and lists (each call its own copy)."""
    if isinstance(value, tuple):
        return [thaw(item) for item in value]
    if isinstance(value, Mapping):
        return {key: thaw(item) for key, item in value.items()}
    return value


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
    item: str | None = None

    def __init__(
        self,
        id: str,
        outcome: str,
        severity: str,
        message: Any,
        fields: Mapping[str, Any] | None = None,
        source: str = "",
        item: str | None = None,
    ):
        explanation = message if isinstance(message, Explanation) else Explanation.given(message, fields or {})
        self.__attrs_init__(id, outcome, severity, explanation, source, item)

    @property
    def message(self) -> str:
        return self.explanation.value[0]

    @property
    def fields(self) -> Mapping[str, Any]:
        """Every input path the rule read, with its JSON value (None when missing): a
        read-only mapping, lists as tuples (``to_dict()`` gives plain dicts and lists)."""
        return self.explanation.value[1]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(path for path, value in self.fields.items() if value is None)

    def to_dict(self) -> dict[str, Any]:
        return _result_dict(self.id, self.outcome, self.severity, self.message, thaw(self.fields), self.source, self.item)


def _result_dict(
    id: str, outcome: str, severity: str, message: str, fields: dict[str, Any], source: str, item: str | None
) -> dict[str, Any]:
    """One rule result as the JSON of contract §2 (``item`` only for list elements)."""
    data = {"id": id, "outcome": outcome, "severity": severity, "message": message, "fields": fields, "source": source}
    if item is not None:
        data["item"] = item
    return data


class Results:
    """A verdict's rule results, kept as the engine gave them until someone asks for more.

    The decision (each rule's outcome) costs a tuple per result; the :class:`RuleResult`
    objects are made the first time :attr:`Verdict.rules` is read, and :meth:`dicts` writes
    the JSON of contract §2 straight from the outcomes. Thread-safe: whatever a race computes
    twice is the same value.
    """

    __slots__ = ("_rules", "_facts", "_lang", "_entries", "_objects")

    def __init__(
        self,
        rules: tuple[Rule, ...],
        facts: Facts,
        lang: str,
        entries: tuple[RuleOutcome, ...],
        objects: tuple[RuleResult, ...] | None = None,
    ):
        self._rules = rules
        self._facts = facts
        self._lang = lang
        self._entries = entries
        self._objects = objects

    @classmethod
    def given(cls, objects: tuple[RuleResult, ...]) -> Results:
        """Results made elsewhere (by hand, in tests): no outcomes to explain."""
        return cls((), _NO_FACTS, "nl", (), tuple(objects))

    @property
    def objects(self) -> tuple[RuleResult, ...]:
        objects = self._objects
        if objects is None:
            rules, facts, lang = self._rules, self._facts, self._lang
            objects = self._objects = tuple(_result(rules, facts, entry, lang) for entry in self._entries)
        return objects

    def decision(self) -> tuple[tuple[str, str | None, str], ...]:
        if self._objects is not None:
            return tuple((r.id, r.item, r.outcome) for r in self._objects)
        rules = self._rules
        known = _made(rules).decisions
        decided: list[tuple[str, str | None, str]] = []
        append = decided.append
        for entry in self._entries:
            triple = known.get(entry)
            if triple is None:
                rule = rules[entry.rule]
                item, scope = entry.item, rule.for_each
                triple = (rule.id, None if item is None or scope is None else item_label(scope, item), entry.outcome)
                if len(known) < 100_000:
                    known[entry] = triple
            append(triple)
        return tuple(decided)

    def dicts(self) -> list[dict[str, Any]]:
        if self._objects is not None:
            return [result.to_dict() for result in self._objects]
        rules, facts, lang = self._rules, self._facts, self._lang
        made = _made(rules)
        table = made.row_table(lang)
        scopes = made.scopes
        items = facts.items
        labels = _ITEM_LABELS
        out: list[dict[str, Any]] = []
        append = out.append
        for index, item, outcome in self._entries:
            write = table[index].get(outcome)
            if write is None:
                write = made.row(index, outcome, lang)
            scope = scopes[index]
            if item is None or scope is None:
                if scope is None:
                    append(write(facts, _NO_ELEMENT, None))
                else:
                    rule = rules[index]
                    message, fields = _empty_list(rule, facts, lang)
                    append(_result_dict(rule.id, outcome, rule.severity, message, fields, rule.source, None))
            else:
                known = labels.get(scope)  # item_label(scope, item), without the call
                label = known[item] if known is not None and item < len(known) else item_label(scope, item)
                append(write(facts, items[scope][item], label))
        return out

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Results) and self.objects == other.objects

    def __hash__(self) -> int:  # equal results have as many objects
        return hash(len(self.objects))

    def __repr__(self) -> str:
        return repr(self.objects)


@attrs.frozen(init=False)
class Verdict:
    """The answer to one application (contract §2).

    ``outcome`` and :meth:`outcomes` are all a portal needs to decide; ``rules`` (explained
    :class:`RuleResult` objects) and :meth:`to_dict` render messages when first asked.
    """

    call: str | None
    ruleset_id: str
    ruleset_version: str
    outcome: str  # eligible | ineligible | incomplete
    missing: tuple[str, ...]
    engine: str
    lang: str
    _results: Results
    #: What to ask next (contract §5), when asked for: read-only mappings, or None.
    questions: tuple[Mapping[str, Any], ...] | None
    #: What would help (contract §5), when asked for: read-only mappings, or None.
    remedies: tuple[Mapping[str, Any], ...] | None

    def __init__(
        self,
        call: str | None,
        ruleset_id: str,
        ruleset_version: str,
        outcome: str,
        rules: tuple[RuleResult, ...] | Results | None = None,
        missing: tuple[str, ...] = (),
        engine: str = "",
        lang: str = "nl",
        results: Results | None = None,
        questions: Any = None,
        remedies: Any = None,
    ):
        # ``results`` is how attrs.evolve hands the results on; ``rules`` replaces them.
        if rules is not None:
            results = rules if isinstance(rules, Results) else Results.given(tuple(rules))
        if results is None:
            raise TypeError("Verdict needs its rules")
        self.__attrs_init__(
            call,
            ruleset_id,
            ruleset_version,
            outcome,
            tuple(missing),
            engine,
            lang,
            results,
            None if questions is None else freeze(questions),
            None if remedies is None else freeze(remedies),
        )

    @property
    def rules(self) -> tuple[RuleResult, ...]:
        """Every rule's result, explained (messages are rendered when first read)."""
        return self._results.objects

    def outcomes(self) -> tuple[tuple[str, str | None, str], ...]:
        """The decision alone: ``(rule id, item, outcome)`` for every result, in order.

        What a portal that shows no messages needs; cheaper than reading ``rules``.
        """
        return self._results.decision()

    @property
    def eligible(self) -> bool:
        return self.outcome == "eligible"

    def rule(self, rule_id: str, item: str | None = None) -> RuleResult:
        """The result of rule ``rule_id`` (on element ``item``, for per-element rules)."""
        for result in self.rules:
            if result.id == rule_id and (item is None or result.item == item):
                return result
        raise KeyError(rule_id if item is None else f"{rule_id} on {item}")

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of contract §2, with ``questions`` and ``remedies`` (§5) when
        they were asked for."""
        data = {
            "call": self.call,
            "ruleset": {"id": self.ruleset_id, "version": self.ruleset_version},
            "outcome": self.outcome,
            "rules": self._results.dicts(),
            "missing": list(self.missing),
            "engine": self.engine,
        }
        if self.questions is not None:
            data["questions"] = thaw(self.questions)
        if self.remedies is not None:
            data["remedies"] = thaw(self.remedies)
        return data

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_text(self) -> str:
        """A readable explanation: outcome first, then every rule with its message."""
        lang = self.lang
        lines = [
            f"{self.ruleset_id} (versie {self.ruleset_version}): {_OUTCOME_WORDS[self.outcome][lang].upper()}"
            if lang == "nl"
            else f"{self.ruleset_id} (version {self.ruleset_version}): {_OUTCOME_WORDS[self.outcome][lang].upper()}"
        ]
        for result in self.rules:
            where = f" [{result.item}]" if result.item else ""
            warning = " (warning)" if result.severity == "warning" else ""
            lines.append(f"  {_MARKS[result.outcome]} {result.id}{where}{warning}: {result.message}")
            lines.append(f"      {result.source}")
        if self.missing:
            heading = {"nl": "Ontbrekende gegevens", "fr": "Données manquantes", "en": "Missing data"}[lang]
            lines.append(f"{heading}: {', '.join(self.missing)}")
        if self.questions is not None:
            lines.extend(_questions_text(self.questions, lang))
        if self.remedies is not None:
            lines.extend(_remedies_text(self.remedies, lang))
        return "\n".join(lines)


#: Headings and words of the text output's sections of contract §5.
_QUESTIONS_HEADING = {"nl": "Nog te beantwoorden", "fr": "Questions en suspens", "en": "Still to answer"}
_REMEDIES_HEADING = {"nl": "Wat zou helpen", "fr": "Ce qui aiderait", "en": "What would help"}
_DECISIVE = {"nl": "beslissend", "fr": "décisive", "en": "decisive"}
_NONE = {"nl": "niets", "fr": "rien", "en": "nothing"}


def _questions_text(questions: tuple[Mapping[str, Any], ...], lang: str) -> list[str]:
    lines = [f"{_QUESTIONS_HEADING[lang]}:"]
    for question in questions:
        mark = f" ({_DECISIVE[lang]})" if question["decisive"] else ""
        lines.append(f"  ? {question['path']}{mark}: {question['question']}")
        lines.append(f"      {', '.join(question['rules'])}: {question['source']}")
    if not questions:
        lines.append(f"  {_NONE[lang]}")
    return lines


def _remedies_text(remedies: tuple[Mapping[str, Any], ...], lang: str) -> list[str]:
    lines = [f"{_REMEDIES_HEADING[lang]}:"]
    for remedy in remedies:
        where = f" [{remedy['item']}]" if remedy["item"] else ""
        lines.append(f"  → {remedy['rule']}{where}: {remedy['message']}")
    if not remedies:
        lines.append(f"  {_NONE[lang]}")
    return lines


#: The published JSON Schemas of a verdict, by version: 1 is contract §2 exactly; 2 also
#: allows ``questions`` and ``remedies`` (§5).
VERDICT_SCHEMAS = {1: "verdict.schema.json", 2: "verdict.v2.schema.json"}


def verdict_schema(version: int = 1) -> dict[str, Any]:
    """The JSON Schema of :meth:`Verdict.to_dict`, as published in the package: version 1
    (contract §2), or 2 (with the keys of §5)."""
    if version not in VERDICT_SCHEMAS:
        raise ValueError(f"verdict schema versions: {', '.join(map(str, VERDICT_SCHEMAS))}")
    schema: dict[str, Any] = resources.schema(VERDICT_SCHEMAS[version])
    return schema


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


def build_verdict(
    ruleset: Ruleset, facts: Facts, outcomes: tuple[RuleOutcome, ...], engine: str, lang: str, call: str | None
) -> Verdict:
    """Engine outcomes → the verdict: aggregated now, explained when asked (see :class:`Results`)."""
    rules = ruleset.rules
    entries = _in_rule_order(rules, outcomes, facts)
    failed = unknown = False
    for rule_index, _, outcome in entries:
        if outcome == "fail":
            if rules[rule_index].severity == "error":
                failed = True
                break
        elif outcome == "unknown":
            unknown = True
    missing: tuple[str, ...] = ()
    if failed:
        verdict_outcome = "ineligible"
    elif unknown:
        verdict_outcome = "incomplete"
        paths: set[str] = set()
        made = _made(rules)
        for entry in entries:
            if entry.outcome == "unknown":
                rule = rules[entry.rule]
                item, scope = entry.item, rule.for_each
                label: str | None
                if item is None or scope is None:
                    label, element = None, _NO_ELEMENT
                else:
                    label, element = item_label(scope, item), facts.items[scope][item]
                fields = made.fields_reader(entry.rule)(facts, element, label)
                paths.update(path for path, value in fields.items() if value is None)
        missing = tuple(sorted(paths))
    else:
        verdict_outcome = "eligible"
    return Verdict(
        call, ruleset.id, ruleset.version, verdict_outcome, Results(rules, facts, lang, entries), missing, engine, lang
    )


def _in_rule_order(
    rules: tuple[Rule, ...], outcomes: tuple[RuleOutcome, ...], facts: Facts | None = None
) -> tuple[RuleOutcome, ...]:
    """Results in the ruleset's order, elements in list order; a per-element rule over an
    absent or empty list gets one result (``item`` None, not applicable).

    Engines give outcomes in this order (the Engine protocol; ``tests/pipeline/test_shared_work.py``
    holds both to it): when every list a rule iterates has elements and the count is right,
    the outcomes are the entries as they are. Outcomes grouped otherwise are sorted first.
    """
    if facts is not None:
        shape = _shape(rules)
        expected = shape[0]
        items = facts.items
        for scope, rule_count in shape[1]:
            size = len(items.get(scope, ()))
            if not size:
                break
            expected += rule_count * size
        else:
            if expected == len(outcomes):
                return outcomes
    position, count = 0, len(outcomes)
    entries: list[RuleOutcome] = []
    for index, rule in enumerate(rules):
        start = position
        while position < count and outcomes[position][0] == index:
            position += 1
        if start == position:
            if rule.for_each is not None:
                entries.append(RuleOutcome(index, None, "not_applicable"))
        else:
            entries.extend(outcomes[start:position])
    if position != count:
        return _in_rule_order(rules, tuple(sorted(outcomes, key=lambda o: (o.rule, -1 if o.item is None else o.item))))
    return tuple(entries)


class _Made:
    """What a ruleset's verdicts share, made once per ruleset (see :func:`_made`)."""

    __slots__ = ("rules", "scopes", "decisions", "explainers", "rows", "fields", "shape")

    def __init__(self, rules: tuple[Rule, ...]):
        self.rules = rules
        #: each rule's list (``for_each``), or None
        self.scopes = tuple(rule.for_each for rule in rules)
        #: RuleOutcome -> (rule id, item, outcome): the same for every document.
        self.decisions: dict[RuleOutcome, tuple[str, str | None, str]] = {}
        #: (rule index, outcome, lang) -> explaingen.explainer(...)
        self.explainers: dict[tuple[int, str, str], explain.Explain] = {}
        #: lang -> per rule index, outcome -> explaingen.explainer(..., row=True)
        self.rows: dict[str, tuple[dict[str, Callable[..., dict[str, Any]]], ...]] = {}
        #: rule index -> explain.fields_reader(...)
        self.fields: dict[int, explain.FieldsOf] = {}
        #: see _shape
        self.shape: tuple[int, tuple[tuple[str, int], ...]] | None = None

    def explainer(self, index: int, outcome: str, lang: str) -> explain.Explain:
        """The explanation of rule ``index`` with ``outcome`` in ``lang``: its generated
        function (``explaingen``; ``explain.explainer`` is the reference it equals), made
        once per key under the generators' lock."""
        key = (index, outcome, lang)
        function = self.explainers.get(key)
        if function is None:
            with BUILD_LOCK:
                function = self.explainers.get(key)
                if function is None:
                    function = self.explainers[key] = explaingen.explainer(self.rules[index], outcome, lang)
        return function

    def row_table(self, lang: str) -> tuple[dict[str, Callable[..., dict[str, Any]]], ...]:
        """Per rule, the functions writing its results' JSON objects in ``lang``, by outcome
        (filled by :meth:`row` as outcomes are met)."""
        table = self.rows.get(lang)
        if table is None:
            with BUILD_LOCK:
                table = self.rows.get(lang)
                if table is None:
                    table = self.rows[lang] = tuple({} for _ in self.rules)
        return table

    def row(self, index: int, outcome: str, lang: str) -> Callable[..., dict[str, Any]]:
        """The generated function writing the JSON object of a result of rule ``index`` with
        ``outcome`` in ``lang`` (contract §2), made once per key under the generators' lock."""
        by_outcome = self.row_table(lang)[index]
        function = by_outcome.get(outcome)
        if function is None:
            with BUILD_LOCK:
                function = by_outcome.get(outcome)
                if function is None:
                    function = by_outcome[outcome] = explaingen.explainer(self.rules[index], outcome, lang, row=True)
        return function

    def fields_reader(self, index: int) -> explain.FieldsOf:
        function = self.fields.get(index)
        if function is None:
            function = self.fields[index] = explain.fields_reader(self.rules[index])
        return function


_MADE: dict[int, _Made] = {}


def _made(rules: tuple[Rule, ...]) -> _Made:
    made = _MADE.get(id(rules))
    if made is None or made.rules is not rules:
        if len(_MADE) > 256:  # drafts come and go: keep the memory bounded
            _MADE.clear()
        made = _MADE[id(rules)] = _Made(rules)
    return made


def _shape(rules: tuple[Rule, ...]) -> tuple[int, tuple[tuple[str, int], ...]]:
    """(rules on the root, ((list, rules on its elements), ...)) of a ruleset, made once."""
    made = _made(rules)
    shape = made.shape
    if shape is None:
        scopes: dict[str, int] = {}
        for rule in rules:
            if rule.for_each is not None:
                scopes[rule.for_each] = scopes.get(rule.for_each, 0) + 1
        shape = made.shape = (sum(1 for rule in rules if rule.for_each is None), tuple(scopes.items()))
    return shape


_NO_ELEMENT: dict[str, Any] = {}  # what rules on the root read as their element (never written)
#: What Results.given explains from: nothing (its results are made already).
_NO_FACTS = Facts({}, {}, {}, None, frozenset())
_ITEM_LABELS: dict[str, list[str]] = {}


def item_label(scope: str, index: int) -> str:
    """``"participants[3]"``: made once per scope and index, shared by every verdict."""
    labels = _ITEM_LABELS.get(scope)
    if labels is None or index >= len(labels):
        size = max(64, 2 * (index + 1))
        labels = _ITEM_LABELS[scope] = [f"{scope}[{i}]" for i in range(size)]  # a new list: readers never see it grow
    return labels[index]


def _empty_list(rule: Rule, facts: Facts, lang: str) -> tuple[str, dict[str, Any]]:
    scope = rule.for_each
    assert scope is not None
    value: Any = [] if scope in facts.lists_given else None
    return messages.default_message("empty_list", lang, scope=scope), {scope: value}


def _result(rules: tuple[Rule, ...], facts: Facts, outcome: RuleOutcome, lang: str) -> RuleResult:
    rule = rules[outcome.rule]
    item, scope = outcome.item, rule.for_each
    item_path: str | None
    if item is None and scope is not None:
        make = lambda: _empty_list(rule, facts, lang)  # noqa: E731
        item_path = None
    else:
        if item is None or scope is None:
            item_path, element = None, _NO_ELEMENT
        else:
            item_path, element = item_label(scope, item), facts.items[scope][item]
        explain_one = _made(rules).explainer(outcome.rule, outcome.outcome, lang)
        make = lambda: explain_one(facts, element, item_path)  # noqa: E731
    result = object.__new__(RuleResult)  # the checks of __init__ are for callers, not needed here
    result.__attrs_init__(rule.id, outcome.outcome, rule.severity, Explanation(make), rule.source, item_path)
    return result
