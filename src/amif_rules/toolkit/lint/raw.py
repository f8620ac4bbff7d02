"""The raw view of a ruleset file: its YAML data as written, with the line and column of
every value and key, read leniently (what the loader refuses is still placed, so that each
finding can say where it is); and the files of its ``extends`` chain, found as the loader
finds them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import yaml

from ...ruleset import MAX_EXTENDS_DEPTH, find_parent
from ...yamlpos import Builder
from ...yamlsafe import strict_loader

_Loader = strict_loader("a ruleset")


@attrs.frozen
class RawFile:
    """One ruleset file as data, with where each value and key is."""

    name: str  # as shown in locations
    path: Path | None
    data: Any
    places: Builder = attrs.field(eq=False, repr=False)

    def where(self, path: tuple, key: bool = False) -> str:
        """``file:line:column`` of the value at ``path`` (of its key, with ``key``), or of
        the closest enclosing value that has a place."""
        mark = self.places.mark(path, key=key)
        if mark is None:
            return self.name
        return f"{self.name}:{mark.line}:{mark.column}"


def read_raw(text: str, name: str, path: Path | None) -> RawFile | None:
    """The raw view of ``text``; None when it is not YAML at all."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    if node is None:
        return None
    places = Builder(_Loader, keys="construct", strict=False)
    try:
        data = places.build(node)
    except RecursionError:
        return None
    return RawFile(name, path, data, places)


def read_chain(raw: RawFile) -> list[RawFile]:
    """The files of ``raw``'s extends chain, the most basic first (as the loader finds them)."""
    chain = [raw]
    seen = {raw.data.get("id") if isinstance(raw.data, dict) else None}
    while len(chain) < MAX_EXTENDS_DEPTH:
        current = chain[0]
        parent_id = current.data.get("extends") if isinstance(current.data, dict) else None
        if not isinstance(parent_id, str) or parent_id in seen:
            break
        found = find_parent(parent_id, current.path.resolve().parent if current.path is not None else None)
        if found is None:
            break
        parent = read_raw(found.read_text(encoding="utf-8"), display(found), found)
        if parent is None or not isinstance(parent.data, dict):
            break
        seen.add(parent_id)
        chain.insert(0, parent)
    return chain


def rule_places(chain: list[RawFile]) -> dict:
    """(rule id, key) -> location, from the last file of the chain that gives it."""
    places: dict = {}
    for raw in chain:
        rules = raw.data.get("rules") if isinstance(raw.data, dict) else None
        if not isinstance(rules, list):
            continue
        for index, spec in enumerate(rules):
            if not isinstance(spec, dict) or not isinstance(spec.get("id"), str):
                continue
            places[(spec["id"], None)] = raw.where(("rules", index))
            for key in spec:
                places[(spec["id"], key)] = raw.where(("rules", index, key))
    return places


def display(path: Path) -> str:
    """A path as shown in locations: relative to the working folder when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
