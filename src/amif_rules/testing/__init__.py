"""Hypothesis strategies and reusable checks for test suites of amif-rules' users.

Portal backends and other projects test *their* code against the rules: they need
applications that a call accepts, ones that fail one chosen rule, incomplete ones, values on
each boundary of a ruleset, and broken documents. This module draws them (with
`Hypothesis <https://hypothesis.readthedocs.io>`_), for call 42 and, generically, for any
bundled or hand-loaded ruleset::

    from hypothesis import given
    import amif_rules
    from amif_rules import testing

    @given(testing.applications("42", ineligible_for="amif-share-max"))
    def test_portal_refuses_too_much_amif(document):
        verdict = amif_rules.check(document)
        testing.assert_fails_exactly_on(verdict, "amif-share-max")

Strategies (documents are plain JSON-ready ``dict``s, money as ``"1234.56"`` strings):

- :func:`applications` (``eligible=True``, ``eligible=False``, ``ineligible_for=RULE``,
  ``incomplete=True``, or a mix), and its parts :func:`organisations`, :func:`partners`,
  :func:`municipalities` (from the bundled register), :func:`participants`,
  :func:`nationalities`, :func:`budgets`, :func:`money`, :func:`instants`;
- :func:`boundaries` (a plain function), :func:`boundary_values` and
  :func:`boundary_cases`: derived from the ruleset's comparisons and parameters;
- :func:`malformed_cases` / :func:`malformed_documents` (each must raise ``InputError``
  naming the broken paths), :func:`junk_documents` (a verdict or ``InputError``, never
  anything else) and :func:`malformed_rulesets` (a ruleset or ``RulesetError``).

:func:`json_text` and :func:`yaml_text` write a document as text that means exactly the
mapping (integers of any length, every string quoted), to send the mapping cases as a
client would.

``python -m amif_rules.testing.fuzz`` runs a counting campaign over the malformed
strategies (see docs/reliability.md).

Checks, to call inside your own tests: :func:`assert_engines_agree`,
:func:`assert_deterministic`, :func:`assert_valid_verdict`,
:func:`assert_valid_application`, :func:`assert_fails_exactly_on`,
:func:`assert_monotonic` (with :func:`monotonic_fields`), :func:`assert_immutable`,
:func:`assert_yaml_json_agree`, :func:`assert_schema_accepts` and
:func:`assert_bounded_error`.

Questions and remedies (contract §5, ``check(..., include=("questions", "remedies"))``) are
what a portal shows an applicant, so their promises are checks too (:mod:`.advice`):
answering every question decides the verdict (:func:`assert_answers_decide`, with
:func:`answers` and :func:`every_answer` drawing valid answers from each question's schema),
a decisive question has an answer that refuses and no other question has one
(:func:`assert_decisive_questions`), every remedy option makes its rule pass
(:func:`assert_remedies_pass`) and changes only inputs the applicant controls
(:func:`assert_remedies_controlled`), and the engines give the same advice
(:func:`assert_advice_engines_agree`).

The steering toward eligible, ineligible or incomplete documents is judged by an oracle that
evaluates the ruleset's typed expressions directly, not by either engine, so these
strategies can find a bug in the engines instead of agreeing with it. Needs ``hypothesis``
(``pip install amif-rules[test]``; ``jsonschema``, for the schema checks, comes with the
library). See docs/testing.md.
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError("amif_rules.testing needs Hypothesis: pip install 'amif-rules[test]' (or hypothesis)") from error

from ._texts import json_text, yaml_text
from .advice import (
    answered,
    answers,
    assert_advice_engines_agree,
    assert_answers_decide,
    assert_decisive_questions,
    assert_remedies_controlled,
    assert_remedies_pass,
    every_answer,
)
from .boundaries import Boundary, BoundaryCase, boundaries, boundary_cases, boundary_values
from .checks import (
    OUTCOME_RANK,
    RULE_OUTCOME_RANK,
    application_schema,
    assert_bounded_error,
    assert_deterministic,
    assert_engines_agree,
    assert_fails_exactly_on,
    assert_immutable,
    assert_monotonic,
    assert_schema_accepts,
    assert_valid_application,
    assert_valid_verdict,
    assert_yaml_json_agree,
    available_engines,
    failing_rules,
    monotonic_fields,
)
from .malformed import KINDS, MalformedCase, junk_documents, malformed_cases, malformed_documents
from .malformed_rulesets import malformed_rulesets
from .strategies import (
    REGISTER_DATES,
    THIRD_COUNTRY_CODES,
    applications,
    budgets,
    dates,
    instants,
    money,
    municipalities,
    nationalities,
    organisations,
    participants,
    partners,
)

__all__ = [
    "KINDS",
    "OUTCOME_RANK",
    "REGISTER_DATES",
    "RULE_OUTCOME_RANK",
    "THIRD_COUNTRY_CODES",
    "Boundary",
    "BoundaryCase",
    "MalformedCase",
    "answered",
    "answers",
    "application_schema",
    "applications",
    "assert_advice_engines_agree",
    "assert_answers_decide",
    "assert_bounded_error",
    "assert_decisive_questions",
    "assert_deterministic",
    "assert_engines_agree",
    "assert_fails_exactly_on",
    "assert_immutable",
    "assert_monotonic",
    "assert_remedies_controlled",
    "assert_remedies_pass",
    "assert_schema_accepts",
    "assert_valid_application",
    "assert_valid_verdict",
    "assert_yaml_json_agree",
    "available_engines",
    "boundaries",
    "boundary_cases",
    "boundary_values",
    "budgets",
    "dates",
    "every_answer",
    "failing_rules",
    "instants",
    "json_text",
    "junk_documents",
    "malformed_cases",
    "malformed_documents",
    "malformed_rulesets",
    "money",
    "monotonic_fields",
    "municipalities",
    "nationalities",
    "organisations",
    "participants",
    "partners",
    "yaml_text",
]
