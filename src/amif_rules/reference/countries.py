"""Country codes a document may use for nationalities.

ISO 3166-1 alpha-2 codes come from pycountry (the Debian iso-codes data), plus ``XK``,
the user-assigned code the EU and Belgian registers use for Kosovo.
"""

from __future__ import annotations

import pycountry

COUNTRY_CODES: frozenset[str] = frozenset({c.alpha_2 for c in pycountry.countries} | {"XK"})

#: Iceland, Liechtenstein, Norway (EEA/EFTA) and Switzerland: free-movement states outside
#: the Union. Whether their nationals count as third-country nationals is a ruleset parameter.
EEA_EFTA_SWISS: frozenset[str] = frozenset({"IS", "LI", "NO", "CH"})


#: ISO 639-1 two-letter language codes (pycountry), for a participant's first language.
LANGUAGE_CODES: frozenset[str] = frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


def is_country_code(code: str) -> bool:
    return code in COUNTRY_CODES
