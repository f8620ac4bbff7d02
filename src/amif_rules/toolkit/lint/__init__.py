"""``amif-rules lint``: what is wrong, or surprising, in a ruleset file, before it is used.

:func:`lint` reads one ruleset file (or a loaded :class:`~amif_rules.ruleset.Ruleset`) and
returns :class:`Finding` objects, each with a stable ``code``, a ``severity`` (``error``,
``warning``, ``info``), a message and where it is (``file:line:column``). Three families:

1. **The file** (``AR0xx``/``AR1xx``): its YAML data against the published JSON Schema
   (``amif_rules/schemas/ruleset.schema.json``), and every problem the loader reports
   (unknown keys and field paths, type errors, missing translations and sources,
   duplicate ids, bad parameter values...), each kind with its own code.
2. **Beyond the loader** (``AR2xx``): rules left out because a parameter has no value,
   parameters never read, definitions never used, citations of source texts that are not
   in ``shared/sources`` (when that folder is there).
3. **Semantics** (``AR3xx``), on the compiled form of the rules (``ir.py``): thresholds
   that leave a value on neither side (call 42: a municipality of exactly 150,000
   inhabitants can neither lead nor coach), rules that can never fail, never pass or never
   apply, and drafts under which no application can be eligible. Each comes with a
   counterexample application, checked with :func:`amif_rules.check`, and what the check
   shows.

How the semantic search works: see :mod:`amif_rules.search`, which the testing kit shares.
Where each part lives: :mod:`.run` (the entry points and the order of the steps),
:mod:`.findings` (``Finding``, ``CODES``), :mod:`.linter` (one file and its findings),
:mod:`.raw` (the file with its places and its extends chain), :mod:`.schemacheck` (AR002),
:mod:`.problems` (the loader's problems as codes), :mod:`.static` (AR2xx), :mod:`.semantics`
with :mod:`.analysis`, :mod:`.eligibility`, :mod:`.outcomes`, :mod:`.gaps`,
:mod:`.counterexamples` and :mod:`.text` (AR3xx).
"""

from __future__ import annotations

# "X as X": importable from here as before the package (the
# search's budget and seed, SEVERITIES).
from ...search import RANDOM_VALUES as RANDOM_VALUES
from ...search import SEARCH_BUDGET as SEARCH_BUDGET
from ...search import SEED as SEED
from .findings import CODES, Finding, exit_status
from .findings import SEVERITIES as SEVERITIES
from .run import lint, lint_paths
from .schemacheck import ruleset_schema

__all__ = ["CODES", "Finding", "exit_status", "lint", "lint_paths", "ruleset_schema"]
