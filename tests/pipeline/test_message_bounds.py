"""Messages keep their promises (issue 10, items 3 and 4).

- Every bound a message shows is a value that passes: a placeholder that is a side of a
  comparison of the rule's check is rounded, when the ruleset is loaded, toward the side that
  passes (docs/ruleset-language.md, "Bounds").
- A present value is never shown as missing: "(missing)" is for an input the document does
  not give; a value whose inputs are all present but that cannot be computed (a division by
  zero) is "(undefined: division by zero)".

The regressions are the two reproductions of the issue, on both engines; the properties close
the class over every bundled ruleset, rule, outcome and language. They read the value a
message shows from ``amif_rules.messages.shown`` (the code that writes the message), not from
the prose; the regressions also read it back from the English text.
"""

from __future__ import annotations

import copy
import datetime as dt
import glob
import json
import re
from decimal import ROUND_FLOOR, Decimal
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import amif_rules
from amif_rules import api, catalog, explain, expr, messages
from amif_rules.errors import InputError, RulesetError
from amif_rules.messages import DOWN, EXACT, MISSING, NEAREST, UNDEFINED, UP, shown
from amif_rules.ruleset import LANGUAGES, OUTCOMES, parse_ruleset
from amif_rules.schema import DATE, DECIMAL, INSTANT, INT, MONEY
from conftest import ENGINES, EXAMPLES, ROOT

ANTWERPEN = json.loads((EXAMPLES / "call-42-eligible-antwerpen.json").read_text(encoding="utf-8"))


def budget(total: str, amif: str | None = None, pod_mi: str | None = None) -> dict:
    """The Antwerpen example with its budget changed."""
    document = copy.deepcopy(ANTWERPEN)
    document["budget"]["total_eligible_cost"] = total
    if amif is not None:
        document["budget"]["amif"] = amif
    if pod_mi is not None:
        document["budget"]["cofinancing"]["pod_mi"] = pod_mi
    return document


def result(verdict, rule_id: str, item: str | None = None):
    return next(r for r in verdict.rules if r.id == rule_id and r.item == item)


def amounts_in(message: str) -> list[Decimal]:
    """The euro amounts an English message writes (€1,234.56)."""
    return [Decimal(text.replace(",", "")) for text in re.findall(r"€([\d,]+\.\d\d)", message)]


# -- the two reproductions of the issue, on both engines ---------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_the_pod_mi_maximum_shown_passes(engine):
    """Total 1999.99, POD MI 300.00: 15% is 299.9985. The message said "the maximum is 15%
    (€300.00)", and €300.00 is refused; it now names €299.99, which passes, and shows the
    share asked (15.000075%) as 15.01%, not as the 15% it exceeds."""
    verdict = amif_rules.check(budget("1999.99", pod_mi="300.00"), lang="en", engine=engine)
    failed = result(verdict, "pod-mi-share-max")
    assert failed.outcome == "fail"
    assert failed.message == (
        "The co-financing asked of the POD Maatschappelijke Integratie (€300.00) is 15.01% of the "
        "total eligible cost; the maximum is 15% (€299.99)."
    )
    maximum = amounts_in(failed.message)[-1]
    passing = amif_rules.check(budget("1999.99", pod_mi=f"{maximum:.2f}"), lang="en", engine=engine)
    assert result(passing, "pod-mi-share-max").outcome == "pass"
    assert amounts_in(result(passing, "pod-mi-share-max").message)[-1] == maximum  # "that is at most €299.99"


@pytest.mark.parametrize("engine", ENGINES)
def test_the_amif_maximum_shown_passes(engine):
    """Total 1000.01, AMIF 750.01: 75% is 750.0075. The message said "the maximum is 75%
    (€750.01)", which is the amount refused; it now names €750.00."""
    verdict = amif_rules.check(budget("1000.01", amif="750.01"), lang="en", engine=engine)
    failed = result(verdict, "amif-share-max")
    assert failed.outcome == "fail"
    assert failed.message == (
        "The AMIF grant (€750.01) is 75.01% of the total eligible cost (€1,000.01); the maximum is 75% (€750.00)."
    )
    maximum = amounts_in(failed.message)[-1]
    passing = amif_rules.check(budget("1000.01", amif=f"{maximum:.2f}"), lang="en", engine=engine)
    assert result(passing, "amif-share-max").outcome == "pass"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_total_of_zero_is_not_missing(engine, lang):
    """Total 0.00: the share is a division by zero. The message said "is (missing) of the
    total eligible cost (€0.00)"; the total is there, so the share is "(undefined: division by
    zero)", and the maximum is €0.00."""
    verdict = amif_rules.check(budget("0.00"), lang=lang, engine=engine)
    for rule_id in ("amif-share-max", "pod-mi-share-max"):
        failed = result(verdict, rule_id)
        assert failed.outcome == "fail"
        assert MISSING[lang] not in failed.message
        assert UNDEFINED[lang] in failed.message
    assert (
        result(verdict, "amif-share-max").message
        == {
            "en": "The AMIF grant (€300,000.00) is (undefined: division by zero) of the total eligible cost (€0.00); "
            "the maximum is 75% (€0.00).",
            "nl": "De AMIF-toelage (€\xa0300.000,00) is (onbepaald: deling door nul) van de totale betoelaagbare kost "
            "(€\xa00,00); het maximum is 75% (€\xa00,00).",
            "fr": "La subvention AMIF (300\u202f000,00\xa0€) représente (indéfini : division par zéro) du coût total "
            "éligible (0,00\xa0€) ; le maximum est de 75% (0,00\xa0€).",
        }[lang]
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_a_total_that_is_not_given_is_still_missing(engine):
    """Only an absent input is "(missing)": without the total, the rule is unknown and its
    (default) message lists the path."""
    document = copy.deepcopy(ANTWERPEN)
    del document["budget"]["total_eligible_cost"]
    verdict = amif_rules.check(document, lang="en", engine=engine)
    assert result(verdict, "amif-share-max").outcome == "unknown"
    assert "budget.total_eligible_cost" in result(verdict, "amif-share-max").message


# -- the design, decided when the ruleset is loaded ---------------------------------------------------------------

_HEADER = """
id: bounds-test
version: "1"
title: {nl: t, fr: t, en: t}
source: test
parameters:
  share: {value: "0.15", type: share, source: test}
  odd_share: {value: "0.12345", type: share, source: test}
  deadline: {value: "2019-09-02T23:59:00+02:00", type: instant, source: test}
definitions:
  ceiling: share * budget.total_eligible_cost
rules:
"""


def one_rule(check: str, message: str, fail: str | None = None) -> amif_rules.Ruleset:
    text = (
        _HEADER
        + f"""
  - id: the-rule
    check: {json.dumps(check)}
    source: test
    messages:
      pass: {{nl: {json.dumps(message)}, fr: {json.dumps(message)}, en: {json.dumps(message)}}}
      fail: {{nl: {json.dumps(fail or message)}, fr: {json.dumps(fail or message)}, en: {json.dumps(fail or message)}}}
"""
    )
    return parse_ruleset(text, "bounds-test.yaml")


def rounding(check: str, placeholder: str, outcome: str = "pass") -> str:
    ruleset = one_rule(check, "{" + placeholder + "}")
    (part,) = ruleset.rule("the-rule").messages.template(outcome, "en").placeholders
    return part.rounding


@pytest.mark.parametrize(
    "check, placeholder, expected",
    [
        # the right side of <= and < is the largest value of the left that passes: down
        ("budget.amif <= share * budget.total_eligible_cost", "share * budget.total_eligible_cost:money", DOWN),
        ("budget.amif < share * budget.total_eligible_cost", "share * budget.total_eligible_cost:money", DOWN),
        # of >= and >, the smallest: up
        ("budget.amif >= share * budget.total_eligible_cost", "share * budget.total_eligible_cost:money", UP),
        ("budget.amif > share * budget.total_eligible_cost", "share * budget.total_eligible_cost:money", UP),
        # the left side, seen from the right, the other way round
        ("share * budget.total_eligible_cost <= budget.amif", "share * budget.total_eligible_cost:money", UP),
        ("share * budget.total_eligible_cost >= budget.amif", "share * budget.total_eligible_cost:money", DOWN),
        # not turns the comparison around
        ("not (budget.amif <= share * budget.total_eligible_cost)", "share * budget.total_eligible_cost:money", UP),
        ("not not (budget.amif <= share * budget.total_eligible_cost)", "share * budget.total_eligible_cost:money", DOWN),
        # under and / or, a side is a side
        ("form.signed and budget.amif <= share * budget.total_eligible_cost", "share * budget.total_eligible_cost:money", DOWN),
        ("form.signed or budget.amif <= share * budget.total_eligible_cost", "share * budget.total_eligible_cost:money", DOWN),
        # == and != : exactly
        ("budget.amif == share * budget.total_eligible_cost", "share * budget.total_eligible_cost:money", EXACT),
        ("budget.amif != share * budget.total_eligible_cost", "share * budget.total_eligible_cost:money", EXACT),
        # operands of * in another order, and a definition, are the same side
        ("budget.amif <= share * budget.total_eligible_cost", "budget.total_eligible_cost * share:money", DOWN),
        ("budget.amif <= ceiling", "share * budget.total_eligible_cost:money", DOWN),
        ("budget.amif <= share * budget.total_eligible_cost", "ceiling:money", DOWN),
        # the share a / x of a <= k * x is the smallest k that passes: up
        ("budget.amif <= share * budget.total_eligible_cost", "budget.amif / budget.total_eligible_cost:percent", UP),
        ("share * budget.total_eligible_cost >= budget.amif", "budget.amif / budget.total_eligible_cost:percent", UP),
        ("budget.amif >= share * budget.total_eligible_cost", "budget.amif / budget.total_eligible_cost:percent", DOWN),
        # sides in two directions: exactly
        (
            "budget.amif <= share * budget.total_eligible_cost and budget.grant >= share * budget.total_eligible_cost",
            "share * budget.total_eligible_cost:money",
            EXACT,
        ),
        # not a side: a plain value, to the nearest (no promise)
        ("budget.amif <= share * budget.total_eligible_cost", "0.15 * budget.total_eligible_cost:money", NEAREST),
        ("budget.amif <= share * budget.total_eligible_cost", "budget.grant / budget.total_eligible_cost:percent", NEAREST),
        ("form.signed", "share * budget.total_eligible_cost:money", NEAREST),
        # parameters and literals: always exactly
        ("form.signed", "odd_share:percent", EXACT),
        ("budget.amif <= share * budget.total_eligible_cost", "share:percent", EXACT),
    ],
)
def test_which_way_a_placeholder_is_rounded(check, placeholder, expected):
    """The rounding table of docs/ruleset-language.md, decided at load time."""
    assert rounding(check, placeholder) == expected


def render(ruleset, root: dict, outcome: str = "pass", lang: str = "en") -> str:
    template = ruleset.rule("the-rule").messages.template(outcome, lang)
    return messages.renderer(template, lang)(root, {}, None, ())


def money(text: str) -> Decimal:
    return Decimal(text)


def test_a_bound_is_rounded_toward_passing_and_a_plain_value_to_the_nearest():
    """15% of 1999.99 is 299.9985: the bound shows €299.99, the same product that is not a
    side of the check €300.00 (half to even, as before)."""
    ruleset = one_rule(
        "budget.amif <= share * budget.total_eligible_cost",
        "{share * budget.total_eligible_cost:money} / {0.15 * budget.total_eligible_cost:money}",
    )
    assert render(ruleset, {"budget.total_eligible_cost": money("1999.99"), "budget.amif": money("1")}) == "€299.99 / €300.00"
    lower = one_rule("budget.amif >= share * budget.total_eligible_cost", "{share * budget.total_eligible_cost:money}")
    assert render(lower, {"budget.total_eligible_cost": money("1999.99"), "budget.amif": money("1")}) == "€300.00"
    lower = one_rule("budget.amif >= share * budget.total_eligible_cost", "{share * budget.total_eligible_cost:money}")
    assert render(lower, {"budget.total_eligible_cost": money("1000.01"), "budget.amif": money("1")}) == "€150.01"


def test_a_strict_bound_on_the_cent_is_shown_exactly():
    """15% of 2000.00 is 300.00: for a < b the message shows the bound itself (say "less than")."""
    ruleset = one_rule("budget.amif < share * budget.total_eligible_cost", "{share * budget.total_eligible_cost:money}")
    assert render(ruleset, {"budget.total_eligible_cost": money("2000.00"), "budget.amif": money("1")}) == "€300.00"
    assert render(ruleset, {"budget.total_eligible_cost": money("1999.99"), "budget.amif": money("1")}) == "€299.99"


def test_exact_shows_every_decimal():
    """A side of == shows €299.9985, not an amount that is not the bound; a share parameter
    of 0.12345 shows as 12.345%."""
    ruleset = one_rule("budget.amif == share * budget.total_eligible_cost", "{share * budget.total_eligible_cost:money}")
    assert render(ruleset, {"budget.total_eligible_cost": money("1999.99"), "budget.amif": money("1")}) == "€299.9985"
    assert render(ruleset, {"budget.total_eligible_cost": money("2000.00"), "budget.amif": money("1")}) == "€300.00"
    assert render(one_rule("form.signed", "{odd_share:percent}"), {}) == "12.345%"


def test_the_day_of_a_compared_instant_is_a_loading_error():
    """{deadline:date} where the check compares deadline: the day does not tell which times pass."""
    with pytest.raises(RulesetError) as caught:
        one_rule("submitted_at <= deadline", "ok", fail="after {deadline:date}")
    assert "{deadline:date} shows only the day" in str(caught.value)
    assert "{deadline}" in caught.value.problems[0].hint
    one_rule("form.signed", "{deadline:date}")  # not a side of the check: a plain date
    one_rule("submitted_at <= deadline", "by {deadline}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_missing_and_undefined_are_told_apart(lang):
    """(missing) only when a value the placeholder reads is absent; (undefined: division by
    zero) when every input is there."""
    template = messages.parse_template("{budget.amif / budget.total_eligible_cost:percent}", expr.Scope({}))
    write = messages.renderer(template, lang)
    assert write({"budget.amif": money("1"), "budget.total_eligible_cost": money("0.00")}, {}, None, ()) == UNDEFINED[lang]
    assert write({"budget.amif": money("0"), "budget.total_eligible_cost": money("0")}, {}, None, ()) == UNDEFINED[lang]
    assert write({"budget.total_eligible_cost": money("0.00")}, {}, None, ()) == MISSING[lang]
    assert write({"budget.amif": money("1")}, {}, None, ()) == MISSING[lang]
    assert write({"budget.amif": money("1"), "budget.total_eligible_cost": money("4")}, {}, None, ()) == "25%"


def test_shown_reports_what_the_message_writes():
    """messages.shown gives each placeholder's exact value, the value shown and its text."""
    ruleset = one_rule(
        "budget.amif <= share * budget.total_eligible_cost",
        "{budget.amif / budget.total_eligible_cost:percent} of {budget.total_eligible_cost}, "
        "max {share * budget.total_eligible_cost:money}",
    )
    template = ruleset.rule("the-rule").messages.template("fail", "en")
    root = {"budget.amif": money("300.00"), "budget.total_eligible_cost": money("1999.99")}
    share, total, maximum = shown(template, "en", root)
    assert (maximum.value, maximum.shown, maximum.text) == (Decimal("299.9985"), Decimal("299.99"), "€299.99")
    assert maximum.placeholder.bounds[0].passes(maximum.shown, maximum.value)
    assert not maximum.placeholder.bounds[0].passes(maximum.shown + Decimal("0.01"), maximum.value)
    assert (share.shown, share.text) == (Decimal("0.1501"), "15.01%")
    assert total.text == "€1,999.99"
    assert render(ruleset, root, "fail") == f"{share.text} of {total.text}, max {maximum.text}"


# -- the bundled rulesets: documents and bounds --------------------------------------------------------------------


def _with_call(document: Any) -> bool:
    return isinstance(document, dict) and "call" in document


@cache
def bundled_documents() -> tuple[str, ...]:
    """Every application of the bundled examples and ruleset tests, as JSON text, that gets a verdict."""
    documents: list[Any] = []
    for path in sorted(EXAMPLES.glob("*.json")):
        documents.append(json.loads(path.read_text(encoding="utf-8")))
    try:
        from amif_rules.toolkit.cases import load_tests
    except ImportError:  # pragma: no cover - the examples alone still cover every call
        load_tests = None
    for path in sorted(glob.glob(str(ROOT / "rulesets" / "*.tests.yaml"))) if load_tests else ():
        try:
            documents.extend(case.document for case in load_tests(path).cases)
        except amif_rules.AmifRulesError:
            continue
    texts: dict[str, None] = {}
    for document in documents:
        if not _with_call(document):
            continue
        try:
            amif_rules.check(document, engine="python")
        except amif_rules.AmifRulesError:
            continue
        texts.setdefault(json.dumps(document, sort_keys=True), None)
    return tuple(texts)


def facts_of(document: dict):
    """The resolved ruleset and the facts ``check`` renders messages from."""
    prepared, facts = api.prepare_flat(api.read_flat(document))
    return prepared.ruleset, facts


_EXPLAINERS: dict[tuple[int, str, str], tuple[Any, Any]] = {}


def _explainer(rule, outcome: str, lang: str):
    """The explainer of a rule, made once (rules are cached with their ruleset; kept alive here)."""
    key = (id(rule), outcome, lang)
    if key not in _EXPLAINERS:
        _EXPLAINERS[key] = (rule, explain.explainer(rule, outcome, lang))
    return _EXPLAINERS[key][1]


def elements(rule, facts) -> list[tuple[dict, str | None, int | None]]:
    """(element values, item label, index) for each place a rule is rendered."""
    if rule.for_each is None:
        return [({}, None, None)]
    from amif_rules.verdict import item_label

    return [
        (element, item_label(rule.for_each, index), index) for index, element in enumerate(facts.items.get(rule.for_each, ()))
    ]


# -- property (b): a present value is never shown as missing ------------------------------------------------------

_MONEY_TEXT = re.compile(r"^\d+(\.\d{1,2})?$")
#: Amounts a portal may send: zero in both spellings, a cent, odd totals around the shares.
EDGE_AMOUNTS = ("0.00", "0", "0.01", "1999.99", "1000.01", "750.01", "300.00")
_AMOUNTS = {"total_eligible_cost", "amif", "grant", "pod_mi", "flemish_government", "own", "other"}


@st.composite
def edge_documents(draw) -> dict:
    """A bundled application with some of its values replaced by edge values of the same
    kind (0, 0.00, false, empty lists), every field still present."""
    document = json.loads(draw(st.sampled_from(bundled_documents())))

    def edge(value: Any, key: str) -> Any:
        if key == "call":
            return value
        if isinstance(value, bool):
            return draw(st.sampled_from((value, False)))
        if isinstance(value, int):
            return draw(st.sampled_from((value, 0, 1)))
        if isinstance(value, str) and _MONEY_TEXT.match(value) and key in _AMOUNTS:
            return draw(st.sampled_from((value,) + EDGE_AMOUNTS))
        if isinstance(value, list):
            if draw(st.integers(0, 3)) == 0:
                return []
            return [edge(element, key) for element in value]
        if isinstance(value, dict):
            return {k: edge(v, k) for k, v in value.items()}
        return value

    return edge(document, "")


def absent(reads: tuple, root: dict, element: dict) -> bool:
    return any((element if scope is not None else root).get(path) is None for scope, path in reads)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(document=edge_documents())
def test_a_present_value_is_never_shown_as_missing(document):
    """For every rule, every outcome and every language, a message writes (missing) only when
    a path the rule or the message reads is absent (or a dated parameter has no date)."""
    try:
        ruleset, facts = facts_of(document)
    except InputError:
        reject()
    for rule in ruleset.rules:
        for outcome in OUTCOMES:
            for lang in LANGUAGES:
                template = rule.messages.template(outcome, lang)
                nodes = [p.node for p in template.placeholders if p.node is not None] if template else []
                reads = tuple((p.scope, p.path) for p in rule.reads + tuple(p for node in nodes for p in expr.paths(node)))
                unresolved = any(expr.unresolved(node) for node in nodes)
                for element, label, _ in elements(rule, facts):
                    message, _ = _explainer(rule, outcome, lang)(facts, element, label)
                    if MISSING[lang] in message:
                        assert unresolved or absent(reads, facts.root, element), (rule.id, outcome, lang, label, message)


# -- property (a): every bound shown passes -------------------------------------------------------------------------


def shown_at(template, lang: str, root: dict, element: dict, index: int) -> messages.Shown:
    """What the message shows for ``template.placeholders[index]`` (an expression placeholder)."""
    expressions = [i for i, part in enumerate(template.placeholders) if part.node is not None]
    return shown(template, lang, root, element)[expressions.index(index)]


#: The kinds of the values a bound is computed from (texts and choices are shown as they are).
_GENERATED = {MONEY, INT, DECIMAL, DATE, INSTANT}


@cache
def bundled_ruleset(file: str) -> amif_rules.Ruleset:
    return amif_rules.load_ruleset(file)


@cache
def bound_placeholders() -> tuple[tuple[str, str, str, str, int], ...]:
    """(ruleset file, rule id, outcome, lang, placeholder index) of every placeholder of a
    bundled ruleset that shows a side of its rule's check."""
    found = []
    for path in catalog.ruleset_files():
        ruleset = bundled_ruleset(str(path))
        if ruleset.abstract:
            continue
        for rule in ruleset.rules:
            for outcome, templates in rule.messages.by_outcome.items():
                for lang, template in templates.items():
                    for index, part in enumerate(template.placeholders):
                        numeric = (
                            part.node is not None
                            and part.node.type.kind in _GENERATED
                            and all(p.type.kind in _GENERATED for p in expr.paths(part.node))
                        )
                        if part.bounds and numeric:
                            found.append((str(path), rule.id, outcome, lang, index))
    return tuple(found)


def test_the_bundled_rulesets_show_bounds():
    """The property below has something to hold: the share, budget, population, duration and
    age rules of the bundled rulesets show sides of their checks, computed ones among them."""
    rules = {(file.rsplit("/", 1)[-1], rule) for file, rule, *_ in bound_placeholders()}
    for expected in [
        ("call-42.yaml", "amif-share-max"),
        ("call-42.yaml", "pod-mi-share-max"),
        ("call-42.yaml", "lead-municipality-large"),
        ("flanders-385.yaml", "participant-age"),
        ("buurtstewards.yaml", "grant-max-gent"),
        ("integration-projects-2013.yaml", "duration-max"),
    ]:
        assert expected in rules


def _value(kind: str, draw, near: Decimal | None = None) -> Any:
    if kind == MONEY:
        if near is not None:
            cents = int((near * 100).to_integral_value(ROUND_FLOOR)) + draw(st.integers(-3, 3))
            return Decimal(max(cents, 0)) / 100
        cents = draw(st.one_of(st.integers(0, 10_000), st.integers(0, 10**13)))
        return Decimal(cents) / 100
    if kind == INT:
        return draw(st.one_of(st.integers(0, 100), st.integers(0, 10**7)))
    if kind == DATE:
        return draw(st.dates(dt.date(1950, 1, 1), dt.date(2030, 12, 31)))
    if kind == INSTANT:
        return draw(st.datetimes(dt.datetime(2015, 1, 1), dt.datetime(2025, 1, 1), timezones=st.just(dt.UTC)))
    raise AssertionError(kind)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_bound_a_bundled_message_shows_passes(data):
    """For every placeholder of a bundled message that shows a side of the check, on values
    around the boundary (amounts with cents, odd totals, shares one cent either side): the
    value shown, put in the place of the other side, passes that comparison (or, for a strict
    one, is the bound itself), and the message writes that value, no other."""
    file, rule_id, outcome, lang, index = data.draw(st.sampled_from(bound_placeholders()))
    rule = bundled_ruleset(file).rule(rule_id)
    template = rule.messages.template(outcome, lang)
    part = template.placeholders[index]
    root: dict = {}
    element: dict = {}
    for path in expr.paths(part.node):
        (element if path.scope else root)[path.path] = _value(path.type.kind, data.draw)
    node = part.node
    if isinstance(node, expr.Arith) and node.op == "/" and isinstance(node.left, expr.Path) and any(b.ratio for b in part.bounds):
        # a share: the amount asked one cent either side of the maximum share of the total
        factor = next(b.other for b in part.bounds if b.ratio)
        whole = expr.evaluate(node.right, lambda scope, path: (element if scope else root).get(path))
        root[node.left.path] = _value(MONEY, data.draw, near=Decimal(factor.value) * whole)
    written = shown_at(template, lang, root, element, index)
    if written.value is None:  # a share of a total of zero (or a dated parameter without a date)
        assert written.text == (MISSING if expr.unresolved(node) else UNDEFINED)[lang]
        return
    for bound in part.bounds:
        if bound.op == "!=":
            continue  # every value but the one shown passes
        strict_and_exact = bound.op in ("<", ">") and written.shown == written.value
        assert bound.passes(written.shown, written.value) or strict_and_exact, (rule_id, part.text, written)
    field = node.path.rsplit(".", 1)[-1] if isinstance(node, expr.Path) else None
    assert written.text == messages.format_cached(written.shown, node.type.kind, field, lang, part.format, True)


@cache
def document_cases() -> tuple[tuple[str, str, int | None, int, str], ...]:
    """(document, rule id, element index, placeholder index, outcome) for each bound of a
    bundled rule whose other side is a field of the document (an amount or a count), with a
    bundled application on which the rule is decided: what a test can put the shown value into."""
    cases = []
    seen = set()
    for text in bundled_documents():
        document = json.loads(text)
        ruleset, facts = facts_of(document)
        verdict = amif_rules.check(document, engine="python")
        for rule in ruleset.rules:
            for _element, label, item in elements(rule, facts):
                decided = result(verdict, rule.id, label).outcome
                if decided not in ("pass", "fail"):
                    continue
                template = rule.messages.template(decided, "en")
                for index, part in enumerate(template.placeholders):
                    other = next(
                        (
                            b.other
                            for b in part.bounds
                            if isinstance(b.other, expr.Path) and b.other.type.kind in (MONEY, INT) and b.op != "!="
                        ),
                        None,
                    )
                    reads_money_only = all(p.scope is None and p.type.kind == MONEY for p in expr.paths(part.node))
                    key = (ruleset.id, rule.id, part.text, decided)
                    if other is not None and reads_money_only and key not in seen:
                        seen.add(key)
                        cases.append((text, rule.id, item, index, decided))
    return tuple(cases)


def _put(document: dict, path: str, value: Any, scope: str | None = None, item: int | None = None) -> None:
    target = document[scope][item] if scope is not None else document
    *parents, last = path.split(".")
    for name in parents:
        target = target.setdefault(name, {})
    target[last] = value


def _json(value: Any, kind: str) -> Any:
    return f"{value:.2f}" if kind == MONEY else int(value)


def test_there_are_documents_to_put_bounds_into():
    rules = {rule for _, rule, *_ in document_cases()}
    assert {
        "amif-share-max",
        "pod-mi-share-max",
        "amif-within-call-budget",
        "lead-municipality-large",
        "partner-municipality-small",
        "duration-max",
        "grant-max-gent",
    } <= rules


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_bound_shown_put_into_the_document_passes(engine, data):
    """The portal's view: take a bundled application on which a rule with a bound is decided,
    give the inputs of the bound odd values (a total with odd cents), read the bound the
    message shows, put it into the document in the place of the other side: the rule passes,
    on both engines. And it is the tightest: one unit (a cent, one) further fails, unless
    the comparison is strict and the message shows the bound itself, which then fails and one
    unit inside passes."""
    text, rule_id, item, index, outcome = data.draw(st.sampled_from(document_cases()))
    document = json.loads(text)
    ruleset, facts = facts_of(document)
    rule = ruleset.rule(rule_id)
    part = rule.messages.template(outcome, "en").placeholders[index]
    for path in expr.paths(part.node):  # the bound's own inputs, odd cents
        cents = data.draw(st.one_of(st.integers(0, 200_000), st.integers(0, 10**10)))
        _put(document, path.path, f"{Decimal(cents) / 100:.2f}")
    try:
        ruleset, facts = facts_of(document)
    except InputError:
        reject()
    element = facts.items[rule.for_each][item] if item is not None else {}
    written = shown_at(rule.messages.template(outcome, "en"), "en", facts.root, element, index)
    bound = next(b for b in part.bounds if isinstance(b.other, expr.Path) and b.op != "!=")
    other = bound.other
    unit = Decimal("0.01") if other.type.kind == MONEY else Decimal(1)
    upper = (bound.side == "right") == (bound.op in ("<", "<="))  # the shown value is a maximum of the other side
    outward = unit if upper else -unit
    strict_and_exact = bound.op in ("<", ">") and written.shown == written.value
    label = None if item is None else f"{rule.for_each}[{item}]"

    def outcome_with(value: Decimal) -> str | None:
        changed = copy.deepcopy(document)
        _put(changed, other.path, _json(value, other.type.kind), other.scope, item)
        try:
            verdict = amif_rules.check(changed, lang="en", engine=engine)
        except InputError:
            return None  # out of the document's range (a negative amount, say)
        return result(verdict, rule_id, label).outcome

    if strict_and_exact:
        assert outcome_with(written.shown) == "fail"
        assert outcome_with(written.shown - outward) in ("pass", None)
    else:
        assert outcome_with(written.shown) == "pass", (rule_id, part.text, written)
        assert outcome_with(written.shown + outward) in ("fail", None), (rule_id, part.text, written)


def test_shown_values_are_on_the_side_of_the_shown_maximum():
    """In a fail message of a share rule, the share shown is above the maximum shown; in a pass
    message, not above: one cent over 75% of any total never reads "75%, the maximum is 75%"."""
    for total_cents in (100001, 199999, 40000000, 176009271, 3, 7):
        total = Decimal(total_cents) / 100
        for cents_over in (0, 1, 2):
            amif = (Decimal("0.75") * total).quantize(Decimal("0.01"), ROUND_FLOOR) + Decimal(cents_over) / 100
            verdict = amif_rules.check(budget(f"{total:.2f}", amif=f"{amif:.2f}"), lang="en", engine="python")
            shares = [Decimal(text) for text in re.findall(r"(\d+(?:\.\d+)?)%", result(verdict, "amif-share-max").message)]
            asked, maximum = shares[0], shares[-1]
            if result(verdict, "amif-share-max").outcome == "fail":
                assert asked > maximum
            else:
                assert asked <= maximum
            assert (amif <= Decimal("0.75") * total) == (result(verdict, "amif-share-max").outcome == "pass")
