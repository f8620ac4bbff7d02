"""Ruleset files: YAML → :class:`Ruleset`, with every problem located by file, line, column.

Ruleset files are data: they are read with a safe YAML loader (no tags, no code), bounded
in size, and their expressions are parsed by :mod:`amif_rules.expr` (no ``eval``). A
loading error names where the problem is and what to write instead; all problems of a file
are reported at once, each with its lint code.

This module is the public face: :class:`Ruleset`, :func:`load_ruleset`, :func:`parse_ruleset`,
and the parts of a ruleset (:mod:`amif_rules.rulesetmodel`). Reading lives in
:mod:`amif_rules.rulesetreader` (the ``extends`` chain, merging, rules, messages),
:mod:`amif_rules.rulesetparams` (parameters) and :mod:`amif_rules.rulesetyaml` (the file,
with the place of every value).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal  # noqa: F401 - read here by tests (amif_rules.ruleset.Decimal)
from pathlib import Path as FilePath

import attrs

from .dates import REFERENCE_YEAR
from .errors import Location, RulesetError, RulesetProblem
from .languages import LANGUAGES
from .problemcodes import BAD_VALUE
from .rulesetinputs import Input, input_path
from .rulesetmodel import (
    OUTCOMES,
    PARAMETER_TYPES,
    SEVERITIES,
    STATUSES,
    UNRESOLVED,
    UNSET,
    Dated,
    Localized,
    Messages,
    Parameter,
    Rule,
    parameters_read,
    resolve,
)
from .rulesetreader import MAX_EXTENDS_DEPTH, find_parent, read_ruleset

__all__ = [
    "LANGUAGES",
    "Input",
    "MAX_EXTENDS_DEPTH",
    "OUTCOMES",
    "PARAMETER_TYPES",
    "REFERENCE_YEAR",
    "SEVERITIES",
    "STATUSES",
    "UNRESOLVED",
    "UNSET",
    "Localized",
    "Messages",
    "Parameter",
    "Rule",
    "Ruleset",
    "find_parent",
    "input_path",
    "load_ruleset",
    "parameters_read",
    "parse_ruleset",
    "resolution_key",
]


@attrs.frozen
class Ruleset:
    """A loaded, checked ruleset. ``digest`` identifies its exact content."""

    id: str
    version: str
    call: str | None
    title: Localized
    source: str
    status: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    #: Which figures of the municipality register the rules read: a 1 January the register
    #: holds, or REFERENCE_YEAR (1 January of the reference date's year).
    register_date: dt.date | str | None
    parameters: dict[str, Parameter]
    rules: tuple[Rule, ...]
    file: str
    digest: str
    description: Localized | None = None
    #: The ids of the rulesets this one extends, the most basic first.
    extends: tuple[str, ...] = ()
    #: A base for other rulesets, not a call (it has no call code).
    abstract: bool = False
    #: Rules left out, with why (a parameter the text of this call gives no value for).
    inactive: tuple[tuple[str, str], ...] = ()
    #: What the ruleset says of each input: question, label, applicant control (by input path).
    inputs: Mapping[str, Input] = attrs.field(factory=dict, eq=False)
    #: Parameters with dated values: name -> ((from, until, value), ...).
    dated: dict[str, Dated] = attrs.field(factory=dict)
    #: The date dated parameters were resolved for (None: not resolved).
    on: dt.date | None = None
    #: Where the file was read from and its text, to resolve it again for another date.
    origin: str = attrs.field(default="<ruleset>", repr=False, eq=False)
    text: str = attrs.field(default="", repr=False, eq=False)

    def resolved(self, on: dt.date | None) -> Ruleset:
        """This ruleset with its dated parameters resolved for ``on``."""
        if resolution_key(self, on) == resolution_key(self, self.on):
            return self
        return parse_ruleset(self.text, self.origin, on=on)

    def valid_on(self, day: dt.date) -> bool:
        """Whether ``day`` falls within ``valid_from``..``valid_until`` (open ends allowed)."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_until is None or day <= self.valid_until)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def resolution_key(ruleset: Ruleset, on: dt.date | None) -> tuple[tuple[str, str], ...]:
    """Which dated value each dated parameter takes on ``on`` (equal keys: equal rulesets)."""
    return tuple((name, repr(resolve(periods, on))) for name, periods in sorted(ruleset.dated.items()))


def load_ruleset(path: str | FilePath, on: dt.date | None = None) -> Ruleset:
    """Load and check one ruleset file; raises :class:`RulesetError` listing every problem.

    ``on`` picks the value of parameters that have dated values (``values:``); without it,
    a parameter whose value depends on the date is unresolved, and the rules that read it
    are unknown until the date is known.
    """
    file = FilePath(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise RulesetError(
            [RulesetProblem(Location(str(file)), f"cannot read the ruleset file: {error.strerror}", code=BAD_VALUE)]
        ) from None
    return parse_ruleset(data, str(file), on=on)


def parse_ruleset(data: str | bytes, file: str = "<ruleset>", on: dt.date | None = None) -> Ruleset:
    """Load a ruleset from its YAML text; ``file`` names it in messages (and locates the
    rulesets it ``extends``: beside it, then among the bundled rulesets)."""
    return Ruleset(**read_ruleset(data, file, on))
