"""Bake at publish, and serving published anonymous requests from the baked set (`capaian.web.bake`,
`capaian.web.baked`): publish bakes, ETag / 304 / gzip, byte-identical to the live renderers, an
interrupted bake is invisible and resumes, a note on a flag rebuilds only what shows it, the same
on PostgreSQL.

The small store of the web tests (web_support.py): 2020-10-H2 and 2020-11-H1 published, 2020-11-H2
not. The module publishes 2020-11-H2 with `capaian publish` (which bakes it) once.
"""

from __future__ import annotations

import gzip

import pytest
from fastapi.testclient import TestClient

from capaian.web import create_app
from capaian.web.bake import bake_run, context_of, rebuild_flag, targets, url_of
from cli_support import run_capaian
from web_support import PUBLISHED, UNPUBLISHED, fresh_db, login

SAMPLE = ["/nasional", "/nasional.json", "/nasional.csv", "/nasional.parquet", "/wilayah/65", "/wilayah/65.json",
          "/wilayah/65.csv", "/nasional/kabkota", "/nasional/kabkota.csv", "/kualitas", "/kualitas.json"]


def run_of(app, cutoff: str) -> int:
    catalog = app.state.web.catalog()
    return next(r for r in catalog.ids() if catalog.meta(r)["cutoff"] == cutoff)


def live(app, url: str):
    """The live answer to an anonymous request: a session cookie (holding only the language) takes
    it past the baked set to the renderers, as the public's request is."""
    client = TestClient(app)
    client.post("/bahasa", data={"lang": "id", "next": "/nasional"})
    assert "capaian_session" in client.cookies
    response = client.get(url, headers={"accept-encoding": "identity"})
    assert "etag" not in response.headers  # rendered, not served from the set
    return response


@pytest.fixture(scope="module")
def baked(tmp_path_factory):
    """A store whose last run was published (and baked) by the CLI, and an app over it."""
    db = fresh_db(tmp_path_factory.mktemp("bake"))
    runs = run_capaian(db, "runs", "list", "--format", "json").stdout
    import json

    run_id = next(r["id"] for r in json.loads(runs) if r["cutoff"] == UNPUBLISHED)
    published = run_capaian(db, "--lang", "en", "publish", str(run_id))
    assert "published" in published.stdout and "baked" in published.stdout
    app = create_app(db, secret="test-secret", warm=False, bake_on_publish=False)
    yield app, run_id
    app.state.web.store.close()


def test_publish_bakes_every_public_page(baked):
    app, run_id = baked
    with app.state.web.reader() as store:
        state = store.bake_state(run_id)
        digests = store.artefact_digests(run_id)
    assert state["state"] == "complete" and state["done"] == state["total"] == len(digests)
    wanted = set(targets(app, run_id))
    assert set(digests) == wanted
    # the overview, each province page, the scorecard, the quality page, with their twins, for
    # the bare URL (the public's default run) and its cut-off's URL
    provinces = {t for t, f in wanted if t.startswith("/wilayah/") and f == "html" and "?" not in t}
    regions = app.state.web.view(run_id).regions
    assert provinces == {f"/wilayah/{c}" for c in regions.loc[regions["tier"] == "province", "region_code"]}
    assert len(provinces) == 34 and "/wilayah/65" in provinces  # the 2020 hierarchy of this store
    for target in ("/nasional", f"/nasional?cutoff={UNPUBLISHED}", "/nasional/kabkota", "/kualitas"):
        assert (target, "html") in wanted and (target, "json") in wanted and (target, "csv") in wanted
    assert ("/nasional", "parquet") in wanted


def test_baked_pages_byte_identical_to_live(baked):
    app, _ = baked
    client = TestClient(app)
    for path in SAMPLE:
        for url in (path, f"{path}?cutoff={UNPUBLISHED}"):
            served = client.get(url, headers={"accept-encoding": "identity"})
            assert served.status_code == 200 and served.headers["etag"], url
            rendered = live(app, url)
            assert served.content == rendered.content, url
            assert served.headers["content-type"] == rendered.headers["content-type"], url
            assert served.headers.get("content-disposition") == rendered.headers.get("content-disposition"), url


def test_etag_304_gzip_and_public_caching(baked):
    app, _ = baked
    client = TestClient(app)
    first = client.get("/wilayah/65", headers={"accept-encoding": "gzip"})
    assert first.status_code == 200
    assert first.headers["content-encoding"] == "gzip" and first.headers["cache-control"].startswith("public")
    assert first.headers["vary"] == "Accept-Encoding" and "set-cookie" not in first.headers
    assert "default-src 'self'" in first.headers["content-security-policy"]  # the security headers still apply
    plain = client.get("/wilayah/65", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == first.content
    etag = first.headers["etag"]
    again = client.get("/wilayah/65", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = client.get("/wilayah/65", headers={"if-none-match": '"something-else"'})
    assert other.status_code == 200
    # the ETag is the content's hash: the same body under two URLs has two ETags only if it differs
    assert client.get("/wilayah/65.json").headers["etag"] == client.get(
        f"/wilayah/65.json?cutoff={UNPUBLISHED}").headers["etag"]


def _digests(store) -> dict[str, str]:
    import hashlib

    tables = [r[0] for r in store.con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()]
    return {t: hashlib.sha256(repr(store.con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall()).encode())
            .hexdigest() for t in tables if t != "sessions"}


def test_serving_the_baked_set_never_writes(baked):
    app, _ = baked
    client = TestClient(app)
    client.get("/nasional")  # whatever a first request may set up
    with app.state.web.db() as store:
        before = _digests(store)
    for path in SAMPLE:
        for url in (path, f"{path}?cutoff={UNPUBLISHED}"):
            served = client.get(url)
            assert served.headers["etag"], url
            assert client.get(url, headers={"if-none-match": served.headers["etag"]}).status_code == 304
    with app.state.web.db() as store:
        assert _digests(store) == before


def test_logged_in_drafts_and_other_queries_render_live(baked):
    app, _ = baked
    client = TestClient(app)
    for url in ("/nasional?sort=name", "/wilayah/65?cutoff=2020-11-h2", "/wilayah/65.71", "/nasional?q=kal"):
        response = client.get(url)
        assert "etag" not in response.headers and response.headers["cache-control"] == "no-store", url
    login(client, "nasional")
    mine = client.get("/wilayah/65")
    assert mine.status_code == 200 and "etag" not in mine.headers and mine.headers["cache-control"] == "no-store"
    assert "nasional" in mine.text  # the user's own page, live


def test_older_runs_served_live_until_baked_again(baked):
    """Another publication changes what every page shows around it (the cut-off picker): an older
    set made before it is not served; an interrupted bake is invisible, and a second one resumes."""
    app, _ = baked
    older = run_of(app, PUBLISHED[-1])
    url = f"/wilayah/65?cutoff={PUBLISHED[-1]}"
    client = TestClient(app)
    assert "etag" not in client.get(url).headers  # never baked
    partial = bake_run(app, older, limit=20)
    assert not partial.complete and partial.built == 20
    with app.state.web.reader() as store:
        assert store.bake_state(older)["state"] == "building"
    assert "etag" not in client.get(url).headers  # a half set is not served
    assert "etag" not in client.get(f"/nasional?cutoff={PUBLISHED[-1]}").headers
    resumed = bake_run(app, older)
    assert resumed.complete and resumed.skipped == 20 and resumed.built == resumed.total - 20
    served = client.get(url, headers={"accept-encoding": "identity"})
    assert served.headers["etag"] and served.content == live(app, url).content
    with app.state.web.reader() as store:  # made in the current context
        assert store.bake_state(older)["context"] == context_of(app)


def test_flag_note_rebuilds_only_what_shows_the_flag(baked):
    app, run_id = baked
    client = TestClient(app)
    flags = client.get("/kualitas.json").json()["flags"]
    flag = next(f for f in flags if f["region_code"].startswith("65"))
    with app.state.web.reader() as store:
        before = store.artefact_digests(run_id)
        showing = {(t, f) for r, t, f in store.artefacts_showing(flag["key"]) if r == run_id}
    assert ("/kualitas", "html") in showing and ("/wilayah/65", "html") in showing
    assert ("/wilayah/64", "html") not in showing and ("/nasional", "json") not in showing
    nat = TestClient(app)
    login(nat, "nasional")
    from web_support import csrf_of

    token = csrf_of(nat.get("/kualitas").text)
    note = "Pendataan ulang di lapangan: angka wajar"
    assert nat.post("/kualitas/catatan", data={"key": flag["key"], "note": note, "csrf_token": token},
                    follow_redirects=False).status_code == 303
    with app.state.web.reader() as store:
        after = store.artefact_digests(run_id)
        assert store.bake_state(run_id)["state"] == "complete"
    changed = {k for k in before if before[k] != after[k]}
    assert changed and changed <= showing  # nothing that does not show the flag was rendered again
    assert ("/kualitas", "html") in changed
    page = client.get("/kualitas")
    assert page.headers["etag"] and note in page.text
    assert page.content == live(app, "/kualitas").content
    assert rebuild_flag(app, "no-such|flag|key|x") == 0


def test_bake_command_resumes_and_refuses_drafts(tmp_path):
    db = fresh_db(tmp_path)
    import json

    runs = json.loads(run_capaian(db, "runs", "list", "--format", "json").stdout)
    draft = next(r["id"] for r in runs if r["cutoff"] == UNPUBLISHED)
    refused = run_capaian(db, "--lang", "en", "bake", str(draft), check=False)
    assert refused.returncode != 0 and "not published" in (refused.stdout + refused.stderr).replace("\n", " ")
    done = run_capaian(db, "--lang", "en", "bake", "--all")
    assert done.stdout.count("baked") == 2  # both published runs
    again = run_capaian(db, "--lang", "en", "bake", "--all")
    assert "baked" not in again.stdout  # nothing left to do


def test_bake_on_postgresql(pg_server, tmp_path):
    from pg_support import copy_to_postgres

    url = copy_to_postgres(fresh_db(tmp_path), pg_server)
    app = create_app(url, secret="test-secret", warm=False, bake_on_publish=False)
    try:
        run_id = run_of(app, PUBLISHED[-1])
        result = bake_run(app, run_id)
        assert result.complete and result.built == len(targets(app, run_id))
        client = TestClient(app)
        for path in ("/nasional", "/wilayah/65", "/wilayah/65.json", "/nasional.parquet"):
            served = client.get(path, headers={"accept-encoding": "gzip"})
            assert served.headers["etag"] and served.headers["content-encoding"] == "gzip", path
            assert served.content == live(app, path).content, path
            assert client.get(path, headers={"if-none-match": served.headers["etag"]}).status_code == 304
        with app.state.web.reader() as store:
            art = store.artefact(run_id, "/wilayah/65", "html")
        assert isinstance(art["body_gzip"], bytes) and gzip.decompress(art["body_gzip"]).startswith(b"<!doctype html>")
        assert url_of("/wilayah/65?cutoff=x", "json") == "/wilayah/65.json?cutoff=x"
    finally:
        app.state.web.close()
        app.state.web.store.close()


def test_web_publish_bakes_in_the_background_with_a_status_line(tmp_path):
    import threading

    app = create_app(fresh_db(tmp_path), secret="test-secret", warm=False)
    try:
        nat = TestClient(app)
        login(nat, "nasional")
        from web_support import csrf_of

        run_id = nat.get("/nasional.json?draft=1").json()["run"]["run_id"]
        assert 'id="bake-' not in nat.get("/run").text
        token = csrf_of(nat.get(f"/run/{run_id}/terbitkan").text)
        assert nat.post(f"/run/{run_id}/terbitkan", data={"csrf_token": token},
                        follow_redirects=False).status_code == 303
        for thread in threading.enumerate():
            if thread.name == f"capaian-bake-{run_id}":
                thread.join(600)
        with app.state.web.reader() as store:
            assert store.bake_state(run_id)["state"] == "complete"
        page = nat.get("/run").text
        assert f'id="bake-{run_id}"' in page and "halaman sudah dipanggang" in page
        served = TestClient(app).get(f"/wilayah/65?cutoff={UNPUBLISHED}")
        assert served.headers["etag"] and served.headers["cache-control"].startswith("public")
    finally:
        app.state.web.store.close()
