"""Verdicts do not depend on threads: 8 threads checking at once agree with one thread."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

import amif_rules
from conftest import ENGINES, EXAMPLES

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
