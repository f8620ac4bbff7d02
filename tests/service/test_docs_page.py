"""The API docs page (``/docs``) of a real server, used in a real headless browser (Chromium).

The browser must be installed: on Debian and Ubuntu, ``apt-get install -y chromium`` (the
binary is ``chromium`` or ``chromium-browser``). Without it these tests FAIL, saying so,
unless ``AMIF_NO_BROWSER=1`` is set explicitly, which skips them (as
tests/toolkit/test_report_browser.py does).

The browser is driven over the DevTools protocol through a pipe (``--remote-debugging-pipe``:
file descriptors 3 and 4, JSON messages ended by NUL), with the standard library only. As a
person would: the page loads under its Content-Security-Policy; every operation of
``/openapi.json`` is listed; a mouse click on "Send POST /v1/check" sends the prefilled
example and shows status 200, the verdict's outcome and the X-Ruleset header; ticking
``include``'s check boxes sends ``include=questions,remedies`` and shows the verdict with them;
the ruleset form is filled and sent with the keyboard alone; Tab reaches every control; the
accessibility tree gives every control a name; and no request leaves the page's origin
(the network log), nothing breaks the policy (``securitypolicyviolation`` events, console
errors) and no script fails.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from amif_rules.resources import examples_dir
from browsing import HEADLESS_FLAGS, find_browser, require_browser

FLAGS = (*HEADLESS_FLAGS, "--window-size=1280,900", "--remote-debugging-pipe")
EXAMPLE = "call-42-eligible-antwerpen.json"


def _which() -> str | None:
    return find_browser()


def _browser() -> str:
    """Chromium's binary; each browser test asks first, so that a missing one FAILS the test."""
    return require_browser("the API docs page")


_LAUNCHER = """
import fcntl, os, sys
commands, replies = (fcntl.fcntl(int(fd), fcntl.F_DUPFD, 10) for fd in sys.argv[1:3])
os.dup2(commands, 3)
os.dup2(replies, 4)
for fd in {commands, replies, int(sys.argv[1]), int(sys.argv[2])} - {3, 4}:
    os.close(fd)
os.execv(sys.argv[3], sys.argv[3:])
"""


class DevTools:
    """One headless Chromium and one page of it, over the DevTools protocol on a pipe."""

    def __init__(self, binary: str, profile: Path, log: Path):
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()
        # The browser reads commands on fd 3 and writes replies on fd 4: a small launcher puts
        # the pipes there (by way of fds above 9, so that neither overwrites the other).
        self.process = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, str(commands_read), str(replies_write), binary, *FLAGS]
            + [f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(commands_read, replies_write),
            stdin=subprocess.DEVNULL,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        os.close(commands_read)
        os.close(replies_write)
        self._buffer = b""
        self._next = 0
        self.session: str | None = None
        self.events: list[dict[str, Any]] = []

    def _send(self, method: str, params: dict[str, Any] | None, session: str | None) -> int:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        return self._next

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._replies], [], [], max(left, 0))
            if not ready:
                raise TimeoutError("the browser did not answer in time")
            chunk = os.read(self._replies, 1 << 16)
            if not chunk:
                raise ConnectionError("the browser closed its DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(self, method: str, params: dict[str, Any] | None = None, *, browser: bool = False, timeout: float = 30) -> Any:
        """Send one command (to the page, or to the browser) and wait for its answer; events
        that arrive meanwhile are kept in ``events``."""
        wanted = self._send(method, params, None if browser else self.session)
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def open_page(self) -> None:
        target = self.call("Target.createTarget", {"url": "about:blank"}, browser=True)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, browser=True)["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.call(f"{domain}.enable")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (awaited when it is a promise)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"never true in the page: {expression}")

    def click(self, selector: str) -> None:
        """A left click in the middle of the element, as a mouse gives it."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView({{block: 'center', behavior: 'instant'}});"
            " const r = e.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()"
        )
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", {"type": kind, "x": box["x"], "y": box["y"], "button": "left", "clickCount": 1})

    def press(self, key: str, shift: bool = False) -> None:
        """One key of the keyboard: ``Tab`` or ``Enter``."""
        codes = {"Tab": (9, "\t"), "Enter": (13, "\r")}
        code, text = codes[key]
        common = {"key": key, "code": key, "windowsVirtualKeyCode": code, "modifiers": 8 if shift else 0}
        self.call("Input.dispatchKeyEvent", {"type": "keyDown", "text": text, **common})
        self.call("Input.dispatchKeyEvent", {"type": "keyUp", **common})

    def type_text(self, text: str) -> None:
        self.call("Input.insertText", {"text": text})

    def close(self) -> None:
        try:
            self.call("Browser.close", browser=True, timeout=5)
        except (TimeoutError, ConnectionError, RuntimeError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        os.close(self._commands)
        os.close(self._replies)


#: Every ``securitypolicyviolation`` the page meets, kept where the test can read it (the
#: browser runs this before the page's own script, whatever the policy says).
_WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture(scope="module")
def page(server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools | None]:
    """/docs of the running server, loaded in a fresh headless Chromium, its operations listed
    (None without Chromium: the test then fails, or skips on request, in ``_browser``)."""
    binary = _which()
    if binary is None or os.environ.get("AMIF_NO_BROWSER") == "1":
        yield None
        return
    folder = tmp_path_factory.mktemp("docs-browser")
    tools = DevTools(binary, folder / "profile", folder / "chromium.log")
    try:
        tools.open_page()
        tools.call("Page.addScriptToEvaluateOnNewDocument", {"source": _WATCH})
        tools.call("Page.navigate", {"url": server.url + "/docs"})
        tools.wait_for("document.getElementById('operations') && document.getElementById('operations').dataset.loaded === 'yes'")
        yield tools
    finally:
        tools.close()


def _operations(spec: dict[str, Any]) -> list[str]:
    return [f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item]


def test_the_page_is_served_with_a_policy_that_allows_only_the_service_itself(server):
    reply = server.get("/docs")
    assert reply.status == 200 and reply.headers["content-type"].startswith("text/html")
    policy = {part.split()[0]: part.split()[1:] for part in reply.headers["content-security-policy"].split(";") if part.strip()}
    assert policy["default-src"] == ["'none'"]
    for directive in ("script-src", "style-src", "connect-src"):
        assert policy[directive] == ["'self'"], directive
    assert not any("unsafe" in source or ":" in source or "*" in source for sources in policy.values() for source in sources)
    for asset, kind in (("/docs/docs.js", "text/javascript"), ("/docs/docs.css", "text/css")):
        served = server.get(asset)
        assert served.status == 200 and served.headers["content-type"].startswith(kind), asset


class _Markup(HTMLParser):
    """What the page's markup asks the browser to run or load."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.references: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "style" or "style" in names or any(name.startswith("on") for name in names):
            self.inline.append(tag)
        if tag == "script" and "src" not in names:
            self.inline.append("script")
        self.references += [value or "" for name, value in attrs if name in ("src", "href")]


def test_the_markup_has_no_inline_code_and_names_no_other_origin(server):
    markup = _Markup()
    markup.feed(server.get("/docs").body.decode("utf-8"))
    assert markup.inline == []
    assert "docs/docs.js" in markup.references and "docs/docs.css" in markup.references
    for reference in markup.references:
        parts = urlsplit(reference)
        assert not parts.scheme and not parts.netloc, reference


def test_every_operation_is_listed(page, server):
    _browser()
    spec = server.get("/openapi.json").json()
    listed = page.evaluate(
        "Array.from(document.querySelectorAll('section.operation')).map((s) => ({"
        " heading: s.querySelector('h2').innerText, shown: s.offsetHeight > 0,"
        " toc: !!document.querySelector('#toc a[href=\"#' + s.id + '\"]') }))"
    )
    assert [item["heading"] for item in listed] == _operations(spec)
    assert all(item["shown"] and item["toc"] for item in listed)
    text = page.evaluate("document.body.innerText")
    for path, item in spec["paths"].items():
        for operation in item.values():
            assert operation["summary"] in text, (path, operation["summary"])
    # Parameters, body types and responses are spelled out, e.g. for POST /v1/check:
    check = page.evaluate("document.getElementById('op-post-v1-check').innerText")
    for words in ("lang", "engine", "application/json", "application/yaml", "Application", "Verdict", "X-Ruleset", "422"):
        assert words in check, words


def test_try_it_sends_the_prefilled_example_and_shows_the_verdict(page, server):
    _browser()
    prefilled = page.evaluate("document.getElementById('op-post-v1-check-body').value")
    assert json.loads(prefilled) == json.loads((examples_dir() / EXAMPLE).read_text(encoding="utf-8"))
    page.click("#op-post-v1-check button[type=submit]")
    status = page.wait_for(
        "(() => { const s = document.querySelector('#op-post-v1-check-result .status-code'); return s && s.textContent; })()"
    )
    assert status == "200"
    shown = page.evaluate(
        "(() => { const r = document.getElementById('op-post-v1-check-result'); return {"
        " ruleset: r.querySelector('dd[data-header=x-ruleset]').innerText,"
        " decision: r.querySelector('dd[data-header=x-decision-id]').innerText,"
        " body: r.querySelector('pre.body').innerText, text: r.innerText }; })()"
    )
    direct = server.post("/v1/check", (examples_dir() / EXAMPLE).read_bytes())
    assert shown["ruleset"] == direct.headers["x-ruleset"] and shown["ruleset"].startswith("call-42@")
    assert shown["decision"] and shown["decision"] != direct.headers["x-decision-id"]
    assert json.loads(shown["body"])["outcome"] == "eligible" == direct.json()["outcome"]
    assert '"outcome": "eligible"' in shown["text"] and "x-ruleset" in shown["text"]


def test_include_is_a_list_of_check_boxes_sent_joined_by_commas(page, server):
    """The ``include`` parameter (a list, ``explode: false``) is one check box per name; the
    names ticked are sent as one parameter joined by a comma, and the answer is the verdict
    with the questions and remedies, as the service gives it to any client."""
    _browser()
    spec = server.get("/openapi.json").json()
    (parameter,) = [p for p in spec["paths"]["/v1/check"]["post"]["parameters"] if p["name"] == "include"]
    names = parameter["schema"]["items"]["enum"]
    assert names == ["questions", "remedies"]
    shown = page.evaluate(
        "(() => { const f = document.getElementById('op-post-v1-check-query-include'); return {"
        " tag: f.tagName, legend: f.querySelector('legend').innerText,"
        " boxes: Array.from(f.querySelectorAll('input[type=checkbox]'), (b) => [b.value, b.labels[0].innerText, b.checked]),"
        " row: Array.from(document.querySelectorAll('#op-post-v1-check tbody tr'), (r) => r.innerText)"
        "   .find((t) => t.startsWith('include')) }; })()"
    )
    assert shown["tag"] == "FIELDSET" and shown["legend"].startswith("include")
    assert shown["boxes"] == [[name, name, False] for name in names]
    assert "list of one of: questions, remedies, joined by commas" in shown["row"]
    document = (examples_dir() / "call-42-ineligible-gent-late-over-budget.json").read_text(encoding="utf-8")
    before = len(page.events)
    for name in names:
        page.click(f"#op-post-v1-check-query-include-{name}")
    page.evaluate(
        "(() => { const t = document.getElementById('op-post-v1-check-body'); t.value = "
        + json.dumps(document)
        + "; t.dispatchEvent(new Event('input')); })()"
    )
    page.evaluate("document.getElementById('op-post-v1-check-query-lang').value = 'en'")
    page.evaluate(
        "(() => { const s = document.querySelector('#op-post-v1-check-result .status-code'); if (s) s.textContent = ''; })()"
    )
    page.click("#op-post-v1-check button[type=submit]")
    status = page.wait_for(
        "(() => { const s = document.querySelector('#op-post-v1-check-result .status-code'); return s && s.textContent; })()"
    )
    assert status == "200"
    sent = [
        event["params"]["request"]["url"]
        for event in page.events[before:]
        if event["method"] == "Network.requestWillBeSent" and urlsplit(event["params"]["request"]["url"]).path == "/v1/check"
    ]
    assert [urlsplit(url).query for url in sent] == ["lang=en&include=questions,remedies"]
    body = json.loads(page.evaluate("document.querySelector('#op-post-v1-check-result pre.body').innerText"))
    direct = server.post("/v1/check?lang=en&include=questions,remedies", document.encode("utf-8")).json()
    assert body == direct and body["questions"] == [] and [r["rule"] for r in body["remedies"]][-1] == "submitted-before-deadline"
    # As it was: the other tests send the plain check of the prefilled example.
    for name in names:
        page.click(f"#op-post-v1-check-query-include-{name}")
    assert page.evaluate("document.querySelectorAll('#op-post-v1-check-query-include input:checked').length") == 0
    page.evaluate(
        "(() => { document.getElementById('op-post-v1-check-query-lang').value = '';"
        " document.getElementById('op-post-v1-check-body').value = "
        + json.dumps((examples_dir() / EXAMPLE).read_text(encoding="utf-8"))
        + "; })()"
    )


def test_the_keyboard_alone_fills_and_sends_a_form(page, server):
    _browser()
    ruleset_id = server.post("/v1/check", (examples_dir() / EXAMPLE).read_bytes()).json()["ruleset"]["id"]
    page.click("#op-get-v1-rulesets-id-path-id")
    assert page.evaluate("document.activeElement.id") == "op-get-v1-rulesets-id-path-id"
    page.type_text(ruleset_id)
    page.press("Enter")  # submits the form the field belongs to
    status = page.wait_for(
        "(() => { const s = document.querySelector('#op-get-v1-rulesets-id-result .status-code'); return s && s.textContent; })()"
    )
    assert status == "200"
    body = json.loads(page.evaluate("document.querySelector('#op-get-v1-rulesets-id-result pre.body').innerText"))
    assert body == server.get(f"/v1/rulesets/{ruleset_id}").json()


def test_tab_reaches_every_control_and_every_control_has_a_name(page):
    _browser()
    controls = page.evaluate(
        "Array.from(document.querySelectorAll('input, select, textarea, button')).map((e) => e.id || e.textContent)"
    )
    page.evaluate("document.activeElement && document.activeElement.blur(), window.scrollTo(0, 0)")
    reached = set()
    for _ in range(len(controls) + 60):
        page.press("Tab")
        reached.add(page.evaluate("document.activeElement.id || document.activeElement.textContent"))
    assert set(controls) <= reached, sorted(set(controls) - reached)
    tree = page.call("Accessibility.getFullAXTree")["nodes"]
    roles = {"textbox", "combobox", "button", "ComboBoxSelect", "checkbox"}
    named = [
        (node["role"]["value"], node.get("name", {}).get("value", ""))
        for node in tree
        if node.get("role", {}).get("value") in roles
    ]
    assert len(named) >= len(controls)
    assert all(name.strip() for _, name in named), [role for role, name in named if not name.strip()]
    labels = page.evaluate(
        "Array.from(document.querySelectorAll('input, select, textarea')).every((e) => e.labels.length === 1 && e.labels[0].innerText.trim())"
    )
    assert labels


def _favicon(event: dict[str, Any]) -> bool:
    """The 404 of the /favicon.ico a browser asks for on its own (not the page's doing)."""
    return urlsplit(event["params"]["entry"].get("url", "")).path == "/favicon.ico"


def test_no_request_left_the_origin_and_nothing_broke_the_policy(page, server):
    _browser()
    page.click("#op-post-v1-check button[type=submit]")  # (again, if the tests before did)
    page.wait_for(
        "!document.querySelector('#op-post-v1-check button[type=submit]').disabled"
        " && !!document.querySelector('#op-post-v1-check-result .status-code')"
    )
    origin = urlsplit(server.url)
    sent = [event["params"]["request"]["url"] for event in page.events if event["method"] == "Network.requestWillBeSent"]
    paths = {urlsplit(url).path for url in sent}
    assert {"/docs", "/docs/docs.js", "/docs/docs.css", "/openapi.json", "/v1/check"} <= paths, paths
    foreign = [url for url in sent if (urlsplit(url).scheme, urlsplit(url).netloc) != (origin.scheme, origin.netloc)]
    assert foreign == []
    assert page.evaluate("window.__violations") == []
    problems = [
        event["params"]
        for event in page.events
        if event["method"] == "Runtime.exceptionThrown"
        or (event["method"] == "Log.entryAdded" and event["params"]["entry"]["level"] == "error" and not _favicon(event))
        or (event["method"] == "Runtime.consoleAPICalled" and event["params"]["type"] == "error")
    ]
    assert problems == []


def test_on_a_service_with_a_token_the_page_opens_and_sends_the_token_given(start_server, tmp_path):
    """/docs and /openapi.json need no token; the requests the page sends carry the one typed
    into its token field: without it 401, with it the verdict."""
    _browser()
    binary = _which()
    assert binary is not None
    token = tmp_path / "token.txt"
    token.write_text("s3cret-for-the-test\n", encoding="utf-8")
    guarded = start_server("--token-file", str(token))
    tools = DevTools(binary, tmp_path / "profile", tmp_path / "chromium.log")
    try:
        tools.open_page()
        tools.call("Page.navigate", {"url": guarded.url + "/docs"})
        tools.wait_for("document.getElementById('operations') && document.getElementById('operations').dataset.loaded === 'yes'")
        status_of = (
            "(() => { const s = document.querySelector('#op-post-v1-check-result .status-code'); return s && s.textContent; })()"
        )
        tools.click("#op-post-v1-check button[type=submit]")
        assert tools.wait_for(status_of) == "401"
        tools.click("#token")
        tools.type_text("s3cret-for-the-test")
        tools.evaluate("document.querySelector('#op-post-v1-check-result .status-code').textContent = ''")
        tools.click("#op-post-v1-check button[type=submit]")
        assert tools.wait_for(status_of) == "200"
    finally:
        tools.close()
