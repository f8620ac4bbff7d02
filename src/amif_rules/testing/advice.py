"""What a verdict's questions and remedies promise (contract §5), as checks, and answers to
questions as a Hypothesis strategy.

A portal that shows ``questions`` and ``remedies`` to an applicant relies on them: asking
every question must lead to a decision, a question marked decisive must have an answer that
refuses (so it is asked first), a remedy must work when followed, and must only ask the
applicant to change what the applicant controls. These are properties of the library, and a
portal's suite holds them on its own documents with the functions below; the library's own
suite holds them on generated applications of every bundled ruleset, on both engines
(``tests/kit/test_advice_properties.py``).

- :func:`answers` draws a valid answer to one question, from its schema (and the document,
  so that no answer is one the reader refuses: a birth date after the submission);
  :func:`every_answer` one answer to every question of a verdict;
- :func:`assert_answers_decide`: the document with every question answered is eligible or
  ineligible, never incomplete;
- :func:`assert_decisive_questions`: a question marked decisive has an answer that, alone,
  makes the verdict ineligible (found by the shared search, written into the document as the
  testing kit writes every value, derived ones included, and proven with ``check``), and a
  question not marked decisive has no such answer among the same candidates;
- :func:`assert_remedies_pass`: every option of every remedy, applied, makes its rule pass
  on the same item;
- :func:`assert_remedies_controlled`: no option changes an input the ruleset says the
  applicant does not control (``inputs:``, ``applicant_controls``);
- :func:`assert_advice_engines_agree`: every available engine gives the same questions and
  remedies.

Each check takes the document and the options of ``amif_rules.check`` (``call``, ``lang``,
``engine``, ``on``, ``ruleset``) and computes the verdict with ``include=("questions",
"remedies")`` itself, unless it is given one (``verdict=``: a :class:`~amif_rules.Verdict` or
its ``to_dict()``, to check advice from elsewhere: a stored verdict, another service).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
from collections.abc import Callable, Mapping
from typing import Any

from hypothesis import control, find, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .. import api, expr
from ..advice.context import Context, fields_of_key, rule_keys, split
from ..dates import BRUSSELS, brussels_text
from ..docpaths import get, parts, put
from ..errors import AmifRulesError, InputError
from ..ruleset import Ruleset, input_path
from ..search import Key, smallest_changes
from ..verdict import RuleResult, Verdict
from ._search import Searcher
from ._target import Judgement, Result, Target
from .checks import available_engines
from .parts import brussels_day, dates, field_values, instants, money, nationalities, nis_codes
from .strategies import prepare

__all__ = [
    "answered",
    "answers",
    "assert_advice_engines_agree",
    "assert_answers_decide",
    "assert_decisive_questions",
    "assert_remedies_controlled",
    "assert_remedies_pass",
    "every_answer",
]

#: What the checks ask a verdict to include.
INCLUDE = ("questions", "remedies")


# -- answers ---------------------------------------------------------------------------------------


def answers(
    question: Mapping[str, Any],
    document: Mapping[str, Any] | None = None,
    *,
    call: str | None = None,
    ruleset: Ruleset | None = None,
) -> st.SearchStrategy[Any]:
    """Valid answers to one question of a verdict (an entry of ``verdict.questions``, or of
    ``to_dict()["questions"]``), drawn from its ``schema`` as a portal's form would accept
    them: a choice of its ``enum``, a boolean, an integer within its bounds, an amount as
    ``"1234.56"`` text, a list of its allowed items; for the texts whose meaning a schema
    cannot say, the kit's own parts: a date, an instant with an offset, in UTC or in Brussels
    local time, ISO country codes (or ``["stateless"]``), a NIS code of the register, a
    language code.

    ``document`` (the application asked about) keeps the answers to what the reader accepts
    in it: a birth date is not after its submission, a submission not before a birth date
    and within the validity of the call (``call``, default the document's, or ``ruleset``).
    """
    path = question["path"]
    schema = question.get("schema") or {}
    scope, _, field = split(path)
    name = field.rsplit(".", 1)[-1]
    if path == "submitted_at":
        return _submissions(document, call, ruleset)
    if name == "birth_date":
        day = _submission_day(document)
        if day is None:  # no submission yet: born before any the call may get
            spec = _spec(document, call, ruleset)
            day = spec.window[0].date() if spec is not None else dt.date(2013, 1, 1)
        return dates(dt.date(1940, 1, 1), day)
    if name == "nis_code":
        spec = _spec(document, call, ruleset)
        return st.sampled_from(nis_codes(spec.register_date) if spec is not None else nis_codes())
    if "enum" in schema:
        return st.sampled_from(list(schema["enum"]))
    kind = schema.get("type")
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        bounded = st.integers(schema.get("minimum", 0), schema.get("maximum", 10**6))
        return st.one_of(field_values(scope, field), bounded) if name == "population" else bounded
    if _is_amount(schema):
        return money()
    if kind == "array":
        items = schema.get("items", {})
        if scope is None and field in ("partners", "participants"):
            return _elements(field, _spec(document, call, ruleset), document)
        if "enum" in items:
            return st.lists(st.sampled_from(list(items["enum"])), max_size=min(4, schema.get("maxItems", 4)), unique=True)
        if name == "nationalities":
            return nationalities()
    return field_values(scope, field)


def _elements(name: str, spec: Any, document: Mapping[str, Any] | None) -> st.SearchStrategy[list]:
    """An answer to a list question: elements that give every field of theirs the call's
    rules read (a portal's form for a partner asks what the call needs to know of it), so
    the answer opens no question of its own. Nobody is born after the submission."""
    reads = sorted(path for scope, path in spec.reads if scope == name) if spec is not None else []
    day = _submission_day(document) or (spec.window[0].date() if spec is not None else dt.date(2013, 1, 1))
    extra = [
        (parts(path), dates(dt.date(1940, 1, 1), day) if path == "birth_date" else field_values(name, path)) for path in reads
    ]

    @st.composite
    def build(draw) -> list:
        elements = draw(field_values(None, name))
        for element in elements:
            if "birth_date" in element and dt.date.fromisoformat(element["birth_date"]) > day:
                element["birth_date"] = draw(dates(dt.date(1940, 1, 1), day))
            for where, values in extra:
                if get(element, where) is None:
                    put(element, where, draw(values))
        return elements

    return build()


def _is_amount(schema: Mapping[str, Any]) -> bool:
    """The schema of an amount: a ``"1234.56"`` text or a number (``anyOf``)."""
    options = schema.get("anyOf") or []
    return any(o.get("type") == "string" and "pattern" in o for o in options) and any(o.get("type") == "number" for o in options)


def _code(document: Mapping[str, Any] | None, call: str | None) -> str | None:
    if call is not None:
        return call
    found = document.get("call") if isinstance(document, Mapping) else None
    return found if isinstance(found, str) else None


def _spec(document: Mapping[str, Any] | None, call: str | None, ruleset: Ruleset | None):
    code = _code(document, call)
    if code is None and ruleset is None:
        return None
    return prepare(code, ruleset)


def _submission_day(document: Mapping[str, Any] | None) -> dt.date | None:
    text = document.get("submitted_at") if isinstance(document, Mapping) else None
    if not isinstance(text, str):
        return None
    try:
        return brussels_day(text)
    except ValueError:
        return None


def _latest_birth(document: Mapping[str, Any] | None) -> dt.date | None:
    people = document.get("participants") if isinstance(document, Mapping) else None
    born = []
    for person in people if isinstance(people, list) else ():
        text = person.get("birth_date") if isinstance(person, dict) else None
        if isinstance(text, str):
            try:
                born.append(dt.date.fromisoformat(text.strip()))
            except ValueError:
                continue
    return max(born, default=None)


def _submissions(document: Mapping[str, Any] | None, call: str | None, ruleset: Ruleset | None) -> st.SearchStrategy[str]:
    spec = _spec(document, call, ruleset)
    low, high = (
        spec.window
        if spec is not None
        else (dt.datetime(2015, 1, 1, 8, tzinfo=BRUSSELS), dt.datetime(2021, 12, 31, 20, tzinfo=BRUSSELS))
    )
    born = _latest_birth(document)
    if born is not None:
        after = dt.datetime(born.year, born.month, born.day, tzinfo=BRUSSELS) + dt.timedelta(days=1)
        low, high = max(low, after), max(high, after + dt.timedelta(days=1))
    return instants(low, high)


def every_answer(
    verdict: Verdict | Mapping[str, Any],
    document: Mapping[str, Any] | None = None,
    *,
    call: str | None = None,
    ruleset: Ruleset | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """One valid answer (:func:`answers`) to every question of ``verdict``: a mapping
    path → answer. The submission is answered first, and the other answers are drawn for the
    document with it (a birth date is not after the submission answered)."""
    asked = _questions(verdict)

    @st.composite
    def build(draw) -> dict[str, Any]:
        given: dict[str, Any] = {}
        current = dict(document) if isinstance(document, Mapping) else {}
        for question in sorted(asked, key=lambda q: q["path"] != "submitted_at"):
            value = draw(answers(question, current, call=call, ruleset=ruleset))
            given[question["path"]] = value
            if question["path"] == "submitted_at":
                current = {**current, "submitted_at": value}
        return given

    return build()


def answered(document: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` with each path of ``given`` (a document path, as questions and
    remedies write it) set to its value."""
    changed = copy.deepcopy(dict(document))
    for path, value in given.items():
        put(changed, parts(path), copy.deepcopy(value))
    return changed


# -- what the checks share -------------------------------------------------------------------------


def _shown(document: Any) -> str:
    """The document as the failure messages show it: JSON, to paste into a test."""
    try:
        text = json.dumps(document, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(document)
    return text if len(text) <= 4000 else text[:4000] + "…"


def _data(verdict: Verdict | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(verdict, Verdict):
        return verdict.to_dict()
    if isinstance(verdict, Mapping):
        return dict(verdict)
    raise TypeError(f"a verdict is a Verdict or its to_dict(), got {type(verdict).__name__}")


def _questions(verdict: Verdict | Mapping[str, Any]) -> list[dict[str, Any]]:
    data = _data(verdict)
    if data.get("questions") is None:
        raise ValueError('the verdict has no questions: check it with include=("questions", ...)')
    return [dict(question) for question in data["questions"]]


def _remedies(verdict: Verdict | Mapping[str, Any]) -> list[dict[str, Any]]:
    data = _data(verdict)
    if data.get("remedies") is None:
        raise ValueError('the verdict has no remedies: check it with include=("remedies", ...)')
    return [dict(remedy) for remedy in data["remedies"]]


def _advised(document: Any, verdict: Verdict | Mapping[str, Any] | None, options: dict[str, Any]) -> Verdict | Mapping[str, Any]:
    return verdict if verdict is not None else api.check(document, include=INCLUDE, **options)


def _options(call, lang, engine, on, ruleset) -> dict[str, Any]:
    return {"call": call, "lang": lang, "engine": engine, "on": on, "ruleset": ruleset}


# -- 1. answering every question decides -----------------------------------------------------------


def assert_answers_decide(
    document: dict[str, Any],
    given: Mapping[str, Any],
    *,
    verdict: Verdict | Mapping[str, Any] | None = None,
    call: str | None = None,
    lang: str = "nl",
    engine: str = "auto",
    on: dt.date | None = None,
    ruleset: Ruleset | None = None,
) -> Verdict:
    """Answering every question of an incomplete verdict decides it: ``document`` with each
    question's path set to its answer in ``given`` (path → answer, as :func:`every_answer`
    draws) gets a verdict that is eligible or ineligible, never incomplete. Questions are
    what a portal asks before it can tell the applicant anything; a verdict still incomplete
    after all of them were answered means a question was not asked.

    ``given`` must answer every question (``ValueError`` otherwise); an answer the reader
    refuses fails the check too (the question's schema promised it). Returns the verdict of
    the answered document.
    """
    options = _options(call, lang, engine, on, ruleset)
    asked = _questions(_advised(document, verdict, options))
    paths = [question["path"] for question in asked]
    unanswered = [path for path in paths if path not in given]
    if unanswered:
        raise ValueError(f"no answer for {', '.join(unanswered)}: answer every question (testing.every_answer)")
    changed = answered(document, {path: given[path] for path in paths})
    try:
        after = api.check(changed, **options)
    except InputError as error:
        raise AssertionError(
            f"answering the questions {paths} with {_shown({p: given[p] for p in paths})} gives a document the reader "
            f"refuses: {error}\ndocument: {_shown(document)}"
        ) from None
    if after.outcome == "incomplete":
        raise AssertionError(
            f"every question was answered, yet the verdict is still incomplete: missing {list(after.missing)} "
            f"(questions asked: {paths}; answers: {_shown({p: given[p] for p in paths})}; engine {after.engine})\n"
            f"document: {_shown(document)}"
        )
    return after


# -- 2. a decisive question has a refusing answer --------------------------------------------------


def assert_decisive_questions(
    document: dict[str, Any],
    *,
    verdict: Verdict | Mapping[str, Any] | None = None,
    draw: Callable[[st.SearchStrategy], Any] | None = None,
    call: str | None = None,
    lang: str = "nl",
    engine: str = "auto",
    on: dt.date | None = None,
    ruleset: Ruleset | None = None,
) -> dict[str, Any]:
    """A question marked ``decisive`` has an answer that refuses: some value for its path
    alone, everything else as the document gives it, makes the verdict ineligible. A question
    not marked decisive has no such answer among the same candidates. Portals ask decisive
    questions first, because one answer can end the application there.

    The answers tried are the shared search's (``amif_rules.search.smallest_changes`` with
    the waiting error rules' fact keys read from the path set free, wanting ``fail``), each
    written into the document as the kit writes every value (a derived one too: an age as a
    birth date, ``union_citizen`` as nationalities) and proven with ``amif_rules.check``.
    ``draw`` draws the parts a derived value needs (nationalities): pass ``data.draw`` of
    ``st.data()`` inside a ``@given`` test; outside one the simplest example is taken.

    Returns the refusing answer found for each decisive question, by path.
    """
    options = _options(call, lang, engine, on, ruleset)
    plain = api.check(document, **options)
    asked = _questions(_advised(document, verdict, options))
    searcher_draw = draw if draw is not None else _simplest_draw()
    place = _Place(document, plain, options, searcher_draw)
    found: dict[str, Any] = {}
    for question in asked:
        path = question["path"]
        refusing = place.refusing(path)
        if question.get("decisive") and refusing is None:
            tried = place.tried.get(path, [])
            raise AssertionError(
                f"question {path} is marked decisive, but no answer to it alone makes the verdict ineligible "
                f"(rules waiting for it: {question.get('rules')}; answers tried: {_shown(tried)}; engine {plain.engine})\n"
                f"document: {_shown(document)}"
            )
        if not question.get("decisive") and refusing is not None:
            answer, failing = refusing
            raise AssertionError(
                f"question {path} is not marked decisive, but the answer {_shown(answer)} alone makes the verdict "
                f"ineligible (rule {failing} fails; engine {plain.engine})\ndocument: {_shown(document)}"
            )
        if refusing is not None:
            found[path] = refusing[0]
    return found


def _simplest_draw() -> Callable[[st.SearchStrategy], Any]:
    if control.currently_in_test_context():

        def refuse(strategy: st.SearchStrategy) -> Any:
            raise InvalidArgument("inside a @given test, pass draw=data.draw (st.data()) to assert_decisive_questions")

        return refuse

    def simplest(strategy: st.SearchStrategy) -> Any:
        return find(strategy, lambda _: True, settings=settings(database=None, max_examples=10))

    return simplest


class _Place:
    """One checked document, as the search for refusing answers needs it: the context the
    advice itself reads (the ruleset picked, its plan, the facts and their encoding), and a
    judgement the kit's writer (:class:`~._search.Searcher`) reads dates from."""

    def __init__(self, document: dict[str, Any], verdict: Verdict, options: dict[str, Any], draw: Callable):
        self.document = document
        self.verdict = verdict
        self.options = options
        flat = api.read_flat(copy.deepcopy(document))
        prepared, facts = api.prepare_flat(flat, call=options["call"], on=options["on"], ruleset=options["ruleset"])
        encoded = prepared.plan.encode(facts)
        self.context = Context(prepared.ruleset, prepared.plan, facts, encoded, verdict, options["lang"])
        code = options["call"] if options["call"] is not None else document.get("call")
        self.judgement = Judgement(Target(prepared.ruleset, prepared.plan, code), (), facts, encoded)
        self.searcher = Searcher(draw, random.Random(0), code, options["ruleset"])
        self.tried: dict[str, list[Any]] = {}

    def waiting(self, path: str) -> list[RuleResult]:
        """The error results the verdict leaves unknown for want of ``path``."""
        return [r for r in self.verdict.rules if r.outcome == "unknown" and r.severity == "error" and path in r.missing]

    def refusing(self, path: str) -> tuple[Any, str] | None:
        """An answer to ``path`` alone that makes the verdict ineligible, with the rule that
        fails; None when the search's candidates hold none."""
        where = parts(path)
        for result in self.waiting(path):
            located = self.context.located(result)
            keys = {
                key.key: key
                for key in rule_keys(self.context.model, located.index)
                if path in fields_of_key(key, located.item, self.context.facts.root)
            }
            if not keys:
                continue
            changes = smallest_changes(
                self.context.model, located.index, located.fact, list(keys), lambda outcome: outcome == "fail", pairs=False
            )
            rule = self.context.ruleset.rules[located.index]
            oracle = Result(located.index, rule.id, rule.severity, rule.for_each, located.item, "unknown")
            for change in changes:
                for name, value in change.items():
                    answer = self._written(path, where, keys[name], value, oracle)
                    if answer is _NOT_AN_ANSWER:
                        continue
                    self.tried.setdefault(path, []).append(answer)
                    failing = self._refuses(where, answer)
                    if failing is not None:
                        return answer, failing
        return None

    def _written(self, path: str, parts: tuple, key: Key, value: Any, oracle: Result) -> Any:
        """The answer to ``path`` that gives fact key ``key`` the encoded ``value``, written
        by the kit's writer (:meth:`~._search.Searcher.set_key`), or ``_NOT_AN_ANSWER`` when
        writing it changes another field too.

        The writer sets a derived key through its first argument (an age as a birth date,
        ``union_citizen`` as nationalities). Asked of the submission, a derived key's other
        argument (``reference_date``), the answer is a day on which the key, evaluated as
        the ruleset's expressions are (``expr.evaluate``), takes ``value``: the first of
        :data:`_PROBE_DAYS` that does (a value an age or an EU membership keeps for at least
        half a year is met by one of them).
        """
        mutations = self.searcher.set_key(self.judgement, oracle, key, value)
        if mutations and all(where == parts for where, _ in mutations):
            return mutations[-1][1]
        if path != "submitted_at" or key.call is None or not isinstance(value, (bool, int)):
            return _NOT_AN_ANSWER
        if not any(p.scope is None and p.path == "reference_date" for p in expr.paths(key.call)):
            return _NOT_AN_ANSWER
        element = self.context.element(oracle.scope, oracle.item)
        root = self.context.facts.root
        for day in _PROBE_DAYS:

            def lookup(scope: str | None, name: str, day: dt.date = day) -> Any:
                if scope is None and name == "reference_date":
                    return day
                return element.get(name) if scope is not None else root.get(name)

            got = expr.evaluate(key.call, lookup)
            if type(got) is type(value) and got == value:
                return brussels_text(dt.datetime(day.year, day.month, day.day, 12, tzinfo=BRUSSELS))
        return _NOT_AN_ANSWER

    def _refuses(self, parts: tuple, answer: Any) -> str | None:
        changed = copy.deepcopy(self.document)
        put(changed, parts, answer)
        try:
            after = api.check(changed, **self.options)
        except AmifRulesError:
            return None
        if after.outcome != "ineligible":
            return None
        return next(
            f"{r.id}{' on ' + r.item if r.item else ''}" for r in after.rules if r.outcome == "fail" and r.severity == "error"
        )


#: What :meth:`_Place._written` returns for a value it cannot write as an answer alone.
_NOT_AN_ANSWER: Any = object()
#: The submission days tried for a value derived from the reference date: 1 January and
#: 1 July of every year the bundled calls and the people in them may meet.
_PROBE_DAYS = tuple(dt.date(year, month, 1) for year in range(1950, 2036) for month in (1, 7))


# -- 3. and 4. remedies ----------------------------------------------------------------------------


def assert_remedies_pass(
    document: dict[str, Any],
    *,
    verdict: Verdict | Mapping[str, Any] | None = None,
    call: str | None = None,
    lang: str = "nl",
    engine: str = "auto",
    on: dt.date | None = None,
    ruleset: Ruleset | None = None,
) -> Verdict | Mapping[str, Any]:
    """Following any option of any remedy makes its rule pass: ``document`` with the
    option's changes applied (every other input as it is) gets a verdict in which the same
    rule passes on the same item. An applicant who does what a remedy says must not be
    refused for that rule again. Returns the verdict whose remedies were checked."""
    options = _options(call, lang, engine, on, ruleset)
    advised = _advised(document, verdict, options)
    for remedy in _remedies(advised):
        rule, item = remedy["rule"], remedy.get("item")
        where = f"rule {rule}" + (f" on {item}" if item else "")
        for option in remedy["options"]:
            changed = answered(document, {step["path"]: step["value"] for step in option})
            try:
                after = api.check(changed, **options)
            except InputError as error:
                raise AssertionError(
                    f"the remedy option {_shown(option)} for {where} gives a document the reader refuses: {error}\n"
                    f"document: {_shown(document)}"
                ) from None
            outcome = next((r.outcome for r in after.rules if r.id == rule and r.item == item), None)
            if outcome != "pass":
                raise AssertionError(
                    f"the remedy option {_shown(option)} for {where} does not make it pass: it is "
                    f"{outcome or 'absent'} after the change (engine {after.engine})\ndocument: {_shown(document)}"
                )
    return advised


def assert_remedies_controlled(
    document: dict[str, Any],
    *,
    verdict: Verdict | Mapping[str, Any] | None = None,
    call: str | None = None,
    lang: str = "nl",
    engine: str = "auto",
    on: dt.date | None = None,
    ruleset: Ruleset | None = None,
) -> Verdict | Mapping[str, Any]:
    """No remedy option changes an input the applicant does not control: every path an
    option writes is declared in the ruleset's ``inputs:`` with ``applicant_controls: true``
    (the ruleset the document is judged by: ``ruleset``, or the call's version in force).
    A remedy that tells an applicant to change a participant's nationality, or the
    population of a municipality, is advice to lie. Returns the verdict whose remedies were
    checked."""
    options = _options(call, lang, engine, on, ruleset)
    advised = _advised(document, verdict, options)
    flat = api.read_flat(copy.deepcopy(document))
    prepared, _ = api.prepare_flat(flat, call=call, on=on, ruleset=ruleset)
    declared = prepared.ruleset.inputs
    for remedy in _remedies(advised):
        for option in remedy["options"]:
            for step in option:
                described = declared.get(input_path(step["path"]))
                if described is None or not described.applicant_controls:
                    said = "does not declare it" if described is None else "says the applicant does not control it"
                    raise AssertionError(
                        f"the remedy for rule {remedy['rule']}{' on ' + remedy['item'] if remedy.get('item') else ''} "
                        f"changes {step['path']} to {_shown(step['value'])}, but ruleset {prepared.ruleset.id} {said} "
                        f"(inputs: {input_path(step['path'])})\ndocument: {_shown(document)}"
                    )
    return advised


# -- 5. the engines agree --------------------------------------------------------------------------


def assert_advice_engines_agree(
    document: dict[str, Any],
    *,
    call: str | None = None,
    lang: str = "nl",
    on: dt.date | None = None,
    ruleset: Ruleset | None = None,
) -> Verdict:
    """Every available engine gives the same verdict with its questions and remedies, but
    for ``engine``: what a portal asks and proposes must not depend on the engine that
    evaluated the rules. Returns the built-in engine's verdict."""
    reference = api.check(document, call=call, lang=lang, engine="python", on=on, ruleset=ruleset, include=INCLUDE)
    expected = _without_engine(reference)
    for engine in available_engines()[1:]:
        other = api.check(document, call=call, lang=lang, engine=engine, on=on, ruleset=ruleset, include=INCLUDE)
        got = _without_engine(other)
        for key in ("questions", "remedies", "rules", "outcome", "missing"):
            if got.get(key) != expected.get(key):
                raise AssertionError(
                    f"the {engine} engine gives other {key} than the built-in one:\n  python: {_shown(expected.get(key))}\n"
                    f"  {engine}: {_shown(got.get(key))}\ndocument: {_shown(document)}"
                )
        if got != expected:
            raise AssertionError(f"the {engine} engine's verdict differs from the built-in one's\ndocument: {_shown(document)}")
    return reference


def _without_engine(verdict: Verdict) -> dict[str, Any]:
    data = verdict.to_dict()
    data.pop("engine", None)
    return data
