"""One rule result's explanation: its message and the fields it read.

A rule, an outcome and a language decide everything about an explanation except the
values: which fields are listed, under which names, how each value is written as JSON,
the template and how each placeholder is read and formatted. :func:`explainer` works that
out once and returns a function that only fills in the values of one document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from . import messages, schema
from .facts import NO_REGISTER_YEAR, Facts
from .ruleset import Rule
from .schema import BOOL, CODES, DATE, ENUM, INSTANT, INT, LIST, MONEY, TEXT, TEXTS

#: (facts, element, item path) -> (message, fields)
Explain = Callable[[Facts, dict[str, Any], str | None], tuple[str, dict[str, Any]]]
#: (facts, element, item path) -> every input path a rule read, with its JSON value
FieldsOf = Callable[[Facts, dict[str, Any], str | None], dict[str, Any]]

# Steps that list a field (see _fields_plan).
_UNRESOLVED, _ITEM, _REFERENCE_DATE, _LIST, _ROOT, _GATHER = range(6)


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


def _as_json(kind: str) -> Callable[[Any], Any] | None:
    """How a fact of ``kind`` is written as JSON; None where it is its own JSON value."""
    if kind in (TEXT, ENUM, INT, BOOL):
        return None
    if kind == MONEY:
        return lambda value: format(value, "f")
    if kind in (INSTANT, DATE):
        return lambda value: value.isoformat()
    if kind in (CODES, TEXTS):
        return list
    return json_value


def _fields_plan(rule: Rule) -> tuple[tuple[int, str, str, Callable[[Any], Any] | None], ...]:
    steps: list[tuple[int, str, str, Callable[[Any], Any] | None]] = []
    if rule.unresolved:
        steps.append((_UNRESOLVED, "", "", None))  # the date that picks a dated parameter's value
    for path in rule.reads:
        if path.scope is not None:
            steps.append((_ITEM, path.path, "." + path.path, _as_json(path.type.kind)))
        elif path.gather is not None:  # partners.experience: each partner's, by its own path
            element_type = schema.scope_field(path.gather, path.element_field)
            convert = _as_json(element_type.kind) if element_type is not None else None
            steps.append((_GATHER, path.gather, path.element_field, convert))
        elif path.path == "reference_date":
            steps.append((_REFERENCE_DATE, "submitted_at", "submitted_at", None))
        elif path.type.kind == LIST:
            steps.append((_LIST, path.path, path.path, None))
        else:
            steps.append((_ROOT, path.path, path.path, _as_json(path.type.kind)))
    return tuple(steps)


def fields_reader(rule: Rule) -> FieldsOf:
    """A function listing every input path ``rule`` read, with its JSON value (None when missing)."""
    steps = _fields_plan(rule)

    def fields_of(facts: Facts, element: dict[str, Any], item_path: str | None) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        root = facts.root
        item = item_path or ""  # only rules on list elements have _ITEM steps, and an item path
        for step, path, name, convert in steps:
            if step == _ITEM:
                value = element.get(path)
                fields[item + name] = value if value is None or convert is None else convert(value)
            elif step == _ROOT:
                value = root.get(path)
                fields[name] = value if value is None or convert is None else convert(value)
            elif step == _REFERENCE_DATE:
                if facts.reference_date_source != "on":
                    value = root.get(path)
                    fields[name] = None if value is None else value.isoformat()
            elif step == _LIST:
                value = root.get(path)
                fields[name] = None if value is None else len(value)
            elif step == _GATHER:
                elements = root.get(path)
                if elements is None:
                    fields[path] = None
                for index, element in enumerate(elements or ()):
                    value = element.get(name)
                    fields[f"{path}[{index}].{name}"] = value if value is None or convert is None else convert(value)
            elif facts.reference_date_source is None:  # _UNRESOLVED
                fields["submitted_at"] = None
        return fields

    return fields_of


def explainer(rule: Rule, outcome: str, lang: str, fields_of: FieldsOf | None = None) -> Explain:
    """The explanation of ``rule`` with ``outcome`` in ``lang``, compiled once
    (``fields_of``: the rule's :func:`fields_reader`, when the caller has made it already)."""
    fields_of = fields_of or fields_reader(rule)
    template = rule.messages.template(outcome, lang)
    render = messages.renderer(template, lang) if template is not None else None
    unknown = outcome == "unknown"

    def explain(facts: Facts, element: dict[str, Any], item_path: str | None) -> tuple[str, dict[str, Any]]:
        fields = fields_of(facts, element, item_path)
        missing = tuple([path for path, value in fields.items() if value is None])
        if render is not None:
            message = render(facts.root, element, item_path, missing)
        else:
            message = messages.default_message(outcome, lang, missing)
        if unknown and missing and facts.provenance:
            for path in missing:
                note = facts.provenance.get(path, "")
                if note.startswith(NO_REGISTER_YEAR):
                    day = dt.date.fromisoformat(note[len(NO_REGISTER_YEAR) :])
                    message += " " + messages.no_register_year(day, lang)
        return message, fields

    return explain
