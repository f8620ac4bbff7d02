"""The testing kit under Hypothesis' own health checks, for every bundled ruleset.

An outside suite runs ``amif_rules.testing`` with Hypothesis' default settings: a strategy
that filters too much, draws too slowly or too much data fails *their* build with
``FailedHealthCheck``, and a strategy that crashes fails it with an error of ours. So every
strategy of the kit is run here for every ruleset of the catalog, with no health check
suppressed: eligible applications, ineligible ones for each error rule that can fail,
incomplete ones, boundary cases, boundary values, malformed cases. And a ruleset whose rules
cannot all pass must end in ``Unsatisfiable``, as docs/testing.md promises, nothing else.

Few examples each (the point is the health checks, which run on the first draws; the
properties of the documents are held with more examples in test_properties.py), and no
example database, so that one parametrisation never replays another's choices.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis.errors import Unsatisfiable

import amif_rules
from amif_rules import catalog, testing
from amif_rules.testing.boundaries import boundaries
from amif_rules.testing.strategies import prepare

CALLS = catalog.calls()


def run(strategy, check, examples: int = 10) -> None:
    """``check`` on ``examples`` draws of ``strategy``, under the default health checks."""

    @settings(max_examples=examples, deadline=None, database=None)
    @given(strategy)
    def inner(value):
        check(value)

    inner()


#: Error rules that cannot fail alone, because another rule of the ruleset fails wherever they
#: do: the grant range of calls 426 and 427 (at most 250,000.00, calls-beyond-the-seeds.md)
#: is below their envelopes, so an AMIF grant (or, in 427, Flemish co-financing) over the
#: envelope is over the grant range too. (call, rule) -> (the bound that implies it, the
#: parameter it stays below); test_dominated_rules_are_implied_by_their_bound checks it.
DOMINATED = {
    ("426", "amif-within-call-budget"): ("grant_max", "call_budget"),
    ("427", "amif-within-call-budget"): ("grant_max", "call_budget"),
    ("427", "flemish-cofinancing-max"): ("grant_max", "flemish_cofinancing"),
}


def _failable() -> list[tuple[str, str]]:
    return [(call, rule) for call in CALLS for rule in prepare(call, None).failable() if (call, rule) not in DOMINATED]


@pytest.mark.parametrize("call, rule", sorted(DOMINATED))
def test_dominated_rules_are_implied_by_their_bound(call, rule):
    ruleset = catalog.resolve_ruleset(catalog.select(call, None))
    bound, envelope = DOMINATED[(call, rule)]
    assert rule in prepare(call, None).failable()
    assert ruleset.parameters[bound].value < ruleset.parameters[envelope].value


@pytest.mark.parametrize("call", CALLS)
def test_eligible_applications_pass_the_health_checks(call):
    def check(document):
        verdict = amif_rules.check(document, engine="python")
        assert verdict.outcome == "eligible", verdict.to_text()

    run(testing.applications(call, eligible=True), check)


@pytest.mark.parametrize("call, rule", _failable())
def test_ineligible_applications_pass_the_health_checks(call, rule):
    def check(document):
        testing.assert_fails_exactly_on(amif_rules.check(document, engine="python"), rule)

    run(testing.applications(call, ineligible_for=rule), check, examples=5)


@pytest.mark.parametrize("call", CALLS)
def test_incomplete_applications_pass_the_health_checks(call):
    def check(document):
        verdict = amif_rules.check(document, engine="python")
        assert verdict.outcome == "incomplete" and verdict.missing, verdict.to_text()

    run(testing.applications(call, incomplete=True), check)


def _with_boundaries() -> list[str]:
    return [call for call in CALLS if any(b.part == "check" for b in boundaries(call))]


@pytest.mark.parametrize("call", _with_boundaries())
def test_boundary_cases_pass_the_health_checks(call):
    def check(case):
        verdict = amif_rules.check(case.document, engine="python")
        assert verdict.rule(case.rule, case.item).outcome == case.expected
        assert verdict.outcome == case.outcome

    run(testing.boundary_cases(call), check, examples=10)


def _absolute_boundaries() -> list[tuple[str, str]]:
    found = []
    for call in CALLS:
        for path in sorted({b.path for b in boundaries(call) if not b.relative_to and "(" not in b.path}):
            found.append((call, path))
    return found


@pytest.mark.parametrize("call, path", _absolute_boundaries())
def test_boundary_values_pass_the_health_checks(call, path):
    expected = {v for b in boundaries(call) if b.path == path for v in (b.value, b.holds, b.breaks) if v is not None}

    def check(value):
        assert value in expected

    run(testing.boundary_values(path, call), check)


@pytest.mark.parametrize("call", CALLS)
def test_malformed_cases_pass_the_health_checks(call):
    def check(case):
        with pytest.raises(amif_rules.InputError) as raised:
            amif_rules.check(case.document, engine="python")
        assert case.named_by(raised.value.paths), (case.description, raised.value.paths)

    run(testing.malformed_cases(call), check, examples=20)


# -- a ruleset whose rules cannot all pass ---------------------------------------------------------

#: Call 42 with a lead population above any the library accepts (100,000,000 at most).
HUGE_THRESHOLD = """
id: call-42-huge-threshold
version: "1-draft"
extends: call-42
call: "42"
status: draft
title: {nl: "Ontwerp", fr: "Projet", en: "Draft"}
parameters:
  lead_min_population:
    value: 100000000
    source: 'a draft: no municipality is that large'
rules:
  - id: lead-municipality-large
"""

#: Two rules that no population passes together (the story of rulesets/drafts/call-42-contradictory.yaml).
CONTRADICTORY = """
id: call-42-contradiction
version: "1-draft"
extends: call-42
call: "42"
status: draft
title: {nl: "Ontwerp", fr: "Projet", en: "Draft"}
parameters:
  lead_min_population:
    value: 200000
    source: 'a draft: raised by mistake'
  lead_max_population:
    value: 100000
    type: integer
    source: 'a draft: a maximum added'
rules:
  - id: lead-municipality-large
  - id: lead-municipality-medium
    check: applicant.municipality.population < lead_max_population
    source: 'a draft: a maximum added'
    messages:
      pass: {nl: "klein genoeg", fr: "assez petite", en: "small enough"}
      fail: {nl: "te groot", fr: "trop grande", en: "too large"}
"""


@pytest.mark.parametrize("text", [HUGE_THRESHOLD, CONTRADICTORY], ids=["huge-threshold", "contradiction"])
def test_an_impossible_draft_ends_in_unsatisfiable(text):
    """Regression: the kit called ``hypothesis.strategies.assume``, which does not exist, so
    this raised ``AttributeError``; rejecting every draw instead fails a health check."""
    draft = amif_rules.parse_ruleset(text)

    def never(value):
        raise AssertionError(f"a draft no application passes gave one: {value!r}")

    with pytest.raises(Unsatisfiable):
        run(testing.applications(ruleset=draft, eligible=True), never)
    with pytest.raises(Unsatisfiable):
        run(testing.boundary_cases(ruleset=draft, rule="amif-share-max"), never)


@pytest.mark.parametrize("rule", ["lead-municipality-large", "lead-municipality-medium"])
def test_failing_a_rule_of_the_contradiction_still_draws(rule):
    """Without an eligible application to start from, the search fails the rule directly."""
    draft = amif_rules.parse_ruleset(CONTRADICTORY)

    def check(document):
        testing.assert_fails_exactly_on(amif_rules.check(document, ruleset=draft, engine="python"), rule)

    run(testing.applications(ruleset=draft, ineligible_for=rule), check)


def test_the_mix_of_an_impossible_draft_has_no_eligible_application():
    draft = amif_rules.parse_ruleset(CONTRADICTORY)

    def check(document):
        assert amif_rules.check(document, ruleset=draft, engine="python").outcome != "eligible"

    run(testing.applications(ruleset=draft), check, examples=20)
