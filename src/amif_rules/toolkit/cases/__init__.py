"""Ruleset tests in YAML: ``<ruleset-id>.tests.yaml`` files, their cases, and a runner.

A tests file sits beside the ruleset it tests (``rulesets/call-42.tests.yaml`` tests
``rulesets/call-42.yaml``). It names example applications (inline, or a file relative to the
tests file) and lists cases: an application (inline, or an example with a ``patch:`` of
dotted paths), optionally a date (``on:``) and a language, and what the verdict must say:
its ``outcome``, optionally the outcome of given ``rules`` (per list element too) and the
``missing`` paths. See docs/ruleset-tests.md for the format.

The rooms: ``model`` (the loaded form), ``yamlread`` and ``reader`` (YAML with places, and
every problem at once as ``file:line:column: what is wrong`` with a hint, like a ruleset),
``patches``, ``loading`` (:func:`find_tests`, :func:`load_tests`), ``running``
(:func:`run_case` / :func:`run_file` / :func:`run_paths`), ``expectations`` (what failed,
with the rule, its outcome, its message and the values it read) and ``report``
(:func:`report_text`, :func:`report_json`). Everything is re-exported here.
"""

from ...errors import PatchError, TestsFileError
from .expectations import compare, engine_differences, format_value
from .loading import find_tests, load_tests, parse_tests
from .model import ENGINE_CHOICES, MARKS, RULE_OUTCOMES, SUFFIX, VERDICT_OUTCOMES, Case, RuleExpectation, TestsFile
from .patches import apply_patch, parse_path, render_path
from .report import explain, report_json, report_text
from .results import CaseResult, Failure, FileResult, Run, shown
from .running import engine_names, run_case, run_file, run_paths

__all__ = [
    "ENGINE_CHOICES",
    "MARKS",
    "VERDICT_OUTCOMES",
    "RULE_OUTCOMES",
    "SUFFIX",
    "Case",
    "CaseResult",
    "Failure",
    "FileResult",
    "PatchError",
    "RuleExpectation",
    "Run",
    "TestsFile",
    "TestsFileError",
    "apply_patch",
    "compare",
    "engine_differences",
    "engine_names",
    "explain",
    "find_tests",
    "format_value",
    "load_tests",
    "parse_path",
    "parse_tests",
    "render_path",
    "report_json",
    "report_text",
    "run_case",
    "run_file",
    "run_paths",
    "shown",
]
