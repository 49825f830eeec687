"""The rubric simulator page (`/simulasi`, issue 20): a national user applies a draft rubric (one
threshold changed, a stored rubric, or an uploaded YAML file) to a cut-off's stored facts and reads
which offices change level and why, the tallies, the pass rates and a sensitivity table; the page
says what `capaian.evaluate.simulate` computes on the same store, and stores nothing."""

from __future__ import annotations

import re

import pytest
import yaml
from fastapi.testclient import TestClient

from capaian.evaluate.simulate import simulate_cutoff, with_threshold
from capaian.rubrics import load_rubric
from capaian.rubrics.loader import RUBRIC_DIR
from web_support import PASSWORD, csrf_of, login

CUTOFF = "2020-11-H1"


def _client(app, name: str | None = "nasional") -> TestClient:
    client = TestClient(app, follow_redirects=False)
    if name:
        assert login(client, name, PASSWORD).status_code == 303
    return client


@pytest.fixture(scope="module")
def national(app):
    return _client(app)


@pytest.fixture(scope="module")
def expected(app):
    """The simulation of KIA at 50 % (the program target) on the same store, computed directly."""
    store = app.state.web.store
    draft = with_threshold(load_rubric("levelisasi-2020"), "kia", 50)
    return simulate_cutoff(store, CUTOFF, draft, sweep="kia=20:60:20")


def _rows(html: str, table: str) -> list[str]:
    body = re.search(rf'<table[^>]*id="{table}".*?</table>', html, re.S)
    assert body, f"no table {table}"
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr[^>]*data-(?:code|tier)=.*?</tr>", body.group(0), re.S)]


def test_only_national_users_simulate(app):
    assert _client(app, None).get("/simulasi").status_code == 403
    assert _client(app, "kaltara").get("/simulasi").status_code == 403
    page = _client(app, "tarakan").get("/simulasi")
    assert page.status_code == 403
    assert 'id="nav-simulate"' not in _client(app, "kaltara").get("/nasional").text


def test_one_threshold_changed_shows_what_the_library_computes(national, expected):
    page = national.get("/simulasi", params={"cutoff": CUTOFF, "indicator": "kia", "threshold": "50",
                                             "sweep": "kia=20:60:20"})
    assert page.status_code == 200
    html = page.text
    assert 'id="nav-simulate"' in html
    assert 'data-in-force="levelisasi-2020"' in html and 'data-draft="levelisasi-2020+kia=50"' in html
    moved = expected.changes
    assert len(moved) > 0  # KIA at 50 % moves someone in the small store, or the test shows nothing
    codes = re.findall(r'<tr data-code="([^"]+)"', html)
    assert codes == list(moved["region_code"])
    for row, shown in zip(moved.to_dict("records"), _rows(html, "sim-changes")):
        assert f"L{int(row['level_in_force'])} → L{int(row['level_draft'])}" in shown
        assert "ambang 20 % → 50 %, tercapai → belum tercapai" in shown
    tallies = _rows(html, "sim-tallies")
    for tier, shown in zip(("province", "regency"), tallies):
        rows = expected.tallies[expected.tallies["tier"] == tier]
        for r in rows.to_dict("records"):
            if r["level"] != "none":
                assert f"L{r['level']} {r['in_force']} → {r['draft']}" in shown
    sweep = re.search(r'id="sim-sweep-table".*?</table>', html, re.S).group(0)
    assert [t.strip() for t in re.findall(r'<th scope="row">([^<]+)</th>', sweep)] == ["20 %", "40 %", "60 %"]


def test_english_and_a_stored_draft(app, expected):
    client = _client(app, "nasional")
    client.post("/bahasa", data={"lang": "en", "csrf_token": csrf_of(client.get("/simulasi").text), "next": "/simulasi"})
    page = client.get("/simulasi", params={"cutoff": CUTOFF, "draft": "levelisasi-2020"})
    assert page.status_code == 200
    assert "Offices changing level: 0 provinces, 0 regencies/cities" in page.text  # the same rubric moves nobody


def test_an_uploaded_draft_and_its_errors(national, expected):
    data = yaml.safe_load((RUBRIC_DIR / "levelisasi-2020.yaml").read_text(encoding="utf-8"))
    data["id"] = "draf-kia-50"
    next(i for i in data["indicators"] if i["id"] == "kia")["threshold"] = {"value": 50, "source": "draf"}
    token = csrf_of(national.get("/simulasi").text)
    body = yaml.safe_dump(data, allow_unicode=True).encode()
    page = national.post("/simulasi", data={"csrf_token": token, "cutoff": CUTOFF},
                         files={"file": ("draf-kia-50.yaml", body, "application/yaml")})
    assert page.status_code == 200
    assert re.findall(r'<tr data-code="([^"]+)"', page.text) == list(expected.changes["region_code"])
    assert 'data-draft="draf-kia-50"' in page.text
    broken = national.post("/simulasi", data={"csrf_token": token, "cutoff": CUTOFF},
                           files={"file": ("rusak.yaml", b"id: [unclosed", "application/yaml")})
    assert broken.status_code == 422 and "rusak.yaml: YAML tidak valid" in broken.text
    bad_threshold = national.get("/simulasi", params={"cutoff": CUTOFF, "indicator": "kia", "threshold": "lima"})
    assert bad_threshold.status_code == 422 and "Ambang &#39;lima&#39; bukan angka." in bad_threshold.text
    unknown = national.get("/simulasi", params={"cutoff": CUTOFF, "indicator": "ikd", "threshold": "25"})
    assert unknown.status_code == 422 and "Indikator &#39;ikd&#39; tidak ada di rubrik levelisasi-2020" in unknown.text
    assert national.post("/simulasi", data={"cutoff": CUTOFF}).status_code == 403  # no CSRF token


def test_the_simulator_stores_nothing(app, national):
    store = app.state.web.store
    tables = ("evaluation_runs", "audit_log", "facts", "saved_flags")
    before = {t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    national.get("/simulasi", params={"cutoff": CUTOFF, "indicator": "kia", "threshold": "60"})
    after = {t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    assert before == after
