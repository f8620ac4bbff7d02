"""The decision log (``amif-rules serve --decision-log PATH``), read as an auditor reads it.

- every decision answered, one by one or in a batch, has exactly one line: an aware time,
  its decision id (``X-Decision-Id``; in a batch ``BATCH-N`` for the document on line N),
  ``X-Ruleset``, the outcome, every rule's outcome and the sha256 of the document as sent;
  nothing that was not a decision (an error) has one;
- no value of the document is in it (nationality, residence, birth date, names) unless the
  operator asks with ``--log-inputs``;
- two workers appending at once write whole lines;
- a server killed (SIGKILL) in the middle of a burst of requests leaves no torn line and
  loses no decision a client was answered; a server restarted on the log appends after it;
- a line torn by a crash is ended before the next is appended.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import os
import signal
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from amif_rules.service.decisions import DecisionLog, batch_decision_id
from conftest import EXAMPLES

ENTRY_KEYS = {"time", "decision_id", "ruleset", "outcome", "rules", "input_sha256"}
#: Documents of three calls, with every kind of personal field (nationalities, residences,
#: birth dates, names) and every outcome.
DOCUMENT_FILES = [
    "call-42-eligible-antwerpen.json",
    "call-42-ineligible-leuven.json",
    "call-42-incomplete-brussel.json",
    "flanders-385-eligible-antwerpen.json",
    "flanders-385-ineligible-leuven-age-20.json",
    "flanders-427-ineligible-aalst-british-participant.json",
]
BODIES = [(EXAMPLES / name).read_bytes() for name in DOCUMENT_FILES]
#: Fields that say something about a person (or name an organisation).
PERSONAL_KEYS = {"nationalities", "residence", "birth_date", "name", "first_language", "id"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_log(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The entries of the log, and its lines that are not JSON objects (torn)."""
    entries, torn = [], []
    for line in path.read_text(encoding="utf-8").split("\n")[:-1]:  # the file ends with a newline
        try:
            entry = json.loads(line)
        except ValueError:
            torn.append(line)
            continue
        if not isinstance(entry, dict):
            torn.append(line)
            continue
        entries.append(entry)
    if not path.read_bytes().endswith(b"\n"):
        torn.append(path.read_text(encoding="utf-8").rsplit("\n", 1)[-1])
    return entries, torn


def leaves(value: Any, key: str = "") -> list[tuple[str, Any]]:
    """Every scalar of a document with the key it is under."""
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in leaves(v, k)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in leaves(v, key)]
    return [(key, value)]


def rules_of(verdict: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"id": r["id"], "item": r.get("item"), "outcome": r["outcome"]} for r in verdict["rules"]]


def assert_entry(entry: dict[str, Any], decision_id: str, ruleset: str, verdict: dict[str, Any], body: bytes) -> None:
    assert set(entry) == ENTRY_KEYS  # no input
    assert entry["decision_id"] == decision_id
    assert entry["ruleset"] == ruleset
    assert entry["outcome"] == verdict["outcome"]
    assert entry["rules"] == rules_of(verdict)
    assert entry["input_sha256"] == sha256(body)
    when = dt.datetime.fromisoformat(entry["time"])
    assert when.tzinfo is not None and when.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.UTC) - when) < dt.timedelta(minutes=10)


def assert_no_personal_data(text: str, documents: list[Any]) -> None:
    """No value of the documents is a value in the log, and no personal one is anywhere in it
    (but a lowercase code such as the residence ``legal`` is part of a rule's id:
    ``participant-legal-residence``)."""
    for document in documents:
        for key, value in leaves(document):
            if isinstance(value, str):
                assert json.dumps(value, ensure_ascii=False) not in text, f"{key}: {value!r} is in the decision log"
                if key in PERSONAL_KEYS and not (value.replace("_", "").isalpha() and value.islower()):
                    assert value not in text, f"{key}: {value!r} is in the decision log"


# -- every decision, one line ------------------------------------------------------------------


def test_every_decision_one_by_one_and_in_a_batch_has_exactly_one_line(start_server, tmp_path: Path):
    log = tmp_path / "decisions.jsonl"
    server = start_server("--decision-log", str(log))
    answered: list[tuple[str, str, dict[str, Any], bytes]] = []
    for body in BODIES:
        reply = server.post("/v1/check", body)
        assert reply.status == 200, reply.body
        answered.append((reply.headers["x-decision-id"], reply.headers["x-ruleset"], reply.json(), body))
    yaml_body = (EXAMPLES / "call-42-eligible-liege.yaml").read_bytes()
    reply = server.post("/v1/check?lang=en", yaml_body, "application/yaml")
    assert reply.status == 200
    answered.append((reply.headers["x-decision-id"], reply.headers["x-ruleset"], reply.json(), yaml_body))
    # Errors are not decisions: no line.
    assert server.post("/v1/check", b"{not json").status == 400
    assert server.post("/v1/check", b'{"call": "42", "budget": {"amif": "lots"}}').status == 422
    assert server.post("/v1/check?call=nope", BODIES[0]).status == 404

    # A batch: its X-Decision-Id names it; line N's decision is BATCH-N (blank lines not counted,
    # as in the error lines' index), and each line's digest is of that line.
    lines = [b.replace(b"\n", b"") for b in BODIES]
    lines.insert(2, b"{not json")
    lines.insert(4, b'{"call": "42", "budget": {"amif": "lots"}}')
    body = b"\n".join(lines[:3]) + b"\n\n" + b"\n".join(lines[3:]) + b"\n"
    reply = server.post("/v1/check/batch", body, "application/x-ndjson")
    assert reply.status == 200
    batch_id = reply.headers["x-decision-id"]
    ruleset_of = {verdict["ruleset"]["id"]: header for _, header, verdict, _ in answered}
    answers = [json.loads(line) for line in reply.body.decode().splitlines()]
    assert len(answers) == len(lines)
    assert [a["index"] for a in answers if "error" in a] == [2, 4]
    for index, (line, answer) in enumerate(zip(lines, answers)):
        if "error" not in answer:
            answered.append((batch_decision_id(batch_id, index), ruleset_of[answer["ruleset"]["id"]], answer, line))

    entries, torn = read_log(log)
    assert torn == []
    assert len(entries) == len(answered) == len(BODIES) + 1 + len(BODIES)
    by_id = {entry["decision_id"]: entry for entry in entries}
    assert len(by_id) == len(entries)  # every id once
    for decision_id, ruleset, verdict, sent in answered:
        assert_entry(by_id[decision_id], decision_id, ruleset, verdict, sent)
    assert batch_id not in by_id  # the batch is not a decision; its documents are
    assert [e["decision_id"] for e in entries[-len(BODIES) :]] == [batch_decision_id(batch_id, i) for i in (0, 1, 3, 5, 6, 7)]
    assert {e["outcome"] for e in entries} == {"eligible", "ineligible", "incomplete"}
    documents = [json.loads(b) for b in BODIES]
    assert_no_personal_data(log.read_text(encoding="utf-8"), documents)


def test_with_log_inputs_the_document_is_kept(start_server, tmp_path: Path):
    log = tmp_path / "decisions.jsonl"
    server = start_server("--decision-log", str(log), "--log-inputs")
    reply = server.post("/v1/check", BODIES[3])
    assert reply.status == 200
    lines = [b.replace(b"\n", b"") for b in BODIES[:2]]
    batch = server.post("/v1/check/batch", b"\n".join(lines) + b"\n", "application/x-ndjson")
    assert batch.status == 200
    entries, torn = read_log(log)
    assert torn == [] and len(entries) == 3
    assert [e["decision_id"] for e in entries] == [
        reply.headers["x-decision-id"],
        batch_decision_id(batch.headers["x-decision-id"], 0),
        batch_decision_id(batch.headers["x-decision-id"], 1),
    ]
    for entry, body in zip(entries, [BODIES[3], *lines]):
        assert set(entry) == ENTRY_KEYS | {"input"}
        assert entry["input"] == json.loads(body)
        assert entry["input_sha256"] == sha256(body)
    assert "2003-03-14" in log.read_text(encoding="utf-8")  # a birth date: kept, as asked


# -- concurrency: two workers, and a server killed in the middle of a burst ---------------------


class Burst:
    """Threads posting documents on keep-alive connections (one each), one by one and in
    batches of 5, until told to stop or the server is gone; ``answered`` holds (decision id,
    sha256 of what was sent) of every verdict a client received whole."""

    def __init__(self, url: str, threads: int = 8):
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.answered: list[tuple[str, str]] = []
        self.failures: list[str] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(n,), daemon=True) for n in range(threads)]

    def __enter__(self) -> Burst:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def count(self) -> int:
        with self.lock:
            return len(self.answered)

    def run(self, number: int) -> None:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        turn = number
        try:
            while not self.stop.is_set():
                turn += 1
                if turn % 4:
                    body = BODIES[turn % len(BODIES)]
                    connection.request("POST", "/v1/check", body, {"Content-Type": "application/json"})
                    response = connection.getresponse()
                    data = response.read()
                    if response.status != 200:
                        self.failures.append(f"{response.status}: {data[:200]!r}")
                        return
                    json.loads(data)  # whole
                    with self.lock:
                        self.answered.append((response.getheader("X-Decision-Id", ""), sha256(body)))
                else:
                    lines = [b.replace(b"\n", b"") for b in (BODIES * 2)[turn % len(BODIES) :][:5]]
                    connection.request("POST", "/v1/check/batch", b"\n".join(lines), {"Content-Type": "application/x-ndjson"})
                    response = connection.getresponse()
                    batch_id = response.getheader("X-Decision-Id", "")
                    for index, line in enumerate(lines):
                        answer = response.readline()
                        if not answer.endswith(b"\n"):
                            return  # cut off: this verdict was not received
                        assert "outcome" in json.loads(answer)
                        with self.lock:
                            self.answered.append((batch_decision_id(batch_id, index), sha256(line)))
                    response.read()
        except (OSError, http.client.HTTPException, ValueError) as error:
            if not self.stop.is_set():
                self.failures.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()


def wait_for(condition: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_two_workers_append_whole_lines_and_every_decision(start_server, tmp_path: Path):
    log = tmp_path / "decisions.jsonl"
    server = start_server("--decision-log", str(log), "--workers", "2")
    with Burst(server.url) as burst:
        wait_for(lambda: burst.count() >= 400)
    assert burst.failures == []
    entries, torn = read_log(log)
    assert torn == []
    logged = {(e["decision_id"], e["input_sha256"]) for e in entries}
    assert len(logged) == len(entries)
    # Each thread finished the request it was in when told to stop: every decision logged was read.
    assert logged == set(burst.answered) and len(entries) == len(burst.answered)


def test_a_killed_server_leaves_no_torn_line_loses_no_answered_decision_and_a_new_one_appends(
    start_server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    log = tmp_path / "decisions.jsonl"
    server = start_server("--decision-log", str(log))
    started = time.monotonic()
    with Burst(server.url) as burst:
        wait_for(lambda: burst.count() >= 200 and time.monotonic() - started > 1.5)  # in the middle of the burst
        server.process.send_signal(signal.SIGKILL)
        assert server.process.wait(timeout=30) == -signal.SIGKILL
        answered = list(burst.answered)
    # Every thread ended on the dead connection, not on a refusal or a bad answer before.
    assert all(not f.startswith(("4", "5")) for f in burst.failures), burst.failures
    entries, torn = read_log(log)
    logged = {(e["decision_id"], e["input_sha256"]) for e in entries}
    lost = set(answered) - logged
    with capsys.disabled():
        print(
            f"\nkill test: answered {len(answered)}, logged {len(entries)}, torn {len(torn)}, lost {len(lost)} "
            f"(logged and not received: {len(logged - set(answered))})"
        )
    assert torn == []
    assert lost == set()
    assert len(logged) == len(entries)

    before = log.read_bytes()
    again = start_server("--decision-log", str(log))
    reply = again.post("/v1/check", BODIES[0])
    assert reply.status == 200
    after = log.read_bytes()
    assert after.startswith(before)
    new_entries, torn = read_log(log)
    assert torn == [] and len(new_entries) == len(entries) + 1
    assert new_entries[:-1] == entries
    assert new_entries[-1]["decision_id"] == reply.headers["x-decision-id"]
    assert new_entries[-1]["input_sha256"] == sha256(BODIES[0])


# -- the log itself --------------------------------------------------------------------------------


def _verdict() -> dict[str, Any]:
    return {"outcome": "eligible", "rules": [{"id": "r", "item": None, "outcome": "pass"}]}


def test_a_line_torn_by_a_crash_is_ended_once_before_the_next_is_appended(tmp_path: Path):
    path = tmp_path / "decisions.jsonl"
    whole = json.dumps({"decision_id": "a"}) + "\n"
    path.write_text(whole + '{"time": "2026-', encoding="utf-8")
    first, second = DecisionLog(path), DecisionLog(path)  # two workers starting: one newline
    first.record("b", "call-42@1", _verdict(), b"{}")
    second.record("c", "call-42@1", _verdict(), b"{}")
    first.close()
    second.close()
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[0] == whole.strip() and lines[1] == '{"time": "2026-' and lines[-1] == ""
    assert [json.loads(line)["decision_id"] for line in lines[2:-1]] == ["b", "c"]

    # A log that ends with its newline is left as it is.
    size = path.stat().st_size
    DecisionLog(path).close()
    assert path.stat().st_size == size


def test_a_new_log_is_for_its_owner_only_and_a_closed_one_refuses_to_record(tmp_path: Path):
    log = DecisionLog(tmp_path / "decisions.jsonl")
    assert os.stat(tmp_path / "decisions.jsonl").st_mode & 0o777 == 0o600
    log.close()
    log.close()
    with pytest.raises(OSError, match="closed"):
        log.record("a", "call-42@1", _verdict(), b"{}")
    assert (tmp_path / "decisions.jsonl").read_bytes() == b""
