"""Verdicts do not depend on threads: 8 threads checking at once agree with one thread."""

from __future__ import annotations

import datetime as dt
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import amif_rules
from amif_rules import catalog, quickcheck
from conftest import ENGINES, EXAMPLES, ROOT

DOCUMENTS = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.iterdir()) if p.suffix in (".json", ".yaml")]


@pytest.mark.parametrize("engine", ENGINES)
def test_eight_threads_agree_with_one(engine):
    def verdict(index: int) -> str:
        lang = ("nl", "fr", "en")[index % 3]
        return json.dumps(amif_rules.check(DOCUMENTS[index % len(DOCUMENTS)], engine=engine, lang=lang).to_dict())

    jobs = range(8 * 150)
    expected = [verdict(i) for i in jobs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(verdict, jobs))
    assert got == expected


def test_threads_that_first_check_a_new_ruleset_together_get_one_generated_function():
    # A ruleset no thread has used (a draft with a threshold of its own): sixteen threads
    # check with it at once; its function is made once, and every verdict is the same.
    source = (ROOT / "rulesets" / "call-42.yaml").read_text(encoding="utf-8")
    draft = amif_rules.parse_ruleset(source.replace("150000", "149999"), "call-42-threads.yaml")
    document = json.loads((EXAMPLES / "call-42-ineligible-leuven.json").read_text(encoding="utf-8"))
    start = threading.Barrier(16)

    def verdict(_: int) -> tuple[str, object]:
        start.wait()
        checked = amif_rules.check(document, ruleset=draft, engine="python", lang="en").to_json()
        plan = catalog.prepare_ruleset(draft, dt.date(2019, 8, 28)).plan
        return checked, plan.generated.get("check")

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(verdict, range(16)))
    assert len({checked for checked, _ in results}) == 1
    made = {id(found) for _, found in results if found is not None}
    assert len(made) == 1, "one function for the ruleset, whichever thread made it"
    plan = catalog.prepare_ruleset(draft, dt.date(2019, 8, 28)).plan
    assert id(quickcheck.checker(plan)) in made
