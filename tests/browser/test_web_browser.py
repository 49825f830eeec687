"""Real-browser tests: Playwright driving Debian's Chromium against `capaian serve` on 127.0.0.1."""

from __future__ import annotations

import re

import pytest
from browser_support import PASSWORD
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def log_in(page, base: str, name: str) -> None:
    page.goto(base + "/nasional")
    page.click("#login-link")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    # a login leads to the user's own page: an office's region, /nasional for the others (issue 23)
    page.wait_for_url(re.compile(r"/nasional" if name == "nasional" else r"/wilayah/"))
    assert name in page.inner_text("#who")
    # an account remembers its language: another test of this session may have left it in English
    if page.get_attribute("html", "lang") != "id":
        page.click("#lang-toggle")
        page.wait_for_selector("html[lang='id']")


def test_golden_kaltara_2020(demo_server, page):
    """Log in, open the overview, click Kalimantan Utara, see level 3 at 2020-11-H1 with the seed's
    figures and its path to level 4, switch to English, log out; nothing leaves 127.0.0.1."""
    base = demo_server.url
    log_in(page, base, "nasional")
    assert page.locator("#synthetic-banner").is_visible()
    assert page.locator("#tilemap").is_visible()
    page.select_option("#cutoff-select", "2020-11-H1")
    page.wait_for_url(re.compile(r"cutoff=2020-11-H1"))
    assert "15 November 2020" in page.inner_text("#as-of")
    page.click('#tilemap a[data-code="65"]')
    page.wait_for_url(re.compile(r"/wilayah/65\?cutoff=2020-11-H1"))
    assert "Kalimantan Utara".lower() in page.inner_text("#region-title").lower()
    assert page.inner_text("#level-value") == "3"
    cards = page.inner_text("#indicator-cards")
    for figure in ("467.701", "101,93 %", "44,76 %", "96,21 %"):
        assert figure in cards, figure
    path = page.inner_text("#next-step")
    assert "Level 4" in path
    assert page.locator("#path li").count() >= 1
    page.wait_for_selector("#trend-chart[data-ready='1']")
    assert page.locator("#trend-chart svg").count() == 1
    page.click("#lang-toggle")
    page.wait_for_selector("html[lang='en']")
    cards = page.inner_text("#indicator-cards")
    for figure in ("467,701", "101.93 %", "44.76 %", "96.21 %"):
        assert figure in cards, figure
    assert "Path to the next level" in page.inner_text("#next-step")
    assert page.inner_text("#level-value") == "3"
    page.click("#logout")
    page.wait_for_selector("#login-link")
    assert page.recorder.urls, "no requests recorded"
    assert page.recorder.outside() == []
    assert page.recorder.errors == []


def test_search_sort_and_refusals(small_server, page):
    """htmx search, client-side sorting, a refused regency page, and an upload with problems listed."""
    base = small_server.url
    page.goto(base + "/nasional?cutoff=2020-11-H1")
    assert page.locator("#league-table tbody tr").count() == 34
    page.fill("#search", "kalimantan")
    expect(page.locator("#league-table tbody tr")).to_have_count(5)
    page.click("#league-table th:nth-child(2)")  # sort by name
    names = page.locator("#league-table tbody tr td:nth-child(2) a").all_inner_texts()
    assert names == sorted(names)
    page.goto(base + "/unggah")  # the public may read a published regency page, not upload
    assert page.locator("#error-page[data-status='403']").is_visible()
    log_in(page, base, "kaltara")
    page.goto(base + "/unggah")
    page.set_input_files("#file", files=[{
        "name": "salah.csv", "mimeType": "text/csv",
        "buffer": b"kode_wilayah,cutoff,wajib_ktp,ktp_terekam\n65.71,2020-12-H1,100,abc\n64.71,2020-12-H1,1,1\n",
    }])
    page.click("#upload-submit")
    page.wait_for_selector("#problems")
    assert page.locator("#problems tbody tr").count() >= 2
    page.goto(base + "/wilayah/65")
    assert page.locator("#regency-table tbody tr").count() == 5
    page.wait_for_selector("#trend-chart[data-ready='1']")
    assert page.recorder.outside() == []
    assert page.recorder.errors == []
