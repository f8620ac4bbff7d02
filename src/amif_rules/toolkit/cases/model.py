"""The loaded form of a tests file: the ruleset it tests, its cases, and what each case
expects. Plain values, made by the reader (``reader``) and read by the runner (``running``);
nothing here knows YAML or engines."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import attrs

from ...engines import TEST_ENGINE_CHOICES
from ...errors import Location
from ...ruleset import OUTCOMES, Ruleset

#: The name every tests file ends with.
SUFFIX = ".tests.yaml"
VERDICT_OUTCOMES = ("eligible", "ineligible", "incomplete")
RULE_OUTCOMES = OUTCOMES  # pass, fail, unknown, not_applicable
#: ``both`` runs the built-in engine and durable-rules and requires identical verdicts.
ENGINE_CHOICES = TEST_ENGINE_CHOICES
MARKS = {True: "✔", False: "✘"}
#: A list element as a case names it (``partners[1]``): the reader checks it, the runner
#: names the list when the verdict has no result for it.
ITEM = re.compile(r"^(?P<list>[a-z_]+)\[(?P<index>[0-9]+)\]$")


@attrs.frozen
class RuleExpectation:
    """``rules: {rule-id: outcome}`` or ``rule-id[partners[1]]: outcome``; optionally a
    ``message`` the rule's message must contain."""

    rule: str
    item: str | None
    outcome: str
    message: str | None
    location: Location

    @property
    def label(self) -> str:
        return f"{self.rule}[{self.item}]" if self.item else self.rule


@attrs.frozen(eq=False)
class Case:
    """One case: an application and what its verdict must say."""

    __test__ = False

    name: str
    location: Location
    document: dict = attrs.field(repr=False)
    outcome: str
    rules: tuple[RuleExpectation, ...] = ()
    missing: tuple[str, ...] | None = None
    on: dt.date | None = None
    lang: str = "nl"
    description: str | None = None
    #: Where the application came from: "inline", "example NAME" or "file PATH", with a patch or not.
    origin: str = "inline"


@attrs.frozen(eq=False)
class TestsFile:
    """A loaded tests file: the ruleset it tests and its cases."""

    __test__ = False

    path: Path
    display: str
    ruleset: Ruleset = attrs.field(repr=False)
    ruleset_path: Path
    cases: tuple[Case, ...]
    description: str | None = None

    def case(self, name: str) -> Case:
        for case in self.cases:
            if case.name == name:
                return case
        raise KeyError(name)
