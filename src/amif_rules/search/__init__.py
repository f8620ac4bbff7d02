"""One search over compiled conditions, for the linter and the testing kit.

Every condition is a tree of atoms over *fact keys* (field paths, ``item.`` paths of list
elements, derived function values; :mod:`.keys`). A :class:`~amif_rules.ir.Linear` atom over
one key is a threshold ``t``: only which side of ``t`` a value is on matters, so the values
``t-1``, ``t``, ``t+1`` (in integer units: cents, microseconds, days; :mod:`.values`), the
ends of the key's range (:mod:`amif_rules.domains`) and "missing" represent every value.
Choices, texts and booleans are finite (texts: the constants the rules compare with, plus a
value none of them names). Searching those candidates (:mod:`.model`) by backtracking
(:mod:`.solve`) is therefore exhaustive for rules whose numeric atoms each read one key, and
"there is none" is certain. An atom over several keys (``budget.amif <= 0.75 *
budget.total_eligible_cost``) has no fixed threshold: its keys get boundary values solved
from the other keys' candidates plus a seeded random sample, the search is bounded, and
finding nothing proves nothing. Keys are treated as independent (``reference_date`` and
``submitted_at``, say), which can only add cases: a "never" claim stays sound, and whoever
uses an assignment confirms it on a real document.

:mod:`.changes` searches near one document: the smallest changes of some keys that give a
rule the outcome wanted (remedies), or whether one answer can refuse (questions).

The linter (``toolkit.lint``) proves what rules can and cannot do with it; the testing kit
(``testing``) draws values on and next to the same thresholds, and asks
:func:`no_eligible_application` before it promises eligible documents.
"""

from __future__ import annotations

from .changes import PAIR_BUDGET, candidates_near, smallest_changes
from .keys import Key, PlanKeys, VarId
from .model import MISSING, RANDOM_VALUES, Model
from .solve import (
    SEARCH_BUDGET,
    SEED,
    Found,
    backtrack,
    components,
    eligible,
    no_eligible_application,
    satisfy,
    versions,
)
from .values import around, decide, document_value, threshold

__all__ = [
    "MISSING",
    "PAIR_BUDGET",
    "RANDOM_VALUES",
    "SEARCH_BUDGET",
    "SEED",
    "Found",
    "Key",
    "Model",
    "PlanKeys",
    "VarId",
    "around",
    "backtrack",
    "candidates_near",
    "components",
    "decide",
    "document_value",
    "eligible",
    "no_eligible_application",
    "satisfy",
    "smallest_changes",
    "threshold",
    "versions",
]
