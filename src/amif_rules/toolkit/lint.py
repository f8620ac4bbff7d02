"""``amif-rules lint``: what is wrong, or surprising, in a ruleset file, before it is used.

:func:`lint` reads one ruleset file (or a loaded :class:`~amif_rules.ruleset.Ruleset`) and
returns :class:`Finding` objects, each with a stable ``code``, a ``severity`` (``error``,
``warning``, ``info``), a message and where it is (``file:line:column``). Three families:

1. **The file** (``AR0xx``/``AR1xx``): its YAML data against the published JSON Schema
   (``amif_rules/schemas/ruleset.schema.json``), and every problem the loader reports
   (unknown keys and field paths, type errors, missing translations and sources,
   duplicate ids, bad parameter values...), each kind with its own code.
2. **Beyond the loader** (``AR2xx``): rules left out because a parameter has no value,
   parameters never read, definitions never used, citations of source texts that are not
   in ``shared/sources`` (when that folder is there).
3. **Semantics** (``AR3xx``), on the compiled form of the rules (``ir.py``): thresholds
   that leave a value on neither side (call 42: a municipality of exactly 150,000
   inhabitants can neither lead nor coach), rules that can never fail, never pass or never
   apply, and drafts under which no application can be eligible. Each comes with a
   counterexample application, checked with :func:`amif_rules.check`, and what the check
   shows.

How the semantic search works. Every condition is a tree of atoms over *fact keys* (field
paths, ``item.`` paths of list elements, derived function values). A
:class:`~amif_rules.ir.Linear` atom over one key is a threshold ``t``: only which side of
``t`` a value is on matters, so the values ``t-1``, ``t``, ``t+1`` (in integer units:
cents, microseconds, days), the ends of the key's range and "missing" represent every
value. Choices, texts and booleans are finite (texts: the constants the rules compare
with, plus a value none of them names). Searching those candidates is therefore
exhaustive for rules whose numeric atoms each read one key, and the findings are certain.
An atom over several keys (``budget.amif <= 0.75 * budget.total_eligible_cost``) has no
fixed threshold: its keys get boundary values solved from the other keys' candidates plus
a seeded random sample, the search is bounded, and a finding says "no counterexample
found among N candidates" instead of claiming certainty. Keys are treated as independent
(``reference_date`` and ``submitted_at``, say), which can only add cases: a "never" claim
stays sound, and every counterexample is confirmed by checking a real document.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
import math
import os
import random
import re
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Union

import attrs
import yaml

from .. import docpaths, expr, limits, schema
from ..catalog import rulesets_dir
from ..compiler import UNRESOLVED_KEY, Plan, compile_ruleset, encode_value
from ..documents import BRUSSELS, parse_json, parse_yaml, read_application
from ..engines.python import rule_outcome
from ..errors import AmifRulesError, InputError, RulesetError, RulesetProblem
from ..facts import build_facts
from ..ir import CompareConst, CompareKeys, Const, Linear, Member, atoms, condition_keys
from ..ruleset import REFERENCE_YEAR, Ruleset, parse_ruleset
from ..schema import BOOL, DATE, ENUM, INSTANT, INT, LIST, MONEY, TEXT, TEXTS
from ..schema import CODES as COUNTRY_CODES_KIND
from ..yamlsafe import strict_loader

__all__ = ["CODES", "Finding", "exit_status", "lint", "lint_paths", "ruleset_schema"]

SEVERITIES = ("error", "warning", "info")

#: Every finding code: (usual severity, what it means). Codes are stable: a code is never
#: reused for another kind of finding. docs/lint.md lists them.
CODES: dict[str, tuple[str, str]] = {
    "AR001": ("error", "not valid YAML, not UTF-8, empty, or not a mapping; or a YAML feature rulesets refuse (tags, aliases, a key written twice)"),
    "AR002": ("error", "the data does not match the JSON Schema of ruleset files"),
    "AR003": ("info", "the JSON Schema check was skipped (jsonschema is not installed)"),
    "AR101": ("error", "unknown key"),
    "AR102": ("error", "missing required key (id, version, title, source, check, rules, a pass or fail message)"),
    "AR103": ("error", "unknown field path, or a path that names an object; item outside for_each; unknown list"),
    "AR104": ("error", "type error in an expression (a population compared with a text, an amount with a count...)"),
    "AR105": ("error", "missing translation: a title, description or message without its nl, fr or en text"),
    "AR106": ("error", "a rule or parameter without a source"),
    "AR107": ("error", "duplicate rule id"),
    "AR108": ("error", "bad parameter: its value does not fit its type, unknown type, no value and no type, bad dated values, bad name"),
    "AR109": ("error", "bad value of a top-level or rule key (id, status, severity, dates, register_date, abstract...)"),
    "AR110": ("error", "expression syntax: not valid, or not part of the rule language"),
    "AR111": ("error", "bad message placeholder (unknown format, a format that does not fit the value, a date format on an instant the check compares...)"),
    "AR112": ("error", "extends / remove_rules: no such ruleset or rule, a cycle, a file whose id does not match"),
    "AR113": ("error", "bad definition (name, not an expression, uses itself)"),
    "AR114": ("error", "beyond a limit (file size, number of rules, 64-bit arithmetic)"),
    "AR199": ("error", "another loading problem"),
    "AR201": ("info", "a rule left out: it reads a parameter without a value"),
    "AR202": ("warning", "a parameter no rule, message or definition reads"),
    "AR203": ("warning", "a definition no rule or other definition uses"),
    "AR204": ("warning", "a citation names a source text that is not in shared/sources"),
    "AR205": ("warning", "a citation quotes words, or names a heading, that its source text does not have"),
    "AR301": ("warning", "thresholds leave a value on neither side: no rule accepts it, though values on both sides are accepted"),
    "AR302": ("warning", "a rule that can never fail (info when its check is the constant true, or when found by a bounded search)"),
    "AR303": ("error", "a rule that can never pass (warning for a warning rule, or when found by a bounded search)"),
    "AR304": ("warning", "a rule that can never apply (its when: is never true)"),
    "AR305": ("info", "a rule that is always unknown"),
    "AR310": ("error", "no application can be eligible: the rules contradict each other (warning when found by a bounded search)"),
    "AR311": ("info", "an application that is eligible (with --verbose)"),
    "AR312": ("warning", "no list element can pass every rule: only applications without such elements can be eligible"),
    "AR390": ("info", "the semantic analysis was not run or not completed"),
}

#: How many assignments one search may evaluate.
SEARCH_BUDGET = 200_000
#: Random values drawn per key that appears in a comparison of several keys.
RANDOM_VALUES = 6
SEED = 20190902


# -- findings --------------------------------------------------------------------------------------


@attrs.frozen
class Finding:
    """One finding of :func:`lint`.

    ``code``: stable (``AR301``), see :data:`CODES`; ``severity``: ``error``, ``warning`` or
    ``info``; ``location``: ``file:line:column`` (or less, when not known); ``hint``: what to
    write instead. Semantic findings also carry ``certain`` (proven by an exhaustive search,
    or found by a bounded one), ``candidates`` (how many cases were searched),
    ``counterexample`` (a complete application document), ``based_on`` (the example it was
    built from, or ``constructed``), ``changes`` (the fields set on it, by input path) and
    ``shows`` (what checking it gives: ``{"outcome": ..., "rules": [{"id", "item",
    "outcome", "message"}, ...]}``).
    """

    code: str
    severity: str
    message: str
    location: Optional[str] = None
    hint: Optional[str] = None
    rule: Optional[str] = None
    details: tuple[str, ...] = ()
    certain: Optional[bool] = None
    candidates: Optional[int] = None
    counterexample: Optional[dict] = attrs.field(default=None, eq=False, hash=False)
    based_on: Optional[str] = None
    changes: Optional[dict] = attrs.field(default=None, eq=False, hash=False)
    shows: Optional[dict] = attrs.field(default=None, eq=False, hash=False)

    def to_dict(self) -> dict:
        data: dict[str, Any] = {"code": self.code, "severity": self.severity, "message": self.message,
                                "location": self.location}
        for name in ("hint", "rule", "certain", "candidates", "based_on", "changes", "shows", "counterexample"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        if self.details:
            data["details"] = list(self.details)
        return data

    def to_text(self, verbose: bool = False) -> str:
        head = f"{self.location}: " if self.location else ""
        lines = [f"{head}{self.severity} {self.code}: {self.message}"]
        lines.extend(f"    {line}" for line in self.details)
        if self.changes is not None:
            changed = ", ".join(f"{path} = {json.dumps(value, ensure_ascii=False)}" for path, value in self.changes.items())
            label = {"AR311": "eligible application", "AR302": "example"}.get(self.code, "counterexample")
            if self.based_on and self.based_on != "constructed":
                lines.append(f"    {label}: {self.based_on}" + (f", with {changed}" if changed else ""))
            else:
                lines.append(f"    {label}: a constructed application: {changed or '{}'}")
        if self.shows is not None:
            lines.append(f"    checked: {self.shows['outcome'].upper()}")
            marks = {"pass": "✔", "fail": "✘", "unknown": "?", "not_applicable": "–"}
            for result in self.shows.get("rules", ()):
                where = f" [{result['item']}]" if result.get("item") else ""
                lines.append(f"      {marks.get(result['outcome'], '?')} {result['id']}{where}: {result['message']}")
        if self.hint:
            lines.append(f"    hint: {self.hint}")
        if verbose and self.counterexample is not None:
            lines.append("    application:")
            text = json.dumps(self.counterexample, ensure_ascii=False, indent=2)
            lines.extend(f"      {line}" for line in text.split("\n"))
        return "\n".join(lines)


def exit_status(findings: Iterable[Finding]) -> int:
    """0 when no finding is an error, 1 otherwise (the ``lint`` command's exit status)."""
    return 1 if any(f.severity == "error" for f in findings) else 0


def ruleset_schema() -> dict:
    """The JSON Schema (draft 2020-12) of ruleset files, as published in the package."""
    text = resources.files("amif_rules").joinpath("schemas", "ruleset.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


# -- the entry points -----------------------------------------------------------------------------


def lint(path_or_ruleset: Union[str, os.PathLike, Ruleset], *, verbose: bool = False,
         sources: Union[str, os.PathLike, None] = None,
         examples: Union[str, os.PathLike, None] = None) -> list[Finding]:
    """Lint one ruleset file (or a loaded ruleset); findings sorted by place.

    ``verbose`` adds an eligible application (``AR311``) when there is one. ``sources``: the
    folder of source texts (default: ``$AMIF_SOURCES``, else ``shared/sources`` in a folder
    above the file). ``examples``: a folder of example applications to start counterexamples
    from (default: the ``examples/`` folder above the file, and the bundled one).
    Raises ``FileNotFoundError`` when the file does not exist.
    """
    if isinstance(path_or_ruleset, Ruleset):
        ruleset = path_or_ruleset
        name = ruleset.origin if ruleset.origin != "<ruleset>" else ruleset.file
        path = Path(ruleset.origin) if ruleset.origin != "<ruleset>" else None
        text: Optional[str] = ruleset.text or None
    else:
        path = Path(path_or_ruleset)
        if not path.is_file():
            raise FileNotFoundError(f"no such ruleset file: {path}")
        name = str(path_or_ruleset)
        ruleset = None
        text = None
    return _Linter(name, path, ruleset, text, verbose, sources, examples).run()


def lint_paths(paths: Iterable[Union[str, os.PathLike]], *, verbose: bool = False,
               sources: Union[str, os.PathLike, None] = None) -> list[tuple[str, list[Finding]]]:
    """Lint files and folders (every ``*.yaml`` of a folder except ``*.tests.yaml``; not its
    subfolders: ``rulesets/drafts/`` is linted by naming it); ``(file, findings)`` per file. Raises ``FileNotFoundError`` for a
    path that does not exist or a folder without ruleset files."""
    files: list[Path] = []
    for entry in paths:
        path = Path(entry)
        if path.is_dir():
            found = sorted(p for p in path.glob("*.yaml") if not p.name.endswith(".tests.yaml"))
            if not found:
                raise FileNotFoundError(f"no ruleset files (*.yaml) in {path}")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
    seen: set[Path] = set()
    results = []
    for file in files:
        key = file.resolve()
        if key in seen:
            continue
        seen.add(key)
        results.append((str(file), lint(file, verbose=verbose, sources=sources)))
    return results


# -- reading the raw YAML with positions ------------------------------------------------------------


_Loader = strict_loader("a ruleset")


@attrs.define
class _Raw:
    """One ruleset file as data, with where each value and key is."""

    name: str  # as shown in locations
    path: Optional[Path]
    data: Any
    marks: dict = attrs.field(factory=dict)  # path tuple -> (line, column) of the value
    key_marks: dict = attrs.field(factory=dict)  # path tuple -> (line, column) of the key

    def where(self, path: tuple, key: bool = False) -> str:
        """``file:line:column`` of the value at ``path`` (of its key, with ``key``), or of
        the closest enclosing value that has a place."""
        mark = self.key_marks.get(path) if key else None
        probe = path
        while mark is None and probe not in self.marks and probe:
            probe = probe[:-1]
        mark = mark or self.marks.get(probe)
        if mark is None:
            return self.name
        return f"{self.name}:{mark[0]}:{mark[1]}"


def _read_raw(text: str, name: str, path: Optional[Path]) -> Optional[_Raw]:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    if node is None:
        return None
    raw = _Raw(name, path, None)
    loader = _Loader("")

    def walk(current: yaml.Node, where: tuple) -> Any:
        raw.marks[where] = (current.start_mark.line + 1, current.start_mark.column + 1)
        if isinstance(current, yaml.MappingNode):
            result: dict = {}
            for key_node, value_node in current.value:
                try:
                    key = loader.construct_object(key_node) if isinstance(key_node, yaml.ScalarNode) else None
                except yaml.YAMLError:
                    key = None
                key = "" if key is None else str(key) if not isinstance(key, str) else key
                raw.key_marks[where + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if key in result:
                    continue
                result[key] = walk(value_node, where + (key,))
            return result
        if isinstance(current, yaml.SequenceNode):
            return [walk(child, where + (index,)) for index, child in enumerate(current.value)]
        try:
            return loader.construct_object(current)
        except yaml.YAMLError:
            return None

    try:
        raw.data = walk(node, ())
    except RecursionError:
        return None
    return raw


def _read_chain(raw: _Raw) -> list[_Raw]:
    """The files of ``raw``'s extends chain, the most basic first (as the loader finds them)."""
    chain = [raw]
    seen = {raw.data.get("id") if isinstance(raw.data, dict) else None}
    while len(chain) < 8:
        current = chain[0]
        parent_id = current.data.get("extends") if isinstance(current.data, dict) else None
        if not isinstance(parent_id, str) or parent_id in seen:
            break
        folders = [current.path.resolve().parent] if current.path is not None else []
        folders.append(rulesets_dir())
        found = next((folder / f"{parent_id}.yaml" for folder in folders if (folder / f"{parent_id}.yaml").is_file()), None)
        if found is None:
            break
        parent = _read_raw(found.read_text(encoding="utf-8"), _display(found), found)
        if parent is None or not isinstance(parent.data, dict):
            break
        seen.add(parent_id)
        chain.insert(0, parent)
    return chain


def _display(path: Path) -> str:
    """A path as shown in locations: relative to the working folder when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# -- loader problems → codes ----------------------------------------------------------------------

_PROBLEM_KINDS: tuple[tuple[str, str], ...] = (
    ("AR001", r"^not valid YAML|^not valid UTF-8|^the ruleset file is empty|^a ruleset file is a mapping|"
              r"^YAML tag|^keys must be plain names|appears twice|^nested too deeply|aliases"),
    ("AR114", r"larger than [\d,]+ bytes|^more than \d+ rules|64-bit|longer than [\d,]+ characters|nested deeper than"),
    ("AR112", r"^extends |extends itself|rulesets in one extends chain|^no ruleset .* to extend|^this file is .* but its id is|"
              r"^no rule .* to remove|^remove_rules"),
    ("AR113", r"^definition names|^definition .* must be an expression|^definitions: must be|uses itself"),
    ("AR107", r"^duplicate rule id"),
    ("AR106", r"has no source$"),
    ("AR105", r"has no (nl|fr|en) text|must give a text in each of nl, fr and en"),
    ("AR101", r"^unknown key"),
    ("AR108", r"parameter cannot have the value|^an amount has at most 2 decimals|^unknown parameter type|has no value and no type|"
              r"has both value: and values:|dated value|^values: is a list|^until is before from|^parameter names are|"
              r"is already a name of the rule language|needs a value: and a source:|^parameters: must be"),
    ("AR103", r"^unknown (parameter or )?field|has no field|is an object, not a value|'item' is only defined|^cannot iterate over"),
    ("AR104", r"^cannot compare|^arithmetic needs|is never a value of|but a condition must be true or false|^and/or/not need|"
              r"does not apply to|^lists cannot be compared|^'in' needs|^'in' tests|^argument \d+ of|takes \d+ argument|"
              r"^one side of \*|^division|^cannot add or subtract|^cannot negate|^an expression must be text"),
    ("AR110", r"^not a valid expression|is not part of the rule language|^only the named functions|^unknown function|"
              r"^empty expression|^a list literal|^a field path is names|^not a decimal number|is not a literal|is not a comparison"),
    ("AR102", r"^missing required key|needs at least one rule|^no (pass|fail) message|^a rule needs messages|"
              r"^a rule is a mapping|^rules: must be a list"),
    ("AR109", r"^id must be|^a rule id is|^severity must be|^status must be|must be a date|^valid_until is before|"
              r"^abstract is|abstract ruleset|must be text$|register has no figures|^cannot read the ruleset file|^rule [\w-]+: "),
)


def problem_code(message: str) -> str:
    """The finding code of a loader problem (its message, as ``RulesetProblem.message``)."""
    if re.search(r"unknown format|placeholder at character|without its '\{'|shows only the day of an instant|"
                 r"^in the \w+ \w+ message: the format '\w+' does not fit", message):
        return "AR111"
    inner = re.sub(r"^in the (nl|fr|en) \w+ message: ", "", message)
    inner = re.sub(r"^in definition '[^']*': ", "", inner)
    for code, pattern in _PROBLEM_KINDS:
        if re.search(pattern, inner):
            return code
    return "AR199"


# -- the linter -------------------------------------------------------------------------------------


class _Linter:
    def __init__(self, name: str, path: Optional[Path], ruleset: Optional[Ruleset], text: Optional[str], verbose: bool,
                 sources, examples):
        self.name = name
        self.path = path
        self.ruleset = ruleset
        self.text = text
        self.verbose = verbose
        self.sources = Path(sources) if sources is not None else None
        self.examples = Path(examples) if examples is not None else None
        self.findings: list[Finding] = []

    def add(self, code: str, message: str, location: Optional[str] = None, severity: Optional[str] = None, **more) -> None:
        self.findings.append(Finding(code, severity or CODES[code][0], message, location, **more))

    def run(self) -> list[Finding]:
        if self.text is None and self.path is not None:
            try:
                self.text = self.path.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                self.text = None
        raw = _read_raw(self.text, self.name, self.path) if self.text is not None else None
        chain = _read_chain(raw) if raw is not None and isinstance(raw.data, dict) else ([raw] if raw else [])
        self.chain = chain
        self.schema_findings(raw)
        if self.ruleset is None:
            self.load()
        if self.ruleset is None:
            self.add("AR390", "the checks beyond loading (AR2xx) and the semantic checks (AR3xx) run once the "
                     "ruleset loads", self.name)
        else:
            self.beyond_loader(chain)
            try:
                _Semantics(self).run()
            except RulesetError as error:  # the compiler refuses what no engine can run
                for problem in error.problems:
                    self.add(problem_code(problem.message), problem.message, self.locate(problem), hint=problem.hint)
            except Exception as error:  # noqa: BLE001 - a bug here must not hide the findings above
                self.add("AR390", f"the semantic analysis stopped ({type(error).__name__}: {error}); please report it "
                         "with this ruleset", self.name)
        return sorted(self.findings, key=_order)

    # 1. the file
    def schema_findings(self, raw: Optional[_Raw]) -> None:
        if raw is None or not isinstance(raw.data, dict):
            return
        try:
            import jsonschema
        except ImportError:
            self.add("AR003", "the JSON Schema check was skipped: install jsonschema to run it", self.name)
            return
        validator = jsonschema.Draft202012Validator(ruleset_schema())
        for error in sorted(validator.iter_errors(raw.data), key=lambda e: [str(p) for p in e.absolute_path]):
            for where, message in _schema_messages(error):
                key = bool(where) and where[-1] in _extra_keys(error)
                self.add("AR002", message, raw.where(where, key=key))

    def load(self) -> None:
        try:
            self.ruleset = parse_ruleset(self.text if self.text is not None else self.path.read_bytes(), self.name)
        except (ValueError, RecursionError) as error:  # the loader should say RulesetError; say what it said
            self.add("AR199", f"the ruleset cannot be loaded ({type(error).__name__}: {error})", self.name)
        except RulesetError as error:
            for problem in error.problems:
                self.add(problem_code(problem.message), problem.message, self.locate(problem), hint=problem.hint)
            # A schema finding on a line the loader already explains says the same thing twice;
            # and when the file is not even a ruleset mapping, the schema has nothing to add.
            if any(f.code == "AR001" for f in self.findings):
                self.findings = [f for f in self.findings if f.code != "AR002"]
            lines = {f.location for f in self.findings if f.code != "AR002"}
            lines = {loc.rsplit(":", 1)[0] if loc.count(":") >= 2 else loc for loc in lines if loc}
            self.findings = [f for f in self.findings
                             if f.code != "AR002" or (f.location or "").rsplit(":", 1)[0] not in lines]

    def locate(self, problem: RulesetProblem) -> str:
        location = problem.location
        file = location.file
        names = {raw.path.name: raw.name for raw in self.chain if raw.path is not None}
        if self.path is not None:
            names.setdefault(self.path.name, self.name)
        file = names.get(file, self.name if file == Path(self.name).name else file)
        return str(type(location)(file, location.line, location.column))

    # 2. beyond the loader
    def beyond_loader(self, chain: list[_Raw]) -> None:
        ruleset = self.ruleset
        assert ruleset is not None
        own = chain[-1] if chain else None
        rule_places = _rule_places(chain)
        for rule_id, reason in ruleset.inactive:
            where = rule_places.get((rule_id, None)) or self.name
            names = reason.removeprefix("no value for ")
            self.add("AR201", f"rule {rule_id!r} is left out: {reason}", where, rule=rule_id,
                     hint=f"give {names} a value (value: ...) to use the rule, or list it under remove_rules:")
        if own is None or not isinstance(own.data, dict):
            return
        read: set[str] = set()
        for rule in ruleset.rules:
            read |= _parameters_read(rule)
        for _, reason in ruleset.inactive:
            read |= {name.strip() for name in reason.removeprefix("no value for ").split(",")}
        own_parameters = own.data.get("parameters") if isinstance(own.data.get("parameters"), dict) else {}
        for name in own_parameters:
            if name in ruleset.parameters and name not in read:
                self.add("AR202", f"parameter {name!r} is never read by a rule, a message or a definition",
                         own.where(("parameters", name), key=True), hint=f"use it, or remove {name}")
        own_definitions = own.data.get("definitions") if isinstance(own.data.get("definitions"), dict) else {}
        if own_definitions:
            used = _names_used(chain)
            for name in own_definitions:
                if not used.get(name):
                    self.add("AR203", f"definition {name!r} is never used", own.where(("definitions", name), key=True),
                             hint=f"use it by name in a check or when, or remove {name}")
        self.citations(own)

    def citations(self, own: _Raw) -> None:
        folder = self.sources or _sources_folder(self.path)
        if folder is None or not folder.is_dir():
            return
        texts: dict[str, Optional[str]] = {}
        for where, value in _citations(own.data):
            for part in str(value).split("; "):
                match = _CITATION.match(part.strip())
                if not match:
                    continue
                file = match["file"]
                if file not in texts:
                    candidate = folder / file
                    texts[file] = candidate.read_text(encoding="utf-8", errors="replace") if candidate.is_file() else None
                text = texts[file]
                if text is None:
                    self.add("AR204", f"source text {file!r} is not in {folder}", own.where(where),
                             hint="cite the file name of a text in shared/sources, or add the text there")
                    continue
                heading, quote = match["heading"], match["quote"]
                if heading and not any(line.strip().startswith(heading) for line in text.splitlines()):
                    self.add("AR205", f"{file} has no heading {heading!r}", own.where(where),
                             hint="copy the heading as the text writes it")
                if quote and " ".join(quote.split()) not in " ".join(text.split()):
                    self.add("AR205", f"{file} does not contain the words quoted: \"{quote}\"", own.where(where),
                             hint="quote the words of the text exactly, without paraphrasing")


def _order(finding: Finding) -> tuple:
    location = finding.location or ""
    parts = location.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return (parts[0], int(parts[1]), int(parts[2]), finding.code)
    if len(parts) >= 2 and parts[-1].isdigit():
        return (":".join(parts[:-1]), int(parts[-1]), 0, finding.code)
    return (location, 0, 0, finding.code)


def _extra_keys(error) -> set:
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        return {key for key in error.instance if key not in allowed}
    return set()


def _schema_messages(error) -> list[tuple[tuple, str]]:
    """(where, message) for one JSON Schema error, readable for policy staff."""
    where = tuple(error.absolute_path)
    dotted = _dotted(where)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        extras = sorted(_extra_keys(error))
        if extras:
            return [(where + (key,), f"{dotted + '.' if dotted else ''}{key}: not a key of the schema") for key in extras]
    if error.validator in ("anyOf", "oneOf") and error.context:
        import jsonschema

        best = jsonschema.exceptions.best_match(error.context)
        return [(where, f"{dotted or '(top level)'}: {best.message}")]
    if error.validator == "required":
        return [(where, f"{dotted or '(top level)'}: {error.message}")]
    return [(where, f"{dotted or '(top level)'}: {error.message}")]


def _dotted(where: tuple) -> str:
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _rule_places(chain: list[_Raw]) -> dict:
    """(rule id, key) -> location, from the last file of the chain that gives it."""
    places: dict = {}
    for raw in chain:
        rules = raw.data.get("rules") if isinstance(raw.data, dict) else None
        if not isinstance(rules, list):
            continue
        for index, spec in enumerate(rules):
            if not isinstance(spec, dict) or not isinstance(spec.get("id"), str):
                continue
            places[(spec["id"], None)] = raw.where(("rules", index))
            for key in spec:
                places[(spec["id"], key)] = raw.where(("rules", index, key))
    return places


def _parameters_read(rule) -> set[str]:
    names: set[str] = set()
    nodes = [rule.check] + ([rule.when] if rule.when is not None else [])
    for templates in rule.messages.by_outcome.values():
        for template in templates.values():
            nodes.extend(p.node for p in template.placeholders if p.node is not None)
    for node in nodes:
        names |= expr.parameters(node)
    return names


_WORD = re.compile(r"(?<![\w.])([a-z_][a-z0-9_]*)(?![\w])")


def _names_used(chain: list[_Raw]) -> dict[str, set]:
    """name -> the places (rule ids, definition names) whose expressions use it."""
    used: dict[str, set] = {}

    def scan(text: Any, where: str) -> None:
        if isinstance(text, str):
            for match in _WORD.finditer(text):
                used.setdefault(match.group(1), set()).add(where)

    for raw in chain:
        data = raw.data if isinstance(raw.data, dict) else {}
        for name, text in (data.get("definitions") or {}).items() if isinstance(data.get("definitions"), dict) else ():
            if isinstance(text, str):
                for match in _WORD.finditer(text):
                    if match.group(1) != name:
                        used.setdefault(match.group(1), set()).add(f"definition {name}")
        for spec in data.get("rules") or [] if isinstance(data.get("rules"), list) else []:
            if not isinstance(spec, dict):
                continue
            for key in ("check", "when"):
                scan(spec.get(key), f"rule {spec.get('id')}")
            messages = spec.get("messages")
            if isinstance(messages, dict):
                for texts in messages.values():
                    if isinstance(texts, dict):
                        for text in texts.values():
                            if isinstance(text, str):
                                for placeholder in re.findall(r"(?<!\{)\{([^{}]+)\}", text):
                                    scan(placeholder.split(":")[0], f"rule {spec.get('id')}")
    return used


_CITATION = re.compile(r'^(?P<file>[\w.-]+\.txt)(?:, (?P<heading>[^:"]+))?(?:: "(?P<quote>[^"]+)")?(?P<rest>.*)$')


def _citations(data: Any, where: tuple = ()) -> Iterable[tuple[tuple, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "source" and isinstance(value, (str, int, float, Decimal)) and not isinstance(value, bool):
                yield where + (key,), str(value)
            else:
                yield from _citations(value, where + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _citations(value, where + (index,))


def _sources_folder(path: Optional[Path]) -> Optional[Path]:
    configured = os.environ.get("AMIF_SOURCES")
    if configured:
        return Path(configured)
    start = path.resolve().parent if path is not None else Path.cwd().resolve()
    for folder in (start, *start.parents):
        candidate = folder / "shared" / "sources"
        if candidate.is_dir():
            return candidate
    return None


# -- the semantic analysis ------------------------------------------------------------------------

_MISSING = None
VarId = tuple  # (scope or None, fact key)


@attrs.frozen
class _Var:
    """One fact key, in the scope it belongs to (``None``: the document root)."""

    scope: Optional[str]
    key: str
    kind: str  # a schema kind, or "unresolved"
    choices: tuple = ()
    path: Optional[str] = None  # the field path (relative to the element for a scope); None for derived keys
    call: Optional[expr.Call] = None
    domain: Optional[tuple[int, int]] = None

    @property
    def numeric(self) -> bool:
        return self.domain is not None

    @property
    def label(self) -> str:
        """The key as the input path reads (``partners[].municipality.population``)."""
        if self.call is not None:
            return self.key[3:] if self.key.startswith("fn:") else self.key
        if self.scope is not None and self.path is not None:
            return f"{self.scope}[].{self.path}"
        return self.path or self.key

    @property
    def value_kind(self) -> str:
        """What kind of value it is, the same under ``applicant`` and a partner:
        ``municipality.population``."""
        if self.call is not None or self.path is None:
            return self.key
        if self.scope is not None:
            return self.path
        head, _, rest = self.path.partition(".")
        if rest and any(rest in fields for fields in schema.SCOPE_FIELDS.values()):
            return rest
        return self.path


def _micros(moment: dt.datetime) -> int:
    return encode_value(moment, schema.FieldType(INSTANT))


_LOW_INSTANT = _micros(dt.datetime(limits.MIN_YEAR - 1, 1, 1, tzinfo=dt.timezone.utc))
_HIGH_INSTANT = _micros(dt.datetime(limits.MAX_YEAR + 1, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc))
_LOW_DATE = dt.date(limits.MIN_YEAR - 1, 1, 1).toordinal()
_HIGH_DATE = dt.date(limits.MAX_YEAR + 1, 12, 31).toordinal()
_AGE = limits.MAX_YEAR - limits.MIN_YEAR + 2
_DAY = 86_400 * 10**6


def _domain(kind: str, path: Optional[str], call: Optional[expr.Call]) -> Optional[tuple[int, int]]:
    """Every encoded value the key can take in a valid document, or more (never less)."""
    if call is not None:
        if call.name == "age_on":
            return (-_AGE, _AGE)
        if call.name == "len":
            arg = call.args[0]
            name = arg.path if isinstance(arg, expr.Path) else ""
            top = {"partners": limits.MAX_PARTNERS, "participants": limits.MAX_PARTICIPANTS,
                   "nationalities": limits.MAX_NATIONALITIES}.get(name, limits.MAX_LIST_ITEMS)
            return (0, top)
        if kind == DATE:
            return (_LOW_DATE, _HIGH_DATE)
        return None
    if kind == INT:
        if path and path.endswith("population"):
            return (0, limits.MAX_POPULATION)
        if path == "duration_months":
            return (0, limits.MAX_DURATION_MONTHS)
        return (0, 2**62)
    if kind == MONEY:
        return (0, limits.MAX_MONEY_EUROS * 100 - 1)
    if kind == INSTANT:
        return (_LOW_INSTANT, _HIGH_INSTANT)
    if kind == DATE:
        return (_LOW_DATE, _HIGH_DATE)
    return None


_TYPICAL_DAY = dt.date(2019, 8, 30)


def _typical(var: _Var) -> list[int]:
    """A plausible value of a numeric key, tried early so that examples read naturally (an
    extra candidate: it never makes a search less exhaustive)."""
    low, high = var.domain
    if var.call is not None:
        value = {"age_on": 30, "len": 1}.get(var.call.name)
        if value is None and var.kind == DATE:
            value = _TYPICAL_DAY.toordinal()
    elif var.kind == INSTANT:
        value = _micros(dt.datetime.combine(_TYPICAL_DAY, dt.time(12), BRUSSELS))
    elif var.kind == DATE:
        value = _TYPICAL_DAY.toordinal()
    elif var.kind == MONEY:
        value = 10_000_000
    elif var.path and var.path.endswith("population"):
        value = 100_000
    elif var.path == "duration_months":
        value = 12
    else:
        value = None
    return [value] if value is not None and low <= value <= high else []


#: Texts that are valid in a document for fields the reader checks, used as "a value no rule names".
_FRESH_TEXTS = {"nis_code": ["99991", "99992", "99993"], "first_language": ["ar", "ti", "ps"], "call": ["fresh-1", "fresh-2", "fresh-3"]}
_THIRD_COUNTRIES = ["SY", "AF", "TR", "MA", "IQ", "ER", "SO", "CD", "GN", "PK"]


@attrs.frozen
class _Search:
    """The result of a search: an assignment found (or None), whether the search covered
    every case that matters (``exact``), and how many assignments it evaluated."""

    assignment: Optional[dict]
    exact: bool
    count: int
    states: dict = attrs.field(factory=dict)


class _Model:
    """The compiled rules of one ruleset as constraints over namespaced fact keys."""

    def __init__(self, ruleset: Ruleset, plan: Plan):
        self.ruleset = ruleset
        self.plan = plan
        self.rules = ruleset.rules
        self.compiled = plan.compiled.rules
        root = {key: (path, kind) for key, path, kind in plan.root_keys}
        scoped = {scope: {key: (path, kind) for key, path, kind in entries} for scope, entries in plan.scope_keys.items()}
        derived = {d.key: d for d in plan.derivations}
        self.vars: dict[VarId, _Var] = {}
        self.rule_vars: list[tuple[VarId, ...]] = []
        self.rule_atoms: list[list[tuple[str, Any]]] = []  # (scope, atom)
        for compiled in self.compiled:
            ids = []
            for key in condition_keys(compiled.when) + condition_keys(compiled.check):
                var = self._var(compiled.scope, key, root, scoped, derived)
                self.vars.setdefault((var.scope, var.key), var)
                if (var.scope, var.key) not in ids:
                    ids.append((var.scope, var.key))
            self.rule_vars.append(tuple(ids))
            self.rule_atoms.append([(compiled.scope, atom) for part in (compiled.when, compiled.check) for atom, _ in atoms(part)])

    @staticmethod
    def _var(scope, key, root, scoped, derived) -> _Var:
        if key == UNRESOLVED_KEY:
            return _Var(None, key, "unresolved")
        if key in derived:
            derivation = derived[key]
            where = scope if derivation.scope is not None else None
            kind = derivation.node.type.kind
            return _Var(where, key, kind, derivation.node.type.choices, None, derivation.node,
                        _domain(kind, None, derivation.node))
        if key.startswith("item."):
            path, kind = scoped.get(scope, {}).get(key, (key[5:], None))
            kind = kind or schema.FieldType(TEXT)
            return _Var(scope, key, kind.kind, kind.choices, path, None, _domain(kind.kind, path, None))
        path, kind = root.get(key, (key, schema.root_field(key) or schema.FieldType(TEXT)))
        return _Var(None, key, kind.kind, kind.choices, path, None, _domain(kind.kind, path, None))

    def var_of(self, scope: Optional[str], key: str) -> VarId:
        if (scope, key) in self.vars:
            return (scope, key)
        return (None, key)

    # evaluation
    def outcome(self, index: int, assignment: dict) -> str:
        fact = {}
        for var_id in self.rule_vars[index]:
            value = assignment.get(var_id)
            if value is not None:
                fact[var_id[1]] = value
        return rule_outcome(self.compiled[index], fact)

    # candidates
    def candidates(self, rule_indices: Iterable[int], rnd: random.Random) -> tuple[dict[VarId, list], set]:
        """Candidate values of every key the rules read, and the keys whose candidates are
        not exhaustive (they appear in a comparison of several keys)."""
        indices = list(rule_indices)
        thresholds: dict[VarId, set] = {}
        multi: list[tuple[str, Linear]] = []
        texts: dict[VarId, set] = {}
        links: dict[VarId, VarId] = {}

        def find(var_id):
            while links.get(var_id, var_id) != var_id:
                var_id = links[var_id]
            return var_id

        for index in indices:
            for scope, atom in self.rule_atoms[index]:
                if isinstance(atom, Linear):
                    if len(atom.terms) == 1:
                        (coef, key), = atom.terms
                        thresholds.setdefault(self.var_of(scope, key), set()).add(Fraction(-atom.constant, coef))
                    else:
                        multi.append((scope, atom))
                elif isinstance(atom, CompareConst):
                    texts.setdefault(self.var_of(scope, atom.key), set()).add(atom.value)
                elif isinstance(atom, Member):
                    texts.setdefault(self.var_of(scope, atom.key), set()).update(atom.values)
                elif isinstance(atom, CompareKeys):
                    left, right = find(self.var_of(scope, atom.left)), find(self.var_of(scope, atom.right))
                    if left != right:
                        links[left] = right
        inexact: set[VarId] = set()
        variables = {var_id for index in indices for var_id in self.rule_vars[index]}
        base: dict[VarId, list] = {}
        for var_id in variables:
            var = self.vars[var_id]
            if var.numeric:
                low, high = var.domain
                points = {low, high, *_typical(var)}
                if low <= 0 <= high:
                    points.add(0)
                for t in thresholds.get(var_id, ()):
                    for p in (math.floor(t) - 1, math.floor(t), math.ceil(t), math.ceil(t) + 1):
                        points.add(min(max(p, low), high))
                base[var_id] = sorted(points)
        for scope, atom in multi:
            ids = [self.var_of(scope, key) for _, key in atom.terms]
            inexact.update(ids)
            for position, (coef, key) in enumerate(atom.terms):
                target = ids[position]
                if target not in base:
                    continue
                others = [(c, ids[i]) for i, (c, _) in enumerate(atom.terms) if i != position]
                pools = [base.get(var_id, [0]) for _, var_id in others]
                combos = list(itertools.islice(itertools.product(*pools), 64))
                if len(combos) == 64:
                    combos += [tuple(rnd.choice(pool) for pool in pools) for _ in range(32)]
                low, high = self.vars[target].domain
                extra = set()
                for combo in combos:
                    rest = atom.constant + sum(c * value for (c, _), value in zip(others, combo))
                    t = Fraction(-rest, coef)
                    for p in (math.floor(t) - 1, math.floor(t), math.ceil(t), math.ceil(t) + 1):
                        if low <= p <= high:
                            extra.add(p)
                base[target] = sorted(set(base[target]) | extra)
        for var_id in inexact:
            if var_id in base:
                low, high = self.vars[var_id].domain
                spread = min(high, low + 10**7)
                base[var_id] = sorted(set(base[var_id]) | {rnd.randint(low, spread) for _ in range(RANDOM_VALUES)})
        groups: dict[VarId, list[VarId]] = {}
        for var_id in variables:
            groups.setdefault(find(var_id), []).append(var_id)
        result: dict[VarId, list] = {}
        for var_id in variables:
            var = self.vars[var_id]
            if var.kind == "unresolved":
                values: list = []
            elif var.numeric:
                near = sorted({p for t in thresholds.get(var_id, ()) for p in (math.floor(t) - 1, math.floor(t),
                                                                               math.ceil(t), math.ceil(t) + 1)})
                known = set(base[var_id])
                if var.kind == INSTANT:  # a day either side reads better in an example than a microsecond
                    low, high = var.domain
                    rounder = [p for t in thresholds.get(var_id, ()) for p in (math.floor(t) - _DAY, math.ceil(t) + _DAY)
                               if low <= p <= high]
                    near = rounder + near
                    known |= set(rounder)
                typical = _typical(var)
                values = list(dict.fromkeys([v for v in near if v in known] + typical
                                            + [v for v in base[var_id] if v not in set(near)]))
            elif var.kind == BOOL:
                values = [True, False]
            elif var.kind == ENUM:
                values = list(var.choices)
            elif var.kind in (TEXT,):
                group = groups[find(var_id)]
                pool = set()
                for member in group:
                    pool |= {v for v in texts.get(member, ()) if isinstance(v, str)}
                suffix = (var.path or var.key).rsplit(".", 1)[-1]
                fresh = [v for v in _FRESH_TEXTS.get(suffix, [f"other-{i}" for i in range(1, 4)]) if v not in pool]
                values = sorted(pool) + fresh[:max(1, len(group))]
            else:
                values = []
                inexact.add(var_id)
            result[var_id] = values + [_MISSING]
        return result, inexact


def _components(rule_indices: list[int], model: _Model) -> list[list[int]]:
    parent: dict = {}

    def find(x):
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for index in rule_indices:
        ids = model.rule_vars[index]
        for other in ids[1:]:
            a, b = find(ids[0]), find(other)
            if a != b:
                parent[a] = b
    groups: dict = {}
    for index in rule_indices:
        ids = model.rule_vars[index]
        root = find(ids[0]) if ids else ("rule", index)
        groups.setdefault(root, []).append(index)
    return list(groups.values())


def _backtrack(model: _Model, rules: list[int], ok: Callable[[int, str], bool], candidates: dict, budget: list) -> tuple[Optional[dict], bool]:
    """An assignment of the rules' keys under which ``ok(rule, outcome)`` holds for every
    rule; ``(None, True)`` when there is none among the candidates, ``(None, False)`` when the
    budget ran out first."""
    order: list[VarId] = []
    for index in sorted(rules, key=lambda i: len(model.rule_vars[i])):
        for var_id in model.rule_vars[index]:
            if var_id not in order:
                order.append(var_id)
    position = {var_id: i for i, var_id in enumerate(order)}
    due: dict[int, list[int]] = {}
    for index in rules:
        ids = model.rule_vars[index]
        last = max((position[v] for v in ids), default=-1)
        due.setdefault(last, []).append(index)
    for index in due.get(-1, []):
        budget[0] -= 1
        if not ok(index, model.outcome(index, {})):
            return None, True
    assignment: dict = {}

    def step(depth: int) -> Optional[bool]:
        if depth == len(order):
            return True
        var_id = order[depth]
        for value in candidates[var_id]:
            if budget[0] <= 0:
                return None
            budget[0] -= 1
            assignment[var_id] = value
            if all(ok(index, model.outcome(index, assignment)) for index in due.get(depth, ())):
                found = step(depth + 1)
                if found is None:
                    return None
                if found:
                    return True
        assignment.pop(var_id, None)
        return False

    found = step(0)
    if found is None:
        return None, False
    return (dict(assignment), True) if found else (None, True)


class _Semantics:
    """Findings AR3xx of one loaded ruleset (each dated value resolved in turn)."""

    def __init__(self, linter: _Linter):
        self.linter = linter
        self.ruleset: Ruleset = linter.ruleset
        self.places = _rule_places(linter.chain)
        self.seen: set = set()

    def run(self) -> None:
        days = sorted({start or end for periods in self.ruleset.dated.values() for start, end, _ in periods
                       if (start or end) is not None})
        versions = [self.ruleset.resolved(day) for day in days] if days else [self.ruleset]
        for version in versions:
            plan = compile_ruleset(version)
            _Analysis(self, version, plan, version.on if days else None).run()

    def add(self, code: str, message: str, rule: Optional[str] = None, key: Optional[str] = None,
            severity: Optional[str] = None, **more) -> None:
        identity = (code, message)
        if identity in self.seen:
            return
        self.seen.add(identity)
        where = (self.places.get((rule, key)) or self.places.get((rule, None))) if rule else None
        self.linter.add(code, message, where or self.linter.name, severity, rule=rule, **more)


class _Analysis:
    def __init__(self, semantics: _Semantics, ruleset: Ruleset, plan: Plan, on: Optional[dt.date]):
        self.semantics = semantics
        self.ruleset = ruleset
        self.plan = plan
        self.model = _Model(ruleset, plan)
        self.on = on
        self.suffix = f" (with the values in force on {on.isoformat()})" if on else ""
        self._passing: Any = ()

    def add(self, code, message, **more) -> None:
        self.semantics.add(code, message + self.suffix, **more)

    def run(self) -> None:
        if not self.ruleset.rules:
            return
        self.eligibility()
        self.rules()
        if self.witness.assignment is not None:  # when nothing is eligible, every value is "on neither side"
            self.gaps()

    # -- c. can any application be eligible? ------------------------------------------------------
    def ok(self, index: int, outcome: str) -> bool:
        if self.ruleset.rules[index].severity == "error":
            return outcome in ("pass", "not_applicable")
        return outcome != "unknown"

    def solve(self, rules: list[int], force: Optional[dict] = None) -> _Search:
        """An assignment making every rule of ``rules`` ok (pass or not applicable for error
        rules, decided for warnings), trying each list with one element, then without."""
        model = self.model
        scopes = sorted({model.compiled[i].scope for i in rules if model.compiled[i].scope})
        options = []
        for scope in scopes:
            wanted = (force or {}).get(scope)
            options.append([wanted] if wanted else ["some", "none"])
        total = 0
        exact = True
        for combo in itertools.product(*options):
            states = dict(zip(scopes, combo))
            active = [i for i in rules if model.compiled[i].scope is None or states[model.compiled[i].scope] == "some"]
            candidates, inexact = model.candidates(active, random.Random(SEED))
            self._restrict_lengths(candidates, states)
            budget = [SEARCH_BUDGET]
            assignment: dict = {}
            failed = False
            for component in _components(active, model):
                found, complete = _backtrack(model, component, self.ok, candidates, budget)
                if found is None:
                    failed = True
                    # Unsatisfiable among the candidates is a proof only when the search
                    # ended and every key's candidates were exhaustive.
                    if not complete or any(v in inexact for i in component for v in model.rule_vars[i]):
                        exact = False
                    break
                assignment.update(found)
            total += SEARCH_BUDGET - budget[0]
            if not failed:
                return _Search(assignment, True, total, states)
        return _Search(None, exact, total)

    def _restrict_lengths(self, candidates: dict, states: dict) -> None:
        for var_id, values in candidates.items():
            var = self.model.vars[var_id]
            if var.call is None or var.call.name != "len" or var_id[0] is not None:
                continue
            arg = var.call.args[0]
            if isinstance(arg, expr.Path) and arg.scope is None and arg.path in states:
                if states[arg.path] == "none":
                    candidates[var_id] = [0, _MISSING]
                else:
                    kept = [v for v in values if v is not None and v >= 1] or [1]
                    candidates[var_id] = kept

    def eligibility(self) -> None:
        model = self.model
        everything = list(range(len(model.compiled)))
        result = self.solve(everything)
        self.witness = result
        if result.assignment is None:
            if result.exact:
                core = self.core(everything)
                names = [self.ruleset.rules[i].id for i in core]
                details = self.describe_conflict(core)
                document, based_on, changes, shows, tried = self.conflict_cases(core)
                self.add("AR310", "no application can be eligible (the rules are unsatisfiable): " + _conflict_text(names),
                         rule=names[-1] if names else None, key="check", details=tuple(details + tried), certain=True,
                         candidates=result.count, counterexample=document, based_on=based_on, changes=changes,
                         shows=shows, hint="change one of these rules or parameters so that some values pass them all")
            else:
                self.add("AR310", f"no eligible application found among {result.count:,} candidates "
                         "(a bounded search: the rules compare several fields at once)", severity="warning",
                         certain=False, candidates=result.count)
            return
        for scope in sorted({c.scope for c in model.compiled if c.scope}):
            if result.states.get(scope) == "some":
                continue
            forced = self.solve(everything, force={scope: "some"})
            if forced.assignment is None and forced.exact:
                in_scope = [i for i in everything if model.compiled[i].scope == scope or model.compiled[i].scope is None]
                core = self.core(in_scope, force={scope: "some"})
                names = [self.ruleset.rules[i].id for i in core]
                self.add("AR312", f"no element of {scope} can pass every rule, so only applications without {scope} "
                         f"can be eligible: {_conflict_text(names)}", rule=names[-1] if names else None, key="check",
                         details=tuple(self.describe_conflict(core)), certain=True, candidates=forced.count,
                         hint="change one of these rules so that some element passes them all")
        if self.semantics.linter.verbose:
            document, based_on = self.passing_document()
            shows = _shows(document, self.ruleset, None) if document is not None else None
            example = "a constructed one" if based_on == "constructed" else based_on
            self.add("AR311", "an application can be eligible" + (f", e.g. {example}" if example else ""),
                     certain=True, candidates=result.count, counterexample=document, based_on=based_on,
                     changes=(_changes(None, document) if based_on == "constructed" else {}) if document is not None else None,
                     shows=shows)

    def core(self, rules: list[int], force: Optional[dict] = None) -> list[int]:
        """A minimal set of rules that still leaves no eligible application (deletion)."""
        kept = list(rules)
        for index in list(rules):
            trial = [i for i in kept if i != index]
            if not trial:
                continue
            result = self.solve(trial, force)
            if result.assignment is None and result.exact:
                kept = trial
        return kept

    def describe_conflict(self, core: list[int]) -> list[str]:
        """For each key two or more of the rules read: which values each accepts."""
        model = self.model
        counts: dict[VarId, int] = {}
        for index in core:
            for var_id in model.rule_vars[index]:
                counts[var_id] = counts.get(var_id, 0) + 1
        lines = []
        for var_id, count in counts.items():
            var = model.vars[var_id]
            if count < 2 or var.kind == "unresolved":
                continue
            for index in core:
                if var_id not in model.rule_vars[index]:
                    continue
                if var.numeric:
                    accepted = self.accepted_pieces(index, var_id, self.pieces([index for index in core], var_id))
                    if accepted is not None:
                        lines.append(f"{self.ruleset.rules[index].id} accepts {var.label} {_intervals(accepted, var)}")
                else:
                    values = self.accepted_values(index, var_id)
                    if values is not None:
                        shown = ("no value" if not values else f"= {json.dumps(values[0], ensure_ascii=False)}"
                                 if len(values) == 1 else f"in {json.dumps(values, ensure_ascii=False)}")
                        lines.append(f"{self.ruleset.rules[index].id} accepts {var.label} {shown}")
        return lines

    def accepted_values(self, index: int, var_id: VarId) -> Optional[list]:
        """The values of a choice, text or true/false key for which the rule can pass (texts:
        only those the rules name)."""
        model = self.model
        candidates, inexact = model.candidates([index], random.Random(SEED))
        if set(model.rule_vars[index]) & inexact:
            return None
        others = [v for v in model.rule_vars[index] if v != var_id]
        accepted = []
        for value in candidates[var_id]:
            if value is None:
                continue
            for count, values in enumerate(itertools.product(*(candidates[v] for v in others))):
                if count >= SEARCH_BUDGET:
                    return None
                assignment = dict(zip(others, values))
                assignment[var_id] = value
                if model.outcome(index, assignment) == "pass":
                    accepted.append(value)
                    break
        return accepted

    def conflict_cases(self, core: list[int]) -> tuple:
        """Applications that show a conflict: from the example closest to eligible, each
        shared key set to a value one rule accepts, which another rule then refuses."""
        base, based_on = self.nearest_document()
        if base is None:
            return None, None, None, None, []
        model = self.model
        rule_ids = [self.ruleset.rules[i].id for i in core]
        counts: dict[VarId, list[int]] = {}
        for index in core:
            for var_id in model.rule_vars[index]:
                counts.setdefault(var_id, []).append(index)
        first: tuple = (None, None, None, None)
        lines: list[str] = []
        marks = {"pass": "✔", "fail": "✘", "unknown": "?", "not_applicable": "–"}
        for var_id, readers in counts.items():
            var = model.vars[var_id]
            if len(readers) < 2 or not var.numeric or var.call is not None or var.path is None:
                continue
            pieces = self.pieces(core, var_id)
            accepted = {index: self.accepted_pieces(index, var_id, pieces) for index in readers}
            if any(value is None for value in accepted.values()):
                continue
            for index in readers:
                own = accepted[index]
                others = [p for other in readers if other != index for p in accepted[other]]
                if not own:
                    continue
                ends = [end for piece in own for end in piece]
                value = min(ends, key=lambda e: min((abs(e - o) for p in others for o in p), default=0))
                document = copy.deepcopy(base)
                if var.scope is None:
                    _put(document, tuple(var.path.split(".")), _document_value(var, value))
                    targets = [(rule_id, None) for rule_id in rule_ids]
                else:
                    if not isinstance(document.get(var.scope), list) or not document[var.scope]:
                        continue
                    _put(document, (var.scope, 0, *var.path.split(".")), _document_value(var, value))
                    targets = [(rule_id, None if model.compiled[i].scope is None else f"{var.scope}[0]")
                               for rule_id, i in zip(rule_ids, core)]
                shows = _shows(document, self.ruleset, targets)
                if shows is None:
                    continue
                outcomes = ", ".join(f"{marks[r['outcome']]} {r['id']}" for r in shows["rules"])
                lines.append(f"with {var.label} = {_value_text(var, value)}: {outcomes}")
                if first[0] is None:
                    first = (document, based_on, _changes(base, document), shows)
        return (*first, [f"from {based_on}:"] + [f"  {line}" for line in lines] if lines else [])

    def nearest_document(self) -> tuple[Optional[dict], Optional[str]]:
        """The example of the call with the fewest failing or unknown error rules."""
        best: tuple = (None, None)
        best_score = None
        for path in self.example_files():
            document = _read_example(path, self.ruleset.call)
            if document is None:
                continue
            verdict = _check(document, self.ruleset)
            if verdict is None:
                continue
            score = sum(1 for r in verdict.rules if r.severity == "error" and r.outcome in ("fail", "unknown"))
            if best_score is None or score < best_score:
                best, best_score = (document, _display(path)), score
        return best

    # -- b. rules that can never fail, pass or apply ------------------------------------------------------
    def rules(self) -> None:
        model = self.model
        for index, rule in enumerate(self.ruleset.rules):
            compiled = model.compiled[index]
            ids = model.rule_vars[index]
            if any(model.vars[v].kind == "unresolved" for v in ids):
                continue
            candidates, inexact = model.candidates([index], random.Random(SEED + index))
            exact = not (set(ids) & inexact)
            found: dict[str, dict] = {}
            count = 0
            sizes = [len(candidates[v]) for v in ids]
            product = math.prod(sizes) if sizes else 1
            if product <= SEARCH_BUDGET:
                iterator = itertools.product(*(candidates[v] for v in ids))
            else:
                exact = False
                rnd = random.Random(SEED + index)
                iterator = (tuple(rnd.choice(candidates[v]) for v in ids) for _ in range(SEARCH_BUDGET))
            for values in iterator:
                count += 1
                assignment = dict(zip(ids, values))
                outcome = model.outcome(index, assignment)
                if outcome not in found:
                    found[outcome] = assignment
                    if {"pass", "fail", "not_applicable"} <= set(found):
                        break
            how = "" if exact else f" (no counterexample found among {count:,} candidates)"
            if "fail" not in found and "pass" in found:
                constant = isinstance(rule.check, expr.Lit)  # check: true, written so on purpose
                severity = "info" if constant or not exact else "warning"
                why = ("its check is the constant true" if constant else
                       "its check is always true as written" if isinstance(compiled.check, Const) else
                       "no application makes its check false")
                document, based_on, changes, shows = (None, None, None, None) if constant else self.case(index, found["pass"])
                self.add("AR302", f"rule {rule.id!r} can never fail: {why}{how}", rule=rule.id, key="check",
                         severity=severity, certain=exact, candidates=count, counterexample=document,
                         based_on=based_on, changes=changes, shows=shows,
                         hint=None if constant else "check the comparison and its parameters: as written, the rule accepts every application it applies to")
            elif "pass" not in found and "fail" in found:
                severity = "error" if exact and rule.severity == "error" else "warning"
                document, based_on, changes, shows = self.case(index, found["fail"])
                self.add("AR303", f"rule {rule.id!r} can never pass: no application makes its check true{how}",
                         rule=rule.id, key="check", severity=severity, certain=exact, candidates=count,
                         counterexample=document, based_on=based_on, changes=changes, shows=shows,
                         hint="check the comparison and its parameters: as written, the rule refuses every application it applies to")
            elif "pass" not in found and "fail" not in found and "not_applicable" in found:
                self.add("AR304", f"rule {rule.id!r} can never apply: its when: is never true{how}", rule=rule.id,
                         key="when", certain=exact, candidates=count)
            elif not found.keys() - {"unknown"}:
                self.add("AR305", f"rule {rule.id!r} is always unknown", rule=rule.id, certain=exact, candidates=count)

    # -- a. thresholds that leave a value on neither side -------------------------------------------------
    def pieces(self, rule_indices: list[int], var_id: VarId, others: Iterable[VarId] = ()) -> list[tuple[int, int]]:
        """The values of a key cut where any of the rules' thresholds on it (or on the keys of
        the same kind ``others``) is: within a piece every such comparison has one truth."""
        var = self.model.vars[var_id]
        low, high = var.domain
        points = {low, high}
        keys = {var_id, *others}
        for index in rule_indices:
            for scope, atom in self.model.rule_atoms[index]:
                if isinstance(atom, Linear) and len(atom.terms) == 1:
                    (coef, key), = atom.terms
                    if self.model.var_of(scope, key) in keys:
                        t = Fraction(-atom.constant, coef)
                        for p in (math.floor(t), math.ceil(t)):
                            if low <= p <= high:
                                points.add(p)
        cuts = sorted(points)
        result = []
        for a, b in zip(cuts, cuts[1:] + [None]):
            result.append((a, a))
            if b is not None and b - a > 1:
                result.append((a + 1, b - 1))
        return result

    def accepted_pieces(self, index: int, var_id: VarId, pieces: list) -> Optional[list[tuple[int, int]]]:
        """The pieces on which some assignment of the rule's other keys makes it pass (its
        when true, its check true); None when that cannot be decided exactly."""
        model = self.model
        others = [v for v in model.rule_vars[index] if v != var_id]
        candidates, inexact = model.candidates([index], random.Random(SEED))
        if set(model.rule_vars[index]) & inexact:
            return None
        accepted = []
        for piece in pieces:
            found = False
            budget = SEARCH_BUDGET
            for values in itertools.product(*(candidates[v] for v in others)):
                budget -= 1
                if budget < 0:
                    return None
                assignment = dict(zip(others, values))
                assignment[var_id] = piece[0]
                if model.outcome(index, assignment) == "pass":
                    found = True
                    break
            if found:
                accepted.append(piece)
        return accepted

    def gaps(self) -> None:
        model = self.model
        groups: dict[tuple, list[tuple[int, VarId]]] = {}
        for index, rule in enumerate(self.ruleset.rules):
            if rule.severity != "error":
                continue
            check_keys = condition_keys(model.compiled[index].check)
            for scope, atom in model.rule_atoms[index]:
                if isinstance(atom, Linear) and len(atom.terms) == 1 and atom.terms[0][1] in check_keys:
                    var_id = model.var_of(scope, atom.terms[0][1])
                    var = model.vars[var_id]
                    entry = (index, var_id)
                    group = groups.setdefault((var.kind, var.value_kind), [])
                    if entry not in group:
                        group.append(entry)
        for (kind, value_kind), entries in groups.items():
            if len({var_id for _, var_id in entries}) < 2 or len({index for index, _ in entries}) < 2:
                continue
            var_ids = [var_id for _, var_id in entries]
            first = model.vars[var_ids[0]]
            pieces = self.pieces([index for index, _ in entries], var_ids[0], var_ids[1:])
            self._pieces_count = len(pieces)
            accepted_by: dict[int, list] = {}
            for index, var_id in entries:
                accepted = self.accepted_pieces(index, var_id, pieces)
                if accepted is None:
                    break
                accepted_by[index] = accepted
            else:
                union = {piece for accepted in accepted_by.values() for piece in accepted}
                for gap in _gaps(pieces, union):
                    self.report_gap(value_kind, first, gap, entries, accepted_by)

    def report_gap(self, value_kind: str, var: _Var, gap: tuple[int, int], entries, accepted_by) -> None:
        low, high = gap
        value = low
        shown = _value_text(var, low) if low == high else f"from {_value_text(var, low)} to {_value_text(var, high)}"
        article = "=" if low == high else ""
        subject = f"{value_kind} {article} {shown}".replace("  ", " ")
        lines = []
        for index, var_id in entries:
            lines.append(f"{self.ruleset.rules[index].id} accepts {self.model.vars[var_id].label} "
                         f"{_intervals(accepted_by[index], self.model.vars[var_id])}")
        document, based_on, changes, shows = self.gap_case(entries, value)
        rule_ids = [self.ruleset.rules[index].id for index, _ in entries]
        own = self.semantics.linter.name
        # Point at a rule of the file being linted when one of the group is there.
        anchor = next((rule_id for rule_id in rule_ids
                       if (self.semantics.places.get((rule_id, "check")) or "").startswith(own + ":")), rule_ids[0])
        names = ", ".join(rule_ids[:-1]) + " nor " + rule_ids[-1] if len(rule_ids) > 1 else rule_ids[0]
        failing = {r["id"] for r in shows["rules"] if r["outcome"] == "fail"} if shows is not None else set()
        if failing != set(rule_ids):
            # Only an application that really fails every rule of the group is shown.
            document = based_on = changes = shows = None
            lines.append("no application showing it could be built from an eligible one")
        self.add("AR301", f"{subject} is accepted by no rule: neither {names} accepts it, though values on both "
                 "sides are accepted", rule=anchor, key="check", details=tuple(lines), certain=True,
                 candidates=len(accepted_by) * self._pieces_count,
                 counterexample=document, based_on=based_on, changes=changes, shows=shows,
                 hint="say which side the boundary value belongs to: write >= or <= in one of the rules, as the call text means")

    # -- counterexample documents ----------------------------------------------------------------------
    def passing_document(self) -> tuple[Optional[dict], Optional[str]]:
        """An application that is eligible under the ruleset: a bundled example of the same
        call, else one constructed from the eligible witness; with where it came from."""
        if self._passing != ():
            return self._passing
        result: tuple = (None, None)
        for path in self.example_files():
            document = _read_example(path, self.ruleset.call)
            if document is None:
                continue
            verdict = _check(document, self.ruleset)
            if verdict is not None and verdict.outcome == "eligible":
                result = (document, _display(path))
                break
        else:
            witness = getattr(self, "witness", None)
            if witness is not None and witness.assignment is not None:
                document = self.realize(witness.assignment, witness.states, None)
                verdict = _check(document, self.ruleset)
                if verdict is not None and verdict.outcome == "eligible":
                    result = (document, "constructed")
        self._passing = result
        return result

    def example_files(self) -> list[Path]:
        if self.ruleset.call is None:
            return []
        folders = []
        linter = self.semantics.linter
        if linter.examples is not None:
            folders.append(linter.examples)
        if linter.path is not None:
            for folder in linter.path.resolve().parents:
                if (folder / "examples").is_dir():
                    folders.append(folder / "examples")
                    break
        try:
            bundled = Path(str(resources.files("amif_rules"))) / "examples"
            if bundled.is_dir():
                folders.append(bundled)
        except (TypeError, ValueError):  # pragma: no cover
            pass
        folders.append(rulesets_dir().parent / "examples")
        files: list[Path] = []
        seen = set()
        for folder in folders:
            if not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                if path.suffix not in (".json", ".yaml", ".yml") or path.name in seen:
                    continue
                seen.add(path.name)
                files.append(path)
        # Eligible examples first: they are the ones that can pass.
        return sorted(files, key=lambda p: (("-eligible" not in p.name) or ("ineligible" in p.name), p.name))

    def case(self, index: int, assignment: dict) -> tuple:
        """A document on which rule ``index`` has the outcome ``assignment`` gives it."""
        base, based_on = self.passing_document()
        model = self.model
        compiled = model.compiled[index]
        scope = compiled.scope
        states = {scope: "some"} if scope else {}
        document = self.realize(assignment, states, base)
        wanted = model.outcome(index, assignment)
        item = f"{scope}[0]" if scope else None
        shows = _shows(document, self.ruleset, [(self.ruleset.rules[index].id, item)])
        if shows is None or not any(r["outcome"] == wanted for r in shows["rules"]):
            return None, None, None, None
        based_on = based_on or "constructed"
        return document, based_on, _changes(base if based_on != "constructed" else None, document), shows

    def gap_case(self, entries, value: int) -> tuple:
        """A passing application with every key of the group set to ``value``."""
        base, based_on = self.passing_document()
        if base is None:
            return None, None, None, None
        model = self.model
        document = copy.deepcopy(base)
        targets = []
        verdict = _check(document, self.ruleset)
        for index, var_id in entries:
            var = model.vars[var_id]
            rule = self.ruleset.rules[index]
            compiled = model.compiled[index]
            if var.scope is None:
                _put(document, tuple(var.path.split(".")), _document_value(var, value))
                targets.append((rule.id, None))
                continue
            elements = document.get(var.scope) if isinstance(document.get(var.scope), list) else []
            applies = [r.item for r in (verdict.rules if verdict else ()) if r.id == rule.id and r.item
                       and r.outcome in ("pass", "fail")]
            if applies:
                position = int(applies[0].rsplit("[", 1)[1].rstrip("]"))
            else:
                candidates, _ = model.candidates([index], random.Random(SEED))
                ids = [v for v in model.rule_vars[index] if v != var_id]
                chosen = None
                for values in itertools.islice(itertools.product(*(candidates[v] for v in ids)), SEARCH_BUDGET):
                    assignment = dict(zip(ids, values))
                    assignment[var_id] = value
                    if rule_outcome(compiled, {k[1]: v for k, v in assignment.items() if v is not None}) == "fail":
                        chosen = assignment
                        break
                if chosen is None:
                    continue
                position = len(elements)
                elements = list(elements) + [copy.deepcopy(elements[0]) if elements else {}]
                document[var.scope] = elements
                document = self.realize(chosen, {var.scope: "some"}, document, {var.scope: position})
            _put(document, (var.scope, position, *var.path.split(".")), _document_value(var, value))
            targets.append((rule.id, f"{var.scope}[{position}]"))
        shows = _shows(document, self.ruleset, targets)
        return document, based_on, _changes(base if based_on != "constructed" else None, document), shows

    def realize(self, assignment: dict, states: dict, base: Optional[dict], positions: Optional[dict] = None) -> dict:
        """A document whose facts take the values of ``assignment`` (as far as possible)."""
        model = self.model
        document = copy.deepcopy(base) if base is not None else ({"call": str(self.ruleset.call)} if self.ruleset.call else {})
        positions = dict(positions or {})
        for scope, state in states.items():
            if state == "none":
                document[scope] = []
            else:
                if not isinstance(document.get(scope), list) or not document[scope]:
                    document[scope] = [{}]
                positions.setdefault(scope, 0)
        plain = sorted(((v, value) for v, value in assignment.items() if model.vars[v].call is None
                        and model.vars[v].kind != "unresolved"), key=lambda item: item[0][1] != "reference_date")
        for var_id, value in plain:
            var = model.vars[var_id]
            if var.scope is None and var.path == "reference_date":
                if value is not None and any(v[1] == "submitted_at" for v in assignment):
                    continue
                parts: tuple = ("submitted_at",)
                shown = None if value is None else dt.datetime.combine(dt.date.fromordinal(value), dt.time(12), BRUSSELS).isoformat()
            else:
                parts = tuple(var.path.split(".")) if var.scope is None else (var.scope, positions.get(var.scope, 0), *var.path.split("."))
                shown = None if value is None else _document_value(var, value)
            if var.scope is not None and var.scope not in positions:
                if not isinstance(document.get(var.scope), list) or not document[var.scope]:
                    document[var.scope] = [{}]
            _put(document, parts, shown)
        derived = [(v, value) for v, value in assignment.items() if model.vars[v].call is not None]
        reads_date = any(isinstance(a, expr.Path) and a.path == "reference_date"
                         for v, value in derived if value is not None for a in model.vars[v].call.args)
        dated = {(None, "submitted_at"), (None, "reference_date")} & set(assignment)
        if (reads_date or self.on is not None) and not dated and not isinstance(document.get("submitted_at"), str):
            # The date picks dated parameter values too: the one this analysis is for.
            day = self.on or self.ruleset.valid_until or self.ruleset.valid_from or _TYPICAL_DAY
            document["submitted_at"] = dt.datetime.combine(day, dt.time(12), BRUSSELS).isoformat()
        if derived:
            self._realize_derived(document, derived, positions)
        return document

    def _realize_derived(self, document: dict, derived: list, positions: dict) -> None:
        model = self.model
        lengths = []
        groups: dict[tuple, list] = {}
        for var_id, value in derived:
            var = model.vars[var_id]
            call = var.call
            arg = call.args[0]
            if call.name == "len" and isinstance(arg, expr.Path) and arg.scope is None and arg.type.kind == LIST:
                lengths.append((arg.path, value))
                continue
            free = [a for a in call.args if isinstance(a, expr.Path) and a.path != "reference_date"]
            if not free:
                continue
            path = free[0]
            groups.setdefault((path.scope, path.path), []).append((var, value))
        for (scope, path), wanted in groups.items():
            position = positions.get(scope, 0) if scope else None
            if scope and (not isinstance(document.get(scope), list) or not document[scope]):
                document[scope] = [{}]
            parts = (scope, position, *path.split(".")) if scope else tuple(path.split("."))
            for candidate in self._pool(document, scope, path, wanted):
                trial = copy.deepcopy(document)
                _put(trial, parts, candidate)
                if self._derived_match(trial, scope, position, wanted):
                    _put(document, parts, candidate)
                    break
        for path, value in lengths:
            if value is None:
                document.pop(path, None)
            elif value == 0:
                document[path] = []
            else:
                elements = document.get(path) if isinstance(document.get(path), list) else []
                model_element = elements[positions.get(path, 0)] if elements else {}
                document[path] = (elements + [copy.deepcopy(model_element) for _ in range(value)])[:max(value, 1)]

    def _pool(self, document: dict, scope: Optional[str], path: str, wanted: list) -> list:
        """Values to try for a field that function calls read."""
        pool: list = [None]
        reference = _reference_day(document)
        kind = (schema.scope_field(scope, path) if scope else schema.root_field(path))
        kind = kind.kind if kind is not None else None
        if kind == COUNTRY_CODES_KIND:
            pool += [["SY"], ["BE"], ["NO"], ["SY", "NO"], ["BE", "NO"], ["BE", "SY"], ["stateless"], ["GB"], ["HR"], ["CH"]]
            for var, value in wanted:
                if var.call.name == "has_any":
                    haystack = var.call.args[1].value if isinstance(var.call.args[1], (expr.Lit, expr.Param)) else ()
                    for code in list(haystack or ())[:5]:
                        pool += [[code], ["SY", code]]
                if var.call.name == "len" and isinstance(value, int) and value >= 0:
                    pool.append(_THIRD_COUNTRIES[:value])
        elif kind == TEXTS:
            choices = list((schema.root_field(path) or schema.FieldType(TEXTS)).choices)
            pool += [[]]
            for var, value in wanted:
                if var.call.name == "has_any":
                    haystack = var.call.args[1].value if isinstance(var.call.args[1], (expr.Lit, expr.Param)) else ()
                    pool += [[v] for v in list(haystack or ())[:5]]
                    pool += [[c] for c in choices if c not in (haystack or ())][:2]
                if var.call.name == "len" and isinstance(value, int) and value >= 0:
                    pool.append(choices[:value] if len(choices) >= value else [f"result {i + 1}" for i in range(value)])
            pool += [[c] for c in choices[:3]] + [["result 1"]]
        elif kind == DATE:
            for var, value in wanted:
                if var.call.name == "age_on" and isinstance(value, int) and reference is not None:
                    for shift in (0, -1, 1):
                        pool.append(_years_before(reference, value, shift))
            pool += ["1990-01-01"]
        elif kind == INSTANT:
            for var, value in wanted:
                if var.call.name == "local_date" and isinstance(value, int):
                    pool.append(dt.datetime.combine(dt.date.fromordinal(value), dt.time(12), BRUSSELS).isoformat())
        return pool

    def _derived_match(self, document: dict, scope: Optional[str], position: Optional[int], wanted: list) -> bool:
        encoded = _encode(document, self.ruleset, self.plan)
        if encoded is None:
            return False
        if scope is None:
            fact = encoded.root
        else:
            items = encoded.items.get(scope, ())
            if position is None or position >= len(items):
                return False
            fact = items[position]
        return all(fact.get(var.key) == value for var, value in wanted)


# -- helpers ---------------------------------------------------------------------------------------


def _gaps(pieces: list[tuple[int, int]], accepted: set) -> list[tuple[int, int]]:
    """Runs of pieces no rule accepts with accepted pieces on both sides."""
    flags = [piece in accepted for piece in pieces]
    result = []
    index = 0
    while index < len(pieces):
        if flags[index]:
            index += 1
            continue
        start = index
        while index < len(pieces) and not flags[index]:
            index += 1
        if start > 0 and index < len(pieces):
            result.append((pieces[start][0], pieces[index - 1][1]))
    return result


def _intervals(pieces: list[tuple[int, int]], var: _Var) -> str:
    """Accepted pieces as readable conditions: ``> 150,000``, ``from 18 to 65``."""
    if not pieces:
        return "no value"
    merged: list[list[int]] = []
    for low, high in sorted(pieces):
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    lowest, highest = var.domain
    parts = []
    ordinal = var.kind in (DATE, INSTANT)
    for low, high in merged:
        if low == lowest and high == highest:
            parts.append("any value")
        elif low == high:
            parts.append(f"= {_value_text(var, low)}")
        elif low == lowest:
            parts.append(f"≤ {_value_text(var, high)}" if ordinal else f"< {_value_text(var, high + 1)}")
        elif high == highest:
            parts.append(f"≥ {_value_text(var, low)}" if ordinal else f"> {_value_text(var, low - 1)}")
        else:
            parts.append(f"from {_value_text(var, low)} to {_value_text(var, high)}")
    return " or ".join(parts)


def _value_text(var: _Var, value: int) -> str:
    if var.kind == MONEY:
        return f"€{value // 100:,}.{value % 100:02d}"
    if var.kind == INSTANT:
        return (dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(microseconds=value)).astimezone(BRUSSELS).isoformat()
    if var.kind == DATE:
        return dt.date.fromordinal(value).isoformat()
    return f"{value:,}"


def _document_value(var: _Var, value: Any) -> Any:
    """An encoded value as a document writes it."""
    if value is None:
        return None
    if var.kind == MONEY:
        return f"{value // 100}.{value % 100:02d}"
    if var.kind == INSTANT:
        moment = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(microseconds=value)
        return moment.astimezone(BRUSSELS).isoformat()
    if var.kind == DATE:
        return dt.date.fromordinal(value).isoformat()
    return value


def _conflict_text(names: list[str]) -> str:
    if len(names) == 1:
        return f"rule {names[0]!r} refuses every application"
    quoted = [repr(n) for n in names]
    return "the rules " + ", ".join(quoted[:-1]) + " and " + quoted[-1] + " contradict each other"


def _put(document: dict, parts: tuple, value: Any) -> None:
    """Set ``parts`` of ``document`` (None removes it), making objects and elements on the way."""
    docpaths.put(document, parts, docpaths.DELETE if value is None else value)


def _read_example(path: Path, call: Any) -> Optional[dict]:
    """An example application of call ``call`` (None for another call or a bad file)."""
    try:
        text = path.read_bytes()
        document = parse_json(text) if path.suffix == ".json" else parse_yaml(text)
    except (InputError, OSError):
        return None
    if not isinstance(document, dict) or str(document.get("call")) != str(call):
        return None
    return document


def _check(document: dict, ruleset: Ruleset):
    from ..api import check

    try:
        return check(copy.deepcopy(document), ruleset=ruleset, engine="python", lang="en")
    except AmifRulesError:
        return None


def _shows(document: Optional[dict], ruleset: Ruleset, targets: Optional[list]) -> Optional[dict]:
    """What checking ``document`` gives: the verdict's outcome and the results of ``targets``
    ((rule id, item) pairs; all failing and unknown rules when None)."""
    if document is None:
        return None
    verdict = _check(document, ruleset)
    if verdict is None:
        return None
    results = []
    for result in verdict.rules:
        wanted = (targets is None and result.outcome in ("fail", "unknown")) or (
            targets is not None and any(result.id == rule_id and (item is None or result.item == item) for rule_id, item in targets))
        if wanted:
            results.append({"id": result.id, "item": result.item, "outcome": result.outcome, "message": result.message})
    return {"outcome": verdict.outcome, "rules": results}


def _changes(base: Optional[dict], document: dict) -> dict:
    """The input paths whose value differs from ``base`` (None: removed), in document order."""
    changes: dict = {}

    def walk(before: Any, after: Any, path: str) -> None:
        if isinstance(after, dict):
            previous = before if isinstance(before, dict) else {}
            for key in after:
                walk(previous.get(key), after[key], f"{path}.{key}" if path else key)
            for key in previous:
                if key not in after:
                    changes[f"{path}.{key}" if path else key] = None
        elif isinstance(after, list) and after and all(isinstance(e, dict) for e in after):
            previous = before if isinstance(before, list) else []
            for index, element in enumerate(after):
                walk(previous[index] if index < len(previous) else {}, element, f"{path}[{index}]")
        elif before != after:
            changes[path] = after

    walk(base or {}, document, "")
    return changes


def _encode(document: dict, ruleset: Ruleset, plan: Plan):
    try:
        application = read_application(copy.deepcopy(document))
    except InputError:
        return None
    register_date = ruleset.register_date
    if register_date == REFERENCE_YEAR:
        day = application.submitted_at.astimezone(BRUSSELS).date() if application.submitted_at else None
        register_date = dt.date(day.year, 1, 1) if day else None
    facts = build_facts(application, register_date=register_date)
    return plan.encode(facts)


def _reference_day(document: dict) -> Optional[dt.date]:
    text = document.get("submitted_at")
    if not isinstance(text, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(BRUSSELS).date()


def _years_before(day: dt.date, years: int, shift: int) -> str:
    year = day.year - years
    try:
        birth = day.replace(year=year)
    except ValueError:
        birth = day.replace(year=year, day=28)
    return (birth + dt.timedelta(days=shift)).isoformat()
