"""Running cases: each case's application checked on an engine (``auto``, ``durable``,
``python``, or ``both``: both engines, whose verdicts must then be identical) and compared
with what the case expects."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ... import api
from ...api import check
from ...documents import read_application
from ...errors import AmifRulesError, EngineUnavailable, TestsFileError
from ...facts import Facts
from ...ruleset import Ruleset
from ...verdict import Verdict
from .expectations import compare, engine_differences
from .loading import find_tests, load_tests
from .model import ENGINE_CHOICES, Case, TestsFile
from .results import CaseResult, Failure, FileResult, Run


def engine_names(engine: str) -> tuple[str, ...]:
    """The engines ``engine`` runs: ``both`` is the built-in engine and durable-rules.

    Raises ``ValueError`` for an unknown name and :class:`EngineUnavailable` when durable is
    asked for (``durable`` or ``both``) where it cannot be imported.
    """
    from ...engines import check_engine_name, durable_available, get_engine

    check_engine_name(engine, ENGINE_CHOICES)
    if engine == "both":
        if not durable_available():
            raise EngineUnavailable(
                "--engine both needs durable-rules, which cannot be imported here "
                "(it runs on Python 3.11 and 3.12); use --engine python"
            )
        return ("python", "durable")
    get_engine(engine)  # raises EngineUnavailable for durable where it cannot run
    return (engine,)


def run_case(tests: TestsFile, case: Case, engine: str = "auto") -> CaseResult:
    """Check one case's application on ``engine`` and compare with what the case expects."""
    names = engine_names(engine)
    verdicts: list[Verdict] = []
    try:
        for name in names:
            verdicts.append(check(case.document, lang=case.lang, engine=name, on=case.on, ruleset=tests.ruleset))
        resolved, facts = _facts(tests.ruleset, case)
    except EngineUnavailable:
        raise
    except AmifRulesError as error:
        failure = Failure("error", f"the check failed: {type(error).__name__}: {error}")
        return CaseResult(case, (failure,), verdicts[0] if verdicts else None, names)
    verdict = verdicts[0]
    failures = compare(case, verdict)
    if len(verdicts) > 1:
        failures.extend(engine_differences(verdicts))
    return CaseResult(case, tuple(failures), verdict, tuple(v.engine for v in verdicts), resolved, facts)


def run_file(tests: TestsFile, engine: str = "auto") -> FileResult:
    """Run every case of a loaded tests file."""
    return FileResult(tests, tuple(run_case(tests, case, engine) for case in tests.cases))


def run_paths(paths: Iterable[str | Path], engine: str = "auto") -> Run:
    """Find, load and run tests files (files, or folders searched for ``*.tests.yaml``).

    A file that does not load is reported in ``Run.errors``; the others still run. Raises
    ``FileNotFoundError`` for a path that does not exist, and ``ValueError`` /
    :class:`EngineUnavailable` for an engine that cannot run.
    """
    engine_names(engine)
    files: list[FileResult] = []
    errors: list[TestsFileError] = []
    for path in find_tests(paths):
        try:
            tests = load_tests(path)
        except TestsFileError as error:
            errors.append(error)
            continue
        files.append(run_file(tests, engine))
    return Run(tuple(files), tuple(errors), engine)


def _facts(ruleset: Ruleset, case: Case) -> tuple[Ruleset, Facts]:
    """The resolved ruleset and the facts ``check`` evaluates for this case."""
    prepared, facts = api.prepare(read_application(case.document), on=case.on, ruleset=ruleset)
    return prepared.ruleset, facts
