"""What the web app keeps between requests: the store (behind one lock), caches, sessions, the login limiter.

Runs are immutable snapshots, so a loaded run (and every page model built from it) is cached by
run id. The list of runs (which cut-offs exist, which are published) is re-read at most every
`catalog_ttl` seconds, and at once after this app writes (upload, evaluate, publish).

On a PostgreSQL store several server processes (`capaian serve --workers N`) and the CLI write
beside this one, so there the catalog is also re-read whenever the runs table's fingerprint
(`store.runs_stamp()`, one small query) changed, and sessions and users are checked in the store
on every request: a run published, a session ended or a user changed through one worker is what
every worker sees on its next request.
"""

from __future__ import annotations

import contextvars
import dataclasses
import secrets
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager

import pandas as pd

from capaian.errors import CapaianError
from capaian.runs.catalog import Catalog

SECRET_META_KEY = "web_session_secret"

# True while a request runs on the event loop (see `capaian.web.common.hybrid`): anything that
# would block for long (loading a run, building a page model, rendering a big fragment) raises
# `Cold` instead, and the request is re-run in the thread pool.
INLINE: contextvars.ContextVar[bool] = contextvars.ContextVar("capaian_inline", default=False)


class Cold(Exception):
    """Raised on the event loop when a request needs slow work; it is retried in a thread."""


def _slow_work_ahead() -> None:
    if INLINE.get():
        raise Cold()


def session_idle_seconds() -> float:
    """$CAPAIAN_SESSION_IDLE_MINUTES (capaian.settings) in seconds, between 1 minute and a day."""
    from capaian.settings import value

    minutes = value("CAPAIAN_SESSION_IDLE_MINUTES")
    if not 0 < minutes <= 24 * 60:
        raise CapaianError(
            f"CAPAIAN_SESSION_IDLE_MINUTES={minutes!r} tidak sah: berikan menit antara 1 dan 1440.",
            f"CAPAIAN_SESSION_IDLE_MINUTES={minutes!r} is not valid: give minutes between 1 and 1440.",
        )
    return minutes * 60


class LoginLimiter:
    """The login throttle (`capaian.sessions.LoginThrottle`, kept in the store) over this app's store."""

    def __init__(self, state: "WebState", limit: int | None = None, window: float | None = None):
        from capaian.sessions import LoginThrottle
        from capaian.settings import value


        self.state = state
        self.limit = value("CAPAIAN_LOGIN_LIMIT") if limit is None else limit
        self.window = value("CAPAIAN_LOGIN_WINDOW") if window is None else window
        self.throttle = LoginThrottle(self.limit, self.window)

    def blocked(self, name: str, ip: str) -> bool:
        with self.state.db() as store:
            return self.throttle.blocked(store, name, ip)

    def failed(self, name: str, ip: str) -> None:
        with self.state.db() as store:
            self.throttle.failed(store, name, ip)

    def succeeded(self, name: str, ip: str) -> None:
        with self.state.db() as store:
            self.throttle.succeeded(store, name, ip)


class LRU:
    """A small thread-safe least-recently-used cache."""

    def __init__(self, size: int):
        self.size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class WebState:
    def __init__(self, store, catalog_ttl: float | None = None, max_views: int | None = None,
                 session_idle: float | None = None):
        from capaian.settings import value

        self.store = store
        self.lock = threading.RLock()
        self.catalog_ttl = value("CAPAIAN_CATALOG_TTL") if catalog_ttl is None else catalog_ttl
        self.max_views = value("CAPAIAN_CACHE_RUNS") if max_views is None else max_views
        self.user_ttl = value("CAPAIAN_USER_TTL")
        self.session_idle = float(session_idle_seconds() if session_idle is None else session_idle)
        self.session_lifetime = float(value("CAPAIAN_SESSION_MAX_AGE"))
        self.limiter = LoginLimiter(self)
        self.shared = getattr(store, "backend", "duckdb") == "postgresql"  # other processes write too
        self.recheck = 0.0 if self.shared else 5.0  # seconds a session or user look-up is trusted
        self._stamp: tuple | None = None
        self._sessions = LRU(4096)  # token -> (checked at, user name or None), for a few seconds
        self._catalog: Catalog | None = None
        self._views: OrderedDict[int, object] = OrderedDict()
        self._models = LRU(value("CAPAIAN_CACHE_MODELS"))  # page models (language-independent dicts)
        self._fragments = LRU(value("CAPAIAN_CACHE_FRAGMENTS"))  # rendered HTML of the user-independent part of a page
        self._users: dict[str, tuple[float, object]] = {}
        self._demo: bool | None = None

    @contextmanager
    def db(self):
        """The store, for one thread at a time (one DuckDB connection is shared)."""
        with self.lock:
            yield self.store

    # -- catalog and runs -------------------------------------------------------------------
    def catalog(self) -> Catalog:
        cat = self._catalog
        if cat is not None and time.monotonic() - cat.stamp < self.catalog_ttl:
            if not self.shared:
                return cat
            with self.db() as store:
                if store.runs_stamp() == self._stamp:
                    return cat
        with self.db() as store:
            stamp = store.runs_stamp() if self.shared else None
            runs = store.list_runs()
        self._stamp = stamp
        cat = Catalog(runs=runs)
        if self._catalog is None or not _same_runs(self._catalog.runs, runs):
            self._models.clear()  # publication state may have changed
            self._fragments.clear()
        self._catalog = cat
        return cat

    def invalidate(self) -> None:
        """Forget the catalog and page models (after this app wrote to the store)."""
        with self.lock:
            self._catalog = None
            self._models.clear()
            self._fragments.clear()
            self._users.clear()

    def view(self, run_id: int):
        """The RunView of a run, loaded once; its metadata follows the catalog (a run published
        since it was loaded, here or by another process, reads as published at once)."""
        with self.lock:
            view = self._views.get(run_id)
            if view is not None:
                self._views.move_to_end(run_id)
                meta = self.catalog().meta(run_id)
                if meta is not None and _published_at(meta) != _published_at(view.meta):
                    fresh = {k: meta[k] for k in ("published_at", "published_by", "note") if k in meta}
                    view = dataclasses.replace(view, meta={**view.meta, **fresh})
                    self._views[run_id] = view
                return view
            _slow_work_ahead()
            from capaian.service import get_run

            view = get_run(self.store, run_id=run_id)
            self._views[run_id] = view
            while len(self._views) > self.max_views:
                self._views.popitem(last=False)
            return view

    def opened(self, choice):
        """The RunView of a picker's choice, with its previous run attached, loaded once."""
        key = ("opened", *choice.key)
        found = self._models.get(key)
        if found is None:
            from capaian.runs import open_choice

            found = open_choice(choice, self.view)
            self._models.put(key, found)
        return found

    def model(self, key, build):
        """A cached page model (language-independent dict) built by `build()`."""
        found = self._models.get(key)
        if found is None:
            _slow_work_ahead()
            found = build()
            self._models.put(key, found)
        return found

    def fragment(self, key, build) -> str:
        """Cached HTML of a page part that depends only on the run, the language and the key."""
        found = self._fragments.get(key)
        if found is None:
            _slow_work_ahead()
            found = build()
            self._fragments.put(key, found)
        return found

    def warm(self, limit: int | None = None) -> int:
        """Load the newest runs (up to `limit`, default half the view cache) so first visits are fast."""
        catalog = self.catalog()
        ids = sorted((r["id"] for r in catalog._rows), reverse=True)[: limit or self.max_views // 2]
        for run_id in ids:
            self.view(run_id)
        return len(ids)

    def is_demo(self) -> bool:
        if self._demo is None:
            with self.db() as store:
                self._demo = bool(store.is_demo())
        return self._demo

    # -- sessions and users -------------------------------------------------------------------
    def start_session(self, name: str, client: str | None) -> str:
        from capaian.sessions import start_session

        with self.db() as store:
            return start_session(store, name, client)

    def session_user(self, token: str | None) -> str | None:
        """The user name of a live session (checked in the store at most every few seconds)."""
        if not token:
            return None
        hit = self._sessions.get(token)
        if hit is not None and time.monotonic() - hit[0] < self.recheck:
            return hit[1]
        from capaian.sessions import session_user

        with self.db() as store:
            name = session_user(store, token, idle=self.session_idle, lifetime=self.session_lifetime)
        self._sessions.put(token, (time.monotonic(), name))
        return name

    def end_session(self, token: str | None) -> None:
        from capaian.sessions import end_session

        with self.db() as store:
            end_session(store, token)
        self._sessions.put(token, (time.monotonic(), None))

    def forget_sessions(self) -> None:
        """Re-check every session in the store on its next request."""
        self._sessions.clear()

    def user(self, name: str | None):
        if not name:
            return None
        hit = self._users.get(name)
        if hit is not None and time.monotonic() - hit[0] < (self.recheck if self.shared else self.user_ttl):
            return hit[1]
        from capaian.accounts import get_user

        with self.db() as store:
            user = get_user(store, name)
        self._users[name] = (time.monotonic(), user)
        return user

    def forget_user(self, name: str) -> None:
        self._users.pop(name, None)


def _published_at(meta: dict):
    value = meta.get("published_at")
    return None if value is None or pd.isna(value) else str(value)


def _same_runs(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    if len(a) != len(b):
        return False
    cols = ["id", "published_at"]
    return a[cols].astype(str).equals(b[cols].astype(str))


def session_secret(store, explicit: str | None = None) -> str:
    """The session-signing secret: given, or $CAPAIAN_SECRET, or one kept in the store's metadata."""
    from capaian.settings import value

    if explicit:
        return explicit
    env = value("CAPAIAN_SECRET")
    if env:
        return env
    found = store.get_meta(SECRET_META_KEY)
    if found:
        return found
    secret = secrets.token_urlsafe(48)
    store.set_meta(SECRET_META_KEY, secret)
    return secret
