"""The writers of impact reports, at their old address: they live in
:mod:`amif_rules.toolkit.impact` (``text``, ``page``, ``chart``, ``png``) now."""

from .impact.chart import sweep_svg
from .impact.page import impact_html, sweep_html
from .impact.png import Raster, sweep_png
from .impact.text import impact_text, sweep_text
from .impact.values import field_value, fields_text, number, parameter_value, parameters_text
from .impact.words import outcome_word, t

__all__ = [
    "Raster",
    "field_value",
    "fields_text",
    "impact_html",
    "impact_text",
    "number",
    "outcome_word",
    "parameter_value",
    "parameters_text",
    "sweep_html",
    "sweep_png",
    "sweep_svg",
    "sweep_text",
    "t",
]
