"""The report of a run, as ``amif-rules test`` prints it: per file a line per case (✔, or ✘
with each failed expectation and where the case is), a summary line; or JSON."""

from __future__ import annotations

import json
from typing import Any

from .model import MARKS
from .results import CaseResult, Run


def explain(result: CaseResult) -> str:
    """A case's result in a few lines: ✔ name, or ✘ name: each failed expectation."""
    case = result.case
    if result.passed:
        return f"{MARKS[True]} {case.name}"
    first, *rest = result.failures
    lines = [f"{MARKS[False]} {case.name}: {first.text}"]
    lines.extend(f"    {failure.text}" for failure in rest)
    lines.append(f"    at {case.location}" + (f" ({case.origin})" if case.origin != "inline" else ""))
    return "\n".join(lines)


def report_text(run: Run) -> str:
    """The readable report: per file a line per case, then a summary line."""
    lines: list[str] = []
    for file_result in run.files:
        tests = file_result.tests
        engines = sorted({name for result in file_result.results for name in result.engines})
        lines.append(
            f"{tests.display}: ruleset {tests.ruleset.id} (version {tests.ruleset.version}), "
            f"{len(file_result.results)} case{'s' if len(file_result.results) != 1 else ''}, "
            f"engine {' and '.join(engines) or run.engine}"
        )
        for result in file_result.results:
            lines.extend("  " + line for line in explain(result).split("\n"))
    for error in run.errors:
        lines.append(f"{error.problems[0].location.file}: does not load (see the errors below)")
    failed = run.failed
    summary = (
        f"{run.cases} case{'s' if run.cases != 1 else ''} in {len(run.files)} file{'s' if len(run.files) != 1 else ''}: "
        f"{run.cases - failed} passed, {failed} failed"
    )
    if run.errors:
        summary += f"; {len(run.errors)} file{'s' if len(run.errors) != 1 else ''} did not load"
    lines.append(summary)
    return "\n".join(lines)


def report_json(run: Run, coverage: Any = None) -> str:
    """The run as JSON text (``Run.to_dict``), with a ``coverage`` object when one is given."""
    data = run.to_dict()
    if coverage is not None:
        data["coverage"] = coverage
    return json.dumps(data, ensure_ascii=False, indent=2)
