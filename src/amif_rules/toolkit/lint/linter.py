"""One file being linted: what is known of it (its text, raw view, extends chain, loaded
ruleset) and its findings as they are gathered; and the checks of the file itself, its
schema (AR002) and what the loader reports (AR0xx/AR1xx).
"""

from __future__ import annotations

from pathlib import Path

from ...errors import RulesetError, RulesetProblem
from ...ruleset import Ruleset, parse_ruleset
from .findings import CODES, Finding
from .raw import RawFile, read_chain, read_raw
from .schemacheck import schema_findings


class Linter:
    """One file's findings, gathered step by step (see :func:`~.run.lint`)."""

    def __init__(self, name: str, path: Path | None, ruleset: Ruleset | None, text: str | None, verbose: bool, sources, examples):
        self.name = name
        self.path = path
        self.ruleset = ruleset
        self.text = text
        self.verbose = verbose
        self.sources = Path(sources) if sources is not None else None
        self.examples = Path(examples) if examples is not None else None
        self.findings: list[Finding] = []
        self.chain: list[RawFile] = []

    def add(self, code: str, message: str, location: str | None = None, severity: str | None = None, **more) -> None:
        self.findings.append(Finding(code, severity or CODES[code][0], message, location, **more))

    def read(self) -> RawFile | None:
        """The file's text and raw view, and the files of its extends chain."""
        if self.text is None and self.path is not None:
            try:
                self.text = self.path.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                self.text = None
        raw = read_raw(self.text, self.name, self.path) if self.text is not None else None
        self.chain = read_chain(raw) if raw is not None and isinstance(raw.data, dict) else ([raw] if raw else [])
        return raw

    def schema_findings(self, raw: RawFile | None) -> None:
        for code, message, location in schema_findings(raw, self.name):
            self.add(code, message, location)

    def load(self) -> None:
        try:
            self.ruleset = parse_ruleset(self.text if self.text is not None else self._bytes(), self.name)
        except (ValueError, RecursionError) as error:  # the loader should say RulesetError; say what it said
            self.add("AR199", f"the ruleset cannot be loaded ({type(error).__name__}: {error})", self.name)
        except RulesetError as error:
            for problem in error.problems:
                self.add(problem.code, problem.message, self.locate(problem), hint=problem.hint)
            # A schema finding on a line the loader already explains says the same thing twice;
            # and when the file is not even a ruleset mapping, the schema has nothing to add.
            if any(f.code == "AR001" for f in self.findings):
                self.findings = [f for f in self.findings if f.code != "AR002"]
            lines = {f.location for f in self.findings if f.code != "AR002"}
            lines = {loc.rsplit(":", 1)[0] if loc.count(":") >= 2 else loc for loc in lines if loc}
            self.findings = [f for f in self.findings if f.code != "AR002" or (f.location or "").rsplit(":", 1)[0] not in lines]

    def _bytes(self) -> bytes:
        """The file as it is, when it is not UTF-8 text (the loader says so)."""
        assert self.path is not None  # only a file given by its path is loaded here
        return self.path.read_bytes()

    def locate(self, problem: RulesetProblem) -> str:
        """Where a loader problem is, with the file named as the linter names it."""
        location = problem.location
        file = location.file
        names = {raw.path.name: raw.name for raw in self.chain if raw.path is not None}
        if self.path is not None:
            names.setdefault(self.path.name, self.name)
        file = names.get(file, self.name if file == Path(self.name).name else file)
        return str(type(location)(file, location.line, location.column))
