"""How an impact report writes values and counts (numbers, amounts, shares, the values a rule
read) in a language's own way, and the sentences and lists the text and the HTML page share."""

from __future__ import annotations

import html
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from babel.numbers import format_currency, format_decimal, format_percent

from ...languages import LOCALES, YES_NO
from .model import ImpactResult, ParameterValues, SweepResult
from .words import t


def number(value: Any, lang: str) -> str:
    """A number as the language writes it (``525.935``, ``525,935``)."""
    return format_decimal(value, locale=LOCALES[lang], decimal_quantization=False)


def parameter_value(value: Any, type_name: str, lang: str) -> str:
    """A parameter's (JSON) value as a person reads it."""
    if value is None:
        return "—"
    locale = LOCALES[lang]
    if type_name == "integer" and isinstance(value, int):
        return number(value, lang)
    if type_name in ("decimal", "share", "money"):
        amount = Decimal(str(value))
        if type_name == "share":
            return format_percent(amount, format="#,##0.##%", locale=locale)
        if type_name == "money":
            return format_currency(amount, "EUR", locale=locale)
        return format_decimal(amount, locale=locale, decimal_quantization=False)
    return field_value(value, lang)


def field_value(value: Any, lang: str) -> str:
    """A value of a verdict's ``fields`` (JSON) as a person reads it."""
    if value is None:
        return {"nl": "(ontbreekt)", "fr": "(manquant)", "en": "(missing)"}[lang]
    if isinstance(value, bool):
        return YES_NO[lang][0 if value else 1]
    if isinstance(value, int):
        return number(value, lang)
    if isinstance(value, list):
        return ", ".join(field_value(v, lang) for v in value)
    return str(value)


def fields_text(fields: dict, lang: str) -> str:
    """``path = value; ...``: the values a rule read."""
    return "; ".join(f"{path} = {field_value(value, lang)}" for path, value in fields.items())


def parameters_text(parameters: Sequence[ParameterValues], lang: str) -> str:
    """``name base → draft`` for a changed parameter, ``name = value`` for the others."""
    parts = []
    for p in parameters:
        if p.changed:
            parts.append(f"{p.name} {parameter_value(p.base, p.type, lang)} → {parameter_value(p.draft, p.type, lang)}")
        else:
            parts.append(f"{p.name} = {parameter_value(p.draft, p.type, lang)}")
    return "; ".join(parts)


def applications(n: int, lang: str) -> str:
    """ "1 application" or "N applications", in the language."""
    return f"1 {t('application', lang)}" if n == 1 else f"{number(n, lang)} {t('applications', lang)}"


def changed_sentence(report: ImpactResult, lang: str) -> str:
    """How many applications change outcome, as a sentence."""
    if report.changed == 0:
        return t("no_flips", lang)
    return t("changed_one", lang) if report.changed == 1 else t("changed_line", lang, n=number(report.changed, lang))


def quiet_sentence(report: ImpactResult, lang: str) -> str:
    """How many keep their outcome although a rule's outcome changes, as a sentence."""
    n = report.unchanged_with_rule_changes
    return t("quiet_one", lang) if n == 1 else t("quiet_line", lang, n=number(n, lang))


def signed(n: int, lang: str) -> str:
    """A difference with its sign (``+3``, ``-2``, ``0``)."""
    return ("+" if n > 0 else "") + number(n, lang) if n else "0"


def transition_pairs(transitions: dict[str, int]) -> list[tuple[tuple[str, str], int]]:
    """``{"fail → pass": n}`` as ``[(("fail", "pass"), n)]``."""
    return [(tuple(key.split(" → ", 1)), n) for key, n in transitions.items()]  # type: ignore[misc]


def draft_changes(report: ImpactResult, lang: str) -> list[str]:
    """The parameters and rules the draft changes, one line each."""
    changes = [
        f"{t('parameter', lang)} {p.name}: {parameter_value(p.base, p.type, lang)} → {parameter_value(p.draft, p.type, lang)}"
        for p in report.parameters
    ]
    changes += [f"{t('rule_added', lang)}: {rule}" for rule in report.rules_added]
    changes += [f"{t('rule_removed', lang)}: {rule}" for rule in report.rules_removed]
    changes += [f"{t('rule_modified', lang)}: {rule}" for rule in report.rules_modified]
    return changes


def marker_labels(sweep: SweepResult, lang: str) -> list[tuple[Any, str]]:
    """The values a chart and a table mark: the ruleset's own (draft or current), and the base's."""
    own = t("draft", lang) if sweep.ruleset.status == "draft" else t("current", lang)
    markers = [(sweep.current, own)]
    if sweep.base_value is not None and sweep.base_value != sweep.current:
        markers.append((sweep.base_value, t("base", lang)))
    return markers


def escape(value: Any) -> str:
    """Text as HTML and SVG write it (quotes too)."""
    return html.escape(str(value), quote=True)
