"""The rule expression language: parsing, type checks, three-valued evaluation, functions.

Expressions are checked when parsed (unknown paths, type errors, forbidden syntax are
ExpressionError) and evaluated with Kleene logic: None means unknown.
"""

from __future__ import annotations

import builtins
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amif_rules import expr, limits
from amif_rules.expr import ExpressionError, Param, Scope, evaluate, parse
from amif_rules.schema import FieldType

PARAMS = {
    "lead_min_population": Param("lead_min_population", 150000, FieldType("int")),
    "amif_max_share": Param("amif_max_share", Decimal("0.75"), FieldType("decimal")),
    "call_budget": Param("call_budget", Decimal("1320069.53"), FieldType("money")),
    "eligible_residence": Param("eligible_residence", ("legal", "applicant"), FieldType("texts")),
    "deadline": Param(
        "deadline", dt.datetime(2019, 9, 2, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=2))), FieldType("instant")
    ),
}
ROOT = Scope(PARAMS)
PARTNERS = Scope(PARAMS, "partners")
PARTICIPANTS = Scope(PARAMS, "participants")


def run(text: str, root: dict | None = None, item: dict | None = None, scope: Scope = ROOT, want="bool"):
    """Parse ``text`` in ``scope`` and evaluate it on flat ``root`` / ``item`` facts."""
    node = parse(text, scope, want=want)
    root = root or {}
    item = item or {}
    return evaluate(node, lambda s, path: (item if s else root).get(path))


def error(text: str, scope: Scope = ROOT, want="bool") -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        parse(text, scope, want=want)
    return caught.value


# -- unknown names and 'did you mean' ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, scope, suggestion",
    [
        ("applicant.municipality.populaton > 1", ROOT, "applicant.municipality.population"),
        ("budget.amfi > 1", ROOT, "budget.amif"),
        ("form.signd", ROOT, "form.signed"),
        ("lead_min_populaton < 1", ROOT, "lead_min_population"),
        ("refernce_date == reference_date", ROOT, "reference_date"),
        ("item.nationality == 1", PARTICIPANTS, "item.nationalities"),
        ('item.rol == "coaching"', PARTNERS, "item.role"),
    ],
)
def test_unknown_paths_have_did_you_mean_hints(text, scope, suggestion):
    """A misspelt field or parameter is an error whose hint names the right one."""
    problem = error(text, scope)
    assert "did you mean" in problem.hint
    assert suggestion in problem.hint


def test_an_object_path_is_not_a_value():
    """applicant.municipality names an object: the hint lists its fields."""
    problem = error("applicant.municipality == 1")
    assert "object" in problem.message
    assert "applicant.municipality.population" in problem.hint


def test_item_outside_for_each_is_an_error():
    """'item' is only defined in a for_each rule."""
    problem = error('item.kind == "ocmw"')
    assert "for_each" in problem.message


def test_item_field_of_the_other_list_is_an_error():
    """Partners have no residence; participants have no role."""
    assert "residence" in error('item.residence == "legal"', PARTNERS).message
    assert "role" in error('item.role == "coaching"', PARTICIPANTS).message


# -- type errors --------------------------------------------------------------------------------------


def test_population_compared_with_a_string_is_a_type_error():
    """population > "150000" is refused with the hint to drop the quotes."""
    problem = error('applicant.municipality.population > "150000"')
    assert "compare" in problem.message
    assert "without quotes" in problem.hint


def test_money_compared_with_an_int_field_is_a_type_error():
    """An amount in euro cannot be compared with a whole-number field (a literal is fine)."""
    problem = error("budget.amif > duration_months")
    assert "amount" in problem.message
    assert run("budget.amif > 1000", {"budget.amif": Decimal("1000.01")}) is True


def test_money_plus_an_int_field_is_a_type_error():
    """Adding a count to an amount is refused."""
    assert "count" in error("budget.amif + duration_months > 0").message


def test_instant_compared_with_a_date_is_a_type_error():
    """submitted_at (instant) vs reference_date (date) is refused, pointing at local_date()."""
    problem = error("submitted_at < reference_date")
    assert "local_date" in problem.hint


@pytest.mark.parametrize(
    "text, scope, suggestion",
    [
        ('applicant.kind == "ocwm"', ROOT, "ocmw"),
        ('"nonprofti" == applicant.kind', ROOT, "nonprofit"),
        ('applicant.kind in ["ocmw", "municipalty"]', ROOT, "municipality"),
        ('item.role == "coching"', PARTNERS, "coaching"),
        ('item.residence not in ["legal", "iregular"]', PARTICIPANTS, "irregular"),
    ],
)
def test_enum_literal_typos_are_errors_with_suggestion(text, scope, suggestion):
    """A literal that is never a value of an enum field is refused, suggesting the close value."""
    problem = error(text, scope)
    assert "never a value" in problem.message
    assert suggestion in problem.hint


def test_enum_parameter_values_are_checked_too():
    """A texts parameter used with `in` on an enum must hold values of that enum."""
    scope = Scope({"kinds": Param("kinds", ("ocmw", "ngo"), FieldType("texts"))})
    assert "'ngo'" in error("applicant.kind in kinds", scope).message


@pytest.mark.parametrize(
    "text",
    [
        'applicant.kind < "ocmw"',  # ordering on an enum
        "form.complete > form.signed",  # ordering on booleans
        "form.complete == 1",  # bool vs number
        "not duration_months",  # not on a number
        "duration_months and form.signed",  # and on a number
        'duration_months in ["a"]',  # in on a number
        "call in call",  # in on a non-list
        "-call == 1",  # negating text
        'call + "x" == "42x"',  # text arithmetic
        "len(call) > 1",  # len of text
        "age_on(submitted_at, reference_date) > 18",  # instant where a date is needed
        "union_citizen(participants, reference_date)",  # a list of objects for codes
        "has_any(item.nationalities)",  # wrong arity
    ],
)
def test_type_errors_are_refused(text):
    """Operations on values of the wrong type are ExpressionError, found at parse time."""
    scope = PARTICIPANTS if "item." in text else ROOT
    error(text, scope)


def test_a_condition_must_be_boolean():
    """A non-boolean expression is refused as a condition but accepted with want=None."""
    assert "true or false" in error("duration_months").message
    assert run("duration_months + 1", {"duration_months": 23}, want=None) == 24


def test_two_fields_cannot_be_multiplied_or_divided_outside_messages():
    """Field * field and field / field are refused in conditions (exact, engine-friendly forms only)."""
    assert "*" in error("budget.amif * budget.total_eligible_cost > 0").message
    assert "division" in error("budget.amif / budget.total_eligible_cost > 0").message
    assert "zero" in error("budget.amif / 0 > 0").message


# -- forbidden syntax: nothing is executed ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'open("/etc/passwd") == 1',
        'eval("1") == 1',
        'exec("x=1") == 1',
        '__import__("os").system("true") == 0',
        "getattr(call, 'upper') == 1",
        '"abc".upper() == "ABC"',
        "(1).real == 1",
        "call.upper() == 1",
        "participants[0] == 1",
        'call[0] == "4"',
        "(lambda: True)()",
        "[x for x in participants] == 1",
        "{x for x in participants} == 1",
        "{x: 1 for x in participants} == 1",
        "any(x for x in participants)",
        'f"{call}" == "42"',
        "2 ** 3 == 8",
        "duration_months ** 2 > 1",
        "duration_months % 2 == 0",
        "duration_months // 2 == 1",
        "duration_months << 1 > 1",
        "duration_months & 1 == 1",
        "~duration_months == 1",
        "__class__ == 1",
        "__builtins__ == 1",
        "call.__class__ == 1",
        "applicant.__dict__ == 1",
        "__import__ == 1",
        "(x := 1) == 1",
        "form.complete if form.signed else False",
        "call is None",
        "call is not None",
        "{1: 2} == 1",
        "{1, 2} == 1",
        "*participants",
        "...",
        "b'42' == call",
        "None == call",
        "yield 1",
        "await call",
    ],
)
def test_forbidden_syntax_is_an_expression_error(text):
    """Calls to other names, attribute access on non-names, subscripts, lambdas,
    comprehensions, f-strings, **, dunder names... are refused."""
    error(text)


def test_parsing_and_evaluating_never_executes_code(tmp_path, monkeypatch):
    """Malicious expressions are refused without running anything; eval/exec are never used.

    (compile is not patched: ast.parse itself calls compile with PyCF_ONLY_AST, which only
    builds a tree.)
    """
    marker = tmp_path / "executed"

    def forbidden(*args, **kwargs):  # pragma: no cover - only runs on failure
        raise AssertionError("the expression language must not call eval or exec")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    for text in (
        f'__import__("os").system("touch {marker}") == 0',
        f'open("{marker}", "w").write("x") == 1',
        f'[__import__("pathlib").Path("{marker}").touch()] == 1',
    ):
        error(text)
    assert not marker.exists()
    assert run('duration_months * 2 == 48 and call in ["42"]', {"duration_months": 24, "call": "42"}) is True


def test_error_positions_point_into_the_expression():
    """ExpressionError carries a line and a 0-based column of the offending part."""
    problem = error("form.complete and budget.amfi > 1")
    assert (problem.line, problem.column) == (1, 18)
    problem = error('(form.complete and\n  item.kind == "ocmw")')
    assert (problem.line, problem.column) == (2, 2)


# -- chained comparisons -------------------------------------------------------------------------------


@pytest.mark.parametrize("months, expected", [(1, False), (2, True), (12, True), (13, False), (None, None)])
def test_chained_comparison_means_and(months, expected):
    """1 < duration_months <= 12 is (1 < d) and (d <= 12); missing gives unknown."""
    assert run("1 < duration_months <= 12", {"duration_months": months}) is expected


def test_chained_comparison_of_amounts():
    """A chain over three amounts compares each neighbouring pair."""
    text = "budget.amif <= budget.total_eligible_cost <= call_budget"
    root = {"budget.amif": Decimal("10.00"), "budget.total_eligible_cost": Decimal("20.00")}
    assert run(text, root) is True
    assert run(text, {**root, "budget.total_eligible_cost": Decimal("1320069.54")}) is False
    assert run(text, {**root, "budget.amif": Decimal("20.01")}) is False


# -- three-valued logic ---------------------------------------------------------------------------------

T, F, U = True, False, None
AND = {(T, T): T, (T, F): F, (T, U): U, (F, T): F, (F, F): F, (F, U): F, (U, T): U, (U, F): F, (U, U): U}
OR = {(T, T): T, (T, F): T, (T, U): T, (F, T): T, (F, F): F, (F, U): U, (U, T): T, (U, F): U, (U, U): U}


def _facts(a, b):
    return {k: v for k, v in (("form.complete", a), ("form.signed", b)) if v is not None}


@pytest.mark.parametrize("a, b", sorted(AND, key=str))
def test_and_truth_table(a, b):
    """`and` follows Kleene logic: false wins, otherwise unknown wins."""
    assert run("form.complete and form.signed", _facts(a, b)) is AND[(a, b)]


@pytest.mark.parametrize("a, b", sorted(OR, key=str))
def test_or_truth_table(a, b):
    """`or` follows Kleene logic: true wins, otherwise unknown wins."""
    assert run("form.complete or form.signed", _facts(a, b)) is OR[(a, b)]


@pytest.mark.parametrize("a, expected", [(T, F), (F, T), (U, U)])
def test_not_truth_table(a, expected):
    """not unknown is unknown."""
    assert run("not form.complete", _facts(a, None)) is expected


def test_comparisons_with_a_missing_value_are_unknown():
    """Any comparison or `in` reading a missing field is unknown, not false."""
    assert run("applicant.municipality.population > lead_min_population") is None
    assert run('applicant.kind == "ocmw"') is None
    assert run('applicant.kind != "ocmw"') is None
    assert run("item.residence in eligible_residence", scope=PARTICIPANTS) is None
    assert run("item.residence not in eligible_residence", scope=PARTICIPANTS) is None


def test_false_and_unknown_is_false_even_when_unknown_comes_first():
    """The order of operands does not matter: unknown and false is false; unknown or true is true."""
    root = {"form.signed": False, "duration_months": 3}
    assert run("applicant.municipality.population > 1 and form.signed", root) is False
    assert run("applicant.municipality.population > 1 or duration_months == 3", root) is True


def test_in_and_not_in():
    """`in` and `not in` test membership in a list literal or texts parameter."""
    item = {"residence": "applicant"}
    assert run("item.residence in eligible_residence", item=item, scope=PARTICIPANTS) is True
    assert run("item.residence not in eligible_residence", item=item, scope=PARTICIPANTS) is False
    assert run('item.residence in ["irregular"]', item=item, scope=PARTICIPANTS) is False


# -- exact decimal arithmetic ----------------------------------------------------------------------------


def test_decimal_literals_are_exact():
    """0.1 + 0.2 == 0.3 holds in the rule language (no binary floats)."""
    assert run("0.1 + 0.2 == 0.3") is True
    assert run("0.1 + 0.2", want=None) == Decimal("0.3")
    assert isinstance(run("0.1 + 0.2", want=None), Decimal)


def test_decimal_multiplication_is_exact():
    """0.15 * 100.00 is exactly 15, and 1.1 * 1.1 exactly 1.21."""
    assert run("0.15 * 100.00 == 15") is True
    assert run("0.15 * 100.00", want=None) == Decimal("15")
    assert run("1.1 * 1.1 == 1.21") is True


def test_share_of_an_amount_is_exact_at_the_boundary():
    """budget.amif <= 0.75 * total: exactly 75% passes, one cent more fails."""
    text = "budget.amif <= amif_max_share * budget.total_eligible_cost"
    root = {"budget.total_eligible_cost": Decimal("400000.00")}
    assert run(text, {**root, "budget.amif": Decimal("300000.00")}) is True
    assert run(text, {**root, "budget.amif": Decimal("300000.01")}) is False
    odd = {"budget.total_eligible_cost": Decimal("0.03"), "budget.amif": Decimal("0.0225")}
    assert run(text, odd) is True


def test_division_by_a_constant_is_exact_enough():
    """Division by a constant gives a Decimal; 1 / 4 is exactly 0.25."""
    assert run("duration_months / 4", {"duration_months": 1}, want=None) == Decimal("0.25")


def test_negation_and_unary_plus():
    """-x and +x work on numbers; -(missing) is unknown."""
    assert run("-duration_months < 0", {"duration_months": 3}) is True
    assert run("+duration_months == 3", {"duration_months": 3}) is True
    assert run("-duration_months < 0") is None


@settings(max_examples=200)
@given(a=st.integers(0, 10**13), b=st.integers(0, 10**13))
def test_sums_and_differences_of_amounts_are_exact(a, b):
    """Adding and subtracting cent amounts is exact for any amounts."""
    x, y = Decimal(a).scaleb(-2), Decimal(b).scaleb(-2)
    root = {"budget.amif": x, "budget.total_eligible_cost": y}
    assert run("budget.amif + budget.total_eligible_cost", root, want=None) == x + y
    assert run("budget.amif - budget.total_eligible_cost", root, want=None) == x - y


@settings(max_examples=200)
@given(cents=st.integers(0, 10**13))
def test_share_comparison_matches_exact_arithmetic(cents):
    """amif <= 0.75 * total gives the same answer as exact integer arithmetic on cents."""
    total = Decimal(cents).scaleb(-2)
    amif_cents = cents * 3 // 4
    root = {"budget.total_eligible_cost": total}
    text = "budget.amif <= amif_max_share * budget.total_eligible_cost"
    assert run(text, {**root, "budget.amif": Decimal(amif_cents).scaleb(-2)}) is (4 * amif_cents <= 3 * cents)
    assert run(text, {**root, "budget.amif": Decimal(amif_cents + 1).scaleb(-2)}) is (4 * (amif_cents + 1) <= 3 * cents)


# -- limits ------------------------------------------------------------------------------------------------


def test_nesting_depth_limit():
    """Expressions nested deeper than MAX_EXPRESSION_DEPTH are refused; shallower ones are fine."""
    assert run("not " * 20 + "form.complete", {"form.complete": True}) is True
    assert "deeper" in error("not " * (limits.MAX_EXPRESSION_DEPTH + 5) + "form.complete").message
    assert "deeper" in error("-" * 500 + "1 > 0").message
    assert "deeper" in error("1" + " + 1" * 300 + " > 0").message


def test_length_limit():
    """Expressions longer than MAX_EXPRESSION_LENGTH are refused; exactly the limit is accepted."""
    limit = limits.MAX_EXPRESSION_LENGTH
    head = 'call == "'
    exact = head + "x" * (limit - len(head) - 1) + '"'
    assert len(exact) == limit
    assert run(exact, {"call": "x" * (limit - len(head) - 1)}) is True
    assert "longer" in error(exact[:-1] + 'x"').message


@pytest.mark.parametrize("text", ["", "   ", "(" * 300 + "1" + ")" * 300, "1 >", "call ==", 'call == "42'])
def test_empty_and_malformed_expressions_are_errors(text):
    """Empty text and Python syntax errors are ExpressionError (never SyntaxError or MemoryError)."""
    error(text)


def test_non_text_expression_is_an_error():
    """A YAML number or bool where an expression belongs is an ExpressionError."""
    error(True)  # type: ignore[arg-type]
    error(150000)  # type: ignore[arg-type]


# -- functions ---------------------------------------------------------------------------------------------

UNION = "union_citizen(item.nationalities, reference_date)"


@pytest.mark.parametrize(
    "codes, day, expected",
    [
        (("GB",), dt.date(2019, 9, 2), True),
        (("GB",), dt.date(2020, 1, 31), True),
        (("GB",), dt.date(2020, 2, 1), False),
        (("SY", "GB"), dt.date(2019, 9, 2), True),
        (("SY", "GB"), dt.date(2020, 2, 1), False),
        (("HR",), dt.date(2013, 6, 30), False),
        (("HR",), dt.date(2013, 7, 1), True),
        (("BE",), dt.date(2019, 9, 2), True),
        (("NO",), dt.date(2019, 9, 2), False),
        (("CH",), dt.date(2019, 9, 2), False),
        (("stateless",), dt.date(2019, 9, 2), False),
        (("SY",), None, False),
        (("stateless",), None, False),
        (("GB",), None, None),
        (("SY", "FR"), None, None),
        (None, dt.date(2019, 9, 2), None),
    ],
)
def test_union_citizen_by_date(codes, day, expected):
    """EU citizenship depends on the date; without a date it is known only for never-EU codes."""
    item = {"nationalities": codes} if codes is not None else {}
    root = {"reference_date": day} if day is not None else {}
    assert run(UNION, root, item, PARTICIPANTS) is expected


def test_third_country_condition_with_missing_date():
    """not union_citizen(...) is True for SY without a date and unknown for GB."""
    text = "not " + UNION
    assert run(text, {}, {"nationalities": ("SY",)}, PARTICIPANTS) is True
    assert run(text, {}, {"nationalities": ("GB",)}, PARTICIPANTS) is None


@pytest.mark.parametrize(
    "codes, expected",
    [(("SY", "NO"), True), (("CH",), True), (("SY",), False), (("stateless",), False), (None, None)],
)
def test_has_any(codes, expected):
    """has_any(nationalities, list) tests overlap; missing nationalities give unknown."""
    item = {"nationalities": codes} if codes is not None else {}
    assert run("has_any(item.nationalities, EEA_EFTA_SWISS)", item=item, scope=PARTICIPANTS) is expected
    assert run('has_any(item.nationalities, ["NO", "CH", "IS", "LI"])', item=item, scope=PARTICIPANTS) is expected


@pytest.mark.parametrize(
    "attached, expected",
    [
        (("partnership_agreement", "pay_slips", "cost_template"), True),
        (("pay_slips", "partnership_agreement"), True),
        (("pay_slips",), False),
        ((), False),
        (None, None),
    ],
)
def test_has_all(attached, expected):
    """has_all(list, constants): every constant is in the list (order and extra elements do not
    matter); a missing list gives unknown; an empty second list holds for any list given."""
    root = {"documents": attached} if attached is not None else {}
    assert run('has_all(documents, ["partnership_agreement", "pay_slips"])', root) is expected
    assert run("has_all(documents, [])", root) is (None if attached is None else True)
    assert run('has_any(documents, ["pay_slips"])', root) is (None if attached is None else "pay_slips" in attached)


def test_has_all_over_a_partners_experience_and_its_type_errors():
    item = {"experience": ("anti_discrimination", "amif_target_group")}
    assert run('has_all(item.experience, ["amif_target_group", "anti_discrimination"])', item=item, scope=PARTNERS) is True
    assert run('has_all(item.experience, ["social_activation"])', item=item, scope=PARTNERS) is False
    for text in ('has_all(duration_months, ["x"])', "has_all(documents)", 'has_all(documents, "pay_slips")'):
        with pytest.raises(ExpressionError):
            parse(text, ROOT)


@pytest.mark.parametrize(
    "birth, day, age",
    [
        (dt.date(2000, 9, 3), dt.date(2019, 9, 2), 18),
        (dt.date(2000, 9, 2), dt.date(2019, 9, 2), 19),
        (dt.date(2000, 2, 29), dt.date(2019, 2, 28), 18),
        (dt.date(2000, 2, 29), dt.date(2019, 3, 1), 19),
        (dt.date(2000, 2, 29), dt.date(2020, 2, 29), 20),
        (dt.date(2019, 9, 2), dt.date(2019, 9, 2), 0),
    ],
)
def test_age_on(birth, day, age):
    """age_on gives whole years, counting the birthday itself (29 Feb: 1 March in common years)."""
    result = run(
        "age_on(item.birth_date, reference_date)", {"reference_date": day}, {"birth_date": birth}, PARTICIPANTS, want=None
    )
    assert result == age


def test_age_on_with_missing_birth_date_is_unknown():
    """A missing birth date makes an age condition unknown."""
    assert run("age_on(item.birth_date, reference_date) >= 18", {"reference_date": dt.date(2019, 9, 2)}, {}, PARTICIPANTS) is None


@pytest.mark.parametrize(
    "moment, day",
    [
        (dt.datetime(2019, 9, 2, 22, 30, tzinfo=dt.UTC), dt.date(2019, 9, 3)),
        (dt.datetime(2019, 9, 2, 21, 59, tzinfo=dt.UTC), dt.date(2019, 9, 2)),
        (dt.datetime(2019, 12, 31, 23, 0, tzinfo=dt.UTC), dt.date(2020, 1, 1)),
        (dt.datetime(2019, 12, 31, 22, 59, tzinfo=dt.UTC), dt.date(2019, 12, 31)),
        (dt.datetime(2019, 9, 3, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=5))), dt.date(2019, 9, 2)),
    ],
)
def test_local_date_is_the_brussels_calendar_date(moment, day):
    """local_date(submitted_at) is the date in Brussels (CEST/CET), whatever the offset given."""
    assert run("local_date(submitted_at)", {"submitted_at": moment}, want=None) == day
    assert run("local_date(submitted_at) == reference_date", {"submitted_at": moment, "reference_date": day}) is True


def test_len_of_a_list():
    """len(partners) counts the elements; a missing list is unknown."""
    assert run("len(partners) >= 2", {"partners": ("a", "b")}) is True
    assert run("len(partners) >= 2") is None


@pytest.mark.parametrize("name, hint", [("unionn_citizen", "union_citizen"), ("has_anny", "has_any"), ("age", "age_on")])
def test_unknown_function_names_suggest_the_right_one(name, hint):
    """A misspelt function name is refused with a hint."""
    problem = error(f"{name}(item.nationalities, reference_date)", PARTICIPANTS)
    assert hint in problem.hint


def test_instant_parameter_comparison():
    """submitted_at <= deadline compares instants across offsets."""
    text = "submitted_at <= deadline"
    assert run(text, {"submitted_at": dt.datetime(2019, 9, 2, 21, 59, tzinfo=dt.UTC)}) is True
    assert run(text, {"submitted_at": dt.datetime(2019, 9, 2, 21, 59, 1, tzinfo=dt.UTC)}) is False


def test_paths_lists_every_field_read_once_in_order():
    """expr.paths gives the fields an expression reads, in order, without repeats."""
    node = parse("form.complete and budget.amif <= amif_max_share * budget.total_eligible_cost and form.complete", ROOT)
    assert [p.text for p in expr.paths(node)] == ["form.complete", "budget.amif", "budget.total_eligible_cost"]
    node = parse(UNION + " and item.residence in eligible_residence", PARTICIPANTS)
    assert [p.text for p in expr.paths(node)] == ["item.nationalities", "reference_date", "item.residence"]


def test_boolean_keywords():
    """true/false (and True/False) are boolean literals."""
    assert run("true") is True
    assert run("false or True") is True
    assert run("form.complete == false", {"form.complete": False}) is True


# -- gathering paths: one field over a list's elements ("some partner") ------------------------------


def _partners(*experiences) -> dict:
    """Root facts with one partner per argument (None: its experience is not given)."""
    return {"partners": tuple({} if e is None else {"experience": tuple(e)} for e in experiences)}


@pytest.mark.parametrize(
    "partners, expected",
    [
        ((["policy_participation"], []), True),
        (([], ["amif_target_group", "policy_participation"]), True),
        (([], ["amif_target_group"]), False),
        ((), False),  # an empty list gathers nothing
        ((None, ["policy_participation"]), True),  # one partner holds it: the unknown one does not matter
        ((None, ["amif_target_group"]), None),  # none holds it so far, one is unknown
        ((None,), None),
    ],
)
def test_has_any_over_a_gathering_path_is_kleene_or_over_the_elements(partners, expected):
    assert run('has_any(partners.experience, ["policy_participation"])', _partners(*partners)) is expected


def test_a_missing_list_gathers_to_unknown():
    assert run('has_any(partners.experience, ["policy_participation"])', {}) is None


@pytest.mark.parametrize(
    "partners, expected",
    [
        ((["anti_discrimination"], ["amif_target_group"]), True),  # each declared by some partner
        ((["anti_discrimination", "amif_target_group"],), True),
        ((["anti_discrimination"], []), False),
        ((["anti_discrimination"], None), None),
        ((["anti_discrimination", "amif_target_group"], None), True),
    ],
)
def test_has_all_over_a_gathering_path_needs_each_value_in_some_element(partners, expected):
    text = 'has_all(partners.experience, ["anti_discrimination", "amif_target_group"])'
    assert run(text, _partners(*partners)) is expected


def test_gathering_a_choice_field_and_country_codes():
    partners = {"partners": ({"kind": "nonprofit"}, {"kind": "ocmw"})}
    assert run('has_any(partners.kind, ["ocmw", "municipality"])', partners) is True
    participants = {"participants": ({"nationalities": ("MA",)}, {"nationalities": ("BE", "NL")})}
    assert run('has_any(participants.nationalities, ["NL"])', participants) is True
    assert run('has_all(participants.nationalities, ["MA", "FR"])', participants) is False


def test_a_gathering_path_reads_the_element_field_it_names():
    node = parse('has_any(partners.experience, ["policy_participation"])', ROOT)
    (path,) = expr.paths(node)
    assert (path.scope, path.gather, path.element_field, path.input_path) == (
        None,
        "partners",
        "experience",
        "partners[].experience",
    )


@pytest.mark.parametrize(
    "text, says",
    [
        ("len(partners.experience) >= 1", "can only be the first argument of"),
        ('partners.kind == "ocmw"', "partners.kind gathers a field over the partners"),
        ('"ocmw" in partners.kind', "partners.kind gathers a field over the partners"),
        ('has_any(["x"], partners.experience)', "can only be the first argument of"),
        ('has_any(len(partners.experience), ["x"])', "can only be the first argument of"),
        ("not partners.kind", "can only be the first argument of"),
        ('has_any(partners.legal_personality, ["x"])', "only text, choice and list fields can be gathered"),
        ('has_any(partners.experiance, ["x"])', "did you mean partners.experience?"),
    ],
)
def test_a_gathering_path_elsewhere_is_a_clear_error(text, says):
    found = error(text)
    assert says in f"{found} | {found.hint}"


def test_inside_for_each_the_item_is_still_the_element():
    assert run(
        'has_any(item.experience, ["policy_participation"])', item={"experience": ("policy_participation",)}, scope=PARTNERS
    )
