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
from capaian.web import create_app
from capaian.web.select import nearest_cutoffs
from web_support import PASSWORD, PUBLISHED, SEED_CUTOFF, csrf_of, fresh_db

CSS = Path(__file__).resolve().parents[1] / "src" / "capaian" / "web" / "static" / "css" / "app.css"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(fresh_db(tmp_path_factory.mktemp("ux")), secret="test-secret")


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
    data = client.get(f"/nasional.json?cutoff={SEED_CUTOFF}").json()["national"]["indicators"]["kertas_putih"]
    share = f'{100 * data["numerator"] / data["denominator"]:.1f}'.replace(".", ",")
    indonesia = re.search(r'<td class="\w+" data-ind="kertas_putih">(.*?)</td>', overview, flags=re.S).group(1)
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


def test_level_colours_meet_wcag_aa():
    css = CSS.read_text(encoding="utf-8")
    var = dict(re.findall(r"--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})", css))
    for level in ("l1", "l2", "l3", "l4", "lx"):
        assert contrast(var[level], var[f"{level}-fg"]) >= 4.5, level  # text on the fill
    for lower, upper in (("l1", "l2"), ("l2", "l3"), ("l3", "l4")):
        assert contrast(var[lower], var[upper]) >= 3.0, (lower, upper)  # neighbouring levels' fills
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
    page = client.get(f"/wilayah/65?cutoff={SEED_CUTOFF}").text
    link = re.search(r'href="(/masuk\?next=[^"]+)"', page).group(1)
    assert "cutoff%3D2020-11-H1" in link
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
