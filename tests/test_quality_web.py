"""The quality surfaces on the demo: the "Kualitas data" page and its filters, marking a flag explained
(national users only, audited), flags beside the figures on the region page and in /api/results, the
overview's counts, the completeness page."""

from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from capaian.web import create_app
from web_support import csrf_of, login

PASSWORD = "rahasia-123"
CUTOFF = "2020-11-H2"
# Kaltara's register loses some 700 residents in December 2020 (deaths, moves out): its KTP-el
# recordings fall at 2020-12-H2, the demo's one cumulative count that falls (a high flag)
FLAG_CUTOFF = "2020-12-H2"


@pytest.fixture(scope="module")
def app(demo_db, tmp_path_factory):
    from capaian.accounts import add_user
    from capaian.store import open_store

    db = tmp_path_factory.mktemp("quality") / "q.duckdb"
    shutil.copy(demo_db, db)
    store = open_store(db)
    add_user(store, "nasional", PASSWORD, "national", None)
    add_user(store, "kaltara", PASSWORD, "province", "65")
    store.close()
    return create_app(db, secret="quality-secret", warm=False)


def _client(app, name=None):
    c = TestClient(app, follow_redirects=False)
    if name:
        assert login(c, name, PASSWORD).status_code == 303
    return c


def test_flags_page_filters_and_counts(app):
    c = _client(app)
    all_ = c.get("/kualitas.json", params={"cutoff": FLAG_CUTOFF}).json()
    assert all_["k"] == 5.0 and all_["run"]["cutoff"] == FLAG_CUTOFF
    assert sum(all_["counts"].values()) >= len(all_["flags"]) > 0
    assert all(f["evidence"] for f in all_["flags"])
    # the public sees the flags of a published run down to the regency/city, not below
    assert {f["region_code"].count(".") for f in all_["flags"]} <= {0, 1}
    nat = _client(app, "nasional")
    high = nat.get("/kualitas.json", params={"cutoff": FLAG_CUTOFF, "severity": "high", "type": "count_falls"}).json()
    assert high["flags"] and {(f["type"], f["severity"]) for f in high["flags"]} == {("count_falls", "high")}
    one = nat.get("/kualitas.json", params={"cutoff": FLAG_CUTOFF, "province": "65"}).json()
    assert one["flags"] and {f["province_code"] for f in one["flags"]} == {"65"}
    page = nat.get("/kualitas", params={"cutoff": FLAG_CUTOFF, "type": "count_falls"})
    assert page.status_code == 200 and "Jumlah kumulatif turun" in page.text and 'data-type="jump"' not in page.text.split("flags-table")[1]
    csv = nat.get("/kualitas.csv", params={"cutoff": FLAG_CUTOFF, "type": "count_falls"})
    assert csv.status_code == 200 and csv.text.startswith("type,severity")


def test_a_national_user_marks_a_flag_explained(app):
    nat = _client(app, "nasional")
    flag = nat.get("/kualitas.json", params={"cutoff": FLAG_CUTOFF, "type": "count_falls"}).json()["flags"][0]
    token = csrf_of(nat.get("/kualitas").text)
    r = nat.post("/kualitas/catatan", data={"csrf_token": token, "key": flag["key"], "note": "Data ganda dibersihkan"})
    assert r.status_code == 303
    again = nat.get("/kualitas.json", params={"cutoff": FLAG_CUTOFF, "type": "count_falls"}).json()["flags"]
    mine = [f for f in again if f["key"] == flag["key"]][0]
    assert mine["explained"]["note"] == "Data ganda dibersihkan" and mine["explained"]["actor"] == "nasional"
    office = _client(app, "kaltara")
    token = csrf_of(office.get("/kualitas").text)
    assert office.post("/kualitas/catatan", data={"csrf_token": token, "key": flag["key"], "note": "x"}).status_code == 403


def test_flags_beside_the_figures(app):
    nat = _client(app, "nasional")
    flags = nat.get("/kualitas.json", params={"cutoff": FLAG_CUTOFF, "type": "count_falls"}).json()["flags"]
    regency = [f for f in flags if f["region_code"].count(".") == 1][0]
    page = nat.get(f"/wilayah/{regency['region_code']}", params={"cutoff": FLAG_CUTOFF})
    assert page.status_code == 200 and 'data-flag="count_falls"' in page.text
    results = nat.get("/api/results", params={"cutoff": FLAG_CUTOFF, "tier": "regency",
                                              "region": regency["region_code"]}).json()
    cell = results["regions"][0]["indicators"][regency["indicator"]]
    assert any(f["key"] == regency["key"] for f in cell["flags"])


def test_overview_counts_and_completeness_page(app):
    nat = _client(app, "nasional")
    page = nat.get("/nasional", params={"cutoff": CUTOFF})
    assert 'id="flag-count"' in page.text and 'id="completeness-count"' in page.text
    assert 'id="completeness-count"' not in _client(app).get("/nasional", params={"cutoff": CUTOFF}).text
    office = _client(app, "kaltara").get("/kelengkapan.json", params={"cutoff": CUTOFF}).json()
    assert {o["province_code"] for o in office["offices"]} == {"65"} and office["counts"]["offices"] == 5
    assert nat.get("/api/completeness", params={"cutoff": CUTOFF}).json()["counts"]["offices"] == 514
    assert _client(app, "kaltara").get("/kelengkapan", params={"cutoff": CUTOFF}).status_code == 200


def test_forecast_on_the_region_page_and_api(app):
    nat = _client(app, "nasional")
    page = nat.get("/wilayah/65", params={"cutoff": "2020-09-H2"})
    assert page.status_code == 200 and 'id="forecast"' in page.text
    assert "perkiraan; galat rata-rata ±" in page.text and 'id="allocation"' in page.text
    api = nat.get("/api/forecast/65", params={"cutoff": "2020-09-H2"}).json()
    statuses = {f["indicator"]: f["status"] for f in api["forecasts"]}
    assert set(statuses) == {"ktp_el", "kia", "akta_kelahiran"} and api["mae_pp"] > 0
    rollup = api["allocations"][0]
    assert sum(s["add"] for s in rollup["shares"]) == rollup["shortfall"]
    # a published run is public down to the regency/city: how the province's shortfall splits
    # across its regencies too
    public = _client(app).get("/api/forecast/65", params={"cutoff": "2020-09-H2"}).json()
    assert public["forecasts"] and public["allocations"] == api["allocations"]
