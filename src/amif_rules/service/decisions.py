"""Decisions an auditor can trust: an id for each, the ruleset that made it, and a log.

The decision log is JSON Lines (one decision a line: time, decision id, ruleset, outcome,
every rule's outcome, the input's sha256). Each line is written by one ``write`` on a file
opened for appending, under the file's lock (``flock``), before the answer is sent: a killed
server loses no decision it answered (the line is in the kernel's hands before the client has
the verdict), and workers append whole lines. A line cut short by a crash in the middle of
its ``write`` (the kernel may stop a write between two pages of the file when the process is
killed) belonged to a decision that was never answered; the next log opened on the file ends
that line first, so that the lines appended after it stay whole. The input itself is personal
data (nationality, residence, birth date): it is kept only with ``log_inputs``.

Decision ids: ``POST /v1/check`` answers one decision, whose id is its ``X-Decision-Id``. A
batch's ``X-Decision-Id`` names the batch; the document on its line ``N`` (counted from 0
over the lines that are not blank, as the error lines' ``index``) is decided as
``BATCH-N`` (:func:`batch_decision_id`), so that a client can find each verdict in the log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..ruleset import Ruleset

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]


def new_decision_id() -> str:
    """A unique id for one decision (random; nothing about the document can be read from it)."""
    return uuid.uuid4().hex


def batch_decision_id(batch_id: str, index: int) -> str:
    """The id of the decision on line ``index`` of the batch ``batch_id`` (its ``X-Decision-Id``)."""
    return f"{batch_id}-{index}"


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
        self._fd: int | None = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        self._lock = threading.Lock()
        self._end_torn_line(self._fd)

    @staticmethod
    def _end_torn_line(fd: int) -> None:
        """End a last line left without its newline by a crash, so that the next line is whole.
        Under the file's lock: a worker opening the log while another writes (or opens it)
        waits for it, so that only a torn line is ended, and only once."""
        with _locked(fd):
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                os.write(fd, b"\n")

    def record(
        self,
        decision_id: str,
        ruleset: str,
        verdict: dict[str, Any],
        body: bytes,
        document: Any = None,
    ) -> None:
        """Write the decision (``verdict``: the verdict's JSON form) before it is answered;
        raises ``OSError`` when it cannot be written (then the decision is not answered)."""
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
            if self._fd is None:  # closed (the server stopping): never write to a descriptor reused since
                raise OSError(f"the decision log is closed: {self.path}")
            with _locked(self._fd):
                written = os.write(self._fd, line)
                while written < len(line):  # a regular file takes it whole; a short write is finished, still whole
                    written += os.write(self._fd, line[written:])

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


@contextlib.contextmanager
def _locked(fd: int) -> Iterator[None]:
    """The log file's lock, held by one writer (thread or worker) at a time (none on Windows)."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
