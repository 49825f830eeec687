"""What the web app keeps between requests: the store (behind one lock), caches, the login limiter.

Runs are immutable snapshots, so a loaded run (and every page model built from it) is cached by
run id. The list of runs (which cut-offs exist, which are published) is re-read at most every
`catalog_ttl` seconds, and at once after this app writes (upload, evaluate, publish).
"""

from __future__ import annotations

import contextvars
import secrets
import threading
import time
from collections import OrderedDict, defaultdict, deque
from contextlib import contextmanager

import pandas as pd

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


class Catalog:
    """A snapshot of the evaluation runs table, with its look-ups memoised (plain Python, no pandas)."""

    def __init__(self, runs: pd.DataFrame):
        self.runs = runs
        self.stamp = time.monotonic()
        self._rows = [
            {
                "id": int(r["id"]),
                "cutoff": str(r["cutoff"]),
                "rubric": r["rubric"],
                "published": r["published_at"] is not None and not pd.isna(r["published_at"]),
                "meta": r,
            }
            for r in runs.to_dict("records")
        ]
        self._memo: dict = {}

    def _memoised(self, key, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def _select(self, published_only: bool, rubric: str | None = None, cutoff: str | None = None):
        return [
            r for r in self._rows
            if (not published_only or r["published"])
            and (rubric is None or r["rubric"] == rubric)
            and (cutoff is None or r["cutoff"] == cutoff)
        ]

    def cutoffs(self, published_only: bool = False, rubric: str | None = None) -> list[str]:
        return self._memoised(
            ("cutoffs", published_only, rubric),
            lambda: sorted({r["cutoff"] for r in self._select(published_only, rubric or None)}),
        )

    def rubrics(self, cutoff: str, published_only: bool = False) -> list[str]:
        return self._memoised(
            ("rubrics", cutoff, published_only),
            lambda: sorted({r["rubric"] for r in self._select(published_only, cutoff=cutoff)}),
        )

    def latest(self, cutoff: str, rubric: str | None = None, published_only: bool = False) -> int | None:
        """Newest run id of a cut-off (the same rule as `Store.latest_run`)."""

        def compute():
            ids = [r["id"] for r in self._select(published_only, rubric or None, cutoff)]
            return max(ids) if ids else None

        return self._memoised(("latest", cutoff, rubric or None, published_only), compute)

    def meta(self, run_id: int) -> dict | None:
        for r in self._rows:
            if r["id"] == run_id:
                return r["meta"]
        return None

    def published(self, run_id: int) -> bool:
        return any(r["id"] == run_id and r["published"] for r in self._rows)


class LoginLimiter:
    """At most `limit` failed logins per (name, client address) within `window` seconds."""

    def __init__(self, limit: int | None = None, window: float | None = None):
        from capaian.settings import value

        self.limit = value("CAPAIAN_LOGIN_LIMIT") if limit is None else limit
        self.window = value("CAPAIAN_LOGIN_WINDOW") if window is None else window
        self._fails: dict[tuple[str, str], deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, key, now: float) -> deque:
        q = self._fails[key]
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def blocked(self, name: str, ip: str) -> bool:
        key = (name.strip().lower(), ip)
        with self._lock:
            return len(self._prune(key, time.monotonic())) >= self.limit

    def failed(self, name: str, ip: str) -> None:
        key = (name.strip().lower(), ip)
        with self._lock:
            now = time.monotonic()
            self._prune(key, now).append(now)

    def succeeded(self, name: str, ip: str) -> None:
        with self._lock:
            self._fails.pop((name.strip().lower(), ip), None)


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
    def __init__(self, store, catalog_ttl: float | None = None, max_views: int | None = None):
        from capaian.settings import value

        self.store = store
        self.lock = threading.RLock()
        self.catalog_ttl = value("CAPAIAN_CATALOG_TTL") if catalog_ttl is None else catalog_ttl
        self.max_views = value("CAPAIAN_CACHE_RUNS") if max_views is None else max_views
        self.user_ttl = value("CAPAIAN_USER_TTL")
        self.limiter = LoginLimiter()
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
            return cat
        with self.db() as store:
            runs = store.list_runs()
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
        """The RunView of a run, loaded once."""
        with self.lock:
            view = self._views.get(run_id)
            if view is not None:
                self._views.move_to_end(run_id)
                return view
            _slow_work_ahead()
            from capaian.service import get_run

            view = get_run(self.store, run_id=run_id)
            self._views[run_id] = view
            while len(self._views) > self.max_views:
                self._views.popitem(last=False)
            return view

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

    # -- users ------------------------------------------------------------------------------
    def user(self, name: str | None):
        if not name:
            return None
        hit = self._users.get(name)
        if hit is not None and time.monotonic() - hit[0] < self.user_ttl:
            return hit[1]
        from capaian.accounts import get_user

        with self.db() as store:
            user = get_user(store, name)
        self._users[name] = (time.monotonic(), user)
        return user

    def forget_user(self, name: str) -> None:
        self._users.pop(name, None)


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
