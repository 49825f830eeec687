"""Backing up the embedded store (issue 25, defect 7): `capaian db backup` makes a consistent copy,
also while `capaian serve` runs on the file; the server checkpoints on stop (no `.wal` is left);
`db check` flags a stale `.wal` before opening the store would replay it.

The server test runs a real `capaian serve` subprocess on a copy of the web test store, uploads a
file through the API, backs up with a second process (DuckDB lets one process open the file: the
server makes the copy on request), and checks the copy holds the upload and passes `db check`.
The same way, `users revoke` and `users passwd` work while the server runs (issue 25, defect 12).
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
import sys
import textwrap

import httpx
import pytest

from capaian.store import open_store
from capaian.store.backup import holder_pid, stale_wal, wal_file
import serve_support
from cli_support import run_capaian, run_capaian_process
from web_support import PASSWORD, SEED_CUTOFF, csrf_of, fresh_db

UPLOAD = f"kode_wilayah,cutoff,pks\n65.01,{SEED_CUTOFF},19\n"


def _basic(name: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{PASSWORD}".encode()).decode()}


@pytest.fixture
def serving(tmp_path):
    """(base URL, store file, server process) of a running `capaian serve` on a DuckDB file."""
    db = fresh_db(tmp_path / "live")
    with serve_support.serving(db, kill=True) as (proc, base):
        yield base, db, proc


def _stop(proc) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=60)


def test_backup_while_serving_holds_the_last_upload(serving, tmp_path):
    base, db, proc = serving
    r = httpx.post(f"{base}/api/submissions", headers=_basic("kaltara"), timeout=60,
                   files={"file": ("koreksi.csv", UPLOAD.encode(), "text/csv")})
    assert r.status_code == 201, r.text
    uploaded = r.json()["result"]["submission_id"]
    assert holder_pid(db) == proc.pid  # the server holds the store: no other process may open it

    backup = tmp_path / "cadangan" / "capaian-backup.duckdb"
    backup.parent.mkdir()
    ran = run_capaian_process(db, "--lang", "en", "db", "backup", str(backup))
    assert f"last: {uploaded})" in ran.stdout and str(backup) in ran.stdout
    assert not wal_file(backup).exists()
    with open_store(backup, create=False) as copy:
        stored = copy.list_submissions(SEED_CUTOFF)
        assert uploaded in set(stored["id"])
        assert copy.current_facts(SEED_CUTOFF, regions={"65.01"}).set_index("fact").loc["pks", "value"] == 19
    assert run_capaian_process(backup, "--lang", "en", "db", "check").returncode == 0

    # a second backup to the same name is refused in one line; the server keeps serving
    again = run_capaian_process(db, "--lang", "en", "db", "backup", str(backup), check=False)
    assert again.returncode == 1 and "already exists" in again.stderr and "Traceback" not in again.stderr
    assert httpx.get(f"{base}/api/evaluations", timeout=30).status_code == 200

    # stopping the server checkpoints: the store file alone holds an upload made after the backup
    r = httpx.post(f"{base}/api/submissions", headers=_basic("kaltara"), timeout=60,
                   files={"file": ("koreksi-2.csv", UPLOAD.replace(",19", ",20").encode(), "text/csv")})
    assert r.status_code == 201, r.text
    last = r.json()["result"]["submission_id"]
    assert wal_file(db).stat().st_size > 0  # the upload is in the log until a checkpoint
    _stop(proc)
    assert not wal_file(db).exists() or wal_file(db).stat().st_size == 0
    alone = tmp_path / "alone.duckdb"
    shutil.copyfile(db, alone)
    with open_store(alone, create=False) as copy:
        assert last in set(copy.list_submissions(SEED_CUTOFF)["id"])

    # restoring as the README says: the store and any .wal moved away, the backup copied into place
    for path in (db, wal_file(db)):
        if path.exists():
            path.rename(path.with_name(path.name + ".lama"))
    shutil.copyfile(backup, db)
    assert run_capaian_process(db, "--lang", "en", "db", "check").returncode == 0
    with open_store(db, create=False) as restored:
        assert uploaded in set(restored.list_submissions(SEED_CUTOFF)["id"])


def test_backup_without_a_server(tmp_path):
    db = fresh_db(tmp_path / "s")
    target = tmp_path / "b.duckdb"
    out = run_capaian(db, "--lang", "en", "db", "backup", str(target)).stdout
    assert "b.duckdb" in out and "submissions" in out
    assert run_capaian(target, "db", "check").returncode == 0
    with open_store(db, create=False) as live, open_store(target, create=False) as copy:
        assert live.list_submissions().equals(copy.list_submissions())
    same = run_capaian(db, "--lang", "en", "db", "backup", str(db), check=False)
    assert same.returncode == 1 and "is the store itself" in same.stderr


def _leave_a_wal(db) -> None:
    """Write to the store in another process that dies without a checkpoint (like kill -9)."""
    script = textwrap.dedent(f"""
        import os
        from capaian.store import open_store
        store = open_store({str(db)!r})
        store.audit("test", "wal.test", None, {{}})
        os._exit(0)
    """)
    subprocess.run([sys.executable, "-c", script], check=True, env={**os.environ})


def test_db_check_flags_a_stale_wal_before_replaying_it(tmp_path):
    db = fresh_db(tmp_path / "w")
    backup = tmp_path / "b.duckdb"
    run_capaian(db, "db", "backup", str(backup))
    _leave_a_wal(db)
    wal, size = stale_wal(db)
    assert wal == wal_file(db) and size > 0
    flagged = run_capaian_process(db, "--lang", "en", "db", "check", check=False)
    assert flagged.returncode == 1 and "Traceback" not in flagged.stderr
    assert str(wal) in flagged.stdout and "move the .wal away" in flagged.stdout
    assert wal.stat().st_size == size  # nothing was replayed

    # restoring the backup beside that .wal is flagged the same way
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copyfile(backup, restored / "capaian.duckdb")
    shutil.copyfile(wal, wal_file(restored / "capaian.duckdb"))
    assert run_capaian_process(restored / "capaian.duckdb", "db", "check", check=False).returncode == 1

    # on the live store, the writes are applied on request and the check passes
    applied = run_capaian_process(db, "--lang", "en", "db", "check", "--replay-wal")
    assert "0 problems" in applied.stdout and not wal.exists()
    with open_store(db, create=False) as store:
        assert "wal.test" in set(store.list_audit()["action"])


def test_revoke_and_passwd_while_serving(serving):
    base, db, _ = serving
    with httpx.Client(base_url=base, timeout=60) as browser:
        token = csrf_of(browser.get("/masuk").text)
        login = browser.post("/masuk", data={"name": "kaltara", "password": PASSWORD, "csrf_token": token,
                                             "next": "/unggah"})
        assert login.status_code in (200, 303) and browser.get("/unggah").status_code == 200
        revoked = run_capaian_process(db, "users", "revoke", "kaltara")
        assert "kaltara: 1 sesi diakhiri" in revoked.stdout
        assert browser.get("/unggah", follow_redirects=False).status_code in (303, 401, 403)

    assert httpx.get(f"{base}/api/submissions", headers=_basic("kaltara"), timeout=60).status_code == 200
    run_capaian_process(db, "users", "passwd", "kaltara", "--password-stdin", stdin="sandi-baru-789\n")
    assert httpx.get(f"{base}/api/submissions", headers=_basic("kaltara"), timeout=60).status_code == 401
    fresh = {"Authorization": "Basic " + base64.b64encode(b"kaltara:sandi-baru-789").decode()}
    assert httpx.get(f"{base}/api/submissions", headers=fresh, timeout=60).status_code == 200
    unknown = run_capaian_process(db, "--lang", "en", "users", "revoke", "siapa", check=False)
    assert unknown.returncode == 1 and "No user 'siapa'" in unknown.stderr and "Traceback" not in unknown.stderr
