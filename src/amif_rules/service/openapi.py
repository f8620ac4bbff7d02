"""The OpenAPI 3.1 description of the service, generated from its routes, and its API docs page.

Paths come from the application's own routes (each endpoint's docstring is its description);
the request and verdict schemas *are* the published JSON Schemas
(``schemas/application.schema.json`` and ``schemas/verdict.schema.json``), moved under
``components/schemas`` with their internal references rewritten, so that they accept exactly
what the published files accept. ``/docs`` is a page served from the package: nothing is
loaded from outside it.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ..engines import ENGINE_NAMES
from ..languages import LANGUAGES
from ..resources import package_text, schema
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
        "schema": {"type": "string", "enum": [""]},
        "description": "contract §5 (not yet)",
    },
]
_JSON_OBJECT = {"application/json": {"schema": {"type": "object"}}}

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
                "description": "the verdict, whatever its outcome",
                "headers": _DECISION_HEADERS,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Verdict"}}},
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
                "description": 'JSON Lines in input order: a verdict, or {"index": N, "error": {...}}',
                "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
            },
            "413": _error("the body is over the limit, or too many documents"),
            "415": _error("unsupported content type"),
            "422": _error("bad query parameters"),
        },
    },
    ("GET", "/v1/calls"): {
        "parameters": [{"name": "on", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}}],
        "responses": {"200": {"description": "the bundled calls", "content": _JSON_OBJECT}, "422": _error("a bad date")},
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
        "responses": {"200": {"description": "the API docs page", "content": {"text/html": {"schema": {"type": "string"}}}}}
    },
}


def document(routes: list[BaseRoute]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``routes`` (the application's own)."""
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        if not isinstance(route, Route):
            continue
        for method in sorted((route.methods or set()) - {"HEAD"}):
            doc = inspect.getdoc(route.endpoint) or ""
            operation: dict[str, Any] = {
                "operationId": route.name,
                "summary": doc.split("\n", 1)[0],
                "description": doc,
                "responses": {"200": {"description": "OK", "content": _JSON_OBJECT}},
            }
            operation.update(copy.deepcopy(OPERATIONS.get((method, route.path), {})))
            if route.path != "/healthz":
                operation["responses"].setdefault("401", _error("a token is required and was not sent"))
            paths.setdefault(route.path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": __version__, "description": DESCRIPTION},
        "paths": paths,
        "components": {
            "schemas": {
                "Application": _embedded("Application", "application.schema.json"),
                "Verdict": _embedded("Verdict", "verdict.schema.json"),
                "Error": _ERROR,
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


async def openapi_json(request: Request) -> Response:
    """The OpenAPI 3.1 description of this service, generated from its routes."""
    return JSONResponse(document(request.app.routes))


async def docs(request: Request) -> Response:
    """Interactive API docs, served from the package (nothing loaded from outside it)."""
    return HTMLResponse(_page())


def _page() -> str:
    return package_text("service", "static", "docs.html")


def openapi_routes() -> list[Route]:
    return [Route("/openapi.json", openapi_json, methods=["GET"]), Route("/docs", docs, methods=["GET"])]
