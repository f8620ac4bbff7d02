"""Counterexample documents: a finding shows an application, checked with
:func:`amif_rules.check`, on which a rule does what the finding says.

A search assigns encoded values to fact keys; :meth:`Counterexamples.realize` writes them into
a document (an example of the call when there is one, so that the document reads like a real
application), inverting derived keys where that is simple (an age: a birth date; a length: a
list). Every document a finding shows has been checked with the built-in engine, and what
the check gave is shown with it.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import random
from pathlib import Path
from typing import Any

from ... import api, docpaths, expr, schema, units
from ...compiler import Plan
from ...dates import BRUSSELS, reference_date, register_date, years_before
from ...documents import parse_json, parse_yaml, read_application
from ...domains import TYPICAL_DAY
from ...engines.python import rule_outcome
from ...errors import AmifRulesError, InputError
from ...facts import build_facts
from ...resources import examples_dir
from ...ruleset import Ruleset
from ...schema import CODES as COUNTRY_CODES_KIND
from ...schema import DATE, INSTANT, LIST, TEXTS
from ...search import SEARCH_BUDGET, SEED, Found, Model, document_value
from ...verdict import Verdict
from .raw import display

#: Third-country nationalities to fill a list of a given length with.
THIRD_COUNTRIES = ["SY", "AF", "TR", "MA", "IQ", "ER", "SO", "CD", "GN", "PK"]


class Counterexamples:
    """The documents of one analysis: examples of the call to start from, and documents built
    so that their facts take the values a search found."""

    def __init__(self, ruleset: Ruleset, plan: Plan, model: Model, on: dt.date | None, examples: Path | None, path: Path | None):
        self.ruleset = ruleset
        self.plan = plan
        self.model = model
        self.on = on
        self.examples = examples  # a folder of examples given to the linter
        self.path = path  # the file linted
        #: The search for an eligible application, once made.
        self.witness: Found | None = None
        self._passing: Any = ()

    def nearest_document(self) -> tuple[dict | None, str | None]:
        """The example of the call with the fewest failing or unknown error rules."""
        best: tuple = (None, None)
        best_score = None
        for path in self.example_files():
            document = read_example(path, self.ruleset.call)
            if document is None:
                continue
            verdict = checked(document, self.ruleset)
            if verdict is None:
                continue
            score = sum(1 for r in verdict.rules if r.severity == "error" and r.outcome in ("fail", "unknown"))
            if best_score is None or score < best_score:
                best, best_score = (document, display(path)), score
        return best

    def passing_document(self) -> tuple[dict | None, str | None]:
        """An application that is eligible under the ruleset: a bundled example of the same
        call, else one constructed from the eligible witness; with where it came from."""
        if self._passing != ():
            return self._passing
        result: tuple = (None, None)
        for path in self.example_files():
            document = read_example(path, self.ruleset.call)
            if document is None:
                continue
            verdict = checked(document, self.ruleset)
            if verdict is not None and verdict.outcome == "eligible":
                result = (document, display(path))
                break
        else:
            witness = self.witness
            if witness is not None and witness.assignment is not None:
                document = self.realize(witness.assignment, witness.states, None)
                verdict = checked(document, self.ruleset)
                if verdict is not None and verdict.outcome == "eligible":
                    result = (document, "constructed")
        self._passing = result
        return result

    def example_files(self) -> list[Path]:
        """The example applications of the call: the folder given, the ``examples/`` folder
        above the file, the bundled ones (eligible examples first)."""
        if self.ruleset.call is None:
            return []
        folders = []
        if self.examples is not None:
            folders.append(self.examples)
        if self.path is not None:
            for folder in self.path.resolve().parents:
                if (folder / "examples").is_dir():
                    folders.append(folder / "examples")
                    break
        folders.append(examples_dir())
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
        shows = shows_of(document, self.ruleset, [(self.ruleset.rules[index].id, item)])
        if shows is None or not any(r["outcome"] == wanted for r in shows["rules"]):
            return None, None, None, None
        based_on = based_on or "constructed"
        return document, based_on, changed_paths(base if based_on != "constructed" else None, document), shows

    def gap_case(self, entries, value: int) -> tuple:
        """A passing application with every key of the group set to ``value``."""
        base, based_on = self.passing_document()
        if base is None:
            return None, None, None, None
        model = self.model
        document = copy.deepcopy(base)
        targets: list[tuple[str, str | None]] = []
        verdict = checked(document, self.ruleset)
        for index, var_id in entries:
            var = model.vars[var_id]
            rule = self.ruleset.rules[index]
            compiled = model.compiled[index]
            if var.scope is None:
                put(document, tuple(var.path.split(".")), document_value(var.kind, value))
                targets.append((rule.id, None))
                continue
            found = document.get(var.scope)
            elements: list = found if isinstance(found, list) else []
            applies = [
                r.item for r in (verdict.rules if verdict else ()) if r.id == rule.id and r.item and r.outcome in ("pass", "fail")
            ]
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
            put(document, (var.scope, position, *var.path.split(".")), document_value(var.kind, value))
            targets.append((rule.id, f"{var.scope}[{position}]"))
        shows = shows_of(document, self.ruleset, targets)
        return document, based_on, changed_paths(base if based_on != "constructed" else None, document), shows

    def realize(self, assignment: dict, states: dict, base: dict | None, positions: dict | None = None) -> dict:
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
        plain = sorted(
            ((v, value) for v, value in assignment.items() if model.vars[v].call is None and model.vars[v].kind != "unresolved"),
            key=lambda item: item[0][1] != "reference_date",
        )
        for var_id, value in plain:
            var = model.vars[var_id]
            if var.scope is None and var.path == "reference_date":
                if value is not None and any(v[1] == "submitted_at" for v in assignment):
                    continue
                parts: tuple = ("submitted_at",)
                shown = None if value is None else dt.datetime.combine(units.day(value), dt.time(12), BRUSSELS).isoformat()
            else:
                parts = (
                    tuple(var.path.split("."))
                    if var.scope is None
                    else (var.scope, positions.get(var.scope, 0), *var.path.split("."))
                )
                shown = None if value is None else document_value(var.kind, value)
            if var.scope is not None and var.scope not in positions:
                if not isinstance(document.get(var.scope), list) or not document[var.scope]:
                    document[var.scope] = [{}]
            put(document, parts, shown)
        derived = [(v, value) for v, value in assignment.items() if model.vars[v].call is not None]
        reads_date = any(
            isinstance(a, expr.Path) and a.path == "reference_date"
            for v, value in derived
            if value is not None
            for a in model.vars[v].args
        )
        dated = {(None, "submitted_at"), (None, "reference_date")} & set(assignment)
        if (reads_date or self.on is not None) and not dated and not isinstance(document.get("submitted_at"), str):
            # The date picks dated parameter values too: the one this analysis is for.
            day = self.on or self.ruleset.valid_until or self.ruleset.valid_from or TYPICAL_DAY
            document["submitted_at"] = dt.datetime.combine(day, dt.time(12), BRUSSELS).isoformat()
        if derived:
            self._realize_derived(document, derived, positions)
        return document

    def _realize_derived(self, document: dict, derived: list, positions: dict) -> None:
        """Give derived keys their values through the fields they read (a birth date for an
        age, a list for its length), each value tried until the facts agree."""
        model = self.model
        lengths = []
        groups: dict[tuple, list] = {}
        for var_id, value in derived:
            var = model.vars[var_id]
            call = var.call
            assert call is not None  # derived: the value of a call
            arg = call.args[0]
            if call.name == "len" and isinstance(arg, expr.Path) and arg.scope is None and arg.type.kind == LIST:
                lengths.append((arg.path, value))
                continue
            free = [a for a in call.args if isinstance(a, expr.Path) and a.path != "reference_date"]
            if not free:
                continue
            field = free[0]
            groups.setdefault((field.scope, field.path), []).append((var, value))
        for (scope, path), wanted in groups.items():
            position = positions.get(scope, 0) if scope else None
            if scope and (not isinstance(document.get(scope), list) or not document[scope]):
                document[scope] = [{}]
            parts = (scope, position, *path.split(".")) if scope else tuple(path.split("."))
            for candidate in self._pool(document, scope, path, wanted):
                trial = copy.deepcopy(document)
                put(trial, parts, candidate)
                if self._derived_match(trial, scope, position, wanted):
                    put(document, parts, candidate)
                    break
        for path, value in lengths:
            if value is None:
                document.pop(path, None)
            elif value == 0:
                document[path] = []
            else:
                found = document.get(path)
                elements: list = found if isinstance(found, list) else []
                model_element = elements[positions.get(path, 0)] if elements else {}
                document[path] = (elements + [copy.deepcopy(model_element) for _ in range(value)])[: max(value, 1)]

    def _pool(self, document: dict, scope: str | None, path: str, wanted: list) -> list:
        """Values to try for a field that function calls read."""
        pool: list = [None]
        reference = reference_day(document)
        field_type = schema.scope_field(scope, path) if scope else schema.root_field(path)
        kind = field_type.kind if field_type is not None else None
        if kind == COUNTRY_CODES_KIND:
            pool += [["SY"], ["BE"], ["NO"], ["SY", "NO"], ["BE", "NO"], ["BE", "SY"], ["stateless"], ["GB"], ["HR"], ["CH"]]
            for var, value in wanted:
                if var.call.name == "has_any":
                    haystack = var.call.args[1].value if isinstance(var.call.args[1], (expr.Lit, expr.Param)) else ()
                    for code in list(haystack or ())[:5]:
                        pool += [[code], ["SY", code]]
                if var.call.name == "len" and isinstance(value, int) and value >= 0:
                    pool.append(THIRD_COUNTRIES[:value])
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
                        pool.append((years_before(reference, value) + dt.timedelta(days=shift)).isoformat())
            pool += ["1990-01-01"]
        elif kind == INSTANT:
            for var, value in wanted:
                if var.call.name == "local_date" and isinstance(value, int):
                    pool.append(dt.datetime.combine(units.day(value), dt.time(12), BRUSSELS).isoformat())
        return pool

    def _derived_match(self, document: dict, scope: str | None, position: int | None, wanted: list) -> bool:
        """Whether the document's facts give every derived key of ``wanted`` its value."""
        encoded = encode(document, self.ruleset, self.plan)
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


def put(document: dict, parts: tuple, value: Any) -> None:
    """Set ``parts`` of ``document`` (None removes it), making objects and elements on the way."""
    docpaths.put(document, parts, docpaths.DELETE if value is None else value)


def read_example(path: Path, call: Any) -> dict | None:
    """An example application of call ``call`` (None for another call or a bad file)."""
    try:
        text = path.read_bytes()
        document = parse_json(text) if path.suffix == ".json" else parse_yaml(text)
    except (InputError, OSError):
        return None
    if not isinstance(document, dict) or str(document.get("call")) != str(call):
        return None
    return document


def checked(document: dict, ruleset: Ruleset) -> Verdict | None:
    """The built-in engine's verdict on a copy of ``document`` (None when it is refused)."""
    try:
        return api.check(copy.deepcopy(document), ruleset=ruleset, engine="python", lang="en")
    except AmifRulesError:
        return None


def shows_of(document: dict | None, ruleset: Ruleset, targets: list | None) -> dict | None:
    """What checking ``document`` gives: the verdict's outcome and the results of ``targets``
    ((rule id, item) pairs; all failing and unknown rules when None)."""
    if document is None:
        return None
    verdict = checked(document, ruleset)
    if verdict is None:
        return None
    results = []
    for result in verdict.rules:
        wanted = (targets is None and result.outcome in ("fail", "unknown")) or (
            targets is not None
            and any(result.id == rule_id and (item is None or result.item == item) for rule_id, item in targets)
        )
        if wanted:
            results.append({"id": result.id, "item": result.item, "outcome": result.outcome, "message": result.message})
    return {"outcome": verdict.outcome, "rules": results}


def changed_paths(base: dict | None, document: dict) -> dict:
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
            elements = before if isinstance(before, list) else []
            for index, element in enumerate(after):
                walk(elements[index] if index < len(elements) else {}, element, f"{path}[{index}]")
        elif before != after:
            changes[path] = after

    walk(base or {}, document, "")
    return changes


def encode(document: dict, ruleset: Ruleset, plan: Plan):
    """The document's facts as the engines see them (None when the reader refuses it)."""
    try:
        application = read_application(copy.deepcopy(document))
    except InputError:
        return None
    day = reference_date(application.submitted_at)
    facts = build_facts(application, register_date=register_date(ruleset.register_date, day))
    return plan.encode(facts)


def reference_day(document: dict) -> dt.date | None:
    """The reference date of a document this module wrote (its ``submitted_at`` in Brussels)."""
    text = document.get("submitted_at")
    if not isinstance(text, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return reference_date(moment)
