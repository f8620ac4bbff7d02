"""The service fuzzed from its own OpenAPI document (schemathesis), over real HTTP.

Every operation of ``/openapi.json`` gets schemathesis' examples, coverage and fuzzing phases
(valid and invalid inputs alike), bounded so that the whole run stays well under a minute.
Each response must be no 5xx (contract §6: never a 500 for anything a client sent), have a
documented status, content type and headers, conform to the schema documented for its status,
and, when it is not a 2xx, carry the error body of §6 (``#/components/schemas/Error``).

The checks' ``include`` (contract §5, a list joined by commas) is fuzzed too: the run must have
sent valid names that were answered with the keys asked for (a ``VerdictV2``), and invalid
ones answered with the ``422`` that names the parameter.
"""

from __future__ import annotations

import collections
import json
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

import attrs
import jsonschema
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

OPENAPI_URI = "urn:amif-rules:openapi.json"


@attrs.define
class Tally:
    """What the fuzz sent, per operation (counted by its HTTP session, so a request a check
    sends of its own counts too), since when, and where the server's log stood then."""

    server: Any
    started: float = attrs.field(factory=time.perf_counter)
    log_from: int = 0
    sent: collections.Counter[str] = attrs.field(factory=collections.Counter)
    operation: str = "?"
    #: The requests that carried ``include``, by what came back: ``keys`` (a 200 verdict, or
    #: batch line, with every key asked for), ``refused`` (422 naming ``include``), or its status.
    included: collections.Counter[str] = attrs.field(factory=collections.Counter)


@pytest.fixture(scope="module")
def tally(server: Any) -> Tally:
    return Tally(server, log_from=server.log.stat().st_size)


@pytest.fixture(scope="module")
def api(server: Any) -> Any:
    """The schema as a client downloads it, pointed at the running server."""
    return schemathesis.openapi.from_url(server.url + "/openapi.json")


@pytest.fixture(scope="module")
def session(tally: Tally) -> Iterator[requests.Session]:
    """One HTTP session for the whole fuzz, counting every response it receives."""
    http = requests.Session()

    def count(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        tally.sent[tally.operation] += 1
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(response.request.url or "").query, keep_blank_values=True)
        if "include" in query:
            tally.included[_included(query["include"], response)] += 1

    http.hooks["response"].append(count)
    yield http
    http.close()


@pytest.fixture(scope="module")
def error_body(api: Any) -> Any:
    """A check: every response that is not a 2xx is the JSON error body of contract §6,
    ``#/components/schemas/Error`` of the downloaded document."""
    registry = Registry().with_resource(OPENAPI_URI, DRAFT202012.create_resource(api.raw_schema))
    validator = jsonschema.Draft202012Validator({"$ref": f"{OPENAPI_URI}#/components/schemas/Error"}, registry=registry)

    def error_body_of_section_6(ctx: Any, response: Any, case: Any) -> None:
        if 200 <= response.status_code < 300:
            return None
        content_type = response.headers.get("content-type", [""])[0]
        assert content_type.split(";")[0].strip() == "application/json", f"{response.status_code} as {content_type!r}"
        body = json.loads(response.content)
        problems = [error.message for error in validator.iter_errors(body)]
        assert not problems, f"{response.status_code}: not the §6 error body: {problems}; body {body!r}"
        return None

    return error_body_of_section_6


@schemathesis.serializer("application/x-ndjson")
def json_lines(ctx: Any, value: Any) -> bytes:
    """A batch body as sent: text as it is, anything else (negative cases) as one JSON line."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    return json.dumps(value).encode("utf-8") + b"\n"


def _included(values: list[str], response: requests.Response) -> str:
    """What became of a request with ``include``: see :attr:`Tally.included`."""
    names = {name.strip() for value in values for name in value.split(",") if name.strip()}
    if response.status_code == 422:
        problems = response.json()["error"]["problems"]
        return "refused" if any(problem["path"] == "include" for problem in problems) else "422"
    if response.status_code != 200 or not names or not names <= {"questions", "remedies"}:
        return str(response.status_code)
    if response.headers.get("content-type", "").startswith("application/x-ndjson"):
        answers = [json.loads(line) for line in response.content.splitlines() if line.strip()]
    else:
        answers = [response.json()]
    verdicts = [answer for answer in answers if "outcome" in answer]
    return "keys" if verdicts and all(names <= set(verdict) for verdict in verdicts) else "200"


schema = schemathesis.pytest.from_fixture("api")


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    """schemathesis 4.32's ``from_fixture`` reads and renames ``node._nodeid``, an attribute
    pytest 9.2 no longer has (its node ids became ``node._id``): give it one to use."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_the_service_keeps_its_contract_under_fuzz(case: Any, session: Any, tally: Tally, error_body: Any) -> None:
    tally.operation = case.operation.label
    case.call_and_validate(
        session=session,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
            error_body,
        ],
    )


def test_the_fuzz_sent_requests_and_the_server_logged_no_traceback(tally: Tally) -> None:
    """The count of requests, to quote (``-s`` prints it): a fuzz that sent nothing fails. And
    whatever it sent, the server's log has no traceback."""
    total = sum(tally.sent.values())
    print(
        f"\nschemathesis sent {total:,} requests in {time.perf_counter() - tally.started:.1f} s over {len(tally.sent)} operations:"
    )
    for operation, count in tally.sent.most_common():
        print(f"  {count:6,}  {operation}")
    print(f"with include: {dict(tally.included)}")
    assert total > 0, "the fuzz sent no request (run this module whole: the count comes from the fuzz test)"
    assert tally.included["keys"] > 0 and tally.included["refused"] > 0, f"include was not fuzzed both ways: {tally.included}"
    with tally.server.log.open("rb") as log:
        log.seek(tally.log_from)
        assert b"Traceback" not in log.read()
