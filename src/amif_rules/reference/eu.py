"""EU membership by date (``data/eu-membership.csv``)."""

from __future__ import annotations

import datetime as dt

import attrs

from ._files import read_csv


@attrs.frozen
class Membership:
    code: str
    name: str
    first_day: dt.date
    last_day: dt.date | None  # None: still a member

    def on(self, day: dt.date) -> bool:
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)


def _load() -> dict[str, Membership]:
    table = {}
    for row in read_csv("eu-membership.csv"):
        table[row["code"]] = Membership(
            code=row["code"],
            name=row["name"],
            first_day=dt.date.fromisoformat(row["member_from"]),
            last_day=dt.date.fromisoformat(row["member_until"]) if row["member_until"] else None,
        )
    return table


EU_MEMBERSHIP: dict[str, Membership] = _load()


def is_eu_member(code: str, day: dt.date) -> bool:
    """Whether the country with ISO code ``code`` was an EU member state on ``day``."""
    membership = EU_MEMBERSHIP.get(code)
    return membership is not None and membership.on(day)


def membership_changes(code: str) -> bool:
    """Whether ``code``'s membership status differs between any two dates."""
    return code in EU_MEMBERSHIP  # every listed state was once not a member
