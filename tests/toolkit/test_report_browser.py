"""The HTML impact report, opened in a real headless browser (Chromium).

The browser must be installed: on Debian and Ubuntu, ``apt-get install -y chromium`` (the
binary is ``chromium`` or ``chromium-browser``). Without it these tests FAIL, saying so,
unless ``AMIF_NO_BROWSER=1`` is set explicitly, which skips them.

What is checked, on the report of the 100,000-threshold draft over the sample portfolio,
with a sweep of ``lead_min_population``:

1. the DOM Chromium builds from the page as written (its Content-Security-Policy intact) has
   the flips table with one row per OCMW that becomes eligible, and the chart;
2. laid out in a 1280-pixel window, the table and the chart have a size, every row is
   shown, every point of the chart lies inside it (a copy of the page with a small
   measuring script, the only change);
3. a screenshot of the page as written shows the flips table (the background of its
   cause row) and the chart (the colour of its points).
"""

from __future__ import annotations

import html
import json
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from amif_rules.reference.municipalities import register
from amif_rules.toolkit.impact import impact
from amif_rules.toolkit.portfolio import applicant_name
from browsing import HEADLESS_FLAGS, require_browser
from conftest import ROOT

FLAGS = (*HEADLESS_FLAGS, "--window-size=1280,2600")


def _browser() -> str:
    """Chromium's binary; each browser test asks first, so that a missing one FAILS the test."""
    return require_browser("the HTML report")


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    report = impact(
        ROOT / "rulesets" / "call-42.yaml",
        ROOT / "rulesets" / "drafts" / "call-42-threshold-100000.yaml",
        ROOT / "examples" / "portfolios" / "call-42-all-ocmws.jsonl",
        lang="en",
        engine="python",
        sweep=("lead_min_population", range(50_000, 200_001, 10_000)),
    )
    folder = tmp_path_factory.mktemp("report")
    path = folder / "impact.html"
    path.write_text(report.to_html(), encoding="utf-8")
    return path


def _expected() -> dict[str, int]:
    import datetime as dt

    return {applicant_name(r)[0]: r.population for r in register.on(dt.date(2019, 1, 1)) if 100_000 < r.population <= 150_000}


def _run(browser: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    completed = subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, timeout=180, cwd=tmp_path
    )
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")[-2000:]
    return completed


class _Tree(HTMLParser):
    """Just enough of the DOM: every element with its attributes, ancestors and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[dict] = []
        self.elements: list[dict] = []

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "ancestors": list(self.stack), "text": []}
        self.elements.append(element)
        if tag in ("br", "td", "th"):
            self.handle_data(" ")
        if tag not in ("meta", "br", "line", "circle", "rect", "polyline", "input", "img", "link"):
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append({"tag": tag, "attrs": dict(attrs), "ancestors": list(self.stack), "text": []})

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index]["tag"] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        for element in self.stack:
            element["text"].append(data)

    def find(self, tag: str, **attrs) -> list[dict]:
        return [e for e in self.elements if e["tag"] == tag and all(e["attrs"].get(k) == v for k, v in attrs.items())]

    @staticmethod
    def text(element: dict) -> str:
        return " ".join("".join(element["text"]).split())

    @staticmethod
    def inside(element: dict, ancestor: dict) -> bool:
        return any(a is ancestor for a in element["ancestors"])


def test_the_browser_builds_the_flips_table_and_the_chart(page, tmp_path):
    browser = _browser()
    dom = _run(browser, tmp_path, "--dump-dom", page.as_uri()).stdout.decode("utf-8")
    tree = _Tree()
    tree.feed(dom)
    (table,) = tree.find("table", id="flips")
    rows = [row for row in tree.find("tr", **{"class": "flip"}) if tree.inside(row, table)]
    expected = _expected()
    assert len(rows) == len(expected) == 5
    shown = {tree.text(row) for row in rows}
    for name, population in expected.items():
        (row,) = [text for text in shown if text.startswith(name + " ")]
        assert f"applicant.municipality.population = {population:,}" in row
        assert "ineligible → eligible" in row and "lead-municipality-large: fail → pass" in row
    (cause,) = [row for row in tree.find("tr", **{"class": "cause-row"}) if tree.inside(row, table)]
    assert "lead-municipality-large: fail → pass (5 applications)" in tree.text(cause)
    (svg,) = tree.find("svg", id="sweep-chart")
    assert len([c for c in tree.find("circle") if tree.inside(c, svg)]) == 16
    assert len([p for p in tree.find("polyline") if tree.inside(p, svg)]) == 1
    labels = [tree.text(t) for t in tree.find("text", **{"class": "marker-label"}) if tree.inside(t, svg)]
    assert labels == ["draft: 100,000", "base: 150,000"]
    ticks = [tree.text(t) for t in tree.find("text", **{"class": "x-tick"})]
    assert "100,000" in ticks and "200,000" in ticks


_MEASURE = """
<script>
(function () {
  const box = (e) => { const b = e.getBoundingClientRect(); return {x: b.left, y: b.top, w: b.width, h: b.height}; };
  const table = document.getElementById("flips");
  const svg = document.getElementById("sweep-chart");
  const result = {
    table: box(table),
    rows: Array.from(table.querySelectorAll("tr.flip")).map((row) => ({text: row.innerText, box: box(row)})),
    chart: box(svg),
    points: Array.from(svg.querySelectorAll("circle")).map(box),
    line: box(svg.querySelector("polyline")),
  };
  const out = document.createElement("pre");
  out.id = "measured";
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
})();
</script>
"""


def test_the_table_and_the_chart_are_laid_out(page, tmp_path):
    browser = _browser()
    text = page.read_text(encoding="utf-8")
    start = text.index('<meta http-equiv="Content-Security-Policy"')
    measured_page = tmp_path / "measured.html"
    measured_page.write_text(
        text[:start] + text[text.index(">", start) + 1 :].replace("</body>", _MEASURE + "</body>"), encoding="utf-8"
    )
    dom = _run(browser, tmp_path, "--dump-dom", measured_page.as_uri()).stdout.decode("utf-8")
    start = dom.index('<pre id="measured">') + len('<pre id="measured">')
    result = json.loads(html.unescape(dom[start : dom.index("</pre>", start)]))
    assert result["table"]["w"] > 600 and result["table"]["h"] > 100
    assert len(result["rows"]) == 5
    for row in result["rows"]:
        assert row["box"]["w"] > 600 and row["box"]["h"] > 10
    assert sorted(row["text"].split("\n")[0].strip() for row in result["rows"]) == sorted(_expected())
    chart = result["chart"]
    assert chart["w"] >= 600 and chart["h"] >= 250
    assert chart["y"] > result["table"]["y"] + result["table"]["h"]  # below the table, not over it
    assert len(result["points"]) == 16
    for point in result["points"]:
        assert chart["x"] <= point["x"] and point["x"] + point["w"] <= chart["x"] + chart["w"] + 0.5
        assert chart["y"] <= point["y"] and point["y"] + point["h"] <= chart["y"] + chart["h"] + 0.5
    heights = [point["y"] for point in result["points"]]
    assert heights == sorted(heights)  # fewer eligible as the threshold rises: lower on the screen
    assert result["line"]["w"] > 400


def _decode_png(data: bytes) -> tuple[int, int, int, bytes]:
    """(width, height, bytes per pixel, unfiltered pixel rows) of an 8-bit RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, idat, header = 8, b"", None
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    assert header is not None
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            corner = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, bpp, b"".join(rows)


def test_a_screenshot_shows_the_table_and_the_chart(page, tmp_path):
    browser = _browser()
    shot = tmp_path / "shot.png"
    _run(browser, tmp_path, f"--screenshot={shot}", page.as_uri())
    width, height, bpp, pixels = _decode_png(shot.read_bytes())
    assert (width, height) == (1280, 2600)
    colours = {pixels[i : i + 3] for i in range(0, len(pixels), bpp)}
    assert bytes.fromhex("fff7e0") in colours, "the cause row of the flips table is not on the screenshot"
    assert bytes.fromhex("1f5fbf") in colours, "the points of the sweep chart are not on the screenshot"
    assert len(colours) > 50  # text, not a blank page
