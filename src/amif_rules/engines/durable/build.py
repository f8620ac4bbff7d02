"""A compiled ruleset → one durable ruleset that fits durable's limits.

Per rule, durable gets ``pass = T(when) and T(check)``, ``fail = T(when) and F(check)`` and
``not_applicable = F(when)`` (see :mod:`.translate`); ``unknown`` is what is left when none
of them fired. Each becomes one or more durable rules (:func:`~.formulas.split`) with one
pattern each, over one fact: every pattern tests its scope's tag first (a pattern without a
positive test would also match durable's own per-session state fact, and fire forever), and
element facts carry copies of the root keys their rules read (see :mod:`amif_rules.ir`), so
there are no joins (joins crash upstream). Identical patterns are one durable rule, labelled
with every (rule, outcome) it decides. An ``$or`` inside a pattern fires its rule once per
matching branch; the duplicates are harmless (results are per rule and fact).

The alpha network the ruleset makes is simulated (:mod:`.network`) and checked against
durable's hard limits; when it is too wide, patterns are spread under levels of "group"
tautologies (``g != n``, with ``g`` always 0), and :class:`EngineError` says what is wrong
when nothing fits. A sentinel rule fires on every root fact.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from ...errors import EngineError
from ...ir import CompiledRuleset
from .formulas import FALSE, DurableCondition, Lit, and_, emit, lit, split, top_items
from .limits import ACTION_CAP, GROUP, GROUP_FANOUT, MAX_CHILDREN, MAX_CONNECTIVES, MAX_FIELDS, MAX_RULES, TAG
from .network import Network
from .translate import Scope, truth

#: The sentinel durable rule, fired by every root fact: it proves an evaluation really ran.
SENTINEL = "s"

#: What one durable rule decides: its tag, and the (rule position, outcome) pairs it reports.
Label = tuple[int, tuple[tuple[int, str], ...]]


class Built(NamedTuple):
    """A durable ruleset (its JSON form), what each of its rules decides, and its size."""

    ruleset: dict[str, dict[str, Any]]
    labels: dict[str, Label]
    #: The tags of the scopes some durable rule matches: only their facts are asserted.
    tags_used: set[int]
    #: Levels of groups the patterns are spread under.
    levels: int
    alpha_nodes: int


def build(compiled: CompiledRuleset, scopes: dict[str | None, Scope]) -> Built:
    """The durable ruleset of ``compiled``, with as few group levels as fit durable's limits.

    ``scopes`` learn which fields their facts must carry.
    """
    last_error = ""
    for levels in range(0, 5):
        try:
            ruleset, labels, network, tags_used = _build(compiled, scopes, levels)
        except EngineError as error:  # a pattern that can never fit: grouping won't help
            message = f"ruleset {compiled.key!r} does not fit durable_rules: {error}"
            raise EngineError(message) from None
        problems = network.problems()
        if not problems:
            break
        last_error = "; ".join(sorted(set(problems)))
    else:
        raise EngineError(
            f"ruleset {compiled.key!r} does not fit durable_rules' limits: {last_error}; "
            "use the built-in engine (engine='python')"
        )
    for scope in scopes.values():
        count = 3 + len(scope.values) + len(scope.flags) + scope.zero + scope.group
        if count > MAX_FIELDS:
            raise EngineError(
                f"ruleset {compiled.key!r}: facts of scope {scope.tag} need {count} fields "
                f"(durable: {MAX_FIELDS}); use the built-in engine (engine='python')"
            )
    return Built(ruleset, labels, tags_used, levels, len(network.nodes))


def _build(
    compiled: CompiledRuleset, scopes: dict[str | None, Scope], levels: int
) -> tuple[dict[str, dict[str, Any]], dict[str, Label], Network, set[int]]:
    """The durable ruleset, its labels and its simulated network, with ``levels`` of groups."""
    ruleset: dict[str, dict[str, Any]] = {SENTINEL: {"all": [{"m": {TAG: 0}}], "cap": ACTION_CAP}}
    labels: dict[str, Label] = {SENTINEL: (0, ())}
    by_pattern: dict[str, str] = {}
    network = Network()
    network.add_rule({TAG: 0})
    tags_used = {0}
    patterns_in_scope: dict[int, int] = {}
    for scope in scopes.values():
        scope.group = False
    for position, rule in enumerate(compiled.rules):
        scope = scopes[rule.scope]
        when_true, when_false = truth(rule.when, scope)
        check_true, check_false = truth(rule.check, scope)
        outcomes = (
            ("pass", and_(when_true, check_true)),
            ("fail", and_(when_true, check_false)),
            ("not_applicable", when_false),
        )
        for outcome, formula in outcomes:
            if formula is FALSE:
                continue
            # Without groups a wide "or" stays in one pattern; with groups, it is spread.
            branches = GROUP_FANOUT if levels else MAX_CHILDREN
            for part in split(formula, MAX_CONNECTIVES - 1, branches, MAX_RULES):
                prefix: list[Lit] = [lit({TAG: scope.tag})]
                if levels:  # tautologies (g is 0) that spread patterns under a tree of groups
                    scope.group = True
                    rank = patterns_in_scope.get(scope.tag, 0)
                    patterns_in_scope[scope.tag] = rank + 1
                    leaf = rank // GROUP_FANOUT
                    for level in range(levels):
                        digit = (leaf // GROUP_FANOUT ** (levels - 1 - level)) % GROUP_FANOUT
                        prefix.append(lit({"$neq": {GROUP: 1 + level * GROUP_FANOUT + digit}}))
                items = [*prefix, *top_items(part)]
                pattern: DurableCondition = {"$and": [emit(item) for item in items]} if len(items) > 1 else prefix[0].condition
                text = json.dumps(pattern, sort_keys=True)
                name = by_pattern.get(text)
                if name is None:
                    name = by_pattern[text] = f"r{len(by_pattern)}"
                    ruleset[name] = {"all": [{"m": pattern}], "cap": ACTION_CAP}
                    labels[name] = (scope.tag, ())
                    network.add_rule(pattern)
                    tags_used.add(scope.tag)
                    if len(ruleset) > MAX_RULES:
                        raise EngineError(f"more than {MAX_RULES} durable_rules rules")
                tag, fired = labels[name]
                if (position, outcome) not in fired:
                    labels[name] = (tag, fired + ((position, outcome),))
    return ruleset, labels, network, tags_used
