"""Reading and writing one field of a plain document by its path parts.

A path is a tuple of parts: field names (``str``) and list indexes (``int``), as in
``("partners", 0, "municipality", "population")``. The testing kit steers generated
documents with these, and the linter builds its counterexamples with them.
"""

from __future__ import annotations

import re
from typing import Any

Parts = tuple  # of str and int

#: The value that removes a field (or a list element) instead of setting it.
DELETE: Any = object()


_PART = re.compile(r"([^\[\].]+)((?:\[[0-9]+\])*)")
_INDEX = re.compile(r"\[([0-9]+)\]")


def parts(path: str) -> Parts:
    """The parts of a document path as the verdict writes it: ``participants[1].residence``
    → ``("participants", 1, "residence")``. Raises ValueError for anything else."""
    found: list[Any] = []
    for piece in path.split("."):
        match = _PART.fullmatch(piece)
        if match is None:
            raise ValueError(f"not a document path: {path!r}")
        found.append(match.group(1))
        found.extend(int(index) for index in _INDEX.findall(match.group(2)))
    return tuple(found)


def get(document: Any, parts: Parts) -> Any:
    """The value at ``parts``, or None when anything on the way is absent or of another kind."""
    target = document
    for part in parts:
        if isinstance(part, int):
            if not isinstance(target, list) or part >= len(target):
                return None
            target = target[part]
        else:
            if not isinstance(target, dict):
                return None
            target = target.get(part)
    return target


def put(document: dict, parts: Parts, value: Any) -> None:
    """Set ``parts`` of ``document`` to ``value`` in place, or remove it (``DELETE``).

    Objects and lists are made on the way where they are absent (or of another kind), and a
    list too short for an index gets empty objects appended (also to remove a field of an
    element: the element then exists, without it); removing a field whose object is absent
    does nothing.
    """
    target: Any = document
    for position, part in enumerate(parts[:-1]):
        following = parts[position + 1]
        if isinstance(part, int):
            while len(target) <= part:  # the element is wanted, even to remove one of its fields
                target.append({})
            target = target[part]
            continue
        child = target.get(part)
        wanted_type = list if isinstance(following, int) else dict
        if not isinstance(child, wanted_type):
            if value is DELETE:
                return
            child = wanted_type()
            target[part] = child
        target = child
    last = parts[-1]
    if value is DELETE:
        if isinstance(last, int):
            if isinstance(target, list) and last < len(target):
                del target[last]
        elif isinstance(target, dict):
            target.pop(last, None)
    else:
        target[last] = value
