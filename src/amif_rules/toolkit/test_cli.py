"""``amif-rules test [PATH...] [--coverage] [--engine auto|durable|python|both] [--format text|json]``.

Runs the ruleset tests files (``*.tests.yaml``) named by PATH (files, or folders searched for
them; default: ``rulesets/`` of the current directory, else the bundled rulesets folder),
prints a readable report (or JSON) and, with ``--coverage``, which rule outcomes and which
sides of each condition the cases reached.

Exit status: 0 every case passed, 1 a case failed, 2 a usage or loading error (a tests file
that does not load, a path that does not exist, an engine that cannot run). Never a
traceback.

The command is registered by ``amif_rules.cli`` through :func:`add_parser` and :func:`run`;
``python -m amif_rules.toolkit.test_cli`` runs it on its own.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

from .. import catalog
from ..guard import guarded
from ..errors import AmifRulesError, EngineUnavailable
from ..engines import TEST_ENGINE_CHOICES as ENGINE_CHOICES

if TYPE_CHECKING:
    from .cases import Run

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``test`` subcommand to ``subparsers`` (the result of ``add_subparsers``)."""
    parser = subparsers.add_parser(
        "test", help="run the ruleset tests (*.tests.yaml) and show what they cover",
        description="Run the cases of ruleset tests files (*.tests.yaml): each case's application is checked and "
        "the verdict compared with what the case expects. Exit status: 0 all cases pass, 1 a case fails, "
        "2 a usage or loading error.")
    parser.add_argument("paths", metavar="PATH", nargs="*",
                        help="a tests file, or a folder searched for *.tests.yaml (default: rulesets/ of the "
                        "current directory, else the bundled rulesets)")
    parser.add_argument("--coverage", action="store_true",
                        help="also show which rule outcomes and which sides of each condition the cases reach")
    parser.add_argument("--engine", choices=ENGINE_CHOICES, default="auto",
                        help="auto (durable where available), durable, python, or both (both engines, whose "
                        "verdicts must be identical)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or JSON")
    return parser


def default_paths() -> list[Path]:
    """``rulesets/`` of the current directory when there is one, else the bundled rulesets."""
    local = Path("rulesets")
    return [local] if local.is_dir() else [catalog.rulesets_dir()]


def run(args: argparse.Namespace) -> int:
    """Run the subcommand; returns the exit status (0, 1 or 2). Never raises."""
    return guarded(lambda: _run(args), EXIT_USAGE)


def _run(args: argparse.Namespace) -> int:
    from . import cases, coverage

    paths = [Path(p) for p in args.paths] if args.paths else default_paths()
    try:
        run_result = cases.run_paths(paths, engine=args.engine)
    except FileNotFoundError as error:
        _error(str(error))
        return EXIT_USAGE
    except (EngineUnavailable, ValueError) as error:
        _error(str(error))
        return EXIT_USAGE
    except AmifRulesError as error:
        _error(str(error))
        return EXIT_USAGE
    if not run_result.files and not run_result.errors:
        _error(f"no tests files (*{cases.SUFFIX}) in {', '.join(str(p) for p in paths)}")
        return EXIT_USAGE
    coverages = coverage.measure(run_result.files) if args.coverage else ()
    untested = _untested(paths, run_result) if args.coverage else []
    if args.format == "json":
        extra = coverage.coverage_json(coverages, untested) if args.coverage else None
        sys.stdout.write(cases.report_json(run_result, extra) + "\n")
    else:
        sys.stdout.write(cases.report_text(run_result) + "\n")
        if args.coverage and (coverages or untested):
            sys.stdout.write("\n" + coverage.coverage_text(coverages, untested) + "\n")
    for error in run_result.errors:
        _error(f"a tests file does not load:\n{error}")
    if run_result.errors:
        return EXIT_USAGE
    return EXIT_PASSED if run_result.passed else EXIT_FAILED


def _untested(paths: Sequence[Path], run_result: "Run") -> list[str]:
    """The rulesets (calls, not bases) in the folders searched that no tests file tests."""
    from ..errors import RulesetError
    from . import cases
    from ..ruleset import load_ruleset

    tested = {Path(f.tests.ruleset_path).resolve() for f in run_result.files}
    # A ruleset whose tests file is there but does not load is reported as such, not as untested.
    tested |= {Path(e.problems[0].location.file).resolve() for e in run_result.errors if e.problems}
    tested = {p.with_name(p.name[: -len(cases.SUFFIX)] + ".yaml") if p.name.endswith(cases.SUFFIX) else p
              for p in tested}
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


def _error(message: str) -> None:
    print(f"amif-rules: {message}", file=sys.stderr)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``amif-rules test`` on its own: ``python -m amif_rules.toolkit.test_cli [PATH...] [options]``."""
    parser = argparse.ArgumentParser(prog="amif-rules")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_parser(commands)
    args = parser.parse_args(["test", *(argv if argv is not None else sys.argv[1:])])
    return run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
