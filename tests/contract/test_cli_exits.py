"""The command line's one exit handling: every error carries its exit status, every command
says an error in one line (never a traceback), and an internal error exits 70 in every
command (``amif-rules test`` exited 2, issue 11). Also the command line's shape: the old
module addresses still answer, and the toolkit is imported only when its command runs."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import amif_rules
from amif_rules import cli, errors
from amif_rules.cli import exits
from amif_rules.errors import Location, RulesetError, RulesetProblem
from conftest import EXAMPLES, ROOT

ANTWERPEN = str(EXAMPLES / "call-42-eligible-antwerpen.json")
PORTFOLIO = str(ROOT / "examples" / "portfolios" / "call-42-all-ocmws.jsonl")
ROUTING_TESTS = str(ROOT / "rulesets" / "routing.tests.yaml")


def _boom(*args, **kwargs):
    raise RuntimeError("boom")


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.AmifRulesError("x"), 70),
        (errors.EngineError("x"), 70),
        (errors.InputError([errors.Problem("a", "b")]), 2),
        (RulesetError([]), 2),
        (errors.UnknownCall("x"), 2),
        (errors.EngineUnavailable("x"), 2),
        (errors.UsageError("x"), 2),
        (errors.UnknownRuleset("x"), 2),
        (errors.TestsFileError([]), 2),
        (errors.PatchError("x"), 2),
    ],
)
def test_every_error_carries_its_exit_status(error, status):
    assert error.exit_status == status == exits.exit_status(error)


def test_errors_moved_home_keep_their_old_addresses_and_bases():
    from amif_rules.toolkit import cases, impact

    assert cases.TestsFileError is errors.TestsFileError and cases.PatchError is errors.PatchError
    assert issubclass(errors.PatchError, ValueError) and issubclass(errors.PatchError, errors.AmifRulesError)
    assert impact.UnknownRuleset is errors.UnknownRuleset and issubclass(errors.UnknownRuleset, LookupError)
    assert impact.resolve_ruleset is amif_rules.catalog.resolve_ruleset


def _internal(monkeypatch, capsys, target: str, argv: list[str]) -> tuple[int, str]:
    monkeypatch.setattr(target, _boom)
    status = cli.main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err


@pytest.mark.parametrize(
    ("target", "argv", "line"),
    [
        (
            "amif_rules.cli.check.check",
            ["check", ANTWERPEN],
            "amif-rules: internal error (RuntimeError: boom); please report it with the document that caused it\n",
        ),
        (
            "amif_rules.catalog.bundled",
            ["calls"],
            "amif-rules: internal error (RuntimeError: boom); please report it with the document that caused it\n",
        ),
        (
            "amif_rules.toolkit.cases.run_paths",
            ["test", ROUTING_TESTS],
            "amif-rules: internal error (RuntimeError: boom); please report it\n",
        ),
        (
            "amif_rules.toolkit.lint.lint_paths",
            ["lint", str(ROOT / "rulesets" / "call-42.yaml")],
            "amif-rules: internal error in lint (RuntimeError: boom); please report it with the ruleset that caused it\n",
        ),
        (
            "amif_rules.toolkit.impact.impact",
            ["impact", "call-42", "call-42-threshold-100000", PORTFOLIO],
            "amif-rules: internal error (RuntimeError: boom); please report it\n",
        ),
        (
            "amif_rules.toolkit.portfolio.write_portfolio",
            ["portfolio"],
            "amif-rules: internal error (RuntimeError: boom); please report it\n",
        ),
    ],
)
def test_an_internal_error_is_one_line_and_exits_70_in_every_command(monkeypatch, capsys, target, argv, line):
    assert _internal(monkeypatch, capsys, target, argv) == (70, line)


def test_an_engine_error_in_the_tests_runner_is_internal(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise errors.EngineError("the engine broke")

    monkeypatch.setattr("amif_rules.toolkit.cases.run_paths", broken)
    assert cli.main(["test", ROUTING_TESTS]) == 70
    assert capsys.readouterr().err == "amif-rules: the engine broke\n"


def test_a_ruleset_that_does_not_load_is_internal_when_bundled_and_the_users_when_named(monkeypatch, capsys):
    problem = RulesetError([RulesetProblem(Location("x.yaml", 1, 2), "bad", "fix")])

    def broken(*args, **kwargs):
        raise problem

    monkeypatch.setattr("amif_rules.cli.check.check", broken)
    assert cli.main(["check", ANTWERPEN]) == 70
    assert capsys.readouterr().err == "amif-rules: a bundled ruleset cannot be loaded:\nx.yaml:1:2: bad\n    hint: fix\n"
    monkeypatch.setattr("amif_rules.toolkit.impact.impact", broken)
    assert cli.main(["impact", "call-42", "call-42-threshold-100000", PORTFOLIO]) == 2
    assert capsys.readouterr().err == "amif-rules: the ruleset cannot be loaded:\nx.yaml:1:2: bad\n    hint: fix\n"


def test_ctrl_c_exits_130_and_says_nothing(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("amif_rules.toolkit.cases.run_paths", interrupted)
    assert cli.main(["test", ROUTING_TESTS]) == 130
    assert capsys.readouterr().err == ""


def test_a_file_the_user_named_is_named_in_the_error(capsys, tmp_path):
    target = tmp_path / "no-such-folder" / "report.txt"
    assert (
        cli.main(["impact", "call-42", "call-42-threshold-100000", PORTFOLIO, "--engine", "python", "--output", str(target)]) == 2
    )
    assert capsys.readouterr().err == f"amif-rules: No such file or directory: {target}\n"


def test_no_command_prints_the_help_and_exits_2(capsys):
    assert cli.main([]) == 2
    assert capsys.readouterr().err.startswith("usage: amif-rules [-h] [--version] COMMAND ...")


def test_only_the_exit_module_guards():
    """One exit handling: no other module of the package calls the last line of defence."""
    package = Path(amif_rules.__file__).parent
    guarding = set()
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and any(alias.name == "guarded" for alias in node.names):
                guarding.add(path.relative_to(package).as_posix())
    assert guarding == {"cli/exits.py"}


def _python(*code: str) -> subprocess.CompletedProcess:
    """``python ...`` on this checkout's sources."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, *code], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)


def test_the_toolkit_is_imported_only_when_its_command_runs():
    """The command line's cold start: building the parser and checking a document import no toolkit."""
    done = _python(
        "-c",
        "import sys\nfrom amif_rules import cli\ncli.build_parser()\n"
        f"status = cli.main(['check', {ANTWERPEN!r}, '--format', 'json'])\n"
        "print(status, sorted(m for m in sys.modules if m.startswith('amif_rules.toolkit')))",
    )
    assert done.stdout.splitlines()[-1] == "0 []", done.stderr


@pytest.mark.parametrize(
    ("old", "command"),
    [
        ("amif_rules.toolkit.test_cli", "test"),
        ("amif_rules.toolkit.lint_cli", "lint"),
    ],
)
def test_the_old_command_modules_still_run_their_command(old, command):
    alone = _python("-m", old, "--help")
    assert alone.returncode == 0 and alone.stdout == _python("-m", "amif_rules", command, "--help").stdout


def test_the_old_addresses_still_answer():
    from amif_rules.cli import impact, lint, test
    from amif_rules.toolkit import impact_cli, lint_cli, report, test_cli
    from amif_rules.toolkit.impact import page

    assert (impact_cli.run, impact_cli.main, impact_cli.build_parser) == (impact.run, impact.main, impact.build_parser)
    assert (lint_cli.run, lint_cli.add_parser, test_cli.run, test_cli.main) == (lint.run, lint.add_parser, test.run, test.main)
    assert report.impact_html is page.impact_html
    done = _python("-m", "amif_rules.toolkit.impact_cli", "portfolio", "--date", "2030-01-01")
    assert done.returncode == 2 and "no figures for 2030-01-01" in done.stderr


def test_the_portfolio_command_names_the_samples_date():
    from amif_rules.cli.impact import SAMPLE_DATE
    from amif_rules.toolkit import portfolio

    assert SAMPLE_DATE == portfolio.SAMPLE_DATE


def test_every_error_says_its_kind_and_exit_status():
    """Every error class the library raises on purpose lives in errors.py and names its own
    kind (``code``, distinct) and exit status (click's model: the error owns its exit code)."""
    import importlib
    import pkgutil

    import amif_rules
    from amif_rules import errors

    for module in pkgutil.walk_packages(amif_rules.__path__, "amif_rules."):
        if module.name.endswith("__main__") or (
            module.name.startswith("amif_rules.engines.durable") and not amif_rules.durable_available()
        ):
            continue  # a __main__ runs the command; durable does not import without durable-rules
        importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    classes = [errors.AmifRulesError, *subclasses(errors.AmifRulesError)]
    assert len(classes) >= 10
    codes = {}
    for cls in classes:
        assert cls.__module__ == "amif_rules.errors", f"{cls.__name__} is defined outside errors.py"
        assert "code" in vars(cls) and "exit_status" in vars(cls), f"{cls.__name__} does not say its code and exit status"
        assert cls.exit_status in (2, 70)
        assert cls.code not in codes, f"{cls.__name__} and {codes.get(cls.code)} share the code {cls.code!r}"
        codes[cls.code] = cls.__name__
