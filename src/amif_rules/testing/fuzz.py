"""A fuzzing campaign that counts instead of stopping at the first failure.

    python -m amif_rules.testing.fuzz --documents 20000 --junk 20000 --rulesets 5000 --cli 2000

Draws from the strategies of :mod:`amif_rules.testing.malformed` and tallies every outcome:

- ``documents``: malformed documents; expected: ``InputError`` naming every broken path;
- ``junk``: documents with arbitrary values anywhere, on every available engine; expected:
  a verdict or ``InputError`` (``UnknownCall`` when the document names an unknown call);
- ``rulesets``: malformed ruleset files; expected: a ruleset or ``RulesetError``, and a
  ruleset that loads evaluates an application (or refuses to compile, ``RulesetError``);
- ``cli``: malformed documents through ``amif-rules check -`` (in this process); expected:
  exit status 2, the broken paths on standard error, no traceback.

Prints one line per campaign (tried, outcomes) and one line per distinct failure with an
example; exits 1 when anything failed. The tests in tests/kit/test_fuzz.py run the same
strategies with fewer examples; this tool gives docs/reliability.md its figures.
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import sys
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from .. import api, catalog, cli
from ..errors import InputError, RulesetError, UnknownCall
from ..ruleset import parse_ruleset
from ._texts import json_text
from .checks import available_engines
from .malformed import junk_documents, malformed_cases
from .malformed_rulesets import malformed_rulesets


def _run(
    strategy: st.SearchStrategy, count: int, judge: Callable[[Any], str], tally: collections.Counter, failures: dict
) -> None:
    @settings(max_examples=count, deadline=None, database=None, phases=(Phase.generate,), suppress_health_check=list(HealthCheck))
    @given(strategy)
    def campaign(value: Any) -> None:
        try:
            outcome = judge(value)
        except Exception as error:  # noqa: BLE001 - a crash is what a campaign counts
            outcome = f"FAIL {type(error).__name__}: {str(error)[:120]}"
            failures.setdefault(outcome, repr(value)[:300])
        if outcome.startswith("FAIL"):
            failures.setdefault(outcome, repr(value)[:300])
        tally[outcome.split(":")[0] if not outcome.startswith("FAIL") else "FAIL"] += 1

    campaign()


def _documents(case) -> str:
    try:
        api.check(case.document, engine="python")
    except InputError as error:
        if not case.named_by(error.paths):
            return f"FAIL paths: {case.kind}: named {error.paths}, expected {case.paths} ({case.description[:80]})"
        return f"input error: {case.kind}"
    return f"FAIL no error: {case.kind}: {case.description[:100]}"


def _junk(document) -> str:
    outcomes = []
    for engine in available_engines():
        for call in (None, "42"):
            try:
                api.check(document, call=call, engine=engine)
                outcomes.append("verdict")
            except InputError:
                outcomes.append("input error")
            except UnknownCall:
                if call is not None or not isinstance(document, dict) or document.get("call") in catalog.calls():
                    raise
                outcomes.append("unknown call")
    return "+".join(sorted(set(outcomes)))


_ELIGIBLE = {
    "call": "42",
    "submitted_at": "2019-08-30T14:00:00+02:00",
    "form": {"complete": True, "signed": True},
    "applicant": {"name": "OCMW Antwerpen", "kind": "ocmw", "municipality": {"nis_code": "11002"}},
    "participants": [{"id": "P-001", "nationalities": ["SY"], "residence": "legal"}],
    "budget": {"total_eligible_cost": "400000.00", "amif": "300000.00", "cofinancing": {"pod_mi": "60000.00"}},
}


def _rulesets(text) -> str:
    try:
        ruleset = parse_ruleset(text)
    except RulesetError:
        return "ruleset error"
    try:
        api.check(_ELIGIBLE, ruleset=ruleset, engine="python")
    except RulesetError:
        return "loads, does not compile"
    return "loads and evaluates"


def _as_text(document) -> bytes:
    if isinstance(document, bytes):
        return document
    if isinstance(document, str):
        return document.encode("utf-8", "surrogatepass")
    try:
        return json_text(document).encode("ascii")  # integers of any length, Decimals as numbers
    except ValueError:  # NaN and infinities: the tokens Python writes
        return json.dumps(document, default=lambda v: format(v, "f") if isinstance(v, Decimal) else str(v)).encode("utf-8")


def _cli(case) -> str:
    stdin, out, err = sys.stdin, io.StringIO(), io.StringIO()
    sys.stdin = io.TextIOWrapper(io.BytesIO(_as_text(case.document)), encoding="utf-8")
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = cli.main(["check", "-"])
    finally:
        sys.stdin = stdin
    text = err.getvalue()
    if "Traceback" in text:
        return f"FAIL traceback: {case.kind}"
    if code != 2:
        return f"FAIL exit {code}: {case.kind}: {case.description[:100]}"
    if any(path not in text for path in case.paths):
        return f"FAIL paths not on stderr: {case.kind}: {case.description[:100]}"
    return "exit 2"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--call", default="42")
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--junk", type=int, default=1000)
    parser.add_argument("--rulesets", type=int, default=500)
    parser.add_argument("--cli", type=int, default=300)
    args = parser.parse_args(argv)
    failures: dict[str, str] = {}
    campaigns = [
        ("documents", malformed_cases(args.call), args.documents, _documents),
        ("junk", junk_documents(args.call), args.junk, _junk),
        ("rulesets", malformed_rulesets(), args.rulesets, _rulesets),
        ("cli", malformed_cases(args.call), args.cli, _cli),
    ]
    for name, strategy, count, judge in campaigns:
        if count <= 0:
            continue
        tally: collections.Counter = collections.Counter()
        start = time.perf_counter()
        _run(strategy, count, judge, tally, failures)
        elapsed = time.perf_counter() - start
        detail = ", ".join(f"{key} {value:,}" for key, value in sorted(tally.items(), key=lambda kv: -kv[1]))
        print(f"{name}: tried {sum(tally.values()):,} in {elapsed:.0f} s ({detail})", flush=True)
    for failure, example in sorted(failures.items()):
        print(f"  {failure}\n      e.g. {example}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
