"""A pool of PostgreSQL connections for one server process: one connection per unit of work.

    pool = StorePool(url)                 # opened at once; connects in the background
    with pool.store() as store:           # a Store over a connection borrowed for the block
        store.list_runs()
    pool.close()

The web app borrows a connection for each read or write (`capaian.web.state.WebState.db`), so
requests of one process never wait for each other on a lock, only, when every connection is
busy, for the next free one (`CAPAIAN_PG_POOL_TIMEOUT`).

The pool survives the database going away (a restart, a failover, a killed server):
- a borrowed connection is checked with an empty statement, so connections broken by a restart
  are dropped, not handed out;
- a failed connection attempt is retried in the background with a backoff capped at
  `RECONNECT_DELAY` seconds, so requests succeed again within seconds of the server accepting
  connections;
- while the server is away a request waits at most `DOWN_TIMEOUT` for a connection, then fails
  with `psycopg_pool.PoolTimeout` (a fault `capaian.store.faults` calls `unavailable`: 503).
The schema is migrated once, by `open_store`, before the pool opens. The pool's own warnings
(each failed connection attempt while the server is away) are logged at most once per
`LOG_EVERY` seconds per kind, with the count of those left out.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from typing import Iterator

RECONNECT_DELAY = 2.0  # most seconds between two connection attempts while the server is away
DOWN_TIMEOUT = 0.5  # seconds a request waits for a connection once the server is known away
LOG_EVERY = 10.0  # seconds between two warnings of one kind from psycopg_pool


class _EveryFewSeconds(logging.Filter):
    """Lets a message of a given kind (its format string) through once per `LOG_EVERY` seconds."""

    def __init__(self):
        super().__init__()
        self._last: dict = {}
        self._skipped: dict = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        kind = str(record.msg)
        with self._lock:
            last = self._last.get(kind)
            if last is not None and now - last < LOG_EVERY:
                self._skipped[kind] = self._skipped.get(kind, 0) + 1
                return False
            self._last[kind] = now
            skipped = self._skipped.pop(kind, 0)
        if skipped:
            record.msg = f"{record.msg} (+{skipped} alike in the last {LOG_EVERY:.0f} s)"
        return True


def _quiet_pool_log() -> None:
    pool_log = logging.getLogger("psycopg.pool")
    if not any(isinstance(f, _EveryFewSeconds) for f in pool_log.filters):
        pool_log.addFilter(_EveryFewSeconds())


class StorePool:
    """psycopg_pool.ConnectionPool handing out `Store` objects (see the module's docstring)."""

    def __init__(self, url: str, min_size: int | None = None, max_size: int | None = None,
                 timeout: float | None = None):
        from psycopg_pool import ConnectionPool

        from capaian.settings import value

        self.url = url
        self.max_size = max(1, value("CAPAIAN_PG_POOL_SIZE") if max_size is None else max_size)
        # none kept open while idle: a quiet worker (or an app a test forgot) holds no connection
        self.min_size = min(self.max_size, 0 if min_size is None else min_size)
        self.timeout = value("CAPAIAN_PG_POOL_TIMEOUT") if timeout is None else timeout
        self._down_since: float | None = None  # when a connection last failed to be made
        self._types: dict = {}  # column types of the store's tables (`PgConnection.column_types`)
        self.schema_ahead: tuple | None = None  # (store's schema, this code's): a newer schema, writes refused
        self._lock = threading.Lock()
        self.pool = ConnectionPool(
            url, min_size=self.min_size, max_size=self.max_size, kwargs={"autocommit": True},
            open=False, timeout=self.timeout, check=self._check, name="capaian",
            # a short reconnection attempt, then a fresh one on the next request: the pool's own
            # backoff doubles without bound (1, 2, 4 ... s), which would delay the recovery
            reconnect_timeout=RECONNECT_DELAY, reconnect_failed=self._gave_up,
            max_idle=60.0,
        )
        _quiet_pool_log()
        self.pool.open(wait=False)

    @contextmanager
    def store(self) -> Iterator["object"]:
        """A `Store` over a connection of the pool for the block (returned at its end, rolled back
        when left inside a transaction)."""
        from capaian.store import Store
        from capaian.store.postgres import PgConnection

        raw = self._borrow()
        try:
            con = PgConnection.over(raw, self.url, self._types)
            store = Store(con, self.url)
            store.schema_ahead = self.schema_ahead  # checked by Store.transaction
            yield store
        finally:
            self.pool.putconn(raw)

    def _borrow(self):
        from psycopg_pool import PoolTimeout

        down = self._down_since is not None
        try:
            raw = self.pool.getconn(timeout=min(self.timeout, DOWN_TIMEOUT) if down else self.timeout)
        except PoolTimeout:
            if not down and self.pool.get_stats().get("pool_available", 0) == 0 and self._no_server():
                self._down_since = time.monotonic()
            raise
        self._down_since = None
        return raw

    def _no_server(self) -> bool:
        """True when no connection can be made now (rather than every connection being busy)."""
        import psycopg

        try:
            psycopg.connect(self.url, connect_timeout=2).close()
        except psycopg.Error:
            return True
        return False

    def _check(self, conn) -> None:
        try:
            conn.execute("")
        except Exception:
            self._down_since = self._down_since or time.monotonic()
            # the others idle in the pool were most likely broken by the same restart: drop them now
            threading.Thread(target=self._check_all, name="capaian-pool-check", daemon=True).start()
            raise

    def _check_all(self) -> None:
        if not self._lock.acquire(blocking=False):
            return
        try:
            self.pool.check()
        except Exception:  # noqa: BLE001 - a check that failed leaves the pool as it was
            pass
        finally:
            self._lock.release()

    def _gave_up(self, _pool) -> None:
        self._down_since = self._down_since or time.monotonic()

    @property
    def down(self) -> bool:
        """True while the database is known to be unreachable."""
        return self._down_since is not None

    def stats(self) -> dict:
        return dict(self.pool.get_stats())

    def close(self) -> None:
        self.pool.close(timeout=2.0)
