"""Answers a person types to the questions of a verdict (contract §5): a text read into the
JSON value the question's schema describes, checked against that schema, then put into the
document for the full reader to judge (``amif-rules interview`` asks with these).

How a text is read depends on the schema (:func:`kind_of`):

=========  =====================================================================================
choice     an ``enum``: the choice's number (1, 2, ...), its code, or its label when given
boolean    ja/nee, oui/non, yes/no, true/false (and their first letters j, o, y, n)
integer    a whole number; thousands may be grouped by 3 (``523.248``, ``523 248``, ``523,248``)
money      an amount in euro, written back as the contract's text ``"1234.56"``: a comma for the
           cents is accepted (``1234,56``), and so are thousands grouped by 3 and ``€``
date       ``YYYY-MM-DD``, or the Belgian ``DD/MM/YYYY`` (also with ``-`` or ``.``)
datetime   a date as above and a time ``HH:MM`` (``14u00`` and ``14h00`` too, optional
           seconds), without an offset meaning Brussels time, or with ``Z`` or ``+02:00``
text       the text, trimmed; a constrained text (a code) is also tried in upper and lower case
codes      a list of codes, separated by commas, semicolons or spaces (``SY, iq``)
choices    a list of choices, separated by commas: numbers, codes or labels
texts      a list of free texts, one per line (a text may hold commas)
json       anything else: a JSON value
=========  =====================================================================================

:func:`problem` checks a value against a schema with exactly the keywords the published
application schema uses (``tests/contract/test_answers.py`` holds it to the ``jsonschema``
library on every field). Every refusal is a :class:`Refused`: a reason word and its values,
so that the interview says it in the person's language; ``str()`` says it in English.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .docpaths import parts, put
from .documents import DATE_PATTERN, INSTANT_PATTERN, parse_json, read_application
from .errors import InputError, excerpt
from .fieldschema import field_schema
from .languages import YES_NO

#: The kinds of answer (see the module's table).
CHOICE, BOOLEAN, INTEGER, MONEY, DATE, DATETIME, TEXT, CODES, CHOICES, TEXTS, JSON = (
    "choice",
    "boolean",
    "integer",
    "money",
    "date",
    "datetime",
    "text",
    "codes",
    "choices",
    "texts",
    "json",
)

#: Each reason of a refusal, in English (the interview has its own words for each).
REASONS = {
    "choice": "not one of the {count} choices: give its number or its code",
    "boolean": "answer yes or no",
    "integer": "expected a whole number",
    "money": "expected an amount in euro such as 1234.56",
    "decimals": "at most 2 decimals (cents)",
    "date": "expected a date such as 2019-08-30",
    "calendar": "{text} is not on the calendar",
    "datetime": "expected a date and a time such as 2019-08-30 14:00",
    "time_missing": "give the time too, such as {text} 14:00",
    "minimum": "at least {bound}",
    "maximum": "at most {bound}",
    "exclusiveMinimum": "more than {bound}",
    "exclusiveMaximum": "less than {bound}",
    "minLength": "at least {bound} characters",
    "maxLength": "at most {bound} characters",
    "minItems": "give at least {bound}",
    "maxItems": "give at most {bound}",
    "uniqueItems": "{text} is given twice",
    "pattern": "{text} does not have the expected form",
    "type": "expected {expected}",
    "enum": "{text} is not an allowed value",
    "const": "{text} is not an allowed value",
    "conditional": "not allowed together ({inner})",
    "json": "not valid JSON ({detail})",
    "reader": "{message}",
}

#: JSON Schema's types, as the English reason names them.
TYPE_WORDS = {
    "string": "a text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}

#: Keywords that say nothing about validity.
_ANNOTATIONS = frozenset({"description", "title", "$comment", "examples", "default", "$schema", "$id", "$defs"})
#: The keywords :func:`problem` checks: exactly those of the published application schema.
KEYWORDS = frozenset(
    {
        "type",
        "enum",
        "const",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "uniqueItems",
        "items",
        "contains",
        "anyOf",
        "if",
        "then",
        "else",
        "properties",
    }
)


class Refused(ValueError):
    """An answer that is refused: ``reason`` (a key of :data:`REASONS`) and the values that
    say it; ``entry`` is the 1-based entry of a list the reason is about, ``inner`` the
    refusal a ``conditional`` one wraps."""

    def __init__(self, reason: str, entry: int | None = None, inner: Refused | None = None, **values: Any):
        self.reason = reason
        self.entry = entry
        self.inner = inner
        self.values = values
        shown = dict(values)
        if reason == "type":
            shown["expected"] = " or ".join(TYPE_WORDS.get(kind, kind) for kind in values.get("expected", ()))
        said = REASONS[reason].format(inner=inner, **shown)
        super().__init__(f"entry {entry}: {said}" if entry is not None else said)

    def at(self, entry: int) -> Refused:
        """This refusal, about entry ``entry`` of a list."""
        return Refused(self.reason, entry, self.inner, **self.values)


# -- the kind of answer a schema asks for ---------------------------------------------------------


def kind_of(schema: Mapping[str, Any]) -> str:
    """How an answer to ``schema`` is read (one of the kinds of the module's table)."""
    if "enum" in schema:
        return CHOICE
    kind = schema.get("type")
    if kind == "boolean":
        return BOOLEAN
    if kind == "integer":
        return INTEGER
    if _money_bounds(schema) is not None:
        return MONEY
    if kind == "string":
        pattern = schema.get("pattern")
        if pattern == DATE_PATTERN:
            return DATE
        if pattern == INSTANT_PATTERN:
            return DATETIME
        return TEXT
    if kind == "array":
        items = schema.get("items", {})
        if "enum" in items:
            return CHOICES
        if items.get("type") == "string" and not {"anyOf", "const", "enum"} & set(items) and not _anchored(items):
            return TEXTS
        if _all_strings(items):
            return CODES
    return JSON


def _money_bounds(schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The number branch of an amount (a text or a number), or None for another schema."""
    branches = schema.get("anyOf")
    if not isinstance(branches, (list, tuple)):
        return None
    kinds = {branch.get("type"): branch for branch in branches if isinstance(branch, Mapping)}
    if "string" in kinds and "number" in kinds:
        return kinds["number"]
    return None


def _anchored(schema: Mapping[str, Any]) -> bool:
    pattern = schema.get("pattern", "")
    return pattern.startswith("^") and pattern.endswith("$")


def _all_strings(schema: Mapping[str, Any]) -> bool:
    if "anyOf" in schema:
        return all(_all_strings(branch) for branch in schema["anyOf"])
    if "const" in schema:
        return isinstance(schema["const"], str)
    return schema.get("type") == "string"


# -- reading an answer ----------------------------------------------------------------------------


def read_answer(text: str, schema: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> Any:
    """The JSON value ``text`` answers to ``schema``, checked against it; raises
    :class:`Refused`. ``labels``: the words of a choice's codes (code → label), which are
    accepted as well as the codes."""
    value = parse(text, schema, labels)
    refused = problem(value, schema)
    if refused is not None:
        raise refused
    return value


def parse(text: str, schema: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> Any:
    """The JSON value ``text`` stands for, read as :func:`kind_of` says (not yet checked
    against the schema's bounds); raises :class:`Refused` for a text that is no such value."""
    kind = kind_of(schema)
    if kind == TEXTS:
        return [line.strip() for line in text.split("\n") if line.strip()]
    text = text.strip()
    if kind == CHOICE:
        return _choice(text, schema["enum"], labels)
    if kind == BOOLEAN:
        return _boolean(text)
    if kind == INTEGER:
        return _integer(text)
    if kind == MONEY:
        return _money(text, _money_bounds(schema) or {})
    if kind == DATE:
        return _date(text).isoformat()
    if kind == DATETIME:
        return _datetime(text)
    if kind == TEXT:
        return _cased(text, schema)
    if kind == CODES:
        items = schema.get("items", {})
        return [_cased(code, items) for code in re.split(r"[,;\s]+", text) if code]
    if kind == CHOICES:
        return _choices(text, schema.get("items", {}).get("enum", []), labels)
    try:
        return parse_json(text)
    except InputError as error:
        detail = error.problems[0].message if error.problems else str(error)
        raise Refused("json", detail=detail.removeprefix("not valid JSON: ")) from None


def _choice(text: str, choices: list[Any], labels: Mapping[str, str] | None) -> Any:
    if text.isdigit() and text.isascii():
        number = int(text)
        if 1 <= number <= len(choices):
            return choices[number - 1]
        raise Refused("choice", count=len(choices), text=excerpt(text))
    if text in choices:
        return text
    folded = text.casefold()
    for normal in (folded, folded.replace("-", "_").replace(" ", "_")):
        for choice in choices:
            if isinstance(choice, str) and choice.casefold() == normal:
                return choice
    for code, label in (labels or {}).items():
        if label.casefold() == folded and code in choices:
            return code
    raise Refused("choice", count=len(choices), text=excerpt(text))


def _choices(text: str, choices: list[Any], labels: Mapping[str, str] | None) -> list[Any]:
    parts = [part.strip() for part in re.split(r"[,;]", text) if part.strip()]
    if len(parts) == 1 and " " in parts[0]:
        words = parts[0].split()
        try:
            return [_choice(word, choices, labels) for word in words]
        except Refused:
            pass  # a label of several words
    chosen = []
    for entry, part in enumerate(parts, 1):
        try:
            chosen.append(_choice(part, choices, labels))
        except Refused as refused:
            raise refused.at(entry) from None
    return chosen


_YES = frozenset({yes for yes, _ in YES_NO.values()} | {"true", "j", "y", "o"})
_NO = frozenset({no for _, no in YES_NO.values()} | {"false", "n"})


def _boolean(text: str) -> bool:
    word = text.casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise Refused("boolean", text=excerpt(text))


#: Digits grouped by 3 with one separator: a point, a comma, an apostrophe or a space.
_GROUPED = re.compile(r"[0-9]{1,3}(?:([.,' \u00a0\u202f])[0-9]{3})(?:\1[0-9]{3})*")
#: The most digits an answer may have (any bound of the contract has far fewer).
_MOST_DIGITS = 30


def _digits(text: str) -> str | None:
    """The digits of a whole number written plainly or grouped by 3, or None."""
    if re.fullmatch(r"[0-9]+", text):
        return text
    if _GROUPED.fullmatch(text):
        return re.sub(r"[^0-9]", "", text)
    return None


def _signed(text: str) -> tuple[bool, str]:
    """(whether ``text`` starts with a minus, the text after its sign)."""
    if text and text[0] in "+-−":
        return text[0] != "+", text[1:].strip()
    return False, text


def _integer(text: str) -> int:
    negative, rest = _signed(text)
    digits = _digits(rest)
    if digits is None or len(digits) > _MOST_DIGITS:
        raise Refused("integer", text=excerpt(text))
    return -int(digits) if negative else int(digits)


def _money(text: str, bounds: Mapping[str, Any]) -> str:
    plain = re.sub(r"^(?:€|eur(?:o|os)?)\s*|\s*(?:€|eur(?:o|os)?)$", "", text, flags=re.IGNORECASE).strip()
    negative, plain = _signed(plain)
    amount = _amount(plain)
    if amount is None:
        if re.fullmatch(r"[0-9]+[.,][0-9]{3,}", plain) and not _GROUPED.fullmatch(plain):
            raise Refused("decimals", text=excerpt(text))
        raise Refused("money", text=excerpt(text))
    if negative and amount:
        raise Refused("minimum", bound=_number(bounds.get("minimum", 0)))
    for keyword, fails in (
        ("minimum", lambda bound: amount < bound),
        ("maximum", lambda bound: amount > bound),
        ("exclusiveMinimum", lambda bound: amount <= bound),
        ("exclusiveMaximum", lambda bound: amount >= bound),
    ):
        if keyword in bounds and fails(Decimal(str(bounds[keyword]))):
            raise Refused(keyword, bound=_number(bounds[keyword]))
    return format(amount.quantize(Decimal("0.01")), "f")


def _amount(text: str) -> Decimal | None:
    """An amount with at most 2 decimals after a point or a comma, thousands grouped by 3."""
    match = re.fullmatch(r"(.*?)(?:([.,])([0-9]{1,2}))?", text)
    assert match is not None  # the pattern matches every text
    whole, separator, cents = match.groups()
    digits = _digits(whole)
    if digits is None or len(digits) > _MOST_DIGITS:
        return None
    if separator and separator in whole:
        return None  # 1.234.56: the same mark for thousands and cents
    try:
        return Decimal(f"{digits}.{cents or '0'}")
    except InvalidOperation:  # pragma: no cover - digits and cents are digits
        return None


def _number(value: Any) -> str:
    return format(Decimal(str(value)).normalize(), "f") if isinstance(value, (int, float, Decimal)) else str(value)


_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_BELGIAN_DATE = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})")
_TIME = re.compile(r"([0-9]{1,2})[:uh.]([0-9]{2})(?::([0-9]{2})(\.[0-9]{1,6})?)?", re.IGNORECASE)


def _date(text: str) -> dt.date:
    iso = _ISO_DATE.fullmatch(text)
    belgian = _BELGIAN_DATE.fullmatch(text)
    if iso:
        year, month, day = iso.groups()
    elif belgian:
        day, _, month, year = belgian.groups()
    else:
        raise Refused("date", text=excerpt(text))
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise Refused("calendar", text=excerpt(text)) from None


def _datetime(text: str) -> str:
    match = re.fullmatch(r"(\S+?)(?:[Tt]|\s*,\s*|\s+)(\S+?)\s*(Z|z|[+-][0-9]{2}:?[0-9]{2})?", text)
    if match is None:
        try:
            day = _date(text)
        except Refused:
            raise Refused("datetime", text=excerpt(text)) from None
        raise Refused("time_missing", text=day.isoformat())
    try:
        day = _date(match.group(1))
    except Refused as refused:
        raise (refused if refused.reason == "calendar" else Refused("datetime", text=excerpt(text))) from None
    time = _TIME.fullmatch(match.group(2))
    if time is None:
        raise Refused("datetime", text=excerpt(text))
    hour, minute, second, fraction = time.groups()
    if int(hour) > 23 or int(minute) > 59 or (second is not None and int(second) > 59):
        raise Refused("calendar", text=excerpt(text))
    written = f"{day.isoformat()}T{int(hour):02d}:{minute}"
    if second is not None:
        written += f":{second}{fraction or ''}"
    offset = match.group(3)
    if offset:
        offset = offset.upper()
        written += offset if offset == "Z" else f"{offset[:3]}:{offset[-2:]}"
    return written


def _cased(text: str, schema: Mapping[str, Any]) -> str:
    """``text``, or its upper or lower case where only that one fits a constrained text."""
    if problem(text, schema) is None:
        return text
    for variant in (text.upper(), text.lower()):
        if problem(variant, schema) is None:
            return variant
    return text


# -- checking a value against a schema ------------------------------------------------------------


def valid(value: Any, schema: Mapping[str, Any]) -> bool:
    """Whether ``value`` is valid against ``schema``."""
    return problem(value, schema) is None


def problem(value: Any, schema: Mapping[str, Any]) -> Refused | None:
    """The first reason ``value`` is not valid against ``schema``, or None. Raises ValueError
    for a keyword it does not know (a schema that has grown one it should learn)."""
    unknown = set(schema) - KEYWORDS - _ANNOTATIONS
    if unknown:
        raise ValueError(f"answers: unsupported JSON Schema keyword(s): {', '.join(sorted(unknown))}")
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], (list, tuple)) else [schema["type"]]
        if not any(_is_type(value, kind) for kind in kinds):
            return Refused("type", expected=tuple(kinds), text=excerpt(value))
    if "enum" in schema and not any(_equal(value, allowed) for allowed in schema["enum"]):
        return Refused("enum", text=excerpt(value))
    if "const" in schema and not _equal(value, schema["const"]):
        return Refused("const", text=excerpt(value))
    for check in (_number_problem, _text_problem, _list_problem, _object_problem):
        found = check(value, schema)
        if found is not None:
            return found
    if "anyOf" in schema:
        found = _any_of(value, schema["anyOf"])
        if found is not None:
            return found
    if "if" in schema:
        branch = "then" if problem(value, schema["if"]) is None else "else"
        if branch in schema:
            inner = problem(value, schema[branch])
            if inner is not None:
                return Refused("conditional", inner=inner)
    return None


def _number_problem(value: Any, schema: Mapping[str, Any]) -> Refused | None:
    if not _is_type(value, "number"):
        return None
    for keyword, fails in (
        ("minimum", lambda bound: value < bound),
        ("maximum", lambda bound: value > bound),
        ("exclusiveMinimum", lambda bound: value <= bound),
        ("exclusiveMaximum", lambda bound: value >= bound),
    ):
        if keyword in schema and fails(schema[keyword]):
            return Refused(keyword, bound=_number(schema[keyword]))
    return None


def _text_problem(value: Any, schema: Mapping[str, Any]) -> Refused | None:
    if not isinstance(value, str):
        return None
    if "minLength" in schema and len(value) < schema["minLength"]:
        return Refused("minLength", bound=schema["minLength"])
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return Refused("maxLength", bound=schema["maxLength"])
    if "pattern" in schema and re.search(schema["pattern"], value) is None:
        return Refused("pattern", text=excerpt(value))
    return None


def _list_problem(value: Any, schema: Mapping[str, Any]) -> Refused | None:
    if not isinstance(value, (list, tuple)):
        return None
    if "minItems" in schema and len(value) < schema["minItems"]:
        return Refused("minItems", bound=schema["minItems"])
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        return Refused("maxItems", bound=schema["maxItems"])
    if schema.get("uniqueItems"):
        for index, item in enumerate(value):
            if any(_equal(item, other) for other in value[:index]):
                return Refused("uniqueItems", text=excerpt(item))
    if "items" in schema:
        for entry, item in enumerate(value, 1):
            found = problem(item, schema["items"])
            if found is not None:
                return found.at(entry)
    if "contains" in schema and not any(problem(item, schema["contains"]) is None for item in value):
        return Refused("minItems", bound=1)
    return None


def _object_problem(value: Any, schema: Mapping[str, Any]) -> Refused | None:
    if not isinstance(value, Mapping) or "properties" not in schema:
        return None
    for name, sub in schema["properties"].items():
        if name in value:
            found = problem(value[name], sub)
            if found is not None:
                return found
    return None


def _any_of(value: Any, branches: list[Mapping[str, Any]]) -> Refused | None:
    """None when a branch holds; else the refusal of the branch of the value's own type."""
    refusals = [problem(value, branch) for branch in branches]
    if any(refused is None for refused in refusals):
        return None
    for branch, refused in zip(branches, refusals, strict=True):
        if refused is not None and refused.reason != "type" and "type" in branch:
            return refused
    return next((refused for refused in refusals if refused is not None and refused.reason != "type"), refusals[0])


def _is_type(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "array":
        return isinstance(value, (list, tuple))
    if kind == "object":
        return isinstance(value, Mapping)
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    if kind == "number":
        return not (isinstance(value, Decimal) and not value.is_finite())
    if kind == "integer":
        if isinstance(value, int):
            return True
        return bool(value == value.to_integral_value()) if isinstance(value, Decimal) else float(value).is_integer()
    return False


def _equal(one: Any, other: Any) -> bool:
    """JSON equality: a boolean is no number, 1 and 1.0 are one number, lists and objects
    compare by their members."""
    if isinstance(one, bool) or isinstance(other, bool):
        return isinstance(one, bool) and isinstance(other, bool) and one == other
    if _is_type(one, "number") and _is_type(other, "number"):
        return bool(one == other)
    if isinstance(one, (list, tuple)) and isinstance(other, (list, tuple)):
        return len(one) == len(other) and all(_equal(a, b) for a, b in zip(one, other, strict=True))
    if isinstance(one, Mapping) and isinstance(other, Mapping):
        return set(one) == set(other) and all(_equal(one[key], other[key]) for key in one)
    if type(one) is not type(other) and not (isinstance(one, str) and isinstance(other, str)):
        return False
    return bool(one == other)


# -- putting an answer into the document ----------------------------------------------------------


def answer(
    document: Mapping[str, Any],
    path: str,
    text: str,
    schema: Mapping[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], Any]:
    """A copy of ``document`` with the answer ``text`` at ``path``, and the value it holds.

    The answer is read and checked against ``schema`` (default: the field's own), then the
    document is read by :func:`amif_rules.documents.read_application`; a problem it finds
    is refused with the reader's own message (reason ``reader``): the problems at ``path``
    by their message, another field's (a birth date after a new submission date) with its path.
    """
    value = read_answer(text, field_schema(path) if schema is None else schema, labels)
    changed = copy.deepcopy(dict(document))
    put(changed, parts(path), value)
    try:
        read_application(changed)
    except InputError as error:
        mine = [p for p in error.problems if p.path == path or p.path.startswith((f"{path}[", f"{path}."))]
        said = [p.message for p in mine] if mine else [str(p) for p in error.problems]
        raise Refused("reader", message="; ".join(said)) from None
    return changed, value
