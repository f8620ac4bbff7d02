"""Decisions an auditor can trust: an id for each, the ruleset that made it, and a log.

The decision log is JSON Lines (one decision a line: time, decision id, ruleset, outcome,
every rule's outcome, the input's sha256). Each line is written by one ``write`` on a file
opened for appending, before the answer is sent: a killed server leaves no half line (a
line is one system call; workers append whole lines) and loses no decision it answered
(the line is in the kernel's hands before the client has the verdict). The input itself
is personal data (nationality, residence, birth date): it is kept only with ``log_inputs``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
import uuid
from pathlib import Path
from typing import Any

from ..ruleset import Ruleset


def new_decision_id() -> str:
    """A unique id for one decision (random; nothing about the document can be read from it)."""
    return uuid.uuid4().hex


def ruleset_header(ruleset: Ruleset) -> str:
    """``X-Ruleset``: ``id@version sha256:DIGEST`` of the ruleset text that decided (bases included)."""
    return f"{ruleset.id}@{ruleset.version} sha256:{ruleset.digest}"


def input_digest(body: bytes) -> str:
    """The sha256 of the document as the client sent it: proves which input was decided
    without keeping it."""
    return hashlib.sha256(body).hexdigest()


class DecisionLog:
    """Appends one JSON line per decision to ``path``; safe from several threads and workers."""

    def __init__(self, path: Path, log_inputs: bool = False):
        self.path = path
        self.log_inputs = log_inputs
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._lock = threading.Lock()

    def record(
        self,
        decision_id: str,
        ruleset: str,
        verdict: dict[str, Any],
        body: bytes,
        document: Any = None,
    ) -> None:
        """Write the decision (``verdict``: the verdict's JSON form) before it is answered."""
        entry: dict[str, Any] = {
            "time": dt.datetime.now(dt.UTC).isoformat(),
            "decision_id": decision_id,
            "ruleset": ruleset,
            "outcome": verdict["outcome"],
            "rules": [{"id": r["id"], "item": r.get("item"), "outcome": r["outcome"]} for r in verdict["rules"]],
            "input_sha256": input_digest(body),
        }
        if self.log_inputs:
            entry["input"] = document
        line = (json.dumps(entry, ensure_ascii=False, separators=(",", ":"), default=str) + "\n").encode("utf-8")
        with self._lock:
            written = os.write(self._fd, line)
            while written < len(line):  # a regular file takes it whole; a short write is finished, still in order
                written += os.write(self._fd, line[written:])

    def close(self) -> None:
        os.close(self._fd)
