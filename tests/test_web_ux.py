"""The analyst's day on the web (issue 13): the way up first, implementation read as regencies that
comply, readable level colours, cut-offs in URLs, and where a login leads."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from capaian.evaluate.shares import allocate, step_shares
from capaian.web.select import nearest_cutoffs
from web_support import PASSWORD, PUBLISHED, SEED_CUTOFF, csrf_of

CSS = Path(__file__).resolve().parents[1] / "src" / "capaian" / "web" / "static" / "css" / "app.css"


@pytest.fixture
def client(app):
    return TestClient(app)


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def sign_in(client, name: str, next_: str | None):
    data = {"name": name, "password": PASSWORD, "csrf_token": csrf_of(client.get("/masuk").text)}
    if next_ is not None:
        data["next"] = next_
    return client.post("/masuk", data=data, follow_redirects=False)


# --- shares of a province's step per regency ---------------------------------------------------


def test_allocate_adds_up_to_the_people_needed_in_proportion():
    shares = allocate(10_743, {"a": 50_000, "b": 30_000, "c": 20_000, "d": 0})
    assert sum(shares.values()) == 10_743
    assert shares["d"] == 0
    assert shares["a"] > shares["b"] > shares["c"]
    assert abs(shares["a"] - 10_743 * 0.5) < 1 and abs(shares["c"] - 10_743 * 0.2) < 1
    assert allocate(4, {"a": 3, "b": 3, "c": 3}) == {"a": 2, "b": 1, "c": 1}  # ties: by code
    assert allocate(7, {"a": 1, "b": 1, "c": 1}) == {"a": 1, "b": 1, "c": 1}  # never more than uncovered
    assert allocate(0, {"a": 9}) == {"a": 0}


def test_step_shares_lists_largest_uncovered_first():
    frame = pd.DataFrame([
        {"tier": "regency", "province_code": "65", "indicator": "kia", "region_code": "65.01",
         "region_name": "Bulungan", "numerator": 9_000, "denominator": 10_000},
        {"tier": "regency", "province_code": "65", "indicator": "kia", "region_code": "65.02",
         "region_name": "Malinau", "numerator": 1_000, "denominator": 5_000},
        {"tier": "regency", "province_code": "64", "indicator": "kia", "region_code": "64.01",
         "region_name": "Paser", "numerator": 0, "denominator": 9_999},
        {"tier": "regency", "province_code": "65", "indicator": "kia", "region_code": "65.03",
         "region_name": "Nunukan", "numerator": None, "denominator": None},
    ])
    rows = step_shares(frame, "65", "kia", 500)
    assert [r["code"] for r in rows] == ["65.02", "65.01"]
    assert [r["uncovered"] for r in rows] == [4_000, 1_000]
    assert [r["share"] for r in rows] == [400, 100]


# --- the region page ---------------------------------------------------------------------------


def test_path_to_next_level_sits_under_the_banner_before_the_cards(client):
    page = client.get(f"/wilayah/65?cutoff={SEED_CUTOFF}").text
    banner, path, cards = (page.index('id="level-card"'), page.index('id="next-step"'),
                           page.index('id="indicator-cards"'))
    assert banner < path < cards
    step = re.search(r'<ol class="path" id="path">(.*?)</ol>', page, flags=re.S).group(1)
    assert "Tana Tidung" in text_of(step)


def test_implementation_reads_as_regencies_that_comply(client):
    page = client.get(f"/wilayah/65?cutoff={SEED_CUTOFF}").text
    card = re.search(r'<article class="icard \w+" data-ind="kertas_putih".*?</article>', page, flags=re.S).group(0)
    assert "4 dari 5 kab/kota" in text_of(card)  # Tana Tidung still prints on coloured paper
    overview = client.get(f"/nasional?cutoff={SEED_CUTOFF}").text
    row = re.search(r'<tr data-code="65">.*?</tr>', overview, flags=re.S).group(0)
    assert "4 dari 5 kab/kota" in text_of(row)
    data = client.get(f"/nasional.json?cutoff={SEED_CUTOFF}").json()["region"]["indicators"]["kertas_putih"]
    assert data["value"] is None  # the nation reads k of n regencies/cities, never one regency's count
    share = f'{100 * data["numerator"] / data["denominator"]:.1f}'.replace(".", ",")
    # the rubric gives the nation no level: k of n in a neutral colour, no ✓/✗ (capaian.records.watch.national_rule)
    indonesia = re.search(r'<td class="kofn" data-ind="kertas_putih">(.*?)</td>', overview, flags=re.S).group(1)
    assert text_of(indonesia).startswith(f'{int(data["numerator"])} dari {int(data["denominator"])} ({share} %)')


def test_map_has_a_legend_a_colour_selector_and_a_list(client):
    page = client.get(f"/nasional?cutoff={SEED_CUTOFF}").text
    card = re.search(r'<section class="card map-card".*?</section>', page, flags=re.S).group(0)
    assert 'id="map-legend"' in card and card.count('class="sw lv') >= 4
    options = re.findall(r'<option value="([^"]+)"', re.search(r'<select id="map-colour">.*?</select>',
                                                               card, flags=re.S).group(0))
    assert options[0] == "level" and "kia" in options and "kertas_putih" in options
    assert re.search(r'<ol class="maplist" id="maplist">.*data-code="65"', card, flags=re.S)
    assert "Klik judul kolom" not in page and "ketuk" in page


# --- level colours: WCAG AA --------------------------------------------------------------------


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_matches_known_ratios():
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast("#d9534f", "#ffffff") == pytest.approx(3.96, abs=0.01)  # the old L1 (issue 13)


def test_status_colours_meet_wcag_aa():
    """The level palette has its own test (tests/test_palette.py); the met / not met fills here."""
    css = CSS.read_text(encoding="utf-8")
    var = dict(re.findall(r"--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})", css))
    for fill in ("met-fill", "notmet-fill"):
        assert contrast(var[fill], var[f"{fill}-fg"]) >= 4.5


# --- cut-offs in URLs --------------------------------------------------------------------------


def test_lower_case_half_is_accepted_as_in_the_cli(client):
    lower = client.get(f"/wilayah/65?cutoff={SEED_CUTOFF.lower()}")
    assert lower.status_code == 200
    assert f'<option value="{SEED_CUTOFF}" selected>' in lower.text


@pytest.mark.parametrize("bad", ["2020-11-3", "2020-11", "kemarin"])
def test_bad_cutoff_names_the_form_and_the_nearest(client, bad):
    r = client.get(f"/wilayah/65?cutoff={bad}")
    assert r.status_code == 400
    text = text_of(r.text)
    assert "YYYY-MM-H1" in text and "2020-11-H1" in text
    for cutoff in PUBLISHED:
        assert cutoff in text
    assert client.get(f"/wilayah/65.json?cutoff={bad}").json()["error"] == "bad_cutoff"


def test_nearest_cutoffs_by_year_and_month():
    cutoffs = ["2020-01-H1", "2020-06-H2", "2020-10-H2", "2020-11-H1", "2021-03-H1"]
    assert nearest_cutoffs("2020-11-3", cutoffs, 2) == ["2020-10-H2", "2020-11-H1"]
    assert nearest_cutoffs("nonsense", cutoffs, 2) == ["2020-11-H1", "2021-03-H1"]


# --- login ------------------------------------------------------------------------------------


def test_next_keeps_path_and_query(client):
    # the header's link carries no next= (a login leads to the user's own page, issue 23); a refused
    # page's "Log in" link is a deliberate deep link and keeps its path and query
    assert 'href="/masuk" id="login-link"' in client.get(f"/wilayah/65?cutoff={SEED_CUTOFF}").text
    page = client.get(f"/kelengkapan?cutoff={SEED_CUTOFF}").text  # offices only (a published regency page is public)
    link = re.search(r'href="(/masuk\?next=[^"]+)"', page).group(1)
    assert "kelengkapan" in link and "cutoff%3D2020-11-H1" in link
    target = f"/wilayah/65?cutoff={PUBLISHED[0]}&x=1"
    assert sign_in(client, "nasional", target).headers["location"] == target


@pytest.mark.parametrize(("name", "home"), [("kaltara", "/wilayah/65"), ("malinau", "/wilayah/65.02"),
                                            ("nasional", "/nasional")])
def test_login_lands_on_the_users_region(app, name, home):
    client = TestClient(app)
    assert sign_in(client, name, None).headers["location"] == home
    client = TestClient(app)
    form = client.get("/masuk").text
    assert 'name="next" value=""' in form


# --- the regency/city scorecard ----------------------------------------------------------------


def test_scorecard_rows_follow_the_jurisdiction_and_filters(app):
    national = TestClient(app)
    sign_in(national, "nasional", "/nasional")
    every = national.get(f"/nasional/kabkota.json?cutoff={SEED_CUTOFF}").json()["regions"]
    provinces = {r["province_code"] for r in every}
    assert {"64", "65"} <= provinces and all(r["tier"] == "regency" for r in every)
    # a published run is public down to the regency/city: every reader gets every row
    public = TestClient(app)
    assert public.get(f"/nasional/kabkota.json?cutoff={SEED_CUTOFF}").json()["regions"] == every
    kaltara = TestClient(app)
    sign_in(kaltara, "kaltara", "/nasional")
    assert kaltara.get(f"/nasional/kabkota.json?cutoff={SEED_CUTOFF}").json()["regions"] == every
    own = [r for r in every if r["province_code"] == "65"]
    level = own[0]["level"]
    page = national.get(f"/nasional/kabkota?cutoff={SEED_CUTOFF}&provinsi=65&level={level}").text
    shown = re.findall(r'<tr data-code="([^"]+)" data-province="65" data-level="(\d)"', page)
    assert shown and all(lv == str(level) for _, lv in shown)
    assert {c for c, _ in shown} == {r["code"] for r in own if r["level"] == level}
    assert 'id="column-chooser"' in page and 'data-col="kia"' in page
    csv_text = national.get(f"/nasional/kabkota.csv?cutoff={SEED_CUTOFF}&provinsi=65").text
    assert len(csv_text.strip().splitlines()) == 1 + len(own)


def test_scorecard_arrows_follow_the_change_since_the_previous_run(app):
    national = TestClient(app)
    sign_in(national, "nasional", "/nasional")
    rows = national.get(f"/nasional/kabkota.json?cutoff={SEED_CUTOFF}&provinsi=65").json()["regions"]
    page = national.get(f"/nasional/kabkota?cutoff={SEED_CUTOFF}&provinsi=65").text  # one page (100 rows a page)
    assert rows
    for rec in rows:
        html_row = re.search(rf'<tr data-code="{re.escape(rec["code"])}".*?</tr>', page, flags=re.S).group(0)
        change = (rec["indicators"].get("kia") or {}).get("change_value")
        kia = re.search(r'<td class="cell[^"]*" data-ind="kia".*?</td>', html_row, flags=re.S).group(0)
        if change:
            assert ("▲" if change > 0 else "▼") in kia
        else:
            assert "▲" not in kia and "▼" not in kia


# --- trend chart data, upload page, publishing ---------------------------------------------------


def test_trend_carries_thresholds_and_base_events(client):
    from capaian.bases import base_changes

    import json

    page = client.get(f"/wilayah/65?cutoff={SEED_CUTOFF}").text
    embedded = re.search(r'<script type="application/json" id="trend-data">(.*?)</script>', page, flags=re.S)
    trend = json.loads(htmllib.unescape(embedded.group(1)))["trend"]  # what the chart draws
    cells = client.get(f"/nasional.json?cutoff={SEED_CUTOFF}").json()["region"]["indicators"]
    targets = {ind: c["target"] for ind, c in cells.items()}
    assert trend["series"] and all(s["threshold"] == targets[k] for k, s in trend["series"].items())
    assert [e["cutoff"] for e in trend["events"]] == [c for c, _ in base_changes(trend["cutoffs"])]
    assert trend["series"]["ktp_el"]["goal"] == {"id": "≥ 98 %", "en": "≥ 98 %"}  # named in the legend
    note = text_of(re.search(r'<p class="note" id="trend-note">(.*?)</p>', client.get(
        f"/wilayah/65?cutoff={SEED_CUTOFF}").text, flags=re.S).group(1))
    assert SEED_CUTOFF in note and all(e["cutoff"] in note and e["label"]["id"] in note for e in trend["events"])
    from capaian.web.data import base_events

    events = base_events(["2020-06-H1", "2020-09-H1", "2021-03-H1"])
    assert [(e["cutoff"], e["base"]) for e in events] == [(c, b.id) for c, b in base_changes(
        ["2020-06-H1", "2020-09-H1", "2021-03-H1"])]


def test_upload_page_offers_template_cutoff_and_history(app):
    import datetime as dt

    from capaian.web.upload import recent_cutoffs

    assert recent_cutoffs(dt.date(2020, 11, 20), 3) == ["2020-11-H1", "2020-10-H2", "2020-10-H1"]
    assert recent_cutoffs(dt.date(2020, 11, 30), 1) == ["2020-11-H2"]
    kaltara = TestClient(app)
    sign_in(kaltara, "kaltara", "/nasional")
    choice = recent_cutoffs()[2]
    page = kaltara.get(f"/unggah?cutoff={choice}").text
    assert f'<option value="{choice}" selected>' in page
    link = re.search(r'id="template-link"', page) and re.search(r'href="([^"]+)" id="template-link"', page).group(1)
    assert link == f"/unggah/templat.csv?cutoff={choice}"
    assert kaltara.get(link).status_code == 200
    rows = re.findall(r'<tr data-id="(\d+)" data-status="(\w+)">', page)
    assert rows, "the office's earlier submission is listed"
    national = TestClient(app)
    sign_in(national, "nasional", "/nasional")
    everyone = re.findall(r'<tr data-id="(\d+)"', national.get("/unggah").text)
    assert set(r for r, _ in rows) < set(everyone)  # Kaltim's submission is not Kaltara's to see


def test_publish_asks_for_confirmation_showing_what_is_published(app):
    national = TestClient(app)
    sign_in(national, "nasional", "/nasional")
    run_id = national.get("/nasional.json?draft=1").json()["run"]["run_id"]
    runs = national.get("/run").text
    assert f'href="/run/{run_id}/terbitkan"' in runs and f'action="/run/{run_id}/terbitkan"' not in runs
    page = national.get(f"/run/{run_id}/terbitkan").text
    summary = text_of(re.search(r'<section class="card narrow" id="publish-confirm".*?</section>', page,
                                flags=re.S).group(0))
    meta = national.get("/nasional.json?draft=1").json()
    assert meta["run"]["cutoff"] in summary and meta["run"]["rubric"] in summary
    assert 'id="publish-counts"' in page and 'id="publish-changes"' in page
    assert 'id="publish-submit"' in page
    assert national.get("/nasional.json").json()["run"]["run_id"] != run_id  # nothing published by looking
    kaltara = TestClient(app)
    sign_in(kaltara, "kaltara", "/nasional")
    assert kaltara.get(f"/run/{run_id}/terbitkan").status_code == 403
