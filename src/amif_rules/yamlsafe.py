"""The one YAML dialect the library reads: YAML 1.2's JSON schema, safe, without aliases.

Application documents, ruleset files and tests files are all read with a loader made here:
- ``yaml.SafeLoader`` underneath (no tags that build Python objects, no code);
- YAML 1.2's JSON schema for plain scalars: only what JSON has is typed (``null`` or an
  empty value, ``true``, ``false``, JSON's integers and numbers); everything else is text.
  Rulesets and tests files, which people write, also read ``~`` as null (the core schema);
  YAML 1.1's guesses (``on``/``yes`` as true, ``50:00`` as 3000 in base 60, ``0x12`` as
  18, ``1_000``, ``.inf``, dates) do not happen: a YAML document and its JSON twin are read
  the same (:mod:`numbertext` reads the numbers of both);
- only the tags of those values, of text, lists and mappings: the other tags of YAML's
  own (``!!binary``, ``!!set``, ``!!timestamp``…) build nothing (a :class:`Tagged` marker
  that the document reader names by its path), any other tag refuses the whole text;
- no aliases (``*name``): a few nested aliases expand a small file into billions of values.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml

from .numbertext import read_decimal, read_integer

_TAG = "tag:yaml.org,2002:"
NULL, BOOL, INT, FLOAT, STR, SEQ, MAP = (_TAG + name for name in ("null", "bool", "int", "float", "str", "seq", "map"))

#: YAML 1.2 JSON schema (section 10.2), with the core schema's empty value as null; files
#: of the toolkit (rulesets, tests files) also take the core schema's ``~``.
_NULL = re.compile(r"(?:null|)\Z")
_NULL_OR_TILDE = re.compile(r"(?:null|~|)\Z")
_BOOL = re.compile(r"(?:true|false)\Z")
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?\Z")

#: first character -> [(tag, pattern)], as PyYAML's resolver looks them up.
RESOLVERS: dict = {"": [(NULL, _NULL)], "n": [(NULL, _NULL)], "t": [(BOOL, _BOOL)], "f": [(BOOL, _BOOL)]}
for _first in "-0123456789":
    RESOLVERS[_first] = [(INT, _INT), (FLOAT, _FLOAT)]

#: The tags a value may have (implicitly, or written out as ``!!str`` and the like).
PLAIN_TAGS = frozenset({NULL, BOOL, INT, FLOAT, STR})
COLLECTION_TAGS = {yaml.MappingNode: MAP, yaml.SequenceNode: SEQ}


def _scalar(loader: yaml.SafeLoader, node: yaml.Node, pattern: re.Pattern[str], what: str) -> str:
    value = loader.construct_scalar(node)  # type: ignore[arg-type]
    if not isinstance(value, str) or not pattern.match(value):
        raise yaml.constructor.ConstructorError(None, None, f"{value!r:.40} is not {what} as JSON writes it", node.start_mark)
    return value


def _null(loader, node):
    _scalar(loader, node, _NULL_OR_TILDE, "null")


def _bool(loader, node):
    return _scalar(loader, node, _BOOL, "true or false") == "true"


def _int(loader, node):
    return read_integer(_scalar(loader, node, _INT, "an integer"))


def _float(loader, node):
    return read_decimal(_scalar(loader, node, _FLOAT, "a number"))


def _str(loader, node):
    value = loader.construct_scalar(node)
    if any("\ud800" <= char <= "\udfff" for char in value):
        # "\ud83d\ude00" is one character in JSON: a pair of escapes joins as JSON joins it, so
        # that JSON text read as YAML is read as JSON (a lone half stays, for the reader to refuse).
        value = re.sub(
            "[\ud800-\udbff][\udc00-\udfff]",
            lambda pair: pair.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le"),
            value,
        )
    return value


def _refused(loader, node):
    raise yaml.constructor.ConstructorError(
        None,
        None,
        f"the YAML tag {node.tag} is not allowed; write the value as JSON would (text, a number, true, false or null)",
        node.start_mark,
    )


class Tagged:
    """A value YAML's own tags would build but JSON has not (``!!binary``, ``!!set``,
    ``!!timestamp``, ``!!omap``, ``!!pairs``): never built, kept as its tag, so that the
    document reader names the field it stands in."""

    __slots__ = ("tag",)

    def __init__(self, tag: str):
        self.tag = tag

    def __repr__(self) -> str:
        return "a YAML " + self.tag.replace(_TAG, "!!") + " value"


def _tagged(loader, node):
    return Tagged(node.tag)


_CONSTRUCTORS: dict[str | None, Callable[[yaml.SafeLoader, yaml.Node], object]] = {
    NULL: _null,
    BOOL: _bool,
    INT: _int,
    FLOAT: _float,
    STR: _str,
    SEQ: yaml.SafeLoader.construct_yaml_seq,
    MAP: yaml.SafeLoader.construct_yaml_map,
    None: _refused,
    **{_TAG + name: _tagged for name in ("binary", "set", "timestamp", "omap", "pairs")},
}


def _json_schema(loader_class: type[yaml.SafeLoader], tilde: bool) -> None:
    """Give ``loader_class`` the JSON schema's resolvers and constructors (and nothing else)."""
    loader_class.yaml_implicit_resolvers = {first: list(pairs) for first, pairs in RESOLVERS.items()}
    if tilde:
        loader_class.yaml_implicit_resolvers["~"] = [(NULL, _NULL_OR_TILDE)]
    loader_class.yaml_constructors = dict(_CONSTRUCTORS)
    loader_class.yaml_path_resolvers = {}


def strict_loader(what: str, tilde: bool = True) -> type[yaml.SafeLoader]:
    """A SafeLoader subclass for ``what`` ("an application document", "a ruleset").

    ``tilde``: whether ``~`` is null, as YAML 1.2's core schema reads it (rulesets and tests
    files, written by people); application documents keep to JSON's scalars (``tilde=False``).
    """

    class StrictLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):  # noqa: D102 - see the module docstring
            if self.check_event(yaml.events.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(None, None, ALIAS_MESSAGE.format(what=what), event.start_mark)
            return super().compose_node(parent, index)

    _json_schema(StrictLoader, tilde)
    StrictLoader.__name__ = StrictLoader.__qualname__ = "StrictLoader"
    return StrictLoader


def fast_composer() -> type:
    """A safe loader for composing node trees, on libyaml's C parser where it is installed.

    It cannot refuse aliases while composing (the C composer shares the anchored node
    instead); callers that walk the tree refuse a node met twice (see ``yamlpos.Builder``).
    """
    base = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

    class FastLoader(base):  # type: ignore[valid-type, misc]
        pass

    _json_schema(FastLoader, tilde=True)
    return FastLoader


ALIAS_MESSAGE = "aliases (*name) are not allowed in {what}; write the value out"
