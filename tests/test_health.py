"""/healthz (alive) and /readyz (store reachable, schema current, warm-up done)."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from capaian.store import open_store
from capaian.web import create_app
from web_support import fresh_db


def test_alive_at_once_ready_after_the_background_warm_up(tmp_path):
    app = create_app(fresh_db(tmp_path), secret="test-secret")
    bare = TestClient(app)  # no lifespan: the warm-up never ran
    assert bare.get("/healthz").json() == {"status": "alive"}
    pending = bare.get("/readyz")
    assert pending.status_code == 503 and pending.headers["retry-after"] == "2"
    assert pending.json() == {"status": "not_ready", "checks": {"store": "ok", "schema": "ok", "warm": "pending"}}
    with TestClient(app) as client:  # starts the warm-up in the background
        for _ in range(600):
            ready = client.get("/readyz")
            if ready.status_code == 200:
                break
            assert ready.json()["checks"]["warm"] == "pending"
            time.sleep(0.1)
        assert ready.json() == {"status": "ready", "checks": {"store": "ok", "schema": "ok", "warm": "ok"}}
        assert app.state.web._catalog is not None  # the warm-up read the runs


def test_not_ready_on_a_schema_this_code_does_not_know(tmp_path):
    path = fresh_db(tmp_path)
    app = create_app(path, secret="test-secret", warm=False)
    with open_store(path) as store:  # what an older capaian would have left (a migration missing)
        newest = store.schema_version()
    app.state.web.store.con.execute("DELETE FROM schema_migrations WHERE version = ?", [newest])
    answer = TestClient(app).get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["schema"] == f"{newest - 1} (this capaian: {newest})"


def test_serve_on_a_port_in_use_says_so_in_one_line(tmp_path):
    """The port is bound first of all (so it opens at once); one already taken is one line."""
    import socket

    from cli_support import run_capaian

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = run_capaian(fresh_db(tmp_path), "--lang", "en", "serve", "--port", str(port), check=False)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and f"Cannot listen on 127.0.0.1:{port}" in lines[0], done.stderr
