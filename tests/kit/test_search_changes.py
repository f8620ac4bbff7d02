"""``search.changes``: the smallest changes near one document, on small rulesets whose answer
is known by hand."""

from __future__ import annotations

import amif_rules
from amif_rules.compiler import compile_ruleset
from amif_rules.search import Model, candidates_near, smallest_changes

HEAD = """
id: tiny
version: "1"
call: "tiny"
source: call-42-social-activation.nl.txt
title: {nl: t, fr: t, en: t}
rules:
"""
MESSAGES = "    messages: {pass: {nl: a, fr: a, en: a}, fail: {nl: b, fr: b, en: b}}\n"


def model_of(*checks: str) -> Model:
    rules = "".join(
        f"  - id: rule-{n}\n    check: {check}\n    source: 'call-42-social-activation.nl.txt'\n" + MESSAGES
        for n, check in enumerate(checks)
    )
    return Model(compile_ruleset(amif_rules.parse_ruleset(HEAD + rules)))


def passes(outcome: str) -> bool:
    return outcome == "pass"


def test_a_share_gives_the_exact_bound_of_each_key():
    model = model_of("budget.amif <= 0.75 * budget.total_eligible_cost")
    fact = {"budget.amif": 40_000_000, "budget.total_eligible_cost": 50_000_000}  # cents
    found = smallest_changes(model, 0, fact, ["budget.amif", "budget.total_eligible_cost"], passes)
    assert found == [{"budget.amif": 37_500_000}, {"budget.total_eligible_cost": 53_333_334}]


def test_the_nearest_accepted_value_on_either_side_of_a_range():
    model = model_of("duration_months >= 12 and duration_months <= 36")
    assert smallest_changes(model, 0, {"duration_months": 48}, ["duration_months"], passes) == [{"duration_months": 36}]
    assert smallest_changes(model, 0, {"duration_months": 6}, ["duration_months"], passes) == [{"duration_months": 12}]


def test_every_allowed_choice_is_an_option():
    model = model_of('theme in ["integration", "social_activation"]')
    found = smallest_changes(model, 0, {"theme": "asylum"}, ["theme"], passes)
    assert found == [{"theme": "integration"}, {"theme": "social_activation"}]


def test_two_changes_only_when_no_single_one_helps():
    model = model_of("form.complete and form.signed")
    fact = {"form.complete": False, "form.signed": False}
    assert smallest_changes(model, 0, fact, ["form.complete", "form.signed"], passes) == [
        {"form.complete": True, "form.signed": True}
    ]
    assert smallest_changes(model, 0, fact, ["form.complete", "form.signed"], passes, pairs=False) == []
    one = {"form.complete": True, "form.signed": False}
    assert smallest_changes(model, 0, one, ["form.complete", "form.signed"], passes) == [{"form.signed": True}]


def test_a_key_that_is_not_free_is_never_changed():
    model = model_of("budget.amif <= 0.75 * budget.total_eligible_cost")
    fact = {"budget.amif": 40_000_000, "budget.total_eligible_cost": 50_000_000}
    assert smallest_changes(model, 0, fact, ["budget.amif"], passes) == [{"budget.amif": 37_500_000}]
    assert smallest_changes(model, 0, fact, [], passes) == []


def test_candidates_near_solve_a_comparison_of_several_keys_for_this_document():
    model = model_of("budget.amif <= 0.75 * budget.total_eligible_cost")
    fact = {"budget.amif": 1_000, "budget.total_eligible_cost": 1_000}
    near = candidates_near(model, 0, fact, "budget.amif")
    assert 750 in near and 751 in near  # 0.75 × 1,000 cents, and one cent above
    assert all(isinstance(v, int) for v in near)


def test_whether_an_answer_alone_can_fail():
    model = model_of("budget.cofinancing.pod_mi <= 0.15 * budget.total_eligible_cost")
    fact = {"budget.total_eligible_cost": 100_000}
    fails = smallest_changes(model, 0, fact, ["budget.cofinancing.pod_mi"], lambda o: o == "fail", pairs=False)
    assert len(fails) == 1 and fails[0]["budget.cofinancing.pod_mi"] > 15_000
