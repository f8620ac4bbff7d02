"""What a loaded ruleset is made of: texts in three languages, parameters, rules and their
messages; and what every reader of them needs to know (the value a dated parameter takes on a
date, the parameters a rule reads).

The reader (:mod:`amif_rules.rulesetreader`) makes these parts; :mod:`amif_rules.ruleset`
gathers them into a :class:`~amif_rules.ruleset.Ruleset` and re-exports them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import attrs

from . import expr
from .errors import Location
from .messages import Template
from .schema import BOOL, DATE, DECIMAL, INSTANT, INT, MONEY, TEXT, TEXTS, FieldType

OUTCOMES = ("pass", "fail", "unknown", "not_applicable")
SEVERITIES = ("error", "warning")
STATUSES = ("published", "draft")
#: A ruleset or rule id: lower-case words joined by ``-``.
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: A parameter or definition name: lower_case_with_underscores.
NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

#: Where in a ruleset file a value is: its keys and list indices from the top (``yamlpos.KEY``
#: last for the key itself).
YamlPath = tuple[str | int, ...]
#: A parameter's dated values: ((from, until, value), ...), in order.
Dated = tuple[tuple[dt.date | None, dt.date | None, Any], ...]

#: How parameter ``type:`` names map to expression types; ``share`` is a decimal shown as %.
PARAMETER_TYPES = {
    "integer": FieldType(INT),
    "decimal": FieldType(DECIMAL),
    "share": FieldType(DECIMAL),
    "money": FieldType(MONEY),
    "text": FieldType(TEXT),
    "texts": FieldType(TEXTS),
    "bool": FieldType(BOOL),
    "date": FieldType(DATE),
    "instant": FieldType(INSTANT),
}


@attrs.frozen
class Localized:
    """A text in Dutch, French and English."""

    nl: str
    fr: str
    en: str

    def get(self, lang: str) -> str:
        text: str = getattr(self, lang)
        return text


class _Marker:
    """A parameter value that is not a value (see :data:`UNSET`, :data:`UNRESOLVED`)."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: A parameter declared without a value (a base leaves it to the rulesets that extend it):
#: the rules that read it are left out (``Ruleset.inactive``).
UNSET = _Marker("UNSET")
#: A parameter with dated values, read without a date: rules that read it are unknown.
UNRESOLVED = expr.UNRESOLVED


@attrs.frozen
class Parameter:
    name: str
    value: Any  # the value, UNSET, or UNRESOLVED
    type_name: str  # one of PARAMETER_TYPES
    source: str
    description: Localized | None = None
    #: Dated values: ((from, until, value), ...), in order; empty for a plain value.
    dated: Dated = ()

    @property
    def node(self) -> expr.Param:
        return expr.Param(self.name, self.value, PARAMETER_TYPES[self.type_name])


def resolve(dated: Dated, on: dt.date | None) -> Any:
    """The value in force on ``on``; UNRESOLVED without a date when the values differ.

    Before the first period, the first value; after a period (in a gap, or after the last),
    the value of the latest period that began before the date (a period with no
    ``from``/``until`` is open on that side).
    """
    if on is None:
        values = {repr(value) for _, _, value in dated}
        return dated[0][2] if len(values) == 1 else UNRESOLVED
    previous = dated[0][2]
    for start, end, value in dated:
        if start is not None and on < start:
            return previous
        if end is None or on <= end:
            return value
        previous = value
    return previous


@attrs.frozen
class Messages:
    by_outcome: dict[str, dict[str, Template]]  # outcome -> lang -> template

    def template(self, outcome: str, lang: str) -> Template | None:
        return self.by_outcome.get(outcome, {}).get(lang)


@attrs.frozen
class Rule:
    id: str
    title: Localized | None
    for_each: str | None
    when: expr.Node | None
    check: expr.Node
    severity: str
    source: str
    messages: Messages
    location: Location
    #: Every field the rule's conditions read, in reading order (made once, for verdicts).
    reads: tuple[expr.Path, ...] = ()
    #: Whether a condition reads a dated parameter that has no value yet.
    unresolved: bool = False


def parameters_read(rule: Rule, messages: bool = True) -> set[str]:
    """The parameters a rule reads: in its condition and check, and (with ``messages``) in
    its messages' placeholders. A rule that reads a parameter without a value is inactive;
    an impact report lists the parameters that can change an outcome (``messages=False``)."""
    names: set[str] = set()
    nodes = [rule.check] + ([rule.when] if rule.when is not None else [])
    for outcome_templates in rule.messages.by_outcome.values() if messages else ():
        for template in outcome_templates.values():
            nodes.extend(p.node for p in template.placeholders if p.node is not None)
    for node in nodes:
        names.update(expr.parameters(node))
    return names
