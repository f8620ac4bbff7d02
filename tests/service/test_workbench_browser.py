"""The workbench (``/`` of ``amif-rules serve --workspace DIR``) used in a real headless
Chromium by a policy officer, from the cited text of call 42 to a draft she takes away
(issue 14, "Done when"; docs/workbench.md walks through the same task with the screenshots
this test makes).

One test, run in each language chosen in ``#lang`` (nl, fr, en), does the whole task; each
step is asserted on what the person sees, saved as a screenshot and checked with axe-core
(``tests/assets/axe.min.js``, bundled: nothing is fetched) for violations of impact
"serious" or "critical". The steps, in order (the test stops at the first that fails, and
names it):

 1. ``calls``: the list of calls; call 42 is opened from ``#calls``.
 2. ``rule``: the rule ``lead-municipality-large`` in plain words, with the threshold in the
    language's number format; ``.show-source`` shows the source text with the cited passage
    in ``<mark>``: "gemeenten met meer dan 150.000 inwoners".
 3. ``draft``: a draft of call 42 is started (``#draft-id``, ``#new-draft``): a file in the
    workspace that ``extends: call-42``; the linter shows its AR301 finding, inherited from
    call 42: a municipality of exactly 150,000 inhabitants can neither lead nor be coached.
 4. ``parameter``: ``lead_min_population`` is set to 100000 in its field and saved; the
    draft's file says so, and the AR301 finding is gone (with the lead threshold at 100,000
    and the partner threshold at 150,000 no population is left on neither side; this is
    what ``amif-rules lint`` says of rulesets/drafts/call-42-threshold-100000.yaml: no
    finding).
 5. ``try``: examples/call-42-ineligible-leuven.json is pasted and tried: ineligible under
    call 42, eligible under the draft, each with the rule's message in the language.
 6. ``case``: it is saved as a test case: the draft's ``.tests.yaml`` in the workspace has it.
 7. ``tests``: the draft's tests run: none fails, at least one passes.
 8. ``impact``: the impact over the bundled portfolio (581 OCMWs): exactly five flip,
    Anderlecht, Schaarbeek, Leuven, Brugge and Namur, because of lead-municipality-large.
 9. ``download``: the ``#download`` link gives a zip of the draft and its tests, which
    ``amif-rules lint`` and ``amif-rules test`` (run as commands) accept.

Throughout: no request leaves the page's origin, nothing breaks its Content-Security-Policy,
no script fails, and the page's language (``<html lang>``) is the one chosen, remembered
across a reload.

The screenshots go to a temporary folder (printed), or to docs/images/workbench/ for the
English run when ``AMIF_WORKBENCH_SCREENSHOTS=1`` (that is how the documentation's images are
made). The browser is driven over the DevTools protocol through a pipe, as
tests/service/test_docs_page.py does (its ``DevTools`` class), with the standard library
only. Without Chromium the test FAILS, saying so, unless ``AMIF_NO_BROWSER=1`` skips it.
The source texts (``shared/sources`` beside the clone, or ``$AMIF_SOURCES``) must be there,
as for tests/rulesets/test_sources.py: the passage a rule cites is read from them.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import subprocess
import sys
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from test_docs_page import DevTools

import amif_rules
from browsing import require_browser

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
AXE = ROOT / "tests" / "assets" / "axe.min.js"
SOURCES = Path(os.environ.get("AMIF_SOURCES", ROOT.parent / "shared" / "sources"))
DOCS_IMAGES = ROOT / "docs" / "images" / "workbench"

CALL = "call-42"
RULE = "lead-municipality-large"
PARAMETER = "lead_min_population"
DRAFT = "call-42-lead-100000"
LEUVEN = "call-42-ineligible-leuven.json"
PASSAGE = "gemeenten met meer dan 150.000 inwoners"
#: What the linter says of call 42's gap (rulesets/call-42.yaml:66), in its own words (the
#: linter speaks English whatever the page's language).
GAP = "municipality.population = 150,000 is accepted by no rule"
#: The five OCMWs of 100,000 to 150,000 inhabitants (docs/tutorial-draft-impact.md).
FLIPS = ("Anderlecht", "Schaarbeek", "Leuven", "Brugge", "Namur")
#: Each language's way of writing 150000 and 100000 (Babel's nl_BE, fr_BE, en_GB).
THOUSANDS = {"nl": ".", "fr": "\u202f", "en": ","}
#: The document's language as the page says it (``<html lang>``).
LANGS = ("nl", "fr", "en")


def words(text: str) -> str:
    """Text with every run of white space (no-break spaces included) as one space."""
    return " ".join(text.split())


def number(value: int, lang: str) -> str:
    return words(f"{value:,}".replace(",", THOUSANDS[lang]))


def _browser() -> str:
    """Chromium's binary; each browser test asks first, so that a missing one FAILS the test."""
    return require_browser("the workbench")


def _sources() -> Path:
    if SOURCES.is_dir():
        return SOURCES
    if os.environ.get("CI"):
        raise RuntimeError(f"the source texts are missing: {SOURCES}")
    pytest.skip(f"the source texts are not beside this checkout ({SOURCES})")


#: Every ``securitypolicyviolation`` the page meets, kept where the test can read it.
_WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


class Workbench:
    """The page in the browser, with what a step needs: wait for a condition in the page (a
    promise that polls it there: no sleeping here), click, type, choose, take a screenshot,
    run axe-core."""

    def __init__(self, tools: DevTools, url: str, shots: Path, log: Path):
        self.tools = tools
        self.url = url
        self.shots = shots
        self.log = log
        self.count = 0
        self.accessibility: dict[str, list[dict[str, Any]]] = {}

    def js(self, expression: str) -> Any:
        return self.tools.evaluate(expression)

    def until(self, condition: str, what: str, timeout: float = 30) -> Any:
        """The first truthy value of ``condition`` (a JavaScript expression, or a promise of
        one), polled in the page; a failure says what was awaited and what the page shows."""
        script = (
            "new Promise((resolve) => { const start = performance.now(); const tick = () => {"
            f" Promise.resolve().then(() => ({condition})).catch(() => null).then((value) => {{"
            f" if (value) resolve(value); else if (performance.now() - start > {int(timeout * 1000)}) resolve(null);"
            " else setTimeout(tick, 50); }); }; tick(); })"
        )
        value = self.tools.call(
            "Runtime.evaluate",
            {"expression": script, "returnByValue": True, "awaitPromise": True},
            timeout=timeout + 15,
        )
        result = value["result"].get("value")
        if not result:
            raise AssertionError(f"never seen in the page: {what}\n  (waited for: {condition})\n{self.state()}")
        return result

    def state(self) -> str:
        """What the page shows now, for a failure's message: which of the plan's ids exist,
        the visible text, the last lines of the server's log."""
        ids = (
            "lang calls call call-title source parameters new-draft draft-id draft draft-title editor gutter findings try"
            " document example try-run questions baseline draft-verdict save-case case-name tests run-tests test-results"
            " coverage impact portfolio run-impact impact-progress impact-results take-away download diff"
        ).split()
        try:
            present = self.js(f"{json.dumps(ids)}.filter((id) => !document.getElementById(id))")
            text = self.js("document.body ? document.body.innerText : ''") or ""
        except Exception as error:  # the page itself is gone
            present, text = ["?"], f"(the page did not answer: {error})"
        log = self.log.read_text(errors="replace").splitlines()[-15:] if self.log.exists() else []
        return (
            f"  ids of docs/workbench-design.md missing from the page: {present}\n"
            f"  the page's text (start): {words(text)[:1500]!r}\n"
            "  the server's log (end):\n    " + "\n    ".join(log)
        )

    def visible(self, selector: str) -> str:
        """A condition: the element is there and shown (its text, or ``true``)."""
        return (
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " return !!e && e.getClientRects().length > 0 && (e.innerText || e.value || true); })()"
        )

    def text(self, selector: str) -> str:
        return words(
            self.js(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); return e ? e.innerText : ''; }})()")
        )

    def click(self, selector: str) -> None:
        self.until(self.visible(selector), f"{selector}, to click")
        self.tools.click(selector)

    def type_into(self, selector: str, text: str) -> None:
        """Click the field, select what it holds and type over it (``input`` events as a
        keyboard gives them)."""
        self.click(selector)
        self.js(f"document.querySelector({json.dumps(selector)}).select()")
        self.tools.type_text(text)
        typed = self.js(f"document.querySelector({json.dumps(selector)}).value")
        assert typed == text, f"{selector} holds {typed!r} after typing {text!r}"

    def choose(self, selector: str, value: str) -> None:
        """Choose an option of a ``<select>`` (as a person does with the mouse or the arrows:
        the value changes and ``input`` and ``change`` are fired)."""
        self.until(self.visible(selector), f"{selector}, to choose {value!r}")
        found = self.js(
            f"(() => {{ const s = document.querySelector({json.dumps(selector)});"
            f" if (![...s.options].some((o) => o.value === {json.dumps(value)})) return false;"
            f" s.focus(); s.value = {json.dumps(value)}; s.dispatchEvent(new Event('input', {{bubbles: true}}));"
            " s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()"
        )
        assert found, (
            f"{selector} has no option {value!r}: {self.js(f'[...document.querySelector({json.dumps(selector)}).options].map((o) => o.value)')}"
        )

    def screenshot(self, name: str, selector: str | None = None) -> Path:
        """The viewport, with the section of the step scrolled to its top."""
        if selector:
            self.js(
                f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                " if (e) { e.scrollIntoView({block: 'start', behavior: 'instant'}); window.scrollBy({top: -100, behavior: 'instant'}); } })()"
            )
        self.count += 1
        path = self.shots / f"{self.count:02d}-{name}.png"
        data = self.tools.call("Page.captureScreenshot", {"format": "png"})["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def axe(self, name: str) -> None:
        """axe-core over the whole page in its present state: no violation of impact serious
        or critical (they are listed, with the elements, when there are)."""
        if not self.js("typeof window.axe === 'object'"):
            # Evaluated through the protocol, so the page's policy (script-src 'self') neither
            # blocks it nor is loosened for it.
            self.js(AXE.read_text(encoding="utf-8") + "\n;true")
        found = self.js(
            "axe.run(document, {resultTypes: ['violations']}).then((r) => r.violations.map((v) => ({"
            " id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ': ' + n.failureSummary.split('\\n').slice(1).join('; '))})))"
        )
        self.accessibility[name] = found
        serious = [v for v in found if v["impact"] in ("serious", "critical")]
        if serious:
            listed = "\n".join(
                f"  {v['impact']} {v['id']}: {v['help']}\n" + "\n".join(f"      {node}" for node in v["nodes"]) for v in serious
            )
            raise AssertionError(f"axe-core finds serious accessibility violations on the page at step {name!r}:\n{listed}")


@pytest.fixture
def screenshots(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    lang = request.node.callspec.params["lang"]
    if os.environ.get("AMIF_WORKBENCH_SCREENSHOTS") == "1" and lang == "en":
        folder = DOCS_IMAGES
    else:
        folder = tmp_path / f"screenshots-{lang}"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots of the workbench ({lang}): {folder}")
    return folder


@pytest.fixture
def workbench(start_server: Any, tmp_path: Path, screenshots: Path) -> Iterator[tuple[Workbench, Any, Path]]:
    """The page of a fresh server with an empty workspace, in a fresh browser."""
    binary = _browser()
    sources = _sources()
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    server = start_server("--workspace", str(workspace), "--sources", str(sources))
    tools = DevTools(binary, tmp_path / "profile", tmp_path / "chromium.log")
    try:
        tools.open_page()
        tools.call("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        tools.call("Page.addScriptToEvaluateOnNewDocument", {"source": _WATCH})
        yield Workbench(tools, server.url, screenshots, server.log), server, workspace
    finally:
        tools.close()


@contextlib.contextmanager
def step(page: Workbench, name: str) -> Iterator[None]:
    """One step of the task: when it fails, the failure names it and a screenshot of the page
    as it was is saved beside the others."""
    try:
        yield
    except BaseException as error:
        try:
            shot = page.screenshot(f"FAILED-{name}")
        except Exception:  # the browser is gone: the error says why
            shot = None
        raise AssertionError(f"step {name!r} failed (screenshot: {shot}): {error}") from error


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "amif_rules.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))},
    )


def _messages(document: dict, lang: str, ruleset: amif_rules.Ruleset | None = None) -> dict[str, str]:
    verdict = amif_rules.check(document, lang=lang, ruleset=ruleset, engine="python").to_dict()
    return {rule["id"]: words(rule["message"]) for rule in verdict["rules"]}


@pytest.mark.parametrize("lang", LANGS)
def test_a_policy_officer_takes_a_draft_of_call_42_from_the_cited_text_to_its_impact(workbench, lang, tmp_path):
    page, server, workspace = workbench
    call = yaml.safe_load((ROOT / "rulesets" / f"{CALL}.yaml").read_text(encoding="utf-8"))
    leuven = json.loads((EXAMPLES / LEUVEN).read_text(encoding="utf-8"))
    draft_ruleset = amif_rules.load_ruleset(ROOT / "rulesets" / "drafts" / "call-42-threshold-100000.yaml")

    with step(page, "language"):
        page.tools.call("Page.navigate", {"url": page.url + "/"})
        # The page is ready (its script has run) once it has listed the calls.
        page.until(page.visible(f'#calls [data-call-id="{CALL}"]'), "the list of calls, loaded")
        page.choose("#lang", lang)
        page.until(f"document.documentElement.lang === {json.dumps(lang)}", f"<html lang={lang}> once {lang} is chosen")
        # Remembered: a reload keeps it.
        page.tools.call("Page.reload", {"ignoreCache": False})
        page.until(
            f"document.readyState === 'complete' && document.getElementById('lang') && document.getElementById('lang').value === {json.dumps(lang)}"
            f" && document.documentElement.lang === {json.dumps(lang)}",
            f"{lang} still chosen after a reload",
        )

    with step(page, "calls"):
        button = f'#calls [data-call-id="{CALL}"]'
        shown = page.until(page.visible(button), f"call 42 in the list of calls ({button})")
        assert "42" in words(str(shown)), shown
        page.screenshot("calls", "#calls")
        page.axe("calls")
        page.click(button)
        title = words(call["title"][lang])
        page.until(
            f"document.getElementById('call-title') && document.getElementById('call-title').innerText.split(/\\s+/).join(' ').includes({json.dumps(title)})",
            f"the call's title in {lang} in #call-title: {title!r}",
        )

    with step(page, "rule"):
        rule = f'#call [data-rule-id="{RULE}"]'
        page.until(page.visible(rule), f"the rule {RULE} in the call view")
        plain = page.text(rule)
        assert number(150000, lang) in plain, f"the rule's plain words give the threshold as {number(150000, lang)!r}: {plain!r}"
        page.click(f"{rule} .show-source")
        mark = page.until(
            "(() => { const m = document.querySelector('#source mark'); return m && m.getClientRects().length > 0 && m.innerText; })()",
            "the cited passage highlighted (<mark>) in #source",
        )
        assert PASSAGE in words(mark), f"the highlighted passage is {words(mark)!r}, not the words the rule cites"
        # The passage stands in its text: the source shows more than the quote.
        assert len(page.text("#source")) > len(words(mark)) + 200
        assert "Eindbegunstigden" in page.text("#source")
        page.screenshot("rule-and-source", rule)
        page.axe("rule")

    with step(page, "draft"):
        page.until(page.visible("#draft-id"), "the field of the draft's name #draft-id")
        prefilled = page.js("document.getElementById('draft-id').value")
        assert prefilled == f"{CALL}-draft", f"#draft-id is prefilled with {prefilled!r}"
        page.type_into("#draft-id", DRAFT)
        page.click("#new-draft")
        page.until(
            f"document.getElementById('draft-title') && document.getElementById('draft-title').innerText.includes({json.dumps(DRAFT)})",
            f"the draft {DRAFT} opened (#draft-title)",
        )
        file = workspace / f"{DRAFT}.yaml"
        assert file.is_file(), f"no {file.name} in the workspace: {sorted(p.name for p in workspace.iterdir())}"
        written = yaml.safe_load(file.read_text(encoding="utf-8"))
        assert written["extends"] == CALL and "rules" not in written, written
        # The linter's finding inherited from call 42: the gap at 150,000.
        finding = page.until(page.visible("#findings [data-code=AR301]"), "the linter's AR301 finding (the gap at 150,000)")
        assert GAP in words(str(finding)), f"the AR301 finding says {finding!r}"
        editor = page.js("document.getElementById('editor').value")
        assert f"extends: {CALL}" in editor, editor
        lines = page.js("document.getElementById('gutter').innerText").split()
        assert lines[:3] == ["1", "2", "3"] and len(lines) >= editor.count("\n"), f"the gutter's numbers: {lines[:10]}..."
        page.screenshot("draft", "#editor-heading")
        page.axe("draft")

    with step(page, "parameter"):
        field = f"input[data-parameter={PARAMETER}]"
        page.until(page.visible(field), f"the field of {PARAMETER}")
        start = page.js(f"document.querySelector({json.dumps(field)}).value")
        assert "".join(filter(str.isdigit, start)) == "150000", f"the field starts from call 42's value, not {start!r}"
        label = page.js(
            f"(() => {{ const f = document.querySelector({json.dumps(field)}); return f.labels.length ? f.labels[0].innerText : ''; }})()"
        )
        assert label.strip(), f"the field of {PARAMETER} has no label"
        page.type_into(field, "100000")
        page.click(f"[data-save-parameter={PARAMETER}]")
        page.until(
            "/lead_min_population:\\s*\\n\\s*value:\\s*100000/.test(document.getElementById('editor').value)",
            "the draft's text (#editor) with lead_min_population: value: 100000",
        )
        page.until(
            "!document.querySelector('#findings [data-code=AR301]')", "the AR301 finding gone once the lead threshold is 100,000"
        )
        saved = yaml.safe_load((workspace / f"{DRAFT}.yaml").read_text(encoding="utf-8"))
        assert saved["parameters"][PARAMETER]["value"] == 100000, saved
        page.screenshot("parameter", f"input[data-parameter={PARAMETER}]")
        page.axe("parameter")

    with step(page, "try"):
        page.until(page.visible("#document"), "the document field #document")
        page.type_into("#document", (EXAMPLES / LEUVEN).read_text(encoding="utf-8"))
        page.click("#try-run")
        for where, outcome in (("#baseline", "ineligible"), ("#draft-verdict", "eligible")):
            page.until(
                f"(() => {{ const e = document.querySelector({json.dumps(where)}); return !!e &&"
                f" (e.matches('[data-outcome={outcome}]') || !!e.querySelector('[data-outcome={outcome}]')); }})()",
                f"{where} [data-outcome={outcome}]",
            )
        baseline, draft = page.text("#baseline"), page.text("#draft-verdict")
        refused = _messages(leuven, lang)[RULE]
        accepted = _messages(leuven, lang, draft_ruleset)[RULE]
        assert refused in baseline, f"call 42's verdict does not say why Leuven is refused ({refused!r}): {baseline!r}"
        assert accepted in draft, f"the draft's verdict does not say why Leuven may lead ({accepted!r}): {draft!r}"
        for shown in (baseline, draft):
            leaked = re.search(r"\b(null|undefined|NaN)|\[object", shown)
            assert not leaked, f"a verdict shows a program's value ({leaked.group()!r}): {shown!r}"
        page.screenshot("try", "#baseline")
        page.axe("try")

    with step(page, "case"):
        name = "Leuven (101,624 inhabitants) may lead"
        page.type_into("#case-name", name)
        page.click("#save-case")
        tests_file = workspace / f"{DRAFT}.tests.yaml"
        page.until(
            f"fetch('/v1/workbench/drafts/{DRAFT}').then((r) => r.json()).then((d) => (d.tests_yaml || '').includes({json.dumps(name)}))",
            "the case in the draft's tests (GET /v1/workbench/drafts/ID: tests_yaml)",
        )
        assert name in tests_file.read_text(encoding="utf-8"), f"{tests_file.name} lacks the case"
        page.screenshot("case", "#case-name")

    with step(page, "tests"):
        page.click("#run-tests")
        counts = page.until(
            "(() => { const e = document.querySelector('#test-results[data-passed], #test-results [data-passed]');"
            " return e && e.dataset.passed !== '' && e.dataset.failed !== undefined && {passed: e.dataset.passed, failed: e.dataset.failed}; })()",
            "#test-results with [data-passed] and [data-failed]",
        )
        assert counts["failed"] == "0" and int(counts["passed"]) >= 1, f"the draft's tests: {counts}"
        assert RULE in page.text("#coverage"), "the coverage names the rule"
        page.screenshot("tests", "#tests")
        page.axe("tests")

    with step(page, "impact"):
        page.until(page.visible("#portfolio"), "the portfolio menu #portfolio")
        chosen = page.js("document.getElementById('portfolio').value")
        assert "bundled" in chosen, f"the bundled portfolio is not the one chosen: {chosen!r}"
        page.click("#run-impact")
        page.until(
            "(() => { const r = document.getElementById('impact-results'); return !!r && !!r.querySelector('[data-cause]'); })()",
            "the impact's results, grouped by cause (#impact-results [data-cause])",
            timeout=120,
        )
        flips = page.js("[...document.querySelectorAll('#impact-results [data-flip]')].map((e) => e.dataset.flip)")
        matched = sorted(next((town for town in FLIPS if town in flip), flip) for flip in flips)
        assert matched == sorted(FLIPS), f"the applications that flip: {flips}"
        causes = page.text("#impact-results")
        assert RULE in causes, causes
        progress = page.js("(() => { const p = document.getElementById('impact-progress'); return p && [p.value, p.max]; })()")
        assert progress and progress[0] == progress[1] and progress[1] > 1, f"the progress bar: {progress}"
        page.screenshot("impact", "#impact")
        page.axe("impact")

    with step(page, "download"):
        href = page.until(
            "(() => { const a = document.getElementById('download'); return a && a.getClientRects().length > 0"
            f" && a.getAttribute('aria-disabled') !== 'true' && new URL(a.href).pathname.endsWith('/{DRAFT}/download') && a.href; }})()",
            f"the download link #download, enabled, to /v1/workbench/drafts/{DRAFT}/download",
        )
        assert (urlsplit(href).scheme, urlsplit(href).netloc) == (urlsplit(page.url).scheme, urlsplit(page.url).netloc), href
        with urllib.request.urlopen(href, timeout=60) as reply:
            assert reply.status == 200
            archive = tmp_path / "draft.zip"
            archive.write_bytes(reply.read())
        unzipped = tmp_path / "taken-away"
        with zipfile.ZipFile(archive) as opened:
            assert sorted(opened.namelist()) == sorted([f"{DRAFT}.yaml", f"{DRAFT}.tests.yaml"]), opened.namelist()
            opened.extractall(unzipped)
        linted = _cli("lint", "--sources", str(SOURCES), str(unzipped / f"{DRAFT}.yaml"), cwd=tmp_path)
        assert linted.returncode == 0 and "0 errors" in linted.stdout, f"amif-rules lint:\n{linted.stdout}{linted.stderr}"
        tested = _cli("test", str(unzipped / f"{DRAFT}.tests.yaml"), cwd=tmp_path)
        assert tested.returncode == 0, f"amif-rules test:\n{tested.stdout}{tested.stderr}"
        assert "fail" not in tested.stderr.lower(), tested.stderr
        if page.js("!!document.getElementById('show-diff')"):
            page.click("#show-diff")
        page.until(
            "(() => { const d = document.getElementById('diff'); return d && d.innerText.includes('lead_min_population'); })()",
            "the diff against call 42 (#diff) naming lead_min_population",
        )
        page.screenshot("take-away", "#take-away")
        page.axe("take-away")

    with step(page, "clean"):
        events = page.tools.events
        sent = [e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"]
        origin = (urlsplit(page.url).scheme, urlsplit(page.url).netloc)
        foreign = [url for url in sent if (urlsplit(url).scheme, urlsplit(url).netloc) != origin]
        assert foreign == [], f"requests that left the page's origin: {foreign}"
        assert page.js("window.__violations") == [], "the Content-Security-Policy was broken"
        problems = [
            e["params"]
            for e in events
            if e["method"] == "Runtime.exceptionThrown"
            or (
                e["method"] == "Log.entryAdded"
                and e["params"]["entry"]["level"] == "error"
                and urlsplit(e["params"]["entry"].get("url", "")).path != "/favicon.ico"
            )
        ]
        assert problems == [], f"errors in the page: {problems}"
