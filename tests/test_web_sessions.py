"""Sessions kept in the store (logout and `capaian users revoke` end them, inactivity expires them),
the login throttle kept in the store (per account and per client address), forwarded headers
trusted only from configured proxies, and the security headers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from capaian.web import create_app
from web_support import PASSWORD, csrf_of, fresh_db, login, run_async


@pytest.fixture
def db(tmp_path, on_backend):
    """The web test store on each backend (DuckDB file, PostgreSQL database)."""
    return on_backend(fresh_db(tmp_path / "sessions"))


@pytest.fixture
def app(db):
    return create_app(db, secret="test-secret", warm=False)


def _logged_in(app, name="kaltara", client=("10.30.0.1", 50000)) -> TestClient:
    c = TestClient(app, client=client, follow_redirects=False)
    assert login(c, name).status_code == 303
    return c


def _replay(app, cookie: str) -> TestClient:
    """A second browser holding a copy of a saved session cookie."""
    c = TestClient(app, follow_redirects=False)
    c.cookies.set("capaian_session", cookie)
    return c


# --- sessions -------------------------------------------------------------------------------


def test_logout_revokes_a_saved_cookie(app):
    c = _logged_in(app)
    saved = c.cookies.get("capaian_session")
    assert _replay(app, saved).get("/unggah").status_code == 200
    token = csrf_of(c.get("/nasional").text)
    assert c.post("/keluar", data={"csrf_token": token}).status_code == 303
    assert _replay(app, saved).get("/unggah").status_code == 403
    assert _replay(app, saved).get("/api/submissions").status_code == 403


def test_a_restarted_server_still_refuses_a_logged_out_cookie(db):
    first = create_app(db, secret="test-secret", warm=False)
    c = _logged_in(first)
    saved = c.cookies.get("capaian_session")
    c.post("/keluar", data={"csrf_token": csrf_of(c.get("/nasional").text)})
    first.state.web.store.close()
    second = create_app(db, secret="test-secret", warm=False)
    assert _replay(second, saved).get("/unggah").status_code == 403


def test_users_revoke_ends_every_session(app):
    from capaian.sessions import revoke_sessions

    a, b = _logged_in(app), _logged_in(app)
    other = _logged_in(app, "tarakan")
    with app.state.web.db() as store:
        assert revoke_sessions(store, "kaltara") == 2
    app.state.web.forget_sessions()
    assert a.get("/unggah").status_code == 403 and b.get("/unggah").status_code == 403
    assert other.get("/unggah").status_code == 200


def test_users_revoke_command(db):
    from typer.testing import CliRunner

    from capaian.cli import commands  # noqa: F401  (registers the sub-commands)
    from capaian.cli.app import app as cli
    from capaian.sessions import session_user, start_session
    from capaian.store import open_store

    store = open_store(db)
    token = start_session(store, "kaltara")
    store.close()
    result = CliRunner().invoke(cli, ["--db", str(db), "users", "revoke", "kaltara"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    store = open_store(db)
    try:
        assert session_user(store, token) is None
        assert "user_revoke" in set(store.list_audit()["action"])
    finally:
        store.close()


def test_session_expires_after_inactivity(app):
    c = _logged_in(app)
    assert c.get("/unggah").status_code == 200
    with app.state.web.db() as store:
        store.con.execute("UPDATE sessions SET last_seen = last_seen - INTERVAL '31 minutes'")
    app.state.web.forget_sessions()
    assert c.get("/unggah").status_code == 403


def test_inactivity_limit_is_a_setting(db, monkeypatch):
    monkeypatch.setenv("CAPAIAN_SESSION_IDLE_MINUTES", "120")
    app = create_app(db, secret="test-secret", warm=False)
    c = _logged_in(app)
    with app.state.web.db() as store:
        store.con.execute("UPDATE sessions SET last_seen = last_seen - INTERVAL '31 minutes'")
    app.state.web.forget_sessions()
    assert c.get("/unggah").status_code == 200  # 31 minutes idle is within 120


def test_new_password_logs_out(app):
    from capaian.accounts import set_password

    c = _logged_in(app)
    with app.state.web.db() as store:
        set_password(store, "kaltara", "sandi-baru-456")
    app.state.web.forget_sessions()
    assert c.get("/unggah").status_code == 403


def test_only_a_hash_of_the_token_is_stored(app):
    c = _logged_in(app)
    cookie = c.cookies.get("capaian_session")
    with app.state.web.db() as store:
        hashes = [r[0] for r in store.con.execute("SELECT token_hash FROM sessions").fetchall()]
    assert len(hashes) == 1 and len(hashes[0]) == 64 and hashes[0] not in cookie


# --- login throttle -------------------------------------------------------------------------


def test_spraying_many_names_from_one_address_is_stopped(app):
    from capaian.sessions import SPREAD

    c = TestClient(app, client=("10.40.0.1", 50000))
    for i in range(5):  # five typos behind one address (an office's NAT) do not stop a colleague
        assert login(c, f"tebakan{i}", "salah-sandi-1").status_code == 401
    assert login(TestClient(app, client=("10.40.0.1", 50001)), "tarakan").status_code == 303
    for i in range(5, SPREAD * 5):
        assert login(c, f"tebakan{i}", "salah-sandi-1").status_code == 401
    assert login(c, "kaltara").status_code == 429  # a real account, right password, same address
    assert login(TestClient(app, client=("10.40.0.2", 50000)), "kaltara").status_code == 303


def test_basic_auth_counts_towards_the_same_throttle(app):
    c = TestClient(app, client=("10.41.0.1", 50000))
    for _ in range(5):
        assert c.get("/api/submissions", auth=("malinau", "salah-sandi-1")).status_code == 401
    assert c.get("/api/submissions", auth=("malinau", PASSWORD)).status_code == 429
    assert login(c, "malinau").status_code == 429  # the form, from the same address
    assert login(TestClient(app, client=("10.41.0.2", 50000)), "malinau").status_code == 303  # elsewhere


def test_throttle_survives_a_restart(db):
    first = create_app(db, secret="test-secret", warm=False)
    c = TestClient(first, client=("10.42.0.1", 50000))
    for _ in range(5):
        assert login(c, "malinau", "salah-sandi-1").status_code == 401
    first.state.web.store.close()
    second = create_app(db, secret="test-secret", warm=False)
    assert login(TestClient(second, client=("10.42.0.1", 50001)), "malinau").status_code == 429


def test_forwarded_headers_are_not_trusted_by_default():
    from capaian.cli.serve_cmd import proxy_options

    assert proxy_options("") == {"proxy_headers": False, "forwarded_allow_ips": ""}
    assert proxy_options(" 10.0.0.5, 10.0.0.6 ") == {"proxy_headers": True, "forwarded_allow_ips": "10.0.0.5,10.0.0.6"}


def test_serve_passes_the_proxy_trust_to_uvicorn(db, monkeypatch):
    import socket

    from typer.testing import CliRunner

    from capaian.cli import commands  # noqa: F401  (registers the sub-commands)
    from capaian.cli import serve_cmd
    from capaian.cli.app import app as cli

    seen = {}
    monkeypatch.setattr(serve_cmd, "listening_socket", lambda host, port: socket.socket())
    monkeypatch.setattr(serve_cmd, "run_server", lambda app, sock, **kw: (seen.update(kw), sock.close()))
    assert CliRunner().invoke(cli, ["--db", str(db), "serve"]).exit_code == 0
    assert seen["proxy_headers"] is False  # uvicorn would otherwise trust X-Forwarded-For from 127.0.0.1
    assert CliRunner().invoke(cli, ["--db", str(db), "serve", "--forwarded-allow-ips", "10.0.0.5"]).exit_code == 0
    assert seen["proxy_headers"] is True and seen["forwarded_allow_ips"] == "10.0.0.5"


def test_forwarded_for_from_an_untrusted_peer_does_not_escape_the_throttle(app):
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    # what uvicorn builds with --forwarded-allow-ips 10.0.0.5: only that proxy is believed
    served = ProxyHeadersMiddleware(app, trusted_hosts="10.0.0.5")
    c = TestClient(served, client=("127.0.0.1", 50000), follow_redirects=False)

    def attempt(name, password, forwarded):
        token = csrf_of(c.get("/masuk").text)
        return c.post("/masuk", data={"name": name, "password": password, "csrf_token": token},
                      headers={"X-Forwarded-For": forwarded})

    from capaian.sessions import SPREAD

    for i in range(SPREAD * 5):
        assert attempt(f"tebakan{i}", "salah-sandi-1", f"10.9.9.{i}").status_code == 401
    assert attempt("kaltara", PASSWORD, "10.9.9.9").status_code == 429  # still 127.0.0.1 to the throttle


# --- headers --------------------------------------------------------------------------------


def test_permissions_policy_and_no_store(app):
    c = TestClient(app)
    for url in ("/nasional", "/nasional.json", "/api/cutoffs", "/masuk"):
        r = c.get(url)
        assert r.headers["permissions-policy"].startswith("accelerometer=()"), url
        assert r.headers["cache-control"] == "no-store", url
    k = _logged_in(app)
    for url in ("/wilayah/65.71.json", "/wilayah/65.71.csv", "/unggah", "/run.json", "/api/submissions"):
        assert k.get(url).headers["cache-control"] == "no-store", url
    assert "no-store" not in c.get("/static/vendor/htmx.min.js").headers.get("cache-control", "")


def test_plain_http_has_no_hsts_and_no_secure_cookie(app):
    c = TestClient(app)
    r = c.get("/masuk")
    assert "strict-transport-security" not in r.headers
    assert "secure" not in r.headers["set-cookie"].lower()


def test_https_gets_hsts_and_secure_cookies(app):
    c = TestClient(app, base_url="https://testserver", follow_redirects=False)
    r = c.get("/masuk")
    assert r.headers["strict-transport-security"].startswith("max-age=")
    assert "; secure" in r.headers["set-cookie"].lower()
    r = login(c, "kaltara")
    assert r.status_code == 303 and "; secure" in r.headers["set-cookie"].lower()


def test_a_trusted_tls_proxy_counts_as_https(app):
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    served = ProxyHeadersMiddleware(app, trusted_hosts="10.0.0.5")
    behind = TestClient(served, client=("10.0.0.5", 50000))
    r = behind.get("/masuk", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" in r.headers and "; secure" in r.headers["set-cookie"].lower()
    stranger = TestClient(served, client=("10.0.0.6", 50000))
    r = stranger.get("/masuk", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in r.headers


# --- uploads are refused before their body is read (issue 16 item 14) -----------------------


def _post_unread(app, path: str, headers: dict[str, str], size: int = 200 * 1024 * 1024) -> tuple[int, int]:
    """POST `size` bytes to `path` straight through ASGI; (status, body chunks the app read)."""
    chunk = b"x" * (1024 * 1024)
    chunks = size // len(chunk)
    read = 0
    sent = []

    async def receive():
        nonlocal read
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": read < chunks}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "server": ("testserver", 80), "client": ("10.50.0.1", 50000),
        "headers": [(k.lower().encode(), v.encode()) for k, v in
                    {"host": "testserver", "content-type": "multipart/form-data; boundary=b",
                     "content-length": str(size), **headers}.items()],
    }
    run_async(app, scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], read


@pytest.mark.parametrize("path", ["/unggah", "/api/submissions"])
def test_anonymous_upload_refused_unread(app, path):
    status, read = _post_unread(app, path, {})
    assert status == 403 and read == 0


def test_oversized_upload_refused_unread(app):
    c = _logged_in(app)
    token = csrf_of(c.get("/unggah").text)
    cookie = "capaian_session=" + c.cookies.get("capaian_session")
    status, read = _post_unread(app, "/api/submissions", {"cookie": cookie, "x-csrf-token": token})
    assert status == 413 and read == 0
    status, read = _post_unread(app, "/unggah", {"cookie": cookie, "x-csrf-token": "forged"})
    assert status == 403 and read == 0


def test_wrong_basic_password_upload_refused_unread(app):
    import base64

    auth = "Basic " + base64.b64encode(b"kaltara:salah-sandi-1").decode()
    status, read = _post_unread(app, "/api/submissions", {"authorization": auth})
    assert status == 401 and read == 0
