"""What a verdict may be asked to include beyond contract §2: the names of §5, one home for
the Python ``include=``, the command line's ``--include`` and HTTP's ``?include=``.

Imports nothing from the package: the command line reads its options without loading the
search that questions and remedies need.
"""

from __future__ import annotations

from collections.abc import Iterable

#: What a verdict may be asked to include, in the order its keys are written.
INCLUDES = ("questions", "remedies")


def include_names(include: str | Iterable[str] | None) -> tuple[str, ...]:
    """The names asked for, checked and in :data:`INCLUDES` order: a tuple of names, or one
    text of names joined by commas. Raises ValueError naming an unknown one."""
    if include is None:
        return ()
    names = include.split(",") if isinstance(include, str) else list(include)
    asked = []
    for name in names:
        if not isinstance(name, str):
            raise ValueError(f"include: names are texts, got {name!r}")
        name = name.strip()
        if not name:
            continue
        if name not in INCLUDES:
            raise ValueError(f"include: unknown name {name!r}; use {' or '.join(INCLUDES)}")
        asked.append(name)
    return tuple(name for name in INCLUDES if name in asked)
