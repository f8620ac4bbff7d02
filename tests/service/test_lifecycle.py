"""The service's life as an operator sees it: starting, serving with several workers, a token,
and stopping.

- SIGTERM: requests in flight (a batch streaming its verdicts, a document half uploaded) end
  with whole, valid answers, each logged, while new connections are refused; exit status 0;
- without ``--host`` the socket is bound to 127.0.0.1 only (the process says so, the kernel's
  table of sockets too, and the machine's other address is refused), and ``--host`` opens it;
- ``/healthz`` answers at once, ``/readyz`` is 503 while the rulesets load, then 200, and a
  decision asked for while they load waits for them;
- ``--workers 2``: each worker answers alone, and ``/metrics`` adds up both workers' counters;
- ``--token-file``: 401 with the error body of §6 without the token or with a wrong one, 200
  with it; the health checks need none; an empty or missing token file is a usage error.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

import httpx
import pytest

import amif_rules
from amif_rules.service import Settings, create_app
from amif_rules.service.decisions import batch_decision_id
from conftest import EXAMPLES, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import dataset  # noqa: E402

BODY = (EXAMPLES / "call-42-eligible-antwerpen.json").read_bytes()


def address(server: Any) -> tuple[str, int]:
    parsed = urllib.parse.urlsplit(server.url)
    return parsed.hostname or "127.0.0.1", parsed.port or 80


def in_process(document: Any) -> dict[str, Any]:
    return amif_rules.check(document).to_dict()


# -- stopping ------------------------------------------------------------------------------------


def test_sigterm_finishes_the_requests_in_flight_refuses_new_connections_and_exits_0(start_server, tmp_path: Path):
    log = tmp_path / "decisions.jsonl"
    server = start_server("--decision-log", str(log))
    host, port = address(server)
    documents = [document for _, document in dataset.generate(300, seed=12)]

    # In flight 1: a document half uploaded (its request has begun, its body has not arrived).
    document = json.loads(BODY)
    slow = socket.create_connection((host, port), timeout=60)
    head = (
        f"POST /v1/check HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\nContent-Length: {len(BODY)}\r\n\r\n"
    ).encode()
    slow.sendall(head + BODY[: len(BODY) // 2])
    # In flight 2: a batch of 300 documents, its first verdict read, the others waiting for
    # the client to read them.
    batch = http.client.HTTPConnection(host, port, timeout=60)
    body = "".join(json.dumps(d) + "\n" for d in documents).encode()
    batch.request("POST", "/v1/check/batch", body, {"Content-Type": "application/x-ndjson"})
    streaming = batch.getresponse()
    assert streaming.status == 200
    lines = [streaming.readline()]
    assert json.loads(lines[0]) == in_process(documents[0])

    server.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 20
    refused = False
    while not refused and time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=5).close()
            time.sleep(0.02)
        except ConnectionRefusedError:
            refused = True
    assert refused, "new connections are still accepted after SIGTERM"
    assert server.process.poll() is None  # still serving the requests in flight

    slow.sendall(BODY[len(BODY) // 2 :])
    answer = http.client.HTTPResponse(slow)
    answer.begin()
    assert answer.status == 200
    assert json.loads(answer.read()) == in_process(document)
    slow_id = answer.getheader("x-decision-id")
    assert slow.recv(1) == b""  # then the server closes the connection
    slow.close()

    lines += streaming.read().splitlines(keepends=True)
    assert len(lines) == len(documents) and all(line.endswith(b"\n") for line in lines)
    for line, sent in zip(lines, documents):
        assert json.loads(line) == in_process(sent)
    batch_id = streaming.getheader("x-decision-id", "")
    batch.close()

    assert server.process.wait(timeout=60) == 0
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((host, port), timeout=5)
    logged = {json.loads(line)["decision_id"] for line in log.read_text(encoding="utf-8").splitlines()}
    assert logged == {slow_id} | {batch_decision_id(batch_id, index) for index in range(len(documents))}
    assert "Waiting for connections to close" in server.log.read_text(errors="replace")


# -- binding -----------------------------------------------------------------------------------


def outward_address() -> str | None:
    """This machine's IPv4 address on its network, if it has one (nothing is sent)."""
    candidates = []
    for target in ("192.0.2.1", "10.255.255.255", "8.8.8.8"):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect((target, 9))
                candidates.append(probe.getsockname()[0])
            except OSError:
                continue
    try:
        candidates += [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    except OSError:
        pass
    return next((a for a in candidates if not a.startswith(("127.", "0."))), None)


def listening(port: int) -> list[str]:
    """The local addresses of the sockets listening on ``port`` (Linux: /proc/net/tcp and tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            local, state = fields[1], fields[3]
            hex_address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.append(hex_address)
    return found


def test_without_host_it_binds_the_loopback_address_only(start_server):
    server = start_server()
    host, port = address(server)
    assert f"Uvicorn running on http://127.0.0.1:{port}" in server.log.read_text(errors="replace")
    assert listening(port) == ["0100007F"]  # 127.0.0.1, and nothing on IPv6
    outward = outward_address()
    if outward is not None:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((outward, port), timeout=5)
        # The same address is reached when the operator opens the service to the network.
        opened = start_server("--host", "0.0.0.0")
        opened_port = address(opened)[1]
        assert listening(opened_port) == ["00000000"]
        socket.create_connection((outward, opened_port), timeout=5).close()


# -- readiness -----------------------------------------------------------------------------------


def test_healthz_answers_at_once_and_readyz_turns_from_503_to_200(start_server):
    server = start_server(ready=False)  # returned as soon as /healthz answers
    statuses = []
    deadline = time.monotonic() + 60
    while not statuses or statuses[-1] != 200:
        assert time.monotonic() < deadline
        reply = server.get("/readyz")
        assert reply.json()["status"] == {503: "loading", 200: "ready"}[reply.status]
        statuses.append(reply.status)
    assert set(statuses[:-1]) <= {503}  # never ready, then not ready again
    assert server.get("/healthz").json() == {"status": "ok"}
    assert server.get("/readyz").status == 200


def test_readyz_is_503_while_the_rulesets_load_and_a_decision_waits_for_them():
    """In process, with the loading held back, to see the 503 every time."""
    app = create_app(Settings())
    service = app.state.service
    release = threading.Event()
    load = service.load

    def held_back() -> None:
        assert release.wait(60)
        load()

    service.load = held_back

    async def scenario() -> None:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
                assert (await client.get("/healthz")).status_code == 200
                reply = await client.get("/readyz")
                assert (reply.status_code, reply.json()) == (503, {"status": "loading"})
                waiting = asyncio.ensure_future(client.post("/v1/check", content=BODY))
                await asyncio.sleep(0.2)
                assert not waiting.done()  # the decision waits for the rulesets
                release.set()
                reply = await asyncio.wait_for(waiting, 60)
                assert reply.status_code == 200 and reply.json() == in_process(json.loads(BODY))
                reply = await client.get("/readyz")
                assert reply.status_code == 200 and reply.json()["status"] == "ready" and reply.json()["rulesets"] > 0

    try:
        asyncio.run(scenario())
    finally:
        release.set()


# -- two workers ---------------------------------------------------------------------------------


def workers_of(pid: int) -> list[int]:
    """The worker processes uvicorn started (spawned by multiprocessing)."""
    found = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        command = Path(f"/proc/{child}/cmdline").read_bytes()
        if b"spawn_main" in command:
            found.append(int(child))
    return found


def metric(text: str, name: str, **labels: str) -> float:
    """The sum of the samples of ``name`` whose labels include ``labels``."""
    total = 0.0
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if match and all(f'{k}="{v}"' in match.group(1) for k, v in labels.items()):
            total += float(match.group(2))
    return total


def test_two_workers_each_answer_and_metrics_add_up_both(start_server):
    server = start_server("--workers", "2")
    deadline = time.monotonic() + 60
    while len(workers := workers_of(server.process.pid)) < 2:
        assert time.monotonic() < deadline, workers
        time.sleep(0.1)
    assert len(workers) == 2
    each = 6
    decision_ids = set()
    for stopped in workers:
        # With one worker stopped, the other answers every request alone.
        os.kill(stopped, signal.SIGSTOP)
        try:
            for _ in range(each):
                reply = server.post("/v1/check", BODY)
                assert reply.status == 200
                decision_ids.add(reply.headers["x-decision-id"])
        finally:
            os.kill(stopped, signal.SIGCONT)
    assert len(decision_ids) == 2 * each
    text = server.get("/metrics").body.decode()
    assert metric(text, "amif_requests_total", route="/v1/check", status="200") == 2 * each
    assert metric(text, "amif_decisions_total", ruleset="call-42", outcome="eligible") == 2 * each
    assert metric(text, "amif_request_seconds_count", route="/v1/check") == 2 * each
    assert server.stop() == 0


# -- the token -----------------------------------------------------------------------------------


def test_with_a_token_file_every_request_but_the_health_checks_needs_the_token(start_server, tmp_path: Path):
    token = "a-long-random-token-0123456789"
    (tmp_path / "token").write_text(token + "\n", encoding="utf-8")
    server = start_server("--token-file", str(tmp_path / "token"))
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": token}, {"Authorization": f"Basic {token}"}):
        for method, path, body in (("POST", "/v1/check", BODY), ("GET", "/v1/calls", None), ("GET", "/metrics", None)):
            reply = server.request(method, path, body, {"Content-Type": "application/json", **headers})
            assert reply.status == 401, (path, headers)
            assert reply.headers["www-authenticate"] == "Bearer"
            error = reply.json()["error"]
            assert set(reply.json()) == {"error"} and error["code"] == "unauthorized" and error["problems"] == []
            assert error["message"]
    right = {"Authorization": f"Bearer {token}"}
    reply = server.post("/v1/check", BODY, **right)
    assert reply.status == 200 and reply.json() == in_process(json.loads(BODY))
    assert server.get("/metrics", **right).status == 200
    assert server.get("/healthz").status == 200
    assert server.get("/readyz").status == 200
    assert token not in server.log.read_text(errors="replace")


@pytest.mark.parametrize("content", ["", "  \n", None], ids=["empty", "blank", "missing"])
def test_an_empty_or_missing_token_file_is_a_usage_error(tmp_path: Path, content: str | None):
    path = tmp_path / "token"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "amif_rules.cli", "serve", "--port", "9", "--token-file", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("amif-rules: ")
    assert str(path) in done.stderr
