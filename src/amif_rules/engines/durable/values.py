"""Values exactly as durable must see them, in facts and in conditions.

Booleans stay JSON booleans: durable compares them with numbers as 0/1, as Python does
(True == 1), and multiplies them as integers; only ``bool + bool`` (a logical and) and
``bool - bool`` are wrong, which :mod:`.translate` never builds. Strings get an "s" prefix,
so that no string ever equals a number compared as text ("18" == 18 is true in durable). A
string whose escaped JSON text is too long for durable's 16-bit lengths becomes "h" + its
SHA-256 digest: strings are only compared for equality, which the digest preserves.
``None`` never reaches here (it means "missing": the key is left out); other types and
integers beyond int64 are refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from .limits import INT64_MAX, INT64_MIN, MAX_STRING_BYTES

#: A string as JSON text with non-ASCII characters escaped, quotes included.
ESCAPE: Callable[[str], str] = json.encoder.encode_basestring_ascii
#: Strings shorter than this can never need a digest (an escaped character takes <= 12 bytes).
SHORT_STRING = MAX_STRING_BYTES // 12


def encode_string(value: str) -> str:
    """A string as durable sees it: "s" + the string, or "h" + a digest when too long."""
    token = "s" + value
    if len(token) > SHORT_STRING and len(ESCAPE(token)) - 2 > MAX_STRING_BYTES:
        return "h" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    return token


def encode_value(value: object) -> int | str | bool:
    """A fact or constant value exactly as durable must see it (see above).

    Types are tested exactly (``type(...) is``): a subclass is refused, as in the fact encoder.
    """
    if type(value) is str:
        return encode_string(value)
    if type(value) is bool:
        return value
    if type(value) is int:
        if not INT64_MIN <= value <= INT64_MAX:
            raise ValueError(f"integer {value} does not fit durable_rules' 64-bit integers")
        return value
    raise TypeError(f"fact values must be int, str or bool, not {type(value).__name__}: {value!r}")


def encode_constant(value: object) -> int | str:
    """A constant of a condition: booleans as 0/1, which equal both True and 1 in durable."""
    encoded = encode_value(value)
    return int(encoded) if type(encoded) is bool else encoded
