"""``amif-rules workbench``: the service on a free loopback port, the page in the browser, and
Ctrl-C stops it cleanly; as a person starts it from a terminal."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import ROOT

#: A stand-in for the person's browser: writes the address it was asked to open.
BROWSER = """
import sys
from pathlib import Path
Path(sys.argv[1]).write_text(sys.argv[2], encoding="utf-8")
"""


def _read_address(process: subprocess.Popen, deadline: float) -> str:
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        found = re.search(r"(http://127\.0\.0\.1:\d+/\S*)", line)
        if found:
            return found.group(1)
    raise AssertionError(f"no address printed; exit {process.poll()}, stderr: {process.stderr.read() if process.stderr else ''}")


def test_the_workbench_opens_the_page_in_the_browser_and_stops_on_ctrl_c(tmp_path: Path):
    opened = tmp_path / "opened.txt"
    script = tmp_path / "browser.py"
    script.write_text(BROWSER, encoding="utf-8")
    workspace = tmp_path / "workspace"
    environment = dict(os.environ, PYTHONPATH=str(ROOT / "src"), BROWSER=f"{sys.executable} {script} {opened} %s")
    process = subprocess.Popen(
        [sys.executable, "-m", "amif_rules", "workbench", "--workspace", str(workspace), "--lang", "fr"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 60
        address = _read_address(process, deadline)
        assert address.endswith("/?lang=fr")
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.05)  # the browser stand-in is another process: wait for its file
        assert opened.read_text(encoding="utf-8").strip() == address
        with urllib.request.urlopen(address, timeout=10) as reply:
            page = reply.read().decode("utf-8")
            assert reply.status == 200 and "workbench.js" in page
            assert "default-src" in reply.headers["Content-Security-Policy"]
        request = urllib.request.Request(
            address.split("?")[0] + "v1/workbench/drafts",
            data=b'{"base": "call-42", "id": "call-42-mine"}',
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as reply:
            assert reply.status == 201
        assert "extends: call-42" in (workspace / "call-42-mine.yaml").read_text(encoding="utf-8")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hang fails the test below
            process.kill()
            process.wait()
    stderr = process.stderr.read() if process.stderr else ""
    assert process.returncode in (0, 130), stderr
    assert "Traceback" not in stderr


def test_no_browser_only_prints_the_address(tmp_path: Path):
    environment = dict(os.environ, PYTHONPATH=str(ROOT / "src"), BROWSER="false")
    process = subprocess.Popen(
        [sys.executable, "-m", "amif_rules", "workbench", "--no-browser", "--workspace", str(tmp_path / "ws")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        address = _read_address(process, time.monotonic() + 60)
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", address)
        with urllib.request.urlopen(address + "v1/workbench/drafts", timeout=10) as reply:
            assert reply.status == 200 and reply.read() == b"[]"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
