"""The bundled rulesets: found by call code and date, loaded and compiled once per process.

In an installed package the rulesets live in ``amif_rules/rulesets/``; in a source
checkout, in the repository's ``rulesets/`` folder. A call may have several versions (each
with ``valid_from``/``valid_until``); :func:`for_call` picks the one in force on the
reference date. Parameters with dated values are resolved for that date; each resolution
is compiled once and cached.
"""

from __future__ import annotations

import datetime as dt
import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterator, Optional

import attrs

from .compiler import Plan, compile_ruleset
from .errors import UnknownCall
from .ruleset import Ruleset, load_ruleset, resolution_key


def rulesets_dir() -> Path:
    bundled = Path(str(resources.files("amif_rules"))) / "rulesets"
    if bundled.is_dir():
        return bundled
    return Path(__file__).resolve().parents[2] / "rulesets"


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


def prepare(path: str | Path, on: Optional[dt.date] = None) -> Prepared:
    """Load and compile a ruleset file for date ``on``, once per resolution (thread-safe)."""
    base = _load(str(Path(path).resolve()))
    return prepare_ruleset(base, on)


@lru_cache(maxsize=None)
def _load(path: str) -> Ruleset:
    """The ruleset as written, its dated parameters unresolved."""
    return load_ruleset(path)


def prepare_ruleset(ruleset: Ruleset, on: Optional[dt.date] = None) -> Prepared:
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


@lru_cache(maxsize=None)
def _calls() -> dict[str, tuple[Path, ...]]:
    """Call code -> its ruleset files, published before drafts, oldest version first."""
    index: dict[str, list[tuple[tuple, Path]]] = {}
    for path in ruleset_files():
        ruleset = _load(str(path.resolve()))
        if ruleset.call is not None and not ruleset.abstract:
            order = (ruleset.status != "published", ruleset.valid_from or dt.date.min)
            index.setdefault(ruleset.call, []).append((order, path))
    return {call: tuple(path for _, path in sorted(entries)) for call, entries in index.items()}


def calls() -> tuple[str, ...]:
    """The call codes of the bundled rulesets, in natural order."""
    return tuple(sorted(_calls(), key=lambda c: (len(c), c)))


def select(call: str, on: Optional[dt.date]) -> Path:
    """The ruleset file of ``call`` in force on ``on``.

    Published versions come before drafts. With several versions: the one whose validity
    holds ``on``; before the first, the first; after the last, the last (a late application
    is judged by the call it was late for); without a date, the latest.
    """
    paths = _calls().get(str(call))
    if not paths:
        raise UnknownCall(f"no ruleset for call {call!r}; bundled calls: {', '.join(calls()) or 'none'}")
    candidates = [p for p in paths if _load(str(p.resolve())).status == "published"] or list(paths)
    if len(candidates) == 1:
        return candidates[0]
    versions = [(p, _load(str(p.resolve()))) for p in candidates]
    if on is None:
        return versions[-1][0]
    for path, ruleset in versions:
        if ruleset.valid_on(on):
            return path
    first = versions[0][1]
    if first.valid_from is not None and on < first.valid_from:
        return versions[0][0]
    return versions[-1][0]


def for_call(call: str, on: Optional[dt.date] = None) -> Prepared:
    """The prepared ruleset of a call code such as ``"42"``, as in force on ``on``."""
    return prepare(select(call, on), on)
