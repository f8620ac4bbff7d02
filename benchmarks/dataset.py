"""A fixed, seeded set of call-42 application documents (plain dicts, contract §1).

Every document starts eligible and then gets the defect of its category:

- ``eligible``: an OCMW of one of the five municipalities above 150,000 inhabitants, 0-5
  coaching partners (OCMWs of smaller municipalities; one in ten partners has another role,
  which is only a warning), 0-50 third-country participants in an eligible residence, an
  AMIF share of at most 75 % and a POD MI share of at most 15 % (the boundaries included),
  submitted on time (the last minute included), the form complete and signed;
- ineligible, for one reason each: ``lead-not-ocmw``, ``lead-too-small``,
  ``partner-too-large``, ``partner-not-ocmw``, ``gb-participant-2019`` (a British national in
  2019, when the United Kingdom was a member state), ``eu-participant``,
  ``irregular-residence``, ``amif-share-over-75``, ``pod-mi-share-over-15``,
  ``over-call-budget``, ``late``, ``unsigned``; one in five of them also lacks a field;
- ``incomplete``: one to three fields missing or ``null`` (the lead's municipality, its
  kind, a partner's role or population, a participant's nationalities or residence, an
  amount, the submission time, the form's flags).

Populations come from the bundled register (Statbel, 1 January 2019): written in the
document seven times in ten, otherwise left for the library to look up by NIS code. The same
``seed`` and ``count`` always give the same documents.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from decimal import Decimal
from typing import Any

CATEGORIES: tuple[tuple[str, float, str], ...] = (
    # (category, weight, expected outcome)
    ("eligible", 0.36, "eligible"),
    ("lead-not-ocmw", 0.03, "ineligible"),
    ("lead-too-small", 0.06, "ineligible"),
    ("partner-too-large", 0.05, "ineligible"),
    ("partner-not-ocmw", 0.03, "ineligible"),
    ("gb-participant-2019", 0.05, "ineligible"),
    ("eu-participant", 0.02, "ineligible"),
    ("irregular-residence", 0.05, "ineligible"),
    ("amif-share-over-75", 0.05, "ineligible"),
    ("pod-mi-share-over-15", 0.03, "ineligible"),
    ("over-call-budget", 0.02, "ineligible"),
    ("late", 0.05, "ineligible"),
    ("unsigned", 0.02, "ineligible"),
    ("incomplete", 0.18, "incomplete"),
)
EXPECTED = {name: outcome for name, _, outcome in CATEGORIES}

THIRD_COUNTRY = ["SY", "AF", "IQ", "ER", "SO", "MA", "TR", "UA", "CD", "GN", "AM", "RU", "PS", "NO", "CH", "XK"]
RESIDENCES = ["legal", "international_protection", "resettled", "relocated", "applicant"]
KINDS_NOT_OCMW = ["municipality", "intermunicipal", "nonprofit", "company", "other", "province"]
OTHER_ROLES = ["co_applicant", "other"]
DEADLINE_LOCAL = dt.datetime(2019, 9, 2, 23, 59, 0)
CET_SUMMER = dt.timezone(dt.timedelta(hours=2))
CALL_BUDGET_CENTS = 132006953
REGISTER_DATE = dt.date(2019, 1, 1)


def _municipalities() -> tuple[list, list]:
    from amif_rules.reference import register

    records = register.on(REGISTER_DATE)
    large = [r for r in records if r.population > 150_000]
    small = [r for r in records if r.population < 150_000]
    return large, small


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


class _Generator:
    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.large, self.small = _municipalities()

    # -- parts ------------------------------------------------------------------------------
    def municipality(self, record) -> dict:
        data: dict[str, Any] = {"nis_code": record.nis_code, "name": record.name_nl}
        if self.random.random() < 0.7:
            data["population"] = record.population
        return data

    def participant_count(self) -> int:
        draw = self.random.random()
        if draw < 0.10:
            return 0
        if draw < 0.50:
            return self.random.randint(1, 5)
        if draw < 0.80:
            return self.random.randint(6, 20)
        return self.random.randint(21, 50)

    def participant(self, number: int) -> dict:
        rnd = self.random
        draw = rnd.random()
        if draw < 0.08:
            nationalities = ["stateless"]
        elif draw < 0.18:
            nationalities = rnd.sample(THIRD_COUNTRY, 2)
        else:
            nationalities = [rnd.choice(THIRD_COUNTRY)]
        return {"id": f"P-{number:03d}", "nationalities": nationalities, "residence": rnd.choice(RESIDENCES)}

    def partner(self) -> dict:
        rnd = self.random
        record = rnd.choice(self.small)
        if rnd.random() < 0.1:
            return {
                "name": f"Vzw {record.name_nl}",
                "kind": rnd.choice(KINDS_NOT_OCMW + ["ocmw"]),
                "role": rnd.choice(OTHER_ROLES),
                "municipality": self.municipality(record),
            }
        return {"name": f"OCMW {record.name_nl}", "kind": "ocmw", "role": "coaching", "municipality": self.municipality(record)}

    def submitted_at(self) -> str:
        rnd = self.random
        if rnd.random() < 0.05:
            local = DEADLINE_LOCAL  # the last minute accepted
        else:
            local = DEADLINE_LOCAL - dt.timedelta(seconds=rnd.randint(60, 60 * 24 * 3600))
        return self.write_instant(local)

    def write_instant(self, local: dt.datetime) -> str:
        """A Brussels summer-time instant, written with an offset, in UTC or without offset."""
        style = self.random.random()
        if style < 0.6:
            return local.replace(tzinfo=CET_SUMMER).isoformat()
        if style < 0.8:
            return local.replace(tzinfo=CET_SUMMER).astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
        return local.isoformat()

    def budget(self) -> dict:
        rnd = self.random
        total = rnd.randint(5_000_000, 150_000_000)  # cents
        amif_max = total * 3 // 4
        amif = amif_max if rnd.random() < 0.1 else rnd.randint(total // 2, amif_max)
        if amif > CALL_BUDGET_CENTS:
            amif = rnd.randint(total // 3, CALL_BUDGET_CENTS)
        pod_max = total * 15 // 100
        pod = pod_max if rnd.random() < 0.1 else rnd.randint(0, pod_max)
        own = max(total - amif - pod, 0)
        return {
            "total_eligible_cost": _amount(total),
            "amif": _amount(amif),
            "cofinancing": {"pod_mi": _amount(pod), "own": _amount(own)},
        }

    # -- documents --------------------------------------------------------------------------
    def eligible(self) -> dict:
        rnd = self.random
        lead = rnd.choice(self.large)
        document = {
            "call": "42",
            "submitted_at": self.submitted_at(),
            "form": {"complete": True, "signed": True},
            "applicant": {"name": f"OCMW {lead.name_nl}", "kind": "ocmw", "municipality": self.municipality(lead)},
            "partners": [self.partner() for _ in range(rnd.randint(0, 5))],
            "participants": [self.participant(i + 1) for i in range(self.participant_count())],
            "budget": self.budget(),
            "duration_months": rnd.randint(12, 36),
        }
        if not document["partners"] and rnd.random() < 0.3:
            del document["partners"]
        return document

    def coaching_partner(self, document: dict) -> dict:
        """One of the coaching partners (an OCMW of a smaller municipality added if none)."""
        partners = document.setdefault("partners", [])
        coaching = [partner for partner in partners if partner.get("role") == "coaching"]
        if not coaching:
            record = self.random.choice(self.small)
            partner = {
                "name": f"OCMW {record.name_nl}",
                "kind": "ocmw",
                "role": "coaching",
                "municipality": self.municipality(record),
            }
            partners.insert(self.random.randint(0, len(partners)), partner)
            return partner
        return self.random.choice(coaching)

    def a_participant(self, document: dict) -> dict:
        participants = document.setdefault("participants", [])
        if not participants:
            participants.append(self.participant(1))
        return self.random.choice(participants)

    def defect(self, document: dict, category: str) -> None:
        rnd = self.random
        if category == "lead-not-ocmw":
            document["applicant"]["kind"] = rnd.choice(KINDS_NOT_OCMW)
        elif category == "lead-too-small":
            if rnd.random() < 0.15:
                document["applicant"]["municipality"]["population"] = 150_000  # "meer dan": not enough
            else:
                record = rnd.choice(self.small)
                document["applicant"]["municipality"] = self.municipality(record)
                document["applicant"]["name"] = f"OCMW {record.name_nl}"
        elif category == "partner-too-large":
            partner = self.coaching_partner(document)
            partner["kind"] = "ocmw"
            record = rnd.choice(self.large)
            partner["municipality"] = self.municipality(record)
            if rnd.random() < 0.15:
                partner["municipality"]["population"] = 150_000  # "minder dan": too large
        elif category == "partner-not-ocmw":
            self.coaching_partner(document)["kind"] = rnd.choice(KINDS_NOT_OCMW)
        elif category == "gb-participant-2019":
            self.a_participant(document)["nationalities"] = rnd.choice([["GB"], ["SY", "GB"], ["GB", "TR"]])
        elif category == "eu-participant":
            self.a_participant(document)["nationalities"] = rnd.choice([["BE"], ["MA", "BE"], ["HR"], ["PL", "UA"]])
        elif category == "irregular-residence":
            self.a_participant(document)["residence"] = "irregular"
        elif category == "amif-share-over-75":
            budget = document["budget"]
            total = int(Decimal(budget["total_eligible_cost"]) * 100)
            over = total * 3 // 4 + 1 if rnd.random() < 0.2 else rnd.randint(total * 3 // 4 + 1, total * 95 // 100)
            budget["amif"] = _amount(over)
        elif category == "pod-mi-share-over-15":
            budget = document["budget"]
            total = int(Decimal(budget["total_eligible_cost"]) * 100)
            pod = total * 15 // 100 + 1 if rnd.random() < 0.2 else rnd.randint(total * 15 // 100 + 1, total * 30 // 100)
            budget["cofinancing"]["pod_mi"] = _amount(pod)
        elif category == "over-call-budget":
            amif = CALL_BUDGET_CENTS + (1 if rnd.random() < 0.3 else rnd.randint(2, 50_000_000))
            total = amif * 4 // 3 + rnd.randint(100, 10_000_000)
            document["budget"] = {
                "total_eligible_cost": _amount(total),
                "amif": _amount(amif),
                "cofinancing": {"pod_mi": _amount(total // 10), "own": _amount(total - amif - total // 10)},
            }
        elif category == "late":
            draw = rnd.random()
            if draw < 0.25:
                document["submitted_at"] = "2019-09-02T23:59:01+02:00"
            elif draw < 0.4:
                document["submitted_at"] = "2019-09-02T22:00:00Z"  # midnight in Brussels
            else:
                document["submitted_at"] = self.write_instant(
                    DEADLINE_LOCAL + dt.timedelta(seconds=rnd.randint(60, 20 * 24 * 3600))
                )
        elif category == "unsigned":
            document["form"]["signed"] = False
        elif category == "incomplete":
            for _ in range(rnd.randint(1, 3)):
                self.missing(document)
        else:  # pragma: no cover - a category without a defect
            raise ValueError(category)

    def missing(self, document: dict) -> None:
        """Leave out (or set to null) one field that a rule needs."""
        rnd = self.random
        choice = rnd.randrange(10)
        if choice == 0:
            municipality = document["applicant"]["municipality"]
            municipality.pop("population", None)
            municipality.pop("nis_code", None)
        elif choice == 1:
            document["applicant"]["kind"] = None
        elif choice == 2:
            self.coaching_partner(document).pop("role", None)
        elif choice == 3:
            municipality = self.coaching_partner(document)["municipality"]
            municipality.pop("population", None)
            municipality.pop("nis_code", None)
        elif choice == 4:
            self.a_participant(document).pop("nationalities", None)
        elif choice == 5:
            self.a_participant(document)["residence"] = None
        elif choice == 6:
            document["budget"]["cofinancing"].pop("pod_mi", None)
        elif choice == 7:
            document["budget"].pop(rnd.choice(["amif", "total_eligible_cost"]), None)
        elif choice == 8:
            document.pop("submitted_at", None)
        else:
            document["form"][rnd.choice(["complete", "signed"])] = None

    def document(self, category: str) -> dict:
        document = self.eligible()
        if category != "eligible":
            self.defect(document, category)
            if EXPECTED[category] == "ineligible" and self.random.random() < 0.2:
                # Also a field missing: ineligible wins over incomplete. The field must not be
                # the defect itself (the residence made null, say): try again if it was.
                from contestants.handwritten import decide

                for _ in range(10):
                    candidate = copy.deepcopy(document)
                    self.missing(candidate)
                    if decide(candidate)[0] == "ineligible":
                        return candidate
        return document


def generate(count: int, seed: int = 42) -> list[tuple[str, dict]]:
    """``count`` documents as (category, document), the same for the same arguments.

    Categories are dealt in proportion to their weights (rounded, at least one each when
    ``count`` allows), then shuffled with the seed.
    """
    generator = _Generator(seed)
    names = [name for name, _, _ in CATEGORIES]
    weights = [weight for _, weight, _ in CATEGORIES]
    counts = [max(1, round(count * weight)) if count >= len(CATEGORIES) else 0 for weight in weights]
    while sum(counts) > count:
        counts[counts.index(max(counts))] -= 1
    while sum(counts) < count:
        counts[generator.random.choices(range(len(names)), weights)[0]] += 1
    categories = [name for name, n in zip(names, counts) for _ in range(n)]
    generator.random.shuffle(categories)
    return [(category, generator.document(category)) for category in categories]


def summary(documents: list[tuple[str, dict]]) -> dict:
    """Counts by category, and the spread of partners and participants."""
    by_category: dict[str, int] = {}
    for category, _ in documents:
        by_category[category] = by_category.get(category, 0) + 1
    partners = [len(document.get("partners") or ()) for _, document in documents]
    participants = [len(document.get("participants") or ()) for _, document in documents]
    return {
        "documents": len(documents),
        "by_category": by_category,
        "partners": {
            "min": min(partners, default=0),
            "max": max(partners, default=0),
            "mean": round(sum(partners) / max(len(partners), 1), 2),
        },
        "participants": {
            "min": min(participants, default=0),
            "max": max(participants, default=0),
            "mean": round(sum(participants) / max(len(participants), 1), 2),
        },
    }
