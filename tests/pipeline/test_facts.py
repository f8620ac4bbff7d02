"""Application → facts: flat typed values, register population with provenance, reference date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from amif_rules.documents import read_application
from amif_rules.facts import build_facts

Y2019 = dt.date(2019, 1, 1)
Y2020 = dt.date(2020, 1, 1)


def facts(document: dict, **kwargs):
    return build_facts(read_application(document), **kwargs)


# -- population and name from the register ------------------------------------------------------------------


def test_population_and_name_filled_from_the_register_with_provenance():
    """Only a NIS code given: population and name come from the register of the ruleset's date."""
    result = facts({"applicant": {"kind": "ocmw", "municipality": {"nis_code": "24062"}}}, register_date=Y2019)
    assert result.root["applicant.municipality.population"] == 101_624
    assert result.root["applicant.municipality.name"] == "Leuven"
    assert result.provenance == {
        "applicant.municipality.population": "register 2019-01-01",
        "applicant.municipality.name": "register 2019-01-01",
    }


def test_the_register_date_selects_the_year():
    """The same NIS code gives the 2020 figure with a 2020 register date."""
    result = facts({"applicant": {"municipality": {"nis_code": "11002"}}}, register_date=Y2020)
    assert result.root["applicant.municipality.population"] == 529_247
    assert result.provenance["applicant.municipality.population"] == "register 2020-01-01"


def test_partners_are_filled_with_their_own_path_in_provenance():
    """Partner municipalities are filled too; provenance names the full input path."""
    result = facts(
        {
            "partners": [
                {"municipality": {"nis_code": "12025", "population": 5, "name": "X"}},
                {"municipality": {"nis_code": "12025"}},
            ]
        },
        register_date=Y2019,
    )
    first, second = result.items["partners"]
    assert first["municipality.population"] == 5 and first["municipality.name"] == "X"
    assert second["municipality.population"] == 86_616 and second["municipality.name"] == "Mechelen"
    assert result.provenance == {
        "partners[1].municipality.population": "register 2019-01-01",
        "partners[1].municipality.name": "register 2019-01-01",
    }


def test_the_documents_population_wins():
    """A population given in the document is kept, even when it differs from the register."""
    result = facts({"applicant": {"municipality": {"nis_code": "24062", "population": 102_275}}}, register_date=Y2019)
    assert result.root["applicant.municipality.population"] == 102_275
    assert "applicant.municipality.population" not in result.provenance
    assert result.root["applicant.municipality.name"] == "Leuven"
    assert result.provenance == {"applicant.municipality.name": "register 2019-01-01"}


def test_the_documents_name_wins():
    """A name given in the document is kept; only the population is filled."""
    result = facts({"applicant": {"municipality": {"nis_code": "62063", "name": "Liège"}}}, register_date=Y2019)
    assert result.root["applicant.municipality.name"] == "Liège"
    assert result.root["applicant.municipality.population"] == 197_327
    assert list(result.provenance) == ["applicant.municipality.population"]


def test_nothing_filled_for_a_code_not_in_the_register():
    """An unknown code, or one not valid on the register date (Edingen 55010 in 2019), fills nothing."""
    for code in ("99999", "55010"):
        result = facts({"applicant": {"municipality": {"nis_code": code}}}, register_date=Y2019)
        assert "applicant.municipality.population" not in result.root
        assert "applicant.municipality.name" not in result.root
        assert result.root["applicant.municipality.nis_code"] == code
        assert result.provenance == {}


def test_nothing_filled_without_a_register_date():
    """A ruleset without register_date gets no register values (no year is guessed)."""
    result = facts({"applicant": {"municipality": {"nis_code": "11002"}}})
    assert "applicant.municipality.population" not in result.root
    assert result.provenance == {}


def test_nothing_filled_for_a_register_date_not_held():
    """A register date the register does not hold (2021) fills nothing, and says why."""
    result = facts({"applicant": {"municipality": {"nis_code": "11002"}}}, register_date=dt.date(2021, 1, 1))
    assert "applicant.municipality.population" not in result.root
    assert result.provenance == {"applicant.municipality.population": "no register figures for 2021-01-01"}


def test_no_nis_code_nothing_filled():
    """Without a NIS code the population stays missing."""
    result = facts({"applicant": {"municipality": {"name": "Antwerpen"}}}, register_date=Y2019)
    assert "applicant.municipality.population" not in result.root
    assert result.root["applicant.municipality.name"] == "Antwerpen"


# -- reference date -------------------------------------------------------------------------------------------------------


def test_reference_date_is_the_brussels_date_of_submission():
    """2019-09-02T22:30:00Z is already 3 September in Brussels."""
    result = facts({"submitted_at": "2019-09-02T22:30:00Z"})
    assert result.root["reference_date"] == dt.date(2019, 9, 3)
    assert result.reference_date_source == "submitted_at"


def test_reference_date_of_other_offsets():
    """The Brussels date is used whatever offset the submission was given in."""
    assert facts({"submitted_at": "2019-09-02T21:59:59Z"}).root["reference_date"] == dt.date(2019, 9, 2)
    assert facts({"submitted_at": "2019-09-03T01:00:00+05:00"}).root["reference_date"] == dt.date(2019, 9, 2)
    assert facts({"submitted_at": "2019-09-02T23:59:00"}).root["reference_date"] == dt.date(2019, 9, 2)
    assert facts({"submitted_at": "2019-12-31T23:30:00Z"}).root["reference_date"] == dt.date(2020, 1, 1)


def test_reference_date_from_on_wins():
    """An explicit `on` date is used instead of the submission date."""
    result = facts({"submitted_at": "2019-09-02T22:30:00Z"}, on=dt.date(2020, 2, 1))
    assert result.root["reference_date"] == dt.date(2020, 2, 1)
    assert result.reference_date_source == "on"


def test_reference_date_missing_when_neither_is_known():
    """No submitted_at and no `on`: reference_date is missing, not today."""
    result = facts({})
    assert "reference_date" not in result.root
    assert result.reference_date_source is None


# -- flat facts ---------------------------------------------------------------------------------------------------------------


def test_missing_values_are_absent_keys():
    """Missing fields are absent from the facts (never None, False or 0)."""
    result = facts({"form": {"complete": False}, "budget": {"amif": "0.00"}})
    assert result.root == {"form.complete": False, "budget.amif": Decimal("0.00")}


def test_flat_root_facts():
    """Root facts are flat paths; enums are their string values; money stays Decimal."""
    result = facts(
        {
            "call": "42",
            "form": {"complete": True, "signed": False},
            "applicant": {"name": "OCMW Gent", "kind": "ocmw", "municipality": {"nis_code": "44021", "population": 262_219}},
            "budget": {"total_eligible_cost": "400000.00", "amif": 300000, "cofinancing": {"pod_mi": 60000.5}},
            "duration_months": 24,
        },
        register_date=Y2019,
    )
    root = result.root
    assert root["call"] == "42"
    assert root["form.complete"] is True and root["form.signed"] is False
    assert root["applicant.kind"] == "ocmw" and type(root["applicant.kind"]) is str
    assert root["applicant.municipality.population"] == 262_219
    assert root["budget.total_eligible_cost"] == Decimal("400000.00")
    assert root["budget.amif"] == Decimal("300000.00")
    assert root["budget.cofinancing.pod_mi"] == Decimal("60000.50")
    assert "budget.cofinancing.own" not in root
    assert root["duration_months"] == 24


def test_list_elements_are_flat_dicts():
    """Partners and participants become flat element dicts with relative paths."""
    result = facts(
        {
            "partners": [{"name": "OCMW Mechelen", "kind": "ocmw", "role": "coaching"}],
            "participants": [
                {"id": "P-1", "nationalities": ["SY"], "residence": "legal", "birth_date": "1990-05-17"},
                {"id": "P-2"},
            ],
        }
    )
    assert result.items["partners"] == ({"name": "OCMW Mechelen", "kind": "ocmw", "role": "coaching"},)
    assert result.items["participants"] == (
        {"id": "P-1", "nationalities": ("SY",), "residence": "legal", "birth_date": dt.date(1990, 5, 17)},
        {"id": "P-2"},
    )


def test_lists_given_distinguishes_empty_from_absent():
    """An empty list is given; an absent one is not (both give no elements)."""
    given = facts({"partners": []})
    absent = facts({})
    assert given.lists_given == frozenset({"partners"})
    assert absent.lists_given == frozenset()
    assert given.items["partners"] == () and absent.items["partners"] == ()
    assert "partners" in given.root and "partners" not in absent.root
