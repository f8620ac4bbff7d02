"""Steering a document toward a goal: the local search behind ``applications(eligible=...)``.

A goal says, for every rule result, what it should be (pass or not applicable, decided,
fail...). Each step takes one result that is not what the goal wants, finds in the rule's
compiled condition the atoms that stand in the way (with the built-in engine's three-valued
evaluation of the compiled form, used here only to *locate* atoms), and changes one field
those atoms read, to a value that makes the atom come out as wanted. Numeric atoms
(:class:`~amif_rules.ir.Linear`) are solved exactly, most often at or next to their
boundary. Derived keys are inverted where that is simple (``age_on``: a birth date;
``len``: a list of that length; ``local_date``: an instant; ``union_citizen``/``has_any``/``has_all``:
nationalities or lists); otherwise their arguments are redrawn. Every candidate is judged
by the typed oracle (:func:`~amif_rules.testing._target.judge`), never by an engine.

The keys, their plausible values and the integers around a threshold are the shared
search's (:mod:`amif_rules.search`, :mod:`amif_rules.domains`); fresh list elements and
nationalities are drawn from :mod:`.parts`.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import attrs

from .. import expr, limits, schema, units
from ..dates import BRUSSELS, brussels_text, local_date, years_before
from ..docpaths import get, put
from ..engines.python import evaluate_condition
from ..ir import And, CompareConst, CompareKeys, Const, IsTrue, Linear, Member, Not, Or
from ..reference import EU_MEMBERSHIP, LANGUAGE_CODES, is_eu_member
from ..schema import BOOL, DATE, ENUM, INSTANT, INT, MONEY, TEXT, FieldType
from ..search import Key, around, decide, document_value, threshold
from ..units import MICROS_PER_DAY, MICROS_PER_SECOND, day_number, instant, micros
from ._target import Judgement, Result, judge
from .parts import nationalities, nis_codes, participants, partners

Parts = tuple  # a path into a document: ("partners", 0, "municipality", "population")


# -- goals ----------------------------------------------------------------------------------------


@attrs.frozen
class Goal:
    """What the search wants of every rule result.

    Every error rule passes or does not apply, and no rule is unknown, except that ``fail``
    (a rule id) must fail on at least one fact (its other facts do not matter), and
    ``applies`` must moreover pass on at least one (so that it really was evaluated; its
    other facts pass or do not apply like any rule's, or a boundary case would start from
    a document that another element of the same rule already makes ineligible).
    ``free``: rule ids whose outcome does not matter.
    """

    fail: str | None = None
    applies: str | None = None
    free: frozenset = frozenset()

    def wants(self, judgement: Judgement) -> list[tuple[Result, str]]:
        wanted: list[tuple[Result, str]] = []
        for result in judgement.results:
            if result.id == self.fail or result.id in self.free:
                continue
            if result.severity == "error" and result.outcome in ("fail", "unknown"):
                wanted.append((result, "ok"))
            elif result.outcome == "unknown":
                wanted.append((result, "decided"))
        for rule_id, outcome in ((self.fail, "fail"), (self.applies, "pass")):
            if rule_id is None:
                continue
            own = [r for r in judgement.results if r.id == rule_id]
            if not any(r.outcome == outcome for r in own):
                wanted.extend((r, outcome) for r in own)
        return wanted


# -- mutations ------------------------------------------------------------------------------------


def apply(document: dict, mutations: list[tuple[Parts, Any]]) -> dict:
    result = copy.deepcopy(document)
    for parts, value in mutations:
        if parts and parts[-1] == "<append>":
            items = get(result, parts[:-1])
            if not isinstance(items, list):
                put(result, parts[:-1], [value])
            else:
                items.append(value)
        else:
            put(result, parts, value)
    return result


def parts_of(scope: str | None, path: str, item: int | None) -> Parts:
    if path == "reference_date" and scope is None:
        return ("submitted_at",)
    head: tuple = () if scope is None else (scope, item)
    return head + tuple(path.split("."))


# -- values in engine units ---------------------------------------------------------------------


def spread(info: Key) -> int:
    """How far from a boundary a "far" value may go, in encoded units."""
    kind = info.type.kind
    if info.call is not None:
        return {"age_on": 40, "len": 4}.get(info.call.name, 3650)
    return {MONEY: 10**9, INSTANT: 400 * MICROS_PER_DAY, DATE: 3650}.get(kind, 10**6 if info.path.endswith("population") else 60)


def solve(
    coefficient: int, rest: int, op: str, want: bool, bounds: tuple[int, int], rnd, far: int, near_only: bool = False
) -> int | None:
    """An integer ``x`` within ``bounds`` with ``decide(coefficient * x + rest, op) == want``,
    at or next to the boundary ``-rest / coefficient`` most of the time."""
    exact = threshold(coefficient, rest)
    low, high = bounds
    _, floor, ceil, _ = around(exact)
    near = [x for x in sorted(set(around(exact))) if low <= x <= high and decide(coefficient * x + rest, op) == want]
    if near_only:
        return rnd.choice(near) if near else None
    distant = []
    for _ in range(4):
        step = max(1, int(10 ** rnd.uniform(0, math.log10(max(far, 2)))))
        for x in (floor - step, ceil + step):
            if low <= x <= high and decide(coefficient * x + rest, op) == want:
                distant.append(x)
    if near and (not distant or rnd.random() < 0.6):
        return rnd.choice(near)
    if distant:
        return rnd.choice(distant)
    return None


# -- the search -----------------------------------------------------------------------------------


class Searcher:
    """Moves documents toward a :class:`Goal` (see the module docstring).

    ``draw`` draws from Hypothesis strategies (fresh list elements, nationalities...);
    ``rnd`` makes the search's own choices; ``frozen`` lists input paths (tuples of parts)
    the search must not change.
    """

    def __init__(
        self, draw: Callable, rnd, call: str | None, ruleset=None, frozen: frozenset = frozenset(), fresh: dict | None = None
    ):
        self.draw = draw
        self.rnd = rnd
        self.call = call
        self.ruleset = ruleset
        self.frozen = frozen
        self.fresh = fresh or {}

    def judge(self, document: dict) -> Judgement | None:
        return judge(document, self.call, self.ruleset)

    def run(self, document: dict, goal: Goal, steps: int = 80) -> tuple[dict, Judgement] | None:
        judgement = self.judge(document)
        if judgement is None:
            return None
        wanted = goal.wants(judgement)
        for _ in range(steps):
            if not wanted:
                return document, judgement
            result, want = self.rnd.choice(wanted)
            mutations = self.propose(judgement, result, want, document)
            if not mutations:
                continue
            candidate = apply(document, mutations)
            verdict = self.judge(candidate)
            if verdict is None:
                continue
            candidate_wanted = goal.wants(verdict)
            if len(candidate_wanted) <= len(wanted) or self.rnd.random() < 0.15:
                document, judgement, wanted = candidate, verdict, candidate_wanted
        return (document, judgement) if not wanted else None

    # what to change -----------------------------------------------------------------------------
    def propose(self, judgement: Judgement, result: Result, want: str, document: dict) -> list | None:
        target = judgement.target
        rule = target.compiled[result.rule]
        if result.scope is not None and result.item is None:
            if want in ("fail", "pass") and (result.scope,) not in self.frozen:
                return [((result.scope, "<append>"), self.fresh_element(result.scope))]
            return None
        fact = judgement.fact(result)
        applicable = evaluate_condition(rule.when, fact)
        holds = evaluate_condition(rule.check, fact)
        rnd = self.rnd
        if want == "pass" or want == "fail":
            if applicable is not True:
                needs = self.needs(rule.when, True, fact)
            else:
                needs = self.needs(rule.check, want == "pass", fact)
        elif want == "ok":
            if applicable is True:
                needs = self.needs(rule.check, True, fact)
                if rnd.random() < 0.25:
                    needs = self.needs(rule.when, False, fact) or needs
            else:
                needs = self.needs(rule.when, rnd.random() < 0.5, fact)
        else:  # decided
            if applicable is None:
                needs = self.needs(rule.when, rnd.random() < 0.5, fact)
            elif holds is None:
                needs = self.needs(rule.check, rnd.random() < 0.5, fact)
            else:
                return None
        if not needs:
            return None
        atom, truth = rnd.choice(needs)
        return self.atom(judgement, result, atom, truth, fact)

    def needs(self, condition, want: bool, fact: dict) -> list[tuple[Any, bool]]:
        """The atoms of ``condition`` whose truth stands between it and ``want``."""
        truth = evaluate_condition(condition, fact)
        if truth is want:
            return []
        kind = type(condition)
        if kind in (And, Or):
            found = []
            for operand in condition.operands:
                found.extend(self.needs(operand, want, fact))
            return found
        if kind is Not:
            return self.needs(condition.operand, not want, fact)
        if kind is Const:
            return []
        return [(condition, want)]

    def atom(self, judgement: Judgement, result: Result, atom, want: bool, fact: dict) -> list | None:
        rnd = self.rnd
        keys = judgement.target.keys
        if isinstance(atom, CompareConst):
            info = keys[atom.key]
            equal = (atom.op == "==") == want
            value = atom.value if equal else self.other(info, atom.value)
            return self.set_key(judgement, result, info, value)
        if isinstance(atom, Member):
            info = keys[atom.key]
            inside = want != atom.negated
            value = rnd.choice(atom.values) if inside else self.other(info, None, exclude=atom.values)
            return self.set_key(judgement, result, info, value)
        if isinstance(atom, IsTrue):
            known = keys.get(atom.key)
            if known is None:  # a dated parameter without a date: give the document a date
                return self.set_key(judgement, result, _INSTANT, self.random_value(_INSTANT))
            return self.set_key(judgement, result, known, want)
        if isinstance(atom, CompareKeys):
            left = keys[atom.left]
            equal = (atom.op == "==") == want
            other = fact.get(atom.right)
            value = other if equal and other is not None else self.other(left, other)
            return self.set_key(judgement, result, left, value)
        if isinstance(atom, Linear):
            return self.linear(judgement, result, atom, want, fact)
        return None

    def linear(
        self,
        judgement: Judgement,
        result: Result,
        atom: Linear,
        want: bool,
        fact: dict,
        near_only: bool = False,
        key: str | None = None,
    ) -> list | None:
        rnd = self.rnd
        keys = judgement.target.keys
        settable = [(c, k) for c, k in atom.terms if self.settable(keys[k], result)]
        if key is not None:
            settable = [(c, k) for c, k in settable if k == key]
        if not settable:
            return None
        missing = [(c, k) for c, k in settable if fact.get(k) is None]
        coefficient, chosen = rnd.choice(missing or settable)
        mutations: list = []
        rest = atom.constant
        for c, k in atom.terms:
            if k == chosen:
                continue
            value = fact.get(k)
            if value is None:
                info = keys[k]
                if not self.settable(info, result):
                    return None
                value = self.random_encoded(info)
                if value is None:
                    return None
                more = self.set_key(judgement, result, info, value)
                if more is None:
                    return None
                mutations.extend(more)
            rest += c * int(value)
        info = keys[chosen]
        bounds = info.plausible
        if bounds is None:
            return None
        value = solve(coefficient, rest, atom.op, want, bounds, rnd, spread(info), near_only)
        if value is None:
            return None
        more = self.set_key(judgement, result, info, value)
        return None if more is None else mutations + more

    def settable(self, info: Key, result: Result) -> bool:
        """Whether the fields that setting ``info`` writes are free to change.

        A derived key is set through its first argument alone (:meth:`invert`: a birth date
        for an age, a list for its length), so only that argument must be free: an age stays
        settable while ``submitted_at`` is frozen, which a boundary case on another
        element's age needs.
        """
        for scope, path in self.written(info):
            parts = parts_of(scope, path, result.item if scope is not None else None)
            if any(parts[:n] in self.frozen for n in range(1, len(parts) + 1)):
                return False
        return True

    @staticmethod
    def inputs(info: Key) -> list[tuple[str | None, str]]:
        """Every field the key is read from (all arguments of a derived key)."""
        if info.call is None:
            return [(info.scope, info.path)]
        return [(p.scope, p.path) for p in expr.paths(info.call)]

    @staticmethod
    def written(info: Key) -> list[tuple[str | None, str]]:
        """The fields :meth:`set_key` changes for the key: the first argument of a derived
        key (a missing date argument is only given when it is not frozen, see :meth:`_day`)."""
        if info.call is None:
            return [(info.scope, info.path)]
        first = info.call.args[0] if info.call.args else None
        if isinstance(first, expr.Path):
            return [(None, first.gather)] if first.gather else [(first.scope, first.path)]
        return Searcher.inputs(info)

    # values -------------------------------------------------------------------------------------
    def other(self, info: Key, value: Any, exclude: tuple = ()) -> Any:
        """A value of ``info``'s type other than ``value`` and those in ``exclude``."""
        rnd = self.rnd
        kind = info.type.kind
        if kind == BOOL:
            return not value if isinstance(value, bool) else rnd.random() < 0.5
        if kind == ENUM:
            choices = [c for c in info.type.choices if c != value and c not in exclude]
            return rnd.choice(choices) if choices else None
        if info.path.endswith("nis_code"):
            for _ in range(20):
                code = rnd.choice(nis_codes())
                if code != value and code not in exclude:
                    return code
            return None
        if info.path == "first_language":
            choices = sorted(c for c in LANGUAGE_CODES if c != value and c not in exclude)
            return rnd.choice(choices)
        base = value if isinstance(value, str) else "x"
        candidate = f"{base}-{rnd.randint(0, 999)}"
        return candidate if candidate not in exclude else candidate + "z"

    def random_encoded(self, info: Key) -> int | None:
        rnd = self.rnd
        kind = info.type.kind
        if info.call is not None:
            if info.call.name == "age_on":
                return rnd.randint(0, 90)
            if info.call.name == "len":
                low, high = info.plausible or (0, 0)  # a length is always numeric
                return rnd.randint(low, min(high, 4))
            return None
        if kind == MONEY:
            return rnd.randint(0, 10**8)
        if kind == INT:
            return rnd.randint(0, 10**6) if info.path.endswith("population") else rnd.randint(1, 60)
        if kind == INSTANT:
            return micros(dt.datetime(2014, 1, 1, tzinfo=dt.UTC)) + rnd.randint(0, 12 * 365 * 86_400) * MICROS_PER_SECOND
        if kind == DATE:
            return day_number(dt.date(1950, 1, 1)) + rnd.randint(0, 60 * 365)
        return None

    def random_value(self, info: Key) -> Any:
        return self.random_encoded(info)

    def fresh_element(self, scope: str) -> dict:
        maker = self.fresh.get(scope)
        if maker is not None:
            return self.draw(maker)
        if scope == "partners":
            return self.draw(partners())
        return self.draw(participants())

    # setting a key ------------------------------------------------------------------------------
    def set_key(self, judgement: Judgement, result: Result, info: Key, value: Any) -> list | None:
        """Document changes that give fact key ``info`` the encoded ``value``."""
        if value is None or not self.settable(info, result):
            return None
        item = result.item if info.scope is not None else None
        if info.call is None:
            return [(parts_of(info.scope, info.path, item), self.document_value(info, value))]
        return self.invert(judgement, result, info, value)

    def document_value(self, info: Key, value: Any) -> Any:
        """An encoded value as a document writes it; an instant in UTC (``Z``) one time in
        five, in Brussels time otherwise."""
        kind = info.type.kind
        if kind == INSTANT and self.rnd.random() < 0.2:
            return instant(value).isoformat().replace("+00:00", "Z")
        if kind == INT:
            return int(value)
        return document_value(kind, value)

    def _day(self, judgement: Judgement, result: Result, node: expr.Node) -> tuple[dt.date | None, list]:
        """The date a date argument has in this fact; when missing, a submission date to give."""
        element = judgement.facts.items.get(result.scope, ())[result.item] if result.scope and result.item is not None else {}

        def lookup(scope, path):
            return element.get(path) if scope is not None else judgement.facts.root.get(path)

        day = expr.evaluate(node, lookup)
        if day is not None:
            return day, []
        if isinstance(node, expr.Path) and node.path == "reference_date" and ("submitted_at",) not in self.frozen:
            moment = instant(self.random_encoded(_INSTANT) or 0)  # an instant is always drawn
            return local_date(moment), [(("submitted_at",), brussels_text(moment))]
        return None, []

    def invert(self, judgement: Judgement, result: Result, info: Key, value: Any) -> list | None:
        call = info.call
        assert call is not None  # set_key inverts derived keys only
        args = call.args
        rnd = self.rnd
        item = result.item
        first = args[0] if args else None
        if not isinstance(first, expr.Path):
            return None
        if first.gather is not None:
            return self._gathered(judgement, first, call, value)
        first_parts = parts_of(first.scope, first.path, item if first.scope else None)
        if call.name == "age_on":
            day, extra = self._day(judgement, result, args[1])
            if day is None:
                return None
            latest = years_before(day, value)  # the birthday is today: exactly ``value``
            earliest = years_before(day, value + 1) + dt.timedelta(days=1)  # one day short of value + 1
            choice = rnd.random()
            birth = (
                latest
                if choice < 0.4
                else earliest
                if choice < 0.8
                else earliest + dt.timedelta(days=rnd.randint(0, max((latest - earliest).days, 0)))
            )
            if not (limits.MIN_YEAR <= birth.year <= limits.MAX_YEAR):
                return None
            return extra + [(first_parts, birth.isoformat())]
        if call.name == "len":
            count = int(value)
            if first.scope is None and first.path in ("partners", "participants"):
                return [(first_parts, [self.fresh_element(first.path) for _ in range(count)])]
            if first.path == "nationalities":
                return [(first_parts, self.draw(nationalities(size=count)))] if count >= 1 else None
            if first.type.choices:  # a list of choices (activities, experience, documents)
                choices = list(first.type.choices)
                return [(first_parts, rnd.sample(choices, min(count, len(choices))))]
            return [(first_parts, [f"result {n + 1}" for n in range(count)])]
        if call.name == "local_date":
            on = units.day(value)
            moment = dt.datetime(on.year, on.month, on.day, rnd.randint(0, 23), rnd.randint(0, 59), tzinfo=BRUSSELS)
            return [(first_parts, moment.isoformat())]
        if call.name == "union_citizen":
            day, extra = self._day(judgement, result, args[1])
            if value:
                if day is None:
                    return None
                members = sorted(code for code in EU_MEMBERSHIP if is_eu_member(code, day))
                codes = [rnd.choice(members)]
                if rnd.random() < 0.3:
                    codes.append(self.draw(nationalities(third_country=True, size=1))[0])
                    codes = [c for c in codes if c != "stateless"]
                return extra + [(first_parts, codes)]
            return extra + [(first_parts, self.draw(nationalities(third_country=True)))]
        if call.name in ("has_any", "has_all") and len(args) == 2:
            wanted = expr.evaluate(args[1], lambda scope, path: None)
            if wanted is None:
                return None
            wanted = tuple(wanted)
            if call.name == "has_all":
                return self._has_all(first, first_parts, wanted, bool(value))
            if first.path == "nationalities":
                if value:
                    return [(first_parts, [rnd.choice(wanted)])]
                pool = [c for c in self.draw(nationalities(third_country=True, size=3)) if c not in wanted]
                return [(first_parts, pool or ["stateless"])]
            universe = list(first.type.choices) if first.type.choices else list(wanted) + ["other"]
            if value:
                chosen = {rnd.choice(wanted)} | {x for x in universe if rnd.random() < 0.2}
            else:
                chosen = {x for x in universe if x not in wanted and rnd.random() < 0.4}
            return [(first_parts, sorted(chosen))]
        # Anything else: redraw the first argument.
        return None

    def _gathered(self, judgement: Judgement, first: expr.Path, call: expr.Call, value: Any) -> list | None:
        """``has_any``/``has_all`` over a field gathered from a list's elements: one element
        given what is wanted (a fresh one when the list is empty), or every element's value
        drawn without it."""
        wanted = expr.evaluate(call.args[1], lambda scope, path: None)
        if wanted is None:  # (the language allows a gathering path in has_any and has_all only)
            return None
        wanted, rnd, name, field = tuple(wanted), self.rnd, first.gather, first.element_field
        assert name is not None
        scalar = first.type.choices and schema_field_is_scalar(name, field)
        count = len(judgement.facts.items.get(name, ()))
        universe = list(first.type.choices) or list(wanted) + ["other"]
        if value:
            if not wanted and call.name == "has_any":
                return None  # nothing is in an empty list
            if scalar and call.name == "has_all" and len(set(wanted)) > count:
                return None
            if scalar:
                if not count:
                    element = self.fresh_element(name)
                    element[field] = rnd.choice(wanted)
                    return [((name,), [element])]
                targets = rnd.sample(range(count), len(set(wanted))) if call.name == "has_all" else [rnd.randrange(count)]
                values = list(dict.fromkeys(wanted)) if call.name == "has_all" else [rnd.choice(wanted)]
                return [((name, index, field), chosen) for index, chosen in zip(targets, values)]
            held = set(wanted) if call.name == "has_all" else {rnd.choice(wanted)}
            chosen_list = sorted(held | {x for x in universe if rnd.random() < 0.2})
            if not count:
                element = self.fresh_element(name)
                element[field] = chosen_list
                return [((name,), [element])]
            return [((name, rnd.randrange(count), field), chosen_list)]
        if not wanted and call.name == "has_all":
            return None  # every list holds all of nothing
        lacking = set(wanted) if call.name == "has_any" else {rnd.choice(wanted)}
        allowed = [x for x in universe if x not in lacking]
        if scalar:
            if not allowed:
                return None
            return [((name, index, field), rnd.choice(allowed)) for index in range(count)]
        return [((name, index, field), sorted(x for x in allowed if rnd.random() < 0.4)) for index in range(count)]

    def _has_all(self, first: expr.Path, first_parts: tuple, wanted: tuple, value: bool) -> list | None:
        """A list holding every one of ``wanted`` (and perhaps more), or lacking one of them."""
        rnd = self.rnd
        if first.path == "nationalities":
            if value:
                codes = list(dict.fromkeys(wanted))
                return [(first_parts, codes)] if 1 <= len(codes) <= limits.MAX_NATIONALITIES else None
            if not wanted:
                return None  # every list holds all of nothing
            pool = [c for c in self.draw(nationalities(third_country=True, size=3)) if c not in wanted]
            return [(first_parts, pool or ["stateless"])]
        universe = list(first.type.choices) if first.type.choices else list(wanted) + ["other"]
        if value:
            chosen = set(wanted) | {x for x in universe if rnd.random() < 0.2}
        else:
            if not wanted:
                return None
            lacking = rnd.choice(wanted)
            chosen = {x for x in universe if x != lacking and (x in wanted or rnd.random() < 0.4) and rnd.random() < 0.8}
        return [(first_parts, sorted(chosen))]


def schema_field_is_scalar(scope: str, field: str) -> bool:
    """Whether a field of a list's elements holds one value (``kind``) rather than a list."""
    found = schema.scope_field(scope, field)
    return found is not None and found.kind in (ENUM, TEXT)


_INSTANT = Key("submitted_at", None, "submitted_at", FieldType(INSTANT))
