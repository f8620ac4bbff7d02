"""The generated explanations (``explaingen.py``): for every rule, outcome and language they
give what the reference (``explain.explainer``) gives, byte for byte, on generated documents
of every bundled ruleset and on the examples; they are audited before they run, and nothing a
ruleset says becomes code, however hostile its messages."""

from __future__ import annotations

import ast
import builtins
import json
import os
import re
import threading

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import amif_rules
from amif_rules import catalog, codegen, explain, explaingen, messages, testing
from amif_rules.api import prepare_flat, read_flat
from amif_rules.documents import parse_text
from amif_rules.facts import NO_REGISTER_YEAR, Facts
from amif_rules.ruleset import Rule
from amif_rules.verdict import _made
from conftest import EXAMPLES, HOSTILE_WORDS

OUTCOMES = ("pass", "fail", "unknown", "not_applicable")
LANGS = ("nl", "fr", "en")

# Generated and reference functions, made once per rule, outcome and language (the rule is
# kept beside them, so that its id is never another rule's).
_FUNCTIONS: dict[tuple[int, str, str], tuple[Rule, explain.Explain, explain.Explain, object]] = {}


def functions(rule: Rule, outcome: str, lang: str) -> tuple[explain.Explain, explain.Explain, object]:
    """(reference, generated, generated row) of one rule, outcome and language."""
    key = (id(rule), outcome, lang)
    found = _FUNCTIONS.get(key)
    if found is None or found[0] is not rule:
        found = _FUNCTIONS[key] = (
            rule,
            explain.explainer(rule, outcome, lang),
            explaingen.explainer(rule, outcome, lang),
            explaingen.explainer(rule, outcome, lang, row=True),
        )
    return found[1], found[2], found[3]


def same(expected: object, got: object) -> None:
    """Equal, and the same JSON text (key order, types: ``1`` is not ``True`` nor ``1.0``)."""
    assert got == expected
    assert json.dumps(got, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)


def places(rule: Rule, facts: Facts) -> list[tuple[dict, str | None]]:
    """(element, item path) for each result of ``rule``: the root, or each element of its list."""
    if rule.for_each is None:
        return [({}, None)]
    return [(element, f"{rule.for_each}[{index}]") for index, element in enumerate(facts.items.get(rule.for_each, ()))]


def holds_for(rules: tuple[Rule, ...], facts: Facts) -> int:
    """Every rule, outcome, language and element: the generated functions give the reference's
    (message, fields), and the row function its JSON object. Returns the results compared."""
    compared = 0
    for rule in rules:
        for outcome in OUTCOMES:
            for lang in LANGS:
                reference, generated, row = functions(rule, outcome, lang)
                for element, item_path in places(rule, facts):
                    expected = reference(facts, element, item_path)
                    got = generated(facts, element, item_path)
                    assert type(got) is tuple and type(got[1]) is dict
                    same(list(expected), list(got))
                    message, fields = expected
                    wanted = {"id": rule.id, "outcome": outcome, "severity": rule.severity, "message": message}
                    wanted.update(fields=fields, source=rule.source)
                    if item_path is not None:
                        wanted["item"] = item_path
                    same(wanted, row(facts, element, item_path))  # type: ignore[operator]
                    compared += 1
    return compared


# -- the generated functions and the reference agree ---------------------------------------------


@pytest.mark.parametrize("call", catalog.calls())
def test_generated_explanations_give_the_references_on_generated_documents(call):
    @settings(max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(testing.applications(call))
    def hold(document):
        try:
            prepared, facts = prepare_flat(read_flat(document))
        except amif_rules.InputError:
            assume(False)
            return
        assert holds_for(prepared.ruleset.rules, facts) > 0

    hold()


@pytest.mark.parametrize("call", ["42", "buurtstewards", "426", "579"])
@pytest.mark.parametrize("source", [None, "on", "submitted_at"])
def test_the_reference_date_and_register_notes_agree(call, source):
    """The branches a document rarely reaches: the reference date given (``on``) or unknown,
    and the register's note on missing populations (every missing path given one)."""
    document = json.loads(sorted(EXAMPLES.glob("*.json"))[0].read_text(encoding="utf-8"))
    prepared, facts = prepare_flat(read_flat(document), call=call)
    every = {path for rule in prepared.ruleset.rules for path in _paths(rule)}
    notes = {path: f"{NO_REGISTER_YEAR}2019-01-01" for path in every} | {"call": "other"}
    for provenance in ({}, notes):
        changed = attrs.evolve(facts, reference_date_source=source, provenance=provenance)
        assert holds_for(prepared.ruleset.rules, changed) > 0
        emptied = attrs.evolve(changed, root={}, items={scope: ({},) for scope in ("partners", "participants")})
        assert holds_for(prepared.ruleset.rules, emptied) > 0


def _paths(rule: Rule) -> set[str]:
    return {path.path for path in rule.reads} | {"submitted_at", "applicant.municipality.population"}


def test_the_register_note_is_written():
    """Not only equal: the note is there (so that the test above compares something)."""
    rule = next(rule for rule in catalog.for_call("42").ruleset.rules if rule.id == "lead-municipality-large")
    facts = Facts({}, {}, {"applicant.municipality.population": f"{NO_REGISTER_YEAR}2031-01-01"}, "on", frozenset())
    message, fields = explaingen.explainer(rule, "unknown", "en")(facts, {}, None)
    assert message.endswith(
        "The municipality register has no population figures for 1 January 2031: give the population yourself."
    )
    assert fields["applicant.municipality.population"] is None
    assert (message, fields) == explain.explainer(rule, "unknown", "en")(facts, {}, None)


@pytest.mark.parametrize(
    "path", sorted(p.name for p in EXAMPLES.glob("*.json")) + sorted(p.name for p in EXAMPLES.glob("*.yaml"))
)
def test_the_examples_verdicts_are_the_references(path):
    document = parse_text((EXAMPLES / path).read_text(encoding="utf-8"))
    prepared, facts = prepare_flat(read_flat(document))
    rules = {rule.id: rule for rule in prepared.ruleset.rules}
    for lang in LANGS:
        verdict = amif_rules.check(document, lang=lang, engine="python")
        rows = verdict.to_dict()["rules"]
        assert len(rows) == len(verdict.rules) > 0
        for row, result in zip(rows, verdict.rules):
            rule = rules[row["id"]]
            if rule.for_each is not None and row.get("item") is None:  # an empty list: not generated
                assert row["message"] == messages.default_message("empty_list", lang, scope=rule.for_each)
                continue
            index = int(re.fullmatch(r".*\[([0-9]+)\]", row["item"]).group(1)) if "item" in row else None
            element = {} if index is None else facts.items[rule.for_each][index]
            message, fields = explain.explainer(rule, row["outcome"], lang)(facts, element, row.get("item"))
            same({"message": message, "fields": fields}, {"message": row["message"], "fields": row["fields"]})
            same(message, result.message)
            same(fields, dict(result.fields) | {k: list(v) for k, v in result.fields.items() if isinstance(v, tuple)})


# -- made once, readable -----------------------------------------------------------------------------


def test_the_source_can_be_read_and_each_function_is_made_once():
    rules = catalog.for_call("42").ruleset.rules
    source = explaingen.explain_source(rules[0], "fail", "nl")
    assert source.startswith("def explain(facts, element, item_path):\n")
    assert "root.get('applicant.kind')" in source and "return (message, fields)" in source
    assert "return {'id': 'lead-is-ocmw'" in explaingen.explain_source(rules[0], "fail", "nl", row=True)
    explaingen._audit(source)
    made = _made(rules)
    assert made.explainer(0, "fail", "nl") is made.explainer(0, "fail", "nl")
    assert made.row(0, "fail", "nl") is made.row(0, "fail", "nl")
    assert made.explainer(0, "fail", "nl").__code__.co_filename.startswith(codegen.GENERATED_PREFIX)


def test_threads_that_first_explain_a_ruleset_together_make_each_function_once():
    ruleset = amif_rules.parse_ruleset((catalog.rulesets_dir() / "call-42.yaml").read_text(encoding="utf-8"), "call-42.yaml")
    made = _made(ruleset.rules)
    got: list[object] = []
    start = threading.Barrier(8)

    def first_use() -> None:
        start.wait()
        got.append(made.explainer(3, "pass", "fr"))
        got.append(made.row(3, "pass", "fr"))

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(got) == 16 and len({id(f) for f in got[0::2]} | {id(f) for f in got[1::2]}) <= 2
    assert got[0] is made.explainer(3, "pass", "fr") and got[1] is made.row(3, "pass", "fr")


# -- the audit -------------------------------------------------------------------------------------------

_HEAD = "def explain(facts, element, item_path):\n"


@pytest.mark.parametrize(
    "body",
    [
        "    import os\n    return ('', {})\n",
        "    return __import__('os')\n",
        "    return (facts.__class__, {})\n",
        "    return (element.__dict__, {})\n",
        "    return ((lambda: 1)(), {})\n",
        "    return (f'{facts}', {})\n",
        "    return (open('x'), {})\n",
        "    return (eval('1'), {})\n",
        "    return (getattr(facts, 'root'), {})\n",
        "    return (facts.root.keys(), {})\n",
        "    return (1.5, {})\n",
        "    return ([x for x in element], {})\n",
        "    global root\n    return ('', {})\n",
        "    with root:\n        pass\n    return ('', {})\n",
        "    return (W0(look)[2], {})\n",
        "    return (y1, {})\n",
    ],
)
def test_the_audit_refuses_what_the_generator_never_writes(body):
    explaingen._audit(_HEAD + "    return ('', {})\n")  # the frame alone passes
    with pytest.raises(explaingen.GeneratorError):
        explaingen._audit(_HEAD + body)


def test_the_audit_allows_a_writer_only_where_one_is_handed_over():
    source = _HEAD + "    def look(scope, path):\n        return root.get(path)\n    return (W0(look)[2], {})\n"
    explaingen._audit(source, writers=1)
    with pytest.raises(explaingen.GeneratorError):
        explaingen._audit(source.replace("W0", "W1"), writers=1)
    with pytest.raises(explaingen.GeneratorError):
        explaingen._audit(_HEAD + "    def other(scope, path):\n        return 1\n    return ('', {})\n")


# -- hostile rulesets: nothing their messages say becomes code --------------------------------------

HOSTILE = st.one_of(
    st.sampled_from(
        [*HOSTILE_WORDS, "\\n", "{", "}", "facts.__class__", "\u05d0\u05d1", "W0(look)[2]", "message", "fields", "v1", "M0[0]"]
    ),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30),
)
PLACEHOLDERS = ["{item}", "{missing}", "{item.name}", "{applicant.name}", "{names}", "{limit}", "{duration_months}", "{call}"]
ROOT_PLACEHOLDERS = [p for p in PLACEHOLDERS if not p.startswith("{item")]


def _template(chunks: list[tuple[str, int]], placeholders: list[str]) -> str:
    """Hostile text (braces doubled, as a template writes literal braces) between placeholders."""
    return "".join(text.replace("{", "{{").replace("}", "}}") + placeholders[pick % len(placeholders)] for text, pick in chunks)


def _json(value: object) -> str:
    """``value`` as JSON, which YAML reads back as the same value (characters beyond ASCII as
    they are: YAML refuses the surrogate pairs JSON would write for them)."""
    return json.dumps(value, ensure_ascii=False)


def hostile_ruleset(texts: list[tuple[str, int]], names: list[str], source: str, limit: int) -> str:
    root, item = _template(texts, ROOT_PLACEHOLDERS), _template(list(reversed(texts)), PLACEHOLDERS)
    root_messages = _json({outcome: {lang: root for lang in LANGS} for outcome in ("pass", "fail", "unknown")})
    item_messages = _json({outcome: {lang: item for lang in LANGS} for outcome in ("pass", "fail", "not_applicable")})
    return f"""
id: hostile
version: "1"
title: {{nl: H, fr: H, en: H}}
source: x.txt
parameters:
  names: {{value: {_json(names)}, type: texts, source: {_json(source)}}}
  limit: {{value: {limit}, type: integer, source: "x.txt, b"}}
rules:
  - id: name-listed
    check: applicant.name in names and duration_months <= limit
    source: {_json(source)}
    messages: {root_messages}
  - id: partner-named
    for_each: partners
    when: has_any(partners.experience, ["amif_target_group"]) or call != "x"
    check: item.name in names and item.municipality.population <= limit
    source: {_json(source)}
    messages: {item_messages}
"""


def _fixed_words() -> set[str]:
    """The generator's own words: the interface's, the kinds and formats, the outcomes."""
    words = {"", "on", "submitted_at", "f", ", ", *OUTCOMES, *LANGS, "error", "warning"}
    words.update({"id", "outcome", "severity", "message", "fields", "source", "item"})  # a row's keys
    for table in (messages.MISSING, messages.NOTHING, messages.UNDEFINED):
        words.update(table.values())
    for by_lang in messages.DEFAULT_MESSAGES.values():
        for text in by_lang.values():
            words.update(text.split("{missing}"))
            words.add(text)
    words.update(messages.FORMATS)
    words.update({"text", "enum", "int", "money", "decimal", "bool", "instant", "date", "codes", "texts", "list"})
    return words


def _ruleset_texts(rule: Rule) -> set[str]:
    """What the generated code may take from a rule: its id and source, the paths and field
    names it reads, and each run of its templates' constant parts (literal text and
    parameters or literals, written as the reference writes them)."""
    texts = {rule.id, rule.source, rule.severity}
    for path in rule.reads:
        texts.update({path.path, "." + path.path, path.element_field, path.path + "[", "]." + path.element_field})
        if path.gather:
            texts.update({path.gather, path.gather + "[", "]." + path.element_field})
    for by_lang in rule.messages.by_outcome.values():
        for lang, template in by_lang.items():
            constants = [part if isinstance(part, str) else _constant(part, lang) for part in template.parts]
            for part in template.placeholders:
                if part.node is not None and hasattr(part.node, "path"):
                    texts.update({part.node.path, part.node.path.rsplit(".", 1)[-1]})
            for start in range(len(constants)):
                for end in range(start + 1, len(constants) + 1):
                    if None not in constants[start:end]:
                        texts.add("".join(constants[start:end]))  # type: ignore[arg-type]
    return texts


def _constant(part: messages.Placeholder, lang: str) -> str | None:
    if part.node is None or not isinstance(part.node, (amif_rules.expr.Param, amif_rules.expr.Lit)):
        return None
    return messages.shown(messages.Template((part,)), lang, {})[0].text


@settings(max_examples=100, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    texts=st.lists(st.tuples(HOSTILE, st.integers(0, 20)), min_size=1, max_size=5),
    names=st.lists(HOSTILE, min_size=1, max_size=3, unique=True),
    source=HOSTILE,
    limit=st.one_of(st.integers(-(10**6), 10**6), st.sampled_from([0, 2**31, 10**12])),
    pick=st.integers(0, 2),
)
def test_hostile_messages_inject_nothing(texts, names, source, limit, pick, tmp_path_factory):
    try:
        ruleset = amif_rules.parse_ruleset(hostile_ruleset(texts, names, source, limit), "hostile.yaml")
    except amif_rules.RulesetError:
        assume(False)  # refused at load: nothing to generate
        return
    fixed, made = _fixed_words(), _made(ruleset.rules)
    for rule in ruleset.rules:
        allowed = fixed | _ruleset_texts(rule)
        for outcome in OUTCOMES:
            for lang in LANGS:
                for row in (False, True):
                    source_code = explaingen.explain_source(rule, outcome, lang, row=row)
                    tree = explaingen._audit(source_code, writers=source_code.count("(look)[2]"))
                    constants = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
                    assert constants <= allowed, constants - allowed
                    names_used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
                    assert all(
                        re.fullmatch(r"[vpixmXWM][0-9]+", n) or n in explaingen.VOCABULARY.names | explaingen.VOCABULARY.calls
                        for n in names_used
                    ), names_used
                    assert not any(isinstance(n, ast.JoinedStr) for n in ast.walk(tree))

    # Running it calls nothing but what the generator hands it: no import, no file, no process.
    marker = tmp_path_factory.mktemp("hostile") / "touched"
    document = {
        "call": source[:200],
        "applicant": {"name": names[pick % len(names)][:1000]},
        "duration_months": 12,
        "partners": [{"name": names[0][:1000], "experience": ["amif_target_group"]}, {"name": "other"}],
    }
    try:
        prepared, facts = prepare_flat(read_flat(document), ruleset=ruleset)
    except amif_rules.InputError:
        return  # a document the reader refuses: the generator is not reached

    def forbidden(*args, **kwargs):  # pragma: no cover - only runs on failure
        marker.touch()
        raise AssertionError("generated code reached outside its namespace")

    expected = {}
    for index, rule in enumerate(ruleset.rules):
        for outcome in OUTCOMES:
            for lang in LANGS:
                made.explainer(index, outcome, lang), made.row(index, outcome, lang)  # made before the trap
                for element, item_path in places(rule, facts):
                    expected[index, outcome, lang, item_path] = explain.explainer(rule, outcome, lang)(facts, element, item_path)
    original_import, original_open, original_system = builtins.__import__, builtins.open, os.system
    builtins.open, os.system = forbidden, forbidden
    try:
        got = {}
        for index, rule in enumerate(ruleset.rules):
            for outcome in OUTCOMES:
                for lang in LANGS:
                    for element, item_path in places(rule, facts):
                        got[index, outcome, lang, item_path] = made.explainer(index, outcome, lang)(facts, element, item_path)
                        row = made.row(index, outcome, lang)(facts, element, item_path)
                        assert (row["message"], row["fields"]) == got[index, outcome, lang, item_path]
    finally:
        builtins.__import__, builtins.open, os.system = original_import, original_open, original_system
    assert got == expected and len(got) >= 2 * len(OUTCOMES) * len(LANGS)
    assert json.dumps(list(got.values()), ensure_ascii=False) == json.dumps(list(expected.values()), ensure_ascii=False)
    assert not marker.exists()
    assert not os.path.exists("/tmp/pwned")


def test_a_hostile_template_is_written_as_its_text():
    """One hostile template end to end: what the message says is the template's text, as is."""
    text = "'''\"\"\"\\ {{x}} '); __import__('os').system('id'); (' \u202e\U0001f600 "
    ruleset = amif_rules.parse_ruleset(hostile_ruleset([(text, 1)], ["a"], "x.txt, \\'", 5), "hostile.yaml")
    rule = ruleset.rules[0]
    facts = Facts({"applicant.name": "Z"}, {}, {}, "on", frozenset())
    message, _ = explaingen.explainer(rule, "pass", "en")(facts, {}, None)
    assert message == text + "Z"
    assert message == explain.explainer(rule, "pass", "en")(facts, {}, None)[0]


def test_a_rule_on_elements_lists_its_own_element_after_a_gathered_field():
    """The reference once read later fields of the last gathered element instead of its own."""
    ruleset = amif_rules.parse_ruleset(hostile_ruleset([("x", 2)], ["a"], "x.txt, c", 5), "plain.yaml")
    rule = ruleset.rules[1]
    assert [path.gather for path in rule.reads][:1] == ["partners"]  # the gathered path is read first
    document = {"call": "42", "partners": [{"name": "first", "experience": []}, {"name": "second"}]}
    facts = prepare_flat(read_flat(document), ruleset=ruleset)[1]
    for explained in (explain.explainer(rule, "fail", "en"), explaingen.explainer(rule, "fail", "en")):
        message, fields = explained(facts, facts.items["partners"][0], "partners[0]")
        assert fields["partners[0].name"] == "first" and message.startswith("xfirst")
