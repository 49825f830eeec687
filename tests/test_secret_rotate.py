"""`capaian secret rotate`: a new session key; logins signed with the old one hold for the grace period.

The store keeps the keys (no CAPAIAN_SECRET); a running app re-reads them (`RECHECK`, set to 0 here
so that the next request sees a rotation at once).
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from capaian.store import open_store
from capaian.web import create_app, session_keys
from cli_support import run_capaian
from web_support import fresh_db, login


@pytest.fixture
def rechecked(monkeypatch):
    monkeypatch.delenv("CAPAIAN_SECRET", raising=False)
    monkeypatch.setattr(session_keys, "RECHECK", 0.0)


def _logged_in(client) -> bool:
    return client.get("/api/submissions").status_code == 200


def test_current_logins_hold_through_a_rotation_and_end_with_the_grace(tmp_path, rechecked):
    app = create_app(fresh_db(tmp_path), warm=False)
    store = app.state.web.store
    before = TestClient(app)
    assert login(before, "nasional").status_code == 303 and _logged_in(before)
    old_cookie = before.cookies.get("capaian_session")
    old_key = store.get_meta(session_keys.SECRET_META_KEY)

    session_keys.rotate(store, grace_hours=1)
    assert store.get_meta(session_keys.SECRET_META_KEY) != old_key
    assert _logged_in(before)  # signed with the previous key: still accepted
    after = TestClient(app)
    assert login(after, "nasional").status_code == 303 and _logged_in(after)
    new_cookie = after.cookies.get("capaian_session")
    assert new_cookie != old_cookie

    session_keys.rotate(store, grace_hours=1)  # the key of `before` is now two rotations old
    stale = TestClient(app, cookies={"capaian_session": old_cookie})
    assert not _logged_in(stale)
    assert _logged_in(after)  # signed with the key just replaced: in its grace period
    session_keys.rotate(store, grace_hours=0)
    assert not _logged_in(after)  # its grace (0 hours) is over
    assert "rotate" in " ".join(store.list_audit()["action"])


def test_cli_rotates_in_one_line_and_refuses_a_fixed_secret(tmp_path, rechecked):
    db = fresh_db(tmp_path)
    with open_store(db) as store:
        old = session_keys.current_secret(store)
    done = run_capaian(db, "--lang", "en", "secret", "rotate", "--grace-hours", "2")
    assert done.stdout.count("\n") == 1 and "previous key is accepted until" in done.stdout
    with open_store(db) as store:
        assert session_keys.current_secret(store) != old
        assert session_keys.accepted_keys(store)[0] == old  # still accepted, for 2 hours
    refused = run_capaian(db, "--lang", "en", "secret", "rotate", check=False,
                          env={"CAPAIAN_SECRET": "fixed-in-the-environment"})
    assert refused.returncode == 1
    assert len(refused.stderr.strip().splitlines()) == 1 and "CAPAIAN_SECRET is set" in refused.stderr
