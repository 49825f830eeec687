"""REST API under /api/ and its OpenAPI document."""

import base64

import pytest
from fastapi.testclient import TestClient

from capaian.web import create_app
from web_support import KALTARA, PASSWORD, PUBLISHED, SEED_CUTOFF, UNPUBLISHED, fresh_db, login


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def app(request, tmp_path_factory):
    """The app over the web test store, on each backend (replaces conftest's DuckDB-only `app`)."""
    from pg_support import placed

    web = create_app(placed(request, fresh_db(tmp_path_factory.mktemp("api"))), secret="test-secret")
    yield web
    web.state.web.store.close()


@pytest.fixture
def client(app):
    return TestClient(app)


def basic(name, password=PASSWORD):
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()}


def test_openapi_lists_every_area(client):
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    for path in ("/api/regions", "/api/regions/{code}", "/api/cutoffs", "/api/rubrics", "/api/rubrics/{rubric_id}",
                 "/api/evaluations", "/api/evaluations/{run_id}", "/api/evaluations/{run_id}/publish",
                 "/api/results", "/api/explanations/{code}", "/api/submissions"):
        assert path in paths, path
    assert not any(not p.startswith("/api/") for p in paths)  # pages stay out of the API document
    docs = client.get("/api")
    assert docs.status_code == 200 and "/api/results" in docs.text
    assert client.get("/docs").status_code == 404  # the CDN-based Swagger page is off


def test_regions(client):
    provinces = client.get("/api/regions", params={"version": "2020"}).json()["regions"]
    assert len(provinces) == 34
    kaltara = client.get("/api/regions/65", params={"version": "2020"}).json()
    assert kaltara["name"].lower().startswith("kalimantan utara")
    assert {c["code"] for c in kaltara["children"]} == set(KALTARA)
    assert len(client.get("/api/regions").json()["regions"]) == 38
    found = client.get("/api/regions", params={"q": "tarakan", "tier": "regency"}).json()["regions"]
    assert [r["code"] for r in found] == ["65.71"]
    assert client.get("/api/regions/99").status_code == 404
    assert client.get("/api/regions", params={"version": "1999"}).status_code == 422


def test_cutoffs_and_rubrics(client, app):
    public = client.get("/api/cutoffs").json()["cutoffs"]
    assert [c["cutoff"] for c in public] == list(PUBLISHED)
    assert public[-1]["as_of"] == "2020-11-15"
    c = TestClient(app)
    login(c, "nasional")
    assert [x["cutoff"] for x in c.get("/api/cutoffs").json()["cutoffs"]] == [*PUBLISHED, UNPUBLISHED]
    rubrics = client.get("/api/rubrics").json()["rubrics"]
    assert "levelisasi-2020" in {r["id"] for r in rubrics}
    rubric = client.get("/api/rubrics/levelisasi-2020").json()
    assert len(rubric["indicators"]) == 9
    assert client.get("/api/rubrics/nope").status_code == 404


def test_evaluations_results_explanations(client):
    runs = client.get("/api/evaluations").json()["evaluations"]
    seed = next(r for r in runs if r["cutoff"] == SEED_CUTOFF)
    assert seed["published"]
    assert client.get(f"/api/evaluations/{seed['id']}").json()["id"] == seed["id"]
    assert client.get("/api/evaluations/9999").status_code == 404
    results = client.get("/api/results", params={"cutoff": SEED_CUTOFF, "tier": "province"}).json()
    kaltara = next(r for r in results["regions"] if r["code"] == "65")
    assert kaltara["level"] == 3
    assert kaltara["indicators"]["ktp_el"]["numerator"] == 467701
    assert kaltara["indicators"]["ktp_el"]["value"] == pytest.approx(467701 / 458845 * 100)
    same = client.get("/api/results", params={"run_id": seed["id"]}).json()
    assert same["regions"] == results["regions"]
    # the same numbers as the page twin
    twin = client.get(f"/wilayah/65.json?cutoff={SEED_CUTOFF}").json()
    assert twin["region"]["indicators"] == kaltara["indicators"]
    ex = client.get("/api/explanations/65", params={"cutoff": SEED_CUTOFF, "lang": "en"}).json()
    assert ex["explanation"]["level"] == 3 and ex["explanation"]["next_level"] == 4
    assert {s["indicator"] for s in ex["explanation"]["path"]} == {"kertas_putih"}
    assert any("KIA: 44.76 %" in line and "program target 50 % not yet" in line for line in ex["lines"])
    assert client.get("/api/explanations/77", params={"cutoff": SEED_CUTOFF}).status_code == 404
    assert client.get("/api/results", params={"cutoff": "2020-13-H1"}).status_code == 422


def test_basic_auth_for_scripts(client):
    r = client.get("/api/results", params={"tier": "regency", "cutoff": UNPUBLISHED, "region": "65", "draft": "true"},
                   headers=basic("kaltara"))
    assert r.status_code == 200
    assert {x["code"] for x in r.json()["regions"]} == set(KALTARA)
    bad = client.get("/api/results", headers=basic("kaltara", "wrong-password"))
    assert bad.status_code == 401 and bad.json()["error"] == "login_failed"
    subs = client.get("/api/submissions", headers=basic("kaltara")).json()["submissions"]
    assert subs and all(s["scope_region"] == "65" for s in subs)
    all_subs = client.get("/api/submissions", headers=basic("nasional")).json()["submissions"]
    assert len(all_subs) > len(subs)


def test_evaluate_and_publish_need_national(client):
    assert client.post("/api/evaluations", json={"cutoff": SEED_CUTOFF}).status_code == 403
    r = client.post("/api/evaluations", json={"cutoff": SEED_CUTOFF}, headers=basic("kaltara"))
    assert r.status_code == 403
    r = client.post("/api/evaluations", json={"cutoff": "2020-01-H1"}, headers=basic("nasional"))
    assert r.status_code == 422  # no facts for that cut-off
    runs = client.get("/api/evaluations", headers=basic("nasional")).json()["evaluations"]
    unpublished = next(r for r in runs if not r["published"])
    assert client.post(f"/api/evaluations/{unpublished['id']}/publish", headers=basic("malinau")).status_code == 403
    r = client.post(f"/api/evaluations/{unpublished['id']}/publish", headers=basic("nasional"))
    assert r.status_code == 200 and r.json()["published"] and r.json()["published_by"] == "nasional"
    assert client.post(f"/api/evaluations/{unpublished['id']}/publish", headers=basic("nasional")).status_code == 409


def test_results_filter_matching_nothing_is_an_empty_list(client):
    for params in ({"cutoff": SEED_CUTOFF, "tier": "district", "province": "64"},
                   {"cutoff": SEED_CUTOFF, "tier": "village", "region": "65.71"}):
        r = client.get("/api/results", params=params, headers=basic("nasional"))
        assert r.status_code == 200 and r.json()["regions"] == []


def test_public_explanation_names_lagging_regencies_with_their_values(client):
    """A published run is public down to the regency/city: the public reads the same path as the office."""
    public = client.get("/api/explanations/65", params={"cutoff": SEED_CUTOFF}).json()
    steps = public["explanation"]["path"]
    named = [r for step in steps for r in step["regions"]]
    assert named and any("value" in r for r in named)
    own = client.get("/api/explanations/65", params={"cutoff": SEED_CUTOFF}, headers=basic("kaltara")).json()
    assert own["explanation"]["path"] == steps


def test_region_lists_from_the_stores_copy_are_the_hierarchys(tmp_path, monkeypatch):
    """A store holding its copy of the hierarchy (`capaian db init`, the demo) answers region lists
    from it, without loading the 91,600-region hierarchy into the server: the same answers."""
    from fastapi.testclient import TestClient

    from capaian.regions import get_hierarchy
    from capaian.store import open_store
    from capaian.web.app import create_app

    store = open_store(tmp_path / "copy.duckdb")
    for version in ("2020", "2025"):
        store.ensure_regions(version)
    store.close()
    with TestClient(create_app(tmp_path / "copy.duckdb", warm=False)) as stored, \
            TestClient(create_app(tmp_path / "none.duckdb", warm=False)) as loaded:
        import capaian.regions

        calls = []
        real = capaian.regions.get_hierarchy
        monkeypatch.setattr(capaian.regions, "get_hierarchy", lambda v: calls.append(v) or real(v))
        for url in ("/api/regions", "/api/regions?version=2020", "/api/regions?parent=65",
                    "/api/regions?parent=65.01&tier=district", "/api/regions?parent=65.01.01",
                    "/api/regions/65", "/api/regions/65.71.01", "/api/regions/65?version=2020"):
            calls.clear()
            answer = stored.get(url)
            assert calls == [], url  # answered from the store's copy, the hierarchy never loaded
            assert answer.status_code == 200 and answer.json() == loaded.get(url).json(), url
        assert len(stored.get("/api/regions?parent=65").json()["regions"]) == len(get_hierarchy("2025").children("65"))
        for url in ("/api/regions/99", "/api/regions?parent=99.99"):
            assert stored.get(url).status_code == loaded.get(url).status_code == 404, url
