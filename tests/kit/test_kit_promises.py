"""The testing kit keeps its own promises (issue 10): what it draws and what its checks say.

- a boundary case starts from an application every rule accepts, and the search can still
  move another element's age while the submission date is frozen (``boundary_cases("385")``
  crashed about one draw in two hundred);
- ``MalformedCase.schema_refuses`` is what the published schema says, by construction;
- valid documents keep the input rules of the contract (instants as the contract writes
  them, nobody born after the submission, no blank result) and malformed ones break them;
- the kit's JSON and YAML writers mean exactly the mapping they write;
- the checks for outside suites (``assert_immutable``, ``assert_yaml_json_agree``,
  ``assert_schema_accepts``, ``assert_bounded_error``) hold on generated documents and fail
  on what they are meant to catch.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import re
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import amif_rules
from amif_rules import testing
from amif_rules.errors import InputError, Problem
from amif_rules.testing import _schema, checks, malformed, strategies
from amif_rules.testing import parts as kit_parts
from amif_rules.testing._search import Goal, Searcher
from amif_rules.testing._texts import json_text, yaml_text
from amif_rules.testing.boundaries import _CaseGoal
from amif_rules.yamlsafe import strict_loader

ROOT = Path(__file__).resolve().parents[2]
#: The instants the contract accepts (docs/contract.md; issue 10, item 7).
INSTANT = re.compile(
    r"[ \t\n\r]*[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6}0*)?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?[ \t\n\r]*\Z"
)


def example(name: str) -> dict:
    return json.loads((ROOT / "examples" / name).read_text(encoding="utf-8"))


def ages(verdict) -> list[str]:
    return [r.outcome for r in verdict.rules if r.id == "participant-age"]


# -- the search behind boundary_cases -----------------------------------------------------------------


@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_a_boundary_case_starts_from_an_application_every_rule_accepts(data):
    """Regression: ``Goal(applies=rule)`` was met once one element passed, so a boundary case
    could start from a document where another participant already failed the age rule."""
    document = example("flanders-385-eligible-antwerpen.json")
    document["participants"][1]["birth_date"] = "1970-01-01"  # 48: outside 15-19
    assert ages(amif_rules.check(document)) == ["pass", "fail", "pass"]
    searcher = Searcher(data.draw, random.Random(data.draw(st.integers(0, 2**32 - 1))), "385")
    found = searcher.run(document, Goal(applies="participant-age"))
    assert found is not None
    assert ages(amif_rules.check(found[0])) == ["pass", "pass", "pass"]


@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_an_age_stays_settable_while_the_submission_is_frozen(data):
    """Regression: an age was not settable when any argument of ``age_on`` was frozen, so a
    boundary case on one participant's age (which freezes ``submitted_at``) could not
    repair another participant's: the cause of ``boundary_cases("385")``'s rejections."""
    document = example("flanders-385-eligible-antwerpen.json")
    document["participants"][1]["birth_date"] = "1970-01-01"
    frozen = frozenset({("submitted_at",), ("participants", 0, "birth_date")})
    searcher = Searcher(data.draw, random.Random(data.draw(st.integers(0, 2**32 - 1))), "385", frozen=frozen)
    found = searcher.run(document, _CaseGoal(only=("participant-age", 0)))
    assert found is not None
    assert found[0]["submitted_at"] == document["submitted_at"]
    assert found[0]["participants"][0]["birth_date"] == document["participants"][0]["birth_date"]
    assert ages(amif_rules.check(found[0])) == ["pass", "pass", "pass"]


# -- schema_refuses -------------------------------------------------------------------------------------


def test_schema_refuses_follows_the_schema_on_the_case_it_got_wrong():
    """Regression: ``nationalities: ["XX"]`` (no such country) was marked as refused by the
    schema, whose pattern ``^[A-Z]{2}$`` accepts it."""
    document = copy.deepcopy(example("call-42-eligible-antwerpen.json"))
    document["participants"][0]["nationalities"] = ["XX"]
    assert _schema.schema_refuses(document) is False
    document["participants"][0]["nationalities"] = ["sy"]
    assert _schema.schema_refuses(document) is True
    assert _schema.schema_refuses(json.dumps(document)) is False  # text: the schema judges JSON values


@settings(max_examples=300, deadline=None)
@given(case=testing.malformed_cases("385"))
def test_schema_refuses_is_what_jsonschema_says(case):
    if isinstance(case.document, dict) and _schema.json_values(case.document):
        refused = not _schema.validator("application").is_valid(_schema.schema_view(case.document))
    else:
        refused = False
    assert case.schema_refuses is refused, case.description


# -- what valid documents keep, and malformed ones break --------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(text=testing.instants())
def test_instants_are_written_as_the_contract_accepts(text):
    assert INSTANT.match(text), text
    assert (
        testing.strategies.brussels_day(text)
        == amif_rules.read_application({"submitted_at": text}).submitted_at.astimezone(strategies.BRUSSELS).date()
    )


def test_every_way_of_writing_an_instant_is_drawn():
    written = {kit_parts.instant_variant("2019-08-30T14:00:00+02:00", n) for n in range(len(kit_parts.VARIANTS))}
    assert written == {
        "2019-08-30T14:00:00+02:00",
        "2019-08-30 14:00:00+02:00",
        "2019-08-30T14:00+02:00",
        "2019-08-30T14:00:00.000+02:00",
        "2019-08-30T14:00:00.000000000+02:00",
        " 2019-08-30T14:00:00+02:00\n",
    }
    assert all(INSTANT.match(text) for text in written)


@pytest.mark.parametrize("call", ["321", "385", "integration-projects"])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_generated_documents_keep_the_input_rules(call, data):
    """Nobody is born after the submission (Brussels date), no result is blank, every
    instant is written as the contract accepts: the reader refuses each (issue 10)."""
    document = data.draw(testing.applications(call))
    submitted = document.get("submitted_at")
    if submitted is not None:
        assert INSTANT.match(submitted), submitted
        day = strategies.brussels_day(submitted)
        for person in document.get("participants") or []:
            born = (person or {}).get("birth_date")
            assert born is None or dt.date.fromisoformat(born) <= day, (born, submitted)
    for entry in document.get("results") or []:
        assert entry is None or entry.strip(), f"a blank result: {entry!r}"
    amif_rules.check(document)  # no InputError


@pytest.mark.parametrize("text", malformed._INSTANT_FORMS)
def test_the_instants_the_contract_refuses_are_refused(text):
    document = dict(example("call-42-eligible-antwerpen.json"), submitted_at=text)
    with pytest.raises(InputError) as raised:
        amif_rules.check(document)
    assert raised.value.paths == ("submitted_at",)


@settings(max_examples=150, deadline=None)
@given(case=testing.malformed_cases("385", kinds=["bad-format", "wrong-type", "huge-number"]))
def test_malformed_cases_with_the_new_faults_are_refused_by_path(case):
    with pytest.raises(InputError) as raised:
        amif_rules.check(case.document)
    assert case.named_by(raised.value.paths), (case.description, raised.value.paths)


def test_malformed_cases_include_late_births_and_blank_results():
    document = copy.deepcopy(example("flanders-385-eligible-antwerpen.json"))
    document["results"] = ["a result"]
    faults = malformed._faults("bad-format", malformed._slots(document), document)
    late = [(parts, value) for parts, value in faults if isinstance(value, malformed._Late)]
    assert {parts for parts, _ in late} == {("participants", i, "birth_date") for i in range(3)}
    assert all(dt.date.fromisoformat(value.date) > dt.date(2018, 3, 14) for _, value in late)
    blanks = [value for parts, value in faults if parts == ("results", 0)]
    assert blanks and not any(value.strip() for value in blanks)
    for parts, value in [(late[0][0], late[0][1].date), (("results", 0), blanks[0])]:
        with pytest.raises(InputError) as raised:
            amif_rules.check(malformed.apply(document, [(parts, value)]))
        assert raised.value.paths == (malformed.path_text(parts),)


# -- the writers ---------------------------------------------------------------------------------------

_TEXTS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["on", "yes", "0x12", "50:00", "~", "1e3", "null", "true", "- a", "? b", "# c", "'", '"', "\\", "\U0001f600", "\ud800"]
    ),
)
_JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.sampled_from([5000, 4400]).map(lambda n: (-1) ** n * 10**n),
        st.floats(allow_nan=False, allow_infinity=False),
        _TEXTS,
    ),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(_TEXTS, children, max_size=3)),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None)
@given(value=_JSON)
def test_the_writers_mean_exactly_the_value_they_write(value):
    """The YAML text reads back (YAML 1.2's JSON schema) as the value, and so does the JSON
    text; ``yaml.safe_dump`` would leave ``1e3`` unquoted and split astral characters."""
    back_yaml = yaml.load(yaml_text(value), Loader=strict_loader("a test value"))
    back_json = json.loads(json_text(value), parse_float=Decimal, parse_int=_int)
    assert _same(back_json, value), (value, back_json)
    assert _same(back_yaml, value), (value, back_yaml)


def _int(text: str):
    """Python refuses to read integers past 4,300 digits: keep their sign and length."""
    return int(text) if len(text) < 4000 else ("-" if text.startswith("-") else "", len(text.lstrip("-")))


def _sign_and_digits(number) -> tuple[str, int]:
    if isinstance(number, tuple):
        return number
    if isinstance(number, int):
        return ("-" if number < 0 else "", len(format(Decimal(abs(number)), "f")))
    shown = repr(number)  # a reader's stand-in for a number too long to hold: "-a whole number of 5,001 digits"
    match = re.fullmatch(r"(-?)a whole number of ([0-9,]+) digits", shown)
    assert match is not None, shown
    return (match[1], int(match[2].replace(",", "")))


def _same(got, value) -> bool:
    """Equal as JSON means it: floats as exact decimals, long integers by sign and digits."""
    if isinstance(value, bool) or value is None:
        return got is value
    if isinstance(value, int):
        if isinstance(got, int) and not isinstance(got, bool):
            return got == value
        return not isinstance(got, bool) and _sign_and_digits(got) == _sign_and_digits(value)
    if isinstance(value, float):
        return isinstance(got, Decimal) and got == Decimal(repr(value))
    if isinstance(value, str):
        return got == value
    if isinstance(value, list):
        return isinstance(got, list) and len(got) == len(value) and all(_same(g, v) for g, v in zip(got, value))
    return isinstance(got, dict) and list(got) == list(value) and all(_same(got[k], value[k]) for k in value)


# -- the checks for outside suites ------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(document=testing.applications("42"))
def test_a_verdict_cannot_be_changed(document):
    testing.assert_immutable(amif_rules.check(document))


class _MutableVerdict:
    """What the verdict was before issue 10: fields a plain dict holding lists."""

    def __init__(self):
        self.missing = ()
        self.rules = (type("R", (), {"fields": {"participants[0].nationalities": ["SY"]}, "missing": ()})(),)

    def to_dict(self):
        return {"missing": [], "rules": [{"fields": dict(self.rules[0].fields)}]}

    def to_json(self, indent=2):
        return json.dumps(self.rules[0].fields)


def test_assert_immutable_catches_a_verdict_that_can_be_changed():
    with pytest.raises(AssertionError, match=r"fields\['participants\[0\].nationalities'\]"):
        testing.assert_immutable(_MutableVerdict())


@settings(max_examples=40, deadline=None)
@given(document=testing.applications("42"))
def test_yaml_and_json_twins_agree_on_generated_documents(document):
    testing.assert_yaml_json_agree(document, engine="python")


@settings(max_examples=40, deadline=None)
@given(
    case=testing.malformed_cases(
        "42", kinds=["wrong-type", "negative", "huge-number", "bad-format", "unknown-enum", "long-string"]
    )
)
def test_yaml_and_json_twins_agree_on_malformed_documents(case):
    if isinstance(case.document, dict) and _schema.json_values(case.document):
        outcome, paths = testing.assert_yaml_json_agree(case.document, engine="python")
        assert outcome == "input error" and case.named_by(paths)


def test_assert_yaml_json_agree_catches_a_writer_that_guesses(monkeypatch):
    """With PyYAML's writer, the name ``1e3`` goes out unquoted and comes back a number."""
    document = dict(example("call-42-eligible-antwerpen.json"))
    document["applicant"] = dict(document["applicant"], name="1e3")
    monkeypatch.setattr("amif_rules.testing._texts.yaml_text", lambda value: yaml.safe_dump(value))
    with pytest.raises(AssertionError, match="YAML text gives input error"):
        testing.assert_yaml_json_agree(document)


@settings(max_examples=60, deadline=None)
@given(document=st.one_of(testing.applications("42"), testing.junk_documents("42")))
def test_what_the_library_reads_the_schema_accepts(document):
    if isinstance(document, dict) and _schema.json_values(document):
        testing.assert_schema_accepts(document, call="42")


_INSTANTS = st.one_of(
    st.from_regex(
        r"\A[ \t\n]?[0-9]{4}-?[0-9]{2}-?[0-9]{2}([T t][0-9]{2}(:?[0-9]{2}(:?[0-9]{2}([.,][0-9]{1,12})?)?)?)?"
        r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)?[ \n]?\Z"
    ),
    st.sampled_from(
        [
            "2019-W35-5T14:00",
            "2019-W35-5T14:00:00+02:00",
            "2019-242T14:00:00Z",
            "2019-08-30T14",
            "2019-08-30T14:00:00+0200",
            "20190830T140000Z",
            "2019-08-30T14:00:00.000000001+02:00",
        ]
    ),
)
_AMOUNTS = st.one_of(
    st.from_regex(r"\A[ ]?[+-]?[0-9]{0,13}([.,][0-9]{0,4})?[ ]?\Z"), st.integers(-5, 10**12), st.floats(-1, 1e12, allow_nan=False)
)
_CODES = st.lists(st.one_of(st.from_regex(r"\A[A-Za-z]{2,3}\Z"), st.sampled_from(["stateless", "GB", "HR", "SY"])), max_size=3)


@settings(max_examples=300, deadline=None)
@given(instant=_INSTANTS, amount=_AMOUNTS, codes=_CODES)
def test_the_schema_accepts_every_instant_amount_and_code_the_library_reads(instant, amount, codes):
    """The reader's accepted set is inside the schema's, on the values most easily written
    two ways: instants, amounts, country codes (issue 10: the reader accepted week dates)."""
    document = copy.deepcopy(example("call-42-eligible-antwerpen.json"))
    for changed in (
        {"submitted_at": instant},
        {"budget": dict(document["budget"], amif=amount)},
        {"participants": [dict(document["participants"][0], nationalities=codes)]},
    ):
        testing.assert_schema_accepts(dict(document, **changed))


def test_assert_schema_accepts_catches_a_stricter_schema(monkeypatch):
    import jsonschema

    strict = jsonschema.Draft202012Validator({"type": "object", "required": ["no_such_field"]})
    monkeypatch.setattr(checks._schema, "validator", lambda name: strict)
    with pytest.raises(AssertionError, match="schema.json refuses it"):
        testing.assert_schema_accepts(example("call-42-eligible-antwerpen.json"))


@pytest.mark.parametrize(
    "value",
    [Decimal("1e999999"), 10**5000, -(10**4400), "9" * 5000 + ".00", "x" * 100_000, ["SY"] * 5000],
    ids=["1e999999", "5001-digits", "minus-4401-digits", "5000-digit-amount", "long-text", "long-list"],
)
def test_an_error_quotes_a_bounded_excerpt(value):
    for path in (
        ("budget", "amif"),
        ("duration_months",),
        ("applicant", "municipality", "population"),
        ("participants", 0, "nationalities"),
        ("applicant", "kind"),
    ):
        document = malformed.apply(example("call-42-eligible-antwerpen.json"), [(path, value)])
        assert testing.assert_bounded_error(document, max_chars=300) is not None


@settings(max_examples=60, deadline=None)
@given(case=testing.malformed_cases("42", kinds=["huge-number", "long-string", "long-list", "wrong-type"]))
def test_malformed_cases_give_bounded_errors(case):
    assert testing.assert_bounded_error(case.document, max_chars=300) is not None


def test_assert_bounded_error_catches_an_error_that_writes_the_value_out(monkeypatch):
    def amplify(document, **options):
        raise InputError([Problem("budget.amif", "implausibly large: " + "9" * 5000)])

    monkeypatch.setattr(checks.api, "check", amplify)
    with pytest.raises(AssertionError, match="longer than 300 characters"):
        testing.assert_bounded_error({"call": "42"}, max_chars=300)


# -- the page --------------------------------------------------------------------------------------------


def test_the_testing_page_documents_every_check_and_schema_refuses():
    page = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    reference = page.split("## 7. Reference", 1)[1].split("## 8.", 1)[0]
    for name in testing.__all__:
        if name.startswith("assert_"):
            assert f"`{name}(" in reference, f"docs/testing.md §7 does not list {name}"
    assert re.search(r"schema_refuses` says whether the published application schema", page.split("## 5.", 1)[0]), (
        "schema_refuses is explained in §4"
    )


def test_the_testing_page_says_where_jsonschema_comes_from():
    """jsonschema is a dependency of the library itself, not of the ``test`` extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = " ".join(project["dependencies"])
    extra = " ".join(project["optional-dependencies"]["test"])
    install = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8").split("## 1. Install", 1)[1].split("```", 1)[0]
    assert "jsonschema" in core and "jsonschema" not in extra and "hypothesis" in extra
    for sentence in re.split(r"(?<=\.)\s", install):
        if "`test`" in sentence:
            assert "jsonschema" not in sentence.split("`test`")[0].split(";")[-1], sentence
    assert "jsonschema" in install and "library" in install
