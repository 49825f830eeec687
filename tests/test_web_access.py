"""Who sees what: the public, a province office, a regency office, the national team; CSRF; login limits."""

import pytest
from fastapi.testclient import TestClient

from web_support import KALTARA, PUBLISHED, SEED_CUTOFF, UNPUBLISHED, csrf_of, login


def client_for(app, name=None):
    c = TestClient(app)
    if name:
        r = login(c, name)
        assert r.status_code == 303, r.text
    return c


# (who, url, expected status)
MATRIX = [
    # the public: published runs down to the regency/city; no drafts, no village outreach lists
    (None, "/nasional", 200),
    (None, f"/nasional?cutoff={UNPUBLISHED}", 404),
    (None, f"/nasional.json?cutoff={UNPUBLISHED}", 404),
    (None, "/wilayah/65", 200),
    (None, f"/wilayah/65?cutoff={UNPUBLISHED}", 404),
    (None, f"/wilayah/65?cutoff={UNPUBLISHED}&draft=1", 404),  # drafts are not for the public
    (None, "/wilayah/65.71", 200),
    (None, "/wilayah/65.71.json", 200),
    (None, f"/wilayah/65.71?cutoff={UNPUBLISHED}&draft=1", 404),
    (None, "/wilayah/65.02/jangkauan.csv", 403),
    (None, "/unggah", 403),
    (None, "/api/submissions", 403),
    # province office 65
    ("kaltara", "/wilayah/65", 200),
    ("kaltara", f"/wilayah/65?cutoff={UNPUBLISHED}", 404),  # published only unless a draft is asked for
    ("kaltara", f"/wilayah/65?cutoff={UNPUBLISHED}&draft=1", 200),
    ("kaltara", "/wilayah/65.71", 200),
    ("kaltara", f"/wilayah/65.02/jangkauan.csv?cutoff={SEED_CUTOFF}", 200),
    ("kaltara", "/wilayah/64", 200),
    ("kaltara", f"/wilayah/64?cutoff={UNPUBLISHED}&draft=1", 404),
    ("kaltara", "/wilayah/64.71", 200),
    ("kaltara", f"/wilayah/64.71?cutoff={UNPUBLISHED}&draft=1", 404),
    ("kaltara", "/wilayah/64.71/jangkauan.csv", 403),
    ("kaltara", f"/nasional?cutoff={UNPUBLISHED}&draft=1", 404),
    ("kaltara", "/unggah", 200),
    # regency office 65.02
    ("malinau", "/wilayah/65.02", 200),
    ("malinau", f"/wilayah/65.02?cutoff={UNPUBLISHED}&draft=1", 200),
    ("malinau", "/wilayah/65.71", 200),
    ("malinau", "/wilayah/65.71/jangkauan.json", 403),
    ("malinau", "/wilayah/65", 200),
    ("malinau", f"/wilayah/65?cutoff={UNPUBLISHED}&draft=1", 404),
    ("malinau", "/wilayah/64.71.csv", 200),
    # national team: everything
    ("nasional", f"/nasional?cutoff={UNPUBLISHED}", 404),
    ("nasional", f"/nasional?cutoff={UNPUBLISHED}&draft=1", 200),
    ("nasional", f"/wilayah/64.71?cutoff={UNPUBLISHED}&draft=1", 200),
    ("nasional", "/wilayah/65.02/jangkauan.json", 200),
]


@pytest.mark.parametrize("who, url, status", MATRIX)
def test_access_matrix(app, who, url, status):
    r = client_for(app, who).get(url)
    assert r.status_code == status, (who, url, r.text[:300])
    if status == 403 and not url.endswith((".json", ".csv")) and not url.startswith("/api/"):
        assert 'id="error-page"' in r.text and 'data-status="403"' in r.text


def test_everyone_defaults_to_the_published_run_and_asks_for_drafts(app):
    c = client_for(app, "kaltara")
    own = c.get("/wilayah/65.json").json()
    assert own["run"]["cutoff"] == PUBLISHED[-1] and own["run"]["published"]
    assert [ch["code"] for ch in own["regions"]]
    # the page and the API agree on the run (issue 11: the API used to default to the draft)
    api = c.get("/api/explanations/65")
    assert api.status_code == 200 and api.json()["run"]["run_id"] == own["run"]["run_id"]
    draft = c.get("/wilayah/65.json?draft=1").json()
    assert draft["run"]["cutoff"] == UNPUBLISHED and draft["run"]["draft"]
    api_draft = c.get("/api/explanations/65", params={"draft": "true"}).json()
    assert api_draft["run"]["run_id"] == draft["run"]["run_id"]
    other = c.get("/wilayah/64.json?draft=1").json()  # no drafts outside its jurisdiction
    assert other["run"]["cutoff"] == PUBLISHED[-1] and other["regions"] and not other["regions_hidden"]
    overview = c.get("/nasional.json?draft=1").json()
    assert overview["run"]["published"] and overview["run"]["cutoff"] == PUBLISHED[-1]


@pytest.mark.parametrize("who", [None, "tarakan", "kaltim"])
def test_published_province_page_shows_its_regencies_to_everyone(app, who):
    page = client_for(app, who).get("/wilayah/65").text
    assert 'id="regencies-hidden"' not in page and 'id="regency-table"' in page and "Tarakan" in page


def test_public_api_sees_only_published_provinces(app):
    c = client_for(app)
    data = c.get("/api/results", params={"tier": "regency"}).json()
    assert data["run"]["published"] and "65.71" in {r["code"] for r in data["regions"]}
    assert c.get("/api/results", params={"tier": "village"}).json()["regions"] == []
    provinces = c.get("/api/results").json()
    assert len(provinces["regions"]) == 34
    assert c.get("/api/results", params={"cutoff": UNPUBLISHED}).status_code == 404
    runs = c.get("/api/evaluations").json()["evaluations"]
    assert {r["cutoff"] for r in runs} == set(PUBLISHED)
    unpublished_id = client_for(app, "nasional").get("/nasional.json?draft=1").json()["run"]["run_id"]
    assert c.get(f"/api/evaluations/{unpublished_id}").status_code == 404
    assert c.get("/api/results", params={"run_id": unpublished_id}).status_code == 404
    assert c.get("/api/explanations/65.71", params={"cutoff": SEED_CUTOFF}).status_code == 200
    assert c.get("/api/explanations/65", params={"cutoff": SEED_CUTOFF}).status_code == 200


def test_province_api_scope(app):
    c = client_for(app, "kaltara")
    regs = c.get("/api/results", params={"tier": "regency", "cutoff": UNPUBLISHED, "region": "65",
                                         "draft": "true"}).json()["regions"]
    assert {r["code"] for r in regs} == set(KALTARA)
    assert c.get("/api/results", params={"tier": "province", "cutoff": UNPUBLISHED, "draft": "true"}).status_code == 404
    provinces = c.get("/api/results", params={"tier": "province", "cutoff": UNPUBLISHED, "region": "65",
                                              "draft": "true"}).json()["regions"]
    assert [r["code"] for r in provinces] == ["65"]  # other provinces' unpublished rows stay hidden
    villages = c.get("/api/results", params={"tier": "village", "cutoff": SEED_CUTOFF}).json()["regions"]
    assert len(villages) == 3


# --- CSRF ------------------------------------------------------------------------------------


def test_csrf_refused_on_every_form(app):
    c = client_for(app, "nasional")
    assert c.post("/bahasa", data={"lang": "en"}).status_code == 403
    assert c.post("/bahasa", data={"lang": "en", "csrf_token": "forged"}).status_code == 403
    assert c.post("/keluar", data={}).status_code == 403
    assert c.post("/unggah", files={"file": ("a.csv", b"x")}, data={"csrf_token": "forged"}).status_code == 403
    run_id = c.get("/nasional.json?draft=1").json()["run"]["run_id"]
    assert c.post(f"/run/{run_id}/terbitkan", data={"csrf_token": "forged"}).status_code == 403
    assert c.post("/api/evaluations", json={"cutoff": SEED_CUTOFF}).status_code == 403
    assert c.post(f"/api/evaluations/{run_id}/publish").status_code == 403
    fresh = TestClient(app)
    assert fresh.post("/masuk", data={"name": "nasional", "password": "rahasia-123"}).status_code == 403
    # still logged in, nothing changed
    assert c.get("/nasional.json?draft=1").json()["run"]["published"] is False


def test_csrf_header_accepted_for_session_api_calls(app):
    c = client_for(app, "nasional")
    token = csrf_of(c.get("/nasional").text)
    r = c.post("/api/evaluations", json={"cutoff": SEED_CUTOFF}, headers={"X-CSRF-Token": token})
    assert r.status_code == 201, r.text
    assert r.json()["cutoff"] == SEED_CUTOFF


# --- login --------------------------------------------------------------------------------


def test_login_logout_and_session_cookie(app):
    c = TestClient(app)
    r = login(c, "kaltara")
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert "capaian_session=" in cookie and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "kaltara" in c.get("/nasional").text
    token = csrf_of(c.get("/nasional").text)
    assert c.post("/keluar", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert c.get("/unggah").status_code == 403


def test_tampered_session_cookie_is_ignored(app):
    c = TestClient(app)
    c.cookies.set("capaian_session", "eyJ1c2VyIjogIm5hc2lvbmFsIn0=.forged.sig")
    assert c.get("/unggah").status_code == 403


def test_wrong_password_and_rate_limit(app):
    c = TestClient(app, client=("10.20.0.1", 40000))
    for _ in range(5):
        assert login(c, "malinau", "salah-sandi-1").status_code == 401
    r = login(c, "malinau")  # right password, but too many failures for this account
    assert r.status_code == 429
    assert "Terlalu banyak" in r.text
    # the throttle is per account and address: the owner elsewhere, and a colleague behind the same
    # address (one office, one NAT), still log in with the right password
    assert login(TestClient(app, client=("10.20.0.2", 40000)), "malinau").status_code == 303
    assert login(TestClient(app, client=("10.20.0.1", 40001)), "kaltara").status_code == 303


def test_login_redirect_stays_local(app):
    c = TestClient(app)
    page = c.get("/masuk")
    r = c.post("/masuk", data={"name": "kaltara", "password": "rahasia-123", "csrf_token": csrf_of(page.text),
                               "next": "https://example.com/"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/wilayah/65"  # not outside: the office's own region


def test_language_remembered_per_user(app):
    c = client_for(app, "kaltim")  # stored preference: English
    assert '<html lang="en">' in c.get("/nasional").text
    c2 = client_for(app, "tarakan")
    token = csrf_of(c2.get("/nasional").text)
    c2.post("/bahasa", data={"lang": "en", "csrf_token": token, "next": "/nasional"})
    c3 = client_for(app, "tarakan")  # a new session picks up the stored choice
    assert '<html lang="en">' in c3.get("/nasional").text
    token = csrf_of(c3.get("/nasional").text)
    c3.post("/bahasa", data={"lang": "id", "csrf_token": token, "next": "/nasional"})
    assert '<html lang="id">' in client_for(app, "tarakan").get("/nasional").text


def test_public_language_toggle_in_session(app):
    c = TestClient(app)
    token = csrf_of(c.get("/nasional").text)
    r = c.post("/bahasa", data={"lang": "en", "csrf_token": token, "next": "//evil.example/"}, follow_redirects=False)
    assert r.headers["location"] == "/nasional"
    assert "National overview" in c.get("/nasional").text


def test_publish_from_runs_page_is_audited(app):
    c = client_for(app, "nasional")
    page = c.get("/run").text
    token = csrf_of(page)
    run_id = c.get("/nasional.json?draft=1").json()["run"]["run_id"]
    k = client_for(app, "kaltara")
    assert k.post(f"/run/{run_id}/terbitkan", data={"csrf_token": csrf_of(k.get("/run").text)}).status_code == 403
    r = c.post(f"/run/{run_id}/terbitkan", data={"csrf_token": token}, follow_redirects=True)
    assert r.status_code == 200 and 'id="publish-done"' in r.text
    with web_state(app).db() as store:
        audit = store.list_audit(action="run.publish")
    assert f"run:{run_id}" in set(audit["object"]) and "nasional" in set(audit["actor"])
    # the public now sees it
    assert TestClient(app).get("/nasional.json").json()["run"]["run_id"] == run_id
    assert c.post(f"/run/{run_id}/terbitkan", data={"csrf_token": token}).status_code == 409


def web_state(app):
    return app.state.web


def test_published_regency_page_is_public_without_its_villages(app):
    public = client_for(app).get("/wilayah/65.02")
    assert public.status_code == 200 and 'id="outreach"' not in public.text and "jangkauan" not in public.text
    assert "district" not in client_for(app).get("/wilayah/65.02.json").json().get("tier", "")
    own = client_for(app, "malinau").get("/wilayah/65.02").text
    assert 'id="outreach"' in own
