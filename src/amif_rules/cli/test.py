"""``amif-rules test [PATH...] [--coverage] [--engine auto|durable|python|both] [--format text|json]``.

Runs the ruleset tests files (``*.tests.yaml``) named by PATH (files, or folders searched for
them; default: ``rulesets/`` of the current directory, else the bundled rulesets folder),
prints a readable report (or JSON) and, with ``--coverage``, which rule outcomes and which
sides of each condition the cases reached.

Exit status: 0 every case passed, 1 a case failed, 2 a usage or loading error (a tests file
that does not load, a path that does not exist, an engine that cannot run), 70 an internal
error. Never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engines import TEST_ENGINE_CHOICES
from ..errors import UsageError
from ..resources import rulesets_dir
from . import exits
from .parser import add_engine, add_format, standalone

if TYPE_CHECKING:
    from ..toolkit.cases import Run

EXIT_PASSED = exits.OK
EXIT_FAILED = exits.FAILED
EXIT_USAGE = exits.USAGE


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``test`` subcommand to ``subparsers`` (the result of ``add_subparsers``)."""
    parser = subparsers.add_parser(
        "test",
        help="run the ruleset tests (*.tests.yaml) and show what they cover",
        description="Run the cases of ruleset tests files (*.tests.yaml): each case's application is checked and "
        "the verdict compared with what the case expects. Exit status: 0 all cases pass, 1 a case fails, "
        "2 a usage or loading error.",
    )
    parser.add_argument(
        "paths",
        metavar="PATH",
        nargs="*",
        help="a tests file, or a folder searched for *.tests.yaml (default: rulesets/ of the "
        "current directory, else the bundled rulesets)",
    )
    parser.add_argument(
        "--coverage", action="store_true", help="also show which rule outcomes and which sides of each condition the cases reach"
    )
    add_engine(
        parser,
        TEST_ENGINE_CHOICES,
        help="auto (durable where available), durable, python, or both (both engines, whose verdicts must be identical)",
    )
    add_format(parser, help="text (default) or JSON")
    return parser


def default_paths() -> list[Path]:
    """``rulesets/`` of the current directory when there is one, else the bundled rulesets."""
    local = Path("rulesets")
    return [local] if local.is_dir() else [rulesets_dir()]


def execute(args: argparse.Namespace) -> int:
    """Run ``test``: its exit status, or an error for :mod:`~amif_rules.cli.exits` to tell."""
    # The runner and coverage are imported when the command runs: ``amif-rules check`` starts without them.
    from ..toolkit import cases, coverage

    paths = [Path(p) for p in args.paths] if args.paths else default_paths()
    try:
        run_result = cases.run_paths(paths, engine=args.engine)
    except FileNotFoundError as error:  # a path that is not there
        raise UsageError(str(error)) from None
    if not run_result.files and not run_result.errors:
        raise UsageError(f"no tests files (*{cases.SUFFIX}) in {', '.join(str(p) for p in paths)}")
    coverages = coverage.measure(run_result.files) if args.coverage else ()
    untested = _untested(paths, run_result) if args.coverage else []
    if args.format == "json":
        extra = coverage.coverage_json(coverages, untested) if args.coverage else None
        sys.stdout.write(cases.report_json(run_result, extra) + "\n")
    else:
        sys.stdout.write(cases.report_text(run_result) + "\n")
        if args.coverage and (coverages or untested):
            sys.stdout.write("\n" + coverage.coverage_text(coverages, untested) + "\n")
    for load_error in run_result.errors:
        exits.say(f"a tests file does not load:\n{load_error}")
    if run_result.errors:
        return exits.USAGE
    return exits.OK if run_result.passed else exits.FAILED


def _untested(paths: Sequence[Path], run_result: Run) -> list[str]:
    """The rulesets (calls, not bases) in the folders searched that no tests file tests."""
    from ..errors import RulesetError
    from ..ruleset import load_ruleset
    from ..toolkit import cases

    tested = {Path(f.tests.ruleset_path).resolve() for f in run_result.files}
    # A ruleset whose tests file is there but does not load is reported as such, not as untested.
    tested |= {Path(e.problems[0].location.file).resolve() for e in run_result.errors if e.problems}
    tested = {p.with_name(p.name[: -len(cases.SUFFIX)] + ".yaml") if p.name.endswith(cases.SUFFIX) else p for p in tested}
    names = []
    for folder in (p for p in paths if p.is_dir()):
        for candidate in sorted(folder.glob("*.yaml")):
            if candidate.name.endswith(cases.SUFFIX) or candidate.resolve() in tested:
                continue
            try:
                ruleset = load_ruleset(candidate)
            except (RulesetError, OSError):
                continue
            if not ruleset.abstract:
                names.append(f"{ruleset.id} ({candidate})")
    return names


COMMAND = exits.Command("test", add_parser, execute)


def run(args: argparse.Namespace) -> int:
    """Run the subcommand; returns the exit status (0, 1, 2 or 70). Never raises."""
    return exits.run(COMMAND, args)


def main(argv: Sequence[str] | None = None) -> int:
    """``amif-rules test`` on its own: ``python -m amif_rules.toolkit.test_cli [PATH...] [options]``."""
    return run(standalone(add_parser, "test", argv))
