"""Engines: one small protocol, two implementations.

An engine evaluates a :class:`~amif_rules.ir.CompiledRuleset` on
:class:`~amif_rules.ir.EncodedFacts` and returns one :class:`~amif_rules.ir.RuleOutcome`
for every rule on every fact it applies to (root rules once, element rules once per
element), sorted by ``(rule, item)``. Engines know nothing of documents, YAML, languages
or messages; the verdict layer knows nothing of which engine ran.
"""

from __future__ import annotations

import threading
from typing import Protocol

from ..errors import EngineUnavailable
from ..ir import CompiledRuleset, EncodedFacts, RuleOutcome

ENGINE_NAMES = ("auto", "durable", "python")
#: What the ruleset tests may run on: an engine, or both compared.
TEST_ENGINE_CHOICES = (*ENGINE_NAMES, "both")


def check_engine_name(name: object, choices: tuple[str, ...] = ENGINE_NAMES) -> str:
    """``name`` when it is one of ``choices``; a ValueError naming the choices otherwise."""
    if name not in choices:
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(choices)}")
    return str(name)


class Engine(Protocol):
    """What the library asks of an engine."""

    name: str

    def evaluate(self, compiled: CompiledRuleset, facts: EncodedFacts) -> tuple[RuleOutcome, ...]:
        """Outcomes of every rule on every fact, sorted by ``(rule, item)``."""
        ...


_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def durable_available() -> bool:
    """True when durable_rules imports on this interpreter (3.11 and 3.12)."""
    try:
        get_engine("durable")
    except EngineUnavailable:
        return False
    return True


def get_engine(name: str = "auto") -> Engine:
    """The engine called ``name``: ``durable``, ``python``, or ``auto``.

    ``auto`` is durable where durable_rules imports and the built-in engine elsewhere.
    Engines are created once per process and shared; both are thread-safe.
    """
    engine = _engines.get(name) if type(name) is str else None
    if engine is not None:  # made already (auto included): no lock
        return engine
    check_engine_name(name)
    if name == "auto":
        try:
            engine = get_engine("durable")
        except EngineUnavailable:
            engine = get_engine("python")
        _engines["auto"] = engine
        return engine
    with _lock:
        engine = _engines.get(name)
        if engine is None:
            if name == "python":
                from .python import PythonEngine

                engine = PythonEngine()
            else:
                from .durable import DurableEngine  # raises EngineUnavailable

                engine = DurableEngine()
            _engines[name] = engine
        return engine
