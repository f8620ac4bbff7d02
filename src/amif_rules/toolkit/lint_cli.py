"""The ``amif-rules lint`` subcommand: ``add_parser(subparsers)`` and ``run(args)``.

``amif-rules lint PATH... [--format text|json] [--verbose]``: lint ruleset files; a PATH
may be a folder (every ``*.yaml`` in it except ``*.tests.yaml``; subfolders such as
``rulesets/drafts/`` are linted by naming them).

Exit status: 0 when no finding is an error (warnings and info allowed), 1 when there are
errors, 2 for a usage error (a path that does not exist, a folder without ruleset files).
No traceback reaches the terminal: an unexpected failure prints one line and exits 70.
"""

from __future__ import annotations

import argparse
import json
import sys
from ..guard import guarded
from pathlib import Path
from typing import Optional, Sequence

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70

DESCRIPTION = (
    "Lint ruleset files: schema errors, loading problems (unknown keys and field paths, type errors, missing "
    "translations and sources, duplicate ids), unused parameters and definitions, citations of missing source "
    "texts, and semantic findings with a counterexample application: thresholds that leave a value on neither "
    "side, rules that can never fail or never pass, drafts under which no application can be eligible. "
    "Exit status: 0 without errors (warnings and info allowed), 1 with errors, 2 usage error."
)


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``lint`` subcommand to ``subparsers`` (the result of ``add_subparsers``)."""
    parser = subparsers.add_parser("lint", help="find errors, holes and contradictions in ruleset files",
                                   description=DESCRIPTION)
    parser.add_argument("paths", metavar="PATH", nargs="+",
                        help="a ruleset file, or a folder: every *.yaml in it except *.tests.yaml (not its subfolders)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text (default) or JSON: every finding with its counterexample application")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="also show an eligible application, and every counterexample in full")
    parser.add_argument("--sources", metavar="FOLDER",
                        help="the folder of source texts citations name (default: $AMIF_SOURCES, else shared/sources "
                        "in a folder above the ruleset)")
    parser.set_defaults(lint_run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``lint`` with parsed arguments; returns the exit status."""
    return guarded(lambda: _run(args), EXIT_INTERNAL, where="lint", report_with="the ruleset that caused it")


def _run(args: argparse.Namespace) -> int:
    from .lint import lint_paths

    if args.sources is not None and not Path(args.sources).is_dir():
        print(f"amif-rules: lint: --sources {args.sources}: no such folder", file=sys.stderr)
        return EXIT_USAGE
    try:
        results = lint_paths(args.paths, verbose=args.verbose, sources=args.sources)
    except OSError as error:  # a path that does not exist, or cannot be read
        print(f"amif-rules: lint: {error}", file=sys.stderr)
        return EXIT_USAGE
    findings = [finding for _, file_findings in results for finding in file_findings]
    counts = {severity: sum(1 for f in findings if f.severity == severity) for severity in ("error", "warning", "info")}
    if args.format == "json":
        data = {
            "files": [{"path": path, "findings": [f.to_dict() for f in file_findings]} for path, file_findings in results],
            "summary": {"files": len(results), "errors": counts["error"], "warnings": counts["warning"],
                        "info": counts["info"]},
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        out = []
        for path, file_findings in results:
            for finding in file_findings:
                out.append(finding.to_text(verbose=args.verbose))
        out.append(_summary(len(results), counts))
        sys.stdout.write("\n".join(out) + "\n")
    return EXIT_FINDINGS if counts["error"] else EXIT_OK


def _summary(files: int, counts: dict) -> str:
    def plural(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    return (f"{plural(files, 'file')} linted: {plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, "
            f"{counts['info']} info")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run ``lint`` on its own (``python -m amif_rules.toolkit.lint_cli PATH...``), for trying
    it before it is registered in ``amif-rules``."""
    parser = argparse.ArgumentParser(prog="amif-rules")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_parser(commands)
    args = parser.parse_args(["lint", *(sys.argv[1:] if argv is None else argv)])
    return run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
