"""Reusable checks: plain functions to call inside your own ``@given`` tests.

Each raises ``AssertionError`` with a readable message when the property does not hold,
and returns what it computed (a verdict, or the verdicts before and after), so that a test
can go on asserting its own things.
"""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from typing import Any

from .. import api
from ..docpaths import parts, put
from ..documents import read_application, to_document
from ..engines import durable_available
from ..errors import InputError
from ..ir import Linear, atoms, condition_keys
from ..ruleset import Ruleset
from ..verdict import Verdict
from . import _schema, _texts
from ._schema import application_schema, json_values, schema_view
from ._target import target_for

__all__ = [
    "OUTCOME_RANK",
    "RULE_OUTCOME_RANK",
    "application_schema",
    "assert_bounded_error",
    "assert_deterministic",
    "assert_engines_agree",
    "assert_fails_exactly_on",
    "assert_immutable",
    "assert_monotonic",
    "assert_schema_accepts",
    "assert_valid_application",
    "assert_valid_verdict",
    "assert_yaml_json_agree",
    "available_engines",
    "failing_rules",
    "monotonic_fields",
]

#: How eligible a verdict is: ineligible < incomplete < eligible.
OUTCOME_RANK = {"ineligible": 0, "incomplete": 1, "eligible": 2}
#: How well a rule result stands: fail < unknown < pass = not applicable.
RULE_OUTCOME_RANK = {"fail": 0, "unknown": 1, "pass": 2, "not_applicable": 2}


def available_engines() -> tuple[str, ...]:
    """The engines of this interpreter: ``("python", "durable")``, or ``("python",)`` where
    durable-rules cannot be imported (Python 3.13 and later)."""
    return ("python", "durable") if durable_available() else ("python",)


def _without_engine(verdict: Verdict) -> dict:
    data = verdict.to_dict()
    data.pop("engine")
    return data


def assert_engines_agree(
    document: Any, call: str | None = None, lang: str = "nl", on=None, ruleset: Ruleset | None = None
) -> Verdict:
    """Every available engine gives the same verdict, byte for byte but for ``engine``
    (contract §2). Returns the built-in engine's verdict. With one engine available, it
    checks that engine's verdict names it."""
    reference = api.check(document, call=call, lang=lang, engine="python", on=on, ruleset=ruleset)
    assert reference.engine == "python"
    expected = json.dumps(_without_engine(reference), ensure_ascii=False, sort_keys=True)
    for engine in available_engines()[1:]:
        other = api.check(document, call=call, lang=lang, engine=engine, on=on, ruleset=ruleset)
        assert other.engine == engine
        got = json.dumps(_without_engine(other), ensure_ascii=False, sort_keys=True)
        if got != expected:
            raise AssertionError(
                f"the {engine} engine disagrees with the built-in one on {document!r}:\n  python: {expected}\n  {engine}: {got}"
            )
    return reference


def assert_deterministic(
    document: Any, call: str | None = None, engine: str = "auto", lang: str = "nl", ruleset: Ruleset | None = None
) -> Verdict:
    """The same document gives the same verdict twice, after a JSON round trip of the
    document, and after reading it into the model and writing it back
    (``to_document(read_application(document))``); the verdict survives a JSON round trip."""
    first = api.check(document, call=call, engine=engine, lang=lang, ruleset=ruleset)
    second = api.check(document, call=call, engine=engine, lang=lang, ruleset=ruleset)
    assert first.to_dict() == second.to_dict(), "the same document gave two different verdicts"
    if isinstance(document, dict):
        round_tripped = json.loads(json.dumps(document))
        again = api.check(round_tripped, call=call, engine=engine, lang=lang, ruleset=ruleset)
        assert again.to_dict() == first.to_dict(), "the document's JSON round trip changed the verdict"
        rewritten = to_document(read_application(document))
        assert read_application(rewritten) == read_application(document), "to_document does not read back the same"
        once_more = api.check(rewritten, call=call, engine=engine, lang=lang, ruleset=ruleset)
        assert once_more.to_dict() == first.to_dict(), "to_document(read_application(document)) changed the verdict"
    data = first.to_dict()
    assert json.loads(first.to_json()) == data, "the verdict's JSON does not read back as to_dict()"
    assert json.loads(json.dumps(data)) == data
    return first


def assert_valid_application(document: Any) -> None:
    """The document validates against :func:`application_schema` (integers of any length
    included: see ``_schema.schema_view``)."""
    errors = sorted(_schema.validator("application").iter_errors(schema_view(document)), key=lambda e: list(e.absolute_path))
    if errors:
        raise AssertionError(
            "the document does not validate against application.schema.json:\n"
            + "\n".join(f"  {'/'.join(map(str, e.absolute_path)) or '(document)'}: {e.message}" for e in errors)
        )


def assert_valid_verdict(verdict: Verdict, ruleset: Ruleset | None = None) -> None:
    """The verdict validates against the published verdict schema (``verdict_schema()``,
    needs ``jsonschema``) and keeps contract §2: every rule of the ruleset in its order,
    the outcome aggregated from the rule results, ``missing`` sorted and made of the unknown
    rules' missing fields, ``item`` on per-element results."""
    data = verdict.to_dict()
    errors = list(_schema.validator("verdict").iter_errors(data))
    if errors:
        raise AssertionError(
            "the verdict does not validate against verdict.schema.json:\n"
            + "\n".join(f"  {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)
        )
    rules = data["rules"]
    if any(r["outcome"] == "fail" and r["severity"] == "error" for r in rules):
        expected = "ineligible"
    elif any(r["outcome"] == "unknown" for r in rules):
        expected = "incomplete"
    else:
        expected = "eligible"
    assert data["outcome"] == expected, f"outcome {data['outcome']!r}, but the rule results make it {expected!r}"
    assert data["missing"] == sorted(set(data["missing"])), "missing is not sorted, or repeats a path"
    if expected == "incomplete":
        from_rules = sorted(
            {path for r in rules if r["outcome"] == "unknown" for path, value in r["fields"].items() if value is None}
        )
        assert data["missing"] == from_rules, f"missing {data['missing']} is not the unknown rules' missing fields {from_rules}"
    else:
        assert data["missing"] == [], "a decided verdict lists missing fields"
    if ruleset is None and data["call"] is not None:
        try:
            ruleset = target_for(data["call"], None, None).ruleset
        except Exception:  # noqa: BLE001 - another version of the call: the order is checked when a ruleset is given
            ruleset = None
    if ruleset is not None and ruleset.id == data["ruleset"]["id"]:
        order = [rule.id for rule in ruleset.rules]
        seen = [r["id"] for r in rules]
        collapsed = [rule_id for index, rule_id in enumerate(seen) if index == 0 or seen[index - 1] != rule_id]
        assert collapsed == order, f"the rules are not every rule of the ruleset in its order: {collapsed} vs {order}"
        for rule in ruleset.rules:
            mine = [r for r in rules if r["id"] == rule.id]
            if rule.for_each is None:
                assert len(mine) == 1 and "item" not in mine[0], f"rule {rule.id} should appear once, without item"
            elif len(mine) > 1 or "item" in mine[0]:
                items = [r.get("item") for r in mine]
                assert items == [f"{rule.for_each}[{i}]" for i in range(len(mine))], f"rule {rule.id}: items {items}"


def failing_rules(verdict: Verdict, severity: str = "error") -> set[str]:
    """The ids of the rules that fail in ``verdict`` with that severity."""
    return {r.id for r in verdict.rules if r.outcome == "fail" and r.severity == severity}


def assert_fails_exactly_on(verdict: Verdict, rule_id: str) -> None:
    """The verdict is ineligible, ``rule_id`` fails and no other error rule does."""
    failing = failing_rules(verdict)
    assert verdict.outcome == "ineligible", f"expected an ineligible verdict, got {verdict.outcome}"
    assert failing == {rule_id}, f"expected only {rule_id} to fail, got {sorted(failing)}"


# -- monotonicity -------------------------------------------------------------------------------------


def _polar_atoms(condition):
    """The Linear atoms of a condition, with whether each counts positively."""
    return ((atom, positive) for atom, positive in atoms(condition) if isinstance(atom, Linear))


def monotonic_fields(call: str | None = "42", ruleset: Ruleset | None = None) -> dict[str, str]:
    """Fields that only ever help in one direction, derived from the ruleset.

    ``{"applicant.municipality.population": "up", "budget.amif": "down", ...}``: a field is
    listed when every comparison that reads it gets truer as it moves that way (``up``:
    raising it never hurts, ``down``: lowering it never hurts), no ``when:`` reads it, and
    it is a plain field (not the submission date, which picks the version of the call, nor
    an argument of a function). Paths of list elements are written ``partners[]...``.
    """
    target = target_for(call, ruleset, None)
    directions: dict[str, set[str]] = {}
    excluded: set[str] = set()
    for compiled in target.compiled:
        for key in _keys(compiled.when):
            excluded.add(key)
        for atom, positive in _polar_atoms(compiled.check):
            for coefficient, key in atom.terms:
                if atom.op in ("==", "!="):
                    excluded.add(key)
                    continue
                raising_makes_true = (coefficient > 0) == (atom.op in (">", ">="))
                directions.setdefault(key, set()).add("up" if raising_makes_true == positive else "down")
        for key in _keys(compiled.check):
            if key not in directions:
                excluded.add(key)
    result = {}
    for key, found in directions.items():
        info = target.keys[key]
        if key in excluded or len(found) != 1 or info.derived or info.path == "submitted_at":
            continue
        result[info.document_path()] = found.pop()
    return result


def _keys(condition) -> set[str]:
    return set(condition_keys(condition))


_INDEX = re.compile(r"\[[0-9]+\]")


def _number(value: Any) -> Decimal:
    return Decimal(str(value))


def assert_monotonic(
    document: dict, path: str, value: Any, call: str | None = None, engine: str = "auto", ruleset: Ruleset | None = None
) -> tuple[Verdict, Verdict]:
    """Moving ``path`` to ``value`` in the direction :func:`monotonic_fields` gives for it
    never makes the application less eligible, nor any rule result worse.

    ``path`` is an input path (``applicant.municipality.population``,
    ``partners[0].municipality.population``, ``budget.amif``). Raises ``ValueError`` when the
    field is not monotonic, when the document has no value for it (as the rules read it,
    register figures included), or when ``value`` moves the other way. Returns the verdicts
    before and after.
    """
    code = call if call is not None else (document.get("call") if isinstance(document, dict) else None)
    fields = monotonic_fields(code, ruleset)
    direction = fields.get(_INDEX.sub("[]", path))
    if direction is None:
        raise ValueError(f"{path} is not a monotonic field of this ruleset; monotonic fields: {', '.join(sorted(fields))}")
    before = api.check(document, call=call, engine=engine, ruleset=ruleset)
    old = next((r.fields[path] for r in before.rules if path in r.fields), None)
    if old is None:
        raise ValueError(f"the document has no value for {path}: monotonicity compares two values")
    if (direction == "up" and _number(value) < _number(old)) or (direction == "down" and _number(value) > _number(old)):
        raise ValueError(f"{path}: {old} -> {value} is not a move {direction}")
    changed = copy.deepcopy(document)
    put(changed, parts(path), value)
    after = api.check(changed, call=call, engine=engine, ruleset=ruleset)
    if OUTCOME_RANK[after.outcome] < OUTCOME_RANK[before.outcome]:
        raise AssertionError(
            f"{path} {old} -> {value} ({direction}) made the application less eligible: {before.outcome} -> {after.outcome}"
        )
    earlier = {(r.id, r.item): r.outcome for r in before.rules}
    for result in after.rules:
        was = earlier.get((result.id, result.item))
        if was is not None and RULE_OUTCOME_RANK[result.outcome] < RULE_OUTCOME_RANK[was]:
            raise AssertionError(
                f"{path} {old} -> {value} ({direction}) made rule {result.id}"
                f"{' on ' + result.item if result.item else ''} worse: {was} -> {result.outcome}"
            )
    return before, after


# -- what a verdict and an error promise, whatever the document ------------------------------------

_PROBE = "__changed by assert_immutable__"


def assert_immutable(verdict: Verdict) -> Verdict:
    """Nothing reachable from the verdict's public face can be changed, so that ``to_json()``
    is a function of the input alone (a portal may cache verdicts and hand them around).

    Tries to set the attributes of the verdict and of each rule result, to assign, add and
    delete entries of ``fields`` and of every mapping inside, to append to and assign into
    ``missing``, ``rules`` and every list inside ``fields``; each attempt must be refused
    (``TypeError`` or ``AttributeError``). Changing what ``to_dict()`` returned must not
    reach the verdict either. ``to_json()`` must be unchanged afterwards. Returns the verdict.
    """
    before = verdict.to_json()
    changed: list[str] = []

    def attempt(what: str, action) -> None:
        try:
            action()
        except (TypeError, AttributeError):
            return
        changed.append(what)

    rules = verdict.rules
    _try_container("verdict.missing", verdict.missing, attempt)
    _try_container("verdict.rules", rules, attempt)
    for index, result in enumerate(rules):
        where = f"verdict.rules[{index}]"
        _try_container(f"{where}.fields", result.fields, attempt)
        _try_container(f"{where}.missing", result.missing, attempt)
        for name in ("id", "outcome", "severity", "message", "fields", "source", "item", "missing"):
            attempt(f"{where}.{name} = ...", lambda result=result, name=name: setattr(result, name, _PROBE))
    for name in ("outcome", "missing", "call", "engine", "lang", "rules"):
        attempt(f"verdict.{name} = ...", lambda name=name: setattr(verdict, name, _PROBE))
    if changed:
        raise AssertionError("a verdict can be changed through its public face: " + "; ".join(changed[:10]))
    copy_of = verdict.to_dict()
    copy_of["missing"].append(_PROBE)
    copy_of["rules"].append({})
    for rule in copy_of["rules"][:-1]:
        rule["fields"][_PROBE] = _PROBE
        rule["outcome"] = _PROBE
    if verdict.to_json() != before:
        raise AssertionError("the verdict's JSON changed after trying to change it, or what to_dict() returned")
    return verdict


def _try_container(where: str, value: Any, attempt) -> None:
    """Try to change ``value`` and every container inside it (see :func:`assert_immutable`)."""
    if isinstance(value, (str, bytes, int, float, Decimal)) or value is None:
        return
    if hasattr(value, "keys"):
        keys = list(value.keys())
        for key, child in [(key, value[key]) for key in keys]:
            _try_container(f"{where}[{key!r}]", child, attempt)
        for key in keys:
            attempt(f"{where}[{key!r}] = ...", lambda key=key: value.__setitem__(key, _PROBE))
        attempt(f"{where}[new key] = ...", lambda: value.__setitem__(_PROBE, _PROBE))
        if keys:
            attempt(f"del {where}[{keys[0]!r}]", lambda: value.__delitem__(keys[0]))
        return
    if hasattr(value, "__getitem__") and hasattr(value, "__len__"):
        items = list(value)
        for index, item in enumerate(items):
            _try_container(f"{where}[{index}]", item, attempt)
        attempt(f"{where}.append(...)", lambda: value.append(_PROBE))
        if items:
            attempt(f"{where}[0] = ...", lambda: value.__setitem__(0, _PROBE))


def _check_outcome(document: Any, **options) -> tuple[str, Any]:
    """``("verdict", its JSON)`` or ``("input error", its paths)``."""
    try:
        verdict = api.check(document, **options)
    except InputError as error:
        return "input error", error.paths
    return "verdict", verdict.to_json()


def assert_yaml_json_agree(document: dict, **check_options) -> tuple[str, Any]:
    """The document, its JSON text and its YAML text (block style, every string quoted,
    numbers as JSON writes them) give the same verdict, or input errors naming the same
    paths: nothing is guessed from YAML that JSON would not say (YAML 1.2's JSON schema).

    ``check_options`` are passed to ``amif_rules.check`` (``call``, ``lang``, ``engine``,
    ``on``, ``ruleset``). Raises ``ValueError`` for a document JSON cannot write (NaN,
    infinities, non-JSON objects). Returns ``("verdict", JSON)`` or ``("input error", paths)``.
    """
    # Read from the module when called: a test puts another writer in its place.
    json_form, yaml_form = _texts.json_text(document), _texts.yaml_text(document)
    expected = _check_outcome(document, **check_options)
    for name, text in (("JSON", json_form), ("YAML", yaml_form)):
        got = _check_outcome(text, **check_options)
        if got != expected:
            raise AssertionError(
                f"the document as {name} text gives {got[0]} {_brief(got[1])}, the mapping "
                f"{expected[0]} {_brief(expected[1])}\n{name} text:\n{text[:2000]}"
            )
    return expected


def _brief(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 1500 else text[:1500] + "…"


def assert_schema_accepts(document: dict, **check_options) -> Verdict | None:
    """If ``amif_rules.check`` accepts the document (a verdict, no ``InputError``), the
    published application schema accepts it too: what the library reads, the schema lets
    through (it may be looser, never stricter), so a portal validating with the schema first
    never refuses a document the library would have judged.

    ``document``: a mapping of JSON values (integers of any length included). Returns the
    verdict, or None when the library refuses the document (then nothing is promised).
    """
    if not isinstance(document, dict) or not json_values(document):
        raise ValueError("assert_schema_accepts takes a mapping of JSON values (no Decimal, NaN or lone surrogates)")
    try:
        verdict = api.check(document, **check_options)
    except InputError:
        return None
    errors = sorted(_schema.validator("application").iter_errors(schema_view(document)), key=lambda e: list(e.absolute_path))
    if errors:
        raise AssertionError(
            "the library accepts the document but application.schema.json refuses it:\n"
            + "\n".join(f"  {'/'.join(map(str, e.absolute_path)) or '(document)'}: {e.message[:200]}" for e in errors)
        )
    return verdict


#: How long one problem's message may be in :func:`assert_bounded_error`.
MAX_PROBLEM_CHARS = 400


def assert_bounded_error(document: Any, max_chars: int = MAX_PROBLEM_CHARS, **check_options) -> InputError | None:
    """If the document is refused, the ``InputError`` quotes a bounded excerpt of what it
    refuses: no problem's message is longer than ``max_chars``, whatever the size of the
    values (a million-digit number, a long text), so an error never amplifies its input
    into a log or a response body. Returns the error, or None when there is a verdict."""
    try:
        api.check(document, **check_options)
    except InputError as error:
        long = [p for p in error.problems if len(p.message) > max_chars]
        if long:
            raise AssertionError(
                f"{len(long)} problem message(s) longer than {max_chars} characters, e.g. at "
                f"{long[0].path or '(document)'}: {len(long[0].message):,} characters: "
                f"{long[0].message[:200]}…"
            ) from None
        limit = len(error.problems) * (max_chars + 8) + sum(len(p.path) for p in error.problems) + 100
        if len(str(error)) > limit:
            raise AssertionError(
                f"the error's text is {len(str(error)):,} characters for {len(error.problems)} problem(s): {str(error)[:200]}…"
            ) from None
        return error
    return None
