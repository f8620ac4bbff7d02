"""A snapshot of everything a refactoring must leave byte-identical.

For a fixed set of documents (the 600 seeded call-42 documents of benchmarks/dataset.py,
every bundled example, every application of every bundled ruleset's tests file, and one
broken copy of each example per top-level field), it writes each verdict's JSON and text in
nl, fr and en on every engine available, or the error's JSON; then every lint finding of every
bundled ruleset and draft. Two snapshots, one before and one after a change, must compare
equal:

    .venv/bin/python scripts/snapshot.py > /tmp/before.txt
    ... change ...
    .venv/bin/python scripts/snapshot.py > /tmp/after.txt && cmp /tmp/before.txt /tmp/after.txt
"""

from __future__ import annotations

import copy
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

import amif_rules  # noqa: E402
import dataset  # noqa: E402
from amif_rules.documents import parse_text  # noqa: E402
from amif_rules.toolkit import cases, lint  # noqa: E402


def documents() -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = [(f"dataset:{i}:{name}", doc) for i, (name, doc) in enumerate(dataset.generate(600))]
    for path in sorted(glob.glob(os.path.join(ROOT, "examples", "*.json")) + glob.glob(os.path.join(ROOT, "examples", "*.yaml"))):
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        name = os.path.basename(path)
        found.append((f"example:{name}", text))
        data = parse_text(text)
        if isinstance(data, dict):
            for key in sorted(data):
                broken = copy.deepcopy(data)
                broken[key] = [{"x": 1}]
                found.append((f"example:{name}:broken:{key}", broken))
    for path in sorted(glob.glob(os.path.join(ROOT, "rulesets", "*.tests.yaml"))):
        tests = cases.load_tests(path)
        for case in tests.cases:
            found.append((f"case:{os.path.basename(path)}:{case.name}", (case.document, tests.ruleset, case.on)))
    return found


def main() -> None:
    engines = ["python"] + (["durable"] if amif_rules.durable_available() else [])
    out = sys.stdout
    for name, doc in documents():
        for engine in engines:
            for lang in ("nl", "fr", "en"):
                try:
                    if isinstance(doc, tuple):
                        document, ruleset, on = doc
                        verdict = amif_rules.check(copy.deepcopy(document), lang=lang, engine=engine, ruleset=ruleset, on=on)
                    else:
                        verdict = amif_rules.check(copy.deepcopy(doc), lang=lang, engine=engine)
                    text = verdict.to_json() + "\n" + verdict.to_text()
                except amif_rules.AmifRulesError as error:
                    text = f"{type(error).__name__}: {json.dumps(error.to_dict(), ensure_ascii=False, sort_keys=True) if hasattr(error, 'to_dict') else str(error)}"
                out.write(f"== {name} {engine} {lang}\n{text}\n")
    paths = sorted(
        glob.glob(os.path.join(ROOT, "rulesets", "*.yaml")) + glob.glob(os.path.join(ROOT, "rulesets", "drafts", "*.yaml"))
    )
    for path in paths:
        if path.endswith(".tests.yaml"):
            continue
        findings = lint.lint(path)
        for finding in findings:
            out.write(
                f"== lint {os.path.relpath(path, ROOT)}\n{json.dumps(finding.to_dict(), ensure_ascii=False, sort_keys=True, default=str)}\n{finding.to_text(verbose=True)}\n"
            )
    sys.stderr.write("snapshot done\n")


if __name__ == "__main__":
    main()
