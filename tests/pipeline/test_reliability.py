"""Load and threads: memory stays flat, no durable session is left behind, and 8 threads
give the verdicts of one.

- ``test_soak_durable`` evaluates call-42 applications on the durable engine over and over
  and checks that resident memory does not grow and that every evaluation gives the same
  outcomes. It is marked ``slow``: a plain run (CI) does 20,000 evaluations;
  ``pytest -m slow tests/pipeline/test_reliability.py`` does the full 1,000,000 (a few minutes).
  ``AMIF_SOAK_EVALUATIONS=N`` sets the number for either.
- 8 threads × 10,000 evaluations on each engine give exactly the outcomes of one thread;
  8 threads running the whole ``check()`` (documents, messages in three languages) give the
  verdicts of one thread; 8 threads compiling the same new ruleset at once get one plan.

Figures and the commands of the long runs: docs/reliability.md.
"""

from __future__ import annotations

import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import amif_rules
from amif_rules import catalog, testing
from amif_rules.api import prepare
from amif_rules.documents import BRUSSELS, parse_text, read_application
from amif_rules.engines import get_engine

ROOT = Path(__file__).resolve().parents[2]
ENGINES = testing.available_engines()
EXAMPLES = [parse_text(path.read_bytes()) for path in sorted((ROOT / "examples").glob("*.json"))]
THREADS = 8
PER_THREAD = 10_000
#: Resident memory may grow this much over a soak (allocator noise, caches reaching size).
GROWTH_LIMIT_MB = 8.0


def resident_mb() -> float:
    """Resident set size of this process in MB (Linux); the peak elsewhere."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:  # pragma: no cover - not Linux
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def encoded(document) -> tuple:
    """(compiled ruleset, encoded facts) of a document, as ``check`` would evaluate them."""
    prepared, facts = prepare(read_application(document))
    return prepared.plan.compiled, prepared.plan.encode(facts)


def generated_documents() -> st.SearchStrategy[list]:
    """Call-42 documents of every kind: eligible, failing each rule, incomplete, partial."""
    rules = [rule.id for rule in catalog.for_call("42").ruleset.rules if rule.severity == "error"]
    parts = (
        [testing.applications("42", eligible=True)] * 3
        + [testing.applications("42", incomplete=True)] * 3
        + [testing.applications("42", ineligible_for=rule) for rule in rules]
        + [testing.applications("42")] * 6
    )
    return st.tuples(*parts).map(list)


ONCE = settings(
    max_examples=1,
    deadline=None,
    phases=(Phase.generate,),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _no_session_left() -> None:
    """durable-rules holds no session of any ruleset it compiled (error 309: no such session)."""
    import durable_rules_engine

    from amif_rules.engines import durable

    for plan in durable.PLANS.values():
        with pytest.raises(durable_rules_engine.error, match="309"):
            durable_rules_engine.get_state(plan.handle, durable.SID)


@pytest.mark.slow
def test_soak_durable(request):
    """Memory stays flat and outcomes stay the same over many durable evaluations."""
    if "durable" not in ENGINES:
        engine = get_engine("python")  # Python 3.13+: the same soak on the built-in engine
    else:
        engine = get_engine("durable")
    full = "slow" in (request.config.getoption("markexpr", "") or "")
    evaluations = int(os.environ.get("AMIF_SOAK_EVALUATIONS", 1_000_000 if full else 20_000))
    items = [encoded(document) for document in EXAMPLES if document.get("call") == "42"]
    expected = [engine.evaluate(compiled, facts) for compiled, facts in items]
    warm_up = max(evaluations // 10, 1000)
    for index in range(warm_up):
        engine.evaluate(*items[index % len(items)])
    start_mb, start = resident_mb(), time.perf_counter()
    mismatches = 0
    for index in range(evaluations):
        which = index % len(items)
        if engine.evaluate(*items[which]) != expected[which]:
            mismatches += 1
    growth = resident_mb() - start_mb
    elapsed = time.perf_counter() - start
    print(
        f"\nsoak: {engine.name} {evaluations:,} evaluations in {elapsed:.1f} s "
        f"({evaluations / elapsed:,.0f}/s), RSS {start_mb:.1f} MB -> {start_mb + growth:.1f} MB"
    )
    assert mismatches == 0
    assert growth < GROWTH_LIMIT_MB, f"resident memory grew {growth:.1f} MB over {evaluations:,} evaluations"
    if engine.name == "durable":
        _no_session_left()


def test_whole_checks_keep_memory_flat():
    """The whole pipeline (reading, facts, engine, messages) leaves nothing behind either."""
    engine = ENGINES[-1]
    documents = EXAMPLES
    for index in range(600):
        amif_rules.check(documents[index % len(documents)], engine=engine, lang=("nl", "fr", "en")[index % 3])
    start_mb = resident_mb()
    for index in range(3000):
        amif_rules.check(documents[index % len(documents)], engine=engine, lang=("nl", "fr", "en")[index % 3])
    growth = resident_mb() - start_mb
    assert growth < GROWTH_LIMIT_MB, f"resident memory grew {growth:.1f} MB over 3,000 checks"
    if engine == "durable":
        _no_session_left()


@pytest.mark.parametrize("engine_name", ENGINES)
@ONCE
@given(documents=generated_documents())
def test_eight_threads_give_the_outcomes_of_one(engine_name, documents):
    """8 threads × 10,000 evaluations each, started at once, against one thread's outcomes."""
    engine = get_engine(engine_name)
    items = [encoded(document) for document in documents + EXAMPLES]
    expected = [engine.evaluate(compiled, facts) for compiled, facts in items]
    barrier = threading.Barrier(THREADS)
    mismatches = [0] * THREADS
    done = [0] * THREADS

    def work(thread: int) -> None:
        barrier.wait()
        for index in range(PER_THREAD):
            which = (thread * 7919 + index * 31) % len(items)
            if engine.evaluate(*items[which]) != expected[which]:
                mismatches[thread] += 1
            done[thread] += 1

    workers = [threading.Thread(target=work, args=(thread,)) for thread in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=600)
    assert done == [PER_THREAD] * THREADS
    assert mismatches == [0] * THREADS
    if engine_name == "durable":
        _no_session_left()


@pytest.mark.parametrize("engine_name", ENGINES)
@ONCE
@given(documents=generated_documents())
def test_eight_threads_checking_give_the_verdicts_of_one(engine_name, documents):
    documents = documents + EXAMPLES
    jobs = [(documents[i % len(documents)], ("nl", "fr", "en")[i % 3]) for i in range(THREADS * 60)]

    def verdict(job) -> str:
        document, lang = job
        return json.dumps(amif_rules.check(document, engine=engine_name, lang=lang).to_dict(), ensure_ascii=False)

    expected = [verdict(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        got = list(pool.map(verdict, jobs))
    assert got == expected


def test_eight_threads_compiling_one_new_ruleset_get_one_plan():
    """The first use of a ruleset compiles it; 8 threads doing that at once must agree."""
    text = (ROOT / "rulesets" / "call-42.yaml").read_text(encoding="utf-8")
    version = f"threads-{os.getpid()}-{time.time_ns()}"
    ruleset = amif_rules.parse_ruleset(
        text.replace('version: "1"', f'version: "{version}"', 1), str(ROOT / "rulesets" / "call-42.yaml")
    )
    document = EXAMPLES[0]
    barrier = threading.Barrier(THREADS)

    day = read_application(document).submitted_at.astimezone(BRUSSELS).date()

    def first_use(thread: int) -> tuple[str, int]:
        barrier.wait()
        engine = ENGINES[thread % len(ENGINES)]
        data = amif_rules.check(document, ruleset=ruleset, engine=engine).to_dict()
        data.pop("engine")
        return json.dumps(data, ensure_ascii=False), id(catalog.prepare_ruleset(ruleset, day))

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(first_use, range(THREADS)))
    verdicts, plans = {v for v, _ in results}, {p for _, p in results}
    assert len(verdicts) == 1 and len(plans) == 1, "one verdict, one compiled plan"
    assert json.loads(verdicts.pop())["ruleset"]["version"] == version
    if "durable" in ENGINES:
        _no_session_left()
