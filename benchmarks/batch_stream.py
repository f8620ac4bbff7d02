"""Batch mode over a long stream: N generated documents piped through ``amif-rules check``.

    python benchmarks/batch_stream.py 1000000 --jobs 2

Runs, as three processes joined by pipes (nothing is written to disk)::

    python benchmarks/stream_documents.py N | amif-rules check - --jsonl --jobs J | (counted here)

and, while it runs, samples every second the resident memory (VmRSS, from /proc) of the
``amif-rules`` process and of each of its worker processes. It reads every output line,
counts the verdicts by outcome and checks that there is one line per document, in order (each
line names its document, ``stdin:LINE``). Progress goes to standard error; the samples and
the totals to ``--output`` (JSON), and the memory over time to ``--chart`` (SVG), so that a
flat line can be seen rather than read.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def resident_kib(pid: int) -> int:
    """VmRSS of one process in KiB, 0 when it is gone (or without /proc)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("documents", type=int)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--command", default=None, help="the amif-rules command (default: this Python's -m amif_rules)")
    parser.add_argument("--output", default=str(HERE / "batch_stream.json"))
    parser.add_argument("--chart", default=str(HERE.parent / "docs" / "images" / "batch-stream-memory.svg"))
    parser.add_argument("--again", action="store_true", help="no run: summarise and chart the samples already in --output")
    args = parser.parse_args()
    if args.again:
        result = json.loads(Path(args.output).read_text(encoding="utf-8"))
        result.update(memory_summary(result["samples"], result["documents"]))
        Path(args.output).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        Path(args.chart).write_text(chart(result), encoding="utf-8")
        print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=1))
        return 0

    check = args.command.split() if args.command else [sys.executable, "-m", "amif_rules"]
    producer = subprocess.Popen([sys.executable, str(HERE / "stream_documents.py"), str(args.documents)], stdout=subprocess.PIPE)
    checker = subprocess.Popen(
        [*check, "check", "-", "--jsonl", "--jobs", str(args.jobs)], stdin=producer.stdout, stdout=subprocess.PIPE
    )
    assert producer.stdout is not None and checker.stdout is not None
    producer.stdout.close()  # the checker holds the pipe now

    samples: list[dict] = []
    counts = {"lines": 0, "eligible": 0, "ineligible": 0, "incomplete": 0, "errors": 0, "out_of_order": 0}
    start = time.monotonic()
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            workers = children(checker.pid)
            samples.append(
                {
                    "seconds": round(time.monotonic() - start, 1),
                    "documents": counts["lines"],
                    "main_kib": resident_kib(checker.pid),
                    "workers_kib": [resident_kib(pid) for pid in workers],
                }
            )
            last = samples[-1]
            elapsed = max(last["seconds"], 1e-9)
            sys.stderr.write(
                f"\r{counts['lines']:,} / {args.documents:,} documents ({counts['lines'] / elapsed:,.0f}/s), "
                f"memory: main {last['main_kib'] / 1024:.1f} MiB, workers "
                + ", ".join(f"{kib / 1024:.1f}" for kib in last["workers_kib"])
                + " MiB   "
            )
            sys.stderr.flush()
            done.wait(1.0)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    marker = b'"outcome": "'
    for number, line in enumerate(checker.stdout, start=1):
        counts["lines"] = number
        if not line.startswith(b'{"document": "stdin:%d"' % number):
            counts["out_of_order"] += 1
        at = line.find(marker)
        if at < 0 or b'"error":' in line[:80]:
            counts["errors"] += 1
            continue
        word = line[at + len(marker) : line.index(b'"', at + len(marker))].decode()
        counts[word] = counts.get(word, 0) + 1
    status = checker.wait()
    producer.wait()
    done.set()
    watcher.join()
    elapsed = time.monotonic() - start
    sys.stderr.write("\n")
    result = {
        "documents": args.documents,
        "jobs": args.jobs,
        "exit_status": status,
        "seconds": round(elapsed, 1),
        "documents_per_s": round(counts["lines"] / elapsed, 1),
        "counts": counts,
        "samples": samples,
    }
    result.update(memory_summary(samples, args.documents))
    Path(args.output).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    Path(args.chart).write_text(chart(result), encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=1))
    ok = status == 0 and counts["lines"] == args.documents and not counts["out_of_order"] and not counts["errors"]
    return 0 if ok else 1


def memory_summary(samples: list[dict], documents: int) -> dict:
    """Peaks, and the range while the stream runs: after the first 10 s (start-up, the first
    window) and before the last document (shut-down), counting only processes alive."""

    def alive(values):
        return [kib for kib in values if kib > 0]

    steady = [s for s in samples if s["seconds"] >= 10 and s["documents"] < documents]
    main = alive(s["main_kib"] for s in steady)
    workers = alive(kib for s in steady for kib in s["workers_kib"])

    def mib_range(values):
        return [round(min(values) / 1024, 1), round(max(values) / 1024, 1)] if values else None

    return {
        "main_peak_mib": round(max(alive(s["main_kib"] for s in samples) or [0]) / 1024, 1),
        "worker_peak_mib": round(max(alive(k for s in samples for k in s["workers_kib"]) or [0]) / 1024, 1),
        "main_mib_while_streaming": mib_range(main),
        "worker_mib_while_streaming": mib_range(workers),
        "samples_while_streaming": len(steady),
    }


def chart(result: dict) -> str:
    """An SVG line chart: resident memory (MiB) of the main process and each worker over
    the documents checked."""
    samples = [s for s in result["samples"] if s["documents"] > 0]
    width, height, left, bottom, top, right = 740, 320, 60, 40, 30, 45
    most = max(result["documents"], 1)
    # Only processes alive: a process that has exited reads 0.
    series = {"main process": [(s["documents"], s["main_kib"] / 1024) for s in samples if s["main_kib"]]}
    for index in range(max((len(s["workers_kib"]) for s in samples), default=0)):
        series[f"worker {index + 1}"] = [
            (s["documents"], s["workers_kib"][index] / 1024)
            for s in samples
            if len(s["workers_kib"]) > index and s["workers_kib"][index]
        ]
    ceiling = max([value for points in series.values() for _, value in points] + [1]) * 1.25

    def x(documents: float) -> float:
        return left + (width - left - right) * documents / most

    def y(mib: float) -> float:
        return height - bottom - (height - bottom - top) * mib / ceiling

    colours = ["#1f6feb", "#d9480f", "#2b8a3e", "#862e9c"]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
        f'<text x="{left}" y="18">Resident memory while checking {result["documents"]:,} documents '
        f"(--jobs {result['jobs']}, {result['documents_per_s']:,.0f} documents/s)</text>",
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#333"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#333"/>',
    ]
    for step in range(5):
        mib = ceiling * step / 4
        out.append(f'<text x="{left - 6}" y="{y(mib) + 4:.1f}" text-anchor="end">{mib:.0f}</text>')
        out.append(f'<line x1="{left}" y1="{y(mib):.1f}" x2="{width - right}" y2="{y(mib):.1f}" stroke="#ddd"/>')
    for step in range(5):
        documents = most * step / 4
        out.append(f'<text x="{x(documents):.1f}" y="{height - bottom + 16}" text-anchor="middle">{documents:,.0f}</text>')
    out.append(f'<text x="{(left + width) / 2}" y="{height - 4}" text-anchor="middle">documents checked</text>')
    out.append(
        f'<text x="14" y="{(top + height - bottom) / 2}" transform="rotate(-90 14 {(top + height - bottom) / 2})" '
        f'text-anchor="middle">MiB resident</text>'
    )
    for index, (name, points) in enumerate(series.items()):
        colour = colours[index % len(colours)]
        path = " ".join(f"{x(d):.1f},{y(m):.1f}" for d, m in points)
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{path}"/>')
        out.append(f'<text x="{width - right - 150}" y="{top + 16 * (index + 1)}" fill="{colour}">{name}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
