"""'Did you mean ...?': the closest of the allowed words to a word that is not one of them.

One home for the hint every reader gives (documents' choices, expression names, tests files'
keys and example names). Imports nothing from the package.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, allowed: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The allowed word closest to ``word`` (difflib's ratio at least ``cutoff``), or None."""
    close = difflib.get_close_matches(word, list(allowed), n=1, cutoff=cutoff)
    return close[0] if close else None
