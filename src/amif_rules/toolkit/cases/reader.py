"""Reading a tests file's plain values into a :class:`TestsFile`, every problem located.

Every example and every case's application is built and validated here, when the file
loads, so that a bad patch is a loading error that points at the patch, not a failure at run
time. Hints name the closest allowed word (:func:`amif_rules.suggestions.closest`).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ...documents import parse_json, parse_text, parse_yaml, read_application
from ...errors import AmifRulesError, InputError, Location, PatchError, RulesetError
from ...languages import LANGUAGES
from ...ruleset import Ruleset, load_ruleset
from ...suggestions import closest
from .model import ITEM, RULE_OUTCOMES, SUFFIX, VERDICT_OUTCOMES, Case, RuleExpectation, TestsFile
from .patches import apply_patch, parse_path, render_path
from .yamlread import Places

_TOP_KEYS = ("ruleset", "description", "lang", "examples", "cases")
_CASE_KEYS = ("name", "description", "application", "example", "file", "patch", "on", "lang", "outcome", "rules", "missing")
#: An example given by reference: a document file or another example, optionally patched.
_EXAMPLE_KEYS = ("file", "example", "patch", "description")
_EXPECTATION_KEYS = ("outcome", "message")
_RULE_KEY = re.compile(r"^(?P<rule>[a-z0-9]+(?:-[a-z0-9]+)*)(?:\[(?P<item>[a-z_]+\[[0-9]+\])\])?$")


class Reader:
    """Reads the plain values of a tests file into a :class:`TestsFile`, adding every problem
    to ``places`` (it goes on after a problem, so that all are reported at once)."""

    def __init__(self, places: Places, file: Path):
        self.places = places
        self.file = file
        self.folder = file.resolve().parent
        self._examples: dict[str, tuple[Any, tuple]] = {}
        self._resolved: dict[str, dict | None] = {}

    def unknown_keys(self, data: dict, allowed: Sequence[str], path: tuple, what: str) -> None:
        for key in data:
            if key not in allowed:
                close = closest(key, allowed)
                self.places.add(
                    path,
                    f"unknown key {key!r} in {what}",
                    f"did you mean {close!r}?" if close else "allowed keys: " + ", ".join(allowed),
                    location=self.places.key_location(path + (key,)),
                )

    def tests_file(self, raw: Any) -> TestsFile | None:
        if not isinstance(raw, dict):
            self.places.add(
                (),
                "a tests file is a mapping with examples: and cases:",
                "start with cases: and a list of cases, each with name:, an application and outcome:",
            )
            return None
        self.unknown_keys(raw, _TOP_KEYS, (), "the tests file")
        description = self.text(raw.get("description"), ("description",), "description")
        default_lang = self.lang(raw.get("lang"), ("lang",)) if raw.get("lang") is not None else "nl"
        ruleset, ruleset_path = self.ruleset(raw.get("ruleset"))
        examples = self.examples(raw.get("examples"))
        for name, (_, path) in examples.items():  # every example is checked, used or not
            self.example(name, path)
        cases = self.cases(raw.get("cases"), examples, ruleset, default_lang or "nl")
        if ruleset is None or cases is None or self.places.problems:
            return None
        return TestsFile(self.file, self.places.display, ruleset, ruleset_path, tuple(cases), description)

    # helpers
    def text(self, value: Any, path: tuple, what: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self.places.add(path, f"{what} must be text", f'write {what}: "..."')
            return None
        return value

    def lang(self, value: Any, path: tuple) -> str | None:
        if value not in LANGUAGES:
            self.places.add(
                path, f"lang must be one of {', '.join(LANGUAGES)}, got {value!r}", "write lang: nl, lang: fr or lang: en"
            )
            return None
        return value

    # the ruleset
    def ruleset(self, value: Any) -> tuple[Ruleset | None, Path]:
        if value is None:
            name = self.file.name
            if not name.endswith(SUFFIX):
                self.places.add(
                    (),
                    f"cannot tell which ruleset {name} tests",
                    f"add ruleset: <file>.yaml (relative to this file), or name this file <ruleset-file>{SUFFIX}",
                )
                return None, self.folder
            candidate = self.folder / (name[: -len(SUFFIX)] + ".yaml")
            where: tuple = ()
            hint = f"put {candidate.name} beside this file, or name the ruleset with ruleset: <file>.yaml (relative to this file)"
        else:
            if not isinstance(value, str) or not value.strip():
                self.places.add(
                    ("ruleset",),
                    "ruleset: names the ruleset file, relative to this tests file",
                    "for example ruleset: call-42.yaml",
                )
                return None, self.folder
            candidate = (self.folder / value).resolve()
            where = ("ruleset",)
            hint = "the path is relative to the folder of this tests file, e.g. ruleset: call-42.yaml"
        if not candidate.is_file():
            self.places.add(
                where,
                f"no ruleset file {candidate.name} {'beside this tests file' if value is None else 'at ' + str(value)}",
                hint,
                location=Location(self.places.display, 1, 1) if not where else None,
            )
            return None, candidate
        try:
            return load_ruleset(candidate), candidate
        except RulesetError as error:
            details = "\n".join("    " + line for line in str(error).split("\n"))
            self.places.add(
                where,
                f"the ruleset {candidate.name} does not load:\n{details}",
                "fix the ruleset first (amif-rules check --ruleset loads it too)",
                location=Location(self.places.display, 1, 1) if not where else None,
            )
            return None, candidate

    # examples
    def examples(self, data: Any) -> dict[str, tuple[Any, tuple]]:
        """name -> (spec, path); resolved lazily (an example may build on another)."""
        if data is None:
            return {}
        if not isinstance(data, dict):
            self.places.add(
                ("examples",),
                "examples: is a mapping of name: {file: ...} or name: {an application}",
                "for example examples: {antwerpen: {file: ../examples/call-42-eligible-antwerpen.json}}",
            )
            return {}
        result = {}
        for name, spec in data.items():
            if not isinstance(spec, dict):
                self.places.add(
                    ("examples", name),
                    f"example {name!r} must be a mapping: {{file: ...}}, an application, or {{example: ..., patch: ...}}",
                    "for example file: ../examples/call-42-eligible-antwerpen.json",
                )
                continue
            result[name] = (spec, ("examples", name))
        self._examples = result
        return result

    def example(self, name: str, path: tuple, resolving: tuple = ()) -> dict | None:
        """The document of example ``name`` (a fresh copy), or None after reporting a problem."""
        examples = self._examples
        if name not in examples:
            close = closest(str(name), examples)
            self.places.add(
                path,
                f"no example named {name!r}",
                f"did you mean {close!r}?"
                if close
                else ("examples: " + ", ".join(examples) if examples else "add it under examples: at the top of the file"),
            )
            return None
        if name in self._resolved:
            resolved = self._resolved[name]
            return copy.deepcopy(resolved) if resolved is not None else None
        if name in resolving:
            self.places.add(
                path,
                f"example {name!r} builds on itself (through {' -> '.join(resolving + (name,))})",
                "let it build on another example, or give its application in full",
            )
            self._resolved[name] = None
            return None
        spec, spec_path = examples[name]
        document: dict | None
        if "file" in spec or "example" in spec:
            # A reference (a file, or another example), optionally patched.
            self.unknown_keys(spec, _EXAMPLE_KEYS, spec_path, f"example {name!r}")
            if "file" in spec and "example" in spec:
                self.places.add(
                    spec_path,
                    f"example {name!r} has both file: and example:",
                    "keep one",
                    location=self.places.key_location(spec_path + ("example",)),
                )
                document = None
            elif "file" in spec:
                document = self.document_file(spec.get("file"), spec_path + ("file",))
            else:
                base = spec["example"]
                if not isinstance(base, str):
                    self.places.add(spec_path + ("example",), "example: names another example", "for example example: antwerpen")
                    document = None
                else:
                    document = self.example(base, spec_path + ("example",), resolving + (name,))
            if document is not None:
                document = self.patched(document, spec.get("patch"), spec_path + ("patch",))
        else:
            document = copy.deepcopy(spec)
        if document is not None and not self.valid(
            document, spec_path, f"example {name!r}", spec.get("patch"), spec_path + ("patch",)
        ):
            document = None
        self._resolved[name] = document
        return copy.deepcopy(document) if document is not None else None

    def document_file(self, value: Any, path: tuple) -> dict | None:
        if not isinstance(value, str) or not value.strip():
            self.places.add(
                path,
                "file: is the path of an application document (JSON or YAML), relative to this tests file",
                "for example file: ../examples/call-42-eligible-antwerpen.json",
            )
            return None
        target = self.folder / value
        try:
            data = target.read_bytes()
        except OSError as error:
            self.places.add(
                path,
                f"cannot read {value}: {error.strerror}",
                f"the path is relative to the folder of this tests file ({self.folder.name}/)",
            )
            return None
        try:
            suffix = target.suffix.lower()
            document = (
                parse_json(data) if suffix == ".json" else parse_yaml(data) if suffix in (".yaml", ".yml") else parse_text(data)
            )
        except InputError as error:
            self.places.add(
                path, f"{value} is not a readable application document: " + "; ".join(p.message for p in error.problems)
            )
            return None
        if not isinstance(document, dict):
            self.places.add(path, f"{value} is not an application document (an object with call:, applicant:, ...)")
            return None
        return document

    def patched(self, document: dict, patch: Any, path: tuple) -> dict | None:
        if patch is None:
            return document
        if not isinstance(patch, dict):
            self.places.add(
                path,
                "patch: is a mapping of field path: new value",
                "under patch:, write one field path and its value per line, e.g. partners[0].role: other",
            )
            return None
        ok = True
        for key, value in patch.items():
            try:
                apply_patch(document, key, value)
            except PatchError as error:
                self.places.add(
                    path + (key,),
                    f"cannot apply {key}: {error.message}",
                    error.hint,
                    location=self.places.key_location(path + (key,)),
                )
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
                            written = render_path(parse_path(key))
                        except PatchError:
                            continue
                        if (
                            problem.path == written
                            or problem.path.startswith(written + ".")
                            or problem.path.startswith(written + "[")
                        ):
                            where = patch_path + (key,)
                location = self.places.key_location(where) if where[: len(patch_path)] == patch_path else None
                self.places.add(
                    where,
                    f"{what}: the application is not valid: {problem}",
                    "a case needs a valid application; null (~) leaves a field out",
                    location=location,
                )
            return False
        except AmifRulesError as error:  # pragma: no cover - read_application raises InputError only
            self.places.add(path, f"{what}: the application is not valid: {error}")
            return False
        return True

    # cases
    def cases(self, data: Any, examples: dict, ruleset: Ruleset | None, default_lang: str) -> list[Case] | None:
        if data is None:
            self.places.add(
                (), "missing required key 'cases'", "add cases: a list of cases, each with name:, an application and outcome:"
            )
            return None
        if not isinstance(data, list) or not data:
            self.places.add(
                ("cases",),
                "cases: is a list of cases (each starting with - name: ...)",
                "for example:\n      cases:\n        - name: Antwerpen is eligible\n          example: antwerpen\n"
                "          outcome: eligible",
            )
            return None
        names: dict[str, int] = {}
        cases: list[Case] = []
        for index, entry in enumerate(data):
            case = self.case(entry, ("cases", index), ruleset, default_lang, names, index)
            if case is not None:
                cases.append(case)
        return cases

    def case(self, entry: Any, path: tuple, ruleset: Ruleset | None, default_lang: str, names: dict, index: int) -> Case | None:
        if not isinstance(entry, dict):
            self.places.add(
                path,
                "a case is a mapping with name:, an application (example:, file: or application:) and outcome:",
                "start it with - name: ...",
            )
            return None
        self.unknown_keys(entry, _CASE_KEYS, path, "a case")
        name = entry.get("name")
        if name is None:
            self.places.add(path, f"case {index + 1} has no name", "add name: a short sentence saying what the case shows")
            return None
        if not isinstance(name, (str, int, float, Decimal)) or isinstance(name, bool) or not str(name).strip():
            self.places.add(path + ("name",), "a case's name must be text", 'write name: "..."')
            return None
        name = str(name).strip()
        if name in names:
            self.places.add(
                path + ("name",), f"two cases are named {name!r} (also case {names[name] + 1})", "give every case its own name"
            )
        names.setdefault(name, index)
        what = f"case {name!r}"
        sources = [key for key in ("application", "example", "file") if key in entry]
        document: dict | None = None
        origin = "inline"
        if not sources:
            self.places.add(
                path,
                f"{what} has no application",
                "add example: <the name of an example>, file: <a document file>, or application: {...}",
            )
        elif len(sources) > 1:
            self.places.add(
                path + (sources[1],),
                f"{what} has both {sources[0]}: and {sources[1]}:",
                "keep one; to change an example, use example: with patch:",
                location=self.places.key_location(path + (sources[1],)),
            )
        elif sources[0] == "application":
            application = entry["application"]
            if not isinstance(application, dict):
                self.places.add(
                    path + ("application",),
                    "application: is an application document (a mapping)",
                    'for example application: {call: "42", form: {complete: true}}',
                )
            else:
                document = copy.deepcopy(application)
        elif sources[0] == "example":
            example_name = entry["example"]
            if not isinstance(example_name, str):
                self.places.add(path + ("example",), "example: names an example of this file", "for example example: antwerpen")
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
        return Case(
            name=name,
            location=self.places.location(path),
            document=document,
            outcome=outcome,
            rules=rules,
            missing=missing if missing is not False else None,
            on=on,
            lang=lang,
            description=description,
            origin=origin,
        )

    def date(self, value: Any, path: tuple) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.places.add(
            path,
            f"on: is a date such as 2020-02-01, got {value!r}",
            "write on: YYYY-MM-DD (the case is then checked as of that date)",
        )
        return None

    def outcome(self, value: Any, path: tuple, what: str) -> str | None:
        if value is None:
            self.places.add(path, f"{what} has no outcome", "add outcome: eligible, ineligible or incomplete")
            return None
        if value not in VERDICT_OUTCOMES:
            close = closest(str(value), VERDICT_OUTCOMES)
            self.places.add(
                path + ("outcome",),
                f"outcome must be eligible, ineligible or incomplete, got {value!r}",
                f"did you mean {close}?" if close else "write outcome: eligible, ineligible or incomplete",
            )
            return None
        return value

    def rules(self, data: Any, path: tuple, ruleset: Ruleset | None) -> tuple[RuleExpectation, ...] | None:
        if data is None:
            return ()
        if not isinstance(data, dict):
            self.places.add(
                path,
                "rules: is a mapping of rule id: expected outcome",
                "under rules:, write one rule id and its outcome per line, e.g. lead-municipality-large: fail",
            )
            return None
        expectations = []
        ok = True
        for key, value in data.items():
            where = path + (key,)
            key_location = self.places.key_location(where)
            match = _RULE_KEY.match(key)
            if match is None:
                self.places.add(
                    where,
                    f"{key!r} is not a rule id, or a rule id with an element such as [partners[1]]",
                    "write lead-municipality-large: fail, or partner-is-ocmw[partners[1]]: pass",
                    location=key_location,
                )
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
                    self.places.add(
                        where + ("message",),
                        "message: is a piece of text the rule's message must contain",
                        'for example message: "150.000"',
                    )
                    ok = False
                if outcome_value is None:
                    self.places.add(
                        where, f"the expectation of {key} has no outcome", "add outcome: pass, fail, unknown or not_applicable"
                    )
                    ok = False
                    continue
            if outcome_value not in RULE_OUTCOMES:
                close = closest(str(outcome_value).replace(" ", "_").replace("/", "_").lower(), RULE_OUTCOMES, cutoff=0.5)
                self.places.add(
                    where + ("outcome",) if isinstance(value, dict) else where,
                    f"a rule's outcome is pass, fail, unknown or not_applicable, got {outcome_value!r}",
                    f"did you mean {close}?" if close else "write pass, fail, unknown or not_applicable",
                )
                ok = False
                continue
            expectations.append(RuleExpectation(rule_id, item, outcome_value, message, key_location))
        return tuple(expectations) if ok else None

    def rule_exists(self, rule_id: str, item: str | None, ruleset: Ruleset, where: tuple, location: Location) -> bool:
        ids = [rule.id for rule in ruleset.rules]
        if rule_id not in ids:
            inactive = dict(ruleset.inactive)
            if rule_id in inactive:
                self.places.add(
                    where,
                    f"rule {rule_id!r} is left out of ruleset {ruleset.id}: {inactive[rule_id]}",
                    "remove this line: the rule has no outcome in this ruleset",
                    location=location,
                )
            else:
                close = closest(rule_id, ids)
                self.places.add(
                    where,
                    f"ruleset {ruleset.id} has no rule {rule_id!r}",
                    f"did you mean {close}?" if close else "rules: " + ", ".join(ids),
                    location=location,
                )
            return False
        rule = ruleset.rule(rule_id)
        if item is not None:
            scope = ITEM.match(item).group("list")  # type: ignore[union-attr]
            if rule.for_each is None:
                self.places.add(
                    where,
                    f"rule {rule_id} is not applied per element, so it has no result for {item}",
                    f"write {rule_id}: <outcome>",
                    location=location,
                )
                return False
            if scope != rule.for_each:
                self.places.add(
                    where,
                    f"rule {rule_id} is applied to each of {rule.for_each}, not to {scope}",
                    f"write {rule_id}[{rule.for_each}[0]]: <outcome>",
                    location=location,
                )
                return False
        return True

    def missing(self, data: Any, path: tuple, given: bool) -> Any:
        """The expected missing paths (a tuple), None when not given, False on a problem."""
        if not given:
            return None
        if data is None:
            return ()
        if not isinstance(data, list) or not all(isinstance(p, str) and p for p in data):
            self.places.add(
                path, "missing: is a list of field paths", "for example missing: [form.signed, 'participants[1].residence']"
            )
            return False
        return tuple(sorted(set(data)))
