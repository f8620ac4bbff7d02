"""Encoded values and sets of them as a finding's text says them: ``€1,234.50``, an instant
in Brussels time, ``> 150,000``, ``from 18 to 65``."""

from __future__ import annotations

from ...schema import DATE, INSTANT, MONEY
from ...search import Key, document_value
from ...units import euros


def intervals(pieces: list[tuple[int, int]], var: Key) -> str:
    """Accepted pieces as readable conditions: ``> 150,000``, ``from 18 to 65``."""
    if not pieces:
        return "no value"
    merged: list[list[int]] = []
    for low, high in sorted(pieces):
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    lowest, highest = var.bounds
    parts = []
    ordinal = var.kind in (DATE, INSTANT)
    for low, high in merged:
        if low == lowest and high == highest:
            parts.append("any value")
        elif low == high:
            parts.append(f"= {value_text(var, low)}")
        elif low == lowest:
            parts.append(f"≤ {value_text(var, high)}" if ordinal else f"< {value_text(var, high + 1)}")
        elif high == highest:
            parts.append(f"≥ {value_text(var, low)}" if ordinal else f"> {value_text(var, low - 1)}")
        else:
            parts.append(f"from {value_text(var, low)} to {value_text(var, high)}")
    return " or ".join(parts)


def value_text(var: Key, value: int) -> str:
    """One encoded value of ``var`` as the text of a finding (amounts with a euro sign and
    thousands separators, numbers with thousands separators)."""
    if var.kind == MONEY:
        return f"€{euros(value):,.2f}"
    if var.kind in (INSTANT, DATE):
        return str(document_value(var.kind, value))
    return f"{value:,}"


def conflict_text(names: list[str]) -> str:
    """The rules of a contradiction, named in a sentence."""
    if len(names) == 1:
        return f"rule {names[0]!r} refuses every application"
    quoted = [repr(n) for n in names]
    return "the rules " + ", ".join(quoted[:-1]) + " and " + quoted[-1] + " contradict each other"
