"""The ``amif-rules`` command (contract §3).

Exit status of ``check``: 0 eligible, 1 ineligible, 3 incomplete, 2 input or usage error
(the message on standard error names every bad field path). No traceback ever reaches the
terminal: an unexpected failure prints one line and exits 70.

Several documents at once (paths, a folder, a glob, ``--jsonl``) stream one JSON line per
document (see ``batch.py``); the exit status is then 0, or 2 when any document had bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Optional, Sequence

from . import __version__, batch, catalog
from .guard import guarded
from .api import check
from .documents import parse_json, parse_text, parse_yaml
from .engines import ENGINE_NAMES
from .errors import AmifRulesError, EngineUnavailable, InputError, RulesetError, UnknownCall
from .ruleset import LANGUAGES, load_ruleset

EXIT_CODES = {"eligible": 0, "ineligible": 1, "incomplete": 3}
EXIT_USAGE = 2
EXIT_INTERNAL = 70


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own errors: usage, exit 2
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date such as 2019-09-02, got {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="amif-rules", description="Check applications for AMIF project calls in Belgium against the call's rules, with explained verdicts.")
    parser.add_argument("--version", action="version", version=f"amif-rules {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check_parser = commands.add_parser("check", help="check one application document and explain the verdict",
                                       description="Check one application (JSON or YAML; - for standard input). "
                                       "Exit status: 0 eligible, 1 ineligible, 3 incomplete, 2 input or usage error.")
    check_parser.add_argument("application", metavar="APPLICATION", nargs="+",
                              help="path of a JSON or YAML document, or - for standard input; several paths, a folder "
                              "or a glob pattern check many documents and print one JSON verdict per line")
    check_parser.add_argument("--call", help="call code (default: the document's \"call\")")
    check_parser.add_argument("--lang", choices=LANGUAGES, default="nl", help="language of the messages (default nl)")
    check_parser.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or the JSON verdict")
    check_parser.add_argument("--engine", choices=ENGINE_NAMES, default="auto",
                              help="durable (durable-rules), python (built-in) or auto (durable where available)")
    check_parser.add_argument("--on", type=_date, metavar="DATE",
                              help="evaluate as of this date (default: the submission date)")
    check_parser.add_argument("--jsonl", action="store_true",
                              help="the input is JSON Lines (one document per line; - for standard input)")
    check_parser.add_argument("--jobs", type=int, default=1, metavar="N",
                              help="check a batch in N processes (default 1)")
    check_parser.add_argument("--ruleset", metavar="FILE",
                              help="evaluate this ruleset file (a draft, say) instead of the bundled one for the call")

    from .toolkit import impact_cli, lint_cli, test_cli

    test_cli.add_parser(commands)
    lint_cli.add_parser(commands)
    impact_cli.add_parser(commands)

    calls_parser = commands.add_parser("calls", help="list the bundled rulesets with their titles, validity and status")
    calls_parser.add_argument("--on", type=_date, metavar="DATE", help="only the calls open on this date")
    calls_parser.add_argument("--all", action="store_true", help="also the base rulesets that calls extend")
    calls_parser.add_argument("--lang", choices=LANGUAGES, default="nl")
    calls_parser.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return guarded(lambda: _dispatch(parser, args), EXIT_INTERNAL, report_with="the document that caused it")


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "calls":
            return _calls(args)
        if args.command in ("test", "lint", "impact", "portfolio"):
            from .toolkit import impact_cli, lint_cli, test_cli

            toolkit = {"test": test_cli, "lint": lint_cli, "impact": impact_cli, "portfolio": impact_cli}[args.command]
            return toolkit.run(args)
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    except InputError as error:
        _error(str(error))
        return EXIT_USAGE
    except _UsageError as error:
        _error(str(error))
        return EXIT_USAGE
    except (UnknownCall, EngineUnavailable, ValueError) as error:
        _error(str(error))
        return EXIT_USAGE
    except RulesetError as error:
        _error(f"a bundled ruleset cannot be loaded:\n{error}")
        return EXIT_INTERNAL
    except AmifRulesError as error:
        _error(str(error))
        return EXIT_INTERNAL


def _error(message: str) -> None:
    print(f"amif-rules: {message}", file=sys.stderr)


def _read(name: str):
    if name == "-":
        data = sys.stdin.buffer.read()
        return parse_text(data)
    path = Path(name)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError([_problem(f"cannot read {name}: {error.strerror}")]) from None
    suffix = path.suffix.lower()
    if suffix == ".json":
        return parse_json(data)
    if suffix in (".yaml", ".yml"):
        return parse_yaml(data)
    return parse_text(data)


def _problem(message: str):
    from .errors import Problem

    return Problem("", message)


def _user_ruleset(path: Optional[str]):
    """The ruleset file given with --ruleset: its problems are the user's input errors (exit 2)."""
    if path is None:
        return None
    try:
        return load_ruleset(path)
    except RulesetError as error:
        raise _UsageError(f"the ruleset {path} cannot be loaded:\n{error}") from None


class _UsageError(Exception):
    pass


def _check(args: argparse.Namespace) -> int:
    if batch.is_batch(args.application, args.jsonl):
        return _check_batch(args)
    ruleset = _user_ruleset(args.ruleset)
    document = _read(args.application[0])
    verdict = check(document, call=args.call, lang=args.lang, engine=args.engine, on=args.on, ruleset=ruleset)
    if args.format == "json":
        sys.stdout.write(verdict.to_json() + "\n")
    else:
        sys.stdout.write(verdict.to_text() + "\n")
    return EXIT_CODES[verdict.outcome]


def _check_batch(args: argparse.Namespace) -> int:
    """Many documents: one JSON line each on standard output; progress on a terminal."""
    if args.jobs < 1:
        raise ValueError("--jobs must be 1 or more")
    options = batch.Options(call=args.call, lang=args.lang, engine=args.engine, on=args.on, ruleset_path=args.ruleset)
    _user_ruleset(args.ruleset)  # a broken ruleset is one error, not one per document
    items = batch.sources(args.application, args.jsonl, sys.stdin.buffer)
    count, errors = batch.run(items, options, sys.stdout, jobs=args.jobs, progress=batch.Progress(sys.stderr))
    if count == 0:
        _error("no documents found in " + ", ".join(args.application))
        return EXIT_USAGE
    return EXIT_USAGE if errors else 0


def _calls(args: argparse.Namespace) -> int:
    rows = []
    undated = 0
    for ruleset in catalog.bundled():
        if ruleset.abstract and not args.all:
            continue
        dated = ruleset.valid_from is not None or ruleset.valid_until is not None
        is_open = ruleset.valid_on(args.on) if (args.on is not None and dated) else None
        if args.on is not None and not ruleset.abstract:
            if not dated:
                undated += 1
                continue
            if not is_open:
                continue
        rows.append({
            "call": ruleset.call,
            "id": ruleset.id,
            "version": ruleset.version,
            "status": "base" if ruleset.abstract else ruleset.status,
            "title": {lang: ruleset.title.get(lang) for lang in LANGUAGES},
            "valid_from": ruleset.valid_from.isoformat() if ruleset.valid_from else None,
            "valid_until": ruleset.valid_until.isoformat() if ruleset.valid_until else None,
            "extends": list(ruleset.extends),
            "rules": len(ruleset.rules),
        })
    rows.sort(key=lambda row: (row["call"] is None, len(row["call"] or ""), row["call"] or "", row["id"]))
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return 0
    for row in rows:
        validity = (f"{row['valid_from'] or '…'} – {row['valid_until'] or '…'}"
                    if row["valid_from"] or row["valid_until"] else _NO_DATES[args.lang])
        titles = [args.lang] + [lang for lang in LANGUAGES if lang != args.lang]
        sys.stdout.write(f"{row['call'] or '-':>16}  {row['id']}  v{row['version']}  {row['status']}  {validity}"
                         f"  ({row['rules']} rules)\n")
        for lang in titles:
            sys.stdout.write(f"{'':>18}{lang}: {row['title'][lang]}\n")
    if args.on is not None:
        sys.stdout.write(_OPEN_ON[args.lang].format(count=len(rows), on=args.on.isoformat(), undated=undated) + "\n")
    return 0


_NO_DATES = {"nl": "geen data in de bronnen", "fr": "dates absentes des sources", "en": "no dates in the sources"}
_OPEN_ON = {
    "nl": "{count} oproep(en) open op {on}; {undated} ruleset(s) zonder geldigheidsdata in de bronnen niet meegeteld.",
    "fr": "{count} appel(s) ouvert(s) le {on} ; {undated} ensemble(s) de règles sans dates de validité dans les sources non compté(s).",
    "en": "{count} call(s) open on {on}; {undated} ruleset(s) without validity dates in the sources not counted.",
}


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
