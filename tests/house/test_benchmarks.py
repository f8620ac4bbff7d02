"""The benchmark harness (benchmarks/harness.py) runs, verifies before it times, and reports
every contestant and figure. No timing is asserted: the machine is shared."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "benchmarks"
CONTESTANTS = (
    "handwritten",
    "amif-python",
    "amif-durable",
    "raw-durable",
    "zen-graph",
    "zen-expression",
    "zen-expression-per-rule",
)
#: Contestants that may be unavailable, and the module whose absence excuses it.
OPTIONAL = {
    "amif-durable": "durable_rules_engine",
    "raw-durable": "durable_rules_engine",
    "zen-graph": "zen",
    "zen-expression": "zen",
    "zen-expression-per-rule": "zen",
}


def _importable(module: str) -> bool:
    try:
        __import__(module)
    except Exception:  # noqa: BLE001
        return False
    return True


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    output = tmp_path_factory.mktemp("bench") / "results.json"
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "harness.py"), "--quick", "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(ROOT),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(output.read_text(encoding="utf-8")), done


def test_verification_passes_before_timing(quick_run):
    results, done = quick_run
    verification = results["verification"]
    assert verification["passed"] is True
    assert verification["documents"] == results["meta"]["documents"] > 0
    available = [key for key, entry in results["contestants"].items() if entry["available"]]
    assert set(verification["decisions_checked"]) == set(available)
    assert "amif-python" in verification["full_verdicts_checked"]
    # progress on standard error, the verification before the first measure
    assert done.stderr.index("verified:") < done.stderr.index("throughput round 1")


def test_every_contestant_and_figure_is_reported(quick_run):
    results, done = quick_run
    assert set(results["contestants"]) == set(CONTESTANTS)
    for key, entry in results["contestants"].items():
        if not entry["available"]:
            assert key in OPTIONAL and not _importable(OPTIONAL[key]), f"{key}: {entry['unavailable']}"
            assert entry["unavailable"]
            continue
        modes = ("decision", "full") if key.startswith("amif-") else ("decision",)
        for mode in modes:
            figures = entry[mode]
            assert figures["per_s"] > 0
            assert figures["ratio_to_handwritten"] > 0
            assert figures["latency"]["p50_us"] <= figures["latency"]["p99_us"]
            assert figures["memory"]["peak_kib_median"] >= 0
        if not key.startswith("amif-"):
            assert entry["full"] is None
    assert results["contestants"]["handwritten"]["decision"]["ratio_to_handwritten"] == 1.0
    cold = results["cold_load"]
    assert cold["amif-rules"]["import_ms"] > 0 and "load_compile_python_ms" in cold["amif-rules"]
    assert "import_ms" in cold["handwritten"]
    assert results["cli"]["check"]["median_s"] > 0
    batch = results["batch"]
    assert batch["jobs_1"]["verified"] is True and batch["jobs_1"]["documents_per_s"] > 0
    assert "documents_per_s" in batch["jobs_2"] or "unavailable" in batch["jobs_2"]
    statuses = {row["status"] for row in results["targets"]}
    assert statuses <= {"reached", "not reached", "not measured"}
    assert len(results["targets"]) == 9
    dask = results["dask"]
    assert dask["workers_1"]["documents"] == dask["workers_2"]["documents"] > 0 and dask["speedup"] > 0
    # the short table on standard output names every contestant
    for entry in results["contestants"].values():
        assert entry["label"] in done.stdout
    assert "target (issue 16)" in done.stdout


def test_a_contestant_that_disagrees_stops_the_run(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import dataset
    import harness

    documents = dataset.generate(20, seed=7)
    contestants = [c for c in harness.build_contestants() if c.key in ("handwritten", "amif-python")]
    wrong = contestants[0]
    right = wrong.decide

    def decide(document):
        outcome, rules = right(document)
        return ("eligible" if outcome != "eligible" else "ineligible"), rules

    wrong.decide = decide
    with pytest.raises(harness.VerificationFailed, match="handwritten: document 0"):
        harness.verify(contestants, documents, lambda message: None)


def test_the_dataset_is_fixed_by_its_seed(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import dataset

    first, second = dataset.generate(60, seed=3), dataset.generate(60, seed=3)
    assert first == second
    assert first != dataset.generate(60, seed=4)
    summary = dataset.summary(first)
    assert set(summary["by_category"]) == {name for name, _, _ in dataset.CATEGORIES}
    assert summary["partners"]["max"] <= 5 and summary["participants"]["max"] <= 50


def test_the_stages_add_up_to_a_check():
    """benchmarks/stages.py times each stage of check() beside the hand-written function."""
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "stages.py"), "--documents", "20", "--rounds", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(ROOT),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = {
        line.split("|")[1].strip(): line.split("|")[2].strip()
        for line in done.stdout.splitlines()
        if line.startswith("| ") and not line.startswith("| stage")
    }
    assert "hand-written function (the whole decision)" in rows
    assert "read and validate the document (the generated reader, readgen)" in rows
    assert "read, derive, encode and decide in one generated function (quickcheck, built-in engine)" in rows
    assert "check(...).outcomes(), the whole decision" in rows
    assert all(float(value.replace(",", "")) > 0 for value in rows.values())


def test_a_stream_is_checked_in_order_with_its_memory_watched(tmp_path):
    """benchmarks/batch_stream.py pipes generated documents through amif-rules check --jsonl
    --jobs 2 and checks every output line (what its million-document run does, smaller)."""
    output, chart = tmp_path / "stream.json", tmp_path / "memory.svg"
    done = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "batch_stream.py"),
            "300",
            "--jobs",
            "2",
            "--output",
            str(output),
            "--chart",
            str(chart),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(ROOT),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(output.read_text(encoding="utf-8"))
    assert result["counts"]["lines"] == 300 and result["counts"]["out_of_order"] == 0
    assert result["counts"]["eligible"] + result["counts"]["ineligible"] + result["counts"]["incomplete"] == 300
    assert chart.read_text(encoding="utf-8").startswith("<svg")


def test_dask_scale_streams_partitions_and_reads_memory_twice_per_chunk():
    """benchmarks/dask_scale.py --stream (what its million-document run does, smaller): every
    decision verified on the workers' graph, each worker's memory read as it is and settled."""
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "dask_scale.py"), "--documents", "600", "--chunks", "3", "--workers", "1", "--stream"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(ROOT),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["streamed"] is True and result["documents"] == 600
    assert len(result["worker_rss_mib"]) == len(result["worker_settled_rss_mib"]) == 3
    assert all(reading > 0 for chunk in result["worker_settled_rss_mib"] for reading in chunk.values())
    assert isinstance(result["memory_growth"], float) and isinstance(result["settled_memory_growth"], float)
