"""The fields a partnership criterion needs (issue 15), read as declared: an organisation's
``legal_personality`` and ``experience``, the root's ``commitment_signed`` and ``documents``.

Each is optional and compatible with contract §1 (an extra field). A bad value is an input
error named by its path; a value listed twice is named at its own place; both readers give
the same facts; the published schema says the same; a rule reads them on both engines.
"""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import amif_rules
from amif_rules import limits, testing
from amif_rules.documents import read_application, to_document
from amif_rules.errors import InputError
from amif_rules.facts import flatten
from amif_rules.model import Attachment, Experience
from amif_rules.readgen import quick_flat
from amif_rules.resources import schema as bundled_schema
from conftest import ENGINES

#: A document using every new field (and a few of the contract's).
DECLARED = {
    "call": "demo-declared",
    "submitted_at": "2023-11-20T10:00:00+01:00",
    "commitment_signed": True,
    "documents": ["partnership_agreement", "employment_contract_addendum", "cost_template", "payment_confirmation", "pay_slips"],
    "applicant": {
        "name": "Gemeente Gent",
        "kind": "municipality",
        "legal_personality": True,
        "experience": ["policy_participation"],
        "municipality": {"nis_code": "44021", "name": "Gent"},
    },
    "partners": [
        {
            "name": "vzw Samen",
            "kind": "nonprofit",
            "legal_personality": True,
            "experience": ["anti_discrimination", "amif_target_group"],
        },
        {"name": "Feitelijke vereniging", "kind": "other", "legal_personality": False, "experience": []},
    ],
    "budget": {"total_eligible_cost": "200000.00", "amif": "150000.00", "cofinancing": {"own": "50000.00"}},
}


def problems(document) -> dict[str, list[str]]:
    with pytest.raises(InputError) as caught:
        read_application(document)
    found: dict[str, list[str]] = {}
    for problem in caught.value.problems:
        found.setdefault(problem.path, []).append(problem.message)
    return found


def with_value(path: tuple, value) -> dict:
    document = copy.deepcopy(DECLARED)
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return document


# -- reading -------------------------------------------------------------------------------------


def test_every_new_field_is_read_as_declared():
    application = read_application(copy.deepcopy(DECLARED))
    assert application.commitment_signed is True
    assert application.documents == tuple(Attachment)
    assert application.applicant.legal_personality is True
    assert application.applicant.experience == (Experience.POLICY_PARTICIPATION,)
    first, second = application.partners
    assert first.experience == (Experience.ANTI_DISCRIMINATION, Experience.AMIF_TARGET_GROUP)
    assert second.legal_personality is False and second.experience == ()
    assert read_application(to_document(application)) == application  # written back as it was read


def test_missing_and_null_are_missing_not_false():
    document = {"applicant": {"legal_personality": None, "experience": None}, "commitment_signed": None, "documents": None}
    application = read_application(document)
    assert application.applicant.legal_personality is None and application.applicant.experience is None
    assert application.commitment_signed is None and application.documents is None
    assert flatten(application).root == {}


def test_both_readers_give_the_same_facts():
    quick = quick_flat(copy.deepcopy(DECLARED))
    assert quick is not None, "a plain, valid document takes the quick way"
    assert quick == flatten(read_application(copy.deepcopy(DECLARED)))
    assert quick.root["documents"] == tuple(a.value for a in Attachment)
    assert quick.root["applicant.experience"] == ("policy_participation",)
    assert quick.partners[0]["experience"] == ("anti_discrimination", "amif_target_group")
    assert quick.partners[1] == {"name": "Feitelijke vereniging", "kind": "other", "legal_personality": False, "experience": ()}


BAD = [
    # (where, value, the path named, words of the message)
    (("commitment_signed",), "yes", "commitment_signed", "expected true or false"),
    (("commitment_signed",), 1, "commitment_signed", "expected true or false"),
    (("applicant", "legal_personality"), "ja", "applicant.legal_personality", "expected true or false"),
    (("partners", 1, "legal_personality"), 0, "partners[1].legal_personality", "expected true or false"),
    (("documents",), "pay_slips", "documents", "expected a list"),
    (("documents",), {"pay_slips": True}, "documents", "expected a list"),
    (("documents",), ["pay_slips", "payslips"], "documents[1]", "did you mean 'pay_slips'"),
    (("documents",), ["Cost template"], "documents[0]", "did you mean 'cost_template'"),
    (("documents",), [None], "documents[0]", "got null"),
    (("documents",), [3], "documents[0]", "got the number 3"),
    (("documents",), ["pay_slips", "cost_template", "pay_slips"], "documents[2]", "listed twice (first at documents[0])"),
    (("documents",), ["pay_slips"] * (limits.MAX_DECLARED_ITEMS + 1), "documents", "too many elements: 11 (at most 10)"),
    (("applicant", "experience"), "amif_target_group", "applicant.experience", "expected a list"),
    (("applicant", "experience"), ["anti-discrimination"], "applicant.experience[0]", "did you mean 'anti_discrimination'"),
    (("partners", 0, "experience"), ["amif_target_group", "amif_target_group"], "partners[0].experience[1]", "listed twice"),
    (("partners", 0, "experience"), ["buddy"], "partners[0].experience[0]", "expected one of: anti_discrimination"),
    (("partners", 1, "experience"), [None, "social_activation"], "partners[1].experience[0]", "got null"),
]


@pytest.mark.parametrize(("where", "value", "path", "words"), BAD, ids=lambda x: str(x)[:40])
def test_a_bad_value_is_named_by_its_path(where, value, path, words):
    document = with_value(where, value)
    found = problems(copy.deepcopy(document))
    assert list(found) == [path], found
    assert any(words in message for message in found[path]), found[path]
    assert quick_flat(document) is None, "the quick reader leaves a bad document to the full reader"
    result = amif_rules_check_error(document)
    assert path in result.paths


def amif_rules_check_error(document) -> InputError:
    with pytest.raises(InputError) as caught:
        amif_rules.check(document, ruleset=declared_ruleset(), engine="python")
    return caught.value


def test_every_value_given_twice_is_named_and_the_others_are_not():
    document = with_value(("documents",), ["cost_template", "pay_slips", "cost_template", "pay_slips", "pay_slips"])
    found = problems(document)
    assert sorted(found) == ["documents[2]", "documents[3]", "documents[4]"]
    assert "first at documents[1]" in found["documents[4]"][0]


def test_the_declared_lists_hold_at_most_max_declared_items():
    """``MAX_DECLARED_ITEMS``: a list of that many elements is read element by element (here
    the repeats are refused, each at its path); one more is refused as a whole."""
    at = with_value(("documents",), [a.value for a in Attachment] * 2)
    assert len(at["documents"]) == limits.MAX_DECLARED_ITEMS
    found = problems(at)
    assert "documents" not in found and len(found) == limits.MAX_DECLARED_ITEMS - len(Attachment)
    beyond = with_value(("documents",), at["documents"] + ["pay_slips"])
    assert problems(beyond) == {"documents": [f"too many elements: 11 (at most {limits.MAX_DECLARED_ITEMS})"]}


# -- the published schema -------------------------------------------------------------------------

VALIDATOR = jsonschema.Draft202012Validator(bundled_schema("application.schema.json"))


def test_the_published_schema_accepts_the_document_and_describes_every_value():
    assert list(VALIDATOR.iter_errors(DECLARED)) == []
    properties = bundled_schema("application.schema.json")
    assert properties["properties"]["documents"]["items"]["enum"] == [a.value for a in Attachment]
    assert properties["$defs"]["experience"]["items"]["enum"] == [e.value for e in Experience]


@pytest.mark.parametrize(("where", "value", "path", "words"), BAD, ids=lambda x: str(x)[:40])
def test_the_published_schema_refuses_what_the_reader_refuses(where, value, path, words):
    assert not VALIDATOR.is_valid(json.loads(json.dumps(with_value(where, value))))


# -- rules read them ------------------------------------------------------------------------------

RULESET = """
id: declared-demo
version: "1"
call: demo-declared
extends: application-inputs
title: {nl: Verklaard, fr: Déclaré, en: Declared}
source: calls-beyond-the-seeds.md
rules:
  - id: partner-experience
    for_each: partners
    check: has_any(item.experience, ["anti_discrimination"]) and item.legal_personality
    source: 'a test'
    messages:
      pass: {nl: "{item.name}: {item.experience}", fr: "{item.name} : {item.experience}", en: "{item.name} declared {item.experience}."}
      fail: {nl: "{item.name}: {item.experience}", fr: "{item.name} : {item.experience}", en: "{item.name} declared {item.experience}."}
  - id: commitment
    check: commitment_signed
    source: 'a test'
    messages:
      pass: {nl: getekend, fr: signée, en: signed (as declared)}
      fail: {nl: niet getekend, fr: non signée, en: not signed}
  - id: applicant
    check: applicant.legal_personality and has_any(applicant.experience, ["policy_participation"])
    source: 'a test'
    messages:
      pass: {nl: ja, fr: oui, en: yes}
      fail: {nl: nee, fr: non, en: no}
  - id: pay-slips
    check: has_any(documents, ["pay_slips"])
    source: 'a test'
    messages:
      pass: {nl: "{documents}", fr: "{documents}", en: "{documents}"}
      fail: {nl: "{documents}", fr: "{documents}", en: "{documents}"}
  - id: every-document
    check: has_all(documents, ["partnership_agreement", "cost_template", "pay_slips"])
    source: 'a test'
    messages:
      pass: {nl: "{documents}", fr: "{documents}", en: "Declared as attached: {documents}."}
      fail: {nl: "{documents}", fr: "{documents}", en: "Declared as attached: {documents}."}
"""

_RULESET: list = []


def declared_ruleset():
    if not _RULESET:
        _RULESET.append(amif_rules.parse_ruleset(RULESET))
    return _RULESET[0]


def outcomes(document, engine: str, **options) -> dict:
    verdict = amif_rules.check(copy.deepcopy(document), ruleset=declared_ruleset(), engine=engine, lang="en", **options)
    return {(r.id, r.item): r.outcome for r in verdict.rules}


def test_a_rule_reads_every_new_field(engine):
    assert outcomes(DECLARED, engine) == {
        ("partner-experience", "partners[0]"): "pass",
        ("partner-experience", "partners[1]"): "fail",
        ("commitment", None): "pass",
        ("applicant", None): "pass",
        ("pay-slips", None): "pass",
        ("every-document", None): "pass",
    }
    fewer = with_value(("documents",), ["partnership_agreement", "pay_slips"])
    assert outcomes(fewer, engine)[("every-document", None)] == "fail"
    assert outcomes(fewer, engine)[("pay-slips", None)] == "pass"
    unsigned = with_value(("commitment_signed",), False)
    assert outcomes(unsigned, engine)[("commitment", None)] == "fail"


def test_a_missing_declaration_is_unknown_not_false(engine):
    document = copy.deepcopy(DECLARED)
    del document["documents"], document["commitment_signed"]
    del document["partners"][0]["legal_personality"]
    document["partners"][1].update(legal_personality=True, experience=["anti_discrimination"])
    found = outcomes(document, engine)
    assert found[("every-document", None)] == found[("pay-slips", None)] == found[("commitment", None)] == "unknown"
    assert found[("partner-experience", "partners[0]")] == "unknown"
    verdict = amif_rules.check(document, ruleset=declared_ruleset(), engine=engine)
    assert verdict.outcome == "incomplete"
    assert {"documents", "commitment_signed", "partners[0].legal_personality"} <= set(verdict.missing)


def test_a_message_shows_the_declared_values_by_their_labels():
    verdict = amif_rules.check(copy.deepcopy(DECLARED), ruleset=declared_ruleset(), engine="python", lang="nl")
    shown = {(r.id, r.item): r.message for r in verdict.rules}
    assert shown[("partner-experience", "partners[0]")] == (
        "vzw Samen: methodes tegen discriminatie en racisme en voor gedragsverandering, werken met de AMIF-doelgroep"
    )
    english = amif_rules.check(
        with_value(("documents",), ["cost_template", "pay_slips"]), ruleset=declared_ruleset(), engine="python", lang="en"
    )
    message = next(r.message for r in english.rules if r.id == "every-document")
    assert message == "Declared as attached: completed cost template, pay slips of the coordinator."


def test_a_remedy_attaches_every_document_the_rule_asks_for():
    """``documents`` is the applicant's to attach: the remedy of a ``has_all`` adds what is lacking."""
    document = with_value(("documents",), ["pay_slips"])
    verdict = amif_rules.check(document, ruleset=declared_ruleset(), engine="python", lang="en", include=["remedies"])
    remedies = json.loads(verdict.to_json())["remedies"]
    remedy = next(r for r in remedies if r["rule"] == "every-document")
    assert remedy["options"] == [[{"path": "documents", "value": ["pay_slips", "partnership_agreement", "cost_template"]}]]
    experience = next(r for r in remedies if r["rule"] == "partner-experience")
    assert experience["options"] == []  # who a partner is, is not the applicant's to change


def test_a_question_asks_for_a_declared_field():
    document = copy.deepcopy(DECLARED)
    del document["documents"]
    document["partners"][1].update(legal_personality=True, experience=["anti_discrimination"])
    verdict = amif_rules.check(document, ruleset=declared_ruleset(), engine="python", lang="en", include=["questions"])
    question = next(q for q in json.loads(verdict.to_json())["questions"] if q["path"] == "documents")
    assert question["schema"]["uniqueItems"] is True
    assert question["schema"]["items"]["enum"] == [a.value for a in Attachment]
    assert "Which documents do you attach" in question["question"]


# -- the testing kit draws them --------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(document=testing.applications(ruleset=declared_ruleset(), max_partners=2, max_participants=1))
def test_generated_documents_hold_the_new_fields_and_read_the_same_both_ways(document):
    quick = quick_flat(copy.deepcopy(document))
    slow = flatten(read_application(copy.deepcopy(document)))
    assert quick is None or quick == slow
    verdicts = {
        engine: amif_rules.check(copy.deepcopy(document), ruleset=declared_ruleset(), engine=engine) for engine in ENGINES
    }
    assert len({json.dumps({**v.to_dict(), "engine": None}, sort_keys=True) for v in verdicts.values()}) == 1


@pytest.mark.parametrize("rule", ["every-document", "partner-experience", "commitment", "applicant"])
def test_the_kit_fails_each_rule_alone(rule):
    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
    @given(document=testing.applications(ruleset=declared_ruleset(), ineligible_for=rule, max_partners=2, max_participants=1))
    def hold(document):
        verdict = amif_rules.check(document, ruleset=declared_ruleset(), engine="python")
        failed = {r.id for r in verdict.rules if r.outcome == "fail"}
        assert rule in failed

    hold()


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(document=testing.applications(ruleset=declared_ruleset(), eligible=True, max_partners=2, max_participants=1))
def test_the_kit_draws_eligible_documents_with_the_new_fields(document):
    assert document["commitment_signed"] is True
    assert {"partnership_agreement", "cost_template", "pay_slips"} <= set(document["documents"])
    assert len(set(document["documents"])) == len(document["documents"])
    for partner in document.get("partners", []):
        assert "anti_discrimination" in partner["experience"] and partner["legal_personality"] is True
    assert amif_rules.check(document, ruleset=declared_ruleset(), engine="python").outcome == "eligible"


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    organisation=testing.organisations(fields=["legal_personality", "experience"]),
    partner=testing.partners(fields=["experience"]),
)
def test_organisations_and_partners_draw_the_new_fields_on_request(organisation, partner):
    assert isinstance(organisation["legal_personality"], bool)
    assert set(organisation["experience"]) <= {e.value for e in Experience}
    assert len(set(partner["experience"])) == len(partner["experience"])
    read_application({"applicant": organisation, "partners": [partner]})


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=testing.malformed_cases(ruleset=declared_ruleset()))
def test_malformed_declarations_are_refused_by_path(case):
    with pytest.raises(InputError) as caught:
        amif_rules.check(case.document, ruleset=declared_ruleset(), engine="python")
    assert case.named_by(caught.value.paths), (case.description, caught.value.paths)
    if isinstance(case.document, dict):
        assert quick_flat(case.document) is None


LIST_VALUES = st.one_of(
    st.lists(
        st.sampled_from([e.value for e in Experience] + [a.value for a in Attachment] + ["other", None, 1, ""]), max_size=12
    ),
    st.sampled_from([None, True, "pay_slips", {}, ()]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    documents=LIST_VALUES,
    experience=LIST_VALUES,
    partner_experience=LIST_VALUES,
    signed=st.sampled_from([None, True, False, 1, "true"]),
)
def test_the_quick_reader_never_reads_a_declaration_differently(documents, experience, partner_experience, signed):
    document = copy.deepcopy(DECLARED)
    document["documents"], document["commitment_signed"] = documents, signed
    document["applicant"]["experience"] = experience
    document["partners"][0]["experience"] = partner_experience
    quick = quick_flat(copy.deepcopy(document))
    try:
        slow = flatten(read_application(copy.deepcopy(document)))
    except InputError:
        assert quick is None
        return
    assert quick is None or quick == slow
