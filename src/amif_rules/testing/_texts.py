"""Writing a document as JSON or YAML text that means exactly what the mapping means.

The kit writes text to test the readers of text (the YAML and JSON twins of a document,
malformed cases that only exist as text). A writer that guesses would test nothing:
``yaml.safe_dump`` leaves ``1e3`` unquoted (YAML 1.1 has no such number, YAML 1.2's JSON
schema reads it as one); JSON's escape of an emoji (a surrogate pair) pasted into YAML
reads as two lone surrogates; and neither ``json.dumps`` nor ``yaml.safe_dump`` writes an
integer of more than 4,300 digits. Here every string is double-quoted (YAML escapes
``\\U`` past the BMP, JSON a surrogate pair), and numbers are written as JSON writes them,
however long.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import attrs

__all__ = ["json_text", "number_text", "yaml_text"]

#: Longer keys are written as explicit keys (``? "key"``): YAML's implicit keys stop at 1024.
_LONG_KEY = 200


def number_text(value: Any) -> str:
    """A number as JSON writes it (also a number in YAML 1.2's JSON schema), of any length."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return format(Decimal(value), "f")  # str() refuses past 4,300 digits; Decimal(int) is exact
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} cannot be written as JSON")
        return str(value)  # 1E+999999 is a JSON number; format(..., "f") would write a million digits
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} cannot be written as JSON")
        return repr(value)
    raise TypeError(f"not a number: {type(value).__name__}")


def _quoted(text: str, json: bool = False) -> str:
    """``text`` as a double-quoted scalar, read the same by JSON and by YAML: printable ASCII
    as it is, everything else escaped; past the BMP as ``\\U`` for YAML, as a surrogate pair
    for JSON (which has only 16-bit escapes, and whose readers join the pair)."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        elif json:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def _json_quoted(text: str) -> str:
    return _quoted(text, json=True)


def _scalar(value: Any, quote) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return quote(value)
    return number_text(value)


def json_text(value: Any) -> str:
    """``value`` as JSON text (ASCII only): Decimals and integers of any length as numbers.
    Raises ``ValueError`` for what JSON cannot write (NaN, infinities), ``TypeError`` for
    what is not JSON at all. Iterative: a value nested 100,000 deep is written too."""
    out: list[str] = []
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Raw):
            out.append(item.text)
        elif isinstance(item, dict):
            parts: list[Any] = [_Raw("{")]
            for index, (key, child) in enumerate(item.items()):
                if not isinstance(key, str):
                    raise TypeError(f"a JSON object's keys are text, not {type(key).__name__}")
                parts += [_Raw((", " if index else "") + _json_quoted(key) + ": "), child]
            stack.extend(reversed(parts + [_Raw("}")]))
        elif isinstance(item, (list, tuple)):
            parts = [_Raw("[")]
            for index, child in enumerate(item):
                parts += ([_Raw(", ")] if index else []) + [child]
            stack.extend(reversed(parts + [_Raw("]")]))
        else:
            out.append(_scalar(item, _json_quoted))
    return "".join(out)


@attrs.frozen
class _Raw:
    """Text already written, on :func:`json_text`'s stack."""

    text: str


def yaml_text(value: Any) -> str:
    """``value`` as block YAML text that YAML 1.2's JSON schema reads back as ``value``:
    every string double-quoted, numbers as JSON writes them, ``true``/``false``/``null``.
    Iterative, like :func:`json_text`."""
    lines: list[str] = []
    stack: list[tuple] = [("block", value, 0)]
    while stack:
        what, *rest = stack.pop()
        if what == "block":
            item, indent = rest
            pad = " " * indent
            if isinstance(item, dict) and item:
                entries = []
                for key, child in item.items():
                    if not isinstance(key, str):
                        raise TypeError(f"a document's keys are text, not {type(key).__name__}")
                    head = f"{pad}{_quoted(key)}:" if len(key) <= _LONG_KEY else f"{pad}? {_quoted(key)}\n{pad}:"
                    entries.append(("entry", head, child, indent))
                stack.extend(reversed(entries))
            elif isinstance(item, (list, tuple)) and item:
                stack.extend(reversed([("entry", f"{pad}-", child, indent) for child in item]))
            else:
                lines.append(pad + _inline(item))
        else:
            head, child, indent = rest
            if isinstance(child, (dict, list, tuple)) and child:
                lines.append(head)
                stack.append(("block", child, indent + 2))
            else:
                lines.append(f"{head} {_inline(child)}")
    return "\n".join(lines) + "\n"


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, (list, tuple)):
        return "[]"
    return _scalar(value, _quoted)
