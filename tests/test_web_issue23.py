"""Issue 23 on the pages and the API, on the small real store: a login leads an office to its own
page (and a "My region" link), one search box on every page finds provinces and regencies, the
API reads the same spellings as the CLI, and times show in the office's zone."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from web_support import PASSWORD, SEED_CUTOFF, csrf_of


def log_in(client: TestClient, name: str, next_: str | None = None):
    """What the header's "Log in" link does: the form without `next=`, unless one is given."""
    form = client.get("/masuk" + (f"?next={next_}" if next_ else ""))
    assert form.status_code == 200
    login_form = form.text[form.text.index('id="login-form"'):]
    hidden = re.search(r'name="next" value="([^"]*)"', login_form).group(1)
    return client.post("/masuk", data={"name": name, "password": PASSWORD, "csrf_token": csrf_of(form.text),
                                       "next": hidden}, follow_redirects=False)


@pytest.mark.parametrize("name, home", [("tarakan", "/wilayah/65.71"), ("kaltara", "/wilayah/65"),
                                        ("malinau", "/wilayah/65.02"), ("nasional", "/nasional")])
def test_login_from_any_page_lands_on_the_users_own_page(app, name, home):
    client = TestClient(app)
    front = client.get("/nasional")
    link = re.search(r'<a href="([^"]+)" id="login-link">', front.text).group(1)
    assert link == "/masuk"  # the header link carries no next=: it is no deep link
    assert log_in(client, name).headers["location"] == home
    page = client.get(home + f"?cutoff={SEED_CUTOFF}")
    assert page.status_code == 200
    mine = re.search(r'<a href="([^"]+)" id="nav-my-region">', page.text)
    assert (mine.group(1) if mine else None) == (home if home != "/nasional" else None)


def test_a_deliberate_deep_link_wins_but_the_front_page_does_not(app):
    deep = "/wilayah/65.71/jangkauan?cutoff=" + SEED_CUTOFF
    assert log_in(TestClient(app), "tarakan", deep.replace("?", "%3F").replace("=", "%3D")).headers["location"] == deep
    # an older header link carried next=/nasional (or /): that is no deep link
    assert log_in(TestClient(app), "tarakan", "/nasional").headers["location"] == "/wilayah/65.71"
    assert log_in(TestClient(app), "kaltara", "/").headers["location"] == "/wilayah/65"
    assert log_in(TestClient(app), "nasional", "/run").headers["location"] == "/run"
    # a refused page's "Log in" link is such a deep link (reporting completeness is for the offices;
    # a published regency page is public now, so it is no longer refused)
    refused = TestClient(app).get(f"/kelengkapan?cutoff={SEED_CUTOFF}")
    assert refused.status_code == 403
    assert re.search(r'/masuk\?next=(/|%2F)kelengkapan', refused.text)


@pytest.mark.parametrize("path", ["/nasional", "/run", "/masuk", "/kualitas", "/api", f"/wilayah/65?cutoff={SEED_CUTOFF}"])
def test_every_page_has_the_search_box(app, path):
    page = TestClient(app).get(path)
    assert page.status_code == 200, path
    form = re.search(r'<form method="get" action="/cari"[^>]*role="search".*?</form>', page.text, flags=re.S)
    assert form and 'name="q"' in form.group(0) and 'hx-get="/cari?suggest=1"' in form.group(0)


@pytest.mark.parametrize("query, code", [("Kaltara", "65"), ("kaltara", "65"), ("Tarakan", "65.71"),
                                         ("65.71", "65.71"), ("6571", "65.71"), ("65", "65"),
                                         ("Kota Tarakan", "65.71"), ("Malinau", "65.02")])
def test_search_finds_provinces_and_regencies_by_name_code_and_abbreviation(app, query, code):
    client = TestClient(app)
    one = client.get("/cari", params={"q": query}, follow_redirects=False)
    assert one.status_code == 303 and one.headers["location"] == f"/wilayah/{code}"  # one match: its page
    listed = client.get("/cari", params={"q": query, "suggest": "1"})
    assert listed.headers["content-type"].startswith("text/html")
    assert f'href="/wilayah/{code}"' in listed.text


def test_search_lists_several_and_says_when_nothing_matches(app):
    client = TestClient(app)
    many = client.get("/cari", params={"q": "kalimantan"})
    assert many.status_code == 200
    codes = re.findall(r'href="/wilayah/([0-9.]+)" data-code', many.text)
    assert set(codes) >= {"61", "62", "63", "64", "65"}
    assert "Kaltara" in many.text  # the abbreviation printed on the map tile is shown
    none = client.get("/cari", params={"q": "Atlantis"})
    assert none.status_code == 200 and 'id="search-none"' in none.text and "Atlantis" in none.text
    # with htmx, a single match is listed (no redirect swapped into the box)
    htmx = client.get("/cari", params={"q": "Tarakan"}, headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.status_code == 200 and 'href="/wilayah/65.71"' in htmx.text


def test_region_pages_take_names_too(app):
    moved = TestClient(app).get(f"/wilayah/Kaltara?cutoff={SEED_CUTOFF}", follow_redirects=False)
    assert moved.status_code == 307 and moved.headers["location"] == f"/wilayah/65?cutoff={SEED_CUTOFF}"


@pytest.mark.parametrize("query", [
    {"tier": "kabkota", "cutoff": "2020-11-h1", "region": "Kaltara"},
    {"tier": "KabKota", "cutoff": SEED_CUTOFF, "province": "kaltara"},
    {"tier": "regency", "cutoff": SEED_CUTOFF, "province": "65"},
    {"tier": "Kab/Kota", "cutoff": "2020-11-H1", "region": "Kalimantan Utara"},
])
def test_api_accepts_the_spellings_of_the_cli_and_the_pages(app, query):
    client = TestClient(app)
    log_in(client, "nasional")
    found = client.get("/api/results", params=query)
    assert found.status_code == 200, found.text
    body = found.json()
    codes = sorted(r["code"] for r in body["regions"])
    assert codes == ["65.01", "65.02", "65.03", "65.04", "65.71"]
    assert body["run"]["cutoff"] == SEED_CUTOFF


def test_api_explanation_by_abbreviation_and_lowercase_cutoff(app):
    found = TestClient(app).get("/api/explanations/Kaltara", params={"cutoff": "2020-11-h1"})
    assert found.status_code == 200 and found.json()["region"]["code"] == "65"


@pytest.mark.parametrize("query, parameter, expected", [
    ({"tier": "kab"}, "tier", "kabkota"),
    ({"cutoff": "2020-13-H1"}, "cutoff", "YYYY-MM-H1"),
    ({"cutoff": "kemarin"}, "cutoff", "YYYY-MM-H1"),
    ({"region": "Atlantis"}, "region", "Kaltara"),
    ({"province": "65.71"}, "province", "province"),
])
def test_api_unknown_spelling_is_a_422_naming_the_parameter(app, query, parameter, expected):
    refused = TestClient(app).get("/api/results", params=query)
    assert refused.status_code == 422
    body = refused.json()
    assert body["parameter"] == parameter and expected in body["expected"]
    assert parameter in body["message"]["en"] and parameter in body["message"]["id"]
    schema = TestClient(app).get("/openapi.json").json()["components"]["schemas"]["ErrorBody"]["properties"]
    assert {"parameter", "expected"} <= set(schema)


def test_times_in_the_offices_zone(app):
    public = TestClient(app).get("/run").text
    assert "UTC" not in public
    kaltara = TestClient(app)
    log_in(kaltara, "kaltara")
    runs = kaltara.get("/run").text
    assert re.search(r"\d{1,2} \w+ 20\d\d \d\d:\d\d WITA", runs), runs[-2000:]
    national = TestClient(app)
    log_in(national, "nasional")
    assert re.search(r"\d{1,2} \w+ 20\d\d \d\d:\d\d WIB", national.get("/run").text)
    english = TestClient(app)
    log_in(english, "kaltim")  # an English-speaking account of Kalimantan Timur (WITA)
    text = english.get("/run").text
    assert re.search(r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|"
                     r"November|December) 20\d\d \d\d:\d\d WITA", text)
    assert not re.search(r"(January|February|March|April|May|June|July|August|September|October|"
                         r"November|December) \d{1,2}, 20\d\d", text)
