"""The ``amif-rules`` command (contract §3): one module per command, one parser, one exit
handling.

- ``check`` (``check.py``), ``interview`` (``interview.py``), ``calls`` (``calls.py``), and
  the toolkit's ``test``, ``lint``, ``impact`` and ``portfolio`` (``test.py``, ``lint.py``,
  ``impact.py``);
- ``parser.py``: what every command's parser shares (dates, ``--lang``, ``--engine``, ...);
- ``exits.py``: the exit statuses and the one place that turns an error into one line on
  standard error and an exit status. No traceback ever reaches the terminal.

The command modules import the toolkit (the tests runner, the linter, the impact report)
only when their command runs, so that building the parser, and ``amif-rules check``, start
without it: the command line's cold start matters to a portal that runs it per document.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import __version__
from . import calls, check, exits, impact, interview, lint, serve, test, workbench
from .check import EXIT_CODES
from .parser import Parser

__all__ = ["EXIT_CODES", "EXIT_INTERNAL", "EXIT_USAGE", "COMMANDS", "build_parser", "main", "run"]

EXIT_USAGE = exits.USAGE
EXIT_INTERNAL = exits.INTERNAL

#: Every sub-command, in the order ``amif-rules --help`` lists them.
COMMANDS = (
    check.COMMAND,
    interview.COMMAND,
    test.COMMAND,
    lint.COMMAND,
    impact.IMPACT,
    impact.PORTFOLIO,
    calls.COMMAND,
    serve.COMMAND,
    workbench.COMMAND,
)
_BY_NAME = {command.name: command for command in COMMANDS}


def build_parser() -> argparse.ArgumentParser:
    """The ``amif-rules`` parser with every sub-command."""
    parser = Parser(
        prog="amif-rules",
        description="Check applications for AMIF project calls in Belgium against the call's rules, with explained verdicts.",
    )
    parser.add_argument("--version", action="version", version=f"amif-rules {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``amif-rules`` with ``argv`` (default: the process's arguments); the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command = _BY_NAME.get(args.command)
    if command is None:
        parser.print_help(sys.stderr)
        return exits.USAGE
    return exits.run(command, args)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
