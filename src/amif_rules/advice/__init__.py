"""What to ask next and what would help (contract §5): the ``questions`` and ``remedies`` a
verdict carries when asked for (``check(..., include=...)``), never by default.

:mod:`.questions` asks for each missing input of an incomplete verdict; :mod:`.remedies`
proposes, for each failed error rule, the smallest changes of inputs the applicant controls,
each proven on the changed document. Both rest on the shared search (:mod:`amif_rules.search`)
and on the ruleset's ``inputs:`` (:mod:`amif_rules.rulesetinputs`).
"""

from __future__ import annotations

from typing import Any

import attrs

from ..includes import INCLUDES, include_names
from ..verdict import Verdict
from .context import Context, Evaluate, model_of
from .questions import document_order, questions
from .remedies import controlled, remedies


def advise(context: Context, names: tuple[str, ...], document: dict[str, Any], evaluate: Evaluate) -> Verdict:
    """``context.verdict`` with the keys ``names`` asks for."""
    extra: dict[str, Any] = {}
    if "questions" in names:
        extra["questions"] = tuple(questions(context))
    if "remedies" in names:
        extra["remedies"] = tuple(remedies(context, document, evaluate))
    return attrs.evolve(context.verdict, **extra)


__all__ = [
    "INCLUDES",
    "Context",
    "Evaluate",
    "advise",
    "controlled",
    "document_order",
    "include_names",
    "model_of",
    "questions",
    "remedies",
]
