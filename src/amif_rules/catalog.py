"""The bundled rulesets: found by call code and date, loaded and compiled once per process.

In an installed package the rulesets live in ``amif_rules/rulesets/``; in a source
checkout, in the repository's ``rulesets/`` folder. A call may have several versions (each
with ``valid_from``/``valid_until``); :func:`for_call` picks the one in force on the
reference date. Parameters with dated values are resolved for that date; each resolution
is compiled once and cached.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import attrs

from .compiler import Plan, compile_ruleset
from .errors import UnknownCall, UnknownRuleset
from .languages import LANGUAGES
from .resources import rulesets_dir  # its home; read through here too (tests swap the folder here)
from .ruleset import Ruleset, load_ruleset, resolution_key


def ruleset_files() -> tuple[Path, ...]:
    """Every bundled ruleset file (``*.yaml``, excluding test files), sorted by name."""
    return tuple(sorted(p for p in rulesets_dir().glob("*.yaml") if not p.name.endswith(".tests.yaml")))


@attrs.frozen
class Prepared:
    """A ruleset with its compiled plan: what ``check`` needs, made once."""

    ruleset: Ruleset
    plan: Plan


_lock = threading.RLock()
_prepared: dict[tuple, Prepared] = {}


def prepare(path: str | Path, on: dt.date | None = None) -> Prepared:
    """Load and compile a ruleset file for date ``on``, once per resolution (thread-safe)."""
    base = _load(str(Path(path).resolve()))
    return prepare_ruleset(base, on)


@cache
def _load(path: str) -> Ruleset:
    """The ruleset as written, its dated parameters unresolved."""
    return load_ruleset(path)


def prepare_ruleset(ruleset: Ruleset, on: dt.date | None = None) -> Prepared:
    """Compile ``ruleset`` with its dated parameters resolved for ``on`` (cached)."""
    key = (ruleset.digest, ruleset.file, resolution_key(ruleset, on))
    prepared = _prepared.get(key)
    if prepared is None:
        with _lock:
            prepared = _prepared.get(key)
            if prepared is None:
                resolved = ruleset.resolved(on)
                prepared = Prepared(resolved, compile_ruleset(resolved))
                _prepared[key] = prepared
    return prepared


def bundled() -> Iterator[Ruleset]:
    """Every bundled ruleset as written (bases included), by file name."""
    for path in ruleset_files():
        yield _load(str(path.resolve()))


@attrs.frozen
class Header:
    """The top-level facts of a ruleset file that pick it for a call, read without loading it."""

    call: str | None
    status: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    abstract: bool

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_until is None or day <= self.valid_until)


_TOP = re.compile(r'^(call|status|valid_from|valid_until|abstract):[ \t]*(?:"([^"]*)"|\'([^\']*)\'|([^#\s]*))[ \t]*(?:#.*)?$')


@cache
def header(path: Path) -> Header:
    """Read ``call``, ``status``, validity and ``abstract`` from the file's top-level lines.

    Choosing among twenty rulesets must not cost loading twenty rulesets. A file whose
    header is written in another style (flow mappings, say) is loaded in full instead.
    """
    text = path.read_text(encoding="utf-8")
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = _TOP.match(line)
        if match:
            found[match[1]] = next(group for group in match.groups()[1:] if group is not None)
    if text.lstrip().startswith("{"):
        ruleset = _load(str(path.resolve()))
        return Header(ruleset.call, ruleset.status, ruleset.valid_from, ruleset.valid_until, ruleset.abstract)
    try:
        return Header(
            call=found.get("call") or None,
            status=found.get("status", "published"),
            valid_from=dt.date.fromisoformat(found["valid_from"]) if found.get("valid_from") else None,
            valid_until=dt.date.fromisoformat(found["valid_until"]) if found.get("valid_until") else None,
            abstract=found.get("abstract") == "true",
        )
    except ValueError:  # a malformed date: let the loader say where and why
        ruleset = _load(str(path.resolve()))
        return Header(ruleset.call, ruleset.status, ruleset.valid_from, ruleset.valid_until, ruleset.abstract)


@cache
def _calls() -> dict[str, tuple[Path, ...]]:
    """Call code -> its ruleset files, published before drafts, oldest version first."""
    index: dict[str, list[tuple[tuple, Path]]] = {}
    for path in ruleset_files():
        head = header(path)
        if head.call is not None and not head.abstract:
            order = (head.status != "published", head.valid_from or dt.date.min)
            index.setdefault(head.call, []).append((order, path))
    return {call: tuple(path for _, path in sorted(entries)) for call, entries in index.items()}


def calls() -> tuple[str, ...]:
    """The call codes of the bundled rulesets, in natural order."""
    return tuple(sorted(_calls(), key=lambda c: (len(c), c)))


def select(call: str, on: dt.date | None) -> Path:
    """The ruleset file of ``call`` in force on ``on``.

    Published versions come before drafts. With several versions: the one whose validity
    holds ``on``; before the first, the first; after the last, the last (a late application
    is judged by the call it was late for); without a date, the latest.
    """
    paths = _calls().get(str(call))
    if not paths:
        raise UnknownCall(f"no ruleset for call {call!r}; bundled calls: {', '.join(calls()) or 'none'}")
    candidates = [p for p in paths if header(p).status == "published"] or list(paths)
    if len(candidates) == 1:
        return candidates[0]
    versions = [(p, header(p)) for p in candidates]
    if on is None:
        return versions[-1][0]
    for path, ruleset in versions:
        if ruleset.valid_on(on):
            return path
    first = versions[0][1]
    if first.valid_from is not None and on < first.valid_from:
        return versions[0][0]
    return versions[-1][0]


def for_call(call: str, on: dt.date | None = None) -> Prepared:
    """The prepared ruleset of a call code such as ``"42"``, as in force on ``on``."""
    key = (call, on)
    prepared = _by_call.get(key)
    if prepared is None:
        prepared = prepare(select(call, on), on)
        if len(_by_call) < 10_000:  # dates are many; the cache stays small
            _by_call[key] = prepared
    return prepared


_by_call: dict[tuple, Prepared] = {}


def reset() -> None:
    """Forget what was read from the rulesets folder (for tests that swap the folder)."""
    with _lock:
        _calls.cache_clear()
        header.cache_clear()
        _by_call.clear()


def resolve_ruleset(spec: Ruleset | str | Path) -> Ruleset:
    """A :class:`Ruleset`, a ruleset file, a bundled ruleset id (``call-42``, or a bundled
    draft such as ``call-42-threshold-100000``) or a call code (``42``) → a loaded ruleset.

    Finding rulesets is the catalogue's job; ``amif-rules impact`` names its rulesets this
    way. Raises :class:`RulesetError` for a file that does not load,
    :class:`~amif_rules.errors.UnknownRuleset` when ``spec`` names nothing.
    """
    if isinstance(spec, Ruleset):
        return spec
    text = str(spec)
    path = Path(text)
    if path.is_file():
        return load_ruleset(path)
    folder = rulesets_dir()
    if "/" not in text and "\\" not in text:
        stem = text[:-5] if text.endswith(".yaml") else text
        for candidate in (folder / f"{stem}.yaml", folder / "drafts" / f"{stem}.yaml"):
            if candidate.is_file():
                return load_ruleset(candidate)
        if text in calls():
            return load_ruleset(select(text, None))
    drafts = sorted(p.stem for p in (folder / "drafts").glob("*.yaml")) if (folder / "drafts").is_dir() else []
    known = sorted(p.stem for p in ruleset_files())
    raise UnknownRuleset(
        f"no ruleset file {text!r}, and no bundled ruleset of that id or call code; "
        f"bundled: {', '.join(known)}" + (f"; bundled drafts: {', '.join(drafts)}" if drafts else "")
    )


def listing(on: dt.date | None = None, bases: bool = False) -> tuple[list[dict[str, Any]], int]:
    """The bundled rulesets as ``amif-rules calls`` and ``GET /v1/calls`` list them, in call
    order: with ``on``, only the calls open that day (and how many were left out for want of
    dates); with ``bases``, also the bases that calls extend."""
    rows: list[dict[str, Any]] = []
    undated = 0
    for ruleset in bundled():
        if ruleset.abstract and not bases:
            continue
        dated = ruleset.valid_from is not None or ruleset.valid_until is not None
        is_open = ruleset.valid_on(on) if (on is not None and dated) else None
        if on is not None and not ruleset.abstract:
            if not dated:
                undated += 1
                continue
            if not is_open:
                continue
        rows.append(
            {
                "call": ruleset.call,
                "id": ruleset.id,
                "version": ruleset.version,
                "status": "base" if ruleset.abstract else ruleset.status,
                "title": {lang: ruleset.title.get(lang) for lang in LANGUAGES},
                "valid_from": ruleset.valid_from.isoformat() if ruleset.valid_from else None,
                "valid_until": ruleset.valid_until.isoformat() if ruleset.valid_until else None,
                "extends": list(ruleset.extends),
                "rules": len(ruleset.rules),
            }
        )
    rows.sort(key=lambda row: (row["call"] is None, len(row["call"] or ""), row["call"] or "", row["id"]))
    return rows, undated
