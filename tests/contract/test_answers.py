"""Answers typed to the questions of contract §5 (``amif_rules.answers``): each kind of text
read into the value the question's schema describes, refused with its reason, judged by the
full reader once in the document; and the validator held to the ``jsonschema`` library on
values drawn for every field of the application document."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from decimal import Decimal

import jsonschema
import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

import amif_rules
from amif_rules import answers
from amif_rules.answers import Refused, read_answer
from amif_rules.fieldschema import field_schema
from amif_rules.rulesetinputs import input_paths
from conftest import EXAMPLES

#: Every field of the application document, list elements as their first (``[0]``).
PATHS = [path.replace("[]", "[0]") for path in input_paths()]
BRUSSEL = json.loads((EXAMPLES / "call-42-incomplete-brussel.json").read_text(encoding="utf-8"))


# -- each kind of answer ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "text", "value"),
    [
        ("submitted_at", "2019-08-30 14:00", "2019-08-30T14:00"),
        ("submitted_at", "30/08/2019 14u00", "2019-08-30T14:00"),
        ("submitted_at", "2019-08-30T14:00:05+0200", "2019-08-30T14:00:05+02:00"),
        ("submitted_at", "2019-08-30 14h00 z", "2019-08-30T14:00Z"),
        ("form.signed", "ja", True),
        ("form.signed", "Non", False),
        ("form.signed", "YES", True),
        ("form.complete", "o", True),
        ("form.complete", "false", False),
        ("applicant.kind", "1", "ocmw"),
        ("applicant.kind", "OCMW", "ocmw"),
        ("applicant.kind", "Community commission", "community_commission"),
        ("partners[0].role", "co-applicant", "co_applicant"),
        ("applicant.municipality.population", "523248", 523248),
        ("applicant.municipality.population", "523.248", 523248),
        ("applicant.municipality.population", "523 248", 523248),
        ("duration_months", "24", 24),
        ("budget.amif", "300000", "300000.00"),
        ("budget.amif", "300000,5", "300000.50"),
        ("budget.amif", "€ 1.234,56", "1234.56"),
        ("budget.amif", "1,234.56 EUR", "1234.56"),
        ("budget.amif", "1.234", "1234.00"),
        ("budget.amif", "0", "0.00"),
        ("participants[0].birth_date", "1990-05-17", "1990-05-17"),
        ("participants[0].birth_date", "17/05/1990", "1990-05-17"),
        ("participants[0].birth_date", "7.5.1990", "1990-05-07"),
        ("participants[0].nationalities", "sy, IQ", ["SY", "IQ"]),
        ("participants[0].nationalities", "Stateless", ["stateless"]),
        ("participants[0].first_language", "AR", "ar"),
        ("applicant.municipality.nis_code", " 11002 ", "11002"),
        ("applicant.name", "  OCMW Antwerpen ", "OCMW Antwerpen"),
        ("activities", "1, 4", ["buddy", "language"]),
        ("activities", "buddy language", ["buddy", "language"]),
        (
            "results",
            "20 people, of whom 10 women, find work\nA buddy for each",
            ["20 people, of whom 10 women, find work", "A buddy for each"],
        ),
        ("partners", "[]", []),
    ],
)
def test_each_kind_of_answer_is_read_into_its_value(path, text, value):
    assert read_answer(text, field_schema(path)) == value


@pytest.mark.parametrize(
    ("path", "text", "reason", "said"),
    [
        ("submitted_at", "tomorrow", "datetime", "expected a date and a time such as 2019-08-30 14:00"),
        ("submitted_at", "2019-08-30", "time_missing", "give the time too, such as 2019-08-30 14:00"),
        ("submitted_at", "2019-02-30 10:00", "calendar", "'2019-02-30' is not on the calendar"),
        ("submitted_at", "2019-08-30 24:00", "calendar", "'2019-08-30 24:00' is not on the calendar"),
        ("form.signed", "maybe", "boolean", "answer yes or no"),
        ("applicant.kind", "9", "choice", "not one of the 8 choices: give its number or its code"),
        ("applicant.kind", "gemeente", "choice", "not one of the 8 choices: give its number or its code"),
        ("applicant.municipality.population", "-5", "minimum", "at least 0"),
        ("applicant.municipality.population", "1000000000", "maximum", "at most 100000000"),
        ("applicant.municipality.population", "many", "integer", "expected a whole number"),
        ("applicant.municipality.population", "52.3248", "integer", "expected a whole number"),
        ("budget.amif", "1.2345", "decimals", "at most 2 decimals (cents)"),
        ("budget.amif", "-5", "minimum", "at least 0"),
        ("budget.amif", "100000000000", "exclusiveMaximum", "less than 100000000000"),
        ("budget.amif", "1.234.56", "money", "expected an amount in euro such as 1234.56"),
        ("budget.amif", "lots", "money", "expected an amount in euro such as 1234.56"),
        ("participants[0].birth_date", "May 1990", "date", "expected a date such as 2019-08-30"),
        ("participants[0].nationalities", "SY SY", "uniqueItems", "'SY' is given twice"),
        ("participants[0].nationalities", "stateless, SY", "conditional", "not allowed together (give at most 1)"),
        ("participants[0].nationalities", "SY, Syria", "maxLength", "entry 2: at most 2 characters"),
        ("applicant.municipality.nis_code", "1100", "minLength", "at least 5 characters"),
        ("activities", "buddy, dancing", "choice", "entry 2: not one of the 8 choices: give its number or its code"),
        ("partners", "[1", "json", "not valid JSON (Expecting ',' delimiter: line 1 column 3 (char 2))"),
        ("partners", "[1]", "type", "entry 1: expected an object"),
    ],
)
def test_a_wrong_answer_is_refused_with_its_reason(path, text, reason, said):
    with pytest.raises(Refused) as refused:
        read_answer(text, field_schema(path))
    assert refused.value.reason == reason
    assert str(refused.value) == said


def test_a_choice_is_also_read_by_its_words():
    assert read_answer("gemeente", field_schema("applicant.kind"), {"municipality": "gemeente"}) == "municipality"


def test_a_question_of_a_verdict_is_read_with_its_own_schema():
    verdict = amif_rules.check(BRUSSEL, include="questions")
    schemas = {question["path"]: question["schema"] for question in verdict.questions}
    assert read_answer("45000,00", schemas["budget.cofinancing.pod_mi"]) == "45000.00"
    assert read_answer("2", schemas["participants[1].residence"]) == "international_protection"
    assert read_answer("nee", schemas["form.signed"]) is False


# -- the full reader judges the answer in the document -----------------------------------------------


def test_an_answer_is_put_into_a_copy_of_the_document():
    changed, value = answers.answer(BRUSSEL, "participants[1].residence", "legal")
    assert value == "legal" and changed["participants"][1]["residence"] == "legal"
    assert "residence" not in BRUSSEL["participants"][1]
    changed, _ = answers.answer({"call": "42"}, "budget.cofinancing.pod_mi", "45000")
    assert changed == {"call": "42", "budget": {"cofinancing": {"pod_mi": "45000.00"}}}


@pytest.mark.parametrize(
    ("path", "text", "said"),
    [
        (
            "participants[0].nationalities",
            "XX",
            'unknown country code \'XX\'; expected an ISO 3166-1 alpha-2 code such as "SY", or "stateless"',
        ),
        ("participants[0].first_language", "qq", 'unknown language code \'qq\'; expected an ISO 639-1 code such as "ar" or "nl"'),
        (
            "submitted_at",
            "2019-10-27 02:30",
            "2019-10-27T02:30:00 happens twice in Brussels (clocks go back); give an offset such as +02:00 or +01:00",
        ),
        ("submitted_at", "1899-12-31 10:00", "year 1899 is out of range (1900-2200)"),
        (
            "participants[0].birth_date",
            "2019-12-01",
            "born on 2019-12-01, after the application was submitted (2019-09-01, Brussels time)",
        ),
    ],
)
def test_an_answer_the_reader_refuses_is_refused_with_the_readers_message(path, text, said):
    with pytest.raises(Refused) as refused:
        answers.answer(BRUSSEL, path, text)
    assert refused.value.reason == "reader"
    assert str(refused.value) == said


def test_a_reader_problem_at_another_field_is_said_with_its_path():
    document = copy.deepcopy(BRUSSEL)
    document["participants"][0]["birth_date"] = "2019-08-01"
    with pytest.raises(Refused) as refused:
        answers.answer(document, "submitted_at", "2019-07-01 10:00")
    assert str(refused.value) == (
        "participants[0].birth_date: born on 2019-08-01, after the application was submitted (2019-07-01, Brussels time)"
    )


# -- the validator agrees with jsonschema --------------------------------------------------------------

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
_JSON = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=8,
)


def _near(schema: dict) -> st.SearchStrategy:
    """Values on and around what ``schema`` allows: its members, texts of its pattern, numbers
    and lengths on both sides of its bounds, lists of such values at its sizes."""
    options: list[st.SearchStrategy] = []
    if "enum" in schema:
        options.append(st.sampled_from(schema["enum"]))
    if "const" in schema:
        options.append(st.just(schema["const"]))
    if "pattern" in schema:
        texts = st.from_regex(schema["pattern"])
        options += [texts, texts.map(str.lower), texts.map(str.upper), texts.map(lambda text: text + "x")]
    for low, high in (("minLength", "maxLength"),):
        sizes = [schema[key] + step for key in (low, high) if key in schema for step in (-1, 0, 1) if schema[key] + step >= 0]
        if sizes:
            options.append(st.sampled_from(sizes).flatmap(lambda size: st.text(min_size=size, max_size=size)))
    bounds = [schema[key] for key in ("minimum", "maximum", "exclusiveMaximum") if key in schema]
    for bound in bounds:
        options.append(st.sampled_from([bound - 1, bound, bound + 1, float(bound), bound - 0.5, bound + 0.5]))
    if schema.get("type") == "integer" or "integer" in schema.get("type", ()):
        options.append(st.integers(min_value=-3, max_value=3) | st.just(2.0) | st.just(True))
    if "items" in schema:
        items = _near(schema["items"])
        options.append(st.lists(items, max_size=4))
        for key in ("minItems", "maxItems"):
            if key in schema:
                sizes = [size for size in (schema[key] - 1, schema[key], schema[key] + 1) if size >= 0]
                options.append(st.tuples(items, st.sampled_from(sizes)).map(lambda pair: [pair[0]] * pair[1]))
                options.append(st.sampled_from(sizes).flatmap(lambda size: st.lists(items, min_size=size, max_size=size)))
    for branch in schema.get("anyOf", ()):
        options.append(_near(branch))
    if "properties" in schema:
        options.append(st.fixed_dictionaries({}, optional={name: _near(sub) for name, sub in schema["properties"].items()}))
    return st.one_of(_JSON, *options)


@pytest.mark.parametrize("path", PATHS)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_the_validator_agrees_with_jsonschema_on_every_field(path, data):
    schema = field_schema(path)
    value = data.draw(_near(schema), label="value")
    expected = jsonschema.Draft202012Validator(schema).is_valid(value)
    assert answers.valid(value, schema) is expected, f"{path}: {value!r} is {'valid' if expected else 'invalid'} for jsonschema"


@pytest.mark.parametrize("path", PATHS)
def test_the_values_drawn_for_a_field_are_valid_and_invalid(path):
    """The comparison above means something: for every field, it meets values on both sides."""
    schema = field_schema(path)
    quick = settings(database=None, max_examples=2000, suppress_health_check=list(HealthCheck))
    assert answers.valid(find(_near(schema), lambda value: answers.valid(value, schema), settings=quick), schema)
    assert not answers.valid(find(_near(schema), lambda value: not answers.valid(value, schema), settings=quick), schema)


def test_a_keyword_the_validator_does_not_know_is_an_error():
    with pytest.raises(ValueError, match="unsupported JSON Schema keyword"):
        answers.valid("x", {"type": "string", "format": "email"})


# -- amounts, whole numbers and dates written every accepted way ------------------------------------


@given(cents=st.integers(min_value=0, max_value=10**13 - 1))
def test_an_amount_is_read_however_it_is_grouped(cents):
    amount = Decimal(cents) / 100
    plain = format(amount.quantize(Decimal("0.01")), "f")
    whole, fraction = plain.split(".")
    grouped = f"{int(whole):,}"
    for text in (plain, f"{whole},{fraction}", f"{grouped}.{fraction}", f"{grouped.replace(',', '.')},{fraction}", f"€ {plain}"):
        assert read_answer(text, field_schema("budget.amif")) == plain, text


@given(number=st.integers(min_value=0, max_value=100_000_000))
def test_a_whole_number_is_read_however_it_is_grouped(number):
    for text in (str(number), f"{number:,}", f"{number:,}".replace(",", "."), f"{number:,}".replace(",", " ")):
        assert read_answer(text, field_schema("applicant.municipality.population")) == number, text


@given(day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_a_date_is_read_in_iso_and_belgian_order(day):
    for text in (day.isoformat(), day.strftime("%d/%m/%Y"), f"{day.day}-{day.month}-{day.year:04d}"):
        assert read_answer(text, field_schema("participants[0].birth_date")) == day.isoformat(), text
    answered = read_answer(f"{day.strftime('%d/%m/%Y')} 9:05", field_schema("submitted_at"))
    assert answered == f"{day.isoformat()}T09:05" and re.fullmatch(field_schema("submitted_at")["pattern"], answered)
