"""Reading application documents (contract §1): JSON, YAML and mappings → Application.

Bad fields are named by their exact path, all at once, in one InputError; missing and
null fields stay None; money is exact Decimal; naive times are Europe/Brussels.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amif_rules import limits
from amif_rules.documents import parse_json, parse_yaml, read_application
from amif_rules.errors import InputError
from amif_rules.model import Application, OrganisationKind, PartnerRole, Residence

EXAMPLES = Path(__file__).parents[2] / "examples"
BRUSSELS = ZoneInfo("Europe/Brussels")


def problems(document) -> dict[str, list[str]]:
    """The InputError's problems as {path: [messages]}; fails when nothing is raised."""
    with pytest.raises(InputError) as caught:
        read_application(document)
    result: dict[str, list[str]] = {}
    for problem in caught.value.problems:
        result.setdefault(problem.path, []).append(problem.message)
    return result


def only_problem(document, path: str) -> str:
    """The single message for ``path``, asserting that no other path is named."""
    found = problems(document)
    assert list(found) == [path], found
    assert len(found[path]) == 1, found
    return found[path][0]


def amount(value):
    """The budget.amif read from ``value``."""
    return read_application({"budget": {"amif": value}}).budget.amif


# -- every bad field, by path, at once ----------------------------------------------------


def test_every_bad_field_is_named_by_its_exact_path_in_one_error():
    """One document with many kinds of mistakes: each is reported, with its path, together."""
    doc = {
        "call": 42,
        "submitted_at": "2019-08-30",
        "form": {"complete": "yes", "signed": 1},
        "applicant": {"name": 5, "kind": "OCMW", "municipality": {"nis_code": 11002, "population": -3}},
        "partners": [
            {"role": "coach", "kind": "vzw", "municipality": {"nis_code": "1100", "population": 10**9}},
            None,
        ],
        "participants": [
            {"nationalities": ["sy", "XX"], "residence": "Legal", "birth_date": "1990-02-30"},
            {"nationalities": []},
            {"nationalities": ["stateless", "SY"]},
        ],
        "budget": {
            "total_eligible_cost": "1.234",
            "amif": float("nan"),
            "cofinancing": {"pod_mi": "1,5", "own": True, "other": -1},
        },
        "duration_months": 2.5,
    }
    found = problems(doc)
    assert set(found) == {
        "call",
        "submitted_at",
        "form.complete",
        "form.signed",
        "applicant.name",
        "applicant.kind",
        "applicant.municipality.nis_code",
        "applicant.municipality.population",
        "partners[0].role",
        "partners[0].kind",
        "partners[0].municipality.nis_code",
        "partners[0].municipality.population",
        "partners[1]",
        "participants[0].nationalities[0]",
        "participants[0].nationalities[1]",
        "participants[0].residence",
        "participants[0].birth_date",
        "participants[1].nationalities",
        "participants[2].nationalities",
        "budget.total_eligible_cost",
        "budget.amif",
        "budget.cofinancing.pod_mi",
        "budget.cofinancing.own",
        "budget.cofinancing.other",
        "duration_months",
    }


def test_input_error_paths_are_sorted_and_the_text_names_them():
    """InputError.paths lists each bad path once, sorted; str() names every path."""
    with pytest.raises(InputError) as caught:
        read_application({"form": {"signed": "no", "complete": "no"}, "call": 1})
    error = caught.value
    assert error.paths == ("call", "form.complete", "form.signed")
    assert "3 bad fields" in str(error)
    for path in error.paths:
        assert path in str(error)
    assert error.to_dict()["error"] == "input"
    assert [p["path"] for p in error.to_dict()["problems"]] == ["call", "form.complete", "form.signed"]


@pytest.mark.parametrize(
    "field, value",
    [("form.complete", "true"), ("form.complete", 1), ("form.signed", 0), ("form.signed", "ja")],
)
def test_booleans_must_be_true_or_false(field, value):
    """A form flag given as text or a number is not read as a boolean."""
    section, name = field.split(".")
    message = only_problem({section: {name: value}}, field)
    assert "true or false" in message


@pytest.mark.parametrize("value", ["42", 42.0, True, [1], {"a": 1}])
def test_duration_must_be_a_whole_number(value):
    """duration_months given as text, float, bool, list or object is an input error."""
    message = only_problem({"duration_months": value}, "duration_months")
    assert "whole number" in message


def test_call_as_number_is_refused_with_the_text_to_write():
    """ "call": 42 (a number) is an error that shows the quoted form "42"."""
    message = only_problem({"call": 42}, "call")
    assert '"42"' in message


# -- enums ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "doc, path, wrong, right",
    [
        ({"applicant": {"kind": "OCMW"}}, "applicant.kind", "OCMW", "ocmw"),
        ({"partners": [{"role": "Coaching"}]}, "partners[0].role", "Coaching", "coaching"),
        ({"participants": [{"residence": " Legal "}]}, "participants[0].residence", " Legal ", "legal"),
    ],
)
def test_unknown_enum_value_with_did_you_mean(doc, path, wrong, right):
    """An enum value in the wrong case is refused, with a 'did you mean' naming the right one."""
    message = only_problem(doc, path)
    assert repr(wrong) in message
    assert f"did you mean {right!r}" in message


@pytest.mark.parametrize(
    "doc, path, enum_type",
    [
        ({"applicant": {"kind": "vzw"}}, "applicant.kind", OrganisationKind),
        ({"partners": [{"kind": "asbl"}]}, "partners[0].kind", OrganisationKind),
        ({"partners": [{"role": "partner"}]}, "partners[0].role", PartnerRole),
        ({"participants": [{"residence": "refugee"}]}, "participants[0].residence", Residence),
    ],
)
def test_unknown_enum_value_lists_the_allowed_values(doc, path, enum_type):
    """An unknown enum value is refused and the message lists every allowed value."""
    message = only_problem(doc, path)
    for member in enum_type:
        assert member.value in message


def test_enum_given_as_a_number_is_refused():
    """A number where an enum is expected is an input error, not a crash."""
    message = only_problem({"applicant": {"kind": 3}}, "applicant.kind")
    assert "ocmw" in message


def test_valid_enums_are_read_as_enum_members():
    """Valid enum strings become the model's enum members."""
    app = read_application(
        {
            "applicant": {"kind": "community_commission"},
            "partners": [{"kind": "ocmw", "role": "co_applicant"}],
            "participants": [{"residence": "international_protection"}],
        }
    )
    assert app.applicant.kind is OrganisationKind.COMMUNITY_COMMISSION
    assert app.partners[0].role is PartnerRole.CO_APPLICANT
    assert app.participants[0].residence is Residence.INTERNATIONAL_PROTECTION


# -- numbers --------------------------------------------------------------------------------


def test_negative_population_is_refused():
    """A negative population is an input error at its path."""
    message = only_problem({"applicant": {"municipality": {"population": -1}}}, "applicant.municipality.population")
    assert "negative" in message


def test_huge_population_is_refused_and_the_maximum_is_accepted():
    """Populations above the plausible maximum are refused; the maximum itself is fine."""
    path = "applicant.municipality.population"
    message = only_problem({"applicant": {"municipality": {"population": limits.MAX_POPULATION + 1}}}, path)
    assert "implausibly large" in message
    app = read_application({"applicant": {"municipality": {"population": limits.MAX_POPULATION}}})
    assert app.applicant.municipality.population == limits.MAX_POPULATION


def test_huge_duration_is_refused():
    """duration_months above the maximum is refused."""
    only_problem({"duration_months": limits.MAX_DURATION_MONTHS + 1}, "duration_months")
    assert read_application({"duration_months": 0}).duration_months == 0


def test_population_as_text_or_fraction_is_refused():
    """ "102275" (text) and 1.5 are not whole numbers."""
    found = problems(
        {
            "applicant": {"municipality": {"population": "102275"}},
            "partners": [{"municipality": {"population": 1.5}}],
        }
    )
    assert set(found) == {"applicant.municipality.population", "partners[0].municipality.population"}


def test_json_integral_decimal_population_is_a_whole_number():
    """A JSON number such as 150000.0 (parsed as Decimal) is read as the int 150000."""
    app = read_application('{"applicant": {"municipality": {"population": 150000.0}}}')
    population = app.applicant.municipality.population
    assert population == 150000 and type(population) is int


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_in_json_text_are_named_by_their_path(constant):
    """NaN/Infinity in JSON text are input errors of the field, reported with the other bad fields.

    The contract lists NaN/Infinity among the present-but-wrong fields that the error
    names by path; the other bad field of the same document must be reported too.
    """
    text = '{"applicant": {"kind": "OCMW"}, "budget": {"amif": %s}}' % constant
    found = problems(text)
    assert "budget.amif" in found, found
    assert "applicant.kind" in found, found


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), Decimal("NaN"), Decimal("Infinity")])
def test_nan_and_infinity_in_a_mapping_are_refused(value):
    """Non-finite floats and Decimals in a mapping are input errors at the field's path."""
    only_problem({"budget": {"total_eligible_cost": value}}, "budget.total_eligible_cost")


def test_nan_in_yaml_is_refused_at_its_path():
    """YAML's .nan and .inf are refused at the field's path."""
    found = problems("budget:\n  amif: .nan\n  total_eligible_cost: .inf\n")
    assert set(found) == {"budget.amif", "budget.total_eligible_cost"}


# -- money -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1234.56", " 1234.56 ", 1234.56, Decimal("1234.56")])
def test_money_forms_give_the_exact_decimal(value):
    """Text, float and Decimal amounts give exactly Decimal('1234.56')."""
    result = amount(value)
    assert isinstance(result, Decimal)
    assert result == Decimal("1234.56")
    assert str(result) == "1234.56"


def test_integer_and_one_decimal_amounts_are_read_exactly_with_cents():
    """1234 → 1234.00; 1234.5 → 1234.50; "0.1" → 0.10: exact, quantised to cents."""
    assert str(amount(1234)) == "1234.00"
    assert str(amount(1234.5)) == "1234.50"
    assert str(amount("1234.5")) == "1234.50"
    assert str(amount(0.1)) == "0.10"
    assert str(amount("0")) == "0.00"


def test_json_numbers_for_money_are_exact():
    """A JSON number 1234.56 is read without a binary float in between."""
    app = read_application('{"budget": {"amif": 1234.56, "total_eligible_cost": 0.29}}')
    assert app.budget.amif == Decimal("1234.56")
    assert app.budget.total_eligible_cost == Decimal("0.29")


def test_money_with_three_decimals_is_refused():
    """Amounts with more than 2 decimals (as text or as float) are refused, not rounded."""
    found = problems({"budget": {"amif": "1.234", "total_eligible_cost": 0.1 + 0.2}})
    assert set(found) == {"budget.amif", "budget.total_eligible_cost"}
    assert "2 decimals" in found["budget.amif"][0]


@pytest.mark.parametrize("value", ["-1.00", -1, Decimal("-0.01"), -0.5])
def test_negative_money_is_refused(value):
    """Negative amounts are refused."""
    message = only_problem({"budget": {"amif": value}}, "budget.amif")
    assert "negative" in message


@pytest.mark.parametrize("value", ["1,5", "1.234,56", "1 000", "1e3", "€100", "abc", "", ".5", "12.", True, [], {}])
def test_malformed_money_is_refused(value):
    """Amounts with a comma, thousands separators, exponents, currency signs... are refused."""
    only_problem({"budget": {"cofinancing": {"own": value}}}, "budget.cofinancing.own")


def test_huge_money_is_refused_below_the_limit_accepted():
    """Amounts from MAX_MONEY_EUROS are refused; one cent less is accepted exactly."""
    only_problem({"budget": {"amif": limits.MAX_MONEY_EUROS}}, "budget.amif")
    only_problem({"budget": {"amif": "1e400"}}, "budget.amif")
    below = Decimal(limits.MAX_MONEY_EUROS) - Decimal("0.01")
    assert amount(str(below)) == below


@settings(max_examples=300)
@given(units=st.integers(0, limits.MAX_MONEY_EUROS - 1), cents=st.integers(0, 99), decimals=st.sampled_from([0, 1, 2]))
def test_any_valid_amount_string_round_trips_exactly(units, cents, decimals):
    """Every amount string with 0-2 decimals below the limit reads back as exactly that Decimal."""
    if decimals == 0:
        text = str(units)
    elif decimals == 1:
        text = f"{units}.{cents % 10}"
    else:
        text = f"{units}.{cents:02d}"
    result = amount(text)
    assert result == Decimal(text)
    assert result.as_tuple().exponent == -2


@settings(max_examples=300)
@given(cents=st.integers(0, limits.MAX_MONEY_EUROS * 100 - 1))
def test_floats_of_whole_cents_read_as_the_exact_amount(cents):
    """A float holding a cent amount (e.g. 1234.56) reads as exactly that amount, not its binary value."""
    expected = Decimal(cents) / 100
    assert amount(cents / 100) == expected
    assert amount(Decimal(cents).scaleb(-2)) == expected


# -- dates and times ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["1990-02-30", "1990-13-01", "17/05/1990", "1990-5-17", "yesterday", 19900517, "1990-05-17T00:00:00"]
)
def test_malformed_birth_dates_are_refused(value):
    """birth_date must be an ISO calendar date; impossible dates and other forms are refused."""
    only_problem({"participants": [{"birth_date": value}]}, "participants[0].birth_date")


@pytest.mark.parametrize(
    "value", ["30/08/2019 14:00", "2019-08-30T25:00:00", "2019-02-30T10:00:00", "tomorrow", 1567166400, True]
)
def test_malformed_submitted_at_is_refused(value):
    """submitted_at that is not an ISO date-time is refused at its path."""
    only_problem({"submitted_at": value}, "submitted_at")


def test_date_only_submitted_at_is_refused_with_an_example():
    """A date without a time is not an instant; the message shows how to add a time."""
    message = only_problem({"submitted_at": "2019-08-30"}, "submitted_at")
    assert "2019-08-30T" in message


def test_years_out_of_range_are_refused():
    """Years before MIN_YEAR or after MAX_YEAR are refused for dates and instants."""
    found = problems({"submitted_at": "1850-01-01T10:00:00+01:00", "participants": [{"birth_date": "2300-01-01"}]})
    assert set(found) == {"submitted_at", "participants[0].birth_date"}


def test_naive_submitted_at_is_brussels_local_time():
    """A time without an offset is Europe/Brussels: +02:00 in summer, +01:00 in winter."""
    summer = read_application({"submitted_at": "2019-08-30T14:00:00"}).submitted_at
    winter = read_application({"submitted_at": "2019-12-02T14:00:00"}).submitted_at
    assert summer.utcoffset() == dt.timedelta(hours=2)
    assert winter.utcoffset() == dt.timedelta(hours=1)
    assert summer == dt.datetime(2019, 8, 30, 12, 0, tzinfo=dt.UTC)
    assert summer.astimezone(BRUSSELS).hour == 14


def test_an_offset_is_kept():
    """A given offset is kept as given (not converted to Brussels)."""
    moment = read_application({"submitted_at": "2019-08-30T14:00:00+05:30"}).submitted_at
    assert moment.utcoffset() == dt.timedelta(hours=5, minutes=30)
    assert (moment.hour, moment.minute) == (14, 0)
    utc = read_application({"submitted_at": "2019-09-02T22:30:00Z"}).submitted_at
    assert utc.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("value", ["2019-03-31T02:00:00", "2019-03-31T02:30:00", "2020-03-29T02:59:59"])
def test_non_existent_brussels_local_times_are_refused(value):
    """Naive times in the spring-forward gap do not exist in Brussels: refused, asking for an offset."""
    message = only_problem({"submitted_at": value}, "submitted_at")
    assert "does not exist" in message
    assert "offset" in message


@pytest.mark.parametrize("value", ["2019-10-27T02:00:00", "2019-10-27T02:30:00", "2020-10-25T02:59:59"])
def test_ambiguous_brussels_local_times_are_refused(value):
    """Naive times in the autumn fall-back hour happen twice: refused, asking for an offset."""
    message = only_problem({"submitted_at": value}, "submitted_at")
    assert "twice" in message
    assert "+02:00" in message


@pytest.mark.parametrize(
    "value, offset",
    [("2019-03-31T03:00:00", 2), ("2019-03-31T01:59:59", 1), ("2019-10-27T03:00:00", 1), ("2019-10-27T01:59:59", 2)],
)
def test_times_next_to_the_clock_changes_are_accepted(value, offset):
    """The instants just outside the DST gap/overlap are unambiguous and accepted."""
    moment = read_application({"submitted_at": value}).submitted_at
    assert moment.utcoffset() == dt.timedelta(hours=offset)


def test_ambiguous_time_with_an_offset_is_accepted():
    """The fall-back hour is fine when the offset says which one is meant."""
    moment = read_application({"submitted_at": "2019-10-27T02:30:00+01:00"}).submitted_at
    assert moment == dt.datetime(2019, 10, 27, 1, 30, tzinfo=dt.UTC)


@settings(max_examples=200)
@given(
    moment=st.datetimes(min_value=dt.datetime(1901, 1, 2), max_value=dt.datetime(2199, 12, 30)),
    minutes=st.integers(-14 * 60, 14 * 60),
)
def test_any_instant_with_an_offset_round_trips(moment, minutes):
    """Any ISO date-time with an offset reads back as the same instant with the same offset."""
    aware = moment.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes)))
    read = read_application({"submitted_at": aware.isoformat()}).submitted_at
    assert read == aware
    assert read.utcoffset() == aware.utcoffset()


def test_yaml_does_not_turn_timestamps_into_datetime_objects():
    """Unquoted YAML dates and times stay text, so the reader (not YAML) interprets them."""
    data = parse_yaml("submitted_at: 2019-08-30T14:00:00+02:00\nday: 1990-05-17\nlocal: 2019-09-02 23:59:00\n")
    assert data == {"submitted_at": "2019-08-30T14:00:00+02:00", "day": "1990-05-17", "local": "2019-09-02 23:59:00"}


def test_unquoted_yaml_times_are_read_like_json_ones():
    """An unquoted YAML timestamp keeps its offset; an unquoted naive one is Brussels time; dates are dates."""
    app = read_application(
        textwrap.dedent("""\
        submitted_at: 2019-09-02T23:59:00
        participants:
          - birth_date: 1990-05-17
    """)
    )
    assert app.submitted_at == dt.datetime(2019, 9, 2, 21, 59, tzinfo=dt.UTC)
    assert app.submitted_at.utcoffset() == dt.timedelta(hours=2)
    assert app.participants[0].birth_date == dt.date(1990, 5, 17)
    with_offset = read_application("submitted_at: 2019-08-30T14:00:00+05:00\n").submitted_at
    assert with_offset.utcoffset() == dt.timedelta(hours=5)


def test_date_and_datetime_objects_in_a_mapping():
    """A mapping may hold date/datetime objects; a datetime is not a birth date; a naive one is Brussels."""
    app = read_application(
        {"submitted_at": dt.datetime(2019, 8, 30, 14, 0), "participants": [{"birth_date": dt.date(2000, 1, 1)}]}
    )
    assert app.submitted_at.utcoffset() == dt.timedelta(hours=2)
    assert app.participants[0].birth_date == dt.date(2000, 1, 1)
    only_problem({"participants": [{"birth_date": dt.datetime(2000, 1, 1, 0, 0)}]}, "participants[0].birth_date")


# -- nationalities ----------------------------------------------------------------------------------


def test_lowercase_country_code_is_refused_naming_the_upper_case_code():
    """ "sy" is refused at the element's path; the message says to write "SY"."""
    message = only_problem({"participants": [{"nationalities": ["SY", "sy"]}]}, "participants[0].nationalities[1]")
    assert "'SY'" in message


@pytest.mark.parametrize("code", ["XX", "SYR", "Syria", "", "EU", 7])
def test_unknown_country_codes_are_refused(code):
    """Codes that are not ISO 3166-1 alpha-2 (nor "stateless") are refused at the element's path."""
    only_problem({"participants": [{"nationalities": [code]}]}, "participants[0].nationalities[0]")


def test_empty_nationalities_are_refused():
    """[] is not a way to say stateless: refused, pointing at ["stateless"]."""
    message = only_problem({"participants": [{"nationalities": []}]}, "participants[0].nationalities")
    assert "stateless" in message


def test_stateless_combined_with_a_code_is_refused():
    """ "stateless" cannot be listed together with a nationality."""
    message = only_problem({"participants": [{}, {"nationalities": ["SY", "stateless"]}]}, "participants[1].nationalities")
    assert "stateless" in message


def test_valid_nationalities_including_kosovo_and_dual():
    """Dual nationals, stateless persons and XK (Kosovo) are read as tuples of codes."""
    app = read_application(
        {"participants": [{"nationalities": ["SY", "BE"]}, {"nationalities": ["stateless"]}, {"nationalities": ["XK"]}]}
    )
    assert [p.nationalities for p in app.participants] == [("SY", "BE"), ("stateless",), ("XK",)]


def test_nationalities_not_a_list_is_refused():
    """A single code given as text is not a list."""
    only_problem({"participants": [{"nationalities": "SY"}]}, "participants[0].nationalities")


# -- NIS codes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1100", "110022", "11OO2", "ab123"])
def test_malformed_nis_codes_are_refused(value):
    """A NIS code is exactly 5 digits."""
    only_problem({"applicant": {"municipality": {"nis_code": value}}}, "applicant.municipality.nis_code")


def test_nis_code_as_number_is_refused_with_the_padded_text():
    """A numeric NIS code is refused; the message shows the 5-digit text (1002 → "01002")."""
    message = only_problem({"partners": [{"municipality": {"nis_code": 1002}}]}, "partners[0].municipality.nis_code")
    assert '"01002"' in message


# -- text, structure and limits -----------------------------------------------------------------------------


def test_too_long_strings_are_refused_at_the_limit_plus_one():
    """Strings longer than MAX_STRING_LENGTH are refused; exactly the limit is accepted."""
    limit = limits.MAX_STRING_LENGTH
    only_problem({"applicant": {"name": "x" * (limit + 1)}}, "applicant.name")
    assert read_application({"applicant": {"name": "x" * limit}}).applicant.name == "x" * limit


def test_too_long_lists_are_refused():
    """Lists longer than their limit are refused at the list's path."""
    found = problems(
        {
            "participants": [{}] * (limits.MAX_PARTICIPANTS + 1),
            "partners": [{}] * (limits.MAX_PARTNERS + 1),
        }
    )
    assert set(found) == {"participants", "partners"}
    only_problem({"participants": [{"nationalities": ["SY"] * (limits.MAX_NATIONALITIES + 1)}]}, "participants[0].nationalities")


def test_a_nationality_listed_twice_is_refused():
    """["SY", "SY"] is refused."""
    only_problem({"participants": [{"nationalities": ["SY", "SY"]}]}, "participants[0].nationalities")


def test_lone_surrogates_in_text_are_refused():
    """A str with a lone surrogate (not encodable as UTF-8) is refused at its path."""
    only_problem({"applicant": {"name": "OCMW \ud800"}}, "applicant.name")


def test_objects_and_lists_of_the_wrong_shape_are_refused():
    """Objects where lists are expected, and the other way round, are named by path."""
    found = problems(
        {
            "form": [True],
            "applicant": "OCMW Gent",
            "partners": {"name": "x"},
            "participants": ["P-1"],
            "budget": 100,
            "applicant_extra": 1,
        }
    )
    assert set(found) == {"form", "applicant", "partners", "participants[0]", "budget"}


def test_non_text_keys_are_refused():
    """An object key that is not text is refused at the object's path."""
    only_problem({"applicant": {1: "x"}}, "applicant")


def test_unknown_extra_fields_are_allowed_and_ignored():
    """The contract allows extra fields; they do not cause errors."""
    app = read_application({"call": "42", "portal_reference": "ABC-1", "applicant": {"kind": "ocmw", "vat": "BE0123"}})
    assert app.call == "42" and app.applicant.kind is OrganisationKind.OCMW


@pytest.mark.parametrize("text", ["[1, 2]", "42", '"just text"', "- a\n- b\n", "true"])
def test_non_mapping_documents_are_refused(text):
    """A document must be an object; a list, number, string or bool is an input error of the document."""
    assert list(problems(text)) == [""]


@pytest.mark.parametrize("document", ["", "   \n", "null", None, "# only a comment\n"])
def test_empty_documents_are_refused(document):
    """An empty document is an input error, not an empty application."""
    found = problems(document)
    assert list(found) == [""]
    assert "empty" in found[""][0]


@pytest.mark.parametrize("document", [[1, 2], 42, 3.5])
def test_non_mapping_python_values_are_refused(document):
    """A list or number passed directly is an input error of the document."""
    assert list(problems(document)) == [""]


def test_duplicate_keys_in_json_are_refused_naming_the_key():
    """JSON with a key twice in one object is refused (no silent last-one-wins)."""
    found = problems('{"applicant": {"kind": "ocmw", "kind": "nonprofit"}}')
    assert "'kind'" in " ".join(m for ms in found.values() for m in ms)
    with pytest.raises(InputError):
        parse_json('{"call": "42", "call": "43"}')


def test_duplicate_keys_in_yaml_are_refused_naming_the_key_and_line():
    """YAML with a key twice in one mapping is refused; the message names the key and its line."""
    found = problems('call: "42"\napplicant:\n  kind: ocmw\n  kind: nonprofit\n')
    message = " ".join(m for ms in found.values() for m in ms)
    assert "'kind'" in message
    assert "line 4" in message


def test_invalid_utf8_is_refused():
    """Bytes that are not UTF-8 are an input error (JSON and YAML alike), not a UnicodeDecodeError."""
    for data in (b'{"call": "\xff42"}', b'call: "\xff42"\n'):
        found = problems(data)
        assert "UTF-8" in found[""][0]


def test_valid_utf8_bytes_are_read():
    """UTF-8 bytes, JSON or YAML, are decoded and read."""
    assert read_application('{"applicant": {"name": "CPAS de Liège"}}'.encode()).applicant.name == "CPAS de Liège"
    assert read_application("applicant: {name: CPAS de Liège}\n".encode()).applicant.name == "CPAS de Liège"


def test_invalid_json_and_yaml_syntax_are_input_errors():
    """Syntax errors are InputError (exit 2 in the CLI), never another exception."""
    for text in ('{"call": "42",}', '{"call": }', "call: [unclosed\n", "a: b: c\n"):
        assert "" in problems(text)


@pytest.mark.parametrize("depth", [limits.MAX_NESTING + 1, 1000, 100_000])
def test_too_deep_nesting_is_refused_in_json_text(depth):
    """Deeply nested JSON is an input error (never a RecursionError)."""
    found = problems('{"extra": ' + "[" * depth + "]" * depth + "}")
    assert "nested too deeply" in found[""][0]


def test_too_deep_nesting_is_refused_in_yaml_text_and_mappings():
    """Deep YAML flow nesting and deep Python mappings are refused too."""
    assert "nested too deeply" in problems("extra: " + "[" * 10_000 + "]" * 10_000 + "\n")[""][0]
    deep: object = 1
    for _ in range(limits.MAX_NESTING + 1):
        deep = [deep]
    assert "nested too deeply" in problems({"extra": deep})[""][0]


def test_yaml_alias_bomb_is_handled_quickly():
    """A small YAML document whose aliases expand to ~10^9 nodes is handled in bounded time.

    limits.py promises bounded work per document; a 400-byte document must be refused or
    read within seconds, not walked node by node.
    """
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    lines.append('call: "42"')
    document = "\n".join(lines) + "\n"
    assert len(document) < 1000
    program = textwrap.dedent("""\
        import sys
        from amif_rules.documents import read_application
        from amif_rules.errors import InputError
        try:
            read_application(sys.stdin.read())
        except InputError:
            pass
        print("done")
    """)
    try:
        result = subprocess.run([sys.executable, "-c", program], input=document, capture_output=True, text=True, timeout=15)
    except subprocess.TimeoutExpired:
        pytest.fail("reading a 1 kB YAML alias bomb took more than 15 seconds")
    assert result.stdout.strip() == "done", result.stderr


def test_yaml_python_tags_are_refused_without_running_code(tmp_path):
    """!!python/object tags in a YAML document are an input error and nothing is executed."""
    marker = tmp_path / "executed"
    found = problems(f'call: !!python/object/apply:os.system ["touch {marker}"]\n')
    assert "" in found
    assert not marker.exists()


# -- missing stays missing ------------------------------------------------------------------------------------


def test_missing_fields_are_none_not_false():
    """An empty object gives an Application whose every field is None."""
    assert read_application({}) == Application()


def test_null_fields_stay_none():
    """null is missing: None, never False, 0 or an empty value."""
    app = read_application(
        {
            "call": None,
            "submitted_at": None,
            "duration_months": None,
            "form": {"complete": None},
            "applicant": {"kind": None, "municipality": {"nis_code": "11002", "population": None}},
            "budget": {"amif": None, "cofinancing": {}},
            "participants": [{"nationalities": None, "birth_date": None}],
        }
    )
    assert app.call is None and app.submitted_at is None and app.duration_months is None
    assert app.form.complete is None and app.form.signed is None
    assert app.applicant.kind is None
    assert app.applicant.municipality.population is None
    assert app.applicant.municipality.nis_code == "11002"
    assert app.budget.amif is None and app.budget.total_eligible_cost is None
    assert app.budget.cofinancing.pod_mi is None and app.budget.cofinancing.own is None
    assert app.participants[0].nationalities is None and app.participants[0].birth_date is None


def test_false_and_zero_are_kept_distinct_from_missing():
    """false stays False and 0 stays 0 (not confused with missing)."""
    app = read_application({"form": {"complete": False, "signed": True}, "duration_months": 0, "budget": {"amif": "0.00"}})
    assert app.form.complete is False and app.form.signed is True
    assert app.duration_months == 0
    assert app.budget.amif == Decimal("0.00")


def test_absent_and_empty_lists_differ():
    """partners absent is None; partners [] is an empty tuple."""
    assert read_application({}).partners is None
    assert read_application({"partners": []}).partners == ()
    assert read_application({"participants": []}).participants == ()


def test_a_null_partner_is_refused():
    """A null element in a list is an input error at the element's path."""
    only_problem({"partners": [{"name": "x"}, None]}, "partners[1]")
    only_problem({"participants": [None]}, "participants[0]")


def test_an_application_object_is_read_like_any_document():
    """read_application accepts the library's own Application, and checks it as it checks a
    mapping (issue 10: an Application built by hand or with attrs.evolve is an input too)."""
    app = read_application((EXAMPLES / "call-42-eligible-antwerpen.json").read_text(encoding="utf-8"))
    assert read_application(app) == app
    assert read_application(Application(call="42")) == Application(call="42")
    naive = attrs.evolve(app, submitted_at=dt.datetime(2019, 9, 2, 23, 59))
    assert read_application(naive).submitted_at == dt.datetime(2019, 9, 2, 23, 59, tzinfo=ZoneInfo("Europe/Brussels"))
    with pytest.raises(InputError) as error:
        read_application(
            attrs.evolve(
                app, submitted_at=dt.datetime(2019, 10, 27, 2, 30), budget=attrs.evolve(app.budget, amif=Decimal("1.005"))
            )
        )
    assert error.value.paths == ("budget.amif", "submitted_at")


# -- whole documents -----------------------------------------------------------------------------------------


def test_the_contract_example_reads_exactly():
    """The JSON example of contract §1 reads into the expected typed values."""
    text = json.dumps(
        {
            "call": "42",
            "submitted_at": "2019-08-30T14:00:00+02:00",
            "form": {"complete": True, "signed": True},
            "applicant": {
                "name": "OCMW Antwerpen",
                "kind": "ocmw",
                "municipality": {"nis_code": "11002", "name": "Antwerpen", "population": 523248},
            },
            "partners": [
                {
                    "name": "OCMW Mechelen",
                    "kind": "ocmw",
                    "role": "coaching",
                    "municipality": {"nis_code": "12025", "name": "Mechelen", "population": 86304},
                }
            ],
            "participants": [
                {"id": "P-001", "nationalities": ["SY"], "residence": "international_protection"},
                {"id": "P-002", "nationalities": ["stateless"], "residence": "applicant"},
            ],
            "budget": {
                "total_eligible_cost": "400000.00",
                "amif": "300000.00",
                "cofinancing": {"pod_mi": "60000.00", "own": "40000.00"},
            },
            "duration_months": 24,
        }
    )
    app = read_application(text)
    assert app.call == "42"
    assert app.submitted_at == dt.datetime(2019, 8, 30, 12, 0, tzinfo=dt.UTC)
    assert app.applicant.municipality.population == 523248
    assert app.partners[0].role is PartnerRole.COACHING
    assert app.participants[1].nationalities == ("stateless",)
    assert app.budget.cofinancing.pod_mi == Decimal("60000.00")
    assert app.budget.cofinancing.flemish_government is None
    assert app.duration_months == 24


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.*")), ids=lambda p: p.name)
def test_bundled_examples_read_without_errors(path):
    """Every example document in examples/ is valid input, for a call that is bundled."""
    import amif_rules.catalog

    app = read_application(path.read_bytes())
    assert app.call in amif_rules.catalog.calls()
    if app.call == "42":
        assert app.applicant is not None


def test_examples_folder_is_not_empty():
    """The examples used above exist (guards against a silently empty parametrisation)."""
    assert len(list(EXAMPLES.glob("*.json"))) >= 1
    assert len(list(EXAMPLES.glob("*.yaml"))) >= 1


def test_to_document_reads_back_without_a_json_round_trip():
    """to_document writes plain values (choices as text), which read back to the same application."""
    from amif_rules.documents import to_document

    app = read_application(
        {
            "call": "42",
            "theme": "integration",
            "applicant": {"kind": "ocmw"},
            "partners": [{"role": "coaching", "kind": "ocmw"}],
            "activities": ["buddy"],
            "participants": [{"residence": "legal", "gender": "female", "nationalities": ["SY"]}],
        }
    )
    document = to_document(app)
    assert document["applicant"]["kind"] == "ocmw" and type(document["applicant"]["kind"]) is str
    assert document["activities"] == ["buddy"] and type(document["activities"][0]) is str
    assert read_application(document) == app
