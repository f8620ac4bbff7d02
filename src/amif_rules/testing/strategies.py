"""Hypothesis strategies for application documents (contract §1) and their parts.

Every strategy here draws *documents*, not model objects: plain ``dict``/``list``/``str``
values as a portal would send them (money as ``"1234.56"`` strings, instants as ISO 8601
text), which ``amif_rules.check`` accepts as they are and which survive ``json.dumps``.

The parts (:func:`municipalities`, :func:`organisations`, :func:`partners`,
:func:`nationalities`, :func:`participants`, :func:`budgets`, :func:`money`,
:func:`instants`) are valid by construction. :func:`applications` draws whole documents
for a call, and can be asked for eligible ones, ones that fail exactly one chosen rule, or
incomplete ones; it steers toward those by a search judged by an oracle that evaluates the
ruleset's typed expressions directly (see ``_search.py``), never by the engines under test.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterable, Optional, Sequence

from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .. import expr, limits
from ..compiler import _EPOCH
from ..documents import BRUSSELS, _Reader
from ..ir import Const
from ..model import Commission, OrganisationKind, PartnerRole, Residence
from ..reference import COUNTRY_CODES, EEA_EFTA_SWISS, EU_MEMBERSHIP, LANGUAGE_CODES, is_eu_member, register
from ..ruleset import Ruleset
from ..schema import BOOL, CODES, DATE, ENUM, INSTANT, INT, LIST, MONEY, TEXT, TEXTS
from ..docpaths import DELETE, get, put
from ._search import Goal, Searcher, apply, parts_of
from ._target import Judgement, Target, field_type, target_for

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

#: The 1 January dates the bundled municipality register holds figures for.
REGISTER_DATES: tuple[dt.date, ...] = register.reference_dates

_KINDS = tuple(kind.value for kind in OrganisationKind)
_ROLES = tuple(role.value for role in PartnerRole)
_RESIDENCES = tuple(residence.value for residence in Residence)
_LABELS = {"ocmw": "OCMW", "municipality": "Gemeente", "intermunicipal": "Intercommunale", "province": "Provincie",
           "community_commission": "Gemeenschapscommissie", "nonprofit": "vzw", "company": "NV", "other": "Organisatie"}

#: Codes that were never an EU member state's, nor EEA/EFTA or Swiss: third-country on any date.
THIRD_COUNTRY_CODES: tuple[str, ...] = tuple(sorted(COUNTRY_CODES - set(EU_MEMBERSHIP) - EEA_EFTA_SWISS))
#: A few codes that appear often in the target groups, tried first when shrinking.
_COMMON_THIRD = ("SY", "AF", "ER", "IQ", "MA", "TR", "UA", "SO", "CD", "GN", "PS", "RU", "XK")


# -- small values ---------------------------------------------------------------------------------


def _cents_text(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _cents(value: Any) -> int:
    return int((Decimal(str(value)) * 100).to_integral_exact())


def money(min_value: str | Decimal | int = "0.00", max_value: str | Decimal | int = "10000000.00") -> st.SearchStrategy[str]:
    """Euro amounts as the contract writes them (``"1234.56"``), between the two bounds.

    Round amounts, amounts with cents and the bounds themselves all occur.
    """
    low, high = _cents(min_value), _cents(max_value)
    if low < 0 or high >= limits.MAX_MONEY_EUROS * 100 or low > high:
        raise InvalidArgument(f"money({min_value}, {max_value}): amounts are 0 <= amount < {limits.MAX_MONEY_EUROS:,}")
    cents = st.one_of(
        st.integers(low, high),
        st.integers(low // 100, high // 100).map(lambda euros: euros * 100).filter(lambda c: low <= c <= high),
        st.sampled_from(sorted({low, high})),
    )
    return cents.map(_cents_text)


def instants(min_value: dt.datetime = dt.datetime(2014, 1, 1, tzinfo=BRUSSELS),
             max_value: dt.datetime = dt.datetime(2027, 12, 31, 23, 59, tzinfo=BRUSSELS)) -> st.SearchStrategy[str]:
    """ISO 8601 date-times between the bounds: with a Brussels offset, in UTC (``Z``), or
    without an offset (Brussels local time, never in the hour the clocks go back).

    Every form the contract accepts occurs, and no other: ``T`` or a space, seconds or not
    (when they are 0), a fraction of zeros (past the microsecond too), spaces around.
    """

    def render(draw_values: tuple[int, int, int]) -> str:
        seconds, style, variant = draw_values
        moment = _EPOCH + dt.timedelta(seconds=seconds)
        if style == 0:
            text = moment.astimezone(BRUSSELS).isoformat()
        elif style == 1:
            text = moment.isoformat().replace("+00:00", "Z")
        else:
            local = moment.astimezone(BRUSSELS)
            early = local.replace(tzinfo=None).replace(tzinfo=BRUSSELS, fold=0)
            late = local.replace(tzinfo=None).replace(tzinfo=BRUSSELS, fold=1)
            text = local.isoformat() if early.utcoffset() != late.utcoffset() else local.replace(tzinfo=None).isoformat()
        return _instant_variant(text, variant)

    low = int((min_value - _EPOCH).total_seconds())
    high = int((max_value - _EPOCH).total_seconds())
    variants = st.one_of(st.just(0), st.integers(0, len(_VARIANTS) - 1))
    return st.tuples(st.integers(low, high), st.sampled_from([0, 0, 1, 2]), variants).map(render)


def brussels_day(text: str) -> dt.date:
    """The Brussels date of an instant written as the contract writes it (no offset: the
    date written, Brussels local time). The date a participant's age is counted on; read by
    the library's own reader, the one home of the grammar."""
    reader = _Reader()
    moment = reader.instant(text, "submitted_at")
    if moment is None:
        raise ValueError(f"not an instant as the contract writes it: {text!r}")
    return moment.astimezone(BRUSSELS).date()


#: Ways of writing the same instant that the contract accepts (variant 0: as isoformat writes it).
_VARIANTS = ("plain", "space", "minutes", "millis", "nanos", "spaces-around")


def _instant_variant(text: str, variant: int) -> str:
    """``text`` (``YYYY-MM-DDTHH:MM:SS`` and an optional offset) written another accepted way."""
    how = _VARIANTS[variant]
    head, clock = text[:10], text[11:19]
    rest = text[19:]
    if how == "space":
        return f"{head} {clock}{rest}"
    if how == "minutes" and clock.endswith(":00") and not rest.startswith("."):
        return f"{head}T{clock[:5]}{rest}"
    if how in ("millis", "nanos") and not rest.startswith("."):
        return f"{head}T{clock}{'.000' if how == 'millis' else '.000000000'}{rest}"
    if how == "spaces-around":
        return f" {text}\n"
    return text


def dates(min_value: dt.date = dt.date(1940, 1, 1), max_value: dt.date = dt.date(2015, 12, 31)) -> st.SearchStrategy[str]:
    return st.dates(min_value, max_value).map(dt.date.isoformat)


# -- municipalities and organisations -------------------------------------------------------------


@lru_cache(maxsize=None)
def _records(on: dt.date) -> tuple:
    records = register.on(on)
    if not records:
        raise InvalidArgument(f"the register has no figures for {on}; it holds {', '.join(map(str, REGISTER_DATES))}")
    return records


def nis_codes(on: dt.date = REGISTER_DATES[0]) -> tuple[str, ...]:
    """The NIS codes of the register on ``on``."""
    return tuple(record.nis_code for record in _records(on))


def municipalities(on: dt.date = REGISTER_DATES[0], min_population: Optional[int] = None,
                   max_population: Optional[int] = None, population: str = "any") -> st.SearchStrategy[dict]:
    """Real municipalities from the bundled register (figures of 1 January ``on``).

    ``min_population``/``max_population`` (inclusive) filter them by the register's
    population. ``population``: ``"given"`` writes the register's figure in the document,
    ``"omitted"`` leaves it out (the library then takes it from the register by NIS code),
    ``"any"`` does either.
    """
    if population not in ("any", "given", "omitted"):
        raise InvalidArgument('population is "any", "given" or "omitted"')
    records = [r for r in _records(on)
               if (min_population is None or r.population >= min_population)
               and (max_population is None or r.population <= max_population)]
    if not records:
        raise InvalidArgument(f"no municipality in the register of {on} has a population within the bounds")
    records.sort(key=lambda r: -r.population)  # the large cities first: they shrink toward Antwerpen
    rows = [(r.nis_code, r.name_nl, r.population) for r in records]

    def render(pair) -> dict:
        (nis_code, name, inhabitants), given = pair
        document = {"nis_code": nis_code, "name": name}
        if given:
            document["population"] = inhabitants
        return document

    given = {"any": st.booleans(), "given": st.just(True), "omitted": st.just(False)}[population]
    return st.tuples(st.sampled_from(rows), given).map(render)


def organisations(kinds: Optional[Sequence[str]] = None, municipality: Optional[st.SearchStrategy[dict]] = None,
                  on: dt.date = REGISTER_DATES[0]) -> st.SearchStrategy[dict]:
    """An applicant: ``name``, ``kind`` (one of ``kinds``, default any) and ``municipality``
    (default :func:`municipalities`); a community commission also names its ``commission``."""
    kinds = tuple(kinds) if kinds is not None else _KINDS
    _check_choices("kinds", kinds, _KINDS)
    place = municipality if municipality is not None else municipalities(on)

    @st.composite
    def build(draw) -> dict:
        kind = draw(st.sampled_from(kinds))
        where = draw(place)
        document = {"name": f"{_LABELS[kind]} {where.get('name', where.get('nis_code', ''))}".strip(), "kind": kind,
                    "municipality": where}
        if kind == "community_commission":
            document["commission"] = draw(st.sampled_from([c.value for c in Commission]))
        return document

    return build()


def partners(kinds: Optional[Sequence[str]] = None, roles: Optional[Sequence[str]] = None,
             municipality: Optional[st.SearchStrategy[dict]] = None, on: dt.date = REGISTER_DATES[0]) -> st.SearchStrategy[dict]:
    """A partner: an organisation (see :func:`organisations`) with a ``role`` (one of
    ``roles``, default any, ``coaching`` most often)."""
    roles = tuple(roles) if roles is not None else ("coaching", "coaching", "co_applicant", "other")
    _check_choices("roles", roles, _ROLES)
    return st.tuples(organisations(kinds, municipality, on), st.sampled_from(roles)).map(lambda pair: {**pair[0], "role": pair[1]})


# -- people ---------------------------------------------------------------------------------------


def nationalities(third_country: Optional[bool] = None, on: Optional[dt.date] = None,
                  size: Optional[int] = None) -> st.SearchStrategy[list]:
    """A person's nationalities: 1 to 3 distinct ISO codes, or ``["stateless"]``.

    ``third_country=True``: no code of an EU, EEA/EFTA or Swiss state (so a third-country
    national under every reading); ``False``: at least one code of a state that is an EU
    member on ``on`` (required then); ``None``: anything, including the United Kingdom and
    Croatia, whose membership depends on the date. ``size`` fixes the number of codes.
    """
    if third_country is False and on is None:
        raise InvalidArgument("nationalities(third_country=False) needs on=: EU membership depends on the date")
    if size is not None and not 1 <= size <= limits.MAX_NATIONALITIES:
        raise InvalidArgument(f"size is 1..{limits.MAX_NATIONALITIES}")
    pool = list(_COMMON_THIRD) + [c for c in THIRD_COUNTRY_CODES if c not in _COMMON_THIRD]
    others = st.sampled_from(pool)
    low, high = (size, size) if size is not None else (1, 3)
    if third_country is True:
        codes = st.lists(others, min_size=low, max_size=high, unique=True)
        return st.one_of(codes, st.just(["stateless"])) if size in (None, 1) else codes
    if third_country is False:
        members = sorted(code for code in EU_MEMBERSHIP if is_eu_member(code, on))

        @st.composite
        def citizens(draw) -> list:
            first = draw(st.sampled_from(members))
            rest = draw(st.lists(others, min_size=low - 1, max_size=high - 1, unique=True))
            result = [first] + rest
            return draw(st.permutations(result))

        return citizens()
    anything = st.sampled_from(pool[:13] + sorted(EU_MEMBERSHIP) + sorted(EEA_EFTA_SWISS) + pool[13:])
    codes = st.lists(anything, min_size=low, max_size=high, unique=True)
    return st.one_of(codes, st.just(["stateless"])) if size in (None, 1) else codes


def participants(third_country: Optional[bool] = None, residences: Optional[Sequence[str]] = None,
                 on: Optional[dt.date] = None, fields: Iterable[str] = ()) -> st.SearchStrategy[dict]:
    """A participant: ``id``, ``nationalities`` (see :func:`nationalities`) and
    ``residence`` (one of ``residences``, default any). ``fields`` adds extension fields
    (``birth_date``, ``gender``, ``low_literate``, ``young_children``, ``first_language``,
    ``education_level``) with valid values."""
    residences = tuple(residences) if residences is not None else _RESIDENCES
    _check_choices("residences", residences, _RESIDENCES)
    extra = {name: _field_values("participants", name) for name in fields if name not in ("id", "nationalities", "residence")}
    return st.fixed_dictionaries({
        "id": st.integers(1, 999).map(lambda n: f"P-{n:03d}"),
        "nationalities": nationalities(third_country, on),
        "residence": st.sampled_from(residences),
        **extra,
    })


# -- budgets --------------------------------------------------------------------------------------


def budgets(min_total: str = "1000.00", max_total: str = "5000000.00", amif_share: tuple[str, str] = ("0", "1"),
            pod_mi_share: tuple[str, str] = ("0", "0.3"), extra: Iterable[str] = ()) -> st.SearchStrategy[dict]:
    """A budget: ``total_eligible_cost`` within the bounds, ``amif`` and
    ``cofinancing.pod_mi`` as shares of it within the given (inclusive) ranges, and
    ``cofinancing.own`` for the rest when there is any. Shares at the ends of the ranges
    occur often. ``extra`` adds other money fields (``grant``, ``cofinancing.other``,
    ``cofinancing.flemish_government``)."""
    a_low, a_high = (Decimal(x) for x in amif_share)
    p_low, p_high = (Decimal(x) for x in pod_mi_share)

    def share(low: Decimal, high: Decimal) -> st.SearchStrategy[Decimal]:
        return st.one_of(st.sampled_from([low, high]),
                         st.integers(0, 10_000).map(lambda n: low + (high - low) * Decimal(n) / 10_000))

    @st.composite
    def build(draw) -> dict:
        total = _cents(draw(money(min_total, max_total)))
        amif = int(total * draw(share(a_low, a_high)) // 1)
        pod = int(total * draw(share(p_low, p_high)) // 1)
        document: dict = {"total_eligible_cost": _cents_text(total), "amif": _cents_text(amif),
                          "cofinancing": {"pod_mi": _cents_text(pod)}}
        own = total - amif - pod
        if own > 0:
            document["cofinancing"]["own"] = _cents_text(own)
        for path in extra:
            put(document, tuple(path.split(".")), draw(money("0.00", max_total)))
        return document

    return build()


# -- any field ------------------------------------------------------------------------------------


def _field_values(scope: Optional[str], path: str, on: Optional[dt.date] = None) -> st.SearchStrategy:
    """Valid document values of one field of the model (by scope and path)."""
    kind = field_type(scope, path)
    if kind is None:
        raise InvalidArgument(f"no field {path!r}" + (f" in {scope}" if scope else ""))
    name = path.rsplit(".", 1)[-1]
    if name == "nis_code":
        return st.sampled_from(nis_codes())
    if name == "population":
        return st.one_of(st.integers(0, 2_000_000), st.sampled_from([r.population for r in _records(REGISTER_DATES[0])]))
    if name == "first_language":
        return st.sampled_from(["ar", "nl", "fr", "en", "ps", "ti", "so", "uk", "ru"] + sorted(LANGUAGE_CODES))
    if name == "duration_months":
        return st.integers(1, 60)
    if name == "birth_date":
        return dates()
    if path == "submitted_at":
        return instants()
    k = kind.kind
    if k == ENUM:
        return st.sampled_from(kind.choices)
    if k == BOOL:
        return st.booleans()
    if k == MONEY:
        return money("0.00", "2000000.00")
    if k == INT:
        return st.integers(0, 1000)
    if k == INSTANT:
        return instants()
    if k == DATE:
        return dates()
    if k == CODES:
        return nationalities(on=on)
    if k == TEXTS:
        if kind.choices:
            return st.lists(st.sampled_from(kind.choices), max_size=4, unique=True)
        return st.lists(_statements(), max_size=4)
    if k == TEXT:
        return st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30)
    if k == LIST:
        return st.lists(partners() if path == "partners" else participants(), max_size=3)
    raise InvalidArgument(f"cannot draw values of {path}")  # pragma: no cover


def _statements() -> st.SearchStrategy[str]:
    """Entries of a list of texts a rule counts (``results``): each says something, for a
    blank entry (empty, or spaces only) is an input error."""
    said = st.characters(categories=("L", "N"), codec="utf-8")
    anything = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
    return st.tuples(st.text(anything, max_size=20), said, st.text(anything, max_size=19)).map("".join)


def _check_choices(what: str, given: Sequence[str], allowed: Sequence[str]) -> None:
    stray = [value for value in given if value not in allowed]
    if stray or not given:
        raise InvalidArgument(f"{what}: {stray or 'nothing'} not among {', '.join(allowed)}")


# -- whole applications ---------------------------------------------------------------------------


class _Call:
    """What the application strategies need to know of a call, fixed when they are built."""

    def __init__(self, call: Optional[str], ruleset: Optional[Ruleset]):
        if ruleset is None and call is None:
            raise InvalidArgument("say which call (call=\"42\") or give a ruleset")
        self.call = call if call is not None else ruleset.call
        self.ruleset = ruleset
        self.target: Target = target_for(self.call, ruleset, None)
        rules = self.target.ruleset
        self.window = _window(rules.valid_from, rules.valid_until)
        register_date = rules.register_date if isinstance(rules.register_date, dt.date) else None
        self.register_date = register_date or REGISTER_DATES[0]
        self.reads = self.target.reads()
        self._bases: dict[tuple, st.SearchStrategy] = {}
        self.fresh = _fresh(self)
        self._impossible: Optional[tuple[str, ...]] = None

    def base(self, max_partners: int, max_participants: int) -> st.SearchStrategy[dict]:
        key = (max_partners, max_participants)
        if key not in self._bases:
            self._bases[key] = _base_strategy(self, max_partners, max_participants)
        return self._bases[key]

    def impossible(self) -> tuple[str, ...]:
        """The linter's proofs (``AR310``, certain) that no application can be eligible.

        A search that finds nothing proves nothing; the linter's exhaustive search does. With
        a proof, the strategies that need an eligible application are empty, which Hypothesis
        reports as ``Unsatisfiable`` (rejecting every draw would fail a health check instead).
        """
        if self._impossible is None:
            from ..toolkit.lint import lint

            findings = lint(self.ruleset if self.ruleset is not None else self.target.ruleset)
            self._impossible = tuple(f.message for f in findings if f.code == "AR310" and f.certain)
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


_SPECS: dict[tuple, _Call] = {}


def _prepare(call: Optional[str], ruleset: Optional[Ruleset]) -> _Call:
    key = (call, None if ruleset is None else (ruleset.digest, ruleset.file))
    spec = _SPECS.get(key)
    if spec is None:
        spec = _SPECS[key] = _Call(call, ruleset)
    return spec


def _window(valid_from: Optional[dt.date], valid_until: Optional[dt.date]) -> tuple[dt.datetime, dt.datetime]:
    """Submission instants to draw from: the ruleset's validity (a year before its end when
    it has no start), or 2015-2021 for a ruleset without dates."""
    end = valid_until or ((valid_from + dt.timedelta(days=3 * 365)) if valid_from else dt.date(2021, 12, 31))
    start = valid_from or (end - dt.timedelta(days=365) if valid_until else dt.date(2015, 1, 1))
    return (dt.datetime(start.year, start.month, start.day, 8, 0, tzinfo=BRUSSELS),
            dt.datetime(end.year, end.month, end.day, 20, 0, tzinfo=BRUSSELS))


def _base_strategy(spec: "_Call", max_partners: int, max_participants: int) -> st.SearchStrategy[dict]:
    """Complete, valid documents for the call, each field the ruleset reads present (not
    yet steered toward any outcome)."""
    low, high = spec.window
    on = spec.register_date
    participant_fields = sorted(path for scope, path in spec.reads if scope == "participants")
    extra = []
    for scope, path in sorted(spec.reads, key=lambda pair: (pair[0] or "", pair[1])):
        kind = field_type(scope, path)
        if kind is not None and kind.kind != LIST:
            extra.append((scope, tuple(path.split(".")), _field_values(scope, path)))
    core = st.fixed_dictionaries({
        "submitted_at": instants(low, high),
        "form": st.fixed_dictionaries({"complete": st.booleans(), "signed": st.booleans()}),
        "applicant": organisations(on=on),
        "partners": st.lists(partners(on=on), max_size=max_partners),
        "participants": st.lists(participants(fields=participant_fields), max_size=max_participants),
        "budget": budgets(),
        "duration_months": st.integers(1, 60),
    })

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


def _fresh(spec: _Call) -> dict:
    participant_fields = sorted(path for scope, path in spec.reads if scope == "participants")
    partner_fields = sorted(path for scope, path in spec.reads if scope == "partners")

    @st.composite
    def partner(draw) -> dict:
        element = draw(partners(on=spec.register_date))
        for path in partner_fields:
            if get(element, tuple(path.split("."))) is None:
                put(element, tuple(path.split(".")), draw(_field_values("partners", path)))
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


def _inputs_of(judgement: Judgement, position: int, item: Optional[int]) -> list[tuple]:
    """The document paths (as parts) that rule ``position`` reads for ``item``."""
    rule = judgement.target.rules[position]
    nodes = [rule.check] + ([rule.when] if rule.when is not None else [])
    found = []
    for node in nodes:
        for path in expr.paths(node):
            found.append(parts_of(path.scope, path.path, item if path.scope else None))
    return found


def _incomplete(searcher: Searcher, document: dict, judgement: Judgement) -> Optional[dict]:
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
def _applications(draw, spec: _Call, mode: str, rule: Optional[str], max_partners: int, max_participants: int) -> dict:
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


def applications(call: Optional[str] = "42", *, eligible: Optional[bool] = None, ineligible_for: Optional[str] = None,
                 incomplete: bool = False, ruleset: Optional[Ruleset] = None, max_partners: int = 3,
                 max_participants: int = 4) -> st.SearchStrategy[dict]:
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
    spec = _prepare(call, ruleset)
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
