"""A real ``amif-rules serve`` on a free loopback port, as a client meets it (the fixtures
``server`` and ``start_server``, registered for every test by tests/conftest.py; a second
conftest.py would be imported under the same name as the first).

``server`` starts one for the whole module (the default settings); ``start_server`` starts
one with any options (a token, a decision log, small limits) and stops it at the end of the
test. Requests go through ``http`` (the standard library's client: nothing of the service's
own stack on the client side).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@attrs.frozen
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@attrs.define
class Server:
    """One running service: its base URL, its process and what it printed."""

    url: str
    process: subprocess.Popen
    log: Path

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None, timeout: float = 60
    ) -> Reply:
        request = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())

    def post(self, path: str, body: bytes, content_type: str = "application/json", **headers: str) -> Reply:
        return self.request("POST", path, body, {"Content-Type": content_type, **headers})

    def get(self, path: str, **headers: str) -> Reply:
        return self.request("GET", path, None, headers)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)

    def reap(self) -> None:
        """Kill whatever of the server's process group is left (the worker processes of
        ``--workers`` outlive a parent killed with SIGKILL): no test leaves a process behind."""
        if self.process.poll() is None:
            self.stop(signal.SIGKILL)
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def launch(tmp: Path, *options: str, ready: bool = True) -> Server:
    port = free_port()
    log = tmp / f"serve-{port}.log"
    process = subprocess.Popen(
        # The workbench's drafts go to a folder of the test's own, never the user's.
        [sys.executable, "-m", "amif_rules.cli", "serve", "--port", str(port), "--workspace", str(tmp / "workspace"), *options],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,  # its own process group, which reap() kills whole
    )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 60
    wanted = "/readyz" if ready else "/healthz"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited ({process.returncode}):\n{log.read_text(errors='replace')}")
        try:
            if server.get(wanted).status == 200:
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    server.reap()
    raise AssertionError(f"the server did not become ready:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = launch(tmp_path_factory.mktemp("serve"))
    yield running
    running.stop()
    running.reap()


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Any]:
    started: list[Server] = []

    def start(*options: str, ready: bool = True) -> Server:
        running = launch(tmp_path, *options, ready=ready)
        started.append(running)
        return running

    yield start
    for running in started:
        running.reap()
