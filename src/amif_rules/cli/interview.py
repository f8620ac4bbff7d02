"""``amif-rules interview CALL [DOCUMENT]``: the command and its arguments. The dialogue itself
(:mod:`.dialogue`: the questions asked one at a time, the answers read, the document written)
is imported only when the command runs, so that building the parser stays quick.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import AmifRulesError
from . import exits
from .parser import add_lang


def add_parser(commands: Any) -> argparse.ArgumentParser:
    """Add ``interview`` to the ``amif-rules`` sub-commands."""
    parser = commands.add_parser(
        "interview",
        help="ask what an application lacks, one question at a time, and write the completed document",
        description="Ask, one at a time and decisive questions first, what the verdict still needs; stop as soon as "
        "the outcome is decided, and write the document. Enter alone skips a question, ? explains it, Ctrl-D stops "
        "and saves, Ctrl-C aborts without saving. Exit status: 0 eligible, 1 ineligible, 3 still incomplete, "
        "2 input or usage error.",
    )
    parser.add_argument("call", metavar="CALL", help="call code, as in check --call (e.g. 42)")
    parser.add_argument(
        "document",
        metavar="DOCUMENT",
        nargs="?",
        help="start from this application document (JSON or YAML); its call must be CALL (filled in when absent)",
    )
    add_lang(parser, help="language of the questions and the dialogue (default nl)")
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write the document to FILE (default application-CALL.json); an existing file gets -2, -3... "
        "added to the name unless --force",
    )
    parser.add_argument("--force", action="store_true", help="overwrite the output file when it exists")
    return parser


def execute(args: argparse.Namespace) -> int:
    """Run ``interview``: its exit status, or an error for :mod:`~amif_rules.cli.exits` to tell."""
    from . import dialogue  # the dialogue and its answers' reader: loaded when the command runs

    return dialogue.execute(args)


COMMAND = exits.Command(
    "interview", add_parser, execute, reported=(AmifRulesError, ValueError, OSError), report_with="the answers that caused it"
)


def run(args: argparse.Namespace) -> int:
    """``interview`` with parsed arguments; its exit status (never raises)."""
    return exits.run(COMMAND, args)
