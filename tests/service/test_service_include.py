"""``?include=questions,remedies`` over HTTP (contract §5 and §6), as a client meets it.

- the same verdict over HTTP as ``amif_rules.check(..., include=...)`` in process, byte for
  byte, for the three call-42 examples that are not eligible, in nl, fr and en, on every
  engine, one by one and in a batch; without ``include`` (or with an empty one) exactly the
  plain verdict;
- how the names are read (as ``check`` reads them): a repeated name, an empty one, another
  order, the parameter given twice; an unknown name is the ``422`` of bad query parameters,
  naming ``include``, never a ``500``, on both endpoints;
- the OpenAPI document: the parameter (a list of the names, joined by commas), the check's
  verdict ``Verdict`` or ``VerdictV2``, and ``VerdictV2`` accepting and refusing what the
  published ``verdict.v2.schema.json`` does;
- the bounds: ``--timeout`` holds for decisions with remedies; they run in their own threads,
  so that the leftover work of those that ran out of time never holds more than
  ``advice_threads`` threads, and plain checks never wait for it;
- the decision log holds the same keys with ``include`` as without, and no advice.
"""

from __future__ import annotations

import asyncio
import collections
import copy
import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_decision_log import assert_entry, assert_no_personal_data, read_log
from test_openapi import NO_SHRINKING, embedded_validator, mutated, validator_at

import amif_rules
from amif_rules import testing
from amif_rules.advice import INCLUDES
from amif_rules.service import Settings, create_app
from amif_rules.service import app as service_app
from amif_rules.verdict import verdict_schema
from conftest import ENGINES, EXAMPLES

#: The call-42 examples that are not eligible: one incomplete (questions), two ineligible (remedies).
NOT_ELIGIBLE = ["call-42-incomplete-brussel", "call-42-ineligible-gent-late-over-budget", "call-42-ineligible-leuven"]
LANGUAGES = ["nl", "fr", "en"]
ASKED = ["questions", "remedies", "questions,remedies"]


def body_of(name: str) -> bytes:
    return (EXAMPLES / f"{name}.json").read_bytes()


def in_process(name: str, lang: str, engine: str, include: str | None) -> amif_rules.Verdict:
    return amif_rules.check(body_of(name).decode("utf-8"), lang=lang, engine=engine, include=include)


# -- the same verdict as in process ---------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", NOT_ELIGIBLE)
def test_the_examples_get_the_questions_and_remedies_they_get_in_process_byte_for_byte(server, name, engine):
    ruleset = next(r for r in amif_rules.bundled_rulesets() if r.id == "call-42")
    for lang in LANGUAGES:
        for include in ASKED:
            reply = server.post(f"/v1/check?lang={lang}&engine={engine}&include={include}", body_of(name))
            assert reply.status == 200, reply.body
            expected = in_process(name, lang, engine, include)
            assert reply.body.decode("utf-8") == expected.to_json(), (name, lang, include)
            data = reply.json()
            assert data == expected.to_dict()
            assert list(data)[-len(include.split(",")) :] == include.split(",")  # each name: its key, after engine
            assert data["engine"] == engine
            assert reply.headers["x-ruleset"] == f"call-42@{ruleset.version} sha256:{ruleset.digest}"
            assert len(reply.headers["x-decision-id"]) == 32
    # What each example is here for: the incomplete one has questions, the others remedies.
    full = server.post(f"/v1/check?lang=en&engine={engine}&include=questions,remedies", body_of(name)).json()
    if name == "call-42-incomplete-brussel":
        assert full["outcome"] == "incomplete" and full["remedies"] == []
        assert sorted(q["path"] for q in full["questions"]) == full["missing"] != []
    else:
        assert full["outcome"] == "ineligible" and full["questions"] == []
        failed = [(r["id"], r.get("item")) for r in full["rules"] if r["outcome"] == "fail" and r["severity"] == "error"]
        assert [(r["rule"], r["item"]) for r in full["remedies"]] == failed != []


@pytest.mark.parametrize("engine", ENGINES)
def test_a_batch_gives_every_document_its_questions_and_remedies(server, engine):
    names = [*NOT_ELIGIBLE, "call-42-eligible-antwerpen"]
    lines = [json.dumps(json.loads(body_of(name))) for name in names]
    lines.insert(2, '{"call": "42", "budget": {"amif": "lots"}}')
    body = ("\n".join(lines) + "\n").encode("utf-8")
    for lang in LANGUAGES:
        reply = server.post(
            f"/v1/check/batch?lang={lang}&engine={engine}&include=questions,remedies", body, "application/x-ndjson"
        )
        assert reply.status == 200
        answers = reply.body.decode("utf-8").splitlines()
        assert len(answers) == len(lines)
        error = json.loads(answers.pop(2))
        assert error["index"] == 2 and error["error"]["code"] == "input"
        for name, answer in zip(names, answers, strict=True):
            assert answer == in_process(name, lang, engine, "questions,remedies").to_json(indent=None), (name, lang)


def test_without_include_or_with_an_empty_one_the_verdict_is_the_plain_one(server):
    for name in NOT_ELIGIBLE:
        plain = amif_rules.check(body_of(name).decode("utf-8")).to_json()
        for query in ("", "?include=", "?include=,", "?include", "?include=&include="):
            reply = server.post(f"/v1/check{query}", body_of(name))
            assert reply.status == 200
            assert reply.body.decode("utf-8") == plain, query
            assert "questions" not in reply.json() and "remedies" not in reply.json()


# -- how the names are read ---------------------------------------------------------------------

#: (query, what it asks for): every spelling check(include=...) reads the same way.
SPELLINGS = [
    ("include=questions,questions", "questions"),
    ("include=remedies,remedies,remedies", "remedies"),
    ("include=remedies,questions", "questions,remedies"),
    ("include=questions,,remedies,", "questions,remedies"),
    ("include=%20questions%20,remedies", "questions,remedies"),
    ("include=questions%2Cremedies", "questions,remedies"),
    ("include=questions&include=remedies", "questions,remedies"),
    ("include=remedies&include=questions,remedies", "questions,remedies"),
    ("include=&include=questions", "questions"),
]


@pytest.mark.parametrize(("query", "meaning"), SPELLINGS, ids=[s[0] for s in SPELLINGS])
def test_a_repeated_empty_or_reordered_name_means_what_it_means_in_process(server, query, meaning):
    name = "call-42-ineligible-gent-late-over-budget"
    expected = amif_rules.check(body_of(name).decode("utf-8"), lang="fr", include=meaning).to_json()
    reply = server.post(f"/v1/check?lang=fr&{query}", body_of(name))
    assert reply.status == 200, reply.body
    assert reply.body.decode("utf-8") == expected


#: (query, the problems of include it must name): each unknown name is one problem.
UNKNOWN = [
    ("include=remedy", ["unknown name 'remedy'; use questions or remedies"]),
    ("include=questions,advice", ["unknown name 'advice'; use questions or remedies"]),
    ("include=Questions", ["unknown name 'Questions'; use questions or remedies"]),
    ("include=questions;remedies", ["unknown name 'questions;remedies'; use questions or remedies"]),
    ("include=all,*", ["unknown name 'all'; use questions or remedies", "unknown name '*'; use questions or remedies"]),
    ("include=questions&include=explain", ["unknown name 'explain'; use questions or remedies"]),
    ("include=%00", ["unknown name '\\x00'; use questions or remedies"]),
    ("include=%C3%A9", ["unknown name 'é'; use questions or remedies"]),
    ("include=" + "x" * 5000, [f"unknown name '{'x' * 5000}'; use questions or remedies"]),
]


@pytest.mark.parametrize(("query", "messages"), UNKNOWN, ids=[u[0][:40] for u in UNKNOWN])
def test_an_unknown_name_is_the_422_of_bad_query_parameters_naming_include(server, query, messages):
    for path, content_type in (("/v1/check", "application/json"), ("/v1/check/batch", "application/x-ndjson")):
        reply = server.post(f"{path}?{query}", body_of("call-42-ineligible-leuven").replace(b"\n", b""), content_type)
        assert reply.status == 422, (path, reply.body[:300])
        assert reply.headers["content-type"] == "application/json"
        error = reply.json()["error"]
        assert error == {
            "code": "usage",
            "message": "bad query parameters",
            "problems": [{"path": "include", "message": message} for message in messages],
        }
        assert "x-decision-id" not in reply.headers  # nothing was decided


def test_an_unknown_name_beside_other_bad_parameters_is_named_with_them(server):
    reply = server.post("/v1/check?lang=de&include=questions,remedy&colour=red", body_of("call-42-ineligible-leuven"))
    assert reply.status == 422
    assert [p["path"] for p in reply.json()["error"]["problems"]] == ["colour", "lang", "include"]


# -- the OpenAPI document -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def spec(server: Any) -> dict[str, Any]:
    document: dict[str, Any] = server.get("/openapi.json").json()
    return document


def test_the_include_parameter_is_a_list_of_the_names_joined_by_commas(spec):
    for path in ("/v1/check", "/v1/check/batch"):
        (parameter,) = [p for p in spec["paths"][path]["post"]["parameters"] if p["name"] == "include"]
        assert parameter["in"] == "query" and parameter["required"] is False
        assert (parameter["style"], parameter["explode"]) == ("form", False)
        assert parameter["schema"] == {"type": "array", "items": {"type": "string", "enum": list(INCLUDES)}}
        assert parameter["example"] == list(INCLUDES)
        assert "remedies" in parameter["description"] and "VerdictV2" in parameter["description"]


def test_every_verdict_is_a_verdict_and_with_include_its_keys_are_held_to_verdict_v2(spec, server):
    """The check's 200 is allOf the two published versions: a plain answer is valid under
    both, an answer with include too, and questions or remedies that version 2 refuses are
    refused (which version 1 alone, open to other keys, would accept)."""
    media = spec["paths"]["/v1/check"]["post"]["responses"]["200"]["content"]["application/json"]
    assert [part["$ref"] for part in media["schema"]["allOf"]] == [
        "#/components/schemas/Verdict",
        "#/components/schemas/VerdictV2",
    ]
    response = validator_at(spec, "paths", "/v1/check", "post", "responses", "200", "content", "application/json", "schema")
    v1, v2 = embedded_validator(spec, "Verdict"), embedded_validator(spec, "VerdictV2")
    published = [jsonschema.Draft202012Validator(verdict_schema(version)) for version in (1, 2)]
    for name in NOT_ELIGIBLE:
        plain = server.post("/v1/check", body_of(name)).json()
        advised = server.post("/v1/check?include=questions,remedies", body_of(name)).json()
        for validator in (response, v1, v2, *published):
            validator.validate(plain)
            validator.validate(advised)
        broken = copy.deepcopy(advised)
        broken["questions"] = [{"path": "form.signed"}]
        broken["remedies"] = [{"rule": "amif-share-max", "options": "lower it"}]
        assert v1.is_valid(broken) and published[0].is_valid(broken)
        assert not response.is_valid(broken) and not v2.is_valid(broken) and not published[1].is_valid(broken)
    batch = spec["paths"]["/v1/check/batch"]["post"]["responses"]["200"]["description"]
    assert "VerdictV2 with include" in batch


def test_verdict_v2_is_the_published_version_2_moved(spec):
    published = verdict_schema(2)
    published.pop("$schema")
    published.pop("$id")
    embedded = json.loads(json.dumps(spec["components"]["schemas"]["VerdictV2"]).replace("#/components/schemas/VerdictV2/", "#/"))
    assert embedded == published


def _advised(document: Any) -> Any:
    return amif_rules.check(document, include="questions,remedies").to_dict()


def test_generated_v2_verdicts_get_the_same_answer_from_the_document_and_the_published_schema(spec):
    """VerdictV2 of the OpenAPI document and verdict.v2.schema.json accept and refuse the
    same verdicts: those of the kit's applications with questions and remedies, and those
    verdicts mutated at random places (both answers must occur)."""
    embedded = embedded_validator(spec, "VerdictV2")
    published = jsonschema.Draft202012Validator(verdict_schema(2))
    seen: collections.Counter[bool] = collections.Counter()
    verdicts = st.sampled_from(["42", "320", "385", "buurtstewards"]).flatmap(testing.applications).map(_advised)

    @settings(max_examples=100, deadline=None, database=None, phases=NO_SHRINKING)
    @given(st.one_of(verdicts, verdicts.flatmap(mutated)))
    def same(verdict: Any) -> None:
        ours, theirs = embedded.is_valid(verdict), published.is_valid(verdict)
        assert ours == theirs, f"the OpenAPI document says {ours}, the published schema {theirs}, of {verdict!r:.500}"
        seen[ours] += 1

    same()
    assert seen[True] and seen[False], dict(seen)


# -- the bounds ---------------------------------------------------------------------------------


def large(participants: int) -> bytes:
    """The Ghent application with many participants: its remedies check it again and again."""
    document = json.loads(body_of("call-42-ineligible-gent-late-over-budget"))
    document["participants"] = [{"id": f"P{i}", "nationalities": ["SY"], "residence": "legal"} for i in range(participants)]
    return json.dumps(document).encode("utf-8")


def test_the_time_limit_holds_for_a_decision_with_remedies(start_server):
    hurried = start_server("--timeout", "0.000001")
    for include in ("remedies", "questions,remedies"):
        reply = hurried.post(f"/v1/check?include={include}", large(3000))
        assert reply.status == 503 and reply.json()["error"]["code"] == "timeout"
        reply = hurried.post(f"/v1/check/batch?include={include}", large(3000) + b"\n" + large(3000), "application/x-ndjson")
        assert reply.status == 200
        assert [json.loads(line)["error"]["code"] for line in reply.body.splitlines()] == ["timeout", "timeout"]
    assert hurried.get("/healthz").status == 200  # the service goes on
    assert b"Traceback" not in hurried.log.read_bytes()


def test_the_leftover_work_of_decisions_with_include_holds_only_their_own_threads(monkeypatch):
    """In process, with the advice held back (a check with include waits for a signal): a
    decision past its time is answered 503 at once; while its work holds the only advice
    thread, the next decision with include waits for it (and is 503 in its turn, its work
    never started), a plain check is answered at once; once the work is done, include is
    answered again."""
    real_check = service_app.check
    release = threading.Event()
    started: list[tuple[str, ...]] = []
    finished: list[tuple[str, ...]] = []

    def held_back(document: Any, **options: Any) -> amif_rules.Verdict:
        include = tuple(options.get("include") or ())
        if include:
            started.append(include)
            assert release.wait(60)
        try:
            return real_check(document, **options)
        finally:
            if include:
                finished.append(include)

    monkeypatch.setattr(service_app, "check", held_back)
    app = create_app(Settings(timeout_seconds=0.5, advice_threads=1))
    body = body_of("call-42-ineligible-gent-late-over-budget")

    async def scenario() -> None:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://service", timeout=60) as client:
                reply = await client.post("/v1/check?include=remedies", content=body)
                assert reply.status_code == 503 and reply.json()["error"]["code"] == "timeout"
                assert started == [("remedies",)] and finished == []
                reply = await client.post("/v1/check?include=questions", content=body)
                assert reply.status_code == 503
                reply = await client.post("/v1/check/batch?include=questions", content=body.replace(b"\n", b""))
                assert [json.loads(line)["error"]["code"] for line in reply.text.splitlines()] == ["timeout"]
                assert started == [("remedies",)]  # the others waited for the one thread, and were dropped
                reply = await client.post("/v1/check", content=body)
                assert reply.status_code == 200 and reply.json()["outcome"] == "ineligible"
                release.set()
                deadline = time.monotonic() + 60
                while not finished:
                    assert time.monotonic() < deadline
                    await asyncio.sleep(0.01)
                reply = await client.post("/v1/check?include=questions,remedies&lang=en", content=body)
                assert reply.status_code == 200
                assert reply.text == real_check(body.decode("utf-8"), lang="en", include="questions,remedies").to_json()
                assert started == [("remedies",), ("questions", "remedies")]

    try:
        asyncio.run(scenario())
    finally:
        release.set()


# -- the decision log ---------------------------------------------------------------------------


def test_the_decision_log_is_the_same_with_include_and_holds_no_advice(start_server, tmp_path: Path):
    log = tmp_path / "decisions.jsonl"
    server = start_server("--decision-log", str(log))
    answered = []
    for name in NOT_ELIGIBLE:
        for query in ("", "?include=questions,remedies&lang=en"):
            reply = server.post(f"/v1/check{query}", body_of(name))
            assert reply.status == 200
            answered.append((reply.headers["x-decision-id"], reply.headers["x-ruleset"], reply.json(), body_of(name)))
    lines = b"\n".join(body_of(name).replace(b"\n", b"") for name in NOT_ELIGIBLE)
    reply = server.post("/v1/check/batch?include=questions,remedies", lines, "application/x-ndjson")
    batch = reply.headers["x-decision-id"]
    for index, (line, answer) in enumerate(zip(lines.split(b"\n"), reply.body.splitlines(), strict=True)):
        answered.append((f"{batch}-{index}", answered[0][1], json.loads(answer), line))
    entries, torn = read_log(log)
    assert torn == [] and len(entries) == len(answered) == 9
    for entry, (decision_id, ruleset, verdict, body) in zip(entries, answered, strict=True):
        assert_entry(entry, decision_id, ruleset, verdict, body)  # the same keys, and no input
    for plain, advised in zip(entries[0:6:2], entries[1:6:2], strict=True):
        assert {k: v for k, v in plain.items() if k not in ("time", "decision_id")} == {
            k: v for k, v in advised.items() if k not in ("time", "decision_id")
        }
    text = log.read_text(encoding="utf-8")
    assert_no_personal_data(text, [json.loads(body_of(name)) for name in NOT_ELIGIBLE])
    for verdict in (verdict for _, _, verdict, _ in answered if "remedies" in verdict):
        for advice in [*verdict["questions"], *verdict["remedies"]]:
            for field in ("question", "message"):
                if field in advice:
                    assert advice[field] not in text
    for word in ("questions", "remedies", "decisive", "options", "B-02"):
        assert word not in text


def test_the_advice_threads_default_to_the_limit_and_serve_sets_them():
    from amif_rules import limits
    from amif_rules.cli import build_parser
    from amif_rules.cli.serve import settings_from

    assert Settings().advice_threads == limits.SERVICE_ADVICE_THREADS == 2
    default = build_parser().parse_args(["serve"])
    assert settings_from(default)["advice_threads"] == limits.SERVICE_ADVICE_THREADS
    assert settings_from(build_parser().parse_args(["serve", "--advice-threads", "3"]))["advice_threads"] == 3
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--advice-threads", "0"])
