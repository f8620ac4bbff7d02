"""A pytest plugin: ruleset tests files (``*.tests.yaml``) as pytest items, one per case.

Registered through the ``pytest11`` entry point ``amif_rules``, so that a portal's own test
suite runs the cases of the tests files it points pytest at (``pytest rulesets/``, or a
folder of its own ``*.tests.yaml`` next to its draft rulesets). A failing case shows the
same explanation as ``amif-rules test``: which expectation failed, the rule, its outcome, its
message and the values it read. A tests file that does not load is a collection error that
names the file, line and column.

Options: ``--amif-engine auto|durable|python|both`` (or the ini setting ``amif_engine``):
the engine the cases run on (default ``auto``; ``both`` requires identical verdicts).
Without the entry point (say, in a checkout that is not installed), enable the plugin with
``-p amif_rules.toolkit.pytest_plugin``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr  # what pytest's repr_failure returns; pytest does not re-export it

from ..errors import AmifRulesError
from . import cases


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("amif-rules", "ruleset tests (*.tests.yaml)")
    group.addoption(
        "--amif-engine",
        choices=cases.ENGINE_CHOICES,
        default=None,
        help="the engine the cases of *.tests.yaml files run on: auto (default), durable, python, or "
        "both (both engines, whose verdicts must be identical)",
    )
    parser.addini("amif_engine", "the engine for *.tests.yaml cases (auto, durable, python, both)", default="auto")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> RulesetTestsFile | None:
    if file_path.name.endswith(cases.SUFFIX):
        return RulesetTestsFile.from_parent(parent, path=file_path)
    return None


def _engine(config: pytest.Config) -> str:
    engine = config.getoption("--amif-engine", default=None) or config.getini("amif_engine") or "auto"
    if engine not in cases.ENGINE_CHOICES:
        raise pytest.UsageError(f"amif_engine must be one of {', '.join(cases.ENGINE_CHOICES)}, got {engine!r}")
    return engine


class RulesetTestsFile(pytest.File):
    """One ``*.tests.yaml`` file: its cases are the items."""

    def collect(self) -> Iterator[RulesetCase]:
        try:
            tests = cases.load_tests(self.path, display=self._display())
        except cases.TestsFileError as error:
            raise self.CollectError(f"the tests file does not load:\n{error}") from None
        for case in tests.cases:
            yield RulesetCase.from_parent(self, name=case.name, tests=tests, case=case)

    def _display(self) -> str:
        try:
            return str(self.path.relative_to(self.config.rootpath))
        except ValueError:
            return str(self.path)


class CaseFailed(AssertionError):
    """A case whose verdict does not meet its expectations."""

    def __init__(self, result: cases.CaseResult):
        super().__init__(cases.explain(result))
        self.result = result


class RulesetCase(pytest.Item):
    """One case of a tests file."""

    def __init__(self, *, tests: cases.TestsFile, case: cases.Case, **kwargs: Any):
        super().__init__(**kwargs)
        self.tests = tests
        self.case = case
        self.result: cases.CaseResult | None = None

    def runtest(self) -> None:
        self.result = cases.run_case(self.tests, self.case, engine=_engine(self.config))
        if not self.result.passed:
            raise CaseFailed(self.result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str | TerminalRepr:
        if isinstance(excinfo.value, CaseFailed):
            return cases.explain(excinfo.value.result)
        if isinstance(excinfo.value, AmifRulesError):
            return f"{type(excinfo.value).__name__}: {excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.case.location.line
        # Not a suffix of the node id, so that pytest shows the id as it is (it would turn the
        # dots of a suffix into ::); it heads the failure report.
        return self.path, (line - 1) if line else None, f"{self.case.name} ({self.case.location})"
