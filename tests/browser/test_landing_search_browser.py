"""Issue 23 in Chromium (Playwright) on the small store, in Indonesian and English at 1400 and 390 px:
an office logged in from `/` lands on its own page in one click after the login form, with a
"My region" link; the header's search box finds Kaltara, Tarakan and 65.71."""

from __future__ import annotations

import re

import pytest
from browser_support import PASSWORD
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SIZES = [1400, 390]
LANGS = ["id", "en"]
MY_REGION = {"id": "Wilayah saya", "en": "My region"}


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(width: int):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(120_000)  # a cold region page on a busy 2-core machine
        return page

    yield make
    for context in contexts:
        context.close()


def in_language(page, lang: str) -> None:
    if page.get_attribute("html", "lang") != lang:
        page.click("#lang-toggle")
        page.wait_for_selector(f"html[lang='{lang}']")


def no_wider_than(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", SIZES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("user, home, title", [("tarakan", "/wilayah/65.71", "Tarakan"),
                                               ("kaltara", "/wilayah/65", "Kalimantan Utara")])
def test_office_lands_on_its_own_page_in_one_click_after_the_form(small_server, new_page, width, lang, user, home,
                                                                 title):
    page = new_page(width)
    page.goto(small_server.url + "/")
    in_language(page, lang)
    page.click("#login-link")  # from `/` (which shows /nasional)
    page.fill("#name", user)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")  # the one click after the form
    page.wait_for_url(re.compile(re.escape(home) + r"(\?|$)"))
    assert title.lower() in page.inner_text("#region-title").lower()
    in_language(page, lang)  # the account's own language may differ from the public page's
    mine = page.locator("#nav-my-region")
    expect(mine).to_have_attribute("href", home)
    expect(mine).to_have_text(MY_REGION[lang])
    no_wider_than(page, width)


@pytest.mark.parametrize("width", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_search_finds_kaltara_tarakan_and_65_71(small_server, new_page, width, lang):
    page = new_page(width)
    page.goto(small_server.url + "/masuk")
    page.fill("#name", "nasional")
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(re.compile(r"/nasional"))
    in_language(page, lang)
    assert page.locator("#nav-my-region").count() == 0  # a national user has no region of its own
    # the abbreviation printed on the map tile: Enter leads to the province's page
    page.fill("#site-search", "Kaltara")
    page.press("#site-search", "Enter")
    page.wait_for_url(re.compile(r"/wilayah/65(\?|$)"))
    assert "kalimantan utara" in page.inner_text("#region-title").lower()
    # a regency by name: htmx lists it under the box as you type; one click opens it
    page.fill("#site-search", "Tarakan")
    suggestion = page.locator('#site-search-suggest a[href="/wilayah/65.71"]')
    expect(suggestion).to_be_visible()
    no_wider_than(page, width)
    suggestion.click()
    page.wait_for_url(re.compile(r"/wilayah/65\.71(\?|$)"))
    assert "tarakan" in page.inner_text("#region-title").lower()
    # a regency by code
    page.fill("#site-search", "65.71")
    page.press("#site-search", "Enter")
    page.wait_for_url(re.compile(r"/wilayah/65\.71(\?|$)"))
    # several matches: the search page lists them
    page.fill("#site-search", "kalimantan")
    page.click("#site-search-submit")
    page.wait_for_url(re.compile(r"/cari\?q=kalimantan"))
    expect(page.locator('#search-results a[href="/wilayah/65"]')).to_be_visible()
    assert page.locator("#search-results li").count() >= 5
    no_wider_than(page, width)


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_one_click_downloads_the_report(small_server, new_page, fmt):
    """A click on PDF/Excel starts the build (htmx shows the progress) and the browser gets the
    file once it is ready, without a second click; the file name says scope, cut-off, run, audience."""
    page = new_page(1400)
    page.goto(small_server.url + "/masuk")
    page.fill("#name", "kaltara")
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(re.compile(r"/wilayah/65(\?|$)"))
    page.goto(small_server.url + "/wilayah/65?cutoff=2020-11-H1")
    with page.expect_download(timeout=300_000) as info:
        page.click(f"#report-{fmt}")  # the one click
    name = info.value.suggested_filename
    assert re.fullmatch(rf"capaian-65-kalimantan-utara-2020-11-H1-run\d+-internal-(id|en)\.{fmt}", name), name
