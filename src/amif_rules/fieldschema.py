"""The JSON Schema of one field of the application document, taken from the published
application schema (``schemas/application.schema.json``), for a portal to render the input a
question asks for (contract §5).

The published schema allows ``null`` everywhere (a field left empty is missing); an answer is
a value, so the field's schema comes without ``null``. References are resolved, so that each
field's schema stands on its own.
"""

from __future__ import annotations

import copy
import functools
import re
from typing import Any

from .resources import schema

_PART = re.compile(r"^([a-z_]+)(?:\[(\d*)\])?$")


class UnknownField(KeyError):
    """A path that names no field of the application schema."""


@functools.cache
def _application() -> dict[str, Any]:
    published: dict[str, Any] = schema("application.schema.json")
    return published


def _resolve(node: Any, root: dict[str, Any]) -> Any:
    """``node`` with every ``$ref`` replaced by what it names (the schema has no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = root
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            merged = {**_resolve(target, root), **{k: v for k, v in node.items() if k != "$ref"}}
            return {k: _resolve(v, root) for k, v in merged.items()}
        return {key: _resolve(value, root) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(item, root) for item in node]
    return node


def _without_null(node: dict[str, Any]) -> dict[str, Any]:
    result = dict(node)
    kinds = result.get("type")
    if isinstance(kinds, list) and "null" in kinds:
        kept = [k for k in kinds if k != "null"]
        result["type"] = kept[0] if len(kept) == 1 else kept
    if isinstance(result.get("enum"), list):
        result["enum"] = [v for v in result["enum"] if v is not None]
    if isinstance(result.get("anyOf"), list):
        result["anyOf"] = [option for option in result["anyOf"] if option != {"type": "null"}]
    return result


@functools.cache
def _field(path: str) -> dict[str, Any]:
    root = _application()
    node: dict[str, Any] = root
    for part in path.split("."):
        match = _PART.match(part)
        if match is None:
            raise UnknownField(path)
        name, index = match.group(1), match.group(2)
        node = _resolve(node, root)
        properties = node.get("properties", {})
        if name not in properties:
            raise UnknownField(path)
        node = _resolve(properties[name], root)
        if index is not None:
            node = _resolve(node.get("items", {}), root)
    return _without_null(_resolve(node, root))


def field_schema(path: str) -> dict[str, Any]:
    """The JSON Schema of the field at ``path`` (``participants[1].residence``, or with
    ``[]``), without ``null``: a fresh dict. Raises :class:`UnknownField` for another path."""
    return copy.deepcopy(_field(re.sub(r"\[\d+\]", "[]", path)))
