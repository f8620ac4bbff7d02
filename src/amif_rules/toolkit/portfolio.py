"""The bundled sample portfolio: one hypothetical call-42 application per Belgian OCMW.

``examples/portfolios/call-42-all-ocmws.jsonl`` holds one application from the OCMW (CPAS)
of every municipality in the bundled register for 1 January 2019 (581 lines). Every field
but the population is set so that it passes every rule of call 42: submitted before the
deadline, the form complete and signed, a budget at the maximum shares (AMIF 75%, POD MI
15%), one participant who is a third-country national with international protection, no
partners. The population is left out: it comes from the register, for the ruleset's
``register_date``. Under call 42 as published, exactly the OCMWs of municipalities with more
than 150,000 inhabitants are eligible; under a draft, the impact report names exactly the
OCMWs whose eligibility the draft changes.

Names: "OCMW <Dutch name>" for Flemish and Brussels municipalities, "CPAS <French name>" for
Walloon ones (the name the OCMW uses itself); the municipality's ``name`` is in the same
language. ``amif-rules portfolio`` (or :func:`write_portfolio`) regenerates the file from the
register, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import IO

from ..reference.municipalities import MunicipalityRecord, register

#: The register date the sample is made from (call 42 reads the same figures).
SAMPLE_DATE = dt.date(2019, 1, 1)
#: Where the sample lives, relative to the repository root.
SAMPLE_PATH = "examples/portfolios/call-42-all-ocmws.jsonl"

WALLOON = "Walloon Region"


def applicant_name(record: MunicipalityRecord) -> tuple[str, str]:
    """(name of the OCMW, name of the municipality) in the municipality's own language."""
    if record.region == WALLOON:
        return f"CPAS {record.name_fr}", record.name_fr
    return f"OCMW {record.name_nl}", record.name_nl


def ocmw_application(record: MunicipalityRecord, call: str = "42") -> dict:
    """A call-42 application from the OCMW of ``record``'s municipality that passes every
    rule but, perhaps, the population threshold (the population is left to the register)."""
    name, municipality = applicant_name(record)
    return {
        "call": call,
        "submitted_at": "2019-08-30T12:00:00+02:00",
        "form": {"complete": True, "signed": True},
        "applicant": {
            "name": name,
            "kind": "ocmw",
            "municipality": {"nis_code": record.nis_code, "name": municipality},
        },
        "participants": [
            {"id": f"{record.nis_code}-P1", "nationalities": ["SY"], "residence": "international_protection"},
        ],
        "budget": {
            "total_eligible_cost": "200000.00",
            "amif": "150000.00",
            "cofinancing": {"pod_mi": "30000.00", "own": "20000.00"},
        },
        "duration_months": 24,
    }


def sample_portfolio(on: dt.date = SAMPLE_DATE) -> Iterator[dict]:
    """One application per municipality of the register on ``on``, by NIS code."""
    records = register.on(on)
    if not records:
        held = ", ".join(d.isoformat() for d in register.reference_dates)
        raise ValueError(f"the municipality register has no figures for {on.isoformat()}; it holds {held}")
    for record in records:
        yield ocmw_application(record)


def write_portfolio(out: IO[str], on: dt.date = SAMPLE_DATE) -> int:
    """Write the sample as JSON Lines to ``out``; returns the number of lines."""
    count = 0
    for document in sample_portfolio(on):
        out.write(json.dumps(document, ensure_ascii=False, separators=(", ", ": ")) + "\n")
        count += 1
    return count
