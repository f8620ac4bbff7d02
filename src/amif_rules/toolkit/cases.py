"""Ruleset tests in YAML: ``<ruleset-id>.tests.yaml`` files, their cases, and a runner.

A tests file sits beside the ruleset it tests (``rulesets/call-42.tests.yaml`` tests
``rulesets/call-42.yaml``). It names example applications (inline, or a file relative to the
tests file) and lists cases: an application (inline, or an example with a ``patch:`` of
dotted paths), optionally a date (``on:``) and a language, and what the verdict must say:
its ``outcome``, optionally the outcome of given ``rules`` (per list element too) and the
``missing`` paths. See docs/ruleset-tests.md for the format.

Loading reads the whole file with a safe YAML loader, keeping where every value came from,
and reports every problem at once as ``file:line:column: what is wrong`` with a hint, like a
ruleset. Every case's application is built and validated when the file loads, so a bad
patch is a loading error that points at the patch, not a failure at run time.

:func:`run_case` / :func:`run_file` / :func:`run_paths` check each case on an engine
(``auto``, ``durable``, ``python``, or ``both``: both engines, whose verdicts must then be
identical) and return structured results; :func:`report_text` renders them, with, for each
failure, the expectation that failed, the rule, its outcome, its message and the values it
read.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import re
from pathlib import Path
from decimal import Decimal
from typing import Any, Iterable, Optional, Sequence

import attrs
import yaml

from .. import api
from ..api import check
from ..documents import parse_json, parse_text, parse_yaml, read_application
from ..engines import TEST_ENGINE_CHOICES
from ..errors import AmifRulesError, EngineUnavailable, InputError, Location, RulesetError, RulesetProblem
from ..facts import Facts
from ..ruleset import LANGUAGES, OUTCOMES, Ruleset, load_ruleset
from ..verdict import RuleResult, Verdict
from ..yamlsafe import strict_loader

__all__ = [
    "ENGINE_CHOICES", "VERDICT_OUTCOMES", "RULE_OUTCOMES", "SUFFIX",
    "Case", "CaseResult", "Failure", "FileResult", "RuleExpectation", "Run", "TestsFile", "TestsFileError",
    "apply_patch", "explain", "find_tests", "load_tests", "parse_tests", "report_json", "report_text",
    "run_case", "run_file", "run_paths",
]

#: The name every tests file ends with.
SUFFIX = ".tests.yaml"
VERDICT_OUTCOMES = ("eligible", "ineligible", "incomplete")
RULE_OUTCOMES = OUTCOMES  # pass, fail, unknown, not_applicable
#: ``both`` runs the built-in engine and durable-rules and requires identical verdicts.
ENGINE_CHOICES = TEST_ENGINE_CHOICES
MARKS = {True: "✔", False: "✘"}

_TOP_KEYS = ("ruleset", "description", "lang", "examples", "cases")
_CASE_KEYS = ("name", "description", "application", "example", "file", "patch", "on", "lang", "outcome", "rules",
              "missing")
#: An example given by reference: a document file or another example, optionally patched.
_EXAMPLE_KEYS = ("file", "example", "patch", "description")
_EXPECTATION_KEYS = ("outcome", "message")
_LISTS = ("partners", "participants")
_RULE_KEY = re.compile(r"^(?P<rule>[a-z0-9]+(?:-[a-z0-9]+)*)(?:\[(?P<item>[a-z_]+\[[0-9]+\])\])?$")
_ITEM = re.compile(r"^(?P<list>[a-z_]+)\[(?P<index>[0-9]+)\]$")
_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(-?[0-9]+)\]")
_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[-?[0-9]+\])*(\.[A-Za-z_][A-Za-z0-9_]*(\[-?[0-9]+\])*)*$")
_MAX_TESTS_BYTES = 2_000_000


class TestsFileError(AmifRulesError):
    """A tests file cannot be loaded. ``problems`` lists every problem, each located."""

    __test__ = False  # not a pytest test class, despite its name

    def __init__(self, problems: Iterable[RulesetProblem]):
        self.problems: tuple[RulesetProblem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# -- the loaded form ---------------------------------------------------------------------------


@attrs.frozen
class RuleExpectation:
    """``rules: {rule-id: outcome}`` or ``rule-id[partners[1]]: outcome``; optionally a
    ``message`` the rule's message must contain."""

    rule: str
    item: Optional[str]
    outcome: str
    message: Optional[str]
    location: Location

    @property
    def label(self) -> str:
        return f"{self.rule}[{self.item}]" if self.item else self.rule


@attrs.frozen(eq=False)
class Case:
    """One case: an application and what its verdict must say."""

    __test__ = False

    name: str
    location: Location
    document: dict = attrs.field(repr=False)
    outcome: str
    rules: tuple[RuleExpectation, ...] = ()
    missing: Optional[tuple[str, ...]] = None
    on: Optional[dt.date] = None
    lang: str = "nl"
    description: Optional[str] = None
    #: Where the application came from: "inline", "example NAME" or "file PATH", with a patch or not.
    origin: str = "inline"


@attrs.frozen(eq=False)
class TestsFile:
    """A loaded tests file: the ruleset it tests and its cases."""

    __test__ = False

    path: Path
    display: str
    ruleset: Ruleset = attrs.field(repr=False)
    ruleset_path: Path
    cases: tuple[Case, ...]
    description: Optional[str] = None

    def case(self, name: str) -> Case:
        for case in self.cases:
            if case.name == name:
                return case
        raise KeyError(name)


# -- YAML with positions -------------------------------------------------------------------------

_Loader = strict_loader("a tests file")
_COLLECTIONS = {yaml.MappingNode: "tag:yaml.org,2002:map", yaml.SequenceNode: "tag:yaml.org,2002:seq"}
_SCALARS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
            "tag:yaml.org,2002:null"}


class _Builder:
    """Composed YAML → plain values, remembering the line and column of every value and key.

    Keys are taken as written (``on:`` stays the text "on", not YAML 1.1's true).
    """

    def __init__(self, display: str, problems: list):
        self.display = display
        self.problems = problems
        self.marks: dict[tuple, tuple[int, int]] = {}
        self.loader = _Loader("")

    def build(self, node: yaml.Node, path: tuple = ()) -> Any:
        self.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        expected = _COLLECTIONS.get(type(node))
        if expected is not None and node.tag != expected:
            self.add(path, f"the YAML tag {node.tag} is not allowed in a tests file", "remove the tag (the part starting with !)")
            return None
        if isinstance(node, yaml.MappingNode):
            result: dict = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.add(path, "keys must be plain names", location=key_node.start_mark)
                    continue
                key = key_node.value
                if key in result:
                    self.add(path, f"the key {key!r} appears twice", "keep one of them", location=key_node.start_mark)
                    continue
                self.marks[path + (key, "<key>")] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                result[key] = self.build(value_node, path + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, path + (index,)) for index, child in enumerate(node.value)]
        if node.tag not in _SCALARS:
            self.add(path, f"the YAML tag {node.tag} is not allowed in a tests file", "remove the tag (the part starting with !)")
            return None
        return self.loader.construct_object(node)

    def location(self, path: tuple) -> Location:
        probe = path
        while probe and probe not in self.marks:
            probe = probe[:-1]
        mark = self.marks.get(probe)
        return Location(self.display, *mark) if mark else Location(self.display)

    def key_location(self, path: tuple) -> Location:
        return self.location(path + ("<key>",)) if path + ("<key>",) in self.marks else self.location(path)

    def add(self, path: tuple, message: str, hint: Optional[str] = None, location: Any = None) -> None:
        if location is None:
            where = self.location(path)
        elif isinstance(location, Location):
            where = location
        else:
            where = Location(self.display, location.line + 1, location.column + 1)
        self.problems.append(RulesetProblem(where, message, hint))


def _compose(text: str, display: str) -> Any:
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        location = Location(display, mark.line + 1, mark.column + 1) if mark else Location(display)
        hint = "check the indentation and quoting around this place"
        if "but got '['" in str(error.problem):
            hint = ("inside [...] or {...}, a path with [n] must be quoted: write 'participants[1].residence'; "
                    "or write the list one '- path' per line")
        raise TestsFileError([RulesetProblem(location, f"not valid YAML: {error.problem or error}", hint)]) from None
    except (yaml.YAMLError, RecursionError) as error:
        raise TestsFileError([RulesetProblem(Location(display), f"not valid YAML: {error}")]) from None


# -- patches -------------------------------------------------------------------------------------


class PatchError(ValueError):
    """A patch path that cannot be applied to the document, with a hint."""

    def __init__(self, message: str, hint: Optional[str] = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


def parse_path(text: str) -> tuple:
    """``partners[0].municipality.population`` → ``("partners", 0, "municipality", "population")``."""
    if not isinstance(text, str) or not _PATH.match(text):
        raise PatchError(f"not a field path: {text!r}",
                         "write names joined by dots, with [n] for the n-th element counting from 0, e.g. partners[0].role")
    return tuple(int(index) if index else name for name, index in _SEGMENT.findall(text))


def _render_path(segments: Sequence) -> str:
    text = ""
    for segment in segments:
        text += f"[{segment}]" if isinstance(segment, int) else (f".{segment}" if text else segment)
    return text


def apply_patch(document: dict, path: str, value: Any) -> None:
    """Set ``path`` of ``document`` to ``value`` in place; ``None`` (``~`` in YAML) removes it.

    Missing objects on the way are created. ``[n]`` indexes a list from 0 (``[-1]``: the
    last element); setting index ``n`` equal to the list's length appends an element;
    ``partners[1]: ~`` removes the element (the next ones move up).
    """
    segments = parse_path(path)
    target: Any = document
    for depth, segment in enumerate(segments[:-1]):
        here = _render_path(segments[:depth + 1])
        following = segments[depth + 1]
        if isinstance(segment, int):
            target = _element(target, segment, segments[:depth + 1])
        else:
            if not isinstance(target, dict):
                raise PatchError(f"{_render_path(segments[:depth]) or 'the document'} is not an object, so it has no field {segment!r}")
            if target.get(segment) is None:
                if isinstance(following, int):
                    raise PatchError(f"{here} is not in the application, so it has no element [{following}]",
                                     f"set the whole list instead, e.g. {here}: [{{...}}]")
                if value is None:
                    return  # removing inside something absent: nothing to do
                target[segment] = {}
            target = target[segment]
    last = segments[-1]
    if isinstance(last, int):
        if not isinstance(target, list):
            raise PatchError(f"{_render_path(segments[:-1])} is not a list")
        if value is None:
            del target[_index(target, last, segments)]
        elif last == len(target):
            target.append(copy.deepcopy(value))
        else:
            target[_index(target, last, segments)] = copy.deepcopy(value)
        return
    if not isinstance(target, dict):
        raise PatchError(f"{_render_path(segments[:-1]) or 'the document'} is not an object, so it has no field {last!r}")
    if value is None:
        target.pop(last, None)
    else:
        target[last] = copy.deepcopy(value)


def _index(items: list, index: int, segments: Sequence) -> int:
    if -len(items) <= index < len(items):
        return index % len(items)
    name = _render_path(segments[:-1])
    raise PatchError(f"{name} has {len(items)} element{'s' if len(items) != 1 else ''}, so {_render_path(segments)} "
                     "does not exist", f"elements are counted from 0; {name}[{len(items)}] adds one at the end")


def _element(target: Any, index: int, segments: Sequence) -> Any:
    if not isinstance(target, list):
        raise PatchError(f"{_render_path(segments[:-1])} is not a list")
    return target[_index(target, index, segments)]


# -- loading -----------------------------------------------------------------------------------------


def find_tests(paths: Iterable[str | Path]) -> list[Path]:
    """The tests files named by ``paths``: files as given, folders searched (recursively) for
    ``*.tests.yaml``; sorted by name within a folder. Raises ``FileNotFoundError`` for a path
    that does not exist."""
    found: list[Path] = []
    for entry in paths:
        path = Path(entry)
        if path.is_dir():
            found.extend(sorted(path.rglob("*" + SUFFIX)))
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"no such file or folder: {entry}")
    unique: dict[Path, None] = {}
    for path in found:
        unique.setdefault(path, None)
    return list(unique)


def load_tests(path: str | Path, display: Optional[str] = None) -> TestsFile:
    """Load and check one tests file; raises :class:`TestsFileError` listing every problem."""
    file = Path(path)
    shown = display if display is not None else str(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise TestsFileError([RulesetProblem(Location(shown), f"cannot read the tests file: {error.strerror}")]) from None
    return parse_tests(data, file, shown)


def parse_tests(data: str | bytes, path: str | Path, display: Optional[str] = None) -> TestsFile:
    """Load a tests file from its text; ``path`` locates the ruleset and example files
    (relative to its folder), ``display`` names it in messages (default: ``path``)."""
    file = Path(path)
    shown = display if display is not None else str(path)
    if len(data) > _MAX_TESTS_BYTES:
        raise TestsFileError([RulesetProblem(Location(shown), f"tests file larger than {_MAX_TESTS_BYTES:,} bytes",
                                             "split it into several files")])
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise TestsFileError([RulesetProblem(Location(shown), f"not valid UTF-8 (byte {error.start})",
                                                 "save the file as UTF-8")]) from None
    else:
        text = data
    node = _compose(text, shown)
    if node is None:
        raise TestsFileError([RulesetProblem(Location(shown), "the tests file is empty",
                                             "start with cases: a list of cases, each with name:, an application and outcome:")])
    problems: list[RulesetProblem] = []
    builder = _Builder(shown, problems)
    try:
        raw = builder.build(node)
    except RecursionError:
        raise TestsFileError([RulesetProblem(Location(shown), "nested too deeply")]) from None
    result = _Reader(builder, file).tests_file(raw)
    if problems:
        raise TestsFileError(problems)
    assert result is not None
    return result


class _Reader:
    def __init__(self, builder: _Builder, file: Path):
        self.b = builder
        self.file = file
        self.folder = file.resolve().parent
        self._examples: dict[str, tuple[Any, tuple]] = {}
        self._resolved: dict[str, Optional[dict]] = {}

    def unknown_keys(self, data: dict, allowed: Sequence[str], path: tuple, what: str) -> None:
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                self.b.add(path, f"unknown key {key!r} in {what}",
                           f"did you mean {close[0]!r}?" if close else "allowed keys: " + ", ".join(allowed),
                           location=self.b.key_location(path + (key,)))

    def tests_file(self, raw: Any) -> Optional[TestsFile]:
        if not isinstance(raw, dict):
            self.b.add((), "a tests file is a mapping with examples: and cases:",
                       "start with cases: and a list of cases, each with name:, an application and outcome:")
            return None
        self.unknown_keys(raw, _TOP_KEYS, (), "the tests file")
        description = self.text(raw.get("description"), ("description",), "description")
        default_lang = self.lang(raw.get("lang"), ("lang",)) if raw.get("lang") is not None else "nl"
        ruleset, ruleset_path = self.ruleset(raw.get("ruleset"))
        examples = self.examples(raw.get("examples"))
        for name, (_, path) in examples.items():  # every example is checked, used or not
            self.example(name, path)
        cases = self.cases(raw.get("cases"), examples, ruleset, default_lang or "nl")
        if ruleset is None or cases is None or self.b.problems:
            return None
        return TestsFile(self.file, self.b.display, ruleset, ruleset_path, tuple(cases), description)

    # helpers
    def text(self, value: Any, path: tuple, what: str) -> Optional[str]:
        if value is None:
            return None
        if not isinstance(value, str):
            self.b.add(path, f"{what} must be text", f"write {what}: \"...\"")
            return None
        return value

    def lang(self, value: Any, path: tuple) -> Optional[str]:
        if value not in LANGUAGES:
            self.b.add(path, f"lang must be one of {', '.join(LANGUAGES)}, got {value!r}", "write lang: nl, lang: fr or lang: en")
            return None
        return value

    # the ruleset
    def ruleset(self, value: Any) -> tuple[Optional[Ruleset], Path]:
        if value is None:
            name = self.file.name
            if not name.endswith(SUFFIX):
                self.b.add((), f"cannot tell which ruleset {name} tests",
                           f"add ruleset: <file>.yaml (relative to this file), or name this file <ruleset-file>{SUFFIX}")
                return None, self.folder
            candidate = self.folder / (name[: -len(SUFFIX)] + ".yaml")
            where: tuple = ()
            hint = (f"put {candidate.name} beside this file, or name the ruleset with ruleset: <file>.yaml "
                    "(relative to this file)")
        else:
            if not isinstance(value, str) or not value.strip():
                self.b.add(("ruleset",), "ruleset: names the ruleset file, relative to this tests file",
                           "for example ruleset: call-42.yaml")
                return None, self.folder
            candidate = (self.folder / value).resolve()
            where = ("ruleset",)
            hint = "the path is relative to the folder of this tests file, e.g. ruleset: call-42.yaml"
        if not candidate.is_file():
            self.b.add(where, f"no ruleset file {candidate.name} {'beside this tests file' if value is None else 'at ' + str(value)}",
                       hint, location=Location(self.b.display, 1, 1) if not where else None)
            return None, candidate
        try:
            return load_ruleset(candidate), candidate
        except RulesetError as error:
            details = "\n".join("    " + line for line in str(error).split("\n"))
            self.b.add(where, f"the ruleset {candidate.name} does not load:\n{details}",
                       "fix the ruleset first (amif-rules check --ruleset loads it too)",
                       location=Location(self.b.display, 1, 1) if not where else None)
            return None, candidate

    # examples
    def examples(self, data: Any) -> dict[str, tuple[Any, tuple]]:
        """name -> (spec, path); resolved lazily (an example may build on another)."""
        if data is None:
            return {}
        if not isinstance(data, dict):
            self.b.add(("examples",), "examples: is a mapping of name: {file: ...} or name: {an application}",
                       "for example examples: {antwerpen: {file: ../examples/call-42-eligible-antwerpen.json}}")
            return {}
        result = {}
        for name, spec in data.items():
            if not isinstance(spec, dict):
                self.b.add(("examples", name), f"example {name!r} must be a mapping: {{file: ...}}, an application, "
                           "or {example: ..., patch: ...}", "for example file: ../examples/call-42-eligible-antwerpen.json")
                continue
            result[name] = (spec, ("examples", name))
        self._examples = result
        return result

    def example(self, name: str, path: tuple, resolving: tuple = ()) -> Optional[dict]:
        """The document of example ``name`` (a fresh copy), or None after reporting a problem."""
        examples = self._examples
        if name not in examples:
            close = difflib.get_close_matches(str(name), list(examples), n=1)
            self.b.add(path, f"no example named {name!r}",
                       f"did you mean {close[0]!r}?" if close else
                       ("examples: " + ", ".join(examples) if examples else "add it under examples: at the top of the file"))
            return None
        if name in self._resolved:
            document = self._resolved[name]
            return copy.deepcopy(document) if document is not None else None
        if name in resolving:
            self.b.add(path, f"example {name!r} builds on itself (through {' -> '.join(resolving + (name,))})",
                       "let it build on another example, or give its application in full")
            self._resolved[name] = None
            return None
        spec, spec_path = examples[name]
        document: Optional[dict]
        if "file" in spec or "example" in spec:
            # A reference (a file, or another example), optionally patched.
            self.unknown_keys(spec, _EXAMPLE_KEYS, spec_path, f"example {name!r}")
            if "file" in spec and "example" in spec:
                self.b.add(spec_path, f"example {name!r} has both file: and example:", "keep one",
                           location=self.b.key_location(spec_path + ("example",)))
                document = None
            elif "file" in spec:
                document = self.document_file(spec.get("file"), spec_path + ("file",))
            else:
                base = spec["example"]
                if not isinstance(base, str):
                    self.b.add(spec_path + ("example",), "example: names another example", "for example example: antwerpen")
                    document = None
                else:
                    document = self.example(base, spec_path + ("example",), resolving + (name,))
            if document is not None:
                document = self.patched(document, spec.get("patch"), spec_path + ("patch",))
        else:
            document = copy.deepcopy(spec)
        if document is not None and not self.valid(document, spec_path, f"example {name!r}", spec.get("patch"),
                                                   spec_path + ("patch",)):
            document = None
        self._resolved[name] = document
        return copy.deepcopy(document) if document is not None else None

    def document_file(self, value: Any, path: tuple) -> Optional[dict]:
        if not isinstance(value, str) or not value.strip():
            self.b.add(path, "file: is the path of an application document (JSON or YAML), relative to this tests file",
                       "for example file: ../examples/call-42-eligible-antwerpen.json")
            return None
        target = self.folder / value
        try:
            data = target.read_bytes()
        except OSError as error:
            self.b.add(path, f"cannot read {value}: {error.strerror}",
                       f"the path is relative to the folder of this tests file ({self.folder.name}/)")
            return None
        try:
            suffix = target.suffix.lower()
            document = parse_json(data) if suffix == ".json" else parse_yaml(data) if suffix in (".yaml", ".yml") else parse_text(data)
        except InputError as error:
            self.b.add(path, f"{value} is not a readable application document: "
                       + "; ".join(p.message for p in error.problems))
            return None
        if not isinstance(document, dict):
            self.b.add(path, f"{value} is not an application document (an object with call:, applicant:, ...)")
            return None
        return document

    def patched(self, document: dict, patch: Any, path: tuple) -> Optional[dict]:
        if patch is None:
            return document
        if not isinstance(patch, dict):
            self.b.add(path, "patch: is a mapping of field path: new value",
                       "under patch:, write one field path and its value per line, e.g. partners[0].role: other")
            return None
        ok = True
        for key, value in patch.items():
            try:
                apply_patch(document, key, value)
            except PatchError as error:
                self.b.add(path + (key,), f"cannot apply {key}: {error.message}", error.hint,
                           location=self.b.key_location(path + (key,)))
                ok = False
        return document if ok else None

    def valid(self, document: dict, path: tuple, what: str, patch: Any, patch_path: tuple) -> bool:
        """Whether the application is a valid document; its problems are reported at the
        patch entry that wrote the bad field, or at the application."""
        try:
            read_application(document)
        except InputError as error:
            for problem in error.problems:
                where = path
                try:  # in an application written out in this file: the line of the bad field
                    where = path + parse_path(problem.path) if problem.path else path
                except PatchError:
                    pass
                if isinstance(patch, dict):
                    for key in patch:
                        try:
                            written = _render_path(parse_path(key))
                        except PatchError:
                            continue
                        if problem.path == written or problem.path.startswith(written + ".") or problem.path.startswith(written + "["):
                            where = patch_path + (key,)
                location = self.b.key_location(where) if where[:len(patch_path)] == patch_path else None
                self.b.add(where, f"{what}: the application is not valid: {problem}",
                           "a case needs a valid application; null (~) leaves a field out", location=location)
            return False
        except AmifRulesError as error:  # pragma: no cover - read_application raises InputError only
            self.b.add(path, f"{what}: the application is not valid: {error}")
            return False
        return True

    # cases
    def cases(self, data: Any, examples: dict, ruleset: Optional[Ruleset], default_lang: str) -> Optional[list[Case]]:
        if data is None:
            self.b.add((), "missing required key 'cases'", "add cases: a list of cases, each with name:, an application and outcome:")
            return None
        if not isinstance(data, list) or not data:
            self.b.add(("cases",), "cases: is a list of cases (each starting with - name: ...)",
                       "for example:\n      cases:\n        - name: Antwerpen is eligible\n          example: antwerpen\n"
                       "          outcome: eligible")
            return None
        names: dict[str, int] = {}
        cases: list[Case] = []
        for index, entry in enumerate(data):
            case = self.case(entry, ("cases", index), ruleset, default_lang, names, index)
            if case is not None:
                cases.append(case)
        return cases

    def case(self, entry: Any, path: tuple, ruleset: Optional[Ruleset], default_lang: str, names: dict,
             index: int) -> Optional[Case]:
        if not isinstance(entry, dict):
            self.b.add(path, "a case is a mapping with name:, an application (example:, file: or application:) and outcome:",
                       "start it with - name: ...")
            return None
        self.unknown_keys(entry, _CASE_KEYS, path, "a case")
        name = entry.get("name")
        if name is None:
            self.b.add(path, f"case {index + 1} has no name", "add name: a short sentence saying what the case shows")
            return None
        if not isinstance(name, (str, int, float, Decimal)) or isinstance(name, bool) or not str(name).strip():
            self.b.add(path + ("name",), "a case's name must be text", "write name: \"...\"")
            return None
        name = str(name).strip()
        if name in names:
            self.b.add(path + ("name",), f"two cases are named {name!r} (also case {names[name] + 1})",
                       "give every case its own name")
        names.setdefault(name, index)
        what = f"case {name!r}"
        sources = [key for key in ("application", "example", "file") if key in entry]
        document: Optional[dict] = None
        origin = "inline"
        if not sources:
            self.b.add(path, f"{what} has no application",
                       "add example: <the name of an example>, file: <a document file>, or application: {...}")
        elif len(sources) > 1:
            self.b.add(path + (sources[1],), f"{what} has both {sources[0]}: and {sources[1]}:",
                       "keep one; to change an example, use example: with patch:",
                       location=self.b.key_location(path + (sources[1],)))
        elif sources[0] == "application":
            application = entry["application"]
            if not isinstance(application, dict):
                self.b.add(path + ("application",), "application: is an application document (a mapping)",
                           "for example application: {call: \"42\", form: {complete: true}}")
            else:
                document = copy.deepcopy(application)
        elif sources[0] == "example":
            example_name = entry["example"]
            if not isinstance(example_name, str):
                self.b.add(path + ("example",), "example: names an example of this file", "for example example: antwerpen")
            else:
                document = self.example(example_name, path + ("example",))
                origin = f"example {example_name}"
        else:
            document = self.document_file(entry["file"], path + ("file",))
            origin = f"file {entry['file']}"
        patch = entry.get("patch")
        if document is not None:
            document = self.patched(document, patch, path + ("patch",))
            if patch:
                origin += " with a patch"
        if document is not None:
            source_key = sources[0] if sources else "name"
            if not self.valid(document, path + (source_key,), what, patch, path + ("patch",)):
                document = None
        on = self.date(entry.get("on"), path + ("on",))
        lang = self.lang(entry["lang"], path + ("lang",)) if entry.get("lang") is not None else default_lang
        outcome = self.outcome(entry.get("outcome"), path, what)
        rules = self.rules(entry.get("rules"), path + ("rules",), ruleset)
        missing = self.missing(entry.get("missing"), path + ("missing",), "missing" in entry)
        description = self.text(entry.get("description"), path + ("description",), "description")
        if document is None or outcome is None or rules is None or (missing is False) or lang is None:
            return None
        return Case(name=name, location=self.b.location(path), document=document, outcome=outcome, rules=rules,
                    missing=missing if missing is not False else None, on=on, lang=lang, description=description,
                    origin=origin)

    def date(self, value: Any, path: tuple) -> Optional[dt.date]:
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.b.add(path, f"on: is a date such as 2020-02-01, got {value!r}",
                   "write on: YYYY-MM-DD (the case is then checked as of that date)")
        return None

    def outcome(self, value: Any, path: tuple, what: str) -> Optional[str]:
        if value is None:
            self.b.add(path, f"{what} has no outcome", "add outcome: eligible, ineligible or incomplete")
            return None
        if value not in VERDICT_OUTCOMES:
            close = difflib.get_close_matches(str(value), VERDICT_OUTCOMES, n=1)
            self.b.add(path + ("outcome",), f"outcome must be eligible, ineligible or incomplete, got {value!r}",
                       f"did you mean {close[0]}?" if close else "write outcome: eligible, ineligible or incomplete")
            return None
        return value

    def rules(self, data: Any, path: tuple, ruleset: Optional[Ruleset]) -> Optional[tuple[RuleExpectation, ...]]:
        if data is None:
            return ()
        if not isinstance(data, dict):
            self.b.add(path, "rules: is a mapping of rule id: expected outcome",
                       "under rules:, write one rule id and its outcome per line, e.g. lead-municipality-large: fail")
            return None
        expectations = []
        ok = True
        for key, value in data.items():
            where = path + (key,)
            key_location = self.b.key_location(where)
            match = _RULE_KEY.match(key)
            if match is None:
                self.b.add(where, f"{key!r} is not a rule id, or a rule id with an element such as [partners[1]]",
                           "write lead-municipality-large: fail, or partner-is-ocmw[partners[1]]: pass",
                           location=key_location)
                ok = False
                continue
            rule_id, item = match.group("rule"), match.group("item")
            if ruleset is not None and not self.rule_exists(rule_id, item, ruleset, where, key_location):
                ok = False
                continue
            message = None
            outcome_value = value
            if isinstance(value, dict):
                self.unknown_keys(value, _EXPECTATION_KEYS, where, f"the expectation of {key}")
                outcome_value = value.get("outcome")
                message = value.get("message")
                if message is not None and not isinstance(message, str):
                    self.b.add(where + ("message",), "message: is a piece of text the rule's message must contain",
                               "for example message: \"150.000\"")
                    ok = False
                if outcome_value is None:
                    self.b.add(where, f"the expectation of {key} has no outcome", "add outcome: pass, fail, unknown or not_applicable")
                    ok = False
                    continue
            if outcome_value not in RULE_OUTCOMES:
                close = difflib.get_close_matches(str(outcome_value).replace(" ", "_").replace("/", "_").lower(),
                                                  RULE_OUTCOMES, n=1, cutoff=0.5)
                self.b.add(where + ("outcome",) if isinstance(value, dict) else where,
                           f"a rule's outcome is pass, fail, unknown or not_applicable, got {outcome_value!r}",
                           f"did you mean {close[0]}?" if close else "write pass, fail, unknown or not_applicable")
                ok = False
                continue
            expectations.append(RuleExpectation(rule_id, item, outcome_value, message, key_location))
        return tuple(expectations) if ok else None

    def rule_exists(self, rule_id: str, item: Optional[str], ruleset: Ruleset, where: tuple, location: Location) -> bool:
        ids = [rule.id for rule in ruleset.rules]
        if rule_id not in ids:
            inactive = dict(ruleset.inactive)
            if rule_id in inactive:
                self.b.add(where, f"rule {rule_id!r} is left out of ruleset {ruleset.id}: {inactive[rule_id]}",
                           "remove this line: the rule has no outcome in this ruleset", location=location)
            else:
                close = difflib.get_close_matches(rule_id, ids, n=1)
                self.b.add(where, f"ruleset {ruleset.id} has no rule {rule_id!r}",
                           f"did you mean {close[0]}?" if close else "rules: " + ", ".join(ids), location=location)
            return False
        rule = ruleset.rule(rule_id)
        if item is not None:
            scope = _ITEM.match(item).group("list")  # type: ignore[union-attr]
            if rule.for_each is None:
                self.b.add(where, f"rule {rule_id} is not applied per element, so it has no result for {item}",
                           f"write {rule_id}: <outcome>", location=location)
                return False
            if scope != rule.for_each:
                self.b.add(where, f"rule {rule_id} is applied to each of {rule.for_each}, not to {scope}",
                           f"write {rule_id}[{rule.for_each}[0]]: <outcome>", location=location)
                return False
        return True

    def missing(self, data: Any, path: tuple, given: bool) -> Any:
        """The expected missing paths (a tuple), None when not given, False on a problem."""
        if not given:
            return None
        if data is None:
            return ()
        if not isinstance(data, list) or not all(isinstance(p, str) and p for p in data):
            self.b.add(path, "missing: is a list of field paths", "for example missing: [form.signed, 'participants[1].residence']")
            return False
        return tuple(sorted(set(data)))


# -- running ----------------------------------------------------------------------------------------------


@attrs.frozen
class Failure:
    """One expectation of a case that the verdict does not meet."""

    kind: str  # outcome | rule | message | missing | engines | error
    text: str  # the readable explanation
    rule: Optional[str] = None
    item: Optional[str] = None
    expected: Any = None
    actual: Any = None
    message: Optional[str] = None
    fields: Optional[dict] = None

    def to_dict(self) -> dict:
        data = {"kind": self.kind, "text": self.text}
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
    verdict: Optional[Verdict] = attrs.field(repr=False)
    engines: tuple[str, ...] = ()
    #: The ruleset as evaluated for this case (dated parameters resolved), and the facts the
    #: rules read: what coverage traces conditions on.
    ruleset: Optional[Ruleset] = attrs.field(default=None, repr=False)
    facts: Optional[Facts] = attrs.field(default=None, repr=False)

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
            "ruleset": {"id": self.tests.ruleset.id, "version": self.tests.ruleset.version,
                        "file": _shown(self.tests.ruleset_path)},
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
            "errors": [{"problems": [{"location": str(p.location), "message": p.message, "hint": p.hint}
                                     for p in error.problems]} for error in self.errors],
            "summary": {"files": len(self.files), "cases": self.cases, "passed": self.cases - self.failed,
                        "failed": self.failed, "loading_errors": len(self.errors)},
        }


def _shown(path: Path) -> str:
    """A path relative to the current directory when it is under it, else as it is."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def engine_names(engine: str) -> tuple[str, ...]:
    """The engines ``engine`` runs: ``both`` is the built-in engine and durable-rules.

    Raises ``ValueError`` for an unknown name and :class:`EngineUnavailable` when durable is
    asked for (``durable`` or ``both``) where it cannot be imported.
    """
    from ..engines import durable_available, get_engine

    if engine not in ENGINE_CHOICES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINE_CHOICES)}")
    if engine == "both":
        if not durable_available():
            raise EngineUnavailable("--engine both needs durable-rules, which cannot be imported here "
                                    "(it runs on Python 3.11 and 3.12); use --engine python")
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
        failures.extend(_engine_differences(verdicts))
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


# -- comparing and explaining -------------------------------------------------------------------------------


def compare(case: Case, verdict: Verdict) -> list[Failure]:
    """The expectations of ``case`` that ``verdict`` does not meet, each explained."""
    failures: list[Failure] = []
    if verdict.outcome != case.outcome:
        failures.append(Failure("outcome", f"outcome: expected {case.outcome}, got {verdict.outcome} — {_why(verdict)}",
                                expected=case.outcome, actual=verdict.outcome))
    for expectation in case.rules:
        results = [r for r in verdict.rules if r.id == expectation.rule
                   and (expectation.item is None or r.item == expectation.item)]
        if not results:
            scope = _ITEM.match(expectation.item).group("list") if expectation.item else None  # type: ignore[union-attr]
            count = sum(1 for r in verdict.rules if r.id == expectation.rule and r.item is not None)
            failures.append(Failure(
                "rule", f"rule {expectation.label}: expected {expectation.outcome}, but the rule has no result for "
                f"{expectation.item}: the application has {count} {scope}", rule=expectation.rule, item=expectation.item,
                expected=expectation.outcome))
            continue
        for result in results:
            if result.outcome != expectation.outcome:
                failures.append(Failure(
                    "rule", f"rule {_label(result)}: expected {expectation.outcome}, got {result.outcome} — {_values(result)}",
                    rule=result.id, item=result.item, expected=expectation.outcome, actual=result.outcome,
                    message=result.message, fields=dict(result.fields)))
            elif expectation.message is not None and expectation.message not in result.message:
                failures.append(Failure(
                    "message", f"rule {_label(result)}: expected its message to contain {expectation.message!r}, got: "
                    f"{result.message}", rule=result.id, item=result.item, expected=expectation.message,
                    actual=result.message, message=result.message, fields=dict(result.fields)))
    if case.missing is not None and tuple(verdict.missing) != case.missing:
        expected, actual = set(case.missing), set(verdict.missing)
        details = []
        if actual - expected:
            details.append("also missing: " + ", ".join(sorted(actual - expected)))
        if expected - actual:
            details.append("not missing: " + ", ".join(sorted(expected - actual)))
        failures.append(Failure(
            "missing", f"missing: expected [{', '.join(case.missing)}], got [{', '.join(verdict.missing)}] — "
            + "; ".join(details), expected=list(case.missing), actual=list(verdict.missing)))
    return failures


def _label(result: RuleResult) -> str:
    return f"{result.id}[{result.item}]" if result.item else result.id


def format_value(value: Any) -> str:
    """A value the rule read, as in the verdict's ``fields``: missing, or its JSON text."""
    if value is None:
        return "missing"
    return json.dumps(value, ensure_ascii=False)


def _values(result: RuleResult) -> str:
    """``path = value, ... (message)``: what the rule read and what it said."""
    values = ", ".join(f"{path} = {format_value(value)}" for path, value in result.fields.items())
    return f"{values} ({result.message})" if values else f"({result.message})"


def _why(verdict: Verdict) -> str:
    """The rules that made the verdict what it is."""
    if verdict.outcome == "ineligible":
        deciding = [r for r in verdict.rules if r.outcome == "fail" and r.severity == "error"]
        return "; ".join(f"rule {_label(r)} failed: {_values(r)}" for r in deciding)
    if verdict.outcome == "incomplete":
        unknown = [r for r in verdict.rules if r.outcome == "unknown"]
        return f"missing {', '.join(verdict.missing)}: " + "; ".join(f"rule {_label(r)} is unknown: {_values(r)}" for r in unknown)
    warnings = [r for r in verdict.rules if r.outcome == "fail"]
    text = "no rule of severity error failed and none is unknown"
    if warnings:
        text += "; failed warnings: " + "; ".join(f"{_label(r)}: {_values(r)}" for r in warnings)
    return text


def _engine_differences(verdicts: list[Verdict]) -> list[Failure]:
    first, *others = verdicts
    failures = []
    for other in others:
        a, b = first.to_dict(), other.to_dict()
        a.pop("engine")
        b.pop("engine")
        if a == b:
            continue
        details = []
        if first.outcome != other.outcome:
            details.append(f"outcome {first.engine}: {first.outcome}, {other.engine}: {other.outcome}")
        for left, right in zip(first.rules, other.rules):
            if left.to_dict() != right.to_dict():
                details.append(f"rule {_label(left)} {first.engine}: {left.outcome}, {other.engine}: {right.outcome}")
        if len(first.rules) != len(other.rules):
            details.append(f"{first.engine} gives {len(first.rules)} rule results, {other.engine} {len(other.rules)}")
        if not details:
            details.append("the verdicts differ")
        failures.append(Failure("engines", f"the engines disagree: {'; '.join(details)}",
                                expected=first.engine, actual=other.engine))
    return failures


def explain(result: CaseResult) -> str:
    """A case's result in a few lines: ✔ name, or ✘ name: each failed expectation."""
    case = result.case
    if result.passed:
        return f"✔ {case.name}"
    first, *rest = result.failures
    lines = [f"✘ {case.name}: {first.text}"]
    lines.extend(f"    {failure.text}" for failure in rest)
    lines.append(f"    at {case.location}" + (f" ({case.origin})" if case.origin != "inline" else ""))
    return "\n".join(lines)


def report_text(run: Run) -> str:
    """The readable report: per file a line per case, then a summary line."""
    lines: list[str] = []
    for file_result in run.files:
        tests = file_result.tests
        engines = sorted({name for result in file_result.results for name in result.engines})
        lines.append(f"{tests.display}: ruleset {tests.ruleset.id} (version {tests.ruleset.version}), "
                     f"{len(file_result.results)} case{'s' if len(file_result.results) != 1 else ''}, "
                     f"engine {' and '.join(engines) or run.engine}")
        for result in file_result.results:
            lines.extend("  " + line for line in explain(result).split("\n"))
    for error in run.errors:
        lines.append(f"{error.problems[0].location.file}: does not load (see the errors below)")
    failed = run.failed
    summary = f"{run.cases} case{'s' if run.cases != 1 else ''} in {len(run.files)} file{'s' if len(run.files) != 1 else ''}: " \
              f"{run.cases - failed} passed, {failed} failed"
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
