"""Accessibility and small screens in a real browser (issue 13): axe-core (vendored in
tests/browser/vendor/, MPL-2.0) on the overview, a province page, a regency page and the upload page,
in Indonesian and English, at 1400 px and 390 px: no serious or critical violation, nothing wider than
the screen. Each screen is saved under tests/browser/artifacts/ (git-ignored) to be looked at."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_support import signed_in

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent
AXE = HERE / "vendor" / "axe.min.js"
ARTIFACTS = HERE / "artifacts"
CUTOFF = "2020-11-H1"
SCREENS = {
    "overview": f"/nasional?cutoff={CUTOFF}",
    "province": f"/wilayah/65?cutoff={CUTOFF}",
    "regency": f"/wilayah/65.71?cutoff={CUTOFF}",  # Tarakan, level 4: the indicator closest to falling
    "upload": "/unggah",
    "scorecard": f"/nasional/kabkota?cutoff={CUTOFF}",
    "api": "/api",
    "apidocs": "/api/docs",
    "runs": "/run",
    "quality": "/kualitas",
    "completeness": f"/kelengkapan?cutoff={CUTOFF}",
    "login": "/masuk",
    "bad-cutoff": "/nasional?cutoff=2031-13-H9",
    "not-found": "/wilayah/99",
}
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" "))}));
}"""


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_screens_have_no_serious_violations_and_fit(demo_server, browser, lang, width):
    ARTIFACTS.mkdir(exist_ok=True)
    context, page = signed_in(browser, demo_server.url, width, lang)
    problems = {}
    try:
        for name, path in SCREENS.items():
            page.goto(demo_server.url + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}-{width}.png"), full_page=True)
            page.add_script_tag(path=str(AXE))
            serious = [v for v in page.evaluate(RUN_AXE) if v["impact"] in ("serious", "critical")]
            if serious:
                problems[name] = serious
            wide = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
            assert wide <= width, f"{name} ({lang}) is {wide} px wide at {width} px"
    finally:
        context.close()
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)[:6000]


def test_map_reads_at_desktop_and_becomes_a_list_on_a_phone(demo_server, browser):
    context, page = signed_in(browser, demo_server.url, 1400, "id")
    try:
        page.goto(demo_server.url + SCREENS["overview"])
        label_px = page.evaluate("""() => {
          const t = document.querySelector('#tilemap text.tl');
          return parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a; }""")
        assert label_px >= 12
        assert page.locator("#map-legend").is_visible()
        assert not page.locator("#maplist").is_visible()
        page.select_option("#map-colour", "kia")
        assert page.locator("#tilemap rect.st-met, #tilemap rect.st-not_met").count() >= 30
        assert page.locator("#map-legend .lg-status").first.is_visible()
        assert not page.locator("#map-legend .lg-level").first.is_visible()
        page.screenshot(path=str(ARTIFACTS / "overview-map-kia-1400.png"))
        page.set_viewport_size({"width": 390, "height": 900})
        assert page.locator("#maplist").is_visible() and not page.locator("#tilemap").is_visible()
        name_cell = page.locator("#league-table tbody tr td:nth-child(2)").first
        assert name_cell.evaluate("el => getComputedStyle(el).position") == "sticky"
    finally:
        context.close()
