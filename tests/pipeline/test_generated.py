"""The generated decision code (``engines/generated.py``) and fact encoders (``encodegen.py``):
they give the interpreters' outcomes and facts on every bundled ruleset, they are audited
before they run, and nothing a ruleset says becomes code, however hostile the ruleset."""

from __future__ import annotations

import ast
import builtins
import json
import os
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import amif_rules
from amif_rules import catalog, codegen, encodegen, ir, quickcheck, testing
from amif_rules.api import prepare_flat, read_flat
from amif_rules.compiler import compile_ruleset
from amif_rules.engines import generated
from amif_rules.engines.python import PythonEngine
from conftest import EXAMPLES, HOSTILE_WORDS, interpreted

ENGINE = PythonEngine()


def decided(compiled: ir.CompiledRuleset, facts: ir.EncodedFacts) -> list[tuple[int, int | None, str]]:
    return [(o.rule, o.item, o.outcome) for o in ENGINE.evaluate(compiled, facts)]


def encoded(document: dict, ruleset=None) -> tuple[ir.CompiledRuleset, ir.EncodedFacts]:
    prepared, facts = prepare_flat(read_flat(document), ruleset=ruleset)
    return prepared.plan.compiled, prepared.plan.encode(facts)


# -- the generated code and the interpreter agree ------------------------------------------------


@pytest.mark.parametrize("call", catalog.calls())
def test_generated_code_gives_the_interpreters_outcomes(call):
    @settings(max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(testing.applications(call))
    def hold(document):
        compiled, facts = encoded(document)
        assert decided(compiled, facts) == interpreted(compiled, facts)

    hold()


@pytest.mark.parametrize(
    "condition",
    [
        ir.Linear(((3, "a"), (-4, "b")), 7, "<="),
        ir.Linear((), -1, ">="),
        ir.CompareConst("k", "!=", "x"),
        ir.CompareConst("k", "==", True),
        ir.CompareKeys("k", "==", "b"),
        ir.Member("k", ("x", "y"), negated=True),
        ir.IsTrue("t"),
        ir.Not(ir.Or((ir.IsTrue("t"), ir.And((ir.Member("k", ("x",)), ir.Linear(((1, "a"),), 0, ">")))))),
    ],
)
@pytest.mark.parametrize(
    "fact",
    [{}, {"a": 1, "b": 2, "k": "x", "t": True}, {"a": -5, "k": "z", "t": False}, {"b": 0, "k": True}],
)
def test_every_node_kind_agrees_on_facts_with_and_without_its_keys(condition, fact):
    rules = (ir.CompiledRule(0, "r", None, ir.Const(True), condition), ir.CompiledRule(1, "w", "xs", condition, condition))
    compiled = ir.CompiledRuleset(f"nodes {condition!r}", rules, ("xs",))
    facts = ir.EncodedFacts(dict(fact), {"xs": (dict(fact), {})})
    assert decided(compiled, facts) == interpreted(compiled, facts)


def test_the_public_face_gives_the_source_of_a_call_or_a_ruleset():
    assert amif_rules.decision_source(call="42") == generated.source(catalog.for_call("42").plan.compiled)
    draft = amif_rules.parse_ruleset(
        (catalog.rulesets_dir() / "call-42.yaml").read_text(encoding="utf-8").replace("value: 150000", "value: 60000"),
        str(catalog.rulesets_dir() / "call-42.yaml"),
    )
    assert "60000" in amif_rules.decision_source(ruleset=draft) and "60000" not in amif_rules.decision_source(call="42")
    with pytest.raises(ValueError):
        amif_rules.decision_source()


def test_the_source_can_be_read_and_is_cached_per_ruleset():
    prepared = catalog.for_call("42")
    source = generated.source(prepared.plan.compiled)
    assert source.startswith(("S0 = frozenset((", "def decide(root, items, made):"))
    assert "root.get('applicant.kind')" in source
    assert generated.decision_function(prepared.plan.compiled) is generated.decision_function(prepared.plan.compiled)


def test_a_long_chain_of_operands_stays_flat():
    chain = ir.And(tuple(ir.Linear(((1, "a"),), -n, ">=") for n in range(300)))
    compiled = ir.CompiledRuleset("long chain", (ir.CompiledRule(0, "r", None, ir.Const(True), chain),), ())
    for value in (0, 150, 299, 400):
        facts = ir.EncodedFacts({"a": value}, {})
        assert decided(compiled, facts) == interpreted(compiled, facts)


# -- the audit ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "import os\ndef decide(root, items, made):\n    return []\n",
        "def decide(root, items, made):\n    return __import__('os')\n",
        "def decide(root, items, made):\n    return root.__class__\n",
        "def decide(root, items, made):\n    return (lambda: 1)()\n",
        "def decide(root, items, made):\n    return open('x')\n",
        "def other(root, items, made):\n    return []\n",
        "def decide(root, items, made):\n    return 1.5\n",
        "def decide(root, items, made):\n    return [x for x in root]\n",
    ],
)
def test_the_audit_refuses_what_the_generator_never_writes(source):
    with pytest.raises(generated.GeneratorError):
        generated._audit(source)


def test_the_generator_refuses_values_it_does_not_write():
    for bad in (1.5, None, b"x", object()):
        with pytest.raises(generated.GeneratorError):
            generated._literal(bad)
    rule = ir.CompiledRule(0, "r", None, ir.Const(True), ir.Member("k", (1,)))  # type: ignore[arg-type]
    with pytest.raises(generated.GeneratorError):
        generated.generate(ir.CompiledRuleset("bad member", (rule,), ()))


# -- hostile rulesets: nothing they say becomes code ----------------------------------------------

HOSTILE = st.one_of(
    st.sampled_from([*HOSTILE_WORDS, "made[0].root", "S0", "v1"]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40),
)


def hostile_ruleset(names: list[str], wanted: list[str], call: str, limit: int) -> str:
    """A ruleset whose parameters, literals and limits are hostile: each text is written as a
    Python literal (``repr``) into the expression, and each value and expression into the
    YAML as JSON, which YAML reads back as the same text."""
    return f"""
id: hostile
version: "1"
title: {{nl: H, fr: H, en: H}}
source: x.txt
parameters:
  names: {{value: {json.dumps(names)}, type: texts, source: "x.txt, a"}}
  limit: {{value: {limit}, type: integer, source: "x.txt, b"}}
rules:
  - id: name-listed
    check: applicant.name in names
    source: x.txt, c
    messages: {{pass: {{nl: p, fr: p, en: p}}, fail: {{nl: f, fr: f, en: f}}}}
  - id: call-is
    check: {json.dumps("call == " + repr(call))}
    source: x.txt, d
    messages: {{pass: {{nl: p, fr: p, en: p}}, fail: {{nl: f, fr: f, en: f}}}}
  - id: results-hold
    check: {json.dumps(f"has_any(results, {wanted!r}) or duration_months <= limit")}
    source: x.txt, e
    messages: {{pass: {{nl: p, fr: p, en: p}}, fail: {{nl: f, fr: f, en: f}}}}
  - id: partner-named
    for_each: partners
    check: item.name in names and not has_any(partners.kind, ["ocmw"])
    source: x.txt, f
    messages: {{pass: {{nl: p, fr: p, en: p}}, fail: {{nl: f, fr: f, en: f}}}}
"""


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    names=st.lists(HOSTILE, min_size=1, max_size=4, unique=True),
    wanted=st.lists(HOSTILE, min_size=1, max_size=3, unique=True),
    call=HOSTILE,
    limit=st.one_of(st.integers(-(10**6), 10**6), st.sampled_from([0, 2**31, 10**12, -(2**40)])),
    pick=st.integers(0, 3),
)
def test_hostile_rulesets_inject_nothing(names, wanted, call, limit, pick, tmp_path_factory):
    try:
        ruleset = amif_rules.parse_ruleset(hostile_ruleset(names, wanted, call, limit), "hostile.yaml")
        compiled = compile_ruleset(ruleset).compiled
    except amif_rules.RulesetError:
        assume(False)  # refused at load: nothing to generate
        return
    source = generated.generate(compiled)
    tree = generated._audit(source)
    # Every text in the source is a fact key, a list name, a value of the compiled form or an
    # outcome: the generator's own words and the validated values, nothing else.
    allowed = set(generated.OUTCOMES) | set(compiled.scopes)
    for rule in compiled.rules:
        for condition in (rule.when, rule.check):
            for atom, _ in ir.atoms(condition):
                allowed.update(atom.keys)
                allowed.update(getattr(atom, "values", ()))
                value = getattr(atom, "value", None)
                if isinstance(value, str):
                    allowed.add(value)
        if rule.scope:
            allowed.add(rule.scope)
    texts = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert texts <= allowed
    names_used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert all(
        re.fullmatch(r"[vteifmS][0-9]+", n) or n in {"root", "items", "made", "out", "frozenset", "enumerate", "len"}
        for n in names_used
    )

    # The fact encoder written for the same ruleset holds only the plan's keys, paths and lists.
    plan = compile_ruleset(ruleset)
    encoder_source, encoder_names = encodegen.generate(plan._encoding)
    encoder_tree = codegen.audit(encoder_source, encodegen.VOCABULARY)
    words = set(plan.compiled.scopes) | {d.key for d in plan.derivations}
    words.update(text for reads in (plan.root_keys, *plan.scope_keys.values()) for key, path, _ in reads for text in (key, path))
    words.update(key for keys in plan.scope_root_keys.values() for key in keys)
    texts = {node.value for node in ast.walk(encoder_tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert texts <= words
    names_used = {node.id for node in ast.walk(encoder_tree) if isinstance(node, ast.Name)}
    assert all(re.fullmatch(r"[vesfbomCDB][0-9]+", n) or n in encodegen.VOCABULARY.names | {"tuple"} for n in names_used)
    assert all(callable(function) for function in encoder_names.values())

    # The function that reads a document and decides, written for the same plan, holds the
    # plan's words and the decision's, nothing else (the reader it calls is the same for
    # every ruleset: nothing of a ruleset is in it).
    check_source, check_names = quickcheck.generate(plan)
    check_tree = codegen.audit(check_source, quickcheck.VOCABULARY)
    texts = {node.value for node in ast.walk(check_tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert texts <= words | allowed
    names_used = {node.id for node in ast.walk(check_tree) if isinstance(node, ast.Name)}
    vocabulary = quickcheck.VOCABULARY
    assert all(vocabulary.allows_name(n) and not n.startswith("__") for n in names_used)
    assert all(callable(function) or isinstance(function, frozenset) for function in check_names.values())

    # Running it calls nothing but what the generator names: no import, no file, no process.
    marker = tmp_path_factory.mktemp("hostile") / "touched"
    document = {
        "call": call,
        "applicant": {"name": names[pick % len(names)][:1000]},
        "results": [w for w in wanted if w.strip()][:3] or ["x"],
        "duration_months": 12,
        "partners": [{"name": names[0][:1000], "kind": "nonprofit"}, {"name": "other"}],
    }

    def forbidden(*args, **kwargs):  # pragma: no cover - only runs on failure
        marker.touch()
        raise AssertionError("generated code reached outside its namespace")

    original_import, original_open, original_system = builtins.__import__, builtins.open, os.system
    try:
        facts = prepare_flat(read_flat(document), ruleset=ruleset)[1]
    except amif_rules.InputError:
        return  # a document the reader refuses: the generator is not reached
    builtins.open, os.system = forbidden, forbidden
    try:
        encoded_facts = plan.encode(facts)
        outcomes = decided(compiled, encoded_facts)
        quick = quickcheck.quick_check(document, None, None, ruleset, decide=True)
    finally:
        builtins.__import__, builtins.open, os.system = original_import, original_open, original_system
    assert encoded_facts == plan.encode_reference(facts)
    assert outcomes == interpreted(compiled, encoded_facts)
    if quick is not None:  # None: a call text the reader leaves to the full reader
        assert quick[1] == facts
        assert [tuple(outcome) for outcome in quick[2]] == outcomes
    assert not marker.exists()
    assert not os.path.exists("/tmp/pwned")


def test_every_generated_part_can_be_read_and_bad_requests_say_what_to_ask():
    assert amif_rules.generated_source(call="42") == amif_rules.decision_source(call="42")
    assert amif_rules.generated_source(call="42", part="encode").startswith("def encode(values, lists):")
    explanation = amif_rules.generated_source(call="42", part="explain", rule="form-signed", outcome="pass", lang="fr")
    assert explanation.startswith("def explain(facts, element, item_path):")
    signed = amif_rules.check(json.loads((EXAMPLES / "call-42-eligible-antwerpen.json").read_text()), lang="fr")
    assert repr(signed.rule("form-signed").message) in explanation  # the French message, as a literal
    with pytest.raises(ValueError, match="check, read, decide, encode, explain"):
        amif_rules.generated_source(call="42", part="reader")
    with pytest.raises(ValueError, match="form-signed"):
        amif_rules.generated_source(call="42", part="explain", rule="no-such-rule")
    with pytest.raises(ValueError, match="not_applicable"):
        amif_rules.generated_source(call="42", part="explain", rule="form-signed", outcome="maybe")
    with pytest.raises(ValueError, match="call"):
        amif_rules.generated_source(part="encode")
