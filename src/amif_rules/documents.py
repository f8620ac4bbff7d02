"""Reading application documents (contract §1): JSON, YAML or a mapping → Application.

Every bad field is collected, with its path, into one :class:`InputError`; nothing is
guessed. ``null`` and absent fields are *missing* (``None``), which rules treat as unknown.
Unknown extra fields are allowed (the contract permits them) and ignored.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
import typing
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from . import limits
from .dates import BRUSSELS as BRUSSELS  # its home is dates; read from here before it had one
from .dates import local_date
from .doctext import NonFinite
from .doctext import parse_json as parse_json  # the readers' entry points
from .doctext import parse_text as parse_text
from .doctext import parse_yaml as parse_yaml
from .documentparts import distinct_choices
from .errors import InputError, Problem, excerpt
from .model import (
    STATELESS,
    Activity,
    Application,
    Attachment,
    Budget,
    Cofinancing,
    Commission,
    Community,
    EducationLevel,
    Experience,
    Form,
    Gender,
    Municipality,
    Organisation,
    OrganisationKind,
    Participant,
    Partner,
    PartnerRole,
    Region,
    Residence,
    Theme,
)
from .numbertext import MAX_INTEGER_DIGITS, LongNumber
from .reference import COUNTRY_CODES, LANGUAGE_CODES
from .suggestions import closest
from .yamlsafe import Tagged

if TYPE_CHECKING:
    import cattrs  # imported when a document is first written (it is slow to import)

E = TypeVar("E", bound=enum.Enum)

_MONEY = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$")
#: A NIS code: five digits (``readgen`` checks it the same way).
NIS_CODE = re.compile(r"^[0-9]{5}$")
_CENT = Decimal("0.01")
_MAX_MONEY = Decimal(limits.MAX_MONEY_EUROS)
#: The only spaces allowed around a date, a date-time or an amount written as text: the
#: published schema says the same, and JSON Schema's ``\s`` is not Python's.
SPACES = " \t\n\r"
#: A date-time as the contract writes it: a date, ``T`` or a space, hours and minutes,
#: optional seconds with an optional fraction (digits past the microsecond must be 0: a
#: time is never cut), and an optional offset (``Z`` or ``±HH:MM``; none means Brussels
#: time). The published schema's pattern for ``submitted_at`` is this one
#: (``tests/contract/test_promises.py`` holds them equal).
INSTANT_PATTERN = (
    r"^[ \t\n\r]*[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6}0*)?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?[ \t\n\r]*$"
)
DATE_PATTERN = r"^[ \t\n\r]*[0-9]{4}-[0-9]{2}-[0-9]{2}[ \t\n\r]*$"
_INSTANT = re.compile(INSTANT_PATTERN)
_DATE = re.compile(DATE_PATTERN)
#: Digits of a fraction past the microsecond (which the pattern allows only as zeros).
_PAST_MICROSECONDS = re.compile(r"(\.[0-9]{6})[0-9]+")
#: The longest date-time that cannot hold a seventh decimal (YYYY-MM-DDTHH:MM:SS.ffffff).
_NO_SEVENTH_DECIMAL = 26


class Reader:
    """Walks a document, collecting every problem with its path.

    Public for :mod:`readgen`, whose generated reader reads the common case with these same checks.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def bad(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    # -- primitives -------------------------------------------------------------------
    def text(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or isinstance(value, NonFinite):
            self.bad(path, f"expected a text string, got {_kind(value)}")
            return None
        if len(value) > limits.MAX_STRING_LENGTH:
            self.bad(path, f"text longer than {limits.MAX_STRING_LENGTH} characters ({len(value)})")
            return None
        if has_surrogates(value):
            self.bad(path, "text contains invalid Unicode (a lone surrogate)")
            return None
        return value

    def boolean(self, value: Any, path: str) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        self.bad(path, f"expected true or false, got {_kind(value)}")
        return None

    def integer(self, value: Any, path: str, maximum: int) -> int | None:
        if value is None:
            return None
        if isinstance(value, LongNumber):
            self._out_of_range(path, value.negative, value, f"at most {maximum:,}")
            return None
        if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
            if value.adjusted() > MAX_INTEGER_DIGITS:  # never written out: see LongNumber
                self._out_of_range(path, value < 0, value, f"at most {maximum:,}")
                return None
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.bad(path, f"expected a whole number, got {_kind(value)}")
            return None
        if value < 0 or value > maximum:
            self._out_of_range(path, value < 0, value, f"at most {maximum:,}")
            return None
        return value

    def _out_of_range(self, path: str, negative: bool, value: Any, bound: str, what: str = "") -> None:
        if negative:
            self.bad(path, f"must not be negative (got {excerpt(value)})")
        else:
            self.bad(path, f"implausibly large{what}: {excerpt(value)} ({bound})")

    def money(self, value: Any, path: str) -> Decimal | None:
        if value is None:
            return None
        if type(value) is str:  # the common case first: "1234.56"
            text = value.strip(SPACES)
            if _MONEY.fullmatch(text):
                amount = Decimal(text)
                if amount < _MAX_MONEY:
                    return amount.quantize(_CENT)
        if isinstance(value, bool) or isinstance(value, NonFinite):
            self.bad(path, f'expected an amount in euro such as "1234.56", got {_kind(value)}')
            return None
        below = f"below {limits.MAX_MONEY_EUROS:,} euro"
        if isinstance(value, LongNumber):
            self._out_of_range(path, value.negative, value, below, " amount")
            return None
        if isinstance(value, float):
            if not math.isfinite(value):
                self.bad(path, f"expected an amount in euro, got {value!r}")
                return None
            value = Decimal(repr(value))  # the shortest decimal that reads back as this float
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            # Compared before anything is written out: an error quotes a bounded excerpt.
            if isinstance(value, Decimal) and not value.is_finite():
                self.bad(path, f"expected an amount in euro, got {value}")
                return None
            negative = value.is_signed() if isinstance(value, Decimal) else value < 0  # -0 too
            if negative or value >= limits.MAX_MONEY_EUROS:
                self._out_of_range(path, negative, value, below, " amount")
                return None
            if isinstance(value, int):
                return Decimal(value).quantize(_CENT)
            exponent = value.as_tuple().exponent  # an int: the value is finite here
            if isinstance(exponent, int) and exponent < -2:
                self.bad(path, f"at most 2 decimals (cents) allowed, got {excerpt(value)}")
                return None
            return value.quantize(_CENT)
        if not isinstance(value, str):
            self.bad(path, f'expected an amount in euro such as "1234.56", got {_kind(value)}')
            return None
        text = value.strip(SPACES)
        if text.startswith("-") and _MONEY.fullmatch(text[1:]):
            self.bad(path, f"must not be negative (got {excerpt(text)})")
            return None
        if not _MONEY.fullmatch(text):
            if re.fullmatch(r"[0-9]+\.[0-9]{3,}", text):
                self.bad(path, f"at most 2 decimals (cents) allowed, got {excerpt(text)}")
            else:
                self.bad(
                    path,
                    f'expected an amount in euro such as "1234.56" (a dot for decimals, no thousands separator), got {excerpt(text)}',
                )
            return None
        amount = Decimal(text)
        if amount >= limits.MAX_MONEY_EUROS:
            self._out_of_range(path, False, text, below, " amount")
            return None
        return amount.quantize(_CENT)

    def instant(self, value: Any, path: str) -> dt.datetime | None:
        if value is None:
            return None
        moment: dt.datetime | None
        if isinstance(value, dt.datetime):
            moment = value
        elif isinstance(value, str) and not isinstance(value, NonFinite):
            moment = self._instant_text(value.strip(SPACES), path)
            if moment is None:
                return None
        else:
            self.bad(path, f"expected an ISO 8601 date-time string, got {_kind(value)}")
            return None
        if not (limits.MIN_YEAR <= moment.year <= limits.MAX_YEAR):
            self.bad(path, f"year {moment.year} is out of range ({limits.MIN_YEAR}-{limits.MAX_YEAR})")
            return None
        if moment.tzinfo is None:
            return self._brussels(moment, path)
        if moment.utcoffset() is None:
            self.bad(path, "a time zone that gives no offset; give an offset such as +02:00")
            return None
        return moment

    def _instant_text(self, text: str, path: str) -> dt.datetime | None:
        """The contract's one way to write a date-time (:data:`INSTANT_PATTERN`), read exactly."""
        if _INSTANT.fullmatch(text) is None:
            if _INSTANT.fullmatch(_PAST_MICROSECONDS.sub(r"\1", text)):
                self.bad(
                    path,
                    f"more precise than a microsecond ({excerpt(text)}): write at most 6 decimals of a "
                    "second; a time is never cut, as it could move a submission before a deadline",
                )
            elif _DATE.fullmatch(text):
                self.bad(path, f'expected a date and a time, such as "{text}T14:00:00+02:00", got only a date')
            else:
                self.bad(
                    path,
                    f'expected an ISO 8601 date-time such as "2019-08-30T14:00:00+02:00" '
                    f"(YYYY-MM-DDTHH:MM:SS, an optional fraction of a second and offset), got {excerpt(text)}",
                )
            return None
        if len(text) > _NO_SEVENTH_DECIMAL:  # only zeros follow a sixth digit: dropping them changes nothing
            text = _PAST_MICROSECONDS.sub(r"\1", text)
        # What the pattern lets through and the standard library reads leniently, at places
        # the pattern fixes: an hour from 24 (Python 3.14 reads 24:00 as the next midnight)
        # and offset minutes from 60 (+02:60 read as +03:00).
        if text[11:13] < "24" and not (text[-6] in "+-" and text[-2:] >= "60"):
            try:
                return dt.datetime.fromisoformat(text)
            except ValueError:
                pass
        self.bad(path, f"not a calendar date and time: {excerpt(text)}")
        return None

    def _brussels(self, local: dt.datetime, path: str) -> dt.datetime | None:
        """A local Brussels time, refused where the clock change makes it ambiguous."""
        # The constructor, not local.replace(tzinfo=..., fold=...): a third of the time.
        fields = (local.year, local.month, local.day, local.hour, local.minute, local.second, local.microsecond)
        early = dt.datetime(*fields, BRUSSELS, fold=0)
        late = dt.datetime(*fields, BRUSSELS, fold=1)
        if early.utcoffset() != late.utcoffset():
            roundtrip = early.astimezone(dt.UTC).astimezone(BRUSSELS).replace(tzinfo=None)
            if roundtrip != local:
                self.bad(path, f"{local.isoformat()} does not exist in Brussels (clocks jump forward); give an offset")
            else:
                self.bad(
                    path,
                    f"{local.isoformat()} happens twice in Brussels (clocks go back); give an offset such as +02:00 or +01:00",
                )
            return None
        return early

    def date(self, value: Any, path: str) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            self.bad(path, 'expected a date such as "1990-05-17", got a date-time')
            return None
        if isinstance(value, dt.date):
            day = value
        elif isinstance(value, str) and not isinstance(value, NonFinite) and _DATE.fullmatch(value):
            try:
                day = dt.date.fromisoformat(value.strip(SPACES))
            except ValueError:
                self.bad(path, f"not a calendar date: {excerpt(value)}")
                return None
        else:
            self.bad(path, f'expected a date such as "1990-05-17", got {_kind(value)}')
            return None
        if not (limits.MIN_YEAR <= day.year <= limits.MAX_YEAR):
            self.bad(path, f"year {day.year} is out of range ({limits.MIN_YEAR}-{limits.MAX_YEAR})")
            return None
        return day

    def choice(self, value: Any, path: str, enum_type: type[E]) -> E | None:
        if value is None:
            return None
        choices = members(enum_type)
        if type(value) is str and value in choices:
            return choices[value]
        if type(value) is enum_type:  # an Application's own member, given back
            return value
        allowed = list(choices)
        hint = ""
        if isinstance(value, str):
            normal = value.strip().lower().replace("-", "_").replace(" ", "_")
            close = normal if normal in choices else closest(normal, allowed)
            if close is not None:
                hint = f" (did you mean {close!r}?)"
        if isinstance(value, str):
            self.bad(path, f"unknown value {excerpt(value)}{hint}; expected one of: {', '.join(allowed)}")
        else:
            self.bad(path, f"expected one of: {', '.join(allowed)}; got {_kind(value)}")
        return None

    def mapping(self, value: Any, path: str) -> Mapping[str, Any] | None:
        if value is None:
            return None
        if type(value) is dict:
            for key in value:
                if type(key) is not str:
                    break
            else:
                return value
        if not isinstance(value, Mapping):
            self.bad(path, f"expected an object, got {_kind(value)}")
            return None
        for key in value:
            if not isinstance(key, str):
                self.bad(path, f"object keys must be text, got {_kind(key)}")
                return None
        return value

    def sequence(self, value: Any, path: str, maximum: int) -> list[Any] | None:
        if value is None:
            return None
        if not isinstance(value, (list, tuple)):
            self.bad(path, f"expected a list, got {_kind(value)}")
            return None
        if len(value) > maximum:
            self.bad(path, f"too many elements: {len(value)} (at most {maximum:,})")
            return None
        return list(value)

    # -- the contract's objects -------------------------------------------------------
    def application(self, doc: Any) -> Application | None:
        data = self.mapping(doc, "")
        if data is None:
            if doc is None:
                self.bad("", "the document is empty")
            return None
        call = data.get("call")
        if isinstance(call, int) and not isinstance(call, bool):
            such_as = f'such as "{call}", ' if 0 <= call < 10**6 else ""
            self.bad("call", f"expected the call code as text, {such_as}got a number")
            call = None
        application = Application(
            call=self.text(call, "call"),
            submitted_at=self.instant(data.get("submitted_at"), "submitted_at"),
            form=self._form(data.get("form"), "form"),
            applicant=self._organisation(data.get("applicant"), "applicant"),
            partners=self._list(data.get("partners"), "partners", limits.MAX_PARTNERS, self._partner),
            participants=self._list(data.get("participants"), "participants", limits.MAX_PARTICIPANTS, self._participant),
            budget=self._budget(data.get("budget"), "budget"),
            duration_months=self.integer(data.get("duration_months"), "duration_months", limits.MAX_DURATION_MONTHS),
            theme=self.choice(data.get("theme"), "theme", Theme),
            region=self.choice(data.get("region"), "region", Region),
            community=self.choice(data.get("community"), "community", Community),
            results=self._texts(data.get("results"), "results"),
            activities=self._choices(data.get("activities"), "activities", Activity),
            commitment_signed=self.boolean(data.get("commitment_signed"), "commitment_signed"),
            documents=distinct_choices(self, data.get("documents"), "documents", Attachment),
        )
        if application.participants is not None:
            self.problems.extend(
                born_too_late(
                    ((i, p.birth_date if p is not None else None) for i, p in enumerate(application.participants)),
                    application.submitted_at,
                )
            )
        return application

    def _texts(self, value: Any, path: str) -> tuple[str, ...] | None:
        """A list of statements (``results``): each entry must say something (see :func:`is_blank`)."""
        items = self.sequence(value, path, limits.MAX_LIST_ITEMS)
        if items is None:
            return None
        texts = tuple(self.text(item, f"{path}[{i}]") for i, item in enumerate(items))
        ok = True
        said: list[str] = []
        for i, text in enumerate(texts):
            if text is None:
                ok = False
                if items[i] is None:
                    self.bad(f"{path}[{i}]", "expected a text string, got null")
            elif is_blank(text):
                ok = False
                self.bad(f"{path}[{i}]", "a blank entry states nothing: write it out or leave the entry out")
            else:
                said.append(text)
        return tuple(said) if ok else None

    def _choices(self, value: Any, path: str, enum_type: type[E]) -> tuple[E, ...] | None:
        items = self.sequence(value, path, limits.MAX_LIST_ITEMS)
        if items is None:
            return None
        chosen = [self.choice(item, f"{path}[{i}]", enum_type) for i, item in enumerate(items)]
        found = tuple(choice for choice in chosen if choice is not None)
        if len(found) != len(chosen):
            for i, item in enumerate(items):
                if item is None:
                    self.bad(f"{path}[{i}]", "expected one of: " + ", ".join(m.value for m in enum_type) + "; got null")
            return None
        return found

    def _list(self, value: Any, path: str, maximum: int, read: Callable[[Any, str], Any]) -> tuple[Any, ...] | None:
        """The elements read by ``read``: Any, for a bad element is None (and the document
        then has a problem, so the Application holding it is never handed out)."""
        items = self.sequence(value, path, maximum)
        if items is None:
            return None
        read_items = tuple(read(item, f"{path}[{i}]") for i, item in enumerate(items))
        return read_items

    def _form(self, value: Any, path: str) -> Form | None:
        data = self.mapping(value, path)
        if data is None:
            return None
        return Form(
            complete=self.boolean(data.get("complete"), f"{path}.complete"),
            signed=self.boolean(data.get("signed"), f"{path}.signed"),
        )

    def _municipality(self, value: Any, path: str) -> Municipality | None:
        data = self.mapping(value, path)
        if data is None:
            return None
        nis = data.get("nis_code")
        if isinstance(nis, int) and not isinstance(nis, bool):
            such_as = f'such as "{nis:05d}", ' if 0 <= nis < 100_000 else ""
            self.bad(f"{path}.nis_code", f"expected the NIS code as a 5-digit text, {such_as}got a number")
            nis = None
        nis = self.text(nis, f"{path}.nis_code")
        if nis is not None and not NIS_CODE.fullmatch(nis):
            self.bad(f"{path}.nis_code", f'expected a 5-digit NIS code such as "11002", got {excerpt(nis)}')
            nis = None
        return Municipality(
            nis_code=nis,
            name=self.text(data.get("name"), f"{path}.name"),
            population=self.integer(data.get("population"), f"{path}.population", limits.MAX_POPULATION),
        )

    def _organisation(self, value: Any, path: str) -> Organisation | None:
        data = self.mapping(value, path)
        if data is None:
            return None
        return Organisation(
            name=self.text(data.get("name"), f"{path}.name"),
            kind=self.choice(data.get("kind"), f"{path}.kind", OrganisationKind),
            municipality=self._municipality(data.get("municipality"), f"{path}.municipality"),
            commission=self.choice(data.get("commission"), f"{path}.commission", Commission),
            legal_personality=self.boolean(data.get("legal_personality"), f"{path}.legal_personality"),
            experience=distinct_choices(self, data.get("experience"), f"{path}.experience", Experience),
        )

    def _partner(self, value: Any, path: str) -> Partner | None:
        data = self.mapping(value, path)
        if data is None:
            if value is None:
                self.bad(path, "expected an object, got null")
            return Partner() if value is None else None
        return Partner(
            name=self.text(data.get("name"), f"{path}.name"),
            kind=self.choice(data.get("kind"), f"{path}.kind", OrganisationKind),
            municipality=self._municipality(data.get("municipality"), f"{path}.municipality"),
            role=self.choice(data.get("role"), f"{path}.role", PartnerRole),
            commission=self.choice(data.get("commission"), f"{path}.commission", Commission),
            legal_personality=self.boolean(data.get("legal_personality"), f"{path}.legal_personality"),
            experience=distinct_choices(self, data.get("experience"), f"{path}.experience", Experience),
        )

    def _participant(self, value: Any, path: str) -> Participant | None:
        data = self.mapping(value, path)
        if data is None:
            if value is None:
                self.bad(path, "expected an object, got null")
            return None
        return Participant(
            id=self.text(data.get("id"), f"{path}.id"),
            nationalities=self._nationalities(data.get("nationalities"), f"{path}.nationalities"),
            residence=self.choice(data.get("residence"), f"{path}.residence", Residence),
            birth_date=self.date(data.get("birth_date"), f"{path}.birth_date"),
            gender=self.choice(data.get("gender"), f"{path}.gender", Gender),
            low_literate=self.boolean(data.get("low_literate"), f"{path}.low_literate"),
            young_children=self.boolean(data.get("young_children"), f"{path}.young_children"),
            first_language=self._language(data.get("first_language"), f"{path}.first_language"),
            education_level=self.choice(data.get("education_level"), f"{path}.education_level", EducationLevel),
        )

    def _language(self, value: Any, path: str) -> str | None:
        code = self.text(value, path)
        if code is None:
            return None
        if code in LANGUAGE_CODES:
            return code
        if code.lower() in LANGUAGE_CODES:
            self.bad(path, f"language codes are lower case: write {code.lower()!r}, not {code!r}")
        else:
            self.bad(path, f'unknown language code {excerpt(code)}; expected an ISO 639-1 code such as "ar" or "nl"')
        return None

    def _nationalities(self, value: Any, path: str) -> tuple[str, ...] | None:
        items = self.sequence(value, path, limits.MAX_NATIONALITIES)
        if items is None:
            return None
        if not items:
            self.bad(path, 'empty list: give at least one ISO country code, or ["stateless"] for a stateless person')
            return None
        codes: list[str] = []
        ok = True
        for i, code in enumerate(items):
            item_path = f"{path}[{i}]"
            if not isinstance(code, str) or isinstance(code, NonFinite):
                self.bad(item_path, f'expected an ISO 3166-1 alpha-2 code such as "SY", got {_kind(code)}')
                ok = False
            elif code == STATELESS or code in COUNTRY_CODES:
                codes.append(code)
            elif code.upper() in COUNTRY_CODES and len(code) == 2:
                self.bad(item_path, f"country codes are upper case: write {code.upper()!r}, not {code!r}")
                ok = False
            else:
                self.bad(
                    item_path,
                    f'unknown country code {excerpt(code)}; expected an ISO 3166-1 alpha-2 code such as "SY", or "stateless"',
                )
                ok = False
        if not ok:
            return None
        if STATELESS in codes and len(codes) > 1:
            self.bad(path, '"stateless" cannot be combined with a nationality')
            return None
        if len(set(codes)) != len(codes):
            self.bad(path, "a nationality is listed twice")
            return None
        return tuple(codes)

    def _budget(self, value: Any, path: str) -> Budget | None:
        data = self.mapping(value, path)
        if data is None:
            return None
        return Budget(
            total_eligible_cost=self.money(data.get("total_eligible_cost"), f"{path}.total_eligible_cost"),
            amif=self.money(data.get("amif"), f"{path}.amif"),
            cofinancing=self._cofinancing(data.get("cofinancing"), f"{path}.cofinancing"),
            grant=self.money(data.get("grant"), f"{path}.grant"),
        )

    def _cofinancing(self, value: Any, path: str) -> Cofinancing | None:
        data = self.mapping(value, path)
        if data is None:
            return None
        return Cofinancing(
            **{name: self.money(data.get(name), f"{path}.{name}") for name in ("pod_mi", "flemish_government", "own", "other")}
        )


_MEMBERS: dict[type[enum.Enum], dict[str, Any]] = {}


def members(enum_type: type[E]) -> dict[str, E]:
    """value -> member of an enumeration, made once (public for :mod:`readgen`)."""
    found = _MEMBERS.get(enum_type)
    if found is None:
        found = _MEMBERS[enum_type] = {member.value: member for member in enum_type}
    return found


def _kind(value: Any) -> str:
    """How a wrong value is named in a message: its JSON type, and a bounded excerpt."""
    if isinstance(value, NonFinite):
        return f"{value} (not a number)"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal, float, LongNumber)):
        return f"the number {excerpt(value)}"
    if isinstance(value, Tagged):
        return repr(value)
    if isinstance(value, str):
        return f"the text {excerpt(value)}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    return type(value).__name__


def born_too_late(
    births: Iterable[tuple[int, dt.date | None]], submitted: dt.datetime | None, on: dt.date | None = None
) -> list[Problem]:
    """Participants born after the submission (its Brussels date), or after the date ``on``
    the rules are evaluated on: an age below zero is not a fact the rules can weigh, so each
    is an input error at ``participants[i].birth_date``. ``births``: (index, birth date)."""
    submitted_day = local_date(submitted) if submitted is not None else None
    problems = []
    for index, born in births:
        if born is None:
            continue
        if submitted_day is not None and born > submitted_day:
            problems.append(
                Problem(
                    f"participants[{index}].birth_date",
                    f"born on {born.isoformat()}, after the application was submitted "
                    f"({submitted_day.isoformat()}, Brussels time)",
                )
            )
        elif on is not None and born > on:
            problems.append(
                Problem(
                    f"participants[{index}].birth_date",
                    f"born on {born.isoformat()}, after the date the rules are evaluated on ({on.isoformat()})",
                )
            )
    return problems


#: What JSON Schema's ``\s`` counts as a space and Python's does not (the reverse needs no
#: entry: every character JavaScript calls a space, Python does too, but for this one).
_ALSO_BLANK = "\ufeff"


def is_blank(text: str) -> bool:
    r"""Whether a text says nothing: empty, or only spaces (Python's or JSON Schema's).

    The one rule for every list of texts a rule counts (``results``): a blank entry is an
    input error at its path, never counted and never silently dropped. The integration
    decree of 7 June 2013 grants "projecten ... met duidelijke, welomschreven resultaten";
    a blank line in a form states no result. The published schema's pattern for such
    entries, ``[^\s\ufeff]``, refuses what this refuses, in either dialect of ``\s``.
    """
    return all(char.isspace() or char in _ALSO_BLANK for char in text)


def has_surrogates(text: str) -> bool:
    """Whether a text holds a lone surrogate (which no UTF-8 document can carry)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _depth(value: Any, limit: int) -> bool:
    """Whether ``value`` nests deeper than ``limit`` (breadth first, containers only).

    A mapping built in Python may share one object in many places; the walk stops after
    ``MAX_DOCUMENT_VALUES`` containers, so its work stays bounded.
    """
    level = [value] if _is_container(value) else []
    depth = 1
    visited = 1  # the document itself
    while level:
        if depth > limit:
            return True
        deeper: list[Any] = []
        append = deeper.append
        for node in level:
            children = node.values() if (type(node) is dict or isinstance(node, Mapping)) else node
            visited += len(children)
            if visited > limits.MAX_DOCUMENT_VALUES:
                raise InputError([Problem("", f"document too large: more than {limits.MAX_DOCUMENT_VALUES:,} values")])
            for child in children:
                kind = type(child)
                if kind is dict or kind is list:
                    append(child)
                elif kind not in _SCALARS and _is_container(child):
                    append(child)
        level = deeper
        depth += 1
    return False


_SCALARS = frozenset({str, int, bool, float, Decimal, type(None)})


def _is_container(value: Any) -> bool:
    return isinstance(value, (Mapping, list, tuple))


def read_application(document: Any) -> Application:
    """A mapping, JSON/YAML text, or an :class:`Application` → a validated Application.

    Raises :class:`InputError` naming every bad field by its path.
    """
    if isinstance(document, Application):
        # Built by hand or with attrs.evolve: checked like any document (a naive time is
        # Brussels time, an amount has cents, ...). The typed values are read as they are.
        document = attrs.asdict(document)  # tuples stay tuples, values stay typed
    elif isinstance(document, (str, bytes)):
        document = parse_text(document)
    if _depth(document, limits.MAX_NESTING):
        raise InputError([Problem("", f"nested too deeply (at most {limits.MAX_NESTING} levels)")])
    reader = Reader()
    application = reader.application(document)
    if reader.problems:
        raise InputError(reader.problems)
    assert application is not None
    return application


# -- writing documents ----------------------------------------------------------------------


def _converter() -> cattrs.Converter:
    """A cattrs converter that writes the model back as a contract §1 mapping."""

    import cattrs
    from cattrs.gen import make_dict_unstructure_fn, override

    converter = cattrs.Converter()
    for cls in (Application, Form, Organisation, Partner, Municipality, Participant, Budget, Cofinancing):
        attrs.resolve_types(cls)  # the model's annotations are strings (PEP 563)
    converter.register_unstructure_hook(Decimal, lambda value: format(value, "f"))
    converter.register_unstructure_hook(dt.datetime, lambda value: value.isoformat())
    converter.register_unstructure_hook(dt.date, lambda value: value.isoformat())
    for choice in (
        OrganisationKind,
        PartnerRole,
        Residence,
        Gender,
        EducationLevel,
        Theme,
        Region,
        Community,
        Commission,
        Activity,
        Experience,
        Attachment,
    ):
        converter.register_unstructure_hook(choice, lambda value: value.value)
    # Optional[...] fields are unstructured by the value's own class (never None here).
    converter.register_unstructure_hook_func(
        lambda cls: getattr(cls, "__origin__", None) is typing.Union, lambda value: converter.unstructure(value)
    )
    # Inner classes first: each generated function binds the hooks of its fields' types.
    for cls in (Municipality, Cofinancing, Form, Participant, Partner, Organisation, Budget, Application):
        overrides: dict[str, Any] = {field.name: override(omit_if_default=True) for field in attrs.fields(cls)}
        converter.register_unstructure_hook(
            cls, make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True, **overrides)
        )
    return converter


_WRITER: cattrs.Converter | None = None


def to_document(application: Application) -> dict[str, Any]:
    """An :class:`Application` as a contract §1 mapping (missing fields left out).

    ``read_application(to_document(app)) == app`` for every application.
    """
    global _WRITER
    if _WRITER is None:
        _WRITER = _converter()
    document: dict[str, Any] = _WRITER.unstructure(application)
    return document
