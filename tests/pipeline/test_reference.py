"""Bundled reference data: the municipality register (by NIS code and reference date) and
EU membership by date."""

from __future__ import annotations

import datetime as dt

import pytest

from amif_rules.reference import (
    COUNTRY_CODES,
    EEA_EFTA_SWISS,
    EU_MEMBERSHIP,
    is_country_code,
    is_eu_member,
    membership_changes,
    register,
)

Y2019 = dt.date(2019, 1, 1)
Y2020 = dt.date(2020, 1, 1)

# -- the municipality register ----------------------------------------------------------------------------


def test_the_register_holds_2019_and_2020():
    """The register's reference dates are 1 January 2019 and 1 January 2020."""
    assert register.reference_dates == (Y2019, Y2020)


@pytest.mark.parametrize("day", [Y2019, Y2020])
def test_581_municipalities_each_year(day):
    """Belgium had 581 municipalities on 1 January 2019 and 2020, each with a unique 5-digit code."""
    records = register.on(day)
    assert len(records) == 581
    codes = [r.nis_code for r in records]
    assert len(set(codes)) == 581
    assert all(len(code) == 5 and code.isdigit() for code in codes)
    assert codes == sorted(codes)
    assert all(r.reference_date == day for r in records)
    assert all(r.population > 0 for r in records)


@pytest.mark.parametrize("day, total", [(Y2019, 11_431_406), (Y2020, 11_492_641)])
def test_national_totals_match_statbel(day, total):
    """The populations add up to Statbel's national totals."""
    assert sum(r.population for r in register.on(day)) == total


@pytest.mark.parametrize("day", [Y2019, Y2020])
def test_the_five_municipalities_above_150000(day):
    """Above 150,000 inhabitants: exactly Antwerpen, Gent, Charleroi, Luik/Liège and Brussel."""
    large = {(r.nis_code, r.name_nl, r.name_fr) for r in register.on(day) if r.population > 150_000}
    assert large == {
        ("11002", "Antwerpen", "Anvers"),
        ("44021", "Gent", "Gand"),
        ("52011", "Charleroi", "Charleroi"),
        ("62063", "Luik", "Liège"),
        ("21004", "Brussel", "Bruxelles"),
    }


@pytest.mark.parametrize(
    "code, day, population",
    [
        ("11002", Y2019, 525_935),
        ("11002", Y2020, 529_247),
        ("24062", Y2019, 101_624),
        ("46021", Y2019, 77_679),
        ("21015", Y2019, 133_309),
        ("21001", Y2019, 119_714),
        ("62063", Y2020, 197_217),
    ],
)
def test_lookup_by_code_and_date(code, day, population):
    """lookup(code, date) gives that year's legal population."""
    record = register.lookup(code, day)
    assert record is not None
    assert record.population == population
    assert record.reference_date == day


def test_a_lookup_gives_names_and_region():
    """A record has the Dutch and French name and the region; name(lang) picks the language."""
    record = register.lookup("62063", Y2019)
    assert (record.name_nl, record.name_fr, record.region) == ("Luik", "Liège", "Walloon Region")
    assert record.name("fr") == "Liège"
    assert record.name("nl") == "Luik"
    assert register.lookup("21004", Y2019).region == "Brussels-Capital Region"
    assert register.lookup("11002", Y2019).region == "Flemish Region"


def test_edingen_is_walloon_in_both_years():
    """The 2019 source's wrong region for Edingen/Enghien (51067) is corrected."""
    for day in (Y2019, Y2020):
        assert register.lookup("51067", day).region == "Walloon Region"


@pytest.mark.parametrize("day", [dt.date(2018, 1, 1), dt.date(2021, 1, 1), dt.date(2025, 1, 1), dt.date(2019, 6, 1)])
def test_no_answer_for_a_date_not_in_the_register(day):
    """A year the register does not hold (or a date that is not a 1 January) gives None, never another year."""
    assert register.lookup("11002", day) is None
    assert register.on(day) == ()


def test_no_answer_for_an_unknown_or_old_code():
    """Unknown codes, and codes retired by mergers (Edingen 55010 before 2019), give None."""
    assert register.lookup("99999", Y2019) is None
    assert register.lookup("55010", Y2019) is None
    assert register.lookup("11002 ", Y2019) is None


# -- EU membership ------------------------------------------------------------------------------------------------


def test_28_member_states_on_the_day_of_the_call():
    """On 2 September 2019 the Union had 28 member states, the United Kingdom included."""
    members = {code for code in EU_MEMBERSHIP if is_eu_member(code, dt.date(2019, 9, 2))}
    assert len(members) == 28
    assert "GB" in members


def test_27_member_states_after_brexit():
    """On 1 February 2020 the Union had 27 member states."""
    members = {code for code in EU_MEMBERSHIP if is_eu_member(code, dt.date(2020, 2, 1))}
    assert len(members) == 27
    assert "GB" not in members


@pytest.mark.parametrize(
    "code, day, member",
    [
        ("GB", dt.date(2020, 1, 31), True),
        ("GB", dt.date(2020, 2, 1), False),
        ("GB", dt.date(1972, 12, 31), False),
        ("GB", dt.date(1973, 1, 1), True),
        ("HR", dt.date(2013, 6, 30), False),
        ("HR", dt.date(2013, 7, 1), True),
        ("PL", dt.date(2004, 4, 30), False),
        ("PL", dt.date(2004, 5, 1), True),
        ("RO", dt.date(2007, 1, 1), True),
        ("BE", dt.date(1958, 1, 1), True),
        ("BE", dt.date(1957, 12, 31), False),
        ("BE", dt.date(2100, 1, 1), True),
        ("NO", dt.date(2019, 9, 2), False),
        ("CH", dt.date(2019, 9, 2), False),
        ("SY", dt.date(2019, 9, 2), False),
        ("stateless", dt.date(2019, 9, 2), False),
        ("gb", dt.date(2019, 9, 2), False),
    ],
)
def test_membership_by_date(code, day, member):
    """Membership starts on the accession day and ends after the last day (GB: 31 January 2020 inclusive)."""
    assert is_eu_member(code, day) is member


def test_membership_changes():
    """Only codes that were ever members can change status over time."""
    assert membership_changes("GB") is True
    assert membership_changes("BE") is True
    assert membership_changes("SY") is False
    assert membership_changes("stateless") is False


def test_membership_table_records_the_uk_departure():
    """The table's GB row ends on 2020-01-31; current members have no end."""
    assert EU_MEMBERSHIP["GB"].last_day == dt.date(2020, 1, 31)
    assert EU_MEMBERSHIP["HR"].first_day == dt.date(2013, 7, 1)
    assert all(m.last_day is None for code, m in EU_MEMBERSHIP.items() if code != "GB")


# -- country codes ----------------------------------------------------------------------------------------------------


def test_country_codes():
    """ISO 3166-1 alpha-2 codes plus XK (Kosovo); upper case only; 'stateless' is not a code."""
    for code in ("SY", "BE", "GB", "XK", "NO", "UA", "CM"):
        assert is_country_code(code)
    for code in ("sy", "XX", "SYR", "stateless", "EU", ""):
        assert not is_country_code(code)
    assert set(EU_MEMBERSHIP) <= COUNTRY_CODES


def test_eea_efta_swiss():
    """Iceland, Liechtenstein, Norway and Switzerland: outside the Union."""
    assert EEA_EFTA_SWISS == {"IS", "LI", "NO", "CH"}
    assert not any(is_eu_member(code, dt.date(2019, 9, 2)) for code in EEA_EFTA_SWISS)
