"""(a), (b), (c): amif-rules itself, through its public entry point ``amif_rules.check``.

- a decision reads ``verdict.outcome`` and ``verdict.outcomes()``, each result's ``(id,
  item, outcome)``: the public API for the decision alone (no message is rendered and no
  ``RuleResult`` object is made; both are made when first asked for);
- a full explained verdict is ``check(document, lang="nl", engine=...).to_dict()``: every
  message in Dutch with its values, every field read, the sources, ``missing``.

Everything ``check`` does is timed: reading and validating the document, the facts (register
look-ups, the reference date), encoding, the engine, the verdict.
"""

from __future__ import annotations

from collections.abc import Callable

import amif_rules

from .common import decision_of_verdict


def decider(engine: str) -> Callable[[dict], tuple]:
    check = amif_rules.check

    def decide(document: dict) -> tuple:
        verdict = check(document, engine=engine)
        return verdict.outcome, verdict.outcomes()

    decide.__name__ = f"decide_{engine}"
    return decide


def explainer(engine: str) -> Callable[[dict], dict]:
    check = amif_rules.check

    def explain(document: dict) -> dict:
        return check(document, lang="nl", engine=engine).to_dict()

    explain.__name__ = f"explain_{engine}"
    return explain


def unavailable(engine: str) -> str | None:
    """Why ``engine`` cannot run here, or None."""
    if engine == "durable" and not amif_rules.durable_available():
        return "durable_rules cannot be imported on this interpreter (it runs on Python 3.11 and 3.12)"
    return None


__all__ = ["decider", "decision_of_verdict", "explainer", "unavailable"]
