"""The OpenAPI 3.1 description of the service, generated from its routes, and its API docs page.

Paths come from the application's own routes (each endpoint's docstring is its description);
the request and verdict schemas *are* the published JSON Schemas
(``schemas/application.schema.json``; ``schemas/verdict.schema.json``, version 1 of the
verdict, contract §2, as ``Verdict``; ``schemas/verdict.v2.schema.json``, version 2, with the
questions and remedies of §5, as ``VerdictV2``), moved under ``components/schemas`` with their
internal references rewritten, so that they accept exactly what the published files accept.
Every verdict answered is a ``Verdict``; with ``include``, it also has the keys asked for, as
``VerdictV2`` says them. OpenAPI cannot tie a response's schema to a query parameter, so the
check's ``200`` is ``allOf`` the two: version 1 leaves other keys open, and version 2 accepts a
plain verdict, so every answer is valid under both, and the questions and remedies are held
to version 2 (``anyOf`` would let version 1 accept any of them).

``/docs`` is a page served from the package (its script and style sheet too, under a
Content-Security-Policy that allows nothing else): nothing is loaded from outside it. The
page reads this document and lets a reader try every operation.
"""

from __future__ import annotations

import copy
import functools
import inspect
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ..advice import INCLUDES
from ..engines import ENGINE_NAMES
from ..languages import LANGUAGES
from ..resources import examples_dir, package_text, schema
from ..verdict import VERDICT_SCHEMAS
from ..version import __version__

TITLE = "amif-rules"
DESCRIPTION = (
    "Eligibility of applications to AMIF project calls in Belgium, with explained verdicts "
    '(contract §6). Every error body is {"error": {"code", "message", "problems"}}.'
)

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "problems"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "problems": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["path", "message"],
                        "properties": {"path": {"type": "string"}, "message": {"type": "string"}},
                    },
                },
            },
        }
    },
}


def _embedded(name: str, file: str) -> dict[str, Any]:
    """A published schema as a component: ``$schema``/``$id`` dropped (the document's dialect
    is 2020-12 already), ``#/$defs/x`` rewritten to ``#/components/schemas/NAME/$defs/x``."""
    data = schema(file)
    data.pop("$schema", None)
    data.pop("$id", None)

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                key: (
                    f"#/components/schemas/{name}/" + value[2:]
                    if key == "$ref" and isinstance(value, str) and value.startswith("#/")
                    else rewrite(value)
                )
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    result: dict[str, Any] = rewrite(data)
    return result


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


_DECISION_HEADERS = {
    "X-Decision-Id": {"description": "unique per decision", "schema": {"type": "string"}},
    "X-Ruleset": {"description": "id@version sha256:DIGEST of the ruleset text that decided", "schema": {"type": "string"}},
}
_QUERY = [
    {
        "name": "call",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "the call code (default: the document's call)",
    },
    {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": list(LANGUAGES)}},
    {"name": "engine", "in": "query", "required": False, "schema": {"type": "string", "enum": list(ENGINE_NAMES)}},
    {
        "name": "include",
        "in": "query",
        "required": False,
        # A list in one parameter, its names joined by commas: include=questions,remedies.
        "style": "form",
        "explode": False,
        "schema": {"type": "array", "items": {"type": "string", "enum": list(INCLUDES)}},
        "example": list(INCLUDES),
        "description": "what to add to each verdict (contract §5), names joined by commas: questions (what to ask "
        "next, when incomplete), remedies (what would make each failed rule pass; re-checks the document for every "
        "option it proves, so it costs more). The verdict is then a VerdictV2",
    },
]
#: The verdict of a check: a Verdict (contract §2), with the keys of §5 that ``include`` asked
#: for as VerdictV2 says them (see the module's doc).
_VERDICT = {
    "allOf": [
        {"$ref": "#/components/schemas/Verdict", "description": "every verdict: contract §2 (exactly, without include)"},
        {"$ref": "#/components/schemas/VerdictV2", "description": "with include, also the questions and remedies asked for"},
    ]
}
_JSON_OBJECT = {"application/json": {"schema": {"type": "object"}}}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_CALLS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["call", "id", "version", "status", "title", "valid_from", "valid_until", "extends", "rules"],
        "properties": {
            "call": _TEXT_OR_NULL,
            "id": {"type": "string"},
            "version": {"type": "string"},
            "status": {"type": "string"},
            "title": {"type": "object", "additionalProperties": _TEXT_OR_NULL},
            "valid_from": {**_TEXT_OR_NULL, "format": "date"},
            "valid_until": {**_TEXT_OR_NULL, "format": "date"},
            "extends": {"type": "array", "items": {"type": "string"}},
            "rules": {"type": "integer", "minimum": 0},
        },
    },
}

#: What the code's routes do not say of themselves: bodies, parameters and responses.
OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/v1/check"): {
        "parameters": _QUERY,
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Application"}},
                "application/yaml": {"schema": {"$ref": "#/components/schemas/Application"}},
            },
        },
        "responses": {
            "200": {
                "description": "the verdict, whatever its outcome: a Verdict, with include a VerdictV2",
                "headers": _DECISION_HEADERS,
                "content": {"application/json": {"schema": _VERDICT}},
            },
            "400": _error("the body is not JSON or YAML"),
            "404": _error("unknown call"),
            "413": _error("the body is over the limit"),
            "415": _error("unsupported content type"),
            "422": _error("input errors, every bad field named by its path; or bad query parameters"),
            "503": _error("no verdict within the time limit"),
        },
    },
    ("POST", "/v1/check/batch"): {
        "parameters": _QUERY,
        "requestBody": {
            "required": True,
            "content": {"application/x-ndjson": {"schema": {"type": "string", "description": "one document a line"}}},
        },
        "responses": {
            "200": {
                "description": "JSON Lines in input order: a verdict (a Verdict, or a VerdictV2 with include), "
                'or {"index": N, "error": {...}}',
                "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
            },
            "413": _error("the body is over the limit, or too many documents"),
            "415": _error("unsupported content type"),
            "422": _error("bad query parameters"),
        },
    },
    ("GET", "/v1/calls"): {
        "parameters": [{"name": "on", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}}],
        "responses": {
            "200": {
                "description": "the bundled calls, in call order, as `amif-rules calls --format json` lists them",
                "content": {"application/json": {"schema": _CALLS}},
            },
            "422": _error("a bad date"),
        },
    },
    ("GET", "/v1/rulesets/{id}"): {
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "the ruleset", "content": _JSON_OBJECT}, "404": _error("unknown ruleset")},
    },
    ("GET", "/readyz"): {
        "responses": {
            "200": {"description": "ready", "content": _JSON_OBJECT},
            "503": {"description": "still loading", "content": _JSON_OBJECT},
        }
    },
    ("GET", "/metrics"): {
        "responses": {"200": {"description": "Prometheus text format", "content": {"text/plain": {"schema": {"type": "string"}}}}}
    },
    ("GET", "/docs"): {
        "responses": {
            "200": {
                "description": "the API docs page (its script and style sheet come from /docs/, nothing from elsewhere)",
                "headers": {"Content-Security-Policy": {"description": "only the service itself", "schema": {"type": "string"}}},
                "content": {"text/html": {"schema": {"type": "string"}}},
            }
        }
    },
}

_WB = "/v1/workbench"
_ID = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 64}
_DRAFT_ID = [{"name": "id", "in": "path", "required": True, "schema": _ID, "description": "a draft of the workspace"}]
_LANG = [{"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": list(LANGUAGES)}}]
_DOCUMENT_PROPERTIES: dict[str, Any] = {"document": {"type": "object"}, "text": {"type": "string"}}
_DOCUMENT_BODY: dict[str, Any] = {
    "type": "object",
    "description": "the application: document (an object), or text (JSON or YAML)",
    "properties": _DOCUMENT_PROPERTIES,
}


def _json_body(schema: dict[str, Any], example: Any = None) -> dict[str, Any]:
    content: dict[str, Any] = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {"required": True, "content": {"application/json": content}}


def _workbench(answer: str, *errors: tuple[str, str], content: dict[str, Any] | None = None) -> dict[str, Any]:
    """The responses of a workbench route: its answer, and the errors it can give."""
    responses: dict[str, Any] = {"200": {"description": answer, "content": content or _JSON_OBJECT}}
    for status, description in errors:
        responses[status] = _error(description)
    return responses


_BODY_ERRORS = (
    ("400", "the body is not JSON"),
    ("413", "the body is over the limit"),
    ("415", "unsupported content type"),
    ("422", "a bad id or body field, named in problems"),
)
_DRAFT_ERRORS = (("404", "no such draft, or its base is unknown"), ("422", "a bad id, or the draft does not load"))
#: The workbench's routes (docs/workbench-design.md): ids are checked before any file is touched.
WORKBENCH_OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", f"{_WB}/rulesets/{{id}}"): {
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": _ID}, *_LANG],
        "responses": _workbench(
            "the ruleset: rules (condition, plain text, passage cited), parameters, the call's bundled examples",
            ("404", "no bundled ruleset or draft of that id"),
            ("422", "a bad id or lang, or a draft that does not load"),
        ),
    },
    ("GET", f"{_WB}/rulesets/{{id}}/sources/{{rule}}"): {
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": _ID},
            {
                "name": "rule",
                "in": "path",
                "required": True,
                "schema": {"type": "string"},
                "description": "a rule id, or parameter:NAME",
            },
        ],
        "responses": _workbench(
            "{file, heading, quote, text, start, end}: the source text and where the passage is (start, end null when not found)",
            ("404", "no such ruleset, rule or parameter, or no source text for its citation"),
            ("422", "a bad id"),
        ),
    },
    ("GET", f"{_WB}/drafts"): {
        "responses": _workbench(
            "[{id, base, title, valid}]",
            content={"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}},
        )
    },
    ("POST", f"{_WB}/drafts"): {
        "requestBody": _json_body(
            {"type": "object", "required": ["base", "id"], "properties": {"base": _ID, "id": _ID}},
            {"base": "call-42", "id": "call-42-draft"},
        ),
        "responses": {
            "201": {"description": "{id, base, yaml}: the new draft", "content": _JSON_OBJECT},
            "404": _error("no such base"),
            "409": _error("the draft exists already"),
            **{status: _error(text) for status, text in _BODY_ERRORS},
        },
    },
    ("GET", f"{_WB}/drafts/{{id}}"): {
        "parameters": _DRAFT_ID,
        "responses": _workbench("{id, base, yaml, tests_yaml, parameters, problems}", *_DRAFT_ERRORS),
    },
    ("PUT", f"{_WB}/drafts/{{id}}"): {
        "parameters": _DRAFT_ID,
        "requestBody": _json_body({"type": "object", "required": ["yaml"], "properties": {"yaml": {"type": "string"}}}),
        "responses": _workbench(
            "{saved: true, findings}: saved as it is, with its lint findings", ("404", "no such draft"), *_BODY_ERRORS
        ),
    },
    ("POST", f"{_WB}/lint"): {
        "requestBody": _json_body(
            {"type": "object", "required": ["id", "yaml"], "properties": {"id": _ID, "yaml": {"type": "string"}}}
        ),
        "responses": _workbench(
            "{findings: [{code, severity, message, hint, line, column, certain, counterexample}]}",
            *_BODY_ERRORS,
            ("503", "not done in time"),
        ),
    },
    ("PUT", f"{_WB}/drafts/{{id}}/parameters/{{name}}"): {
        "parameters": [*_DRAFT_ID, {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
        "requestBody": _json_body({"type": "object", "required": ["value"], "properties": {"value": {}}}, {"value": 100000}),
        "responses": _workbench(
            "{yaml, findings}: the draft's text with the value set, and its lint findings",
            ("404", "no such draft or parameter"),
            *_BODY_ERRORS,
            ("503", "not done in time"),
        ),
    },
    ("POST", f"{_WB}/drafts/{{id}}/try"): {
        "parameters": [*_DRAFT_ID, *_LANG],
        "requestBody": _json_body(_DOCUMENT_BODY),
        "responses": _workbench(
            "{baseline, draft}: the verdicts under the base and the draft, with questions and remedies",
            ("404", "no such draft or call"),
            *_BODY_ERRORS,
            ("503", "not done in time"),
        ),
    },
    ("POST", f"{_WB}/drafts/{{id}}/tests"): {
        "parameters": _DRAFT_ID,
        "requestBody": _json_body(
            {**_DOCUMENT_BODY, "required": ["name"], "properties": {**_DOCUMENT_PROPERTIES, "name": {"type": "string"}}}
        ),
        "responses": _workbench(
            "{cases, tests_yaml}: the case appended, expecting the draft's outcome",
            ("404", "no such draft"),
            ("409", "a case of that name exists"),
            *_BODY_ERRORS,
            ("503", "not done in time"),
        ),
    },
    ("POST", f"{_WB}/drafts/{{id}}/run-tests"): {
        "parameters": _DRAFT_ID,
        "responses": _workbench("{passed, failed, cases, coverage, gaps}", *_DRAFT_ERRORS, ("503", "not done in time")),
    },
    ("POST", f"{_WB}/drafts/{{id}}/impact"): {
        "parameters": [*_DRAFT_ID, *_LANG],
        "requestBody": _json_body(
            {"type": "object", "properties": {"portfolio": {"type": "string", "enum": ["bundled"]}, "jsonl": {"type": "string"}}},
            {"portfolio": "bundled"},
        ),
        "responses": {
            **_workbench(
                'NDJSON: {"progress": k, "total": n} lines, then {"result": {...}} (or {"error": {...}})',
                ("404", "no such draft"),
                *_BODY_ERRORS,
                content={"application/x-ndjson": {"schema": {"type": "string"}}},
            ),
            "413": _error("the body is over the limit, or the portfolio has too many documents"),
        },
    },
    ("POST", f"{_WB}/drafts/{{id}}/sweep"): {
        "parameters": [*_DRAFT_ID, *_LANG],
        "requestBody": _json_body(
            {
                "type": "object",
                "required": ["parameter"],
                "properties": {
                    "parameter": {"type": "string"},
                    "values": {"type": "array", "items": {"type": "number"}},
                    "from": {"type": "number"},
                    "to": {"type": "number"},
                    "steps": {"type": "integer"},
                    "jsonl": {"type": "string"},
                },
            },
            {"parameter": "lead_min_population", "from": 50000, "to": 200000, "steps": 16},
        ),
        "responses": _workbench(
            "{parameter, points: [{value, eligible, ineligible, incomplete}], svg}",
            ("404", "no such draft or parameter"),
            *_BODY_ERRORS,
            ("503", "not done in time"),
        ),
    },
    ("GET", f"{_WB}/drafts/{{id}}/download"): {
        "parameters": _DRAFT_ID,
        "responses": _workbench(
            "a zip of <id>.yaml and <id>.tests.yaml",
            *_DRAFT_ERRORS,
            content={"application/zip": {"schema": {"type": "string", "contentMediaType": "application/zip"}}},
        ),
    },
    ("GET", f"{_WB}/drafts/{{id}}/diff"): {
        "parameters": _DRAFT_ID,
        "responses": _workbench(
            "{base, parameters, rules, text}: what the draft changes", *_DRAFT_ERRORS, ("503", "not done in time")
        ),
    },
    ("GET", "/"): {
        "responses": {
            "200": {
                "description": "the workbench page (its script, words and style sheet come from the service, nothing from elsewhere)",
                "headers": {"Content-Security-Policy": {"description": "only the service itself", "schema": {"type": "string"}}},
                "content": {"text/html": {"schema": {"type": "string"}}},
            }
        }
    },
}
OPERATIONS.update(WORKBENCH_OPERATIONS)


#: Routes open without the bearer token (app.OPEN_ROUTES: app imports this module).
_OPEN = ("/healthz", "/readyz")

#: What an endpoint without a docstring does, in the words of contract §6 (a docstring wins).
SUMMARIES = {
    "/v1/check": "Check one application document (JSON, or YAML with Content-Type: application/yaml) and explain the verdict.",
    "/v1/check/batch": "Check JSON Lines, one document a line; the verdicts stream back as JSON Lines in input order.",
    "/v1/calls": "The bundled rulesets (?on=DATE for those open on a date), as amif-rules calls lists them.",
    "/v1/rulesets/{id}": "One ruleset: its rules with their sources and messages, parameters, validity, version and digest.",
    "/healthz": "Liveness: the server answers.",
    "/readyz": "Readiness: every ruleset is loaded and compiled.",
    "/version": "The library's version, the engines available, each ruleset's version and digest.",
    "/metrics": "Prometheus text format: requests, outcomes, latencies, errors.",
}


def document(routes: list[BaseRoute]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``routes`` (the application's own; a route with
    ``include_in_schema=False``, such as the docs page's script, is not an operation)."""
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        if not isinstance(route, Route) or not route.include_in_schema:
            continue
        for method in sorted((route.methods or set()) - {"HEAD"}):
            doc = inspect.getdoc(route.endpoint) or SUMMARIES.get(route.path, "")
            operation: dict[str, Any] = {
                "operationId": route.name,
                "summary": doc.split("\n", 1)[0],
                "description": doc,
                "responses": {"200": {"description": "OK", "content": _JSON_OBJECT}},
            }
            operation.update(copy.deepcopy(OPERATIONS.get((method, route.path), {})))
            if route.path not in _OPEN:
                operation["responses"].setdefault("401", _error("a token is required and was not sent"))
            paths.setdefault(route.path, {})[method.lower()] = operation
    _add_examples(paths)
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": __version__, "description": DESCRIPTION},
        "paths": paths,
        "components": {
            "schemas": {
                "Application": _embedded("Application", "application.schema.json"),
                "Verdict": _embedded("Verdict", VERDICT_SCHEMAS[1]),
                "VerdictV2": _embedded("VerdictV2", VERDICT_SCHEMAS[2]),
                "Error": _ERROR,
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


#: The bundled example the docs page fills "try it" with (and schemathesis sends first).
EXAMPLE = "call-42-eligible-antwerpen.json"


@functools.cache
def _example() -> Any:
    """The example application, or None where the package was installed without its examples."""
    try:
        return json.loads((examples_dir() / EXAMPLE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _add_examples(paths: dict[str, dict[str, Any]]) -> None:
    example = _example()
    if example is None:
        return
    check = paths.get("/v1/check", {}).get("post")
    if check is not None:
        check["requestBody"]["content"]["application/json"]["example"] = copy.deepcopy(example)
    batch = paths.get("/v1/check/batch", {}).get("post")
    if batch is not None:
        lines = [example, {"call": "42"}]  # eligible, then incomplete
        text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
        batch["requestBody"]["content"]["application/x-ndjson"]["example"] = text


async def openapi_json(request: Request) -> Response:
    """The OpenAPI 3.1 description of this service, generated from its routes."""
    # The routes are fixed when the application is made: the document is made once per application.
    if getattr(request.app.state, "openapi", None) is None:
        request.app.state.openapi = JSONResponse(document(request.app.routes)).body
    return Response(request.app.state.openapi, media_type="application/json")


#: The docs page loads its script and style from the service itself, and talks to nothing
#: else: no inline code, no other origin (so a page of the service cannot be made to).
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
#: The page's files, as served: (file in ``service/static``, media type).
ASSETS = {
    "/docs": ("docs.html", "text/html; charset=utf-8"),
    "/docs/docs.js": ("docs.js", "text/javascript; charset=utf-8"),
    "/docs/docs.css": ("docs.css", "text/css; charset=utf-8"),
}


async def docs(request: Request) -> Response:
    """Interactive API docs, served from the package (nothing loaded from outside it)."""
    return _asset("/docs")


def _serving(path: str) -> Any:
    """The endpoint of one of the page's files (its script or its style sheet)."""

    async def asset(request: Request) -> Response:
        return _asset(path)

    return asset


def _asset(path: str) -> Response:
    name, media_type = ASSETS[path]
    return Response(_static_text(name), headers=_PAGE_HEADERS, media_type=media_type)


@functools.cache
def _static_text(name: str) -> str:
    """A file of the page, read from the package once per process."""
    return package_text("service", "static", *name.split("/"))


#: The workbench page asks nothing of another origin either; its chart may be an image of SVG data.
WORKBENCH_POLICY = CONTENT_SECURITY_POLICY.replace("img-src 'self';", "img-src 'self' data:;")
#: The workbench page's files (in ``service/static/workbench``), as served.
WORKBENCH_ASSETS = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/workbench.js": ("workbench.js", "text/javascript; charset=utf-8"),
    "/workbench.css": ("workbench.css", "text/css; charset=utf-8"),
    "/words.js": ("words.js", "text/javascript; charset=utf-8"),
}


async def workbench_page(request: Request) -> Response:
    """The workbench: read a call beside its source, draft it, try it, test it, weigh its impact."""
    return _workbench_asset("/")


def _workbench_serving(path: str) -> Any:
    async def asset(request: Request) -> Response:
        return _workbench_asset(path)

    return asset


def _workbench_asset(path: str) -> Response:
    name, media_type = WORKBENCH_ASSETS[path]
    headers = {**_PAGE_HEADERS, "Content-Security-Policy": WORKBENCH_POLICY}
    return Response(_static_text("workbench/" + name), headers=headers, media_type=media_type)


def openapi_routes() -> list[Route]:
    return [
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
        *(Route(path, _serving(path), methods=["GET"], include_in_schema=False) for path in ASSETS if path != "/docs"),
    ]


def workbench_page_routes() -> list[Route]:
    """``/`` (an operation of the document) and its script, words and style sheet (not operations)."""
    return [
        Route("/", workbench_page, methods=["GET"]),
        *(
            Route(path, _workbench_serving(path), methods=["GET"], include_in_schema=False)
            for path in WORKBENCH_ASSETS
            if path != "/"
        ),
    ]
