"""Bad input, hunted: malformed documents and ruleset files, hostile rulesets, and limits.

- every malformed document (``amif_rules.testing.malformed_cases``) raises ``InputError``
  naming the broken paths, through the Python API and through the command line (exit 2,
  the paths on standard error, never a traceback);
- junk documents (arbitrary values anywhere) give a verdict or ``InputError``, nothing else,
  on both engines;
- malformed ruleset files give a ruleset or ``RulesetError``, nothing else; a ruleset that
  loads evaluates without crashing;
- no ruleset can execute code or read files: YAML tags, ``__import__``, ``open(...)``,
  attribute tricks and dunder names in expressions and message templates are refused or
  stay inert, watched by an audit hook (``sys.addaudithook``);
- every limit of ``amif_rules.limits`` holds at the limit and refuses one beyond it, with a
  clear error.

``AMIF_FUZZ_SCALE=N`` multiplies the number of generated examples (CI: 1); see
docs/reliability.md for a long run's figures.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import amif_rules
from amif_rules import catalog, cli, limits, testing
from amif_rules.engines import generated
from amif_rules.testing.malformed import malformed_rulesets

ROOT = Path(__file__).resolve().parents[2]
ENGINES = testing.available_engines()
SCALE = int(os.environ.get("AMIF_FUZZ_SCALE", "1"))
CALLS = set(catalog.calls())
ELIGIBLE = json.loads((ROOT / "examples" / "call-42-eligible-antwerpen.json").read_text(encoding="utf-8"))


def fuzz(examples: int) -> settings:
    """Fuzzing settings: no shrinking (every case describes its fault), many examples."""
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        phases=(Phase.explicit, Phase.reuse, Phase.generate),
        report_multiple_bugs=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )


def as_text(document) -> str | bytes:
    """A malformed case as the bytes/text a portal would receive (JSON for mappings)."""
    if isinstance(document, (str, bytes)):
        return document
    try:
        return testing.json_text(document)  # integers of any length: json.dumps stops at 4,300 digits
    except ValueError:  # NaN and infinities, as Python writes them
        return json.dumps(document, default=lambda v: format(v, "f") if isinstance(v, Decimal) else str(v))


# -- documents ------------------------------------------------------------------------------------------


@fuzz(250)
@given(case=testing.malformed_cases("42"))
def test_malformed_documents_raise_input_error_naming_the_paths(case):
    with pytest.raises(amif_rules.InputError) as raised:
        amif_rules.check(case.document, engine="python")
    assert case.named_by(raised.value.paths), f"{case.description}: named {raised.value.paths}, expected {case.paths}"
    assert all(problem.message for problem in raised.value.problems)


@pytest.mark.parametrize("engine", ENGINES)
@fuzz(100)
@given(document=testing.junk_documents("42"))
def test_junk_documents_give_a_verdict_or_an_input_error(engine, document):
    """The only outcomes: a verdict, an InputError, or UnknownCall when the document names
    a call that has no ruleset (then with the call given explicitly, one of the first two)."""
    for call in (None, "42"):
        try:
            verdict = amif_rules.check(document, call=call, engine=engine)
        except amif_rules.InputError as error:
            assert error.problems
        except amif_rules.UnknownCall:
            assert call is None and isinstance(document, dict) and document.get("call") not in CALLS
        else:
            assert verdict.outcome in testing.OUTCOME_RANK
            testing.assert_valid_verdict(verdict)


def run_cli(data: str | bytes, *args: str) -> tuple[int, str, str]:
    """``amif-rules check - ARGS`` in this process, with ``data`` on standard input."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    stdin, out, err = sys.stdin, io.StringIO(), io.StringIO()
    sys.stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = cli.main(["check", "-", *args])
    finally:
        sys.stdin = stdin
    return code, out.getvalue(), err.getvalue()


@fuzz(120)
@given(case=testing.malformed_cases("42"), engine=st.sampled_from(ENGINES))
def test_the_command_line_exits_2_naming_the_paths(case, engine):
    code, out, err = run_cli(as_text(case.document), "--engine", engine)
    assert code == 2, err
    assert out == "" and "Traceback" not in err and err.startswith("amif-rules: ")
    for path in case.paths:
        assert path in err, f"{case.description}: {path} not named in {err[:500]}"


def test_the_command_line_never_shows_a_traceback_in_a_real_process():
    """A sample of every whole-document fault, through ``python -m amif_rules`` itself."""
    samples = [
        b'{"call": "42", "applicant": {"kind": "ocmw"}, "applicant": {}}',
        b'{"call": "42", "budget": {"amif": NaN}}',
        b'{"call": "42", "applicant": {"name": "\\ud800"}}',
        b'{"call": "42", "extra": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"call": "42", "applicant": {"name": "\xff\xfe"}}',
        b"call: '42'\napplicant: !!python/object/apply:os.system ['echo pwned']\n",
        json.dumps({**ELIGIBLE, "partners": [{}] * (limits.MAX_PARTNERS + 1)}).encode(),
        json.dumps({**ELIGIBLE, "applicant": {"kind": "OCMW", "municipality": {"population": -1}}}).encode(),
    ]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "amif_rules", "check", "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for _ in samples
    ]
    for process, sample in zip(processes, samples):
        out, err = process.communicate(sample, timeout=120)
        text = err.decode("utf-8", "replace")
        assert process.returncode == 2, text
        assert b"Traceback" not in err and out == b"" and text.startswith("amif-rules: ")
    assert "pwned" not in text


@pytest.mark.parametrize("code", ["11002\n", "1100", "110022", "11 002", "ABCDE", "\n11002", "１１００２"])
def test_a_nis_code_is_five_digits_and_nothing_else(code):
    """Found by the fuzzer: the reader accepted "11002\n" (a regex ``$`` matches before a
    final newline), a code the register cannot find."""
    document = {**ELIGIBLE, "applicant": {**ELIGIBLE["applicant"], "municipality": {"nis_code": code}}}
    with pytest.raises(amif_rules.InputError) as raised:
        amif_rules.check(document, engine="python")
    assert raised.value.paths == ("applicant.municipality.nis_code",)


# -- ruleset files ------------------------------------------------------------------------------------


@fuzz(200)
@given(text=malformed_rulesets(), engine=st.sampled_from(ENGINES))
def test_malformed_ruleset_files_give_a_ruleset_or_a_ruleset_error(text, engine):
    try:
        ruleset = amif_rules.parse_ruleset(text)
    except amif_rules.RulesetError as error:
        assert error.problems and all(str(problem) for problem in error.problems)
        return
    try:
        verdict = amif_rules.check(ELIGIBLE, ruleset=ruleset, engine=engine)
    except amif_rules.RulesetError as error:  # loads, but cannot be compiled (a comparison beyond int64, say)
        assert error.problems
    else:
        testing.assert_valid_verdict(verdict, ruleset)


@fuzz(60)
@given(text=malformed_rulesets())
def test_the_command_line_with_a_malformed_ruleset_file_exits_2_or_gives_a_verdict(text):
    """``amif-rules check DOC --ruleset FILE``: a broken file is a usage error (exit 2, the
    problems on standard error), never an internal error (70) or a traceback."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "draft.yaml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        code, out, err = run_cli(json.dumps(ELIGIBLE), "--ruleset", str(path), "--engine", "python")
    assert "Traceback" not in err and "internal error" not in err, err
    assert code in (0, 1, 2, 3)
    assert (code == 2) == (out == ""), (code, err)


def _keyed_lines(text: str) -> list[tuple[int, str, str]]:
    """(line index, indentation and key, key) of every ``key: value`` line but texts."""
    found = []
    for index, line in enumerate(text.split("\n")):
        match = re.match(r"^(\s*(?:- )?)([a-z_]+):\s+\S", line)
        if match and match.group(2) not in ("nl", "fr", "en", "source"):
            found.append((index, match.group(1) + match.group(2), match.group(2)))
    return found


_CALL_42_TEXT = (ROOT / "rulesets" / "call-42.yaml").read_text(encoding="utf-8")
_RESHAPES = ("[x]", "{a: b}", "'" + "9" * 31 + "'")


@pytest.mark.parametrize("key", sorted({key for _, _, key in _keyed_lines(_CALL_42_TEXT)}))
def test_every_key_of_a_ruleset_given_another_shape_is_a_ruleset_error(key):
    """Found by the fuzzer: a list where a ruleset expects text (``for_each: [participants]``,
    ``type: [integer]``, ``id: [x]``) or an amount with 31 digits escaped as TypeError or
    decimal.InvalidOperation. Every key of call-42.yaml, given a list, a mapping and a huge
    number, loads or is a RulesetError."""
    lines = _CALL_42_TEXT.split("\n")
    escaped = []
    for index, head, name in _keyed_lines(_CALL_42_TEXT):
        if name != key:
            continue
        for value in _RESHAPES:
            text = "\n".join(lines[:index] + [f"{head}: {value}"] + lines[index + 1 :])
            try:
                amif_rules.parse_ruleset(text, str(ROOT / "rulesets" / "call-42.yaml"))
            except amif_rules.RulesetError:
                pass
            except Exception as error:  # noqa: BLE001 - what this test hunts
                escaped.append(f"line {index + 1}: {head.strip()}: {value} -> {type(error).__name__}: {error}")
    assert not escaped, "\n".join(escaped)


def test_a_lone_surrogate_in_ruleset_text_is_a_ruleset_error():
    """Found by the fuzzer: YAML text is Unicode; a lone surrogate cannot be part of it."""
    with pytest.raises(amif_rules.RulesetError):
        amif_rules.parse_ruleset("id: call-x\ntitle: \ud800\n")


# -- no code, no files ------------------------------------------------------------------------------

_WATCHING = threading.local()
_EVENTS: list[tuple[str, tuple]] = []
_FORBIDDEN = (
    "os.system",
    "subprocess.Popen",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "os.fork",
    "exec",
    "socket.",
    "ctypes.",
    "os.remove",
    "os.rename",
    "os.unlink",
    "shutil.",
    "os.chmod",
    "os.mkdir",
    "pty.",
    "webbrowser",
)


def _generated(event: str, args: tuple) -> bool:
    """The one ``exec`` allowed: of the decision code the engine generates from a validated
    compiled ruleset (audited before it is compiled; tests/pipeline/test_generated.py fuzzes
    the generator itself)."""
    code = args[0] if event == "exec" and args else None
    return getattr(code, "co_filename", "").startswith(generated.GENERATED_PREFIX)


def _audit(event: str, args: tuple) -> None:
    if getattr(_WATCHING, "on", False) and (event == "open" or event.startswith(_FORBIDDEN)) and not _generated(event, args):
        _EVENTS.append((event, args))


sys.addaudithook(_audit)


class Watch:
    """Records, in this thread, every file opened and every forbidden audit event."""

    def __enter__(self):
        _EVENTS.clear()
        _WATCHING.on = True
        return self

    def __exit__(self, *exc):
        _WATCHING.on = False
        self.events = list(_EVENTS)
        return False

    def assert_inert(self, *secrets: Path) -> None:
        allowed = [
            catalog.rulesets_dir().resolve(),
            Path(amif_rules.__file__).resolve().parent,
            Path(sys.prefix).resolve(),
            Path(sys.base_prefix).resolve(),
        ]
        for event, args in self.events:
            if event != "open":
                raise AssertionError(f"forbidden audit event {event} {args!r}")
            path = args[0]
            if isinstance(path, int):
                continue
            resolved = Path(os.fsdecode(path)).resolve()
            assert not any(resolved == secret.resolve() for secret in secrets), f"{resolved} was opened"
            assert any(resolved.is_relative_to(root) for root in allowed), f"a ruleset made the library open {resolved}"


def _ruleset(check: str = "form.complete", messages: str | None = None, extra: str = "", parameters: str = "") -> str:
    messages = messages or "pass: {nl: p, fr: p, en: p}\n      fail: {nl: f, fr: f, en: f}"
    return (
        "id: hostile\nversion: '1'\ntitle: {nl: t, fr: t, en: t}\nsource: s.txt\n"
        f"{extra}"
        f"parameters:\n  dummy: {{value: 1, source: s}}\n{parameters}"
        "rules:\n  - id: r\n"
        f"    check: {json.dumps(check)}\n"
        "    source: s\n"
        f"    messages:\n      {messages}\n"
    )


def _hostile(sentinel: Path, secret: Path) -> list[tuple[str, str]]:
    touch = f"touch {sentinel}"
    return [
        (
            "yaml python tag on check",
            _ruleset().replace('check: "form.complete"', f"check: !!python/object/apply:os.system [{json.dumps(touch)}]"),
        ),
        (
            "yaml python tag on a parameter",
            _ruleset(parameters=f"  p: {{value: !!python/object/apply:os.system [{json.dumps(touch)}], source: s}}\n"),
        ),
        ("yaml python name", _ruleset().replace("version: '1'", "version: !!python/name:os.system")),
        ("yaml python module", _ruleset(extra="description: !!python/module:os\n")),
        ("__import__ call", _ruleset(f"__import__('os').system('{touch}') == 0")),
        ("open()", _ruleset(f"open('{secret}').read() == 'x'")),
        ("eval()", _ruleset("eval('1') == 1")),
        ("exec()", _ruleset("exec('import os') == 1")),
        ("getattr", _ruleset("getattr(applicant, 'kind') == 'ocmw'")),
        ("class hierarchy walk", _ruleset("().__class__.__bases__[0].__subclasses__() == 1")),
        ("dunder attribute on a field", _ruleset("applicant.__class__ == 'x'")),
        ("dunder dict", _ruleset("applicant.__dict__ == 'x'")),
        ("method call on a field", _ruleset("applicant.kind.upper() == 'OCMW'")),
        ("format string", _ruleset("f'{applicant.kind}' == 'ocmw'")),
        ("lambda", _ruleset("(lambda: 1)() == 1")),
        ("comprehension", _ruleset("[x for x in applicant] == 1")),
        ("walrus", _ruleset("(x := 1) == 1")),
        ("subscript", _ruleset("applicant['kind'] == 'ocmw'")),
        ("builtins name", _ruleset("__builtins__ == 1")),
        ("globals()", _ruleset("globals() == 1")),
        (
            "template __import__",
            _ruleset(
                messages=f"pass: {{nl: \"{{__import__('os').system('{touch}')}}\", fr: p, en: p}}\n      fail: {{nl: f, fr: f, en: f}}"
            ),
        ),
        (
            "template class walk",
            _ruleset(
                messages='pass: {nl: "{applicant.name.__class__.__mro__}", fr: p, en: p}\n      fail: {nl: f, fr: f, en: f}'
            ),
        ),
        (
            "template conversion",
            _ruleset(messages='pass: {nl: "{applicant.name!r}", fr: p, en: p}\n      fail: {nl: f, fr: f, en: f}'),
        ),
        (
            "template nested format",
            _ruleset(messages='pass: {nl: "{applicant.name:{applicant.kind}}", fr: p, en: p}\n      fail: {nl: f, fr: f, en: f}'),
        ),
        (
            "template open",
            _ruleset(
                messages=f"pass: {{nl: \"{{open('{secret}').read()}}\", fr: p, en: p}}\n      fail: {{nl: f, fr: f, en: f}}"
            ),
        ),
        (
            "template index",
            _ruleset(messages='pass: {nl: "{applicant.name[0]}", fr: p, en: p}\n      fail: {nl: f, fr: f, en: f}'),
        ),
        ("extends a path", _ruleset(extra="extends: ../../../../etc/passwd\n")),
        ("extends an absolute path", _ruleset(extra=f"extends: {secret}\n")),
        ("definition with code", _ruleset("evil", extra=f"definitions:\n  evil: \"__import__('os').system('{touch}') == 0\"\n")),
        ("register date tag", _ruleset(extra="register_date: !!python/object/apply:os.getcwd []\n")),
    ]


@pytest.fixture
def traps(tmp_path):
    sentinel = tmp_path / "pwned"
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN-7f3a9c", encoding="utf-8")
    # Warm up: every lazy import and cache a ruleset load and check would fill, filled now.
    amif_rules.check(ELIGIBLE, ruleset=amif_rules.parse_ruleset(_ruleset()), engine="python")
    return sentinel, secret


@pytest.mark.parametrize(
    "index", range(len(_hostile(Path("x"), Path("y")))), ids=[name for name, _ in _hostile(Path("x"), Path("y"))]
)
def test_a_ruleset_cannot_run_code_or_read_files(index, traps):
    sentinel, secret = traps
    name, text = _hostile(sentinel, secret)[index]
    with Watch() as watch:
        with pytest.raises(amif_rules.RulesetError) as raised:
            amif_rules.parse_ruleset(text, "hostile.yaml")
    watch.assert_inert(secret)
    assert not sentinel.exists(), f"{name}: a ruleset ran a command"
    assert "TOKEN-7f3a9c" not in str(raised.value), f"{name}: a ruleset read a file"
    assert raised.value.problems


def test_dunder_names_are_only_names(traps):
    """A parameter may be called ``__import__``: it is a name of the rule language, bound to
    its value, never Python's function."""
    sentinel, secret = traps
    text = _ruleset(
        "__import__ > 0 and __class__ == 'x'",
        parameters="  __import__: {value: 1, source: s}\n  __class__: {value: x, source: s}\n",
    )
    with Watch() as watch:
        ruleset = amif_rules.parse_ruleset(text)
        verdicts = [amif_rules.check(ELIGIBLE, ruleset=ruleset, engine=engine) for engine in ENGINES]
    watch.assert_inert(secret)
    assert not sentinel.exists()
    assert {v.outcome for v in verdicts} == {"eligible"}


def test_document_values_are_never_templates(traps):
    """A name that looks like a template or code is shown as it is, and nothing runs."""
    sentinel, secret = traps
    name = f"{{__import__('os').system('touch {sentinel}')}} {{applicant.__class__}} %s {{0}}"
    document = {**ELIGIBLE, "applicant": {**ELIGIBLE["applicant"], "name": name, "kind": "nonprofit"}}
    with Watch() as watch:
        verdicts = [amif_rules.check(document, engine=engine, lang="en") for engine in ENGINES]
    watch.assert_inert(secret)
    assert not sentinel.exists()
    for verdict in verdicts:
        assert verdict.rule("lead-is-ocmw").message.startswith(name + " is a non-profit association")


# -- limits -------------------------------------------------------------------------------------------


def _text_of_length(length: int) -> str:
    head = json.dumps({**ELIGIBLE, "padding": ""})
    return head[:-2] + "x" * (length - len(head)) + '"}'


def _nested(depth: int) -> dict:
    """A document whose nesting (the root counting 1) is exactly ``depth``."""
    chain: list = []
    for _ in range(depth - 2):
        chain = [chain]
    return {**ELIGIBLE, "extra": chain}


def _values(count: int) -> dict:
    """A document of exactly ``count`` values (objects, lists and scalars)."""
    return {"call": "42", "extra": [0] * (count - 3)}


def _participants(count: int) -> dict:
    people = [{"id": f"P-{i}", "nationalities": ["SY"], "residence": "legal"} for i in range(count)]
    return {**ELIGIBLE, "participants": people}


def _partners(count: int) -> dict:
    partner = ELIGIBLE["partners"][0]
    return {**ELIGIBLE, "partners": [partner] * count}


def _ruleset_of_rules(count: int) -> str:
    rules = "".join(
        f"  - id: r{i}\n    check: form.complete\n    source: s\n"
        f"    messages: {{pass: {{nl: p, fr: p, en: p}}, fail: {{nl: f, fr: f, en: f}}}}\n"
        for i in range(count)
    )
    return "id: many\nversion: '1'\ntitle: {nl: t, fr: t, en: t}\nsource: s.txt\nrules:\n" + rules


def _ruleset_of_bytes(size: int) -> str:
    text = _ruleset()
    return text + "#" + "x" * (size - len(text) - 2) + "\n"


def _expression_of_length(length: int) -> str:
    head = 'applicant.name != "'
    return head + "x" * (length - len(head) - 1) + '"'


def _expression_of_depth(depth: int) -> str:
    return "not " * (depth - 1) + "form.complete"


#: Each limit: (at the limit, one beyond, the path named or the text of the error).
DOCUMENT_LIMITS = {
    "MAX_DOCUMENT_BYTES": (lambda n: _text_of_length(n), "", "document too large"),
    "MAX_NESTING": (lambda n: _nested(n), "", "nested too deeply"),
    "MAX_DOCUMENT_VALUES": (lambda n: _values(n), "", "more than"),
    "MAX_STRING_LENGTH": (
        lambda n: {**ELIGIBLE, "applicant": {**ELIGIBLE["applicant"], "name": "x" * n}},
        "applicant.name",
        "longer than",
    ),
    "MAX_PARTNERS": (lambda n: _partners(n), "partners", "too many"),
    "MAX_PARTICIPANTS": (lambda n: _participants(n), "participants", "too many"),
    "MAX_NATIONALITIES": (
        lambda n: {
            **ELIGIBLE,
            "participants": [{"id": "P", "residence": "legal", "nationalities": sorted(testing.THIRD_COUNTRY_CODES)[:n]}],
        },
        "participants[0].nationalities",
        "too many",
    ),
    "MAX_LIST_ITEMS": (lambda n: {**ELIGIBLE, "results": ["r"] * n, "activities": ["buddy"] * n}, "results", "too many"),
    "MAX_MONEY_EUROS": (
        lambda n: {**ELIGIBLE, "budget": {**ELIGIBLE["budget"], "amif": f"{n - 1}.99" if n else ""}},
        "budget.amif",
        "implausibly large",
    ),
    "MAX_POPULATION": (
        lambda n: {**ELIGIBLE, "applicant": {**ELIGIBLE["applicant"], "municipality": {"population": n}}},
        "applicant.municipality.population",
        "implausibly large",
    ),
    "MAX_DURATION_MONTHS": (lambda n: {**ELIGIBLE, "duration_months": n}, "duration_months", "implausibly large"),
}


@pytest.mark.parametrize("name", sorted(DOCUMENT_LIMITS))
def test_document_limits_hold_at_the_limit_and_refuse_one_beyond(name):
    build, path, words = DOCUMENT_LIMITS[name]
    limit = getattr(limits, name)
    at, beyond = build(limit), build(limit + 1)
    if name == "MAX_MONEY_EUROS":  # amounts are below the limit: its last cent is the limit
        at, beyond = build(limit), {**ELIGIBLE, "budget": {**ELIGIBLE["budget"], "amif": f"{limit}.00"}}
    engines = ENGINES if name not in ("MAX_DOCUMENT_BYTES", "MAX_DOCUMENT_VALUES") else ("python",)
    verdicts = {engine: amif_rules.check(at, engine=engine, call="42") for engine in engines}
    assert len({json.dumps({**v.to_dict(), "engine": None}) for v in verdicts.values()}) == 1, "engines agree at the limit"
    with pytest.raises(amif_rules.InputError) as raised:
        amif_rules.check(beyond, engine="python", call="42")
    assert path in raised.value.paths, raised.value.paths
    assert words in str(raised.value)
    code, _, err = run_cli(as_text(beyond) if not isinstance(beyond, str) else beyond)
    assert code == 2 and words in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("moment", "ok"),
    [
        ("1900-01-01T00:00:00+00:00", True),
        ("1899-12-31T23:59:59+00:00", False),
        ("2200-12-31T23:59:59+01:00", True),
        ("2201-01-01T00:00:00+01:00", False),
    ],
)
def test_years_hold_at_the_limits_and_refuse_one_beyond(moment, ok):
    year = int(moment[:4])
    assert (limits.MIN_YEAR <= year <= limits.MAX_YEAR) is ok
    document = {
        **ELIGIBLE,
        "submitted_at": moment,
        "participants": [{"id": "P", "nationalities": ["SY"], "residence": "legal", "birth_date": moment[:10]}],
    }
    if ok:
        verdicts = {engine: amif_rules.check(document, engine=engine) for engine in ENGINES}
        assert len({json.dumps({**v.to_dict(), "engine": None}) for v in verdicts.values()}) == 1
    else:
        with pytest.raises(amif_rules.InputError) as raised:
            amif_rules.check(document, engine="python")
        assert set(raised.value.paths) == {"submitted_at", "participants[0].birth_date"}
        assert "out of range" in str(raised.value)


RULESET_LIMITS = {
    "MAX_RULES": (lambda n: _ruleset_of_rules(n), f"more than {limits.MAX_RULES} rules"),
    "MAX_RULESET_BYTES": (lambda n: _ruleset_of_bytes(n), "larger than"),
    "MAX_EXPRESSION_LENGTH": (lambda n: _ruleset(_expression_of_length(n)), "longer than"),
    "MAX_EXPRESSION_DEPTH": (lambda n: _ruleset(_expression_of_depth(n)), "deeper than"),
}


@pytest.mark.parametrize("name", sorted(RULESET_LIMITS))
def test_ruleset_limits_hold_at_the_limit_and_refuse_one_beyond(name):
    build, words = RULESET_LIMITS[name]
    limit = getattr(limits, name)
    ruleset = amif_rules.parse_ruleset(build(limit))
    verdicts = {engine: amif_rules.check(ELIGIBLE, ruleset=ruleset, engine=engine) for engine in ENGINES}
    assert len({json.dumps({**v.to_dict(), "engine": None}) for v in verdicts.values()}) == 1
    with pytest.raises(amif_rules.RulesetError) as raised:
        amif_rules.parse_ruleset(build(limit + 1))
    assert words in str(raised.value)


def test_every_limit_is_tested():
    names = {name for name in vars(limits) if name.isupper()}
    tested = set(DOCUMENT_LIMITS) | set(RULESET_LIMITS) | {"MIN_YEAR", "MAX_YEAR"}
    # The service's bounds on a request are tested against a real server, each by name.
    service_tests = "".join(
        (ROOT / "tests" / "service" / name).read_text(encoding="utf-8") for name in ("test_service.py", "test_service_include.py")
    )
    tested |= {name for name in names if name.startswith("SERVICE_") and name in service_tests}
    # The proofs of remedies are bounded in a test of their own (contract §5).
    advice_tests = (ROOT / "tests" / "contract" / "test_questions_and_remedies.py").read_text(encoding="utf-8")
    tested |= {name for name in names if name == "MAX_REMEDY_PROOFS" and f'"{name}"' in advice_tests}
    # The declared lists of distinct choices cannot hold that many valid values: their test
    # reads a list of exactly that many (repeats refused one by one) and one more (refused whole).
    declared_tests = (ROOT / "tests" / "contract" / "test_declared_fields.py").read_text(encoding="utf-8")
    tested |= {name for name in names if name == "MAX_DECLARED_ITEMS" and f"limits.{name}" in declared_tests}
    assert names == tested, f"limits without a test: {sorted(names - tested)}"
