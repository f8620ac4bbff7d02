"""Where a check's time goes: each stage of ``amif_rules.check`` timed apart, on the
harness's documents, beside the hand-written function in the same rounds.

    python benchmarks/stages.py [--documents 400] [--rounds 7] [--engine python]

Each stage runs on what the stage before it produced (made once, outside the timing), so
the stages add up to about one ``check`` the long way; with the built-in engine, ``check``
runs the first four in one generated function per ruleset (``quickcheck``), timed as one. Prints a Markdown table: µs per document (median
over rounds) and each stage's time as a multiple of the hand-written function's whole
decision, measured in the same round.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import amif_rules  # noqa: E402
import dataset  # noqa: E402
from amif_rules.api import prepare_flat  # noqa: E402
from amif_rules.engines import get_engine  # noqa: E402
from amif_rules.quickcheck import quick_check  # noqa: E402
from amif_rules.readgen import quick_flat  # noqa: E402
from amif_rules.verdict import build_verdict  # noqa: E402
from contestants import handwritten  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--engine", default="python", choices=("python", "durable"))
    args = parser.parse_args()

    documents = [document for _, document in dataset.generate(args.documents, args.seed)]
    engine = get_engine(args.engine)
    count = len(documents)

    def flats():
        return [quick_flat(document) for document in documents]

    prepared = [prepare_flat(flat) for flat in flats()]
    encoded = [plan.plan.encode(facts) for plan, facts in prepared]
    outcomes = [engine.evaluate(plan.plan.compiled, facts) for (plan, _), facts in zip(prepared, encoded)]
    verdicts = [
        build_verdict(plan.ruleset, facts, found, engine.name, "nl", "42") for (plan, facts), found in zip(prepared, outcomes)
    ]
    assert all(flat is not None for flat in flats()), "every benchmark document takes the quick way"

    stages = {
        "hand-written function (the whole decision)": lambda: [handwritten.decide(d) for d in documents],
        "read and validate the document (the generated reader, readgen)": flats,
        "derive facts, pick the ruleset (prepare_flat)": None,  # timed on fresh flats below
        "encode the facts for the engine (Plan.encode)": lambda: [p.plan.encode(f) for p, f in prepared],
        f"evaluate the rules ({args.engine} engine)": lambda: [
            engine.evaluate(p.plan.compiled, e) for (p, _), e in zip(prepared, encoded)
        ],
        "aggregate the verdict (build_verdict)": lambda: [
            build_verdict(p.ruleset, f, o, engine.name, "nl", "42") for (p, f), o in zip(prepared, outcomes)
        ],
        "the decision (verdict.outcomes())": lambda: [v.outcomes() for v in verdicts],
        "read, derive, encode and decide in one generated function (quickcheck, built-in engine)": lambda: [
            quick_check(d, None, None, None, True) for d in documents
        ],
        "aggregate and explain (build_verdict, to_dict() in nl)": lambda: [
            build_verdict(p.ruleset, f, o, engine.name, "nl", "42").to_dict() for (p, f), o in zip(prepared, outcomes)
        ],
        "check(...).outcomes(), the whole decision": lambda: [
            amif_rules.check(d, engine=args.engine).outcomes() for d in documents
        ],
        "check(...).to_dict(), the whole full verdict": lambda: [
            amif_rules.check(d, engine=args.engine).to_dict() for d in documents
        ],
    }
    timings: dict[str, list[float]] = {name: [] for name in stages}
    ratios: dict[str, list[float]] = {name: [] for name in stages}
    for round_number in range(args.rounds):
        sys.stderr.write(f"\rround {round_number + 1}/{args.rounds}")
        sys.stderr.flush()
        this_round = {}
        for name, run in stages.items():
            if run is None:
                fresh = flats()
                start = time.perf_counter()
                for flat in fresh:
                    prepare_flat(flat)
            else:
                start = time.perf_counter()
                run()
            this_round[name] = (time.perf_counter() - start) / count * 1e6
        hand = this_round["hand-written function (the whole decision)"]
        for name, micros in this_round.items():
            timings[name].append(micros)
            ratios[name].append(micros / hand)
    sys.stderr.write("\n")
    print(
        f"Stages of a check, {count} call-42 documents (seed {args.seed}), {args.rounds} rounds, {args.engine} engine; medians.\n"
    )
    print("| stage | µs per document | × the hand-written decision |")
    print("|---|---:|---:|")
    for name in stages:
        print(f"| {name} | {statistics.median(timings[name]):,.1f} | {statistics.median(ratios[name]):.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
