"""One exit handling for every command: the exit statuses, and the one place that turns an
error into one line on standard error and an exit status. No traceback ever.

An error the library raises on purpose carries its exit status
(:attr:`amif_rules.errors.AmifRulesError.exit_status`, as click's ``ClickException``
carries ``exit_code``): 2 for what the user can fix (a bad document, an unknown call, a
ruleset file that does not load, a command used wrongly), 70 for what they cannot. Each
command says which other errors are the user's (a ``ValueError`` from a bad option value,
say); anything else is an internal error: one line asking to report it, exit 70 (the last
line of defence, :func:`amif_rules.guard.guarded`, also maps Ctrl-C to 130 and a closed pipe
to 0).

=====  =====================================================================================
0      done: eligible, no lint error, every case passed, the report made
1      ineligible, a lint error, a failed case
2      an input or usage error (the message names what to fix)
3      incomplete
70     an internal error
130    interrupted (Ctrl-C)
=====  =====================================================================================
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

import attrs

from ..errors import AmifRulesError, RulesetError, UsageError
from ..guard import guarded

OK = 0
FAILED = 1
USAGE = 2
INCOMPLETE = 3
INTERNAL = 70


def say(message: str) -> None:
    """One line (or a few, for a located problem list) on standard error, as every command speaks."""
    print(f"amif-rules: {message}", file=sys.stderr)


@attrs.frozen
class Command:
    """A sub-command of ``amif-rules``: how it is added to the parser, what it does, and how
    its errors are told.

    ``execute(args)`` returns the exit status or raises. ``reported``: the errors that are
    the user's here, said in one line with the error's own ``exit_status`` (else 2): by
    default the library's own errors and a ``ValueError`` (a bad option value).
    :class:`UsageError` always is; any other error is internal.
    ``where`` and ``report_with`` complete the internal error's line ("internal error in
    lint ...; please report it with the ruleset that caused it").
    """

    name: str
    add_parser: Callable[[Any], Any]
    execute: Callable[[argparse.Namespace], int]
    reported: tuple[type[BaseException], ...] = (AmifRulesError, ValueError)
    where: str = ""
    report_with: str = ""


def bundled_ruleset_error(error: RulesetError) -> AmifRulesError:
    """A ruleset file that does not load is the user's error (2) when the user named it; a
    bundled one is no fault of theirs: an internal error (70), said as such."""
    return AmifRulesError(f"a bundled ruleset cannot be loaded:\n{error}")


def exit_status(error: BaseException) -> int:
    """The exit status of an error a command reports: its own, else a usage error's."""
    return getattr(error, "exit_status", USAGE)


def describe(error: BaseException) -> str:
    """What is said of an error a command reports: a file's error names the file."""
    if isinstance(error, OSError) and getattr(error, "filename", None):
        return f"{error.strerror or error}: {error.filename}"
    return str(error)


def run(command: Command, args: argparse.Namespace) -> int:
    """Run ``command``; its exit status, whatever happens (never raises, never a traceback)."""
    reported: tuple[type[BaseException], ...] = (UsageError, *command.reported)

    def attempt() -> int:
        try:
            return command.execute(args)
        except reported as error:
            say(describe(error))
            return exit_status(error)

    return guarded(attempt, INTERNAL, where=command.where, report_with=command.report_with)
