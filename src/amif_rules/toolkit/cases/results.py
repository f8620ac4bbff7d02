"""What running cases gives: per case its failures and verdict, per file, per run; each
with the ``to_dict`` that ``amif-rules test --format json`` prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from ...errors import TestsFileError
from ...facts import Facts
from ...ruleset import Ruleset
from ...verdict import Verdict
from .model import Case, TestsFile


@attrs.frozen
class Failure:
    """One expectation of a case that the verdict does not meet."""

    kind: str  # outcome | rule | message | missing | engines | error
    text: str  # the readable explanation
    rule: str | None = None
    item: str | None = None
    expected: Any = None
    actual: Any = None
    message: str | None = None
    fields: dict | None = None

    def to_dict(self) -> dict:
        data: dict[str, Any] = {"kind": self.kind, "text": self.text}
        for key in ("rule", "item", "expected", "actual", "message", "fields"):
            value = getattr(self, key)
            if value is not None:
                data[key] = list(value) if isinstance(value, tuple) else value
        return data


@attrs.frozen(eq=False)
class CaseResult:
    """A case run on one engine (or both): the verdict and the failed expectations."""

    case: Case
    failures: tuple[Failure, ...]
    verdict: Verdict | None = attrs.field(repr=False)
    engines: tuple[str, ...] = ()
    #: The ruleset as evaluated for this case (dated parameters resolved), and the facts the
    #: rules read: what coverage traces conditions on.
    ruleset: Ruleset | None = attrs.field(default=None, repr=False)
    facts: Facts | None = attrs.field(default=None, repr=False)

    @property
    def passed(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict:
        return {
            "name": self.case.name,
            "line": self.case.location.line,
            "passed": self.passed,
            "outcome": self.verdict.outcome if self.verdict is not None else None,
            "engines": list(self.engines),
            "failures": [failure.to_dict() for failure in self.failures],
        }


@attrs.frozen(eq=False)
class FileResult:
    tests: TestsFile
    results: tuple[CaseResult, ...]

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.results)

    @property
    def failed(self) -> tuple[CaseResult, ...]:
        return tuple(result for result in self.results if not result.passed)

    def to_dict(self) -> dict:
        return {
            "file": self.tests.display,
            "ruleset": {
                "id": self.tests.ruleset.id,
                "version": self.tests.ruleset.version,
                "file": shown(self.tests.ruleset_path),
            },
            "passed": self.passed,
            "cases": [result.to_dict() for result in self.results],
        }


@attrs.frozen(eq=False)
class Run:
    """The result of running tests files: the files that loaded, and those that did not."""

    files: tuple[FileResult, ...]
    errors: tuple[TestsFileError, ...] = ()
    engine: str = "auto"

    @property
    def cases(self) -> int:
        return sum(len(f.results) for f in self.files)

    @property
    def failed(self) -> int:
        return sum(len(f.failed) for f in self.files)

    @property
    def passed(self) -> bool:
        return not self.errors and all(f.passed for f in self.files)

    def to_dict(self) -> dict:
        return {
            "engine": self.engine,
            "files": [f.to_dict() for f in self.files],
            "errors": [
                {"problems": [{"location": str(p.location), "message": p.message, "hint": p.hint} for p in error.problems]}
                for error in self.errors
            ],
            "summary": {
                "files": len(self.files),
                "cases": self.cases,
                "passed": self.cases - self.failed,
                "failed": self.failed,
                "loading_errors": len(self.errors),
            },
        }


def shown(path: Path) -> str:
    """A path relative to the current directory when it is under it, else as it is."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
