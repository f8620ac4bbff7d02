"""Soak: evaluate many call-42 applications on one engine and watch the process's memory.

    python benchmarks/soak.py --engine durable --evaluations 1000000

``--level engine`` (the default) evaluates pre-compiled facts directly on the engine, which
is where durable-rules keeps its sessions; ``--level check`` runs the whole ``check()``
(document, facts, engine, explained verdict), which is slower.

Prints progress (evaluations, rate, resident memory) every tenth of the run and a final
line with the memory at the first and last checkpoint. The documents rotate through the
bundled examples, so every rule outcome (pass, fail, unknown, not applicable) occurs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import amif_rules
from amif_rules.documents import parse_text, read_application


def resident_mb() -> float:
    """Resident set size of this process, in MB (Linux /proc; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        return 0.0
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="durable", choices=("durable", "python"))
    parser.add_argument("--evaluations", type=int, default=100_000)
    parser.add_argument("--level", default="engine", choices=("engine", "check"))
    args = parser.parse_args()
    examples = Path(__file__).resolve().parents[1] / "examples"
    documents = [read_application(parse_text(p.read_bytes())) for p in sorted(examples.glob("call-42-*"))]
    expected = [amif_rules.check(d, engine="python").to_dict() for d in documents]
    for document, reference in zip(documents, expected):  # agree before timing anything
        verdict = amif_rules.check(document, engine=args.engine).to_dict()
        verdict["engine"] = reference["engine"]
        assert verdict == reference, "the engines disagree"
    from amif_rules.api import prepare
    from amif_rules.engines import get_engine

    made = [prepare(d) for d in documents]  # what check() evaluates
    prepared = made[0][0]
    assert all(p is prepared for p, _ in made), "the examples share one version of call 42"
    engine = get_engine(args.engine)
    encoded = [prepared.plan.encode(facts) for _, facts in made]
    outcomes = [engine.evaluate(prepared.plan.compiled, e) for e in encoded]
    step = max(args.evaluations // 10, 1)
    start = time.perf_counter()
    first_mb = None
    for index in range(1, args.evaluations + 1):
        which = index % len(documents)
        if args.level == "engine":
            result = engine.evaluate(prepared.plan.compiled, encoded[which])
            if result != outcomes[which]:
                raise SystemExit(f"evaluation {index} gave different outcomes")
        else:
            amif_rules.check(documents[which], engine=args.engine)
        if index % step == 0 or index == args.evaluations:
            rss = resident_mb()
            first_mb = rss if first_mb is None else first_mb
            rate = index / (time.perf_counter() - start)
            print(f"{index:>10,} evaluations  {rate:8,.0f}/s  RSS {rss:7.1f} MB", file=sys.stderr, flush=True)
    last_mb = resident_mb()
    print(
        f"engine={args.engine} level={args.level} evaluations={args.evaluations} rss_first_checkpoint_mb={first_mb:.1f} "
        f"rss_end_mb={last_mb:.1f} growth_mb={last_mb - first_mb:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
