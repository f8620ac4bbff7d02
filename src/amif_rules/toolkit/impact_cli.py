"""The ``impact`` and ``portfolio`` commands of ``amif-rules``.

``cli.py`` registers them with :func:`add_parser` and hands ``args`` to :func:`run` when
``args.command`` is ``impact`` or ``portfolio``::

    amif-rules impact BASE DRAFT PORTFOLIO [--format text|json|html] [--output FILE]
                      [--sweep PARAM=FROM..TO:STEP] [--png FILE] [--lang nl|fr|en]
                      [--engine auto|durable|python] [--on DATE]
    amif-rules portfolio [--date 2019-01-01] [--output FILE]

Exit status: 0 when the report was made (also when some documents had bad input: they are
counted and listed in the report), 2 for a usage or input error (a ruleset that does not
load, an unknown ruleset, a portfolio that cannot be read or holds no document, a bad
``--sweep``), 70 for an internal error. Never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from pathlib import Path
from typing import Any, Optional, Sequence

from ..engines import ENGINE_NAMES
from ..guard import guarded
from ..errors import AmifRulesError, EngineUnavailable, InputError, RulesetError
from ..ruleset import LANGUAGES

#: The portfolio's default register date (``portfolio.SAMPLE_DATE``; the modules that do the
#: work are imported when a command runs, so that ``amif-rules check`` starts without them).
SAMPLE_DATE = dt.date(2019, 1, 1)

EXIT_USAGE = 2
EXIT_INTERNAL = 70
COMMANDS = ("impact", "portfolio")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date such as 2019-09-02, got {text!r}") from None


def add_parser(subparsers: Any) -> None:
    """Add ``impact`` and ``portfolio`` to the ``amif-rules`` sub-commands."""
    parser = subparsers.add_parser(
        "impact", help="what a draft ruleset changes for a portfolio of applications",
        description="Evaluate every application of PORTFOLIO under BASE and under DRAFT and report which "
        "applications change outcome, because of which rules, with the values involved. Exit status: 0 when "
        "the report is made, 2 for a usage or input error.")
    parser.add_argument("base", metavar="BASE", help="the published ruleset: a ruleset file, a bundled ruleset id "
                        "(call-42) or a call code (42)")
    parser.add_argument("draft", metavar="DRAFT", help="the draft: a ruleset file (rulesets/drafts/...yaml) or a "
                        "bundled ruleset id")
    parser.add_argument("portfolio", metavar="PORTFOLIO", help="a folder of JSON/YAML applications, a JSON Lines "
                        "file (.jsonl: one application per line), or - for JSON Lines on standard input")
    parser.add_argument("--format", choices=("text", "json", "html"), default="text",
                        help="text (default), json, or a self-contained html page")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE (default: standard output)")
    parser.add_argument("--sweep", metavar="PARAM=FROM..TO:STEP",
                        help="also count the outcomes for each value of one numeric parameter of the draft, e.g. "
                        "lead_min_population=50000..200000:10000 (a chart in the html report)")
    parser.add_argument("--png", metavar="FILE", help="with --sweep: write the sweep chart as a PNG image")
    parser.add_argument("--lang", choices=LANGUAGES, default="nl", help="language of the report (default nl)")
    parser.add_argument("--engine", choices=ENGINE_NAMES, default="auto",
                        help="durable (durable-rules), python (built-in) or auto (durable where available)")
    parser.add_argument("--on", type=_date, metavar="DATE", help="evaluate as of this date (default: each "
                        "application's submission date)")

    sample = subparsers.add_parser(
        "portfolio", help="write the sample portfolio: one call-42 application per Belgian OCMW",
        description="Write the bundled sample portfolio (examples/portfolios/call-42-all-ocmws.jsonl) from the "
        "municipality register: one hypothetical call-42 application from the OCMW of every municipality, "
        "every field set to pass but the population, which comes from the register.")
    sample.add_argument("--date", type=_date, default=SAMPLE_DATE, metavar="DATE",
                        help=f"the register date whose municipalities to take (default {SAMPLE_DATE.isoformat()})")
    sample.add_argument("--output", "-o", metavar="FILE", help="write to FILE (default: standard output)")


def build_parser() -> argparse.ArgumentParser:
    """A stand-alone parser with just these commands (for tests and ``python -m``)."""
    from ..cli import _Parser

    parser = _Parser(prog="amif-rules")
    add_parser(parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser))
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    return run(build_parser().parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Run ``impact`` or ``portfolio``; returns the exit status (never raises)."""
    return guarded(lambda: _run(args), EXIT_INTERNAL)


def _run(args: argparse.Namespace) -> int:
    from . import impact as impact_module

    try:
        if args.command == "impact":
            return _impact(args)
        if args.command == "portfolio":
            return _portfolio(args)
        _error(f"unknown command {args.command!r}; this module runs: {', '.join(COMMANDS)}")
        return EXIT_USAGE
    except RulesetError as error:
        _error(f"the ruleset cannot be loaded:\n{error}")
        return EXIT_USAGE
    except (InputError, impact_module.UnknownRuleset, EngineUnavailable, ValueError) as error:
        _error(str(error))
        return EXIT_USAGE
    except OSError as error:
        _error(f"{error.strerror or error}: {error.filename}" if getattr(error, "filename", None) else str(error))
        return EXIT_USAGE
    except AmifRulesError as error:
        _error(str(error))
        return EXIT_INTERNAL


def _error(message: str) -> None:
    print(f"amif-rules: {message}", file=sys.stderr)


def _impact(args: argparse.Namespace) -> int:
    from ..batch import Progress

    if args.png and not args.sweep:
        raise ValueError("--png draws the chart of a sweep: give --sweep PARAM=FROM..TO:STEP too")
    from . import impact as impact_module

    base = impact_module.resolve_ruleset(args.base)
    draft = impact_module.resolve_ruleset(args.draft)
    sweep = None
    if args.sweep:
        name, spec = impact_module.parse_sweep(args.sweep)
        parameter = draft.parameters.get(name)
        if parameter is None:
            known = ", ".join(sorted(draft.parameters)) or "none"
            raise ValueError(f"--sweep: the draft {draft.id} has no parameter {name!r}; its parameters: {known}")
        if parameter.type_name not in impact_module.NUMERIC_TYPES:
            raise ValueError(f"--sweep: parameter {name} is of type {parameter.type_name}; a sweep varies a number")
        sweep = (name, impact_module.sweep_values(spec, parameter.type_name))
    if args.portfolio != "-" and not Path(args.portfolio).exists():
        raise ValueError(f"no portfolio {args.portfolio!r}: give a folder of applications, a JSON Lines file, or -")
    report = impact_module.impact(base, draft, args.portfolio, lang=args.lang, engine=args.engine,
                                  progress=Progress(sys.stderr), on=args.on, sweep=sweep)
    if report.documents == 0:
        _error(f"no applications found in {args.portfolio}")
        return EXIT_USAGE
    if args.format == "json":
        text = report.to_json() + "\n"
    elif args.format == "html":
        text = report.to_html()
    else:
        text = report.to_text() + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"amif-rules: wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    if args.png:
        assert report.sweep is not None
        Path(args.png).write_bytes(report.sweep.to_png(args.lang))
        print(f"amif-rules: wrote {args.png}", file=sys.stderr)
    return 0


def _portfolio(args: argparse.Namespace) -> int:
    buffer = io.StringIO()
    from .portfolio import write_portfolio

    count = write_portfolio(buffer, args.date)
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(buffer.getvalue(), encoding="utf-8")
        print(f"amif-rules: wrote {count} applications to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(buffer.getvalue())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
