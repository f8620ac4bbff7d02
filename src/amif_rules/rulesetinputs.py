"""A ruleset's ``inputs:``: for each field of the application document, the question to ask
a person for it, a short label, and whether the applicant controls it (contract §5).

Entries are keyed by the field's *input path*: a root field as rules read it
(``budget.amif``), a field of list elements with ``[]`` (``participants[].residence``), or a
whole list (``results``). They merge along the ``extends`` chain key by key, as rules do: the
bundled base ``application-inputs`` gives every field's question, a call overrides what it
words differently. A question or label may leave a language out: the linter reports it
(AR206), and a verdict then asks in words made from the path.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from . import expr, schema
from .errors import Location
from .languages import LANGUAGES
from .messages import Template, parse_template
from .problemcodes import BAD_PLACEHOLDER, BAD_VALUE, UNKNOWN_FIELD, UNKNOWN_KEY
from .rulesetmodel import Parameter
from .rulesetyaml import Places, Raw
from .suggestions import closest
from .yamlpos import KEY

_INPUT_KEYS = ("label", "question", "applicant_controls")
#: ``participants[3].residence`` → ``participants[].residence``.
_INDEX = re.compile(r"\[\d+\]")


@attrs.frozen
class Input:
    """What a ruleset says of one input: its question and label per language (either may
    lack a language), and whether the applicant controls it (default: no)."""

    path: str
    scope: str | None
    question: dict[str, Template]
    label: dict[str, Template]
    applicant_controls: bool
    location: Location


def input_path(document_path: str) -> str:
    """The input path of a document path: list indexes written ``[]``."""
    return _INDEX.sub("[]", document_path)


def scope_of(path: str) -> tuple[str | None, str]:
    """(the list, the field in its elements) of an input path; (None, path) at the root."""
    head, sep, rest = path.partition("[].")
    return (head, rest) if sep else (None, path)


def known_path(path: str) -> bool:
    """Whether ``path`` names a field of the application document (contract §1)."""
    scope, field = scope_of(path)
    if scope is None:
        return field in schema.ROOT_FIELDS
    return schema.scope_field(scope, field) is not None


def input_paths() -> list[str]:
    """Every input path of the application document, root fields first."""
    paths = list(schema.ROOT_FIELDS)
    for scope, fields in schema.SCOPE_FIELDS.items():
        paths.extend(f"{scope}[].{field}" for field in fields)
    return paths


def merged_inputs(chain: list[Raw], parameters: dict[str, Parameter], definitions: dict[str, str]) -> dict[str, Input]:
    """The ``inputs:`` of a ruleset's whole chain, the most basic file first; problems go to
    each file's :class:`Places`."""
    specs: dict[str, dict[str, tuple[Any, Places, tuple]]] = {}
    for raw in chain:
        places = raw.places
        data = raw.data.get("inputs")
        if data is None:
            continue
        if not isinstance(data, dict):
            places.problem(("inputs",), BAD_VALUE, "inputs: is a mapping of field path: {question: ..., label: ...}")
            continue
        for path, spec in data.items():
            where = ("inputs", path)
            if not isinstance(path, str) or not known_path(path):
                close = closest(str(path), input_paths())
                places.problem(
                    where + (KEY,),
                    UNKNOWN_FIELD,
                    f"{path!r} is not a field of the application document",
                    f"did you mean {close!r}?" if close else "write a path such as budget.amif or participants[].residence",
                )
                continue
            if not isinstance(spec, dict):
                places.problem(where, BAD_VALUE, f"inputs.{path} is a mapping with question:, label: and applicant_controls:")
                continue
            merged = specs.setdefault(path, {})
            for key, value in spec.items():
                if key not in _INPUT_KEYS:
                    close = closest(str(key), _INPUT_KEYS)
                    places.problem(
                        where + (key, KEY),
                        UNKNOWN_KEY,
                        f"unknown key {key!r}",
                        f"did you mean {close!r}?" if close else "allowed keys: " + ", ".join(_INPUT_KEYS),
                    )
                    continue
                merged[key] = (value, places, where + (key,))
    params = {name: p.node for name, p in parameters.items()}
    inputs: dict[str, Input] = {}
    for path, merged in specs.items():
        scope, _ = scope_of(path)
        context = expr.Scope(params, scope, definitions=definitions)
        controls = False
        if "applicant_controls" in merged:
            value, places, where = merged["applicant_controls"]
            if isinstance(value, bool):
                controls = value
            else:
                places.problem(where, BAD_VALUE, f"applicant_controls is true or false, got {value!r}")
        location = None
        texts: dict[str, dict[str, Template]] = {}
        for key in ("question", "label"):
            texts[key] = {}
            if key not in merged:
                continue
            value, places, where = merged[key]
            location = location or places.location(where)
            texts[key] = _templates(value, places, where, context, f"the {key} of {path}")
        if location is None:
            first = next(iter(merged.values()), None)
            location = first[1].location(first[2][:2]) if first else Location("<ruleset>")
        inputs[path] = Input(path, scope, texts["question"], texts["label"], controls, location)
    return inputs


def _templates(value: Any, places: Places, where: tuple, context: expr.Scope, what: str) -> dict[str, Template]:
    """A question or label: a text per language (any may be missing), each a message template."""
    if not isinstance(value, dict):
        places.problem(where, BAD_VALUE, f"{what} gives a text per language", 'write {nl: "...", fr: "...", en: "..."}')
        return {}
    places.unknown_keys(value, LANGUAGES, where)
    result: dict[str, Template] = {}
    for lang in LANGUAGES:
        text = value.get(lang)
        if text is None:
            continue
        if not isinstance(text, str) or not text.strip():
            places.problem(where + (lang,), BAD_VALUE, f"{what} in {lang} must be a text")
            continue
        try:
            result[lang] = parse_template(text, context)
        except expr.ExpressionError as error:
            places.problem(where + (lang,), error.code or BAD_PLACEHOLDER, f"in {what} ({lang}): {error.message}", error.hint)
    return result
