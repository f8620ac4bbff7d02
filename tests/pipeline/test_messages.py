"""Message templates: placeholders checked at parse time, values formatted in nl, fr and en.

French number formatting uses (narrow) no-break spaces; those are normalised to plain
spaces before comparing, so the tests check the digits and separators, not which kind of
space a CLDR version prefers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amif_rules.expr import ExpressionError, Param, Scope
from amif_rules.messages import LABELS, default_message, parse_template, renderer
from amif_rules.model import Attachment, Experience, OrganisationKind, PartnerRole, Residence
from amif_rules.schema import FieldType

LANGS = ("nl", "fr", "en")
PARAMS = {
    "share": Param("share", Decimal("0.75"), FieldType("decimal")),
    "call_budget": Param("call_budget", Decimal("1320069.53"), FieldType("money")),
    "lead_min_population": Param("lead_min_population", 150000, FieldType("int")),
    "deadline": Param(
        "deadline", dt.datetime(2019, 9, 2, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=2))), FieldType("instant")
    ),
}


def spaces(text: str) -> str:
    """Normalise no-break and narrow no-break spaces to plain spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def fill(
    text: str,
    lang: str,
    root: dict | None = None,
    item: dict | None = None,
    scope: str | None = None,
    item_path: str | None = None,
    missing: tuple[str, ...] = (),
) -> str:
    """Parse ``text`` as a template and render it in ``lang``."""
    template = parse_template(text, Scope(PARAMS, scope))
    root, item = root or {}, item or {}
    return spaces(renderer(template, lang)(root, item, item_path, missing))


def each(text: str, **kwargs) -> tuple[str, str, str]:
    """The rendering in nl, fr and en."""
    return tuple(fill(text, lang, **kwargs) for lang in LANGS)  # type: ignore[return-value]


def template_error(text: str, scope: str | None = None) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        parse_template(text, Scope(PARAMS, scope))
    return caught.value


# -- numbers, money, percent ----------------------------------------------------------------------------------


def test_whole_numbers_have_the_language_thousands_separator():
    """102275 inhabitants: 102.275 (nl), 102 275 (fr), 102,275 (en)."""
    root = {"applicant.municipality.population": 102275}
    assert each("{applicant.municipality.population}", root=root) == ("102.275", "102 275", "102,275")


def test_parameters_are_formatted_too():
    """An int parameter is formatted like a number field."""
    assert each("meer dan {lead_min_population}") == ("meer dan 150.000", "meer dan 150 000", "meer dan 150,000")


def test_explicit_number_format():
    """{x:number} formats a number with separators and without rounding."""
    assert each("{duration_months:number}", root={"duration_months": 1234}) == ("1.234", "1 234", "1,234")
    assert each("{share:number}") == ("0,75", "0,75", "0.75")


def test_money_in_euro():
    """Amounts are euro with cents: € 300.000,00 / 300 000,00 € / €300,000.00."""
    root = {"budget.amif": Decimal("300000.00")}
    assert each("{budget.amif}", root=root) == ("€ 300.000,00", "300 000,00 €", "€300,000.00")


def test_money_parameter_and_money_format_of_an_expression():
    """A money parameter, and share * amount shown with :money, are exact euro amounts."""
    assert each("{call_budget}") == ("€ 1.320.069,53", "1 320 069,53 €", "€1,320,069.53")
    root = {"budget.total_eligible_cost": Decimal("400000.00")}
    assert each("{share * budget.total_eligible_cost:money}", root=root) == ("€ 300.000,00", "300 000,00 €", "€300,000.00")


def test_percent():
    """Shares are shown as percentages in the language's style."""
    assert each("{share:percent}") == ("75%", "75%", "75%")
    root = {"budget.amif": Decimal("123.00"), "budget.total_eligible_cost": Decimal("1000.00")}
    assert each("{budget.amif / budget.total_eligible_cost:percent}", root=root) == ("12,3%", "12,3%", "12.3%")


def test_percent_is_rounded_to_at_most_two_decimals():
    """A share such as 100000 / 300000 is shown as 33,33% (the pattern #,##0.##%), not with
    all the digits of the exact quotient; 300012.34 / 400000.00 is shown as 75%."""
    root = {"budget.amif": Decimal("100000.00"), "budget.total_eligible_cost": Decimal("300000.00")}
    assert each("{budget.amif / budget.total_eligible_cost:percent}", root=root) == ("33,33%", "33,33%", "33.33%")
    root = {"budget.amif": Decimal("300012.34"), "budget.total_eligible_cost": Decimal("400000.00")}
    assert each("{budget.amif / budget.total_eligible_cost:percent}", root=root) == ("75%", "75%", "75%")


def test_text_format_shows_the_raw_value():
    """{x:text} shows the value as is."""
    assert each("{budget.amif:text}", root={"budget.amif": Decimal("1234.50")}) == ("1234.50",) * 3


@given(n=st.integers(0, 10**12))
def test_whole_numbers_in_any_size(n):
    """Any whole number is shown with the right grouping in each language, digits unchanged."""
    nl, fr, en = each("{duration_months}", root={"duration_months": n})
    assert en == f"{n:,}"
    assert nl == f"{n:,}".replace(",", ".")
    assert fr == f"{n:,}".replace(",", " ")


# -- dates and times -------------------------------------------------------------------------------------------------


def test_dates_in_three_languages():
    """A date is shown as a long date in each language."""
    root = {"reference_date": dt.date(2019, 9, 3)}
    assert each("{reference_date}", root=root) == ("3 september 2019", "3 septembre 2019", "3 September 2019")


def test_date_times_are_shown_in_brussels_time():
    """22:30 UTC on 2 September 2019 is 00:30 on 3 September in Brussels."""
    root = {"submitted_at": dt.datetime(2019, 9, 2, 22, 30, tzinfo=dt.UTC)}
    for text, day in zip(each("{submitted_at}", root=root), ("3 september 2019", "3 septembre 2019", "3 September 2019")):
        assert day in text
        assert "00:30" in text
        assert "22:30" not in text


def test_winter_date_times_are_shown_in_cet():
    """12:00 UTC on 2 December is 13:00 in Brussels (CET)."""
    root = {"submitted_at": dt.datetime(2019, 12, 2, 12, 0, tzinfo=dt.UTC)}
    for text in each("{submitted_at}", root=root):
        assert "13:00" in text
        assert "2019" in text


def test_instant_parameter_with_an_offset_is_shown_in_brussels_time():
    """The deadline 23:59 +02:00 is shown as 23:59 on 2 September."""
    for text, day in zip(each("{deadline}"), ("2 september 2019", "2 septembre 2019", "2 September 2019")):
        assert day in text
        assert "23:59" in text


def test_date_format_of_an_instant_is_the_brussels_date():
    """{submitted_at:date} is the Brussels calendar date, not the UTC one."""
    root = {"submitted_at": dt.datetime(2019, 9, 2, 22, 30, tzinfo=dt.UTC)}
    assert each("{submitted_at:date}", root=root) == ("3 september 2019", "3 septembre 2019", "3 September 2019")


# -- labels, booleans, lists, missing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template, scope, item, expected",
    [
        ("{item.role}", "partners", {"role": "co_applicant"}, ("mede-aanvrager", "codemandeur", "co-applicant")),
        ("{item.role}", "partners", {"role": "coaching"}, ("coachingpartner", "partenaire de coaching", "coaching partner")),
        ("{item.kind}", "partners", {"kind": "nonprofit"}, ("vzw", "asbl", "non-profit association")),
        (
            "{item.residence}",
            "participants",
            {"residence": "international_protection"},
            ("internationale bescherming", "protection internationale", "international protection"),
        ),
        (
            "{item.residence}",
            "participants",
            {"residence": "irregular"},
            ("geen legaal verblijf", "sans séjour légal", "no legal residence"),
        ),
    ],
)
def test_enum_values_are_shown_by_their_translated_label(template, scope, item, expected):
    """Enum values are not shown raw (co_applicant) but by their label in the language."""
    assert each(template, item=item, scope=scope) == expected


def test_applicant_kind_label():
    """applicant.kind ocmw: OCMW / CPAS / public social welfare centre (OCMW/CPAS)."""
    assert each("{applicant.kind}", root={"applicant.kind": "ocmw"}) == (
        "OCMW",
        "CPAS",
        "public social welfare centre (OCMW/CPAS)",
    )


@pytest.mark.parametrize(
    "field, enum_type",
    [
        ("kind", OrganisationKind),
        ("role", PartnerRole),
        ("residence", Residence),
        ("experience", Experience),
        ("documents", Attachment),
    ],
)
def test_every_enum_value_has_a_label_in_every_language(field, enum_type):
    """No enum value falls back to its raw code in any language."""
    assert set(LABELS[field]) == {member.value for member in enum_type}
    for labels in LABELS[field].values():
        assert len(labels) == 3 and all(label.strip() for label in labels)


def test_booleans():
    """true/false are ja/nee, oui/non, yes/no."""
    assert each("{form.complete}", root={"form.complete": True}) == ("ja", "oui", "yes")
    assert each("{form.complete}", root={"form.complete": False}) == ("nee", "non", "no")


def test_countries_format():
    """{item.nationalities:countries} names countries in the language; stateless is translated."""
    item = {"nationalities": ("SY", "stateless")}
    assert each("{item.nationalities:countries}", item=item, scope="participants") == (
        "Syrië, staatloos",
        "Syrie, apatride",
        "Syria, stateless",
    )


def test_missing_values_are_marked_missing():
    """A placeholder whose value is missing shows (ontbreekt) / (manquant) / (missing)."""
    assert each("{applicant.municipality.population} inwoners") == (
        "(ontbreekt) inwoners",
        "(manquant) inwoners",
        "(missing) inwoners",
    )


def test_item_and_missing_placeholders():
    """{item} is the element's path; {missing} lists the missing fields."""
    assert (
        each(
            "{item}: {missing}",
            scope="partners",
            item_path="partners[1]",
            missing=("partners[1].municipality.population", "reference_date"),
        )
        == ("partners[1]: partners[1].municipality.population, reference_date",) * 3
    )


def test_missing_placeholder_without_missing_fields():
    """{missing} with nothing missing is geen / aucun / none."""
    assert each("({missing})") == ("(geen)", "(aucun)", "(none)")


def test_item_values_are_read_from_the_element():
    """item.municipality.population comes from the element, not the root."""
    item = {"municipality.population": 86616, "name": "OCMW Mechelen"}
    assert fill("{item.name}: {item.municipality.population}", "nl", item=item, scope="partners") == "OCMW Mechelen: 86.616"


# -- braces ---------------------------------------------------------------------------------------------------------------


def test_doubled_braces_are_literal_braces():
    """{{ and }} are literal braces, next to placeholders too."""
    assert fill("{{literal}}", "en") == "{literal}"
    assert fill("{{{duration_months}}}", "nl", root={"duration_months": 24}) == "{24}"
    assert fill("a }} b {{ c", "fr") == "a } b { c"


def test_literal_text_is_kept_exactly():
    """Text around placeholders is kept as written."""
    assert fill("Deelnemer {duration_months}: ok.", "nl", root={"duration_months": 5}) == "Deelnemer 5: ok."
    assert parse_template("no placeholders", Scope(PARAMS)).placeholders == ()


# -- errors at parse time ------------------------------------------------------------------------------------------------


def test_unknown_field_is_a_parse_error_with_hint():
    """A misspelt field is found when the template is parsed."""
    problem = template_error("{applicant.nme} is een OCMW")
    assert "applicant.nme" in problem.message
    assert "applicant.name" in problem.hint


def test_unknown_format_is_a_parse_error():
    """{x:euro} is refused; the hint lists the formats."""
    problem = template_error("{budget.amif:euro}")
    assert "euro" in problem.message
    for name in ("number", "money", "percent", "date", "datetime"):
        assert name in problem.hint


def test_unknown_item_field_is_a_parse_error():
    """item fields are checked against the list the rule iterates over."""
    template_error("{item.residence}", scope="partners")
    template_error("{item}", scope=None)


@pytest.mark.parametrize(
    "text", ["{ unclosed", "close }", "a } b", "{}", "{1 +}", "{__import__('os')}", "{applicant}", "{budget.amif.__class__}"]
)
def test_malformed_placeholders_are_parse_errors(text):
    """Unclosed braces, stray }, empty or invalid placeholders are ExpressionError."""
    template_error(text)


def test_placeholders_may_divide_fields():
    """In messages (display only), a field may be divided by a field."""
    template = parse_template("{budget.amif / budget.total_eligible_cost:percent}", Scope(PARAMS))
    assert len(template.placeholders) == 1
    assert template.placeholders[0].format == "percent"


# -- default messages -------------------------------------------------------------------------------------------------------


def test_default_unknown_message_lists_the_missing_fields():
    """The default unknown message names the missing paths in each language."""
    assert default_message("unknown", "nl", ("a.b", "c")) == "Kan niet beoordeeld worden: ontbrekende gegevens (a.b, c)."
    assert "(a.b)" in default_message("unknown", "fr", ("a.b",))
    assert default_message("unknown", "en") == "Cannot be decided: missing data (none)."


def test_default_empty_list_message_names_the_list():
    """The default message for an empty list names the list in the language."""
    assert (
        default_message("empty_list", "nl", scope="participants") == "Niet van toepassing: de aanvraag vermeldt geen deelnemers."
    )
    assert default_message("empty_list", "en", scope="partners") == "Not applicable: the application lists no partners."
