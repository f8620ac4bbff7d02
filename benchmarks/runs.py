"""What the benchmark scripts share: a progress line, the machine's load, and writing a run's
results (JSON with its table, the table on standard output)."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


class Progress:
    """One line per step on standard error, with the time since the start."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    def __call__(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.start:7.1f}s] {message}", file=sys.stderr, flush=True)


def load_average() -> list[float] | None:
    """The machine's load average (1, 5, 15 minutes), or None where the system has none."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def finish(results: dict[str, Any], output: str | Path, render: Callable[[dict[str, Any]], str], log: Progress) -> int:
    """Close a run: the load and time at its end, its table, the JSON written, the table shown."""
    results["meta"]["load_average_end"] = load_average()
    results["meta"]["seconds"] = round(time.perf_counter() - log.start, 1)
    table = render(results)
    results["table"] = table
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"results written to {path}")
    print(table)
    return 0
