"""The examples in docs/ are run, so that the documentation cannot drift from the code.

Every fenced code block in ``docs/**/*.md`` must open with three backticks at the start of
a line and an info string naming one of the kinds below; a block of any other kind, an
indented fence, an unclosed fence, or a pair that is broken (an application without the
verdict that must follow it, say) fails the test of its file.

==============================  ==============================================================
info string                     what the test does
==============================  ==============================================================
``python``                      doctest: every ``>>>`` example is run and its output compared
                                (``ELLIPSIS`` on). The blocks of one file share one namespace,
                                in order.
``console``                     ``$ command`` lines run in one bash process (``amif-rules`` is
                                this checkout's CLI); the lines after a command are its exact
                                output, standard error included. A line ``...`` stands for
                                any number of lines.
``yaml ruleset``                written to the working directory as ``file=NAME`` (default
                                ``example.yaml``) and loaded from there with
                                ``amif_rules.parse_ruleset``, so that a later block can
                                ``extends:`` it by its id (name the file ``<id>.yaml``); it
                                is the ruleset of the application blocks that follow, and at
                                least one must follow, unless it has ``abstract: true`` (a
                                base, checked only through the rulesets that extend it).
``json application``            checked with ``amif_rules.check(document, ruleset=...,
``yaml application``            engine="python")`` against the last ruleset above; one or
                                more ``text verdict`` blocks must follow.
``text verdict``                the exact ``Verdict.to_text()`` of that check. Options:
                                ``lang=nl|fr|en`` (default ``en``), ``on=YYYY-MM-DD``,
                                ``include=questions,remedies`` (contract §5).
``yaml ruleset-error``          written and loaded like a ``yaml ruleset``, but loading must
                                raise ``RulesetError``; the next block must be a
                                ``text error``: the exact ``str(error)``.
``yaml excerpt from=PATH``      the block must occur verbatim in PATH (relative to the
                                repository root), e.g. a rule of ``rulesets/call-42.yaml``.
``text`` or ``sh``              not run: diagrams and installation commands. Not allowed in
                                ``docs/ruleset-language.md``, where every block is an example.
==============================  ==============================================================

Doctests and console blocks run in a fresh temporary directory that holds copies of
``examples/`` and ``rulesets/``, so they may write files (``my-draft.yaml``) freely; the
ruleset blocks of the file are written there too, so they may also read those.

When durable_rules is available, every application block is also checked with
``engine="durable"`` and must give the same verdict but for the ``engine`` field.
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

import amif_rules

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
EXPECTED_FILES = ("user-guide.md", "ruleset-language.md", "rulesets/call-42.md", "architecture.md", "dependencies.md")
#: Files in which every block must be a tested example (no ``text``/``sh`` illustrations).
ALL_TESTED = ("ruleset-language.md",)

RUN_KINDS = {"python", "console", "yaml ruleset", "yaml ruleset-error", "json application", "yaml application", "yaml excerpt"}
RESULT_KINDS = {"text verdict", "text error"}
ILLUSTRATION_KINDS = {"text", "sh"}
OPTIONS = {
    "yaml ruleset": {"file"},
    "yaml ruleset-error": {"file"},
    "yaml excerpt": {"from"},
    "text verdict": {"lang", "on", "include"},
}


class MalformedDocs(Exception):
    """A block that breaks the convention above."""


@attrs.frozen
class Block:
    kind: str  # "python", "yaml ruleset", ...
    options: dict
    text: str
    line: int  # 1-based line of the opening fence

    def where(self, file: Path) -> str:
        return f"{file.relative_to(ROOT)}:{self.line}"


_FENCE = re.compile(r"^(\s*)(```+|~~~+)(.*)$")


def extract(markdown: str, file: Path) -> list[Block]:
    """Every fenced block of ``markdown``, in order; raises MalformedDocs on a bad fence."""
    blocks: list[Block] = []
    lines = markdown.split("\n")
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if not match:
            index += 1
            continue
        indent, fence, info = match.groups()
        start = index + 1
        where = f"{file.relative_to(ROOT)}:{start}"
        if indent:
            raise MalformedDocs(f"{where}: a fence must start at the beginning of the line")
        if not fence.startswith("```") or len(fence) != 3:
            raise MalformedDocs(f"{where}: open code blocks with exactly three backticks")
        words = info.split()
        if not words:
            raise MalformedDocs(f"{where}: a code block needs an info string (python, console, yaml ruleset, ...)")
        plain = [w for w in words if "=" not in w]
        options = dict(w.split("=", 1) for w in words if "=" in w)
        kind = " ".join(plain)
        if kind not in RUN_KINDS | RESULT_KINDS | ILLUSTRATION_KINDS:
            raise MalformedDocs(f"{where}: unknown kind of block {info.strip()!r}")
        unknown = set(options) - OPTIONS.get(kind, set())
        if unknown:
            raise MalformedDocs(f"{where}: unknown option(s) {', '.join(sorted(unknown))} for a {kind} block")
        body: list[str] = []
        index += 1
        while index < len(lines) and lines[index].strip() != "```":
            if _FENCE.match(lines[index]) and lines[index].strip() != "```":
                raise MalformedDocs(f"{file.relative_to(ROOT)}:{index + 1}: a fence inside a code block")
            body.append(lines[index])
            index += 1
        if index == len(lines):
            raise MalformedDocs(f"{where}: the code block is never closed")
        if lines[index] != "```":
            raise MalformedDocs(f"{file.relative_to(ROOT)}:{index + 1}: close code blocks with ``` at the start of a line")
        blocks.append(Block(kind, options, "\n".join(body) + "\n", start))
        index += 1
    return blocks


# -- running one file ---------------------------------------------------------------------------


def _workdir(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    for name in ("examples", "rulesets"):
        shutil.copytree(ROOT / name, work / name)
    return work


def _durable():
    try:
        return amif_rules.get_engine("durable") if amif_rules.durable_available() else None
    except Exception:  # noqa: BLE001 - an engine that cannot load is simply not compared
        return None


def _without_engine(verdict) -> dict:
    data = verdict.to_dict()
    data.pop("engine")
    return data


class FileRunner:
    def __init__(self, file: Path, work: Path):
        self.file = file
        self.work = work
        self.globs: dict = {"__name__": f"docs:{file.name}"}
        self.failures: list[str] = []

    def fail(self, block: Block, message: str) -> None:
        self.failures.append(f"{block.where(self.file)}: {message}")

    def run(self, blocks: list[Block]) -> None:
        if self.file.relative_to(DOCS).as_posix() in ALL_TESTED:
            for block in blocks:
                if block.kind in ILLUSTRATION_KINDS:
                    raise MalformedDocs(
                        f"{block.where(self.file)}: every block of this file must be a tested example, not {block.kind!r}"
                    )
        ruleset = None
        ruleset_block = None
        applications_after_ruleset = 0
        index = 0
        while index < len(blocks):
            block = blocks[index]
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if block.kind in RESULT_KINDS:
                raise MalformedDocs(f"{block.where(self.file)}: a {block.kind} block must follow the block it is the result of")
            if block.kind == "python":
                self.doctest(block)
            elif block.kind == "console":
                self.console(block)
            elif block.kind == "yaml excerpt":
                self.excerpt(block)
            elif block.kind == "yaml ruleset":
                if ruleset_block is not None and applications_after_ruleset == 0:
                    raise MalformedDocs(
                        f"{ruleset_block.where(self.file)}: a ruleset example needs at least one application block after it"
                    )
                ruleset_block, applications_after_ruleset = block, 0
                try:
                    ruleset = self.load(block)
                except amif_rules.RulesetError as error:
                    ruleset = None
                    self.fail(block, f"the ruleset does not load:\n{error}")
                if ruleset is not None and ruleset.abstract:
                    ruleset_block = None  # a base: the rulesets that extend it are the examples
            elif block.kind == "yaml ruleset-error":
                self.need(block, following, "text error")
                self.ruleset_error(block, following)
                index += 1
            elif block.kind in ("json application", "yaml application"):
                self.need(block, following, "text verdict")
                if ruleset_block is None and ruleset is None:
                    raise MalformedDocs(f"{block.where(self.file)}: an application block needs a yaml ruleset block above it")
                applications_after_ruleset += 1
                while index + 1 < len(blocks) and blocks[index + 1].kind == "text verdict":
                    if ruleset is not None:
                        self.application(block, blocks[index + 1], ruleset)
                    index += 1
            index += 1
        if ruleset_block is not None and applications_after_ruleset == 0:
            raise MalformedDocs(
                f"{ruleset_block.where(self.file)}: a ruleset example needs at least one application block after it"
            )

    def load(self, block: Block):
        """Write a ruleset block to the working directory and load it from there (so that the
        rulesets it ``extends`` are found beside it, as for a file)."""
        name = block.options.get("file", "example.yaml")
        if Path(name).name != name:
            raise MalformedDocs(f"{block.where(self.file)}: file= is a plain file name, got {name!r}")
        path = self.work / name
        path.write_text(block.text, encoding="utf-8")
        return amif_rules.parse_ruleset(block.text, str(path))

    def need(self, block: Block, following: Block | None, kind: str) -> None:
        if following is None or following.kind != kind:
            raise MalformedDocs(f"{block.where(self.file)}: a {block.kind} block must be followed by a {kind} block")

    # the kinds
    def doctest(self, block: Block) -> None:
        if ">>>" not in block.text:
            raise MalformedDocs(f"{block.where(self.file)}: a python block must be a doctest (>>> lines)")
        parser = doctest.DocTestParser()
        test = parser.get_doctest(block.text, self.globs, f"{self.file.name}:{block.line}", str(self.file), block.line)
        out: list[str] = []
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        previous = Path.cwd()
        os.chdir(self.work)
        try:
            runner.run(test, out=out.append, clear_globs=False)
        finally:
            os.chdir(previous)
        self.globs.update(test.globs)
        if runner.failures:
            self.fail(block, "doctest failed:\n" + "".join(out))

    def console(self, block: Block) -> None:
        commands: list[tuple[str, list[str]]] = []
        for line in block.text.rstrip("\n").split("\n"):
            if line.startswith("$ "):
                commands.append((line[2:], []))
            elif not commands:
                raise MalformedDocs(f"{block.where(self.file)}: a console block starts with a '$ ' command line")
            else:
                commands[-1][1].append(line)
        package_root = str(Path(amif_rules.__file__).resolve().parents[1])
        script = ["exec 2>&1", f'amif-rules() {{ {_quote(sys.executable)} -m amif_rules.cli "$@"; }}']
        for number, (command, _) in enumerate(commands):
            script.append(f"__status=$?; printf '\\n@@command {number}@@\\n'; (exit $__status)")
            script.append(command)
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])),
            COLUMNS="80",
            LC_ALL="C.UTF-8",
            PYTHONIOENCODING="utf-8",
        )
        result = subprocess.run(
            ["bash", "-c", "\n".join(script)], cwd=self.work, env=env, capture_output=True, text=True, timeout=300
        )
        pieces = re.split(r"\n?@@command (\d+)@@\n", "\n" + result.stdout)
        outputs = {int(pieces[i]): pieces[i + 1] for i in range(1, len(pieces) - 1, 2)}
        for number, (command, expected) in enumerate(commands):
            actual = outputs.get(number)
            if actual is None:
                self.fail(block, f"$ {command}: did not run (output so far:\n{result.stdout})")
                continue
            if not _lines_match(expected, actual.rstrip("\n").split("\n") if actual.strip() else []):
                self.fail(block, f"$ {command}\nexpected:\n" + "\n".join(expected) + "\ngot:\n" + actual)

    def excerpt(self, block: Block) -> None:
        source = block.options.get("from")
        if not source:
            raise MalformedDocs(f"{block.where(self.file)}: a yaml excerpt names its file: yaml excerpt from=PATH")
        text = (ROOT / source).read_text(encoding="utf-8")
        if block.text not in text:
            self.fail(block, f"this excerpt is not (or no longer) in {source}:\n{block.text}")

    def ruleset_error(self, block: Block, expected: Block) -> None:
        try:
            self.load(block)
        except amif_rules.RulesetError as error:
            if str(error) != expected.text.rstrip("\n"):
                self.fail(block, f"expected the error:\n{expected.text}got:\n{error}")
            # Every documented loading error carries its own lint code (docs/lint.md), not the catch-all.
            for problem in error.problems:
                if problem.code == "AR199":
                    self.fail(block, f"this error has no lint code of its own (AR199): {problem.message}")
        else:
            self.fail(block, "the ruleset loads, but the documentation says it does not")

    def application(self, block: Block, expected: Block, ruleset) -> None:
        import datetime as dt

        lang = expected.options.get("lang", "en")
        on = dt.date.fromisoformat(expected.options["on"]) if "on" in expected.options else None
        include = expected.options.get("include")
        try:
            verdict = amif_rules.check(block.text, ruleset=ruleset, engine="python", lang=lang, on=on, include=include)
        except amif_rules.AmifRulesError as error:
            self.fail(block, f"the check raised {type(error).__name__}: {error}")
            return
        if verdict.to_text() != expected.text.rstrip("\n"):
            self.fail(expected, f"expected:\n{expected.text}got:\n{verdict.to_text()}")
        durable = _durable()
        if durable is not None:
            other = amif_rules.check(block.text, ruleset=ruleset, engine="durable", lang=lang, on=on, include=include)
            if _without_engine(other) != _without_engine(verdict):
                self.fail(block, "the durable engine gives another verdict than the built-in one")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _lines_match(expected: list[str], actual: list[str]) -> bool:
    """Line by line (trailing spaces ignored); a line ``...`` matches any number of lines."""
    pattern = "".join("(?:[^\n]*\n)*?" if line == "..." else re.escape(line.rstrip()) + "\n" for line in expected)
    return re.fullmatch(pattern, "".join(line.rstrip() + "\n" for line in actual)) is not None


# -- the tests ----------------------------------------------------------------------------------


def doc_files() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def test_the_documents_exist():
    for name in EXPECTED_FILES:
        assert (DOCS / name).is_file(), f"docs/{name} is missing"


@pytest.mark.parametrize("file", doc_files(), ids=lambda p: p.relative_to(DOCS).as_posix())
def test_examples(file: Path, tmp_path: Path):
    blocks = extract(file.read_text(encoding="utf-8"), file)
    runner = FileRunner(file, _workdir(tmp_path))
    runner.run(blocks)
    assert not runner.failures, "\n\n".join(runner.failures)


def test_every_ruleset_language_block_is_an_example():
    file = DOCS / "ruleset-language.md"
    blocks = extract(file.read_text(encoding="utf-8"), file)
    kinds = {block.kind for block in blocks}
    assert kinds <= RUN_KINDS | RESULT_KINDS
    assert {"yaml ruleset", "json application", "text verdict", "yaml ruleset-error", "python"} <= kinds


# -- the convention itself is enforced ----------------------------------------------------------

_MALFORMED = {
    "no info string": "```\nx\n```\n",
    "unknown kind": "```ruby\nx\n```\n",
    "unknown option": "```yaml ruleset color=red\nid: x\n```\n",
    "indented fence": "  ```python\n>>> 1\n1\n  ```\n",
    "unclosed": "```python\n>>> 1\n1\n",
    "four backticks": "````python\n>>> 1\n1\n````\n",
}

_BROKEN_PAIRS = {
    "verdict alone": "```text verdict\nx\n```\n",
    "application without verdict": "```json application\n{}\n```\n",
    "application without ruleset": "```json application\n{}\n```\n\n```text verdict\nx\n```\n",
    "ruleset without application": "```yaml ruleset\nid: x\n```\n",
    "error without its text": "```yaml ruleset-error\nid: x\n```\n",
    "python without doctest": "```python\nprint(1)\n```\n",
    "console without command": "```console\nhello\n```\n",
}


@pytest.mark.parametrize("text", list(_MALFORMED.values()), ids=list(_MALFORMED))
def test_malformed_fences_are_refused(text: str):
    with pytest.raises(MalformedDocs):
        extract(text, DOCS / "example.md")


@pytest.mark.parametrize("text", list(_BROKEN_PAIRS.values()), ids=list(_BROKEN_PAIRS))
def test_broken_blocks_are_refused(text: str, tmp_path: Path):
    file = DOCS / "example.md"
    with pytest.raises(MalformedDocs):
        FileRunner(file, tmp_path).run(extract(text, file))


def test_a_wrong_expected_verdict_fails(tmp_path: Path):
    text = (
        "```yaml ruleset\n"
        'id: tiny\nversion: "1"\ntitle: {nl: t, fr: t, en: t}\nsource: s.txt\n'
        "rules:\n  - id: signed\n    check: form.signed\n    source: 's.txt, Info: \"ondertekend\"'\n"
        '    messages: {pass: {nl: ja, fr: oui, en: "yes"}, fail: {nl: nee, fr: non, en: "no"}}\n'
        "```\n\n"
        '```json application\n{"form": {"signed": true}}\n```\n\n'
        "```text verdict\ntiny (version 1): INELIGIBLE\n```\n"
    )
    file = DOCS / "example.md"
    runner = FileRunner(file, tmp_path)
    runner.run(extract(text, file))
    assert len(runner.failures) == 1 and "ELIGIBLE" in runner.failures[0]


def test_a_base_needs_no_application_and_the_next_block_extends_it(tmp_path: Path):
    rule = (
        "rules:\n  - id: signed\n    check: form.signed\n    source: 's.txt, Info: \"ondertekend\"'\n"
        '    messages: {pass: {nl: ja, fr: oui, en: "yes"}, fail: {nl: nee, fr: non, en: "no"}}\n'
    )
    text = (
        "```yaml ruleset file=tiny-base.yaml\n"
        'id: tiny-base\nversion: "1"\nabstract: true\ntitle: {nl: b, fr: b, en: b}\nsource: s.txt\n' + rule + "```\n\n"
        "```yaml ruleset file=tiny.yaml\n"
        'id: tiny\nversion: "2"\nextends: tiny-base\ntitle: {nl: t, fr: t, en: t}\n'
        "rules:\n  - id: signed\n    severity: warning\n"
        "```\n\n"
        '```json application\n{"form": {"signed": false}}\n```\n\n'
        '```text verdict\ntiny (version 2): ELIGIBLE\n  ✘ signed (warning): no\n      s.txt, Info: "ondertekend"\n```\n'
    )
    file = DOCS / "example.md"
    runner = FileRunner(file, tmp_path)
    runner.run(extract(text, file))
    assert runner.failures == []
    assert (tmp_path / "tiny-base.yaml").is_file()


def test_ellipsis_in_console_output():
    assert _lines_match(["a", "...", "d"], ["a", "b", "c", "d"])
    assert _lines_match(["a", "...", "d"], ["a", "d"])
    assert not _lines_match(["a", "d"], ["a", "b", "d"])
