"""Every loader problem carries its stable lint code (docs/lint.md, "Codes") from where it is
raised, so that rewording a message can never change a documented code.

The table below is one small broken ruleset per kind of problem the loader (and the compiler)
reports, with the fragment of the message that names the problem and the code it must carry.
The codes are those ``amif-rules lint`` gave for these messages when the codes were still
guessed from the English text; they are written out here so that this test outlives that guess.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from amif_rules import problemcodes
from amif_rules.compiler import compile_ruleset
from amif_rules.errors import RulesetError, RulesetProblem
from amif_rules.ruleset import load_ruleset, parse_ruleset

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "amif_rules"
LINT_DOC = ROOT / "docs" / "lint.md"

BASE = """\
id: tiny
version: "1"
call: "99"
title: {nl: t, fr: t, en: t}
source: call.txt
parameters:
  max_duration: {value: 36, type: integer, source: "call.txt, Budget"}
definitions:
  long: duration_months > 12
rules:
  - id: short
    check: duration_months <= max_duration
    source: call.txt, Budget
    messages:
      pass: {nl: ja, fr: oui, en: "yes"}
      fail: {nl: nee, fr: non, en: "no"}
"""
CHECK = "duration_months <= max_duration"
RULE = """\
  - id: {id}
    check: form.signed
    source: call.txt, Budget
    messages: {{pass: {{nl: ja, fr: oui, en: "yes"}}, fail: {{nl: nee, fr: non, en: "no"}}}}
"""


def changed(old: str, new: str, text: str = BASE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def check(expression: str, **more: str) -> str:
    """BASE with the rule's check replaced (written as a JSON string, which YAML reads as is)."""
    text = changed(f"check: {CHECK}", f"check: {json.dumps(expression)}")
    for old, new in more.items():
        text = changed(old, new, text)
    return text


def rule_key(line: str) -> str:
    """BASE with one more line in its rule."""
    return changed("    source: call.txt, Budget\n", f"    source: call.txt, Budget\n    {line}\n")


def top(line: str) -> str:
    """BASE with one more top-level line (after source:)."""
    return changed("source: call.txt\n", f"source: call.txt\n{line}\n")


def parameter(spec: str, name: str = "max_duration") -> str:
    return changed('  max_duration: {value: 36, type: integer, source: "call.txt, Budget"}', f"  {name}: {spec}")


def message(text: str, outcome: str = "pass") -> str:
    old = '      pass: {nl: ja, fr: oui, en: "yes"}' if outcome == "pass" else '      fail: {nl: nee, fr: non, en: "no"}'
    return changed(old, f"      {outcome}: {{nl: ja, fr: oui, en: {json.dumps(text)}}}")


def definitions(*lines: str) -> str:
    return changed("  long: duration_months > 12\n", "".join(f"  {line}\n" for line in lines))


def base(id_: str, extends: str | None = None) -> str:
    """An abstract ruleset (a base) with one rule."""
    text = changed('call: "99"\n', "abstract: true\n" + (f"extends: {extends}\n" if extends else ""))
    return changed("id: tiny", f"id: {id_}", text)


def extending(parent: str) -> str:
    return changed('call: "99"\n', f'call: "99"\nextends: {parent}\n')


def chain(length: int) -> dict[str, str]:
    files = {"tiny.yaml": extending("b1")}
    for index in range(1, length + 1):
        files[f"b{index}.yaml"] = base(f"b{index}", f"b{index + 1}" if index < length else None)
    return files


#: A ruleset is its text (or bytes), or its files by name (the first is loaded, the others lie
#: beside it), or MISSING_FILE; every ruleset is compiled too, for the compiler's problems.
MISSING_FILE = object()

#: (name, ruleset, fragment of the problem's message, the code it carries)
CASES: list[tuple[str, Any, str, str]] = [
    # AR001: not YAML, not UTF-8, empty, not a mapping, a YAML feature rulesets refuse
    (
        "alias",
        changed("title: {nl: t, fr: t, en: t}", "title: &t {nl: t, fr: t, en: t}\ndescription: *t"),
        "aliases (*name) are not allowed",
        "AR001",
    ),
    ("tag on a mapping", changed("title: {nl: t", "title: !!set {nl: t"), "YAML tag tag:yaml.org,2002:set", "AR001"),
    ("tag on a scalar", changed('version: "1"', 'version: !custom "1"'), "YAML tag !custom", "AR001"),
    ("key not text", top("1: x"), "keys must be plain names", "AR001"),
    ("key not a scalar", top("? [a]\n: x"), "keys must be plain names", "AR001"),
    ("key twice", top("source: other.txt"), "the key 'source' appears twice", "AR001"),
    ("not YAML", changed("rules:\n", "rules:\n  - id: [unclosed\n"), "not valid YAML: did not find", "AR001"),
    ("nested beyond YAML's limit", "a: " + "[" * 5000 + "]" * 5000, "not valid YAML: exceeded maximum nesting", "AR001"),
    ("not UTF-8", b"id: \xff\n", "not valid UTF-8 (byte 4)", "AR001"),
    ("empty", "# nothing yet\n", "the ruleset file is empty", "AR001"),
    ("a list", "- id: tiny\n", "a ruleset file is a mapping", "AR001"),
    ("not Unicode", "id: tiny\ud800\n", "the text is not valid Unicode", "AR001"),
    ("a value its tag cannot read", "id: !!int abc\n", "not valid YAML: 'abc' is not an integer", "AR001"),
    ("a key its tag cannot read", "!!int abc: 1\n", "keys must be plain names", "AR001"),
    # AR101: unknown key
    ("unknown top key", top("colour: blue"), "unknown key 'colour'", "AR101"),
    ("unknown rule key", rule_key("chek: form.signed"), "unknown key 'chek'", "AR101"),
    (
        "unknown parameter key",
        parameter('{value: 36, type: integer, source: "c, B", unit: months}'),
        "unknown key 'unit'",
        "AR101",
    ),
    (
        "unknown language",
        changed("title: {nl: t, fr: t, en: t}", "title: {nl: t, fr: t, en: t, de: t}"),
        "unknown key 'de'",
        "AR101",
    ),
    (
        "unknown outcome",
        changed("    messages:\n", "    messages:\n      maybe: {nl: m, fr: m, en: m}\n"),
        "unknown key 'maybe'",
        "AR101",
    ),
    (
        "unknown dated key",
        parameter('{values: [{value: 36, from: 2019-01-01, to: 2019-02-01}], type: integer, source: "c, B"}'),
        "unknown key 'to'",
        "AR101",
    ),
    # AR102: missing required key
    ("no id", changed("id: tiny\n", ""), "missing required key 'id'", "AR102"),
    ("no version", changed('version: "1"\n', ""), "missing required key 'version'", "AR102"),
    ("no title", changed("title: {nl: t, fr: t, en: t}\n", ""), "missing required key 'title'", "AR102"),
    ("no source", changed("source: call.txt\n", ""), "missing required key 'source'", "AR102"),
    ("no rules", BASE.split("rules:")[0], "missing required key 'rules'", "AR102"),
    ("no check", changed(f"    check: {CHECK}\n", ""), "missing required key 'check'", "AR102"),
    ("no rule id", changed("  - id: short\n    check:", "  - check:"), "missing required key 'id'", "AR102"),
    ("rules not a list", BASE.split("rules:")[0] + "rules: form.signed\n", "rules: must be a list", "AR102"),
    ("no rule", BASE.split("rules:")[0] + "rules: []\n", "a ruleset needs at least one rule", "AR102"),
    ("rule not a mapping", BASE.split("rules:")[0] + "rules:\n  - form.signed\n", "a rule is a mapping", "AR102"),
    ("no messages", changed("    messages:\n", "    messages: none\n    unused:\n"), "a rule needs messages:", "AR102"),
    ("no fail message", changed('      fail: {nl: nee, fr: non, en: "no"}\n', ""), "no fail message", "AR102"),
    # AR103: unknown field path, a path naming an object, item outside for_each, unknown list
    ("unknown name", check("duration_month <= max_duration"), "unknown parameter or field 'duration_month'", "AR103"),
    ("unknown field", check("applicant.municipality.populaton > 1"), "unknown field 'applicant.municipality.populaton'", "AR103"),
    ("object", check("applicant.municipality > 1"), "applicant.municipality is an object, not a value", "AR103"),
    ("item outside for_each", check('item.role == "other"'), "'item' is only defined in a rule with for_each", "AR103"),
    (
        "item object",
        check("item.municipality > 1", **{"    check:": "    for_each: partners\n    check:"}),
        "item.municipality is an object, not a value",
        "AR103",
    ),
    ("unknown list", rule_key("for_each: companies"), "cannot iterate over 'companies'", "AR103"),
    (
        "unknown field in a definition",
        check("long", **{"long: duration_months": "long: duration_month"}),
        "in definition 'long': unknown parameter or field 'duration_month'",
        "AR103",
    ),
    ("unknown field in a message", message("{duration_month}"), "in the en pass message: unknown parameter or field", "AR103"),
    # the elements' fields: "have no field" (the message guess gave AR199; docs/lint.md says AR103)
    (
        "unknown item field",
        check('item.rol == "other"', **{"    check:": "    for_each: partners\n    check:"}),
        "the elements of partners have no field 'rol'",
        "AR103",
    ),
    # AR104: type errors
    ("not text", check("x").replace('check: "x"', "check: 5"), "an expression must be text, got int", "AR104"),
    ("not a condition", check("duration_months"), "but a condition must be true or false", "AR104"),
    ("and of numbers", check("duration_months and form.signed"), "and/or/not need true/false values", "AR104"),
    ("negated text", check('-applicant.name == "x"'), "cannot negate a text", "AR104"),
    ("arithmetic on text", check("applicant.name + 1 > 0"), "arithmetic needs numbers", "AR104"),
    ("two fields multiplied", check("budget.amif * budget.total_eligible_cost > 0"), "one side of * must be", "AR104"),
    ("division by a field", check("budget.amif / budget.total_eligible_cost > 0"), "division is only by a number", "AR104"),
    ("division by zero", check("budget.amif / 0 > 0"), "division by zero", "AR104"),
    ("count plus amount", check("budget.amif + duration_months > 0"), "cannot add or subtract a count", "AR104"),
    ("amount against count", check("budget.amif > duration_months"), "cannot compare an amount in euro with a whole", "AR104"),
    ("number against text", check('duration_months == "36"'), "cannot compare a whole number with a text", "AR104"),
    ("ordered text", check('applicant.name < "b"'), "< does not apply to text", "AR104"),
    ("lists compared", check("results == results"), "lists cannot be compared with ==", "AR104"),
    ("never a value", check('applicant.kind == "OCMW"'), "'OCMW' is never a value of applicant.kind", "AR104"),
    ("never in a list", check('applicant.kind in ["OCMW"]'), "'OCMW' is never a value of applicant.kind", "AR104"),
    ("in a text", check("applicant.name in applicant.name"), "'in' needs a list of texts on its right", "AR104"),
    ("number in a list", check('duration_months in ["a"]'), "'in' tests a text or choice field", "AR104"),
    ("arguments counted", check("len() > 0"), "len() takes 1 argument(s)", "AR104"),
    ("argument type", check("len(duration_months) > 0"), "argument 1 of len() must be", "AR104"),
    ("type error in a message", message("{applicant.name + 1}"), "in the en pass message: arithmetic needs numbers", "AR104"),
    # AR105: missing translation
    ("title without en", changed("title: {nl: t, fr: t, en: t}", "title: {nl: t, fr: t}"), "title has no en text", "AR105"),
    (
        "title not per language",
        changed("title: {nl: t, fr: t, en: t}", "title: t"),
        "title must give a text in each of nl, fr and en",
        "AR105",
    ),
    (
        "message without nl",
        changed('pass: {nl: ja, fr: oui, en: "yes"}', 'pass: {fr: oui, en: "yes"}'),
        "the pass message has no nl text",
        "AR105",
    ),
    (
        "message not per language",
        changed('pass: {nl: ja, fr: oui, en: "yes"}', 'pass: "yes"'),
        "the pass message must give a text in each of nl, fr and en",
        "AR105",
    ),
    ("description without fr", top("description: {nl: d, en: d}"), "description has no fr text", "AR105"),
    # AR106: no source
    ("rule without source", changed("    source: call.txt, Budget\n", ""), "rule 'short' has no source", "AR106"),
    ("parameter without source", parameter("{value: 36, type: integer}"), "parameter 'max_duration' has no source", "AR106"),
    # AR107: duplicate rule id
    ("duplicate id", BASE + RULE.format(id="short"), "duplicate rule id 'short' (also rule 1)", "AR107"),
    # AR108: bad parameter
    (
        "parameters not a mapping",
        changed('  max_duration: {value: 36, type: integer, source: "call.txt, Budget"}\n', "  - max_duration\n"),
        "parameters: must be a mapping",
        "AR108",
    ),
    ("parameter not a mapping", parameter("36"), "parameter 'max_duration' needs a value: and a source:", "AR108"),
    (
        "parameter name",
        parameter('{value: 36, source: "c, B"}', name="MaxDuration"),
        "parameter names are lower_case_with_underscores",
        "AR108",
    ),
    (
        "parameter named like a function",
        parameter('{value: 36, source: "c, B"}', name="len"),
        "'len' is already a name of the rule language",
        "AR108",
    ),
    ("value and values", parameter('{value: 36, values: [{value: 36}], source: "c, B"}'), "has both value: and values:", "AR108"),
    ("no value and no type", parameter('{source: "c, B"}'), "has no value and no type", "AR108"),
    ("unknown type", parameter('{value: 36, type: number, source: "c, B"}'), "unknown parameter type 'number'", "AR108"),
    ("values not a list", parameter('{values: 36, type: integer, source: "c, B"}'), "values: is a list of", "AR108"),
    (
        "dated value not a mapping",
        parameter('{values: [36], type: integer, source: "c, B"}'),
        "each dated value is {value: ...",
        "AR108",
    ),
    (
        "until before from",
        parameter('{values: [{value: 36, from: 2019-02-01, until: 2019-01-01}], type: integer, source: "c, B"}'),
        "until is before from",
        "AR108",
    ),
    (
        "overlapping values",
        parameter(
            "{values: [{value: 36, from: 2019-01-01, until: 2019-12-31}, {value: 24, "
            'from: 2019-06-01}], type: integer, source: "c, B"}'
        ),
        "dated values must be in order and must not overlap",
        "AR108",
    ),
    (
        "integer as text",
        parameter('{value: "36", type: integer, source: "c, B"}'),
        "a integer parameter cannot have the value '36'",
        "AR108",
    ),
    (
        "decimal true",
        parameter('{value: true, type: decimal, source: "c, B"}'),
        "a decimal parameter cannot have the value True",
        "AR108",
    ),
    (
        "decimal not a number",
        parameter('{value: abc, type: decimal, source: "c, B"}'),
        "a decimal parameter cannot have the value 'abc'",
        "AR108",
    ),
    (
        "decimal too large",
        parameter('{value: "1e16", type: decimal, source: "c, B"}'),
        "a decimal parameter cannot have the value '1e16'",
        "AR108",
    ),
    (
        "money with cents of cents",
        parameter('{value: "1.234", type: money, source: "c, B"}'),
        "an amount has at most 2 decimals",
        "AR108",
    ),
    ("text not text", parameter('{value: 5, type: text, source: "c, B"}'), "a text parameter cannot have the value 5", "AR108"),
    (
        "texts not a list",
        parameter('{value: a, type: texts, source: "c, B"}'),
        "a texts parameter cannot have the value",
        "AR108",
    ),
    (
        "bool not a bool",
        parameter('{value: "yes", type: bool, source: "c, B"}'),
        "a bool parameter cannot have the value",
        "AR108",
    ),
    (
        "date not a date",
        parameter('{value: soon, type: date, source: "c, B"}'),
        "a date parameter cannot have the value",
        "AR108",
    ),
    (
        "instant without offset",
        parameter('{value: "2019-09-02T23:59:00", type: instant, source: "c, B"}'),
        "a instant parameter cannot have the value",
        "AR108",
    ),
    # not recognised by the guess: a type that is not text
    ("type not text", parameter('{value: 36, type: 5, source: "c, B"}'), "type must be one of integer", "AR108"),
    # AR109: bad value of a top-level or rule key
    ("bad id", changed("id: tiny", "id: Tiny Call"), "id must be lower-case words joined by '-'", "AR109"),
    ("version not text", changed('version: "1"', "version: [1]"), "version must be text", "AR109"),
    ("abstract not a bool", top("abstract: maybe"), "abstract is true or false", "AR109"),
    ("abstract with a call", top("abstract: true"), "an abstract ruleset (a base for others) has no call code", "AR109"),
    ("bad status", top("status: final"), "status must be one of published, draft, got 'final'", "AR109"),
    ("bad date", top("valid_from: soon"), "valid_from must be a date such as 2019-09-02", "AR109"),
    ("dates reversed", top("valid_from: 2020-01-01\nvalid_until: 2019-01-01"), "valid_until is before valid_from", "AR109"),
    (
        "register without the date",
        top("register_date: 2001-01-01"),
        "the municipality register has no figures for 2001-01-01",
        "AR109",
    ),
    ("register date not a date", top("register_date: soon"), "register_date must be a date", "AR109"),
    ("bad rule id", changed("  - id: short", "  - id: Short"), "a rule id is lower-case words joined by '-'", "AR109"),
    ("bad severity", rule_key("severity: blocking"), "severity must be error or warning, got 'blocking'", "AR109"),
    ("source not text", changed("    source: call.txt, Budget", "    source: [call.txt]"), "source must be text", "AR109"),
    ("unreadable", MISSING_FILE, "cannot read the ruleset file", "AR109"),
    # AR110: expression syntax
    ("syntax", check("duration_months <="), "not a valid expression", "AR110"),
    ("empty", check(""), "empty expression", "AR110"),
    ("indexing", check("duration_months[0] > 1"), "indexing with [ ] is not part of the rule language", "AR110"),
    ("invert", check("~duration_months > 1"), "UnaryOp is not part of the rule language", "AR110"),
    ("modulo", check("duration_months % 2 == 0"), "the operator % is not part of the rule language", "AR110"),
    ("is", check("form.signed is true"), "is is not a comparison of the rule language", "AR110"),
    ("method", check('applicant.name.upper() == "X"'), "only the named functions can be called", "AR110"),
    ("unknown function", check("lenght(partners) > 0"), "unknown function 'lenght'", "AR110"),
    ("list of numbers", check("applicant.name in [1]"), "a list literal may only hold", "AR110"),
    ("attribute of a literal", check('"a".b == "x"'), "a field path is names joined by dots", "AR110"),
    ("None", check("applicant.name == None"), "None is not a literal of the rule language", "AR110"),
    ("huge decimal", check("duration_months > 1.5e99999999999999999999"), "not a decimal number", "AR110"),
    ("empty placeholder", message("{}"), "in the en pass message: empty expression", "AR110"),
    # AR111: bad message placeholder
    ("unknown format", message("{duration_months:procent}"), "unknown format 'procent'", "AR111"),
    ("placeholder not closed", message("{duration_months"), "the placeholder at character 1 is not closed", "AR111"),
    ("stray brace", message("}"), "a '}' without its '{' at character 1", "AR111"),
    ("format that does not fit", message("{applicant.name:money}"), "the format 'money' does not fit", "AR111"),
    (
        "day of an instant",
        changed(
            f"check: {CHECK}",
            "check: submitted_at <= deadline",
            parameter('{value: "2019-09-02T23:59:00+02:00", type: instant, source: "c, B"}', name="deadline").replace(
                '{nl: ja, fr: oui, en: "yes"}', '{nl: ja, fr: oui, en: "by {deadline:date}"}'
            ),
        ),
        "{deadline:date} shows only the day of an instant",
        "AR111",
    ),
    # AR112: extends, remove_rules
    ("extends not an id", extending("Not An Id"), "extends names a ruleset id", "AR112"),
    ("extends nothing", {"tiny.yaml": extending("no-such-base")}, "no ruleset 'no-such-base' to extend", "AR112"),
    ("extends itself", {"tiny.yaml": extending("b1"), "b1.yaml": base("b1", "tiny")}, "ruleset 'tiny' extends itself", "AR112"),
    ("parent's id", {"tiny.yaml": extending("b1"), "b1.yaml": base("other")}, "this file is b1.yaml but its id is", "AR112"),
    ("remove_rules not a list", top("remove_rules: short"), "remove_rules: is a list of rule ids", "AR112"),
    ("remove a rule that is not there", top("remove_rules: [shrot]"), "no rule 'shrot' to remove", "AR112"),
    # AR113: bad definition
    ("definitions not a mapping", definitions("- long"), "definitions: must be a mapping", "AR113"),
    ("definition name", definitions("Long: duration_months > 12"), "definition names are lower_case_with_underscores", "AR113"),
    ("definition not text", definitions("long: [1]"), "definition 'long' must be an expression (text)", "AR113"),
    (
        "definition uses itself",
        check("loop", **{"  long: duration_months > 12": "  loop: loop"}),
        "in definition 'loop': definition 'loop' uses itself",
        "AR113",
    ),
    # AR114: beyond a limit
    ("file too large", "#" * 1_000_001, "ruleset file larger than 1,000,000 bytes", "AR114"),
    ("too many rules", BASE + "".join(RULE.format(id=f"r{i}") for i in range(500)), "more than 500 rules", "AR114"),
    ("expression too long", check("duration_months > " + "1" * 2000), "expression longer than 2000 characters", "AR114"),
    ("expression too deep", check("not " * 30 + "form.signed"), "expression nested deeper than 24 levels", "AR114"),
    ("extends chain too long", chain(9), "more than 8 rulesets in one extends chain", "AR114"),
    (
        "64-bit",
        check("budget.amif <= 100000000000000000000 * budget.total_eligible_cost"),
        "rule short: this comparison could exceed 64-bit integers",
        "AR114",
    ),
]

#: Codes whose loader problem is made where the loader cannot be led to it (a check the
#: compiler refuses after the expression checker accepted it: a guard against a bug).
UNREACHABLE = {
    "compiler's guard": "AR109",
    # Every loader site names its own code; AR199 is what a problem made without one carries
    # (a caller's, or a tests file's problem, which is not a ruleset's): see the last test.
    "a problem made without a code": "AR199",
}


def problems(snippet: Any, tmp_path: Path) -> tuple[RulesetProblem, ...]:
    """The problems loading (then compiling) ``snippet`` gives."""
    try:
        if snippet is MISSING_FILE:
            load_ruleset(tmp_path / "missing.yaml")
        elif isinstance(snippet, dict):
            for name, text in snippet.items():
                (tmp_path / name).write_text(text, encoding="utf-8")
            load_ruleset(tmp_path / next(iter(snippet)))
        else:
            compile_ruleset(parse_ruleset(snippet, str(tmp_path / "tiny.yaml")))
    except RulesetError as error:
        return error.problems
    return ()


@pytest.mark.parametrize(("name", "snippet", "fragment", "code"), CASES, ids=[case[0] for case in CASES])
def test_each_problem_carries_its_code(tmp_path, name, snippet, fragment, code):
    found = problems(snippet, tmp_path)
    named = [problem for problem in found if fragment in problem.message]
    assert named, f"no problem says {fragment!r}: " + "\n".join(str(p) for p in found)
    for problem in named:
        assert problem.code == code, f"{problem} carries {problem.code}, not {code}"


def test_every_problem_of_the_table_carries_a_documented_code(tmp_path):
    """The other problems the snippets give (a missing key after a refused one, say) carry codes too."""
    documented = documented_codes()
    for index, (name, snippet, _, _) in enumerate(CASES):
        folder = tmp_path / str(index)
        folder.mkdir()
        for problem in problems(snippet, folder):
            assert problem.code in documented, f"{name}: {problem} carries {problem.code!r}"


def test_a_definition_inside_a_definition_keeps_the_innermost_code(tmp_path):
    """The one deliberate difference from the codes guessed from messages: the guess took off
    one "in definition 'x': " only, and called this AR199."""
    text = check("outer", **{"  long: duration_months > 12": "  outer: inner\n  inner: duration_month > 1"})
    (problem,) = problems(text, tmp_path)
    assert problem.message.startswith("in definition 'outer': in definition 'inner': unknown parameter or field")
    assert problem.code == "AR103"


# -- the codes and docs/lint.md -------------------------------------------------------------------


def documented_codes() -> dict[str, str]:
    """Code -> what, from the table of docs/lint.md."""
    rows = re.findall(r"^\| `(AR\d{3})` \| \w+ \| (.*) \|$", LINT_DOC.read_text(encoding="utf-8"), re.MULTILINE)
    assert rows, "docs/lint.md has no table of codes"
    return dict(rows)


def _loader_codes() -> dict[str, str]:
    """Name -> code of every code a loader problem may carry (``amif_rules.problemcodes``)."""
    return {
        name: value
        for name, value in vars(problemcodes).items()
        if name.isupper() and isinstance(value, str) and re.fullmatch(r"AR\d{3}", value)
    }


def _sources(exclude: Callable[[Path], bool] = lambda path: False) -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in sorted(SRC.rglob("*.py")) if not exclude(path)}


def _names_used(text: str) -> set[str]:
    """Names read in a module: ``NAME`` and ``anything.NAME``."""
    used = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Attribute):
            used.add(node.attr)
    return used


def test_every_loader_code_is_carried_from_a_raise_site():
    """Each code of ``problemcodes`` is used by a module that makes problems, and carried
    by a problem of the table (so it really is raised, not just named)."""
    users = set()
    for text in _sources(lambda path: path.name == "problemcodes.py" or "toolkit" in path.parts).values():
        users |= _names_used(text)
    carried = {code for _, _, _, code in CASES} | set(UNREACHABLE.values())
    for name, code in _loader_codes().items():
        assert name in users, f"problemcodes.{name} ({code}) is used nowhere"
        assert code in carried, f"no problem of the table carries {code}"


def test_every_documented_code_is_raised_somewhere():
    """Loader codes by a problem; the linter's own codes (AR0xx of the schema, AR2xx, AR3xx) by the linter."""
    loader = set(_loader_codes().values())
    toolkit = "\n".join(_sources(lambda path: "toolkit" not in path.parts).values())
    for code in documented_codes():
        assert code in loader or f'"{code}"' in toolkit, f"{code} is documented but never raised"


def test_every_code_raised_is_documented():
    documented = documented_codes()
    for code in _loader_codes().values():
        assert code in documented, f"{code} is carried by loader problems but not documented in docs/lint.md"
    for path, text in _sources().items():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"AR\d{3}", node.value):
                assert node.value in documented, f"{path.relative_to(ROOT)} raises {node.value}, which docs/lint.md lacks"


def test_a_problem_made_without_a_code_is_another_loading_problem():
    """Callers that make problems with (location, message, hint) keep working."""
    from amif_rules.errors import Location

    problem = RulesetProblem(Location("x.yaml", 1, 2), "something", "do this")
    assert problem.code == problemcodes.OTHER == "AR199"
    assert str(problem) == "x.yaml:1:2: something\n    hint: do this"
