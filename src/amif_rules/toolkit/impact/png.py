"""The sweep chart as a PNG image, drawn without a graphics library: a small raster (lines,
rectangles, discs), a 5×9 bitmap font made for this module (ASCII, the accented letters of
Dutch and French, € and →), and a PNG writer (``zlib`` + ``struct``). The same input gives
the same bytes.
"""

from __future__ import annotations

import math
import struct
import zlib

from .chart import AXIS, BLUE, GREY, GRID, INK, ORANGE, chart_layout
from .model import SweepResult

_FONT_CHARS = (
    " ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz.,:;-_()[]{}/\\|%+=<>?!'\"`^~#*&@$€→–’×·àâäéèêëôöùûüîïçÉ"
)
#: One glyph per character of _FONT_CHARS: 9 rows (top to bottom), each a base-32 digit whose
#: 5 bits are the pixels of the row, left to right. Rows 0-6 hold capitals (row 6 is the
#: baseline), rows 7-8 descenders.
_FONT_CODES = (
    "000000000 ehhvhhh00 uhhuhhu00 ehggghe00 sihhhis00 vgguggv00 vgguggg00 ehgnhhf00 hhhvhhh00 "
    "e44444e00 72222ic00 hikokih00 ggggggv00 hrllhhh00 hhpljhh00 ehhhhhe00 uhhuggg00 ehhhlid00 "
    "uhhukih00 fgge11u00 v44444400 hhhhhhe00 hhhhha400 hhhllla00 hha4ahh00 hha444400 v1248gv00 "
    "ehjlphe00 4c4444e00 eh1248v00 v2421he00 26aiv2200 vgu11he00 68guhhe00 v12488800 ehhehhe00 "
    "ehhf12c00 00e1fhf00 ggmphhu00 00egghe00 11djhhf00 00ehvge00 698s88800 00fhhhf1e ggmphhh00 "
    "40c444e00 2062222ic ggikoki00 c44444e00 00qllll00 00mphhh00 00ehhhe00 00uhhhugg 00fhhhf11 "
    "00mpggg00 00fge1u00 88s889600 00hhhjd00 00hhha400 00hhlla00 00ha4ah00 00hhhhf1e 00v248v00 "
    "000000400 000004480 000400400 000404480 000e00000 0000000v0 248884200 842224800 e88888e00 "
    "e22222e00 244844200 844244800 11248gg00 gg8421100 444444400 pp248jj00 044v44000 00v0v0000 "
    "248g84200 842124800 eh1240400 444440400 448000000 aa0000000 840000000 4ah000000 008l20000 "
    "aavavaa00 04lel4000 cik8lid00 ehnlnge00 4fke5u400 78u8u8700 042v24000 000v00000 448000000 "
    "0ha4ah000 000400000 84e1fhf00 4ae1fhf00 0ae1fhf00 24ehvge00 84ehvge00 4aehvge00 0aehvge00 "
    "4aehhhe00 0aehhhe00 84hhhjd00 4ahhhjd00 0ahhhjd00 4ac444e00 0ac444e00 00egghe4c 2vguggv00 "
)
_DIGITS = "0123456789abcdefghijklmnopqrstuv"
_GLYPHS = {char: tuple(_DIGITS.index(c) for c in code) for char, code in zip(_FONT_CHARS, _FONT_CODES.split())}
_SPACES = "\u00a0\u202f\u2009\u2007"
GLYPH_WIDTH, GLYPH_HEIGHT, GLYPH_ADVANCE = 5, 9, 6


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


class Raster:
    """An RGB image in memory, with just what a chart needs."""

    def __init__(self, width: int, height: int, background: str = "#ffffff"):
        self.width, self.height = width, height
        self.pixels = bytearray(bytes(_rgb(background)) * (width * height))

    def point(self, x: int, y: int, color: tuple[int, int, int]) -> None:
        if 0 <= x < self.width and 0 <= y < self.height:
            offset = 3 * (y * self.width + x)
            self.pixels[offset : offset + 3] = bytes(color)

    def rect(self, x: int, y: int, width: int, height: int, color: str) -> None:
        rgb = bytes(_rgb(color))
        for row in range(max(0, y), min(self.height, y + height)):
            start, end = max(0, x), min(self.width, x + width)
            if end > start:
                offset = 3 * (row * self.width + start)
                self.pixels[offset : offset + 3 * (end - start)] = rgb * (end - start)

    def line(
        self, x0: float, y0: float, x1: float, y1: float, color: str, width: int = 1, dash: tuple[int, int] | None = None
    ) -> None:
        rgb = _rgb(color)
        steps = max(abs(round(x1) - round(x0)), abs(round(y1) - round(y0)), 1)
        half = width // 2
        for step in range(steps + 1):
            if dash is not None and step % (dash[0] + dash[1]) >= dash[0]:
                continue
            x = round(x0 + (x1 - x0) * step / steps)
            y = round(y0 + (y1 - y0) * step / steps)
            for dx in range(-half, width - half):
                for dy in range(-half, width - half):
                    self.point(x + dx, y + dy, rgb)

    def disc(self, cx: float, cy: float, radius: float, color: str) -> None:
        rgb = _rgb(color)
        r = math.ceil(radius)
        for dy in range(-r, r + 1):
            for dx in range(-r, r + 1):
                if dx * dx + dy * dy <= radius * radius:
                    self.point(round(cx) + dx, round(cy) + dy, rgb)

    @staticmethod
    def text_width(text: str, scale: int = 1) -> int:
        return len(text) * GLYPH_ADVANCE * scale - scale if text else 0

    def text(self, x: float, y: float, text: str, color: str, scale: int = 1, anchor: str = "start") -> None:
        """Draw ``text`` with its baseline at ``y``; ``anchor``: start, middle or end."""
        rgb = _rgb(color)
        width = self.text_width(text, scale)
        left = round(x - (width / 2 if anchor == "middle" else width if anchor == "end" else 0))
        top = round(y) - 6 * scale
        for index, char in enumerate(text):
            if char in _SPACES:
                char = " "
            glyph = _GLYPHS.get(char) or _GLYPHS["?"]
            origin = left + index * GLYPH_ADVANCE * scale
            for row, bits in enumerate(glyph):
                for column in range(GLYPH_WIDTH):
                    if bits & (1 << (GLYPH_WIDTH - 1 - column)):
                        for sy in range(scale):
                            for sx in range(scale):
                                self.point(origin + column * scale + sx, top + row * scale + sy, rgb)

    def png(self) -> bytes:
        """The image as PNG bytes (8-bit RGB, no filter, zlib level 9)."""
        stride = 3 * self.width
        raw = b"".join(b"\x00" + bytes(self.pixels[row * stride : (row + 1) * stride]) for row in range(self.height))

        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def sweep_png(sweep: SweepResult, lang: str = "en") -> bytes:
    """The sweep chart as PNG bytes (900 × 500 pixels)."""
    scale = 2
    layout = chart_layout(sweep, lang, 900, 500, GLYPH_ADVANCE * scale, (92, 60, 104, 70))
    image = Raster(layout.width, layout.height)
    x0, x1 = layout.left, layout.width - layout.right
    y0, y1 = layout.top, layout.height - layout.bottom
    image.text(x0 - 60, 28, _fit(layout.title, layout.width - 40, scale), INK, scale)
    subtitle_scale = scale if image.text_width(layout.subtitle, scale) <= layout.width - 40 else 1
    image.text(x0 - 60, 52, _fit(layout.subtitle, layout.width - 40, subtitle_scale), AXIS, subtitle_scale)
    for y, _ in layout.y_ticks:
        image.line(x0, y, x1, y, GRID)
    for x, _label, kind, inside in layout.markers:
        if inside:
            image.line(x, y0, x, y1, ORANGE if kind == "own" else GREY, width=2, dash=(7, 5))
    image.line(x0, y1, x1, y1, AXIS, width=2)
    image.line(x0, y0, x0, y1, AXIS, width=2)
    for x, label in layout.x_ticks:
        image.line(x, y1, x, y1 + 6, AXIS, width=2)
        image.text(x, y1 + 26, label, AXIS, scale, "middle")
    for y, label in layout.y_ticks:
        image.line(x0 - 6, y, x0, y, AXIS, width=2)
        image.text(x0 - 10, y + 6, label, AXIS, scale, "end")
    image.text((x0 + x1) / 2, layout.height - 14, layout.x_label, INK, scale, "middle")
    image.text(x0, y0 - 12, layout.y_label, INK, scale)
    for (xa, ya, _), (xb, yb, _) in zip(layout.points, layout.points[1:]):
        image.line(xa, ya, xb, yb, BLUE, width=3)
    for x, y, _ in layout.points:
        image.disc(x, y, 4.5, BLUE)
    for index, (x, label, kind, _) in enumerate(layout.markers):
        color = ORANGE if kind == "own" else GREY
        anchor = "start" if x < (x0 + x1) / 2 else "end"
        left = round(x + 8) if anchor == "start" else round(x - 8 - image.text_width(label, scale))
        baseline = y0 + 20 + 22 * index
        image.rect(left - 3, baseline - 6 * scale - 3, image.text_width(label, scale) + 6, 9 * scale + 2, "#ffffff")
        image.text(left, baseline, label, color, scale)
    return image.png()


def _fit(text: str, width: int, scale: int) -> str:
    most = max(1, (width + scale) // (GLYPH_ADVANCE * scale))
    return text if len(text) <= most else text[: max(0, most - 3)] + "..."
