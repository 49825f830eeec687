"""Exactly once: the same file sent many times at once is stored once with one audit entry; a run is
stored once per identity; unique constraints back both, and their migration merges what an older
capaian stored twice, on DuckDB and PostgreSQL."""

from __future__ import annotations

import base64
import concurrent.futures
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from capaian.store import open_store
from capaian.store.migrate import known_migrations, migrate
from capaian.web import create_app
from web_support import PASSWORD, fresh_db

CUTOFF = "2020-12-H1"
FILE = (f"kode_wilayah,cutoff,wajib_ktp,ktp_terekam\n65.71,{CUTOFF},120000,119000\n"
        f"65.04,{CUTOFF},110000,108000\n").encode()
AUTH = {"Authorization": "Basic " + base64.b64encode(f"kaltara:{PASSWORD}".encode()).decode()}


@pytest.fixture(params=["duckdb", "postgresql"])
def apps(request, tmp_path):
    """The web test store on each backend, served by one app (DuckDB: one process writes) or by
    two apps over the same database (PostgreSQL: like two server processes)."""
    from pg_support import placed

    target = placed(request, fresh_db(tmp_path))
    count = 2 if str(target).startswith("postgresql") else 1
    made = [create_app(target, secret="test-secret", warm=False) for _ in range(count)]
    yield made
    for app in made:
        app.state.web.store.close()


def test_the_same_file_sent_ten_times_at_once_is_stored_once(apps):
    clients = [TestClient(app) for app in apps]
    for client in clients:
        client.__enter__()
    try:
        def send(i: int):
            client = clients[i % len(clients)]
            return client.post("/api/submissions", files={"file": ("sama.csv", FILE)}, headers=AUTH)

        with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(pool.map(send, range(10)))
    finally:
        for client in clients:
            client.__exit__(None, None, None)
    assert [a.status_code for a in answers] == [201] * 10, [a.text[:200] for a in answers]
    results = [a.json()["result"] for a in answers]
    ids = {r["submission_id"] for r in results}
    assert len(ids) == 1  # every sender is told the one submission that holds the file
    assert sorted(r["status"] for r in results) == ["duplicate"] * 9 + ["imported"]
    store = apps[0].state.web.store  # the app's own first connection (its pool closed with it)
    stored = store.list_submissions(CUTOFF)
    assert (stored["file_name"] == "sama.csv").sum() == 1
    imports = store.list_audit(action="submission.import")
    assert sum(d.get("file") == "sama.csv" for d in imports["detail"]) == 1
    assert store.scalar("SELECT count(*) FROM facts WHERE submission_id = ?", [ids.pop()]) == 4


def _frames(region: str = "65.01"):
    indicators = pd.DataFrame({"region_code": [region], "indicator": ["pks"], "value": [1.0]})
    regions = pd.DataFrame({"region_code": [region], "level": [2]})
    return indicators, regions


def test_a_run_is_stored_once_per_identity(store_target):
    with open_store(store_target) as store:
        first = store.save_run(CUTOFF, "levelisasi-2020", "national", "2020", *_frames(), actor="a")
        again = store.save_run(CUTOFF, "levelisasi-2020", "national", "2020", *_frames(), actor="b")
        other = store.save_run(CUTOFF, "levelisasi-2020", "kaltara", "2020", *_frames(), actor="a")
        assert again == first and other != first
        assert store.scalar("SELECT count(*) FROM evaluation_runs") == 2
        assert len(store.list_audit(action="run.save")) == 2


def test_the_migration_merges_duplicates_and_reports_them(store_target, tmp_path):
    """A store at schema 7 holding what concurrent writers of an older capaian left twice."""
    if store_target == ":memory:":
        store_target = str(tmp_path / "old.duckdb")  # opened twice: a file
    with open_store(store_target, migrations=known_migrations(_backend(store_target))[:7]) as store:
        con = store.con
        for sid in (1, 2, 3):  # 1 and 2: the same bytes, region and cut-off; 3: another file
            con.execute("INSERT INTO submissions (id, cutoff, submitter, file_name, content_hash, submitted_at, "
                        "status, rows, scope_region) VALUES (?, ?, 'x', 'f.csv', ?, now(), 'current', 1, '65')",
                        [sid, CUTOFF, "h3" if sid == 3 else "h1"])
            con.execute("INSERT INTO facts VALUES ('65.01', ?, 'pks', 1, 's', ?, ?, NULL)", [CUTOFF, sid, sid])
        for run_id, published in ((1, None), (2, "2021-01-05 00:00:00"), (3, None)):  # 1, 2 and 3: one identity
            con.execute("INSERT INTO evaluation_runs (id, cutoff, rubric, target_set, fact_revision, created_at, "
                        "published_at) VALUES (?, ?, 'r', 'national', 1, now(), ?)", [run_id, CUTOFF, published])
            for row_no in (0, 1):  # run 2 holds its one row twice
                if row_no == 0 or run_id == 2:
                    con.execute("INSERT INTO results_indicators (run_id, row_no, region_code, indicator) "
                                "VALUES (?, ?, '65.01', 'pks')", [run_id, row_no])
    with open_store(store_target) as store:  # migrates to the newest schema
        assert store.list_submissions()["id"].tolist() == [1, 3]
        assert store.scalar("SELECT count(*) FROM facts WHERE submission_id = 1") == 2
        assert store.list_runs()["id"].tolist() == [2]  # the published copy is kept
        assert store.scalar("SELECT count(*) FROM results_indicators") == 1
        merged = store.list_audit(action="store.merge")
        assert len(merged) == 1
        report = merged["detail"][0]
        assert report["submissions"] == [{"kept": 1, "removed": [2]}]
        assert report["runs"] == [{"kept": 2, "removed": [1, 3]}]
        assert report["results"] == [{"table": "results_indicators", "run": 2, "removed_rows": 1}]
        with pytest.raises(Exception) as refused:  # and the constraint holds from now on
            store.con.execute("INSERT INTO submissions (id, cutoff, content_hash, submitted_at, status, scope_region) "
                              "VALUES (9, ?, 'h1', now(), 'current', '65')", [CUTOFF])
        from capaian.store.faults import is_unique_violation

        assert is_unique_violation(refused.value)


def _backend(target: str) -> str:
    return "postgresql" if str(target).startswith("postgresql") else "duckdb"


def test_a_store_without_duplicates_migrates_without_a_merge_entry(store_target):
    with open_store(store_target) as store:
        assert store.list_audit(action="store.merge").empty
        assert migrate(store.con) == []


def test_a_retry_with_the_same_key_gets_the_first_answer(apps):
    from web_support import csrf_of, login

    app = apps[0]
    api = TestClient(app)
    body = f"kode_wilayah,cutoff,wajib_ktp,ktp_terekam\n65.71,{CUTOFF},130000,129000\n".encode()
    headers = {**AUTH, "Idempotency-Key": "kirim-1"}
    first = api.post("/api/submissions", files={"file": ("ulang.csv", body)}, headers=headers)
    again = api.post("/api/submissions", files={"file": ("ulang.csv", body)}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["result"]["status"] == "imported" and "already_received" not in first.json()
    assert again.json()["already_received"] is True
    assert again.json()["result"] == first.json()["result"]  # the first answer, not "duplicate"

    page = TestClient(app)
    assert login(page, "kaltara").status_code == 303
    form = page.get("/unggah").text
    key = form.split('name="upload_key" value="')[1].split('"')[0]
    other = f"kode_wilayah,cutoff,wajib_ktp,ktp_terekam\n65.04,{CUTOFF},99000,98000\n".encode()
    sent = [page.post("/unggah", data={"csrf_token": csrf_of(form), "upload_key": key},
                      files={"file": ("halaman.csv", other, "text/csv")}) for _ in range(2)]
    assert [r.status_code for r in sent] == [200, 200]
    assert 'id="upload-already-received"' not in sent[0].text
    assert 'id="upload-already-received"' in sent[1].text and "Sudah diterima" in sent[1].text
    assert key != page.get("/unggah").text.split('name="upload_key" value="')[1].split('"')[0]
    store = app.state.web.store
    imports = store.list_audit(action="submission.import")
    assert sorted(d.get("file") for d in imports["detail"] if d.get("file") in ("ulang.csv", "halaman.csv")) \
        == ["halaman.csv", "ulang.csv"]
