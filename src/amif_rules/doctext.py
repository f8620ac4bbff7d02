"""Application documents as text: JSON and YAML → plain values, the same for both.

JSON with exact decimals, no NaN/Infinity (kept as :class:`NonFinite` for the reader to
name), no duplicate keys, numbers of any length (:mod:`numbertext`); YAML with YAML 1.2's
JSON schema (:mod:`yamlsafe`) and the same rules. Every failure is an :class:`InputError`.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from . import limits
from .errors import InputError, Problem, excerpt
from .numbertext import read_decimal, read_integer
from .yamlsafe import strict_loader


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


class NonFinite(str):
    """``NaN``, ``Infinity`` or ``-Infinity`` read from JSON text: kept so that the reader
    can name the field it stands in, never used as a number."""


def _non_finite(name: str) -> Any:
    return NonFinite(name)


def parse_json(text: str | bytes) -> Any:
    """JSON → Python, with exact decimals, no NaN/Infinity and no duplicate keys."""
    text = _decoded(text)
    try:
        return json.loads(
            text, parse_float=read_decimal, parse_int=read_integer, parse_constant=_non_finite, object_pairs_hook=_no_duplicates
        )
    except _DuplicateKey as error:
        raise InputError([Problem("", f"the key {excerpt(error.key)} appears twice in one object")]) from None
    except RecursionError:
        raise InputError([Problem("", f"nested too deeply (at most {limits.MAX_NESTING} levels)")]) from None
    except ValueError as error:
        raise InputError([Problem("", f"not valid JSON: {error}")]) from None


_DocumentLoader = strict_loader("an application document", tilde=False)


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    # No flatten_mapping: YAML 1.2 has no merge keys ("<<" is a key like any other).
    result: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"object keys must be text, got {excerpt(key)}", key_node.start_mark
            )
        if key in result:
            raise yaml.constructor.ConstructorError(None, None, f"the key {excerpt(key)} appears twice", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_DocumentLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(text: str | bytes) -> Any:
    """YAML → Python: YAML 1.2's JSON schema (see :mod:`yamlsafe`), safe loading only, no
    duplicate keys; numbers read as JSON's are (exact decimals)."""
    text = _decoded(text)
    try:
        return yaml.load(text, Loader=_DocumentLoader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise InputError([Problem("", f"nested too deeply (at most {limits.MAX_NESTING} levels)")]) from None
    except yaml.YAMLError as error:
        raise InputError([Problem("", f"not valid YAML: {' '.join(str(error).split())}")]) from None


def parse_text(text: str | bytes) -> Any:
    """JSON when it looks like JSON (starts with ``{``), YAML otherwise."""
    stripped = text.lstrip()
    if stripped[:1] in ("{", b"{"):
        return parse_json(text)
    return parse_yaml(text)


def _decoded(text: str | bytes) -> str:
    """The document's text, UTF-8 decoded, within the size bound."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputError([Problem("", f"not valid UTF-8 (byte {error.start})")]) from None
    _check_size(text)
    return text


def _check_size(text: str) -> None:
    if len(text) > limits.MAX_DOCUMENT_BYTES:
        raise InputError([Problem("", f"document too large: {len(text):,} characters (at most {limits.MAX_DOCUMENT_BYTES:,})")])
