"""The one level palette: an ordinal, colour-blind-safe scale from level 1 (the strongest warning:
the darkest, most saturated red) to level 4 (calm: a pale grey-blue). Lightness rises strictly with
the level, so the order reads in greyscale and for every kind of colour blindness; every tile carries
its level as text too ("L1"), never colour alone.

Used by the web CSS (`css_variables`, inlined by base.html), the PDF (`pdf_css`), the workbook
(`capaian.reports.xlsx`), the chart PNGs (`capaian.reports.charts`) and the map (geomap.js reads the
CSS variables). Text on each fill meets WCAG AA (4.5:1), tests/test_palette.py checks it.
"""

from __future__ import annotations

from typing import NamedTuple


class Swatch(NamedTuple):
    fill: str  # background of a tile, badge or cell
    ink: str   # text on it


LEVELS: dict[int, Swatch] = {
    1: Swatch("#67000d", "#ffffff"),
    2: Swatch("#b3411a", "#ffffff"),
    3: Swatch("#f4a582", "#3b1300"),
    4: Swatch("#eef4f7", "#123a4f"),
}
NO_LEVEL = Swatch("#d8dde3", "#10202c")  # no level (not assessed, no data): grey, outside the scale


def swatch(level) -> Swatch:
    """The swatch of a level (1..4; a level above 4 reads as 4, None as no level)."""
    if level is None:
        return NO_LEVEL
    level = int(level)
    if level <= 0:
        return NO_LEVEL
    return LEVELS.get(level) or LEVELS[max(LEVELS)]


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of `#rrggbb`."""
    h = hex_colour.lstrip("#")
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1..21)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def css_variables() -> str:
    """`:root { --l1: …; --l1-fg: …; … }` for the web pages."""
    parts = [f"--l{level}: {s.fill}; --l{level}-fg: {s.ink};" for level, s in LEVELS.items()]
    parts.append(f"--lx: {NO_LEVEL.fill}; --lx-fg: {NO_LEVEL.ink};")
    return ":root { " + " ".join(parts) + " }"


def pdf_css() -> str:
    """The PDF's level classes (`.l1`..`.l4`, `.l0` for no level)."""
    rules = [f".l{level} {{ background: {s.fill}; color: {s.ink}; }}" for level, s in LEVELS.items()]
    return "\n".join(rules)
