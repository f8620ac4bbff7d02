"""``amif-rules lint PATH... [--format text|json] [--verbose] [--sources FOLDER]``: lint
ruleset files; a PATH may be a folder (every ``*.yaml`` in it except ``*.tests.yaml``;
subfolders such as ``rulesets/drafts/`` are linted by naming them).

Exit status: 0 when no finding is an error (warnings and info allowed), 1 when there are
errors, 2 for a usage error (a path that does not exist, a folder without ruleset files).
The linter turns every problem of a ruleset into a finding, so any other failure is an
internal one: one line, exit 70.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import UsageError
from . import exits
from .parser import add_format, standalone

EXIT_OK = exits.OK
EXIT_FINDINGS = exits.FAILED
EXIT_USAGE = exits.USAGE
EXIT_INTERNAL = exits.INTERNAL

DESCRIPTION = (
    "Lint ruleset files: schema errors, loading problems (unknown keys and field paths, type errors, missing "
    "translations and sources, duplicate ids), unused parameters and definitions, citations of missing source "
    "texts, and semantic findings with a counterexample application: thresholds that leave a value on neither "
    "side, rules that can never fail or never pass, drafts under which no application can be eligible. "
    "Exit status: 0 without errors (warnings and info allowed), 1 with errors, 2 usage error."
)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``lint`` subcommand to ``subparsers`` (the result of ``add_subparsers``)."""
    parser = subparsers.add_parser("lint", help="find errors, holes and contradictions in ruleset files", description=DESCRIPTION)
    parser.add_argument(
        "paths",
        metavar="PATH",
        nargs="+",
        help="a ruleset file, or a folder: every *.yaml in it except *.tests.yaml (not its subfolders)",
    )
    add_format(parser, help="text (default) or JSON: every finding with its counterexample application")
    parser.add_argument(
        "--verbose", "-v", action="store_true", help="also show an eligible application, and every counterexample in full"
    )
    parser.add_argument(
        "--sources",
        metavar="FOLDER",
        help="the folder of source texts citations name (default: $AMIF_SOURCES, else shared/sources "
        "in a folder above the ruleset)",
    )
    parser.set_defaults(lint_run=run)
    return parser


def execute(args: argparse.Namespace) -> int:
    """Run ``lint``: its exit status, or an error for :mod:`~amif_rules.cli.exits` to tell."""
    # The linter is imported when the command runs: ``amif-rules check`` starts without it.
    from ..toolkit.lint import lint_paths

    if args.sources is not None and not Path(args.sources).is_dir():
        raise UsageError(f"lint: --sources {args.sources}: no such folder")
    try:
        results = lint_paths(args.paths, verbose=args.verbose, sources=args.sources)
    except OSError as error:  # a path that does not exist, or cannot be read
        raise UsageError(f"lint: {error}") from None
    findings = [finding for _, file_findings in results for finding in file_findings]
    counts = {severity: sum(1 for f in findings if f.severity == severity) for severity in ("error", "warning", "info")}
    if args.format == "json":
        data = {
            "files": [{"path": path, "findings": [f.to_dict() for f in file_findings]} for path, file_findings in results],
            "summary": {"files": len(results), "errors": counts["error"], "warnings": counts["warning"], "info": counts["info"]},
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        out = []
        for _, file_findings in results:
            for finding in file_findings:
                out.append(finding.to_text(verbose=args.verbose))
        out.append(_summary(len(results), counts))
        sys.stdout.write("\n".join(out) + "\n")
    return exits.FAILED if counts["error"] else exits.OK


def _summary(files: int, counts: dict) -> str:
    def plural(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    return (
        f"{plural(files, 'file')} linted: {plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, "
        f"{counts['info']} info"
    )


#: Nothing but a usage error is the user's here: what escapes the linter is a bug.
COMMAND = exits.Command("lint", add_parser, execute, reported=(), where="lint", report_with="the ruleset that caused it")


def run(args: argparse.Namespace) -> int:
    """Run ``lint`` with parsed arguments; returns the exit status."""
    return exits.run(COMMAND, args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``lint`` on its own (``python -m amif_rules.toolkit.lint_cli PATH...``)."""
    return run(standalone(add_parser, "lint", argv))
