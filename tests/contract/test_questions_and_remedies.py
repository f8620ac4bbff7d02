"""Contract §5: what to ask next and what would help, on the examples the issue names, in
every language and on every engine, and each promise of the contract on its own."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from decimal import Decimal

import jsonschema
import pytest

import amif_rules
from amif_rules.docpaths import parts, put
from amif_rules.languages import LANGUAGES
from amif_rules.verdict import verdict_schema
from conftest import ENGINES, EXAMPLES, ROOT

BRUSSEL = json.loads((EXAMPLES / "call-42-incomplete-brussel.json").read_text(encoding="utf-8"))
GENT = json.loads((EXAMPLES / "call-42-ineligible-gent-late-over-budget.json").read_text(encoding="utf-8"))
LEUVEN = json.loads((EXAMPLES / "call-42-ineligible-leuven.json").read_text(encoding="utf-8"))
BOTH = ("questions", "remedies")


def changed(document: dict, changes: list[dict]) -> dict:
    result = copy.deepcopy(document)
    for change in changes:
        put(result, parts(change["path"]), change["value"])
    return result


def outcome_of(verdict: amif_rules.Verdict, rule: str, item: str | None = None) -> str:
    return verdict.rule(rule, item).outcome


# -- questions --------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_the_brussels_questions_are_its_three_missing_paths(engine):
    verdicts = {lang: amif_rules.check(BRUSSEL, lang=lang, engine=engine, include="questions") for lang in LANGUAGES}
    nl = verdicts["nl"]
    assert nl.outcome == "incomplete"
    paths = [q["path"] for q in nl.to_dict()["questions"]]
    assert sorted(paths) == sorted(nl.missing) == ["budget.cofinancing.pod_mi", "form.signed", "participants[1].residence"]
    ruleset = amif_rules.load_ruleset(ROOT / "rulesets" / "call-42.yaml")
    for position, question in enumerate(nl.to_dict()["questions"]):
        assert question["schema"]  # the field's JSON Schema, from the published application schema
        assert "null" not in json.dumps(question["schema"])
        texts = {lang: verdicts[lang].questions[position]["question"] for lang in LANGUAGES}
        assert len(set(texts.values())) == 3, texts  # asked in each language
        assert all(text.endswith("?") or "?" in text for text in texts.values())
        first = ruleset.rule(question["rules"][0])
        assert question["source"] == first.source and question["source"].startswith("call-42-social-activation.nl.txt")
    by_path = {q["path"]: q for q in nl.to_dict()["questions"]}
    assert by_path["form.signed"]["schema"] == {"type": "boolean"}
    assert by_path["participants[1].residence"]["schema"]["enum"] == [
        "legal",
        "international_protection",
        "resettled",
        "relocated",
        "applicant",
        "irregular",
    ]
    assert by_path["participants[1].residence"]["rules"] == ["participant-legal-residence"]
    assert "B-02" in by_path["participants[1].residence"]["question"]  # the participant is named
    assert any(option.get("pattern") for option in by_path["budget.cofinancing.pod_mi"]["schema"]["anyOf"])
    # Every one of them can refuse on its own: "irregular", false, more than 15 %.
    assert [q["decisive"] for q in nl.to_dict()["questions"]] == [True, True, True]


def test_questions_are_asked_in_document_order_within_decisive_and_not():
    verdict = amif_rules.check(BRUSSEL, include="questions")
    assert [q["path"] for q in verdict.to_dict()["questions"]] == [
        "form.signed",
        "participants[1].residence",
        "budget.cofinancing.pod_mi",
    ]


def test_a_question_only_a_warning_waits_for_is_not_decisive():
    document = json.loads((EXAMPLES / "amif-2021-2027-incomplete-hasselt-no-activities.json").read_text(encoding="utf-8"))
    verdict = amif_rules.check(document, include="questions")
    assert [(q["path"], q["decisive"], q["rules"]) for q in verdict.to_dict()["questions"]] == [
        ("activities", False, ["social-networking-focus"])
    ]


def test_decisive_questions_come_first():
    document = copy.deepcopy(BRUSSEL)
    document["partners"] = [{"name": "OCMW Brugge", "kind": "ocmw", "role": "other", "municipality": {"nis_code": "31005"}}]
    del document["partners"][0]["role"]  # the role decides whether two error rules apply: decisive
    document["participants"][0].pop("id")
    verdict = amif_rules.check(document, include="questions")
    decisive = [q["decisive"] for q in verdict.to_dict()["questions"]]
    assert decisive == sorted(decisive, reverse=True)
    assert "partners[0].role" in [q["path"] for q in verdict.to_dict()["questions"]]


def test_an_empty_document_asks_what_call_42_needs():
    verdict = amif_rules.check({"call": "42"}, include="questions", lang="en")
    paths = [q["path"] for q in verdict.to_dict()["questions"]]
    assert set(paths) == set(verdict.missing)
    assert len(paths) == len(set(paths))
    assert {"applicant.kind", "submitted_at", "budget.amif", "form.signed"} <= set(paths)
    assert all(q["decisive"] for q in verdict.to_dict()["questions"] if q["path"] in ("applicant.kind", "form.signed"))


@pytest.mark.parametrize("document", [GENT, LEUVEN], ids=["gent", "leuven"])
def test_a_decided_verdict_has_no_questions(document):
    assert amif_rules.check(document, include="questions").to_dict()["questions"] == []


# -- remedies ---------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_gent_remedies_give_the_amount_and_the_last_accepted_instant(engine):
    verdict = amif_rules.check(GENT, lang="en", engine=engine, include="remedies")
    remedies = {(r["rule"], r["item"]): r for r in verdict.to_dict()["remedies"]}
    assert [(r["rule"], r["item"]) for r in verdict.to_dict()["remedies"]] == [
        (r.id, r.item) for r in verdict.rules if r.outcome == "fail" and r.severity == "error"
    ]
    share = remedies[("amif-share-max", None)]
    assert share["options"] == [
        [{"path": "budget.amif", "value": "375000.00"}],  # 75 % of 500,000.00: the largest amount that passes
        [{"path": "budget.total_eligible_cost", "value": "533333.34"}],  # the smallest total that would
    ]
    deadline = remedies[("submitted-before-deadline", None)]
    assert deadline["options"] == [[{"path": "submitted_at", "value": "2019-09-02T23:59:00+02:00"}]]
    assert "23:59" in deadline["message"] and "2 September 2019" in deadline["message"]
    assert "€375,000.00" in share["message"] and "€533,333.34" in share["message"]


@pytest.mark.parametrize("engine", ENGINES)
def test_every_gent_option_is_proven_and_on_the_bound(engine):
    verdict = amif_rules.check(GENT, engine=engine, include="remedies")
    for remedy in verdict.to_dict()["remedies"]:
        for option in remedy["options"]:
            after = amif_rules.check(changed(GENT, option), engine=engine)
            assert outcome_of(after, remedy["rule"], remedy["item"]) == "pass", (remedy["rule"], option)
    # One step past each bound fails: the options are the bounds themselves.
    one_past = {
        "budget.amif": "375000.01",
        "budget.total_eligible_cost": "533333.33",
        "submitted_at": "2019-09-02T23:59:00.000001+02:00",
    }
    rules = {"budget.amif": "amif-share-max", "budget.total_eligible_cost": "amif-share-max"}
    rules["submitted_at"] = "submitted-before-deadline"
    for path, value in one_past.items():
        after = amif_rules.check(changed(GENT, [{"path": path, "value": value}]), engine=engine)
        assert outcome_of(after, rules[path]) == "fail", path


def test_the_cofinancing_share_remedy_has_both_sides_too():
    verdict = amif_rules.check(GENT, include="remedies")
    pod = next(r for r in verdict.to_dict()["remedies"] if r["rule"] == "pod-mi-share-max")
    assert pod["options"] == [
        [{"path": "budget.cofinancing.pod_mi", "value": "75000.00"}],
        [{"path": "budget.total_eligible_cost", "value": "666666.67"}],
    ]
    assert Decimal("0.15") * Decimal("666666.67") >= Decimal("100000.00") > Decimal("0.15") * Decimal("666666.66")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("nl", ["inwonertal", "101.624", "niet zelf", "Eindbegunstigden"]),
        ("fr", ["nombre d'habitants", "101\u202f624", "ne maîtrise pas", "Eindbegunstigden"]),
        ("en", ["population", "101,624", "does not control", "Eindbegunstigden"]),
    ],
)
def test_leuven_is_told_that_no_change_of_its_own_inputs_helps_and_why(engine, lang, words):
    verdict = amif_rules.check(LEUVEN, lang=lang, engine=engine, include="remedies")
    assert [(r["rule"], r["item"], r["options"]) for r in verdict.to_dict()["remedies"]] == [
        ("lead-municipality-large", None, [])
    ]
    message = verdict.to_dict()["remedies"][0]["message"]
    for word in words:
        assert word in message, (word, message)


def test_remedies_never_touch_what_the_applicant_does_not_control():
    verdict = amif_rules.check(GENT, include="remedies")
    ruleset = amif_rules.load_ruleset(ROOT / "rulesets" / "call-42.yaml")
    touched = {change["path"] for r in verdict.to_dict()["remedies"] for option in r["options"] for change in option}
    assert touched == {"budget.amif", "budget.total_eligible_cost", "budget.cofinancing.pod_mi", "submitted_at"}
    for path in touched:
        assert ruleset.inputs[amif_rules.ruleset.input_path(path)].applicant_controls
    nationality = next(r for r in verdict.to_dict()["remedies"] if r["rule"] == "participant-third-country-national")
    assert nationality["options"] == [] and "GB" in nationality["message"]


def test_a_ruleset_that_takes_control_away_loses_the_option(tmp_path):
    draft = tmp_path / "call-42-amif-fixed.yaml"
    draft.write_text(
        "id: call-42-amif-fixed\nversion: '1'\ncall: x-42\nextends: call-42\nstatus: draft\n"
        "title: {nl: t, fr: t, en: t}\n"
        "inputs:\n  budget.amif:\n    applicant_controls: false\n"
        "  budget.total_eligible_cost:\n    question: {nl: 'Totaal?', fr: 'Total ?', en: 'Total?'}\n",
        encoding="utf-8",
    )
    ruleset = amif_rules.load_ruleset(draft)
    assert ruleset.inputs["budget.amif"].question  # kept from the base: merged key by key
    verdict = amif_rules.check(GENT, ruleset=ruleset, include=BOTH)
    share = next(r for r in verdict.to_dict()["remedies"] if r["rule"] == "amif-share-max")
    assert share["options"] == [[{"path": "budget.total_eligible_cost", "value": "533333.34"}]]
    document = copy.deepcopy(BRUSSEL)
    del document["budget"]["total_eligible_cost"]
    asked = amif_rules.check(document, ruleset=ruleset, include="questions", lang="fr")
    assert any(q["question"] == "Total ?" for q in asked.to_dict()["questions"])


def test_an_eligible_verdict_has_no_remedies():
    document = json.loads((EXAMPLES / "call-42-eligible-antwerpen.json").read_text(encoding="utf-8"))
    verdict = amif_rules.check(document, include=BOTH)
    assert verdict.outcome == "eligible" and verdict.to_dict()["questions"] == [] and verdict.to_dict()["remedies"] == []


# -- everywhere a verdict is --------------------------------------------------------------------


def test_a_verdict_asked_for_nothing_is_exactly_section_2():
    assert set(amif_rules.check(GENT).to_dict()) == {"call", "ruleset", "outcome", "rules", "missing", "engine"}
    assert set(amif_rules.check(GENT, include="remedies").to_dict()) == {
        "call",
        "ruleset",
        "outcome",
        "rules",
        "missing",
        "engine",
        "remedies",
    }


@pytest.mark.parametrize("document", [BRUSSEL, GENT, LEUVEN], ids=["brussel", "gent", "leuven"])
def test_the_second_schema_version_describes_both_keys(document):
    data = amif_rules.check(document, include=BOTH).to_dict()
    jsonschema.Draft202012Validator(verdict_schema(2)).validate(data)
    jsonschema.Draft202012Validator(verdict_schema(1)).validate(amif_rules.check(document).to_dict())
    broken = copy.deepcopy(data)
    broken.setdefault("remedies", []).append({"rule": "x", "item": None, "options": [[{"path": "a"}]], "message": "m"})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(verdict_schema(2)).validate(broken)


@pytest.mark.parametrize("document", [BRUSSEL, GENT], ids=["brussel", "gent"])
def test_engines_agree_on_questions_and_remedies(document):
    if len(ENGINES) < 2:  # pragma: no cover - durable-rules runs on 3.11 and 3.12
        pytest.fail("both engines are needed")
    dicts = [amif_rules.check(document, engine=engine, include=BOTH).to_dict() for engine in ENGINES]
    for data in dicts:
        data.pop("engine")
    assert dicts[0] == dicts[1]


def test_include_names_are_checked():
    with pytest.raises(ValueError, match="unknown name 'remedy'"):
        amif_rules.check(GENT, include=("remedy",))
    assert amif_rules.check(GENT, include="remedies, questions").to_dict()["questions"] == []


@pytest.mark.parametrize(
    ("lang", "headings"),
    [("nl", ["Nog te beantwoorden", "Wat zou helpen"]), ("fr", ["Questions en suspens", "Ce qui aiderait"])],
)
def test_the_text_output_has_both_sections(lang, headings):
    for document, heading in ((BRUSSEL, headings[0]), (GENT, headings[1])):
        text = amif_rules.check(document, lang=lang, include=BOTH).to_text()
        assert f"\n{heading}:\n" in text


def test_the_command_line_includes_them():
    run = subprocess.run(
        [sys.executable, "-m", "amif_rules", "check", str(EXAMPLES / "call-42-ineligible-gent-late-over-budget.json")]
        + ["--include", "questions,remedies", "--format", "json", "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 1, run.stderr
    data = json.loads(run.stdout)
    assert data["questions"] == [] and len(data["remedies"]) == 7
    text = subprocess.run(
        [
            sys.executable,
            "-m",
            "amif_rules",
            "check",
            str(EXAMPLES / "call-42-incomplete-brussel.json"),
            "--include",
            "questions",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert text.returncode == 3 and "Nog te beantwoorden:" in text.stdout and "form.signed (beslissend)" in text.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "amif_rules", "check", str(EXAMPLES / "call-42-incomplete-brussel.json"), "--include", "answers"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert bad.returncode == 2 and "--include: unknown name 'answers'" in bad.stderr and "Traceback" not in bad.stderr


def test_the_proofs_of_one_verdict_are_bounded(monkeypatch):
    from amif_rules import limits

    monkeypatch.setattr(limits, "MAX_REMEDY_PROOFS", 1)
    remedies = {r["rule"]: r for r in amif_rules.check(GENT, lang="en", include="remedies").to_dict()["remedies"]}
    assert remedies["amif-share-max"]["options"] == [[{"path": "budget.amif", "value": "375000.00"}]]
    for rule in ("pod-mi-share-max", "submitted-before-deadline"):
        assert remedies[rule]["options"] == []
        assert remedies[rule]["message"] == "Not searched: the changes of this application have already been checked 1 times."
    assert remedies["participant-legal-residence"]["message"].startswith("No change of the applicant's own inputs")


DATED = """
id: dated
version: "1"
call: "dated"
extends: application-inputs
source: call-42-social-activation.nl.txt
title: {nl: t, fr: t, en: t}
parameters:
  last_day: {value: 2019-09-02, type: date, source: call-42-social-activation.nl.txt}
rules:
  - id: on-time
    check: reference_date <= last_day
    source: call-42-social-activation.nl.txt
    messages: {pass: {nl: a, fr: a, en: a}, fail: {nl: b, fr: b, en: b}}
  - id: adult
    for_each: participants
    check: age_on(item.birth_date, reference_date) >= 18
    source: call-42-social-activation.nl.txt
    messages: {pass: {nl: a, fr: a, en: a}, fail: {nl: b, fr: b, en: b}}
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_a_rule_on_the_reference_date_is_remedied_by_the_submission(tmp_path, engine):
    (tmp_path / "dated.yaml").write_text(DATED, encoding="utf-8")
    ruleset = amif_rules.load_ruleset(tmp_path / "dated.yaml")
    late = {"call": "dated", "submitted_at": "2019-09-03T10:00:00+02:00", "participants": [{"birth_date": "1990-01-01"}]}
    verdict = amif_rules.check(late, ruleset=ruleset, engine=engine, include="remedies")
    assert verdict.to_dict()["remedies"] == [
        {
            "rule": "on-time",
            "item": None,
            "options": [[{"path": "submitted_at", "value": "2019-09-02T23:59:00+02:00"}]],
            "message": verdict.to_dict()["remedies"][0]["message"],
        }
    ]
    import datetime as dt

    fixed = amif_rules.check(late, ruleset=ruleset, engine=engine, include="remedies", on=dt.date(2019, 9, 3))
    assert fixed.to_dict()["remedies"][0]["options"] == []  # the date was given: the submission does not move it


def test_an_answer_decides_a_derived_value_when_the_date_is_given(tmp_path):
    import datetime as dt

    (tmp_path / "dated.yaml").write_text(DATED, encoding="utf-8")
    ruleset = amif_rules.load_ruleset(tmp_path / "dated.yaml")
    document = {"call": "dated", "participants": [{"id": "A"}]}
    given = amif_rules.check(document, ruleset=ruleset, include="questions", on=dt.date(2019, 9, 1))
    assert [(q["path"], q["decisive"]) for q in given.to_dict()["questions"]] == [("participants[0].birth_date", True)]
    unknown_date = amif_rules.check(document, ruleset=ruleset, include="questions")
    decisive = {q["path"]: q["decisive"] for q in unknown_date.to_dict()["questions"]}
    # Without a date, the birth date alone decides nothing; the submission alone can refuse.
    assert decisive == {"submitted_at": True, "participants[0].birth_date": False}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_list_the_applicant_controls_gains_an_entry(engine):
    document = json.loads((EXAMPLES / "integration-projects-eligible-leuven.json").read_text(encoding="utf-8"))
    document["results"] = []
    verdict = amif_rules.check(document, lang="en", engine=engine, include="remedies")
    (remedy,) = verdict.to_dict()["remedies"]
    assert remedy["options"] == [[{"path": "results", "value": ["(new entry 1: to be written)"]}]]
    assert remedy["message"] == (
        "This rule would pass if you add (new entry 1: to be written) to the results the project commits to (now none)."
    )
    assert amif_rules.check(changed(document, remedy["options"][0]), engine=engine).outcome == "eligible"


def test_a_rule_that_reads_nothing_says_so(tmp_path):
    (tmp_path / "never.yaml").write_text(
        "id: never\nversion: '1'\ncall: never\nextends: application-inputs\nsource: call-42-social-activation.nl.txt\n"
        "title: {nl: t, fr: t, en: t}\nrules:\n  - id: closed\n    check: false\n"
        "    source: call-42-social-activation.nl.txt\n"
        "    messages: {pass: {nl: a, fr: a, en: a}, fail: {nl: b, fr: b, en: b}}\n",
        encoding="utf-8",
    )
    ruleset = amif_rules.load_ruleset(tmp_path / "never.yaml")
    (remedy,) = amif_rules.check({"call": "never"}, ruleset=ruleset, lang="en", include="remedies").to_dict()["remedies"]
    assert remedy["options"] == []
    assert (
        remedy["message"]
        == "This rule reads nothing of the application: no change makes it pass (call-42-social-activation.nl.txt)."
    )
