"""The typed catalogue of what rules may read: every field path of the application model,
the lists a rule may iterate over, and the derived values the library computes.

The expression checker uses it to reject unknown paths and type errors when a ruleset is
loaded; the facts layer and the verdict use it to encode and show values.
"""

from __future__ import annotations

import enum

import attrs

from .model import (
    Activity,
    Attachment,
    Commission,
    Community,
    EducationLevel,
    Experience,
    Gender,
    OrganisationKind,
    PartnerRole,
    Region,
    Residence,
    Theme,
)

#: Value types of the expression language.
TEXT, ENUM, INT, MONEY, DECIMAL, BOOL, INSTANT, DATE, CODES, TEXTS, LIST = (
    "text",
    "enum",
    "int",
    "money",
    "decimal",
    "bool",
    "instant",
    "date",
    "codes",
    "texts",
    "list",
)
NUMERIC = frozenset({INT, MONEY, DECIMAL})


@attrs.frozen
class FieldType:
    """The type of a field or expression. ``choices`` for enums; ``scope`` for lists."""

    kind: str
    choices: tuple[str, ...] = ()
    scope: str | None = None

    def __str__(self) -> str:
        if self.kind == ENUM:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        names = {
            TEXT: "text",
            INT: "whole number",
            MONEY: "amount in euro",
            DECIMAL: "number",
            BOOL: "true/false",
            INSTANT: "date-time",
            DATE: "date",
            CODES: "list of country codes",
            TEXTS: "list of texts",
            LIST: "list",
            "list-of-text": "list of texts",
        }
        return names.get(self.kind, self.kind)

    @property
    def a(self) -> str:
        """The type with its article, for messages: "an amount in euro", "a date"."""
        if self.kind == ENUM:
            return f"a choice ({self})"
        text = str(self)
        return ("an " if text[0] in "aeiou" else "a ") + text

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC


def _enum(enum_type: type[enum.Enum]) -> FieldType:
    return FieldType(ENUM, tuple(member.value for member in enum_type))


_ORGANISATION = {
    "name": FieldType(TEXT),
    "kind": _enum(OrganisationKind),
    "municipality.nis_code": FieldType(TEXT),
    "municipality.name": FieldType(TEXT),
    "municipality.population": FieldType(INT),
    "commission": _enum(Commission),
    "legal_personality": FieldType(BOOL),
    "experience": FieldType(TEXTS, tuple(member.value for member in Experience)),
}

#: Fields of the document root, by path.
ROOT_FIELDS: dict[str, FieldType] = {
    "call": FieldType(TEXT),
    "submitted_at": FieldType(INSTANT),
    "form.complete": FieldType(BOOL),
    "form.signed": FieldType(BOOL),
    **{f"applicant.{path}": kind for path, kind in _ORGANISATION.items()},
    "budget.total_eligible_cost": FieldType(MONEY),
    "budget.amif": FieldType(MONEY),
    "budget.cofinancing.pod_mi": FieldType(MONEY),
    "budget.cofinancing.flemish_government": FieldType(MONEY),
    "budget.cofinancing.own": FieldType(MONEY),
    "budget.cofinancing.other": FieldType(MONEY),
    "budget.grant": FieldType(MONEY),
    "duration_months": FieldType(INT),
    "theme": _enum(Theme),
    "region": _enum(Region),
    "community": _enum(Community),
    "results": FieldType(TEXTS),
    "activities": FieldType(TEXTS, tuple(member.value for member in Activity)),
    "commitment_signed": FieldType(BOOL),
    "documents": FieldType(TEXTS, tuple(member.value for member in Attachment)),
    "partners": FieldType(LIST, scope="partners"),
    "participants": FieldType(LIST, scope="participants"),
}

#: The top-level fields of a document, in the order contract §1 writes them (the extension
#: fields last): what the reader knows, and the "document order" questions are asked in.
TOP_LEVEL = (
    "call",
    "submitted_at",
    "form",
    "applicant",
    "partners",
    "participants",
    "budget",
    "duration_months",
    "theme",
    "region",
    "community",
    "results",
    "activities",
    "commitment_signed",
    "documents",
)

#: Fields of the elements of each list a rule may iterate over (``for_each``), by path
#: relative to the element (written ``item.<path>`` in expressions).
SCOPE_FIELDS: dict[str, dict[str, FieldType]] = {
    "partners": {**_ORGANISATION, "role": _enum(PartnerRole)},
    "participants": {
        "id": FieldType(TEXT),
        "nationalities": FieldType(CODES),
        "residence": _enum(Residence),
        "birth_date": FieldType(DATE),
        "gender": _enum(Gender),
        "low_literate": FieldType(BOOL),
        "young_children": FieldType(BOOL),
        "first_language": FieldType(TEXT),
        "education_level": _enum(EducationLevel),
    },
}

#: Values the library derives for every document.
#: ``reference_date``: the date rules are evaluated on: the date given to ``check(on=...)``,
#: otherwise the Brussels calendar date of ``submitted_at``.
DERIVED_ROOT: dict[str, FieldType] = {"reference_date": FieldType(DATE)}

#: Names a path may start with at the document root.
ROOT_HEADS = frozenset(path.split(".")[0] for path in ROOT_FIELDS) | frozenset(DERIVED_ROOT)


def root_field(path: str) -> FieldType | None:
    return ROOT_FIELDS.get(path) or DERIVED_ROOT.get(path)


def scope_field(scope: str, path: str) -> FieldType | None:
    return SCOPE_FIELDS.get(scope, {}).get(path)


def root_prefixes() -> frozenset[str]:
    """Every proper prefix of a root path (``applicant``, ``applicant.municipality``...)."""
    prefixes: set[str] = set()
    for path in ROOT_FIELDS:
        parts = path.split(".")
        prefixes.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return frozenset(prefixes)


def scope_prefixes(scope: str) -> frozenset[str]:
    prefixes: set[str] = set()
    for path in SCOPE_FIELDS.get(scope, {}):
        parts = path.split(".")
        prefixes.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return frozenset(prefixes)
