"""Issue 23 in Chromium on the small web store: the "what next" lists on the first screen of
/nasional at 1400 px, the level palette on the tiles (read from the page, checked against the PDF's
palette, text contrast AA on each tile), and the scorecard (sticky header, keyboard sorting with
aria-sort, a page of at most 300 KB)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_support import signed_in

from capaian.present.palette import LEVELS, contrast

pytestmark = pytest.mark.browser
CUTOFF = "2020-11-H1"


def _hex(css_colour: str) -> str:
    r, g, b = (int(v) for v in re.findall(r"\d+", css_colour)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def test_what_next_is_on_the_first_screen_and_tiles_use_the_palette(small_server, browser):
    context, page = signed_in(browser, small_server.url, 1400, "id", user="nasional")
    try:
        page.goto(f"{small_server.url}/nasional?cutoff={CUTOFF}")
        for box in ("#watch-near", "#watch-risk", "#watch-movers", "#watch-missing"):
            rect = page.locator(box).bounding_box()
            assert rect and rect["y"] + min(rect["height"], 120) <= 900, box  # above the fold
        tiles = page.evaluate("""() => Array.from(document.querySelectorAll('#tilemap rect[class^="lv"]')).map(r => ({
            cls: r.getAttribute('class'), fill: getComputedStyle(r).fill,
            text: getComputedStyle(r.parentNode.querySelector('text.tv')).fill}))""")
        seen = set()
        for t in tiles:
            level = t["cls"][2:]
            if level == "x":
                continue
            assert _hex(t["fill"]) == LEVELS[int(level)].fill  # the page's colour is the palette's (and the PDF's)
            assert contrast(_hex(t["fill"]), _hex(t["text"])) >= 4.5, t
            seen.add(int(level))
        assert seen
        badges = page.evaluate("""() => [1,2,3,4].map(l => {const s = document.createElement('span');
            s.className = 'lvl lvl-' + l; document.body.appendChild(s); const c = getComputedStyle(s);
            const out = [c.backgroundColor, c.color]; s.remove(); return out; })""")
        fills = [_hex(b[0]) for b in badges]
        assert fills == [LEVELS[level].fill for level in (1, 2, 3, 4)]
        for bg, fg in badges:
            assert contrast(_hex(bg), _hex(fg)) >= 4.5
    finally:
        context.close()


def test_scorecard_sticky_header_keyboard_sort_and_weight(small_server, browser):
    context, page = signed_in(browser, small_server.url, 1400, "en", user="nasional")
    try:
        response = page.goto(f"{small_server.url}/nasional/kabkota?cutoff={CUTOFF}")
        assert len(response.body()) <= 300_000
        page.fill("#scorecard-search", "Tarakan")
        page.press("#scorecard-search", "Enter")
        page.wait_for_url(re.compile(r"q=Tarakan"))
        assert page.locator("#scorecard-table tbody tr").count() == 1
        page.goto(f"{small_server.url}/nasional/kabkota?cutoff={CUTOFF}")
        link = page.locator("#scorecard-table thead th a.sortlink", has_text="Region")
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"sort=name"))
        th = page.locator("#scorecard-table thead th", has=page.locator("a.sortlink", has_text="Region"))
        assert th.get_attribute("aria-sort") == "ascending"
        page.locator("#scorecard-table thead th a.sortlink", has_text="Region").focus()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"desc=1"))
        assert page.locator("#scorecard-table thead th[aria-sort='descending']").count() == 1
        wrap = page.locator(".scorewrap")
        top_before = page.locator("#scorecard-table thead th").first.bounding_box()["y"]
        wrap.evaluate("el => el.scrollTop = 1500")
        head = page.locator("#scorecard-table thead th").first.bounding_box()
        box = wrap.bounding_box()
        assert abs(head["y"] - box["y"]) <= 2 and abs(head["y"] - top_before) <= 2  # the header stayed
    finally:
        context.close()


def test_trend_axis_holds_every_threshold_state_in_the_url_and_downloads(small_server, browser):
    context, page = signed_in(browser, small_server.url, 1400, "id", user="nasional")
    try:
        page.goto(f"{small_server.url}/wilayah/65?cutoff={CUTOFF}")
        page.wait_for_selector("#trend-chart[data-ready='1']")
        extent, thresholds = page.evaluate("""() => {
            const chart = echarts.getInstanceByDom(document.getElementById('trend-chart'));
            const trend = JSON.parse(document.getElementById('trend-data').textContent).trend;
            return [chart.getModel().getComponent('yAxis', 0).axis.scale.getExtent(),
                    Object.values(trend.series).map(s => s.threshold)]; }""")
        assert 20 in thresholds
        for t in thresholds:
            assert extent[0] <= t <= extent[1], (t, extent)  # the 20 % KIA threshold is drawn
        page.evaluate("""() => echarts.getInstanceByDom(document.getElementById('trend-chart'))
            .dispatchAction({type: 'legendUnSelect', name: echarts.getInstanceByDom(
              document.getElementById('trend-chart')).getOption().series[0].name})""")
        page.wait_for_function("() => location.search.includes('tampil=')")
        kept = page.url
        assert "ktp_el" not in kept.split("tampil=")[1]
        page.goto(kept)
        page.wait_for_selector("#trend-chart[data-ready='1']")
        first = page.evaluate("""() => { const c = echarts.getInstanceByDom(document.getElementById('trend-chart'));
            const o = c.getOption(); return o.legend[0].selected[o.series[0].name]; }""")
        assert first is False  # the view came back from the URL
        for kind, magic in (("png", b"\x89PNG"), ("svg", b"<svg")):
            with page.expect_download() as info:
                page.click(f"#trend-downloads button[data-download='{kind}']")
            path = info.value.path()
            assert info.value.suggested_filename.endswith(f".{kind}")
            assert open(path, "rb").read()[:4] == magic
        page.goto(f"{small_server.url}/nasional?cutoff={CUTOFF}")
        page.select_option("#map-colour", "kia")
        page.wait_for_function("() => location.search.includes('warna=kia')")
        page.goto(page.url)
        assert page.eval_on_selector("#map-colour", "el => el.value") == "kia"
        assert page.locator("#tilemap rect.st-met, #tilemap rect.st-not_met").count() >= 1
        for kind, magic in (("png", b"\x89PNG"), ("svg", b"<svg")):
            with page.expect_download() as info:
                page.click(f"#map-downloads button[data-download='{kind}']")
            content = open(info.value.path(), "rb").read()
            assert content[:4] == magic
            if kind == "svg":
                assert b'fill="rgb(' in content  # computed colours written in: it stands alone
    finally:
        context.close()


RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def test_skip_link_keyboard_sorting_and_unbroken_words(small_server, browser):
    context, page = signed_in(browser, small_server.url, 390, "en", user="kaltara")
    try:
        page.goto(f"{small_server.url}/wilayah/65?cutoff={CUTOFF}")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        th = page.locator("table.sortable th[data-sort-type]").first
        assert th.get_attribute("tabindex") == "0" and th.get_attribute("aria-sort") == "none"
        th.focus()
        page.keyboard.press("Enter")
        assert th.get_attribute("aria-sort") in ("ascending", "descending")
        # "regencies/cities" may break after the slash, never inside a word
        broken = page.evaluate("""() => {
          const out = [];
          const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const node = walker.currentNode;
            for (const word of ['regencies', 'cities']) {
              const i = node.textContent.indexOf(word);
              if (i < 0 || !node.parentElement.offsetParent) { continue; }
              const range = document.createRange();
              range.setStart(node, i); range.setEnd(node, i + word.length);
              const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
              if (tops.size > 1) { out.push(node.textContent); }
            }
          }
          return out; }""")
        assert broken == []
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_upload_refusals_fit_a_phone(small_server, browser, lang, tmp_path):
    bad = tmp_path / "salah-sekali-dengan-nama-berkas-yang-panjang.csv"
    bad.write_text("kode_wilayah,cutoff,wajib_ktp,ktp_terekam,anak_lt17,kia_dimiliki\n"
                   "65.71,2020-12-H1,120000,abc,50000,20000\n65.04,2020-12-H1,1000,900,500,1200\n"
                   "99.99,2020-12-H1,1,1,1,1\n", encoding="utf-8")
    context, page = signed_in(browser, small_server.url, 390, lang, user="kaltara")
    try:
        page.goto(f"{small_server.url}/unggah")
        page.set_input_files("#file", str(bad))
        page.click("#upload-submit")
        page.wait_for_selector("#problems")
        wide = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        assert wide <= 390
        page.add_script_tag(path=str(AXE))
        assert page.evaluate(RUN_AXE) == []
    finally:
        context.close()


def test_after_an_upload_the_draft_preview_shows_the_level(small_server, browser, tmp_path):
    good = tmp_path / "tarakan-desember.csv"
    good.write_text("kode_wilayah,cutoff,wajib_ktp,ktp_terekam,anak_lt17,kia_dimiliki,anak_lt18,akta_lahir_dimiliki\n"
                    "65.71,2020-12-H1,120000,121000,50000,26000,56000,54000\n", encoding="utf-8")
    from browser_support import PASSWORD

    context = browser.new_context(viewport={"width": 390, "height": 900}, bypass_csp=True, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(f"{small_server.url}/masuk")
        page.fill("#name", "tarakan")  # Kota Tarakan's operator: the preview is its own level
        page.fill("#password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_load_state("networkidle")
        page.goto(f"{small_server.url}/unggah")
        page.set_input_files("#file", str(good))
        page.click("#upload-submit")
        page.wait_for_selector("#draft-preview")
        assert re.fullmatch(r"L[1-4]", page.inner_text("#preview-level .lvl").strip())
        assert page.locator("#upload-status li[aria-current='step']").count() == 1
        wide = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        assert wide <= 390
        page.add_script_tag(path=str(AXE))
        assert page.evaluate(RUN_AXE) == []
    finally:
        context.close()
