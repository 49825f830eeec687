"""Writes on PostgreSQL lock what they change: a province's submission for a cut-off, a run's
publication, not the whole store; a write without a scope still excludes every other. A worker
whose code is older than the store's schema (a rolling upgrade) reads on but refuses to write.

Two connections stand for two server processes; who waits for whom is read from `pg_locks`.
"""

from __future__ import annotations

import threading

import pytest

from capaian.errors import CapaianError
from capaian.intake.submission import submission_scope
from capaian.store import open_store


@pytest.fixture
def url(pg_server):
    url = pg_server.new_database()
    open_store(url).close()
    return url


def _waiting(url: str) -> int:
    """Advisory locks asked for and not granted in the database."""
    import psycopg

    with psycopg.connect(url) as con:
        return con.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").fetchone()[0]


def _second_write(url: str, scope: str | None, done: threading.Event) -> threading.Thread:
    def write():
        with open_store(url) as other, other.transaction(scope=scope):
            other.set_meta("second", "1") if scope is None else other.con.execute("SELECT 1")
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    return thread


def _held_while(url: str, held_scope: str | None, scope: str | None) -> bool:
    """Does a write of `scope` wait while another connection holds a write of `held_scope`?"""
    done = threading.Event()
    with open_store(url) as first:
        with first.transaction(scope=held_scope):
            thread = _second_write(url, scope, done)
            waits = False
            for _ in range(300):  # until the second write finished or is seen waiting
                if done.wait(0.05):
                    break
                if _waiting(url):
                    waits = True
                    break
        thread.join(60)
    assert done.is_set() and not thread.is_alive()
    return waits


def test_scoped_writes_of_different_provinces_run_side_by_side(url):
    kaltara, kaltim = submission_scope("65", "2020-11-H1"), submission_scope("64.01", "2020-11-H1")
    assert not _held_while(url, kaltara, kaltim)
    assert _held_while(url, kaltara, submission_scope("65.01", "2020-11-H1"))  # same province
    assert not _held_while(url, "run:1", "run:2")
    assert _held_while(url, "run:1", "run:1")
    assert _held_while(url, None, kaltara)  # a whole-store write excludes every scoped one
    assert _held_while(url, kaltim, None)  # and waits for them
    assert submission_scope(None, "2020-11-H1") is None and submission_scope("ID", "2020-11-H1") is None


def test_an_older_worker_refuses_to_write_to_a_newer_schema(url):
    from capaian.web.state import WebState

    state = WebState(open_store(url), catalog_ttl=0.0)
    try:
        state.catalog()
        with state.db() as store:
            store.set_meta("before", "1")  # writes while the schema is the one this code knows
            newest = store.schema_version()
        with open_store(url) as newer:  # what a newer capaian's migration leaves
            newer.con.execute("INSERT INTO schema_migrations VALUES (?, 'from a newer capaian', now())",
                              [newest + 1])
        state.catalog()  # the stamp changed: the schema is read again
        with state.db() as store:
            assert store.get_meta("before") == "1"  # reads go on
            with pytest.raises(CapaianError) as refused:
                store.set_meta("after", "1")
        assert f"schema {newest + 1}" in refused.value.en_message and "upgrade" in refused.value.en_message
    finally:
        state.close()
        state.store.close()
