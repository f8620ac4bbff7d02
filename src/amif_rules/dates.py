"""The dates that decide a verdict: Brussels time, the reference date, the register date.

One home for each: every module that needs the Brussels date of a submission, the date rules
are evaluated on, or the year of the municipality register a ruleset reads calls these.
Imports nothing from the package.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

#: Local times of Belgian calls (deadlines, "23:59") are Brussels times.
BRUSSELS = ZoneInfo("Europe/Brussels")

#: ``register_date: reference_year`` in a ruleset: the register of 1 January of the
#: reference date's year (a ruleset valid over several years reads the year of each application).
REFERENCE_YEAR = "reference_year"


def local_date(moment: dt.datetime) -> dt.date:
    """The Brussels calendar date of an aware instant (the day a submission was made on)."""
    return moment.astimezone(BRUSSELS).date()


def brussels_text(moment: dt.datetime) -> str:
    """An aware instant as a document writes it in Brussels time (``2019-09-02T23:59:00+02:00``)."""
    return moment.astimezone(BRUSSELS).isoformat()


def reference_date(submitted_at: dt.datetime | None, on: dt.date | None = None) -> dt.date | None:
    """The date rules are evaluated on: ``on`` when given, else the Brussels date of the
    submission; None when neither is known. It picks the version of a call, the values of
    dated parameters, EU membership and ages."""
    if on is not None:
        return on
    return local_date(submitted_at) if submitted_at is not None else None


def register_date(setting: dt.date | str | None, day: dt.date | None) -> dt.date | None:
    """The date of the municipality register a ruleset reads: its ``register_date``, or for
    :data:`REFERENCE_YEAR` 1 January of the reference date's year (None without one)."""
    if setting == REFERENCE_YEAR:
        return dt.date(day.year, 1, 1) if day is not None else None
    return setting if isinstance(setting, dt.date) else None


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years from ``birth`` to ``day`` (a birthday on 29 February counts on 1 March)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def years_before(day: dt.date, years: int) -> dt.date:
    """The latest birth date of someone who is ``years`` old on ``day``: :func:`age_on`'s
    inverse (from 29 February, the 28th in a year without one)."""
    year = day.year - years
    try:
        return day.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)
