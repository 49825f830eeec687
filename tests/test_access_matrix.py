"""Role × route × region × published: every route of the app, asked by every role, about a published
and an unpublished run of the demo store.

The expected statuses are written out below from the documented rule (`capaian.access` module
docstring), not computed by calling `allowed()`. Every route the app serves must have at least one
row here: a new route without an expectation fails `test_every_route_has_an_expectation`.

Roles (columns, in this order): the public, the national team, the province office of Kalimantan
Utara (65), the Kota Tarakan office (65.71), the province office of Kalimantan Timur (64, another
province). Regions: the province 65, the regency 65.71, and 65.01 (a regency of 65 that is not
the regency user's).
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile

import pytest
from fastapi.testclient import TestClient

from capaian.web import create_app
from web_support import csrf_of, login

PASSWORD = "rahasia-123"
ROLES = ("public", "national", "prov65", "reg6571", "prov64")
ACCOUNTS = {  # role -> (user name, role, region)
    "national": ("nasional", "national", None),
    "prov65": ("kaltara", "province", "65"),
    "reg6571": ("tarakan", "regency", "65.71"),
    "prov64": ("kaltim", "province", "64"),
}
PUBLISHED_CUTOFF = "2022-11-H2"  # the demo's last published run
UNPUBLISHED_CUTOFF = "2022-12-H2"  # the demo's last run, left unpublished

ALL = lambda status: f"{status} {status} {status} {status} {status}"  # noqa: E731

# method, route (as the app declares it), URL asked ({cutoff}, {run} filled in per run),
# expected statuses in the published run | in the unpublished run, one per role in ROLES order.
# A URL marked "write:" changes the store when it succeeds; it is asked of a fresh copy.
MATRIX = [
    ("GET", "/", "/?cutoff={cutoff}", ALL(307), ALL(307)),
    # national overview and its twins: the public sees published runs; only national users unpublished ones
    ("GET", "/nasional", "/nasional?cutoff={cutoff}", ALL(200), "404 200 404 404 404"),
    ("GET", "/nasional/tabel", "/nasional/tabel?cutoff={cutoff}", ALL(200), "404 200 404 404 404"),
    ("GET", "/nasional.{fmt:dataformat}", "/nasional.json?cutoff={cutoff}", ALL(200), "404 200 404 404 404"),
    ("GET", "/nasional.{fmt:dataformat}", "/nasional.csv?cutoff={cutoff}", ALL(200), "404 200 404 404 404"),
    # the regency/city scorecard: open like the overview; its rows are the user's jurisdiction only
    ("GET", "/nasional/kabkota", "/nasional/kabkota?cutoff={cutoff}", ALL(200), "404 200 404 404 404"),
    ("GET", "/nasional/kabkota.{fmt:dataformat}", "/nasional/kabkota.json?cutoff={cutoff}", ALL(200), "404 200 404 404 404"),
    ("GET", "/nasional/kabkota.{fmt:dataformat}", "/nasional/kabkota.csv?cutoff={cutoff}", ALL(200), "404 200 404 404 404"),
    # the national report: open to everyone who may see the national overview
    ("GET", "/nasional/laporan.{fmt}", "/nasional/laporan.md?cutoff={cutoff}", ALL(200), "404 200 404 404 404"),
    ("GET", "/nasional/laporan.{fmt}", "/nasional/laporan.xlsx?cutoff={cutoff}", ALL(200), "404 200 404 404 404"),
    # a province page: public with its regencies in published runs; a draft within jurisdiction
    ("GET", "/wilayah/{code}", "/wilayah/65?cutoff={cutoff}", ALL(200), "404 200 200 404 404"),
    ("GET", "/wilayah/{code}.{fmt:dataformat}", "/wilayah/65.json?cutoff={cutoff}", ALL(200), "404 200 200 404 404"),
    ("GET", "/wilayah/{code}.{fmt:dataformat}", "/wilayah/65.csv?cutoff={cutoff}", ALL(200), "404 200 200 404 404"),
    ("GET", "/wilayah/{code}.{fmt:dataformat}", "/wilayah/65.parquet?cutoff={cutoff}", ALL(200), "404 200 200 404 404"),
    # a regency page: public in published runs (down to the regency/city); a draft within jurisdiction
    # (outside jurisdiction, a draft is never chosen: 404, as for a province)
    ("GET", "/wilayah/{code}", "/wilayah/65.71?cutoff={cutoff}", ALL(200), "404 200 200 200 404"),
    ("GET", "/wilayah/{code}.{fmt:dataformat}", "/wilayah/65.71.json?cutoff={cutoff}", ALL(200),
     "404 200 200 200 404"),
    ("GET", "/wilayah/{code}.{fmt:dataformat}", "/wilayah/65.71.csv?cutoff={cutoff}", ALL(200),
     "404 200 200 200 404"),
    ("GET", "/wilayah/{code}", "/wilayah/65.01?cutoff={cutoff}", ALL(200), "404 200 200 404 404"),
    ("GET", "/wilayah/{code}.{fmt:dataformat}", "/wilayah/65.01.json?cutoff={cutoff}", ALL(200),
     "404 200 200 404 404"),
    ("GET", "/wilayah/{code}.{fmt:dataformat}", "/wilayah/65.01.csv?cutoff={cutoff}", ALL(200),
     "404 200 200 404 404"),
    # the outreach list exists for regencies only; its villages stay within jurisdiction, published or not
    ("GET", "/wilayah/{code}/jangkauan.{fmt:dataformat}", "/wilayah/65/jangkauan.csv?cutoff={cutoff}", ALL(404), ALL(404)),
    ("GET", "/wilayah/{code}/jangkauan.{fmt:dataformat}", "/wilayah/65.71/jangkauan.csv?cutoff={cutoff}",
     "403 200 200 200 403", "404 200 200 200 404"),
    ("GET", "/wilayah/{code}/jangkauan.{fmt:dataformat}", "/wilayah/65.71/jangkauan.json?cutoff={cutoff}",
     "403 200 200 200 403", "404 200 200 200 404"),
    ("GET", "/wilayah/{code}/jangkauan.{fmt:dataformat}", "/wilayah/65.01/jangkauan.json?cutoff={cutoff}",
     "403 200 200 403 403", "404 200 200 404 404"),
    # region reports: a province's is public in a published run; a regency's (with its villages'
    # outreach list) within jurisdiction only
    ("GET", "/wilayah/{code}/laporan.{fmt}", "/wilayah/65/laporan.md?cutoff={cutoff}", ALL(200),
     "404 200 200 404 404"),
    ("GET", "/wilayah/{code}/laporan.{fmt}", "/wilayah/65.71/laporan.txt?cutoff={cutoff}",
     "403 200 200 200 403", "403 200 200 200 403"),
    ("GET", "/wilayah/{code}/laporan.{fmt}", "/wilayah/65.01/laporan.xlsx?cutoff={cutoff}",
     "403 200 200 403 403", "403 200 200 403 403"),
    # the header search lists region names and codes only (no figures): open to everyone (issue 23)
    ("GET", "/cari", "/cari?q=kalimantan", ALL(200), ALL(200)),
    # log in / out, language
    ("GET", "/masuk", "/masuk", ALL(200), ALL(200)),
    ("POST", "/masuk", "nocsrf:/masuk", ALL(403), ALL(403)),
    ("POST", "/keluar", "logout:/keluar", ALL(303), ALL(303)),
    ("POST", "/bahasa", "/bahasa", ALL(303), ALL(303)),
    # upload: any account, for regions within its jurisdiction (outside: 422 naming the row)
    ("GET", "/unggah", "/unggah", "403 200 200 200 200", "403 200 200 200 200"),
    ("POST", "/unggah", "upload:/unggah", "403 200 200 200 422", "403 200 200 200 422"),
    # evaluating a cut-off from the upload page: national users only (no cut-off named: 404)
    ("POST", "/unggah/evaluasi", "write:/unggah/evaluasi", "403 404 403 403 403", "403 404 403 403 403"),
    ("GET", "/unggah/templat.csv", "/unggah/templat.csv?cutoff={cutoff}&region=65.71", "403 200 200 200 403",
     "403 200 200 200 403"),
    ("GET", "/unggah/templat.csv", "/unggah/templat.csv?cutoff={cutoff}&region=65", "403 200 200 403 403",
     "403 200 200 403 403"),
    # runs: listed for everyone (what each may see of them: see the tests below); national users publish
    ("GET", "/run", "/run", ALL(200), ALL(200)),
    ("GET", "/run.{fmt:dataformat}", "/run.json", ALL(200), ALL(200)),
    ("GET", "/run.{fmt:dataformat}", "/run.csv", ALL(200), ALL(200)),
    ("GET", "/run/{run_id}/terbitkan", "/run/{run}/terbitkan", "403 200 403 403 403", "403 200 403 403 403"),
    ("POST", "/run/{run_id}/terbitkan", "write:/run/{run}/terbitkan", "403 409 403 403 403",
     "403 303 403 403 403"),
    # the rubric simulator: national users only (a GET computes, nothing is stored; a POST carries a
    # draft file: without one it is refused with the form, 422)
    ("GET", "/simulasi", "/simulasi", "403 200 403 403 403", "403 200 403 403 403"),
    ("POST", "/simulasi", "/simulasi", "403 422 403 403 403", "403 422 403 403 403"),
    # reporting completeness: offices only, each for the offices it answers for (facts, not runs)
    ("GET", "/kelengkapan", "/kelengkapan?cutoff={cutoff}", "403 200 200 200 200", "403 200 200 200 200"),
    ("GET", "/kelengkapan.{fmt:dataformat}", "/kelengkapan.json?cutoff={cutoff}", "403 200 200 200 200",
     "403 200 200 200 200"),
    ("GET", "/kelengkapan.{fmt:dataformat}", "/kelengkapan.csv?cutoff={cutoff}", "403 200 200 200 200", "403 200 200 200 200"),
    # data-quality flags: of the run the picker chooses (offices: drafts of their own region)
    ("GET", "/kualitas", "/kualitas?cutoff={cutoff}", ALL(200), "404 200 200 200 200"),
    ("GET", "/kualitas.{fmt:dataformat}", "/kualitas.json?cutoff={cutoff}", ALL(200), "404 200 200 200 200"),
    ("GET", "/kualitas.{fmt:dataformat}", "/kualitas.csv?cutoff={cutoff}", ALL(200), "404 200 200 200 200"),
    # marking a flag explained: national users only (an empty note is refused, 422)
    ("POST", "/kualitas/catatan", "write:/kualitas/catatan", "403 422 403 403 403", "403 422 403 403 403"),
    # static and documentation
    ("GET", "/api", "/api", ALL(200), ALL(200)),
    ("GET", "/api/docs", "/api/docs", ALL(200), ALL(200)),  # interactive (Swagger UI, vendored)
    ("GET", "/openapi.json", "/openapi.json", ALL(200), ALL(200)),
    ("GET", "/peta.geojson", "/peta.geojson", ALL(404), ALL(404)),  # no boundary file configured
    # a report job's progress: ids are random tokens handed out after the access rule; an unknown one is 404
    ("GET", "/laporan/job/{job_id}", "/laporan/job/tidak-ada", ALL(404), ALL(404)),
    ("GET", "/favicon.ico", "/favicon.ico", ALL(200), ALL(200)),
    ("GET", "/healthz", "/healthz", ALL(200), ALL(200)),  # health of the process, for a load balancer
    ("GET", "/readyz", "/readyz", ALL(200), ALL(200)),
    # Prometheus figures: from this host (loopback, no proxy) or with CAPAIAN_METRICS_TOKEN only; the
    # test client is neither, so it is not found for every role (tests/test_metrics.py asks rightly)
    ("GET", "/metrics", "/metrics", ALL(404), ALL(404)),
    ("GET", "/static", "/static/favicon.svg", ALL(200), ALL(200)),
    # the REST API
    ("GET", "/api/regions", "/api/regions?parent=65", ALL(200), ALL(200)),
    ("GET", "/api/regions/{code}", "/api/regions/65.71", ALL(200), ALL(200)),
    ("GET", "/api/rubrics", "/api/rubrics", ALL(200), ALL(200)),
    ("GET", "/api/rubrics/{rubric_id}", "/api/rubrics/levelisasi-2022", ALL(200), ALL(200)),
    ("GET", "/api/cutoffs", "/api/cutoffs", ALL(200), ALL(200)),
    # quarters: their result (published runs; a closed quarter's final run) for everyone
    ("GET", "/api/quarters", "/api/quarters", ALL(200), ALL(200)),
    ("GET", "/api/quarters/{quarter}", "/api/quarters/2022-Q3", ALL(200), ALL(200)),
    ("GET", "/api/evaluations", "/api/evaluations?cutoff={cutoff}", ALL(200), ALL(200)),
    ("GET", "/api/evaluations/{run_id}", "/api/evaluations/{run}", ALL(200), "404 200 200 200 200"),
    ("POST", "/api/evaluations", "write:/api/evaluations", "403 201 403 403 403", "403 201 403 403 403"),
    ("POST", "/api/evaluations/{run_id}/publish", "write:/api/evaluations/{run}/publish",
     "403 409 403 403 403", "403 200 403 403 403"),
    ("GET", "/api/results", "/api/results?run_id={run}&tier=regency", ALL(200), "404 200 200 200 200"),
    ("GET", "/api/explanations/{code}", "/api/explanations/65?run_id={run}", ALL(200), "404 200 200 403 403"),
    ("GET", "/api/explanations/{code}", "/api/explanations/65.71?run_id={run}", ALL(200),
     "404 200 200 200 403"),
    ("GET", "/api/explanations/{code}", "/api/explanations/65.01?run_id={run}", ALL(200),
     "404 200 200 403 403"),
    ("GET", "/api/completeness", "/api/completeness?cutoff={cutoff}", "403 200 200 200 200",
     "403 200 200 200 200"),
    ("GET", "/api/flags", "/api/flags?cutoff={cutoff}", ALL(200), "404 200 200 200 200"),
    # a forecast: like the region's figures (the province rollup only within jurisdiction)
    ("GET", "/api/forecast/{code}", "/api/forecast/65?cutoff={cutoff}", ALL(200), "404 200 200 404 404"),
    ("GET", "/api/forecast/{code}", "/api/forecast/65.71?cutoff={cutoff}", ALL(200),
     "404 200 200 200 404"),
    ("GET", "/api/submissions", "/api/submissions", "403 200 200 200 200", "403 200 200 200 200"),
    ("POST", "/api/submissions", "upload:/api/submissions", "403 201 201 201 422", "403 201 201 201 422"),
]

CASES = [
    pytest.param(method, route, url, published, role, int((pub if published else unpub).split()[i]),
                 id=f"{role}-{method}-{url}-{'published' if published else 'unpublished'}")
    for (method, route, url, pub, unpub) in MATRIX
    for published in (True, False)
    for i, role in enumerate(ROLES)
]


def _routes(routes, prefix: str = ""):
    """(method, path) of every route the app serves, through included routers and mounts."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:  # FastAPI >= 0.165 keeps included routers whole
            context = getattr(route, "include_context", None)
            yield from _routes(inner.routes, prefix + (getattr(context, "prefix", "") or ""))
            continue
        path = prefix + route.path
        methods = getattr(route, "methods", None)
        if methods is None:  # a mount (static files)
            yield ("GET", path)
            continue
        for method in sorted(methods - {"HEAD"}):
            yield (method, path)


@pytest.fixture(scope="module")
def matrix_db(demo_db, tmp_path_factory):
    """The demo store with one account per role."""
    from capaian.accounts import add_user
    from capaian.store import open_store

    db = tmp_path_factory.mktemp("matrix") / "matrix.duckdb"
    shutil.copy(demo_db, db)
    store = open_store(db)
    for name, role, region in ACCOUNTS.values():
        add_user(store, name, PASSWORD, role, region)
    store.close()
    return db


def _runs(db) -> dict[bool, int]:
    from capaian.store import open_store

    store = open_store(db)
    try:
        from capaian.runs import Catalog

        runs = Catalog.from_store(store)
        return {True: int(runs.latest(PUBLISHED_CUTOFF, published_only=True)),
                False: int(runs.latest(UNPUBLISHED_CUTOFF))}
    finally:
        store.close()


@pytest.fixture(scope="module")
def matrix_app(matrix_db):
    app = create_app(matrix_db, secret="matrix-secret", warm=False)
    app.state.runs = _runs(matrix_db)
    assert app.state.runs[True] != app.state.runs[False]
    return app


@pytest.fixture(scope="module")
def clients(matrix_app):
    return {role: _client(matrix_app, role) for role in ROLES}


def _client(app, role: str) -> TestClient:
    c = TestClient(app, follow_redirects=False)
    if role != "public":
        r = login(c, ACCOUNTS[role][0], PASSWORD)
        assert r.status_code == 303, (role, r.status_code)
    c.headers["X-CSRF-Token"] = csrf_of(c.get("/masuk").text)
    return c


def _submission(cutoff: str) -> bytes:
    return (f"kode_wilayah,cutoff,ktp_terekam,wajib_ktp\n65.71,{cutoff},190000,200000\n").encode()


def ask(client: TestClient, method: str, url: str, cutoff: str, run: int, draft: bool = False):
    """One request; `draft` asks for drafts (`&draft=1`) where the URL names a cut-off, as a user who
    wants the unpublished run must (the run picker shows published runs only by default)."""
    kind, _, url = url.rpartition(":")
    if draft and "cutoff={cutoff}" in url and method == "GET":
        url = url.replace("cutoff={cutoff}", "cutoff={cutoff}&draft=1")
    url = url.format(cutoff=cutoff, run=run)
    token = client.headers["X-CSRF-Token"]
    if kind == "nocsrf":
        return client.request(method, url, headers={"X-CSRF-Token": ""}, data={"name": "x", "password": "y"})
    if kind == "upload":
        files = {"file": ("kiriman.csv", _submission(cutoff), "text/csv")}
        return client.post(url, files=files, data={"csrf_token": token})
    if url == "/api/evaluations":
        return client.post(url, json={"cutoff": cutoff})
    if url == "/bahasa":
        return client.post(url, data={"lang": "id", "csrf_token": token, "next": "/nasional"})
    if method == "POST":
        return client.post(url, data={"csrf_token": token})
    return client.get(url)


def test_every_route_has_an_expectation(matrix_app):
    served = set(_routes(matrix_app.routes))
    expected = {(method, route) for method, route, *_ in MATRIX}
    assert served - expected == set(), "routes without an expected status per role"
    assert expected - served == set(), "expectations for routes the app does not serve"


@pytest.mark.parametrize("method, route, url, published, role, status", CASES)
def test_access_matrix(matrix_app, matrix_db, clients, tmp_path, method, route, url, published, role, status):
    cutoff = PUBLISHED_CUTOFF if published else UNPUBLISHED_CUTOFF
    run = matrix_app.state.runs[published]
    if url.startswith("write:") and 200 <= status < 400:
        scratch = tmp_path / "scratch.duckdb"
        shutil.copy(matrix_db, scratch)
        app = create_app(scratch, secret="matrix-secret", warm=False, bake_on_publish=False)
        client = _client(app, role)
    elif url.startswith("logout:"):
        client = _client(matrix_app, role)  # its own session, so the shared one stays logged in
    else:
        client = clients[role]
    r = ask(client, method, url, cutoff, run, draft=not published)
    assert r.status_code == status, (role, method, url, published, r.text[:300])


# --- what each role sees of the runs (issue 16 item 3) --------------------------------------


def test_unpublished_runs_hidden_from_the_public(matrix_app, clients):
    unpublished = matrix_app.state.runs[False]
    public = clients["public"]
    assert unpublished not in {r["id"] for r in public.get("/run.json").json()["runs"]}
    assert f",{UNPUBLISHED_CUTOFF}," not in public.get("/run.csv").text
    assert UNPUBLISHED_CUTOFF not in {c["cutoff"] for c in public.get("/api/cutoffs").json()["cutoffs"]}
    assert public.get("/api/evaluations", params={"cutoff": UNPUBLISHED_CUTOFF}).json()["evaluations"] == []


@pytest.mark.parametrize("role", ["prov65", "reg6571", "prov64"])
def test_offices_see_that_an_unpublished_run_exists_but_not_who_made_it(matrix_app, clients, role):
    unpublished, published = matrix_app.state.runs[False], matrix_app.state.runs[True]
    c = clients[role]
    runs = {r["id"]: r for r in c.get("/run.json").json()["runs"]}
    assert runs[unpublished]["cutoff"] == UNPUBLISHED_CUTOFF and runs[unpublished]["published_at"] is None
    assert runs[unpublished]["created_by"] is None
    assert runs[published]["created_by"] is not None and runs[published]["published_by"] is not None
    one = c.get(f"/api/evaluations/{unpublished}").json()
    assert one["published"] is False and one["created_by"] is None and one["note"] is None
    assert UNPUBLISHED_CUTOFF in {x["cutoff"] for x in c.get("/api/cutoffs").json()["cutoffs"]}


def test_the_national_team_sees_who_made_an_unpublished_run(matrix_app, clients):
    unpublished = matrix_app.state.runs[False]
    one = clients["national"].get(f"/api/evaluations/{unpublished}").json()
    assert one["published"] is False and one["created_by"]


# --- the figures each role gets in a run ----------------------------------------------------


@pytest.mark.parametrize("role, codes", [
    ("national", None), ("prov65", {"65"}), ("reg6571", set()), ("prov64", {"64"}), ("public", None),
])
def test_province_rows_of_an_unpublished_run(matrix_app, clients, role, codes):
    r = clients[role].get("/api/results", params={"run_id": matrix_app.state.runs[False], "tier": "province"})
    if role == "public":
        assert r.status_code == 404
        return
    got = {x["code"] for x in r.json()["regions"]}
    assert got == codes if codes is not None else len(got) >= 34


@pytest.mark.parametrize("role", ROLES)
def test_regency_rows_of_a_published_run(matrix_app, clients, role):
    r = clients[role].get("/api/results", params={"run_id": matrix_app.state.runs[True], "tier": "regency"})
    codes = {x["code"] for x in r.json()["regions"]}
    assert len(codes) > 500 and "65.71" in codes  # a published run is public down to the regency/city


@pytest.mark.parametrize("role, codes", [
    ("national", None), ("prov65", "65."), ("reg6571", "65.71"), ("prov64", "64."), ("public", ""),
])
def test_regency_rows_of_an_unpublished_run(matrix_app, clients, role, codes):
    r = clients[role].get("/api/results", params={"run_id": matrix_app.state.runs[False], "tier": "regency"})
    if role == "public":
        assert r.status_code == 404
        return
    got = {x["code"] for x in r.json()["regions"]}
    if codes is None:
        assert len(got) > 500
    else:
        assert got and all(c.startswith(codes) for c in got)


def _xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


@pytest.mark.parametrize("role", ["public", "prov65"])
def test_national_report_of_a_published_run_holds_regencies_for_everyone(clients, role):
    own = clients["national"].get("/nasional/laporan.xlsx", params={"cutoff": PUBLISHED_CUTOFF})
    theirs = clients[role].get("/nasional/laporan.xlsx", params={"cutoff": PUBLISHED_CUTOFF})
    assert own.status_code == theirs.status_code == 200
    assert "Kota Tarakan" in _xlsx_text(own.content)
    text = _xlsx_text(theirs.content)
    assert "Kota Tarakan" in text and "Kalimantan Utara" in text  # public down to the regency/city
    narrative = clients[role].get("/nasional/laporan.md", params={"cutoff": PUBLISHED_CUTOFF}).text
    assert re.search(r"provinsi", narrative, re.I)


@pytest.mark.parametrize("role", ROLES)
def test_overview_offers_the_national_report_to_its_readers(clients, role):
    assert 'id="report-xlsx"' in clients[role].get("/nasional", params={"cutoff": PUBLISHED_CUTOFF}).text


def test_runs_page_sends_offices_to_their_own_page_for_an_unpublished_run(matrix_app, clients):
    page = clients["reg6571"].get("/run").text
    runs = matrix_app.state.runs
    assert f'href="/wilayah/65.71?run={runs[False]}"' in page
    assert f'href="/nasional?run={runs[True]}"' in page
    assert " None" not in page
    assert f'href="/nasional?run={runs[False]}"' in clients["national"].get("/run").text


def test_no_access_decision_outside_the_rule():
    """No `is_national` and no region-code prefix test outside capaian.access (issue 11), except
    the scopes of target sets, register facts, report sources and the demo generator."""
    from pathlib import Path

    import capaian

    root = Path(capaian.__file__).parent
    exempt = {"access.py", "rubrics/model.py", "evaluate/targets.py", "facts/register.py", "reports/build.py"}
    prefix = re.compile(r"""startswith\([^)]*\+\s*["']\.["']\)""")
    role_test = re.compile(r"""\.role\s*[!=]=\s*["']national""")
    found = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.suffix not in (".py", ".html") or rel in exempt or rel.startswith("demo/"):
            continue
        text = path.read_text(encoding="utf-8")
        if "is_national" in text or prefix.search(text) or role_test.search(text):
            found.append(rel)
    assert found == []
