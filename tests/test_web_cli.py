"""`capaian users ...` and `capaian serve` as a user runs them."""

from __future__ import annotations

from cli_support import run_capaian

from capaian.accounts import verify_login
from capaian.store import open_store


def test_users_add_list_passwd_remove(tmp_path):
    db = tmp_path / "u.duckdb"
    out = run_capaian(db, "users", "add", "kaltara", "--role", "province", "--region", "65",
                      "--password-stdin", stdin="rahasia-123\n").stdout
    assert "kaltara: province 65" in out
    run_capaian(db, "users", "add", "pusat", "--role", "national", "--lang", "en", "--password-stdin",
                stdin="rahasia-456\n")
    listing = run_capaian(db, "users", "list").stdout
    assert "kaltara" in listing and "pusat" in listing and "en" in listing
    bad = run_capaian(db, "users", "add", "x1", "--role", "regency", "--region", "65", "--password-stdin",
                      stdin="rahasia-123\n", check=False)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr and "regency" in bad.stderr
    dup = run_capaian(db, "users", "add", "kaltara", "--role", "national", "--password-stdin",
                      stdin="rahasia-123\n", check=False)
    assert dup.returncode == 1 and "kaltara" in dup.stderr
    short = run_capaian(db, "users", "add", "x2", "--role", "national", "--password-stdin", stdin="pendek\n",
                        check=False)
    assert short.returncode == 1
    run_capaian(db, "users", "passwd", "kaltara", "--password-stdin", stdin="sandi-baru-789\n")
    run_capaian(db, "users", "remove", "pusat")
    store = open_store(db)
    try:
        assert verify_login(store, "kaltara", "sandi-baru-789") is not None
        assert verify_login(store, "pusat", "rahasia-456") is None
        actions = set(store.list_audit()["action"])
        assert {"user_add", "user_password", "user_remove"} <= actions
    finally:
        store.close()


def test_users_add_prompts_for_the_password(tmp_path):
    db = tmp_path / "p.duckdb"
    run_capaian(db, "users", "add", "pusat", "--role", "national", stdin="rahasia-123\nrahasia-123\n")
    store = open_store(db)
    try:
        assert verify_login(store, "pusat", "rahasia-123") is not None
    finally:
        store.close()


def test_serve_help(tmp_path):
    out = run_capaian(tmp_path / "s.duckdb", "serve", "--help").stdout
    assert "--host" in out and "--port" in out and "--geojson" in out
