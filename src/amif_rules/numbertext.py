"""Numbers as JSON and YAML text write them, read one way for both.

JSON's grammar is the only one: an integer (``-?(0|[1-9][0-9]*)``) becomes an ``int``, a
number with a fraction or an exponent an exact ``Decimal`` (never a float). A number no
field could hold is kept as a :class:`LongNumber`, so that reading never fails on it and
the document reader names the field it stands in.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

#: Integers written with more digits than this are not converted (see :class:`LongNumber`):
#: every bound of the contract has far fewer.
MAX_INTEGER_DIGITS = 100


class LongNumber:
    """A number written in JSON or YAML text that no field could hold: an integer of more
    than :data:`MAX_INTEGER_DIGITS` digits, or a decimal beyond what ``Decimal`` represents.
    Never converted (Python refuses integers past 4,300 digits, and the work grows with the
    length); kept as its size and sign, so that the reader names the field it stands in, and
    an ignored extra field may hold one."""

    __slots__ = ("shown", "negative")

    def __init__(self, text: str, integer: bool = True):
        self.negative = text.startswith("-")
        length = len(text) - self.negative
        self.shown = f"a whole number of {length:,} digits" if integer else f"a number written with {length:,} characters"

    def __repr__(self) -> str:
        return ("-" if self.negative else "") + self.shown

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LongNumber) and repr(self) == repr(other)

    def __hash__(self) -> int:
        return hash(repr(self))


def read_integer(text: str) -> Any:
    """An integer as JSON and YAML text write it → int, or :class:`LongNumber` when longer
    than any bound (one rule for both texts, so that a YAML document and its JSON twin agree)."""
    if len(text) - text.startswith("-") > MAX_INTEGER_DIGITS:
        return LongNumber(text)
    return int(text)


def read_decimal(text: str) -> Any:
    """A number with a fraction or an exponent, as JSON and YAML text write it → an exact
    ``Decimal`` (never a float), or :class:`LongNumber` when ``Decimal`` cannot hold it."""
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return LongNumber(text, integer=False)
