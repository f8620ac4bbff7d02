"""Malformed application documents, and junk, to hunt for crashes.

:func:`malformed_cases` draws documents that are wrong on purpose, each with the input
paths the library must name in its :class:`~amif_rules.InputError` (contract §1: "the
library raises one exception type that names every bad field by its path"). The document
is a mapping, or JSON/YAML text (``str``) or bytes when the fault only exists as text
(duplicate keys, ``NaN`` tokens, invalid UTF-8, escapes of lone surrogates).

:func:`junk_documents` draws documents with arbitrary values spliced in anywhere (any JSON
type, huge and non-finite numbers, deep nesting, lone surrogates...). Nothing is promised
about them but this: ``amif_rules.check`` returns a verdict or raises ``InputError``,
never anything else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .. import limits
from ..docpaths import get
from ..ruleset import Ruleset
from ..schema import BOOL, CODES, DATE, ENUM, INSTANT, INT, MONEY, TEXT, TEXTS
from ._schema import schema_refuses
from ._search import apply
from ._target import field_type
from ._texts import json_text, yaml_text

# The ruleset half lives in its own room; importable from here as before.
from .malformed_rulesets import malformed_rulesets as malformed_rulesets
from .strategies import brussels_day, prepare

__all__ = [
    "KINDS",
    "MalformedCase",
    "junk_documents",
    "malformed_cases",
    "malformed_documents",
    "malformed_rulesets",
    "path_text",
]

#: The kinds of faults :func:`malformed_cases` can draw.
KINDS = (
    "wrong-type",  # a text where a number goes, a list where an object goes...
    "unknown-enum",  # a kind, role, residence... that is not one of the contract's values
    "huge-number",  # beyond the limits (populations, durations, amounts, int64 and beyond)
    "negative",  # negative populations, durations, amounts
    "non-finite",  # NaN, Infinity, -Infinity (Python floats and Decimals, JSON tokens)
    "bad-format",  # a NIS code of 4 digits, 30 February, a local time that happens twice...
    "long-string",  # texts beyond MAX_STRING_LENGTH
    "long-list",  # lists beyond their limits
    "lone-surrogate",  # invalid Unicode: a lone surrogate in a text (or its JSON escape)
    "deep-nesting",  # objects/lists nested beyond MAX_NESTING, in the document or as JSON text
    "duplicate-key",  # JSON or YAML text with a key twice in one object
    "invalid-utf8",  # bytes that are not UTF-8
    "yaml-tag",  # YAML text with tags that would build Python objects, or aliases
)
_WHOLE_DOCUMENT = {"deep-nesting", "duplicate-key", "invalid-utf8", "yaml-tag"}


@attrs.frozen
class MalformedCase:
    """A malformed document and the paths its ``InputError`` must name.

    ``paths``: each must be named by the error, exactly or by a path inside it
    (``participants[0].nationalities`` is named by ``participants[0].nationalities[1]``);
    ``""`` stands for the document as a whole (a parse error, too deep, too large).
    """

    document: Any
    kind: str
    paths: tuple[str, ...]
    description: str = ""
    #: Whether the published application schema refuses the document too, decided by
    #: validating it against the schema: False where JSON Schema cannot tell (a calendar, a
    #: clock, a code list) and for what is not a JSON mapping (text, bytes, NaN, Decimal).
    schema_refuses: bool = False

    def named_by(self, error_paths: Iterable[str]) -> bool:
        """Whether every path of this case is named among ``error_paths``."""
        error_paths = tuple(error_paths)
        return all(any(_covers(path, named) for named in error_paths) for path in self.paths)


def _covers(path: str, named: str) -> bool:
    return named == path or named.startswith(path + ".") or named.startswith(path + "[") or (path == "" and named == "")


def path_text(parts: tuple) -> str:
    """``("partners", 0, "role")`` → ``"partners[0].role"``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text


def _slots(document: dict) -> list[tuple[tuple, str]]:
    """Every place of a valid document the reader looks at: (parts, what), where ``what``
    is a field kind (``int``, ``money``, ``enum``...) or ``object``, ``element``, ``list``."""
    slots: list[tuple[tuple, str]] = []

    def kind_of(parts: tuple) -> str | None:
        names = [p for p in parts if isinstance(p, str)]
        if parts and parts[0] in ("partners", "participants") and len(parts) > 2 and isinstance(parts[1], int):
            kind = field_type(parts[0], ".".join(str(p) for p in parts[2:]))
        else:
            kind = field_type(None, ".".join(names))
        return None if kind is None else kind.kind

    def walk(value: Any, parts: tuple) -> None:
        if isinstance(value, dict):
            if parts:
                slots.append((parts, "element" if isinstance(parts[-1], int) else "object"))
            for key, child in value.items():
                walk(child, parts + (key,))
        elif isinstance(value, list):
            kind = kind_of(parts)
            slots.append((parts, kind if kind in (CODES, TEXTS) else "list"))
            if kind not in (CODES, TEXTS):
                for index, child in enumerate(value):
                    walk(child, parts + (index,))
        else:
            kind = kind_of(parts)
            if kind is not None:
                slots.append((parts, kind))

    walk(document, ())
    return slots


# -- faults per kind of slot ----------------------------------------------------------------------

_SURROGATES = ("\ud800", "\udfff", "\udc80")


def _wrong_type(what: str, parts: tuple) -> list:
    last = parts[-1]
    if what in (TEXT, ENUM):
        if last in ("call", "nis_code"):
            return [True, [], {}, 1.5, ["42"]]
        return [12, 1.5, True, [], {}, ["x"]]
    if what == INT:
        return ["12", 12.5, True, False, [], {}, "twelve"]
    if what == MONEY:
        return [True, [], {}, "12,50", "1.234,56", "€ 12", "1e3", "", "0x10", "12.345"]
    if what == BOOL:
        return ["true", 1, 0, "yes", [], {}]
    if what == INSTANT:
        return [1567461540, "2019-13-01T00:00:00", "yesterday", "2019-08-30", [], True]
    if what == DATE:
        return [19900517, "17/05/1990", "1990-05-17T00:00:00", True, {}]
    if what == CODES:
        return ["SY", [], ["sy"], ["XX"], ["SY", "SY"], ["stateless", "SY"], [1], [None]]
    if what == TEXTS:
        return ["results", [1], [None], {}]
    if what in ("object", "element"):
        return ["text", 12, ["list"], True]
    if what == "list":
        return ["x", 12, {"a": 1}, True]
    return []


def _unknown_enum(what: str, parts: tuple) -> list:
    if what == ENUM:
        return ["OCMW", "ocmw ", "Ocmw", "cpas", "", "unknown", "ocmw\u0000", "legal\u200b"]
    if what == TEXTS and parts[-1] == "activities":
        return [["buddy", "flying"], ["BUDDY"]]
    choices = _list_choices(parts)
    if what == TEXTS and choices:
        return [[choices[0], "flying"], [choices[0].upper()], [choices[0].replace("_", " ") + " "]]
    if parts[-1] == "first_language":
        return ["AR", "xx", "arabic", ""]
    return []


def _huge(what: str, parts: tuple) -> list:
    if what == INT:
        maximum = limits.MAX_POPULATION if parts[-1] == "population" else limits.MAX_DURATION_MONTHS
        return [maximum + 1, 10**30, 2**63, 2**64 + 1, Decimal("1E+400"), 10**5000, Decimal("1E+999999"), -(10**4400)]
    if what == MONEY:
        return [
            f"{limits.MAX_MONEY_EUROS}.00",
            "1" + "0" * 40,
            10**30,
            limits.MAX_MONEY_EUROS,
            1e300,
            10**5000,
            Decimal("1E+999999"),
            "9" * 5000 + ".00",
        ]
    return []


def _negative(what: str, parts: tuple) -> list:
    if what == INT:
        return [-1, -(10**12), Decimal("-3")]
    if what == MONEY:
        return ["-0.01", -1, "-100.00", -0.5, Decimal("-12.50")]
    return []


def _non_finite(what: str, parts: tuple) -> list:
    if what in (INT, MONEY):
        return [
            float("nan"),
            float("inf"),
            float("-inf"),
            Decimal("NaN"),
            Decimal("Infinity"),
            Decimal("-Infinity"),
            Decimal("sNaN"),
        ]
    return []


def _bad_format(what: str, parts: tuple) -> list:
    last = parts[-1]
    if last == "nis_code":
        return ["1234", "ABCDE", "123456", "11 002", "", "11002\n"]
    if last == "call":
        return [42]
    if what == INSTANT:
        return [
            "2019-02-30T12:00:00+01:00",
            "2019-10-27T02:30:00",
            "2019-03-31T02:30:00",
            "1899-12-31T23:00:00+00:00",
            "2201-01-01T00:00:00Z",
            "2019-08-30T25:00:00",
            *_INSTANT_FORMS,
        ]
    if what == DATE:
        return ["1990-02-30", "1899-12-31", "2201-01-01", "1990-5-17", "90-05-17"]
    if what == MONEY:
        return ["12.", ".5", "1 000.00", "+12.00", "12.5.0"]
    if what == CODES:
        return [["GBR"], ["Sy"], ["stateless", "stateless"], ["SY\n"]]
    if last == "first_language":
        return ["ar\n", "a", "ara"]
    choices = _list_choices(parts)
    if what == TEXTS and choices:  # a list of distinct choices: a value given twice
        return [[choices[0], choices[0]], [choices[-1], choices[0], choices[-1]]]
    return []


def _list_choices(parts: tuple) -> tuple[str, ...]:
    """The values of a list of distinct choices (``experience``, ``documents``), else ()."""
    names = [p for p in parts if isinstance(p, str)]
    if parts and parts[0] == "partners" and len(parts) > 2:
        kind = field_type("partners", ".".join(names[1:]))
    else:
        kind = field_type(None, ".".join(names))
    if kind is None or kind.kind != TEXTS or names[-1] == "activities":
        return ()
    return kind.choices


#: Instants ISO 8601 (or ``fromisoformat``) can write but the contract does not accept.
_INSTANT_FORMS = (
    "2019-W35-5T14:00",  # a week date
    "20190830T140000Z",  # the basic format
    "2019-08-30T14",  # hours only
    "2019-08-30T14:00:00+0200",  # an offset without a colon
    "2019-09-02T23:59:00.000000001+02:00",  # a nanosecond: never cut to the microsecond
    "2019-08-30T14:00:00.1234567Z",  # a seventh digit that is not 0
    "2019-08-30t14:00:00Z",  # a lower-case t
    "2019-08-30T14:00:00 +02:00",  # a space before the offset
    "\u20032019-08-30T14:00:00Z",  # a space that is not a space, tab or newline
    "2019-08-30T14:00:00+02",  # an offset in hours only
)
#: Entries that state nothing, in a list of texts a rule counts.
_BLANKS = ("", " ", "\t\n", "\u00a0\u3000", "   ")


def _document_faults(kind: str, slots: list, document: dict) -> list[tuple[tuple, Any]]:
    """Faults that depend on the rest of the document: a birth after the submission, a
    blank entry among the results (both ``bad-format``)."""
    if kind != "bad-format":
        return []
    found: list[tuple[tuple, Any]] = []
    try:
        submitted = brussels_day(document["submitted_at"])
    except (KeyError, TypeError, ValueError):
        submitted = None
    for parts, what in slots:
        if submitted is not None and what == DATE and parts[-1] == "birth_date" and parts[0] == "participants":
            for days in (1, 5 * 365):
                later = submitted + dt.timedelta(days=days)
                if later.year <= limits.MAX_YEAR:
                    found.append((parts, _Late(later.isoformat())))
        if what == TEXTS and parts[-1] == "results":
            entries = get(document, parts)
            if isinstance(entries, list) and entries:
                found.extend((parts + (index,), blank) for index in range(len(entries)) for blank in _BLANKS)
            else:
                found.extend((parts, [blank]) for blank in _BLANKS)
    return found


@attrs.frozen
class _Late:
    """A birth date after the submission: valid alone, wrong beside ``submitted_at`` (so no
    fault may go there in the same case)."""

    date: str

    def __repr__(self) -> str:
        return repr(self.date)


def _long_string(what: str, parts: tuple) -> list:
    if what in (TEXT,) and parts[-1] not in ("nis_code", "first_language"):
        return ["x" * (limits.MAX_STRING_LENGTH + 1), "é" * (limits.MAX_STRING_LENGTH + 7), "y" * 100_000]
    return []


def _long_list(what: str, parts: tuple) -> list:
    last = parts[-1]
    if what == "list" and last == "partners":
        return [[{}] * (limits.MAX_PARTNERS + 1)]
    if what == "list" and last == "participants":
        return [[{}] * (limits.MAX_PARTICIPANTS + 1)]
    if what == CODES:
        return [["SY", "AF", "ER", "IQ", "MA", "TR", "UA", "SO", "CD", "GN", "PS"][: limits.MAX_NATIONALITIES + 1]]
    choices = _list_choices(parts)
    if what == TEXTS and choices:
        return [[choices[0]] * (limits.MAX_DECLARED_ITEMS + 1), (list(choices) * 3)[: limits.MAX_DECLARED_ITEMS + 1]]
    if what == TEXTS:
        return [["result"] * (limits.MAX_LIST_ITEMS + 1) if last == "results" else ["buddy"] * (limits.MAX_LIST_ITEMS + 1)]
    return []


def _lone_surrogate(what: str, parts: tuple) -> list:
    if what in (TEXT, ENUM):
        return [f"abc{s}def" for s in _SURROGATES] + [_SURROGATES[0]]
    if what == CODES:
        return [["SY", "\ud83d"]]
    return []


_FAULTS = {
    "wrong-type": _wrong_type,
    "unknown-enum": _unknown_enum,
    "huge-number": _huge,
    "negative": _negative,
    "non-finite": _non_finite,
    "bad-format": _bad_format,
    "long-string": _long_string,
    "long-list": _long_list,
    "lone-surrogate": _lone_surrogate,
}


def _faults(kind: str, slots: list, document: dict) -> list[tuple[tuple, Any]]:
    """Every (parts, bad value) of ``kind`` for a document's slots."""
    found = []
    for parts, what in slots:
        if kind == "unknown-enum" and what == TEXT and parts[-1] != "first_language":
            continue
        for value in _FAULTS[kind](what, parts):
            found.append((parts, value))
    return found + _document_faults(kind, slots, document)


# -- text faults ----------------------------------------------------------------------------------


def _dumps(value: Any) -> str:
    """JSON text that means exactly ``value`` (see ``_texts``)."""
    return json_text(value)


def _with_duplicate(document: dict, parts: tuple, key: str) -> str:
    """JSON text of ``document`` where the object at ``parts`` lists ``key`` twice."""

    def render(value: Any, here: tuple) -> str:
        if isinstance(value, dict):
            items = [f"{_dumps(k)}: {render(v, here + (k,))}" for k, v in value.items()]
            if here == parts:
                items.append(f"{_dumps(key)}: {render(value.get(key, 'again'), here + (key,))}")
            return "{" + ", ".join(items) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(render(v, here + (i,)) for i, v in enumerate(value)) + "]"
        return _dumps(value)

    return render(document, ())


def _marked(document: dict, parts: tuple, token: str) -> str:
    """JSON text of ``document`` with the value at ``parts`` replaced by raw ``token``."""
    marker = "@@MARK@@"
    return _dumps(apply(document, [(parts, marker)])).replace(_dumps(marker), token)


@st.composite
def _text_case(draw, base: dict, slots: list, kind: str) -> MalformedCase | None:
    if kind == "duplicate-key":
        objects = [(parts, get(base, parts)) for parts, what in slots if what in ("object", "element")] + [((), base)]
        parts, obj = draw(st.sampled_from(objects))
        key = draw(st.sampled_from(sorted(obj) or ["name"]))
        if draw(st.booleans()):
            return MalformedCase(_with_duplicate(base, parts, key), kind, ("",), f"JSON: {key!r} twice")
        # The same fault in YAML text.
        text = _yaml_with_duplicate(base, key)
        return MalformedCase(text, kind, ("",), f"YAML: {key!r} twice")
    if kind == "invalid-utf8":
        raw = _dumps(base).encode("utf-8")
        position = draw(st.integers(0, len(raw)))
        junk = draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80", b"\xf8\x88\x80\x80\x80"]))
        return MalformedCase(raw[:position] + junk + raw[position:], kind, ("",), f"bytes {junk!r}")
    if kind == "deep-nesting":
        depth = draw(st.sampled_from([limits.MAX_NESTING + 1, limits.MAX_NESTING + 5, 1000, 100_000]))
        if draw(st.booleans()) or depth > 1000:
            text = _dumps(base)[:-1] + ', "extra": ' + "[" * depth + "]" * depth + "}"
            return MalformedCase(text, kind, ("",), f"JSON nested {depth} deep")
        nested: Any = []
        for _ in range(depth):
            nested = [nested]
        target = draw(st.sampled_from([parts for parts, what in slots if what in ("object", "element")] or [()]))
        return MalformedCase(apply(base, [(target + ("extra",), nested)]), kind, ("",), f"nested {depth} deep")
    if kind == "yaml-tag":
        tag = draw(
            st.sampled_from(
                [
                    "!!python/object/apply:os.system ['echo pwned']",
                    "!!python/name:os.system",
                    "!!python/object/new:type ['x', [], {}]",
                    "!!binary aGVsbG8=",
                    "!!set {a, b}",
                    "&anchor OCMW",
                ]
            )
        )
        text = f"call: '42'\napplicant:\n  name: {tag}\n  kind: ocmw\n"
        if tag.startswith("&"):
            text += "partners:\n  - name: *anchor\n"
        # Safe YAML tags (!!binary, !!set) build a value of the wrong type: the field is named.
        where = "applicant.name" if tag.startswith(("!!binary", "!!set")) else ""
        return MalformedCase(text, kind, (where,), f"YAML {tag.split()[0]}")
    return None


def _yaml_with_duplicate(document: dict, key: str) -> str:
    """YAML text of ``document`` with its first key written twice at the top level."""
    first = next(iter(document))
    return yaml_text(document) + yaml_text({first: document[first]})


# -- the strategies -------------------------------------------------------------------------------


def malformed_cases(
    call: str | None = "42", kinds: Iterable[str] | None = None, ruleset: Ruleset | None = None, max_faults: int = 3
) -> st.SearchStrategy[MalformedCase]:
    """Malformed documents, each with the paths its ``InputError`` must name.

    Each draw starts from a complete, valid document for the call (see
    :func:`~amif_rules.testing.applications`) and breaks it: 1 to ``max_faults`` fields at
    distinct places (kinds that break the document as a whole, such as deep nesting or a
    duplicate key, come alone). ``kinds``: a subset of :data:`KINDS`.
    """
    chosen = tuple(kinds) if kinds is not None else KINDS
    stray = [k for k in chosen if k not in KINDS]
    if stray or not chosen:
        raise InvalidArgument(f"unknown kinds {stray}; choose among {', '.join(KINDS)}")
    spec = prepare(call, ruleset)
    base = spec.base(2, 2)

    @st.composite
    def build(draw) -> MalformedCase:
        document = draw(base)
        slots = _slots(document)
        kind = draw(st.sampled_from(chosen))
        if kind in _WHOLE_DOCUMENT:
            case = draw(_text_case(document, slots, kind))
            assert case is not None
            return attrs.evolve(case, schema_refuses=schema_refuses(case.document))
        text_form = kind in ("non-finite", "lone-surrogate", "huge-number", "wrong-type") and draw(st.integers(0, 3)) == 0
        if text_form:
            case = _json_token_case(draw, document, slots, kind)
            if case is not None:
                return case
        count = draw(st.integers(1, max_faults))
        faults = _faults(kind, slots, document)
        if not faults:
            # This document has no slot for this kind (no participants, say): give it one.
            document = _complete(document)
            slots = _slots(document)
            faults = _faults(kind, slots, document)
        picked: list[tuple[tuple, Any]] = []
        for _ in range(count):
            # An index, not sampled_from(faults): a strategy holding a 5,000-digit integer
            # cannot be printed (Python will not write it), and Hypothesis prints strategies.
            parts, value = faults[draw(st.integers(0, len(faults) - 1))]
            if any(parts[: len(p)] == p or p[: len(parts)] == parts for p, _ in picked):
                continue
            if any(_clash(parts, value, p, v) or _clash(p, v, parts, value) for p, v in picked):
                continue
            picked.append((parts, value))
        broken = apply(document, [(p, v.date if isinstance(v, _Late) else v) for p, v in picked])
        paths = tuple(sorted({path_text(p) for p, _ in picked}))
        return MalformedCase(
            broken, kind, paths, "; ".join(f"{path_text(p)} = {_short(v)}" for p, v in picked), schema_refuses(broken)
        )

    return build()


def _clash(parts: tuple, value: Any, other_parts: tuple, other: Any) -> bool:
    """Whether two faults hide each other: a birth after the submission is only wrong
    while ``submitted_at`` can be read."""
    return isinstance(value, _Late) and other_parts == ("submitted_at",)


def _complete(document: dict) -> dict:
    """The document with one participant and one partner of every field, so that every kind
    of fault has a place to go."""
    extra = {
        "partners": [
            {
                "name": "OCMW Mechelen",
                "kind": "ocmw",
                "role": "coaching",
                "municipality": {"nis_code": "12025", "name": "Mechelen", "population": 86616},
                "legal_personality": True,
                "experience": ["amif_target_group"],
            }
        ],
        "participants": [
            {"id": "P-900", "nationalities": ["SY"], "residence": "legal", "birth_date": "1990-05-17", "first_language": "ar"}
        ],
        "results": ["a result"],
        "activities": ["buddy"],
        "commitment_signed": True,
        "documents": ["cost_template"],
        "duration_months": 24,
        "submitted_at": "2019-08-30T14:00:00+02:00",
    }
    completed = dict(document)
    for key, value in extra.items():
        if not completed.get(key):
            completed[key] = value
    completed.setdefault("budget", {"total_eligible_cost": "1000.00", "amif": "750.00", "cofinancing": {"pod_mi": "0.00"}})
    return completed


def _json_token_case(draw, document: dict, slots: list, kind: str) -> MalformedCase | None:
    """The fault written directly in JSON text: NaN/Infinity tokens, \\ud800 escapes, 1e400."""
    if kind == "lone-surrogate":
        places = [parts for parts, what in slots if what in (TEXT, ENUM)]
        token = '"abc\\ud800def"'
        if places and draw(st.booleans()):
            # YAML text with the raw character: the YAML stream itself is not valid Unicode.
            parts = draw(st.sampled_from(places))
            text = _yaml_marked(document, parts, "abc\ud800def")
            return MalformedCase(text, kind, ("",), f"YAML {path_text(parts)}: a raw lone surrogate")
    elif kind == "non-finite":
        places = [parts for parts, what in slots if what in (INT, MONEY)]
        token = draw(st.sampled_from(["NaN", "Infinity", "-Infinity"]))
    elif kind == "wrong-type":
        # What YAML 1.1 would guess is text in YAML 1.2's JSON schema: ``signed: on`` is no boolean.
        places = [parts for parts, what in slots if what in (BOOL, INT, MONEY)]
        if not places:
            return None
        parts = draw(st.sampled_from(places))
        what = dict(slots)[parts]
        token = draw(st.sampled_from(_YAML_GUESSES[what]))
        return MalformedCase(
            _yaml_marked(document, parts, token),
            kind,
            (path_text(parts),),
            f"YAML {path_text(parts)}: {token} (text, as YAML 1.2 reads it)",
        )
    else:
        places = [parts for parts, what in slots if what in (INT, MONEY)]
        token = draw(
            st.sampled_from(
                ["1e400", "1" + "0" * 400, "123456789012345678901234567890.5", "1e999999", "1" + "0" * 5000, "-1e999999"]
            )
        )
    if not places:
        return None
    parts = draw(st.sampled_from(places))
    if kind != "lone-surrogate" and draw(st.booleans()):
        return MalformedCase(
            _yaml_marked(document, parts, token), kind, (path_text(parts),), f"YAML {path_text(parts)}: {token[:20]}"
        )
    return MalformedCase(_marked(document, parts, token), kind, (path_text(parts),), f"JSON {path_text(parts)}: {token[:20]}")


#: Plain YAML scalars that YAML 1.1 types and YAML 1.2's JSON schema reads as text.
_YAML_GUESSES = {
    BOOL: ("on", "off", "yes", "no", "y", "n", "True", "FALSE", "~"),
    INT: ("0x12", "0o17", "012", "1_000", "50:00", "+12", ".inf", "~", "12.0e"),
    MONEY: ("50:00", "1_000.00", "0x10", ".5", ".inf", ".NaN", "~", "+12.00"),
}


def _yaml_marked(document: dict, parts: tuple, token: str) -> str:
    """YAML text of ``document`` with the value at ``parts`` replaced by the raw ``token``."""
    marker = "@@MARK@@"
    return yaml_text(apply(document, [(parts, marker)])).replace(f'"{marker}"', token)


def _short(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 190:
        return f"{'-' if value < 0 else ''}an integer of {len(format(Decimal(abs(value)), 'f')):,} digits"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def malformed_documents(
    call: str | None = "42", kinds: Iterable[str] | None = None, ruleset: Ruleset | None = None
) -> st.SearchStrategy[Any]:
    """The documents of :func:`malformed_cases` alone: each must raise ``InputError``."""
    return malformed_cases(call, kinds, ruleset).map(lambda case: case.document)


def _junk_values() -> st.SearchStrategy:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(-(2**70), 2**70),
        st.sampled_from([2**63, -(2**63) - 1, 10**400, Decimal("1E+999999"), Decimal("-1E-999999")]),
        st.sampled_from([5000, -4301]).map(_power_of_ten),  # drawn, not listed: see malformed_cases
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.text(max_size=30),
        st.text(st.characters(codec=None), max_size=10),  # lone surrogates included
        st.sampled_from(
            [
                "",
                "ocmw",
                "42",
                "11002",
                "2019-08-30T14:00:00+02:00",
                "1990-05-17",
                "stateless",
                "SY",
                "NaN",
                "Infinity",
                "1e3",
                "-0.00",
                "0.001",
                "x" * 1001,
            ]
        ),
    )
    return st.recursive(
        scalars,
        lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)),
        max_leaves=12,
    )


def _power_of_ten(digits: int) -> int:
    """±10**|digits|: an integer of more digits than Python will write out."""
    return 10**digits if digits > 0 else -(10**-digits)


def junk_documents(call: str | None = "42", ruleset: Ruleset | None = None) -> st.SearchStrategy[Any]:
    """Documents with arbitrary values spliced in anywhere, or arbitrary values alone.

    Only one thing is promised about them: ``amif_rules.check`` gives a verdict or raises
    ``InputError``.
    """
    spec = prepare(call, ruleset)
    base = spec.base(2, 2)

    @st.composite
    def build(draw) -> Any:
        if draw(st.integers(0, 9)) == 0:
            return draw(_junk_values())
        document = draw(base)
        slots = _slots(document)
        places = [parts for parts, _ in slots] + [("extra",), ("applicant", "extra")]
        changes = draw(st.lists(st.tuples(st.sampled_from(places), _junk_values()), min_size=1, max_size=3))
        broken = document
        for parts, value in changes:
            try:
                broken = apply(broken, [(parts, value)])
            except (TypeError, IndexError, KeyError, AttributeError):
                continue  # an earlier change replaced the container
        return broken

    return build()
