"""The pieces every command's parser shares: the parser class, dates, ``--lang``, ``--engine``
and ``--format``, so that the same option reads, checks and explains itself the same way in
every command."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from ..engines import ENGINE_NAMES
from ..includes import INCLUDES, include_names
from ..languages import DEFAULT_LANGUAGE, LANGUAGES
from .exits import USAGE

#: The help of ``--engine`` where it picks one engine (``test`` also has ``both``).
ENGINE_HELP = "durable (durable-rules), python (built-in) or auto (durable where available)"


class Parser(argparse.ArgumentParser):
    """argparse's parser, whose own errors (an unknown option, a bad choice) are usage errors."""

    def error(self, message: str) -> NoReturn:  # argparse's own errors: usage, exit 2
        self.print_usage(sys.stderr)
        self.exit(USAGE, f"{self.prog}: error: {message}\n")


def date(text: str) -> dt.date:
    """An option's date (``--on 2019-09-02``); argparse names the option when it is not one."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date such as 2019-09-02, got {text!r}") from None


def add_lang(parser: argparse.ArgumentParser, help: str | None = None) -> None:
    """``--lang nl|fr|en`` (default nl)."""
    parser.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help=help)


def add_engine(parser: argparse.ArgumentParser, choices: Sequence[str] = ENGINE_NAMES, help: str = ENGINE_HELP) -> None:
    """``--engine`` (default auto)."""
    parser.add_argument("--engine", choices=choices, default="auto", help=help)


def add_format(parser: argparse.ArgumentParser, choices: Sequence[str] = ("text", "json"), help: str | None = None) -> None:
    """``--format`` (default text)."""
    parser.add_argument("--format", choices=choices, default="text", help=help)


def includes(text: str) -> tuple[str, ...]:
    """``--include questions,remedies``: the names, checked (argparse names the option)."""
    try:
        return include_names(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix("include: ")) from None


def add_include(parser: argparse.ArgumentParser) -> None:
    """``--include questions,remedies`` (contract §5; default nothing)."""
    parser.add_argument(
        "--include",
        type=includes,
        default=(),
        metavar="NAMES",
        help=f"add to the verdict, names joined by commas: {', '.join(INCLUDES)} (what to ask next, what would help)",
    )


def add_on(parser: argparse.ArgumentParser, help: str) -> None:
    """``--on DATE``: evaluate as of a date."""
    parser.add_argument("--on", type=date, metavar="DATE", help=help)


def standalone(add_parser: Any, command: str, argv: Sequence[str] | None) -> argparse.Namespace:
    """The arguments of one command run on its own (``python -m amif_rules.toolkit.test_cli``
    and the like): a parser with just that command, the command word put in front."""
    parser = Parser(prog="amif-rules")
    add_parser(parser.add_subparsers(dest="command", metavar="COMMAND"))
    return parser.parse_args([command, *(sys.argv[1:] if argv is None else argv)])
