"""What would help (contract §5): for each failed rule of severity ``error``, the smallest
alternative changes of inputs the applicant controls that make it pass.

The ruleset says which inputs the applicant controls (``inputs:``, ``applicant_controls``).
The shared search (:func:`amif_rules.search.smallest_changes`) proposes values of those keys
on the rule's own fact: a bound gives the value on it, a list of allowed values each value,
an instant the last one that passes. Every option is then *proven*: the changed document is
checked again, as the original was, and only options under which the rule passes are kept.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

from .. import expr, limits, messages, schema, units
from ..dates import BRUSSELS, brussels_text
from ..docpaths import parts, put
from ..errors import AmifRulesError
from ..schema import DATE, DECIMAL, INSTANT, INT, LIST, MONEY
from ..search import Key, document_value, smallest_changes
from . import words
from .context import Context, Evaluate, Located, fields_of_key, rule_keys, split

_NUMBERS = (INT, MONEY, DECIMAL)


def remedies(context: Context, document: dict[str, Any], evaluate: Evaluate) -> list[dict[str, Any]]:
    """One entry per failed error result of the verdict, in the verdict's order. At most
    :data:`~amif_rules.limits.MAX_REMEDY_PROOFS` changed documents are checked in all."""
    entries: list[dict[str, Any]] = []
    budget = [limits.MAX_REMEDY_PROOFS]
    for result in context.verdict.rules:
        if result.outcome != "fail" or result.severity != "error":
            continue
        located = context.located(result)
        if budget[0] <= 0 and _searchable(context, located):
            message = words.not_searched(limits.MAX_REMEDY_PROOFS, context.lang)
            entries.append({"rule": result.id, "item": result.item, "options": [], "message": message})
            continue
        options = _options(context, located, document, evaluate, budget)
        entries.append(
            {"rule": result.id, "item": result.item, "options": options, "message": _message(context, located, options)}
        )
    return entries


def _searchable(context: Context, located: Located) -> bool:
    """Whether the rule reads an input the applicant controls (its options need proofs)."""
    return any(controlled(context, key, located.item) for key in rule_keys(context.model, located.index))


def controlled(context: Context, key: Key, item: int | None) -> bool:
    """Whether the applicant can change fact key ``key``: a field it controls, or a list it
    controls tested for elements (``has_any(activities, ...)``, ``has_all(documents, ...)``) or
    counted (``len(results)``)."""
    fields = fields_of_key(key, item, context.facts.root)
    if key.call is not None and not (_list_test(key) or _list_length(key)):
        return False
    if _is_reference_date(key) and context.facts.reference_date_source == "on":
        return False  # the date was given (check(on=...)): the submission does not move it
    return all(_controls(context, path) for path in fields)


def _is_reference_date(key: Key) -> bool:
    return key.call is None and key.scope is None and key.path == "reference_date"


def _controls(context: Context, path: str) -> bool:
    described = context.input(path)
    return described is not None and described.applicant_controls


def _list_length(key: Key) -> bool:
    """``len(<a list field of the root>)``: set by adding or taking away elements."""
    call = key.call
    return call is not None and call.name == "len" and isinstance(call.args[0], expr.Path) and call.args[0].scope is None


def _list_test(key: Key) -> bool:
    """``has_any`` or ``has_all(<a list field>, <constants>)``: set by adding or taking away elements."""
    call = key.call
    return (
        call is not None
        and call.name in ("has_any", "has_all")
        and len(call.args) == 2
        and isinstance(call.args[0], expr.Path)
        and expr.evaluate(call.args[1], lambda scope, path: None) is not None
    )


def _options(
    context: Context, located: Located, document: dict[str, Any], evaluate: Evaluate, budget: list[int]
) -> list[list[dict[str, Any]]]:
    model = context.model
    keys = {key.key: key for key in rule_keys(model, located.index) if controlled(context, key, located.item)}
    if not keys:
        return []
    found = smallest_changes(model, located.index, located.fact, list(keys), lambda outcome: outcome == "pass")
    proven: list[list[dict[str, Any]]] = []
    for change in found:
        for option in _written(context, located, {keys[name]: value for name, value in change.items()}):
            if option in proven or budget[0] <= 0:
                continue
            budget[0] -= 1
            if _passes(located, document, option, evaluate):
                proven.append(option)
    return proven


def _written(context: Context, located: Located, change: dict[Key, Any]) -> list[list[dict[str, Any]]]:
    """A change of fact keys as changes of the document: one option, or one per element a
    list may gain."""
    options: list[list[dict[str, Any]]] = [[]]
    for key, value in change.items():
        if _gathering_test(key):
            assert key.call is not None
            found = _gathered_choices(context, key.call, bool(value))
            options = [option + choice for option in options for choice in found]
            continue
        path = fields_of_key(key, located.item, context.facts.root)[0]
        if key.call is None:
            written: Any
            if _is_reference_date(key):
                written = _submitted_on(context, units.day(value))
            else:
                written = int(value) if key.kind == INT else document_value(key.kind, value)
            options = [option + [{"path": path, "value": written}] for option in options]
            continue
        assert key.call is not None  # a list tested or counted (see controlled)
        current = _typed(context, path) or ()
        if _list_length(key):
            choices = _resized(context, path, tuple(current), int(value))
        else:
            wanted = tuple(expr.evaluate(key.call.args[1], lambda scope, p: None))
            if key.call.name == "has_all":  # every one added, or one of them taken away
                lacking = [element for element in dict.fromkeys(wanted) if element not in current]
                choices = (
                    [[*current, *lacking]] if value else [[e for e in current if e != gone] for gone in wanted if gone in current]
                )
            elif value:
                choices = [[*current, element] for element in wanted if element not in current]
            else:
                choices = [[element for element in current if element not in wanted]]
        options = [option + [{"path": path, "value": list(choice)}] for option in options for choice in choices]
    return options


def _gathering_test(key: Key) -> bool:
    """``has_any`` or ``has_all(<list>.<field>, <constants>)``: a field gathered over a list."""
    return _list_test(key) and key.call is not None and key.call.args[0].gather is not None  # type: ignore[union-attr]


def _gathered_choices(context: Context, call: expr.Call, value: bool) -> list[list[dict[str, Any]]]:
    """The document changes that make a test of a gathered field ``value``: a wanted value
    added to one element (one option per element), or the wanted values taken out of every
    element that holds them (one option)."""
    path = call.args[0]
    assert isinstance(path, expr.Path) and path.gather is not None
    wanted = tuple(expr.evaluate(call.args[1], lambda scope, p: None))
    elements = context.facts.root.get(path.gather) or ()
    current = [tuple(element.get(path.element_field) or ()) for element in elements]
    held = {element for values in current for element in values}
    where = [f"{path.gather}[{n}].{path.element_field}" for n in range(len(elements))]
    if value:
        lacking = [element for element in dict.fromkeys(wanted) if element not in held]
        adding = [lacking] if call.name == "has_all" else [[element] for element in lacking]
        return [[{"path": where[n], "value": [*values, *added]}] for added in adding if added for n, values in enumerate(current)]
    gone = [[element for element in wanted if element in held]] if call.name == "has_any" else [[e] for e in wanted if e in held]
    return [
        [
            {"path": where[n], "value": [e for e in values if e not in taken]}
            for n, values in enumerate(current)
            if set(values) & set(taken)
        ]
        for taken in gone
        if taken
    ]


def _resized(context: Context, path: str, current: tuple, count: int) -> list[list[Any]]:
    """A list given ``count`` elements: the last ones taken away, or new ones added (each
    allowed value not yet in it, when the list holds choices; else an entry that says it is
    to be written, in the verdict's language)."""
    if count <= len(current):
        return [list(current[:count])]
    field = schema.root_field(path)
    allowed = [value for value in (field.choices if field is not None else ()) if value not in current]
    missing = count - len(current)
    if allowed:
        if missing == 1:
            return [[*current, value] for value in allowed]
        return [[*current, *allowed[:missing]]] if len(allowed) >= missing else []
    return [[*current, *(words.new_entry(len(current) + n + 1, context.lang) for n in range(missing))]]


def _submitted_on(context: Context, day: dt.date) -> str:
    """A submission on ``day`` in Brussels for a rule on the reference date: the last minute
    of the day when it moves earlier, the first when it moves later."""
    current = context.facts.root.get("reference_date")
    earlier = current is None or day < current
    moment = dt.datetime.combine(day, dt.time(23, 59) if earlier else dt.time(0, 0), tzinfo=BRUSSELS)
    return brussels_text(moment)


def _passes(located: Located, document: dict[str, Any], option: list[dict[str, Any]], evaluate: Evaluate) -> bool:
    """Whether the rule passes on the document with ``option`` applied, checked as the
    original was (the proof of every option)."""
    changed = copy.deepcopy(document)
    for step in option:
        put(changed, parts(step["path"]), step["value"])
    try:
        verdict = evaluate(changed)
    except AmifRulesError:
        return False
    result = located.result
    return any(r.id == result.id and r.item == result.item and r.outcome == "pass" for r in verdict.rules)


def _typed(context: Context, path: str) -> Any:
    scope, item, field = split(path)
    values = context.facts.root if scope is None else context.element(scope, item)
    return values.get(field)


def _shown(context: Context, path: str, kind: str, value: Any) -> str:
    """A typed value as a message shows it, in the verdict's language."""
    if value is None:
        return messages.MISSING[context.lang]
    if value == ():
        return messages.NOTHING[context.lang]
    if kind == LIST:  # a list of elements (``len(partners)``): how many it holds
        return messages.format_cached(len(value), INT, "", context.lang, None)
    field = path.rsplit(".", 1)[-1]
    return messages.format_cached(value, kind, field, context.lang, None)


def _label(context: Context, path: str) -> str:
    return context.text(path, "label") or path


def _message(context: Context, located: Located, options: list[list[dict[str, Any]]]) -> str:
    lang = context.lang
    source = located.result.source
    if options:
        said = []
        for option in options:
            said.append([_change(context, step) for step in option])
        return words.options_message(said, lang)
    read = list(
        dict.fromkeys(
            path
            for key in rule_keys(context.model, located.index)
            for path in fields_of_key(key, located.item, context.facts.root)
        )
    )
    fixed = [_fact(context, path) for path in read if not _controls(context, path)]
    mine = [_label(context, path) for path in read if _controls(context, path)]
    if not read:
        return words.fails_always(source, lang)
    if not mine:
        return words.nothing_message(fixed, source, lang)
    return words.not_found_message(mine, fixed, source, lang)


def _fact(context: Context, path: str) -> str:
    """A field the applicant does not control, with its value: "the population of ... (102.275)"."""
    value = _typed(context, path)
    kind = _kind(path)
    return words.with_value(_label(context, path), _shown(context, path, kind, value), context.lang)


def _kind(path: str) -> str:
    scope, _, field = split(path)
    found = schema.root_field(field) if scope is None else schema.scope_field(scope, field)
    return found.kind if found is not None else ""


def _change(context: Context, step: dict[str, Any]) -> str:
    path, value = step["path"], step["value"]
    kind = _kind(path)
    current = _typed(context, path)
    new = _typed_value(kind, value)
    shown = new
    if kind in _NUMBERS and current is not None:
        direction = "down" if new < current else "up"
    elif kind in (INSTANT, DATE) and current is not None:
        direction = "earlier" if new < current else "later"
    elif isinstance(new, tuple):
        before = tuple(current or ())
        added = tuple(x for x in new if x not in before)
        removed = tuple(x for x in before if x not in new)
        direction = "add" if added and not removed else "remove" if removed and not added else "set"
        shown = added if direction == "add" else removed if direction == "remove" else new
    else:
        direction = "set"
    return words.change(
        direction, _label(context, path), _shown(context, path, kind, shown), _shown(context, path, kind, current), context.lang
    )


def _typed_value(kind: str, value: Any) -> Any:
    """A value as a remedy writes it into the document, typed as the facts hold it."""
    if kind == MONEY:
        return Decimal(value)
    if kind == INSTANT:
        return dt.datetime.fromisoformat(value)
    if kind == DATE:
        return dt.date.fromisoformat(value)
    if isinstance(value, list):
        return tuple(value)
    return value
