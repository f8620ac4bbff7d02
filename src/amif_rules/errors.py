"""One hierarchy of errors, each carrying everything needed to say what to fix."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs

from . import problemcodes

#: The most characters of a value an error message quotes.
EXCERPT_CHARACTERS = 40


def excerpt(value: Any) -> str:
    """A value as an error quotes it: a bounded excerpt, whatever the value's size.

    An error must never amplify what it refuses (``1e999999`` written out is a million
    digits), nor fail on it (Python refuses to write integers of more than 4,300 digits).
    """
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        digits = _digits(value)
        if digits <= EXCERPT_CHARACTERS:
            return str(value)
        return f"{'-' if value < 0 else ''}a whole number of {digits:,} digits"
    if isinstance(value, Decimal):
        sign, figures, exponent = value.as_tuple()
        if len(figures) > EXCERPT_CHARACTERS and value.is_finite():
            return f"{'-' if sign else ''}a number of {len(figures):,} digits"
        return _cut(str(value))
    if isinstance(value, str):
        return repr(value[:EXCERPT_CHARACTERS]) + ("…" if len(value) > EXCERPT_CHARACTERS else "")
    return _cut(repr(value))


def _digits(number: int) -> int:
    """How many decimal digits ``abs(number)`` has, without writing it out."""
    number = abs(number)
    if number < 10:
        return 1
    estimate = int((number.bit_length() - 1) * 0.30102999566398120)  # log10(2)
    return estimate + 1 + (number >= 10 ** (estimate + 1))


def _cut(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARACTERS else text[:EXCERPT_CHARACTERS] + "…"


class AmifRulesError(Exception):
    """Base class of every error the library raises on purpose."""

    #: What kind of error this is, in one stable word (a service's error body says it as
    #: ``"code"``); each subclass names its own.
    code = "internal"
    #: The exit status of the ``amif-rules`` command that meets this error (click's
    #: ``ClickException.exit_code`` is the model): 70, internal, unless a subclass says the
    #: user can fix it (2). The command line reads it in one place (``cli.exits``).
    exit_status = 70


@attrs.frozen
class Problem:
    """One bad field of a document: its path and what is wrong with it."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(document)'}: {self.message}"


class InputError(AmifRulesError, ValueError):
    """A document has fields that are present but wrong. ``problems`` lists them all."""

    code = "input"
    exit_status = 2

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems), key=lambda p: (p.path, p.message)))
        super().__init__(self._text())

    @property
    def paths(self) -> tuple[str, ...]:
        """The bad field paths, sorted, without repeats."""
        return tuple(sorted({p.path for p in self.problems}))

    def _text(self) -> str:
        count = len(self.problems)
        head = f"{count} bad field{'s' if count != 1 else ''} in the application document:"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])

    def to_dict(self) -> dict:
        return {"error": self.code, "problems": [{"path": p.path, "message": p.message} for p in self.problems]}


@attrs.frozen
class Location:
    """Where in a ruleset file something is (1-based line and column)."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@attrs.frozen
class RulesetProblem:
    """One problem in a ruleset file, with where it is and what to write instead.

    ``code`` is the problem's stable lint code (:mod:`amif_rules.problemcodes`), set where
    the problem is raised so that rewording the message cannot change it. It comes last and
    has a default so that problems made as ``(location, message, hint)`` (tests files'
    problems, which have no lint code) keep working: they are "another problem" (AR199).
    """

    location: Location
    message: str
    hint: str | None = None
    code: str = problemcodes.OTHER

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text


class RulesetError(AmifRulesError):
    """A ruleset file cannot be loaded. ``problems`` lists every problem found."""

    code = "ruleset"
    exit_status = 2  # the user's file; a bundled one that does not load is internal (the command says so)

    def __init__(self, problems: Iterable[RulesetProblem]):
        self.problems: tuple[RulesetProblem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownCall(AmifRulesError, LookupError):
    """No bundled ruleset answers for the requested call code."""

    code = "unknown_call"
    exit_status = 2


class EngineUnavailable(AmifRulesError, RuntimeError):
    """The requested engine cannot run on this interpreter."""

    code = "engine_unavailable"
    exit_status = 2


class EngineError(AmifRulesError, RuntimeError):
    """An engine failed on a compiled ruleset (a bug or an engine limit), never bad input."""

    code = "engine"
    exit_status = 70


class UsageError(AmifRulesError):
    """A command used in a way it cannot be: a path that is not there, an option without the
    option it needs. The message is said as it is."""

    code = "usage"
    exit_status = 2


class UnknownRuleset(AmifRulesError, LookupError):
    """Neither a ruleset file nor a bundled ruleset id or call code."""

    code = "unknown_ruleset"
    exit_status = 2


class TestsFileError(AmifRulesError):
    """A tests file cannot be loaded. ``problems`` lists every problem, each located."""

    __test__ = False  # not a pytest test class, despite its name
    code = "tests_file"
    exit_status = 2

    def __init__(self, problems: Iterable[RulesetProblem]):
        self.problems: tuple[RulesetProblem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class PatchError(AmifRulesError, ValueError):
    """A patch path of a tests file that cannot be applied to the document, with a hint
    (a ``ValueError`` as it always was)."""

    code = "patch"
    exit_status = 2

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
