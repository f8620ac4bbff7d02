"""The sweep chart, laid out once (:func:`layout`) for both SVG and PNG: axes with ticks that
fall on round values, one point per swept value, and the current (and base) value marked."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import attrs
from babel.numbers import format_currency

from ...languages import LOCALES
from .model import SweepResult
from .values import escape, marker_labels, number, parameter_value
from .words import t


@attrs.frozen
class Layout:
    """The chart in pixels and words, whatever draws it: the plot area, labels, ticks, points, markers."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    title: str
    subtitle: str
    x_label: str
    y_label: str
    x_ticks: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, str], ...]
    points: tuple[tuple[float, float, str], ...]  # x, y, tooltip
    markers: tuple[tuple[float, str, str, bool], ...]  # x, label, kind ("own" | "base"), inside the axis


def _nice_step(span: Decimal, most: int, integer: bool) -> Decimal:
    raw = span / max(most, 1)
    if raw <= 0:
        return Decimal(1)
    exponent = math.floor(math.log10(float(raw)))
    magnitude = Decimal(10) ** exponent
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        step = Decimal(factor) * magnitude
        if step >= raw and (not integer or step == step.to_integral_value()):
            return step
    return Decimal(10) * magnitude  # pragma: no cover


def _ticks(low: Decimal, high: Decimal, most: int, integer: bool) -> list[Decimal]:
    step = _nice_step(high - low, most, integer)
    first = (low / step).to_integral_value(rounding="ROUND_CEILING") * step
    ticks: list[Decimal] = []
    value = first
    while value <= high and len(ticks) < 50:
        ticks.append(value)
        value += step
    return ticks


def chart_layout(
    sweep: SweepResult, lang: str, width: int, height: int, char_width: float, margins: tuple[int, int, int, int]
) -> Layout:
    """Where everything of the chart goes, for a drawing of ``width`` × ``height`` whose letters are ``char_width`` wide."""
    left, right, top, bottom = margins
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [Decimal(str(point.value)) for point in sweep.points]
    markers = [
        (Decimal(str(value)), label, "own" if index == 0 else "base")
        for index, (value, label) in enumerate(marker_labels(sweep, lang))
        if value is not None and not isinstance(value, str) and _is_number(value)
    ]
    # A marked value near the swept range widens the axis to show it; one far away (more than
    # a quarter of the range beyond it) is named at the edge instead, with an arrow.
    reach = (max(values) - min(values)) / 4
    near = [m for m in markers if min(values) - reach <= m[0] <= max(values) + reach]
    low = min(values + [m[0] for m in near])
    high = max(values + [m[0] for m in near])
    if low == high:
        low, high = low - 1, high + 1
    integer = sweep.type == "integer"
    sample = max((len(parameter_value(v, sweep.type, lang)) for v in values + [low, high]), default=6)
    most_x = max(2, int(plot_w // ((sample + 3) * char_width)))
    x_ticks_values = _ticks(low, high, min(most_x, 10), integer)
    counts = [point.counts["eligible"] for point in sweep.points]
    top_count = max(counts + [1])
    y_step = _nice_step(Decimal(top_count), 5, True)
    y_high = (Decimal(top_count) / y_step).to_integral_value(rounding="ROUND_CEILING") * y_step
    if y_high < top_count or y_high == 0:  # pragma: no cover - defensive
        y_high = Decimal(top_count)

    def x_of(value: Decimal) -> float:
        return left + float((value - low) / (high - low)) * plot_w

    def y_of(count: Decimal) -> float:
        return top + plot_h - float(count / y_high) * plot_h

    y_values = []
    value = Decimal(0)
    while value <= y_high:
        y_values.append(value)
        value += y_step
    points = tuple(
        (
            x_of(v),
            y_of(Decimal(c)),
            t("chart_point", lang, value=parameter_value(p.value, sweep.type, lang), count=number(c, lang)),
        )
        for v, c, p in zip(values, counts, sweep.points)
    )
    return Layout(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        title=t("chart_title", lang, parameter=sweep.parameter),
        subtitle=f"{sweep.ruleset.id} · "
        + t("portfolio_line", lang, documents=number(sweep.documents, lang), errors=number(sweep.errors, lang)),
        x_label=sweep.parameter,
        y_label=t("chart_y", lang),
        x_ticks=tuple((x_of(v), _tick(_plain(v, integer), sweep.type, lang)) for v in x_ticks_values),
        y_ticks=tuple((y_of(v), number(int(v), lang)) for v in y_values),
        points=points,
        markers=tuple(
            _marker(x_of(v), f"{label}: {parameter_value(_plain(v, integer), sweep.type, lang)}", kind, left, left + plot_w)
            for v, label, kind in markers
        ),
    )


def _marker(x: float, label: str, kind: str, left: float, right: float) -> tuple[float, str, str, bool]:
    """(x, label, kind, inside): a value beyond the axis is put at its edge, with an arrow."""
    if x > right + 0.5:
        return right, f"{label} →", kind, False
    if x < left - 0.5:
        return left, f"← {label}", kind, False
    return x, label, kind, True


def _tick(value: Any, type_name: str, lang: str) -> str:
    """A tick label: like a parameter value, but whole euros without cents."""
    if type_name == "money" and Decimal(value) == Decimal(value).to_integral_value():
        pattern = LOCALES[lang].currency_formats["standard"].pattern.replace(".00", "")
        return format_currency(Decimal(value), "EUR", format=pattern, locale=LOCALES[lang], currency_digits=False)
    return parameter_value(value, type_name, lang)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def _plain(value: Decimal, integer: bool) -> Any:
    return int(value) if integer else value


BLUE, ORANGE, GREY, INK, GRID, AXIS = "#1f5fbf", "#d9480f", "#6b7280", "#1d2430", "#e5e9f0", "#4a5566"


def sweep_svg(sweep: SweepResult, lang: str = "en", standalone: bool = False) -> str:
    """The sweep chart as an SVG element: axes with ticks and labels, one point per value,
    the current (and base) value marked with a dashed line. Inline in HTML by default;
    ``standalone=True`` adds the XML namespace that an ``.svg`` file needs."""
    layout = chart_layout(sweep, lang, 760, 400, 7.2, (64, 44, 64, 56))
    x0, x1 = layout.left, layout.width - layout.right
    y0, y1 = layout.top, layout.height - layout.bottom
    namespace = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    out = [
        f'<svg id="sweep-chart"{namespace} viewBox="0 0 {layout.width} {layout.height}" '
        f'width="{layout.width}" height="{layout.height}" role="img" aria-labelledby="sweep-chart-title" '
        'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="sweep-chart-title">{escape(layout.title)}</title>',
        f'<rect x="0" y="0" width="{layout.width}" height="{layout.height}" fill="#ffffff"/>',
        f'<text x="{x0}" y="22" font-size="16" font-weight="600" fill="{INK}">{escape(layout.title)}</text>',
        f'<text x="{x0}" y="40" fill="{AXIS}">{escape(layout.subtitle)}</text>',
    ]
    out.append('<g class="grid">')
    for y, _ in layout.y_ticks:
        out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
    out.append("</g>")
    out.append('<g class="axes">')
    out.append(f'<line x1="{x0}" y1="{y1}" x2="{x1}" y2="{y1}" stroke="{AXIS}" stroke-width="1.5"/>')
    out.append(f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="{AXIS}" stroke-width="1.5"/>')
    for x, label in layout.x_ticks:
        out.append(f'<line x1="{x:.1f}" y1="{y1}" x2="{x:.1f}" y2="{y1 + 5}" stroke="{AXIS}"/>')
        out.append(f'<text class="x-tick" x="{x:.1f}" y="{y1 + 19}" text-anchor="middle" fill="{AXIS}">{escape(label)}</text>')
    for y, label in layout.y_ticks:
        out.append(f'<line x1="{x0 - 5}" y1="{y:.1f}" x2="{x0}" y2="{y:.1f}" stroke="{AXIS}"/>')
        out.append(f'<text class="y-tick" x="{x0 - 8}" y="{y + 4:.1f}" text-anchor="end" fill="{AXIS}">{escape(label)}</text>')
    out.append(
        f'<text class="x-label" x="{(x0 + x1) / 2:.1f}" y="{layout.height - 14}" text-anchor="middle" '
        f'font-weight="600" fill="{INK}">{escape(layout.x_label)}</text>'
    )
    out.append(f'<text class="y-label" x="{x0}" y="{y0 - 8}" font-weight="600" fill="{INK}">{escape(layout.y_label)}</text>')
    out.append("</g>")
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in layout.points)
    out.append(
        f'<polyline class="series" points="{path}" fill="none" stroke="{BLUE}" stroke-width="2.5" stroke-linejoin="round"/>'
    )
    out.append('<g class="points">')
    for x, y, tip in layout.points:
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{BLUE}"><title>{escape(tip)}</title></circle>')
    out.append("</g>")
    out.append('<g class="markers">')
    for index, (x, label, kind, inside) in enumerate(layout.markers):
        color = ORANGE if kind == "own" else GREY
        anchor = "start" if x < (x0 + x1) / 2 else "end"
        dx = 5 if anchor == "start" else -5
        if inside:
            out.append(
                f'<line class="marker marker-{kind}" x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y1}" '
                f'stroke="{color}" stroke-width="1.5" stroke-dasharray="5 4"/>'
            )
        out.append(
            f'<text class="marker-label" x="{x + dx:.1f}" y="{y0 + 14 + 16 * index}" text-anchor="{anchor}" '
            f'fill="{color}" font-weight="600" stroke="#ffffff" stroke-width="4" paint-order="stroke">{escape(label)}</text>'
        )
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
