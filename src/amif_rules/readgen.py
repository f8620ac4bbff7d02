"""The generated reader: a plain document straight to flat facts, in one generated function.

Most documents a portal sends are plain ``dict``s of known fields with nothing wrong in
them. For those, building the attrs model first (``documents.read_application``) and then
flattening it (``facts.flatten``) costs more than the rules themselves. The function written
here from :data:`FIELDS` (the document's fields, each with the full reader's checks for its
kind) reads such a document once, every check written out in place, and writes the same
flat facts directly.

It accepts only what it can read exactly as the full reader does, with the full reader's
own checks (``documents.Reader``). Anything else (a problem, a value of an unusual type, a
tuple instead of a list, an unknown field holding an object) makes it return None, and the
caller takes the long way, which accepts the same documents and names every problem by its
path. ``tests/pipeline/test_readgen.py`` holds the two ways to the same facts.

The reader is the same for every ruleset, made once per process; the per-ruleset functions
of :mod:`amif_rules.quickcheck` begin by calling it. Nothing of a document or a ruleset
becomes code: the statements come from :data:`FIELDS`, the constants they compare with are
handed over under names the writer makes (``K3``), and the source is audited before it is
compiled (:mod:`amif_rules.codegen`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from . import limits, model, schema
from .codegen import BUILD_LOCK, COMMON_NODES, Vocabulary, Writer, build, literal
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
#: An amount with exactly two decimals and few enough digits before them to be below
#: limits.MAX_MONEY_EUROS: the common case, read without the reader's general path.
_CENTS = re.compile(r"[0-9]{1,%d}\.[0-9]{2}" % (len(str(limits.MAX_MONEY_EUROS)) - 1))


# -- the document's fields, each with its kind -------------------------------------------------


@attrs.frozen
class Field:
    """One field of an object: its name, its kind (``text``, ``choice``, ``boolean``,
    ``whole``, ``nis``, ``money``, ``date``, ``distinct``, ``texts``, ``choices``,
    ``codes``, ``object``), the values it may take (``choices``), its largest value or
    length (``maximum``) and, for objects, its own fields."""

    name: str
    kind: str
    choices: frozenset[str] = frozenset()
    maximum: int = 0
    fields: tuple[Field, ...] = ()

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(field.name for field in self.fields)


def _enum(name: str, enum_type: Any, kind: str = "choice", maximum: int = 0) -> Field:
    """A field of an enumeration's values: one (``choice``) or a list (``distinct``, ``choices``)."""
    return Field(name, kind, frozenset(members(enum_type)), maximum)


_ORGANISATION = (
    Field("name", "text"),
    _enum("kind", model.OrganisationKind),
    _enum("commission", model.Commission),
    Field("legal_personality", "boolean"),
    _enum("experience", model.Experience, "distinct", limits.MAX_DECLARED_ITEMS),
    Field(
        "municipality",
        "object",
        fields=(Field("nis_code", "nis"), Field("name", "text"), Field("population", "whole", maximum=limits.MAX_POPULATION)),
    ),
)
_COFINANCING = ("pod_mi", "flemish_government", "own", "other")

#: The root's fields after ``call`` and ``submitted_at`` (read first, to pick the ruleset:
#: :func:`head`), in the order the facts hold them.
FIELDS: tuple[Field, ...] = (
    Field("form", "object", fields=(Field("complete", "boolean"), Field("signed", "boolean"))),
    Field("applicant", "object", fields=_ORGANISATION),
    Field(
        "budget",
        "object",
        fields=(
            *(Field(name, "money") for name in ("total_eligible_cost", "amif", "grant")),
            Field("cofinancing", "object", fields=tuple(Field(name, "money") for name in _COFINANCING)),
        ),
    ),
    Field("duration_months", "whole", maximum=limits.MAX_DURATION_MONTHS),
    _enum("theme", model.Theme),
    _enum("region", model.Region),
    _enum("community", model.Community),
    Field("results", "texts", maximum=limits.MAX_LIST_ITEMS),
    _enum("activities", model.Activity, "choices", limits.MAX_LIST_ITEMS),
    Field("commitment_signed", "boolean"),
    _enum("documents", model.Attachment, "distinct", limits.MAX_DECLARED_ITEMS),
)
#: A partner's fields: an organisation's and its role.
PARTNER: tuple[Field, ...] = (*_ORGANISATION, _enum("role", model.PartnerRole))
#: A participant's fields: the three nearly every participant gives, then the rest.
PARTICIPANT_COMMON: tuple[Field, ...] = (
    Field("id", "text"),
    Field("nationalities", "codes", maximum=limits.MAX_NATIONALITIES),
    _enum("residence", model.Residence),
)
PARTICIPANT_REST: tuple[Field, ...] = (
    Field("birth_date", "date"),
    _enum("gender", model.Gender),
    Field("low_literate", "boolean"),
    Field("young_children", "boolean"),
    Field("first_language", "choice", frozenset(LANGUAGE_CODES)),
    _enum("education_level", model.EducationLevel),
)
_ROOT_KEYS = frozenset(schema.TOP_LEVEL)


# -- writing the statements ---------------------------------------------------------------------

#: What the generator hands the reader besides the constants it makes (``K3``): the
#: helpers its statements call, and the builtins they use.
_HANDED: dict[str, Any] = {
    "PLAIN": _PLAIN_SCALARS,
    "DECIMAL": Decimal,
    "CENTS": _CENTS.fullmatch,
    "NIS": NIS_CODE.fullmatch,
    "SURROGATES": has_surrogates,
    "BLANK": is_blank,
    "COUNTRIES": COUNTRY_CODES,
    "FLAT": Flat,
}
_BUILTINS = {"type": type, "len": len, "tuple": tuple, "set": set, "str": str, "int": int, "list": list, "dict": dict}

VOCABULARY = Vocabulary(
    names=frozenset({"data", "call", "submitted", "reader", "root", "partners", "participants", *_HANDED, *_BUILTINS}),
    prefixes=frozenset({"a", "w", "o", "k", "x", "y", "g", "h", "K"}),
    calls=frozenset({"type", "len", "tuple", "set", "CENTS", "NIS", "SURROGATES", "BLANK", "DECIMAL", "FLAT"}),
    attributes=frozenset({"get", "items", "issuperset", "isascii", "money", "date", "problems", "append"}),
    functions=frozenset({"read"}),
    nodes=(*COMMON_NODES, ast.Dict),  # the empty dicts facts start with
)

_SLOW = "return None"


class _Writer(Writer):
    """Writes the reader's statements, and the constants it hands over."""

    def __init__(self) -> None:
        super().__init__()
        self.constants: dict[frozenset[str], str] = {}

    def constant(self, values: frozenset[str]) -> str:
        """A set of texts handed over under a made name (``K3``), once per set."""
        found = self.constants.get(values)
        if found is None:
            found = self.constants[values] = self.name("K")
            self.namespace[found] = values
        return found


def _text_check(value: str) -> str:
    """The test of a text the full reader refuses (``Reader.text``), written out: not a
    ``str``, too long, or holding a lone surrogate. :func:`_not_text` is the same test."""
    return f"type({value}) is not str or len({value}) > {literal(limits.MAX_STRING_LENGTH)} or (not {value}.isascii() and SURROGATES({value}))"


def _not_text(value: Any) -> bool:
    """:func:`_text_check`'s test, run here (for the head, read before any code is made)."""
    return type(value) is not str or len(value) > limits.MAX_STRING_LENGTH or (not value.isascii() and has_surrogates(value))


def _unknown_keys(writer: _Writer, depth: int, value: str, known: str) -> None:
    """Unknown keys of ``value`` must be text and hold plain scalars (the full reader ignores them)."""
    writer.emit(depth, f"if not {known}.issuperset({value}):")
    key, inner = writer.name("k"), writer.name("x")
    writer.emit(depth + 1, f"for {key}, {inner} in {value}.items():")
    writer.emit(depth + 2, f"if {key} not in {known} and (type({key}) is not str or type({inner}) not in PLAIN):")
    writer.emit(depth + 3, _SLOW)


def _object(writer: _Writer, depth: int, value: str, known: str) -> None:
    writer.emit(depth, f"if type({value}) is not dict or len({value}) > {literal(_MAX_KEYS)}:")
    writer.emit(depth + 1, _SLOW)
    _unknown_keys(writer, depth, value, known)


def _slow_if(writer: _Writer, depth: int, test: str) -> None:
    writer.emit(depth, f"if {test}:")
    writer.emit(depth + 1, _SLOW)


def _list(writer: _Writer, depth: int, value: str, maximum: int) -> None:
    _slow_if(writer, depth, f"type({value}) is not list or len({value}) > {literal(maximum)}")


def write_fields(writer: _Writer, depth: int, source: str, target: str, prefix: str, fields: tuple[Field, ...]) -> None:
    """Statements that check each of ``fields`` of the dict ``source`` and write its value
    to ``target`` under ``prefix`` + its path; ``return None`` on anything unusual."""
    for field in fields:
        value = writer.name("a")
        writer.emit(depth, f"{value} = {source}.get({literal(field.name)})")
        writer.emit(depth, f"if {value} is not None:")
        key = literal(prefix + field.name)
        _field(writer, depth + 1, field, value, target, key, prefix)


def _field(writer: _Writer, depth: int, field: Field, value: str, target: str, key: str, prefix: str) -> None:
    kind = field.kind
    if kind == "object":
        _object(writer, depth, value, writer.constant(field.keys))
        write_fields(writer, depth, value, target, f"{prefix}{field.name}.", field.fields)
        return
    if kind == "money":
        writer.emit(depth, f"if type({value}) is str and CENTS({value}):")
        # "1234.56": already in cents and below the bound; Decimal keeps its two decimals,
        # which is what the reader's quantize would give.
        writer.emit(depth + 1, f"{target}[{key}] = DECIMAL({value})")
        writer.emit(depth, "else:")
        _slow_if(writer, depth + 1, f"type({value}) is not str and type({value}) is not int and type({value}) is not DECIMAL")
        _read_by_reader(writer, depth + 1, "money", value, target, key)
        return
    if kind == "date":
        _slow_if(writer, depth, f"type({value}) is not str")
        _read_by_reader(writer, depth, "date", value, target, key)
        return
    if kind == "text":
        _slow_if(writer, depth, _text_check(value))
    elif kind == "choice":
        _slow_if(writer, depth, f"type({value}) is not str or {value} not in {writer.constant(field.choices)}")
    elif kind == "boolean":
        _slow_if(writer, depth, f"{value} is not True and {value} is not False")
    elif kind == "whole":
        _slow_if(writer, depth, f"type({value}) is not int or not 0 <= {value} <= {literal(field.maximum)}")
    elif kind == "nis":
        _slow_if(writer, depth, f"type({value}) is not str or not NIS({value})")
    elif kind in ("distinct", "choices", "texts"):
        _items(writer, depth, field, value)
        writer.emit(depth, f"{target}[{key}] = tuple({value})")
        return
    elif kind == "codes":
        _codes(writer, depth, field, value)
        writer.emit(depth, f"{target}[{key}] = tuple({value})")
        return
    else:  # pragma: no cover - FIELDS holds only the kinds above
        raise ValueError(f"no reader for fields of kind {kind!r}")
    writer.emit(depth, f"{target}[{key}] = {value}")


def _read_by_reader(writer: _Writer, depth: int, method: str, value: str, target: str, key: str) -> None:
    """The full reader's own method for what is not the common case; any problem: slow."""
    read = writer.name("w")
    writer.emit(depth, f"{read} = reader.{method}({value}, '')")
    _slow_if(writer, depth, "reader.problems")
    writer.emit(depth, f"{target}[{key}] = {read}")


def _items(writer: _Writer, depth: int, field: Field, value: str) -> None:
    """A list of texts (``texts``: none blank), of choices, or of distinct choices."""
    _list(writer, depth, value, field.maximum)
    item = writer.name("y")
    writer.emit(depth, f"for {item} in {value}:")
    if field.kind == "texts":
        _slow_if(writer, depth + 1, f"{_text_check(item)} or BLANK({item})")
        return
    _slow_if(writer, depth + 1, f"type({item}) is not str or {item} not in {writer.constant(field.choices)}")
    if field.kind == "distinct":
        _slow_if(writer, depth, f"len(set({value})) != len({value})")


def _codes(writer: _Writer, depth: int, field: Field, value: str) -> None:
    """Nationalities: country codes, or ``stateless`` alone, none twice."""
    _slow_if(writer, depth, f"type({value}) is not list or not 0 < len({value}) <= {literal(field.maximum)}")
    item = writer.name("y")
    writer.emit(depth, f"for {item} in {value}:")
    writer.emit(depth + 1, f"if type({item}) is not str or {item} not in COUNTRIES:")
    _slow_if(writer, depth + 2, f"{item} != {literal(model.STATELESS)} or len({value}) > 1")
    _slow_if(writer, depth, f"len({value}) > 1 and len(set({value})) != len({value})")


def write_reader(writer: _Writer, depth: int) -> None:
    """Statements that read ``data`` (a plain dict) into the flat facts ``root``,
    ``partners`` and ``participants`` (None when the document leaves a list out), with
    ``call`` and ``submitted`` already read by :func:`head`; ``return None`` on anything
    the full reader must decide."""
    emit = writer.emit
    _slow_if(writer, depth, f"len(data) > {literal(_MAX_KEYS)}")
    _unknown_keys(writer, depth, "data", writer.constant(_ROOT_KEYS))
    emit(depth, "root = {}")
    emit(depth, "if call is not None:")
    emit(depth + 1, "root['call'] = call")
    emit(depth, "if submitted is not None:")
    emit(depth + 1, "root['submitted_at'] = submitted")
    write_fields(writer, depth, "data", "root", "", FIELDS)
    lists = []
    for name, maximum in (("partners", limits.MAX_PARTNERS), ("participants", limits.MAX_PARTICIPANTS)):
        given = writer.name("h")
        lists.append(given)
        emit(depth, f"{given} = data.get({literal(name)})")
        emit(depth, f"{name} = None")
        emit(depth, f"if {given} is not None:")
        _list(writer, depth + 1, given, maximum)
    # it might hold more values than the full reader allows: let it count them
    partners_given, participants_given = lists
    values = f"{literal(_VALUES_PER_PARTICIPANT)} * len({participants_given} or ()) + {literal(_VALUES_PER_PARTNER)} * len({partners_given} or ())"
    _slow_if(writer, depth, f"{values} > {literal(_VALUES_LEFT)}")

    emit(depth, f"if {partners_given} is not None:")
    emit(depth + 1, "partners = []")
    value, element = writer.name("g"), writer.name("o")
    emit(depth + 1, f"for {value} in {partners_given}:")
    _object(writer, depth + 2, value, writer.constant(frozenset(field.name for field in PARTNER)))
    emit(depth + 2, f"{element} = {{}}")
    write_fields(writer, depth + 2, value, element, "", PARTNER)
    emit(depth + 2, f"partners.append({element})")

    emit(depth, f"if {participants_given} is not None:")
    emit(depth + 1, "participants = []")
    value, element, common = writer.name("g"), writer.name("o"), writer.name("o")
    every = frozenset(field.name for field in (*PARTICIPANT_COMMON, *PARTICIPANT_REST))
    emit(depth + 1, f"for {value} in {participants_given}:")
    _slow_if(writer, depth + 2, f"type({value}) is not dict or len({value}) > {literal(_MAX_KEYS)}")
    known = writer.constant(frozenset(field.name for field in PARTICIPANT_COMMON))
    emit(depth + 2, f"{common} = {known}.issuperset({value})")
    emit(depth + 2, f"if not {common}:")
    _unknown_keys(writer, depth + 3, value, writer.constant(every))
    emit(depth + 2, f"{element} = {{}}")
    write_fields(writer, depth + 2, value, element, "", PARTICIPANT_COMMON)
    emit(depth + 2, f"if not {common}:  # the rest is rarely given")
    write_fields(writer, depth + 3, value, element, "", PARTICIPANT_REST)
    emit(depth + 2, f"participants.append({element})")


# -- the head, and the reader on its own ------------------------------------------------------


def head(document: dict[str, Any]) -> tuple[Reader, str | None, Any] | None:
    """``call`` and ``submitted_at`` of a plain document, read first (they pick the
    ruleset), with the full reader's checks: (the reader, the call, the submission time),
    or None when the full reader must decide."""
    call = document.get("call")
    if call is not None and _not_text(call):
        return None
    reader = Reader()
    submitted = document.get("submitted_at")
    if submitted is not None:
        if type(submitted) is not str:
            return None
        submitted = reader.instant(submitted, "")
        if reader.problems:
            return None
    return reader, call, submitted


def generate() -> tuple[str, dict[str, Any]]:
    """The source of ``read(data, call, submitted, reader)`` → :class:`Flat` or None,
    and the constants it is handed."""
    writer = _Writer()
    write_reader(writer, 1)
    writer.emit(1, "return FLAT(root, partners, participants)")
    return "\n".join(["def read(data, call, submitted, reader):", *writer.lines]) + "\n", writer.namespace


_READER: list[tuple[str, Callable[..., Flat | None]]] = []


def reader() -> tuple[str, Callable[..., Flat | None]]:
    """(source, function) of the reader, generated, audited and compiled on first use."""
    if not _READER:
        with BUILD_LOCK:
            if not _READER:
                source, constants = generate()
                namespace = {"__builtins__": _BUILTINS, **_HANDED, **constants}
                _READER.append((source, build(source, VOCABULARY, namespace, "reader")["read"]))
    return _READER[0]


def quick_flat(document: Any) -> Flat | None:
    """The flat facts of a plain, valid document; None when the full reader must decide."""
    if type(document) is not dict:
        return None
    begun = head(document)
    if begun is None:
        return None
    return reader()[1](document, begun[1], begun[2], begun[0])
