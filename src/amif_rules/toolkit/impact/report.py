"""The results of :func:`impact` and :func:`sweep` as they are handed out: the data of
``model`` together with how it is written (text, HTML, SVG and PNG).

The writers read the data classes of ``model``; these subclasses add the methods that call
them, so that the writers never need to know this module (no import cycle).
"""

from __future__ import annotations

import attrs

from . import chart, page, png, text
from .model import ImpactResult, SweepResult


@attrs.frozen
class Sweep(SweepResult):
    """How the outcomes of a portfolio move with the value of one parameter."""

    def to_text(self, lang: str = "en") -> str:
        return text.sweep_text(self, lang)

    def to_svg(self, lang: str = "en", standalone: bool = True) -> str:
        return chart.sweep_svg(self, lang, standalone)

    def to_html(self, lang: str = "en") -> str:
        return page.sweep_html(self, lang)

    def to_png(self, lang: str = "en") -> bytes:
        return png.sweep_png(self, lang)


@attrs.frozen
class ImpactReport(ImpactResult):
    """What a draft changes for a portfolio (see :mod:`amif_rules.toolkit.impact`)."""

    def to_text(self, lang: str | None = None) -> str:
        return text.impact_text(self, lang or self.lang)

    def to_html(self, lang: str | None = None) -> str:
        return page.impact_html(self, lang or self.lang)
