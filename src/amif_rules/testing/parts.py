"""Hypothesis strategies for the parts of an application document (contract §1).

Every strategy here draws *documents*, not model objects: plain ``dict``/``list``/``str``
values as a portal would send them (money as ``"1234.56"`` strings, instants as ISO 8601
text), valid by construction. :mod:`.strategies` offers them to users with whole
applications; the search that steers applications (:mod:`._search`) draws fresh list
elements and nationalities from here, below both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import cache
from typing import Any, Literal

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .. import limits
from ..dates import BRUSSELS, brussels_text, local_date
from ..docpaths import put
from ..documents import read_application
from ..errors import InputError
from ..model import Commission, OrganisationKind, PartnerRole, Residence
from ..reference import COUNTRY_CODES, EEA_EFTA_SWISS, EU_MEMBERSHIP, LANGUAGE_CODES, is_eu_member, register
from ..schema import BOOL, CODES, DATE, ENUM, INSTANT, INT, LIST, MONEY, TEXT, TEXTS
from ..units import EPOCH, cents, euro_text
from ._target import field_type

#: The 1 January dates the bundled municipality register holds figures for.
REGISTER_DATES: tuple[dt.date, ...] = register.reference_dates

_KINDS = tuple(kind.value for kind in OrganisationKind)
_ROLES = tuple(role.value for role in PartnerRole)
_RESIDENCES = tuple(residence.value for residence in Residence)
_LABELS = {
    "ocmw": "OCMW",
    "municipality": "Gemeente",
    "intermunicipal": "Intercommunale",
    "province": "Provincie",
    "community_commission": "Gemeenschapscommissie",
    "nonprofit": "vzw",
    "company": "NV",
    "other": "Organisatie",
}

#: Codes that were never an EU member state's, nor EEA/EFTA or Swiss: third-country on any date.
THIRD_COUNTRY_CODES: tuple[str, ...] = tuple(sorted(COUNTRY_CODES - set(EU_MEMBERSHIP) - EEA_EFTA_SWISS))
#: A few codes that appear often in the target groups, tried first when shrinking.
_COMMON_THIRD = ("SY", "AF", "ER", "IQ", "MA", "TR", "UA", "SO", "CD", "GN", "PS", "RU", "XK")


# -- small values ---------------------------------------------------------------------------------


def _cents(value: Any) -> int:
    """A bound given as text, a Decimal or a whole number of euros, in cents."""
    return cents(Decimal(str(value)))


def money(min_value: str | Decimal | int = "0.00", max_value: str | Decimal | int = "10000000.00") -> st.SearchStrategy[str]:
    """Euro amounts as the contract writes them (``"1234.56"``), between the two bounds.

    Round amounts, amounts with cents and the bounds themselves all occur.
    """
    low, high = _cents(min_value), _cents(max_value)
    if low < 0 or high >= limits.MAX_MONEY_EUROS * 100 or low > high:
        raise InvalidArgument(f"money({min_value}, {max_value}): amounts are 0 <= amount < {limits.MAX_MONEY_EUROS:,}")
    drawn = st.one_of(
        st.integers(low, high),
        st.integers(low // 100, high // 100).map(lambda euros: euros * 100).filter(lambda c: low <= c <= high),
        st.sampled_from(sorted({low, high})),
    )
    return drawn.map(euro_text)


def instants(
    min_value: dt.datetime = dt.datetime(2014, 1, 1, tzinfo=BRUSSELS),
    max_value: dt.datetime = dt.datetime(2027, 12, 31, 23, 59, tzinfo=BRUSSELS),
) -> st.SearchStrategy[str]:
    """ISO 8601 date-times between the bounds: with a Brussels offset, in UTC (``Z``), or
    without an offset (Brussels local time, never in the hour the clocks go back).

    Every form the contract accepts occurs, and no other: ``T`` or a space, seconds or not
    (when they are 0), a fraction of zeros (past the microsecond too), spaces around.
    """

    def render(draw_values: tuple[int, int, int]) -> str:
        seconds, style, variant = draw_values
        moment = EPOCH + dt.timedelta(seconds=seconds)
        if style == 0:
            text = brussels_text(moment)
        elif style == 1:
            text = moment.isoformat().replace("+00:00", "Z")
        else:
            local = moment.astimezone(BRUSSELS)
            early = local.replace(tzinfo=None).replace(tzinfo=BRUSSELS, fold=0)
            late = local.replace(tzinfo=None).replace(tzinfo=BRUSSELS, fold=1)
            text = local.isoformat() if early.utcoffset() != late.utcoffset() else local.replace(tzinfo=None).isoformat()
        return instant_variant(text, variant)

    low = int((min_value - EPOCH).total_seconds())
    high = int((max_value - EPOCH).total_seconds())
    variants = st.one_of(st.just(0), st.integers(0, len(VARIANTS) - 1))
    return st.tuples(st.integers(low, high), st.sampled_from([0, 0, 1, 2]), variants).map(render)


def brussels_day(text: str) -> dt.date:
    """The Brussels date of an instant written as the contract writes it (no offset: the
    date written, Brussels local time). The date a participant's age is counted on; read by
    the library's own reader, the one home of the grammar."""
    try:
        moment = read_application({"submitted_at": text}).submitted_at
    except InputError:
        moment = None
    if moment is None:
        raise ValueError(f"not an instant as the contract writes it: {text!r}")
    return local_date(moment)


#: Ways of writing the same instant that the contract accepts (variant 0: as isoformat writes it).
VARIANTS = ("plain", "space", "minutes", "millis", "nanos", "spaces-around")


def instant_variant(text: str, variant: int) -> str:
    """``text`` (``YYYY-MM-DDTHH:MM:SS`` and an optional offset) written another accepted way."""
    how = VARIANTS[variant]
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


@cache
def _records(on: dt.date) -> tuple:
    records = register.on(on)
    if not records:
        raise InvalidArgument(f"the register has no figures for {on}; it holds {', '.join(map(str, REGISTER_DATES))}")
    return records


def nis_codes(on: dt.date = REGISTER_DATES[0]) -> tuple[str, ...]:
    """The NIS codes of the register on ``on``."""
    return tuple(record.nis_code for record in _records(on))


def municipalities(
    on: dt.date = REGISTER_DATES[0], min_population: int | None = None, max_population: int | None = None, population: str = "any"
) -> st.SearchStrategy[dict]:
    """Real municipalities from the bundled register (figures of 1 January ``on``).

    ``min_population``/``max_population`` (inclusive) filter them by the register's
    population. ``population``: ``"given"`` writes the register's figure in the document,
    ``"omitted"`` leaves it out (the library then takes it from the register by NIS code),
    ``"any"`` does either.
    """
    if population not in ("any", "given", "omitted"):
        raise InvalidArgument('population is "any", "given" or "omitted"')
    records = [
        r
        for r in _records(on)
        if (min_population is None or r.population >= min_population)
        and (max_population is None or r.population <= max_population)
    ]
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


#: The extension fields of an organisation (applicant or partner) that ``fields=`` may ask for.
ORGANISATION_FIELDS = ("legal_personality", "experience")


def organisations(
    kinds: Sequence[str] | None = None,
    municipality: st.SearchStrategy[dict] | None = None,
    on: dt.date = REGISTER_DATES[0],
    fields: Iterable[str] = (),
) -> st.SearchStrategy[dict]:
    """An applicant: ``name``, ``kind`` (one of ``kinds``, default any) and ``municipality``
    (default :func:`municipalities`); a community commission also names its ``commission``.
    ``fields`` adds extension fields (``legal_personality``, ``experience``: the experience
    the applicant declares, distinct values) with valid values."""
    kinds = tuple(kinds) if kinds is not None else _KINDS
    _check_choices("kinds", kinds, _KINDS)
    fields = tuple(fields)
    if fields:
        _check_choices("fields", fields, ORGANISATION_FIELDS)
    place = municipality if municipality is not None else municipalities(on)
    extra = {name: field_values(None, f"applicant.{name}") for name in fields}

    @st.composite
    def build(draw) -> dict:
        kind = draw(st.sampled_from(kinds))
        where = draw(place)
        document = {
            "name": f"{_LABELS[kind]} {where.get('name', where.get('nis_code', ''))}".strip(),
            "kind": kind,
            "municipality": where,
        }
        if kind == "community_commission":
            document["commission"] = draw(st.sampled_from([c.value for c in Commission]))
        for name, values in extra.items():
            document[name] = draw(values)
        return document

    return build()


def partners(
    kinds: Sequence[str] | None = None,
    roles: Sequence[str] | None = None,
    municipality: st.SearchStrategy[dict] | None = None,
    on: dt.date = REGISTER_DATES[0],
    fields: Iterable[str] = (),
) -> st.SearchStrategy[dict]:
    """A partner: an organisation (see :func:`organisations`, and its ``fields``) with a
    ``role`` (one of ``roles``, default any, ``coaching`` most often)."""
    roles = tuple(roles) if roles is not None else ("coaching", "coaching", "co_applicant", "other")
    _check_choices("roles", roles, _ROLES)
    return st.tuples(organisations(kinds, municipality, on, fields), st.sampled_from(roles)).map(
        lambda pair: {**pair[0], "role": pair[1]}
    )


# -- people ---------------------------------------------------------------------------------------


def nationalities(
    third_country: bool | None = None, on: dt.date | None = None, size: int | None = None
) -> st.SearchStrategy[list]:
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
        assert on is not None  # refused above
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


def participants(
    third_country: bool | None = None,
    residences: Sequence[str] | None = None,
    on: dt.date | None = None,
    fields: Iterable[str] = (),
) -> st.SearchStrategy[dict]:
    """A participant: ``id``, ``nationalities`` (see :func:`nationalities`) and
    ``residence`` (one of ``residences``, default any). ``fields`` adds extension fields
    (``birth_date``, ``gender``, ``low_literate``, ``young_children``, ``first_language``,
    ``education_level``) with valid values."""
    residences = tuple(residences) if residences is not None else _RESIDENCES
    _check_choices("residences", residences, _RESIDENCES)
    extra = {name: field_values("participants", name) for name in fields if name not in ("id", "nationalities", "residence")}
    return st.fixed_dictionaries(
        {
            "id": st.integers(1, 999).map(lambda n: f"P-{n:03d}"),
            "nationalities": nationalities(third_country, on),
            "residence": st.sampled_from(residences),
            **extra,
        }
    )


# -- budgets --------------------------------------------------------------------------------------


def budgets(
    min_total: str = "1000.00",
    max_total: str = "5000000.00",
    amif_share: tuple[str, str] = ("0", "1"),
    pod_mi_share: tuple[str, str] = ("0", "0.3"),
    extra: Iterable[str] = (),
) -> st.SearchStrategy[dict]:
    """A budget: ``total_eligible_cost`` within the bounds, ``amif`` and
    ``cofinancing.pod_mi`` as shares of it within the given (inclusive) ranges, and
    ``cofinancing.own`` for the rest when there is any. Shares at the ends of the ranges
    occur often. ``extra`` adds other money fields (``grant``, ``cofinancing.other``,
    ``cofinancing.flemish_government``)."""
    a_low, a_high = (Decimal(x) for x in amif_share)
    p_low, p_high = (Decimal(x) for x in pod_mi_share)

    def share(low: Decimal, high: Decimal) -> st.SearchStrategy[Decimal]:
        return st.one_of(
            st.sampled_from([low, high]), st.integers(0, 10_000).map(lambda n: low + (high - low) * Decimal(n) / 10_000)
        )

    @st.composite
    def build(draw) -> dict:
        total = _cents(draw(money(min_total, max_total)))
        amif = int(total * draw(share(a_low, a_high)) // 1)
        pod = int(total * draw(share(p_low, p_high)) // 1)
        document: dict = {
            "total_eligible_cost": euro_text(total),
            "amif": euro_text(amif),
            "cofinancing": {"pod_mi": euro_text(pod)},
        }
        own = total - amif - pod
        if own > 0:
            document["cofinancing"]["own"] = euro_text(own)
        for path in extra:
            put(document, tuple(path.split(".")), draw(money("0.00", max_total)))
        return document

    return build()


# -- any field ------------------------------------------------------------------------------------


def field_values(scope: str | None, path: str, on: dt.date | None = None) -> st.SearchStrategy:
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
        surrogates: tuple[Literal["Cs"]] = ("Cs",)  # annotated: mypy reads a lone ("Cs",) as tuple[str]
        return st.text(st.characters(codec="utf-8", exclude_categories=surrogates), min_size=1, max_size=30)
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
