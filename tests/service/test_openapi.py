"""``/openapi.json`` of a real server: a valid OpenAPI 3.1 document, every route of the app
and no other, and request and verdict schemas that accept and refuse exactly what the
published JSON Schemas (``schemas/application.schema.json``, ``schemas/verdict.schema.json``
and, for verdicts with questions and remedies, ``schemas/verdict.v2.schema.json``) do
(contract §6).

Equivalence is asked of jsonschema twice per document: once of the published file, once of
``#/components/schemas/NAME`` resolved inside the downloaded OpenAPI document (a
``referencing.Registry`` holding it as a resource, so that the rewritten ``$ref`` are followed
where the document puts them). The documents: every example (``examples/*.json``,
``*.yaml``, the portfolio's lines), the service's verdicts of each, and, drawn by
Hypothesis, the kit's applications of several calls, malformed and junk documents, and
verdicts and applications mutated at random places. Both answers must be the same, and both
kinds of answer must occur (a comparison that only ever sees valid documents proves little).
"""

from __future__ import annotations

import collections
import copy
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from starlette.routing import Route

import amif_rules
from amif_rules import testing
from amif_rules.documents import parse_yaml
from amif_rules.resources import examples_dir, schema
from amif_rules.service.app import create_app
from amif_rules.testing._schema import json_values, schema_view

#: Where the downloaded OpenAPI document lives for the resolver (any URI will do).
OPENAPI_URI = "urn:amif-rules:openapi.json"
PUBLISHED = {
    "Application": "application.schema.json",
    "Verdict": "verdict.schema.json",
    "VerdictV2": "verdict.v2.schema.json",
}
#: A failure is shown as drawn: shrinking documents this large can take minutes.
NO_SHRINKING = (Phase.explicit, Phase.generate)
#: Calls whose generated applications are compared (a spread of bundled rulesets).
CALLS = ["42", "320", "385", "buurtstewards", "routing"]


@pytest.fixture(scope="module")
def spec(server: Any) -> dict[str, Any]:
    reply = server.get("/openapi.json")
    assert reply.status == 200 and reply.headers["content-type"].startswith("application/json")
    document: dict[str, Any] = reply.json()
    return document


def _registry(document: dict[str, Any]) -> Registry:
    return Registry().with_resource(OPENAPI_URI, DRAFT202012.create_resource(document))


def validator_at(document: dict[str, Any], *where: str) -> jsonschema.Draft202012Validator:
    """A validator of the schema at ``where`` as it sits in ``document`` (its ``$ref`` followed
    inside the document)."""
    pointer = "/".join(part.replace("~", "~0").replace("/", "~1") for part in where)
    return jsonschema.Draft202012Validator({"$ref": f"{OPENAPI_URI}#/{pointer}"}, registry=_registry(document))


def embedded_validator(document: dict[str, Any], name: str) -> jsonschema.Draft202012Validator:
    """A validator of ``#/components/schemas/NAME`` as it sits in ``document``."""
    return validator_at(document, "components", "schemas", name)


@pytest.fixture(scope="module")
def validators(spec: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """For each name: (the embedded schema's validator, the published file's validator)."""
    return {
        name: (embedded_validator(spec, name), jsonschema.Draft202012Validator(schema(file))) for name, file in PUBLISHED.items()
    }


def answer(validator: Any, instance: Any) -> bool | str:
    """valid (True), invalid (False), or the error jsonschema met (a ``Decimal`` NaN under
    ``multipleOf``, nesting deeper than Python's recursion): the same error is the same
    answer. Huge integers are shown as ones it can write into its messages (the same answer
    either way)."""
    try:
        return bool(validator.is_valid(schema_view(instance)))
    except Exception as error:
        return type(error).__name__


def assert_same(validators: tuple[Any, Any], instance: Any) -> bool | str:
    embedded, published = validators
    ours, theirs = answer(embedded, instance), answer(published, instance)
    assert ours == theirs, f"the OpenAPI document says {ours}, the published schema {theirs}, of {instance!r:.500}"
    return ours


# -- the document itself -----------------------------------------------------------------------


def _walk(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*path, index))


def _schema_objects(spec: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every Schema Object of the document: components, parameters, bodies, responses, headers."""
    for name, value in spec["components"]["schemas"].items():
        yield f"components/schemas/{name}", value
    for path, node in _walk(spec["paths"]):
        if isinstance(node, dict) and isinstance(node.get("schema"), dict):
            yield "/".join(map(str, (*path, "schema"))), node["schema"]


def test_the_document_validates_against_the_openapi_3_1_schema(spec):
    # openapi-spec-validator is not installed; schemathesis ships the OpenAPI Initiative's
    # own JSON Schema of 3.1 documents (https://spec.openapis.org/oas/3.1/schema/2022-10-07).
    from schemathesis.specs.openapi.definitions import OPENAPI_31

    assert OPENAPI_31["$id"].startswith("https://spec.openapis.org/oas/3.1/schema/")
    validator = jsonschema.Draft202012Validator(OPENAPI_31, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(spec)]
    assert errors == []
    # That schema leaves Schema Objects to the dialect: each must be a valid 2020-12 schema.
    for where, value in _schema_objects(spec):
        try:
            jsonschema.Draft202012Validator.check_schema(value)
        except jsonschema.SchemaError as error:
            raise AssertionError(f"{where}: {error.message}") from None


def test_the_document_is_well_formed(spec):
    assert re.fullmatch(r"3\.1\.\d+", spec["openapi"])
    assert spec["info"]["title"] == "amif-rules" and spec["info"]["version"] == amif_rules.__version__
    resolver = _registry(spec).resolver(OPENAPI_URI)
    refs = [(path, node["$ref"]) for path, node in _walk(spec) if isinstance(node, dict) and isinstance(node.get("$ref"), str)]
    assert refs, "the document refers to its components"
    for path, ref in refs:
        assert ref.startswith("#/components/"), (path, ref)  # nothing left pointing at a published file's own #/$defs
        resolver.lookup(ref)  # raises when the target is not there
    ids = [op["operationId"] for item in spec["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    for path, item in spec["paths"].items():
        templated = set(re.findall(r"{([^}]+)}", path))
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert templated == declared, (method, path)
            assert all(p["required"] for p in operation.get("parameters", []) if p["in"] == "path")
            assert any(status.startswith("2") for status in operation["responses"]), (method, path)
            assert operation["summary"], (method, path)
            for status, response in operation["responses"].items():
                # Every error is the body of §6; /readyz's 503 is a probe's answer, not an error.
                if not status.startswith("2") and (method, path, status) != ("get", "/readyz", "503"):
                    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, (
                        method,
                        path,
                        status,
                    )


def _unrewritten(node: Any, name: str) -> Any:
    if isinstance(node, dict):
        return {
            key: (
                value.replace(f"#/components/schemas/{name}/", "#/", 1)
                if key == "$ref" and isinstance(value, str)
                else _unrewritten(value, name)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_unrewritten(item, name) for item in node]
    return node


def test_the_embedded_schemas_are_the_published_ones_moved(spec):
    for name, file in PUBLISHED.items():
        published = schema(file)
        assert published.pop("$schema") == "https://json-schema.org/draft/2020-12/schema"  # the document's own dialect
        published.pop("$id")
        assert _unrewritten(spec["components"]["schemas"][name], name) == published, name


# -- every route, and only those ----------------------------------------------------------------


def test_every_route_is_documented_and_nothing_else(spec):
    routes = create_app().routes
    assert all(isinstance(route, Route) for route in routes)
    served = {
        (method, route.path) for route in routes if route.include_in_schema for method in (route.methods or set()) - {"HEAD"}
    }
    documented = {(method.upper(), path) for path, item in spec["paths"].items() for method in item}
    assert served == documented
    # Served but not operations: the docs page's and the workbench page's own scripts and style sheets.
    assert {route.path for route in routes if not route.include_in_schema} == {
        "/docs/docs.js",
        "/docs/docs.css",
        "/workbench.js",
        "/workbench.css",
        "/words.js",
    }


def test_every_documented_operation_answers_as_documented(server, spec):
    """Each operation, sent its documented example (path parameters: a real ruleset), answers
    200 with a body of its documented schema: no documented path is missing from the server."""
    example = json.loads((examples_dir() / "call-42-eligible-antwerpen.json").read_text(encoding="utf-8"))
    check = spec["paths"]["/v1/check"]["post"]["requestBody"]["content"]["application/json"]
    assert check["example"] == example  # what the docs page fills "try it" with
    for path, item in spec["paths"].items():
        if path.startswith("/v1/workbench/"):
            continue  # a flow of their own (a draft made, then used): tests/service/test_workbench_api.py
        for method, operation in item.items():
            target = path.replace("{id}", "call-42")
            body, headers = None, {}
            if "requestBody" in operation:
                media_type, media = next(iter(operation["requestBody"]["content"].items()))
                value = media["example"]
                body = (value if isinstance(value, str) else json.dumps(value)).encode("utf-8")
                headers["Content-Type"] = media_type
            reply = server.request(method.upper(), target, body, headers)
            assert reply.status == 200, (method, path, reply.status, reply.body[:300])
            documented = operation["responses"]["200"]
            (media_type,) = documented["content"]
            assert reply.headers["content-type"].split(";")[0] == media_type, (method, path)
            for header in documented.get("headers", {}):
                assert header.lower() in reply.headers, (method, path, header)
            if media_type == "application/json":
                validator_at(spec, "paths", path, method, "responses", "200", "content", media_type, "schema").validate(
                    reply.json()
                )
            elif media_type == "application/x-ndjson":  # a text whose lines are verdicts
                lines = reply.body.decode("utf-8").splitlines()
                assert len(lines) == 2
                for line in lines:
                    embedded_validator(spec, "Verdict").validate(json.loads(line))


# -- same answers ----------------------------------------------------------------------------------


def _examples() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for file in sorted(examples_dir().iterdir()):
        if file.suffix == ".json":
            found.append((file.name, json.loads(file.read_text(encoding="utf-8"))))
        elif file.suffix == ".yaml":
            found.append((file.name, parse_yaml(file.read_bytes())))
    for file in sorted((examples_dir() / "portfolios").glob("*.jsonl")):
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            found.append((f"{file.name}:{number}", json.loads(line)))
    for file in sorted((examples_dir() / "portfolios").glob("*.yaml")):
        found.append((file.name, parse_yaml(file.read_bytes())))
    return found


def test_every_example_and_its_verdict_get_the_same_answer(server, validators):
    examples = _examples()
    assert len(examples) > 50
    for name, document in examples:
        assert assert_same(validators["Application"], document) is True, name
    for name, document in examples[:80]:  # the single files, and the portfolio's first lines
        reply = server.post("/v1/check", json.dumps(document).encode("utf-8"))
        assert reply.status == 200, (name, reply.body[:300])
        assert assert_same(validators["Verdict"], reply.json()) is True, name
        assert assert_same(validators["VerdictV2"], reply.json()) is True, name
        reply = server.post("/v1/check?include=questions,remedies", json.dumps(document).encode("utf-8"))
        assert reply.status == 200, (name, reply.body[:300])
        assert assert_same(validators["VerdictV2"], reply.json()) is True, name


def test_a_changed_schema_is_noticed(spec, server):
    """The comparison has teeth: the document with one bound changed disagrees on examples."""
    changed = copy.deepcopy(spec)
    changed["components"]["schemas"]["Application"]["properties"]["call"]["maxLength"] = 1
    changed["components"]["schemas"]["Verdict"]["properties"]["outcome"]["enum"].remove("eligible")
    application = (embedded_validator(changed, "Application"), jsonschema.Draft202012Validator(schema(PUBLISHED["Application"])))
    verdict = (embedded_validator(changed, "Verdict"), jsonschema.Draft202012Validator(schema(PUBLISHED["Verdict"])))
    document = json.loads((examples_dir() / "call-42-eligible-antwerpen.json").read_text(encoding="utf-8"))
    with pytest.raises(AssertionError, match="the OpenAPI document says False"):
        assert_same(application, document)
    with pytest.raises(AssertionError, match="the OpenAPI document says False"):
        assert_same(verdict, server.post("/v1/check", json.dumps(document).encode()).json())


#: Values a mutation puts somewhere: near misses of the schemas' enums, patterns and bounds,
#: and arbitrary JSON.
_NEAR = st.sampled_from(
    ["", "x", "eligible", "maybe", "pass", "fail", "error", "python", "durable", "lead-is-ocmw", "Lead_Is", "budget.amif"]
    + ["partners[0]", "partners[x]", "2019-08-30T14:00:00+02:00", "2019-08-30", "11002", "1100", "SY", "sy", "ocmw", "OCMW"]
    + ["300000.00", "300000.001", "-1.00", "1e3", 0, -1, 1.5, 150001, 2**80, True, False, None, [], {}, "x" * 1001]
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)


def _places(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _places(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _places(child, (*path, index))


@st.composite
def mutated(draw: Any, base: Any) -> Any:
    """``base`` with 1 to 3 changes at random places: a value replaced, a key dropped or
    added, a list item repeated (``uniqueItems``)."""
    document = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_places(document))))
        if not path:
            continue
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        action = draw(st.sampled_from(["replace", "replace", "drop", "add", "repeat"]))
        if action == "replace":
            parent[last] = draw(_NEAR | _JSON)
        elif action == "drop" and isinstance(parent, dict):
            del parent[last]
        elif action == "drop":
            parent.pop(last)
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "id", "outcome", "item", "Fields", "nis_code"]))] = draw(_NEAR)
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
    return document


def _as_value(document: Any) -> Any:
    """A malformed case that only exists as text is judged as what its text reads as."""
    if isinstance(document, bytes):
        document = document.decode("utf-8", "replace")
    if isinstance(document, str):
        for read in (json.loads, yaml.safe_load):
            try:
                return read(document)
            except (ValueError, yaml.YAMLError, RecursionError):
                continue
    return document


def _verdict(document: Any) -> Any:
    return amif_rules.check(document).to_dict()


def _run(what: str, test: Callable[[], None], seen: collections.Counter[Any]) -> None:
    test()
    print(f"\n{what}: {dict(seen)} (True: both accept, False: both refuse)")
    assert seen[True] and seen[False], f"both answers must occur: {dict(seen)}"


def test_generated_applications_get_the_same_answer(validators):
    seen: collections.Counter[Any] = collections.Counter()
    calls = st.sampled_from(CALLS)

    @settings(max_examples=150, deadline=None, database=None, phases=NO_SHRINKING)
    @given(
        st.one_of(
            calls.flatmap(testing.applications),
            calls.flatmap(lambda call: testing.applications(call, eligible=True)),
            calls.flatmap(testing.applications).flatmap(mutated),
            calls.flatmap(testing.applications).flatmap(mutated),  # twice: most changes keep a document valid
        )
    )
    def same(document: Any) -> None:
        seen[assert_same(validators["Application"], document)] += 1

    _run("applications", same, seen)


def test_malformed_and_junk_documents_get_the_same_answer(validators):
    seen: collections.Counter[Any] = collections.Counter()

    @settings(max_examples=150, deadline=None, database=None, phases=NO_SHRINKING)
    @given(st.one_of(testing.malformed_cases("42"), testing.junk_documents("42"), testing.junk_documents("385")))
    def same(drawn: Any) -> None:
        if isinstance(drawn, testing.MalformedCase):
            result = assert_same(validators["Application"], _as_value(drawn.document))
            if isinstance(drawn.document, dict) and json_values(drawn.document):
                # the kit's own reading of the published schema agrees with the document's
                assert result is (not drawn.schema_refuses), drawn.description
        else:
            result = assert_same(validators["Application"], drawn)
        seen[result] += 1

    _run("malformed and junk documents", same, seen)


def test_generated_verdicts_get_the_same_answer(validators):
    seen: collections.Counter[Any] = collections.Counter()
    verdicts = st.sampled_from(CALLS).flatmap(testing.applications).map(_verdict)

    @settings(max_examples=120, deadline=None, database=None, phases=NO_SHRINKING)
    @given(st.one_of(verdicts, verdicts.flatmap(mutated)))
    def same(verdict: Any) -> None:
        seen[assert_same(validators["Verdict"], verdict)] += 1

    _run("verdicts", same, seen)
