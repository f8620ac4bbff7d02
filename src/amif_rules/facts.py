"""Application → facts: the typed values rules read, with what the library derives.

Derived here, the same for every engine:
- ``reference_date``: the date given explicitly (``check(on=...)``), otherwise the Brussels
  calendar date of ``submitted_at``; missing when neither is known;
- a municipality's population (and name) from the bundled register, by NIS code and the
  ruleset's register date, when the document gives only the NIS code.

Facts are flat: the root maps paths (``applicant.municipality.population``) to values; each
list (``partners``, ``participants``) maps to element dicts of paths relative to the
element (``municipality.population``). Missing values are absent keys.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

import attrs

from .dates import local_date
from .documents import born_too_late
from .errors import InputError
from .model import Application, Organisation, Participant, Partner
from .reference import register

#: Provenance of a population the register could not give: it has no figures for that date.
NO_REGISTER_YEAR = "no register figures for "


@attrs.frozen
class Facts:
    root: dict[str, Any]
    items: dict[str, tuple[dict[str, Any], ...]]
    #: Where a value came from when the document did not give it, by full input path.
    provenance: dict[str, str]
    #: "on" when the reference date was given explicitly, "submitted_at", or None.
    reference_date_source: str | None
    #: Which lists the document gave (possibly empty), as opposed to left out.
    lists_given: frozenset[str]


@attrs.frozen
class Flat:
    """A document's typed values, flat, before anything is derived (see :func:`derive`).

    ``root`` maps root paths to values; ``partners`` and ``participants`` hold one dict per
    element (paths relative to it), or are None when the document leaves the list out.
    Made by :func:`flatten` from an :class:`Application`, or by :mod:`readgen`'s generated reader straight
    from a plain document; both give equal values for the same document.
    """

    root: dict[str, Any]
    partners: list[dict[str, Any]] | None
    participants: list[dict[str, Any]] | None


def build_facts(application: Application, on: dt.date | None = None, register_date: dt.date | None = None) -> Facts:
    """Flatten an application into facts, deriving the reference date and register values."""
    return derive(flatten(application), on=on, register_date=register_date)


def flatten(application: Application) -> Flat:
    """An application's values as flat typed facts, without derived values."""
    root: dict[str, Any] = {}
    _put(root, "call", application.call)
    _put(root, "submitted_at", application.submitted_at)
    if application.form is not None:
        _put(root, "form.complete", application.form.complete)
        _put(root, "form.signed", application.form.signed)
    if application.applicant is not None:
        _organisation(root, "applicant.", application.applicant)
    if application.budget is not None:
        budget = application.budget
        _put(root, "budget.total_eligible_cost", budget.total_eligible_cost)
        _put(root, "budget.amif", budget.amif)
        _put(root, "budget.grant", budget.grant)
        if budget.cofinancing is not None:
            for name in ("pod_mi", "flemish_government", "own", "other"):
                _put(root, f"budget.cofinancing.{name}", getattr(budget.cofinancing, name))
    _put(root, "duration_months", application.duration_months)
    for name in ("theme", "region", "community"):
        value = getattr(application, name)
        _put(root, name, value.value if value is not None else None)
    _put(root, "results", application.results)
    if application.activities is not None:
        root["activities"] = tuple(activity.value for activity in application.activities)
    _put(root, "commitment_signed", application.commitment_signed)
    if application.documents is not None:
        root["documents"] = tuple(attached.value for attached in application.documents)
    partners = None
    if application.partners is not None:
        partners = []
        for partner in application.partners:
            element: dict[str, Any] = {}
            _organisation(element, "", partner)
            _put(element, "role", partner.role.value if partner.role is not None else None)
            partners.append(element)
    participants = None
    if application.participants is not None:
        participants = [_participant(participant) for participant in application.participants]
    return Flat(root, partners, participants)


def derive(
    flat: Flat, on: dt.date | None = None, register_date: dt.date | None = None, reference_date: dt.date | None = None
) -> Facts:
    """Facts from flat values: the reference date, and register values for municipalities
    given by NIS code alone. Takes ``flat`` over: its dicts become the facts' (no copies).

    ``reference_date``, when the caller has it already: ``on``, else the Brussels date of
    the submission.
    """
    root = flat.root
    provenance: dict[str, str] = {}
    if register_date is not None:
        _register(root, _APPLICANT_KEYS, register_date, provenance, "applicant.municipality.")
    reference_source = None
    if on is not None:
        root["reference_date"] = on
        reference_source = "on"
    else:
        submitted = root.get("submitted_at")
        if submitted is not None:
            root["reference_date"] = reference_date or local_date(submitted)
            reference_source = "submitted_at"
    items: dict[str, tuple[dict[str, Any], ...]] = {}
    lists_given = []
    partners = flat.partners
    if partners is not None:
        lists_given.append("partners")
        if register_date is not None:
            for index, element in enumerate(partners):
                if "municipality.nis_code" in element:
                    _register(element, _ELEMENT_KEYS, register_date, provenance, index)
        items["partners"] = root["partners"] = tuple(partners)
    else:
        items["partners"] = ()
    participants = flat.participants
    if participants is not None:
        _born_in_time(participants, root.get("submitted_at"), on)
        lists_given.append("participants")
        items["participants"] = root["participants"] = tuple(participants)
    else:
        items["participants"] = ()
    return Facts(root, items, provenance, reference_source, frozenset(lists_given))


def _born_in_time(participants: list[dict[str, Any]], submitted: dt.datetime | None, on: dt.date | None) -> None:
    births = [(index, element["birth_date"]) for index, element in enumerate(participants) if "birth_date" in element]
    if births:  # most documents give none: nothing to work out then
        problems = born_too_late(births, submitted, on)
        if problems:
            raise InputError(problems)


#: The keys of a municipality's (NIS code, population, name), in the root and in an element.
_APPLICANT_KEYS = ("applicant.municipality.nis_code", "applicant.municipality.population", "applicant.municipality.name")
_ELEMENT_KEYS = ("municipality.nis_code", "municipality.population", "municipality.name")


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        target[key] = value


def _organisation(target: dict[str, Any], prefix: str, organisation: Organisation | Partner) -> None:
    _put(target, f"{prefix}name", organisation.name)
    _put(target, f"{prefix}kind", organisation.kind.value if organisation.kind is not None else None)
    _put(target, f"{prefix}commission", organisation.commission.value if organisation.commission is not None else None)
    _put(target, f"{prefix}legal_personality", organisation.legal_personality)
    if organisation.experience is not None:
        target[f"{prefix}experience"] = tuple(declared.value for declared in organisation.experience)
    municipality = organisation.municipality
    if municipality is not None:
        _put(target, f"{prefix}municipality.nis_code", municipality.nis_code)
        _put(target, f"{prefix}municipality.name", municipality.name)
        _put(target, f"{prefix}municipality.population", municipality.population)


def _register(
    target: dict[str, Any], keys: tuple[str, str, str], register_date: dt.date, provenance: dict[str, str], where: str | int
) -> None:
    """A municipality's population and name from the register, where the document gave
    its NIS code and not them. ``where``: the municipality's path prefix, or the partner's index."""
    nis_key, population_key, name_key = keys
    nis_code = target.get(nis_key)
    if nis_code is None or (population_key in target and name_key in target):
        return  # nothing to look up, or nothing the register would add
    record = register.lookup(nis_code, register_date)
    prefix = where if isinstance(where, str) else f"partners[{where}].municipality."
    if record is None:
        if population_key not in target and register_date not in register.reference_dates:
            provenance[prefix + "population"] = NO_REGISTER_YEAR + register_date.isoformat()
        return
    if population_key not in target:
        target[population_key] = record.population
        provenance[prefix + "population"] = _register_note(register_date)
    if name_key not in target:
        target[name_key] = record.name_nl
        provenance[prefix + "name"] = _register_note(register_date)


@lru_cache(maxsize=256)
def _register_note(register_date: dt.date) -> str:
    return f"register {register_date.isoformat()}"


def _participant(participant: Participant) -> dict[str, Any]:
    element: dict[str, Any] = {}
    _put(element, "id", participant.id)
    _put(element, "nationalities", participant.nationalities)
    _put(element, "residence", participant.residence.value if participant.residence is not None else None)
    _put(element, "birth_date", participant.birth_date)
    _put(element, "gender", participant.gender.value if participant.gender is not None else None)
    _put(element, "low_literate", participant.low_literate)
    _put(element, "young_children", participant.young_children)
    _put(element, "first_language", participant.first_language)
    _put(element, "education_level", participant.education_level.value if participant.education_level is not None else None)
    return element
