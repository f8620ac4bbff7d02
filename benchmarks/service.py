"""Throughput of the HTTP service (``amif-rules serve``) against ``amif_rules.check`` in process.

    python benchmarks/service.py [--quick] [--workers 1,2] [--threads 8] [--seconds S] [--output FILE]

On one fixed, seeded set of call-42 applications (``benchmarks/dataset.py``), in one run:

1. starts real servers (``python -m amif_rules serve`` on free loopback ports, one with each
   ``--workers`` count) and **verifies** that each answers every document as
   ``amif_rules.check`` does in process, byte for byte (``POST /v1/check``) and line for line
   (``POST /v1/check/batch``); it stops with exit status 1 before timing anything if not;
2. measures, in ``--repeat`` interleaved rounds (in-process, then every server and endpoint,
   in a new shuffled order each round), for ``--seconds`` each:

   - in process: ``amif_rules.check(document).to_dict()`` one document after the other, in
     this process (one thread: what one core gives);
   - ``POST /v1/check``: ``--threads`` clients at once, each a thread with its own keep-alive
     connection (``http.client.HTTPConnection``), one document per request;
   - ``POST /v1/check/batch``: the same clients, ``--batch-size`` documents per request, every
     answer line counted;

   requests/s (documents/s for batches), the latency of a request (p50, p99), the servers'
   CPU time per document (from /proc), and each rate's ratio to the in-process rate *of the
   same round*; figures are medians over the rounds;
3. prints a table (Markdown) on standard output, progress on standard error, and writes
   every figure to ``--output`` (JSON).

The clients run in this process, on the same machine as the servers: on a small machine they
take a share of its cores, so the figures are what one machine does as client and server
at once, a floor for the server alone. ``--quick`` is a smoke run (its figures are not meant
to be quoted).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
try:
    import amif_rules
except ImportError:  # a source checkout that is not installed
    sys.path.insert(0, str(ROOT / "src"))
    import amif_rules

import dataset  # noqa: E402  (benchmarks/dataset.py)
from runs import Progress, finish, load_average  # noqa: E402  (benchmarks/runs.py)

SCHEMA_VERSION = 1
HOST = "127.0.0.1"


# ----------------------------------------------------------------------------------------------
# servers


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _environment() -> dict[str, str]:
    """The servers import the same amif_rules as this process."""
    env = dict(os.environ)
    source = str(Path(amif_rules.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source, env.get("PYTHONPATH", "")) if p)
    return env


class Server:
    """``amif-rules serve --workers N`` on a free loopback port, its access log discarded (what
    it says on standard error kept in ``folder``)."""

    def __init__(self, workers: int, options: list[str], folder: Path):
        self.workers = workers
        self.port = _free_port()
        self.said = folder / f"serve-{self.port}.log"
        with self.said.open("wb") as said:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "amif_rules", "serve", "--port", str(self.port), "--workers", str(workers), *options],
                stdout=subprocess.DEVNULL,
                stderr=said,
                env=_environment(),
            )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode}): {self._said()}")
            try:
                with urllib.request.urlopen(f"http://{HOST}:{self.port}/readyz", timeout=5) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the server did not become ready in 60 s")
            time.sleep(0.1)

    def _said(self) -> str:
        return self.said.read_text(errors="replace")[-2000:]

    def pids(self) -> list[int]:
        """The server's process and its workers."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            children = []
        return [self.process.pid, *(int(pid) for pid in children)]

    def cpu_seconds(self) -> float | None:
        """User + system time of the server's processes so far (Linux; None elsewhere)."""
        total = 0.0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                if pid == self.process.pid:
                    return None
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _post(connection: http.client.HTTPConnection, path: str, body: bytes, content_type: str) -> tuple[int, bytes]:
    connection.request("POST", path, body, {"Content-Type": content_type})
    response = connection.getresponse()
    return response.status, response.read()


# ----------------------------------------------------------------------------------------------
# verification


class VerificationFailed(Exception):
    pass


def verify(server: Server, documents: list[dict], bodies: list[bytes], batch_size: int) -> dict[str, int]:
    """Every document gets its in-process verdict from ``server``: the same bytes one by one,
    the same JSON line by line in batches."""
    connection = http.client.HTTPConnection(HOST, server.port, timeout=60)
    try:
        for index, (document, body) in enumerate(zip(documents, bodies)):
            status, answer = _post(connection, "/v1/check", body, "application/json")
            expected = amif_rules.check(document).to_json()
            if status != 200 or answer.decode("utf-8") != expected:
                raise VerificationFailed(
                    f"{server.workers} worker(s), POST /v1/check, document {index}: {status} {answer[:300]!r}"
                )
        for start in range(0, len(bodies), batch_size):
            chunk = bodies[start : start + batch_size]
            status, answer = _post(connection, "/v1/check/batch", b"\n".join(chunk) + b"\n", "application/x-ndjson")
            lines = answer.decode("utf-8").splitlines()
            if status != 200 or len(lines) != len(chunk):
                raise VerificationFailed(f"{server.workers} worker(s), batch at {start}: {status}, {len(lines)} lines")
            for offset, line in enumerate(lines):
                if json.loads(line) != amif_rules.check(documents[start + offset]).to_dict():
                    raise VerificationFailed(f"{server.workers} worker(s), batch, document {start + offset}: {line[:300]}")
    finally:
        connection.close()
    return {"single_checked": len(bodies), "batch_checked": len(bodies)}


# ----------------------------------------------------------------------------------------------
# measures


def _percentile(ordered: list[float], percent: float) -> float:
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * percent / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def in_process(documents: list[dict], seconds: float, offset: int) -> dict[str, Any]:
    """``check(document).to_dict()`` one after the other for ``seconds``."""
    check = amif_rules.check
    latencies: list[float] = []
    count = len(documents)
    index = offset
    clock = time.perf_counter
    start = clock()
    deadline = start + seconds
    while True:
        before = clock()
        check(documents[index % count]).to_dict()
        after = clock()
        latencies.append(after - before)
        index += 1
        if after >= deadline:
            break
    elapsed = clock() - start
    return {"documents": len(latencies), "seconds": elapsed, "latencies": latencies}


def load(server: Server, bodies: list[bytes], batch_size: int, threads: int, seconds: float, offset: int) -> dict[str, Any]:
    """``threads`` clients, each on its own keep-alive connection, posting documents (one per
    request, or ``batch_size`` per batch) to ``server`` for ``seconds``."""
    if batch_size > 1:
        path, content_type = "/v1/check/batch", "application/x-ndjson"
        payloads = [
            b"\n".join(bodies[(start + k) % len(bodies)] for k in range(batch_size)) + b"\n"
            for start in range(0, len(bodies), batch_size)
        ]
    else:
        path, content_type = "/v1/check", "application/json"
        payloads = bodies
    latencies: list[list[float]] = [[] for _ in range(threads)]
    failures: list[str] = []
    ready = threading.Barrier(threads + 1, timeout=60)
    stop_at: list[float] = []

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(HOST, server.port, timeout=120)
        mine = latencies[number]
        index = offset + number * 7
        clock = time.perf_counter
        try:
            connection.connect()
            ready.wait()
            while clock() < stop_at[0]:
                before = clock()
                status, answer = _post(connection, path, payloads[index % len(payloads)], content_type)
                mine.append(clock() - before)
                index += 1
                if status != 200 or (batch_size > 1 and (answer.count(b"\n") != batch_size or b'{"index": ' in answer)):
                    failures.append(f"{path}: {status} {answer[:200]!r}")
                    return
        except (OSError, http.client.HTTPException, threading.BrokenBarrierError) as error:
            failures.append(f"{path}: {type(error).__name__}: {error}")
            ready.abort()
        finally:
            connection.close()

    workers = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(threads)]
    for worker in workers:
        worker.start()
    cpu_before = server.cpu_seconds()
    start = time.perf_counter()
    stop_at.append(start + seconds)
    try:
        ready.wait()
    except threading.BrokenBarrierError:
        pass  # a client could not connect: said below
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - start
    cpu_after = server.cpu_seconds()
    if failures:
        raise RuntimeError(f"{len(failures)} request(s) failed, the first: {failures[0]}")
    every = [value for values in latencies for value in values]
    return {
        "requests": len(every),
        "documents": len(every) * batch_size,
        "seconds": elapsed,
        "latencies": every,
        "server_cpu_seconds": None if cpu_before is None or cpu_after is None else cpu_after - cpu_before,
    }


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def summarise(rounds: list[dict[str, Any]], baseline: list[dict[str, Any]], batch_size: int) -> dict[str, Any]:
    """Medians over the rounds; each ratio taken within its round."""
    rates = [r["documents"] / r["seconds"] for r in rounds]
    ratios = [rate / (b["documents"] / b["seconds"]) for rate, b in zip(rates, baseline)]
    latencies = sorted(value for r in rounds for value in r["latencies"])
    summary: dict[str, Any] = {
        "documents_per_s": round(_median(rates), 1),
        "requests_per_s": round(_median([r["requests"] / r["seconds"] for r in rounds]), 1),
        "ratio_to_in_process": round(_median(ratios), 4),
        "ratio_min": round(min(ratios), 4),
        "ratio_max": round(max(ratios), 4),
        "latency": {
            "p50_ms": round(_percentile(latencies, 50) * 1000, 3),
            "p99_ms": round(_percentile(latencies, 99) * 1000, 3),
            "max_ms": round(latencies[-1] * 1000, 3) if latencies else None,
        },
        "requests": sum(r["requests"] for r in rounds),
        "documents_per_request": batch_size,
        "per_round": [round(rate, 1) for rate in rates],
    }
    cpu = [r["server_cpu_seconds"] for r in rounds if r.get("server_cpu_seconds") is not None]
    if cpu:
        summary["server_cpu_ms_per_document"] = round(1000 * sum(cpu) / sum(r["documents"] for r in rounds), 3)
    return summary


# ----------------------------------------------------------------------------------------------
# report


def render(results: dict[str, Any]) -> str:
    meta = results["meta"]
    base = results["in_process"]
    lines = [
        f"amif-rules service benchmark — {meta['documents']} call-42 documents (seed {meta['seed']}), "
        f"{meta['threads']} keep-alive clients, {meta['repeat']} interleaved round(s) of {meta['seconds_per_measure']:g} s"
        + (", servers with a decision log" if meta["decision_log"] else ""),
        f"{meta['cpus']} CPU(s), load average {meta['load_average_start']} at the start; clients and servers on this machine",
        "",
        "| what | workers | documents/request | requests/s | documents/s | × in process | p50 / p99 ms | server CPU ms/document |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| in process: `check(doc).to_dict()`, 1 thread | — | 1 | — | {base['documents_per_s']:,.0f} | 1.00 | "
        f"{base['latency']['p50_ms']:.2f} / {base['latency']['p99_ms']:.2f} | — |",
    ]
    for entry in results["service"].values():
        for endpoint, label in (("single", "`POST /v1/check`"), ("batch", "`POST /v1/check/batch`")):
            figures = entry[endpoint]
            cpu = figures.get("server_cpu_ms_per_document")
            lines.append(
                f"| {label} | {entry['workers']} | {figures['documents_per_request']} | {figures['requests_per_s']:,.1f} | "
                f"{figures['documents_per_s']:,.0f} | {figures['ratio_to_in_process']:.2f} | "
                f"{figures['latency']['p50_ms']:.2f} / {figures['latency']['p99_ms']:.2f} | "
                f"{'—' if cpu is None else f'{cpu:.2f}'} |"
            )
    return "\n".join(lines)


def _workers(text: str) -> list[int]:
    values = [int(part) for part in text.split(",") if part.strip()]
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"expected worker counts such as 1,2, got {text!r}")
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: 100 documents, 1 round of 1 s per measure")
    parser.add_argument("--workers", type=_workers, default=[1, 2], help="servers to measure, by worker count (default 1,2)")
    parser.add_argument("--threads", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--documents", type=int, help="size of the document set (default 400; quick 100)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the document set (default 42)")
    parser.add_argument("--batch-size", type=int, default=100, help="documents per batch request (default 100)")
    parser.add_argument("--seconds", type=float, help="seconds per measure (default 5; quick 1)")
    parser.add_argument("--repeat", type=int, help="interleaved rounds (default 3; quick 1)")
    parser.add_argument("--decision-log", action="store_true", help="run the servers with a decision log (in a temporary folder)")
    parser.add_argument("--output", default=str(HERE / "service.json"), help="the JSON file (default benchmarks/service.json)")
    args = parser.parse_args(argv)
    quick = args.quick
    count = args.documents or (100 if quick else 400)
    seconds = args.seconds or (1.0 if quick else 5.0)
    repeat = args.repeat or (1 if quick else 3)
    log = Progress()
    load_average_start = load_average()

    log(f"dataset: {count} documents, seed {args.seed}")
    documents = [document for _, document in dataset.generate(count, args.seed)]
    bodies = [json.dumps(document).encode("utf-8") for document in documents]
    folder = tempfile.TemporaryDirectory(prefix="amif-bench-service-")
    servers: dict[int, Server] = {}
    try:
        for workers in args.workers:
            options = ["--decision-log", str(Path(folder.name) / f"decisions-{workers}.jsonl")] if args.decision_log else []
            log(f"starting a server with {workers} worker(s)")
            servers[workers] = Server(workers, options, Path(folder.name))
        verification: dict[str, Any] = {"passed": False, "documents": count}
        try:
            for workers, server in servers.items():
                verification[f"workers_{workers}"] = verify(server, documents, bodies, args.batch_size)
                log(f"verified (and warmed up): {workers} worker(s) answer all {count} documents as check() does in process")
        except VerificationFailed as error:
            print(f"VERIFICATION FAILED — nothing was timed:\n{error}", file=sys.stderr)
            return 1
        verification["passed"] = True

        tasks: list[tuple[str, Callable[[int], dict[str, Any]]]] = [
            ("in_process", lambda offset: in_process(documents, seconds, offset))
        ]
        for workers, server in servers.items():
            for endpoint, size in (("single", 1), ("batch", args.batch_size)):
                tasks.append(
                    (
                        f"workers_{workers}/{endpoint}",
                        lambda offset, s=server, n=size: load(s, bodies, n, args.threads, seconds, offset),
                    )
                )
        measures: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in tasks}
        shuffle = random.Random(args.seed)
        for round_number in range(1, repeat + 1):
            order = tasks[1:]
            shuffle.shuffle(order)
            for name, task in [tasks[0], *order]:
                result = task(shuffle.randrange(count))
                measures[name].append(result)
                log(f"round {round_number}/{repeat}: {name}: {result['documents'] / result['seconds']:,.0f} documents/s")
    finally:
        for server in servers.values():
            server.stop()
        folder.cleanup()

    baseline = measures["in_process"]
    base_latencies = sorted(value for r in baseline for value in r["latencies"])
    results: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "meta": {
            "command": "python benchmarks/service.py " + " ".join(argv if argv is not None else sys.argv[1:]),
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "quick": quick,
            "documents": count,
            "seed": args.seed,
            "threads": args.threads,
            "batch_size": args.batch_size,
            "seconds_per_measure": seconds,
            "repeat": repeat,
            "decision_log": args.decision_log,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_start": load_average_start,
            "amif_rules": getattr(amif_rules, "__version__", "?"),
        },
        "verification": verification,
        "in_process": {
            "what": "amif_rules.check(document).to_dict(), one thread, in this process",
            "documents_per_s": round(_median([r["documents"] / r["seconds"] for r in baseline]), 1),
            "latency": {
                "p50_ms": round(_percentile(base_latencies, 50) * 1000, 3),
                "p99_ms": round(_percentile(base_latencies, 99) * 1000, 3),
            },
            "per_round": [round(r["documents"] / r["seconds"], 1) for r in baseline],
        },
        "service": {},
    }
    for workers in servers:
        results["service"][f"workers_{workers}"] = {
            "workers": workers,
            "single": summarise(measures[f"workers_{workers}/single"], baseline, 1),
            "batch": summarise(measures[f"workers_{workers}/batch"], baseline, args.batch_size),
        }
    return finish(results, args.output, render, log)


if __name__ == "__main__":
    sys.exit(main())
