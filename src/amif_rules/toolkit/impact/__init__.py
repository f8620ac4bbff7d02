"""The impact of a draft: which applications of a portfolio change outcome, and why.

A **draft** is a ruleset that ``extends`` a published one and overrides some of its
parameters or rules (``rulesets/drafts/call-42-threshold-100000.yaml``). :func:`impact`
evaluates every application of a **portfolio** (a folder of JSON/YAML documents, a JSON
Lines file, standard input, or any iterable of documents) under the base ruleset and under
the draft, and reports:

- the number of applications per outcome, before and after;
- every **flip** (an application whose outcome changes), with the rules whose outcome
  changed (id, list element, before → after), the values those rules read (their
  ``fields``) and the parameters they read, with the base's and the draft's values;
- the flips grouped by **cause**: the set of rule changes that made them
  ("lead-municipality-large: fail → pass");
- per rule, how many results have each outcome before and after (rule-level deltas);
- the documents with bad input, counted and listed, never fatal.

:func:`sweep` counts the outcomes of the portfolio for a series of values of one numeric
parameter (``lead_min_population`` from 50,000 to 200,000 by 10,000, say).

Both read the portfolio once, as a stream, in constant memory: only the counts, the flips
and the first :data:`MAX_LISTED_ERRORS` input errors are kept, never every verdict. Each
document is evaluated for its outcome only (the engine's rule outcomes, without the
messages); the full, explained verdicts are computed for the flips alone.

The rooms: ``model`` (the report's parts, plain data), ``documents`` (reading a portfolio),
``evaluate`` (the fast pass), ``compare`` (a draft against its base), ``sweeps``, ``run``
(:func:`impact`, :func:`sweep`), ``report`` (:class:`ImpactReport`, :class:`Sweep`) and the
writers ``words``, ``values``, ``text``, ``page`` (HTML), ``chart`` (SVG) and ``png``.
Finding a ruleset by file, id or call code is the catalogue's
(:func:`amif_rules.catalog.resolve_ruleset`). Everything is re-exported here.
"""

from ...catalog import resolve_ruleset
from ...errors import UnknownRuleset
from .compare import compare_rulesets
from .documents import DocumentsLike, Item, portfolio_items
from .evaluate import Side
from .model import (
    ABSENT,
    ARROW,
    MAX_LISTED_ERRORS,
    MAX_SWEEP_POINTS,
    NUMERIC_TYPES,
    RULE_OUTCOMES,
    VERDICT_OUTCOMES,
    BadDocument,
    Cause,
    Flip,
    ImpactResult,
    ParameterValues,
    RuleChange,
    RuleDelta,
    RulesetInfo,
    RulesetLike,
    SweepPoint,
    SweepResult,
    cause_label,
    effect,
)
from .report import ImpactReport, Sweep
from .run import impact, sweep
from .sweeps import numeric_value, parse_sweep, sweep_values, with_parameter

__all__ = [
    "ABSENT",
    "ARROW",
    "MAX_LISTED_ERRORS",
    "MAX_SWEEP_POINTS",
    "NUMERIC_TYPES",
    "RULE_OUTCOMES",
    "VERDICT_OUTCOMES",
    "BadDocument",
    "Cause",
    "DocumentsLike",
    "Flip",
    "ImpactReport",
    "ImpactResult",
    "Item",
    "ParameterValues",
    "RuleChange",
    "RuleDelta",
    "RulesetInfo",
    "RulesetLike",
    "Side",
    "Sweep",
    "SweepPoint",
    "SweepResult",
    "UnknownRuleset",
    "cause_label",
    "compare_rulesets",
    "effect",
    "impact",
    "numeric_value",
    "parse_sweep",
    "portfolio_items",
    "resolve_ruleset",
    "sweep",
    "sweep_values",
    "with_parameter",
]
