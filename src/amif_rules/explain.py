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

#: Steps that list a field (see :func:`fields_plan`).
UNRESOLVED_STEP, ITEM_STEP, REFERENCE_DATE_STEP, LIST_STEP, ROOT_STEP, GATHER_STEP = range(6)
#: How a step's value is written as JSON (see :data:`CONVERTERS`): as it is, an amount as
#: "1234.56", an instant or a date in ISO 8601, a list of texts as a list, any other value.
AS_IS, AS_DECIMAL, AS_ISO, AS_LIST, AS_JSON = "as_is", "decimal", "iso", "list", "json"


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


#: Each conversion as a function of a value that is not None (None: the value as it is).
CONVERTERS: dict[str, Callable[[Any], Any] | None] = {
    AS_IS: None,
    AS_DECIMAL: lambda value: format(value, "f"),
    AS_ISO: lambda value: value.isoformat(),
    AS_LIST: list,
    AS_JSON: json_value,
}


def _as_json(kind: str) -> str:
    """How a fact of ``kind`` is written as JSON (one of the conversions above)."""
    if kind in (TEXT, ENUM, INT, BOOL):
        return AS_IS
    if kind == MONEY:
        return AS_DECIMAL
    if kind in (INSTANT, DATE):
        return AS_ISO
    if kind in (CODES, TEXTS):
        return AS_LIST
    return AS_JSON


#: One step of :func:`fields_plan`: (step, path, name, conversion).
Step = tuple[int, str, str, str]


def fields_plan(rule: Rule) -> tuple[Step, ...]:
    """The steps that list the fields ``rule`` read, in order (decided once per rule):

    - ``UNRESOLVED_STEP``: ``submitted_at`` (None) when no reference date is known (the date
      that picks a dated parameter's value);
    - ``ITEM_STEP``: a field of the element, listed under the item path + ``name``;
    - ``REFERENCE_DATE_STEP``: ``submitted_at``, unless the date was given (``on``);
    - ``LIST_STEP``: a list, listed by its length;
    - ``ROOT_STEP``: a field of the root;
    - ``GATHER_STEP``: a field (``name``) of each element of the list ``path``.
    """
    steps: list[Step] = []
    if rule.unresolved:
        steps.append((UNRESOLVED_STEP, "", "", AS_IS))
    for path in rule.reads:
        if path.scope is not None:
            steps.append((ITEM_STEP, path.path, "." + path.path, _as_json(path.type.kind)))
        elif path.gather is not None:  # partners.experience: each partner's, by its own path
            element_type = schema.scope_field(path.gather, path.element_field)
            convert = _as_json(element_type.kind) if element_type is not None else AS_IS
            steps.append((GATHER_STEP, path.gather, path.element_field, convert))
        elif path.path == "reference_date":
            steps.append((REFERENCE_DATE_STEP, "submitted_at", "submitted_at", AS_IS))
        elif path.type.kind == LIST:
            steps.append((LIST_STEP, path.path, path.path, AS_IS))
        else:
            steps.append((ROOT_STEP, path.path, path.path, _as_json(path.type.kind)))
    return tuple(steps)


def fields_reader(rule: Rule) -> FieldsOf:
    """A function listing every input path ``rule`` read, with its JSON value (None when missing)."""
    steps = tuple((step, path, name, CONVERTERS[convert]) for step, path, name, convert in fields_plan(rule))

    def fields_of(facts: Facts, element: dict[str, Any], item_path: str | None) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        root = facts.root
        item = item_path or ""  # only rules on list elements have ITEM_STEPs, and an item path
        for step, path, name, convert in steps:
            if step == ITEM_STEP:
                value = element.get(path)
                fields[item + name] = value if value is None or convert is None else convert(value)
            elif step == ROOT_STEP:
                value = root.get(path)
                fields[name] = value if value is None or convert is None else convert(value)
            elif step == REFERENCE_DATE_STEP:
                if facts.reference_date_source != "on":
                    value = root.get(path)
                    fields[name] = None if value is None else value.isoformat()
            elif step == LIST_STEP:
                value = root.get(path)
                fields[name] = None if value is None else len(value)
            elif step == GATHER_STEP:
                elements = root.get(path)
                if elements is None:
                    fields[path] = None
                for index, each in enumerate(elements or ()):  # not `element`: later item steps read it
                    value = each.get(name)
                    fields[f"{path}[{index}].{name}"] = value if value is None or convert is None else convert(value)
            elif facts.reference_date_source is None:  # UNRESOLVED_STEP
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
            message += register_notes(facts.provenance, missing, lang)
        return message, fields

    return explain


def register_notes(provenance: dict[str, str], missing: tuple[str, ...], lang: str) -> str:
    """What an unknown result's message adds for each missing population the register has no
    figures for on its date ("" when none): each note after a space."""
    notes = ""
    for path in missing:
        note = provenance.get(path, "")
        if note.startswith(NO_REGISTER_YEAR):
            day = dt.date.fromisoformat(note[len(NO_REGISTER_YEAR) :])
            notes += " " + messages.no_register_year(day, lang)
    return notes
