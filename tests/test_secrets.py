"""No password shows: in `capaian settings`, in messages, in folder names; a DuckDB snapshot made
with `db copy` holds no password hash, session, session secret or client address."""

from __future__ import annotations

import json

from capaian.settings import masked
from capaian.store import open_store
from cli_support import run_capaian
from web_support import fresh_db

SECRET = "hunter2-geheim"


def test_settings_mask_the_database_password(tmp_path):
    url = f"postgresql://capaian:{SECRET}@db.example:5432/capaian"
    ran = run_capaian(tmp_path / "x.duckdb", "settings", env={"CAPAIAN_DB": url})
    assert SECRET not in ran.stdout and SECRET not in ran.stderr
    assert "capaian:***@db.example" in ran.stdout
    assert masked(f"host=db password={SECRET} user=x") == "host=db password=*** user=x"
    assert masked("postgresql://capaian@db/capaian") == "postgresql://capaian@db/capaian"


def test_the_report_cache_of_a_postgresql_store_is_named_without_the_url(pg_server, tmp_path, monkeypatch):
    from capaian.web import create_app

    url = pg_server.new_database().replace("postgres@", f"postgres:{SECRET}@")  # trust: any password
    monkeypatch.setenv("CAPAIAN_DATA_DIR", str(tmp_path / "data"))
    app = create_app(url, secret="x" * 32, warm=False)
    folder = str(app.state.web.reports.cache_dir)
    assert folder.startswith(str(tmp_path / "data" / "reports"))
    assert SECRET not in folder and "127.0.0.1" not in folder and "postgres" not in folder
    app.state.web.close()
    app.state.web.store.close()


def test_a_duckdb_copy_is_a_snapshot_without_secrets_unless_asked(tmp_path):
    from capaian.sessions import LoginThrottle, start_session
    from capaian.web.state import SECRET_META_KEY, session_secret

    source = fresh_db(tmp_path / "source")
    with open_store(source) as store:
        session_secret(store)
        start_session(store, "kaltara", "10.1.2.3")
        LoginThrottle(5, 300).failed(store, "kaltara", "10.1.2.4")
        store.audit("kaltara", "login", "user:kaltara", {"ip": "10.1.2.3"})
        assert store.scalar("SELECT count(*) FROM users WHERE password_hash IS NOT NULL") > 0

    snapshot, full = tmp_path / "snapshot.duckdb", tmp_path / "full.duckdb"
    run_capaian(source, "db", "copy", str(source), str(snapshot))
    run_capaian(source, "db", "copy", str(source), str(full), "--with-accounts")
    with open_store(snapshot) as store:
        assert store.scalar("SELECT count(*) FROM users") > 0  # accounts stay, without their hashes
        assert store.scalar("SELECT count(*) FROM users WHERE password_hash IS NOT NULL") == 0
        assert store.scalar("SELECT count(*) FROM sessions") == 0
        assert store.scalar("SELECT count(*) FROM login_failures") == 0
        assert store.get_meta(SECRET_META_KEY) is None
        logins = store.list_audit(action="login")
        assert len(logins) > 0 and all("ip" not in d for d in logins["detail"])
        assert not any("10.1.2." in json.dumps(d) for d in store.list_audit()["detail"])
    with open_store(full) as store:
        assert store.scalar("SELECT count(*) FROM users WHERE password_hash IS NOT NULL") > 0
        assert store.scalar("SELECT count(*) FROM sessions") == 1
        assert store.scalar("SELECT count(*) FROM login_failures") == 1
        assert store.get_meta(SECRET_META_KEY)
        assert store.list_audit(action="login")["detail"].iloc[-1] == {"ip": "10.1.2.3"}
