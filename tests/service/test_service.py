"""The service of contract §6 as a client meets it: a real server on a loopback port.

- the same verdict over HTTP as in process, byte for byte, for every example and the 600
  seeded call-42 documents (one by one and in batches);
- every error status of §6 with its body, every bad field named by its path;
- the decision headers, calls, rulesets, health, readiness, version and metrics;
- nothing a client names is read as a file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import amif_rules
from conftest import EXAMPLES, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import dataset  # noqa: E402

DOCUMENTS = [document for _, document in dataset.generate(600)]
EXAMPLE_FILES = sorted(p for p in EXAMPLES.glob("*.json")) + sorted(EXAMPLES.glob("*.yaml"))


def in_process(document: object, lang: str = "nl") -> dict:
    return amif_rules.check(document, lang=lang).to_dict()


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_every_example_gets_the_verdict_it_gets_in_process_byte_for_byte(server, path: Path):
    content_type = "application/yaml" if path.suffix == ".yaml" else "application/json"
    for lang in ("nl", "en"):
        reply = server.post(f"/v1/check?lang={lang}", path.read_bytes(), content_type)
        expected = amif_rules.check(path.read_text(encoding="utf-8"), lang=lang).to_json()
        assert reply.status == 200, reply.body
        assert reply.body.decode("utf-8") == expected
        assert reply.headers["content-type"].startswith("application/json")


def test_the_generated_documents_get_their_in_process_verdicts_one_by_one(server):
    for document in DOCUMENTS[:150]:
        reply = server.post("/v1/check", json.dumps(document).encode())
        assert reply.status == 200
        assert reply.json() == in_process(document)


def test_a_batch_answers_every_document_in_order_and_one_bad_line_fails_no_other(server):
    lines = [json.dumps(document) for document in DOCUMENTS]
    lines.insert(7, "{not json")
    lines.insert(300, json.dumps({"call": "42", "budget": {"amif": "lots"}}))
    body = ("\n".join(lines) + "\n").encode()
    reply = server.post("/v1/check/batch", body, "application/x-ndjson")
    assert reply.status == 200
    answers = [json.loads(line) for line in reply.body.decode().splitlines()]
    assert len(answers) == len(lines)
    assert answers[7]["index"] == 7 and answers[7]["error"]["code"] == "malformed"
    assert answers[300]["index"] == 300 and answers[300]["error"]["code"] == "input"
    assert [p["path"] for p in answers[300]["error"]["problems"]] == ["budget.amif"]
    documents = iter(DOCUMENTS)
    for index, answer in enumerate(answers):
        if index in (7, 300):
            continue
        assert answer == in_process(next(documents)), index
    # Each line is the verdict as Verdict.to_json(indent=None) writes it.
    first = reply.body.decode().splitlines()[0]
    assert first == amif_rules.check(DOCUMENTS[0]).to_json(indent=None)


def test_a_decision_carries_its_id_and_the_ruleset_that_made_it(server):
    ruleset = next(r for r in amif_rules.bundled_rulesets() if r.id == "call-42")
    ids = set()
    for _ in range(3):
        reply = server.post("/v1/check", (EXAMPLES / "call-42-ineligible-leuven.json").read_bytes())
        assert reply.headers["x-ruleset"] == f"call-42@{ruleset.version} sha256:{ruleset.digest}"
        ids.add(reply.headers["x-decision-id"])
    assert len(ids) == 3


ERRORS = [
    # (what, method, path, body, content type, status, code, paths named)
    ("not JSON", "POST", "/v1/check", b"{nope", "application/json", 400, "malformed", None),
    ("not YAML", "POST", "/v1/check", b"a: [1", "application/yaml", 400, "malformed", None),
    ("unknown call", "POST", "/v1/check", b'{"call": "999"}', "application/json", 404, "unknown_call", None),
    ("a file as the call", "POST", "/v1/check?call=../../etc/passwd", b"{}", "application/json", 404, "unknown_call", None),
    ("unknown ruleset", "GET", "/v1/rulesets/nope", None, None, 404, "unknown_ruleset", None),
    ("a path as a ruleset", "GET", "/v1/rulesets/..%2F..%2Fpyproject", None, None, 404, "not_found", None),
    ("a file name as a ruleset", "GET", "/v1/rulesets/call-42.yaml", None, None, 404, "unknown_ruleset", None),
    (
        "unsupported type",
        "POST",
        "/v1/check",
        b"call=42",
        "application/x-www-form-urlencoded",
        415,
        "unsupported_media_type",
        None,
    ),
    ("batch type", "POST", "/v1/check/batch", b"{}", "text/csv", 415, "unsupported_media_type", None),
    (
        "input errors",
        "POST",
        "/v1/check",
        b'{"call": "42", "budget": {"amif": "x", "total_eligible_cost": -1}, "submitted_at": "yesterday"}',
        "application/json",
        422,
        "input",
        ["budget.amif", "budget.total_eligible_cost", "submitted_at"],
    ),
    ("bad language", "POST", "/v1/check?lang=de", b"{}", "application/json", 422, "usage", ["lang"]),
    ("bad engine", "POST", "/v1/check?engine=rete", b"{}", "application/json", 422, "usage", ["engine"]),
    ("unknown parameter", "POST", "/v1/check?colour=red", b"{}", "application/json", 422, "usage", ["colour"]),
    ("no such endpoint", "GET", "/v2/check", None, None, 404, "not_found", None),
    ("wrong method", "GET", "/v1/check", None, None, 405, "method_not_allowed", None),
    ("bad date", "GET", "/v1/calls?on=soon", None, None, 422, "usage", ["on"]),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "content_type", "status", "code", "paths"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_every_error_has_its_status_and_the_error_body_of_the_contract(
    server, method, path, body, content_type, status, code, paths
):
    headers = {"Content-Type": content_type} if content_type else {}
    reply = server.request(method, path, body, headers)
    assert reply.status == status, reply.body
    error = reply.json()["error"]
    assert set(error) == {"code", "message", "problems"}
    assert error["code"] == code and error["message"]
    if paths is not None:
        assert sorted({p["path"] for p in error["problems"]}) == paths
    assert b"Traceback" not in reply.body


def test_a_decision_over_the_time_limit_is_answered_with_a_timeout(start_server):
    """limits.SERVICE_TIMEOUT_SECONDS is the default of --timeout; a tiny one times out."""
    assert amif_rules.limits.SERVICE_TIMEOUT_SECONDS == 30.0
    hurried = start_server("--timeout", "0.000001")
    participants = [{"id": f"P{i}", "nationalities": ["SY", "AF"], "residence": "legal"} for i in range(3000)]
    body = json.dumps({**json.loads((EXAMPLES / "call-42-eligible-antwerpen.json").read_text()), "participants": participants})
    reply = hurried.post("/v1/check", body.encode())
    assert reply.status == 503
    assert reply.json()["error"]["code"] == "timeout"
    assert hurried.get("/healthz").status == 200  # the service goes on


def test_a_body_over_the_limit_is_refused_before_it_is_read(start_server):
    """limits.SERVICE_MAX_BODY_BYTES and SERVICE_MAX_BATCH_DOCUMENTS are the defaults of
    --max-body-bytes and --max-batch-documents; small ones refuse with 413."""
    assert amif_rules.limits.SERVICE_MAX_BODY_BYTES >= amif_rules.limits.MAX_DOCUMENT_BYTES
    assert amif_rules.limits.SERVICE_MAX_BATCH_DOCUMENTS == 1000
    small = start_server("--max-body-bytes", "1000", "--max-batch-documents", "3")
    reply = small.post("/v1/check", b'{"call": "42", "x": "' + b"a" * 2000 + b'"}')
    assert reply.status == 413 and reply.json()["error"]["code"] == "too_large"
    lines = b"\n".join([b'{"call": "42"}'] * 4)
    reply = small.post("/v1/check/batch", lines, "application/x-ndjson")
    assert reply.status == 413 and reply.json()["error"]["code"] == "too_many_documents"
    assert small.post("/v1/check", b'{"call": "42"}').status == 200


def test_calls_rulesets_health_and_version(server):
    calls = server.get("/v1/calls").json()
    listed = subprocess.run(
        [sys.executable, "-m", "amif_rules.cli", "calls", "--format", "json", "--on", "2019-08-01"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert server.get("/v1/calls?on=2019-08-01").json() == json.loads(listed.stdout)
    rows, _ = amif_rules.catalog.listing()
    assert calls == json.loads(json.dumps(rows))
    open_then = server.get("/v1/calls?on=2019-08-01").json()
    assert [row["call"] for row in open_then] == [
        row["call"] for row in amif_rules.catalog.listing(__import__("datetime").date(2019, 8, 1))[0]
    ]
    ruleset = server.get("/v1/rulesets/call-42").json()
    assert ruleset["id"] == "call-42" and ruleset["digest"].startswith("sha256:")
    rule = next(r for r in ruleset["rules"] if r["id"] == "lead-municipality-large")
    assert rule["check"] == "applicant.municipality.population > lead_min_population"
    assert "call-42-social-activation.nl.txt" in rule["source"]
    assert set(rule["messages"]["fail"]) == {"nl", "fr", "en"}
    assert ruleset["parameters"]["lead_min_population"]["value"] == 150000
    assert server.get("/healthz").json() == {"status": "ok"}
    assert server.get("/readyz").json()["status"] == "ready"
    version = server.get("/version").json()
    assert version["version"] == amif_rules.__version__
    assert "python" in version["engines"]
    assert {r["id"] for r in version["rulesets"]} >= {"call-42", "flanders-427", "amif-base"}


def test_a_message_template_is_shown_as_the_ruleset_writes_it():
    rulesets = list(amif_rules.bundled_rulesets())
    text = "\n".join(r.text for r in rulesets)  # a rule may come from a base
    ruleset = next(r for r in rulesets if r.id == "call-42")
    for rule in ruleset.rules:
        for templates in rule.messages.by_outcome.values():
            for template in templates.values():
                written = template.text
                assert written in text or written.replace("'", "''") in text or json.dumps(written)[1:-1] in text, written


def test_metrics_count_requests_decisions_and_errors(server):
    server.post("/v1/check", (EXAMPLES / "call-42-eligible-antwerpen.json").read_bytes())
    server.post("/v1/check", b"{nope")
    text = server.get("/metrics").body.decode()
    assert 'amif_requests_total{route="/v1/check",status="200"}' in text
    assert 'amif_decisions_total{outcome="eligible",ruleset="call-42"}' in text
    assert 'amif_errors_total{code="malformed"}' in text
    assert "amif_request_seconds_bucket" in text


def test_a_document_over_its_own_bound_is_refused_as_too_large(server):
    """A body within the service's limit but a document over the library's
    (limits.MAX_DOCUMENT_BYTES characters) is 413, as a body over the limit is."""
    size = amif_rules.limits.MAX_DOCUMENT_BYTES
    body = b'{"call": "42", "note": "' + b"a" * size + b'"}'
    reply = server.post("/v1/check", body)
    assert reply.status == 413 and reply.json()["error"]["code"] == "too_large"
    reply = server.post("/v1/check", b'{"call": "42", "note": "' + "é".encode() * 1000 + b'"}')
    assert reply.status == 200  # counted in characters, not bytes
