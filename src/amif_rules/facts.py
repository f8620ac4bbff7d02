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
from typing import Any, Optional

import attrs

from .documents import BRUSSELS
from .model import Application, Municipality, Organisation, Partner, Participant
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
    reference_date_source: Optional[str]
    #: Which lists the document gave (possibly empty), as opposed to left out.
    lists_given: frozenset[str]


def build_facts(application: Application, on: Optional[dt.date] = None, register_date: Optional[dt.date] = None) -> Facts:
    """Flatten an application into facts, deriving the reference date and register values."""
    root: dict[str, Any] = {}
    provenance: dict[str, str] = {}
    _put(root, "call", application.call)
    _put(root, "submitted_at", application.submitted_at)
    if application.form is not None:
        _put(root, "form.complete", application.form.complete)
        _put(root, "form.signed", application.form.signed)
    if application.applicant is not None:
        _organisation(root, "applicant.", application.applicant, register_date, provenance, "applicant.")
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

    reference_source = None
    if on is not None:
        root["reference_date"] = on
        reference_source = "on"
    elif application.submitted_at is not None:
        root["reference_date"] = application.submitted_at.astimezone(BRUSSELS).date()
        reference_source = "submitted_at"

    items: dict[str, tuple[dict[str, Any], ...]] = {}
    lists_given = set()
    partners: list[dict[str, Any]] = []
    if application.partners is not None:
        lists_given.add("partners")
        root["partners"] = application.partners
        for index, partner in enumerate(application.partners):
            element: dict[str, Any] = {}
            _organisation(element, "", partner, register_date, provenance, f"partners[{index}].")
            _put(element, "role", partner.role.value if partner.role is not None else None)
            partners.append(element)
    items["partners"] = tuple(partners)
    participants: list[dict[str, Any]] = []
    if application.participants is not None:
        lists_given.add("participants")
        root["participants"] = application.participants
        for participant in application.participants:
            participants.append(_participant(participant))
    items["participants"] = tuple(participants)
    return Facts(root, items, provenance, reference_source, frozenset(lists_given))


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        target[key] = value


def _organisation(target: dict[str, Any], prefix: str, organisation: Organisation | Partner,
                  register_date: Optional[dt.date], provenance: dict[str, str], full_prefix: str) -> None:
    _put(target, f"{prefix}name", organisation.name)
    _put(target, f"{prefix}kind", organisation.kind.value if organisation.kind is not None else None)
    _put(target, f"{prefix}commission", organisation.commission.value if organisation.commission is not None else None)
    municipality = organisation.municipality
    if municipality is None:
        return
    _municipality(target, f"{prefix}municipality.", municipality, register_date, provenance, f"{full_prefix}municipality.")


def _municipality(target: dict[str, Any], prefix: str, municipality: Municipality, register_date: Optional[dt.date],
                  provenance: dict[str, str], full_prefix: str) -> None:
    _put(target, f"{prefix}nis_code", municipality.nis_code)
    _put(target, f"{prefix}name", municipality.name)
    _put(target, f"{prefix}population", municipality.population)
    if municipality.nis_code is None or register_date is None:
        return
    record = register.lookup(municipality.nis_code, register_date)
    if record is None:
        if municipality.population is None and register_date not in register.reference_dates:
            provenance[f"{full_prefix}population"] = NO_REGISTER_YEAR + register_date.isoformat()
        return
    if municipality.population is None:
        target[f"{prefix}population"] = record.population
        provenance[f"{full_prefix}population"] = f"register {register_date.isoformat()}"
    if municipality.name is None:
        target[f"{prefix}name"] = record.name_nl
        provenance[f"{full_prefix}name"] = f"register {register_date.isoformat()}"


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
