"""The published application schema, asked about documents of any size.

The kit says what the schema refuses by asking the schema (``MalformedCase.schema_refuses``,
``assert_schema_accepts``, ``assert_valid_application``), never by a list of its own that
drifts from the file. jsonschema writes the values it refuses into its messages, and Python
will not write an integer of more than 4,300 digits: :func:`schema_view` shows such an
integer to the schema as one of the same sign far beyond every bound, so the answer is the
same and asking never fails.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from ..documents import has_surrogates
from ..resources import schema
from ..verdict import verdict_schema

__all__ = ["application_schema", "json_values", "schema_refuses", "schema_view"]


def application_schema() -> dict:
    """The JSON Schema of the application document (contract §1 and the extension fields),
    as published in the package (``amif_rules/schemas/application.schema.json``)."""
    return schema("application.schema.json")


@cache
def validator(name: str):
    import jsonschema

    schema = verdict_schema() if name == "verdict" else application_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def schema_refuses(document: Any) -> bool:
    """Whether the published application schema refuses ``document``, asked of the schema
    itself (so that ``MalformedCase.schema_refuses`` is right by construction). False for
    what is not a mapping of JSON values: the schema judges JSON, not text or Python objects."""
    if not isinstance(document, dict) or not json_values(document):
        return False
    return not validator("application").is_valid(schema_view(document))


#: Integers longer than this many bits are shown to the schema as ±2**_HUGE_BITS: jsonschema
#: writes the values it refuses into its messages, and Python will not write more than
#: 4,300 digits. Every bound of the schema is far below, so its answer is the same.
_HUGE_BITS = 12_000


def schema_view(value: Any) -> Any:
    """``value`` as the schema may be asked about it (see :data:`_HUGE_BITS`)."""
    if not _has_huge(value):
        return value

    def copy(item: Any) -> Any:
        if isinstance(item, dict):
            return {key: copy(child) for key, child in item.items()}
        if isinstance(item, list):
            return [copy(child) for child in item]
        if isinstance(item, int) and not isinstance(item, bool) and item.bit_length() > _HUGE_BITS:
            return 2**_HUGE_BITS if item > 0 else -(2**_HUGE_BITS)
        return item

    return copy(value)


def _has_huge(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, int) and item.bit_length() > _HUGE_BITS:
            return True
    return False


def json_values(value: Any) -> bool:
    """Whether ``value`` is made of JSON values only: mappings with text keys, lists, valid
    Unicode text, booleans, null, integers of any length and finite floats (no Decimal)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if not all(isinstance(key, str) and _unicode(key) for key in item):
                return False
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            if not _unicode(item):
                return False
        elif isinstance(item, float):
            if not math.isfinite(item):
                return False
        elif not (item is None or isinstance(item, (bool, int))):
            return False
    return True


def _unicode(text: str) -> bool:
    return not has_surrogates(text)
