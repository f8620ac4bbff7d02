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


class Gender(str, enum.Enum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class EducationLevel(str, enum.Enum):
    """ISCED levels grouped as in Flemish statistics: low 0-2, medium 3-4, high 5-8."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Theme(str, enum.Enum):
    """What a project is about: it decides which authority handles it (routing)."""

    ASYLUM = "asylum"
    RECEPTION = "reception"
    RETURN = "return"
    LEGAL_MIGRATION = "legal_migration"
    INTEGRATION = "integration"
    SOCIAL_ACTIVATION = "social_activation"
    UNION_ACTION = "union_action"
    OTHER = "other"


class Region(str, enum.Enum):
    FLANDERS = "flanders"
    WALLONIA = "wallonia"
    BRUSSELS = "brussels"


class Community(str, enum.Enum):
    """The language community a project in Brussels works in."""

    FLEMISH = "flemish"
    FRENCH = "french"
    GERMAN = "german"


class Commission(str, enum.Enum):
    """The community commissions of Brussels."""

    VGC = "vgc"
    COCOF = "cocof"
    GGC = "ggc"


class Activity(str, enum.Enum):
    BUDDY = "buddy"
    VOLUNTEERING = "volunteering"
    LOCAL_ASSOCIATIONS = "local_associations"
    LANGUAGE = "language"
    TRAINING = "training"
    EDUCATION = "education"
    LEISURE = "leisure"
    OTHER = "other"


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
    commission: Optional[Commission] = None  # which community commission (kind community_commission)


@attrs.frozen
class Partner:
    name: Optional[str] = None
    kind: Optional[OrganisationKind] = None
    municipality: Optional[Municipality] = None
    role: Optional[PartnerRole] = None
    commission: Optional[Commission] = None


@attrs.frozen
class Participant:
    id: Optional[str] = None
    nationalities: Optional[tuple[str, ...]] = None  # ISO 3166-1 alpha-2, or ("stateless",)
    residence: Optional[Residence] = None
    birth_date: Optional[dt.date] = None
    gender: Optional[Gender] = None
    low_literate: Optional[bool] = None
    young_children: Optional[bool] = None  # has one or more young children
    first_language: Optional[str] = None  # ISO 639-1 code, lower case ("ar", "nl")
    education_level: Optional[EducationLevel] = None


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
    grant: Optional[Decimal] = None  # the grant requested, for calls outside AMIF


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
    theme: Optional[Theme] = None
    region: Optional[Region] = None
    community: Optional[Community] = None
    results: Optional[tuple[str, ...]] = None  # the results the project commits to
    activities: Optional[tuple[Activity, ...]] = None
