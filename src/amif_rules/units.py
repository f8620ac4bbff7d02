"""The integer units engines compare, both ways: cents, microseconds since the epoch, day numbers.

Engines see only integers (docs/architecture.md, "the compiled form"); the compiler encodes
facts into these units and the linter, the testing kit and remedies decode them back. Both
directions live here, negatives included (a difference of amounts or instants can be below
zero). Imports nothing from the package.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

#: The instant microseconds are counted from (UTC).
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROS_PER_SECOND = 10**6
MICROS_PER_DAY = 86_400 * MICROS_PER_SECOND


def cents(amount: Decimal) -> int:
    """An amount in euros (at most two decimals, as the reader admits) as whole cents."""
    return int(amount.scaleb(2).to_integral_exact())


def euros(count: int) -> Decimal:
    """Whole cents back as an exact amount with two decimals (``-5`` → ``Decimal('-0.05')``)."""
    return Decimal(count).scaleb(-2)


def euro_text(count: int) -> str:
    """Cents as a document writes an amount: ``"1234.50"``, ``"-0.05"``."""
    sign = "-" if count < 0 else ""
    count = abs(count)
    return f"{sign}{count // 100}.{count % 100:02d}"


def micros(moment: dt.datetime) -> int:
    """An aware instant as microseconds since :data:`EPOCH` (exact: no float on the way)."""
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * MICROS_PER_SECOND + delta.microseconds


def instant(count: int) -> dt.datetime:
    """Microseconds since :data:`EPOCH` back as an aware UTC instant."""
    return EPOCH + dt.timedelta(microseconds=count)


def day_number(day: dt.date) -> int:
    """A date as its proleptic Gregorian ordinal (1 January of year 1 is 1)."""
    return day.toordinal()


def day(number: int) -> dt.date:
    """A day number back as a date."""
    return dt.date.fromordinal(number)
