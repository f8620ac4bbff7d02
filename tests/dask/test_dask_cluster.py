"""amif_rules.dask on a real cluster: two worker processes, one thread each.

What a Dask user gets must be what a check in process gives: the same verdicts (both
engines), an error record per bad document while the others are checked, the same impact
report, and a draft ruleset sent once and compiled at most once per worker process.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

import cloudpickle
import dask.bag as db
import dask.dataframe as dd
import distributed
import pandas as pd
import pytest

import amif_rules
from amif_rules import catalog
from amif_rules import dask as amif_dask
from amif_rules.toolkit.impact import MAX_LISTED_ERRORS, impact
from conftest import ENGINES, EXAMPLES, ROOT, patched

SAMPLE = ROOT / "examples" / "portfolios" / "call-42-all-ocmws.jsonl"
EXAMPLE_TEXTS = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*.json"))]
#: A draft of call 42 in memory: leads from 60,000 inhabitants, partners up to 100,000.
DRAFT_TEXT = """
id: call-42-dask-draft
version: "1-draft"
extends: call-42
call: "42"
status: draft
title: {nl: "ONTWERP 42", fr: "PROJET 42", en: "DRAFT 42"}
parameters:
  lead_min_population:
    value: 60000
    source: 'call-42-social-activation.nl.txt, Eindbegunstigden: "grote OCMW’s van gemeenten met meer dan 150.000 inwoners" (lowered here)'
  partner_max_population:
    value: 100000
    source: 'call-42-social-activation.nl.txt, Eindbegunstigden: "kleinere OCMW’s" (lowered here)'
"""
BAD_AMOUNT = json.dumps(patched("budget.amif", "x"))


def _count_compiles() -> dict[str, int]:
    """On a worker: the compilations of this process by ruleset id, counted from the first call on."""
    if not hasattr(catalog.compile_ruleset, "counts"):
        original = catalog.compile_ruleset
        counts: Counter[str] = Counter()

        def counting(ruleset):
            counts[ruleset.id] += 1
            return original(ruleset)

        counting.counts = counts
        catalog.compile_ruleset = counting
    return dict(catalog.compile_ruleset.counts)


@pytest.fixture(scope="module")
def client():
    """Two worker processes of one thread; each counts its compilations before it checks anything."""
    module = sys.modules[__name__]
    cloudpickle.register_pickle_by_value(module)  # the workers cannot import this test file
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0")
    client = distributed.Client(cluster)
    try:
        client.wait_for_workers(2, timeout=60)
        assert client.run(_count_compiles) == {address: {} for address in client.scheduler_info()["workers"]}
        yield client
    finally:
        client.close()
        cluster.close()
        cloudpickle.unregister_pickle_by_value(module)


@pytest.fixture(scope="module")
def draft() -> amif_rules.Ruleset:
    return amif_rules.parse_ruleset(DRAFT_TEXT)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_records_are_the_verdicts_of_check_in_process(client, engine):
    records = amif_dask.check_bag(db.from_sequence(EXAMPLE_TEXTS, npartitions=4), engine=engine, lang="en").compute()
    expected = [amif_rules.check(text, engine=engine, lang="en").to_dict() for text in EXAMPLE_TEXTS]
    assert len(expected) > 40 and {r["outcome"] for r in expected} == {"eligible", "ineligible", "incomplete"}
    assert records == expected
    assert {record["engine"] for record in records} == {engine}


def test_a_bad_document_is_an_error_record_and_the_others_are_checked(client):
    documents = [EXAMPLE_TEXTS[0], BAD_AMOUNT, "{not json", json.dumps({"call": "999"}), EXAMPLE_TEXTS[1]]
    records = amif_dask.check_bag(db.from_sequence(documents, npartitions=2), engine="python").compute()
    assert records[0] == amif_rules.check(EXAMPLE_TEXTS[0], engine="python").to_dict()
    assert records[4] == amif_rules.check(EXAMPLE_TEXTS[1], engine="python").to_dict()
    assert records[1] == {
        "error": {
            "error": "input",
            "problems": [{"path": "budget.amif", "message": records[1]["error"]["problems"][0]["message"]}],
        }
    }
    assert "expected an amount in euro" in records[1]["error"]["problems"][0]["message"]
    assert records[2]["error"]["error"] == "input" and records[2]["error"]["problems"][0]["message"].startswith("not valid JSON")
    assert records[3]["error"]["error"] == "unknown_call" and "'999'" in records[3]["error"]["message"]


def test_the_dataframe_has_outcome_ruleset_and_error_columns(client, draft):
    documents = [*EXAMPLE_TEXTS[:6], BAD_AMOUNT, None]
    frame = dd.from_pandas(pd.DataFrame({"id": range(len(documents)), "document": documents}), npartitions=3)
    result = amif_dask.check_dataframe(frame, engine="python", ruleset=draft)
    assert list(result.columns) == list(amif_dask.COLUMNS)
    computed = result.compute()
    assert list(computed.index) == list(range(len(documents)))
    assert {str(dtype) for dtype in computed.dtypes} == {"string"}
    for row, text in zip(computed.itertuples(), EXAMPLE_TEXTS[:6]):
        verdict = amif_rules.check(text, engine="python", ruleset=draft)
        assert (row.outcome, row.ruleset_id, row.ruleset_version) == (verdict.outcome, "call-42-dask-draft", "1-draft")
        assert pd.isna(row.error)
    bad, missing = computed.iloc[6], computed.iloc[7]
    assert pd.isna(bad.outcome) and pd.isna(bad.ruleset_id)
    assert json.loads(bad.error)["problems"][0]["path"] == "budget.amif"
    assert json.loads(missing.error) == {"error": "input", "problems": [{"path": "", "message": "the document is empty"}]}


def _portfolio() -> list[str]:
    """The sample portfolio with a bad document every fifth place: more bad documents than a report lists."""
    documents = SAMPLE.read_text(encoding="utf-8").splitlines()
    for place in range(0, 5 * (MAX_LISTED_ERRORS + 20), 5):
        documents.insert(place, BAD_AMOUNT if place % 2 else "[1, 2]")
    return documents


def test_the_impact_over_a_bag_is_the_impact_in_process(client, draft):
    documents = _portfolio()
    expected = impact("call-42", draft, documents, lang="en", engine="python")
    assert expected.changed > 10 and expected.errors == MAX_LISTED_ERRORS + 20
    assert len(expected.bad_documents) == MAX_LISTED_ERRORS
    report = amif_dask.impact_bag(
        db.from_sequence(documents, npartitions=7), draft, lang="en", engine="python", portfolio="<documents>"
    )
    assert type(report) is type(expected)
    assert report.to_dict() == expected.to_dict()
    assert report.to_text() == expected.to_text()


def test_the_impact_over_a_dataframe_and_over_named_documents(client, draft):
    documents = _portfolio()[:200]
    expected = impact(catalog.resolve_ruleset("call-42"), draft, documents, lang="nl", engine="python")
    frame = dd.from_pandas(pd.DataFrame({"document": documents}), npartitions=3)
    report = amif_dask.impact_dataframe(frame, draft, base="call-42", engine="python", portfolio="<documents>")
    assert report.to_dict() == expected.to_dict() and report.changed > 0
    named = [(f"application {n}", text) for n, text in enumerate(documents)]
    by_name = amif_dask.impact_bag(db.from_sequence(named, npartitions=3), draft, engine="python")
    assert [flip.document for flip in by_name.flips] == [f"application {int(f.document[1:]) - 1}" for f in expected.flips]
    assert by_name.portfolio == "<dask bag>"


def test_a_draft_is_one_key_of_the_graph_and_compiled_once_per_worker(client, draft):
    """Twelve partitions on two workers: some worker runs six or more, and still compiles the draft once."""
    documents = [text for text in EXAMPLE_TEXTS if '"call": "42"' in text] * 6
    records = amif_dask.check_bag(db.from_sequence(documents, npartitions=12), engine="python", ruleset=draft)
    shipped = [key for key in dict(records.__dask_graph__()) if str(key).startswith("Ruleset-")]
    assert len(shipped) == 1
    for _ in range(2):
        computed = records.compute()
        assert [r["ruleset"]["id"] for r in computed] == ["call-42-dask-draft"] * len(documents)
    counts = client.run(_count_compiles)
    assert len(counts) == 2
    for ruleset in ("call-42-dask-draft", "call-42"):  # the draft, and the bundled base other tests used
        assert all(count.get(ruleset, 0) <= 1 for count in counts.values()), counts
        assert sum(count.get(ruleset, 0) for count in counts.values()) >= 1, counts
