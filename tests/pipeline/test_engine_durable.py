"""The durable_rules engine gives exactly the built-in engine's outcomes, and survives use.

Every test states the outcomes it expects, and most also hold the durable engine to the
built-in (reference) engine on the same input.
"""

from __future__ import annotations

import hashlib
import threading

import pytest

# The only guard: durable_rules does not exist on every interpreter (it fails on 3.13).
pytest.importorskip("durable.engine")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from amif_rules.engines import durable as durable_module  # noqa: E402
from amif_rules.engines import get_engine  # noqa: E402
from amif_rules.engines.durable import DurableEngine  # noqa: E402
from amif_rules.engines.python import PythonEngine  # noqa: E402
from amif_rules.errors import EngineError  # noqa: E402
from amif_rules.ir import (  # noqa: E402
    And,
    CompareConst,
    CompareKeys,
    CompiledRule,
    CompiledRuleset,
    Const,
    EncodedFacts,
    IsTrue,
    Linear,
    Member,
    Not,
    Or,
    RuleOutcome,
)

DURABLE = DurableEngine()
PYTHON = PythonEngine()
T = Const(True)


def ruleset(*rules: CompiledRule, scopes: tuple[str, ...] = ()) -> CompiledRuleset:
    """A ruleset whose key is a digest of its rules, as the compiler's is."""
    key = hashlib.sha256(repr((rules, scopes)).encode()).hexdigest()
    return CompiledRuleset(key, rules, scopes)


def root_rule(check, when=T, index: int = 0) -> CompiledRule:
    return CompiledRule(index, f"rule-{index}", None, when, check)


def both(compiled: CompiledRuleset, facts: EncodedFacts) -> tuple[RuleOutcome, ...]:
    """The durable outcomes, after checking that the built-in engine agrees."""
    got = DURABLE.evaluate(compiled, facts)
    assert got == PYTHON.evaluate(compiled, facts)
    return got


def outcome_of(check, root: dict, when=T) -> str:
    (result,) = both(ruleset(root_rule(check, when)), EncodedFacts(root, {}))
    return result.outcome


# --------------------------------------------------------------------------------------
# Atoms, one at a time, with missing keys


@pytest.mark.parametrize(
    ("check", "root", "expected"),
    [
        (Linear(((1, "a.b"),), -18, ">="), {"a.b": 18}, "pass"),
        (Linear(((1, "a.b"),), -18, ">="), {"a.b": 17}, "fail"),
        (Linear(((1, "a.b"),), -18, ">="), {}, "unknown"),
        (Linear(((1, "a.b"),), -18, ">"), {"a.b": 18}, "fail"),
        (Linear(((1, "a.b"),), -18, "=="), {"a.b": 18}, "pass"),
        (Linear(((1, "a.b"),), -18, "!="), {"a.b": 18}, "fail"),
        (Linear(((1, "a.b"),), -18, "<"), {"a.b": -5}, "pass"),
        (Linear(((1, "a.b"),), -18, "<="), {"a.b": 19}, "fail"),
        (Linear(((-1, "a.b"),), 18, ">="), {"a.b": 18}, "pass"),  # 18 - b >= 0
        (Linear(((-1, "a.b"),), 18, ">="), {"a.b": 19}, "fail"),
        (Linear((), 1, ">"), {}, "pass"),  # decided without reading anything
        (CompareConst("x.kind", "==", "ocmw"), {"x.kind": "ocmw"}, "pass"),
        (CompareConst("x.kind", "==", "ocmw"), {"x.kind": "vzw"}, "fail"),
        (CompareConst("x.kind", "!=", "ocmw"), {"x.kind": "vzw"}, "pass"),
        (CompareConst("x.kind", "==", "ocmw"), {}, "unknown"),
        (CompareConst("x.kind", "!=", "ocmw"), {}, "unknown"),
        (CompareConst("x.ok", "==", True), {"x.ok": True}, "pass"),
        (CompareConst("x.ok", "==", True), {"x.ok": False}, "fail"),
        (CompareConst("x.ok", "==", False), {"x.ok": False}, "pass"),
        (CompareKeys("a", "==", "b"), {"a": "x", "b": "x"}, "pass"),
        (CompareKeys("a", "==", "b"), {"a": "x", "b": "y"}, "fail"),
        (CompareKeys("a", "!=", "b"), {"a": "x", "b": "y"}, "pass"),
        (CompareKeys("a", "==", "b"), {"a": "x"}, "unknown"),
        (CompareKeys("a", "==", "b"), {"b": "x"}, "unknown"),
        (CompareKeys("a", "!=", "b"), {}, "unknown"),
        (CompareKeys("a", "==", "a"), {"a": "x"}, "pass"),
        (CompareKeys("a", "!=", "a"), {"a": "x"}, "fail"),
        (CompareKeys("a", "==", "a"), {}, "unknown"),
        (Member("k", ("a", "b")), {"k": "b"}, "pass"),
        (Member("k", ("a", "b")), {"k": "c"}, "fail"),
        (Member("k", ("a", "b")), {}, "unknown"),
        (Member("k", ("a", "b"), negated=True), {"k": "b"}, "fail"),
        (Member("k", ("a", "b"), negated=True), {"k": "c"}, "pass"),
        (Member("k", ("a", "b"), negated=True), {}, "unknown"),
        (Member("k", ()), {"k": "a"}, "fail"),
        (Member("k", (), negated=True), {"k": "a"}, "pass"),
        (Member("k", ("a", "a", "b")), {"k": "a"}, "pass"),
        (IsTrue("f"), {"f": True}, "pass"),
        (IsTrue("f"), {"f": False}, "fail"),
        (IsTrue("f"), {}, "unknown"),
        (IsTrue("f"), {"f": 1}, "fail"),  # the integer 1 is not the boolean True
        (IsTrue("f"), {"f": "true"}, "fail"),
        (Const(True), {}, "pass"),
        (Const(False), {}, "fail"),
    ],
)
def test_atom(check, root, expected):
    assert outcome_of(check, root) == expected


@pytest.mark.parametrize(
    ("when", "root", "expected"),
    [
        (Const(False), {"x": 1}, "not_applicable"),
        (CompareConst("role", "==", "coaching"), {"role": "other", "x": 1}, "not_applicable"),
        (CompareConst("role", "==", "coaching"), {"role": "coaching", "x": 1}, "pass"),
        (CompareConst("role", "==", "coaching"), {"role": "coaching", "x": -1}, "fail"),
        (CompareConst("role", "==", "coaching"), {"role": "coaching"}, "unknown"),
        (CompareConst("role", "==", "coaching"), {"x": -1}, "unknown"),  # when is unknown
    ],
)
def test_when(when, root, expected):
    assert outcome_of(Linear(((1, "x"),), 0, ">"), root, when) == expected


# --------------------------------------------------------------------------------------
# Kleene logic

X = Linear(((1, "x"),), 0, ">")  # x > 0
Y = Linear(((1, "y"),), 0, ">")  # y > 0


@pytest.mark.parametrize(
    ("check", "root", "expected"),
    [
        (And((X, Y)), {"x": 1, "y": 1}, "pass"),
        (And((X, Y)), {"x": 1, "y": 0}, "fail"),
        (And((X, Y)), {"x": 0}, "fail"),  # false and unknown is false
        (And((X, Y)), {"x": 1}, "unknown"),  # true and unknown is unknown
        (Or((X, Y)), {"x": 1}, "pass"),  # true or unknown is true
        (Or((X, Y)), {"x": 0}, "unknown"),  # false or unknown is unknown
        (Or((X, Y)), {"x": 0, "y": 0}, "fail"),
        (Or((X, Y)), {"x": 1, "y": 1}, "pass"),  # both branches of the durable $or fire
        (Not(X), {"x": 0}, "pass"),
        (Not(X), {"x": 1}, "fail"),
        (Not(X), {}, "unknown"),
        (Not(And((X, Not(Y)))), {"x": 1, "y": 1}, "pass"),
        (Not(And((X, Not(Y)))), {"x": 1}, "unknown"),
        (Not(Or((X, Y))), {"y": 1}, "fail"),
        (And((T, X)), {"x": 1}, "pass"),
        (Or((Const(False), X)), {}, "unknown"),
        (Or((T, X)), {}, "pass"),
        (And((Const(False), X)), {}, "fail"),
        (And(()), {}, "pass"),
        (Or(()), {}, "fail"),
    ],
)
def test_three_valued_logic(check, root, expected):
    assert outcome_of(check, root) == expected


def test_deep_condition_is_split_into_several_durable_rules():
    """More than 15 and/or in one pattern is more than durable takes; it must still work."""
    atoms = [Linear(((1, f"k{i}"),), -i, ">=") for i in range(17)]
    check = And(tuple(Or((atoms[i], Not(atoms[i + 1]), CompareConst("s", "==", f"v{i}"))) for i in range(16)))
    compiled = ruleset(root_rule(check))
    full = {f"k{i}": i for i in range(17)}
    assert both(compiled, EncodedFacts({**full, "s": "v0"}, {}))[0].outcome == "pass"
    assert both(compiled, EncodedFacts({**full, "k3": 0, "k4": 4, "s": "x"}, {}))[0].outcome == "fail"
    assert both(compiled, EncodedFacts({"s": "v0"}, {}))[0].outcome == "unknown"
    assert durable_module.PLANS[compiled.key].durable_rules > 3  # sentinel + pass + fail, split


# --------------------------------------------------------------------------------------
# Linear arithmetic


@pytest.mark.parametrize(
    ("terms", "constant", "op", "root", "expected"),
    [
        # 4 * amif - 3 * total <= 0: at most 75 %, boundary included
        (((4, "amif"), (-3, "total")), 0, "<=", {"amif": 75, "total": 100}, "pass"),
        (((4, "amif"), (-3, "total")), 0, "<=", {"amif": 76, "total": 100}, "fail"),
        (((4, "amif"), (-3, "total")), 0, "<", {"amif": 75, "total": 100}, "fail"),
        (((4, "amif"), (-3, "total")), 0, "==", {"amif": 75, "total": 100}, "pass"),
        (((4, "amif"), (-3, "total")), 0, "!=", {"amif": 75, "total": 100}, "fail"),
        (((4, "amif"), (-3, "total")), 0, "<=", {"amif": 75}, "unknown"),
        (((4, "amif"), (-3, "total")), 0, "<=", {"total": 100}, "unknown"),
        (((1, "a"), (1, "b"), (-1, "c")), -10, ">=", {"a": 5, "b": 7, "c": 2}, "pass"),
        (((1, "a"), (1, "b"), (-1, "c")), -10, ">=", {"a": 5, "b": 7, "c": 3}, "fail"),
        (((-1, "a"), (-1, "b")), 0, ">", {"a": -1, "b": 0}, "pass"),
        (((-7, "a"), (2, "b")), 3, "==", {"a": 1, "b": 2}, "pass"),
        (((-7, "a"), (2, "b")), 3, "==", {"a": 1, "b": 3}, "fail"),
        # single terms with coefficients: exact integer bounds, no rounding
        (((3, "a"),), -10, ">=", {"a": 4}, "pass"),  # 3a >= 10
        (((3, "a"),), -10, ">=", {"a": 3}, "fail"),
        (((3, "a"),), -10, ">", {"a": 3}, "fail"),
        (((3, "a"),), -9, ">", {"a": 3}, "fail"),
        (((3, "a"),), -9, ">=", {"a": 3}, "pass"),
        (((3, "a"),), -10, "<", {"a": 3}, "pass"),
        (((3, "a"),), -10, "<=", {"a": 4}, "fail"),
        (((3, "a"),), -10, "==", {"a": 3}, "fail"),  # 3a == 10 has no integer solution
        (((3, "a"),), -10, "!=", {"a": 3}, "pass"),
        (((3, "a"),), -9, "==", {"a": 3}, "pass"),
        (((-2, "a"),), 7, ">", {"a": 3}, "pass"),  # 7 - 2a > 0
        (((-2, "a"),), 7, ">", {"a": 4}, "fail"),
        (((-2, "a"),), -7, ">=", {"a": -4}, "pass"),  # -2a >= 7
        (((-2, "a"),), -7, ">=", {"a": -3}, "fail"),
        (((5, "a"),), 3, "<", {"a": -1}, "pass"),  # 5a < -3
        (((5, "a"),), 3, "<", {"a": 0}, "fail"),
    ],
)
def test_linear(terms, constant, op, root, expected):
    assert outcome_of(Linear(terms, constant, op), root) == expected


@pytest.mark.parametrize("value", [10**17 - 1, 10**17, 10**17 + 1, -(10**17), 9 * 10**17])
def test_linear_large_values(value):
    """Values up to ~1e17 (instants in microseconds) compare exactly, sums included."""
    compiled = ruleset(
        root_rule(Linear(((1, "end"), (-1, "start")), -(10**17), ">=")),
        root_rule(Linear(((1, "end"),), -(10**17), "=="), index=1),
        root_rule(Linear(((2, "end"), (-2, "start")), 1, ">"), index=2),
    )
    results = both(compiled, EncodedFacts({"end": value, "start": 0}, {}))
    assert [r.outcome for r in results] == [
        "pass" if value >= 10**17 else "fail",
        "pass" if value == 10**17 else "fail",
        "pass" if 2 * value + 1 > 0 else "fail",
    ]


def test_booleans_are_numbers_in_arithmetic_and_equality():
    compiled = ruleset(
        root_rule(Linear(((1, "a"), (1, "b")), -2, "==")),  # True + True == 2
        root_rule(Linear(((1, "a"),), -1, "=="), index=1),  # True == 1
        root_rule(CompareConst("n", "==", True), index=2),  # 1 == True
        root_rule(CompareKeys("a", "==", "n"), index=3),  # True == 1
        root_rule(CompareKeys("a", "==", "s"), index=4),  # True != "true"
        root_rule(CompareConst("s", "==", True), index=5),
    )
    results = both(compiled, EncodedFacts({"a": True, "b": True, "n": 1, "s": "true"}, {}))
    assert [r.outcome for r in results] == ["pass", "pass", "pass", "pass", "fail", "fail"]


# --------------------------------------------------------------------------------------
# Strings


@pytest.mark.parametrize(
    "text",
    ["", "ocmw", 'quote " and \\ backslash', "{,}[]:", "é ü ñ", "😀", "\ud800", "x" * 70_000, "18"],
)
def test_strings_compare_exactly(text):
    compiled = ruleset(
        root_rule(CompareConst("s", "==", text)),
        root_rule(CompareKeys("s", "==", "t"), index=1),
        root_rule(Member("s", (text, "other")), index=2),
        root_rule(CompareConst("s", "==", text + "x"), index=3),
        root_rule(CompareConst("s", "==", text[:-1]), index=4),
    )
    same = both(compiled, EncodedFacts({"s": text, "t": text}, {}))
    assert [r.outcome for r in same][:3] == ["pass", "pass", "pass"]
    assert same[3].outcome == "fail"
    assert same[4].outcome == ("pass" if text == text[:-1] else "fail")
    other = both(compiled, EncodedFacts({"s": text, "t": text + "!"}, {}))
    assert other[1].outcome == "fail"


def test_a_string_never_equals_a_number():
    """durable compares a string with a number as text; Python says "18" != 18."""
    compiled = ruleset(
        root_rule(CompareKeys("s", "==", "n")),
        root_rule(Member("n", ("18",)), index=1),
        root_rule(CompareConst("n", "==", "18"), index=2),
        root_rule(CompareKeys("s", "!=", "n"), index=3),
    )
    results = both(compiled, EncodedFacts({"s": "18", "n": 18}, {}))
    assert [r.outcome for r in results] == ["fail", "fail", "fail", "pass"]


# --------------------------------------------------------------------------------------
# Scopes


def partners_ruleset() -> CompiledRuleset:
    return ruleset(
        root_rule(Linear(((1, "pop"),), -150_000, ">")),
        CompiledRule(
            1,
            "coaching-partner-small",
            "partners",
            CompareConst("item.role", "==", "coaching"),
            And(
                (
                    CompareConst("item.kind", "==", "ocmw"),
                    Linear(((1, "item.pop"), (-1, "pop")), 0, "<"),
                )
            ),
        ),
        CompiledRule(2, "participant-adult", "participants", T, Linear(((1, "item.age"),), -18, ">=")),
        scopes=("partners", "participants"),
    )


def test_element_rules_give_one_outcome_per_element():
    partners = (
        {"item.role": "coaching", "item.kind": "ocmw", "item.pop": 1000, "pop": 200_000},
        {"item.role": "other", "pop": 200_000},
        {"item.role": "coaching", "item.kind": "vzw", "item.pop": 1000, "pop": 200_000},
        {"item.role": "coaching", "item.kind": "ocmw", "pop": 200_000},
        {"item.role": "coaching", "item.kind": "ocmw", "item.pop": 300_000, "pop": 200_000},
    )
    participants = ({"item.age": 17}, {"item.age": 18}, {})
    facts = EncodedFacts({"pop": 200_000}, {"partners": partners, "participants": participants})
    results = both(partners_ruleset(), facts)
    assert results == (
        RuleOutcome(0, None, "pass"),
        RuleOutcome(1, 0, "pass"),
        RuleOutcome(1, 1, "not_applicable"),
        RuleOutcome(1, 2, "fail"),
        RuleOutcome(1, 3, "unknown"),
        RuleOutcome(1, 4, "fail"),
        RuleOutcome(2, 0, "fail"),
        RuleOutcome(2, 1, "pass"),
        RuleOutcome(2, 2, "unknown"),
    )


@pytest.mark.parametrize(
    "items",
    [
        {},
        {"partners": ()},
        {"participants": ()},
        {"partners": (), "participants": ()},
        {"elsewhere": ({"x": 1},)},
    ],
)
def test_empty_scopes(items):
    results = both(partners_ruleset(), EncodedFacts({}, items))
    assert results == (RuleOutcome(0, None, "unknown"),)


def test_identical_elements_stay_distinct():
    """Facts with the same content would collide in durable without their own ids."""
    element = {"item.age": 30}
    compiled = partners_ruleset()
    facts = EncodedFacts({"pop": 1}, {"participants": (element,) * 50, "partners": ({},) * 3})
    results = both(compiled, facts)
    assert [r.outcome for r in results if r.rule == 2] == ["pass"] * 50
    assert [r.outcome for r in results if r.rule == 1] == ["unknown"] * 3


def test_many_elements():
    participants = tuple({"item.age": age % 40} for age in range(3000))
    results = both(partners_ruleset(), EncodedFacts({}, {"participants": participants}))
    expected = ["pass" if age % 40 >= 18 else "fail" for age in range(3000)]
    assert [r.outcome for r in results[1:]] == expected


# --------------------------------------------------------------------------------------
# Size: many rules, limits


def test_many_rules_are_spread_over_groups():
    """300 rules with distinct thresholds exceed durable's 64-node stack unless grouped."""
    rules = tuple(
        CompiledRule(
            i,
            f"r{i}",
            None if i % 3 else "partners",
            Or((Linear(((1, f"k{i % 40}"),), -(i % 11), ">="), IsTrue("flag"))),
            And(
                (
                    Member("s", tuple(f"v{j}" for j in range(i % 5))),
                    Linear(((2, f"k{(i + 1) % 40}"), (-1, "k0")), -(i % 17), "<"),
                )
            ),
        )
        for i in range(300)
    )
    compiled = ruleset(*rules, scopes=("partners",))
    root = {f"k{j}": (j * 7) % 13 for j in range(40)} | {"s": "v2", "flag": False}
    partners = (dict(root), {"k1": 5, "s": "v0"}, {})
    results = both(compiled, EncodedFacts(root, {"partners": partners}))
    assert len(results) == 200 + 100 * 3
    assert {r.outcome for r in results} == {"pass", "fail", "unknown", "not_applicable"}
    assert durable_module.PLANS[compiled.key].levels >= 1


def test_a_wide_member_is_spread_over_several_durable_rules():
    """600 values under one condition would be a node wider than durable allows (511)."""
    values = tuple(f"v{i}" for i in range(600))
    compiled = ruleset(root_rule(Member("s", values)), root_rule(Member("s", values, negated=True), index=1))
    for text, expected in (("v0", "pass"), ("v599", "pass"), ("v600", "fail"), (None, "unknown")):
        results = both(compiled, EncodedFacts({} if text is None else {"s": text}, {}))
        assert results[0].outcome == expected
        assert results[1].outcome == {"pass": "fail", "fail": "pass", "unknown": "unknown"}[expected]


def test_a_ruleset_beyond_durable_limits_is_refused_clearly():
    compiled = ruleset(root_rule(Member("s", tuple(f"v{i}" for i in range(5000)))))
    with pytest.raises(EngineError, match="does not fit durable_rules"):
        DURABLE.evaluate(compiled, EncodedFacts({"s": "v1"}, {}))
    with pytest.raises(EngineError, match="does not fit durable_rules"):  # and again, from the cache
        DURABLE.evaluate(compiled, EncodedFacts({"s": "v1"}, {}))


def test_too_many_fields_per_fact_is_refused_clearly():
    check = And(tuple(Linear(((1, f"k{i}"),), 0, ">") for i in range(300)))
    with pytest.raises(EngineError, match="fields"):
        DURABLE.evaluate(ruleset(root_rule(check)), EncodedFacts({}, {}))


@pytest.mark.parametrize(("value", "error"), [(1.5, TypeError), (None, None), ([1], TypeError), (2**63, ValueError)])
def test_fact_values_outside_the_contract(value, error):
    compiled = ruleset(root_rule(Linear(((1, "x"),), 0, ">")))
    facts = EncodedFacts({"x": value}, {})
    if error is None:  # None means missing
        assert DURABLE.evaluate(compiled, facts)[0].outcome == "unknown"
    else:
        with pytest.raises(error):
            DURABLE.evaluate(compiled, facts)


# --------------------------------------------------------------------------------------
# Engine life: caching, sessions, threads, failures


def test_engine_is_registered():
    engine = get_engine("durable")
    assert engine.name == "durable"
    assert isinstance(engine, DurableEngine)


def test_each_ruleset_is_compiled_once_per_process():
    compiled = partners_ruleset()
    facts = EncodedFacts({"pop": 1}, {})
    DURABLE.evaluate(compiled, facts)
    plan = durable_module.PLANS[compiled.key]
    DurableEngine().evaluate(compiled, facts)  # another engine shares the compiled ruleset
    assert durable_module.PLANS[compiled.key] is plan


def test_more_evaluations_than_durable_sessions():
    """durable allows 1,024 live sessions per ruleset; each evaluation must free its own."""
    compiled = partners_ruleset()
    for number in range(3000):
        facts = EncodedFacts({"pop": number * 100}, {"participants": ({"item.age": number % 30},)})
        results = DURABLE.evaluate(compiled, facts)
        assert results[0].outcome == ("pass" if number * 100 > 150_000 else "fail")
        assert results[1].outcome == ("pass" if number % 30 >= 18 else "fail")


def test_several_rulesets_in_one_process():
    rulesets = [ruleset(root_rule(Linear(((1, "x"),), -threshold, ">="))) for threshold in range(12)]
    for _ in range(3):
        for threshold, compiled in enumerate(rulesets):
            expected = "pass" if 5 >= threshold else "fail"
            assert both(compiled, EncodedFacts({"x": 5}, {}))[0].outcome == expected


def _workload():
    compiled = partners_ruleset()
    documents = []
    for number in range(40):
        partners = tuple(
            {
                "item.role": "coaching" if (number + i) % 3 else "x",
                "item.kind": "ocmw",
                "item.pop": i * 1000 * number,
                "pop": 100_000,
            }
            for i in range(number % 6)
        )
        participants = tuple({"item.age": (number * 7 + i) % 30} for i in range(number % 4)) + ({},)
        items = {"partners": partners, "participants": participants}
        documents.append(EncodedFacts({"pop": number * 10_000}, items))
    return compiled, documents


def test_threads_give_the_single_threaded_results():
    compiled, documents = _workload()
    expected = [DURABLE.evaluate(compiled, document) for document in documents]
    assert expected == [PYTHON.evaluate(compiled, document) for document in documents]
    errors: list[BaseException] = []
    mismatches = []

    def work(offset: int) -> None:
        try:
            for number in range(2000):
                index = (number + offset) % len(documents)
                if DURABLE.evaluate(compiled, documents[index]) != expected[index]:
                    mismatches.append(index)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert not mismatches


def test_threads_compiling_different_rulesets_at_once():
    rulesets = [ruleset(root_rule(Linear(((1, "x"),), -threshold, ">")), scopes=("threads",)) for threshold in range(16)]
    results: dict[int, str] = {}

    def work(threshold: int) -> None:
        for _ in range(50):
            (result,) = DURABLE.evaluate(rulesets[threshold], EncodedFacts({"x": 8}, {}))
            results[threshold] = result.outcome

    threads = [threading.Thread(target=work, args=(threshold,)) for threshold in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {threshold: ("pass" if 8 > threshold else "fail") for threshold in range(16)}


def test_a_durable_failure_leaves_the_engine_usable():
    """A failed assertion must still delete its session, or the next one would collide."""
    compiled = partners_ruleset()
    facts = EncodedFacts({"pop": 200_000}, {})
    assert DURABLE.evaluate(compiled, facts)[0].outcome == "pass"
    plan = durable_module.PLANS[compiled.key]
    with durable_module.LOCK, pytest.raises(EngineError):
        plan.run('[{"sid":"s0","id":"sr","t":0},{"sid":"s0","id":"sr","t":0},{"broken": ')
    for _ in range(3):
        assert DURABLE.evaluate(compiled, facts)[0].outcome == "pass"


# --------------------------------------------------------------------------------------
# Property: random conditions and facts, same outcomes as the built-in engine

NUMERIC = ("n.a", "n.b", "c")
TEXT = ("s.x", "s.y")
FLAGS = ("f",)
STRINGS = ("", "a", "b", "18", "a b", 'q"', "é")
OPS = ("==", "!=", "<", "<=", ">", ">=")

ANY_KEY = TEXT + FLAGS + NUMERIC
EQUALITY = st.sampled_from(("==", "!="))

small_ints = st.integers(-20, 20) | st.integers(-(10**12), 10**12)
terms = st.lists(
    st.tuples(st.integers(-1000, 1000).filter(bool), st.sampled_from(NUMERIC)),
    max_size=3,
    unique_by=lambda term: term[1],
).map(lambda found: tuple(sorted(found, key=lambda term: term[1])))
atoms = st.one_of(
    st.builds(Linear, terms, small_ints, st.sampled_from(OPS)),
    st.builds(
        CompareConst,
        st.sampled_from(TEXT + FLAGS),
        EQUALITY,
        st.sampled_from(STRINGS) | st.booleans(),
    ),
    st.builds(CompareKeys, st.sampled_from(ANY_KEY), EQUALITY, st.sampled_from(ANY_KEY)),
    st.builds(
        Member,
        st.sampled_from(TEXT + NUMERIC),
        st.lists(st.sampled_from(STRINGS), max_size=4).map(tuple),
        st.booleans(),
    ),
    st.builds(IsTrue, st.sampled_from(FLAGS + NUMERIC)),
    st.builds(Const, st.booleans()),
)
conditions = st.recursive(
    atoms,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda operands: And(tuple(operands))),
        st.lists(inner, max_size=3).map(lambda operands: Or(tuple(operands))),
        inner.map(Not),
    ),
    max_leaves=8,
)


@st.composite
def facts_dicts(draw):
    fact = {}
    for key in NUMERIC:
        if draw(st.booleans()):
            fact[key] = draw(small_ints | st.booleans())
    for key in TEXT:
        if draw(st.booleans()):
            fact[key] = draw(st.sampled_from(STRINGS) | st.integers(17, 19) | st.booleans())
    for key in FLAGS:
        if draw(st.booleans()):
            fact[key] = draw(st.booleans() | st.integers(0, 1) | st.sampled_from(STRINGS))
    return fact


@st.composite
def rulesets_and_facts(draw):
    scope = st.sampled_from((None, "items"))
    rules = tuple(
        CompiledRule(index, f"r{index}", draw(scope), draw(conditions), draw(conditions))
        for index in range(draw(st.integers(1, 4)))
    )
    documents = [EncodedFacts(draw(facts_dicts()), {"items": tuple(draw(st.lists(facts_dicts(), max_size=3)))}) for _ in range(3)]
    return ruleset(*rules, scopes=("items",)), documents


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rulesets_and_facts())
def test_same_outcomes_as_the_builtin_engine(case):
    compiled, documents = case
    for facts in documents:
        assert DURABLE.evaluate(compiled, facts) == PYTHON.evaluate(compiled, facts)
