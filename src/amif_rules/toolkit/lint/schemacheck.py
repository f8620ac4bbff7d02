"""AR002/AR003: a ruleset file's data against the published JSON Schema of ruleset files,
each error said in words policy staff read, at the place it is.
"""

from __future__ import annotations

from ...resources import schema
from .raw import RawFile


def ruleset_schema() -> dict:
    """The JSON Schema (draft 2020-12) of ruleset files, as published in the package."""
    return schema("ruleset.schema.json")


def schema_findings(raw: RawFile | None, name: str) -> list[tuple[str, str, str]]:
    """``(code, message, location)`` for each place the data of ``raw`` does not match the
    schema; AR003 when jsonschema is not installed; nothing when the file is not a mapping."""
    if raw is None or not isinstance(raw.data, dict):
        return []
    try:
        import jsonschema
    except ImportError:
        return [("AR003", "the JSON Schema check was skipped: install jsonschema to run it", name)]
    validator = jsonschema.Draft202012Validator(ruleset_schema())
    found = []
    for error in sorted(validator.iter_errors(raw.data), key=lambda e: [str(p) for p in e.absolute_path]):
        for where, message in _schema_messages(error):
            key = bool(where) and where[-1] in _extra_keys(error)
            found.append(("AR002", message, raw.where(where, key=key)))
    return found


def _extra_keys(error) -> set:
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        return {key for key in error.instance if key not in allowed}
    return set()


def _schema_messages(error) -> list[tuple[tuple, str]]:
    """(where, message) for one JSON Schema error, readable for policy staff."""
    where = tuple(error.absolute_path)
    dotted = _dotted(where)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        extras = sorted(_extra_keys(error))
        if extras:
            return [(where + (key,), f"{dotted + '.' if dotted else ''}{key}: not a key of the schema") for key in extras]
    if error.validator in ("anyOf", "oneOf") and error.context:
        import jsonschema

        best = jsonschema.exceptions.best_match(error.context)
        return [(where, f"{dotted or '(top level)'}: {best.message}")]
    if error.validator == "required":
        return [(where, f"{dotted or '(top level)'}: {error.message}")]
    return [(where, f"{dotted or '(top level)'}: {error.message}")]


def _dotted(where: tuple) -> str:
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
