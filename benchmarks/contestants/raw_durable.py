"""(e) Call 42 as a hand-written durable-rules ruleset, with no amif-rules code around it.

The ruleset is plain durable JSON (below), written for call 42: one fact per entity (the
document root ``t=0``, each partner ``t=1``, each participant ``t=2``), and per rule one
durable rule per outcome that can be matched (``pass``, ``fail``, ``not_applicable``);
``unknown`` is what is left when none fired, which is how three-valued logic is done on an
engine whose comparisons on an absent field are simply false.

**Which API.** It drives the C extension ``durable_rules_engine`` directly
(``create_ruleset``, ``assert_facts``, ``start_action_for_state`` /
``complete_and_start_action``, ``delete_state``), not ``durable.engine.Host``/``durable.lang``:

- the Host starts two timer threads that wake every 0.1-0.5 s and touch every session, which
  would disturb the timings on a 2-core machine and is unsafe with threads;
- the Host calls one Python action per fired rule through closures and re-serialises the
  session state after each; with 10-150 matches per document that is most of its cost, so
  it would measure the Host, not durable-rules;
- the Host raises ``MessageNotHandledException`` for a fact that matches no rule (a partner
  whose role is missing matches none: its rules are ``unknown``) and swallows exceptions
  raised in actions.

So this is the fastest way to use durable-rules from Python: the baseline the amif-rules
durable engine is held to (target: at least 0.7 times this).

**Quirks handled** (see the project's durable-rules notes): every pattern starts with a
positive tag test (``t``), so the session's own state fact never matches; money is integer
cents, the submission time integer microseconds, dates ``YYYYMMDD`` integers (durable has no
decimals, and compares a string with a number as text); ``None`` is never asserted (it would
count as present); every arithmetic expression is guarded by ``$ex`` on the fields it reads
(an absent field reads as garbage); multiplications compare against a constant field
``z = 0`` instead of dividing; one fixed session id, always deleted after each evaluation,
and one warm-up evaluation at start so that durable's recycled session node has run an
action; fact ids checked for distinct 32-bit hashes.

Its Python prelude (the population from the register when only a NIS code is given, amounts
in cents, the submission as an instant and a Brussels date) is part of its timing.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .common import (
    CALL_BUDGET,
    DEADLINE_MICROS,
    ELIGIBLE_RESIDENCE,
    EVER_EU,
    RULES,
    aggregate,
    cents,
    membership_periods,
    population,
    submission,
)

try:
    import durable_rules_engine as _dre
except Exception as error:  # noqa: BLE001 - Python 3.13, or not installed
    _dre = None
    UNAVAILABLE: str | None = f"durable_rules_engine cannot be imported ({error})"
else:
    UNAVAILABLE = None

SID = "1"
_FACT_ID = re.compile(r'"id": ?"([rpq][0-9]*)"').findall
ROOT, PARTNER, PARTICIPANT = 0, 1, 2


def _tag(tag: int, *conditions: dict) -> dict:
    return {"$and": [{"t": tag}, *conditions]} if conditions else {"t": tag}


def _ruleset() -> tuple[dict, dict[str, tuple[int, str]]]:
    """The durable ruleset, and durable rule name -> (rule position, outcome)."""
    rules: dict[str, dict] = {}
    labels: dict[str, tuple[int, str]] = {}

    def rule(position: int, outcome: str, pattern: dict) -> None:
        name = f"r{position}{outcome[0]}{sum(1 for label in labels.values() if label == (position, outcome))}"
        rules[name] = {"all": [{"m": pattern}], "cap": 10000}
        labels[name] = (position, outcome)

    coaching = {"r": "coaching"}
    not_coaching = {"$neq": {"r": "coaching"}}
    rule(0, "pass", _tag(ROOT, {"k": "ocmw"}))
    rule(0, "fail", _tag(ROOT, {"$neq": {"k": "ocmw"}}))
    rule(1, "pass", _tag(ROOT, {"$gt": {"p": 150000}}))
    rule(1, "fail", _tag(ROOT, {"$lte": {"p": 150000}}))
    rule(2, "pass", _tag(PARTNER, coaching, {"k": "ocmw"}))
    rule(2, "fail", _tag(PARTNER, coaching, {"$neq": {"k": "ocmw"}}))
    rule(2, "not_applicable", _tag(PARTNER, not_coaching))
    rule(3, "pass", _tag(PARTNER, coaching, {"$lt": {"p": 150000}}))
    rule(3, "fail", _tag(PARTNER, coaching, {"$gte": {"p": 150000}}))
    rule(3, "not_applicable", _tag(PARTNER, not_coaching))
    rule(4, "pass", _tag(PARTNER, coaching))
    rule(4, "fail", _tag(PARTNER, not_coaching))
    # participant-third-country-national: EU membership changes with the date, so one pair of
    # rules per period of constant membership; without a date, only "never an EU country".
    for first, last, members in membership_periods():
        period = ({"$gte": {"d": first}}, {"$lte": {"d": last}})
        if members:
            rule(5, "fail", _tag(PARTICIPANT, *period, {"$iany": {"n": {"$or": [{"$i": code} for code in members]}}}))
            rule(5, "pass", _tag(PARTICIPANT, *period, {"$iall": {"n": {"$and": [{"$neq": {"$i": code}} for code in members]}}}))
        else:
            rule(5, "pass", _tag(PARTICIPANT, *period, {"$ex": {"n": 1}}))
    rule(
        5,
        "pass",
        _tag(PARTICIPANT, {"$nex": {"d": 1}}, {"$iall": {"n": {"$and": [{"$neq": {"$i": code}} for code in sorted(EVER_EU)]}}}),
    )
    rule(6, "pass", _tag(PARTICIPANT, {"$or": [{"e": value} for value in sorted(ELIGIBLE_RESIDENCE)]}))
    rule(6, "fail", _tag(PARTICIPANT, *({"$neq": {"e": value}} for value in sorted(ELIGIBLE_RESIDENCE))))

    def share(left: str, left_coef: int, right_coef: int) -> dict:
        # left_coef * left - right_coef * c, compared with the constant field z = 0
        return {
            "$sub": {"$l": {"$mul": {"$l": left_coef, "$r": {"$m": left}}}, "$r": {"$mul": {"$l": right_coef, "$r": {"$m": "c"}}}}
        }

    guards_amif = ({"$ex": {"a": 1}}, {"$ex": {"c": 1}})
    rule(7, "pass", _tag(ROOT, *guards_amif, {"$gte": {"z": share("a", 4, 3)}}))  # 4a <= 3c
    rule(7, "fail", _tag(ROOT, *guards_amif, {"$lt": {"z": share("a", 4, 3)}}))
    guards_pod = ({"$ex": {"m": 1}}, {"$ex": {"c": 1}})
    rule(8, "pass", _tag(ROOT, *guards_pod, {"$gte": {"z": share("m", 20, 3)}}))  # 20m <= 3c
    rule(8, "fail", _tag(ROOT, *guards_pod, {"$lt": {"z": share("m", 20, 3)}}))
    budget = int(CALL_BUDGET * 100)
    rule(9, "pass", _tag(ROOT, {"$lte": {"a": budget}}))
    rule(9, "fail", _tag(ROOT, {"$gt": {"a": budget}}))
    rule(10, "pass", _tag(ROOT, {"$lte": {"s": DEADLINE_MICROS}}))
    rule(10, "fail", _tag(ROOT, {"$gt": {"s": DEADLINE_MICROS}}))
    rule(11, "pass", _tag(ROOT, {"fc": 1}))
    rule(11, "fail", _tag(ROOT, {"fc": 0}))
    rule(12, "pass", _tag(ROOT, {"fs": 1}))
    rule(12, "fail", _tag(ROOT, {"fs": 0}))
    return rules, labels


def _fnv1a32(text: str) -> int:
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return value


MAX_PARTNERS, MAX_PARTICIPANTS = 64, 1000
PARTNER_IDS = tuple(f"p{index}" for index in range(MAX_PARTNERS))
PARTICIPANT_IDS = tuple(f"q{index}" for index in range(MAX_PARTICIPANTS))
PARTNER_ITEMS = tuple(f"partners[{index}]" for index in range(MAX_PARTNERS))
PARTICIPANT_ITEMS = tuple(f"participants[{index}]" for index in range(MAX_PARTICIPANTS))


class RawDurable:
    """Compiles the ruleset once (``durable_rules_engine.create_ruleset``) and evaluates
    documents in one reused session."""

    counter = 0

    def __init__(self) -> None:
        if _dre is None:
            raise RuntimeError(UNAVAILABLE)
        ids = ("r", "sid-" + SID, *PARTNER_IDS, *PARTICIPANT_IDS)
        if len({_fnv1a32(fact_id) for fact_id in ids}) != len(ids):  # durable keys facts by this hash
            raise RuntimeError("two fact ids share a 32-bit hash")
        rules, self.labels = _ruleset()
        self.definition = rules
        RawDurable.counter += 1
        self.handle = _dre.create_ruleset(f"call42_raw_{RawDurable.counter}", json.dumps(rules))
        # Warm up: the session node durable recycles must have run an action once.
        self._run([{"sid": SID, "id": "r", "t": ROOT, "fc": 1}])

    def _run(self, facts: list) -> list[str]:
        handle = self.handle
        messages = []
        try:
            result, state = _dre.assert_facts(handle, json.dumps(facts))
            if result not in (0, 1):  # 1: some fact matched no rule (its rules are unknown)
                raise RuntimeError(f"durable_rules returned {result}")
            started = _dre.start_action_for_state(handle, state)
            if started is not None:
                messages.append(started[1])
                while True:
                    message = _dre.complete_and_start_action(handle, state)
                    if message is None:
                        break
                    messages.append(message)
        finally:
            try:
                _dre.delete_state(handle, SID)
            except _dre.error as error:
                if "309" not in str(error):  # no session: nothing was asserted
                    raise
        return messages

    def decide(self, document: dict) -> tuple:
        # -- the prelude: facts as durable can compare them ---------------------------------
        root: dict[str, Any] = {"sid": SID, "id": "r", "t": ROOT, "z": 0}
        applicant = document.get("applicant") or {}
        kind = applicant.get("kind")
        if kind is not None:
            root["k"] = kind
        value = population(applicant.get("municipality"))
        if value is not None:
            root["p"] = value
        budget = document.get("budget") or {}
        for field, amount in (
            ("c", budget.get("total_eligible_cost")),
            ("a", budget.get("amif")),
            ("m", (budget.get("cofinancing") or {}).get("pod_mi")),
        ):
            if amount is not None:
                root[field] = cents(amount)
        micros, day = submission(document)
        if micros is not None:
            root["s"] = micros
        form = document.get("form") or {}
        for field, flag in (("fc", form.get("complete")), ("fs", form.get("signed"))):
            if flag is not None:
                root[field] = 1 if flag else 0
        facts = [root]
        partners = document.get("partners") or ()
        for index, partner in enumerate(partners):
            fact = {"sid": SID, "id": PARTNER_IDS[index], "t": PARTNER}
            for field, value in (
                ("r", partner.get("role")),
                ("k", partner.get("kind")),
                ("p", population(partner.get("municipality"))),
            ):
                if value is not None:
                    fact[field] = value
            facts.append(fact)
        participants = document.get("participants") or ()
        for index, participant in enumerate(participants):
            fact = {"sid": SID, "id": PARTICIPANT_IDS[index], "t": PARTICIPANT}
            if day is not None:
                fact["d"] = day
            for field, value in (("n", participant.get("nationalities")), ("e", participant.get("residence"))):
                if value is not None:
                    fact[field] = value
            facts.append(fact)
        # -- durable --------------------------------------------------------------------------
        messages = self._run(facts)
        # -- the outcomes: unknown unless a rule fired ----------------------------------------
        sizes = (1, len(partners), len(participants))
        outcomes = [["unknown"] * sizes[0 if scope is None else (1 if scope == "partners" else 2)] for _, scope in RULES]
        labels = self.labels
        for message in messages:
            # '{"<rule>":[{"m":{"sid": "1", "id": "p2", ...}}, ...]}': the rule's name and the
            # ids of the facts it matched (faster than json.loads of the whole facts).
            position, outcome = labels[message[2 : message.index('"', 2)]]
            slots = outcomes[position]
            for fact_id in _FACT_ID(message):
                slots[0 if fact_id == "r" else int(fact_id[1:])] = outcome
        results = []
        for (rule_id, scope), slots in zip(RULES, outcomes):
            if scope is None:
                results.append((rule_id, None, slots[0]))
            elif not slots:
                results.append((rule_id, None, "not_applicable"))
            else:
                items = PARTNER_ITEMS if scope == "partners" else PARTICIPANT_ITEMS
                results.extend((rule_id, items[index], outcome) for index, outcome in enumerate(slots))
        return aggregate(results), tuple(results)
