"""Sweeps: a ruleset with one numeric parameter set to each of a series of values
(``lead_min_population=50000..200000:10000``), exactly, never through a float."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from ...catalog import resolve_ruleset
from ...ruleset import Ruleset, parse_ruleset
from ...yamlsafe import strict_loader
from .evaluate import Side
from .model import MAX_SWEEP_POINTS, NUMERIC_TYPES, RulesetLike


def numeric_value(text: str | int | Decimal, type_name: str, name: str = "the value") -> int | Decimal:
    """A sweep value for a parameter of ``type_name`` (exact: never through a float)."""
    try:
        value = Decimal(str(text).strip().replace("_", ""))
    except InvalidOperation:
        raise ValueError(f"{name}: expected a number such as 100000 or 0.7, got {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"{name}: expected a finite number, got {text!r}")
    if type_name == "integer":
        if value != value.to_integral_value():
            raise ValueError(f"{name}: the parameter is a whole number, got {text}")
        return int(value)
    if type_name == "money" and value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{name}: an amount in euro has at most two decimals, got {text}")
    return value


def with_parameter(ruleset: RulesetLike, name: str, value: Any) -> Ruleset:
    """``ruleset`` with parameter ``name`` set to ``value`` (in memory; no file is written).

    The ruleset's own file is read again with the value replaced (or, for an inherited
    parameter, overridden, as a draft would), so that ``extends`` resolves exactly as for
    the ruleset itself. The version becomes ``<version>+<name>=<value>``.
    """
    ruleset = resolve_ruleset(ruleset)
    parameter = ruleset.parameters.get(name)
    if parameter is None:
        known = ", ".join(sorted(ruleset.parameters)) or "none"
        raise ValueError(f"ruleset {ruleset.id} has no parameter {name!r}; its parameters: {known}")
    if parameter.type_name not in NUMERIC_TYPES:
        raise ValueError(
            f"parameter {name} is of type {parameter.type_name}; a sweep varies a number ({', '.join(NUMERIC_TYPES)})"
        )
    value = numeric_value(value, parameter.type_name, name)
    data = yaml.load(ruleset.text, Loader=strict_loader("a ruleset"))  # noqa: S506 - a safe loader
    parameters = data.get("parameters") or {}
    spec = dict(parameters.get(name) or {})  # empty for an inherited parameter: merged key by key
    spec.pop("values", None)
    spec["value"] = value if isinstance(value, int) else format(value, "f")
    spec["type"] = parameter.type_name
    parameters[name] = spec
    data["parameters"] = parameters
    data["version"] = f"{ruleset.version}+{name}={spec['value']}"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    return parse_ruleset(text, ruleset.origin, on=ruleset.on)


def sweep_values(spec: str, type_name: str = "decimal") -> list:
    """``FROM..TO:STEP`` → the values FROM, FROM+STEP, ... up to TO (included when reached)."""
    try:
        bounds, step_text = spec.rsplit(":", 1)
        start_text, end_text = bounds.split("..", 1)
    except ValueError:
        raise ValueError(
            f"a sweep is written PARAM=FROM..TO:STEP, such as lead_min_population=50000..200000:10000; got {spec!r}"
        ) from None
    start = numeric_value(start_text, type_name, "FROM")
    end = numeric_value(end_text, type_name, "TO")
    step = numeric_value(step_text, type_name, "STEP")
    if step <= 0:
        raise ValueError(f"STEP must be more than 0, got {step_text}")
    if end < start:
        raise ValueError(f"TO ({end_text}) is less than FROM ({start_text})")
    count = int((Decimal(end) - Decimal(start)) / Decimal(step)) + 1
    if count > MAX_SWEEP_POINTS:
        raise ValueError(f"{count:,} values; a sweep has at most {MAX_SWEEP_POINTS} (take a larger STEP)")
    return [start + step * index for index in range(count)]


def parse_sweep(text: str) -> tuple[str, str]:
    """``PARAM=FROM..TO:STEP`` → (PARAM, FROM..TO:STEP)."""
    name, sep, spec = text.partition("=")
    if not sep or not name.strip():
        raise ValueError(f"a sweep is written PARAM=FROM..TO:STEP, such as lead_min_population=50000..200000:10000; got {text!r}")
    return name.strip(), spec.strip()


def sweep_sides(
    ruleset: Ruleset, parameter: str, values: Sequence[Any], engine: str, on: dt.date | None
) -> tuple[list[Side], list[Any], str]:
    """One evaluated ruleset per value of ``parameter``: (the sides, the typed values, the type)."""
    if parameter not in ruleset.parameters:
        known = ", ".join(sorted(ruleset.parameters)) or "none"
        raise ValueError(f"ruleset {ruleset.id} has no parameter {parameter!r}; its parameters: {known}")
    type_name = ruleset.parameters[parameter].type_name
    if type_name not in NUMERIC_TYPES:
        raise ValueError(f"parameter {parameter} is of type {type_name}; a sweep varies a number ({', '.join(NUMERIC_TYPES)})")
    typed = [numeric_value(value, type_name, parameter) for value in values]
    if not typed:
        raise ValueError("a sweep needs at least one value")
    if len(typed) > MAX_SWEEP_POINTS:
        raise ValueError(f"{len(typed):,} values; a sweep has at most {MAX_SWEEP_POINTS}")
    return [Side(with_parameter(ruleset, parameter, value), engine, on) for value in typed], typed, type_name
