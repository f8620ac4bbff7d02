"""The municipality register: population by NIS code and reference date.

Lookups are by (NIS code, reference date), never by code alone: codes change with
mergers, and each year's population is the legal population on 1 January. A year that the
register does not hold gives no answer (``None``), never another year's figure.
"""

from __future__ import annotations

import datetime as dt

import attrs

from ._files import read_csv


@attrs.frozen
class MunicipalityRecord:
    nis_code: str
    name_nl: str
    name_fr: str
    region: str
    population: int
    reference_date: dt.date

    def name(self, lang: str) -> str:
        return self.name_fr if lang == "fr" else self.name_nl


@attrs.frozen
class Register:
    records: dict[tuple[str, dt.date], MunicipalityRecord]

    @property
    def reference_dates(self) -> tuple[dt.date, ...]:
        return tuple(sorted({date for _, date in self.records}))

    def lookup(self, nis_code: str, reference_date: dt.date) -> MunicipalityRecord | None:
        """The record of ``nis_code`` for exactly ``reference_date`` (a 1 January)."""
        return self.records.get((nis_code, reference_date))

    def on(self, reference_date: dt.date) -> tuple[MunicipalityRecord, ...]:
        """Every municipality of one reference date, by NIS code."""
        return tuple(sorted((r for (_, d), r in self.records.items() if d == reference_date), key=lambda r: r.nis_code))


def _load() -> Register:
    records = {}
    for row in read_csv("municipalities.csv"):
        record = MunicipalityRecord(
            nis_code=row["nis_code"],
            name_nl=row["name_nl"],
            name_fr=row["name_fr"],
            region=row["region"],
            population=int(row["population"]),
            reference_date=dt.date.fromisoformat(row["reference_date"]),
        )
        records[(record.nis_code, record.reference_date)] = record
    return Register(records)


register: Register = _load()
