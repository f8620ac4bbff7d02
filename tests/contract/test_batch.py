"""Batch mode: many documents in, one JSON verdict per line out, in order, on any number of
processes, with a progress line only on a terminal."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys

import amif_rules
from amif_rules import batch
from conftest import EXAMPLES

CALL_42 = sorted(EXAMPLES.glob("call-42-*"))


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "amif_rules", "check", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def test_a_folder_gives_one_line_per_document_in_name_order(tmp_path):
    for path in CALL_42:
        shutil.copy(path, tmp_path)
    result = run(str(tmp_path), "--engine", "python")
    assert result.returncode == 0, result.stderr
    rows = lines(result.stdout)
    assert [row["document"] for row in rows] == [str(tmp_path / p.name) for p in CALL_42]
    for path, row in zip(CALL_42, rows):
        expected = amif_rules.check(path.read_text(encoding="utf-8"), engine="python").to_dict()
        assert row["verdict"] == expected
    assert result.stderr == ""  # no progress line when standard error is not a terminal


def test_glob_and_several_paths(tmp_path):
    result = run(str(EXAMPLES / "call-42-*.json"), "--engine", "python")
    assert [row["document"] for row in lines(result.stdout)] == [str(p) for p in CALL_42 if p.suffix == ".json"]
    two = run(str(CALL_42[0]), str(CALL_42[1]), "--engine", "python")
    assert len(lines(two.stdout)) == 2


def test_jsonl_on_standard_input_with_bad_lines():
    documents = [json.dumps(json.loads(p.read_text())) for p in CALL_42 if p.suffix == ".json"]
    documents.insert(1, '{"call": "42", "budget": {"amif": "12,50"}}')
    documents.insert(2, "{not json")
    result = run("-", "--jsonl", "--lang", "en", "--engine", "python", stdin="\n".join(documents) + "\n\n")
    assert result.returncode == 2  # some documents had bad input; all were checked
    rows = lines(result.stdout)
    assert [row["document"] for row in rows] == [f"stdin:{n}" for n in range(1, len(documents) + 1)]
    assert rows[1]["error"]["problems"][0]["path"] == "budget.amif"
    assert "not valid JSON" in rows[2]["error"]["problems"][0]["message"]
    assert rows[0]["verdict"]["outcome"] == "eligible"


def test_several_processes_give_the_same_lines_in_the_same_order(tmp_path):
    source = tmp_path / "many.jsonl"
    base = [json.dumps(json.loads(p.read_text())) for p in CALL_42 if p.suffix == ".json"]
    source.write_text("\n".join(base * 300) + "\n", encoding="utf-8")  # 1,200 documents: three windows, two in flight
    one = run(str(source), "--jsonl", "--engine", "python", "--lang", "fr")
    two = run(str(source), "--jsonl", "--engine", "python", "--lang", "fr", "--jobs", "2")
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout and "é" in two.stdout  # the workers' bytes, copied as they are
    assert len(one.stdout.splitlines()) == 1200


def test_processes_write_what_one_process_writes_to_a_text_stream_and_leave_no_file(tmp_path, monkeypatch):
    """Into a stream without bytes underneath (io.StringIO), in French (accents), with bad
    documents among good ones: the same text, the same counts; the workers' files are gone."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    good = [(p.name, p.read_bytes()) for p in CALL_42 if p.suffix == ".json"]
    items = [item for _ in range(40) for item in [*good, ("stdin:bad", b'{"call": "42", "budget": {"amif": "1,5"}}')]]
    options = batch.Options(lang="fr", engine="python")
    one, two = io.StringIO(), io.StringIO()
    counted_one = batch.run(iter(items), options, one, jobs=1)
    counted_two = batch.run(iter(items), options, two, jobs=2)
    assert counted_one == counted_two == (len(items), 40)
    assert one.getvalue() == two.getvalue() and "é" in two.getvalue()
    assert list(tmp_path.iterdir()) == []


def test_nothing_to_check_is_a_usage_error(tmp_path):
    result = run(str(tmp_path / "*.json"))
    assert result.returncode == 2
    assert "no documents" in result.stderr


def test_progress_line_on_a_terminal():
    stream = io.StringIO()
    progress = batch.Progress(stream, enabled=True)
    for ok in (True, False, True):
        progress.step(ok)
    progress.close()
    assert "checked 3 documents" in stream.getvalue()
    assert "1 with bad input" in stream.getvalue()


def test_a_single_document_keeps_the_contract():
    """One path is the contract's check: the readable verdict and its exit status."""
    result = run(str(EXAMPLES / "call-42-ineligible-leuven.json"))
    assert result.returncode == 1
    assert not result.stdout.startswith("{")


def test_a_jsonl_file_that_cannot_be_read_is_its_own_error_line_and_the_rest_is_checked(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text((EXAMPLES / "call-42-eligible-antwerpen.json").read_text(encoding="utf-8").replace("\n", " ") + "\n")
    missing = tmp_path / "missing.jsonl"
    done = run("--jsonl", str(missing), str(good))
    assert done.returncode == 2, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert lines[0]["document"] == str(missing)
    assert "cannot read" in lines[0]["error"]["problems"][0]["message"]
    assert lines[1]["verdict"]["outcome"] == "eligible"
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
