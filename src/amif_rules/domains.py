"""The values each fact key can take, in engine units (cents, microseconds, day numbers): one
table with two views.

- :func:`safe`: every value a valid document can give the key, *or more, never less*. The
  linter proves "no application can ..." by searching these values: leaving one out could
  hide a counterexample, while an extra one only adds a case that a real document then fails
  to confirm.
- :func:`plausible`: the values the testing kit's generated documents take. They stay well
  inside what the reader admits, so that every document drawn is valid however its dates and
  instants are written (Brussels time or UTC), and reads like a real application.

The two differ on purpose, and each bound says why beside it. :func:`typical` is one
ordinary value per key, tried first so that an example reads naturally.
"""

from __future__ import annotations

import datetime as dt

from . import expr, limits
from .dates import BRUSSELS
from .schema import DATE, INSTANT, INT, MONEY
from .units import day_number, micros

Bounds = tuple[int, int]

# -- safe: every value a valid document can give, or more ------------------------------------------

#: Days and instants: the reader admits the years MIN_YEAR..MAX_YEAR; one more year on each
#: side also covers an instant whose UTC date falls in the year before or after the one
#: written, and costs nothing.
SAFE_DAYS: Bounds = (day_number(dt.date(limits.MIN_YEAR - 1, 1, 1)), day_number(dt.date(limits.MAX_YEAR + 1, 12, 31)))
SAFE_INSTANTS: Bounds = (
    micros(dt.datetime(limits.MIN_YEAR - 1, 1, 1, tzinfo=dt.UTC)),
    micros(dt.datetime(limits.MAX_YEAR + 1, 12, 31, 23, 59, 59, tzinfo=dt.UTC)),
)
#: Ages: ``age_on`` may be taken on any date a rule names, not only the reference date, so an
#: age may be negative; at most the years between the ends of :data:`SAFE_DAYS`.
SAFE_AGE = limits.MAX_YEAR - limits.MIN_YEAR + 2
#: Whole numbers without a limit of their own: as far as 64-bit engines compare, with room
#: for the arithmetic of a comparison.
SAFE_INT = 2**62
#: The lengths of lists, as the reader limits them (other lists: MAX_LIST_ITEMS).
SAFE_LENGTHS = {
    "partners": limits.MAX_PARTNERS,
    "participants": limits.MAX_PARTICIPANTS,
    "nationalities": limits.MAX_NATIONALITIES,
}


def safe(kind: str, path: str | None, call: expr.Call | None) -> Bounds | None:
    """Every encoded value the key can take in a valid document, or more (never less); None
    for a key that is not a number, an amount, a date or an instant."""
    if call is not None:
        if call.name == "age_on":
            return (-SAFE_AGE, SAFE_AGE)
        if call.name == "len":
            arg = call.args[0]
            name = arg.path if isinstance(arg, expr.Path) else ""
            return (0, SAFE_LENGTHS.get(name, limits.MAX_LIST_ITEMS))
        if kind == DATE:
            return SAFE_DAYS
        return None
    if kind == INT:
        return _counts(path) or (0, SAFE_INT)
    if kind == MONEY:
        return _AMOUNTS
    if kind == INSTANT:
        return SAFE_INSTANTS
    if kind == DATE:
        return SAFE_DAYS
    return None


#: Amounts: never negative, and below the reader's limit of MAX_MONEY_EUROS (in cents). Both views.
_AMOUNTS: Bounds = (0, limits.MAX_MONEY_EUROS * 100 - 1)


def _counts(path: str | None) -> Bounds | None:
    """Populations and durations: the reader's own limits. Both views."""
    if path and path.endswith("population"):
        return (0, limits.MAX_POPULATION)
    if path == "duration_months":
        return (0, limits.MAX_DURATION_MONTHS)
    return None


# -- plausible: the values generated documents take -------------------------------------------------

#: Days and instants: from 2 January of the reader's second year to 30 December of its last
#: but one, so that a moment drawn reads within the reader's years in Brussels time and in UTC.
_FIRST = dt.datetime(limits.MIN_YEAR + 1, 1, 2, tzinfo=dt.UTC)
_LAST = dt.datetime(limits.MAX_YEAR - 1, 12, 30, tzinfo=dt.UTC)
PLAUSIBLE_DAYS: Bounds = (day_number(_FIRST.date()), day_number(_LAST.date()))
PLAUSIBLE_INSTANTS: Bounds = (micros(_FIRST), micros(_LAST))
#: Ages of people: nobody is born after the submission (the reader refuses it), nor older than 120.
PLAUSIBLE_AGES: Bounds = (0, 120)
#: Generated lists are short; a person has at least one nationality (or "stateless").
PLAUSIBLE_LENGTH = 6
#: Other whole numbers: the counts an application states.
PLAUSIBLE_INT = 10**6


def plausible(kind: str, path: str | None, call: expr.Call | None) -> Bounds | None:
    """The encoded values a key takes in the documents the testing kit draws (None: not
    numeric)."""
    if call is not None:
        if call.name == "age_on":
            return PLAUSIBLE_AGES
        if call.name == "len":
            arg = call.args[0]
            low = 1 if isinstance(arg, expr.Path) and arg.path == "nationalities" else 0
            return (low, PLAUSIBLE_LENGTH)
        if kind == DATE:
            return PLAUSIBLE_DAYS
        return None
    if kind == MONEY:
        return _AMOUNTS
    if kind == INT:
        return _counts(path) or (0, PLAUSIBLE_INT)
    if kind == INSTANT:
        return PLAUSIBLE_INSTANTS
    if kind == DATE:
        return PLAUSIBLE_DAYS
    return None


# -- typical: one ordinary value ---------------------------------------------------------------------

#: The day examples are set on when nothing else says which (the date of call 42's examples).
TYPICAL_DAY = dt.date(2019, 8, 30)


def typical(kind: str, path: str | None, call: expr.Call | None) -> int | None:
    """An ordinary encoded value of a numeric key (an adult's age, noon on :data:`TYPICAL_DAY`,
    €100,000.00, a town of 100,000, a year's project), or None."""
    if call is not None:
        value = {"age_on": 30, "len": 1}.get(call.name)
        if value is None and kind == DATE:
            value = day_number(TYPICAL_DAY)
        return value
    if kind == INSTANT:
        return micros(dt.datetime.combine(TYPICAL_DAY, dt.time(12), BRUSSELS))
    if kind == DATE:
        return day_number(TYPICAL_DAY)
    if kind == MONEY:
        return 10_000_000
    if path and path.endswith("population"):
        return 100_000
    if path == "duration_months":
        return 12
    return None
