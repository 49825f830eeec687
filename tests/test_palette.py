"""The one level palette (capaian.present.palette): read back from the web page, the PDF, the
workbook and the chart PNG, it is the same four colours; lightness rises from level 1 (the strongest
warning) to level 4 (calm); text on every tile meets WCAG AA (4.5:1)."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from fastapi.testclient import TestClient

from capaian.present.palette import LEVELS, NO_LEVEL, contrast, luminance, rgb
from web_support import SEED_CUTOFF

WEB_CSS = "src/capaian/web/static/css/app.css"


def test_palette_is_ordinal_and_readable():
    fills = [LEVELS[level].fill for level in sorted(LEVELS)]
    lum = [luminance(f) for f in fills]
    assert lum == sorted(lum) and len(set(lum)) == 4  # level 1 darkest (strongest warning) .. level 4 lightest
    for a, b in zip(fills, fills[1:]):
        assert contrast(a, b) >= 1.5, (a, b)  # neighbours tell apart in greyscale
    for sw in (*LEVELS.values(), NO_LEVEL):
        assert contrast(sw.fill, sw.ink) >= 4.5, sw  # text on each tile: WCAG AA
    # red-to-pale: level 1 is the most saturated warm colour of the scale
    r, g, b = rgb(LEVELS[1].fill)
    assert r > g and r > b


def _web_colours(page: str) -> dict:
    style = re.search(r'<style id="palette">(.*?)</style>', page, flags=re.S).group(1)
    return dict(re.findall(r"--(l[0-9x](?:-fg)?):\s*(#[0-9a-fA-F]{6})", style))


def test_web_page_uses_the_palette_on_tiles_and_badges(app):
    page = TestClient(app).get(f"/nasional?cutoff={SEED_CUTOFF}").text
    var = _web_colours(page)
    for level, sw in LEVELS.items():
        assert var[f"l{level}"] == sw.fill and var[f"l{level}-fg"] == sw.ink
        assert contrast(var[f"l{level}"], var[f"l{level}-fg"]) >= 4.5
    css = open(WEB_CSS, encoding="utf-8").read()
    assert not re.search(r"--l[0-9x]:", css)  # the stylesheet holds no second definition
    for level in LEVELS:  # tiles and badges use the variables: fill and its text colour together
        assert f".tilemap .lv{level} ~ text {{ fill: var(--l{level}-fg); }}" in css
        assert f".lvl-{level} {{ background: var(--l{level}); color: var(--l{level}-fg); }}" in css
    assert re.search(r'<rect [^>]*class="lv[1-4]"', page)


def _pdf_fills(content: bytes) -> set:
    from pypdf.generic import ContentStream

    reader = pypdf.PdfReader(io.BytesIO(content))
    out = set()
    for page in reader.pages:
        ops = ContentStream(page.get_contents(), reader).operations
        for operands, op in ops:
            if op == b"rg" and len(operands) == 3:
                out.add(tuple(round(float(v) * 255) for v in operands))
    return out


def test_pdf_uses_the_same_colours_as_the_web(app, small_store):
    from capaian.reports import build_report

    web = _web_colours(TestClient(app).get(f"/nasional?cutoff={SEED_CUTOFF}").text)
    fills = _pdf_fills(build_report(small_store, "ID", SEED_CUTOFF, "pdf").content)
    for level in LEVELS:
        assert rgb(web[f"l{level}"]) in fills, level  # the legend and the tiles of the national PDF
    old = {(0xF4, 0xC7, 0xC3), (0xFD, 0xE9, 0xB6), (0xCF, 0xE8, 0xCF), (0x8C, 0xC7, 0x9A)}  # the PDF's old palette
    assert not (old & fills)


def test_workbook_and_chart_use_the_palette(small_store):
    import openpyxl
    from PIL import Image

    from capaian.reports import build_report

    book = openpyxl.load_workbook(io.BytesIO(build_report(small_store, "65", SEED_CUTOFF, "xlsx").content))
    fills = set()
    for ws in book.worksheets:
        for rule in ws.conditional_formatting:
            for r in rule.rules:
                if r.dxf is not None and r.dxf.fill is not None and r.dxf.fill.bgColor is not None:
                    fills.add(str(r.dxf.fill.bgColor.rgb)[-6:].lower())
        for row in ws.iter_rows():
            for cell in row:
                colour = cell.fill.fgColor.rgb if cell.fill is not None and cell.fill.fill_type else None
                if isinstance(colour, str):
                    fills.add(colour[-6:].lower())
    assert {sw.fill.lstrip("#") for sw in LEVELS.values()} <= fills

    from capaian.reports.charts import trend_png, trend_rows
    from capaian.runs import pick

    view, choice = pick(small_store, cutoff=SEED_CUTOFF)
    png = trend_png(trend_rows(small_store, choice, view, "65"), view.rubric, "id")
    if png is None:
        pytest.skip("no trend chart for this store")
    colours = {c[:3] for _, c in Image.open(io.BytesIO(png)).convert("RGB").getcolors(1 << 20)}
    assert {rgb(sw.fill) for sw in LEVELS.values()} <= colours
