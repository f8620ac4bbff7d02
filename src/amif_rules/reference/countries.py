"""Country and language codes a document may use (``data/iso-3166-1-alpha-2.csv``,
``data/iso-639-1.csv``; see ``data/README.md`` for where they come from).

ISO 3166-1 alpha-2 codes, plus ``XK``, the user-assigned code the EU and the Belgian
registers use for Kosovo; ISO 639-1 two-letter language codes.
"""

from __future__ import annotations

from ._files import read_csv

COUNTRY_CODES: frozenset[str] = frozenset({row["code"] for row in read_csv("iso-3166-1-alpha-2.csv")} | {"XK"})

#: Iceland, Liechtenstein, Norway (EEA/EFTA) and Switzerland: free-movement states outside
#: the Union. Whether their nationals count as third-country nationals is a ruleset parameter.
EEA_EFTA_SWISS: frozenset[str] = frozenset({"IS", "LI", "NO", "CH"})

#: ISO 639-1 two-letter language codes, for a participant's first language.
LANGUAGE_CODES: frozenset[str] = frozenset(row["code"] for row in read_csv("iso-639-1.csv"))


def is_country_code(code: str) -> bool:
    return code in COUNTRY_CODES
