"""A correction chain of depth 3 (page -> API -> CLI), and every list and history page that shows it.

Kaltara's 2020-11-H1 file of the web test store is corrected three times: A through the upload page
(Bulungan and Nunukan), B through the API (Bulungan), C through the CLI (both again), so that C
supersedes two earlier submissions at once. Before the fix the upload page and `GET /api/submissions`
answered 500 once a submission superseded two or more earlier ones (a stored array read back as numpy).
"""

from __future__ import annotations

import base64
import re

import pytest
from fastapi.testclient import TestClient

from capaian.web import create_app
from cli_support import run_capaian
from web_support import PASSWORD, SEED_CUTOFF, csrf_of, fresh_db, login

BULUNGAN, NUNUKAN = "65.01", "65.03"


def _csv(values: dict[str, int]) -> str:
    return "kode_wilayah,cutoff,pks\n" + "".join(f"{code},{SEED_CUTOFF},{v}\n" for code, v in values.items())


def _basic(name: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{PASSWORD}".encode()).decode()}


def _client(app, name: str | None = None) -> TestClient:
    client = TestClient(app)
    if name:
        assert login(client, name).status_code == 303
    return client


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def chain(request, tmp_path_factory):
    """The app, its store target, and the ids of the original file and of A, B, C."""
    from pg_support import placed

    folder = tmp_path_factory.mktemp("chain")
    target = placed(request, fresh_db(folder))
    app = create_app(target, secret="test-secret")
    with app.state.web.db() as store:
        frame = store.list_submissions(SEED_CUTOFF)
    original = int(frame.loc[frame["scope_region"] == "65", "id"].iloc[0])

    page = _client(app, "kaltara")
    token = csrf_of(page.get("/unggah").text)
    r = page.post("/unggah", data={"csrf_token": token},
                  files={"file": ("a.csv", _csv({BULUNGAN: 16, NUNUKAN: 16}).encode(), "text/csv")})
    assert r.status_code == 200 and 'data-ok="true"' in r.text, r.text
    a = _latest(app)

    r = TestClient(app).post("/api/submissions", headers=_basic("kaltara"),
                             files={"file": ("b.csv", _csv({BULUNGAN: 17}).encode(), "text/csv")})
    assert r.status_code == 201, r.text
    b = r.json()["result"]["submission_id"]
    assert r.json()["result"]["supersedes"] == [a]

    c_file = folder / "c.csv"
    c_file.write_text(_csv({BULUNGAN: 18, NUNUKAN: 18}))
    out = run_capaian(target, "--lang", "en", "import", "submission", str(c_file), "--as", "kaltara").stdout
    assert "2 earlier values replaced" in out
    c = _latest(app)
    yield app, target, (original, a, b, c)
    app.state.web.store.close()


def _latest(app) -> int:
    with app.state.web.db() as store:
        return int(store.list_submissions(SEED_CUTOFF)["id"].max())


def test_the_chain_is_stored_with_every_link(chain):
    app, _, (original, a, b, c) = chain
    with app.state.web.db() as store:
        rows = {int(r["id"]): r for r in store.list_submissions(SEED_CUTOFF).to_dict("records")}
        assert rows[a]["supersedes"] == [original]
        assert rows[b]["supersedes"] == [a]
        assert rows[c]["supersedes"] == [a, b]
        assert store.get_submission(c)["supersedes"] == [a, b]
        assert [rows[i]["status"] for i in (original, a, b, c)] == [
            "partly_superseded", "superseded", "superseded", "current"]
        values = store.current_facts(SEED_CUTOFF, regions={BULUNGAN, NUNUKAN})
    pks = values[values["fact"] == "pks"].set_index("region_code")["value"].to_dict()
    assert pks == {BULUNGAN: 18.0, NUNUKAN: 18.0}


@pytest.mark.parametrize("user", ["kaltara", "nasional", "tarakan"])
def test_the_upload_page_lists_the_chain(chain, user):
    app, _, (original, a, b, c) = chain
    page = _client(app, user).get("/unggah")
    assert page.status_code == 200
    listed = dict(re.findall(r'<tr data-id="(\d+)" data-status="(\w+)">', page.text))
    if user == "tarakan":  # a regency does not see its province's files
        assert str(c) not in listed
        return
    assert listed[str(c)] == "current" and listed[str(b)] == "superseded"
    assert listed[str(a)] == "superseded" and listed[str(original)] == "partly_superseded"
    row = re.search(rf'<tr data-id="{c}".*?</tr>', page.text, flags=re.S).group(0)
    assert re.search(r'class="replaces">([^<]*)<', row).group(1) == f"#{a}, #{b}"


@pytest.mark.parametrize("user", ["kaltara", "nasional"])
def test_the_api_lists_the_chain(chain, user):
    app, _, (original, a, b, c) = chain
    client = TestClient(app)
    for params in ({}, {"cutoff": SEED_CUTOFF}):
        r = client.get("/api/submissions", params=params, headers=_basic(user))
        assert r.status_code == 200, r.text
        by_id = {s["id"]: s for s in r.json()["submissions"]}
        assert by_id[c]["supersedes"] == [a, b] and by_id[b]["supersedes"] == [a]
        assert by_id[a]["supersedes"] == [original]


def test_the_completeness_history_names_every_submission(chain):
    app, _, (original, a, b, c) = chain
    client = _client(app, "kaltara")
    assert client.get("/kelengkapan", params={"cutoff": SEED_CUTOFF}).status_code == 200
    offices = {o["code"]: o for o in
               client.get("/kelengkapan.json", params={"cutoff": SEED_CUTOFF}).json()["offices"]}
    assert set(offices[BULUNGAN]["submission_ids"]) == {original, a, b, c}
    assert set(offices[NUNUKAN]["submission_ids"]) == {original, a, c}
    csv = client.get("/kelengkapan.csv", params={"cutoff": SEED_CUTOFF})
    assert csv.status_code == 200 and f"{original} {a} {b} {c}" in csv.text


def test_the_cli_lists_the_chain(chain):
    _, target, (original, a, b, c) = chain
    for args in ((), ("--cutoff", SEED_CUTOFF)):
        out = run_capaian(target, "--lang", "en", "submission", "list", *args).stdout
        line = next(l for l in out.splitlines() if re.match(rf"\W*{c}\b", l.strip("│ ")))
        assert f"#{a}, #{b}" in line and "current" in line
        line = next(l for l in out.splitlines() if re.match(rf"\W*{b}\b", l.strip("│ ")))
        assert f"#{a}" in line and "replaced by a later file" in line
