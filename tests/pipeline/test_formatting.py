"""The fast formatters write numbers and amounts exactly as Babel does, in every language."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from hypothesis import given
from hypothesis import strategies as st

from amif_rules import messages

LANGS = st.sampled_from(["nl", "fr", "en"])


@given(cents=st.integers(0, 10**13 - 1), extra=st.sampled_from(["", "5", "49", "51"]), lang=LANGS)
def test_amounts_match_babel(cents, extra, lang):
    amount = Decimal(f"{cents // 100}.{cents % 100:02d}{extra}")  # also half-cent cases, rounded like Babel
    assert messages._money(amount, lang) == format_currency(amount, "EUR", locale=messages.LOCALES[lang])


@given(number=st.integers(0, 10**15), lang=LANGS)
def test_whole_numbers_match_babel(number, lang):
    assert messages._group(number, lang) == format_decimal(number, locale=messages.LOCALES[lang], decimal_quantization=False)


def test_negative_amounts_fall_back_to_babel():
    assert messages._money(Decimal("-12.50"), "nl") == format_currency(Decimal("-12.50"), "EUR", locale=messages.LOCALES["nl"])
