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
from typing import Any, Optional

import attrs
import yaml

from . import expr, limits, schema
from .errors import Location, RulesetError, RulesetProblem
from .messages import Template, parse_template
from .yamlsafe import strict_loader
from .schema import BOOL, DATE, DECIMAL, INSTANT, INT, MONEY, TEXT, TEXTS, FieldType

LANGUAGES = ("nl", "fr", "en")
OUTCOMES = ("pass", "fail", "unknown", "not_applicable")
SEVERITIES = ("error", "warning")
STATUSES = ("published", "draft")
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

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


@attrs.frozen
class Parameter:
    name: str
    value: Any
    type_name: str  # one of PARAMETER_TYPES
    source: str
    description: Optional[Localized] = None

    @property
    def node(self) -> expr.Param:
        return expr.Param(self.name, self.value, PARAMETER_TYPES[self.type_name])


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
    register_date: Optional[dt.date]
    parameters: dict[str, Parameter]
    rules: tuple[Rule, ...]
    file: str
    digest: str
    description: Optional[Localized] = None

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


# -- YAML with positions ------------------------------------------------------------------------


_RulesetLoader = strict_loader("a ruleset")


@attrs.frozen
class _Mark:
    line: int  # 1-based
    column: int  # 1-based
    style: Optional[str]  # scalar style: None (plain), "'", '"', "|", ">"
    end_line: int = 0  # 0-based index of the first line after the node


class _Builder:
    """Turns a composed YAML node tree into Python values, remembering where each came from."""

    def __init__(self, file: str, text: str = ""):
        self.file = file
        self.lines = text.splitlines()
        self.marks: dict[tuple, _Mark] = {}
        self.problems: list[RulesetProblem] = []
        self.loader = _RulesetLoader("")

    def build(self, node: yaml.Node, path: tuple = ()) -> Any:
        mark = node.start_mark
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

_TOP_KEYS = ("id", "version", "call", "title", "description", "source", "status", "valid_from", "valid_until",
             "register_date", "parameters", "rules")
_RULE_KEYS = ("id", "title", "for_each", "when", "check", "severity", "source", "messages")
_PARAMETER_KEYS = ("value", "type", "source", "description")


def load_ruleset(path: str | FilePath) -> Ruleset:
    """Load and check one ruleset file; raises :class:`RulesetError` listing every problem."""
    file = FilePath(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise RulesetError([RulesetProblem(Location(str(file)), f"cannot read the ruleset file: {error.strerror}")]) from None
    return parse_ruleset(data, str(file))


def parse_ruleset(data: str | bytes, file: str = "<ruleset>") -> Ruleset:
    """Load a ruleset from its YAML text; ``file`` names it in messages."""
    name = FilePath(file).name if file != "<ruleset>" else file
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
        node = yaml.compose(text, Loader=_RulesetLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        location = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        raise RulesetError([RulesetProblem(location, f"not valid YAML: {error.problem or error}",
                                           "check the indentation and quoting around this place")]) from None
    except (yaml.YAMLError, RecursionError) as error:
        raise RulesetError([RulesetProblem(Location(name), f"not valid YAML: {error}")]) from None
    if node is None:
        raise RulesetError([RulesetProblem(Location(name), "the ruleset file is empty",
                                           "start with id:, title:, source:, parameters: and rules:")])
    builder = _Builder(name, text)
    try:
        document = builder.build(node)
    except RecursionError:
        raise RulesetError([RulesetProblem(Location(name), "nested too deeply")]) from None
    ruleset = _Reader(builder, text).ruleset(document)
    if builder.problems:
        raise RulesetError(builder.problems)
    assert ruleset is not None
    return ruleset


class _Reader:
    def __init__(self, builder: _Builder, text: str):
        self.b = builder
        self.text = text

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
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
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

    def date(self, value: Any, path: tuple, what: str) -> Optional[dt.date]:
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.b.problem(path, f"{what} must be a date such as 2019-09-02, got {value!r}")
            return None

    # the ruleset
    def ruleset(self, data: Any) -> Optional[Ruleset]:
        if not isinstance(data, dict):
            self.b.problem((), "a ruleset file is a mapping with id:, title:, source:, parameters: and rules:")
            return None
        self.unknown_keys(data, _TOP_KEYS, ())
        ruleset_id = self.required(data, "id", (), "add id: call-42 (lower case words joined by -)")
        if ruleset_id is not None and (not isinstance(ruleset_id, str) or not _ID.match(ruleset_id)):
            self.b.problem(("id",), f"id must be lower-case words joined by '-', got {ruleset_id!r}", "for example id: call-42")
        version = self.string(self.required(data, "version", (), "add version: \"1\" and raise it when the rules change"),
                              ("version",), "version")
        call = self.string(data.get("call"), ("call",), "call")
        title = self.localized(self.required(data, "title", (), "add title: {nl: ..., fr: ..., en: ...}"), ("title",), "title")
        description = self.localized(data.get("description"), ("description",), "description")
        source = self.string(self.required(data, "source", (), "add source: the file name of the call text"), ("source",), "source")
        status = data.get("status", "published")
        if status not in STATUSES:
            self.b.problem(("status",), f"status must be one of {', '.join(STATUSES)}, got {status!r}")
        valid_from = self.date(data.get("valid_from"), ("valid_from",), "valid_from")
        valid_until = self.date(data.get("valid_until"), ("valid_until",), "valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.b.problem(("valid_until",), "valid_until is before valid_from")
        register_date = self.date(data.get("register_date"), ("register_date",), "register_date")
        parameters = self.parameters(data.get("parameters") or {})
        rules = self.rules(self.required(data, "rules", (), "add rules: with at least one rule") or [], parameters)
        digest = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        if self.b.problems:
            return None
        return Ruleset(
            id=ruleset_id, version=version, call=call, title=title, description=description, source=source,
            status=status, valid_from=valid_from, valid_until=valid_until, register_date=register_date,
            parameters=parameters, rules=tuple(rules), file=self.b.file, digest=digest,
        )

    def parameters(self, data: Any) -> dict[str, Parameter]:
        if not isinstance(data, dict):
            self.b.problem(("parameters",), "parameters: must be a mapping of name: {value: ..., source: ...}")
            return {}
        result = {}
        for name, spec in data.items():
            path = ("parameters", name)
            if not _NAME.match(name):
                self.b.problem(path + ("<key>",), f"parameter names are lower_case_with_underscores, got {name!r}")
                continue
            if name in ("item", "true", "false") or name in schema.ROOT_HEADS or name in expr.FUNCTIONS:
                self.b.problem(path + ("<key>",), f"{name!r} is already a name of the rule language", "choose another name")
                continue
            if not isinstance(spec, dict) or "value" not in spec:
                self.b.problem(path, f"parameter {name!r} needs a value: and a source:",
                               f"write {name}: {{value: ..., source: \"file, heading\"}}")
                continue
            self.unknown_keys(spec, _PARAMETER_KEYS, path)
            source = self.string(spec.get("source"), path + ("source",), "source")
            if not source:
                self.b.problem(path, f"parameter {name!r} has no source", "add source: \"<file>, <heading>: \\\"quote\\\"\"")
            type_name = spec.get("type") or _infer_type(spec["value"])
            if type_name not in PARAMETER_TYPES:
                self.b.problem(path + ("type",), f"unknown parameter type {type_name!r}",
                               "types: " + ", ".join(PARAMETER_TYPES))
                continue
            value = self.parameter_value(spec["value"], type_name, path + ("value",))
            if value is None:
                continue
            result[name] = Parameter(name, value, type_name, source or "",
                                     self.localized(spec.get("description"), path + ("description",), "description"))
        return result

    def parameter_value(self, value: Any, type_name: str, path: tuple) -> Any:
        bad = f"a {type_name} parameter cannot have the value {value!r}"
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
            if not number.is_finite():
                self.b.problem(path, bad)
                return None
            if type_name == "money" and number != number.quantize(Decimal("0.01")):
                self.b.problem(path, f"an amount has at most 2 decimals, got {value!r}")
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

    def rules(self, data: Any, parameters: dict[str, Parameter]) -> list[Rule]:
        if not isinstance(data, list):
            self.b.problem(("rules",), "rules: must be a list of rules (each starting with - id: ...)")
            return []
        if len(data) > limits.MAX_RULES:
            self.b.problem(("rules",), f"more than {limits.MAX_RULES} rules")
            return []
        if not data:
            self.b.problem(("rules",), "a ruleset needs at least one rule")
        params = {name: p.node for name, p in parameters.items()}
        seen: dict[str, int] = {}
        rules = []
        for index, spec in enumerate(data):
            rule = self.rule(spec, ("rules", index), params)
            if rule is None:
                continue
            if rule.id in seen:
                self.b.problem(("rules", index, "id"), f"duplicate rule id {rule.id!r} (also rule {seen[rule.id] + 1})",
                               "every rule needs its own id")
                continue
            seen[rule.id] = index
            rules.append(rule)
        return rules

    def rule(self, spec: Any, path: tuple, params: dict) -> Optional[Rule]:
        if not isinstance(spec, dict):
            self.b.problem(path, "a rule is a mapping with id:, check:, source: and messages:")
            return None
        self.unknown_keys(spec, _RULE_KEYS, path)
        rule_id = self.required(spec, "id", path, "add id: a-kebab-case-name")
        if rule_id is not None and (not isinstance(rule_id, str) or not _ID.match(rule_id)):
            self.b.problem(path + ("id",), f"a rule id is lower-case words joined by '-', got {rule_id!r}",
                           "for example id: lead-municipality-large")
            rule_id = None
        for_each = spec.get("for_each")
        if for_each is not None and for_each not in schema.SCOPE_FIELDS:
            close = difflib.get_close_matches(str(for_each), list(schema.SCOPE_FIELDS), n=1)
            self.b.problem(path + ("for_each",), f"cannot iterate over {for_each!r}",
                           f"did you mean {close[0]}?" if close else "for_each: partners or for_each: participants")
            for_each = None
        scope = expr.Scope(params, for_each)
        when = self.expression(spec.get("when"), path + ("when",), scope) if spec.get("when") is not None else None
        check_text = self.required(spec, "check", path, "add check: a condition such as applicant.kind == \"ocmw\"")
        check = self.expression(check_text, path + ("check",), scope) if check_text is not None else None
        severity = spec.get("severity", "error")
        if severity not in SEVERITIES:
            self.b.problem(path + ("severity",), f"severity must be error or warning, got {severity!r}")
        source = self.string(spec.get("source"), path + ("source",), "source")
        if not source:
            self.b.problem(path, f"rule {rule_id!r} has no source", "add source: \"<file>, <heading>\" citing the call text")
        title = self.localized(spec.get("title"), path + ("title",), "title")
        messages = self.messages(spec.get("messages"), path + ("messages",), scope)
        if rule_id is None or check is None or messages is None:
            return None
        return Rule(rule_id, title, for_each, when, check, severity, source or "", messages, self.b.location(path))

    def expression(self, text: Any, path: tuple, scope: expr.Scope) -> Optional[expr.Node]:
        try:
            return expr.parse(text, scope)
        except expr.ExpressionError as error:
            stripped = text.strip() if isinstance(text, str) else None
            self.b.problems.append(RulesetProblem(self.b.location(path, error.line - 1, error.column, stripped),
                                                  error.message, error.hint))
            return None

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


def _infer_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
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
