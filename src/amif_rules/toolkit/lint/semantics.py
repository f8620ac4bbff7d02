"""AR3xx, what the rules mean: searched on their compiled form (``ir.py``) with the shared
search of :mod:`amif_rules.search`, once per set of dated parameter values.

:mod:`.analysis` holds the search and the questions every finding asks of it; the findings
are in :mod:`.eligibility` (AR310-AR312), :mod:`.outcomes` (AR302-AR305) and :mod:`.gaps`
(AR301), their documents in :mod:`.counterexamples`.
"""

from __future__ import annotations

from ...compiler import compile_ruleset
from ...search import versions
from . import eligibility, gaps, outcomes
from .analysis import Analysis, Semantics
from .linter import Linter


def check(linter: Linter) -> None:
    """The AR3xx findings of a loaded ruleset, for each version of it in turn."""
    semantics = Semantics(linter)
    for version, on in versions(semantics.ruleset):
        plan = compile_ruleset(version)
        analysis = Analysis(semantics, version, plan, on)
        if not version.rules:
            continue
        eligibility.check(analysis)
        outcomes.check(analysis)
        witness = analysis.witness
        assert witness is not None  # the eligibility search is made first
        if witness.assignment is not None:  # when nothing is eligible, every value is "on neither side"
            gaps.check(analysis)
