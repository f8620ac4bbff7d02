"""``amif-rules impact`` and ``amif-rules portfolio``::

    amif-rules impact BASE DRAFT PORTFOLIO [--format text|json|html] [--output FILE]
                      [--sweep PARAM=FROM..TO:STEP] [--png FILE] [--lang nl|fr|en]
                      [--engine auto|durable|python] [--on DATE]
    amif-rules portfolio [--date 2019-01-01] [--output FILE]

Exit status: 0 when the report was made (also when some documents had bad input: they are
counted and listed in the report), 2 for a usage or input error (a ruleset that does not
load, an unknown ruleset, a portfolio that cannot be read or holds no document, a bad
``--sweep``, a file that cannot be written), 70 for an internal error. Never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import AmifRulesError, RulesetError, UsageError
from . import exits
from .parser import Parser, add_engine, add_format, add_lang, add_on, date

#: The portfolio's default register date, ``toolkit.portfolio.SAMPLE_DATE`` (written out here
#: because the toolkit is imported when a command runs, so that ``amif-rules check`` starts
#: without it; a test holds the two equal).
SAMPLE_DATE = dt.date(2019, 1, 1)
COMMANDS = ("impact", "portfolio")
EXIT_USAGE = exits.USAGE
EXIT_INTERNAL = exits.INTERNAL


def add_impact_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``impact`` to the ``amif-rules`` sub-commands."""
    parser = subparsers.add_parser(
        "impact",
        help="what a draft ruleset changes for a portfolio of applications",
        description="Evaluate every application of PORTFOLIO under BASE and under DRAFT and report which "
        "applications change outcome, because of which rules, with the values involved. Exit status: 0 when "
        "the report is made, 2 for a usage or input error.",
    )
    parser.add_argument(
        "base", metavar="BASE", help="the published ruleset: a ruleset file, a bundled ruleset id (call-42) or a call code (42)"
    )
    parser.add_argument(
        "draft", metavar="DRAFT", help="the draft: a ruleset file (rulesets/drafts/...yaml) or a bundled ruleset id"
    )
    parser.add_argument(
        "portfolio",
        metavar="PORTFOLIO",
        help="a folder of JSON/YAML applications, a JSON Lines "
        "file (.jsonl: one application per line), or - for JSON Lines on standard input",
    )
    add_format(parser, ("text", "json", "html"), help="text (default), json, or a self-contained html page")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE (default: standard output)")
    parser.add_argument(
        "--sweep",
        metavar="PARAM=FROM..TO:STEP",
        help="also count the outcomes for each value of one numeric parameter of the draft, e.g. "
        "lead_min_population=50000..200000:10000 (a chart in the html report)",
    )
    parser.add_argument("--png", metavar="FILE", help="with --sweep: write the sweep chart as a PNG image")
    add_lang(parser, help="language of the report (default nl)")
    add_engine(parser)
    add_on(parser, help="evaluate as of this date (default: each application's submission date)")
    return parser


def add_portfolio_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``portfolio`` to the ``amif-rules`` sub-commands."""
    parser = subparsers.add_parser(
        "portfolio",
        help="write the sample portfolio: one call-42 application per Belgian OCMW",
        description="Write the bundled sample portfolio (examples/portfolios/call-42-all-ocmws.jsonl) from the "
        "municipality register: one hypothetical call-42 application from the OCMW of every municipality, "
        "every field set to pass but the population, which comes from the register.",
    )
    parser.add_argument(
        "--date",
        type=date,
        default=SAMPLE_DATE,
        metavar="DATE",
        help=f"the register date whose municipalities to take (default {SAMPLE_DATE.isoformat()})",
    )
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE (default: standard output)")
    return parser


def add_parser(subparsers: Any) -> None:
    """Add ``impact`` and ``portfolio`` to the ``amif-rules`` sub-commands."""
    add_impact_parser(subparsers)
    add_portfolio_parser(subparsers)


def execute_impact(args: argparse.Namespace) -> int:
    """Run ``impact``: its exit status, or an error for :mod:`~amif_rules.cli.exits` to tell."""
    try:
        return _impact(args)
    except RulesetError as error:  # every ruleset here is one the user named
        raise UsageError(f"the ruleset cannot be loaded:\n{error}") from None


def _impact(args: argparse.Namespace) -> int:
    # The impact machinery is imported when the command runs: ``amif-rules check`` starts without it.
    from ..batch import Progress
    from ..catalog import resolve_ruleset
    from ..toolkit import impact as impact_module

    if args.png and not args.sweep:
        raise UsageError("--png draws the chart of a sweep: give --sweep PARAM=FROM..TO:STEP too")
    base = resolve_ruleset(args.base)
    draft = resolve_ruleset(args.draft)
    sweep = None
    if args.sweep:
        name, spec = impact_module.parse_sweep(args.sweep)
        parameter = draft.parameters.get(name)
        if parameter is None:
            known = ", ".join(sorted(draft.parameters)) or "none"
            raise UsageError(f"--sweep: the draft {draft.id} has no parameter {name!r}; its parameters: {known}")
        if parameter.type_name not in impact_module.NUMERIC_TYPES:
            raise UsageError(f"--sweep: parameter {name} is of type {parameter.type_name}; a sweep varies a number")
        sweep = (name, impact_module.sweep_values(spec, parameter.type_name))
    if args.portfolio != "-" and not Path(args.portfolio).exists():
        raise UsageError(f"no portfolio {args.portfolio!r}: give a folder of applications, a JSON Lines file, or -")
    report = impact_module.impact(
        base, draft, args.portfolio, lang=args.lang, engine=args.engine, progress=Progress(sys.stderr), on=args.on, sweep=sweep
    )
    if report.documents == 0:
        raise UsageError(f"no applications found in {args.portfolio}")
    if args.format == "json":
        text = report.to_json() + "\n"
    elif args.format == "html":
        text = report.to_html()
    else:
        text = report.to_text() + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        exits.say(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    if args.png:
        assert isinstance(report.sweep, impact_module.Sweep)  # impact() reports a sweep as a Sweep
        Path(args.png).write_bytes(report.sweep.to_png(args.lang))
        exits.say(f"wrote {args.png}")
    return exits.OK


def execute_portfolio(args: argparse.Namespace) -> int:
    """Run ``portfolio``: its exit status, or an error for :mod:`~amif_rules.cli.exits` to tell."""
    from ..toolkit.portfolio import write_portfolio

    buffer = io.StringIO()
    count = write_portfolio(buffer, args.date)
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(buffer.getvalue(), encoding="utf-8")
        exits.say(f"wrote {count} applications to {args.output}")
    else:
        sys.stdout.write(buffer.getvalue())
    return exits.OK


#: A file the user named that cannot be read or written is theirs to fix, said with its name.
_REPORTED = (AmifRulesError, ValueError, OSError)
IMPACT = exits.Command("impact", add_impact_parser, execute_impact, reported=_REPORTED)
PORTFOLIO = exits.Command("portfolio", add_portfolio_parser, execute_portfolio, reported=_REPORTED)


def run(args: argparse.Namespace) -> int:
    """Run ``impact`` or ``portfolio``; returns the exit status (never raises)."""
    command = {"impact": IMPACT, "portfolio": PORTFOLIO}.get(args.command)
    if command is None:
        exits.say(f"unknown command {args.command!r}; this module runs: {', '.join(COMMANDS)}")
        return exits.USAGE
    return exits.run(command, args)


def build_parser() -> argparse.ArgumentParser:
    """A stand-alone parser with just these commands (for tests and ``python -m``)."""
    parser = Parser(prog="amif-rules")
    add_parser(parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser().parse_args(argv))
