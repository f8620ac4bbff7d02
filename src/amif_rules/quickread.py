"""The common case, read in one pass: a plain document straight to flat facts.

Most documents a portal sends are plain ``dict``s of known fields with nothing wrong in
them. For those, building the attrs model first (``documents.read_application``) and then
flattening it (``facts.flatten``) costs more than the rules themselves. :func:`quick_flat`
walks such a document once and writes the same flat facts directly.

It accepts only what it can read exactly as the full reader does, with the full reader's
own checks (``documents.Reader``). Anything else (a problem, a value of an unusual type, a
tuple instead of a list, an unknown field holding an object) makes it return None, and
the caller takes the long way, which accepts the same documents, and names every problem
by its path. ``tests/pipeline/test_quickread.py`` holds the two ways to the same facts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from . import limits, model, schema
from .documents import NIS_CODE, Reader, has_surrogates, is_blank, members
from .facts import Flat
from .reference import COUNTRY_CODES, LANGUAGE_CODES

#: Types an unknown field may hold and still be read here (the full reader ignores them).
_PLAIN_SCALARS = frozenset({str, int, bool, type(None)})
#: More keys than this in one object: the full reader's size checks decide.
_MAX_KEYS = 64
#: The most values (as ``documents._depth`` counts them) that a participant or a partner
#: read here can hold: itself, its keys, its nationalities or its municipality's keys.
_VALUES_PER_PARTICIPANT = 1 + _MAX_KEYS + limits.MAX_NATIONALITIES
_VALUES_PER_PARTNER = 1 + 2 * _MAX_KEYS + limits.MAX_DECLARED_ITEMS
#: What is left of the document's bound after everything else this reader accepts (the
#: root, form, applicant, budget, co-financing, results, activities, the applicant's
#: experience and the documents attached, at most).
_VALUES_LEFT = limits.MAX_DOCUMENT_VALUES - (1 + 7 * _MAX_KEYS + 2 * limits.MAX_LIST_ITEMS + 2 * limits.MAX_DECLARED_ITEMS)

_KIND = members(model.OrganisationKind)
_ROLE = members(model.PartnerRole)
_COMMISSION = members(model.Commission)
_RESIDENCE = members(model.Residence)
_GENDER = members(model.Gender)
_EDUCATION = members(model.EducationLevel)
_ROOT_CHOICES = (("theme", members(model.Theme)), ("region", members(model.Region)), ("community", members(model.Community)))
_ACTIVITY = members(model.Activity)
_EXPERIENCE = members(model.Experience)
_ATTACHMENT = members(model.Attachment)
_MAX_TEXT = limits.MAX_STRING_LENGTH

_ROOT_KEYS = frozenset(schema.TOP_LEVEL)
_FORM_KEYS = frozenset({"complete", "signed"})
_ORGANISATION_KEYS = frozenset({"name", "kind", "municipality", "commission", "legal_personality", "experience"})
_PARTNER_KEYS = _ORGANISATION_KEYS | {"role"}
_MUNICIPALITY_KEYS = frozenset({"nis_code", "name", "population"})
_BUDGET_KEYS = frozenset({"total_eligible_cost", "amif", "cofinancing", "grant"})
_COFINANCING = ("pod_mi", "flemish_government", "own", "other")
_COFINANCING_KEYS = frozenset(_COFINANCING)
#: An amount with exactly two decimals and few enough digits before them to be below
#: limits.MAX_MONEY_EUROS: the common case, read without the reader's general path.
_CENTS = re.compile(r"[0-9]{1,%d}\.[0-9]{2}" % (len(str(limits.MAX_MONEY_EUROS)) - 1))
_COMMON_PARTICIPANT_KEYS = frozenset({"id", "nationalities", "residence"})
_PARTICIPANT_KEYS = frozenset(
    {
        "id",
        "nationalities",
        "residence",
        "birth_date",
        "gender",
        "low_literate",
        "young_children",
        "first_language",
        "education_level",
    }
)


class _Slow(Exception):
    """Not a document for the quick way: take the long one."""


def quick_flat(document: Any) -> Flat | None:
    """The flat facts of a plain, valid document; None when the full reader must decide."""
    if type(document) is not dict:
        return None
    try:
        return _application(document, Reader())
    except _Slow:
        return None


def _object(value: Any, known: frozenset[str]) -> dict[str, Any] | None:
    """A plain dict whose unknown keys hold only plain scalars, or None for ``null``."""
    if value is None:
        return None
    if type(value) is not dict or len(value) > _MAX_KEYS:
        raise _Slow
    if not known.issuperset(value):
        for key, inner in value.items():
            if key not in known and (type(key) is not str or type(inner) not in _PLAIN_SCALARS):
                raise _Slow
    return value


def _list(value: Any, maximum: int) -> list[Any] | None:
    if value is None:
        return None
    if type(value) is not list or len(value) > maximum:
        raise _Slow
    return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) is not str or len(value) > _MAX_TEXT or (not value.isascii() and has_surrogates(value)):
        raise _Slow
    return value


def _choice(value: Any, choices: Mapping[str, object]) -> str | None:
    if value is None:
        return None
    if type(value) is not str or value not in choices:
        raise _Slow
    return value


def _boolean(value: Any) -> bool | None:
    if value is None or value is True or value is False:
        return value
    raise _Slow


def _integer(value: Any, maximum: int) -> int | None:
    if value is None:
        return None
    if type(value) is not int or not 0 <= value <= maximum:
        raise _Slow
    return value


def _distinct(value: Any, choices: Mapping[str, object]) -> tuple[str, ...] | None:
    """A list of distinct choices (``experience``, ``documents``), as ``documentparts`` reads it."""
    items = _list(value, limits.MAX_DECLARED_ITEMS)
    if items is None:
        return None
    for item in items:
        if type(item) is not str or item not in choices:
            raise _Slow
    if len(set(items)) != len(items):
        raise _Slow
    return tuple(items)


def _checked(value: Any, reader: Reader) -> Any:
    if reader.problems:
        raise _Slow
    return value


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        target[key] = value


def _application(data: dict[str, Any], reader: Reader) -> Flat:
    _object(data, _ROOT_KEYS)
    root: dict[str, Any] = {}
    get = data.get
    _put(root, "call", _text(get("call")))
    submitted = get("submitted_at")
    if submitted is not None:
        if type(submitted) is not str:
            raise _Slow
        root["submitted_at"] = _checked(reader.instant(submitted, ""), reader)
    form = _object(get("form"), _FORM_KEYS)
    if form is not None:
        _put(root, "form.complete", _boolean(form.get("complete")))
        _put(root, "form.signed", _boolean(form.get("signed")))
    applicant = _object(get("applicant"), _ORGANISATION_KEYS)
    if applicant is not None:
        _organisation(root, _APPLICANT_KEYS, applicant)
    budget = _object(get("budget"), _BUDGET_KEYS)
    if budget is not None:
        _money(root, "budget.total_eligible_cost", budget.get("total_eligible_cost"), reader)
        _money(root, "budget.amif", budget.get("amif"), reader)
        _money(root, "budget.grant", budget.get("grant"), reader)
        cofinancing = _object(budget.get("cofinancing"), _COFINANCING_KEYS)
        if cofinancing is not None:
            for name in _COFINANCING:
                _money(root, "budget.cofinancing." + name, cofinancing.get(name), reader)
    _put(root, "duration_months", _integer(get("duration_months"), limits.MAX_DURATION_MONTHS))
    for name, choices in _ROOT_CHOICES:
        _put(root, name, _choice(get(name), choices))
    results = _list(get("results"), limits.MAX_LIST_ITEMS)
    if results is not None:
        texts = tuple(_text(item) for item in results)
        if any(text is None or is_blank(text) for text in texts):
            raise _Slow
        root["results"] = texts
    activities = _list(get("activities"), limits.MAX_LIST_ITEMS)
    if activities is not None:
        chosen = tuple(_choice(item, _ACTIVITY) for item in activities)
        if None in chosen:
            raise _Slow
        root["activities"] = chosen
    _put(root, "commitment_signed", _boolean(get("commitment_signed")))
    _put(root, "documents", _distinct(get("documents"), _ATTACHMENT))

    partners = _list(get("partners"), limits.MAX_PARTNERS)
    participants = _list(get("participants"), limits.MAX_PARTICIPANTS)
    if _VALUES_PER_PARTICIPANT * len(participants or ()) + _VALUES_PER_PARTNER * len(partners or ()) > _VALUES_LEFT:
        raise _Slow  # it might hold more values than the full reader allows: let it count them
    partner_facts = None
    if partners is not None:
        partner_facts = []
        for value in partners:
            partner = _object(value, _PARTNER_KEYS)
            if partner is None:
                raise _Slow
            element: dict[str, Any] = {}
            _organisation(element, _PARTNER_FACT_KEYS, partner)
            _put(element, "role", _choice(partner.get("role"), _ROLE))
            partner_facts.append(element)
    participant_facts = None
    if participants is not None:
        participant_facts = [_participant(value, reader) for value in participants]
    return Flat(root, partner_facts, participant_facts)


def _money(target: dict[str, Any], key: str, value: Any, reader: Reader) -> None:
    if value is None:
        return
    if type(value) is str and _CENTS.fullmatch(value):
        # "1234.56": already in cents and below the bound; Decimal keeps its two decimals,
        # which is what the reader's quantize would give.
        target[key] = Decimal(value)
        return
    if type(value) not in (str, int, Decimal):
        raise _Slow
    target[key] = _checked(reader.money(value, ""), reader)


def _organisation(target: dict[str, Any], keys: tuple[str, ...], data: dict[str, Any]) -> None:
    # The checks of _text, _choice, _object and _integer written out: this runs for the
    # applicant and every partner.
    name_key, kind_key, commission_key, legal_key, experience_key, nis_key, municipality_name_key, population_key = keys
    get = data.get
    name = get("name")
    if name is not None:
        if type(name) is not str or len(name) > _MAX_TEXT or (not name.isascii() and has_surrogates(name)):
            raise _Slow
        target[name_key] = name
    kind = get("kind")
    if kind is not None:
        if type(kind) is not str or kind not in _KIND:
            raise _Slow
        target[kind_key] = kind
    commission = get("commission")
    if commission is not None:
        if type(commission) is not str or commission not in _COMMISSION:
            raise _Slow
        target[commission_key] = commission
    legal = get("legal_personality")
    if legal is not None:
        if legal is not True and legal is not False:
            raise _Slow
        target[legal_key] = legal
    experience = get("experience")
    if experience is not None:
        target[experience_key] = _distinct(experience, _EXPERIENCE)
    municipality = get("municipality")
    if municipality is None:
        return
    if type(municipality) is not dict or len(municipality) > _MAX_KEYS:
        raise _Slow
    if not _MUNICIPALITY_KEYS.issuperset(municipality):
        _object(municipality, _MUNICIPALITY_KEYS)
    get = municipality.get
    nis_code = get("nis_code")
    if nis_code is not None:
        if type(nis_code) is not str or not NIS_CODE.fullmatch(nis_code):
            raise _Slow
        target[nis_key] = nis_code
    name = get("name")
    if name is not None:
        if type(name) is not str or len(name) > _MAX_TEXT or (not name.isascii() and has_surrogates(name)):
            raise _Slow
        target[municipality_name_key] = name
    population = get("population")
    if population is not None:
        if type(population) is not int or not 0 <= population <= limits.MAX_POPULATION:
            raise _Slow
        target[population_key] = population


def _keys(prefix: str) -> tuple[str, ...]:
    return tuple(
        prefix + name
        for name in (
            "name",
            "kind",
            "commission",
            "legal_personality",
            "experience",
            "municipality.nis_code",
            "municipality.name",
            "municipality.population",
        )
    )


_APPLICANT_KEYS = _keys("applicant.")
_PARTNER_FACT_KEYS = _keys("")


def _participant(data: Any, reader: Reader) -> dict[str, Any]:
    # The checks of _object, _text and _choice written out: this runs for every participant.
    if type(data) is not dict or len(data) > _MAX_KEYS:
        raise _Slow
    common = _COMMON_PARTICIPANT_KEYS.issuperset(data)
    if not common:
        _object(data, _PARTICIPANT_KEYS)
    element: dict[str, Any] = {}
    get = data.get
    identifier = get("id")
    if identifier is not None:
        if (
            type(identifier) is not str
            or len(identifier) > _MAX_TEXT
            or (not identifier.isascii() and has_surrogates(identifier))
        ):
            raise _Slow
        element["id"] = identifier
    codes = get("nationalities")
    if codes is not None:
        if type(codes) is not list or not 0 < len(codes) <= limits.MAX_NATIONALITIES:
            raise _Slow
        for code in codes:
            if type(code) is not str or code not in COUNTRY_CODES:
                if code != model.STATELESS or len(codes) > 1:
                    raise _Slow
        if len(codes) > 1 and len(set(codes)) != len(codes):
            raise _Slow
        element["nationalities"] = tuple(codes)
    residence = get("residence")
    if residence is not None:
        if type(residence) is not str or residence not in _RESIDENCE:
            raise _Slow
        element["residence"] = residence
    if not common:  # the rest is rarely given
        birth_date = get("birth_date")
        if birth_date is not None:
            if type(birth_date) is not str:
                raise _Slow
            element["birth_date"] = _checked(reader.date(birth_date, ""), reader)
        _put(element, "gender", _choice(get("gender"), _GENDER))
        _put(element, "low_literate", _boolean(get("low_literate")))
        _put(element, "young_children", _boolean(get("young_children")))
        language = get("first_language")
        if language is not None:
            if type(language) is not str or language not in LANGUAGE_CODES:
                raise _Slow
            element["first_language"] = language
        _put(element, "education_level", _choice(get("education_level"), _EDUCATION))
    return element
