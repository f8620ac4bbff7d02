"""The fact keys of a compiled ruleset: what each one reads, and which values it can take.

Compiled conditions compare *keys* (``applicant.municipality.population``, ``item.birth_date``
of a list element, ``fn:age_on(...)`` for a derived value); a :class:`Key` says where one
comes from in a document and, through :mod:`amif_rules.domains`, its values. :class:`PlanKeys`
finds them in a :class:`~amif_rules.compiler.Plan`, for the linter (per rule scope) and for
the testing kit (one table per ruleset).
"""

from __future__ import annotations

from typing import cast

import attrs

from .. import domains, expr, schema
from ..compiler import UNRESOLVED_KEY, Plan
from ..schema import TEXT, FieldType

#: A key as a search variable: (the list it belongs to, or None for the root; the fact key).
VarId = tuple

_TEXT = FieldType(TEXT)


@attrs.frozen
class Key:
    """One fact key of a compiled ruleset: where its value comes from.

    ``scope`` is None for the document root, or the list name (``partners``); ``path`` is the
    field path (relative to the element in a scope), ``""`` for a derived key; ``call`` is the
    function call of a derived key (``age_on(item.birth_date, reference_date)``), None for a
    plain field. The key of a dated parameter with no date to pick its value by
    (``UNRESOLVED_KEY``) is of kind ``unresolved``.
    """

    key: str
    scope: str | None
    path: str
    type: FieldType
    call: expr.Call | None = None

    @property
    def derived(self) -> bool:
        return self.call is not None

    @property
    def kind(self) -> str:
        """The schema kind of its values (``money``, ``date``...), or ``unresolved``."""
        return "unresolved" if self.key == UNRESOLVED_KEY else self.type.kind

    @property
    def args(self) -> tuple:
        """The arguments of a derived key's call (none for a plain field)."""
        return self.call.args if self.call is not None else ()

    @property
    def choices(self) -> tuple:
        return self.type.choices

    @property
    def domain(self) -> domains.Bounds | None:
        """Every encoded value it can take in a valid document, or more (None: not numeric)."""
        return domains.safe(self.kind, self.path, self.call)

    @property
    def numeric(self) -> bool:
        return self.domain is not None

    @property
    def bounds(self) -> domains.Bounds:
        """:attr:`domain`, of a key its caller knows to be numeric (not checked again)."""
        return cast(domains.Bounds, self.domain)

    @property
    def plausible(self) -> domains.Bounds | None:
        """The encoded values it takes in generated documents (None: not numeric)."""
        return domains.plausible(self.type.kind, self.path, self.call)

    @property
    def typical(self) -> int | None:
        """An ordinary encoded value, when it is numeric (see :func:`amif_rules.domains.typical`)."""
        return domains.typical(self.kind, self.path, self.call)

    def document_path(self, item: int | None = None) -> str:
        """The input path as the verdict writes it (``partners[0].municipality.population``;
        ``partners[].…`` without ``item``; the call for a derived key)."""
        if self.call is not None:
            return self.key[3:] if self.key.startswith("fn:") else self.key
        if self.scope is None:
            return self.path or self.key
        where = f"{self.scope}[{item}]" if item is not None else f"{self.scope}[]"
        return f"{where}.{self.path}"


class PlanKeys:
    """The keys a plan encodes: root fields, fields of list elements, derived values."""

    def __init__(self, plan: Plan):
        self.root = {key: (path, kind) for key, path, kind in plan.root_keys}
        self.scoped: dict[str | None, dict[str, tuple[str, FieldType]]] = {
            scope: {key: (path, kind) for key, path, kind in entries} for scope, entries in plan.scope_keys.items()
        }
        self.derived = {d.key: d for d in plan.derivations}
        self.plan = plan

    def table(self) -> dict[str, Key]:
        """Every key by name: the root's, then each list's, then the derived ones (an element
        key of two lists, ``item.population``, is the last list's)."""
        keys: dict[str, Key] = {}
        for key, path, kind in self.plan.root_keys:
            keys[key] = Key(key, None, path, kind)
        for scope, entries in self.plan.scope_keys.items():
            for key, path, kind in entries:
                keys[key] = Key(key, scope, path, kind)
        for derivation in self.plan.derivations:
            keys[derivation.key] = Key(derivation.key, derivation.scope, "", derivation.node.type, derivation.node)
        return keys

    def in_rule(self, scope: str | None, key: str) -> Key:
        """Key ``key`` as a rule over ``scope`` reads it: an element key in that list, a derived
        key of an element in that list; a key the plan does not encode is a root field."""
        if key == UNRESOLVED_KEY:
            return Key(key, None, "", _TEXT)
        if key in self.derived:
            derivation = self.derived[key]
            where = scope if derivation.scope is not None else None
            return Key(key, where, "", derivation.node.type, derivation.node)
        if key.startswith("item."):
            path, kind = self.scoped.get(scope, {}).get(key, (key[5:], None))
            return Key(key, scope, path, kind or _TEXT)
        path, kind = self.root.get(key, (key, schema.root_field(key) or _TEXT))
        return Key(key, None, path, kind)
