"""A ruleset's parameters: merged along its ``extends`` chain, typed, with their values
checked against their type, and dated values put in order and resolved for a date.

A later file of the chain overrides an earlier one key by key; a parameter declared without a
value is :data:`~amif_rules.rulesetmodel.UNSET` (the rules that read it are left out).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from . import exprfunctions, schema
from .errors import excerpt
from .problemcodes import BAD_PARAMETER, NO_SOURCE
from .rulesetmodel import NAME, PARAMETER_TYPES, UNSET, Dated, Parameter, YamlPath, resolve
from .rulesetyaml import Places, Raw
from .yamlpos import KEY

_PARAMETER_KEYS = ("value", "values", "type", "source", "description")
_DATED_KEYS = ("value", "from", "until", "source")
#: Parameters are thresholds and amounts: anything this large is a typing slip.
_MAX_PARAMETER_NUMBER = 10**15


def merged_parameters(chain: list[Raw], on: dt.date | None) -> tuple[dict[str, Parameter], dict[str, Dated]]:
    """Parameters of the whole chain (the most basic file first), dated ones resolved for
    ``on``; and the dated values of each parameter that has them."""
    specs: dict[str, tuple[Raw, dict[str, Any]]] = {}
    for raw in chain:
        places = raw.places
        data = raw.data.get("parameters") or {}
        if not isinstance(data, dict):
            places.problem(("parameters",), BAD_PARAMETER, "parameters: must be a mapping of name: {value: ..., source: ...}")
            continue
        for name, spec in data.items():
            if not isinstance(spec, dict):
                places.problem(
                    ("parameters", name),
                    BAD_PARAMETER,
                    f"parameter {name!r} needs a value: and a source:",
                    f'write {name}: {{value: ..., source: "file, heading"}}',
                )
                continue
            if name in specs:
                merged = dict(specs[name][1])
                if "value" in spec or "values" in spec:
                    merged.pop("value", None)
                    merged.pop("values", None)
                merged.update(spec)
                spec = merged
            specs[name] = (raw, spec)
    result: dict[str, Parameter] = {}
    dated: dict[str, Dated] = {}
    for name, (raw, spec) in specs.items():
        parameter = _parameter(raw.places, name, spec, ("parameters", name), on)
        if parameter is not None:
            result[name] = parameter
            if parameter.dated:
                dated[name] = parameter.dated
    return result, dated


def _parameter(places: Places, name: str, spec: dict[str, Any], path: YamlPath, on: dt.date | None) -> Parameter | None:
    if not NAME.fullmatch(name):
        places.problem(path + (KEY,), BAD_PARAMETER, f"parameter names are lower_case_with_underscores, got {name!r}")
        return None
    if name in ("item", "true", "false") or name in schema.ROOT_HEADS or name in exprfunctions.FUNCTIONS:
        places.problem(path + (KEY,), BAD_PARAMETER, f"{name!r} is already a name of the rule language", "choose another name")
        return None
    places.unknown_keys(spec, _PARAMETER_KEYS, path)
    source = places.string(spec.get("source"), path + ("source",), "source")
    if not source:
        places.problem(path, NO_SOURCE, f"parameter {name!r} has no source", 'add source: "<file>, <heading>: \\"quote\\""')
    if "value" in spec and "values" in spec:
        places.problem(path, BAD_PARAMETER, f"parameter {name!r} has both value: and values:", "keep one")
        return None
    if "value" in spec:
        sample = spec["value"]
    elif isinstance(spec.get("values"), list) and spec["values"] and isinstance(spec["values"][0], dict):
        sample = spec["values"][0].get("value")
    else:
        sample = None
    type_name = spec.get("type") or (_infer_type(sample) if sample is not None else None)
    if type_name is not None and not isinstance(type_name, str):
        places.problem(path + ("type",), BAD_PARAMETER, f"type must be one of {', '.join(PARAMETER_TYPES)}, got {type_name!r}")
        return None
    if type_name is None:
        places.problem(
            path,
            BAD_PARAMETER,
            f"parameter {name!r} has no value and no type",
            "a parameter left for an extending ruleset to set needs type: (integer, share, money, ...)",
        )
        return None
    if type_name not in PARAMETER_TYPES:
        places.problem(
            path + ("type",), BAD_PARAMETER, f"unknown parameter type {type_name!r}", "types: " + ", ".join(PARAMETER_TYPES)
        )
        return None
    description = places.localized(spec.get("description"), path + ("description",), "description")
    if "values" in spec:
        dated = _dated_values(places, spec["values"], type_name, path + ("values",))
        if dated is None:
            return None
        value = resolve(dated, on)
        return Parameter(name, value, type_name, source or "", description, dated)
    if "value" not in spec or spec["value"] is None:
        return Parameter(name, UNSET, type_name, source or "", description)
    value = _parameter_value(places, spec["value"], type_name, path + ("value",))
    if value is None:
        return None
    return Parameter(name, value, type_name, source or "", description)


def _dated_values(places: Places, data: Any, type_name: str, path: YamlPath) -> Dated | None:
    """``values: [{value, from, until}, ...]``: periods in order, not overlapping."""
    if not isinstance(data, list) or not data:
        places.problem(path, BAD_PARAMETER, "values: is a list of {value: ..., from: DATE, until: DATE}")
        return None
    periods = []
    for index, entry in enumerate(data):
        entry_path = path + (index,)
        if not isinstance(entry, dict) or "value" not in entry:
            places.problem(entry_path, BAD_PARAMETER, "each dated value is {value: ..., from: DATE, until: DATE}")
            return None
        places.unknown_keys(entry, _DATED_KEYS, entry_path)
        value = _parameter_value(places, entry["value"], type_name, entry_path + ("value",))
        start = places.date(entry.get("from"), entry_path + ("from",), "from")
        end = places.date(entry.get("until"), entry_path + ("until",), "until")
        if value is None:
            return None
        if start and end and end < start:
            places.problem(entry_path + ("until",), BAD_PARAMETER, "until is before from")
            return None
        periods.append((start, end, value))
    for (_, e1, _), (s2, _, _) in zip(periods, periods[1:]):
        if s2 is None or e1 is None or s2 <= e1:
            places.problem(
                path,
                BAD_PARAMETER,
                "dated values must be in order and must not overlap",
                "give each value from: and until: dates, each period after the previous one",
            )
            return None
    return tuple(periods)


def _parameter_value(places: Places, value: Any, type_name: str, path: YamlPath) -> Any:
    """``value`` as a value of ``type_name``; None (and a problem) when it is not one."""
    bad = f"a {type_name} parameter cannot have the value {excerpt(value)}"

    def refuse(hint: str | None = None, message: str = bad) -> None:
        places.problem(path, BAD_PARAMETER, message, hint)

    if type_name == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return refuse("write a whole number without quotes, e.g. 150000")
        return value
    if type_name in ("decimal", "share", "money"):
        if isinstance(value, bool):
            return refuse()
        try:
            number = Decimal(repr(value) if isinstance(value, float) else str(value))
        except InvalidOperation:
            return refuse('write a number as text, e.g. "0.75" or "1320069.53"')
        if not number.is_finite() or abs(number) >= _MAX_PARAMETER_NUMBER:
            return refuse(f"numbers are below {_MAX_PARAMETER_NUMBER:,}")
        if type_name == "money" and number != number.quantize(Decimal("0.01")):
            return refuse(message=f"an amount has at most 2 decimals, got {excerpt(value)}")
        return number
    if type_name == "text":
        return value if isinstance(value, str) else refuse()
    if type_name == "texts":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return refuse("write a list of texts, e.g. [legal, applicant]")
        return tuple(value)
    if type_name == "bool":
        return value if isinstance(value, bool) else refuse("write true or false")
    if type_name == "date":
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return refuse("write a date such as 2019-09-02")
    if type_name == "instant":
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            return refuse('write a date-time with its offset, e.g. "2019-09-02T23:59:00+02:00"')
        return moment
    raise AssertionError(type_name)  # pragma: no cover


def _infer_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, (float, Decimal)):
        return "decimal"
    if isinstance(value, list):
        return "texts"
    if isinstance(value, str):
        try:
            Decimal(value)
            return "decimal"
        except InvalidOperation:
            return "text"
    return "text"
