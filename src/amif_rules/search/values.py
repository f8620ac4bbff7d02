"""Values in engine units near a threshold, and back as a document writes them.

A :class:`~amif_rules.ir.Linear` atom ``coefficient × x + rest OP 0`` changes its truth only
at ``-rest / coefficient``: the integers :func:`around` it decide every comparison with that
threshold, which is why both the linter's exhaustive search and the testing kit's boundary
values try those and no others near it.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from ..dates import brussels_text
from ..schema import DATE, INSTANT, MONEY
from ..units import day, euro_text, instant


def decide(total: int, op: str) -> bool:
    """Whether ``total OP 0`` holds (a Linear atom's truth, given the sum of its terms)."""
    return {"==": total == 0, "!=": total != 0, "<": total < 0, "<=": total <= 0, ">": total > 0, ">=": total >= 0}[op]


def threshold(coefficient: int, rest: int) -> Fraction:
    """Where ``coefficient × x + rest`` is 0: the exact boundary of the atom for ``x``."""
    return Fraction(-rest, coefficient)


def around(exact: Fraction) -> tuple[int, int, int, int]:
    """The integers next to and at a threshold, in this order: below it, its floor, its
    ceiling, above it (floor and ceiling are one when the threshold is whole)."""
    floor, ceil = math.floor(exact), math.ceil(exact)
    return (floor - 1, floor, ceil, ceil + 1)


def document_value(kind: str, value: Any) -> Any:
    """An encoded value as a document writes it: amounts as ``"1234.50"``, instants in
    Brussels time, dates as ISO text; anything else as it is (None stays None)."""
    if value is None:
        return None
    if kind == MONEY:
        return euro_text(value)
    if kind == INSTANT:
        return brussels_text(instant(value))
    if kind == DATE:
        return day(value).isoformat()
    return value
