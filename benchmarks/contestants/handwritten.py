"""(d) The practical limit: call 42's criteria checked by one hand-written Python function.

It reads the plain document dict (contract §1) and returns the decision, with the same
three-valued logic as the ruleset (a missing or ``null`` field makes its rule ``unknown``),
the same boundaries (``> 150000``, ``< 150000``, ``<= 75 %`` and ``<= 15 %`` exact in
``Decimal``, the deadline ``2019-09-02T23:59:00+02:00`` inclusive, a time without an offset
read as Brussels time) and the same reference data (populations of 1 January 2019 when only a
NIS code is given; EU membership on the Brussels calendar date of the submission).

What it does not do, and amif-rules does: validate the input (it trusts the document),
explain anything (no messages, no fields, no ``missing``), or know any call but 42.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .common import (
    AMIF_MAX_SHARE,
    BRUSSELS,
    CALL_BUDGET,
    DEADLINE,
    ELIGIBLE_RESIDENCE,
    EU_MEMBERSHIP,
    EVER_EU,
    LEAD_MIN_POPULATION,
    PARTNER_MAX_POPULATION,
    POD_MI_MAX_SHARE,
    POPULATION_2019,
)

PASS, FAIL, UNKNOWN, NA = "pass", "fail", "unknown", "not_applicable"
_fromisoformat = dt.datetime.fromisoformat
#: Item labels, made once ("partners[0]", ...); longer lists make theirs on the fly.
_PARTNER_ITEMS = tuple(f"partners[{index}]" for index in range(64))
_PARTICIPANT_ITEMS = tuple(f"participants[{index}]" for index in range(256))


def _population(municipality) -> int | None:
    if not municipality:
        return None
    value = municipality.get("population")
    if value is None:
        code = municipality.get("nis_code")
        if code is not None:
            value = POPULATION_2019.get(code)
    return value


def _money(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value) if type(value) is str else Decimal(str(value))


def decide(document: dict) -> tuple:
    """The decision of call 42 on ``document``: (outcome, ((rule id, item, outcome), ...))."""
    results = []
    add = results.append
    failed = unknown = False

    applicant = document.get("applicant") or {}
    kind = applicant.get("kind")
    outcome = UNKNOWN if kind is None else (PASS if kind == "ocmw" else FAIL)
    add(("lead-is-ocmw", None, outcome))
    population = _population(applicant.get("municipality"))
    add(
        ("lead-municipality-large", None, UNKNOWN if population is None else (PASS if population > LEAD_MIN_POPULATION else FAIL))
    )

    partners = document.get("partners")
    if partners:
        is_ocmw, small, coaching = [], [], []
        for index, partner in enumerate(partners):
            item = _PARTNER_ITEMS[index] if index < 64 else f"partners[{index}]"
            role = partner.get("role")
            if role is None:
                is_ocmw.append(("partner-is-ocmw", item, UNKNOWN))
                small.append(("partner-municipality-small", item, UNKNOWN))
                coaching.append(("partner-role-coaching", item, UNKNOWN))
            elif role != "coaching":
                is_ocmw.append(("partner-is-ocmw", item, NA))
                small.append(("partner-municipality-small", item, NA))
                coaching.append(("partner-role-coaching", item, FAIL))
            else:
                kind = partner.get("kind")
                is_ocmw.append(("partner-is-ocmw", item, UNKNOWN if kind is None else (PASS if kind == "ocmw" else FAIL)))
                population = _population(partner.get("municipality"))
                small.append(
                    (
                        "partner-municipality-small",
                        item,
                        UNKNOWN if population is None else (PASS if population < PARTNER_MAX_POPULATION else FAIL),
                    )
                )
                coaching.append(("partner-role-coaching", item, PASS))
        results += is_ocmw
        results += small
        results += coaching
    else:
        add(("partner-is-ocmw", None, NA))
        add(("partner-municipality-small", None, NA))
        add(("partner-role-coaching", None, NA))

    submitted = document.get("submitted_at")
    moment = day = None
    if submitted is not None:
        moment = _fromisoformat(submitted)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=BRUSSELS)
        day = moment.astimezone(BRUSSELS).date()

    participants = document.get("participants")
    if participants:
        national, residence = [], []
        for index, participant in enumerate(participants):
            item = _PARTICIPANT_ITEMS[index] if index < 256 else f"participants[{index}]"
            codes = participant.get("nationalities")
            if codes is None:
                outcome = UNKNOWN
            elif day is None:  # no date: known only when no nationality was ever an EU one
                outcome = UNKNOWN if any(code in EVER_EU for code in codes) else PASS
            else:
                outcome = PASS
                for code in codes:
                    period = EU_MEMBERSHIP.get(code)
                    if period is not None and period[0] <= day <= period[1]:
                        outcome = FAIL
                        break
            national.append(("participant-third-country-national", item, outcome))
            stay = participant.get("residence")
            residence.append(
                ("participant-legal-residence", item, UNKNOWN if stay is None else (PASS if stay in ELIGIBLE_RESIDENCE else FAIL))
            )
        results += national
        results += residence
    else:
        add(("participant-third-country-national", None, NA))
        add(("participant-legal-residence", None, NA))

    budget = document.get("budget") or {}
    total = _money(budget.get("total_eligible_cost"))
    amif = _money(budget.get("amif"))
    cofinancing = budget.get("cofinancing") or {}
    pod_mi = _money(cofinancing.get("pod_mi"))
    add(
        ("amif-share-max", None, UNKNOWN if amif is None or total is None else (PASS if amif <= AMIF_MAX_SHARE * total else FAIL))
    )
    add(
        (
            "pod-mi-share-max",
            None,
            UNKNOWN if pod_mi is None or total is None else (PASS if pod_mi <= POD_MI_MAX_SHARE * total else FAIL),
        )
    )
    add(("amif-within-call-budget", None, UNKNOWN if amif is None else (PASS if amif <= CALL_BUDGET else FAIL)))
    add(("submitted-before-deadline", None, UNKNOWN if moment is None else (PASS if moment <= DEADLINE else FAIL)))

    form = document.get("form") or {}
    complete = form.get("complete")
    add(("form-complete", None, UNKNOWN if complete is None else (PASS if complete else FAIL)))
    signed = form.get("signed")
    add(("form-signed", None, UNKNOWN if signed is None else (PASS if signed else FAIL)))

    for rule_id, _, outcome in results:
        if outcome == FAIL:
            if rule_id != "partner-role-coaching":
                failed = True
                break
        elif outcome == UNKNOWN:
            unknown = True
    verdict = "ineligible" if failed else ("incomplete" if unknown else "eligible")
    return verdict, tuple(results)
