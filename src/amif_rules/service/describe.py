"""A ruleset as the service describes it (``GET /v1/rulesets/{id}``): its rules with their
conditions, sources and messages, its parameters with their values and sources, its
validity, version and digest. Plain JSON values only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ..exprtext import render
from ..languages import LANGUAGES
from ..ruleset import UNRESOLVED, UNSET, Localized, Ruleset


def _localized(text: Localized | None) -> dict[str, str] | None:
    return None if text is None else {lang: getattr(text, lang) for lang in LANGUAGES}


def json_value(value: Any) -> Any:
    """A parameter's value as JSON (decimals as text, dates in ISO form, None when unset)."""
    if value is UNSET or value is UNRESOLVED:
        return None
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [json_value(v) for v in value]
    return value


def describe(ruleset: Ruleset) -> dict[str, Any]:
    """Everything a portal or an auditor may want to read of one ruleset."""
    return {
        "id": ruleset.id,
        "version": ruleset.version,
        "digest": f"sha256:{ruleset.digest}",
        "call": ruleset.call,
        "status": "base" if ruleset.abstract else ruleset.status,
        "title": _localized(ruleset.title),
        "description": _localized(ruleset.description),
        "source": ruleset.source,
        "valid_from": ruleset.valid_from.isoformat() if ruleset.valid_from else None,
        "valid_until": ruleset.valid_until.isoformat() if ruleset.valid_until else None,
        "extends": list(ruleset.extends),
        "parameters": {
            name: {
                "type": parameter.type_name,
                "value": json_value(parameter.value),
                "dated": [
                    {"from": json_value(start), "until": json_value(end), "value": json_value(value)}
                    for start, end, value in parameter.dated
                ],
                "source": parameter.source,
                "description": _localized(parameter.description),
            }
            for name, parameter in ruleset.parameters.items()
        },
        "rules": [
            {
                "id": rule.id,
                "title": _localized(rule.title),
                "severity": rule.severity,
                "for_each": rule.for_each,
                "when": render(rule.when) if rule.when is not None else None,
                "check": render(rule.check),
                "source": rule.source,
                "messages": {
                    outcome: {lang: template.text for lang, template in templates.items()}
                    for outcome, templates in rule.messages.by_outcome.items()
                },
            }
            for rule in ruleset.rules
        ],
        "inactive": [{"id": rule_id, "why": why} for rule_id, why in ruleset.inactive],
    }
