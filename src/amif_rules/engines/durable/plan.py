"""One compiled ruleset at run time: its durable ruleset, and the facts in and outcomes out.

**One fact per entity**: the root, and one per element of each scope, told apart by an
integer tag ``t`` (see :mod:`.build`). :meth:`Plan.encode` writes them as durable's JSON by
hand, with every value as :mod:`.values` says and checked on the way; :meth:`Plan.decode`
turns the fired durable rules back into the built-in engine's RuleOutcomes, in its order,
and checks that pass, fail and not_applicable never fire together for one rule and fact.

Every ruleset runs once when it is compiled, so that durable's recycled session node always
has an initialised action context (deleting a session whose node never ran an action can
abort the process).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence

from ...errors import EngineError
from ...ir import CompiledRuleset, EncodedFacts, RuleOutcome, Scalar
from . import host
from .build import SENTINEL, build
from .host import ELEMENT_INDEX, ID_RE, LOCK, ROOT_ID, SID, element_ids
from .limits import GROUP, INT64_MAX, INT64_MIN, TAG, ZERO
from .translate import Fields, Scope
from .values import ESCAPE, SHORT_STRING, encode_string

#: Guards the growth of the shared RuleOutcome lists.
_BUILD_LOCK = threading.Lock()

#: Per durable rule: (rule position, outcome, its RuleOutcomes by item, grown on demand).
Fired = tuple[tuple[int, str, list[RuleOutcome]], ...]
#: Per asserted scope: its name, its tag, the JSON text its facts start with (up to the id),
#: then its ('"field":', key) and ('"flag":', key) pairs.
Active = tuple[str | None, int, str, tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]
#: The results, all unknown; the first slot of each rule; the number of facts of each tag.
Order = tuple[list[RuleOutcome], list[int], dict[int, int]]

_plan_counter = [0]


class Plan:
    """One CompiledRuleset, compiled into a durable ruleset (built once per process)."""

    def __init__(self, compiled: CompiledRuleset) -> None:
        self.key = compiled.key
        self.rule_count = len(compiled.rules)
        scopes: list[str | None] = [None, *compiled.scopes]
        for rule in compiled.rules:
            if rule.scope not in scopes:
                scopes.append(rule.scope)
        self.rule_scopes = tuple(rule.scope for rule in compiled.rules)
        self.scope_names = tuple(scope for scope in scopes if scope is not None)
        self.rule_indexes = tuple(rule.index for rule in compiled.rules)
        fields = Fields()
        self.scopes = {scope: Scope(tag, fields) for tag, scope in enumerate(scopes)}
        built = build(compiled, self.scopes)
        # durable rule name -> (tag, ((rule position, outcome, its RuleOutcomes by item), ...))
        self.labels: dict[str, tuple[int, Fired]] = {
            name: (tag, tuple((position, outcome, []) for position, outcome in fired))
            for name, (tag, fired) in built.labels.items()
        }
        self.levels = built.levels
        self.durable_rules = len(built.ruleset)
        self.alpha_nodes = built.alpha_nodes
        # Which facts to assert: only those of scopes that some durable rule matches.
        self.active: tuple[Active, ...] = tuple(
            (
                scope,
                info.tag,
                f'{{"sid":"{SID}","t":{info.tag}'
                + (f',"{ZERO}":0' if info.zero else "")
                + (f',"{GROUP}":0' if info.group else "")
                + ',"id":"',
                tuple((f',"{field}":', key) for key, field in info.values.items()),
                tuple((f',"{field}":', key) for key, field in info.flags.items()),
            )
            for scope, info in self.scopes.items()
            if info.tag in built.tags_used
        )
        _plan_counter[0] += 1
        self.name = f"amif_rules_{_plan_counter[0]}"
        text = json.dumps(built.ruleset, separators=(",", ":"))
        with LOCK:
            self.handle = host.create_ruleset(self.name, text, compiled.key)
            self._warm_up()
        # The unknown results per combination of scope sizes (see _order).
        self._orders: dict[tuple[int, ...], Order] = {}

    def _warm_up(self) -> None:
        """Run the ruleset once, so that the session node durable recycles has run an action."""
        payload = json.dumps([{"sid": SID, "id": ROOT_ID, TAG: 0}], separators=(",", ":"))
        messages = self.run(payload)
        if not any(message.startswith('{"' + SENTINEL + '":') for message in messages):
            raise EngineError(f"durable_rules did not fire the sentinel rule of ruleset {self.key!r}")

    def run(self, payload: str) -> list[str]:
        """Assert ``payload`` (a JSON array of facts) into a fresh session; the fired rules.

        Always deletes the session, whatever happens. Callers hold ``host.LOCK``.
        """
        return host.run(self.handle, self.key, payload)

    def encode(self, facts: EncodedFacts) -> tuple[str, dict[int, int]]:
        """The JSON array of facts durable is given, and the first element number of each tag.

        Written by hand: it is faster than building dicts for json.dumps, and it checks every
        value's type and range on the way (see :mod:`.values`).
        """
        out: list[str] = ["["]
        append = out.append
        offsets: dict[int, int] = {}
        count = 0
        for scope, tag, head, values, flags in self.active:
            entities: Sequence[dict[str, Scalar]]
            ids: Sequence[str]
            if scope is None:
                entities = (facts.root,)
                ids = (ROOT_ID[1:],)
            else:
                entities = facts.items.get(scope, ())
                if not entities:
                    continue
                offsets[tag] = count
                ids = element_ids(count + len(entities))[count : count + len(entities)]
                count += len(entities)
            for number, entity in zip(ids, entities):
                append(head + "s" + number + '"')
                get = entity.get
                for prefix, key in values:
                    value = get(key)
                    if value is None:
                        continue
                    # type(...) is, not isinstance: exact types (a subclass is refused), and
                    # as fast as testing a saved type.
                    if type(value) is str:
                        token = "s" + value if len(value) < SHORT_STRING else encode_string(value)
                        append(prefix + ESCAPE(token))
                    elif type(value) is int:
                        if not INT64_MIN <= value <= INT64_MAX:
                            raise ValueError(f"{key}: {value} does not fit durable_rules' int64")
                        append(prefix + str(value))
                    elif type(value) is bool:
                        append(prefix + ("true" if value else "false"))
                    else:
                        raise TypeError(f"{key}: fact values must be int, str or bool, not {type(value).__name__}")
                for prefix, key in flags:
                    value = get(key)
                    if value is not None:
                        append(prefix + ("1" if value is True else "0"))
                append("},")
        out[-1] = "}]"
        return "".join(out), offsets

    def decode(self, messages: list[str], facts: EncodedFacts, offsets: dict[int, int]) -> tuple[RuleOutcome, ...]:
        """RuleOutcomes, in the order of the built-in engine, from the fired durable rules.

        Every result has a slot (``start[position] + item``); slots start as "unknown" and each
        fired durable rule fills the slots of the facts it matched. RuleOutcomes are immutable,
        so they are built once per plan and shared between results.
        """
        unknowns, start, sizes = self._order(facts)
        results = list(unknowns)
        sentinel = False
        for message in messages:
            name = message[2 : message.index('"', 2)]
            tag, labels = self.labels[name]
            if name == SENTINEL:
                sentinel = True
                continue
            items: Sequence[int]
            if tag == 0:
                items = (0,)
                count = 1
            else:
                offset = offsets[tag]
                items = [ELEMENT_INDEX[number] - offset for number in ID_RE.findall(message)]
                count = sizes[tag]
            for position, outcome, built in labels:
                if len(built) < count:
                    self._build_outcomes(built, position, outcome, tag, count)
                first = start[position]
                for item in items:
                    current = results[first + item]
                    if current.outcome != "unknown" and current.outcome != outcome:
                        raise EngineError(
                            f"durable_rules reported both {current.outcome!r} and {outcome!r} for "
                            f"rule {current.rule} (item {current.item}) of ruleset {self.key!r}"
                        )
                    results[first + item] = built[item]
        if not sentinel:
            raise EngineError(f"durable_rules did not process the root fact of ruleset {self.key!r}")
        return tuple(results)

    def _build_outcomes(self, built: list[RuleOutcome], position: int, outcome: str, tag: int, count: int) -> None:
        """Extend ``built`` (the RuleOutcomes of one rule and outcome, by item) to ``count``."""
        with _BUILD_LOCK:
            index = self.rule_indexes[position]
            while len(built) < count:
                built.append(RuleOutcome(index, None if tag == 0 else len(built), outcome))

    def _order(self, facts: EncodedFacts) -> Order:
        """The results, all unknown, in the built-in engine's order; the first slot of each
        rule; the number of facts of each tag. Cached per combination of scope sizes."""
        sizes = tuple(len(facts.items.get(scope, ())) for scope in self.scope_names)
        order = self._orders.get(sizes)
        if order is None:
            if len(self._orders) > 1000:
                self._orders.clear()
            count = dict(zip(self.scope_names, sizes))
            unknowns: list[RuleOutcome] = []
            start: list[int] = []
            for position, scope in enumerate(self.rule_scopes):
                index = self.rule_indexes[position]
                start.append(len(unknowns))
                for item in (None,) if scope is None else range(count[scope]):
                    unknowns.append(RuleOutcome(index, item, "unknown"))
            tags = {self.scopes[scope].tag: size for scope, size in count.items()}
            order = self._orders[sizes] = (unknowns, start, tags)
        return order
