"""A tests file's YAML, with the place of every value, and its problems in a tests file's words.

The walk and the marks are :mod:`amif_rules.yamlpos`'s, shared with rulesets and the
linter; what is said about a tag, a key or a duplicate is said here, so that a tests file's
messages and hints stay its own. Keys are taken as written (``on:`` stays the text "on").
"""

from __future__ import annotations

from typing import Any

import yaml

from ... import yamlpos
from ...errors import Location, RulesetProblem, TestsFileError
from ...yamlsafe import ALIAS_MESSAGE, strict_loader

WHAT = "a tests file"
_Loader = strict_loader(WHAT)
_TAG_HINT = "remove the tag (the part starting with !)"


def compose(text: str, display: str) -> Any:
    """The YAML node tree of ``text``; a :class:`TestsFileError` at the place YAML stops."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        location = Location(display, mark.line + 1, mark.column + 1) if mark else Location(display)
        hint = "check the indentation and quoting around this place"
        if "but got '['" in str(error.problem):
            hint = (
                "inside [...] or {...}, a path with [n] must be quoted: write 'participants[1].residence'; "
                "or write the list one '- path' per line"
            )
        raise TestsFileError([RulesetProblem(location, f"not valid YAML: {error.problem or error}", hint)]) from None
    except (yaml.YAMLError, RecursionError) as error:
        raise TestsFileError([RulesetProblem(Location(display), f"not valid YAML: {error}")]) from None


class Places:
    """The problems of one tests file, each at its place: plain values are built from the
    node tree once (:meth:`build`), then the reader asks where a path is and adds problems."""

    def __init__(self, display: str):
        self.display = display
        self.problems: list[RulesetProblem] = []
        self._builder = yamlpos.Builder(_Loader, self._on_problem, keys="text", strict=True)

    def build(self, node: yaml.Node) -> Any:
        return self._builder.build(node)

    def _on_problem(self, kind: str, path: tuple, mark: Any, detail: Any) -> None:
        where = Location(self.display, mark.line + 1, mark.column + 1)
        if kind == "tag":
            self.problems.append(RulesetProblem(where, f"the YAML tag {detail} is not allowed in {WHAT}", _TAG_HINT))
        elif kind == "key":
            self.problems.append(RulesetProblem(where, "keys must be plain names"))
        elif kind == "value":
            self.problems.append(RulesetProblem(where, f"not valid YAML: {detail}"))
        elif kind == "duplicate":
            self.problems.append(RulesetProblem(where, f"the key {detail!r} appears twice", "keep one of them"))
        else:  # an alias: the loader refuses it while composing already
            self.problems.append(RulesetProblem(where, ALIAS_MESSAGE.format(what=WHAT)))

    def location(self, path: tuple) -> Location:
        """Where the value at ``path`` is (or the closest enclosing value)."""
        return self._location(self._builder.mark(path))

    def key_location(self, path: tuple) -> Location:
        """Where the key of ``path`` is written (else where its value is)."""
        return self._location(self._builder.mark(path, key=True))

    def _location(self, mark: yamlpos.Mark | None) -> Location:
        return Location(self.display, mark.line, mark.column) if mark else Location(self.display)

    def add(self, path: tuple, message: str, hint: str | None = None, location: Location | None = None) -> None:
        """A problem at ``location``, else at the value of ``path``."""
        self.problems.append(RulesetProblem(location if location is not None else self.location(path), message, hint))
