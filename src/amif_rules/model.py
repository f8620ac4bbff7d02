"""The application domain: frozen attrs classes (contract §1).

Every field is optional: a field the document lacks is ``None`` here and *missing* to the
rules (a rule that needs it is ``unknown``, never false). Money is ``Decimal``; instants
are timezone-aware ``datetime``; lists are tuples.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Optional

import attrs


class OrganisationKind(str, enum.Enum):
    OCMW = "ocmw"
    MUNICIPALITY = "municipality"
    INTERMUNICIPAL = "intermunicipal"
    COMMUNITY_COMMISSION = "community_commission"
    PROVINCE = "province"
    NONPROFIT = "nonprofit"
    COMPANY = "company"
    OTHER = "other"


class PartnerRole(str, enum.Enum):
    COACHING = "coaching"
    CO_APPLICANT = "co_applicant"
    OTHER = "other"


class Residence(str, enum.Enum):
    LEGAL = "legal"
    INTERNATIONAL_PROTECTION = "international_protection"
    RESETTLED = "resettled"
    RELOCATED = "relocated"
    APPLICANT = "applicant"
    IRREGULAR = "irregular"


STATELESS = "stateless"


@attrs.frozen
class Municipality:
    nis_code: Optional[str] = None
    name: Optional[str] = None
    population: Optional[int] = None


@attrs.frozen
class Organisation:
    name: Optional[str] = None
    kind: Optional[OrganisationKind] = None
    municipality: Optional[Municipality] = None


@attrs.frozen
class Partner:
    name: Optional[str] = None
    kind: Optional[OrganisationKind] = None
    municipality: Optional[Municipality] = None
    role: Optional[PartnerRole] = None


@attrs.frozen
class Participant:
    id: Optional[str] = None
    nationalities: Optional[tuple[str, ...]] = None  # ISO 3166-1 alpha-2, or ("stateless",)
    residence: Optional[Residence] = None
    birth_date: Optional[dt.date] = None


@attrs.frozen
class Form:
    complete: Optional[bool] = None
    signed: Optional[bool] = None


@attrs.frozen
class Cofinancing:
    pod_mi: Optional[Decimal] = None
    flemish_government: Optional[Decimal] = None
    own: Optional[Decimal] = None
    other: Optional[Decimal] = None


@attrs.frozen
class Budget:
    total_eligible_cost: Optional[Decimal] = None
    amif: Optional[Decimal] = None
    cofinancing: Optional[Cofinancing] = None


@attrs.frozen
class Application:
    """One application document (contract §1). Unknown extra fields are not kept."""

    call: Optional[str] = None
    submitted_at: Optional[dt.datetime] = None
    form: Optional[Form] = None
    applicant: Optional[Organisation] = None
    partners: Optional[tuple[Partner, ...]] = None
    participants: Optional[tuple[Participant, ...]] = None
    budget: Optional[Budget] = None
    duration_months: Optional[int] = None
