"""The application domain: frozen attrs classes (contract §1).

Every field is optional: a field the document lacks is ``None`` here and *missing* to the
rules (a rule that needs it is ``unknown``, never false). Money is ``Decimal``; instants
are timezone-aware ``datetime``; lists are tuples.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

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


class Experience(str, enum.Enum):
    """Experience the applicant declares an organisation has (the partnership criteria of
    the calls: ``calls-beyond-the-seeds.md``). Read as declared: nothing checks it."""

    ANTI_DISCRIMINATION = "anti_discrimination"  # methods against discrimination and racism, behaviour change (426)
    AMIF_TARGET_GROUP = "amif_target_group"  # working with the AMIF target group (426)
    POLICY_PARTICIPATION = "policy_participation"  # policy participation of hard-to-reach groups, civic sense (427)
    MONITORING_EVALUATION = "monitoring_evaluation"  # monitoring and evaluation instruments (427, lot)
    SOCIAL_NETWORKING = "social_networking"  # social networking and participation trajectories (507)
    SOCIAL_ACTIVATION = "social_activation"  # social activation of newcomers (POD MI)


class Attachment(str, enum.Enum):
    """Documents attached to the request (call 579)."""

    PARTNERSHIP_AGREEMENT = "partnership_agreement"  # signed
    EMPLOYMENT_CONTRACT_ADDENDUM = "employment_contract_addendum"  # completed and signed
    COST_TEMPLATE = "cost_template"  # completed
    PAYMENT_CONFIRMATION = "payment_confirmation"  # the coordinator was paid from regular funds
    PAY_SLIPS = "pay_slips"


STATELESS = "stateless"


@attrs.frozen
class Municipality:
    nis_code: str | None = None
    name: str | None = None
    population: int | None = None


@attrs.frozen
class Organisation:
    name: str | None = None
    kind: OrganisationKind | None = None
    municipality: Municipality | None = None
    commission: Commission | None = None  # which community commission (kind community_commission)
    legal_personality: bool | None = None  # has legal personality (rechtspersoonlijkheid)
    experience: tuple[Experience, ...] | None = None  # as the applicant declares it; distinct


@attrs.frozen
class Partner:
    name: str | None = None
    kind: OrganisationKind | None = None
    municipality: Municipality | None = None
    role: PartnerRole | None = None
    commission: Commission | None = None
    legal_personality: bool | None = None
    experience: tuple[Experience, ...] | None = None


@attrs.frozen
class Participant:
    id: str | None = None
    nationalities: tuple[str, ...] | None = None  # ISO 3166-1 alpha-2, or ("stateless",)
    residence: Residence | None = None
    birth_date: dt.date | None = None
    gender: Gender | None = None
    low_literate: bool | None = None
    young_children: bool | None = None  # has one or more young children
    first_language: str | None = None  # ISO 639-1 code, lower case ("ar", "nl")
    education_level: EducationLevel | None = None


@attrs.frozen
class Form:
    complete: bool | None = None
    signed: bool | None = None


@attrs.frozen
class Cofinancing:
    pod_mi: Decimal | None = None
    flemish_government: Decimal | None = None
    own: Decimal | None = None
    other: Decimal | None = None


@attrs.frozen
class Budget:
    total_eligible_cost: Decimal | None = None
    amif: Decimal | None = None
    cofinancing: Cofinancing | None = None
    grant: Decimal | None = None  # the grant requested, for calls outside AMIF


@attrs.frozen
class Application:
    """One application document (contract §1). Unknown extra fields are not kept."""

    call: str | None = None
    submitted_at: dt.datetime | None = None
    form: Form | None = None
    applicant: Organisation | None = None
    partners: tuple[Partner, ...] | None = None
    participants: tuple[Participant, ...] | None = None
    budget: Budget | None = None
    duration_months: int | None = None
    theme: Theme | None = None
    region: Region | None = None
    community: Community | None = None
    results: tuple[str, ...] | None = None  # the results the project commits to
    activities: tuple[Activity, ...] | None = None
    commitment_signed: bool | None = None  # the promotor signed the call's commitment statement
    documents: tuple[Attachment, ...] | None = None  # the documents attached to the request; distinct
