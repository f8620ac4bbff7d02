"""The quick way (the generated reader, ``readgen``) and the long way (reader, model, flatten) to the same facts.

``check`` reads plain documents the quick way and hands everything else to the full
reader. The quick way must never accept a document the full reader refuses, and must give
the same flat facts for every document it accepts.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from amif_rules import readgen, schema, testing
from amif_rules.documents import parse_text, read_application
from amif_rules.errors import InputError
from amif_rules.facts import flatten
from amif_rules.readgen import quick_flat
from conftest import EXAMPLES

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import dataset  # noqa: E402


def long_way(document):
    """The flat facts of the full reader, or the InputError it raises."""
    try:
        return flatten(read_application(document))
    except InputError as error:
        return error


def assert_same_or_long_way(document):
    quick = quick_flat(document)
    if quick is None:
        return False
    slow = long_way(copy.deepcopy(document))
    assert not isinstance(slow, InputError), f"the quick way accepted a document the full reader refuses: {slow}"
    assert quick == slow
    return True


EXAMPLE_DOCUMENTS = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".json", ".yaml"))


@pytest.mark.parametrize("path", EXAMPLE_DOCUMENTS, ids=lambda p: p.name)
def test_every_bundled_example_reads_the_same_both_ways(path):
    document = parse_text(path.read_text(encoding="utf-8"))
    if isinstance(long_way(document), InputError):
        assert quick_flat(document) is None
    else:
        assert assert_same_or_long_way(document), "a plain, valid example should be read the quick way"


def test_the_benchmark_documents_all_take_the_quick_way():
    documents = [document for _, document in dataset.generate(300, seed=3)]
    assert all(assert_same_or_long_way(document) for document in documents)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=st.one_of(testing.applications("42"), testing.applications("420"), testing.applications("buurtstewards")))
def test_generated_applications_take_the_quick_way_to_the_same_facts(document):
    assert assert_same_or_long_way(document), "a portal's plain document should be read the quick way"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=testing.malformed_documents("42"))
def test_malformed_documents_are_left_to_the_full_reader(document):
    assert quick_flat(document) is None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=testing.junk_documents("42"))
def test_junk_documents_are_never_read_differently(document):
    assert_same_or_long_way(document)


#: Values put in place of one field (or added under a new key) by the mutation test:
#: every type the full reader meets, and values just inside and outside its bounds.
TRICKY = st.sampled_from(
    [
        None,
        "",
        " ",
        "42",
        " 12.50",
        "12.5",
        "12.345",
        "-1",
        "1e3",
        "0",
        "0.00",
        "99999999999.99",
        "100000000000",
        "2019-09-02",
        "2019-09-02T23:59:00",
        "2019-09-02T23:59:00+02:00",
        "2019-10-27T02:30:00",
        "2019-03-31T02:30:00",
        "1899-12-31T12:00:00+00:00",
        "2019-02-30",
        "1990-05-17",
        "SY",
        "sy",
        "GB",
        "stateless",
        "ocmw",
        "OCMW",
        "coaching",
        "legal",
        "irregular",
        "female",
        "nl",
        "NL",
        "xx",
        "11002",
        "1100",
        "x" * 1000,
        "x" * 1001,
        "é",
        "\ud800",
        0,
        1,
        -1,
        12,
        150000,
        10**8,
        10**8 + 1,
        1200,
        1201,
        10**20,
        True,
        False,
        1.5,
        2.0,
        float("nan"),
        Decimal("12.50"),
        Decimal("12.345"),
        Decimal("NaN"),
        Decimal("3"),
        dt.date(2019, 1, 1),
        dt.datetime(2019, 9, 2, 23, 59, tzinfo=dt.UTC),
        dt.datetime(2019, 9, 2, 23, 59),
        [],
        ["SY"],
        ["SY", "SY"],
        ["stateless", "SY"],
        ["SY", None],
        ["amif_target_group"],
        ["amif_target_group", "amif_target_group"],
        ["pay_slips", "cost_template"],
        ["pay_slips"] * 11,
        [1],
        ("SY",),
        {},
        {"a": 1},
        {"a": {"b": 1}},
        {1: "x"},
        [{}],
        [None],
    ]
)


def _leaves(value, path=()):
    """Every (path, value) in a document, containers included."""
    yield path, value
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, path + (key,))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _leaves(inner, path + (index,))


def _replace(document, path, new):
    if not path:
        return new
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = new
    return document


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=testing.applications("42"), data=st.data())
def test_mutated_documents_are_read_the_same_or_left_to_the_full_reader(base, data):
    document = copy.deepcopy(base)
    for _ in range(data.draw(st.integers(1, 3))):
        places = list(_leaves(document))
        path, value = data.draw(st.sampled_from(places))
        if isinstance(value, dict) and data.draw(st.booleans()):
            key = data.draw(
                st.sampled_from(
                    ["extra", "name", "kind", "population", "nis_code", "role", "pod_mi"]
                    + ["experience", "legal_personality", "documents", "commitment_signed"]
                )
            )
            value[key] = copy.deepcopy(data.draw(TRICKY))  # a fresh copy: never a value inside itself
        else:
            document = _replace(document, path, copy.deepcopy(data.draw(TRICKY)))
    assume(isinstance(document, dict))
    assert_same_or_long_way(document)


def test_text_documents_take_the_quick_way_after_parsing():
    """JSON text (batch mode, the CLI) is parsed, then read the quick way like a mapping."""
    document = dataset.generate(1, seed=5)[0][1]
    parsed = parse_text(json.dumps(document))
    assert quick_flat(parsed) == flatten(read_application(document))


def test_a_document_with_more_values_than_allowed_is_left_to_the_full_reader():
    """Each participant may carry unknown plain fields; together they can pass the bound on
    values in one document, which the full reader enforces."""
    document = dataset.generate(1, seed=5)[0][1]
    document["participants"] = [
        dict({f"note{k}": k for k in range(62)}, nationalities=["SY"], residence="legal") for _ in range(8_000)
    ]
    assert isinstance(long_way(document), InputError)
    assert quick_flat(document) is None


def _paths(fields, prefix=""):
    for field in fields:
        if field.kind == "object":
            yield from _paths(field.fields, f"{prefix}{field.name}.")
        else:
            yield prefix + field.name, field


@pytest.mark.parametrize(
    "fields, schema_fields",
    [
        (
            readgen.FIELDS,
            {p: t for p, t in schema.ROOT_FIELDS.items() if p not in ("call", "submitted_at", "partners", "participants")},
        ),
        (readgen.PARTNER, schema.SCOPE_FIELDS["partners"]),
        (readgen.PARTICIPANT_COMMON + readgen.PARTICIPANT_REST, schema.SCOPE_FIELDS["participants"]),
    ],
    ids=["root", "partners", "participants"],
)
def test_the_readers_table_holds_every_field_the_schema_names_with_its_choices(fields, schema_fields):
    # A field the table lacks would be read as an unknown one (ignored when it holds a
    # scalar): the quick way would then give other facts than the full reader.
    table = dict(_paths(fields))
    assert set(table) == set(schema_fields)
    for path, field in table.items():
        if schema_fields[path].choices:
            assert field.choices == frozenset(schema_fields[path].choices), path
