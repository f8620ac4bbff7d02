"""Ruleset files: YAML → :class:`Ruleset`, with every problem located by file, line, column.

Ruleset files are data: they are read with a safe YAML loader (no tags, no code), bounded
in size, and their expressions are parsed by :mod:`amif_rules.expr` (no ``eval``). A
loading error names where the problem is and what to write instead; all problems of a file
are reported at once.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path as FilePath
from typing import Any, Optional, Union

import attrs
import yaml

from . import expr, limits, schema
from .errors import Location, RulesetError, RulesetProblem, excerpt
from .messages import Template, bind_bounds, check_sides, day_of_a_compared_instant, parse_template
from .resources import rulesets_dir
from .yamlsafe import ALIAS_MESSAGE, fast_composer, strict_loader
from .schema import BOOL, DATE, DECIMAL, INSTANT, INT, MONEY, TEXT, TEXTS, FieldType

LANGUAGES = ("nl", "fr", "en")
OUTCOMES = ("pass", "fail", "unknown", "not_applicable")
SEVERITIES = ("error", "warning")
STATUSES = ("published", "draft")
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

#: ``register_date: reference_year``: the register's figures of 1 January of the reference date's year.
REFERENCE_YEAR = "reference_year"

#: How parameter ``type:`` names map to expression types; ``share`` is a decimal shown as %.
PARAMETER_TYPES = {
    "integer": FieldType(INT),
    "decimal": FieldType(DECIMAL),
    "share": FieldType(DECIMAL),
    "money": FieldType(MONEY),
    "text": FieldType(TEXT),
    "texts": FieldType(TEXTS),
    "bool": FieldType(BOOL),
    "date": FieldType(DATE),
    "instant": FieldType(INSTANT),
}


@attrs.frozen
class Localized:
    """A text in Dutch, French and English."""

    nl: str
    fr: str
    en: str

    def get(self, lang: str) -> str:
        return getattr(self, lang)


class _Marker:
    """A parameter value that is not a value (see :data:`UNSET`, :data:`UNRESOLVED`)."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: A parameter declared without a value (a base leaves it to the rulesets that extend it):
#: the rules that read it are left out (``Ruleset.inactive``).
UNSET = _Marker("UNSET")
#: A parameter with dated values, read without a date: rules that read it are unknown.
UNRESOLVED = expr.UNRESOLVED


@attrs.frozen
class Parameter:
    name: str
    value: Any  # the value, UNSET, or UNRESOLVED
    type_name: str  # one of PARAMETER_TYPES
    source: str
    description: Optional[Localized] = None
    #: Dated values: ((from, until, value), ...), in order; empty for a plain value.
    dated: tuple = ()

    @property
    def node(self) -> expr.Param:
        return expr.Param(self.name, self.value, PARAMETER_TYPES[self.type_name])


def _resolve(dated: tuple, on: Optional[dt.date]) -> Any:
    """The value in force on ``on``; UNRESOLVED without a date when the values differ.

    Before the first period, the first value; after a period (in a gap, or after the last),
    the value of the latest period that began before the date (a period with no
    ``from``/``until`` is open on that side).
    """
    if on is None:
        values = {repr(value) for _, _, value in dated}
        return dated[0][2] if len(values) == 1 else UNRESOLVED
    previous = dated[0][2]
    for start, end, value in dated:
        if start is not None and on < start:
            return previous
        if end is None or on <= end:
            return value
        previous = value
    return previous


def resolution_key(ruleset: "Ruleset", on: Optional[dt.date]) -> tuple:
    """Which dated value each dated parameter takes on ``on`` (equal keys: equal rulesets)."""
    return tuple((name, repr(_resolve(periods, on))) for name, periods in sorted(ruleset.dated.items()))


def parameters_read(rule: "Rule", messages: bool = True) -> set[str]:
    """The parameters a rule reads: in its condition and check, and (with ``messages``) in
    its messages' placeholders. A rule that reads a parameter without a value is inactive;
    an impact report lists the parameters that can change an outcome (``messages=False``)."""
    names: set[str] = set()
    nodes = [rule.check] + ([rule.when] if rule.when is not None else [])
    for outcome_templates in (rule.messages.by_outcome.values() if messages else ()):
        for template in outcome_templates.values():
            nodes.extend(p.node for p in template.placeholders if p.node is not None)
    for node in nodes:
        names.update(expr.parameters(node))
    return names


def _definition_texts(definitions: dict) -> dict[str, str]:
    return {name: text for name, (text, _, _) in definitions.items()}


def _did_you_mean(word: str, candidates) -> Optional[str]:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


@attrs.frozen
class Messages:
    by_outcome: dict[str, dict[str, Template]]  # outcome -> lang -> template

    def template(self, outcome: str, lang: str) -> Optional[Template]:
        return self.by_outcome.get(outcome, {}).get(lang)


@attrs.frozen
class Rule:
    id: str
    title: Optional[Localized]
    for_each: Optional[str]
    when: Optional[expr.Node]
    check: expr.Node
    severity: str
    source: str
    messages: Messages
    location: Location
    #: Every field the rule's conditions read, in reading order (made once, for verdicts).
    reads: tuple = ()
    #: Whether a condition reads a dated parameter that has no value yet.
    unresolved: bool = False


@attrs.frozen
class Ruleset:
    """A loaded, checked ruleset. ``digest`` identifies its exact content."""

    id: str
    version: str
    call: Optional[str]
    title: Localized
    source: str
    status: str
    valid_from: Optional[dt.date]
    valid_until: Optional[dt.date]
    #: Which figures of the municipality register the rules read: a 1 January the register
    #: holds, or REFERENCE_YEAR (1 January of the reference date's year).
    register_date: Union[dt.date, str, None]
    parameters: dict[str, Parameter]
    rules: tuple[Rule, ...]
    file: str
    digest: str
    description: Optional[Localized] = None
    #: The ids of the rulesets this one extends, the most basic first.
    extends: tuple[str, ...] = ()
    #: A base for other rulesets, not a call (it has no call code).
    abstract: bool = False
    #: Rules left out, with why (a parameter the text of this call gives no value for).
    inactive: tuple[tuple[str, str], ...] = ()
    #: Parameters with dated values: name -> ((from, until, value), ...).
    dated: dict[str, tuple] = attrs.field(factory=dict)
    #: The date dated parameters were resolved for (None: not resolved).
    on: Optional[dt.date] = None
    #: Where the file was read from and its text, to resolve it again for another date.
    origin: str = attrs.field(default="<ruleset>", repr=False, eq=False)
    text: str = attrs.field(default="", repr=False, eq=False)

    def resolved(self, on: Optional[dt.date]) -> "Ruleset":
        """This ruleset with its dated parameters resolved for ``on``."""
        if resolution_key(self, on) == resolution_key(self, self.on):
            return self
        return parse_ruleset(self.text, self.origin, on=on)

    def valid_on(self, day: dt.date) -> bool:
        """Whether ``day`` falls within ``valid_from``..``valid_until`` (open ends allowed)."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_until is None or day <= self.valid_until)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


# -- YAML with positions ------------------------------------------------------------------------


_RulesetLoader = strict_loader("a ruleset")
_FastLoader = fast_composer()


@attrs.frozen
class _Mark:
    line: int  # 1-based
    column: int  # 1-based
    style: Optional[str]  # scalar style: None (plain), "'", '"', "|", ">"
    end_line: int = 0  # 0-based index of the first line after the node


class _Builder:
    """Turns a composed YAML node tree into Python values, remembering where each came from."""

    def __init__(self, file: str, text: str = "", problems: Optional[list] = None):
        self.file = file
        self.lines = text.splitlines()
        self.marks: dict[tuple, _Mark] = {}
        self.problems: list[RulesetProblem] = problems if problems is not None else []
        self.visited: set[int] = set()
        self.loader = _RulesetLoader("")

    def build(self, node: yaml.Node, path: tuple = ()) -> Any:
        mark = node.start_mark
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            if id(node) in self.visited:  # an alias: the composer shared the anchored node
                self.problem(path, ALIAS_MESSAGE.format(what="a ruleset"), location=mark)
                return None
            self.visited.add(id(node))
        self.marks[path] = _Mark(mark.line + 1, mark.column + 1, getattr(node, "style", None),
                                 node.end_mark.line + (0 if node.end_mark.column == 0 else 1))
        expected = _COLLECTION_TAGS.get(type(node))
        if expected is not None and node.tag != expected:
            self.problem(path, f"YAML tag {node.tag} is not allowed in a ruleset", location=mark)
            return None
        if isinstance(node, yaml.MappingNode):
            result: dict = {}
            for key_node, value_node in node.value:
                key = self.loader.construct_object(key_node) if isinstance(key_node, yaml.ScalarNode) else None
                if not isinstance(key, str):
                    self.problem(path, "keys must be plain names", location=key_node.start_mark)
                    continue
                if key in result:
                    self.problem(path + (key,), f"the key {key!r} appears twice", location=key_node.start_mark)
                    continue
                self.marks[path + (key, "<key>")] = _Mark(key_node.start_mark.line + 1, key_node.start_mark.column + 1, None)
                result[key] = self.build(value_node, path + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, path + (index,)) for index, child in enumerate(node.value)]
        if node.tag not in _PLAIN_TAGS:
            self.problem(path, f"YAML tag {node.tag} is not allowed in a ruleset", location=mark)
            return None
        return self.loader.construct_object(node)

    def location(self, path: tuple, line_offset: int = 0, column_offset: int = 0, text: str | None = None) -> Location:
        """Where ``path`` is; with offsets, where a position inside its scalar value is.

        ``line_offset``/``column_offset`` are 0-based within the stripped value ``text``
        (as an expression parser sees it); block scalars (``|``, ``>``) and values folded
        over several lines are mapped back to the line and column of the file.
        """
        probe = path
        while probe not in self.marks and probe:
            probe = probe[:-1]
        mark = self.marks.get(probe)
        if mark is None:
            return Location(self.file)
        quote = 1 if mark.style in ("'", '"') else 0
        if text is None or (line_offset == 0 and mark.style not in ("|", ">") and mark.end_line <= mark.line):
            return Location(self.file, mark.line, mark.column + quote + column_offset)
        # The character offset inside the value, then the raw line that holds it.
        value_lines = text.split("\n")
        offset = sum(len(line) + 1 for line in value_lines[:line_offset]) + column_offset
        if mark.style in ("|", ">"):
            first = mark.line  # 0-based index of the line after the indicator
            raw = self.lines[first:max(mark.end_line, first + 1)]
            indents = [len(line) - len(line.lstrip(" ")) for line in raw if line.strip()]
            indent = min(indents) if indents else 0
            content = [(first + i, indent, line[indent:]) for i, line in enumerate(raw)]
        else:
            first = mark.line - 1
            raw = self.lines[first:mark.end_line] or [""]
            content = [(first, mark.column - 1 + quote, raw[0][mark.column - 1 + quote:])]
            for i, line in enumerate(raw[1:], start=1):
                stripped = len(line) - len(line.lstrip(" "))
                content.append((first + i, stripped, line[stripped:]))
        while content and not content[0][2].strip():
            content.pop(0)
        for index, indent, line in content:
            lead = len(line) - len(line.lstrip(" ")) if index == content[0][0] else 0
            if offset <= len(line) - lead:
                return Location(self.file, index + 1, indent + lead + offset + 1)
            offset -= len(line) - lead + 1
        return Location(self.file, mark.line, mark.column + quote)

    def problem(self, path: tuple, message: str, hint: str | None = None, location: Any = None) -> None:
        if location is not None and not isinstance(location, Location):
            location = Location(self.file, location.line + 1, location.column + 1)
        self.problems.append(RulesetProblem(location or self.location(path), message, hint))


_COLLECTION_TAGS = {yaml.MappingNode: "tag:yaml.org,2002:map", yaml.SequenceNode: "tag:yaml.org,2002:seq"}
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}

# -- the loader --------------------------------------------------------------------------------

_TOP_KEYS = ("id", "version", "call", "extends", "abstract", "title", "description", "source", "status", "valid_from",
             "valid_until", "register_date", "parameters", "definitions", "rules", "remove_rules")
_RULE_KEYS = ("id", "title", "for_each", "when", "check", "severity", "source", "messages")
_PARAMETER_KEYS = ("value", "values", "type", "source", "description")
_DATED_KEYS = ("value", "from", "until", "source")
#: How many rulesets one ``extends`` chain may hold.
MAX_EXTENDS_DEPTH = 8


def load_ruleset(path: str | FilePath, on: Optional[dt.date] = None) -> Ruleset:
    """Load and check one ruleset file; raises :class:`RulesetError` listing every problem.

    ``on`` picks the value of parameters that have dated values (``values:``); without it,
    a parameter whose value depends on the date is unresolved, and the rules that read it
    are unknown until the date is known.
    """
    file = FilePath(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise RulesetError([RulesetProblem(Location(str(file)), f"cannot read the ruleset file: {error.strerror}")]) from None
    return parse_ruleset(data, str(file), on=on)


def parse_ruleset(data: str | bytes, file: str = "<ruleset>", on: Optional[dt.date] = None) -> Ruleset:
    """Load a ruleset from its YAML text; ``file`` names it in messages (and locates the
    rulesets it ``extends``: beside it, then among the bundled rulesets)."""
    problems: list[RulesetProblem] = []
    raw = _compose(data, file, problems)
    ruleset = _Reader(problems, on).ruleset(raw)
    if problems:
        raise RulesetError(problems)
    assert ruleset is not None
    return ruleset


@attrs.frozen
class _Raw:
    """One ruleset file, composed: its values, where they came from, and its folder."""

    builder: _Builder
    data: dict
    folder: Optional[FilePath]
    text: str
    origin: str


def _compose(data: str | bytes, file: str, problems: list) -> _Raw:
    name = FilePath(file).name if file != "<ruleset>" else file
    folder = FilePath(file).resolve().parent if file != "<ruleset>" else None
    if len(data) > limits.MAX_RULESET_BYTES:
        raise RulesetError([RulesetProblem(Location(name), f"ruleset file larger than {limits.MAX_RULESET_BYTES:,} bytes")])
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise RulesetError([RulesetProblem(Location(name), f"not valid UTF-8 (byte {error.start})",
                                               "save the file as UTF-8")]) from None
    else:
        text = data
    try:
        node = yaml.compose(text, Loader=_FastLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        location = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        raise RulesetError([RulesetProblem(location, f"not valid YAML: {error.problem or error}",
                                           "check the indentation and quoting around this place")]) from None
    except (yaml.YAMLError, RecursionError) as error:
        raise RulesetError([RulesetProblem(Location(name), f"not valid YAML: {error}")]) from None
    except (UnicodeError, ValueError) as error:  # e.g. a lone surrogate, which libyaml cannot encode
        raise RulesetError([RulesetProblem(Location(name), f"the text is not valid Unicode ({error.__class__.__name__})",
                                           "save the file as UTF-8")]) from None
    if node is None:
        raise RulesetError([RulesetProblem(Location(name), "the ruleset file is empty",
                                           "start with id:, title:, source:, parameters: and rules:")])
    builder = _Builder(name, text, problems)
    try:
        document = builder.build(node)
    except RecursionError:
        raise RulesetError([RulesetProblem(Location(name), "nested too deeply")]) from None
    if not isinstance(document, dict):
        raise RulesetError([RulesetProblem(Location(name, 1, 1),
                                           "a ruleset file is a mapping with id:, title:, source:, parameters: and rules:")])
    return _Raw(builder, document, folder, text, file)


def find_parent(parent_id: str, folder: Optional[FilePath]) -> Optional[FilePath]:
    """The file of ruleset ``parent_id`` that a ruleset in ``folder`` extends: beside it,
    else among the bundled rulesets (the one rule every reader of ``extends`` follows)."""
    folders = [folder] if folder is not None else []
    folders.append(rulesets_dir())
    for folder in folders:
        candidate = folder / f"{parent_id}.yaml"
        if candidate.is_file():
            return candidate
    return None


class _Reader:
    def __init__(self, problems: list, on: Optional[dt.date] = None):
        self.problems = problems
        self.on = on
        self.b: _Builder = None  # type: ignore[assignment]  # the file being read

    # helpers
    def unknown_keys(self, data: dict, allowed: tuple[str, ...], path: tuple) -> None:
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                self.b.problem(path + (key, "<key>"), f"unknown key {key!r}",
                               f"did you mean {close[0]!r}?" if close else "allowed keys: " + ", ".join(allowed))

    def required(self, data: dict, key: str, path: tuple, hint: str) -> Any:
        if key not in data or data[key] is None:
            self.b.problem(path, f"missing required key {key!r}", hint)
            return None
        return data[key]

    def string(self, value: Any, path: tuple, what: str) -> Optional[str]:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
            self.b.problem(path, f"{what} must be text")
            return None
        return str(value)

    def localized(self, value: Any, path: tuple, what: str) -> Optional[Localized]:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.b.problem(path, f"{what} must give a text in each of nl, fr and en",
                           f"write {what}: {{nl: \"...\", fr: \"...\", en: \"...\"}}")
            return None
        self.unknown_keys(value, LANGUAGES, path)
        texts = {}
        for lang in LANGUAGES:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.b.problem(path, f"{what} has no {lang} text", f"add {lang}: \"...\" under {path[-1] if path else what}")
                continue
            texts[lang] = text
        return Localized(**texts) if len(texts) == 3 else None

    def register_date(self, value: Any) -> Union[dt.date, str, None]:
        """A date the municipality register holds, or ``reference_year``; said clearly if not."""
        from .reference import register

        if value is None or value == REFERENCE_YEAR:
            return value
        day = self.date(value, ("register_date",), "register_date")
        if day is not None and day not in register.reference_dates:
            held = ", ".join(d.isoformat() for d in register.reference_dates)
            self.b.problem(("register_date",), f"the municipality register has no figures for {day.isoformat()}",
                           f"it holds {held}; or write register_date: {REFERENCE_YEAR} for the reference date's year")
            return None
        return day

    def date(self, value: Any, path: tuple, what: str) -> Optional[dt.date]:
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.b.problem(path, f"{what} must be a date such as 2019-09-02, got {excerpt(value)}")
            return None

    # the ruleset
    def chain(self, raw: _Raw) -> list[_Raw]:
        """The files of an ``extends`` chain, the most basic first."""
        chain = [raw]
        seen = {str(raw.data.get("id"))}
        while True:
            current = chain[0]
            parent_id = current.data.get("extends")
            if parent_id is None:
                return chain
            self.b = current.builder
            if not isinstance(parent_id, str) or not _ID.fullmatch(parent_id):
                self.b.problem(("extends",), f"extends names a ruleset id such as amif-2014-2020-base, got {parent_id!r}")
                return chain
            if parent_id in seen:
                self.b.problem(("extends",), f"ruleset {parent_id!r} extends itself (through {' -> '.join(str(x) for x in seen)})")
                return chain
            if len(chain) >= MAX_EXTENDS_DEPTH:
                self.b.problem(("extends",), f"more than {MAX_EXTENDS_DEPTH} rulesets in one extends chain")
                return chain
            path = find_parent(parent_id, current.folder)
            if path is None:
                self.b.problem(("extends",), f"no ruleset {parent_id!r} to extend",
                               f"put {parent_id}.yaml beside this file, or name a bundled ruleset")
                return chain
            parent = _compose(path.read_bytes(), str(path), self.problems)
            if parent.data.get("id") != parent_id:
                parent.builder.problem(("id",), f"this file is {path.name} but its id is {parent.data.get('id')!r}",
                                       f"write id: {parent_id}")
                return chain
            seen.add(parent_id)
            chain.insert(0, parent)

    def ruleset(self, raw: _Raw) -> Optional[Ruleset]:
        chain = self.chain(raw)
        self.b = raw.builder
        data = raw.data
        self.unknown_keys(data, _TOP_KEYS, ())
        for ancestor in chain[:-1]:
            self.b = ancestor.builder
            self.unknown_keys(ancestor.data, _TOP_KEYS, ())
        self.b = raw.builder
        ruleset_id = self.required(data, "id", (), "add id: call-42 (lower case words joined by -)")
        if ruleset_id is not None and (not isinstance(ruleset_id, str) or not _ID.fullmatch(ruleset_id)):
            self.b.problem(("id",), f"id must be lower-case words joined by '-', got {ruleset_id!r}", "for example id: call-42")
        version = self.string(self.required(data, "version", (), "add version: \"1\" and raise it when the rules change"),
                              ("version",), "version")
        call = self.string(data.get("call"), ("call",), "call")
        abstract = data.get("abstract", False)
        if not isinstance(abstract, bool):
            self.b.problem(("abstract",), "abstract is true or false")
            abstract = False
        if abstract and call is not None:
            self.b.problem(("call",), "an abstract ruleset (a base for others) has no call code",
                           "remove call:, or abstract: true")
        title = self.localized(self.required(data, "title", (), "add title: {nl: ..., fr: ..., en: ...}"), ("title",), "title")
        description = self.localized(data.get("description"), ("description",), "description")
        inherited = {key: next((r.data[key] for r in reversed(chain) if r.data.get(key) is not None), None)
                     for key in ("source", "register_date")}
        if inherited["source"] is None:
            self.required(data, "source", (), "add source: the file name of the call text")
        source = self.string(data.get("source") or inherited["source"], ("source",), "source")
        status = data.get("status", "published")
        if status not in STATUSES:
            self.b.problem(("status",), f"status must be one of {', '.join(STATUSES)}, got {status!r}")
        valid_from = self.date(data.get("valid_from"), ("valid_from",), "valid_from")
        valid_until = self.date(data.get("valid_until"), ("valid_until",), "valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.b.problem(("valid_until",), "valid_until is before valid_from")
        register_source = next((r for r in reversed(chain) if r.data.get("register_date") is not None), raw)
        self.b = register_source.builder
        register_date = self.register_date(inherited["register_date"])
        parameters, dated = self.merged_parameters(chain)
        definitions = self.merged_definitions(chain)
        rules, inactive = self.merged_rules(chain, parameters, definitions)
        self.b = raw.builder
        digest = hashlib.sha256("\0".join(r.text for r in chain).encode("utf-8")).hexdigest()
        if self.problems:
            return None
        return Ruleset(
            id=ruleset_id, version=version, call=call, title=title, description=description, source=source,
            status=status, valid_from=valid_from, valid_until=valid_until, register_date=register_date,
            parameters=parameters, rules=tuple(rules), file=raw.builder.file, digest=digest,
            extends=tuple(r.data.get("id") for r in chain[:-1]), abstract=abstract, inactive=tuple(inactive),
            dated=dated, on=self.on, origin=raw.origin, text=raw.text,
        )

    def merged_parameters(self, chain: list[_Raw]) -> tuple[dict[str, "Parameter"], dict[str, tuple]]:
        """Parameters of the whole chain; a later file overrides an earlier one key by key."""
        specs: dict[str, tuple[_Raw, dict]] = {}
        for raw in chain:
            self.b = raw.builder
            data = raw.data.get("parameters") or {}
            if not isinstance(data, dict):
                self.b.problem(("parameters",), "parameters: must be a mapping of name: {value: ..., source: ...}")
                continue
            for name, spec in data.items():
                if not isinstance(spec, dict):
                    self.b.problem(("parameters", name), f"parameter {name!r} needs a value: and a source:",
                                   f"write {name}: {{value: ..., source: \"file, heading\"}}")
                    continue
                if name in specs:
                    merged = dict(specs[name][1])
                    if "value" in spec or "values" in spec:
                        merged.pop("value", None)
                        merged.pop("values", None)
                    merged.update(spec)
                    spec = merged
                specs[name] = (raw, spec)
        result: dict[str, Parameter] = {}
        dated: dict[str, tuple] = {}
        for name, (raw, spec) in specs.items():
            self.b = raw.builder
            parameter = self.parameter(name, spec, ("parameters", name))
            if parameter is not None:
                result[name] = parameter
                if parameter.dated:
                    dated[name] = parameter.dated
        return result, dated

    def merged_definitions(self, chain: list[_Raw]) -> dict[str, tuple[str, "_Builder", tuple]]:
        definitions: dict[str, tuple[str, _Builder, tuple]] = {}
        for raw in chain:
            self.b = raw.builder
            data = raw.data.get("definitions") or {}
            if not isinstance(data, dict):
                self.b.problem(("definitions",), "definitions: must be a mapping of name: expression")
                continue
            for name, text in data.items():
                path = ("definitions", name)
                if not _NAME.fullmatch(name):
                    self.b.problem(path + ("<key>",), f"definition names are lower_case_with_underscores, got {name!r}")
                    continue
                if not isinstance(text, str):
                    self.b.problem(path, f"definition {name!r} must be an expression (text)")
                    continue
                definitions[name] = (text, raw.builder, path)
        return definitions

    def merged_rules(self, chain: list[_Raw], parameters: dict, definitions: dict) -> tuple[list["Rule"], list[tuple[str, str]]]:
        """Rules of the whole chain.

        A file that extends another lists its own rules; an entry whose id the extended
        ruleset already has overrides that rule key by key (an entry with only ``id`` keeps
        it as it is). The order: when the file lists every rule it inherits, its list is the
        order; otherwise inherited rules keep their places (overridden ones too) and the
        file's new rules follow, in its order. ``remove_rules:`` leaves rules out.
        """
        order: list[str] = []
        specs: dict[str, dict[str, tuple[Any, _Raw, tuple]]] = {}  # id -> key -> (value, file, path)
        anonymous: list[tuple[_Raw, Any, tuple]] = []
        for raw in chain:
            self.b = raw.builder
            data = raw.data.get("rules")
            if data is None:
                data = []
                if raw is chain[0]:
                    self.required(raw.data, "rules", (), "add rules: with at least one rule")
            if not isinstance(data, list):
                self.b.problem(("rules",), "rules: must be a list of rules (each starting with - id: ...)")
                continue
            if len(data) > limits.MAX_RULES:
                self.b.problem(("rules",), f"more than {limits.MAX_RULES} rules")
                continue
            listed: list[str] = []
            seen_here: dict[str, int] = {}
            for index, spec in enumerate(data):
                rule_id = spec.get("id") if isinstance(spec, dict) else None
                if not isinstance(rule_id, str):
                    anonymous.append((raw, spec, ("rules", index)))
                    continue
                if rule_id in seen_here:
                    self.b.problem(("rules", index, "id"), f"duplicate rule id {rule_id!r} (also rule {seen_here[rule_id] + 1})",
                                   "every rule needs its own id; to change a rule of the ruleset you extend, list its id once")
                    continue
                seen_here[rule_id] = index
                listed.append(rule_id)
                merged = dict(specs.get(rule_id, {}))
                merged["<entry>"] = (None, raw, ("rules", index))
                for key, value in spec.items():
                    merged[key] = (value, raw, ("rules", index, key))
                specs[rule_id] = merged
            inherited = [rule_id for rule_id in listed if rule_id in order]
            if order and set(inherited) == set(order):
                order = listed  # the file lists every rule it inherits: its list is the order
            else:  # inherited rules keep their places (overridden ones too); new rules follow
                order = order + [rule_id for rule_id in listed if rule_id not in order]
            removals = raw.data.get("remove_rules") or []
            if not isinstance(removals, list):
                self.b.problem(("remove_rules",), "remove_rules: is a list of rule ids")
                removals = []
            for index, rule_id in enumerate(removals):
                if rule_id not in specs:
                    self.b.problem(("remove_rules", index), f"no rule {rule_id!r} to remove",
                                   _did_you_mean(str(rule_id), order) or "name a rule of the ruleset this one extends")
                    continue
                del specs[rule_id]
                order.remove(rule_id)
        if not order and not anonymous:
            self.b = chain[-1].builder
            self.b.problem(("rules",), "a ruleset needs at least one rule")
        params = {name: p.node for name, p in parameters.items()}
        unset = {name for name, p in parameters.items() if p.value is UNSET}
        rules: list[Rule] = []
        inactive: list[tuple[str, str]] = []
        entries = [specs[rule_id] for rule_id in order]
        entries += [{"<entry>": (None, raw, path), **({k: (v, raw, path + (k,)) for k, v in spec.items()}
                                                       if isinstance(spec, dict) else {})} for raw, spec, path in anonymous]
        for entry in entries:
            rule = self.rule(entry, params, definitions)
            if rule is None:
                continue
            missing = sorted(unset & parameters_read(rule))
            if missing:
                inactive.append((rule.id, "no value for " + ", ".join(missing)))
                continue
            rules.append(rule)
        return rules, inactive

    def parameter(self, name: str, spec: dict, path: tuple) -> Optional[Parameter]:
        if not _NAME.fullmatch(name):
            self.b.problem(path + ("<key>",), f"parameter names are lower_case_with_underscores, got {name!r}")
            return None
        if name in ("item", "true", "false") or name in schema.ROOT_HEADS or name in expr.FUNCTIONS:
            self.b.problem(path + ("<key>",), f"{name!r} is already a name of the rule language", "choose another name")
            return None
        self.unknown_keys(spec, _PARAMETER_KEYS, path)
        source = self.string(spec.get("source"), path + ("source",), "source")
        if not source:
            self.b.problem(path, f"parameter {name!r} has no source", "add source: \"<file>, <heading>: \\\"quote\\\"\"")
        if "value" in spec and "values" in spec:
            self.b.problem(path, f"parameter {name!r} has both value: and values:", "keep one")
            return None
        if "value" in spec:
            sample = spec["value"]
        elif isinstance(spec.get("values"), list) and spec["values"] and isinstance(spec["values"][0], dict):
            sample = spec["values"][0].get("value")
        else:
            sample = None
        type_name = spec.get("type") or (_infer_type(sample) if sample is not None else None)
        if type_name is not None and not isinstance(type_name, str):
            self.b.problem(path + ("type",), f"type must be one of {', '.join(PARAMETER_TYPES)}, got {type_name!r}")
            return None
        if type_name is None:
            self.b.problem(path, f"parameter {name!r} has no value and no type",
                           "a parameter left for an extending ruleset to set needs type: (integer, share, money, ...)")
            return None
        if type_name not in PARAMETER_TYPES:
            self.b.problem(path + ("type",), f"unknown parameter type {type_name!r}", "types: " + ", ".join(PARAMETER_TYPES))
            return None
        description = self.localized(spec.get("description"), path + ("description",), "description")
        if "values" in spec:
            dated = self.dated_values(spec["values"], type_name, path + ("values",))
            if dated is None:
                return None
            value = _resolve(dated, self.on)
            return Parameter(name, value, type_name, source or "", description, dated)
        if "value" not in spec or spec["value"] is None:
            return Parameter(name, UNSET, type_name, source or "", description)
        value = self.parameter_value(spec["value"], type_name, path + ("value",))
        if value is None:
            return None
        return Parameter(name, value, type_name, source or "", description)

    def dated_values(self, data: Any, type_name: str, path: tuple) -> Optional[tuple]:
        """``values: [{value, from, until}, ...]``: periods in order, not overlapping."""
        if not isinstance(data, list) or not data:
            self.b.problem(path, "values: is a list of {value: ..., from: DATE, until: DATE}")
            return None
        periods = []
        for index, entry in enumerate(data):
            entry_path = path + (index,)
            if not isinstance(entry, dict) or "value" not in entry:
                self.b.problem(entry_path, "each dated value is {value: ..., from: DATE, until: DATE}")
                return None
            self.unknown_keys(entry, _DATED_KEYS, entry_path)
            value = self.parameter_value(entry["value"], type_name, entry_path + ("value",))
            start = self.date(entry.get("from"), entry_path + ("from",), "from")
            end = self.date(entry.get("until"), entry_path + ("until",), "until")
            if value is None:
                return None
            if start and end and end < start:
                self.b.problem(entry_path + ("until",), "until is before from")
                return None
            periods.append((start, end, value))
        for (s1, e1, _), (s2, e2, _) in zip(periods, periods[1:]):
            if s2 is None or e1 is None or s2 <= e1:
                self.b.problem(path, "dated values must be in order and must not overlap",
                               "give each value from: and until: dates, each period after the previous one")
                return None
        return tuple(periods)

    def parameter_value(self, value: Any, type_name: str, path: tuple) -> Any:
        bad = f"a {type_name} parameter cannot have the value {excerpt(value)}"
        if type_name == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                self.b.problem(path, bad, "write a whole number without quotes, e.g. 150000")
                return None
            return value
        if type_name in ("decimal", "share", "money"):
            if isinstance(value, bool):
                self.b.problem(path, bad)
                return None
            try:
                number = Decimal(repr(value) if isinstance(value, float) else str(value))
            except InvalidOperation:
                self.b.problem(path, bad, "write a number as text, e.g. \"0.75\" or \"1320069.53\"")
                return None
            if not number.is_finite() or abs(number) >= _MAX_PARAMETER_NUMBER:
                self.b.problem(path, bad, f"numbers are below {_MAX_PARAMETER_NUMBER:,}")
                return None
            if type_name == "money" and number != number.quantize(Decimal("0.01")):
                self.b.problem(path, f"an amount has at most 2 decimals, got {excerpt(value)}")
                return None
            return number
        if type_name == "text":
            if not isinstance(value, str):
                self.b.problem(path, bad)
                return None
            return value
        if type_name == "texts":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                self.b.problem(path, bad, "write a list of texts, e.g. [legal, applicant]")
                return None
            return tuple(value)
        if type_name == "bool":
            if not isinstance(value, bool):
                self.b.problem(path, bad, "write true or false")
                return None
            return value
        if type_name == "date":
            try:
                return dt.date.fromisoformat(str(value))
            except ValueError:
                self.b.problem(path, bad, "write a date such as 2019-09-02")
                return None
        if type_name == "instant":
            try:
                moment = dt.datetime.fromisoformat(str(value))
            except ValueError:
                moment = None
            if moment is None or moment.tzinfo is None:
                self.b.problem(path, bad, "write a date-time with its offset, e.g. \"2019-09-02T23:59:00+02:00\"")
                return None
            return moment
        raise AssertionError(type_name)  # pragma: no cover

    def rule(self, entry: dict[str, tuple[Any, "_Raw", tuple]], params: dict, definitions: dict) -> Optional[Rule]:
        """One rule from its keys, each remembered with the file and place it came from."""
        _, raw, path = entry["<entry>"]
        self.b = raw.builder
        spec = {key: value for key, (value, _, _) in entry.items() if key != "<entry>"}
        if not spec and len(path) == 2 and isinstance(path[1], int) and entry["<entry>"][0] is None and "id" not in entry:
            self.b.problem(path, "a rule is a mapping with id:, check:, source: and messages:")
            return None

        def at(key: str) -> tuple:
            """The place of ``key`` (switching to the file it came from)."""
            if key in entry:
                _, origin, key_path = entry[key]
                self.b = origin.builder
                return key_path
            self.b = raw.builder
            return path + (key,)

        for key, (_, origin, key_path) in entry.items():
            if key != "<entry>" and key not in _RULE_KEYS:
                self.b = origin.builder
                close = difflib.get_close_matches(key, _RULE_KEYS, n=1)
                self.b.problem(key_path + ("<key>",), f"unknown key {key!r}",
                               f"did you mean {close[0]!r}?" if close else "allowed keys: " + ", ".join(_RULE_KEYS))
        self.b = raw.builder
        rule_id = self.required(spec, "id", path, "add id: a-kebab-case-name")
        if rule_id is not None and (not isinstance(rule_id, str) or not _ID.fullmatch(rule_id)):
            self.b.problem(at("id"), f"a rule id is lower-case words joined by '-', got {rule_id!r}",
                           "for example id: lead-municipality-large")
            rule_id = None
        for_each = spec.get("for_each")
        if for_each is not None and (not isinstance(for_each, str) or for_each not in schema.SCOPE_FIELDS):
            close = difflib.get_close_matches(str(for_each), list(schema.SCOPE_FIELDS), n=1)
            self.b.problem(at("for_each"), f"cannot iterate over {for_each!r}",
                           f"did you mean {close[0]}?" if close else "for_each: partners or for_each: participants")
            for_each = None
        scope = expr.Scope(params, for_each, definitions=_definition_texts(definitions))
        when = self.expression(spec.get("when"), at("when"), scope) if spec.get("when") is not None else None
        self.b = raw.builder
        check_text = self.required(spec, "check", path, "add check: a condition such as applicant.kind == \"ocmw\"")
        check = self.expression(check_text, at("check"), scope) if check_text is not None else None
        severity = spec.get("severity", "error")
        if severity not in SEVERITIES:
            self.b.problem(at("severity"), f"severity must be error or warning, got {severity!r}")
        source = self.string(spec.get("source"), at("source"), "source")
        if not source:
            self.b = raw.builder
            self.b.problem(path, f"rule {rule_id!r} has no source", "add source: \"<file>, <heading>\" citing the call text")
        title = self.localized(spec.get("title"), at("title"), "title")
        messages_path = at("messages")
        messages = self.messages(spec.get("messages"), messages_path, scope)
        if messages is not None and check is not None:
            messages = self.bounds(messages, check, messages_path)
        self.b = raw.builder
        if rule_id is None or check is None or messages is None:
            return None
        nodes = [when, check] if when is not None else [check]
        reads = tuple(dict.fromkeys(p for node in nodes for p in expr.paths(node)))
        return Rule(rule_id, title, for_each, when, check, severity, source or "", messages, self.b.location(path),
                    reads, any(expr.unresolved(node) for node in nodes))

    def expression(self, text: Any, path: tuple, scope: expr.Scope) -> Optional[expr.Node]:
        if isinstance(text, bool):  # check: true (YAML reads it as a boolean, not as text)
            text = "true" if text else "false"
        try:
            return expr.parse(text, scope)
        except expr.ExpressionError as error:
            stripped = text.strip() if isinstance(text, str) else None
            self.b.problems.append(RulesetProblem(self.b.location(path, error.line - 1, error.column, stripped),
                                                  error.message, error.hint))
            return None

    def bounds(self, messages: Messages, check: expr.Node, path: tuple) -> Messages:
        """The messages with each placeholder that shows a side of the check rounded toward the
        side that passes (see :func:`amif_rules.messages.bind_bounds`), decided once, here."""
        sides = check_sides(check)
        if not sides:
            return messages
        result: dict[str, dict[str, Template]] = {}
        for outcome, templates in messages.by_outcome.items():
            result[outcome] = {}
            for lang, template in templates.items():
                bound = result[outcome][lang] = bind_bounds(template, sides)
                for placeholder in bound.placeholders:
                    if day_of_a_compared_instant(placeholder):
                        self.b.problem(path + (outcome, lang),
                                       f"in the {lang} {outcome} message: {{{placeholder.text}:date}} shows only the day of "
                                       "an instant the check compares to the microsecond, so the day it shows does not "
                                       "say which times of that day pass",
                                       f"show the time too: {{{placeholder.text}}}")
        return Messages(result)

    def messages(self, data: Any, path: tuple, scope: expr.Scope) -> Optional[Messages]:
        if not isinstance(data, dict):
            self.b.problem(path, "a rule needs messages: with pass: and fail: texts in nl, fr and en",
                           "write messages: {pass: {nl: ..., fr: ..., en: ...}, fail: {...}}")
            return None
        self.unknown_keys(data, OUTCOMES, path)
        result: dict[str, dict[str, Template]] = {}
        for outcome in OUTCOMES:
            texts = data.get(outcome)
            if texts is None:
                if outcome in ("pass", "fail"):
                    self.b.problem(path, f"no {outcome} message", f"add {outcome}: {{nl: ..., fr: ..., en: ...}}")
                continue
            localized = self.localized(texts, path + (outcome,), f"the {outcome} message")
            if localized is None:
                continue
            result[outcome] = {}
            for lang in LANGUAGES:
                try:
                    result[outcome][lang] = parse_template(localized.get(lang), scope)
                except expr.ExpressionError as error:
                    self.b.problems.append(RulesetProblem(self.b.location(path + (outcome, lang)),
                                                          f"in the {lang} {outcome} message: {error.message}", error.hint))
        return Messages(result)


#: Parameters are thresholds and amounts: anything this large is a typing slip.
_MAX_PARAMETER_NUMBER = 10**15


def _infer_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, (float, Decimal)):
        return "decimal"
    if isinstance(value, list):
        return "texts"
    if isinstance(value, str):
        try:
            Decimal(value)
            return "decimal"
        except InvalidOperation:
            return "text"
    return "text"
