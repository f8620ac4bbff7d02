"""The HTTP examples of docs/http-api.md, run against real services, so that the page cannot
drift from the service.

The page's blocks are ``sh`` and ``text``, kinds tests/house/test_docs.py knows and does not
run. Here:

- an ``sh`` block that calls ``curl`` or the JavaScript client (``node examples/clients/``) is an
  HTTP example, and the ``text`` block right after it is its output (standard error
  included). The other ``sh`` blocks (starting the service, installing) are not run.
- The examples run in page order, each in one bash process, in a folder holding copies of
  ``examples/`` and ``rulesets/`` that they share (a file one writes, a later one reads).
  ``amif-rules`` is this checkout's command.
- ``http://127.0.0.1:8000`` is a service started as the page says, with
  ``amif-rules serve --decision-log decisions.jsonl`` in that folder; ``http://127.0.0.1:8001``
  the one with a token, ``amif-rules serve --port 8001 --token-file token.txt``. Each address
  is replaced by the test's own server's, on a free port.
- The output is compared after normalising what changes from run to run: decision ids (32
  hexadecimal digits) and sha256 digests (64) are numbered in their order of appearance (so
  that the same id in a header and in the decision log must still be the same), the
  ``date`` and ``content-length`` headers and the decision log's ``time`` are blanked, and the
  verdict's ``engine`` may be either engine. A line ``...`` stands for any number of lines,
  and ``...`` inside a line for any text on that line. Trailing spaces are ignored.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import attrs
import pytest

import amif_rules
from amif_rules import limits
from amif_rules.cli import serve

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "http-api.md"
TOKEN = "docs-example-token-0123456789"
#: The two services of the page: its address, and how the page says it was started.
SERVICES = {
    "http://127.0.0.1:8000": "amif-rules serve --decision-log decisions.jsonl",
    "http://127.0.0.1:8001": "amif-rules serve --port 8001 --token-file token.txt",
}
#: What the page must show with a real request, at the least: every endpoint of contract §6.
ENDPOINTS = (
    "/v1/check?",
    "/v1/check/batch",
    "/v1/calls",
    "/v1/rulesets/",
    "/healthz",
    "/readyz",
    "/version",
    "/metrics",
    "/openapi.json",
    "/docs",
)
#: ... and every error status of §6, with its body (401: the token).
STATUSES = ("400 Bad Request", "401 Unauthorized", "404 Not Found", "413 Request Entity Too Large", "415 Unsupported", "422")

_FENCE = re.compile(r"^```(.*)$")
_URL = re.compile(r"https?://[^\s'\"/);]+")
_HEX64 = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")
_HEX32 = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")


@attrs.frozen
class Block:
    info: str
    text: str
    line: int


@attrs.frozen
class Example:
    command: Block
    output: Block


def blocks(markdown: str) -> list[Block]:
    """The fenced blocks of the page, in order (test_docs.py holds the fences to its rules)."""
    found: list[Block] = []
    lines = markdown.split("\n")
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if not match:
            index += 1
            continue
        start = index
        index += 1
        body: list[str] = []
        while index < len(lines) and lines[index] != "```":
            body.append(lines[index])
            index += 1
        found.append(Block(match.group(1).strip(), "\n".join(body) + "\n", start + 1))
        index += 1
    return found


def is_http_example(block: Block) -> bool:
    return block.info == "sh" and bool(re.search(r"(^|[\s|;(]|\$\()(curl|node examples/clients/)", block.text, re.M))


def examples(markdown: str) -> list[Example]:
    """Every HTTP example with its output; an example without an output block is an error."""
    found = blocks(markdown)
    result = []
    for index, block in enumerate(found):
        if not is_http_example(block):
            continue
        following = found[index + 1] if index + 1 < len(found) else None
        if following is None or following.info != "text":
            raise AssertionError(f"docs/http-api.md:{block.line}: an HTTP example must be followed by a text block, its output")
        result.append(Example(block, following))
    return result


# -- comparing ------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """The output with what changes from run to run made comparable (see the module's doc)."""
    text = text.replace("\r\n", "\n")
    text = re.sub(r"(?im)^date: .*$", "date: DATE", text)
    text = re.sub(r"(?im)^content-length: \d+$", "content-length: LENGTH", text)
    text = re.sub(r'"time": ?"[^"]*"', '"time": "TIME"', text)
    text = re.sub(r'"engine": ?"(durable|python)"', '"engine": "ENGINE"', text)
    for pattern, name in ((_HEX64, "DIGEST"), (_HEX32, "ID")):
        text = _numbered(pattern, name, text)
    return text


def _numbered(pattern: re.Pattern[str], name: str, text: str) -> str:
    """Each distinct match of ``pattern`` replaced by ``NAME1``, ``NAME2``, ... in order of appearance."""
    numbers: dict[str, str] = {}

    def number(match: re.Match[str]) -> str:
        return numbers.setdefault(match.group(0), f"{name}{len(numbers) + 1}")

    return pattern.sub(number, text)


def matches(expected: str, actual: str) -> bool:
    """Line by line, trailing spaces ignored: a line ``...`` matches any number of lines, and
    ``...`` inside a line any text on that line."""
    pattern = ""
    for line in expected.rstrip("\n").split("\n"):
        line = line.rstrip()
        if line == "...":
            pattern += "(?:[^\n]*\n)*?"
        else:
            pattern += "[^\n]*?".join(re.escape(part) for part in line.split("...")) + "\n"
    lines = actual.rstrip("\n").split("\n") if actual.strip() else []
    return re.fullmatch(pattern, "".join(line.rstrip() + "\n" for line in lines)) is not None


# -- running --------------------------------------------------------------------------------------


def _need(program: str, how: str) -> None:
    if shutil.which(program) is None:
        pytest.fail(f"{program} is not installed; the examples of docs/http-api.md need it: {how}")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def run(command: str, work: Path, urls: dict[str, str]) -> str:
    for documented, real in urls.items():
        command = command.replace(documented, real)
    package_root = str(Path(amif_rules.__file__).resolve().parents[1])
    script = "\n".join(["exec 2>&1", f'amif-rules() {{ {_quote(sys.executable)} -m amif_rules.cli "$@"; }}', command])
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])),
        LC_ALL="C.UTF-8",
        PYTHONIOENCODING="utf-8",
        COLUMNS="80",
    )
    env.pop("AMIF_TOKEN", None)
    result = subprocess.run(["bash", "-c", script], cwd=work, env=env, capture_output=True, timeout=300)
    return result.stdout.decode("utf-8", errors="replace")


def page() -> str:
    return PAGE.read_text(encoding="utf-8")


# -- the tests ------------------------------------------------------------------------------------


def test_the_page_shows_every_endpoint_and_error_status_with_a_real_request():
    found = examples(page())
    assert len(found) >= 25, f"only {len(found)} HTTP examples"
    commands = "\n".join(example.command.text for example in found)
    outputs = "\n".join(example.output.text for example in found)
    for endpoint in ENDPOINTS:
        assert endpoint in commands, f"no example calls {endpoint}"
    for status in STATUSES:
        assert f"HTTP/1.1 {status}" in outputs, f"no example shows the status {status}"
    assert "Content-Type: application/yaml" in commands, "no example sends YAML"


def test_every_example_talks_to_one_of_the_two_services_the_page_starts():
    text = page()
    for command in SERVICES.values():
        assert any(block.info == "sh" and command in block.text.split("\n") for block in blocks(text)), (
            f"the page does not show how its examples' service was started: {command}"
        )
    for example in examples(text):
        for url in _URL.findall(example.command.text):
            assert url in SERVICES, f"docs/http-api.md:{example.command.line}: {url} is neither service of the page"


def test_every_http_example_gives_the_output_shown(start_server, tmp_path: Path):
    _need("curl", "apt-get install curl (or your system's package of it)")
    _need("jq", "apt-get install jq (or your system's package of it); it only makes long JSON readable")
    _need("node", "apt-get install nodejs, or Node 18 or later from https://nodejs.org (for examples/clients/check.mjs)")
    work = tmp_path / "work"
    work.mkdir()
    for name in ("examples", "rulesets"):
        shutil.copytree(ROOT / name, work / name)
    (work / "token.txt").write_text(TOKEN + "\n", encoding="utf-8")
    plain = start_server("--decision-log", str(work / "decisions.jsonl"))
    with_token = start_server("--token-file", str(work / "token.txt"))
    urls = {"http://127.0.0.1:8000": plain.url, "http://127.0.0.1:8001": with_token.url}
    failures = []
    for example in examples(page()):
        actual = run(example.command.text, work, urls)
        for documented, real in urls.items():
            actual = actual.replace(real, documented)
        if not matches(normalise(example.output.text), normalise(actual)):
            failures.append(
                f"docs/http-api.md:{example.command.line}:\n{example.command.text}expected:\n{example.output.text}got:\n{actual}"
            )
    assert not failures, "\n\n".join(failures)


def _joined(text: str) -> str:
    """Shell text with its continued lines joined, and runs of spaces made one."""
    return re.sub(r"[ \t]+", " ", text.replace("\\\n", " "))


def test_the_readmes_curl_example_is_one_of_the_pages():
    """README.md shows a request of the page (the one tested here), not one of its own."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = [_joined(block.text).strip() for block in blocks(readme) if block.info == "sh" and "curl " in block.text]
    tested = "\n".join(_joined(example.command.text) for example in examples(page()))
    assert shown
    for command in shown:
        assert command in tested, f"README.md's example is not one of docs/http-api.md: {command}"


def _options_table(text: str) -> dict[str, str]:
    """The page's table of ``amif-rules serve`` options: option -> default column."""
    rows = {}
    for line in text.split("\n"):
        match = re.match(r"\| `(--[a-z-]+)[^`]*` \| ([^|]*) \|", line)
        if match:
            rows[match.group(1)] = match.group(2).strip()
    return rows


def test_the_options_table_lists_every_option_of_serve_with_its_default():
    parser = serve.add_parser(argparse.ArgumentParser().add_subparsers())
    options = {action.option_strings[-1]: action for action in parser._actions if action.option_strings[-1] != "--help"}
    table = _options_table(page())
    assert set(table) == set(options)
    for name, action in options.items():
        default = action.default
        if default is None or default is False:
            continue
        shown = table[name]
        number = f"{default:g}" if isinstance(default, float) else str(default)
        assert f"`{number}`" in shown, f"{name}: the page says {shown!r}, the command's default is {default!r}"


def test_the_proxys_body_limit_and_its_answer_are_the_services(server):
    """nginx's ``client_max_body_size 8m`` is the default ``--max-body-bytes`` (8 MiB), and the
    body nginx answers beyond it is the one the service answers."""
    text = page()
    sizes = re.findall(r"client_max_body_size (\d+)m;", text)
    assert sizes and all(int(size) * 1024 * 1024 == limits.SERVICE_MAX_BODY_BYTES for size in sizes)
    bodies = re.findall(r"return 413 '(.*)';", text)
    # A body over the limit, announced and never sent: the service answers from its length.
    url = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    try:
        connection.putrequest("POST", "/v1/check")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(limits.SERVICE_MAX_BODY_BYTES + 1))
        connection.endheaders()
        reply = connection.getresponse()
        status, answer = reply.status, json.loads(reply.read())
    finally:
        connection.close()
    assert status == 413
    assert bodies and all(json.loads(body) == answer for body in bodies)


# -- the comparison itself ------------------------------------------------------------------------


def test_ids_and_digests_are_numbered_in_order_so_a_repeated_one_must_repeat():
    a, b, d = "a" * 32, "b" * 32, "c" * 64
    assert normalise(f"x-decision-id: {a}\nlog {a} {d}\nnext {b}\n") == "x-decision-id: ID1\nlog ID1 DIGEST1\nnext ID2\n"
    shown = normalise(f"x-decision-id: {a}\nlog {a}\n")
    assert matches(shown, normalise(f"x-decision-id: {b}\nlog {b}\n"))
    assert not matches(shown, normalise(f"x-decision-id: {b}\nlog {a}\n"))


def test_the_ellipses():
    assert matches("a\n...\nd\n", "a\nb\nc\nd")
    assert matches("a\n...\nd\n", "a\nd\n")
    assert matches('{"count": ...}\n', '{"count": 12}\n')
    assert not matches("a\nd\n", "a\nb\nd\n")
    assert not matches('{"count": 1...}\n', '{"count": 2}\n')


def test_what_changes_from_run_to_run_is_blanked():
    assert normalise("date: Mon, 07 Dec 2026 03:31:04 GMT\r\ncontent-length: 10206\r\n") == "date: DATE\ncontent-length: LENGTH\n"
    assert normalise('{"time":"2026-12-07T03:33:16+00:00"}') == '{"time": "TIME"}'
    assert normalise('"engine": "python"') == normalise('"engine": "durable"')
