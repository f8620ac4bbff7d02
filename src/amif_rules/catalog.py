"""The bundled rulesets: found by call code, loaded and compiled once per process.

In an installed package the rulesets live in ``amif_rules/rulesets/``; in a source
checkout, in the repository's ``rulesets/`` folder.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterator

import attrs

from .compiler import Plan, compile_ruleset
from .errors import UnknownCall
from .ruleset import Ruleset, load_ruleset


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


_lock = threading.Lock()
_by_path: dict[str, Prepared] = {}


def prepare(path: str | Path) -> Prepared:
    """Load and compile a ruleset file once per process (thread-safe)."""
    key = str(Path(path).resolve())
    prepared = _by_path.get(key)
    if prepared is None:
        with _lock:
            prepared = _by_path.get(key)
            if prepared is None:
                ruleset = load_ruleset(path)
                prepared = Prepared(ruleset, compile_ruleset(ruleset))
                _by_path[key] = prepared
    return prepared


def prepare_ruleset(ruleset: Ruleset) -> Prepared:
    """Compile an already loaded ruleset (cached by its content digest)."""
    key = f"digest:{ruleset.digest}:{ruleset.file}"
    prepared = _by_path.get(key)
    if prepared is None:
        with _lock:
            prepared = _by_path.get(key)
            if prepared is None:
                prepared = Prepared(ruleset, compile_ruleset(ruleset))
                _by_path[key] = prepared
    return prepared


def bundled() -> Iterator[Prepared]:
    for path in ruleset_files():
        yield prepare(path)


@lru_cache(maxsize=None)
def _calls() -> dict[str, Path]:
    index = {}
    for path in ruleset_files():
        ruleset = prepare(path).ruleset
        if ruleset.call is not None:
            index[ruleset.call] = path
    return index


def for_call(call: str) -> Prepared:
    """The prepared ruleset of a call code such as ``"42"``."""
    path = _calls().get(str(call))
    if path is None:
        known = ", ".join(sorted(_calls(), key=lambda c: (len(c), c))) or "none"
        raise UnknownCall(f"no ruleset for call {call!r}; bundled calls: {known}")
    return prepare(path)
