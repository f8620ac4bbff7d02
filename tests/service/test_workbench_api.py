"""The workbench's API (``/v1/workbench/``, docs/workbench-design.md) as the page meets it, in
process (``httpx.ASGITransport``) against a temporary workspace:

- a policy officer's whole task through the API: open call 42, the rule
  ``lead-municipality-large`` beside its passage in the source text, a draft, the lead
  threshold set to 100,000 (the 150,000 gap that lint reports of call 42 is gone), the Leuven
  example refused under call 42 and eligible under the draft, saved as a test case, the tests
  run and pass, the impact over the bundled portfolio (the five OCMWs that flip), a sweep, the
  diff; the zip downloaded, unzipped, and accepted by ``amif-rules lint`` and ``amif-rules test``;
- every answer of a workbench route has a status and content type the OpenAPI document lists;
- no request reads or writes outside the workspace: ids with ``..``, ``/``, ``%2F``, absolute
  paths, unicode, too long, a symlink in the workspace pointing outside;
- errors: an unknown draft 404, a bad text saved but reported, bad bodies 400/415/422, never 500;
- the token protects the API, not the page; the page has the service's CSP.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from amif_rules.service import Settings, create_app
from amif_rules.service.openapi import document
from amif_rules.service.workspace import set_parameter
from conftest import EXAMPLES, ROOT

SOURCES = Path(os.environ.get("AMIF_SOURCES", ROOT.parent / "shared" / "sources"))
WB = "/v1/workbench"
DRAFT = "call-42-lead-100000"


class Client:
    """Requests to an application in process, answered synchronously."""

    def __init__(self, app: Any):
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://workbench.test", timeout=300)

    def __call__(self, method: str, path: str, **options: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.http.request(method, path, **options))

    def close(self) -> None:
        self.loop.run_until_complete(self.http.aclose())
        self.loop.close()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return tmp_path / "workspace"


@pytest.fixture
def client(workspace: Path) -> Iterator[Client]:
    made = Client(create_app(Settings(workspace=workspace, sources=SOURCES)))
    yield made
    made.close()


def _documented(spec: dict[str, Any], method: str, path: str, reply: httpx.Response) -> None:
    """The reply's status and content type are among those the OpenAPI document lists."""
    for template, item in spec["paths"].items():
        pattern = "^" + "".join(
            "[^/]+" if part.startswith("{") else part for part in template.replace("{", "\0{").replace("}", "}\0").split("\0")
        )
        import re

        if re.fullmatch(pattern, path.split("?")[0]) and method.lower() in item:
            responses = item[method.lower()]["responses"]
            assert str(reply.status_code) in responses, (method, path, reply.status_code, reply.text[:300])
            (kind,) = responses[str(reply.status_code)]["content"]
            assert reply.headers["content-type"].split(";")[0] == kind, (method, path, reply.headers["content-type"])
            return
    raise AssertionError(f"{method} {path} is not in the OpenAPI document")


# -- the policy officer's task -----------------------------------------------------------------------


def test_a_policy_officer_drafts_call_42_from_its_text_to_its_impact(client: Client, workspace: Path, tmp_path: Path):
    spec = document(client.app.routes)

    def call(method: str, path: str, **options: Any) -> httpx.Response:
        reply = client(method, path, **options)
        _documented(spec, method, path, reply)
        return reply

    # Read the call: the rule in plain words, beside its passage.
    view = call("GET", f"{WB}/rulesets/call-42?lang=nl").json()
    assert view["id"] == "call-42" and view["call"] == "42"
    rule = next(r for r in view["rules"] if r["id"] == "lead-municipality-large")
    assert rule["check"] == "applicant.municipality.population > lead_min_population"
    assert "«het inwonertal van de gemeente van de aanvrager»" in rule["plain"] and "150.000" in rule["plain"]
    assert all("{" not in r["plain"] for r in view["rules"] if r["plain"]), [r["plain"] for r in view["rules"]]
    assert rule["passage"] == {
        "file": "call-42-social-activation.nl.txt",
        "heading": "Eindbegunstigden",
        "quote": "gemeenten met meer dan 150.000 inwoners",
    }
    assert {p["name"]: p["value"] for p in view["parameters"]}["lead_min_population"] == 150000
    assert "call-42-ineligible-leuven.json" in {e["name"] for e in view["examples"]}
    english = call("GET", f"{WB}/rulesets/call-42?lang=en").json()
    assert "more than 150,000" in next(r for r in english["rules"] if r["id"] == "lead-municipality-large")["plain"]
    source = call("GET", f"{WB}/rulesets/call-42/sources/lead-municipality-large").json()
    assert source["text"][source["start"] : source["end"]] == "gemeenten met meer dan 150.000 inwoners"
    assert source["text"].rfind("Eindbegunstigden", 0, source["start"]) >= 0  # the passage under its heading
    parameter = call("GET", f"{WB}/rulesets/call-42/sources/parameter:partner_max_population").json()
    assert " ".join(parameter["text"][parameter["start"] : parameter["end"]].split()) == parameter["quote"]

    # Start a draft: it extends call 42, nothing copied.
    created = call("POST", f"{WB}/drafts", json={"base": "call-42", "id": DRAFT})
    assert created.status_code == 201
    text = created.json()["yaml"]
    data = yaml.safe_load(text)
    assert data["id"] == DRAFT and data["extends"] == "call-42" and data["status"] == "draft" and data["call"] == "42"
    assert data["version"] == "0.1" and data["title"]["nl"].endswith(" (ontwerp)") and "rules" not in data
    assert (workspace / f"{DRAFT}.yaml").read_text(encoding="utf-8") == text
    assert call("POST", f"{WB}/drafts", json={"base": "call-42", "id": DRAFT}).status_code == 409
    assert call("GET", f"{WB}/drafts").json() == [
        {"id": DRAFT, "base": "call-42", "title": data["title"], "valid": True},
    ]

    # Lint as the editor types: the draft inherits call 42's gap at 150,000 (AR301)...
    findings = call("POST", f"{WB}/lint", json={"id": DRAFT, "yaml": text}).json()["findings"]
    gap = [f for f in findings if f["code"] == "AR301"]
    assert gap and "150,000" in gap[0]["message"] and gap[0]["file"] == "call-42.yaml" and not gap[0]["in_draft"]
    assert gap[0]["line"] == 66 and gap[0]["counterexample"]["applicant"]["municipality"]["population"] == 150000
    # ... which setting the lead threshold to 100,000 closes.
    edited = call("PUT", f"{WB}/drafts/{DRAFT}/parameters/lead_min_population", json={"value": 100000}).json()
    assert edited["yaml"].startswith(text) and edited["yaml"].endswith("parameters:\n  lead_min_population:\n    value: 100000\n")
    assert not [f for f in edited["findings"] if f["code"] == "AR301"]
    draft = call("GET", f"{WB}/drafts/{DRAFT}").json()
    lead = next(p for p in draft["parameters"] if p["name"] == "lead_min_population")
    assert (lead["base_value"], lead["value"]) == (150000, 100000) and draft["tests_yaml"] is None

    # Try Leuven: refused under call 42, eligible under the draft.
    leuven = json.loads((EXAMPLES / "call-42-ineligible-leuven.json").read_text(encoding="utf-8"))
    tried = call("POST", f"{WB}/drafts/{DRAFT}/try?lang=en", json={"document": leuven}).json()
    assert (tried["baseline"]["outcome"], tried["draft"]["outcome"]) == ("ineligible", "eligible")
    assert "remedies" in tried["baseline"] and "more than" in json.dumps(tried["baseline"])
    as_text = call("POST", f"{WB}/drafts/{DRAFT}/try", json={"text": yaml.safe_dump(leuven)}).json()
    assert as_text["draft"]["outcome"] == "eligible"

    # Save it as a test case, run the tests: they pass.
    saved = call("POST", f"{WB}/drafts/{DRAFT}/tests", json={"name": "Leuven may lead", "document": leuven}).json()
    assert saved["cases"] == 1 and (workspace / f"{DRAFT}.tests.yaml").read_text(encoding="utf-8") == saved["tests_yaml"]
    assert call("POST", f"{WB}/drafts/{DRAFT}/tests", json={"name": "Leuven may lead", "document": leuven}).status_code == 409
    gent = json.loads((EXAMPLES / "call-42-ineligible-gent-late-over-budget.json").read_text(encoding="utf-8"))
    second = call("POST", f"{WB}/drafts/{DRAFT}/tests", json={"name": "Gent is late", "document": gent}).json()
    assert second["cases"] == 2 and "submitted-before-deadline" in second["tests_yaml"]
    ran = call("POST", f"{WB}/drafts/{DRAFT}/run-tests").json()
    assert (ran["passed"], ran["failed"]) == (2, 0) and all(case["ok"] for case in ran["cases"])
    lead_coverage = next(r for r in ran["coverage"] if r["rule"] == "lead-municipality-large")
    assert lead_coverage["outcomes"]["pass"]["cases"] == ["Leuven may lead", "Gent is late"]

    # The impact over the bundled portfolio: progress, then the five OCMWs that flip.
    reply = call("POST", f"{WB}/drafts/{DRAFT}/impact", json={"portfolio": "bundled"})
    lines = [json.loads(line) for line in reply.text.splitlines()]
    assert lines[0] == {"progress": 0, "total": 581} and {"progress": 581, "total": 581} in lines
    result = lines[-1]["result"]
    (group,) = result["groups"]
    assert group["rule"] == "lead-municipality-large" and group["count"] == 5
    assert group["applications"] == ["OCMW Anderlecht", "OCMW Schaarbeek", "OCMW Leuven", "OCMW Brugge", "CPAS Namur"]
    assert result["outcomes"] == {
        "before": {"eligible": 5, "ineligible": 576, "incomplete": 0},
        "after": {"eligible": 10, "ineligible": 571, "incomplete": 0},
    }
    # ... and over a portfolio sent as JSON Lines.
    portfolio = (EXAMPLES / "portfolios" / "call-42-all-ocmws.jsonl").read_text(encoding="utf-8").splitlines()[60:90]
    sent = call("POST", f"{WB}/drafts/{DRAFT}/impact", json={"jsonl": "\n".join(portfolio)})
    sent_result = json.loads(sent.text.splitlines()[-1])["result"]
    assert sent_result["portfolio"]["documents"] == 30 and sent_result["groups"][0]["applications"] == [
        "OCMW Anderlecht",
        "OCMW Schaarbeek",
    ]

    swept = call(
        "POST", f"{WB}/drafts/{DRAFT}/sweep", json={"parameter": "lead_min_population", "values": [100000, 150000]}
    ).json()
    assert [(p["value"], p["eligible"]) for p in swept["points"]] == [(100000, 10), (150000, 5)]
    assert swept["svg"].startswith("<svg")
    ranged = call(
        "POST", f"{WB}/drafts/{DRAFT}/sweep", json={"parameter": "lead_min_population", "from": 50000, "to": 200000, "steps": 4}
    )
    assert [p["value"] for p in ranged.json()["points"]] == [50000, 100000, 150000, 200000]

    diff = call("GET", f"{WB}/drafts/{DRAFT}/diff").json()
    assert diff["parameters"] == [{"name": "lead_min_population", "base": 150000, "draft": 100000}] and diff["rules"] == []
    assert "150000 → 100000" in diff["text"]

    # Take it away: the zip holds both files, which the command line accepts.
    archive = call("GET", f"{WB}/drafts/{DRAFT}/download")
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert sorted(names) == [f"{DRAFT}.tests.yaml", f"{DRAFT}.yaml"]
    away = tmp_path / "away"
    zipfile.ZipFile(io.BytesIO(archive.content)).extractall(away)
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for command in (["lint", f"{DRAFT}.yaml"], ["test", f"{DRAFT}.tests.yaml"]):
        done = subprocess.run(
            [sys.executable, "-m", "amif_rules", *command], cwd=away, env=environment, capture_output=True, text=True
        )
        assert done.returncode == 0, (command, done.stdout, done.stderr)
    assert "2 passed" in done.stdout or "2 cases" in done.stdout or "✔ Leuven may lead" in done.stdout


# -- editing the text -----------------------------------------------------------------------------------


def test_setting_a_parameter_keeps_the_rest_of_the_text():
    text = "# top\nid: x\nparameters:\n  a:\n    value: 1  # the old value\n    source: 's'\n# after\nrules: []\n"
    assert set_parameter(text, "a", 2) == text.replace("value: 1", "value: 2")
    added = set_parameter(text, "b", [1, 2])
    assert added == text.replace("# after\n", "# after\n  b:\n    value: [1, 2]\n")  # before the next key
    assert yaml.safe_load(added)["parameters"] == {"a": {"value": 1, "source": "s"}, "b": {"value": [1, 2]}}
    assert yaml.safe_load(set_parameter("id: x\nparameters:\n", "a", 3))["parameters"] == {"a": {"value": 3}}
    assert yaml.safe_load(set_parameter("id: x\nparameters:\n  a:\n    source: s\n", "a", 3))["parameters"] == {
        "a": {"value": 3, "source": "s"}
    }


# -- no file outside the workspace --------------------------------------------------------------------


def _outside(tmp_path: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file() and "workspace" not in p.parts}


BAD_IDS = [
    "..",
    "../escape",
    "..%2Fescape",
    "%2e%2e%2fescape",
    "a%2Fb",
    "%2Ftmp%2Fescape",
    "/etc/passwd",
    "C:\\escape",
    "caf\u00e9",
    "ＡＢＣ",
    "a" * 65,
    "a--b",
    "-a",
    "Call-42",
    "x\n",
]


def test_no_request_reads_or_writes_outside_the_workspace(client: Client, workspace: Path, tmp_path: Path):
    (tmp_path / "escape.yaml").write_text("id: escape\nsecret: true\n", encoding="utf-8")
    (tmp_path / "escape.tests.yaml").write_text("secret: true\n", encoding="utf-8")
    assert client("POST", f"{WB}/drafts", json={"base": "call-42", "id": "plain"}).status_code == 201
    (workspace / "linked.yaml").symlink_to(tmp_path / "escape.yaml")
    (workspace / "plain.tests.yaml").symlink_to(tmp_path / "escape.tests.yaml")
    before = _outside(tmp_path)
    answers = []
    for bad in BAD_IDS:
        quoted = bad.replace("\n", "%0A").replace("/", "%2F") if "%" not in bad else bad
        for method, path, body in (
            ("GET", f"{WB}/drafts/{quoted}", None),
            ("PUT", f"{WB}/drafts/{quoted}", {"yaml": "id: pwned\n"}),
            ("GET", f"{WB}/drafts/{quoted}/download", None),
            ("POST", f"{WB}/drafts/{quoted}/tests", {"name": "n", "document": {"call": "42"}}),
            ("PUT", f"{WB}/drafts/{quoted}/parameters/lead_min_population", {"value": 1}),
            ("GET", f"{WB}/rulesets/{quoted}", None),
        ):
            reply = client(method, path, json=body) if body is not None else client(method, path)
            answers.append((method, path, reply.status_code))
        for body in ({"base": "call-42", "id": bad}, {"base": bad, "id": "fine"}):
            answers.append(("POST", body["id"], client("POST", f"{WB}/drafts", json=body).status_code))
        answers.append(("lint", bad, client("POST", f"{WB}/lint", json={"id": bad, "yaml": "id: x\n"}).status_code))
    # Raw paths with traversal (not normalised by the client).
    for raw in ("/v1/workbench/drafts/../../escape", "/v1/workbench/drafts/..%2F..%2Fescape/download"):
        answers.append(("raw", raw, client("GET", raw).status_code))
    assert all(status in (404, 405, 422) for _, _, status in answers), [a for a in answers if a[2] not in (404, 405, 422)]
    assert any(status == 422 for _, _, status in answers)
    # The symlinks in the workspace: refused, never followed.
    assert client("GET", f"{WB}/drafts/linked").status_code == 422
    assert client("PUT", f"{WB}/drafts/linked", json={"yaml": "id: pwned\n"}).status_code == 422
    assert client("GET", f"{WB}/drafts/linked/download").status_code == 422
    assert client("GET", f"{WB}/drafts/plain").status_code == 422  # its tests file points outside
    assert client("POST", f"{WB}/drafts/plain/tests", json={"name": "n", "document": {"call": "42"}}).status_code == 422
    assert client("POST", f"{WB}/drafts/plain/run-tests").status_code == 422
    assert "linked" not in [row["id"] for row in client("GET", f"{WB}/drafts").json()]
    assert _outside(tmp_path) == before
    assert sorted(p.name for p in workspace.iterdir()) == ["linked.yaml", "plain.tests.yaml", "plain.yaml"]


# -- errors ---------------------------------------------------------------------------------------------


def test_errors_are_the_services_error_body_never_a_500(client: Client, workspace: Path):
    spec = document(client.app.routes)
    unknown = client("GET", f"{WB}/drafts/nothing-here")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_draft"
    for method, path in (
        ("POST", f"{WB}/drafts/nothing-here/try"),
        ("POST", f"{WB}/drafts/nothing-here/run-tests"),
        ("GET", f"{WB}/drafts/nothing-here/diff"),
        ("GET", f"{WB}/drafts/nothing-here/download"),
        ("PUT", f"{WB}/drafts/nothing-here"),
    ):
        body = {"document": {"call": "42"}} if path.endswith("try") else {"yaml": "id: x\n"}
        reply = client(method, path, json=body)
        assert reply.status_code == 404, (method, path, reply.text)
        _documented(spec, method, path, reply)
    assert client("GET", f"{WB}/rulesets/no-such-call").status_code == 404
    assert client("GET", f"{WB}/rulesets/call-42/sources/no-such-rule").status_code == 404
    assert client("GET", f"{WB}/rulesets/call-42/sources/parameter:nope").status_code == 404
    assert client("POST", f"{WB}/drafts", json={"base": "amif-base", "id": "from-a-base"}).status_code == 422
    assert client("POST", f"{WB}/drafts", json={"base": "call-42", "id": "call-42"}).status_code == 409

    assert client("POST", f"{WB}/drafts", json={"base": "call-42", "id": "work"}).status_code == 201
    for body, status in (
        (b"{not json", 400),
        (b"[1, 2]", 422),
        (b'{"base": 42, "id": "x"}', 422),
        (b'{"id": "x"}', 422),
    ):
        reply = client("POST", f"{WB}/drafts", content=body, headers={"Content-Type": "application/json"})
        assert reply.status_code == status and set(reply.json()["error"]) == {"code", "message", "problems"}, body
    assert client("POST", f"{WB}/drafts", content=b"x", headers={"Content-Type": "text/plain"}).status_code == 415
    assert client("POST", f"{WB}/drafts/work/try", json={"text": "{bad"}).status_code == 400
    assert client("POST", f"{WB}/drafts/work/try", json={"nothing": 1}).status_code == 422
    assert client("POST", f"{WB}/drafts/work/try?lang=de", json={"document": {}}).status_code == 422
    assert client("POST", f"{WB}/drafts/work/sweep", json={"parameter": "lead_min_population", "values": []}).status_code == 422
    assert client("POST", f"{WB}/drafts/work/sweep", json={"parameter": "nope", "values": [1]}).status_code == 404
    assert client("PUT", f"{WB}/drafts/work/parameters/nope", json={"value": 1}).status_code == 404
    assert client("PUT", f"{WB}/drafts/work/parameters/lead_min_population", json={"value": "many"}).status_code == 422
    assert client("POST", f"{WB}/drafts/work/impact", json={"portfolio": "elsewhere"}).status_code == 422
    assert client("POST", f"{WB}/drafts/work/impact", json={"jsonl": 5}).status_code == 422

    # A bad text is saved as it is, and its findings say why; what needs it to load says so.
    broken = "id: work\nextends: call-42\nparameters: [\n"
    saved = client("PUT", f"{WB}/drafts/work", json={"yaml": broken})
    assert saved.status_code == 200 and saved.json()["saved"] is True
    assert "AR001" in {f["code"] for f in saved.json()["findings"]} and saved.json()["findings"][0]["in_draft"]
    assert (workspace / "work.yaml").read_text(encoding="utf-8") == broken
    draft = client("GET", f"{WB}/drafts/work").json()
    assert draft["yaml"] == broken and draft["problems"] and draft["parameters"] == []
    assert client("GET", f"{WB}/drafts").json()[0]["valid"] is False
    for method, path in (
        ("POST", f"{WB}/drafts/work/try"),
        ("GET", f"{WB}/drafts/work/diff"),
        ("POST", f"{WB}/drafts/work/sweep"),
    ):
        reply = client(method, path, json={"document": {"call": "42"}, "parameter": "lead_min_population", "values": [1]})
        assert reply.status_code == 422, (path, reply.text)
    wrong_key = "id: work\nextends: call-42\nstatus: draft\nnonsense: 1\n"
    findings = client("PUT", f"{WB}/drafts/work", json={"yaml": wrong_key}).json()["findings"]
    assert [(f["code"], f["line"]) for f in findings if f["code"] == "AR101"] == [("AR101", 4)]


def test_bodies_and_portfolios_are_bounded(workspace: Path):
    small = Client(create_app(Settings(workspace=workspace, sources=SOURCES, max_body_bytes=2000, max_batch_documents=3)))
    try:
        assert small("POST", f"{WB}/drafts", json={"base": "call-42", "id": "bounded"}).status_code == 201
        assert small("PUT", f"{WB}/drafts/bounded", json={"yaml": "#" * 5000}).status_code == 413
        lines = "\n".join(['{"call": "42"}'] * 4)
        reply = small("POST", f"{WB}/drafts/bounded/impact", json={"jsonl": lines})
        assert reply.status_code == 413 and reply.json()["error"]["code"] == "too_many_documents"
        three = small("POST", f"{WB}/drafts/bounded/impact", json={"jsonl": "\n".join(['{"call": "42"}'] * 3)})
        assert three.status_code == 200 and json.loads(three.text.splitlines()[-1])["result"]["portfolio"]["documents"] == 3
    finally:
        small.close()


# -- the token and the page ----------------------------------------------------------------------------


def test_the_token_protects_the_api_and_not_the_page(workspace: Path):
    guarded = Client(create_app(Settings(workspace=workspace, sources=SOURCES, token="s3cret")))
    try:
        for method, path in (("GET", f"{WB}/drafts"), ("GET", f"{WB}/rulesets/call-42"), ("POST", f"{WB}/lint")):
            reply = guarded(method, path, json={"id": "x", "yaml": ""})
            assert reply.status_code == 401 and reply.headers["www-authenticate"] == "Bearer"
        assert guarded("POST", f"{WB}/drafts", json={"base": "call-42", "id": "guarded"}).status_code == 401
        assert not workspace.exists() or not list(workspace.iterdir())
        ok = guarded("GET", f"{WB}/drafts", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200 and ok.json() == []
        for path in ("/", "/workbench.js", "/workbench.css", "/words.js"):
            assert guarded("GET", path).status_code == 200, path
    finally:
        guarded.close()


def test_the_page_is_served_from_the_package_under_the_services_policy(client: Client):
    kinds = {"/": "text/html", "/workbench.js": "text/javascript", "/words.js": "text/javascript", "/workbench.css": "text/css"}
    package = ROOT / "src" / "amif_rules" / "service" / "static" / "workbench"
    files = {"/": "index.html", "/workbench.js": "workbench.js", "/words.js": "words.js", "/workbench.css": "workbench.css"}
    for path, kind in kinds.items():
        reply = client("GET", path)
        assert reply.status_code == 200 and reply.headers["content-type"].split(";")[0] == kind
        assert reply.text == (package / files[path]).read_text(encoding="utf-8")
        policy = reply.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src 'self';" in policy and "connect-src 'self';" in policy
        assert "unsafe" not in policy and "http" not in policy
        assert reply.headers["cache-control"] == "no-cache"
