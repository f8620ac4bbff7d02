"""Reading a ruleset: follow its ``extends`` chain, merge the files, and check every part.

Parameters, definitions and rules are merged by name and id along the chain (the most basic
file first); expressions are parsed by :mod:`amif_rules.expr` and messages by
:mod:`amif_rules.messages`, their problems located in the file they came from. Every problem
of every file is collected, with its code, before the ruleset is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path as FilePath
from typing import Any

from . import expr, limits, schema
from .dates import REFERENCE_YEAR
from .errors import RulesetError, RulesetProblem
from .languages import LANGUAGES
from .messages import Template, bind_bounds, check_sides, day_of_a_compared_instant, parse_template
from .problemcodes import (
    BAD_DEFINITION,
    BAD_PLACEHOLDER,
    BAD_VALUE,
    DUPLICATE_ID,
    EXTENDS,
    LIMIT,
    MISSING_KEY,
    NO_SOURCE,
    UNKNOWN_FIELD,
    UNKNOWN_KEY,
)
from .reference import register
from .resources import rulesets_dir
from .rulesetinputs import merged_inputs
from .rulesetmodel import (
    ID,
    NAME,
    OUTCOMES,
    SEVERITIES,
    STATUSES,
    UNSET,
    Messages,
    Parameter,
    Rule,
    YamlPath,
    parameters_read,
)
from .rulesetparams import merged_parameters
from .rulesetyaml import Places, Raw, compose
from .suggestions import closest
from .yamlpos import KEY

_TOP_KEYS = (
    "id",
    "version",
    "call",
    "extends",
    "abstract",
    "title",
    "description",
    "source",
    "status",
    "valid_from",
    "valid_until",
    "register_date",
    "parameters",
    "definitions",
    "rules",
    "remove_rules",
    "inputs",
)
_RULE_KEYS = ("id", "title", "for_each", "when", "check", "severity", "source", "messages")
#: How many rulesets one ``extends`` chain may hold.
MAX_EXTENDS_DEPTH = 8

#: A rule's keys, each with its value, the file it came from and its path there; and under
#: ``<entry>`` the place of the rule's entry in the last file that lists it.
_Entry = dict[str, tuple[Any, Raw, YamlPath]]
#: A definition: its text, the file it is in, and its path there.
_Definitions = dict[str, tuple[str, Places, YamlPath]]


def read_ruleset(data: str | bytes, file: str, on: dt.date | None) -> dict[str, Any]:
    """The checked content of a ruleset (the fields of a ``Ruleset``); raises
    :class:`RulesetError` listing every problem of every file of its chain."""
    problems: list[RulesetProblem] = []
    raw = compose(data, file, problems)
    fields = _Reader(problems, on).ruleset(raw)
    if problems:
        raise RulesetError(problems)
    assert fields is not None
    return fields


def find_parent(parent_id: str, folder: FilePath | None) -> FilePath | None:
    """The file of ruleset ``parent_id`` that a ruleset in ``folder`` extends: beside it,
    else among the bundled rulesets (the one rule every reader of ``extends`` follows)."""
    folders = [folder] if folder is not None else []
    folders.append(rulesets_dir())
    for folder in folders:
        candidate = folder / f"{parent_id}.yaml"
        if candidate.is_file():
            return candidate
    return None


def _definition_texts(definitions: _Definitions) -> dict[str, str]:
    return {name: text for name, (text, _, _) in definitions.items()}


def _did_you_mean(word: str, candidates: list[str]) -> str | None:
    close = closest(word, candidates, cutoff=0.6)
    return f"did you mean {close!r}?" if close is not None else None


class _Reader:
    def __init__(self, problems: list[RulesetProblem], on: dt.date | None = None):
        self.problems = problems
        self.on = on
        self.b: Places = None  # type: ignore[assignment]  # the file being read

    def chain(self, raw: Raw) -> list[Raw]:
        """The files of an ``extends`` chain, the most basic first."""
        chain = [raw]
        seen = {str(raw.data.get("id"))}
        while True:
            current = chain[0]
            parent_id = current.data.get("extends")
            if parent_id is None:
                return chain
            self.b = current.places
            if not isinstance(parent_id, str) or not ID.fullmatch(parent_id):
                self.b.problem(
                    ("extends",), EXTENDS, f"extends names a ruleset id such as amif-2014-2020-base, got {parent_id!r}"
                )
                return chain
            if parent_id in seen:
                self.b.problem(
                    ("extends",),
                    EXTENDS,
                    f"ruleset {parent_id!r} extends itself (through {' -> '.join(str(r.data.get('id')) for r in reversed(chain))})",
                )
                return chain
            if len(chain) >= MAX_EXTENDS_DEPTH:
                # LIMIT, not EXTENDS: the code lint has always given this problem.
                self.b.problem(("extends",), LIMIT, f"more than {MAX_EXTENDS_DEPTH} rulesets in one extends chain")
                return chain
            path = find_parent(parent_id, current.folder)
            if path is None:
                self.b.problem(
                    ("extends",),
                    EXTENDS,
                    f"no ruleset {parent_id!r} to extend",
                    f"put {parent_id}.yaml beside this file, or name a bundled ruleset",
                )
                return chain
            parent = compose(path.read_bytes(), str(path), self.problems)
            if parent.data.get("id") != parent_id:
                parent.places.problem(
                    ("id",),
                    EXTENDS,
                    f"this file is {path.name} but its id is {parent.data.get('id')!r}",
                    f"write id: {parent_id}",
                )
                return chain
            seen.add(parent_id)
            chain.insert(0, parent)

    def ruleset(self, raw: Raw) -> dict[str, Any] | None:
        """The fields of the ruleset ``raw`` and its chain make; None when a problem was found."""
        chain = self.chain(raw)
        self.b = raw.places
        data = raw.data
        self.b.unknown_keys(data, _TOP_KEYS, ())
        for ancestor in chain[:-1]:
            ancestor.places.unknown_keys(ancestor.data, _TOP_KEYS, ())
        ruleset_id = self.b.required(data, "id", (), "add id: call-42 (lower case words joined by -)")
        if ruleset_id is not None and (not isinstance(ruleset_id, str) or not ID.fullmatch(ruleset_id)):
            self.b.problem(
                ("id",), BAD_VALUE, f"id must be lower-case words joined by '-', got {ruleset_id!r}", "for example id: call-42"
            )
        version = self.b.string(
            self.b.required(data, "version", (), 'add version: "1" and raise it when the rules change'), ("version",), "version"
        )
        call = self.b.string(data.get("call"), ("call",), "call")
        abstract = data.get("abstract", False)
        if not isinstance(abstract, bool):
            self.b.problem(("abstract",), BAD_VALUE, "abstract is true or false")
            abstract = False
        if abstract and call is not None:
            self.b.problem(
                ("call",),
                BAD_VALUE,
                "an abstract ruleset (a base for others) has no call code",
                "remove call:, or abstract: true",
            )
        title = self.b.localized(
            self.b.required(data, "title", (), "add title: {nl: ..., fr: ..., en: ...}"), ("title",), "title"
        )
        description = self.b.localized(data.get("description"), ("description",), "description")
        inherited = {
            key: next((r.data[key] for r in reversed(chain) if r.data.get(key) is not None), None)
            for key in ("source", "register_date")
        }
        if inherited["source"] is None and not abstract:  # a base may cite in its rules only
            self.b.required(data, "source", (), "add source: the file name of the call text")
        source = self.b.string(data.get("source") or inherited["source"], ("source",), "source")
        status = data.get("status", "published")
        if status not in STATUSES:
            self.b.problem(("status",), BAD_VALUE, f"status must be one of {', '.join(STATUSES)}, got {status!r}")
        valid_from = self.b.date(data.get("valid_from"), ("valid_from",), "valid_from")
        valid_until = self.b.date(data.get("valid_until"), ("valid_until",), "valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.b.problem(("valid_until",), BAD_VALUE, "valid_until is before valid_from")
        register_source = next((r for r in reversed(chain) if r.data.get("register_date") is not None), raw)
        register_date = self.register_date(register_source.places, inherited["register_date"])
        parameters, dated = merged_parameters(chain, self.on)
        definitions = self.merged_definitions(chain)
        rules, inactive = self.merged_rules(chain, parameters, definitions, abstract)
        inputs = merged_inputs(chain, parameters, _definition_texts(definitions))
        self.b = raw.places
        digest = hashlib.sha256("\0".join(r.text for r in chain).encode("utf-8")).hexdigest()
        if self.problems:
            return None
        return dict(
            id=ruleset_id,
            version=version,
            call=call,
            title=title,
            description=description,
            source=source or "",
            status=status,
            valid_from=valid_from,
            valid_until=valid_until,
            register_date=register_date,
            parameters=parameters,
            rules=tuple(rules),
            file=raw.places.file,
            digest=digest,
            extends=tuple(r.data.get("id") for r in chain[:-1]),
            abstract=abstract,
            inactive=tuple(inactive),
            inputs=inputs,
            dated=dated,
            on=self.on,
            origin=raw.origin,
            text=raw.text,
        )

    def register_date(self, places: Places, value: Any) -> dt.date | str | None:
        """A date the municipality register holds, or ``reference_year``; said clearly if not."""
        if value is None:
            return None
        if value == REFERENCE_YEAR:
            return REFERENCE_YEAR
        day = places.date(value, ("register_date",), "register_date")
        if day is not None and day not in register.reference_dates:
            held = ", ".join(d.isoformat() for d in register.reference_dates)
            places.problem(
                ("register_date",),
                BAD_VALUE,
                f"the municipality register has no figures for {day.isoformat()}",
                f"it holds {held}; or write register_date: {REFERENCE_YEAR} for the reference date's year",
            )
            return None
        return day

    def merged_definitions(self, chain: list[Raw]) -> _Definitions:
        definitions: _Definitions = {}
        for raw in chain:
            places = raw.places
            data = raw.data.get("definitions") or {}
            if not isinstance(data, dict):
                places.problem(("definitions",), BAD_DEFINITION, "definitions: must be a mapping of name: expression")
                continue
            for name, text in data.items():
                path = ("definitions", name)
                if not NAME.fullmatch(name):
                    places.problem(
                        path + (KEY,), BAD_DEFINITION, f"definition names are lower_case_with_underscores, got {name!r}"
                    )
                    continue
                if not isinstance(text, str):
                    places.problem(path, BAD_DEFINITION, f"definition {name!r} must be an expression (text)")
                    continue
                definitions[name] = (text, places, path)
        return definitions

    def merged_rules(
        self, chain: list[Raw], parameters: dict[str, Parameter], definitions: _Definitions, abstract: bool = False
    ) -> tuple[list[Rule], list[tuple[str, str]]]:
        """Rules of the whole chain.

        A file that extends another lists its own rules; an entry whose id the extended
        ruleset already has overrides that rule key by key (an entry with only ``id`` keeps
        it as it is). The order: when the file lists every rule it inherits, its list is the
        order; otherwise inherited rules keep their places (overridden ones too) and the
        file's new rules follow, in its order. ``remove_rules:`` leaves rules out. Only an
        abstract ruleset may have none (a base that gives inputs, say).
        """
        order: list[str] = []
        specs: dict[str, _Entry] = {}  # id -> key -> (value, file, path)
        anonymous: list[tuple[Raw, Any, YamlPath]] = []
        for raw in chain:
            self.b = raw.places
            data = raw.data.get("rules")
            if data is None:
                data = []
                if raw is chain[0]:
                    self.b.required(raw.data, "rules", (), "add rules: with at least one rule")
            if not isinstance(data, list):
                self.b.problem(("rules",), MISSING_KEY, "rules: must be a list of rules (each starting with - id: ...)")
                continue
            if len(data) > limits.MAX_RULES:
                self.b.problem(("rules",), LIMIT, f"more than {limits.MAX_RULES} rules")
                continue
            listed: list[str] = []
            seen_here: dict[str, int] = {}
            for index, spec in enumerate(data):
                rule_id = spec.get("id") if isinstance(spec, dict) else None
                if not isinstance(rule_id, str):
                    anonymous.append((raw, spec, ("rules", index)))
                    continue
                if rule_id in seen_here:
                    self.b.problem(
                        ("rules", index, "id"),
                        DUPLICATE_ID,
                        f"duplicate rule id {rule_id!r} (also rule {seen_here[rule_id] + 1})",
                        "every rule needs its own id; to change a rule of the ruleset you extend, list its id once",
                    )
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
                self.b.problem(("remove_rules",), EXTENDS, "remove_rules: is a list of rule ids")
                removals = []
            for index, rule_id in enumerate(removals):
                if rule_id not in specs:
                    self.b.problem(
                        ("remove_rules", index),
                        EXTENDS,
                        f"no rule {rule_id!r} to remove",
                        _did_you_mean(str(rule_id), order) or "name a rule of the ruleset this one extends",
                    )
                    continue
                del specs[rule_id]
                order.remove(rule_id)
        if not order and not anonymous and not abstract:
            self.b = chain[-1].places
            self.b.problem(("rules",), MISSING_KEY, "a ruleset needs at least one rule")
        params = {name: p.node for name, p in parameters.items()}
        unset = {name for name, p in parameters.items() if p.value is UNSET}
        rules: list[Rule] = []
        inactive: list[tuple[str, str]] = []
        entries = [specs[rule_id] for rule_id in order]
        entries += [
            {
                "<entry>": (None, raw, path),
                **({k: (v, raw, path + (k,)) for k, v in spec.items()} if isinstance(spec, dict) else {}),
            }
            for raw, spec, path in anonymous
        ]
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

    def rule(self, entry: _Entry, params: dict[str, expr.Param], definitions: _Definitions) -> Rule | None:
        """One rule from its keys, each remembered with the file and place it came from."""
        _, raw, path = entry["<entry>"]
        self.b = raw.places
        spec = {key: value for key, (value, _, _) in entry.items() if key != "<entry>"}
        if not spec and len(path) == 2 and isinstance(path[1], int) and entry["<entry>"][0] is None and "id" not in entry:
            self.b.problem(path, MISSING_KEY, "a rule is a mapping with id:, check:, source: and messages:")
            return None

        def at(key: str) -> YamlPath:
            """The place of ``key`` (switching to the file it came from)."""
            if key in entry:
                _, origin, key_path = entry[key]
                self.b = origin.places
                return key_path
            self.b = raw.places
            return path + (key,)

        for key, (_, origin, key_path) in entry.items():
            if key != "<entry>" and key not in _RULE_KEYS:
                close = closest(key, _RULE_KEYS)
                origin.places.problem(
                    key_path + (KEY,),
                    UNKNOWN_KEY,
                    f"unknown key {key!r}",
                    f"did you mean {close!r}?" if close is not None else "allowed keys: " + ", ".join(_RULE_KEYS),
                )
        self.b = raw.places
        rule_id = self.b.required(spec, "id", path, "add id: a-kebab-case-name")
        if rule_id is not None and (not isinstance(rule_id, str) or not ID.fullmatch(rule_id)):
            # Here and below, ``self.b.problem`` is looked up before at() switches files, so the
            # place of a key inherited from another file is looked up in the file read last.
            self.b.problem(
                at("id"),
                BAD_VALUE,
                f"a rule id is lower-case words joined by '-', got {rule_id!r}",
                "for example id: lead-municipality-large",
            )
            rule_id = None
        for_each = spec.get("for_each")
        if for_each is not None and (not isinstance(for_each, str) or for_each not in schema.SCOPE_FIELDS):
            close = closest(str(for_each), list(schema.SCOPE_FIELDS))
            self.b.problem(
                at("for_each"),
                UNKNOWN_FIELD,
                f"cannot iterate over {for_each!r}",
                f"did you mean {close}?" if close is not None else "for_each: partners or for_each: participants",
            )
            for_each = None
        scope = expr.Scope(params, for_each, definitions=_definition_texts(definitions))
        when = self.expression(spec.get("when"), at("when"), scope) if spec.get("when") is not None else None
        self.b = raw.places
        check_text = self.b.required(spec, "check", path, 'add check: a condition such as applicant.kind == "ocmw"')
        check = self.expression(check_text, at("check"), scope) if check_text is not None else None
        severity = spec.get("severity", "error")
        if severity not in SEVERITIES:
            self.b.problem(at("severity"), BAD_VALUE, f"severity must be error or warning, got {severity!r}")
        # at() first: it switches to the file the key came from, where the value is read.
        source_path = at("source")
        source = self.b.string(spec.get("source"), source_path, "source")
        if not source:
            self.b = raw.places
            self.b.problem(
                path, NO_SOURCE, f"rule {rule_id!r} has no source", 'add source: "<file>, <heading>" citing the call text'
            )
        title_path = at("title")
        title = self.b.localized(spec.get("title"), title_path, "title")
        messages_path = at("messages")
        messages = self.messages(spec.get("messages"), messages_path, scope)
        if messages is not None and check is not None:
            messages = self.bounds(messages, check, messages_path)
        self.b = raw.places
        if rule_id is None or check is None or messages is None:
            return None
        nodes = [when, check] if when is not None else [check]
        reads = tuple(dict.fromkeys(p for node in nodes for p in expr.paths(node)))
        return Rule(
            rule_id,
            title,
            for_each,
            when,
            check,
            severity,
            source or "",
            messages,
            self.b.location(path),
            reads,
            any(expr.unresolved(node) for node in nodes),
        )

    def expression(self, text: Any, path: YamlPath, scope: expr.Scope) -> expr.Node | None:
        if isinstance(text, bool):  # check: true (YAML reads it as a boolean, not as text)
            text = "true" if text else "false"
        try:
            return expr.parse(text, scope)
        except expr.ExpressionError as error:
            stripped = text.strip() if isinstance(text, str) else None
            self.b.problems.append(
                RulesetProblem(
                    self.b.location(path, error.line - 1, error.column, stripped), error.message, error.hint, error.code
                )
            )
            return None

    def bounds(self, messages: Messages, check: expr.Node, path: YamlPath) -> Messages:
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
                        self.b.problem(
                            path + (outcome, lang),
                            BAD_PLACEHOLDER,
                            f"in the {lang} {outcome} message: {{{placeholder.text}:date}} shows only the day of "
                            "an instant the check compares to the microsecond, so the day it shows does not "
                            "say which times of that day pass",
                            f"show the time too: {{{placeholder.text}}}",
                        )
        return Messages(result)

    def messages(self, data: Any, path: YamlPath, scope: expr.Scope) -> Messages | None:
        if not isinstance(data, dict):
            self.b.problem(
                path,
                MISSING_KEY,
                "a rule needs messages: with pass: and fail: texts in nl, fr and en",
                "write messages: {pass: {nl: ..., fr: ..., en: ...}, fail: {...}}",
            )
            return None
        self.b.unknown_keys(data, OUTCOMES, path)
        result: dict[str, dict[str, Template]] = {}
        for outcome in OUTCOMES:
            texts = data.get(outcome)
            if texts is None:
                if outcome in ("pass", "fail"):
                    self.b.problem(path, MISSING_KEY, f"no {outcome} message", f"add {outcome}: {{nl: ..., fr: ..., en: ...}}")
                continue
            localized = self.b.localized(texts, path + (outcome,), f"the {outcome} message")
            if localized is None:
                continue
            result[outcome] = {}
            for lang in LANGUAGES:
                try:
                    result[outcome][lang] = parse_template(localized.get(lang), scope)
                except expr.ExpressionError as error:
                    self.b.problems.append(
                        RulesetProblem(
                            self.b.location(path + (outcome, lang)),
                            f"in the {lang} {outcome} message: {error.message}",
                            error.hint,
                            error.code,
                        )
                    )
        return Messages(result)
