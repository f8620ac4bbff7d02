"""What to ask next and what would help (contract §5): the ``questions`` and ``remedies`` a
verdict carries when asked for (``check(..., include=...)``), never by default.

:mod:`.questions` asks for each missing input of an incomplete verdict; :mod:`.remedies`
proposes, for each failed error rule, the smallest changes of inputs the applicant controls,
each proven on the changed document. Both rest on the shared search (:mod:`amif_rules.search`)
and on the ruleset's ``inputs:`` (:mod:`amif_rules.rulesetinputs`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from ..verdict import Verdict
from .context import Context, Evaluate, model_of
from .questions import document_order, questions
from .remedies import controlled, remedies

#: What a verdict may be asked to include, in the order its keys are written.
INCLUDES = ("questions", "remedies")


def include_names(include: str | Iterable[str] | None) -> tuple[str, ...]:
    """The names asked for, checked and in :data:`INCLUDES` order: a tuple of names, or one
    text of names joined by commas. Raises ValueError naming an unknown one."""
    if include is None:
        return ()
    names = include.split(",") if isinstance(include, str) else list(include)
    asked = []
    for name in names:
        if not isinstance(name, str):
            raise ValueError(f"include: names are texts, got {name!r}")
        name = name.strip()
        if not name:
            continue
        if name not in INCLUDES:
            raise ValueError(f"include: unknown name {name!r}; use {' or '.join(INCLUDES)}")
        asked.append(name)
    return tuple(name for name in INCLUDES if name in asked)


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
