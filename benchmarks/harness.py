"""The benchmark of amif-rules against its anchors, in one command (issues 6 and 16).

    python benchmarks/harness.py [--quick] [--repeat N] [--documents N] [--output FILE] [--profile]

In one run, on one fixed, seeded set of call-42 applications (``benchmarks/dataset.py``):

1. builds every contestant (``benchmarks/contestants/``) and **verifies** that each gives
   the same decision (the verdict's outcome and every rule's outcome, per element) as
   amif-rules on every document, and that the full verdicts of both engines are identical;
   it stops with exit status 1 before timing anything if one does not;
2. measures decisions per second, and full explained verdicts per second for amif-rules,
   as medians over ``--repeat`` rounds; within a round the contestants take turns, in a
   shuffled order, on slices of 20 documents (a burst of load from other jobs on a busy
   machine hits all of them alike), and each figure's ratio to the hand-written function is
   taken *within the round*;
3. latency per check (p50, p99), memory per check (tracemalloc), ruleset load + compile
   time in fresh processes, the CLI's cold start, and batch throughput through
   ``amif-rules check FILE.jsonl --jsonl`` with one and two processes, and portfolios on
   Dask with one and two local worker processes (``dask_scale.py``, when Dask is installed);
4. prints the tables and the targets of issue 16 on standard output (Markdown), progress on
   standard error, and writes every figure to ``--output`` (JSON).

``--quick`` is a smoke run (a few seconds of measurement; used by the tests): its figures
are not meant to be quoted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
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

import dask_scale  # noqa: E402  (benchmarks/dask_scale.py)
import dataset  # noqa: E402  (benchmarks/dataset.py)
from contestants import amif as amif_contestants  # noqa: E402
from contestants import common, handwritten, raw_durable, zen_rules  # noqa: E402
from runs import Progress, finish, load_average  # noqa: E402  (benchmarks/runs.py)

SCHEMA_VERSION = 1
CLI_EXAMPLE = ROOT / "examples" / "call-42-ineligible-leuven.json"
#: The targets of issue 16, each a ratio measured in this run (the CLI's a time).
TARGET_BUILTIN_RATIO = 0.50  # built-in decisions / the hand-written function's
TARGET_BUILTIN_VS_ZEN = 2.5  # built-in decisions / ZEN's compiled expression's
TARGET_FULL_RATIO = 0.25  # full explained verdicts / the hand-written function's decisions
TARGET_DURABLE_VS_RAW = 1.0  # durable engine decisions / the raw durable-rules ruleset's
TARGET_JOBS_SPEEDUP = 1.6  # amif-rules check --jobs 2 / --jobs 1, the same file
TARGET_DASK_SPEEDUP = 1.6  # Dask with two local workers / one
TARGET_MEMORY_GROWTH = 0.10  # a worker's memory growth over a million documents ("flat")
TARGET_CLI_SECONDS = 0.2


# ----------------------------------------------------------------------------------------------
# progress


# ----------------------------------------------------------------------------------------------
# contestants


class Contestant:
    """One way of checking call 42; ``decide`` gives the decision, ``full`` (amif-rules
    only) the full explained verdict as JSON."""

    def __init__(self, key: str, label: str, description: str, build: Callable[[], tuple], informational: bool = False):
        self.key, self.label, self.description, self.informational = key, label, description, informational
        self.decide: Callable[[dict], tuple] | None = None
        self.full: Callable[[dict], dict] | None = None
        self.unavailable: str | None = None
        self.setup_seconds: float | None = None
        start = time.perf_counter()
        try:
            self.decide, self.full = build()
        except Exception as error:  # noqa: BLE001 - reported, not fatal: an optional contestant
            self.unavailable = f"{type(error).__name__}: {error}"
        else:
            self.setup_seconds = time.perf_counter() - start

    @property
    def available(self) -> bool:
        return self.unavailable is None


def _amif(engine: str) -> Callable[[], tuple]:
    def build() -> tuple:
        reason = amif_contestants.unavailable(engine)
        if reason:
            raise RuntimeError(reason)
        return amif_contestants.decider(engine), amif_contestants.explainer(engine)

    return build


def _object(cls) -> Callable[[], tuple]:
    def build() -> tuple:
        return cls().decide, None

    return build


def build_contestants() -> list[Contestant]:
    return [
        Contestant(
            "handwritten",
            "hand-written Python function",
            "call 42's criteria checked directly on the dict (Decimal, three-valued); no explanation",
            lambda: (handwritten.decide, None),
        ),
        Contestant(
            "amif-python",
            "amif-rules, built-in engine",
            "amif_rules.check(document, engine='python'); full: .to_dict() in nl",
            _amif("python"),
        ),
        Contestant(
            "amif-durable",
            "amif-rules, durable engine",
            "amif_rules.check(document, engine='durable'); full: .to_dict() in nl",
            _amif("durable"),
        ),
        Contestant(
            "raw-durable",
            "raw durable-rules ruleset",
            "hand-written durable JSON ruleset on the C extension, no amif-rules code",
            _object(raw_durable.RawDurable),
        ),
        Contestant(
            "zen-graph",
            "ZEN decision graph",
            "zen-engine JDM graph (one expression node), create_decision + evaluate",
            _object(zen_rules.ZenGraph),
        ),
        Contestant(
            "zen-expression",
            "ZEN compiled expression",
            "zen.compile_expression of one object expression with every rule",
            _object(zen_rules.ZenExpressions),
        ),
        Contestant(
            "zen-expression-per-rule",
            "ZEN compiled expressions, one per rule",
            "thirteen zen.compile_expression, each evaluated on the context (variant of the above)",
            _object(zen_rules.ZenExpressionsPerRule),
            informational=True,
        ),
    ]


# ----------------------------------------------------------------------------------------------
# verification


class VerificationFailed(Exception):
    pass


def verify(contestants: list[Contestant], documents: list[tuple[str, dict]], log: Progress) -> dict:
    """Every contestant gives amif-rules' decision on every document; fail loudly otherwise."""
    reference_key = "amif-python"
    by_key = {c.key: c for c in contestants}
    reference = by_key[reference_key]
    if not reference.available:
        raise VerificationFailed(f"the reference, amif-rules' built-in engine, is unavailable: {reference.unavailable}")
    expected = [reference.decide(document) for _, document in documents]
    problems: list[str] = []
    # The decision alone (verdict.outcomes()) is what the explained results say.
    import amif_rules

    for index, ((category, document), decision) in enumerate(zip(documents, expected)):
        explained = common.decision_of_verdict(amif_rules.check(document, engine="python"))
        if explained != decision:
            problems.append(
                f"document {index} ({category}): verdict.outcomes() and verdict.rules differ: " + _difference(explained, decision)
            )
    # The dataset's labels: each category gives the outcome it is named for.
    for index, ((category, _), decision) in enumerate(zip(documents, expected)):
        if decision[0] != dataset.EXPECTED[category]:
            problems.append(
                f"document {index} ({category}): amif-rules says {decision[0]}, the dataset expects {dataset.EXPECTED[category]}"
            )
    checked = []
    for contestant in contestants:
        if not contestant.available:
            continue
        log(f"verify {contestant.key}")
        for index, ((category, document), want) in enumerate(zip(documents, expected)):
            try:
                got = contestant.decide(document)
            except Exception as error:  # noqa: BLE001
                problems.append(f"{contestant.key}: document {index} ({category}) raised {type(error).__name__}: {error}")
                break
            if got != want:
                problems.append(f"{contestant.key}: document {index} ({category}) differs: " + _difference(want, got))
                if sum(p.startswith(contestant.key + ":") for p in problems) >= 5:
                    break
        checked.append(contestant.key)
    # Full verdicts: both engines identical but for "engine", and the same decision.
    full = [c for c in contestants if c.available and c.full is not None]
    verdicts: dict[str, list[dict]] = {}
    for contestant in full:
        log(f"verify {contestant.key} full verdicts")
        verdicts[contestant.key] = [contestant.full(document) for _, document in documents]
        for index, (verdict, want) in enumerate(zip(verdicts[contestant.key], expected)):
            got = common.decision_of_dict(verdict)
            if got != want:
                problems.append(f"{contestant.key} full verdict: document {index} differs: " + _difference(want, got))
                break
            json.dumps(verdict, ensure_ascii=False)  # it is JSON
    if len(verdicts) == 2:
        first, second = verdicts.values()
        for index, (a, b) in enumerate(zip(first, second)):
            if dict(a, engine=None) != dict(b, engine=None):
                problems.append(f"the full verdicts of the two engines differ on document {index}")
                break
    if problems:
        raise VerificationFailed("\n".join(problems))
    return {
        "passed": True,
        "documents": len(documents),
        "reference": reference_key,
        "decisions_checked": checked,
        "full_verdicts_checked": sorted(verdicts),
        "rule_results": sum(len(d[1]) for d in expected),
    }


def _difference(want: tuple, got: Any) -> str:
    if not (isinstance(got, tuple) and len(got) == 2):
        return f"expected {want!r}, got {got!r}"
    parts = [f"outcome {want[0]} vs {got[0]}"] if want[0] != got[0] else []
    if len(want[1]) != len(got[1]):
        parts.append(f"{len(want[1])} rule results vs {len(got[1])}")
    for a, b in zip(want[1], got[1]):
        if a != b:
            parts.append(f"{a} vs {b}")
            break
    return "; ".join(parts) or "?"


# ----------------------------------------------------------------------------------------------
# throughput


#: Documents per slice of the interleaving: every task runs on one slice before the next.
SLICE = 20


def throughput(
    tasks: list[tuple[str, str, Callable]], docs: list[dict], repeat: int, min_time: float, seed: int, log: Progress
) -> dict[str, list[float]]:
    """Checks per second of every task, per round.

    Within a round the set is cut into slices of SLICE documents; on each slice every task
    runs (``passes`` times over the slice, so that a fast task is timed over as long as a
    slow one), in a new shuffled order. A burst of load from the machine's other jobs then
    falls on all tasks alike, instead of on whichever task was running.
    """
    passes: dict[str, int] = {}
    for name, _, function in tasks:  # calibration: enough passes for min_time per round
        start = time.perf_counter()
        for document in docs:
            function(document)
        elapsed = max(time.perf_counter() - start, 1e-6)
        passes[name] = max(1, int(min_time / elapsed + 0.999))
    rates: dict[str, list[float]] = {name: [] for name, _, _ in tasks}
    slices = [docs[index : index + SLICE] for index in range(0, len(docs), SLICE)]
    order = list(tasks)
    shuffler = random.Random(seed)
    clock = time.perf_counter
    for round_number in range(repeat):
        log(f"throughput round {round_number + 1}/{repeat}")
        spent = {name: 0.0 for name, _, _ in tasks}
        gc.collect()
        for part in slices:
            shuffler.shuffle(order)
            for name, _, function in order:
                count = passes[name]
                start = clock()
                for _ in range(count):
                    for document in part:
                        function(document)
                spent[name] += clock() - start
        for name, _, _ in tasks:
            rates[name].append(passes[name] * len(docs) / spent[name])
    return rates


#: Size classes of documents by their number of participants, for latency by size.
SIZES = (("0", 0, 0), ("1-5", 1, 5), ("6-20", 6, 20), ("21-50", 21, 50))


def _size(document: dict) -> str:
    count = len(document.get("participants") or ())
    for name, low, high in SIZES:
        if low <= count <= high:
            return name
    return "more"


def latency(tasks: list[tuple[str, str, Callable]], docs: list[dict], passes: int, seed: int) -> dict[str, dict]:
    """Per-check wall time (µs): p50, p99, mean and max, and the p50 per size class
    (participants per document); the tasks take turns on slices of documents, as in
    throughput()."""
    samples: dict[str, list[int]] = {name: [] for name, _, _ in tasks}
    sizes = [_size(document) for document in docs]
    order = list(tasks)
    shuffler = random.Random(seed + 1)
    clock = time.perf_counter_ns
    slices = [docs[index : index + SLICE] for index in range(0, len(docs), SLICE)]
    for _ in range(passes):
        gc.collect()
        for part in slices:  # as in throughput(): tasks take turns on slices, in a new order
            shuffler.shuffle(order)
            for name, _, function in order:
                record = samples[name].append
                for document in part:
                    start = clock()
                    function(document)
                    record(clock() - start)
    result = {}
    for name, values in samples.items():
        by_size: dict[str, list[int]] = {}
        for index, value in enumerate(values):
            by_size.setdefault(sizes[index % len(docs)], []).append(value)
        values.sort()
        result[name] = {
            "p50_us_by_participants": {
                size: round(statistics.median(by_size[size]) / 1000, 2) for size, _, _ in SIZES if size in by_size
            },
            "p50_us": round(_percentile(values, 50) / 1000, 2),
            "p99_us": round(_percentile(values, 99) / 1000, 2),
            "mean_us": round(sum(values) / len(values) / 1000, 2),
            "max_us": round(values[-1] / 1000, 2),
            "samples": len(values),
        }
    return result


def cpu_and_switches(tasks: list[tuple[str, str, Callable]], docs: list[dict]) -> dict[str, dict]:
    """Per check, over one pass of the set: CPU time of the process (all its threads) and the
    voluntary context switches (a check that hands work to another thread and waits for it
    shows them: its wall time then depends on the scheduler, more so on a busy machine)."""
    import resource

    result = {}
    for name, _, function in tasks:
        gc.collect()
        before, cpu = resource.getrusage(resource.RUSAGE_SELF), time.process_time()
        for document in docs:
            function(document)
        cpu = time.process_time() - cpu
        after = resource.getrusage(resource.RUSAGE_SELF)
        result[name] = {
            "cpu_us": round(cpu / len(docs) * 1e6, 1),
            "voluntary_switches": round((after.ru_nvcsw - before.ru_nvcsw) / len(docs), 2),
            "involuntary_switches": round((after.ru_nivcsw - before.ru_nivcsw) / len(docs), 2),
        }
    return result


def _percentile(ordered: list, percent: float) -> float:
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * percent / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def memory(tasks: list[tuple[str, str, Callable]], docs: list[dict]) -> dict[str, dict]:
    """tracemalloc per check: the peak of Python memory above the level before the check, and
    what was still held after it (a leak shows as retained bytes that grow)."""
    result = {}
    for name, _, function in tasks:
        gc.collect()
        tracemalloc.start()
        try:
            peaks, retained = [], []
            for document in docs:
                tracemalloc.reset_peak()
                before = tracemalloc.get_traced_memory()[0]
                function(document)
                current, peak = tracemalloc.get_traced_memory()
                peaks.append(peak - before)
                retained.append(current - before)
        finally:
            tracemalloc.stop()
        peaks.sort()
        result[name] = {
            "peak_kib_median": round(statistics.median(peaks) / 1024, 1),
            "peak_kib_max": round(peaks[-1] / 1024, 1),
            "retained_bytes_per_check": round(sum(retained) / len(retained), 1),
            "checks": len(docs),
        }
    return result


def floors(docs: list[dict], calls: int) -> dict[str, Any]:
    """What the bindings cost per call before any rule runs: a ZEN graph that passes its input
    through (input node -> output node), and a compiled ZEN expression reading one field, on
    the contexts of the documents; µs per call, medians of three runs."""
    result: dict[str, Any] = {}
    if zen_rules.UNAVAILABLE is not None:
        return {"unavailable": zen_rules.UNAVAILABLE}
    import zen

    position = {"x": 0, "y": 0}
    empty = zen.ZenEngine().create_decision(
        json.dumps(
            {
                "contentType": "application/vnd.gorules.decision",
                "nodes": [
                    {"id": "i", "type": "inputNode", "name": "i", "position": position},
                    {"id": "o", "type": "outputNode", "name": "o", "position": position},
                ],
                "edges": [{"id": "e", "sourceId": "i", "targetId": "o"}],
            }
        )
    )
    field = zen.compile_expression("kind")
    contexts = [zen_rules.context(document) for document in docs]
    for name, function in (("zen_pass_through_graph_us", empty.evaluate), ("zen_one_field_expression_us", field.evaluate)):
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            for index in range(calls):
                function(contexts[index % len(contexts)])
            runs.append((time.perf_counter() - start) / calls * 1e6)
        result[name] = round(statistics.median(runs), 1)
    return result


# ----------------------------------------------------------------------------------------------
# fresh processes


#: Where child processes keep their bytecode (set by main): see _environment.
BYTECODE_CACHE: str | None = None


def _environment() -> dict[str, str]:
    """The environment for child processes: they import the same amif_rules as this one, and
    find their bytecode compiled, as after ``pip install`` (which compiles it): with
    PYTHONDONTWRITEBYTECODE set and a source checkout, every fresh process would compile
    every module again, which doubles the cold start. The bytecode goes to a temporary
    PYTHONPYCACHEPREFIX, so the source tree is left as it is."""
    env = dict(os.environ)
    source = str(Path(amif_rules.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source, str(HERE), env.get("PYTHONPATH", "")) if p)
    if BYTECODE_CACHE is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = BYTECODE_CACHE
    return env


def _warm_bytecode(log: Progress) -> None:
    """Compile, once and untimed, what the child processes import."""
    env = _environment()
    log("child processes: compiling bytecode once (untimed)")
    for command in (
        ["-m", "amif_rules", "check", str(CLI_EXAMPLE)],
        ["-c", "import json, zipfile\nfrom contestants import handwritten, raw_durable, zen_rules"],
    ):
        subprocess.run([sys.executable, *command], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=str(ROOT))


_COLD_SCRIPTS = {
    # Each prints one JSON object of seconds. "compile" is the first use minus a warm one.
    "amif-rules": r"""
import json, sys, time
t0 = time.perf_counter()
import amif_rules
t1 = time.perf_counter()
document = json.load(open(sys.argv[1]))
def timed(engine):
    start = time.perf_counter(); amif_rules.check(document, engine=engine); return time.perf_counter() - start
first_python = timed("python")
warm_python = sorted(timed("python") for _ in range(5))[2]
result = {"import": t1 - t0, "load_compile_python": first_python - warm_python}
if amif_rules.durable_available():
    first_durable = timed("durable")
    warm_durable = sorted(timed("durable") for _ in range(5))[2]
    result["compile_durable"] = first_durable - warm_durable
print(json.dumps(result))
""",
    "handwritten": r"""
import json, time
t0 = time.perf_counter()
from contestants import handwritten
print(json.dumps({"import": time.perf_counter() - t0}))
""",
    "raw-durable": r"""
import json, time
t0 = time.perf_counter()
import durable_rules_engine
from contestants import raw_durable
t1 = time.perf_counter()
engine = raw_durable.RawDurable()
print(json.dumps({"import": t1 - t0, "compile": time.perf_counter() - t1}))
""",
    "zen": r"""
import json, time
t0 = time.perf_counter()
import zen
from contestants import zen_rules
t1 = time.perf_counter()
graph = zen_rules.ZenGraph()
t2 = time.perf_counter()
expression = zen_rules.ZenExpressions()
print(json.dumps({"import": t1 - t0, "compile_graph": t2 - t1, "compile_expression": time.perf_counter() - t2}))
""",
}


def cold_load(runs: int, contestants: dict[str, Contestant], log: Progress) -> dict[str, Any]:
    """Import and ruleset load + compile times, each in a fresh process; medians over runs."""
    wanted = {"amif-rules": "amif-python", "handwritten": "handwritten", "raw-durable": "raw-durable", "zen": "zen-graph"}
    env = _environment()
    result: dict[str, Any] = {"runs": runs}
    for name, script in _COLD_SCRIPTS.items():
        contestant = contestants.get(wanted[name])
        if contestant is None or not contestant.available:
            result[name] = {"unavailable": contestant.unavailable if contestant else "not built"}
            continue
        log(f"cold load: {name} ({runs} fresh processes)")
        samples: list[dict] = []
        for _ in range(runs):
            done = subprocess.run(
                [sys.executable, "-c", script, str(ROOT / "examples" / "call-42-eligible-antwerpen.json")],
                env=env,
                capture_output=True,
                text=True,
                cwd=str(ROOT),
            )
            if done.returncode != 0:
                result[name] = {"error": done.stderr.strip().splitlines()[-1:] or ["?"]}
                break
            samples.append(json.loads(done.stdout.strip().splitlines()[-1]))
        else:
            result[name] = {key + "_ms": round(statistics.median(s[key] for s in samples) * 1000, 2) for key in samples[0]}
    return result


def _wall(command: list[str], env: dict, expect: int | None) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=str(ROOT))
    elapsed = time.perf_counter() - start
    if expect is not None and done.returncode != expect:
        raise RuntimeError(
            f"{' '.join(command)} exited {done.returncode}, expected {expect}: {done.stderr.decode(errors='replace')[-500:]}"
        )
    return elapsed


def cli_cold_start(runs: int, log: Progress) -> dict:
    """``python -m amif_rules check <example>`` from a fresh process, with two baselines; the
    commands take turns, in a shuffled order, so that the machine's load hits them alike."""
    env = _environment()
    log(f"CLI cold start ({runs} runs each)")
    python = [sys.executable]
    commands = {
        "check": (python + ["-m", "amif_rules", "check", str(CLI_EXAMPLE)], 1),
        "check_engine_python": (python + ["-m", "amif_rules", "check", str(CLI_EXAMPLE), "--engine", "python"], 1),
        "baseline_python_startup": (python + ["-c", "pass"], None),
        "baseline_import_amif_rules": (python + ["-c", "import amif_rules"], None),
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    order = list(commands)
    shuffler = random.Random(5)
    for _ in range(runs):
        shuffler.shuffle(order)
        for name in order:
            command, expect = commands[name]
            times[name].append(_wall(command, env, expect))
    result: dict[str, Any] = {"command": f"python -m amif_rules check {CLI_EXAMPLE.relative_to(ROOT)}"}
    for name, values in times.items():
        result[name] = {
            "median_s": round(statistics.median(values), 4),
            "min_s": round(min(values), 4),
            "max_s": round(max(values), 4),
            "runs": runs,
        }
    return result


def _batch_supported(env: dict) -> tuple[bool, bool]:
    done = subprocess.run([sys.executable, "-m", "amif_rules", "check", "--help"], env=env, capture_output=True, text=True)
    return "--jsonl" in done.stdout, "--jobs" in done.stdout


def _watch_peak_rss(process: subprocess.Popen) -> int | None:
    """The peak resident memory (KiB) of ``process``'s own program, read from /proc while it
    runs (VmHWM, every 20 ms), or None where there is no /proc.

    Not ``wait4``'s ``ru_maxrss``: Linux carries a child's high-water mark across fork and
    exec, so it would report the size of this harness process (100 MiB with ZEN loaded),
    not that of ``amif-rules check``.
    """
    status = Path(f"/proc/{process.pid}/status")
    peak: int | None = None
    while True:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak or 0, int(line.split()[1]))
        except (OSError, ValueError):
            pass
        try:
            if os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return peak
        except ChildProcessError:
            return peak
        time.sleep(0.02)


def batch(count: int, seed: int, jobs_list: list[int], log: Progress, pairs: int = 3) -> dict:
    """``amif-rules check FILE.jsonl --jsonl [--jobs N]``: documents per second, peak memory of
    the main process, and every output line checked against the hand-written decision.

    Each ``--jobs`` in turn, ``pairs`` times (1, 2, 1, 2, ...): the figures are the medians,
    and ``speedups`` the ratio of each pair, so that a comparison holds when the machine's
    speed drifts between runs."""
    env = _environment()
    jsonl, jobs_option = _batch_supported(env)
    if not jsonl:
        return {"unavailable": "amif-rules check has no --jsonl option"}
    documents = [document for _, document in dataset.generate(count, seed + 1)]
    expected = [handwritten.decide(document) for document in documents]
    result: dict[str, Any] = {"documents": count}
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "applications.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for document in documents:
                out.write(json.dumps(document, ensure_ascii=False) + "\n")
        runs: dict[str, list[dict[str, Any]]] = {}
        for round_number, jobs in ((r, jobs) for r in range(pairs) for jobs in jobs_list):
            key = f"jobs_{jobs}"
            if jobs > 1 and not jobs_option:
                result[key] = {"unavailable": "amif-rules check has no --jobs option"}
                continue
            log(f"batch: {count:,} documents, --jobs {jobs} (pair {round_number + 1}/{pairs})")
            command = [sys.executable, "-m", "amif_rules", "check", str(source), "--jsonl"] + (
                ["--jobs", str(jobs)] if jobs > 1 else []
            )
            target = Path(folder) / f"verdicts-{jobs}.jsonl"
            errors = Path(folder) / f"errors-{jobs}.txt"
            with target.open("wb") as out, errors.open("wb") as err:
                start = time.perf_counter()
                process = subprocess.Popen(command, env=env, stdout=out, stderr=err, cwd=str(ROOT))
                peak_kib = _watch_peak_rss(process)
                _, status, usage = os.wait4(process.pid, 0)
                elapsed = time.perf_counter() - start
                process.returncode = os.waitstatus_to_exitcode(status)
                if peak_kib is None:  # no /proc: the rusage figure, which counts the forked harness too
                    peak_kib = usage.ru_maxrss
            error = errors.read_text(errors="replace")
            if process.returncode != 0:
                result[key] = {"error": f"exit {process.returncode}: {error[-300:]}"}
                continue
            mismatches = 0
            lines = 0
            with target.open(encoding="utf-8") as verdicts:
                for line, want in zip(verdicts, expected):
                    lines += 1
                    verdict = json.loads(line)["verdict"]
                    if common.decision_of_dict(verdict) != want:
                        mismatches += 1
            if lines != count or mismatches:
                raise VerificationFailed(
                    f"batch --jobs {jobs}: {lines} verdicts for {count} documents, "
                    f"{mismatches} differing from the hand-written decisions"
                )
            runs.setdefault(key, []).append(
                {
                    "seconds": round(elapsed, 3),
                    "documents_per_s": round(count / elapsed, 1),
                    "peak_rss_mib_main_process": round(peak_kib / 1024, 1),
                }
            )
    for key, measured in runs.items():
        if key in result:  # an error in one of its runs
            continue
        result[key] = {
            name: statistics.median(run[name] for run in measured)
            for name in ("seconds", "documents_per_s", "peak_rss_mib_main_process")
        }
        result[key].update(verified=True, runs=measured)
    one, two = runs.get("jobs_1", []), runs.get("jobs_2", [])
    if one and two and "jobs_1" in result and "jobs_2" in result and "error" not in result["jobs_2"]:
        result["speedups"] = [round(b["documents_per_s"] / a["documents_per_s"], 3) for a, b in zip(one, two)]
        result["speedup"] = statistics.median(result["speedups"])
    return result


# ----------------------------------------------------------------------------------------------
# profile


def profile(tasks: list[tuple[str, str, Callable]], docs: list[dict], top: int = 12) -> dict[str, dict]:
    """cProfile of each task over the set: the functions with the most own time, and own time
    summed per source file (which part of the library the time goes to)."""
    import cProfile
    import pstats

    result = {}
    for name, _, function in tasks:
        profiler = cProfile.Profile()
        profiler.enable()
        for document in docs:
            function(document)
        profiler.disable()
        stats = pstats.Stats(profiler)
        total = sum(entry[2] for entry in stats.stats.values()) or 1e-9
        by_file: dict[str, float] = {}
        rows = []
        for (filename, line, function_name), (_, calls, own, cumulative, _) in stats.stats.items():
            where = _short(filename)
            by_file[where] = by_file.get(where, 0.0) + own
            rows.append((own, f"{where}:{line}({function_name})", calls, cumulative))
        rows.sort(reverse=True)
        result[name] = {
            "total_own_s": round(total, 4),
            "by_file_percent": {k: round(100 * v / total, 1) for k, v in sorted(by_file.items(), key=lambda kv: -kv[1])[:top]},
            "top_functions": [
                {
                    "function": where,
                    "own_percent": round(100 * own / total, 1),
                    "calls": calls,
                    "cumulative_percent": round(100 * cumulative / total, 1),
                }
                for own, where, calls, cumulative in rows[:top]
            ],
        }
    return result


def profile_cli(log: Progress, top: int = 12) -> dict:
    """cProfile of one cold ``python -m amif_rules check <example>`` (imports included), and
    ``-X importtime``'s slowest imports of ``import amif_rules``."""
    import pstats

    env = _environment()
    log("profile: CLI cold start (cProfile, -X importtime)")
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "cli.prof"
        subprocess.run(
            [sys.executable, "-m", "cProfile", "-o", str(output), "-m", "amif_rules", "check", str(CLI_EXAMPLE)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=str(ROOT),
        )
        stats = pstats.Stats(str(output))
    total = sum(entry[2] for entry in stats.stats.values()) or 1e-9
    by_file: dict[str, float] = {}
    cumulative: list[tuple[float, str]] = []
    for (filename, line, function_name), (_, _, own, cum, _) in stats.stats.items():
        where = _short(filename)
        by_file[where] = by_file.get(where, 0.0) + own
        cumulative.append((cum, f"{where}:{line}({function_name})"))
    cumulative.sort(reverse=True)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import amif_rules"], env=env, capture_output=True, text=True
    )
    imports = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            imports.append((int(parts[1]), parts[2].rstrip()))
    imports.sort(reverse=True)
    return {
        "total_own_s": round(total, 4),
        "by_file_percent": {k: round(100 * v / total, 1) for k, v in sorted(by_file.items(), key=lambda kv: -kv[1])[:top]},
        "top_cumulative": [
            {"function": where, "cumulative_percent": round(100 * cum / total, 1)} for cum, where in cumulative[: top * 2]
        ],
        "import_amif_rules_slowest_us": [
            {"module": name.strip(), "cumulative_us": us, "depth": (len(name) - len(name.lstrip())) // 2}
            for us, name in imports[: top * 2]
        ],
    }


def _short(filename: str) -> str:
    if "importlib" in filename and filename.startswith("<"):
        return "(import machinery)"
    if filename.startswith("<amif_rules generated"):
        return "(amif-rules' generated code)"
    if filename.startswith("~") or filename.startswith("<"):
        return "(built-in)"
    path = Path(filename)
    parts = path.parts
    for anchor in ("amif_rules", "contestants"):
        if anchor in parts:
            return "/".join(parts[parts.index(anchor) :])
    if "site-packages" in parts:
        return "/".join(parts[parts.index("site-packages") + 1 :])
    return path.name


# ----------------------------------------------------------------------------------------------
# report


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _ratios(rates: dict[str, list[float]], numerator: str, denominator: str) -> list[float]:
    """The ratio of two tasks, round by round (both measured in the same round)."""
    a, b = rates.get(numerator), rates.get(denominator)
    if not a or not b:
        return []
    return [x / y for x, y in zip(a, b)]


def targets(results: dict) -> list[dict]:
    rates = results["throughput"]["per_round"]
    rows = []

    def row(
        target: str,
        measured: float | None,
        goal: float,
        unit: str,
        reached: bool | None,
        note: str = "",
        spread: list[float] | None = None,
    ) -> None:
        rows.append(
            {
                "target": target,
                "goal": goal,
                "unit": unit,
                "measured": None if measured is None else round(measured, 4),
                "rounds_min": round(min(spread), 4) if spread else None,
                "rounds_max": round(max(spread), 4) if spread else None,
                "status": "not measured" if reached is None else ("reached" if reached else "not reached"),
                "note": note,
            }
        )

    def ratio_row(target: str, numerator: str, denominator: str, goal: float, missing: str = "") -> None:
        ratios = _ratios(rates, numerator, denominator)
        ratio = _median(ratios)
        reached = None if ratio is None else ratio >= goal
        row(target, ratio, goal, "×", reached, "" if ratio is not None else missing, spread=ratios)

    ratio_row(
        "built-in decisions ≥ 0.50× the hand-written function",
        "amif-python/decision",
        "handwritten/decision",
        TARGET_BUILTIN_RATIO,
    )
    ratio_row(
        "built-in decisions ≥ 2.5× ZEN's compiled expression",
        "amif-python/decision",
        "zen-expression/decision",
        TARGET_BUILTIN_VS_ZEN,
        "zen-engine not installed",
    )
    for key, label in (("amif-python", "built-in"), ("amif-durable", "durable")):
        ratio_row(
            f"full explained verdicts ≥ 0.25× the hand-written decisions ({label} engine)",
            f"{key}/full",
            "handwritten/decision",
            TARGET_FULL_RATIO,
            "durable-rules not installed",
        )
    ratio_row(
        "durable engine ≥ 1.0× the raw durable-rules ruleset",
        "amif-durable/decision",
        "raw-durable/decision",
        TARGET_DURABLE_VS_RAW,
        "durable-rules not installed",
    )
    jobs = results.get("batch", {})
    speedup = jobs.get("speedup")
    row(
        "amif-rules check --jobs 2 ≥ 1.6× --jobs 1",
        speedup,
        TARGET_JOBS_SPEEDUP,
        "×",
        None if speedup is None else speedup >= TARGET_JOBS_SPEEDUP,
        (
            f"{jobs.get('documents', 0):,} documents, median of pairs "
            + ", ".join(f"{ratio:.2f}×" for ratio in jobs.get("speedups", [speedup]))
        )
        if speedup is not None
        else "no batch measure",
    )
    dask = results.get("dask", {})
    speedup = dask.get("speedup")
    row(
        "Dask, two local workers ≥ 1.6× one",
        speedup,
        TARGET_DASK_SPEEDUP,
        "×",
        None if speedup is None else speedup >= TARGET_DASK_SPEEDUP,
        (
            f"{dask['workers_1']['documents']:,} documents, median of pairs "
            + ", ".join(f"{ratio:.2f}×" for ratio in dask.get("speedups", [speedup]))
        )
        if speedup is not None
        else dask.get("unavailable", "not run"),
    )
    growth = dask.get("workers_2", {}).get("memory_growth")
    row(
        "Dask worker memory flat over 1,000,000 documents (growth ≤ 10 %)",
        growth,
        TARGET_MEMORY_GROWTH,
        "%",
        None if growth is None else growth <= TARGET_MEMORY_GROWTH,
        (
            "resident memory; settled (after gc and malloc_trim): "
            + (
                "—"
                if dask["workers_2"].get("settled_memory_growth") is None
                else f"{dask['workers_2']['settled_memory_growth'] * 100:+.1f} %"
            )
        )
        if growth is not None
        else "a long run: benchmarks/dask_scale.py --documents 1000000 --chunks 20",
    )
    cli = results.get("cli", {}).get("check", {})
    median = cli.get("median_s")
    row(
        "CLI cold start ≤ 0.2 s",
        median,
        TARGET_CLI_SECONDS,
        "s",
        None if median is None else median <= TARGET_CLI_SECONDS,
        spread=[cli["min_s"], cli["max_s"]] if median is not None else None,
    )
    return rows


def _fmt_rate(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _fmt_ratio(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}×" if value < 0.1 else f"{value:.2f}×"


def render(results: dict) -> str:
    lines = []
    meta = results["meta"]
    lines.append(
        f"amif-rules benchmark — {meta['documents']} call-42 documents (seed {meta['seed']}), "
        f"{meta['repeat']} interleaved rounds{' (QUICK: smoke run, not for quoting)' if meta['quick'] else ''}"
    )
    lines.append(
        f"Python {meta['python']} on {meta['cpus']} CPUs, load average {meta['load_average_start']} at the start; "
        f"medians, ratios to the hand-written function measured in the same round."
    )
    data = results["dataset"]
    lines.append(
        f"Documents: {data['by_outcome']}; partners {data['partners']['mean']} and participants "
        f"{data['participants']['mean']} on average; {data['rule_results_mean']} rule results per verdict."
    )
    lines.append("")
    lines.append(
        "| contestant | decisions/s | × hand-written | full verdicts/s | × hand-written | decision p50 / p99 µs | full p50 / p99 µs | peak KiB/check (decision / full) |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for entry in results["contestants"].values():
        if not entry["available"]:
            lines.append(f"| {entry['label']} | unavailable: {entry['unavailable'][:80]} | | | | | | |")
            continue
        decision, full = entry.get("decision") or {}, entry.get("full") or {}

        def lat(part: dict) -> str:
            latency_ = part.get("latency")
            return "—" if not latency_ else f"{latency_['p50_us']:,.0f} / {latency_['p99_us']:,.0f}"

        def mem(part: dict) -> str:
            memory_ = part.get("memory")
            return "—" if not memory_ else f"{memory_['peak_kib_median']:,.1f}"

        label = entry["label"] + (" (variant)" if entry.get("informational") else "")
        lines.append(
            f"| {label} | {_fmt_rate(decision.get('per_s'))} | {_fmt_ratio(decision.get('ratio_to_handwritten'))} "
            f"| {_fmt_rate(full.get('per_s'))} | {_fmt_ratio(full.get('ratio_to_handwritten'))} "
            f"| {lat(decision)} | {lat(full)} | {mem(decision)} / {mem(full)} |"
        )
    lines.append("")
    size_names = [size for size, _, _ in SIZES]
    lines.append("| p50 µs per check, by participants per document | " + " | ".join(size_names) + " |")
    lines.append("|---|" + "---:|" * len(size_names))
    for entry in results["contestants"].values():
        for mode in ("decision", "full"):
            part = entry.get(mode) if entry["available"] else None
            if not part:
                continue
            by_size = part["latency"].get("p50_us_by_participants", {})
            lines.append(
                f"| {entry['label']}{', full verdict' if mode == 'full' else ''} | "
                + " | ".join(f"{by_size[size]:,.0f}" if size in by_size else "—" for size in size_names)
                + " |"
            )
    lines.append("")
    lines.append("| CPU per check (process time, all threads) | decision µs | voluntary context switches | full verdict µs |")
    lines.append("|---|---:|---:|---:|")
    for entry in results["contestants"].values():
        if not entry["available"]:
            continue
        decision, full = entry.get("decision") or {}, entry.get("full") or {}
        lines.append(
            f"| {entry['label']} | {decision['cpu']['cpu_us']:,.0f} | {decision['cpu']['voluntary_switches']:.2f} | "
            + (f"{full['cpu']['cpu_us']:,.0f}" if full else "—")
            + " |"
        )
    lines.append("")
    floor = results.get("floors", {})
    if "zen_pass_through_graph_us" in floor:
        lines.append(
            f"ZEN per call before any rule: a pass-through graph {floor['zen_pass_through_graph_us']:,.0f} µs, "
            f"a one-field compiled expression {floor['zen_one_field_expression_us']:,.0f} µs (same contexts)."
        )
    lines.append("")
    cold = results.get("cold_load", {})
    lines.append("| load + compile (fresh process, median of %s) | import ms | load + compile ms |" % cold.get("runs", "?"))
    lines.append("|---|---:|---:|")
    amif_cold = cold.get("amif-rules", {})
    if "import_ms" in amif_cold:
        lines.append(
            f"| amif-rules: import; call 42 loaded + compiled (first check − a warm one), built-in | "
            f"{amif_cold['import_ms']:,.1f} | {amif_cold.get('load_compile_python_ms', float('nan')):,.1f} |"
        )
        if "compile_durable_ms" in amif_cold:
            lines.append(
                f"| amif-rules: + durable ruleset compiled (first durable check − a warm one) | | "
                f"{amif_cold['compile_durable_ms']:,.1f} |"
            )
    for name, label, key in (
        ("handwritten", "hand-written function (module import, reference tables)", None),
        ("raw-durable", "raw durable-rules: create_ruleset", "compile_ms"),
        ("zen", "ZEN: create_decision (graph) / compile_expression", None),
    ):
        entry = cold.get(name, {})
        if "import_ms" not in entry:
            lines.append(f"| {label} | unavailable | |")
        elif name == "handwritten":
            lines.append(f"| {label} | {entry['import_ms']:,.1f} | — (no ruleset) |")
        elif name == "zen":
            lines.append(
                f"| {label} | {entry['import_ms']:,.1f} | {entry['compile_graph_ms']:,.2f} / {entry['compile_expression_ms']:,.2f} |"
            )
        else:
            lines.append(f"| {label} | {entry['import_ms']:,.1f} | {entry.get(key, 0) if key else 0:,.2f} |")
    lines.append("")
    cli = results.get("cli", {})
    if "check" in cli:
        lines.append(
            f"CLI cold start, `{cli['command']}` (median of {cli['check']['runs']}): {cli['check']['median_s']:.3f} s "
            f"(fastest {cli['check']['min_s']:.3f} s) "
            f"(--engine python: {cli['check_engine_python']['median_s']:.3f} s; `python -c pass`: "
            f"{cli['baseline_python_startup']['median_s']:.3f} s; `python -c 'import amif_rules'`: "
            f"{cli['baseline_import_amif_rules']['median_s']:.3f} s)"
        )
    batch_result = results.get("batch", {})
    if "unavailable" in batch_result:
        lines.append(f"Batch: unavailable ({batch_result['unavailable']})")
    else:
        parts = []
        for key in sorted(k for k in batch_result if k.startswith("jobs_")):
            entry = batch_result[key]
            jobs = key.split("_")[1]
            if "documents_per_s" in entry:
                parts.append(
                    f"--jobs {jobs}: {entry['documents_per_s']:,.0f} documents/s "
                    f"({entry['seconds']:.1f} s, main process peak RSS {entry['peak_rss_mib_main_process']:.0f} MiB; "
                    f"median of {len(entry.get('runs', [entry]))} runs)"
                )
            else:
                parts.append(f"--jobs {jobs}: {entry.get('unavailable') or entry.get('error')}")
        lines.append(
            f"Batch, `amif-rules check FILE.jsonl --jsonl` over {batch_result.get('documents', 0):,} documents: "
            + "; ".join(parts)
        )
    lines.append("")
    lines.append("| target (issue 16) | measured (median) | rounds: min – max | status |")
    lines.append("|---|---:|---:|---|")

    def shown(value: float | None, unit: str) -> str:
        if value is None:
            return "—"
        if unit == "×":
            return _fmt_ratio(value)
        if unit == "/s":
            return f"{value:,.0f}/s"
        if unit == "%":
            return f"{value:.1%}"
        return f"{value:.3f} s"

    for entry in results["targets"]:
        spread = (
            f"{shown(entry['rounds_min'], entry['unit'])} – {shown(entry['rounds_max'], entry['unit'])}"
            if entry.get("rounds_min") is not None
            else "—"
        )
        lines.append(
            f"| {entry['target']} | {shown(entry['measured'], entry['unit'])} | {spread} | "
            f"{entry['status']}{' (' + entry['note'] + ')' if entry['note'] else ''} |"
        )
    if results.get("profile"):
        lines.append("")
        lines.append("Profile (cProfile, own time by source file, % of the run):")
        for name, entry in results["profile"].items():
            shares = ", ".join(f"{where} {share}%" for where, share in list(entry["by_file_percent"].items())[:8])
            lines.append(f"- {name}: {shares}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# main


def _children(results: dict, by_key: dict, cold_runs: int, cli_runs: int, batch_count: int, args, profiles, log: Progress) -> int:
    """The measures made in fresh processes."""
    results["cold_load"] = cold_load(cold_runs, by_key, log)
    try:
        results["cli"] = cli_cold_start(cli_runs, log)
    except RuntimeError as error:
        results["cli"] = {"error": str(error)}
    try:
        results["batch"] = batch(batch_count, args.seed, [1, 2], log)
    except VerificationFailed as error:
        print(f"VERIFICATION FAILED in batch mode:\n{error}", file=sys.stderr)
        return 1
    try:
        results["dask"] = dask_scale.measure(
            args.dask_documents or (200 if args.quick else 12_000), args.seed + 2, log, pairs=1 if args.quick else 3
        )
    except dask_scale.VerificationFailed as error:
        print(f"VERIFICATION FAILED on Dask:\n{error}", file=sys.stderr)
        return 1
    if profiles is not None:
        profiles["cli-cold-start"] = profile_cli(log)
        results["profile"] = profiles
    return 0


def _versions() -> dict:
    from importlib import metadata

    versions = {"amif-rules": getattr(amif_rules, "__version__", "?")}
    for name in ("durable-rules", "zen-engine"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def main(argv: list[str] | None = None) -> int:
    global BYTECODE_CACHE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (small set, few repeats)")
    parser.add_argument("--repeat", type=int, help="interleaved rounds of the throughput measure (default 7; quick 2)")
    parser.add_argument("--documents", type=int, help="size of the document set (default 400; quick 40)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the document set (default 42)")
    parser.add_argument("--batch-documents", type=int, help="documents for the batch measure (default 5000; quick 100)")
    parser.add_argument(
        "--output", default=str(HERE / "results.json"), help="the JSON file of results (default benchmarks/results.json)"
    )
    parser.add_argument("--dask-documents", type=int, help="documents for the Dask measure (default 12000; quick 200)")
    parser.add_argument("--profile", action="store_true", help="also profile amif-rules with cProfile (own time per file)")
    args = parser.parse_args(argv)
    quick = args.quick
    count = args.documents or (40 if quick else 400)
    repeat = args.repeat or (2 if quick else 7)
    min_time = 0.01 if quick else 0.25
    latency_passes = 1 if quick else 3
    memory_docs = 10 if quick else 100
    cold_runs = 1 if quick else 5
    cli_runs = 1 if quick else 9
    batch_count = args.batch_documents or (100 if quick else 5000)
    log = Progress()

    log(f"dataset: {count} documents, seed {args.seed}")
    documents = dataset.generate(count, args.seed)
    docs = [document for _, document in documents]
    log("building the contestants")
    contestants = build_contestants()
    for contestant in contestants:
        if not contestant.available:
            log(f"  {contestant.key}: unavailable ({contestant.unavailable})")
    by_key = {c.key: c for c in contestants}
    try:
        verification = verify(contestants, documents, log)
    except VerificationFailed as error:
        print(f"VERIFICATION FAILED — nothing was timed:\n{error}", file=sys.stderr)
        return 1
    outcome_counts: dict[str, int] = {}
    for _, document in documents:
        outcome = handwritten.decide(document)[0]
        outcome_counts[outcome] = outcome_counts.get(outcome, 0) + 1
    log(
        f"verified: {len(verification['decisions_checked'])} contestants agree on {count} documents "
        f"({verification['rule_results']:,} rule results)"
    )

    tasks = []
    for contestant in contestants:
        if contestant.available:
            tasks.append((f"{contestant.key}/decision", contestant.key, contestant.decide))
            if contestant.full is not None:
                tasks.append((f"{contestant.key}/full", contestant.key, contestant.full))
    rates = throughput(tasks, docs, repeat, min_time, args.seed, log)
    log(f"latency ({latency_passes} pass(es) of {count} documents per contestant)")
    latencies = latency(tasks, docs, latency_passes, args.seed)
    log("CPU time and context switches per check")
    switches = cpu_and_switches(tasks, docs)
    log(f"memory (tracemalloc, {min(memory_docs, count)} documents per contestant)")
    memories = memory(tasks, docs[:memory_docs])
    floor = floors(docs, 200 if quick else 2000)
    profiles = None
    if args.profile:
        log("profile (cProfile)")
        profiles = profile([t for t in tasks if t[1].startswith("amif-")], docs)

    results: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "meta": {
            "command": "python benchmarks/harness.py " + " ".join(argv if argv is not None else sys.argv[1:]),
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "quick": quick,
            "documents": count,
            "seed": args.seed,
            "repeat": repeat,
            "min_seconds_per_measure": min_time,
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_start": load_average(),
            "versions": _versions(),
        },
        "dataset": dict(
            dataset.summary(documents),
            by_outcome=outcome_counts,
            rule_results_mean=round(verification["rule_results"] / count, 1),
        ),
        "verification": verification,
        "contestants": {},
        "throughput": {"per_round": {name: [round(r, 1) for r in values] for name, values in rates.items()}},
        "floors": floor,
    }
    for contestant in contestants:
        entry: dict[str, Any] = {
            "label": contestant.label,
            "description": contestant.description,
            "available": contestant.available,
            "unavailable": contestant.unavailable,
            "informational": contestant.informational,
            "setup_ms": None if contestant.setup_seconds is None else round(contestant.setup_seconds * 1000, 2),
            "decision": None,
            "full": None,
        }
        for mode in ("decision", "full"):
            name = f"{contestant.key}/{mode}"
            if name not in rates:
                continue
            ratios = _ratios(rates, name, "handwritten/decision")
            entry[mode] = {
                "per_s": round(_median(rates[name]), 1),
                "per_s_min": round(min(rates[name]), 1),
                "per_s_max": round(max(rates[name]), 1),
                "ratio_to_handwritten": round(_median(ratios), 4) if ratios else None,
                "ratio_min": round(min(ratios), 4) if ratios else None,
                "ratio_max": round(max(ratios), 4) if ratios else None,
                "latency": latencies[name],
                "memory": memories[name],
                "cpu": switches[name],
            }
        results["contestants"][contestant.key] = entry

    with tempfile.TemporaryDirectory(prefix="amif-bench-pycache-") as cache:
        BYTECODE_CACHE = cache
        _warm_bytecode(log)
        status = _children(results, by_key, cold_runs, cli_runs, batch_count, args, profiles, log)
        BYTECODE_CACHE = None
    if status:
        return status
    results["meta"]["child_processes"] = "bytecode compiled once beforehand, as after pip install (PYTHONPYCACHEPREFIX)"
    results["targets"] = targets(results)
    return finish(results, args.output, render, log)


if __name__ == "__main__":
    sys.exit(main())
