"""Loading ruleset files: every problem located by file, line and column, with a hint.

Small YAML strings are loaded with parse_ruleset(text, "x.yaml"); the line and column
numbers asserted below are 1-based positions in those strings. The bundled call-42.yaml
must load with its 13 rules and exact parameter values.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from amif_rules import catalog
from amif_rules.errors import RulesetError
from amif_rules.ruleset import load_ruleset, parse_ruleset
from conftest import CALL_42_RULES

CALL_42 = Path(__file__).parents[2] / "rulesets" / "call-42.yaml"

# Line numbers of BASE, for reference:
#  1 id  2 version  3 title  4 source  5 parameters  6 min_pop  7 value  8 source
#  9 rules  10 - id  11 check  12 source  13 messages  14 pass  15 fail
BASE = """\
id: test-set
version: "1"
title: {nl: "T", fr: "T", en: "T"}
source: call.txt
parameters:
  min_pop:
    value: 150000
    source: "call.txt, A"
rules:
  - id: big
    check: applicant.municipality.population > min_pop
    source: "call.txt, A"
    messages:
      pass: {nl: "ok {min_pop}", fr: "ok", en: "ok"}
      fail: {nl: "nee", fr: "non", en: "no"}
"""
CHECK_LINE = "    check: applicant.municipality.population > min_pop\n"
SECOND_RULE = BASE[BASE.index("  - id: big") :]


def edit(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def problems(text, file: str = "x.yaml"):
    """The RulesetError's problems; fails when the ruleset loads."""
    with pytest.raises(RulesetError) as caught:
        parse_ruleset(text, file)
    assert caught.value.problems, "a RulesetError must list at least one problem"
    return caught.value.problems


def the_problem(text, fragment: str):
    """The one problem whose message contains ``fragment``."""
    found = [p for p in problems(text) if fragment in p.message]
    assert len(found) == 1, [str(p) for p in problems(text)]
    return found[0]


def at(problem) -> tuple:
    return (problem.location.file, problem.location.line, problem.location.column)


# -- the base loads ------------------------------------------------------------------------------------


def test_the_base_ruleset_loads():
    """The small ruleset used below is valid, so each test's error comes from its own edit."""
    ruleset = parse_ruleset(BASE, "x.yaml")
    assert ruleset.id == "test-set"
    assert ruleset.version == "1"
    assert [r.id for r in ruleset.rules] == ["big"]
    assert ruleset.parameters["min_pop"].value == 150000
    assert ruleset.parameters["min_pop"].type_name == "integer"
    assert ruleset.file == "x.yaml"
    assert ruleset.status == "published"


def test_the_file_is_named_by_its_base_name():
    """Locations name the file by its base name, not the directory it was passed with."""
    problem = problems(edit("populat", "populot"), "some/dir/x.yaml")[0]
    assert problem.location.file == "x.yaml"


# -- expressions: line and column ------------------------------------------------------------------------


def test_unknown_field_in_a_plain_scalar_points_at_the_field():
    """An unknown field in `check: ...` points at its first character, with a did-you-mean hint."""
    problem = the_problem(edit("population > min_pop", "populaton > min_pop"), "unknown field")
    assert at(problem) == ("x.yaml", 11, 12)
    assert "did you mean applicant.municipality.population" in problem.hint
    assert str(problem).startswith("x.yaml:11:12: ")
    assert "hint: did you mean" in str(problem)


def test_column_inside_an_expression():
    """An error after other words of the expression points at that word, not the start."""
    text = edit(CHECK_LINE, "    check: form.complete and applicant.municipality.populaton > min_pop\n")
    assert at(the_problem(text, "unknown field")) == ("x.yaml", 11, 30)


def test_column_in_a_double_quoted_scalar_skips_the_quote():
    """In a quoted expression the column is that of the field, one past the quote."""
    text = edit(CHECK_LINE, '    check: "applicant.municipality.populaton > min_pop"\n')
    assert at(the_problem(text, "unknown field")) == ("x.yaml", 11, 13)
    text = edit(CHECK_LINE, "    check: 'form.complete and applicant.municipality.populaton > min_pop'\n")
    assert at(the_problem(text, "unknown field")) == ("x.yaml", 11, 31)


def test_error_on_the_second_line_of_a_folded_expression_points_at_that_line():
    """In a folded block (`check: >-`, as call-42.yaml uses) the error is located where it is
    written: line 13, column 11 (the `a` of `applicant`), not at the `>-` indicator."""
    text = edit(CHECK_LINE, "    check: >-\n      form.complete\n      and applicant.municipality.populaton > min_pop\n")
    assert at(the_problem(text, "unknown field")) == ("x.yaml", 13, 11)


def test_error_on_the_second_line_of_a_literal_block_points_at_that_line():
    """In a literal block (`check: |`) the error on its second content line is located on
    file line 13, at the column where the field is written (12)."""
    text = edit(CHECK_LINE, "    check: |\n      (form.complete\n       and applicant.municipality.populaton > min_pop)\n")
    assert at(the_problem(text, "unknown field")) == ("x.yaml", 13, 12)


def test_enum_typo_in_check_is_located_with_suggestion():
    """A literal that is never a value of the enum is refused with the close value as hint."""
    problem = the_problem(edit(CHECK_LINE, '    check: applicant.kind == "ocwm"\n'), "never a value")
    assert (problem.location.line, problem.location.column) == (11, 12)
    assert "ocmw" in problem.hint


def test_item_outside_for_each_is_located():
    """`item.` in a rule without for_each is refused at the check."""
    problem = the_problem(edit(CHECK_LINE, '    check: item.kind == "ocmw"\n'), "for_each")
    assert (problem.location.line, problem.location.column) == (11, 12)


def test_forbidden_syntax_in_a_ruleset_is_refused_and_not_run(tmp_path):
    """A ruleset expression calling __import__ is a loading error; nothing runs."""
    marker = tmp_path / "executed"
    text = edit(CHECK_LINE, f"    check: __import__('os').system('touch {marker}') == 0\n")
    problem = problems(text)[0]
    assert problem.location.line == 11
    assert not marker.exists()


def test_syntax_error_in_an_expression_is_located():
    """A Python syntax error in `check:` is a RulesetError on that line, with a hint."""
    problem = problems(edit(CHECK_LINE, "    check: applicant.kind ==\n"))[0]
    assert problem.location.line == 11
    assert "not a valid expression" in problem.message
    assert problem.hint


def test_when_is_checked_like_check():
    """`when:` expressions are checked too."""
    text = edit(CHECK_LINE, '    for_each: partners\n    when: item.rol == "coaching"\n    check: item.kind == "ocmw"\n')
    problem = the_problem(text, "no field")
    assert problem.location.line == 12
    assert "item.role" in problem.hint


def test_for_each_typo_is_refused_with_suggestion():
    """for_each: partner → did you mean partners."""
    problem = the_problem(edit(CHECK_LINE, "    for_each: partner\n" + CHECK_LINE), "cannot iterate")
    assert (problem.location.line, problem.location.column) == (11, 15)
    assert "partners" in problem.hint


# -- messages ------------------------------------------------------------------------------------------------


def test_unknown_placeholder_field_in_a_message_is_a_loading_error():
    """A misspelt field in a message placeholder is found when loading, with its language and outcome."""
    problem = the_problem(edit("ok {min_pop}", "ok {applicant.nme}"), "unknown field")
    assert problem.message.startswith("in the nl pass message")
    assert problem.location.line == 14
    assert "applicant.name" in problem.hint


def test_unknown_format_in_a_message_is_a_loading_error():
    """{value:euro} is refused; the hint lists the formats."""
    problem = the_problem(edit("ok {min_pop}", "ok {min_pop:euro}"), "unknown format")
    assert problem.location.line == 14
    assert "money" in problem.hint


def test_missing_translation_of_a_message():
    """A message without its fr text is refused on the message's line, naming the language."""
    problem = the_problem(edit('fr: "non", ', ""), "no fr text")
    assert problem.location.line == 15
    assert "fail" in problem.message


def test_missing_translation_of_the_title():
    """A title without fr is refused; an extra language key is an unknown key."""
    found = problems(edit('title: {nl: "T", fr: "T", en: "T"}', 'title: {nl: "T", en: "T", de: "T"}'))
    messages = [p.message for p in found]
    assert any("no fr text" in m for m in messages)
    assert any("unknown key 'de'" in m for m in messages)
    assert all(p.location.line == 3 for p in found)


def test_title_as_plain_text_is_refused():
    """title must give nl, fr and en."""
    problem = the_problem(edit('title: {nl: "T", fr: "T", en: "T"}', "title: T"), "nl, fr and en")
    assert problem.location.line == 3


def test_a_rule_without_pass_or_fail_message():
    """A rule needs pass and fail messages."""
    problem = the_problem(edit('      pass: {nl: "ok {min_pop}", fr: "ok", en: "ok"}\n', ""), "no pass message")
    assert problem.location.line == 14  # where the messages mapping now starts (its fail: key)


def test_a_rule_without_messages():
    """A rule without messages: is refused at the rule, with an example in the hint."""
    text = edit(
        '    messages:\n      pass: {nl: "ok {min_pop}", fr: "ok", en: "ok"}\n      fail: {nl: "nee", fr: "non", en: "no"}\n', ""
    )
    problem = the_problem(text, "messages:")
    assert problem.location.line == 10
    assert "pass" in problem.hint


# -- sources -------------------------------------------------------------------------------------------------------


def test_rule_without_source():
    """A rule without source is refused at the rule's first line."""
    problem = the_problem(edit('    source: "call.txt, A"\n    messages', "    messages"), "no source")
    assert (problem.location.line, problem.location.column) == (10, 5)
    assert "'big'" in problem.message
    assert "source" in problem.hint


def test_parameter_without_source():
    """A parameter without source is refused at the parameter."""
    problem = the_problem(edit('    source: "call.txt, A"\nrules', "rules"), "no source")
    assert problem.location.line == 7
    assert "min_pop" in problem.message


def test_ruleset_without_source():
    """The top-level source is required."""
    problem = the_problem(edit("source: call.txt\n", ""), "'source'")
    assert "missing required key" in problem.message
    assert problem.hint


@pytest.mark.parametrize("key", ["id", "version", "title", "rules"])
def test_required_top_level_keys(key):
    """id, version, title and rules are required; each missing one is named."""
    if key == "rules":
        text = BASE[: BASE.index("rules:")]
    else:
        text = "".join(line for line in BASE.splitlines(keepends=True) if not line.startswith(f"{key}:"))
    problem = the_problem(text, f"missing required key {key!r}")
    assert problem.hint


# -- ids and keys ---------------------------------------------------------------------------------------------------


def test_duplicate_rule_ids():
    """A second rule with the same id is refused at that id, saying which rule had it first."""
    problem = the_problem(BASE + SECOND_RULE, "duplicate rule id")
    assert (problem.location.line, problem.location.column) == (16, 9)
    assert "'big'" in problem.message
    assert "rule 1" in problem.message
    assert problem.hint


@pytest.mark.parametrize(
    "old, new, line, column, suggestion",
    [
        ("    check:", "    chek: x\n    check:", 11, 5, "check"),
        ("rules:\n", "rulez: []\nrules:\n", 9, 1, "rules"),
        ('    source: "call.txt, A"\nrules', '    sorce: "call.txt, A"\nrules', 8, 5, "source"),
        ("    messages:\n", "    mesages: {}\n    messages:\n", 13, 5, "messages"),
    ],
)
def test_unknown_keys_have_suggestions(old, new, line, column, suggestion):
    """Misspelt keys at each level are refused at the key with a did-you-mean hint."""
    problem = the_problem(edit(old, new), "unknown key")
    assert (problem.location.line, problem.location.column) == (line, column)
    assert f"did you mean {suggestion!r}" in problem.hint


def test_unknown_key_without_close_match_lists_the_allowed_keys():
    """An unknown key with no close match gets the list of allowed keys."""
    problem = the_problem(edit("    check:", "    zzz: 1\n    check:"), "unknown key")
    assert "check" in problem.hint and "for_each" in problem.hint


@pytest.mark.parametrize(
    "old, new, fragment",
    [
        ("id: test-set", "id: Test_Set", "lower-case"),
        ("  - id: big", "  - id: Big", "lower-case"),
        ("    check:", "    severity: fatal\n    check:", "severity"),
        ("source: call.txt\n", "source: call.txt\nstatus: final\n", "status"),
        ("source: call.txt\n", "source: call.txt\nvalid_from: 2019-13-01\n", "valid_from"),
        ("source: call.txt\n", "source: call.txt\nvalid_from: 2019-09-02\nvalid_until: 2019-01-01\n", "before"),
    ],
)
def test_bad_values_of_ruleset_keys(old, new, fragment):
    """Ids, severity, status and dates are validated."""
    the_problem(edit(old, new), fragment)


def test_duplicate_yaml_keys_are_refused_at_the_second_key():
    """The same key twice in one mapping is refused where it appears the second time."""
    problem = the_problem(edit("    check:", "    check: form.signed\n    check:"), "appears twice")
    assert (problem.location.line, problem.location.column) == (12, 5)


# -- parameters ---------------------------------------------------------------------------------------------------------


def param(value: str, type_name: str | None = None) -> str:
    new = f"    value: {value}\n" + (f"    type: {type_name}\n" if type_name else "")
    return edit("    value: 150000\n", new)


@pytest.mark.parametrize(
    "value, type_name",
    [
        ('"lots"', "integer"),
        ("1.5", "integer"),
        ("true", "integer"),
        ('"0,75"', "share"),
        (".nan", "decimal"),
        (".inf", "decimal"),
        ("true", "decimal"),
        ("[legal, 3]", "texts"),
        ("legal", "texts"),
        ("maybe", "bool"),
        ("2019-13-01", "date"),
        ("2019-09-02T23:59:00", "instant"),
        ("yesterday", "instant"),
        ("3", "text"),
    ],
)
def test_bad_parameter_values_are_located_at_the_value(value, type_name):
    """A value that does not fit its type is refused at the value (line 7, column 12)."""
    problem = the_problem(param(value, type_name), "cannot have the value")
    assert problem.location.line == 7
    assert problem.location.column in (12, 13)  # 13 when the value is quoted
    assert type_name in problem.message


def test_money_parameter_with_three_decimals():
    """A money parameter with 3 decimals is refused at the value."""
    problem = the_problem(param('"1320069.535"', "money"), "at most 2 decimals")
    assert problem.location.line == 7


def test_unknown_parameter_type_lists_the_types():
    """type: integr is refused at the type with the list of types."""
    problem = the_problem(param("1", "integr"), "unknown parameter type")
    assert (problem.location.line, problem.location.column) == (8, 11)
    assert "integer" in problem.hint


def test_parameter_without_value_or_type():
    """A parameter needs value: (or, left for an extending ruleset to set, type:)."""
    text = edit("    value: 150000\n", "")
    problem = the_problem(text, "has no value and no type")
    assert problem.location.line == 7
    assert "type:" in problem.hint


@pytest.mark.parametrize("name", ["applicant", "item", "len", "reference_date", "submitted_at"])
def test_parameter_names_must_not_shadow_the_language(name):
    """Parameters cannot be named like fields, item, keywords or functions."""
    problem = the_problem(edit("  min_pop:", f"  {name}:"), "already a name")
    assert (problem.location.line, problem.location.column) == (6, 3)


def test_parameter_name_must_be_snake_case():
    """Parameter names are lower_case_with_underscores."""
    the_problem(edit("  min_pop:", "  MinPop:"), "lower_case")


@pytest.mark.parametrize(
    "value, type_name, expected",
    [
        ('"0.75"', "share", Decimal("0.75")),
        ("0.75", "share", Decimal("0.75")),
        ('"1320069.53"', "money", Decimal("1320069.53")),
        ("1320069.53", "money", Decimal("1320069.53")),
        ("0.1", None, Decimal("0.1")),
        ("150000", None, 150000),
        ("[legal, applicant]", None, ("legal", "applicant")),
        ("true", None, True),
        ("2019-09-02", "date", dt.date(2019, 9, 2)),
        ('"2019-09-02T23:59:00+02:00"', "instant", dt.datetime(2019, 9, 2, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
        ("2019-09-02T23:59:00+02:00", "instant", dt.datetime(2019, 9, 2, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
    ],
)
def test_parameter_values_are_typed_exactly(value, type_name, expected):
    """Parameter values become exact Decimals, ints, tuples, dates and aware datetimes."""
    text = param(value, type_name)
    text = text.replace("population > min_pop", "population > 0").replace("ok {min_pop}", "ok")
    parameter = parse_ruleset(text, "x.yaml").parameters["min_pop"]
    assert parameter.value == expected
    assert type(parameter.value) is type(expected)
    if isinstance(expected, dt.datetime):
        assert parameter.value.utcoffset() == expected.utcoffset()


# -- YAML level ------------------------------------------------------------------------------------------------------------


def test_python_tag_on_a_scalar_is_refused():
    """!!python/name on a scalar is refused at its place."""
    problem = the_problem(edit("source: call.txt", 'source: !!python/name:os.system ""'), "YAML tag")
    assert (problem.location.line, problem.location.column) == (4, 9)


def test_custom_tag_on_a_scalar_is_refused():
    """Any non-standard tag is refused."""
    the_problem(edit("source: call.txt", "source: !custom call.txt"), "YAML tag")


def test_python_tag_on_a_sequence_is_refused():
    """!!python/object/apply on the rules list is refused like a tag on a scalar, not ignored."""
    text = edit("rules:\n", "rules: !!python/object/apply:os.system\n")
    with pytest.raises(RulesetError) as caught:
        parse_ruleset(text, "x.yaml")
    assert any("tag" in p.message for p in caught.value.problems), [str(p) for p in caught.value.problems]


def test_python_tags_never_run_code(tmp_path):
    """Whatever a tag asks for, loading never runs it."""
    marker = tmp_path / "executed"
    for tagged in (
        f'source: !!python/object/apply:os.system ["touch {marker}"]',
        f'source: !!python/object/new:os.system ["touch {marker}"]',
        f'source: !!python/object/apply:subprocess.call [["touch", "{marker}"]]',
    ):
        with pytest.raises(RulesetError):
            parse_ruleset(edit("source: call.txt", tagged), "x.yaml")
    assert not marker.exists()


def test_python_tag_on_a_mapping_is_refused():
    """!!python/object on a mapping (title) is refused, not silently treated as a plain mapping."""
    text = edit("title: {", "title: !!python/object:builtins.dict {")
    with pytest.raises(RulesetError) as caught:
        parse_ruleset(text, "x.yaml")
    assert any("tag" in p.message for p in caught.value.problems)


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(text):
    """An empty ruleset file is an error with a hint on how to start."""
    problem = the_problem(text, "empty")
    assert problem.location.file == "x.yaml"
    assert "id:" in problem.hint


@pytest.mark.parametrize(
    "text, line",
    [
        ("id: [unclosed\n", 2),
        ("id: x\n  bad: indent\n", 2),
        ('id: "open\n', 2),
        ("id: x\ntitle: {nl: a\n", 3),
    ],
)
def test_invalid_yaml_syntax_is_located(text, line):
    """YAML syntax errors are RulesetError with a line, a column and a hint."""
    problem = the_problem(text, "not valid YAML")
    assert problem.location.line == line
    assert problem.location.column is not None
    assert problem.hint


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "42\n"])
def test_a_ruleset_must_be_a_mapping(text):
    """A list or scalar at the top is refused."""
    the_problem(text, "a ruleset file is a mapping")


def test_invalid_utf8_is_refused():
    """Bytes that are not UTF-8 are a RulesetError with a hint to save as UTF-8."""
    problem = the_problem(BASE.encode() + b"# \xff\n", "UTF-8")
    assert "UTF-8" in problem.hint


def test_rules_must_be_a_non_empty_list():
    """rules: {} and rules: [] are refused."""
    the_problem(BASE[: BASE.index("rules:")] + "rules: {id: big}\n", "must be a list")
    the_problem(BASE[: BASE.index("rules:")] + "rules: big\n", "must be a list")
    the_problem(BASE[: BASE.index("rules:")] + "rules: []\n", "at least one rule")


def test_all_problems_are_reported_at_once_in_file_order():
    """Several independent mistakes are all listed in one RulesetError."""
    text = edit("id: test-set", "id: Test")
    text = edit("    check:", "    chek: x\n    check:", text)
    text = edit('fr: "non", ', "", text)
    found = problems(text)
    assert len(found) == 3
    assert [p.location.line for p in found] == sorted(p.location.line for p in found)
    assert str(found[0]).startswith("x.yaml:1:")


def test_load_ruleset_of_a_missing_file(tmp_path):
    """A file that cannot be read is a RulesetError naming it."""
    with pytest.raises(RulesetError) as caught:
        load_ruleset(tmp_path / "nope.yaml")
    assert "nope.yaml" in str(caught.value)


def test_load_ruleset_from_a_file(tmp_path):
    """load_ruleset reads a file and names it in locations."""
    path = tmp_path / "mine.yaml"
    path.write_text(edit("populat", "populot"), encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    assert caught.value.problems[0].location.file.endswith("mine.yaml")
    path.write_text(BASE, encoding="utf-8")
    assert load_ruleset(path).id == "test-set"


def test_digest_identifies_the_content():
    """Equal texts have equal digests; any change gives another."""
    assert parse_ruleset(BASE).digest == parse_ruleset(BASE).digest
    assert parse_ruleset(BASE).digest != parse_ruleset(BASE + "# comment\n").digest


# -- the bundled call-42 ruleset ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def call_42():
    return load_ruleset(CALL_42)


def test_call_42_loads_with_13_rules_in_order(call_42):
    """call-42.yaml loads; its 13 rules keep the documented order."""
    assert [rule.id for rule in call_42.rules] == CALL_42_RULES


def test_call_42_header(call_42):
    """Id, call, register date and validity of call-42."""
    assert call_42.id == "call-42"
    assert call_42.call == "42"
    assert call_42.status == "published"
    assert call_42.register_date == dt.date(2019, 1, 1)
    assert call_42.valid_until == dt.date(2019, 9, 2)
    assert call_42.title.nl and call_42.title.fr and call_42.title.en


def test_call_42_parameters_have_exact_values(call_42):
    """Parameters are exact: ints, Decimals (not floats), a tuple, a bool, an aware deadline."""
    values = {name: p.value for name, p in call_42.parameters.items()}
    assert values["lead_min_population"] == 150000 and type(values["lead_min_population"]) is int
    assert values["partner_max_population"] == 150000 and type(values["partner_max_population"]) is int
    assert values["amif_max_share"] == Decimal("0.75") and isinstance(values["amif_max_share"], Decimal)
    assert values["pod_mi_max_share"] == Decimal("0.15") and isinstance(values["pod_mi_max_share"], Decimal)
    assert values["call_budget"] == Decimal("1320069.53") and isinstance(values["call_budget"], Decimal)
    assert values["eligible_residence"] == ("legal", "international_protection", "resettled", "relocated", "applicant")
    assert values["eea_swiss_are_third_country"] is True
    deadline = values["deadline"]
    assert deadline == dt.datetime(2019, 9, 2, 21, 59, tzinfo=dt.UTC)
    assert deadline.utcoffset() == dt.timedelta(hours=2)
    assert call_42.parameters["amif_max_share"].type_name == "share"
    assert call_42.parameters["call_budget"].type_name == "money"


def test_call_42_rules_and_parameters_cite_sources(call_42):
    """Every rule and parameter of call-42 carries a source citing the call text."""
    for rule in call_42.rules:
        assert rule.source.startswith("call-42-social-activation.nl.txt"), rule.id
    for parameter in call_42.parameters.values():
        assert "call-42-social-activation.nl.txt" in parameter.source, parameter.name


def test_call_42_rule_shapes(call_42):
    """Scopes, when-conditions, severities and messages of call-42."""
    scopes = {rule.id: rule.for_each for rule in call_42.rules}
    assert {r for r, s in scopes.items() if s == "partners"} == {
        "partner-is-ocmw",
        "partner-municipality-small",
        "partner-role-coaching",
    }
    assert {r for r, s in scopes.items() if s == "participants"} == {
        "participant-third-country-national",
        "participant-legal-residence",
    }
    assert [r.id for r in call_42.rules if r.severity == "warning"] == ["partner-role-coaching"]
    assert [r.id for r in call_42.rules if r.when is not None] == ["partner-is-ocmw", "partner-municipality-small"]
    for rule in call_42.rules:
        for outcome in ("pass", "fail"):
            for lang in ("nl", "fr", "en"):
                assert rule.messages.template(outcome, lang) is not None, (rule.id, outcome, lang)


def test_call_42_rule_locations(call_42):
    """Each rule remembers where it starts in call-42.yaml."""
    lines = CALL_42.read_text(encoding="utf-8").splitlines()
    for rule in call_42.rules:
        assert rule.location.file == "call-42.yaml"
        assert lines[rule.location.line - 1].strip() == f"- id: {rule.id}"


def test_the_installed_package_bundles_the_same_call_42():
    """The ruleset the package finds for itself is byte for byte the repository's call-42.yaml."""
    bundled = {path.name: path for path in catalog.ruleset_files()}
    assert "call-42.yaml" in bundled
    assert bundled["call-42.yaml"].read_bytes() == CALL_42.read_bytes()
