"""Reference data bundled with the package: municipalities and EU membership by date.

Each lookup takes a reference date, because both change over time (NIS codes change with
mergers; the United Kingdom left the Union on 31 January 2020). The data and their sources
are in ``data/`` (see ``data/SOURCES.md``).
"""

from .countries import COUNTRY_CODES, EEA_EFTA_SWISS, LANGUAGE_CODES, is_country_code
from .eu import EU_MEMBERSHIP, is_eu_member, membership_changes
from .municipalities import MunicipalityRecord, Register, register

__all__ = [
    "COUNTRY_CODES",
    "EEA_EFTA_SWISS",
    "EU_MEMBERSHIP",
    "LANGUAGE_CODES",
    "MunicipalityRecord",
    "Register",
    "is_country_code",
    "is_eu_member",
    "membership_changes",
    "register",
]
