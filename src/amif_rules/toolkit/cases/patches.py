"""Patches: ``partners[0].role: other`` sets one field of an example's application.

A case often differs from an example in one or two fields; a patch says which, by dotted
path, so that the case shows exactly what it changes.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from ...errors import PatchError

__all__ = ["PatchError", "apply_patch", "parse_path", "render_path"]

_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(-?[0-9]+)\]")
_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[-?[0-9]+\])*(\.[A-Za-z_][A-Za-z0-9_]*(\[-?[0-9]+\])*)*$")


def parse_path(text: str) -> tuple:
    """``partners[0].municipality.population`` → ``("partners", 0, "municipality", "population")``."""
    if not isinstance(text, str) or not _PATH.match(text):
        raise PatchError(
            f"not a field path: {text!r}",
            "write names joined by dots, with [n] for the n-th element counting from 0, e.g. partners[0].role",
        )
    return tuple(int(index) if index else name for name, index in _SEGMENT.findall(text))


def render_path(segments: Sequence) -> str:
    """Path parts back as text, the way a verdict names a field (``partners[0].role``)."""
    text = ""
    for segment in segments:
        text += f"[{segment}]" if isinstance(segment, int) else (f".{segment}" if text else segment)
    return text


def apply_patch(document: dict, path: str, value: Any) -> None:
    """Set ``path`` of ``document`` to ``value`` in place; ``None`` (``~`` in YAML) removes it.

    Missing objects on the way are created. ``[n]`` indexes a list from 0 (``[-1]``: the
    last element); setting index ``n`` equal to the list's length appends an element;
    ``partners[1]: ~`` removes the element (the next ones move up).
    """
    segments = parse_path(path)
    target: Any = document
    for depth, segment in enumerate(segments[:-1]):
        here = render_path(segments[: depth + 1])
        following = segments[depth + 1]
        if isinstance(segment, int):
            target = _element(target, segment, segments[: depth + 1])
        else:
            if not isinstance(target, dict):
                raise PatchError(
                    f"{render_path(segments[:depth]) or 'the document'} is not an object, so it has no field {segment!r}"
                )
            if target.get(segment) is None:
                if isinstance(following, int):
                    raise PatchError(
                        f"{here} is not in the application, so it has no element [{following}]",
                        f"set the whole list instead, e.g. {here}: [{{...}}]",
                    )
                if value is None:
                    return  # removing inside something absent: nothing to do
                target[segment] = {}
            target = target[segment]
    last = segments[-1]
    if isinstance(last, int):
        if not isinstance(target, list):
            raise PatchError(f"{render_path(segments[:-1])} is not a list")
        if value is None:
            del target[_index(target, last, segments)]
        elif last == len(target):
            target.append(copy.deepcopy(value))
        else:
            target[_index(target, last, segments)] = copy.deepcopy(value)
        return
    if not isinstance(target, dict):
        raise PatchError(f"{render_path(segments[:-1]) or 'the document'} is not an object, so it has no field {last!r}")
    if value is None:
        target.pop(last, None)
    else:
        target[last] = copy.deepcopy(value)


def _index(items: list, index: int, segments: Sequence) -> int:
    if -len(items) <= index < len(items):
        return index % len(items)
    name = render_path(segments[:-1])
    raise PatchError(
        f"{name} has {len(items)} element{'s' if len(items) != 1 else ''}, so {render_path(segments)} does not exist",
        f"elements are counted from 0; {name}[{len(items)}] adds one at the end",
    )


def _element(target: Any, index: int, segments: Sequence) -> Any:
    if not isinstance(target, list):
        raise PatchError(f"{render_path(segments[:-1])} is not a list")
    return target[_index(target, index, segments)]
