"""The durable_rules engine: the compiled form matched by durable_rules' Rete network (in C).

Every quirk of durable_rules 2.0.28 lives in this package and nowhere else (see
``durable-rules-notes.md`` in the design notes). Importing it raises
:class:`~amif_rules.errors.EngineUnavailable` where durable_rules does not import (Python
3.13). How the compiled form maps onto durable, room by room:

* :mod:`.limits`: durable's hard limits, its 32-bit property hash and the names it reserves.
* :mod:`.values`: values as durable must see them: strings prefixed (durable compares a
  string with a number as text), long strings digested, int64 checked, ``None`` dropped.
* :mod:`.formulas` and :mod:`.translate`: **three-valued logic** in durable's two values.
  Each condition is translated into "it is true" and "it is false"; per rule, durable gets
  ``pass``, ``fail`` and ``not_applicable``, and ``unknown`` is what is left when none fired.
  Fact keys are renamed to fields whose hashes collide with nothing; linear atoms become
  exact integer bounds or guarded ``$add``/``$sub``/``$mul`` expressions (never ``$div``).
* :mod:`.network` and :mod:`.build`: **one durable ruleset that fits**: one tagged fact per
  entity and no joins; the alpha network durable will build is simulated and checked against
  its limits first; too-deep conditions and too-wide ``or``s are split, too-wide rulesets
  spread under group tautologies.
* :mod:`.host`: **sessions**: the C extension called directly (not ``durable.lang``), one
  process-wide lock, one session per evaluation, always deleted; fact ids with distinct hashes.
* :mod:`.plan`: facts in (JSON written by hand, every value checked) and outcomes out (in the
  built-in engine's order, the three outcomes checked mutually exclusive), with a warm-up run.
* :mod:`.engine`: **compile once**: rulesets cannot be deleted or replaced in durable, so each
  compiled ruleset is compiled once per process, cached by ``key``.
"""

from __future__ import annotations

from .engine import PLANS, DurableEngine
from .host import LOCK, SID

__all__ = ["LOCK", "PLANS", "SID", "DurableEngine"]
