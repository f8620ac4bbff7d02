"""Ruleset tests in YAML (amif_rules.toolkit.cases) and their pytest plugin.

- every bundled ``rulesets/*.tests.yaml`` loads and passes, on both engines where durable
  runs (with identical verdicts required), and every call has one;
- the format: examples from files, inline and built on each other; patches (set, remove,
  list elements); ``on:``, ``lang:``; expectations of the outcome, of rules (per element
  too), of messages and of ``missing``;
- a wrong expectation fails with the rule, its outcome, its message and the values it read;
- every loading error names the file, line and column, and says what to write;
- the pytest plugin, run through ``pytester`` on a copy of a tests file.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import attrs
import pytest

import amif_rules
from amif_rules import catalog
from amif_rules.toolkit import cases
from amif_rules.toolkit.cases import PatchError, TestsFileError, apply_patch, load_tests, parse_path, run_case, run_file
from conftest import ENGINES

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
RULESETS = ROOT / "rulesets"
EXAMPLES = ROOT / "examples"
TESTS_FILES = sorted(RULESETS.glob("*.tests.yaml"))
#: Both engines with identical verdicts where durable runs; the built-in one elsewhere.
ENGINE = "both" if "durable" in ENGINES else "python"


def write(tmp_path: Path, text: str, name: str = "draft.tests.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def header(extra: str = "") -> str:
    """The start of a tests file for the bundled call 42, with an example from its file."""
    return (
        f"ruleset: {RULESETS / 'call-42.yaml'}\n"
        "examples:\n"
        f"  antwerpen: {{file: {EXAMPLES / 'call-42-eligible-antwerpen.json'}}}\n" + extra
    )


def load_text(tmp_path: Path, text: str) -> cases.TestsFile:
    return load_tests(write(tmp_path, text))


def loading_error(tmp_path: Path, text: str) -> str:
    with pytest.raises(TestsFileError) as caught:
        load_tests(write(tmp_path, text), display="draft.tests.yaml")
    return str(caught.value)


# -- the bundled tests files -------------------------------------------------------------------------


def test_there_are_tests_files():
    assert {p.name for p in TESTS_FILES} >= {"call-42.tests.yaml", "routing.tests.yaml", "buurtstewards.tests.yaml"}


def test_every_call_has_a_tests_file():
    calls = {path.stem for path in catalog.ruleset_files() if not amif_rules.load_ruleset(path).abstract}
    tested = {path.name[: -len(".tests.yaml")] for path in TESTS_FILES}
    assert calls == tested


@pytest.mark.parametrize("path", TESTS_FILES, ids=lambda p: p.name)
def test_every_bundled_tests_file_passes_on_both_engines(path):
    tests = load_tests(path)
    assert tests.ruleset_path == path.with_name(path.name.replace(".tests.yaml", ".yaml")).resolve()
    result = run_file(tests, ENGINE)
    failures = [cases.explain(r) for r in result.failed]
    assert not failures, "\n".join(failures)
    assert len(result.results) >= 10
    expected = ("python", "durable") if ENGINE == "both" else ("python",)
    assert all(r.engines == expected for r in result.results)


def test_the_call_42_tests_cover_its_boundaries():
    tests = load_tests(RULESETS / "call-42.tests.yaml")
    names = {case.name for case in tests.cases}
    assert {
        "exactly 150,000 cannot lead",
        "150,001 inhabitants can lead",
        "a coaching partner of 149,999 inhabitants is small enough",
        "a coaching partner of exactly 150,000 inhabitants is not",
        "an AMIF share of exactly 75% is allowed",
        "one cent over 75% is not",
        "POD MI co-financing of exactly 15% is allowed",
        "one cent over 15% is not",
        "an AMIF grant of the whole call budget fits",
        "one cent over the call budget does not",
        "23:59:00 local time (no offset) is in time",
        "23:59:01 local time (no offset) is late",
        "21:59:00 UTC is 23:59 in Brussels, in time",
        "21:59:01 UTC is late",
        "a British national is a Union citizen in 2019",
        "a British national is a third-country national from 1 February 2020",
        "a stateless person is a third-country national",
        "EEA and Swiss nationals count as third-country nationals",
    } <= names
    case = tests.case("exactly 150,000 cannot lead")
    assert case.document["applicant"]["municipality"]["population"] == 150000
    assert case.origin == "example small with a patch"


# -- the format ----------------------------------------------------------------------------------------------


def test_examples_from_a_file_inline_and_built_on_another(tmp_path):
    tests = load_text(
        tmp_path,
        header("""\
  inline:
    call: "42"
    form: {complete: true, signed: false}
  no-partners:
    example: antwerpen
    patch:
      partners: ~
cases:
  - name: from the file
    example: antwerpen
    outcome: eligible
  - name: inline
    example: inline
    outcome: ineligible
  - name: built on another
    example: no-partners
    outcome: eligible
    rules: {partner-is-ocmw: not_applicable}
  - name: an application in the case
    application: {call: "42", form: {complete: false}}
    outcome: ineligible
"""),
    )
    documents = {case.name: case.document for case in tests.cases}
    assert documents["from the file"] == json.loads((EXAMPLES / "call-42-eligible-antwerpen.json").read_text())
    assert documents["inline"] == {"call": "42", "form": {"complete": True, "signed": False}}
    assert "partners" not in documents["built on another"]
    assert documents["an application in the case"] == {"call": "42", "form": {"complete": False}}
    assert [case.origin for case in tests.cases] == ["example antwerpen", "example inline", "example no-partners", "inline"]
    assert run_file(tests, "python").passed


def test_an_example_from_a_file_with_a_patch_and_examples_checked_even_unused(tmp_path):
    tests = load_text(
        tmp_path,
        header(f"""\
  patched:
    file: {EXAMPLES / "call-42-eligible-antwerpen.json"}
    patch:
      form.signed: false
cases:
  - name: unsigned
    example: patched
    outcome: ineligible
    rules: {{form-signed: fail}}
"""),
    )
    assert tests.cases[0].document["form"] == {"complete": True, "signed": False}
    error = loading_error(
        tmp_path,
        header(f"""\
  unused:
    file: {EXAMPLES / "call-42-eligible-antwerpen.json"}
    pach: {{form.signed: false}}
  circle: {{example: circle}}
  bad:
    call: "42"
    budget: {{amif: "1.234,56"}}
cases:
  - name: x
    example: antwerpen
    outcome: eligible
"""),
    )
    assert "draft.tests.yaml:6:5: unknown key 'pach' in example 'unused'\n    hint: did you mean 'patch'?" in error
    assert "draft.tests.yaml:7:21: example 'circle' builds on itself (through circle -> circle)" in error
    assert "draft.tests.yaml:10:20: example 'bad': the application is not valid: budget.amif: expected an amount" in error


def test_a_patch_changes_only_its_case(tmp_path):
    tests = load_text(
        tmp_path,
        header("""\
cases:
  - name: patched
    example: antwerpen
    patch:
      applicant.municipality.population: 150000
    outcome: ineligible
  - name: not patched
    example: antwerpen
    outcome: eligible
"""),
    )
    assert tests.case("patched").document["applicant"]["municipality"]["population"] == 150000
    assert tests.case("not patched").document["applicant"]["municipality"]["population"] == 525935


def test_on_and_lang_reach_the_check(tmp_path):
    tests = load_text(
        tmp_path,
        header("""\
cases:
  - name: British, judged in 2020, in French
    example: antwerpen
    patch:
      participants: [{id: UK-1, nationalities: [GB], residence: legal}]
    on: 2020-02-01
    lang: fr
    outcome: eligible
    rules:
      participant-third-country-national: {outcome: pass, message: "1 février 2020"}
"""),
    )
    case = tests.cases[0]
    assert case.on.isoformat() == "2020-02-01" and case.lang == "fr"
    result = run_case(tests, case, "python")
    assert result.passed, cases.explain(result)
    assert result.verdict.lang == "fr"


def test_a_file_wide_language(tmp_path):
    tests = load_text(
        tmp_path,
        "lang: en\n"
        + header("""\
cases:
  - name: English by default
    example: antwerpen
    outcome: eligible
  - name: Dutch for this one
    example: antwerpen
    lang: nl
    outcome: eligible
"""),
    )
    assert [case.lang for case in tests.cases] == ["en", "nl"]


def test_the_tests_file_beside_a_ruleset_tests_that_ruleset(tmp_path):
    shutil.copy(RULESETS / "routing.yaml", tmp_path / "routing.yaml")
    path = write(
        tmp_path,
        """\
cases:
  - name: no theme
    application: {call: routing}
    outcome: incomplete
""",
        "routing.tests.yaml",
    )
    tests = load_tests(path)
    assert tests.ruleset.id == "routing"
    assert tests.ruleset_path == (tmp_path / "routing.yaml").resolve()


# -- patches ----------------------------------------------------------------------------------------------------


def test_patch_paths():
    assert parse_path("applicant.municipality.population") == ("applicant", "municipality", "population")
    assert parse_path("partners[0].role") == ("partners", 0, "role")
    assert parse_path("participants[-1]") == ("participants", -1)
    for bad in ("partners.[0]", "partners[0]role", "[0].role", "a..b", "a.", "a b", ""):
        with pytest.raises(PatchError):
            parse_path(bad)


def test_patches_set_remove_and_edit_lists():
    document = {"partners": [{"role": "coaching"}, {"role": "other"}], "form": {"signed": True}}
    apply_patch(document, "partners[0].role", "other")
    apply_patch(document, "partners[2]", {"role": "co_applicant"})  # appends
    apply_patch(document, "partners[-1].name", "Last")
    apply_patch(document, "form.signed", None)  # removes
    apply_patch(document, "applicant.municipality.population", 150000)  # creates the objects
    apply_patch(document, "budget.cofinancing.pod_mi", None)  # removing what is not there: nothing
    assert document == {
        "partners": [{"role": "other"}, {"role": "other"}, {"role": "co_applicant", "name": "Last"}],
        "form": {},
        "applicant": {"municipality": {"population": 150000}},
    }
    apply_patch(document, "partners[1]", None)  # removes the element; the next one moves up
    assert [p["role"] for p in document["partners"]] == ["other", "co_applicant"]


def test_patches_that_cannot_apply_say_why():
    document = {"partners": [{"role": "coaching"}], "form": {"signed": True}}
    with pytest.raises(PatchError, match=r"partners has 1 element, so partners\[3\] does not exist"):
        apply_patch(document, "partners[3].role", "other")
    with pytest.raises(PatchError, match=r"participants is not in the application"):
        apply_patch(document, "participants[0].residence", "legal")
    with pytest.raises(PatchError, match=r"form.signed is not an object"):
        apply_patch(document, "form.signed.when", "today")
    assert document == {"partners": [{"role": "coaching"}], "form": {"signed": True}}


# -- running and explaining ------------------------------------------------------------------------------------------


def wrong(
    tmp_path, expectations: str, patch: str = "applicant.municipality.population: 150000", outcome: str = "ineligible"
) -> cases.CaseResult:
    tests = load_text(
        tmp_path,
        header(f"""\
cases:
  - name: exactly 150,000 cannot lead
    example: antwerpen
    patch:
      {patch}
    outcome: {outcome}
{textwrap.indent(expectations, "    ")}"""),
    )
    return run_case(tests, tests.cases[0], "python")


def test_a_wrong_rule_expectation_names_the_rule_its_outcome_the_values_and_the_message(tmp_path):
    result = wrong(tmp_path, "rules:\n  lead-municipality-large: pass\n")
    assert not result.passed
    (failure,) = result.failures
    assert (failure.kind, failure.rule, failure.expected, failure.actual) == ("rule", "lead-municipality-large", "pass", "fail")
    assert failure.fields == {"applicant.municipality.population": 150000}
    assert failure.text == (
        "rule lead-municipality-large: expected pass, got fail — applicant.municipality.population = "
        "150000 (Antwerpen heeft 150.000 inwoners; deze oproep staat enkel open voor OCMW's van "
        "gemeenten met meer dan 150.000 inwoners.)"
    )
    lines = cases.explain(result).split("\n")
    assert lines[0] == "✘ exactly 150,000 cannot lead: " + failure.text
    assert lines[-1].startswith("    at ") and "draft.tests.yaml:" in lines[-1]


def test_a_wrong_outcome_says_which_rules_decided(tmp_path):
    result = wrong(tmp_path, "", outcome="eligible")
    (failure,) = result.failures
    assert failure.kind == "outcome"
    assert failure.text.startswith(
        "outcome: expected eligible, got ineligible — rule lead-municipality-large failed: "
        "applicant.municipality.population = 150000 ("
    )
    incomplete = wrong(tmp_path, "", patch="form.signed: ~", outcome="eligible")
    assert incomplete.failures[0].text.startswith(
        "outcome: expected eligible, got incomplete — missing form.signed: rule form-signed is unknown: form.signed = missing ("
    )


def test_a_per_element_expectation(tmp_path):
    assert wrong(tmp_path, "rules:\n  partner-municipality-small[partners[1]]: pass\n").passed
    result = wrong(tmp_path, "rules:\n  partner-municipality-small[partners[1]]: fail\n")
    (failure,) = result.failures
    assert failure.item == "partners[1]"
    assert failure.text.startswith(
        "rule partner-municipality-small[partners[1]]: expected fail, got pass — "
        'partners[1].role = "coaching", partners[1].municipality.population = 77679 ('
    )
    absent = wrong(tmp_path, "rules:\n  partner-is-ocmw[partners[5]]: pass\n")
    assert absent.failures[0].text == (
        "rule partner-is-ocmw[partners[5]]: expected pass, but the rule has no result "
        "for partners[5]: the application has 2 partners"
    )


def test_an_expectation_without_element_holds_for_every_element(tmp_path):
    assert wrong(tmp_path, "rules:\n  participant-legal-residence: pass\n").passed
    result = wrong(tmp_path, "rules:\n  participant-legal-residence: pass\n", patch="participants[2].residence: irregular")
    assert [f.item for f in result.failures] == ["participants[2]"]


def test_a_message_expectation(tmp_path):
    assert wrong(tmp_path, "rules:\n  lead-municipality-large: {outcome: fail, message: '150.000 inwoners'}\n").passed
    result = wrong(tmp_path, "rules:\n  lead-municipality-large: {outcome: fail, message: '150,000 inhabitants'}\n")
    assert result.failures[0].kind == "message"
    assert result.failures[0].text.startswith(
        "rule lead-municipality-large: expected its message to contain "
        "'150,000 inhabitants', got: Antwerpen heeft 150.000 inwoners"
    )


def test_a_wrong_missing_list(tmp_path):
    assert wrong(tmp_path, "missing: [form.signed]\n", patch="form.signed: ~", outcome="incomplete").passed
    result = wrong(tmp_path, "missing: [form.complete]\n", patch="form.signed: ~", outcome="incomplete")
    assert result.failures[0].text == (
        "missing: expected [form.complete], got [form.signed] — also missing: form.signed; not missing: form.complete"
    )
    assert not wrong(tmp_path, "missing: []\n", patch="form.signed: ~", outcome="incomplete").passed


def test_several_failures_are_all_listed(tmp_path):
    result = wrong(tmp_path, "rules:\n  lead-municipality-large: pass\n  lead-is-ocmw: fail\n", outcome="eligible")
    assert [f.kind for f in result.failures] == ["outcome", "rule", "rule"]
    text = cases.explain(result)
    assert text.count("\n    rule ") == 2


def test_engines_that_disagree_fail_the_case():
    verdict = amif_rules.check(json.loads((EXAMPLES / "call-42-eligible-antwerpen.json").read_text()), engine="python")
    first = verdict.rules[0]
    flipped = amif_rules.RuleResult(first.id, "fail", first.severity, first.message, first.fields, first.source, first.item)
    changed = attrs.evolve(verdict, engine="durable", rules=(flipped,) + verdict.rules[1:])
    (failure,) = cases.engine_differences([verdict, changed])
    assert failure.kind == "engines"
    assert failure.text == "the engines disagree: rule lead-is-ocmw python: pass, durable: fail"
    assert cases.engine_differences([verdict, attrs.evolve(verdict, engine="durable")]) == []


def test_engine_choices():
    assert cases.engine_names("python") == ("python",)
    with pytest.raises(ValueError):
        cases.engine_names("rete")
    if amif_rules.durable_available():
        assert cases.engine_names("both") == ("python", "durable")
    else:
        with pytest.raises(amif_rules.EngineUnavailable):
            cases.engine_names("both")


def test_run_paths_reports_a_file_that_does_not_load_and_runs_the_others(tmp_path):
    text = (RULESETS / "routing.tests.yaml").read_text(encoding="utf-8").replace("../examples/", f"{EXAMPLES}/")
    (tmp_path / "routing.tests.yaml").write_text(text, encoding="utf-8")
    shutil.copy(RULESETS / "routing.yaml", tmp_path / "routing.yaml")
    write(tmp_path, "cases: []\n", "broken.tests.yaml")
    run = cases.run_paths([tmp_path], "python")
    assert [f.tests.ruleset.id for f in run.files] == ["routing"]
    assert len(run.errors) == 1 and "broken.tests.yaml" in str(run.errors[0])
    assert not run.passed
    report = cases.report_text(run)
    assert report.splitlines()[-1].endswith("passed, 0 failed; 1 file did not load")
    data = run.to_dict()
    assert data["summary"]["loading_errors"] == 1 and data["summary"]["failed"] == 0


# -- loading errors: file, line, column, and what to write ----------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "cases:\n  - name: x\n    example: antwerpen\n    outcom: eligible\n",
            [
                "draft.tests.yaml:4:5: unknown key 'outcom' in a case\n    hint: did you mean 'outcome'?",
                "draft.tests.yaml:2:5: case 'x' has no outcome\n    hint: add outcome: eligible, ineligible or incomplete",
            ],
        ),
        (
            "cases:\n  - name: x\n    example: antwerp\n    outcome: eligible\n",
            ["draft.tests.yaml:3:14: no example named 'antwerp'\n    hint: did you mean 'antwerpen'?"],
        ),
        (
            "cases:\n  - name: x\n    example: antwerpen\n    outcome: eligable\n",
            [
                "draft.tests.yaml:4:14: outcome must be eligible, ineligible or incomplete, got 'eligable'\n"
                "    hint: did you mean eligible?"
            ],
        ),
        (
            "cases:\n  - name: x\n    example: antwerpen\n    outcome: eligible\n    rules:\n      lead-municipality-larg: pass\n",
            [
                "draft.tests.yaml:6:7: ruleset call-42 has no rule 'lead-municipality-larg'\n"
                "    hint: did you mean lead-municipality-large?"
            ],
        ),
        (
            "cases:\n  - name: x\n    example: antwerpen\n    outcome: eligible\n    rules:\n      lead-is-ocmw: passed\n",
            [
                "draft.tests.yaml:6:21: a rule's outcome is pass, fail, unknown or not_applicable, got 'passed'\n"
                "    hint: did you mean pass?"
            ],
        ),
        (
            "cases:\n  - name: x\n    example: antwerpen\n    outcome: eligible\n    rules:\n"
            "      lead-is-ocmw[partners[0]]: pass\n",
            [
                "draft.tests.yaml:6:7: rule lead-is-ocmw is not applied per element, so it has no result for partners[0]\n"
                "    hint: write lead-is-ocmw: <outcome>"
            ],
        ),
        (
            "cases:\n  - name: x\n    example: antwerpen\n    outcome: eligible\n    rules:\n"
            "      partner-is-ocmw[participants[0]]: pass\n",
            [
                "draft.tests.yaml:6:7: rule partner-is-ocmw is applied to each of partners, not to participants\n"
                "    hint: write partner-is-ocmw[partners[0]]: <outcome>"
            ],
        ),
        (
            "cases:\n  - name: x\n    example: antwerpen\n    patch:\n      partners[5].role: other\n    outcome: eligible\n",
            [
                "draft.tests.yaml:5:7: cannot apply partners[5].role: partners has 2 elements, so partners[5] does not exist\n"
                "    hint: elements are counted from 0; partners[2] adds one at the end"
            ],
        ),
        (
            "cases:\n  - name: x\n    example: antwerpen\n    patch:\n      applicant.municipality.population: -5\n"
            "    outcome: eligible\n",
            [
                "draft.tests.yaml:5:7: case 'x': the application is not valid: applicant.municipality.population: must not be "
                "negative (got -5)\n    hint: a case needs a valid application; null (~) leaves a field out"
            ],
        ),
        (
            "cases:\n  - name: x\n    example: antwerpen\n    on: 1 February 2020\n    outcome: eligible\n",
            [
                "draft.tests.yaml:4:9: on: is a date such as 2020-02-01, got '1 February 2020'\n"
                "    hint: write on: YYYY-MM-DD (the case is then checked as of that date)"
            ],
        ),
        (
            "cases:\n  - name: x\n    example: antwerpen\n    outcome: eligible\n  - name: x\n    example: antwerpen\n"
            "    outcome: eligible\n",
            ["draft.tests.yaml:5:11: two cases are named 'x' (also case 1)\n    hint: give every case its own name"],
        ),
        (
            "cases:\n  - name: x\n    outcome: eligible\n",
            [
                "draft.tests.yaml:2:5: case 'x' has no application\n"
                "    hint: add example: <the name of an example>, file: <a document file>, or application: {...}"
            ],
        ),
        (
            "cases:\n  - name: x\n    example: antwerpen\n    outcome: incomplete\n    missing: [partners[0].role]\n",
            [
                "draft.tests.yaml:5:23: not valid YAML: expected ',' or ']', but got '['\n"
                "    hint: inside [...] or {...}, a path with [n] must be quoted: write 'participants[1].residence'; or write the "
                "list one '- path' per line"
            ],
        ),
    ],
)
def test_loading_errors_name_the_place_and_say_what_to_write(tmp_path, text, expected):
    error = loading_error(tmp_path, header(text))
    for problem in expected:
        # the lines are counted in the text; header() adds 3 lines before it
        file, line, rest = problem.split(":", 2)
        assert f"{file}:{int(line) + 3}:{rest}" in error, error


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    error = loading_error(
        tmp_path,
        header(
            "cases:\n  - name: a\n    example: nope\n    outcome: eligible\n"
            "  - name: b\n    example: antwerpen\n    outcome: maybe\n"
        ),
    )
    assert len(error.split("\n    hint:")) == 3  # two problems, each with a hint


def test_problems_of_the_whole_file(tmp_path):
    assert loading_error(tmp_path, "") == (
        "draft.tests.yaml: the tests file is empty\n    hint: start with cases: a list "
        "of cases, each with name:, an application and outcome:"
    )
    assert "draft.tests.yaml:1:1: missing required key 'cases'" in loading_error(tmp_path, header())
    error = loading_error(tmp_path, "rulesets: call-42.yaml\ncases: []\n")
    assert "draft.tests.yaml:1:1: unknown key 'rulesets' in the tests file\n    hint: did you mean 'ruleset'?" in error
    assert "cases: is a list of cases" in error
    error = loading_error(tmp_path, "ruleset: call-99.yaml\ncases:\n  - name: x\n    application: {}\n    outcome: eligible\n")
    assert error.startswith(
        "draft.tests.yaml:1:10: no ruleset file call-99.yaml at call-99.yaml\n    hint: the path is "
        "relative to the folder of this tests file"
    )
    assert "!!python" not in loading_error(tmp_path, "cases: !!python/object:os.system {}\n")
    assert "aliases (*name) are not allowed" in loading_error(tmp_path, header("x: &a 1\ny: *a\n"))


def test_tags_keys_and_duplicates_are_said_in_a_tests_files_words(tmp_path):
    """The YAML walk is yamlpos's (shared with rulesets); the words and places are the tests file's own."""
    error = loading_error(
        tmp_path,
        f"""\
ruleset: {RULESETS / "call-42.yaml"}
examples:
  antwerpen: !thing {{file: {EXAMPLES / "call-42-eligible-antwerpen.json"}}}
cases:
  - name: !custom x
    example: antwerpen
    outcome: eligible
    ? [a]
    : b
    outcome: ineligible
    lang: !!str en
""",
    )
    assert error == (
        "draft.tests.yaml:3:14: the YAML tag !thing is not allowed in a tests file\n"
        "    hint: remove the tag (the part starting with !)\n"
        "draft.tests.yaml:5:11: the YAML tag !custom is not allowed in a tests file\n"
        "    hint: remove the tag (the part starting with !)\n"
        "draft.tests.yaml:8:7: keys must be plain names\n"
        "draft.tests.yaml:10:5: the key 'outcome' appears twice\n"
        "    hint: keep one of them\n"
        "draft.tests.yaml:3:14: example 'antwerpen' must be a mapping: {file: ...}, an application, or "
        "{example: ..., patch: ...}\n"
        "    hint: for example file: ../examples/call-42-eligible-antwerpen.json\n"
        "draft.tests.yaml:5:5: case 1 has no name\n"
        "    hint: add name: a short sentence saying what the case shows"
    )


def test_a_file_without_a_ruleset_beside_it(tmp_path):
    path = write(tmp_path, "cases:\n  - name: x\n    application: {}\n    outcome: eligible\n", "nothing.tests.yaml")
    with pytest.raises(TestsFileError) as caught:
        load_tests(path, display="nothing.tests.yaml")
    assert str(caught.value) == (
        "nothing.tests.yaml:1:1: no ruleset file nothing.yaml beside this tests file\n"
        "    hint: put nothing.yaml beside this file, or name the ruleset with ruleset: "
        "<file>.yaml (relative to this file)"
    )


def test_a_ruleset_that_does_not_load_is_named(tmp_path):
    (tmp_path / "bad.yaml").write_text("id: bad\nversion: '1'\nrules: []\n", encoding="utf-8")
    error = loading_error(tmp_path, "ruleset: bad.yaml\ncases:\n  - name: x\n    application: {}\n    outcome: eligible\n")
    assert error.startswith("draft.tests.yaml:1:10: the ruleset bad.yaml does not load:\n    bad.yaml:")


def test_a_rule_left_out_of_the_ruleset(tmp_path):
    text = (
        f"ruleset: {RULESETS / 'flanders-369.yaml'}\ncases:\n  - name: x\n    application: {{}}\n"
        "    outcome: incomplete\n    rules:\n      submitted-before-deadline: pass\n"
    )
    assert (
        "draft.tests.yaml:7:7: rule 'submitted-before-deadline' is left out of ruleset flanders-369: no value for "
        "deadline\n    hint: remove this line"
    ) in loading_error(tmp_path, text)


def test_an_example_file_that_does_not_exist(tmp_path):
    error = loading_error(
        tmp_path,
        "ruleset: "
        + str(RULESETS / "call-42.yaml")
        + "\nexamples:\n  a: {file: ../nowhere.json}\ncases:\n  - name: x\n    example: a\n"
        "    outcome: eligible\n",
    )
    assert "draft.tests.yaml:3:13: cannot read ../nowhere.json: No such file or directory" in error


# -- the pytest plugin --------------------------------------------------------------------------------------------------

PLUGIN = ("-p", "no:amif_rules", "-p", "amif_rules.toolkit.pytest_plugin", "-p", "no:cacheprovider")


@pytest.fixture
def portal(pytester):
    """A portal's checkout: a copy of the call-42 tests file, its ruleset and the examples."""
    (pytester.path / "rulesets").mkdir()
    for name in ("call-42.yaml", "call-42.tests.yaml", "amif-2014-2020-base.yaml", "amif-base.yaml"):
        shutil.copy(RULESETS / name, pytester.path / "rulesets" / name)
    shutil.copytree(EXAMPLES, pytester.path / "examples", ignore=shutil.ignore_patterns("portfolios"))
    return pytester


def test_the_plugin_collects_one_item_per_case(portal):
    tests = load_tests(RULESETS / "call-42.tests.yaml")
    result = portal.runpytest(*PLUGIN, "rulesets", "--collect-only", "-q")
    assert result.ret == 0
    listed = [line for line in result.outlines if line.startswith("rulesets/call-42.tests.yaml::")]
    assert listed == [f"rulesets/call-42.tests.yaml::{case.name}" for case in tests.cases]


def test_the_plugin_runs_the_cases_and_they_pass(portal):
    count = len(load_tests(RULESETS / "call-42.tests.yaml").cases)
    result = portal.runpytest(*PLUGIN, "rulesets", "--amif-engine", ENGINE)
    result.assert_outcomes(passed=count)


def test_a_wrong_expectation_fails_naming_the_rule_and_the_value(portal):
    path = portal.path / "rulesets" / "call-42.tests.yaml"
    text = path.read_text(encoding="utf-8")
    old = '      lead-municipality-large: {outcome: fail, message: "heeft 150.000 inwoners"}\n'
    assert old in text
    path.write_text(text.replace(old, "      lead-municipality-large: pass\n"), encoding="utf-8")
    result = portal.runpytest(*PLUGIN, "rulesets", "-k", "exactly and 150 and lead")
    result.assert_outcomes(passed=0, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*exactly 150,000 cannot lead (rulesets/call-42.tests.yaml:*)*",
            "✘ exactly 150,000 cannot lead: rule lead-municipality-large: expected pass, got fail — "
            "applicant.municipality.population = 150000 (Antwerpen heeft 150.000 inwoners; *",
            "FAILED rulesets/call-42.tests.yaml::exactly 150,000 cannot lead*",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_a_tests_file_that_does_not_load_is_a_collection_error(portal):
    (portal.path / "rulesets" / "call-42.tests.yaml").write_text(
        "cases:\n  - name: x\n    example: nowhere\n    outcome: eligible\n", encoding="utf-8"
    )
    result = portal.runpytest(*PLUGIN, "rulesets")
    assert result.ret != 0
    result.stdout.fnmatch_lines(
        ["*ERROR collecting rulesets/call-42.tests.yaml*", "*rulesets/call-42.tests.yaml:3:14: no example named 'nowhere'*"]
    )


def test_the_plugin_ignores_other_yaml_files(portal):
    (portal.path / "rulesets" / "call-42.tests.yaml").unlink()
    result = portal.runpytest(*PLUGIN, "rulesets", "examples", "--collect-only", "-q")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_the_engine_option_is_checked(portal):
    result = portal.runpytest(*PLUGIN, "rulesets", "--amif-engine", "rete")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*--amif-engine*invalid choice*"])


def test_a_value_its_tag_cannot_read_is_a_problem_of_the_tests_file_not_a_crash(tmp_path):
    path = tmp_path / "x.tests.yaml"
    path.write_text("ruleset: !!int abc\ncases: []\n", encoding="utf-8")
    with pytest.raises(TestsFileError) as raised:
        load_tests(path)
    assert any("not valid YAML: 'abc' is not an integer" in problem.message for problem in raised.value.problems)
