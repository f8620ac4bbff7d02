"""The durable engine: each compiled ruleset becomes one durable ruleset, once per process.

Rulesets cannot be deleted or replaced in durable (and each reload leaks memory), so each
:class:`~amif_rules.ir.CompiledRuleset` is compiled once per process, cached by ``key``, and
a ruleset that does not fit durable fails the same way every time it is asked for.
"""

from __future__ import annotations

import threading

from ...errors import EngineError
from ...ir import CompiledRuleset, EncodedFacts, RuleOutcome
from . import host
from .host import LOCK
from .plan import Plan

# Process-wide, like durable's rulesets themselves (they can never be deleted): every
# DurableEngine shares them, and a ruleset key is compiled at most once per process.
#: Ruleset key -> its plan.
PLANS: dict[str, Plan] = {}
_FAILURES: dict[str, str] = {}
_COMPILE_LOCK = threading.Lock()


class DurableEngine:
    """Evaluates compiled rulesets with durable_rules; thread-safe (see :mod:`.host`)."""

    name = "durable"

    def _plan(self, compiled: CompiledRuleset) -> Plan:
        plan = PLANS.get(compiled.key)
        if plan is None:
            with _COMPILE_LOCK:
                plan = PLANS.get(compiled.key)
                if plan is None:
                    failure = _FAILURES.get(compiled.key)
                    if failure is not None:
                        raise EngineError(failure)
                    try:
                        plan = Plan(compiled)
                    except EngineError as error:
                        _FAILURES[compiled.key] = str(error)
                        raise
                    PLANS[compiled.key] = plan
        if plan.rule_count != len(compiled.rules):
            raise EngineError(
                f"two different compiled rulesets share the key {compiled.key!r}; keys must change whenever the rules do"
            )
        return plan

    def evaluate(self, compiled: CompiledRuleset, facts: EncodedFacts) -> tuple[RuleOutcome, ...]:
        plan = self._plan(compiled)
        payload, offsets = plan.encode(facts)
        with LOCK:
            messages = host.run(plan.handle, plan.key, payload)
        return plan.decode(messages, facts, offsets)
