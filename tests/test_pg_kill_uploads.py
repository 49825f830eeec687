"""kill -9 of the PostgreSQL postmaster during 20 uploads: every upload that was committed is
reported as received on the next look (the same sending again, with its idempotency key), none is
stored twice, and those not committed are stored by that next sending.

The test runs its own PostgreSQL server (tests/pg_support.py), since it kills it.
"""

from __future__ import annotations

import base64
import concurrent.futures
import os
import signal
import time

import pytest
from fastapi.testclient import TestClient

from capaian.store import open_store
from capaian.web import create_app
from web_support import PASSWORD, fresh_db

pytestmark = pytest.mark.skipif(
    __import__("pg_support").pg_bin() is None, reason="PostgreSQL is not installed")

CUTOFF = "2020-12-H1"
AUTH = {"Authorization": "Basic " + base64.b64encode(f"kaltara:{PASSWORD}".encode()).decode()}
FILES = 20


def _file(i: int) -> bytes:
    return (f"kode_wilayah,cutoff,wajib_ktp,ktp_terekam\n65.71,{CUTOFF},{120000 + i},{119000 + i}\n"
            f"65.04,{CUTOFF},{110000 + i},108000\n").encode()


def _stored(url: str) -> dict[str, int]:
    """file name -> submission id of what the database holds (the next look)."""
    with open_store(url) as store:
        frame = store.list_submissions(CUTOFF)
    names = frame["file_name"].tolist()
    assert len(names) == len(set(names)), names  # none stored twice
    return dict(zip(names, (int(i) for i in frame["id"])))


@pytest.fixture
def own_pg():
    from pg_support import PgServer

    class Durable(PgServer):
        """The test server with its commits durable (`synchronous_commit` on, as in production):
        with it off, a commit acknowledged in the last fraction of a second is lost by a crash."""

        @property
        def options(self) -> str:
            return super().options.replace("synchronous_commit=off", "synchronous_commit=on")

    server = Durable.start()
    yield server
    try:
        server.stop()
    except RuntimeError:  # killed and not started again (a failed assertion): remove its folder
        import shutil

        shutil.rmtree(server.folder, ignore_errors=True)


def _kill_postmaster(server) -> None:
    pid = int((server.data / "postmaster.pid").read_text().split()[0])
    os.kill(pid, signal.SIGKILL)


def _start_again(server) -> None:
    """Start PostgreSQL after the kill (crash recovery); its orphaned backends may need a moment
    to notice and release the shared memory."""
    for _ in range(60):
        try:
            server.resume()
            return
        except RuntimeError:
            time.sleep(1)
    server.resume()


def test_committed_uploads_are_reported_received_after_a_postmaster_kill(tmp_path, own_pg):
    from pg_support import copy_to_postgres

    url = copy_to_postgres(fresh_db(tmp_path), own_pg)
    app = create_app(url, secret="test-secret", warm=False)
    client = TestClient(app, raise_server_exceptions=False)

    def send(i: int):
        try:
            return client.post("/api/submissions", files={"file": (f"f{i:02d}.csv", _file(i))},
                               headers={**AUTH, "Idempotency-Key": f"kill-test-{i}"})
        except Exception as exc:  # noqa: BLE001 - a reply lost with the database
            return exc

    with concurrent.futures.ThreadPoolExecutor(max_workers=FILES) as pool:
        sending = [pool.submit(send, i) for i in range(FILES)]
        while sum(f.done() for f in sending) < 3:  # a few committed, most still on their way
            time.sleep(0.01)
        _kill_postmaster(own_pg)
        first = [f.result() for f in sending]
    statuses = [getattr(a, "status_code", None) for a in first]
    assert any(s == 201 for s in statuses) and any(s != 201 for s in statuses), statuses
    for answer in first:  # never a bare 500: a JSON body saying the database was away
        if getattr(answer, "status_code", 201) != 201:
            assert answer.status_code in (500, 503) and answer.json()["error"], answer.text[:200]

    _start_again(own_pg)
    committed = _stored(url)
    for i, answer in enumerate(first):
        if getattr(answer, "status_code", None) == 201:  # told "stored": it is
            assert answer.json()["result"]["submission_id"] == committed[f"f{i:02d}.csv"]

    retries = {}
    for i in range(FILES):  # the next look: each sender sends again, as a retry does
        for _ in range(100):
            again = send(i)
            if getattr(again, "status_code", None) != 503:
                break
            time.sleep(0.1)
        assert again.status_code == 201, again.text[:300]
        retries[i] = again.json()["result"]
    for i in range(FILES):
        name = f"f{i:02d}.csv"
        if name in committed:  # committed before the kill: reported as received, not stored again
            assert retries[i]["submission_id"] == committed[name]
            assert first[i] is not None
            if getattr(first[i], "status_code", None) != 201:
                assert retries[i]["status"] in ("duplicate", "imported")
        else:
            assert retries[i]["status"] == "imported"
    after = _stored(url)
    assert set(after) == {f"f{i:02d}.csv" for i in range(FILES)}  # each stored, once
    assert {k: v for k, v in after.items() if k in committed} == committed
    app.state.web.close()


def test_a_reply_lost_after_the_commit_is_answered_received_on_the_retry(tmp_path, monkeypatch):
    """The moment the kill can hit: the submission committed, its answer not yet kept. The key went
    into the import's own transaction, so the retry finds the submission instead of storing the
    file again (after a later file for the same regions it would even read as a revert)."""
    app = create_app(fresh_db(tmp_path), secret="test-secret", warm=False)
    store = app.state.web.store
    client = TestClient(app, raise_server_exceptions=False)
    keep = store.keep_upload_answer
    calls = []

    def lost(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise ConnectionError("the database went away right after the commit")
        return keep(*args, **kwargs)

    monkeypatch.setattr(store, "keep_upload_answer", lost)
    headers = {**AUTH, "Idempotency-Key": "lost-reply"}
    first = client.post("/api/submissions", files={"file": ("a.csv", _file(1))}, headers=headers)
    assert first.status_code == 500 and first.json()["reference"]
    stored = store.list_submissions(CUTOFF)
    assert stored["file_name"].tolist() == ["a.csv"]  # committed all the same
    later = client.post("/api/submissions", files={"file": ("b.csv", _file(2))},
                        headers={**AUTH, "Idempotency-Key": "another"})
    assert later.status_code == 201  # newer values for the same regions
    again = client.post("/api/submissions", files={"file": ("a.csv", _file(1))}, headers=headers)
    assert again.status_code == 201
    body = again.json()
    assert body["already_received"] is True and body["result"]["status"] == "duplicate"
    assert body["result"]["submission_id"] == int(stored["id"].iloc[0])
    assert store.list_submissions(CUTOFF)["file_name"].tolist() == ["a.csv", "b.csv"]  # not stored again
