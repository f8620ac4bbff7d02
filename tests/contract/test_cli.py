"""The amif-rules command, end to end, as a portal or a policy officer runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import amif_rules
from conftest import ENGINES, EXAMPLES


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "amif_rules", *args], input=stdin, capture_output=True, text=True, encoding="utf-8", timeout=120
    )


@pytest.mark.parametrize(
    ("name", "status", "word"),
    [
        ("call-42-eligible-antwerpen.json", 0, "ONTVANKELIJK"),
        ("call-42-ineligible-leuven.json", 1, "NIET ONTVANKELIJK"),
        ("call-42-incomplete-brussel.json", 3, "ONVOLLEDIG"),
    ],
)
def test_check_text_and_exit_status(name, status, word):
    result = run("check", str(EXAMPLES / name))
    assert result.returncode == status, result.stderr
    assert result.stdout.splitlines()[0].endswith(word)
    assert result.stderr == ""


@pytest.mark.parametrize("engine", ENGINES)
def test_check_json_is_exactly_the_verdict(engine):
    path = EXAMPLES / "call-42-ineligible-gent-late-over-budget.json"
    result = run("check", str(path), "--format", "json", "--engine", engine, "--lang", "fr")
    assert result.returncode == 1
    verdict = json.loads(result.stdout)
    assert verdict == amif_rules.check(path.read_text(encoding="utf-8"), lang="fr", engine=engine).to_dict()
    assert verdict["engine"] == engine
    assert list(verdict) == ["call", "ruleset", "outcome", "rules", "missing", "engine"]


def test_check_reads_standard_input():
    text = (EXAMPLES / "call-42-eligible-liege.yaml").read_text(encoding="utf-8")
    result = run("check", "-", "--lang", "en", stdin=text)
    assert result.returncode == 0, result.stderr
    assert "ELIGIBLE" in result.stdout.splitlines()[0]


def test_bad_input_names_every_path_and_shows_no_traceback():
    document = {
        "call": "42",
        "submitted_at": "next monday",
        "applicant": {"kind": "cpas", "municipality": {"population": -5}},
        "participants": [{"nationalities": ["sy"], "residence": "illegal"}],
        "budget": {"amif": "12,50"},
    }
    result = run("check", "-", stdin=json.dumps(document))
    assert result.returncode == 2
    assert result.stdout == ""
    for path in (
        "submitted_at",
        "applicant.kind",
        "applicant.municipality.population",
        "participants[0].nationalities[0]",
        "participants[0].residence",
        "budget.amif",
    ):
        assert path in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("stdin", ["{not json", "[1, 2", "- a\n- b\n", "", "\x00\x01", "null", '{"call": "42", "call": "43"}'])
def test_malformed_documents_exit_2_without_traceback(stdin):
    result = run("check", "-", stdin=stdin)
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("amif-rules:")


def test_unknown_call_is_a_usage_error():
    result = run("check", str(EXAMPLES / "call-42-eligible-antwerpen.json"), "--call", "999")
    assert result.returncode == 2
    assert "999" in result.stderr and "42" in result.stderr


def test_missing_call_is_named():
    result = run("check", "-", stdin='{"form": {"complete": true}}')
    assert result.returncode == 2
    assert "call" in result.stderr


def test_missing_file_is_a_usage_error(tmp_path):
    result = run("check", str(tmp_path / "nope.json"))
    assert result.returncode == 2
    assert "nope.json" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["check"],
        ["check", "x.json", "--lang", "de"],
        ["frobnicate"],
        ["check", "x.json", "--engine", "drools"],
        ["check", "x.json", "--on", "yesterday"],
    ],
)
def test_usage_errors_exit_2(args):
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_on_date_changes_the_reference_date():
    document = json.loads((EXAMPLES / "call-42-eligible-antwerpen.json").read_text(encoding="utf-8"))
    document["participants"] = [{"id": "UK-1", "nationalities": ["GB"], "residence": "legal"}]
    text = json.dumps(document)
    assert run("check", "-", stdin=text).returncode == 1
    assert run("check", "-", "--on", "2020-02-01", stdin=text).returncode == 0


def test_calls_lists_the_bundled_rulesets():
    result = run("calls", "--format", "json", "--lang", "en")
    assert result.returncode == 0
    rows = json.loads(result.stdout)
    call42 = next(row for row in rows if row["call"] == "42")
    assert call42["id"] == "call-42"
    assert call42["valid_until"] == "2019-09-02"
    assert call42["title"]["en"].startswith("AMIF call 42")
    assert call42["title"]["nl"].startswith("AMIF-oproep 42")
    assert call42["title"]["fr"].startswith("Appel AMIF 42")
    assert call42["status"] == "published"
    text = run("calls").stdout
    assert "call-42" in text and "2019-09-02" in text


def test_version():
    result = run("--version")
    assert result.returncode == 0 and amif_rules.__version__ in result.stdout
