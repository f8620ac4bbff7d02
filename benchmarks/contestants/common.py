"""What every contestant shares: call 42's rules as plain data, the decision format, and the
reference tables loaded once into plain dicts.

A *decision* is ``(outcome, ((rule_id, item, rule_outcome), ...))``: the verdict's outcome and
every rule result in the verdict's order, ``item`` being ``"partners[1]"`` for a rule applied
per element and ``None`` otherwise (a per-element rule over an absent or empty list gives one
``not_applicable`` result with ``item`` ``None``, as the verdict does). It is exactly what
``verdict.outcome`` and ``[(r.id, r.item, r.outcome) for r in verdict.rules]`` give.

The tables below are call 42's parameters (``rulesets/call-42.yaml``) written out by hand, and
the bundled reference data (Statbel populations of 1 January 2019, EU membership by date)
copied once into plain dicts. No other amif-rules code is used by the contestants that are not
amif-rules.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

#: The rules of call 42, in the order of the verdict, with their list (None: the document root).
RULES: tuple[tuple[str, str | None], ...] = (
    ("lead-is-ocmw", None),
    ("lead-municipality-large", None),
    ("partner-is-ocmw", "partners"),
    ("partner-municipality-small", "partners"),
    ("partner-role-coaching", "partners"),
    ("participant-third-country-national", "participants"),
    ("participant-legal-residence", "participants"),
    ("amif-share-max", None),
    ("pod-mi-share-max", None),
    ("amif-within-call-budget", None),
    ("submitted-before-deadline", None),
    ("form-complete", None),
    ("form-signed", None),
)
RULE_IDS = tuple(rule_id for rule_id, _ in RULES)
#: The one rule of severity "warning"; every other rule is an error.
WARNINGS = frozenset({"partner-role-coaching"})

# Call 42's parameters.
LEAD_MIN_POPULATION = 150_000  # more than
PARTNER_MAX_POPULATION = 150_000  # fewer than
ELIGIBLE_RESIDENCE = frozenset({"legal", "international_protection", "resettled", "relocated", "applicant"})
AMIF_MAX_SHARE = Decimal("0.75")
POD_MI_MAX_SHARE = Decimal("0.15")
CALL_BUDGET = Decimal("1320069.53")
BRUSSELS = ZoneInfo("Europe/Brussels")
DEADLINE = dt.datetime(2019, 9, 2, 23, 59, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
REGISTER_DATE = dt.date(2019, 1, 1)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)
DEADLINE_MICROS = (DEADLINE - EPOCH) // MICROSECOND


def _data_folder() -> Path:
    """amif-rules' bundled reference data, found without importing (and timing) amif_rules."""
    spec = importlib.util.find_spec("amif_rules")
    if spec is not None and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0]) / "reference" / "data"
    return Path(__file__).resolve().parents[2] / "src" / "amif_rules" / "reference" / "data"


def _load_reference() -> tuple[dict[str, int], dict[str, tuple[dt.date, dt.date]]]:
    """Populations on 1 January 2019 by NIS code; EU membership (first day, last day) by code.

    Read from the CSV files amif-rules bundles (Statbel; EU membership by date), with the csv
    module: the contestants that are not amif-rules use its data, not its code.
    """
    folder = _data_folder()
    with (folder / "municipalities.csv").open(encoding="utf-8", newline="") as data:
        populations = {
            row["nis_code"]: int(row["population"])
            for row in csv.DictReader(data)
            if row["reference_date"] == REGISTER_DATE.isoformat()
        }
    with (folder / "eu-membership.csv").open(encoding="utf-8", newline="") as data:
        membership = {
            row["code"]: (
                dt.date.fromisoformat(row["member_from"]),
                dt.date.fromisoformat(row["member_until"]) if row["member_until"] else dt.date.max,
            )
            for row in csv.DictReader(data)
        }
    return populations, membership


POPULATION_2019, EU_MEMBERSHIP = _load_reference()
#: Every code that was an EU member on some date.
EVER_EU = frozenset(EU_MEMBERSHIP)


def aggregate(results: list[tuple[str, str | None, str]]) -> str:
    """The verdict's outcome: ineligible when an error rule fails, else incomplete when any
    rule is unknown, else eligible (contract §2)."""
    unknown = False
    for rule_id, _, outcome in results:
        if outcome == "fail":
            if rule_id not in WARNINGS:
                return "ineligible"
        elif outcome == "unknown":
            unknown = True
    return "incomplete" if unknown else "eligible"


def decision_of_verdict(verdict: Any) -> tuple:
    """The decision of an amif-rules :class:`Verdict` (outcomes only: no message is made)."""
    return verdict.outcome, tuple((r.id, r.item, r.outcome) for r in verdict.rules)


def decision_of_dict(data: dict) -> tuple:
    """The decision of a verdict as JSON (``Verdict.to_dict()``)."""
    return data["outcome"], tuple((r["id"], r.get("item"), r["outcome"]) for r in data["rules"])


# --------------------------------------------------------------------------------------------
# The prelude of the engines that cannot read the document themselves (raw durable-rules, ZEN):
# the few values that need Python, computed the same way for both.


def population(municipality: Any) -> int | None:
    """The document's population, else the register's for its NIS code, else None."""
    if not municipality:
        return None
    value = municipality.get("population")
    if value is not None:
        return value
    code = municipality.get("nis_code")
    return POPULATION_2019.get(code) if code is not None else None


def cents(value: Any) -> int | None:
    """An amount ("1234.56", an int, a Decimal) in integer cents; None when missing."""
    if value is None:
        return None
    return int(Decimal(value if type(value) is str else str(value)) * 100)


def instant(value: str | None) -> dt.datetime | None:
    """An ISO 8601 date-time; without an offset it is Brussels local time."""
    if value is None:
        return None
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=BRUSSELS)


def submission(document: dict) -> tuple[int | None, int | None]:
    """(microseconds since the epoch, Brussels calendar date as YYYYMMDD) of ``submitted_at``."""
    moment = instant(document.get("submitted_at"))
    if moment is None:
        return None, None
    local = moment.astimezone(BRUSSELS)
    return (moment - EPOCH) // MICROSECOND, local.year * 10000 + local.month * 100 + local.day


def yyyymmdd(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def membership_periods() -> list[tuple[int, int, tuple[str, ...]]]:
    """EU membership as periods of constant membership: (first day, last day, member codes),
    days as YYYYMMDD, covering every date from year 1 to 9999."""
    bounds = {yyyymmdd(dt.date.min)}
    for first, last in EU_MEMBERSHIP.values():
        bounds.add(yyyymmdd(first))
        if last != dt.date.max:
            bounds.add(yyyymmdd(last + dt.timedelta(days=1)))
    starts = sorted(bounds)
    periods = []
    for index, start in enumerate(starts):
        end = starts[index + 1] - 1 if index + 1 < len(starts) else yyyymmdd(dt.date.max)
        # A day as YYYYMMDD minus one may not be a calendar day (20040501 - 1 = 20040500):
        # harmless, the comparisons are on integers and no date falls between.
        members = tuple(
            sorted(code for code, (first, last) in EU_MEMBERSHIP.items() if yyyymmdd(first) <= start and yyyymmdd(last) >= start)
        )
        periods.append((start, end, members))
    return periods
