"""The languages amif-rules speaks: their codes, the locales values are formatted in, and the
few interface words every output shares. Imports nothing from the package."""

from __future__ import annotations

from babel import Locale

#: Every message, question and page exists in these languages, in this order.
LANGUAGES = ("nl", "fr", "en")
#: The language used when none is asked for (the calls' own language).
DEFAULT_LANGUAGE = "nl"
#: A language's position in the per-language tuples of labels.
LANG_INDEX = {lang: index for index, lang in enumerate(LANGUAGES)}
#: Belgian Dutch and French; British English (day-month order, as the calls write dates).
LOCALES = {"nl": Locale.parse("nl_BE"), "fr": Locale.parse("fr_BE"), "en": Locale.parse("en_GB")}
#: Words shown for a true/false value.
YES_NO = {"nl": ("ja", "nee"), "fr": ("oui", "non"), "en": ("yes", "no")}


def check_language(lang: object) -> str:
    """``lang`` when it is one of :data:`LANGUAGES`; a ValueError naming the choices otherwise."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return lang  # type: ignore[return-value]
