"""Soak with threads: N threads evaluate the bundled examples at once, against one thread.

    python benchmarks/soak_threads.py --engine durable --threads 8 --evaluations 125000

Every example of ``examples/`` (all calls) is evaluated once on one thread first; then
``--threads`` threads, started together, each evaluate ``--evaluations`` of them in turn
and compare every outcome with the single-thread one. ``--level engine`` (the default)
evaluates pre-encoded facts on the engine; ``--level check`` runs the whole ``check()``
(reading, facts, engine, messages in nl/fr/en) and compares the verdict JSON.

Prints one line: evaluations, mismatches, rate, resident memory before and after, the
process's peak resident memory (VmHWM), and, for durable, the sessions left behind (0).
Exits 1 on any mismatch or leftover session.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

import amif_rules
from amif_rules.api import prepare
from amif_rules.documents import parse_text, read_application
from amif_rules.engines import get_engine


def memory_mb(field: str) -> float:
    """A field of /proc/self/status (VmRSS, VmHWM) in MB; 0 where there is none."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1e3
    except OSError:
        pass
    return 0.0


def encoded(document):
    prepared, facts = prepare(read_application(document))  # what check() evaluates
    return prepared.plan.compiled, prepared.plan.encode(facts)


def sessions_left() -> int:
    """How many durable rulesets still hold the engine's session (error 309 means none)."""
    import durable_rules_engine

    from amif_rules.engines import durable

    left = 0
    for plan in durable.PLANS.values():
        try:
            durable_rules_engine.get_state(plan.handle, durable.SID)
            left += 1
        except durable_rules_engine.error as error:
            if "309" not in str(error):
                raise
    return left


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="durable", choices=("durable", "python"))
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--evaluations", type=int, default=10_000, help="per thread")
    parser.add_argument("--level", default="engine", choices=("engine", "check"))
    args = parser.parse_args()
    examples = Path(__file__).resolve().parents[1] / "examples"
    documents = [parse_text(p.read_bytes()) for p in sorted(examples.glob("*.json"))]
    engine = get_engine(args.engine)
    langs = ("nl", "fr", "en")
    if args.level == "engine":
        items = [encoded(document) for document in documents]

        def run(index: int):
            return engine.evaluate(*items[index])
    else:
        items = [(document, lang) for document in documents for lang in langs]

        def run(index: int):
            document, lang = items[index]
            return json.dumps(amif_rules.check(document, engine=args.engine, lang=lang).to_dict(), ensure_ascii=False)

    expected = [run(index) for index in range(len(items))]
    before = memory_mb("VmRSS")
    barrier = threading.Barrier(args.threads)
    mismatches = [0] * args.threads

    def work(thread: int) -> None:
        barrier.wait()
        for step in range(args.evaluations):
            index = (thread * 7919 + step * 31) % len(items)
            if run(index) != expected[index]:
                mismatches[thread] += 1

    start = time.perf_counter()
    workers = [threading.Thread(target=work, args=(t,)) for t in range(args.threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - start
    total = args.threads * args.evaluations
    left = sessions_left() if args.engine == "durable" else 0
    print(
        f"engine={args.engine} level={args.level} threads={args.threads} evaluations={total} "
        f"mismatches={sum(mismatches)} seconds={elapsed:.1f} rate={total / elapsed:.0f}/s "
        f"rss_before_mb={before:.1f} rss_after_mb={memory_mb('VmRSS'):.1f} peak_rss_mb={memory_mb('VmHWM'):.1f} "
        f"sessions_left={left}"
    )
    return 1 if sum(mismatches) or left else 0


if __name__ == "__main__":
    sys.exit(main())
