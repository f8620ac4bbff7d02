"""The HTTP service of contract §6, as a Starlette application (served by uvicorn).

Every decision is the library's own ``check`` on the parsed body, so a document gives the same
verdict over HTTP as in process, byte for byte (with ``?include=``, the questions and remedies
of contract §5 as ``check(..., include=...)`` gives them). Requests are bounded (body size,
documents per batch, time), read no file a client names, and end in the error body of §6
whatever happens.

A decision that runs past ``--timeout`` is answered ``503`` at once, but its thread cannot be
stopped and finishes its work unseen. A plain check is quick whatever the document (the
library's limits bound it); one that asks for remedies checks the document again for every
option it proves, so it may take many times as long. Those decisions therefore run in a pool
of their own, ``Settings.advice_threads`` threads per worker: however many time out, their
leftover work never holds more threads than that, and plain checks never wait for it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import hmac
import json
import os
import time
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import catalog, limits
from ..api import check
from ..documents import parse_json, parse_yaml
from ..engines import check_engine_name, durable_available
from ..errors import AmifRulesError, InputError, Problem
from ..includes import include_names
from ..languages import DEFAULT_LANGUAGE, check_language
from ..ruleset import Ruleset
from ..version import __version__
from . import metrics
from .bodies import read_body
from .decisions import DecisionLog, batch_decision_id, new_decision_id, ruleset_header
from .describe import describe
from .errors import HttpError, from_library, internal, malformed
from .openapi import openapi_routes, workbench_page_routes
from .settings import Settings
from .workbench import ROUTES as WORKBENCH_ROUTES
from .workbench import Workbench

JSON_TYPES = ("application/json",)
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
LINES_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines")
#: Routes a client may call without the bearer token: a load balancer's probes, and the API's
#: description and docs page (they hold no data; the page asks for the token to try requests).
#: The workbench's page and its files are open as the docs page is (its API calls are not).
OPEN_ROUTES = (
    "/healthz",
    "/readyz",
    "/openapi.json",
    "/docs",
    "/docs/docs.js",
    "/docs/docs.css",
    "/",
    "/workbench.js",
    "/workbench.css",
    "/words.js",
)


class Service:
    """The state one worker serves from: settings, the bundled rulesets, the decision log."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.ready = False
        self.loaded: asyncio.Event | None = None  # set when the rulesets are compiled
        self.rulesets: dict[tuple[str, str], Ruleset] = {}
        self.log = DecisionLog(settings.decision_log, settings.log_inputs) if settings.decision_log else None
        #: Where decisions with ``include`` run (see the module's doc): made when the app starts.
        self.advising: concurrent.futures.ThreadPoolExecutor | None = None

    def load(self) -> None:
        """Load and compile every bundled ruleset (readiness says when this is done)."""
        for ruleset in catalog.bundled():
            self.rulesets[(ruleset.id, ruleset.version)] = ruleset
            if not ruleset.abstract:
                catalog.prepare_ruleset(ruleset, None)
        self.ready = True


# -- reading requests ----------------------------------------------------------------------------


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def parse_document(body: bytes, kind: str) -> Any:
    """A document from the body: JSON (the default), or YAML when the client says so."""
    if kind and kind not in JSON_TYPES and kind not in YAML_TYPES and not kind.endswith("+json"):
        raise HttpError(415, "unsupported_media_type", f"send application/json or application/yaml, not {kind}")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise malformed(InputError([Problem("", f"not valid UTF-8 (byte {error.start})")])) from None
    if len(text) > limits.MAX_DOCUMENT_BYTES:  # a document's own bound, below the body's
        raise HttpError(413, "too_large", f"the document has {len(text):,} characters; at most {limits.MAX_DOCUMENT_BYTES:,}")
    try:
        return parse_yaml(text) if kind in YAML_TYPES else parse_json(text)
    except InputError as error:
        raise malformed(error) from None


def options(request: Request) -> dict[str, Any]:
    """``call``, ``lang``, ``engine`` and ``include`` from the query, each checked.

    ``include``: names joined by commas (``questions,remedies``), read as
    ``check(include=...)`` reads them (:func:`amif_rules.includes.include_names`): an empty name
    is skipped, a name given twice counts once, the verdict writes its keys in its own order
    whatever the order asked. The parameter may also be repeated (``include=questions&include=
    remedies``): its values add up. Every unknown name is a problem of ``include``."""
    query = request.query_params
    problems = []
    unknown = sorted(set(query) - {"call", "lang", "engine", "include"})
    problems += [Problem(name, "unknown query parameter; use call, lang, engine or include") for name in unknown]
    lang = query.get("lang", DEFAULT_LANGUAGE)
    engine = query.get("engine", "auto")
    for name, value, checked in (("lang", lang, check_language), ("engine", engine, check_engine_name)):
        try:
            checked(value)
        except ValueError as error:
            problems.append(Problem(name, str(error)))
    include: list[str] = []
    for value in query.getlist("include"):
        for part in value.split(","):
            try:
                include += include_names(part)
            except ValueError as error:
                problems.append(Problem("include", str(error).removeprefix("include: ")))
    if problems:
        raise HttpError(422, "usage", "bad query parameters", problems)
    return {"call": query.get("call"), "lang": lang, "engine": engine, "include": include_names(include)}


# -- deciding -------------------------------------------------------------------------------------


async def decide(
    service: Service,
    document: Any,
    body: bytes,
    opts: dict[str, Any],
    decision_id: str | None = None,
    indent: int | None = 2,
) -> tuple[str, dict[str, str]]:
    """One decision: the verdict's JSON as ``Verdict.to_json(indent)`` writes it (made in the
    worker thread, off the event loop) and its headers, logged before it is answered
    (``decision_id``: given for a batch's document, else a new one)."""

    if service.loaded is not None and not service.loaded.is_set():
        await service.loaded.wait()

    include: tuple[str, ...] = opts["include"]

    def work() -> tuple[dict[str, Any], str, Ruleset | None]:
        verdict = check(document, call=opts["call"], lang=opts["lang"], engine=opts["engine"], include=include)
        data = verdict.to_dict()
        text = json.dumps(data, ensure_ascii=False, indent=indent)
        return data, text, service.rulesets.get((verdict.ruleset_id, verdict.ruleset_version))

    running: Awaitable[tuple[dict[str, Any], str, Ruleset | None]]
    if include and service.advising is not None:
        # Its own pool (the module's doc): waiting for a thread counts in the time limit; a
        # decision whose time ran out before it started is dropped (its future is cancelled).
        running = asyncio.get_running_loop().run_in_executor(service.advising, work)
    else:
        running = run_in_threadpool(work)
    try:
        data, text, ruleset = await asyncio.wait_for(running, service.settings.timeout_seconds)
    except TimeoutError:
        raise HttpError(503, "timeout", f"no verdict within {service.settings.timeout_seconds:g} seconds") from None
    except AmifRulesError as error:
        raise from_library(error) from None
    decision_id = decision_id or new_decision_id()
    header = ruleset_header(ruleset) if ruleset is not None else f"{data['ruleset']['id']}@{data['ruleset']['version']}"
    if service.log is not None:
        service.log.record(decision_id, header, data, body, document)
    metrics.DECISIONS.labels(data["ruleset"]["id"], data["outcome"]).inc()
    return text, {"X-Decision-Id": decision_id, "X-Ruleset": header}


# -- endpoints ------------------------------------------------------------------------------------


async def post_check(request: Request) -> Response:
    service: Service = request.app.state.service
    opts = options(request)
    body = await read_body(request, service.settings.max_body_bytes)
    document = parse_document(body, media_type(request))
    text, headers = await decide(service, document, body, opts)
    # As Verdict.to_json() writes it: the same bytes as amif_rules.check in process.
    return Response(text, media_type="application/json", headers=headers)


async def post_batch(request: Request) -> Response:
    service: Service = request.app.state.service
    opts = options(request)
    kind = media_type(request)
    if kind and kind not in LINES_TYPES:
        raise HttpError(415, "unsupported_media_type", f"send JSON Lines (application/x-ndjson), not {kind}")
    body = await read_body(request, service.settings.max_body_bytes)
    lines = [line for line in body.split(b"\n") if line.strip()]
    if len(lines) > service.settings.max_batch_documents:
        raise HttpError(
            413, "too_many_documents", f"{len(lines):,} documents; a batch holds at most {service.settings.max_batch_documents:,}"
        )
    batch_id = new_decision_id()

    async def stream() -> AsyncIterator[bytes]:
        for index, line in enumerate(lines):
            try:
                document = parse_document(line, "application/json")
                text, _ = await decide(service, document, line, opts, batch_decision_id(batch_id, index), indent=None)
                yield text.encode("utf-8") + b"\n"  # as Verdict.to_json(indent=None) writes it: one line
            except HttpError as error:
                metrics.ERRORS.labels(error.code).inc()
                yield _line({"index": index, "error": error.body()["error"]})
            except Exception:  # a bug of ours: this document's line says so, the others go on
                metrics.ERRORS.labels("internal").inc()
                yield _line({"index": index, "error": internal().body()["error"]})

    return StreamingResponse(stream(), media_type="application/x-ndjson", headers={"X-Decision-Id": batch_id})


def _line(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")


async def get_calls(request: Request) -> Response:
    text = request.query_params.get("on")
    on = None
    if text is not None:
        try:
            on = dt.date.fromisoformat(text)
        except ValueError:
            raise HttpError(
                422, "usage", "bad query parameters", [Problem("on", f"expected a date such as 2019-09-02, got {text!r}")]
            ) from None
    rows, _ = catalog.listing(on)
    return JSONResponse(rows)  # as ``amif-rules calls --format json`` lists them


async def get_ruleset(request: Request) -> Response:
    service: Service = request.app.state.service
    wanted = request.path_params["id"]
    found = [ruleset for (rid, _), ruleset in service.rulesets.items() if rid == wanted]
    if not found:
        raise HttpError(404, "unknown_ruleset", f"no bundled ruleset {wanted!r}; GET /v1/calls lists them")
    return JSONResponse(describe(found[-1]))


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    service: Service = request.app.state.service
    if not service.ready:
        return JSONResponse({"status": "loading"}, status_code=503)
    return JSONResponse({"status": "ready", "rulesets": len(service.rulesets)})


async def version(request: Request) -> Response:
    service: Service = request.app.state.service
    engines = ["python"] + (["durable"] if durable_available() else [])
    return JSONResponse(
        {
            "version": __version__,
            "engines": engines,
            "rulesets": [{"id": r.id, "version": r.version, "digest": f"sha256:{r.digest}"} for r in service.rulesets.values()],
        }
    )


async def get_metrics(request: Request) -> Response:
    data, content_type = metrics.exposition()
    return Response(data, media_type=content_type)


ROUTES = [
    Route("/v1/check", post_check, methods=["POST"]),
    Route("/v1/check/batch", post_batch, methods=["POST"]),
    Route("/v1/calls", get_calls, methods=["GET"]),
    Route("/v1/rulesets/{id}", get_ruleset, methods=["GET"]),
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    Route("/version", version, methods=["GET"]),
    Route("/metrics", get_metrics, methods=["GET"]),
    *WORKBENCH_ROUTES,
]


# -- what every request goes through -------------------------------------------------------------


class Guard:
    """What every request goes through, as plain ASGI (no per-request task or stream, as a
    ``BaseHTTPMiddleware`` would make): the token check and the metrics of every request.
    Errors become the body of §6 in the exception handlers (:func:`create_app`)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.expected = f"Bearer {settings.token}".encode() if settings.token is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless a response starts

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            if self.expected is not None and scope["path"] not in OPEN_ROUTES:
                given = dict(scope["headers"]).get(b"authorization", b"")
                if not hmac.compare_digest(given, self.expected):
                    error = HttpError(401, "unauthorized", "send the service's token: Authorization: Bearer TOKEN")
                    metrics.ERRORS.labels(error.code).inc()
                    await error.response({"WWW-Authenticate": "Bearer"})(scope, receive, sending)
                    return
            await self.app(scope, receive, sending)
        finally:
            route = _route_name(scope)
            metrics.REQUESTS.labels(route, str(status)).inc()
            metrics.LATENCY.labels(route).observe(time.perf_counter() - started)


async def http_error(request: Request, exc: Exception) -> Response:
    """An :class:`HttpError` raised by an endpoint: its status and the body of §6."""
    assert isinstance(exc, HttpError)
    metrics.ERRORS.labels(exc.code).inc()
    return exc.response()


async def internal_error(request: Request, exc: Exception) -> Response:
    """A bug of ours: 500 and one line; the server's log has the traceback, the client none."""
    metrics.ERRORS.labels("internal").inc()
    return internal().response()


def _route_name(scope: Scope) -> str:
    """The route a request matched (``/v1/rulesets/{id}``), never the raw path (bounded labels)."""
    for route in ROUTES:
        match, _ = route.matches(scope)
        if match.name == "FULL":
            return route.path
    return "other"


async def not_found(request: Request, exc: Exception) -> Response:
    return HttpError(404, "not_found", f"no such endpoint: {request.method} {request.url.path}").response()


async def not_allowed(request: Request, exc: Exception) -> Response:
    return HttpError(405, "method_not_allowed", f"{request.method} is not allowed on {request.url.path}").response()


def create_app(settings: Settings | None = None) -> Starlette:
    """The service's application; rulesets are loaded and compiled when it starts."""
    settings = settings or Settings()
    service = Service(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Loading runs while the server already answers: /healthz at once, /readyz 503 until
        # every ruleset is compiled, and a decision waits for it.
        service.loaded = asyncio.Event()
        loaded = service.loaded

        async def load() -> None:
            await run_in_threadpool(service.load)
            loaded.set()

        task = asyncio.create_task(load())
        service.advising = concurrent.futures.ThreadPoolExecutor(settings.advice_threads, thread_name_prefix="amif-advice")
        yield
        task.cancel()
        service.advising.shutdown(wait=False, cancel_futures=True)
        if service.log is not None:
            service.log.close()

    app = Starlette(
        routes=[*ROUTES, *openapi_routes(), *workbench_page_routes()],
        lifespan=lifespan,
        exception_handlers={HttpError: http_error, 404: not_found, 405: not_allowed, Exception: internal_error},
        middleware=[Middleware(Guard, settings=settings)],
    )
    app.state.service = service
    app.state.workbench = Workbench(settings)  # reads the source texts once
    return app


def from_environment() -> Starlette:
    """The application of one worker started by ``amif-rules serve`` (its settings are in
    ``AMIF_SERVE_SETTINGS``, written by the command)."""
    values = json.loads(os.environ.get("AMIF_SERVE_SETTINGS", "{}"))
    for name in ("decision_log", "workspace", "sources"):
        if values.get(name):
            values[name] = Path(values[name])
    return create_app(Settings(**values))
