"""YAML with positions: plain values built from a composed node tree, with the line and column
of every value and every key, so that a reader can say *where* a problem is.

One builder for the three readers that need places: rulesets (``ruleset``), ruleset tests
files (``toolkit.cases``) and the linter's raw view of a ruleset file (``toolkit.lint``).
Each reader decides what a problem is called in its own words through ``on_problem``; the
walk, the marks and the rules (no aliases, no tags but the JSON schema's, keys are text, a
key appears once) are the same. Imports nothing from the package but the YAML dialect.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import yaml

from .yamlsafe import COLLECTION_TAGS, PLAIN_TAGS

#: The kinds of problem the builder reports (``on_problem(kind, path, mark, detail)``):
#: ``alias`` (a node used twice), ``tag`` (a tag outside YAML 1.2's JSON schema; detail: the
#: tag), ``key`` (a key that is not a plain scalar or not text), ``duplicate`` (detail: the key),
#: ``value`` (a scalar its tag cannot read, ``!!int abc``; detail: what the reader said).
PROBLEM_KINDS = ("alias", "tag", "key", "duplicate", "value")

#: The mark of a key is kept under the key's path plus this part.
KEY = "<key>"


@attrs.frozen
class Mark:
    """Where a node starts: 1-based line and column; its scalar style (None for plain, ``'``,
    ``"``, ``|``, ``>``) and the 0-based index of the first line after it."""

    line: int
    column: int
    style: str | None = None
    end_line: int = 0


def node_mark(node: yaml.Node) -> Mark:
    return Mark(
        node.start_mark.line + 1,
        node.start_mark.column + 1,
        getattr(node, "style", None),
        node.end_mark.line + (0 if node.end_mark.column == 0 else 1),
    )


def start_mark(mark: Any) -> Mark:
    """A PyYAML mark (0-based) as a :class:`Mark`."""
    return Mark(mark.line + 1, mark.column + 1)


ProblemSink = Callable[[str, tuple, Any, Any], None]


class Builder:
    """Composed YAML → plain values, with :attr:`marks` by path (keys under ``path + (KEY,)``).

    ``loader``: the loader class whose constructors make scalars (see ``yamlsafe``).
    ``keys``: ``"construct"`` reads a key as YAML reads it (it must be text), ``"text"`` takes
    the key as written. ``strict``: report aliases and tags and refuse their values (None);
    a lenient builder (the linter's raw view) never reports and reads what it can.
    ``on_problem(kind, path, yaml_mark, detail)``: called for each problem when strict.
    """

    def __init__(self, loader: type, on_problem: ProblemSink | None = None, *, keys: str = "construct", strict: bool = True):
        self.loader = loader("")
        self.on_problem = on_problem
        self.keys = keys
        self.strict = strict
        self.marks: dict[tuple, Mark] = {}
        self._visited: set[int] = set()

    def build(self, node: yaml.Node, path: tuple = ()) -> Any:
        mark = node.start_mark
        if self.strict and isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            if id(node) in self._visited:  # an alias: the composer shared the anchored node
                self._report("alias", path, mark, None)
                return None
            self._visited.add(id(node))
        self.marks[path] = node_mark(node)
        expected = COLLECTION_TAGS.get(type(node))
        if self.strict and expected is not None and node.tag != expected:
            self._report("tag", path, mark, node.tag)
            return None
        if isinstance(node, yaml.MappingNode):
            result: dict = {}
            for key_node, value_node in node.value:
                key = self._key(key_node)
                if key is None:
                    self._report("key", path, key_node.start_mark, None)
                    continue
                if key in result:
                    if self.strict:
                        self._report("duplicate", path + (key,), key_node.start_mark, key)
                        continue
                    self.marks[path + (key, KEY)] = start_mark(key_node.start_mark)
                    continue
                self.marks[path + (key, KEY)] = start_mark(key_node.start_mark)
                result[key] = self.build(value_node, path + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, path + (index,)) for index, child in enumerate(node.value)]
        if self.strict:
            if node.tag not in PLAIN_TAGS:
                self._report("tag", path, mark, node.tag)
                return None
            try:
                return self.loader.construct_object(node)
            except yaml.YAMLError as error:
                self._report("value", path, mark, _said(error))
                return None
        try:
            return self.loader.construct_object(node)
        except yaml.YAMLError:
            return None

    def _key(self, key_node: yaml.Node) -> str | None:
        if not isinstance(key_node, yaml.ScalarNode):
            return None if self.strict else ""
        if self.keys == "text":
            return key_node.value
        try:
            key = self.loader.construct_object(key_node)
        except yaml.YAMLError:
            key = None  # strict: reported as a key that is not text
        if isinstance(key, str):
            return key
        if self.strict:
            return None
        return "" if key is None else str(key)

    def _report(self, kind: str, path: tuple, mark: Any, detail: Any) -> None:
        if self.strict and self.on_problem is not None:
            self.on_problem(kind, path, mark, detail)

    def mark(self, path: tuple, key: bool = False) -> Mark | None:
        """The mark of the value at ``path`` (of its key, with ``key``), or of the closest
        enclosing value that has one."""
        if key and path + (KEY,) in self.marks:
            return self.marks[path + (KEY,)]
        probe = path
        while probe not in self.marks and probe:
            probe = probe[:-1]
        return self.marks.get(probe)


def _said(error: yaml.YAMLError) -> str:
    """What PyYAML said of a value, without its own "in <unicode string>" place (ours is better)."""
    problem = getattr(error, "problem", None)
    return str(problem) if problem else str(error).split("\n", 1)[0]
