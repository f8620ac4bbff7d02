"""The verdict of contract §2: its JSON Schema, its aggregation, its round trip."""

from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import given, settings
from test_engines_agree import applications

import amif_rules
from amif_rules.verdict import RuleResult, aggregate
from conftest import ENGINES, EXAMPLES

SCHEMA = amif_rules.verdict_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def test_the_schema_is_a_valid_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".json", ".yaml")), ids=lambda p: p.name)
@pytest.mark.parametrize("engine", ENGINES)
def test_example_verdicts_validate(path, engine):
    VALIDATOR.validate(amif_rules.check(path.read_text(encoding="utf-8"), engine=engine).to_dict())


@settings(max_examples=100, deadline=None)
@given(document=applications())
def test_generated_verdicts_validate_and_survive_a_json_round_trip(document):
    data = amif_rules.check(document, engine="python", lang="fr").to_dict()
    VALIDATOR.validate(data)
    assert json.loads(json.dumps(data)) == data
    assert data["missing"] == sorted(data["missing"])


def test_the_schema_rejects_a_wrong_verdict():
    data = amif_rules.check((EXAMPLES / "call-42-eligible-antwerpen.json").read_text(encoding="utf-8"), engine="python").to_dict()
    data["outcome"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(data)


def result(outcome: str, severity: str = "error", missing: tuple[str, ...] = ()) -> RuleResult:
    return RuleResult("r", outcome, severity, "m", {path: None for path in missing}, "s")


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([result("pass"), result("not_applicable")], ("eligible", ())),
        ([result("pass"), result("fail", "warning")], ("eligible", ())),
        ([result("unknown", missing=("b", "a")), result("pass")], ("incomplete", ("a", "b"))),
        ([result("unknown", "warning", missing=("w",))], ("incomplete", ("w",))),
        ([result("unknown", missing=("a",)), result("fail")], ("ineligible", ())),
        ([result("fail", "warning"), result("unknown", missing=("a",))], ("incomplete", ("a",))),
    ],
)
def test_aggregation(outcomes, expected):
    assert aggregate(tuple(outcomes)) == expected
