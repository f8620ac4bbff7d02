"""Hypothesis strategies for application documents (contract §1) and their parts.

Every strategy here draws *documents*, not model objects: plain ``dict``/``list``/``str``
values as a portal would send them (money as ``"1234.56"`` strings, instants as ISO 8601
text), which ``amif_rules.check`` accepts as they are and which survive ``json.dumps``.

The parts (:func:`municipalities`, :func:`organisations`, :func:`partners`,
:func:`nationalities`, :func:`participants`, :func:`budgets`, :func:`money`,
:func:`instants`) are valid by construction; they live in :mod:`.parts`, below the search,
and are offered here. :func:`applications` draws whole documents for a call, and can be
asked for eligible ones, ones that fail exactly one chosen rule, or incomplete ones; it
steers toward those by a search judged by an oracle that evaluates the ruleset's typed
expressions directly (see ``_search.py``), never by the engines under test.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .. import expr
from ..dates import BRUSSELS
from ..docpaths import DELETE, get, put
from ..ir import Const
from ..ruleset import Ruleset
from ..schema import LIST
from ..search import no_eligible_application
from ._search import Goal, Searcher, apply, parts_of
from ._target import Judgement, Target, field_type, target_for
from .parts import (
    REGISTER_DATES,
    THIRD_COUNTRY_CODES,
    brussels_day,
    budgets,
    dates,
    field_values,
    instants,
    money,
    municipalities,
    nationalities,
    organisations,
    participants,
    partners,
)
from .parts import nis_codes as nis_codes

__all__ = [
    "REGISTER_DATES",
    "THIRD_COUNTRY_CODES",
    "applications",
    "budgets",
    "dates",
    "instants",
    "money",
    "municipalities",
    "nationalities",
    "organisations",
    "participants",
    "partners",
]

#: The names of before the parts moved to :mod:`.parts` (tests/kit/test_kit_promises.py reads them).


# -- whole applications ---------------------------------------------------------------------------


class CallSpec:
    """What the application strategies need to know of a call, fixed when they are built."""

    def __init__(self, call: str | None, ruleset: Ruleset | None):
        if call is None:
            if ruleset is None:
                raise InvalidArgument('say which call (call="42") or give a ruleset')
            call = ruleset.call
        self.call = call
        self.ruleset = ruleset
        self.target: Target = target_for(self.call, ruleset, None)
        rules = self.target.ruleset
        self.window = _window(rules.valid_from, rules.valid_until)
        register_date = rules.register_date if isinstance(rules.register_date, dt.date) else None
        self.register_date = register_date or REGISTER_DATES[0]
        self.reads = self.target.reads()
        self._bases: dict[tuple, st.SearchStrategy] = {}
        self.fresh = _fresh(self)
        self._impossible: bool | None = None

    def base(self, max_partners: int, max_participants: int) -> st.SearchStrategy[dict]:
        key = (max_partners, max_participants)
        if key not in self._bases:
            self._bases[key] = _base_strategy(self, max_partners, max_participants)
        return self._bases[key]

    def impossible(self) -> bool:
        """Whether the search the linter shares proves that no application can be eligible
        (the linter's certain ``AR310``).

        A search that finds nothing proves nothing; the linter's exhaustive search does. With
        a proof, the strategies that need an eligible application are empty, which Hypothesis
        reports as ``Unsatisfiable`` (rejecting every draw would fail a health check instead).
        """
        if self._impossible is None:
            self._impossible = no_eligible_application(self.ruleset if self.ruleset is not None else self.target.ruleset)
        return self._impossible

    def unless_impossible(self, strategy: st.SearchStrategy) -> st.SearchStrategy:
        """``strategy``, or nothing when no application can be eligible (decided at the first draw)."""
        return st.deferred(lambda: st.nothing() if self.impossible() else strategy)

    def failable(self) -> list[str]:
        """Error rules that some document can make fail (whose check is not a constant)."""
        found = []
        for rule, compiled in zip(self.target.rules, self.target.compiled):
            if rule.severity == "error" and not isinstance(compiled.check, Const) and compiled.when != Const(False):
                found.append(rule.id)
        return found


_SPECS: dict[tuple, CallSpec] = {}


def prepare(call: str | None, ruleset: Ruleset | None) -> CallSpec:
    """What the strategies of a call (or a ruleset) need, made once per process."""
    key = (call, None if ruleset is None else (ruleset.digest, ruleset.file))
    spec = _SPECS.get(key)
    if spec is None:
        spec = _SPECS[key] = CallSpec(call, ruleset)
    return spec


#: The name before it was public (testing.malformed and tests/kit/test_kit_health.py read it).


def _window(valid_from: dt.date | None, valid_until: dt.date | None) -> tuple[dt.datetime, dt.datetime]:
    """Submission instants to draw from: the ruleset's validity (a year before its end when
    it has no start), or 2015-2021 for a ruleset without dates."""
    end = valid_until or ((valid_from + dt.timedelta(days=3 * 365)) if valid_from else dt.date(2021, 12, 31))
    start = valid_from or (end - dt.timedelta(days=365) if valid_until else dt.date(2015, 1, 1))
    return (
        dt.datetime(start.year, start.month, start.day, 8, 0, tzinfo=BRUSSELS),
        dt.datetime(end.year, end.month, end.day, 20, 0, tzinfo=BRUSSELS),
    )


def _base_strategy(spec: CallSpec, max_partners: int, max_participants: int) -> st.SearchStrategy[dict]:
    """Complete, valid documents for the call, each field the ruleset reads present (not
    yet steered toward any outcome)."""
    low, high = spec.window
    on = spec.register_date
    participant_fields = sorted(path for scope, path in spec.reads if scope == "participants")
    extra = []
    for scope, path in sorted(spec.reads, key=lambda pair: (pair[0] or "", pair[1])):
        kind = field_type(scope, path)
        if kind is not None and kind.kind != LIST:
            extra.append((scope, tuple(path.split(".")), field_values(scope, path)))
    core = st.fixed_dictionaries(
        {
            "submitted_at": instants(low, high),
            "form": st.fixed_dictionaries({"complete": st.booleans(), "signed": st.booleans()}),
            "applicant": organisations(on=on),
            "partners": st.lists(partners(on=on), max_size=max_partners),
            "participants": st.lists(participants(fields=participant_fields), max_size=max_participants),
            "budget": budgets(),
            "duration_months": st.integers(1, 60),
        }
    )

    @st.composite
    def build(draw) -> dict:
        document = {"call": spec.call, **draw(core)} if spec.call is not None else draw(core)
        submitted = brussels_day(document["submitted_at"])
        for index, person in enumerate(document["participants"]):
            person["id"] = f"P-{index + 1:03d}"
            if "birth_date" in person and dt.date.fromisoformat(person["birth_date"]) > submitted:
                # Nobody is born after the application was sent (the reader refuses it).
                person["birth_date"] = draw(dates(dt.date(1940, 1, 1), submitted))
        for scope, parts, values in extra:
            if scope is None:
                if get(document, parts) is None:
                    put(document, parts, draw(values))
            else:
                for element in document.get(scope, []):
                    if get(element, parts) is None:
                        put(element, parts, draw(values))
        return document

    return build()


def _fresh(spec: CallSpec) -> dict:
    participant_fields = sorted(path for scope, path in spec.reads if scope == "participants")
    partner_fields = sorted(path for scope, path in spec.reads if scope == "partners")

    @st.composite
    def partner(draw) -> dict:
        element = draw(partners(on=spec.register_date))
        for path in partner_fields:
            if get(element, tuple(path.split("."))) is None:
                put(element, tuple(path.split(".")), draw(field_values("partners", path)))
        return element

    @st.composite
    def participant(draw) -> dict:
        element = draw(participants(fields=participant_fields))
        element["id"] = f"P-{draw(st.integers(100, 999))}"
        earliest = spec.window[0].date()
        if "birth_date" in element and dt.date.fromisoformat(element["birth_date"]) > earliest:
            element["birth_date"] = draw(dates(dt.date(1940, 1, 1), earliest))  # born before any submission drawn
        return element

    return {"partners": partner(), "participants": participant()}


def _inputs_of(judgement: Judgement, position: int, item: int | None) -> list[tuple]:
    """The document paths (as parts) that rule ``position`` reads for ``item``."""
    rule = judgement.target.rules[position]
    nodes = [rule.check] + ([rule.when] if rule.when is not None else [])
    found = []
    for node in nodes:
        for path in expr.paths(node):
            found.append(parts_of(path.scope, path.path, item if path.scope else None))
    return found


def _incomplete(searcher: Searcher, document: dict, judgement: Judgement) -> dict | None:
    """Leave out (or set to null) fields some rules read until the oracle finds the document
    incomplete: no error rule fails, some rule is unknown."""
    rnd = searcher.rnd
    candidates: list[tuple] = []
    for result in judgement.results:
        if result.scope is not None and result.item is None:
            continue
        for parts in _inputs_of(judgement, result.rule, result.item):
            candidates.append(parts)
            if parts[-1] == "population":
                candidates.append(parts[:-1])  # the whole municipality: the register cannot fill it in
    candidates = sorted(set(candidates), key=repr)
    rnd.shuffle(candidates)
    current = document
    found = None
    for parts in candidates[:16]:
        if get(current, parts) is None:
            continue
        value = None if rnd.random() < 0.3 else DELETE
        candidate = apply(current, [(parts, value)])
        verdict = searcher.judge(candidate)
        if verdict is not None and verdict.outcome == "incomplete":
            found = candidate
            if rnd.random() < 0.7:
                break
            current = candidate
    return found


@st.composite
def _applications(draw, spec: CallSpec, mode: str, rule: str | None, max_partners: int, max_participants: int) -> dict:
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    if mode == "any":
        mode = draw(st.sampled_from(["eligible", "ineligible", "incomplete", "raw", "raw"]))
        if mode == "eligible" and spec.impossible():
            mode = "raw"  # no eligible application exists: a mix without them
    for _ in range(4):
        base = draw(spec.base(max_partners, max_participants))
        if mode == "raw":
            return _drop_some(draw, base)
        searcher = Searcher(draw, rnd, spec.call, spec.ruleset, fresh=spec.fresh)
        found = searcher.run(base, Goal())
        if found is None:
            if mode == "ineligible":
                # No eligible start (a draft whose rules contradict each other): failing the
                # chosen rule may still free the others.
                failing = searcher.run(base, Goal(fail=rule if rule is not None else rnd.choice(spec.failable())))
                if failing is not None:
                    return failing[0]
            continue
        document, judgement = found
        if mode == "eligible":
            return document
        if mode == "ineligible":
            chosen = rule if rule is not None else rnd.choice(spec.failable())
            failing = searcher.run(document, Goal(fail=chosen))
            if failing is not None:
                return failing[0]
            continue
        incomplete = _incomplete(searcher, document, judgement)
        if incomplete is not None:
            return incomplete
    assume(False)  # hypothesis.assume: this draw found nothing (strategies has no assume)
    raise AssertionError("unreachable")  # pragma: no cover


def _drop_some(draw, document: dict) -> dict:
    """A document with some fields left out or null, anywhere: any outcome may follow."""
    leaves: list[tuple] = []

    def walk(value: Any, parts: tuple) -> None:
        if parts:
            leaves.append(parts)
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, parts + (key,))
        elif isinstance(value, list):
            for index, child in enumerate(value):
                walk(child, parts + (index,))

    walk(document, ())
    dropped = draw(st.lists(st.sampled_from(leaves), max_size=4, unique=True)) if leaves else []
    result = document
    for parts in sorted(dropped, key=len, reverse=True):
        if parts == ("call",) or isinstance(parts[-1], int):
            continue
        result = apply(result, [(parts, draw(st.sampled_from([DELETE, None])))])
    return result


def applications(
    call: str | None = "42",
    *,
    eligible: bool | None = None,
    ineligible_for: str | None = None,
    incomplete: bool = False,
    ruleset: Ruleset | None = None,
    max_partners: int = 3,
    max_participants: int = 4,
) -> st.SearchStrategy[dict]:
    """Whole application documents for a call (contract §1), as a portal would send them.

    - ``applications("42")``: a mix of eligible, ineligible, incomplete and partial
      documents (fields left out or null anywhere);
    - ``eligible=True``: documents every rule of the call accepts (verdict ``eligible``);
    - ``eligible=False``: documents that fail some error rule (verdict ``ineligible``);
    - ``ineligible_for="amif-share-max"``: documents that fail that rule (on at least one
      list element, for a per-element rule) and pass, or are not subject to, every other
      error rule, with no rule left unknown;
    - ``incomplete=True``: documents where no error rule fails but some rule cannot be
      decided because a field it reads is missing (verdict ``incomplete``).

    ``ruleset`` draws for a ruleset you loaded yourself (a draft) instead of the bundled
    one of ``call``. Lists hold at most ``max_partners`` partners and ``max_participants``
    participants. Asking for a rule the ruleset does not have, or for a warning (it never
    makes an application ineligible), raises ``hypothesis.errors.InvalidArgument`` at once.
    ``eligible=True`` for a ruleset that the linter proves no application passes draws
    nothing, which Hypothesis reports as ``Unsatisfiable``.
    """
    modes = [eligible is True, eligible is False, ineligible_for is not None, incomplete]
    if sum(modes) > 1 and not (eligible is False and ineligible_for is not None):
        raise InvalidArgument("ask for one of eligible=True, eligible=False / ineligible_for=RULE, incomplete=True")
    spec = prepare(call, ruleset)
    if ineligible_for is not None:
        try:
            rule = spec.target.rule(ineligible_for)
        except ValueError as error:
            raise InvalidArgument(str(error)) from None
        if rule.severity != "error":
            raise InvalidArgument(f"rule {ineligible_for!r} is a warning: it never makes an application ineligible")
        if ineligible_for not in spec.failable():
            raise InvalidArgument(f"rule {ineligible_for!r} cannot fail: its check is a constant")
    if eligible is True:
        mode = "eligible"
    elif eligible is False or ineligible_for is not None:
        mode = "ineligible"
    elif incomplete:
        mode = "incomplete"
    else:
        mode = "any"
    strategy = _applications(spec, mode, ineligible_for, max_partners, max_participants)
    return spec.unless_impossible(strategy) if mode == "eligible" else strategy
