"""examples/clients/check.mjs, the JavaScript client of docs/http-api.md, run with Node against
a real service, as a portal developer would run it.

It prints the outcome, ``X-Decision-Id``, ``X-Ruleset``, each failed rule's message (and the
missing fields), exactly those of the verdict the library gives in process, and exits like
``amif-rules check``: 0 eligible, 1 ineligible, 3 incomplete, 2 an error, whose body's
problems it prints, every bad field by its path. The token comes from ``AMIF_TOKEN``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

import amif_rules
from conftest import EXAMPLES, ROOT

CLIENT = ROOT / "examples" / "clients" / "check.mjs"
EXIT = {"eligible": 0, "ineligible": 1, "incomplete": 3}


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail(
            "node is not installed; examples/clients/check.mjs needs Node 18 or later: "
            "apt-get install nodejs (Debian 12, Ubuntu 24.04), or https://nodejs.org/en/download"
        )
    return found


def client(node: str, *args: str, token: str | None = None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "AMIF_TOKEN"}
    env["NODE_NO_WARNINGS"] = "1"  # Node 18 calls fetch experimental on stderr; the client's own lines are tested
    if token is not None:
        env["AMIF_TOKEN"] = token
    return subprocess.run([node, str(CLIENT), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def expected_lines(path: Path, lang: str) -> list[str]:
    """What the client prints after its header lines, from the verdict in process."""
    verdict = amif_rules.check(path.read_text(encoding="utf-8"), lang=lang).to_dict()
    lines = []
    for rule in verdict["rules"]:
        if rule["outcome"] == "fail":
            warning = " (warning)" if rule["severity"] == "warning" else ""
            lines.append(f"  ✘ {rule['id']}{warning}: {rule['message']}")
    if verdict["missing"]:
        lines.append("missing: " + ", ".join(verdict["missing"]))
    return [verdict["outcome"], *lines]


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("call-42-eligible-antwerpen.json", None),
        ("call-42-ineligible-gent-late-over-budget.json", "en"),
        ("call-42-incomplete-brussel.json", "fr"),
        ("call-42-eligible-liege.yaml", "en"),
    ],
)
def test_the_client_prints_the_verdict_and_exits_with_its_outcome(node, server, name: str, lang: str | None):
    path = EXAMPLES / name
    args = [str(path), server.url, *(["--lang", lang] if lang else [])]
    result = client(node, *args)
    expected = expected_lines(path, lang or "nl")
    assert result.returncode == EXIT[expected[0]], result.stderr
    assert result.stderr == ""
    lines = result.stdout.rstrip("\n").split("\n")
    assert lines[0] == expected[0]
    assert re.fullmatch(r"X-Decision-Id: [0-9a-f]{32}", lines[1]), lines[1]
    ruleset = server.get("/v1/rulesets/call-42").json()
    assert lines[2] == f"X-Ruleset: call-42@{ruleset['version']} {ruleset['digest']}"
    assert lines[3:] == expected[1:]


def test_each_decision_gets_its_own_id(node, server):
    path = str(EXAMPLES / "call-42-ineligible-leuven.json")
    ids = {client(node, path, server.url).stdout.split("\n")[1] for _ in range(3)}
    assert len(ids) == 3


def test_an_error_body_exits_2_naming_every_bad_field(node, server, tmp_path: Path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"call": "42", "form": {"signed": "yes"}, "budget": {"amif": "1.234,56"}}', encoding="utf-8")
    result = client(node, str(bad), server.url)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.split("\n")[0] == "error 422 input: 2 bad fields in the application document:"
    assert re.search(r"^  budget\.amif: .*'1\.234,56'$", result.stderr, re.M)
    assert re.search(r"^  form\.signed: expected true or false", result.stderr, re.M)

    unknown = client(node, str(EXAMPLES / "call-42-ineligible-leuven.json"), server.url + "/")
    assert unknown.returncode == 1  # a trailing slash on the base URL is fine
    malformed = tmp_path / "malformed.json"
    malformed.write_text('{"call": "42", "form": {', encoding="utf-8")
    result = client(node, str(malformed), server.url)
    assert result.returncode == 2 and result.stderr.startswith("error 400 malformed: ")


def test_the_token_comes_from_the_environment(node, start_server, tmp_path: Path):
    token_file = tmp_path / "token.txt"
    token_file.write_text("a-client-test-token\n", encoding="utf-8")
    guarded = start_server("--token-file", str(token_file))
    path = str(EXAMPLES / "call-42-ineligible-leuven.json")

    without = client(node, path, guarded.url)
    assert without.returncode == 2
    assert without.stderr.startswith("error 401 unauthorized: ")

    wrong = client(node, path, guarded.url, token="not-the-token")
    assert wrong.returncode == 2 and wrong.stderr.startswith("error 401 unauthorized: ")

    right = client(node, path, guarded.url, "--lang", "en", token="a-client-test-token")
    assert right.returncode == 1, right.stderr
    assert right.stdout.split("\n")[0] == "ineligible"


def test_usage_and_an_unreachable_service_exit_2(node, tmp_path: Path):
    assert client(node).returncode == 2
    assert client(node, "a.json", "--lang", "de").returncode == 2
    assert client(node, "--help").returncode == 0
    missing = client(node, str(tmp_path / "nothing.json"))
    assert missing.returncode == 2 and missing.stderr.startswith("cannot read ")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    closed = client(node, str(EXAMPLES / "call-42-ineligible-leuven.json"), f"http://127.0.0.1:{port}")
    assert closed.returncode == 2 and closed.stderr.startswith("cannot reach http://127.0.0.1:")
