"""Dashboard pages on a small real store: overview, province, regency, their JSON/CSV twins."""

import csv
import html as htmllib
import io
import re

import pytest
from fastapi.testclient import TestClient

from capaian import formatting
from capaian.present import numbers
from capaian.web import create_app
from web_support import KALTARA, PUBLISHED, SEED_CUTOFF, UNPUBLISHED, csrf_of, fresh_db, login


@pytest.fixture
def client(app):
    return TestClient(app)


@pytest.fixture
def national(app):
    c = TestClient(app)
    assert login(c, "nasional").status_code == 303
    return c


def text_of(fragment: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def table_rows(page: str, table_id: str) -> dict[str, str]:
    """`data-code` -> the row's HTML, for one table."""
    start = page.index(f'id="{table_id}"')
    end = page.index("</table>", start)
    body = page[start:end]
    return dict(re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', body, flags=re.S))


def cells(row_html: str) -> dict[str, dict]:
    """Indicator cells of a table row: indicator -> status and shown value."""
    out = {}
    for ind, status, inner in re.findall(
        r'<td class="cell[^"]*" data-ind="([^"]+)" data-status="([^"]+)"[^>]*>(.*?)</td>', row_html, flags=re.S
    ):
        value = re.search(r'<span class="v">(.*?)</span>', inner)
        out[ind] = {"status": status, "value": text_of(value.group(1)) if value else None, "html": inner}
    return out


def shown(kind, value, lang="id", cell=None, places=2):
    """A value as the page shows it (with its cell: honest against the target, `places` for the table)."""
    if kind != "coverage":
        return formatting.format_int(value, lang=lang)
    if cell is None:
        return formatting.format_pct(value, lang=lang)
    return numbers.coverage(value, lang, cell["target"], met=cell["status"] == "met", places=places)


# --- overview ------------------------------------------------------------------------------


def test_home_redirects_to_overview(client):
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/nasional"


def test_overview_public_shows_latest_published(client):
    r = client.get("/nasional")
    assert r.status_code == 200
    page = r.text
    assert f'<option value="{PUBLISHED[-1]}" selected>' in page
    assert UNPUBLISHED not in page  # the public never learns of the unpublished cut-off
    assert "15 November 2020" in page
    assert 'id="tilemap"' in page and page.count('class="tile"') == 34  # 2020 hierarchy: 34 tiles
    assert 'data-code="65"' in page
    rows = table_rows(page, "league-table")
    assert len(rows) == 34
    assert "DATA SINTETIS" not in page  # not a demo store


def test_overview_map_tile_carries_level_and_symbol(client):
    page = client.get(f"/nasional?cutoff={SEED_CUTOFF}").text
    tile = re.search(r'<a href="/wilayah/65\?cutoff=2020-11-H1" class="tile" data-code="65" data-level="(\d)"(.*?)</a>',
                     page, flags=re.S)
    assert tile and tile.group(1) == "3"
    assert "L3" in tile.group(2) and "KALTARA" in tile.group(2)
    assert "▲" not in tile.group(2)  # ▲ means a rank going up, never a level


def test_overview_level_counts_match_table(client):
    data = client.get(f"/nasional.json?cutoff={SEED_CUTOFF}").json()
    levels = [r["level"] for r in data["regions"]]
    page = client.get(f"/nasional?cutoff={SEED_CUTOFF}").text
    counts = re.findall(r'<li data-level="(\w+)">.*?<b class="n">([^<]+)</b>', page, flags=re.S)
    assert counts
    for level, count in counts:
        assert int(count) == sum(1 for lv in levels if (str(lv) if lv is not None else "none") == level)


def test_overview_json_and_csv_twins_equal_page(client):
    page = client.get(f"/nasional?cutoff={SEED_CUTOFF}").text
    data = client.get(f"/nasional.json?cutoff={SEED_CUTOFF}").json()
    table = list(csv.DictReader(io.StringIO(client.get(f"/nasional.csv?cutoff={SEED_CUTOFF}").text)))
    rows = table_rows(page, "league-table")
    # the CSV is the record set's table: the nation first, then the provinces as on the page
    assert data["region"]["code"] == table[0]["code"] == "ID"
    assert [r["code"] for r in data["regions"]] == list(rows) == [r["code"] for r in table[1:]]
    by_csv = {r["code"]: r for r in table}
    checked = 0
    for rec in data["regions"]:
        row_html = rows[rec["code"]]
        rank = re.search(r'<td class="num rank"[^>]*>([^<]*)</td>', row_html).group(1)
        assert rank == (str(rec["rank_national"]) if rec["rank_national"] is not None else "–")
        if rec["level"] is not None:
            assert f'data-level="{rec["level"]}"' in row_html
        else:  # an office with no data is not assessed: no level, no rank (never level 1)
            assert rec["assessed"] is False and rec["rank_national"] is None
            assert 'class="lvl lvl-none lvl-unassessed" title="belum dinilai">belum dinilai</span>' in row_html
        shown_cells = cells(row_html)
        c = by_csv[rec["code"]]
        assert c["level"] == ("" if rec["level"] is None else str(rec["level"]))
        for ind, cell in rec["indicators"].items():
            assert shown_cells[ind]["status"] == cell["status"]
            assert c[f"{ind}.status"] == cell["status"]
            if cell["status"] == "no_data":
                assert c[f"{ind}.value"] == "" and cell["value"] is None
                continue
            if cell["kind"] == "implementation" and cell["denominator"]:
                # a province complies through its regencies: "3 dari 5 kab/kota", never one regency's count
                assert cell["value"] is None and c[f"{ind}.value"] == ""
                assert shown_cells[ind]["value"] == f'{cell["numerator"]:.0f} dari {cell["denominator"]:.0f} kab/kota'
                assert int(c[f"{ind}.numerator"]) == cell["numerator"]
                checked += 1
                continue
            if cell["value"] is None:
                assert c[f"{ind}.value"] == ""
                continue
            assert shown_cells[ind]["value"] == shown(cell["kind"], cell["value"])
            assert float(c[f"{ind}.value"]) == cell["value"]  # full precision
            assert ("✓" if cell["status"] == "met" else "✗") in shown_cells[ind]["html"]
            checked += 1
    assert checked >= 2 * 9


def test_overview_sort_and_search(client):
    data = client.get(f"/nasional.json?cutoff={SEED_CUTOFF}&sort=name").json()
    names = [r["name"] for r in data["regions"]]
    assert names == sorted(names, key=lambda n: n.lower())
    page = client.get(f"/nasional?cutoff={SEED_CUTOFF}&sort=level").text
    levels = [int(x) for x in re.findall(r'<td class="level" data-sort="(\d+)"', page)]
    assert levels == sorted(levels, reverse=True)
    partial = client.get("/nasional/tabel", params={"cutoff": SEED_CUTOFF, "q": "kalimantan"})
    assert partial.status_code == 200 and "<html" not in partial.text
    found = table_rows(partial.text, "league-table")
    assert set(found) == {"61", "62", "63", "64", "65"}
    assert set(table_rows(client.get("/nasional/tabel", params={"q": "65"}).text, "league-table")) == {"65"}
    # without JavaScript the search box is a plain GET form on the page itself
    page = client.get("/nasional", params={"cutoff": SEED_CUTOFF, "q": "kalimantan"}).text
    assert set(table_rows(page, "league-table")) == {"61", "62", "63", "64", "65"}
    assert 'action="/nasional" role="search"' in page


def test_change_since_previous_cutoff(client):
    data = client.get(f"/nasional.json?cutoff={SEED_CUTOFF}").json()
    kaltara = next(r for r in data["regions"] if r["code"] == "65")
    assert kaltara["prev_rank_national"] is not None
    assert kaltara["rank_change"] == kaltara["prev_rank_national"] - kaltara["rank_national"]
    first = client.get(f"/nasional.json?cutoff={PUBLISHED[0]}").json()
    assert all(r["rank_change"] is None for r in first["regions"])  # nothing before it


# --- province page ---------------------------------------------------------------------------


def test_province_page_seed_figures(client):
    page = client.get(f"/wilayah/65?cutoff={SEED_CUTOFF}").text
    assert 'id="level-value">3<' in page
    for figure in ("467.701", "458.845", "101,93 %", "44,76 %", "96,21 %", "98 %", "50 %", "92 %"):
        assert figure in page, figure
    path = re.search(r'<ol class="path" id="path">(.*?)</ol>', page, flags=re.S).group(1)
    steps = re.findall(r'<li data-ind="([^"]+)">', path)
    assert set(steps) == {"kertas_putih"}
    # KIA: threshold 20 % decides (met); the program target 50 % is shown, not reached
    kia = re.search(r'<article class="icard met" data-ind="kia".*?</article>', page, flags=re.S).group(0)
    assert 'data-field="target">20 %<' in kia
    assert "Target program (tidak menentukan) 50 %: belum" in text_of(kia)
    assert "Basis penyebut: DKB Semester I 2020" in text_of(kia)
    assert "Level 4" in page
    assert "Tana Tidung" in text_of(path)  # the regency still printing on coloured paper
    assert 'id="trend-chart"' in page and 'id="trend-data"' in page
    assert "/static/vendor/echarts.min.js" in page


def test_province_page_english(client):
    token = csrf_of(client.get("/nasional").text)
    r = client.post("/bahasa", data={"lang": "en", "csrf_token": token, "next": f"/wilayah/65?cutoff={SEED_CUTOFF}"},
                    follow_redirects=True)
    assert r.status_code == 200
    assert '<html lang="en">' in r.text
    for figure in ("467,701", "101.93 %", "44.76 %", "96.21 %"):
        assert figure in r.text
    assert "Path to the next level" in r.text


def test_province_json_csv_twins(national):
    page = national.get(f"/wilayah/65?cutoff={SEED_CUTOFF}").text
    data = national.get(f"/wilayah/65.json?cutoff={SEED_CUTOFF}").json()
    table = list(csv.DictReader(io.StringIO(national.get(f"/wilayah/65.csv?cutoff={SEED_CUTOFF}").text)))
    assert data["region"]["level"] == 3 and table[0]["code"] == "65" and table[0]["level"] == "3"
    kinds = {ind: cell["kind"] for ind, cell in data["region"]["indicators"].items()}
    for ind, cell in data["region"]["indicators"].items():
        card = re.search(rf'<article class="icard [^"]*" data-ind="{ind}"[^>]*>(.*?)</article>', page, flags=re.S)
        value = re.search(r'data-field="value">([^<]+)<', card.group(1)).group(1)
        if kinds[ind] == "coverage":
            assert value == shown(kinds[ind], cell["value"])
            assert float(table[0][f"{ind}.value"]) == cell["value"]
        else:  # a province complies through its regencies: k of n, no value of its own
            assert value == f'{cell["numerator"]:.0f} dari {cell["denominator"]:.0f} kab/kota'
            assert cell["value"] is None and table[0][f"{ind}.value"] == ""
    children = table_rows(page, "regency-table")
    assert list(children) == [c["code"] for c in data["regions"]] == [r["code"] for r in table[1:]]
    assert set(children) == set(KALTARA)
    places = {ind: numbers.distinct_places([c["indicators"][ind]["value"] for c in data["regions"]
                                            if ind in c["indicators"]]) for ind in kinds}
    assert places["ktp_el"] == 4  # 65.04 and 65.71 (ranks 1 and 2) both round to 101,93 %
    for child in data["regions"]:
        shown_cells = cells(children[child["code"]])
        for ind, cell in child["indicators"].items():
            if cell["value"] is not None:
                assert shown_cells[ind]["value"] == shown(kinds[ind], cell["value"], cell=cell, places=places[ind])
    ktp = {c["code"]: shown_cells_value for c in data["regions"]
           for shown_cells_value in [cells(children[c["code"]])["ktp_el"]["value"]]}
    assert (ktp["65.04"], ktp["65.71"]) == ("101,9310 %", "101,9309 %")
    trend = trend_of(page)
    assert trend["cutoffs"] == list(PUBLISHED)  # the one trend: up to the selected cut-off
    assert trend["levels"][1] == 3
    draft = trend_of(national.get("/wilayah/65?draft=1").text)
    assert draft["cutoffs"] == list(PUBLISHED) + [UNPUBLISHED]  # a draft's trend includes drafts


def trend_of(page: str) -> dict:
    """The trend the page's chart draws (its embedded data)."""
    import json

    found = re.search(r'<script type="application/json" id="trend-data">(.*?)</script>', page, flags=re.S)
    return json.loads(htmllib.unescape(found.group(1)))["trend"]


def test_public_trend_has_only_published_runs(client):
    assert trend_of(client.get("/wilayah/65").text)["cutoffs"] == list(PUBLISHED)
    data = client.get("/wilayah/65.json").json()  # public down to the regency/city
    assert data["regions"] and data["regions_hidden"] is False


# --- regency page -----------------------------------------------------------------------------


def test_regency_page_with_outreach(national):
    r = national.get(f"/wilayah/65.02?cutoff={SEED_CUTOFF}")
    assert r.status_code == 200
    page = r.text
    assert 'id="outreach"' in page and 'id="outreach-village"' in page
    villages = table_rows(page, "outreach-village")
    assert len(villages) == 3
    out = national.get(f"/wilayah/65.02/jangkauan.json?cutoff={SEED_CUTOFF}").json()
    village_rows = [row for row in out["rows"] if row["tier"] == "village"]
    assert [row["code"] for row in village_rows] == list(villages)
    for row in village_rows:
        assert formatting.format_int(row["without_kia"]) in villages[row["code"]]
    assert village_rows[0]["total"] >= village_rows[-1]["total"]
    download = national.get(f"/wilayah/65.02/jangkauan.csv?cutoff={SEED_CUTOFF}")
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    got = list(csv.DictReader(io.StringIO(download.text)))
    assert [g["code"] for g in got] == [row["code"] for row in out["rows"]]
    assert [int(g["without_kia"]) for g in got] == [row["without_kia"] for row in out["rows"]]


def test_regency_without_village_data(national):
    page = national.get(f"/wilayah/65.71?cutoff={SEED_CUTOFF}").text
    assert 'id="outreach-none"' in page
    data = national.get(f"/wilayah/65.71.json?cutoff={SEED_CUTOFF}").json()
    outreach = national.get(f"/wilayah/65.71/jangkauan.json?cutoff={SEED_CUTOFF}").json()
    assert data["region"]["tier"] == "regency" and [r for r in outreach["rows"] if r["tier"] == "village"] == []
    assert data["region"]["rank_province"] is not None


def test_unpublished_badge_for_national(national):
    assert 'id="unpublished"' not in national.get("/nasional").text  # published by default
    page = national.get("/nasional?draft=1").text
    assert f'<option value="{UNPUBLISHED}" selected>' in page
    assert 'id="unpublished"' in page
    banner = re.search(r'<span class="pub no draft-banner" id="unpublished"[^>]*>(.*?)</span>', page, flags=re.S)
    assert banner and "<b>DRAF</b>" in banner.group(1)
    assert "BELUM TERBIT" not in page  # one label: DRAF
    published = national.get(f"/nasional?cutoff={SEED_CUTOFF}").text
    assert 'id="unpublished"' not in published and "DRAF" not in published


def test_demo_banner(tmp_path):
    from capaian.store import open_store

    db = fresh_db(tmp_path)
    store = open_store(db)
    store.mark_demo()
    page = TestClient(create_app(store=store, secret="x")).get("/nasional").text
    assert "DATA SINTETIS" in page and 'id="synthetic-banner"' in page
    store.close()


def test_empty_store_page(tmp_path):
    client = TestClient(create_app(tmp_path / "empty.duckdb", secret="x"))
    r = client.get("/nasional")
    assert r.status_code == 200 and 'id="no-runs"' in r.text
    assert client.get("/nasional.json").status_code == 404


def test_not_found_pages(client):
    for url in ("/wilayah/99", "/wilayah/65.02.01", "/tidak-ada", "/wilayah/65?cutoff=2019-01-H1",
                "/wilayah/abc"):
        r = client.get(url)
        assert r.status_code == 404, url
        assert 'id="error-page"' in r.text
    r = client.get("/wilayah/65?cutoff=junk")  # a malformed cut-off: 400 naming the form (test_web_ux.py)
    assert r.status_code == 400 and 'id="error-page"' in r.text
    r = client.get("/wilayah/99.json")
    assert r.status_code == 404 and r.json()["error"] == "not_found"


def test_runs_page_and_twins(national, client):
    page = national.get("/run").text
    assert page.count('<tr data-run="') == 3
    assert client.get("/run").text.count('<tr data-run="') == 2
    assert len(client.get("/run.json").json()["runs"]) == 2
    assert len(list(csv.DictReader(io.StringIO(national.get("/run.csv").text)))) == 3


def test_pages_load_only_local_assets(client):
    page = client.get(f"/wilayah/65?cutoff={SEED_CUTOFF}").text
    assert not re.search(r'(src|href)="(https?:)?//', page)
    r = client.get("/nasional")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    for asset in ("/static/vendor/htmx.min.js", "/static/vendor/echarts.min.js", "/static/js/app.js",
                  "/static/js/trend.js", "/static/css/app.css", "/static/tilegrid.json"):
        assert client.get(asset).status_code == 200, asset


def test_operator_geojson_replaces_tile_grid(tmp_path):
    import json

    geo = tmp_path / "provinsi.geojson"
    geo.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"kode": "65"},
         "geometry": {"type": "Polygon", "coordinates": [[[116, 2], [118, 2], [118, 4], [116, 4], [116, 2]]]}}]}))
    app = create_app(fresh_db(tmp_path), secret="x", geojson=geo)
    client = TestClient(app)
    page = client.get(f"/nasional?cutoff={SEED_CUTOFF}").text
    assert 'id="geomap"' in page and 'data-src="/peta.geojson"' in page
    assert "/static/js/geomap.js" in page and "/static/vendor/echarts.min.js" in page
    levels = json.loads(htmllib.unescape(re.search(r"data-levels='([^']+)'", page).group(1)))
    assert levels["65"] == 3
    served = client.get("/peta.geojson")
    assert served.status_code == 200 and served.json()["features"][0]["properties"]["kode"] == "65"
    assert TestClient(create_app(fresh_db(tmp_path / "b"), secret="x")).get("/peta.geojson").status_code == 404


def test_tile_grid_covers_both_hierarchies():
    import json
    from pathlib import Path

    from capaian.regions import get_hierarchy
    from capaian.web.common import HERE

    grid = json.loads(Path(HERE / "static" / "tilegrid.json").read_text())
    from capaian.regions import VERSIONS

    for version in VERSIONS:
        tiles = grid[version]["tiles"]
        assert set(tiles) == {p.code for p in get_hierarchy(version).provinces()}
        cells = {(t["col"], t["row"]) for t in tiles.values()}
        assert len(cells) == len(tiles)  # no two provinces on one tile
        assert all(0 <= t["col"] < grid[version]["cols"] and 0 <= t["row"] < grid[version]["rows"]
                   for t in tiles.values())


def test_league_values_never_mislead(demo_db_copy):
    """On the national demo: different values never read alike in a column of the league, and a value
    that misses its target never reads as reaching it (issue 10, "Display that never misleads")."""
    from decimal import Decimal

    from babel.numbers import parse_decimal

    from capaian.store import open_store

    store = open_store(demo_db_copy)
    client = TestClient(create_app(store=store, secret="x"))
    page = client.get("/nasional").text
    twin = client.get("/nasional.json").json()
    store.close()
    truth = {(r["code"], i): c for r in twin["regions"] for i, c in r["indicators"].items()}
    shown: dict[tuple, set] = {}
    checked = 0
    for code, row in re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', page, flags=re.S):
        for ind, text in re.findall(r'data-ind="([^"]+)" data-status="(?:met|not_met)"[^>]*>.*?<span class="v">([^<]+)</span>',
                                    row):
            cell = truth[(code, ind)]
            # a province's implementation cell shows its complying regencies/cities ("3 dari 5 kab/kota")
            above = cell["kind"] != "coverage" and cell["denominator"] is not None
            shown.setdefault((ind, text), set()).add((cell["numerator"], cell["denominator"]) if above else cell["value"])
            if cell["kind"] == "coverage":
                number = parse_decimal(text.removesuffix(" %"), locale="id_ID")
                assert (number >= Decimal(str(cell["target"]))) == (cell["status"] == "met"), (code, ind, text, cell)
                checked += 1
    assert checked > 50
    assert all(len(values) == 1 for values in shown.values()), {k: v for k, v in shown.items() if len(v) > 1}
