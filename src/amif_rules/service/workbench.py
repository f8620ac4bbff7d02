"""The workbench's routes (``/v1/workbench/...``, docs/workbench-design.md): read a call beside
its source text, draft it in a workspace, lint the draft as it is typed, try an application
under the base and the draft, save it as a test case, run the tests with their coverage, the
impact of the draft over a portfolio (streamed as NDJSON progress) and a sweep of one
parameter, and take the draft away (a zip, and the diff against its base).

A client names a ruleset or draft by its id and a rule by its id, never a file: the files are
the workspace's (:mod:`.workspace`) and the source texts the server read when it started
(:mod:`.sources`). Everything a route computes runs off the event loop; every error is the
body of contract §6.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import yaml
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .. import expr
from ..api import check
from ..batch import Progress
from ..documents import parse_json, parse_yaml
from ..errors import AmifRulesError, InputError, Problem, RulesetError, TestsFileError
from ..languages import DEFAULT_LANGUAGE, check_language
from ..messages import format_value
from ..resources import examples_dir, rulesets_dir
from ..ruleset import UNRESOLVED, UNSET, Ruleset, parse_ruleset
from ..toolkit.cases import load_tests, parse_tests, run_file
from ..toolkit.cases.report import explain
from ..toolkit.coverage import measure
from ..toolkit.impact import MAX_SWEEP_POINTS, compare_rulesets, impact, sweep
from ..toolkit.impact.chart import sweep_svg
from ..toolkit.lint.linter import Linter
from ..toolkit.lint.run import run as run_lint
from .bodies import read_body
from .describe import describe, json_value
from .errors import HttpError, from_library
from .settings import Settings
from .sources import Sources, find_folder, passage
from .workspace import MAX_FILE_BYTES, TESTS_SUFFIX, Workspace, append_case, check_id, new_draft, set_parameter

PREFIX = "/v1/workbench"


class Workbench:
    """What the routes share: the workspace and the source texts (read once, here)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.workspace = Workspace(settings.workspace)
        self.sources = Sources.read(find_folder(settings.sources))


def _bench(request: Request) -> Workbench:
    bench: Workbench = request.app.state.workbench
    return bench


# -- reading requests ----------------------------------------------------------------------------


async def _body(request: Request) -> dict[str, Any]:
    """The JSON object of the body, refused with 413 as soon as it passes the service's body
    limit: 400 when it is not JSON, 422 when it is not an object."""
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind and kind != "application/json" and not kind.endswith("+json"):
        raise HttpError(415, "unsupported_media_type", f"send application/json, not {kind}")
    raw = await read_body(request, _bench(request).settings.max_body_bytes)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise HttpError(400, "malformed", "the body is not a JSON document") from None
    if not isinstance(data, dict):
        raise HttpError(422, "usage", "the body must be a JSON object", [Problem("", "expected an object")])
    return data


def _field(data: dict[str, Any], name: str, kinds: type | tuple[type, ...], required: bool = True) -> Any:
    value = data.get(name)
    if value is None and not required:
        return None
    if value is None or not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _tuple(kinds)):
        names = " or ".join(k.__name__.replace("str", "string").replace("dict", "object") for k in _tuple(kinds))
        raise HttpError(422, "usage", f"bad body: {name}", [Problem(name, f"expected {names}")])
    return value


def _tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", DEFAULT_LANGUAGE)
    try:
        return check_language(lang)
    except ValueError as error:
        raise HttpError(422, "usage", "bad query parameters", [Problem("lang", str(error))]) from None


async def _work(request: Request, function: Any, *args: Any) -> Any:
    """``function(*args)`` in a worker thread, within the service's time limit."""
    seconds = _bench(request).settings.timeout_seconds * 4  # a lint or a test run is many checks
    try:
        return await asyncio.wait_for(run_in_threadpool(function, *args), seconds)
    except TimeoutError:
        raise HttpError(503, "timeout", f"not done within {seconds:g} seconds") from None
    except AmifRulesError as error:
        raise from_library(error) from None


# -- rulesets and drafts -------------------------------------------------------------------------


def _bundled_file(ruleset_id: str) -> Path | None:
    folder = rulesets_dir()
    for candidate in (folder / f"{ruleset_id}.yaml", folder / "drafts" / f"{ruleset_id}.yaml"):
        if candidate.is_file():
            return candidate
    return None


def _load(bench: Workbench, ruleset_id: str) -> Ruleset:
    """A bundled ruleset or a draft of the workspace, by id (404 when neither has it; 422 when
    the draft does not load, with its problems)."""
    check_id(ruleset_id)
    if bench.workspace.exists(ruleset_id):
        text = bench.workspace.draft_text(ruleset_id)
        try:
            return parse_ruleset(text, str(bench.workspace.path(ruleset_id)))
        except RulesetError as error:
            problems = [Problem(f"{p.location.line}:{p.location.column}", p.message) for p in error.problems]
            raise HttpError(422, "draft_does_not_load", f"the draft {ruleset_id!r} does not load", problems) from None
    path = _bundled_file(ruleset_id)
    if path is None:
        raise HttpError(404, "unknown_ruleset", f"no ruleset or draft {ruleset_id!r}")
    from ..catalog import resolve_ruleset

    return resolve_ruleset(str(path.resolve()))


def _base_id(text: str) -> str | None:
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    base = data.get("extends") if isinstance(data, dict) else None
    return base if isinstance(base, str) else None


def _base(bench: Workbench, draft_id: str, text: str) -> Ruleset:
    base_id = _base_id(text)
    if base_id is None:
        raise HttpError(422, "no_base", f"the draft {draft_id!r} extends no ruleset", [Problem("extends", "name the base")])
    if base_id == draft_id:
        raise HttpError(422, "no_base", f"the draft {draft_id!r} extends itself", [Problem("extends", "name the base")])
    return _load(bench, base_id)


def _label(ruleset: Ruleset, node: expr.Path, lang: str) -> str:
    path = node.input_path
    found = ruleset.inputs.get(path)
    template = found.label.get(lang) if found is not None else None
    if template is None:
        return f"«{path}»"
    words = "".join(part if isinstance(part, str) else "…" for part in template.parts)
    return f"«{words}»"


def plain(ruleset: Ruleset, rule: Any, lang: str) -> str | None:
    """The rule's pass message, each field as its input label and each parameter as its value."""
    template = rule.messages.by_outcome.get("pass", {}).get(lang)
    if template is None:
        return None
    out: list[str] = []
    for part in template.parts:
        if isinstance(part, str):
            out.append(part)
        elif part.node is None:  # {item}, {missing}: the list element or the fields, as labels show them
            out.append("…")
        elif isinstance(part.node, expr.Path):
            out.append(_label(ruleset, part.node, lang))
        elif isinstance(part.node, expr.Param) and part.node.value not in (UNSET, UNRESOLVED):
            try:
                out.append(format_value(part.node.value, part.node, lang, part.format))
            except (TypeError, ValueError, ArithmeticError):
                out.append(str(json_value(part.node.value)))
        else:  # an expression: its fields as labels, its parameters as values
            out.append(_expression(ruleset, part.node, part.text, lang))
    return "".join(out)


def _expression(ruleset: Ruleset, node: expr.Node, text: str, lang: str) -> str:
    for path in sorted(set(expr.paths(node)), key=lambda p: -len(p.text)):
        text = text.replace(path.text, _label(ruleset, path, lang))
    for name in sorted(expr.parameters(node), key=len, reverse=True):
        parameter = ruleset.parameters.get(name)
        if parameter is None or parameter.value in (UNSET, UNRESOLVED):
            continue
        try:
            shown = format_value(parameter.value, parameter.node, lang)
        except (TypeError, ValueError, ArithmeticError):
            shown = str(json_value(parameter.value))
        text = re.sub(rf"(?<![\w.]){re.escape(name)}(?![\w])", shown.replace("\\", "\\\\"), text)
    return text


def _examples(ruleset: Ruleset) -> list[dict[str, Any]]:
    """The bundled example applications of a call (named by its ruleset id)."""
    found: list[dict[str, Any]] = []
    folder = examples_dir()
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob(f"{ruleset.id}-*")):
        if path.suffix not in (".json", ".yaml") or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
            document = parse_json(text) if path.suffix == ".json" else parse_yaml(text)
        except (OSError, InputError):
            continue
        found.append({"name": path.name, "document": document})
    return found


def ruleset_view(ruleset: Ruleset, lang: str) -> dict[str, Any]:
    described = describe(ruleset)
    return {
        "id": ruleset.id,
        "version": ruleset.version,
        "call": ruleset.call,
        "title": described["title"],
        "status": described["status"],
        "valid_from": described["valid_from"],
        "valid_until": described["valid_until"],
        "extends": list(ruleset.extends),
        "parameters": [
            {
                "name": name,
                "type": parameter.type_name,
                "value": json_value(parameter.value),
                "source": parameter.source,
                "passage": passage(parameter.source),
            }
            for name, parameter in ruleset.parameters.items()
        ],
        "rules": [
            {
                "id": rule["id"],
                "severity": rule["severity"],
                "for_each": rule["for_each"],
                "when": rule["when"],
                "check": rule["check"],
                "title": rule["title"],
                "plain": plain(ruleset, ruleset.rule(rule["id"]), lang),
                "source": rule["source"],
                "passage": passage(rule["source"]),
            }
            for rule in described["rules"]
        ],
        "examples": _examples(ruleset),
    }


async def get_workbench_ruleset(request: Request) -> Response:
    """A ruleset (bundled, or a draft of the workspace) as the workbench shows it: each rule's
    condition, its plain text in ``lang`` and the passage it cites; each parameter's value and
    source; the bundled example applications of the call."""
    lang = _lang(request)
    bench = _bench(request)
    ruleset = await run_in_threadpool(_load, bench, request.path_params["id"])
    return JSONResponse(await run_in_threadpool(ruleset_view, ruleset, lang))


async def get_source(request: Request) -> Response:
    """The source text a rule (or ``parameter:NAME``) cites, with the offsets of the passage
    quoted (null when the quote is not found). The server finds the text from the citation."""
    bench = _bench(request)
    ruleset = await run_in_threadpool(_load, bench, request.path_params["id"])
    wanted: str = request.path_params["rule"]
    if wanted.startswith("parameter:"):
        parameter = ruleset.parameters.get(wanted.removeprefix("parameter:"))
        if parameter is None:
            raise HttpError(404, "unknown_parameter", f"{ruleset.id} has no parameter {wanted.removeprefix('parameter:')!r}")
        source: str | None = parameter.source
    else:
        try:
            source = ruleset.rule(wanted).source
        except KeyError:
            raise HttpError(404, "unknown_rule", f"{ruleset.id} has no rule {wanted!r}") from None
    cited = bench.sources.cited(source)
    if cited is None:
        raise HttpError(404, "no_source_text", f"the sources folder has no text for {source!r}")
    return JSONResponse(cited)


def _draft_row(bench: Workbench, draft_id: str) -> dict[str, Any]:
    text = bench.workspace.read(draft_id) or ""
    title = None
    valid = True
    try:
        ruleset = parse_ruleset(text, str(bench.workspace.path(draft_id)))
        title = describe(ruleset)["title"]
    except (RulesetError, ValueError, RecursionError):
        valid = False
    return {"id": draft_id, "base": _base_id(text), "title": title, "valid": valid}


async def list_drafts(request: Request) -> Response:
    """The drafts of the workspace: id, base, title, and whether each loads."""
    bench = _bench(request)
    rows = await run_in_threadpool(lambda: [_draft_row(bench, d) for d in bench.workspace.drafts()])
    return JSONResponse(rows)


async def create_draft(request: Request) -> Response:
    """Start a draft of a call: ``<id>.yaml`` extends the base, nothing copied (409 if it exists)."""
    bench = _bench(request)
    data = await _body(request)
    base_id = check_id(_field(data, "base", str), "base")
    draft_id = check_id(_field(data, "id", str), "id")
    if bench.workspace.exists(draft_id):
        raise HttpError(409, "exists", f"the workspace has a draft {draft_id!r} already")
    if _bundled_file(draft_id) is not None:
        raise HttpError(409, "exists", f"{draft_id!r} is the id of a bundled ruleset; choose another")
    base = await run_in_threadpool(_load, bench, base_id)
    if base.abstract:
        raise HttpError(422, "usage", f"{base_id!r} is a base, not a call", [Problem("base", "name a call's ruleset")])
    text = new_draft(base, draft_id)
    await run_in_threadpool(bench.workspace.write, draft_id, text)
    return JSONResponse({"id": draft_id, "base": base.id, "yaml": text}, status_code=201)


def _draft_view(bench: Workbench, draft_id: str) -> dict[str, Any]:
    text = bench.workspace.draft_text(draft_id)
    view: dict[str, Any] = {
        "id": draft_id,
        "base": _base_id(text),
        "yaml": text,
        "tests_yaml": bench.workspace.read(draft_id, TESTS_SUFFIX),
        "parameters": [],
        "problems": [],
    }
    try:
        draft = parse_ruleset(text, str(bench.workspace.path(draft_id)))
        base = _base(bench, draft_id, text)
    except RulesetError as error:
        view["problems"] = [{"path": f"{p.location.line}:{p.location.column}", "message": p.message} for p in error.problems]
        return view
    except HttpError as error:
        view["problems"] = [{"path": p.path, "message": p.message} for p in error.problems] or [
            {"path": "", "message": error.message}
        ]
        return view
    view["parameters"] = [
        {
            "name": name,
            "type": parameter.type_name,
            "base_value": json_value(base.parameters[name].value) if name in base.parameters else None,
            "value": json_value(parameter.value),
            "source": parameter.source,
        }
        for name, parameter in draft.parameters.items()
    ]
    return view


async def get_draft(request: Request) -> Response:
    """A draft: its YAML, its tests' YAML (null before the first case), its parameters with the
    base's values (and the loader's problems when it does not load)."""
    bench = _bench(request)
    return JSONResponse(await run_in_threadpool(_draft_view, bench, check_id(request.path_params["id"])))


# -- lint -----------------------------------------------------------------------------------------


def lint_text(bench: Workbench, draft_id: str, text: str) -> list[dict[str, Any]]:
    """Lint ``text`` as if it were the draft's file (so ``extends`` resolves beside it)."""
    path = bench.workspace.path(draft_id)
    name = str(path)
    linter = Linter(name, path, None, text, False, bench.sources.folder, None)
    findings = []
    for finding in run_lint(linter):
        location = finding.location or ""
        parts = location.rsplit(":", 2)
        if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
            file, line, column = parts[0], int(parts[1]), int(parts[2])
        else:
            file, line, column = location, None, None
        in_draft = file in (name, "") or Path(file).name == path.name
        findings.append(
            {
                "code": finding.code,
                "severity": finding.severity,
                "message": finding.message,
                "hint": finding.hint,
                "file": path.name if in_draft else Path(file).name,
                "in_draft": in_draft,
                "line": line,
                "column": column,
                "certain": finding.certain,
                "details": list(finding.details),
                "changes": finding.changes,
                "counterexample": finding.counterexample,
            }
        )
    return findings


def _text(data: dict[str, Any], name: str) -> str:
    text: str = _field(data, name, str)
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise HttpError(413, "too_large", f"{name} is larger than {MAX_FILE_BYTES:,} bytes")
    return text


async def post_lint(request: Request) -> Response:
    """Lint a draft's text as the editor holds it (nothing is saved)."""
    bench = _bench(request)
    data = await _body(request)
    draft_id = check_id(_field(data, "id", str))
    text = _text(data, "yaml")
    return JSONResponse({"findings": await _work(request, lint_text, bench, draft_id, text)})


async def put_draft(request: Request) -> Response:
    """Save a draft's text as it is (even when it does not load: the findings say why)."""
    bench = _bench(request)
    draft_id = check_id(request.path_params["id"])
    data = await _body(request)
    text = _text(data, "yaml")
    bench.workspace.draft_text(draft_id)  # 404 for an unknown draft
    await run_in_threadpool(bench.workspace.write, draft_id, text)
    return JSONResponse({"saved": True, "findings": await _work(request, lint_text, bench, draft_id, text)})


async def put_parameter(request: Request) -> Response:
    """Set one parameter's value in the draft's YAML (the rest of the text as it was)."""
    bench = _bench(request)
    draft_id = check_id(request.path_params["id"])
    name: str = request.path_params["name"]
    data = await _body(request)
    if "value" not in data or isinstance(data["value"], dict):
        raise HttpError(422, "usage", "bad body: value", [Problem("value", "expected a number, text, true/false or a list")])
    text = bench.workspace.draft_text(draft_id)
    base = await run_in_threadpool(_base, bench, draft_id, text)
    if name not in base.parameters:
        raise HttpError(404, "unknown_parameter", f"{base.id} has no parameter {name!r}")
    edited = set_parameter(text, name, data["value"])
    try:
        await run_in_threadpool(parse_ruleset, edited, str(bench.workspace.path(draft_id)))
    except RulesetError as error:
        problems = [Problem(f"parameters.{name}", p.message) for p in error.problems]
        raise HttpError(422, "bad_value", f"the draft would not load with {name} = {data['value']!r}", problems) from None
    await run_in_threadpool(bench.workspace.write, draft_id, edited)
    return JSONResponse({"yaml": edited, "findings": await _work(request, lint_text, bench, draft_id, edited)})


# -- try, tests ------------------------------------------------------------------------------------


def _document(data: dict[str, Any]) -> Any:
    if isinstance(data.get("document"), dict):
        return data["document"]
    text = data.get("text")
    if not isinstance(text, str):
        raise HttpError(422, "usage", "bad body", [Problem("document", "send document (an object) or text (JSON or YAML)")])
    try:
        return parse_json(text) if text.lstrip().startswith(("{", "[")) else parse_yaml(text)
    except InputError as error:
        raise HttpError(400, "malformed", "the text is not a JSON or YAML document", error.problems) from None


def _loaded_draft(bench: Workbench, draft_id: str) -> tuple[Ruleset, Ruleset]:
    text = bench.workspace.draft_text(draft_id)
    return _load(bench, draft_id), _base(bench, draft_id, text)


async def try_document(request: Request) -> Response:
    """One application under the base and under the draft: both explained verdicts, with the
    questions and remedies of contract §5."""
    bench = _bench(request)
    draft_id = check_id(request.path_params["id"])
    lang = _lang(request)
    document = _document(await _body(request))
    draft, base = await run_in_threadpool(_loaded_draft, bench, draft_id)

    def both() -> dict[str, Any]:
        include = ("questions", "remedies")
        return {
            "baseline": check(document, lang=lang, ruleset=base, include=include).to_dict(),
            "draft": check(document, lang=lang, ruleset=draft, include=include).to_dict(),
        }

    return JSONResponse(await _work(request, both))


def add_case(bench: Workbench, draft_id: str, name: str, document: Any) -> dict[str, Any]:
    draft = _load(bench, draft_id)
    verdict = check(document, ruleset=draft).to_dict()
    text = append_case(bench.workspace.read(draft_id, TESTS_SUFFIX), draft_id, name, verdict, document)
    path = bench.workspace.path(draft_id, TESTS_SUFFIX)
    try:
        tests = parse_tests(text, path)
    except TestsFileError as error:
        problems = [Problem(str(p.location), p.message) for p in error.problems]
        raise HttpError(422, "bad_tests_file", "the tests would not load with this case", problems) from None
    bench.workspace.write(draft_id, text, TESTS_SUFFIX)
    return {"cases": len(tests.cases), "tests_yaml": text}


async def post_case(request: Request) -> Response:
    """Save an application as a test case of the draft, expecting the draft's outcome (and its
    failed rules); the tests file is made with the first case."""
    bench = _bench(request)
    draft_id = check_id(request.path_params["id"])
    data = await _body(request)
    name = _field(data, "name", str).strip()
    if not name or len(name) > 200 or "\n" in name:
        raise HttpError(422, "usage", "bad body: name", [Problem("name", "one line of 1 to 200 characters")])
    document = _document(data)
    bench.workspace.draft_text(draft_id)  # 404 for an unknown draft
    return JSONResponse(await _work(request, add_case, bench, draft_id, name, document))


def run_tests(bench: Workbench, draft_id: str) -> dict[str, Any]:
    bench.workspace.draft_text(draft_id)  # 404 for an unknown draft
    path = bench.workspace.path(draft_id, TESTS_SUFFIX)
    if not path.is_file():
        return {"passed": 0, "failed": 0, "cases": [], "coverage": []}
    try:
        tests = load_tests(path, path.name)
    except TestsFileError as error:
        problems = [Problem(str(p.location), p.message) for p in error.problems]
        raise HttpError(422, "bad_tests_file", "the tests file does not load", problems) from None
    result = run_file(tests)
    coverage = measure([result])
    rules = coverage[0].to_dict()["rules"] if coverage else []
    return {
        "passed": sum(1 for r in result.results if r.passed),
        "failed": len(result.failed),
        "cases": [{"name": r.case.name, "ok": r.passed, "message": explain(r)} for r in result.results],
        "coverage": [{"rule": rule["id"], "outcomes": rule["outcomes"], "sides": rule["conditions"]} for rule in rules],
        "gaps": coverage[0].gaps() if coverage else [],
    }


async def post_run_tests(request: Request) -> Response:
    """Run the draft's tests: each case, and the coverage per rule and per condition side."""
    bench = _bench(request)
    return JSONResponse(await _work(request, run_tests, bench, check_id(request.path_params["id"])))


# -- impact, sweep ---------------------------------------------------------------------------------


def _portfolio(bench: Workbench, data: dict[str, Any], base: Ruleset) -> list[tuple[str, Any]]:
    """The documents to weigh: the bundled portfolio of the call, or the JSON Lines sent
    (at most ``max_batch_documents`` lines)."""
    jsonl = data.get("jsonl")
    if jsonl is not None:
        if not isinstance(jsonl, str):
            raise HttpError(422, "usage", "bad body: jsonl", [Problem("jsonl", "expected JSON Lines text")])
        lines = [(n, line) for n, line in enumerate(jsonl.split("\n"), start=1) if line.strip()]
        most = bench.settings.max_batch_documents
        if len(lines) > most:
            raise HttpError(413, "too_many_documents", f"{len(lines):,} documents; a portfolio holds at most {most:,}")
        return [(f"line {n}", line) for n, line in lines]
    if data.get("portfolio", "bundled") != "bundled":
        raise HttpError(422, "usage", "bad body: portfolio", [Problem("portfolio", 'expected "bundled", or send jsonl')])
    folder = examples_dir()
    files = sorted((folder / "portfolios").glob(f"{base.id}-*.jsonl")) if (folder / "portfolios").is_dir() else []
    if files:
        text = files[0].read_text(encoding="utf-8")
        return [(f"{files[0].name}:{n}", line) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    return [(example["name"], example["document"]) for example in _examples(base)]


class _Counting(Progress):
    """A progress that tells the event loop how far the work is (``report(count)``)."""

    def __init__(self, report: Any):
        super().__init__(io.StringIO(), enabled=False)
        self.report = report

    def step(self, ok: bool) -> None:
        super().step(ok)
        self.report(self.count)


def _groups(report: Any) -> list[dict[str, Any]]:
    return [
        {
            "cause": cause.label,
            "rule": cause.changes[0][0] if cause.changes else None,
            "count": len(cause.flips),
            "applications": [flip.applicant or flip.document for flip in cause.flips],
        }
        for cause in report.causes
    ]


def _line(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")


async def post_impact(request: Request) -> Response:
    """The impact of the draft over a portfolio (the call's bundled one, or JSON Lines sent):
    NDJSON lines ``{"progress": k, "total": n}``, then ``{"result": ...}`` (who flips and why,
    grouped by cause, as ``amif-rules impact`` says it), or ``{"error": ...}``."""
    bench = _bench(request)
    draft_id = check_id(request.path_params["id"])
    lang = _lang(request)
    data = await _body(request)
    draft, base = await run_in_threadpool(_loaded_draft, bench, draft_id)
    items = await run_in_threadpool(_portfolio, bench, data, base)
    total = len(items)
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[int] = asyncio.Queue()
    every = max(1, total // 50)

    def report(count: int) -> None:
        if count % every == 0 or count == total:
            loop.call_soon_threadsafe(queue.put_nowait, count)

    def work() -> dict[str, Any]:
        result = impact(base, draft, items, lang=lang, progress=_Counting(report))
        return {**result.to_dict(), "groups": _groups(result)}

    async def stream() -> AsyncIterator[bytes]:
        yield _line({"progress": 0, "total": total})
        task = asyncio.ensure_future(run_in_threadpool(work))
        shown = 0
        while not task.done():
            getter = asyncio.ensure_future(queue.get())
            await asyncio.wait({task, getter}, return_when=asyncio.FIRST_COMPLETED)
            if getter.done():
                shown = getter.result()
                yield _line({"progress": shown, "total": total})
            else:
                getter.cancel()
        while not queue.empty():  # what was reported as the work ended
            shown = queue.get_nowait()
            yield _line({"progress": shown, "total": total})
        try:
            result = task.result()
            if shown != total:
                yield _line({"progress": total, "total": total})
            yield _line({"result": result})
        except AmifRulesError as error:
            yield _line({"error": from_library(error).body()["error"]})
        except Exception:  # a bug of ours: the stream says so, the server's log has it
            yield _line({"error": {"code": "internal", "message": "internal error; please report it", "problems": []}})

    return StreamingResponse(stream(), media_type="application/x-ndjson")


def _sweep_values(data: dict[str, Any]) -> list[Any]:
    values = data.get("values")
    if values is not None:
        ok = isinstance(values, list) and 0 < len(values) <= MAX_SWEEP_POINTS
        if not ok or not all(isinstance(v, (int, float, str)) and not isinstance(v, bool) for v in values):
            raise HttpError(422, "usage", "bad body: values", [Problem("values", f"1 to {MAX_SWEEP_POINTS} numbers")])
        return values
    start, end, steps = data.get("from"), data.get("to"), data.get("steps", 10)
    numbers = (int, float)
    if not all(isinstance(v, numbers) and not isinstance(v, bool) for v in (start, end, steps)):
        raise HttpError(422, "usage", "bad body", [Problem("values", "send values, or from, to and steps (numbers)")])
    assert isinstance(start, numbers) and isinstance(end, numbers) and isinstance(steps, numbers)
    if not 2 <= steps <= MAX_SWEEP_POINTS or end < start:
        raise HttpError(422, "usage", "bad body", [Problem("steps", f"2 to {MAX_SWEEP_POINTS} steps, from ≤ to")])
    count = int(steps)
    integral = isinstance(start, int) and isinstance(end, int)
    points = [start + (end - start) * i / (count - 1) for i in range(count)]
    return list(dict.fromkeys(round(p) if integral else p for p in points))


async def post_sweep(request: Request) -> Response:
    """The outcomes of the portfolio for each value of one parameter of the draft, and their chart (SVG)."""
    bench = _bench(request)
    draft_id = check_id(request.path_params["id"])
    lang = _lang(request)
    data = await _body(request)
    name = _field(data, "parameter", str)
    values = _sweep_values(data)
    draft, base = await run_in_threadpool(_loaded_draft, bench, draft_id)
    if name not in draft.parameters:
        raise HttpError(404, "unknown_parameter", f"{draft_id} has no parameter {name!r}")
    items = await run_in_threadpool(_portfolio, bench, data, base)

    def work() -> dict[str, Any]:
        try:
            result = sweep(draft, name, values, items)
        except ValueError as error:
            raise HttpError(422, "usage", "bad sweep", [Problem("values", str(error))]) from None
        points = [{"value": json_value(point.value), **point.counts} for point in result.points]
        return {"parameter": name, "points": points, "svg": sweep_svg(result, lang)}

    return JSONResponse(await _work(request, work))


# -- take it away -----------------------------------------------------------------------------------


async def download(request: Request) -> Response:
    """The draft and its tests as a zip (``<id>.yaml``, ``<id>.tests.yaml``), as the command line reads them."""
    bench = _bench(request)
    draft_id = check_id(request.path_params["id"])
    text = bench.workspace.draft_text(draft_id)
    tests = bench.workspace.read(draft_id, TESTS_SUFFIX)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{draft_id}.yaml", text)
        if tests is not None:
            archive.writestr(f"{draft_id}{TESTS_SUFFIX}", tests)
    headers = {"Content-Disposition": f'attachment; filename="{draft_id}.zip"'}
    return Response(buffer.getvalue(), media_type="application/zip", headers=headers)


def diff(bench: Workbench, draft_id: str) -> dict[str, Any]:
    draft, base = _loaded_draft(bench, draft_id)
    parameters, added, removed, modified = compare_rulesets(base, draft)
    rules = (
        [{"id": r, "change": "added"} for r in added]
        + [{"id": r, "change": "removed"} for r in removed]
        + [{"id": r, "change": "modified"} for r in modified]
    )
    lines = [f"{draft.id} against {base.id}:"]
    lines += [f"  parameter {p.name}: {json.dumps(p.base)} → {json.dumps(p.draft)}" for p in parameters]
    lines += [f"  rule {r['id']}: {r['change']}" for r in rules]
    if len(lines) == 1:
        lines.append("  no change")
    return {
        "base": base.id,
        "parameters": [{"name": p.name, "base": p.base, "draft": p.draft} for p in parameters],
        "rules": rules,
        "text": "\n".join(lines),
    }


async def get_diff(request: Request) -> Response:
    """What the draft changes against its base: parameters, rules added, removed or modified."""
    bench = _bench(request)
    return JSONResponse(await _work(request, diff, bench, check_id(request.path_params["id"])))


ROUTES = [
    Route(PREFIX + "/rulesets/{id}", get_workbench_ruleset, methods=["GET"]),
    Route(PREFIX + "/rulesets/{id}/sources/{rule}", get_source, methods=["GET"]),
    Route(PREFIX + "/drafts", list_drafts, methods=["GET"]),
    Route(PREFIX + "/drafts", create_draft, methods=["POST"]),
    Route(PREFIX + "/drafts/{id}", get_draft, methods=["GET"]),
    Route(PREFIX + "/drafts/{id}", put_draft, methods=["PUT"]),
    Route(PREFIX + "/lint", post_lint, methods=["POST"]),
    Route(PREFIX + "/drafts/{id}/parameters/{name}", put_parameter, methods=["PUT"]),
    Route(PREFIX + "/drafts/{id}/try", try_document, methods=["POST"]),
    Route(PREFIX + "/drafts/{id}/tests", post_case, methods=["POST"]),
    Route(PREFIX + "/drafts/{id}/run-tests", post_run_tests, methods=["POST"]),
    Route(PREFIX + "/drafts/{id}/impact", post_impact, methods=["POST"]),
    Route(PREFIX + "/drafts/{id}/sweep", post_sweep, methods=["POST"]),
    Route(PREFIX + "/drafts/{id}/download", download, methods=["GET"]),
    Route(PREFIX + "/drafts/{id}/diff", get_diff, methods=["GET"]),
]
