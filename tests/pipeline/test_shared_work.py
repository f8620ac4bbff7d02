"""What is made once and shared between checks must never carry one document's values
into another's verdict: remembered derived values, shared outcome objects, explainers,
lazily made results."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import amif_rules
from amif_rules.engines import get_engine
from conftest import ENGINES, EXAMPLES, eligible, patched

EXAMPLE_PATHS = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".json", ".yaml"))


@pytest.mark.parametrize("path", EXAMPLE_PATHS, ids=lambda p: p.name)
@pytest.mark.parametrize("engine", ENGINES)
def test_the_decision_alone_is_what_the_explained_results_say(path, engine):
    text = path.read_text(encoding="utf-8")
    verdict = amif_rules.check(text, engine=engine)
    decision = verdict.outcomes()
    assert decision == tuple((r.id, r.item, r.outcome) for r in verdict.rules)
    assert verdict.outcomes() == decision  # asked again, after the results were made


@pytest.mark.parametrize("path", EXAMPLE_PATHS, ids=lambda p: p.name)
@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_to_dict_is_the_same_whether_or_not_the_results_were_read_first(path, lang):
    text = path.read_text(encoding="utf-8")
    direct = amif_rules.check(text, lang=lang, engine="python").to_dict()
    verdict = amif_rules.check(text, lang=lang, engine="python")
    messages = [result.message for result in verdict.rules]  # the RuleResult objects, made first
    assert verdict.to_dict() == direct
    assert [rule["message"] for rule in direct["rules"]] == messages


def _british(submitted_at: str) -> dict:
    return eligible(submitted_at=submitted_at, participants=[{"id": "P1", "nationalities": ["GB"], "residence": "legal"}])


@pytest.mark.parametrize("engine", ENGINES)
def test_a_remembered_derived_value_is_never_taken_for_another_date(engine):
    """union_citizen(item.nationalities, reference_date) is remembered by the nationalities,
    per reference date: a British national is an EU citizen in 2019, not after January 2020."""

    def outcome(submitted_at: str) -> str:
        verdict = amif_rules.check(_british(submitted_at), engine=engine)
        return verdict.rule("participant-third-country-national", "participants[0]").outcome

    assert outcome("2019-08-30T14:00:00+02:00") == "fail"
    on_2021 = amif_rules.check(_british("2019-08-30T14:00:00+02:00"), engine=engine, on=dt.date(2021, 3, 1))
    assert on_2021.rule("participant-third-country-national", "participants[0]").outcome == "pass"
    assert outcome("2019-08-30T14:00:00+02:00") == "fail"  # and back: nothing leaked


def test_the_same_instant_written_with_two_offsets_keeps_each_documents_own_text():
    """Equal instants are equal datetimes: nothing remembered by value may print one
    document's offset in another's fields."""
    summer = amif_rules.check(eligible(submitted_at="2019-08-30T14:00:00+02:00"), engine="python").to_dict()
    utc = amif_rules.check(eligible(submitted_at="2019-08-30T12:00:00+00:00"), engine="python").to_dict()
    read = [fields["submitted_at"] for rule in summer["rules"] for fields in [rule["fields"]] if "submitted_at" in fields]
    read_utc = [fields["submitted_at"] for rule in utc["rules"] for fields in [rule["fields"]] if "submitted_at" in fields]
    assert read and set(read) == {"2019-08-30T14:00:00+02:00"}
    assert read_utc and set(read_utc) == {"2019-08-30T12:00:00+00:00"}


def test_shared_outcome_objects_follow_the_number_of_elements():
    """The built-in engine shares RuleOutcome objects per rule and element; a long list
    after a short one (and the other way) gets every element's own outcome."""

    def people(count: int, bad: set[int]) -> list[dict]:
        return [{"id": f"P{i}", "nationalities": ["FR" if i in bad else "SY"], "residence": "legal"} for i in range(count)]

    for count, bad in [(3, {1}), (300, {0, 150, 299}), (2, set()), (40, {39})]:
        verdict = amif_rules.check(eligible(participants=people(count, bad)), engine="python")
        outcomes = {item: outcome for rule, item, outcome in verdict.outcomes() if rule == "participant-third-country-national"}
        assert outcomes == {f"participants[{i}]": "fail" if i in bad else "pass" for i in range(count)}


def test_engines_give_outcomes_in_the_order_verdicts_use():
    """Verdicts take the engines' outcomes in rule order, elements in list order; each
    engine is held to giving them so."""
    from amif_rules.api import prepare_flat, read_flat

    document = json.loads((EXAMPLES / "call-42-ineligible-leuven.json").read_text(encoding="utf-8"))
    for name in ENGINES:
        prepared, facts = prepare_flat(read_flat(document))
        encoded = prepared.plan.encode(facts)
        outcomes = get_engine(name).evaluate(prepared.plan.compiled, encoded)
        order = [(o.rule, -1 if o.item is None else o.item) for o in outcomes]
        assert order == sorted(order) and len(set(order)) == len(order)


def test_a_changed_document_is_not_answered_from_memory():
    """The same participant nationalities, a different residence: each check reads its own."""
    first = amif_rules.check(patched("participants.0.residence", "legal"), engine="python")
    second = amif_rules.check(patched("participants.0.residence", "irregular"), engine="python")
    assert first.rule("participant-legal-residence", "participants[0]").outcome == "pass"
    assert second.rule("participant-legal-residence", "participants[0]").outcome == "fail"


def test_remembered_derived_values_stay_bounded_over_many_dates():
    """A long batch goes through many submission dates: what derived values remember stays
    within its bounds, and every answer is still the date's own."""
    from amif_rules import compiler

    for day in range(1, 29):
        for month in (1, 6, 12):
            submitted = f"2019-{month:02d}-{day:02d}T10:00:00+01:00" if month != 6 else f"2019-06-{day:02d}T10:00:00+02:00"
            verdict = amif_rules.check(_british(submitted), engine="python")
            assert verdict.rule("participant-third-country-national", "participants[0]").outcome == "fail"
    after = amif_rules.check(_british("2020-02-03T10:00:00+01:00"), engine="python")
    assert after.rule("participant-third-country-national", "participants[0]").outcome == "pass"
    assert compiler._ANSWERS_REMEMBERED <= 100_000 and compiler._ROOTS_REMEMBERED <= 4_096


def test_document_paths_are_set_and_removed_the_same_way_for_the_linter_and_the_testing_kit():
    """docpaths.put makes objects and elements on the way, and DELETE removes."""
    from amif_rules.docpaths import DELETE, get, put

    document: dict = {"partners": [{"kind": "ocmw"}]}
    put(document, ("partners", 2, "municipality", "population"), 1000)
    assert document["partners"][1] == {} and get(document, ("partners", 2, "municipality", "population")) == 1000
    put(document, ("partners", 0, "kind"), DELETE)
    assert document["partners"][0] == {}
    put(document, ("budget", "amif"), DELETE)  # nothing to remove: nothing made
    assert "budget" not in document
    put(document, ("partners", 1), DELETE)
    assert len(document["partners"]) == 2
    assert get(document, ("participants", 0, "id")) is None
