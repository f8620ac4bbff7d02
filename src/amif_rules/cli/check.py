"""``amif-rules check``: one application and its explained verdict, or many as JSON Lines
(contract §3).

Exit status of one document: 0 eligible, 1 ineligible, 3 incomplete, 2 input or usage error
(the message on standard error names every bad field path). Several documents at once
(paths, a folder, a glob, ``--jsonl``) stream one JSON line per document (see ``batch.py``);
the exit status is then 0, or 2 when any document had bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .. import batch
from ..api import check
from ..documents import parse_json, parse_text, parse_yaml
from ..errors import InputError, Problem, RulesetError, UsageError
from ..ruleset import Ruleset, load_ruleset
from . import exits
from .parser import add_engine, add_format, add_include, add_lang, add_on

#: The exit status of each verdict.
EXIT_CODES = {"eligible": exits.OK, "ineligible": exits.FAILED, "incomplete": exits.INCOMPLETE}


def add_parser(commands: Any) -> argparse.ArgumentParser:
    """Add ``check`` to the ``amif-rules`` sub-commands."""
    parser = commands.add_parser(
        "check",
        help="check one application document and explain the verdict",
        description="Check one application (JSON or YAML; - for standard input). "
        "Exit status: 0 eligible, 1 ineligible, 3 incomplete, 2 input or usage error.",
    )
    parser.add_argument(
        "application",
        metavar="APPLICATION",
        nargs="+",
        help="path of a JSON or YAML document, or - for standard input; several paths, a folder "
        "or a glob pattern check many documents and print one JSON verdict per line",
    )
    parser.add_argument("--call", help='call code (default: the document\'s "call")')
    add_lang(parser, help="language of the messages (default nl)")
    add_format(parser, help="text (default) or the JSON verdict")
    add_engine(parser)
    add_on(parser, help="evaluate as of this date (default: the submission date)")
    add_include(parser)
    parser.add_argument(
        "--jsonl", action="store_true", help="the input is JSON Lines (one document per line; - for standard input)"
    )
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="check a batch in N processes (default 1)")
    parser.add_argument(
        "--ruleset", metavar="FILE", help="evaluate this ruleset file (a draft, say) instead of the bundled one for the call"
    )
    return parser


def execute(args: argparse.Namespace) -> int:
    """Run ``check``: its exit status, or an error for :mod:`~amif_rules.cli.exits` to tell."""
    try:
        if batch.is_batch(args.application, args.jsonl):
            return _check_batch(args)
        return _check_one(args)
    except RulesetError as error:  # the user's --ruleset was loaded first: this one is bundled
        raise exits.bundled_ruleset_error(error) from None


def _check_one(args: argparse.Namespace) -> int:
    ruleset = _user_ruleset(args.ruleset)
    document = read_document(args.application[0])
    verdict = check(
        document, call=args.call, lang=args.lang, engine=args.engine, on=args.on, ruleset=ruleset, include=args.include
    )
    if args.format == "json":
        sys.stdout.write(verdict.to_json() + "\n")
    else:
        sys.stdout.write(verdict.to_text() + "\n")
    return EXIT_CODES[verdict.outcome]


def _check_batch(args: argparse.Namespace) -> int:
    """Many documents: one JSON line each on standard output; progress on a terminal."""
    if args.jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    options = batch.Options(
        call=args.call, lang=args.lang, engine=args.engine, on=args.on, ruleset_path=args.ruleset, include=args.include
    )
    _user_ruleset(args.ruleset)  # a broken ruleset is one error, not one per document
    items = batch.sources(args.application, args.jsonl, sys.stdin.buffer)
    count, errors = batch.run(items, options, sys.stdout, jobs=args.jobs, progress=batch.Progress(sys.stderr))
    if count == 0:
        raise UsageError("no documents found in " + ", ".join(args.application))
    return exits.USAGE if errors else exits.OK


def read_document(name: str) -> Any:
    """The document in file ``name`` (``-``: standard input), JSON or YAML by its suffix."""
    if name == "-":
        data = sys.stdin.buffer.read()
        return parse_text(data)
    path = Path(name)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError([Problem("", f"cannot read {name}: {error.strerror}")]) from None
    suffix = path.suffix.lower()
    if suffix == ".json":
        return parse_json(data)
    if suffix in (".yaml", ".yml"):
        return parse_yaml(data)
    return parse_text(data)


def _user_ruleset(path: str | None) -> Ruleset | None:
    """The ruleset file given with --ruleset: its problems are the user's input errors (exit 2)."""
    if path is None:
        return None
    try:
        return load_ruleset(path)
    except RulesetError as error:
        raise UsageError(f"the ruleset {path} cannot be loaded:\n{error}") from None


COMMAND = exits.Command("check", add_parser, execute, report_with="the document that caused it")


def run(args: argparse.Namespace) -> int:
    """``check`` with parsed arguments; its exit status (never raises)."""
    return exits.run(COMMAND, args)
