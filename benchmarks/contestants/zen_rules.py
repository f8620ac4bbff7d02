"""(f) and (g): call 42 on GoRules ZEN (``zen-engine``, a Rust core with a Python binding).

(f) ``ZenGraph``: a JDM decision graph (input node -> one expression node -> output node)
whose expressions compute the outcome of every rule, per element for the partner and
participant rules (``map(partners as p, ...)``). An expression node is the fastest graph
form: one node, one pass, no decision-table row matching.

(g) ``ZenExpressions``: the same expressions, compiled once with ``zen.compile_expression``
and evaluated without a graph. The binding converts the Python context into ZEN values on
every ``evaluate`` call, so the thirteen rule expressions are compiled into **one**
object-valued expression (``{r0: ..., r1: ..., ...}``): one conversion per document instead
of thirteen (about three times as fast as one compiled expression per rule: the variant row of the table).

Three-valued logic is written out: ``x == null ? 'unknown' : ...``. Numbers are ZEN decimals;
they get the same prelude as raw durable-rules (integer cents, the submission instant in
microseconds and its Brussels date as YYYYMMDD, the population from the register when only
a NIS code is given), which is part of their timing. The verdict's outcome is aggregated in
Python, as for every contestant that is not amif-rules.

``zen-engine`` is an optional extra: without it both contestants are reported unavailable.
"""

from __future__ import annotations

import json
from typing import Any

from .common import (
    CALL_BUDGET,
    DEADLINE_MICROS,
    ELIGIBLE_RESIDENCE,
    EU_MEMBERSHIP,
    EVER_EU,
    RULES,
    aggregate,
    cents,
    population,
    submission,
    yyyymmdd,
)

try:
    import zen as _zen
except Exception as error:  # noqa: BLE001 - the optional extra is not installed
    _zen = None
    UNAVAILABLE: str | None = f"zen-engine is not installed ({type(error).__name__}: {error}); pip install 'zen-engine>=2.1'"
else:
    UNAVAILABLE = None


def _texts(values) -> str:
    return "[" + ", ".join(f"'{value}'" for value in sorted(values)) + "]"


def _member(code: str) -> str:
    """ZEN: the nationality ``code`` is an EU member state's on ``day`` (grouped by period)."""
    periods: dict[tuple[int, int], list[str]] = {}
    for country, (first, last) in EU_MEMBERSHIP.items():
        periods.setdefault((yyyymmdd(first), yyyymmdd(last)), []).append(country)
    terms = []
    for (first, last), countries in sorted(periods.items()):
        test = f"{code} == '{countries[0]}'" if len(countries) == 1 else f"{code} in {_texts(countries)}"
        bound = f"day >= {first}" + (f" and day <= {last}" if last < 99991231 else "")
        terms.append(f"({test} and {bound})")
    return " or ".join(terms)


def _outcome(missing: str, applicable: str | None, check: str) -> str:
    tail = f"({check} ? 'pass' : 'fail')"
    if applicable is not None:
        tail = f"({applicable} ? {tail} : 'not_applicable')"
    return f"{missing} ? 'unknown' : {tail}"


#: The outcome of each rule, as a ZEN expression (per element for the list rules).
EXPRESSIONS: tuple[str, ...] = (
    _outcome("kind == null", None, "kind == 'ocmw'"),
    _outcome("pop == null", None, "pop > 150000"),
    "map(partners as p, p.role == null ? 'unknown' : (p.role != 'coaching' ? 'not_applicable' : "
    "(p.kind == null ? 'unknown' : (p.kind == 'ocmw' ? 'pass' : 'fail'))))",
    "map(partners as p, p.role == null ? 'unknown' : (p.role != 'coaching' ? 'not_applicable' : "
    "(p.pop == null ? 'unknown' : (p.pop < 150000 ? 'pass' : 'fail'))))",
    "map(partners as p, p.role == null ? 'unknown' : (p.role == 'coaching' ? 'pass' : 'fail'))",
    "map(participants as q, q.n == null ? 'unknown' : (day == null ? "
    f"(some(q.n as c, c in {_texts(EVER_EU)}) ? 'unknown' : 'pass') : "
    f"(some(q.n as c, {_member('c')}) ? 'fail' : 'pass')))",
    f"map(participants as q, q.res == null ? 'unknown' : (q.res in {_texts(ELIGIBLE_RESIDENCE)} ? 'pass' : 'fail'))",
    _outcome("amif == null or total == null", None, "amif * 4 <= total * 3"),
    _outcome("pod == null or total == null", None, "pod * 20 <= total * 3"),
    _outcome("amif == null", None, f"amif <= {int(CALL_BUDGET * 100)}"),
    _outcome("submitted == null", None, f"submitted <= {DEADLINE_MICROS}"),
    _outcome("complete == null", None, "complete == true"),
    _outcome("signed == null", None, "signed == true"),
)
KEYS = tuple(f"r{index}" for index in range(len(EXPRESSIONS)))


def graph() -> dict:
    """The JDM decision graph (what the GoRules editor saves)."""
    position = {"x": 0, "y": 0}
    return {
        "contentType": "application/vnd.gorules.decision",
        "nodes": [
            {"id": "input", "type": "inputNode", "name": "application", "position": position},
            {
                "id": "rules",
                "type": "expressionNode",
                "name": "call 42 rules",
                "position": position,
                "content": {
                    "expressions": [{"id": key, "key": key, "value": expression} for key, expression in zip(KEYS, EXPRESSIONS)]
                },
            },
            {"id": "output", "type": "outputNode", "name": "outcomes", "position": position},
        ],
        "edges": [
            {"id": "e1", "sourceId": "input", "targetId": "rules"},
            {"id": "e2", "sourceId": "rules", "targetId": "output"},
        ],
    }


def context(document: dict) -> dict[str, Any]:
    """The prelude: the document's values as the expressions read them."""
    applicant = document.get("applicant") or {}
    budget = document.get("budget") or {}
    form = document.get("form") or {}
    submitted, day = submission(document)
    return {
        "kind": applicant.get("kind"),
        "pop": population(applicant.get("municipality")),
        "amif": cents(budget.get("amif")),
        "total": cents(budget.get("total_eligible_cost")),
        "pod": cents((budget.get("cofinancing") or {}).get("pod_mi")),
        "submitted": submitted,
        "day": day,
        "complete": form.get("complete"),
        "signed": form.get("signed"),
        "partners": [
            {"role": p.get("role"), "kind": p.get("kind"), "pop": population(p.get("municipality"))}
            for p in document.get("partners") or ()
        ],
        "participants": [{"n": q.get("nationalities"), "res": q.get("residence")} for q in document.get("participants") or ()],
    }


_PARTNER_ITEMS = tuple(f"partners[{index}]" for index in range(64))
_PARTICIPANT_ITEMS = tuple(f"participants[{index}]" for index in range(1000))


def _decision(values: dict) -> tuple:
    results = []
    for (rule_id, scope), key in zip(RULES, KEYS):
        value = values[key]
        if scope is None:
            results.append((rule_id, None, value))
        elif not value:
            results.append((rule_id, None, "not_applicable"))
        else:
            items = _PARTNER_ITEMS if scope == "partners" else _PARTICIPANT_ITEMS
            results.extend((rule_id, items[index], outcome) for index, outcome in enumerate(value))
    return aggregate(results), tuple(results)


class ZenGraph:
    """(f) The decision graph, created once (``ZenEngine().create_decision``)."""

    def __init__(self) -> None:
        if _zen is None:
            raise RuntimeError(UNAVAILABLE)
        self.engine = _zen.ZenEngine()
        self.content = json.dumps(graph())
        self.decision = self.engine.create_decision(self.content)

    def decide(self, document: dict) -> tuple:
        return _decision(self.decision.evaluate(context(document))["result"])


class ZenExpressions:
    """(g) One compiled ZEN expression giving every rule's outcome."""

    def __init__(self) -> None:
        if _zen is None:
            raise RuntimeError(UNAVAILABLE)
        self.source = "{" + ", ".join(f"{key}: {expression}" for key, expression in zip(KEYS, EXPRESSIONS)) + "}"
        self.expression = _zen.compile_expression(self.source)

    def decide(self, document: dict) -> tuple:
        return _decision(self.expression.evaluate(context(document)))


class ZenExpressionsPerRule:
    """(g, variant) Thirteen compiled expressions, one per rule (reported for comparison)."""

    def __init__(self) -> None:
        if _zen is None:
            raise RuntimeError(UNAVAILABLE)
        self.expressions = tuple(_zen.compile_expression(expression) for expression in EXPRESSIONS)

    def decide(self, document: dict) -> tuple:
        values = context(document)
        return _decision({key: expression.evaluate(values) for key, expression in zip(KEYS, self.expressions)})
