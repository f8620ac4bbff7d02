"""The functions and constants of the rule expression language, on typed values: what a
rule may call (``has_any``, ``union_citizen``...), and a field gathered over a list's
elements (``partners.experience``) as ``has_any`` and ``has_all`` read it.

:mod:`amif_rules.expr` type-checks calls against :data:`FUNCTIONS` and evaluates them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from .dates import age_on, local_date
from .reference import EEA_EFTA_SWISS, is_eu_member, membership_changes
from .schema import BOOL, CODES, DATE, INSTANT, INT, LIST, TEXTS, FieldType

#: An argument kind: any list of texts (country codes, a list parameter, activities).
LIST_OF_TEXT = "list-of-text"


@attrs.frozen
class Function:
    """A named function: argument types, result type, and an implementation on typed values.

    Implementations receive only known (non-None) arguments; a missing argument makes the
    call unknown before the implementation runs. They must be pure functions of their
    arguments' values: arguments that are equal (``==``, so the same instant in two time
    zones) give equal answers, because the compiler remembers answers by argument value.
    """

    name: str
    params: tuple[str, ...]  # kinds; "list" accepts any list
    result: FieldType
    impl: Callable[..., Any]
    doc: str
    #: Called even when an argument is missing (None), because the answer may not depend
    #: on it; otherwise a missing argument makes the call unknown.
    partial: bool = False


def _union_citizen(codes: tuple[str, ...] | None, day: dt.date | None) -> bool | None:
    if codes is None:
        return None
    if day is None:
        # Without a date, the answer is still known when no nationality was ever an EU one.
        return False if not any(membership_changes(code) for code in codes) else None
    return any(is_eu_member(code, day) for code in codes)


class Gathered(tuple):  # type: ignore[type-arg]
    """The known values of one field over a list's elements, in order, without repeats.

    ``incomplete`` says that some element's value is missing: then a ``has_any`` that finds
    nothing, or a ``has_all`` that lacks something, is unknown rather than false (an unknown
    element could hold it), while one that succeeds is true whatever the missing values
    are. That is Kleene's "or" over the elements, so gathering is as monotone as the rest
    of the language.
    """

    incomplete: bool

    def __new__(cls, values: Iterable[str], incomplete: bool) -> Gathered:
        gathered = super().__new__(cls, dict.fromkeys(values))
        gathered.incomplete = incomplete
        return gathered


def gathered(elements: tuple[Mapping[str, Any], ...] | None, field: str) -> Gathered | None:
    """``field`` gathered over typed ``elements`` (None: the list itself is missing)."""
    if elements is None:
        return None
    known: list[str] = []
    incomplete = False
    for element in elements:
        value = element.get(field)
        if value is None:
            incomplete = True
        elif isinstance(value, tuple):
            known.extend(value)
        else:
            known.append(value)
    return Gathered(known, incomplete)


#: The functions a gathering path may be given to (as their first argument).
GATHERING_FUNCTIONS = ("has_any", "has_all")


def _has_any(values: tuple[str, ...], wanted: tuple[str, ...]) -> bool | None:
    if any(value in wanted for value in values):
        return True
    return None if type(values) is Gathered and values.incomplete else False


def _has_all(values: tuple[str, ...], wanted: tuple[str, ...]) -> bool | None:
    if all(value in values for value in wanted):
        return True
    return None if type(values) is Gathered and values.incomplete else False


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function(
            "union_citizen",
            (CODES, DATE),
            FieldType(BOOL),
            _union_citizen,
            "true when one of the nationalities is of a state that is an EU member on the date",
            partial=True,
        ),
        Function(
            "has_any",
            (LIST_OF_TEXT, TEXTS),
            FieldType(BOOL),
            _has_any,
            "true when one of the elements of the first list (nationalities, activities...) is in the second",
        ),
        Function("has_all", (LIST_OF_TEXT, TEXTS), FieldType(BOOL), _has_all, "true when the first list holds all of the second"),
        Function("len", (LIST,), FieldType(INT), len, "the number of elements of a list (partners, participants, results...)"),
        Function("age_on", (DATE, DATE), FieldType(INT), age_on, "age in whole years on the date"),
        Function("local_date", (INSTANT,), FieldType(DATE), local_date, "the calendar date in Brussels of an instant"),
    )
}

#: Built-in constant lists that rulesets may use by name.
CONSTANTS: dict[str, tuple[Any, FieldType]] = {
    "EEA_EFTA_SWISS": (tuple(sorted(EEA_EFTA_SWISS)), FieldType(TEXTS)),
}
