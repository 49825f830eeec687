"""Screens of issue 13 that the accessibility sweep (test_web_a11y.py) does not open, each checked and
saved under tests/browser/artifacts/ (git-ignored) to be looked at: the trend chart (no two labels
touch), a report's progress state and the PDF it gives (pages rendered with pypdfium2), the page of a
bad cut-off, and the publishing confirmation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_support import signed_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CUTOFF = "2020-11-H1"  # Kaltara's trend: two new denominator bases and the shown cut-off
# Every text of the chart's SVG that is drawn, with its box; the pairs whose boxes overlap.
LABEL_COLLISIONS = """() => {
  const boxes = [...document.querySelectorAll('#trend-chart svg text')]
    .filter(t => t.textContent.trim() && t.getAttribute('opacity') !== '0')
    .map(t => ({text: t.textContent, r: t.getBoundingClientRect()}))
    .filter(b => b.r.width > 0 && b.r.height > 0);
  const hits = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].r, b = boxes[j].r;
      if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) {
        hits.push([boxes[i].text, boxes[j].text]);
      }
    }
  }
  return {count: boxes.length, hits: hits};
}"""


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_trend_chart_labels_never_touch(demo_server, browser, lang, width):
    """Legend, axis names, thresholds and cut-off labels of the trend chart: no two overlap, at a desktop
    and a phone width; the lines without text are explained under the chart."""
    ARTIFACTS.mkdir(exist_ok=True)
    context, page = signed_in(browser, demo_server.url, width, lang)
    try:
        for path, name in ((f"/wilayah/65?cutoff={CUTOFF}", "2020"), ("/wilayah/65", "newest")):
            page.goto(demo_server.url + path)
            page.wait_for_selector("#trend-chart[data-ready='1']")
            found = page.evaluate(LABEL_COLLISIONS)
            page.locator("#trend-chart").scroll_into_view_if_needed()
            page.locator("#trend-chart").locator("xpath=..").screenshot(
                path=str(ARTIFACTS / f"trend-{name}-{lang}-{width}.png"))
            assert found["count"] >= 8, found  # legend, axes, cut-off labels are there
            assert not found["hits"], found["hits"]
            shown = page.locator("#trend-chart svg text").all_text_contents()
            assert any(re.fullmatch(r"\d\d/\d\d H[12]", t) for t in shown)  # x labels: "11/20 H1"
        page.goto(demo_server.url + f"/wilayah/65?cutoff={CUTOFF}")
        note = page.inner_text("#trend-note")
        assert CUTOFF in note and "DKB" in note  # the shown cut-off and the new bases, in words
    finally:
        context.close()


def test_report_progress_and_the_pdf_it_gives(demo_server, browser):
    """The PDF button near the title shows its progress, then a link; the PDF's page 1 (executive
    summary) and its ranking pages are rendered to PNG for the eye."""
    import pypdfium2

    ARTIFACTS.mkdir(exist_ok=True)
    context, page = signed_in(browser, demo_server.url, 1400, "id")
    try:
        page.goto(demo_server.url + f"/wilayah/65?cutoff={CUTOFF}")
        bar = page.locator("#report-bar")
        title = page.locator("h1").first.bounding_box()
        assert bar.bounding_box()["y"] < title["y"] + title["height"]  # beside the title, not in the footer
        page.click("#report-pdf")
        page.wait_for_selector("#report-status-inner")
        page.screenshot(path=str(ARTIFACTS / "report-progress-id-1400.png"))
        page.wait_for_selector("#report-status-inner.done", timeout=900_000)  # polls itself; a hang, not a slow machine
        page.screenshot(path=str(ARTIFACTS / "report-ready-id-1400.png"))
        href = page.get_attribute("#report-status-inner.done a", "href")
        pdf = page.request.get(demo_server.url + href).body()
    finally:
        context.close()
    assert pdf.startswith(b"%PDF")
    doc = pypdfium2.PdfDocument(pdf)
    texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    # the ranking follows on portrait pages (issue 23: a landscape page of its own left the page
    # before it nearly empty)
    start = next(i for i, t in enumerate(texts) if "Peringkat provinsi" in t)
    league = list(range(start, len(texts)))
    assert all(doc[i].get_width() < doc[i].get_height() for i in league)
    assert re.search(r"✗ 3 dari 5\s+kab/kota", " ".join(texts[i] for i in league))  # Kaltara: white paper in 3 of 5
    for i in [0, *league]:
        doc[i].render(scale=1.5).to_pil().save(ARTIFACTS / f"pdf-65-page{i + 1}.png")
    assert "Jalan ke level berikutnya" in texts[0] and "Pembilang" not in texts[0]


@pytest.mark.parametrize("width", [1400, 390])
def test_bad_cutoff_page_names_the_form_and_nearest_cutoffs(demo_server, browser, width):
    context, page = signed_in(browser, demo_server.url, width, "id")
    try:
        page.goto(demo_server.url + "/wilayah/65?cutoff=2020-11-3")
        page.screenshot(path=str(ARTIFACTS / f"bad-cutoff-id-{width}.png"), full_page=True)
        text = page.inner_text("main")
        assert "YYYY-MM-H1" in text and "2020-11-H1" in text
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_publishing_asks_for_confirmation(demo_server, browser, lang):
    """The national team opens the newest unpublished run: what it would publish, and a confirmation."""
    context, page = signed_in(browser, demo_server.url, 1400, lang, user="nasional")
    try:
        page.goto(demo_server.url + "/run")
        page.click("a.publish >> nth=0")
        page.wait_for_selector("#publish-confirm")
        page.screenshot(path=str(ARTIFACTS / f"publish-confirm-{lang}-1400.png"), full_page=True)
        assert page.locator("#publish-counts").inner_text().strip()
        assert page.locator("#publish-submit").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_path_step_spread_over_the_regencies(demo_server, browser, lang, width):
    """Riau (14) at 2020-11-H1 needs KIA for level 2: the step, and its people per regency/city
    (largest uncovered first), right under the banner; regency figures are shown within the user's
    jurisdiction only, so the national team looks."""
    context, page = signed_in(browser, demo_server.url, width, lang, user="nasional")
    try:
        page.goto(demo_server.url + f"/wilayah/14?cutoff={CUTOFF}")
        shares = page.locator("#next-step details.shares[data-ind='kia']")
        assert shares.is_visible() and shares.locator("tbody tr").count() >= 10
        uncovered = [int(re.sub(r"\D", "", t)) for t in shares.locator("tbody td:nth-child(2)").all_inner_texts()]
        assert uncovered == sorted(uncovered, reverse=True)
        page.locator("#next-step").screenshot(path=str(ARTIFACTS / f"next-step-shares-{lang}-{width}.png"))
        banner = page.locator("#level-value").bounding_box()
        assert page.locator("#next-step").bounding_box()["y"] > banner["y"]
        assert page.locator("#next-step").bounding_box()["y"] < page.locator("#indicator-cards").bounding_box()["y"]
    finally:
        context.close()
