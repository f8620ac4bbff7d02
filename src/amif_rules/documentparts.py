"""Parts of the document reader kept apart from :mod:`documents` (which stays a small room):
lists of distinct choices the applicant declares, such as an organisation's ``experience``
and the ``documents`` attached to a request.

A declared fact is read as declared: the reader checks its form (known values, each once,
at most :data:`~amif_rules.limits.MAX_DECLARED_ITEMS`), never whether it is true.
"""

from __future__ import annotations

import enum
from typing import Any, Protocol, TypeVar

from . import limits
from .errors import excerpt

E = TypeVar("E", bound=enum.Enum)


class _Reader(Protocol):
    """What of :class:`documents.Reader` the parts use (its problems are collected there)."""

    def bad(self, path: str, message: str) -> None: ...

    def choice(self, value: Any, path: str, enum_type: type[E]) -> E | None: ...

    def sequence(self, value: Any, path: str, maximum: int) -> list[Any] | None: ...


def distinct_choices(reader: _Reader, value: Any, path: str, enum_type: type[E]) -> tuple[E, ...] | None:
    """A list of distinct values of ``enum_type``: an unknown value, a null and a value given
    a second time are each refused at their own path (``partners[0].experience[2]``)."""
    items = reader.sequence(value, path, limits.MAX_DECLARED_ITEMS)
    if items is None:
        return None
    chosen: list[E] = []
    first_at: dict[E, int] = {}
    ok = True
    for i, item in enumerate(items):
        item_path = f"{path}[{i}]"
        if item is None:
            reader.bad(item_path, "expected one of: " + ", ".join(m.value for m in enum_type) + "; got null")
            ok = False
            continue
        member = reader.choice(item, item_path, enum_type)
        if member is None:
            ok = False
        elif member in first_at:
            reader.bad(
                item_path, f"{excerpt(member.value)} is listed twice (first at {path}[{first_at[member]}]): give each value once"
            )
            ok = False
        else:
            first_at[member] = i
            chosen.append(member)
    return tuple(chosen) if ok else None
