"""Portfolios on Dask: documents per second with one local worker process and with two, and
the memory of each worker over a long run, for the targets of issue 16.

    python benchmarks/dask_scale.py [--documents 2000] [--chunks 1] [--seed 43] [--workers N [--stream]]

A million documents are checked as ``--documents 1000000 --chunks 20 --workers 2``: twenty bags of
50,000, one after the other on the same cluster (each bag made on the workers and persisted
there first, then checked; with ``--stream``, each partition made, checked and verified in
one graph and never persisted, as a portfolio read from storage is), each worker's
resident memory read after every chunk; memory is flat when the last reading is within 10 % of the one after the
second chunk (the first chunk loads the library and compiles the ruleset). Each worker's
memory is read twice after every chunk: as it is, and settled (after a garbage collection
and glibc's ``malloc_trim``, so that only live memory counts). Every record is
checked against the hand-written decision. The harness (``harness.py``) runs the speed part
with a small set; this script prints its JSON on standard output, progress on standard error.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataset  # noqa: E402
from contestants import common, handwritten  # noqa: E402
from runs import Progress  # noqa: E402

#: How much a worker's memory may grow from the second chunk to the last and still be flat.
FLAT_GROWTH = 0.10
#: Partitions per bag: enough for two workers to share evenly.
PARTITIONS = 16
#: Partitions per bag when streaming (``--stream``): a few hundred documents each.
STREAM_PARTITIONS = 128


class VerificationFailed(Exception):
    """A record differs from the hand-written decision."""


def _worker_rss_mib() -> float:
    """This worker process's resident memory (VmRSS), in MiB (0 where there is no /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _settled_rss_mib() -> float:
    """This worker's resident memory once freed memory is handed back: a garbage collection,
    then glibc's ``malloc_trim(0)`` (where there is glibc), then VmRSS. What it still holds
    then is live: memory that grows from chunk to chunk here is kept by someone, while
    :func:`_worker_rss_mib` also counts what the allocator keeps for later."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    return _worker_rss_mib()


def _split(count: int, parts: int) -> list[range]:
    """``count`` documents in ``parts`` nearly equal parts."""
    return [range(count * part // parts, count * (part + 1) // parts) for part in range(parts)]


def _made(pairs: list[tuple[int, int]]) -> list[dict]:
    """A partition's documents, made on the worker: (how many, seed) → the seeded set."""
    return [document for size, seed in pairs for _, document in dataset.generate(size, seed) if size]


def _decision(record: dict) -> Any:
    """The decision of one record (None for an error record), made on the worker."""
    return None if "error" in record else common.decision_of_dict(record)


def run(count: int, seed: int, workers: int, chunks: int, log: Progress, stream: bool = False) -> dict[str, Any]:
    """Check ``count`` documents in ``chunks`` bags on a LocalCluster of ``workers`` processes.

    ``stream``: as a portfolio read from storage partition by partition is checked: each
    partition's documents are made, checked and compared with the hand-written decision in
    one graph, never persisted, so a worker holds a few partitions at a time (the time
    then includes making the documents)."""
    import dask.bag as db
    from distributed import Client, LocalCluster, wait

    import dask
    from amif_rules.dask import check_bag

    per_chunk = max(1, count // chunks)
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        warm = [document for _, document in dataset.generate(40, seed)]
        check_bag(db.from_sequence(warm, npartitions=workers), engine="python").compute()  # imports, compiles
        seconds = 0.0
        memory: list[dict[str, float]] = []
        settled: list[dict[str, float]] = []
        checked = 0
        for chunk in range(chunks):
            # The documents are made on the workers and kept there (as a portfolio read from
            # storage would be), not shipped inside the task graph; then only the check is timed.
            partitions = STREAM_PARTITIONS if stream else PARTITIONS
            sizes = [len(part) for part in _split(per_chunk, partitions)]
            seeds = [(seed + 1 + chunk) * 1000 + part for part in range(partitions)]
            made = db.from_sequence(list(zip(sizes, seeds)), npartitions=partitions).map_partitions(_made)
            if stream:
                start = time.perf_counter()
                decisions, expected = dask.compute(check_bag(made, engine="python").map(_decision), made.map(handwritten.decide))
                seconds += time.perf_counter() - start
            else:
                documents = made.persist()
                wait(documents)
                start = time.perf_counter()
                # The workers check and keep each decision, as a portfolio run that writes its
                # results to storage does: the time is the cluster's, not the client's.
                outcome = check_bag(documents, engine="python").map(_decision).persist()
                wait(outcome)
                seconds += time.perf_counter() - start
                # Brought to the client only to be verified, untimed.
                decisions, expected = dask.compute(outcome, documents.map(handwritten.decide))
                del documents, outcome
            if decisions != expected or len(decisions) != per_chunk:
                raise VerificationFailed(
                    f"{workers} worker(s), chunk {chunk + 1}: a record differs from the hand-written decision"
                )
            checked += len(decisions)
            memory.append({str(k): round(v, 1) for k, v in client.run(_worker_rss_mib).items()})
            settled.append({str(k): round(v, 1) for k, v in client.run(_settled_rss_mib).items()})
            log(f"dask, {workers} worker(s){', streamed' if stream else ''}: {checked:,} of {per_chunk * chunks:,} documents")
    result: dict[str, Any] = {
        "workers": workers,
        "streamed": stream,
        "documents": checked,
        "seconds": round(seconds, 3),
        "documents_per_s": round(checked / seconds, 1),
        "worker_rss_mib": memory,
        "worker_settled_rss_mib": settled,
    }
    if chunks >= 3:
        result["memory_growth"] = _growth(memory)
        result["settled_memory_growth"] = _growth(settled)
    return result


def _growth(readings: list[dict[str, float]]) -> float | None:
    """The largest growth of a worker's reading from the second chunk to the last."""
    growth = [
        (readings[-1][worker] - readings[1][worker]) / readings[1][worker] for worker in readings[1] if readings[1][worker] > 0
    ]
    return round(max(growth), 4) if growth else None


def measure(count: int, seed: int, log: Progress, chunks: int = 1, pairs: int = 3) -> dict[str, Any]:
    """One worker, then two, on the same documents, ``pairs`` times in turn; the speedup is
    the median of the pairs' ratios (one pair on two shared cores swung from 1.54× to
    1.69× between two runs). Or why Dask could not be measured."""
    try:
        import amif_rules.dask  # noqa: F401
    except ImportError as error:
        return {"unavailable": str(error)}
    ratios, one, two = [], {}, {}
    for _ in range(max(1, pairs)):
        one = run(count, seed, 1, chunks, log)
        two = run(count, seed, 2, chunks, log)
        ratios.append(two["documents_per_s"] / one["documents_per_s"])
    return {
        "workers_1": one,
        "workers_2": two,
        "speedup": round(statistics.median(ratios), 3),
        "speedups": [round(ratio, 3) for ratio in ratios],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=2000, help="documents per worker count (default 2000)")
    parser.add_argument("--chunks", type=int, default=1, help="bags checked one after the other (default 1)")
    parser.add_argument("--seed", type=int, default=43)
    parser.add_argument("--workers", type=int, help="only this many workers (default: one, then two, and the speedup)")
    parser.add_argument(
        "--stream",
        action="store_true",
        help="make, check and verify each partition in one graph, nothing persisted (with --workers)",
    )
    args = parser.parse_args(argv)
    log = Progress()
    if args.workers:
        result = run(args.documents, args.seed, args.workers, args.chunks, log, stream=args.stream)
    else:
        result = measure(args.documents, args.seed, log, args.chunks)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
