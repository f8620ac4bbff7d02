"""Promises kept (issue 10): the reading of documents, each defect's regression, and the
property that closes its whole class.

| # | defect | class property here |
|---|---|---|
| 1 | a submission a nanosecond late was on time (the fraction was cut) | ``test_an_instant_after_a_deadline_by_any_amount_fails_or_is_refused`` |
| 2 | integers past 4,300 digits escaped as a bare ValueError; a batch stopped | ``test_numbers_of_any_length_in_any_field_and_form_give_a_verdict_or_name_the_path``, ``test_a_batch_checks_every_document_whatever_they_hold`` |
| 6 | a naive datetime in an Application crashed | ``test_an_application_object_gives_the_verdict_of_its_document`` |
| 7 | instants the schema refuses were accepted | ``test_what_the_reader_accepts_the_schema_accepts`` |
| 9 | YAML 1.1 guesses (base 60, ``on``, ``0x``) | ``test_yaml_never_types_what_json_would_not``, ``test_a_yaml_document_and_its_json_twin_agree`` |
| 10 | blank results counted as stated | ``test_a_blank_entry_in_any_list_of_texts_is_refused_at_its_path`` |
| 11 | a birth date after the submission gave a negative age | ``test_a_participant_born_after_the_reference_date_is_refused`` |
| 12 | an error message amplified its input | ``test_numbers_of_any_length_...`` (the error's length is bounded) |

Items 3 and 4 (message bounds) are held in ``tests/pipeline/test_message_bounds.py``, item 5
(immutability) and the kit's share (item 8) in ``tests/kit/test_kit_health.py`` and here.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
import string
import sys
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import amif_rules
from amif_rules import batch, catalog, cli, docpaths, schema, testing
from amif_rules.documents import INSTANT_PATTERN, parse_json, parse_yaml, read_application
from amif_rules.errors import InputError
from conftest import ENGINES, EXAMPLES

BRUSSELS = ZoneInfo("Europe/Brussels")
DEADLINE = dt.datetime(2019, 9, 2, 23, 59, tzinfo=BRUSSELS)
SCHEMA = json.loads((Path(amif_rules.__file__).parent / "schemas" / "application.schema.json").read_text("utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
#: The longest an error may be per problem, whatever the size of what it refuses.
MAX_PROBLEM_CHARACTERS = 400


def outcome_or_paths(document, **options):
    """("verdict", verdict) or ("input", the paths an InputError names)."""
    try:
        return "verdict", amif_rules.check(document, **options)
    except InputError as error:
        for problem in error.problems:
            assert len(problem.message) <= MAX_PROBLEM_CHARACTERS, problem.message[:200]
        return "input", error.paths


def _put(document: dict, path: str, value) -> dict:
    """A copy of ``document`` with the dotted ``path`` (digits index lists) set to ``value``."""
    document = copy.deepcopy(document)
    parts = tuple(int(p) if p.isdigit() else p for p in path.split("."))
    if isinstance(parts[-1], int):  # an element of a list: the list holds at least that many
        items = docpaths.get(document, parts[:-1])
        items = list(items) if isinstance(items, list) else []
        items += [None] * (parts[-1] + 1 - len(items))
        items[parts[-1]] = value
        parts, value = parts[:-1], items
    docpaths.put(document, parts, value)
    return document


def run_cli(*args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    """``amif-rules ARGS`` in this process."""
    saved, out, err = sys.stdin, io.StringIO(), io.StringIO()
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = cli.main(list(args))
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


# -- the reproductions of the issue, through the API on both engines, the CLI and a batch --------------------------

D = json.loads((EXAMPLES / "call-42-eligible-antwerpen.json").read_text(encoding="utf-8"))


def _with(path: str, value) -> dict:
    return _put(D, path, value)


#: (name, document as text or mapping, the expected paths of the input error) — each
#: reproduction of the issue that must now be an input error naming its path.
REFUSED = [
    ("1 a nanosecond late", _with("submitted_at", "2019-09-02T23:59:00.000000001+02:00"), ("submitted_at",)),
    ("2 a 4,301-digit duration", {"call": "42", "duration_months": 10**4300}, ("duration_months",)),
    ("2 a 4,301-digit population", _with("applicant.municipality.population", 10**4300), ("applicant.municipality.population",)),
    ("2 a 4,301-digit amount", _with("budget.amif", 10**4300), ("budget.amif",)),
    ("7 a week date", _with("submitted_at", "2019-W35-5T14:00:00+02:00"), ("submitted_at",)),
    ("7 the basic format", _with("submitted_at", "20190830T140000Z"), ("submitted_at",)),
    ("7 an hour alone", _with("submitted_at", "2019-08-30T14"), ("submitted_at",)),
    ("7 offset minutes of 60", _with("submitted_at", "2019-08-30T14:00+02:60"), ("submitted_at",)),
    ("7 the hour 24", _with("submitted_at", "2019-08-30T24:00+02:00"), ("submitted_at",)),
    ("9 base 60", "call: '42'\nbudget:\n  amif: 50:00\n", ("budget.amif",)),
    ("9 hexadecimal", "call: '42'\nduration_months: 0x12\n", ("duration_months",)),
    ("9 on", "call: '42'\nform:\n  signed: on\n", ("form.signed",)),
    ("10 an empty result", _with("results", [""]), ("results[0]",)),
    ("10 a blank result", _with("results", ["Een draaiboek", " \t "]), ("results[1]",)),
    ("11 born after the submission", _with("participants.0.birth_date", "2020-01-01"), ("participants[0].birth_date",)),
    ("12 a million-digit amount", {"call": "42", "budget": {"amif": Decimal("1e999999")}}, ("budget.amif",)),
    ("12 a 4,000-digit integer", {"call": "42", "budget": {"amif": 10**4000}}, ("budget.amif",)),
]


@pytest.mark.parametrize(("name", "document", "paths"), REFUSED, ids=[r[0] for r in REFUSED])
def test_each_reproduction_is_an_input_error_naming_its_path(name, document, paths, engine):
    kind, found = outcome_or_paths(document, engine=engine)
    assert (kind, found) == ("input", paths), name
    with pytest.raises(InputError) as error:
        amif_rules.check(document, engine=engine)
    assert len(str(error.value)) < 500, name  # 12: a bounded excerpt, never the value written out


def _as_text(document) -> bytes:
    """A reproduction as a portal sends it (JSON, its numbers written out exactly)."""
    return (document if isinstance(document, str) else testing.json_text(document)).encode()


@pytest.mark.parametrize(("name", "document", "paths"), REFUSED, ids=[r[0] for r in REFUSED])
def test_each_reproduction_exits_2_on_the_command_line_naming_its_path(name, document, paths):
    code, out, err = run_cli("check", "-", stdin=_as_text(document))
    assert code == 2 and out == "", (name, err)
    assert err.startswith("amif-rules: ") and "Traceback" not in err
    assert all(path in err for path in paths), (name, err)
    assert len(err) < 600, name


def test_a_folder_batch_checks_every_document_after_a_bad_one(tmp_path):
    """2: a folder with a.json, b.yaml (a 5,000-digit integer in an extra field and one in a
    field), c.json: one line each, in order; c.json is checked."""
    (tmp_path / "a.json").write_text(json.dumps(D))
    (tmp_path / "b.yaml").write_text("call: '42'\nextra: " + "9" * 5000 + "\nduration_months: " + "9" * 5000 + "\n")
    (tmp_path / "c.json").write_text(json.dumps(D))
    (tmp_path / "d.yaml").write_text("call: '42'\nextra: " + "9" * 5000 + "\n")
    code, out, err = run_cli("check", str(tmp_path), "--engine", "python")
    lines = [json.loads(line) for line in out.splitlines()]
    assert [Path(line["document"]).name for line in lines] == ["a.json", "b.yaml", "c.json", "d.yaml"]
    assert lines[0]["verdict"]["outcome"] == lines[2]["verdict"]["outcome"] == "eligible"
    assert [p["path"] for p in lines[1]["error"]["problems"]] == ["duration_months"]
    assert lines[3]["verdict"]["outcome"] == "incomplete"  # an extra field is ignored, however long its number
    assert code == 2 and len(json.dumps(lines[1])) < 1_000  # the error quotes no 5,000 digits


def test_a_nanosecond_late_is_refused_and_a_microsecond_late_fails(engine):
    """1: the fraction is never cut; precision within microseconds is kept exactly."""
    late = amif_rules.check(_with("submitted_at", "2019-09-02T23:59:00.000001+02:00"), engine=engine)
    assert late.rule("submitted-before-deadline").outcome == "fail"
    exact = amif_rules.check(_with("submitted_at", "2019-09-02T23:59:00.000000000+02:00"), engine=engine)
    assert exact.rule("submitted-before-deadline").outcome == "pass"
    assert exact.rule("submitted-before-deadline").fields["submitted_at"] == "2019-09-02T23:59:00+02:00"


def test_an_application_with_a_naive_time_is_brussels_time(engine):
    """6: a time without an offset, in an Application as in a document, is Brussels time."""
    application = read_application(D)
    on_time = amif_rules.check(attrs.evolve(application, submitted_at=dt.datetime(2019, 9, 2, 23, 59)), engine=engine)
    assert on_time.rule("submitted-before-deadline").outcome == "pass"
    assert on_time.rule("submitted-before-deadline").fields["submitted_at"] == "2019-09-02T23:59:00+02:00"
    late = amif_rules.check(attrs.evolve(application, submitted_at=dt.datetime(2019, 9, 3, 0, 0)), engine=engine)
    assert late.rule("submitted-before-deadline").outcome == "fail"


def test_the_verdict_cannot_be_changed(engine):
    """5: nothing reachable from a verdict changes its JSON."""
    verdict = amif_rules.check(D, engine=engine, lang="en")
    before = verdict.to_json()
    fields = verdict.rule("participant-third-country-national", "participants[3]").fields
    with pytest.raises(TypeError):
        fields["participants[3].nationalities"] = 5  # type: ignore[index]
    with pytest.raises(AttributeError):
        fields["participants[3].nationalities"].append("BE")
    with pytest.raises(AttributeError):
        verdict.rules[1].fields._items = {}  # type: ignore[attr-defined]
    verdict.to_dict()["rules"][1]["fields"].clear()  # to_dict() is the caller's own copy
    verdict.to_dict()["rules"][8]["fields"]["participants[0].nationalities"].append("BE")
    assert verdict.to_json() == before
    assert verdict.rule("participant-third-country-national", "participants[3]").to_dict()["fields"][
        "participants[3].nationalities"
    ] == ["MA", "TR"]


# -- 1: instants --------------------------------------------------------------------------------------------------


def _instant_boundaries():
    """Every comparison of ``submitted_at`` with a constant in the bundled rulesets."""
    found = []
    for call in catalog.calls():
        for boundary in testing.boundaries(call):
            if boundary.path == "submitted_at" and boundary.part == "check" and boundary.value is not None:
                found.append((call, boundary))
    return found


INSTANT_BOUNDARIES = _instant_boundaries()


def test_the_deadline_of_call_42_is_among_the_instant_boundaries():
    assert any(call == "42" and b.rule == "submitted-before-deadline" for call, b in INSTANT_BOUNDARIES)


@st.composite
def iso_texts(draw, moment: dt.datetime, fraction: str) -> str:
    """``moment`` (whole seconds) plus ``0.fraction`` s, written in one of the contract's forms."""
    zone = draw(st.sampled_from(["brussels-offset", "utc-z", "+05:30", "-03:00", "local"]))
    shown = {
        "brussels-offset": moment.astimezone(BRUSSELS),
        "local": moment.astimezone(BRUSSELS),
        "utc-z": moment.astimezone(dt.UTC),
    }.get(zone)
    if shown is None:
        sign = 1 if zone[0] == "+" else -1
        shown = moment.astimezone(dt.timezone(sign * dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))))
    separator = draw(st.sampled_from(["T", " "]))
    time = shown.strftime("%H:%M")
    if fraction or shown.second or draw(st.booleans()):
        time += shown.strftime(":%S") + (("." + fraction) if fraction else "")
    offset = {"utc-z": "Z", "local": ""}.get(zone, shown.strftime("%z")[:3] + ":" + shown.strftime("%z")[3:])
    return f"{shown.date().isoformat()}{separator}{time}{offset}"


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    seconds=st.integers(0, 10**6),
    fraction=st.text("0123456789", max_size=18),
    boundary=st.sampled_from(INSTANT_BOUNDARIES) if INSTANT_BOUNDARIES else st.nothing(),
    engine=st.sampled_from(ENGINES),
)
def test_an_instant_after_a_deadline_by_any_amount_fails_or_is_refused(data, seconds, fraction, boundary, engine):
    """Any instant past a bound by any amount ISO 8601 can write (a nanosecond, a second, a
    week) breaks the comparison, or is refused at ``submitted_at`` when it is more precise
    than a microsecond: never cut. At or before the bound by a written amount, it holds."""
    call, bound = boundary
    assume_delta = seconds > 0 or fraction.strip("0")
    if not assume_delta:
        return
    limit = dt.datetime.fromisoformat(bound.value) if isinstance(bound.value, str) else bound.value
    later = bound.op in ("<=", "<")  # an upper bound: past it is later
    whole = limit + (
        dt.timedelta(seconds=seconds) if later else -dt.timedelta(seconds=seconds + (1 if fraction.strip("0") else 0))
    )
    if not later and fraction.strip("0"):
        # earlier by seconds + 0.fraction: the whole second before, plus (1 - 0.fraction)
        complement = str(10 ** len(fraction) - int(fraction)).rjust(len(fraction), "0")
        text = data.draw(iso_texts(whole, complement))
    else:
        text = data.draw(iso_texts(whole, fraction))
    document = data.draw(testing.applications(call, eligible=True))
    document["submitted_at"] = text
    kind, result = outcome_or_paths(document, engine=engine)
    if fraction[6:].strip("0"):
        assert (kind, result) == ("input", ("submitted_at",)), text
    else:
        assert kind == "verdict", (text, result)
        assert result.rule(bound.rule).outcome == "fail", text


@settings(max_examples=100, deadline=None)
@given(data=st.data(), seconds=st.integers(0, 10**6), fraction=st.text("0123456789", max_size=6), engine=st.sampled_from(ENGINES))
def test_an_instant_at_or_before_the_deadline_by_any_written_amount_passes(data, seconds, fraction, engine):
    """The other side of call 42's deadline (23:59:00 Brussels time is the last instant accepted)."""
    whole = DEADLINE - dt.timedelta(seconds=seconds + (1 if fraction.strip("0") else 0))
    complement = str(10 ** len(fraction) - int(fraction)).rjust(len(fraction), "0") if fraction.strip("0") else ""
    text = data.draw(iso_texts(whole, complement))
    verdict = amif_rules.check(dict(D, submitted_at=text), engine=engine)
    assert verdict.rule("submitted-before-deadline").outcome == "pass", text


def test_the_schema_pattern_of_an_instant_is_the_readers():
    """One home for the grammar of a date-time: the schema states the reader's pattern."""
    assert SCHEMA["properties"]["submitted_at"]["pattern"] == INSTANT_PATTERN


# -- 2 and 12: numbers of any length, in any field and any form -----------------------------------------------------


def _leaf_paths() -> list[str]:
    """Every field of the contract, as a dotted path into the example document (list
    elements at index 0), and an extra field the library ignores."""
    paths = [path for path, kind in schema.ROOT_FIELDS.items() if kind.kind != schema.LIST]
    for scope, fields in schema.SCOPE_FIELDS.items():
        paths += [f"{scope}.0.{path}" for path in fields]
    return sorted(paths) + ["results.0", "activities.0", "participants.0.nationalities.0", "extra_field", "applicant.extra_field"]


LEAVES = _leaf_paths()


@st.composite
def long_numbers(draw):
    """(Python value, JSON text of it): integers and decimals of any length and magnitude."""
    digits = draw(st.integers(1, 12_000))
    lead = draw(st.sampled_from("123456789"))
    sign = draw(st.sampled_from(["", "-"]))
    shape = draw(st.sampled_from(["int", "fraction", "exponent", "small"]))
    if shape == "int":
        text = sign + lead + "0" * (digits - 1)
    elif shape == "fraction":
        text = sign + lead + "." + "7" * digits
    elif shape == "exponent":
        text = sign + lead + "e" + str(draw(st.integers(0, 10 ** draw(st.integers(1, 30)))))
    else:
        text = sign + "0." + "0" * digits + lead
    return text


def _bracketed(path: str) -> str:
    """``participants.0.birth_date`` → ``participants[0].birth_date`` (the library's paths)."""
    out = []
    for part in path.split("."):
        if part.isdigit():
            out[-1] += f"[{part}]"
        else:
            out.append(part)
    return ".".join(out)


MARK = "31415926535897932384626433832795"  # stands for the number while the JSON text is written


@settings(max_examples=200, deadline=None)
@given(
    path=st.sampled_from(LEAVES),
    number=long_numbers(),
    form=st.sampled_from(["json", "yaml", "dict"]),
    engine=st.sampled_from(ENGINES),
)
def test_numbers_of_any_length_in_any_field_and_form_give_a_verdict_or_name_the_path(path, number, form, engine):
    """A number of any length (an integer of 12,000 digits, ``1e<30 digits>``, a fraction of
    12,000 digits), in any field, as a mapping, JSON text or YAML text: a verdict (an extra
    field is ignored) or an input error naming that field, bounded in length."""
    text = json.dumps(_put(D, path, int(MARK)))
    text = text.replace(MARK, number)
    if form == "json":
        document = text
    elif form == "yaml":
        document = "# YAML\n" + text  # JSON is YAML 1.2: the same text read by the YAML reader
    else:
        sys.set_int_max_str_digits(0)
        try:
            document = json.loads(text, parse_float=Decimal)  # Python values, as a portal may build them
        except ArithmeticError:  # beyond what a Decimal holds: no portal can build it, send the text
            document = text
        finally:
            sys.set_int_max_str_digits(4300)
    kind, result = outcome_or_paths(document, engine=engine)
    wanted = _bracketed(path)
    if kind == "input":
        assert result == (wanted,) or (
            wanted.startswith("participants[0].nationalities") and result == ("participants[0].nationalities[0]",)
        ), (path, result)
    else:  # an extra field is ignored; a field of the contract takes only a number it can hold
        assert "extra_field" in path or len(number) <= 30, (path, number[:40])


@st.composite
def batch_items(draw):
    """A name and the bytes of one document of a batch: good, huge, broken, or not a document."""
    kind = draw(st.sampled_from(["good", "huge", "broken-json", "huge-extra", "yaml-guess", "binary"]))
    if kind == "good":
        return "json", json.dumps(D).encode()
    if kind == "huge":
        return "yaml", ("call: '42'\nduration_months: " + "9" * draw(st.integers(4000, 9000)) + "\n").encode()
    if kind == "huge-extra":
        return "json", ('{"call": "42", "x": ' + "9" * draw(st.integers(4000, 9000)) + "}").encode()
    if kind == "broken-json":
        return "json", b'{"call": "42", '
    if kind == "yaml-guess":
        return "yaml", b"call: '42'\nform:\n  signed: yes\n"
    return "json", draw(st.binary(max_size=40))


@settings(max_examples=25, deadline=None)
@given(items=st.lists(batch_items(), min_size=1, max_size=8))
def test_a_batch_checks_every_document_whatever_they_hold(tmp_path_factory, items):
    """A folder batch writes one line per document, in order, whatever each holds."""
    folder = tmp_path_factory.mktemp("batch")
    names = []
    for index, (suffix, data) in enumerate(items):
        name = f"{index:03d}.{suffix}"
        (folder / name).write_bytes(data)
        names.append(name)
    out = io.StringIO()
    count, errors = batch.run(batch.sources([str(folder)], False, io.BytesIO()), batch.Options(engine="python"), out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert count == len(items) and [Path(line["document"]).name for line in lines] == names
    for line in lines:
        assert ("verdict" in line) != ("error" in line)
        if "error" in line:
            assert line["error"].get("error") != "internal", line
            assert len(json.dumps(line)) < 2_000


# -- 6: an Application is read like its document --------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    document=testing.applications("42"),
    naive=st.datetimes(dt.datetime(2019, 1, 1), dt.datetime(2020, 12, 31)),
    engine=st.sampled_from(ENGINES),
)
def test_an_application_object_gives_the_verdict_of_its_document(document, naive, engine):
    """An Application with a time without offset gives the verdict of the document that
    writes that time without an offset (Brussels time), refused in the same way when the
    time does not exist or exists twice in Brussels."""
    application = read_application(document)
    evolved = attrs.evolve(application, submitted_at=naive)
    as_text = dict(document, submitted_at=naive.isoformat())
    first, second = outcome_or_paths(evolved, engine=engine), outcome_or_paths(as_text, engine=engine)
    assert first[0] == second[0]
    if first[0] == "verdict":
        assert first[1].to_json() == second[1].to_json()
    else:
        assert first[1] == second[1]


# -- 7: the schema accepts what the reader accepts ------------------------------------------------------------------

_SPACES = st.sampled_from(["", " ", "\t", "\n", "\r", "\u00a0", "\u2003", "\x1c", "\ufeff", "\u3000"])


@st.composite
def instant_like(draw):
    """Texts near the contract's date-time: valid ones, and ones a lenient ISO parser takes."""
    parts = [
        draw(
            st.sampled_from(
                [
                    "2019-08-30",
                    "2019-02-29",
                    "2020-02-29",
                    "2019-W35-5",
                    "20190830",
                    "2019-242",
                    "1899-12-31",
                    "2201-01-01",
                    "٢٠١٩-08-30",
                ]
            )
        ),
        draw(st.sampled_from(["T", " ", "t", "", "_"])),
        draw(st.sampled_from(["14:00", "14", "1400", "14:00:00", "23:59:59", "24:00", "14:60", "14:00:60", "02:30"])),
        draw(st.sampled_from(["", ".5", ".123456", ".1234567", ".000000000", ".123456000", ",5", "."])),
        draw(
            st.sampled_from(
                ["", "Z", "z", "+02:00", "-00:00", "+0200", "+02", "+24:00", "+02:60", "+02:00:30", "[Europe/Brussels]", "UTC"]
            )
        ),
    ]
    return draw(_SPACES) + "".join(parts) + draw(_SPACES)


@st.composite
def money_like(draw):
    return draw(
        st.one_of(
            st.from_regex(r"\A[ \t\n\r\u00a0]?-?[0-9]{0,13}([.,][0-9]{0,4})?[ \t\n\r\u2003]?\Z", fullmatch=True),
            st.decimals(allow_nan=False, allow_infinity=False, places=None).map(lambda d: d),
            st.integers(-10, 10**12),
            st.floats(allow_nan=False, allow_infinity=False, min_value=-1, max_value=2e11),
        )
    )


def _json_twin(document):
    """What the schema sees: the document as JSON text read back by a plain JSON parser."""
    return json.loads(testing.json_text(document))


CANDIDATES = [
    ("submitted_at", instant_like()),
    (
        "participants.0.birth_date",
        st.one_of(
            st.from_regex(r"\A[ \t\n\r\u00a0]?[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[ \n\ufeff]?\Z", fullmatch=True), st.dates().map(str)
        ),
    ),
    ("budget.amif", money_like()),
    ("budget.cofinancing.pod_mi", money_like()),
    ("applicant.municipality.nis_code", st.one_of(st.from_regex(r"\A[0-9]{4,6}\n?\Z", fullmatch=True), st.integers(0, 99999))),
    ("applicant.municipality.population", st.one_of(st.integers(-5, 10**9), st.decimals(allow_nan=False, places=1))),
    (
        "participants.0.nationalities.0",
        st.one_of(st.text(string.ascii_letters, min_size=1, max_size=3), st.sampled_from(["stateless", "SY", "XX", "EU"])),
    ),
    ("participants.0.first_language", st.text(string.ascii_letters, min_size=1, max_size=3)),
    ("participants.0.residence", st.sampled_from(["legal", "Legal", "legal ", "irregular", "x"])),
    (
        "results.0",
        st.text(alphabet=st.sampled_from([" ", "\t", "\u00a0", "\ufeff", "\x1c", "\u2028", "a", "\u200b"]), max_size=4),
    ),
    ("duration_months", st.one_of(st.integers(-3, 2000), st.decimals(allow_nan=False, places=2))),
]


@settings(max_examples=400, deadline=None)
@given(data=st.data(), candidate=st.sampled_from(CANDIDATES))
def test_what_the_reader_accepts_the_schema_accepts(data, candidate):
    """The published schema is never stricter than the reader: an instant, amount or code the
    library reads without an error, the schema accepts (it may be looser)."""
    path, values = candidate
    value = data.draw(values)
    document = _put(D, path, value)
    kind, result = outcome_or_paths(document, engine="python")
    refused_here = kind == "input" and _bracketed(path) in result
    if not refused_here:
        errors = [e.message for e in VALIDATOR.iter_errors(_json_twin(document))]
        assert not errors, (path, value, errors)


def test_the_schema_refuses_the_reproductions_of_item_7():
    for text in ("2019-W35-5T14:00:00+02:00", "20190830T140000Z", "2019-08-30T14", "2019-09-02T23:59:00.000000001+02:00"):
        assert list(VALIDATOR.iter_errors(dict(D, submitted_at=text))), text


# -- 9: YAML as JSON would read it ----------------------------------------------------------------------------------

#: Plain scalars YAML 1.1 (and YAML 1.2's core schema, for some) would type.
GUESSES = [
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Yes",
    "NO",
    "On",
    "True",
    "FALSE",
    "Null",
    "NULL",
    "~",
    "0x12",
    "0o17",
    "017",
    "+12",
    "1_000",
    "50:00",
    "1:20:30",
    ".inf",
    "-.Inf",
    ".NaN",
    ".5",
    "1.",
    "2019-08-30",
    "2019-08-30T14:00:00Z",
    "<<",
    "=",
    "0b101",
    "1e",
    "12e3.5",
]


@given(scalar=st.one_of(st.sampled_from(GUESSES), st.from_regex(r"\A[-+]?(0[xob])?[0-9_:.eE]{1,8}\Z", fullmatch=True)))
def test_yaml_never_types_what_json_would_not(scalar):
    """A plain scalar is typed only when JSON would read it as that type; otherwise text."""
    try:
        json_value = json.loads(scalar, parse_float=Decimal)
    except ValueError:
        json_value = None
        is_json = False
    else:
        is_json = not isinstance(json_value, (list, dict, str))
    try:
        read = parse_yaml(f"value: {scalar}\n")
    except InputError:
        return  # not valid YAML in that position (a ':' in a key, say): refused, not guessed
    if is_json:
        assert read == {"value": json_value}
    else:
        assert read == {"value": scalar}


def test_yaml_empty_and_null_are_null_but_tilde_is_text():
    assert parse_yaml("a:\nb: null\nc: ~\nd: 'null'\n") == {"a": None, "b": None, "c": "~", "d": "null"}


def test_yaml_has_no_merge_keys():
    assert parse_yaml("a: 1\n<<: {b: 2}\n") == {"a": 1, "<<": {"b": 2}}


@settings(max_examples=80, deadline=None)
@given(
    document=testing.applications("42"),
    extra=st.recursive(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.text(max_size=8),
            st.decimals(allow_nan=False, allow_infinity=False).map(lambda d: Decimal(str(d))),
        ),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=8,
    ),
    engine=st.sampled_from(ENGINES),
)
def test_a_yaml_document_and_its_json_twin_agree(document, extra, engine):
    """The same document as JSON text, as JSON text read as YAML, and as block YAML gives one verdict."""
    document = dict(document, extra=extra)
    as_json, as_yaml = testing.json_text(document), testing.yaml_text(document)
    assert parse_yaml(as_yaml) == parse_json(as_json) == parse_yaml(as_json)  # JSON is YAML 1.2
    testing.assert_yaml_json_agree(document, engine=engine)


# -- 10: lists of texts -------------------------------------------------------------------------------------------

#: Every list of free texts a rule may count (TEXTS without a fixed set of values).
TEXT_LISTS = [path for path, kind in schema.ROOT_FIELDS.items() if kind.kind == schema.TEXTS and not kind.choices]


def test_results_is_a_list_of_texts_rules_count():
    assert TEXT_LISTS == ["results"]


@settings(max_examples=100, deadline=None)
@given(
    path=st.sampled_from(TEXT_LISTS), texts=st.lists(st.text(max_size=5), min_size=1, max_size=6), engine=st.sampled_from(ENGINES)
)
def test_a_blank_entry_in_any_list_of_texts_is_refused_at_its_path(path, texts, engine):
    """One rule for every list of texts: an entry that is empty or only spaces is an input
    error at its own path; every other entry is read as written."""
    document = dict(D, **{path: texts})
    kind, result = outcome_or_paths(document, engine=engine)
    blank = tuple(f"{path}[{i}]" for i, text in enumerate(texts) if all(c.isspace() or c == "\ufeff" for c in text))
    surrogate = any(0xD800 <= ord(c) <= 0xDFFF for text in texts for c in text)
    if surrogate:
        assert kind == "input"
    elif blank:
        assert kind == "input" and set(blank) <= set(result), (texts, result)
    else:
        assert kind == "verdict", (texts, result)


# -- 11: birth dates ----------------------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(
    born=st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)),
    on=st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1))),
    engine=st.sampled_from(ENGINES),
)
def test_a_participant_born_after_the_reference_date_is_refused(born, on, engine):
    """Born after the Brussels date of the submission, or after the date ``on`` the rules
    are evaluated on: an input error at that participant's birth date; else no error there."""
    document = _put(D, "participants.1.birth_date", born.isoformat())
    kind, result = outcome_or_paths(document, engine=engine, on=on)
    submitted = dt.date(2019, 8, 30)
    if born > submitted or (on is not None and born > on):
        assert (kind, result) == ("input", ("participants[1].birth_date",))
    else:
        assert kind == "verdict"


# -- every reproduction through a batch, and the messages (3, 4) through the command line -------------------------


def test_every_reproduction_in_one_folder_batch(tmp_path):
    """The reproductions as files of one folder: one line each, in order, each an input error
    naming its path, none stopping the batch; a good document after them is checked."""
    names = []
    for index, (_name, document, _) in enumerate(REFUSED):
        file = tmp_path / (f"{index:02d}.yaml" if isinstance(document, str) else f"{index:02d}.json")
        file.write_bytes(_as_text(document))
        names.append(file.name)
    (tmp_path / "99.json").write_text(json.dumps(D))
    code, out, err = run_cli("check", str(tmp_path), "--engine", "python")
    lines = [json.loads(line) for line in out.splitlines()]
    assert [Path(line["document"]).name for line in lines] == names + ["99.json"]
    for line, (name, _, paths) in zip(lines, REFUSED):
        assert tuple(sorted({p["path"] for p in line["error"]["problems"]})) == paths, name
        assert len(json.dumps(line)) < 1_000, name
    assert lines[-1]["verdict"]["outcome"] == "eligible" and code == 2


def _shares(total: str, amif: str, pod_mi: str) -> dict:
    document = copy.deepcopy(D)
    document["budget"].update(total_eligible_cost=total, amif=amif)
    document["budget"]["cofinancing"]["pod_mi"] = pod_mi
    return document


@pytest.mark.parametrize(
    ("document", "rule", "shown"),
    [
        (_shares("1999.99", "1400.00", "300.00"), "pod-mi-share-max", "(€299.99)"),
        (_shares("1000.01", "750.01", "150.00"), "amif-share-max", "(€750.00)"),
        (_shares("0.00", "750.00", "0.00"), "amif-share-max", "(undefined: division by zero)"),
    ],
    ids=["3 pod mi", "3 amif", "4 zero total"],
)
def test_the_share_messages_through_the_api_and_the_command_line(document, rule, shown, engine):
    """3 and 4: the same message in process and from ``amif-rules check --format json``."""
    message = amif_rules.check(document, lang="en", engine=engine).rule(rule).message
    assert shown in message and "(missing)" not in message
    code, out, _ = run_cli(
        "check", "-", "--lang", "en", "--format", "json", "--engine", engine, stdin=json.dumps(document).encode()
    )
    assert code == 1
    assert [r["message"] for r in json.loads(out)["rules"] if r["id"] == rule] == [message]


def test_the_reliability_page_names_tests_that_exist():
    """docs/reliability.md §7 names, for each defect, the tests that close its class."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "reliability.md").read_text(encoding="utf-8")
    section = page[page.index("## 7. Promises kept") :]
    named = set()
    for match in re.finditer(r"`(tests/[\w/]+\.py)::(test_\w+)", section):
        named.add((match.group(1), match.group(2)))
    for match in re.finditer(r"(?<![:\w])`?(test_\w+)`", section):
        named.add((None, match.group(1)))
    root = Path(__file__).resolve().parents[2]
    sources = {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8") for path in root.glob("tests/**/*.py")}
    assert len(named) >= 15
    for file, name in named:
        where = [sources[file]] if file else list(sources.values())
        assert any(f"def {name}(" in text for text in where), (file, name)
