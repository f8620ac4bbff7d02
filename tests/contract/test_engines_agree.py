"""Both engines give identical verdicts on generated call-42 applications.

The generator mixes valid, partial (fields dropped) and failing documents, with values
drawn around every boundary of the ruleset, so that a difference between the durable-rules
engine and the built-in interpreter is found where it is most likely.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import amif_rules
from conftest import DURABLE_EXPECTED, ENGINES

NIS_CODES = ["11002", "44021", "52011", "62063", "21004", "21015", "24062", "12025", "46021", "99999"]
KINDS = ["ocmw", "ocmw", "ocmw", "municipality", "nonprofit", "other"]
POPULATIONS = st.one_of(st.sampled_from([0, 1, 149_999, 150_000, 150_001, 525_935]), st.integers(0, 1_000_000))
NATIONALITIES = st.one_of(
    st.lists(st.sampled_from(["SY", "AF", "GB", "BE", "NO", "CH", "HR", "MA", "TR", "UA"]), min_size=1, max_size=3, unique=True),
    st.just(["stateless"]),
)
RESIDENCES = st.sampled_from(["legal", "international_protection", "resettled", "relocated", "applicant", "irregular"])
INSTANTS = st.sampled_from(
    [
        "2019-09-02T23:59:00+02:00",
        "2019-09-02T23:59:01+02:00",
        "2019-09-02T21:59:00Z",
        "2019-09-02T21:59:01Z",
        "2019-09-02T23:59:00",
        "2019-09-02T23:59:00.000001",
        "2019-08-30T14:00:00+02:00",
        "2020-02-01T00:00:00+01:00",
        "2020-01-31T23:59:59",
        "2013-07-01T00:00:00+02:00",
        "2019-09-03T00:00:00+02:00",
    ]
)


def maybe(strategy):
    """The value, or nothing (the field is left out)."""
    return st.one_of(st.just(...), strategy)


def _put(target: dict, key: str, value) -> None:
    if value is not ...:
        target[key] = value


@st.composite
def municipalities(draw):
    result: dict = {}
    _put(result, "nis_code", draw(maybe(st.sampled_from(NIS_CODES))))
    _put(result, "population", draw(maybe(POPULATIONS)))
    _put(result, "name", draw(maybe(st.sampled_from(["Antwerpen", "Liège", "Gent"]))))
    return result


@st.composite
def organisations(draw, partner: bool):
    result: dict = {}
    _put(result, "name", draw(maybe(st.text(min_size=1, max_size=20))))
    _put(result, "kind", draw(maybe(st.sampled_from(KINDS))))
    _put(result, "municipality", draw(maybe(municipalities())))
    if partner:
        _put(result, "role", draw(maybe(st.sampled_from(["coaching", "coaching", "co_applicant", "other"]))))
    return result


@st.composite
def participants(draw):
    result: dict = {}
    _put(result, "id", draw(maybe(st.from_regex(r"P-[0-9]{3}", fullmatch=True))))
    _put(result, "nationalities", draw(maybe(NATIONALITIES)))
    _put(result, "residence", draw(maybe(RESIDENCES)))
    return result


@st.composite
def budgets(draw):
    total_cents = draw(st.one_of(st.integers(0, 300_000_000), st.sampled_from([0, 1, 4, 10_007, 40_000_000, 176_009_271])))
    result: dict = {"total_eligible_cost": _cents(total_cents)}
    share = draw(st.sampled_from(["exact75", "over75", "random", "callmax", "callmax+1"]))
    if share == "exact75":
        amif = total_cents * 75 // 100
    elif share == "over75":
        amif = total_cents * 75 // 100 + 1
    elif share == "callmax":
        amif = 132_006_953
    elif share == "callmax+1":
        amif = 132_006_954
    else:
        amif = draw(st.integers(0, max(total_cents, 1)))
    result["amif"] = _cents(amif)
    pod = draw(
        st.one_of(st.just(total_cents * 15 // 100), st.just(total_cents * 15 // 100 + 1), st.integers(0, max(total_cents, 1)))
    )
    if draw(st.booleans()):
        result["cofinancing"] = {"pod_mi": _cents(pod)}
    for key in list(result):
        if draw(st.integers(0, 9)) == 0:
            del result[key]
    return result


def _cents(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


@st.composite
def applications(draw):
    document: dict = {"call": "42"}
    _put(document, "submitted_at", draw(maybe(INSTANTS)))
    _put(document, "form", draw(maybe(st.fixed_dictionaries({}, optional={"complete": st.booleans(), "signed": st.booleans()}))))
    _put(document, "applicant", draw(maybe(organisations(partner=False))))
    _put(document, "partners", draw(maybe(st.lists(organisations(partner=True), max_size=3))))
    _put(document, "participants", draw(maybe(st.lists(participants(), max_size=4))))
    _put(document, "budget", draw(maybe(budgets())))
    return document


def test_durable_is_available_where_it_is_supported():
    """On 3.11 and 3.12 durable-rules is a dependency: its absence is a broken install."""
    assert amif_rules.durable_available() is DURABLE_EXPECTED


@pytest.mark.skipif(len(ENGINES) < 2, reason="durable-rules does not exist on this Python (3.13+): one engine only")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=applications(), lang=st.sampled_from(["nl", "fr", "en"]))
def test_engines_give_identical_verdicts(document, lang):
    verdicts = []
    for engine in ENGINES:
        data = amif_rules.check(document, engine=engine, lang=lang).to_dict()
        assert data.pop("engine") == engine
        verdicts.append(json.dumps(data, ensure_ascii=False))
    assert verdicts[0] == verdicts[1]


@settings(max_examples=200, deadline=None)
@given(document=applications())
def test_generated_documents_give_a_verdict_and_repeat_it(document):
    """No generated document crashes; the same document gives the same verdict twice."""
    first = amif_rules.check(document, engine="python").to_dict()
    second = amif_rules.check(json.loads(json.dumps(document)), engine="python").to_dict()
    assert first == second
    assert first["outcome"] in ("eligible", "ineligible", "incomplete")
    if first["outcome"] != "incomplete":
        assert first["missing"] == []
