"""What the web app keeps between requests: the store (behind one lock), caches, sessions, the login limiter.

Runs are immutable snapshots, so a loaded run (and every page model built from it) is cached by
run id. The list of runs (which cut-offs exist, which are published) is re-read at most every
`catalog_ttl` seconds, and at once after this app writes (upload, evaluate, publish).

On a PostgreSQL store several server processes (`capaian serve --workers N`) and the CLI write
beside this one, so there the catalog is also re-read whenever the runs table's fingerprint
(`store.runs_stamp()`, one small query, read at most every `CAPAIAN_STAMP_SECONDS`, default 2 s)
changed: a run published through another process shows on every worker within that time. Sessions
and users are checked in the store on every request: a session ended or a user changed through one
worker is what every worker sees on its next request.
"""

from __future__ import annotations

import dataclasses
import secrets
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager

import pandas as pd

from capaian.errors import CapaianError
from capaian.runs.catalog import Catalog

from capaian.web.caching import INLINE, LRU, Cold, _model_weight, _slow_work_ahead
from capaian.web.session_keys import SECRET_META_KEY  # noqa: F401  (named here too)

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
        with self.state.reader() as store:
            return self.throttle.blocked(store, name, ip)

    def failed(self, name: str, ip: str) -> None:
        with self.state.db() as store:
            self.throttle.failed(store, name, ip)

    def succeeded(self, name: str, ip: str) -> None:
        with self.state.db() as store:
            self.throttle.succeeded(store, name, ip)


class WebState:
    def __init__(self, store, catalog_ttl: float | None = None, max_views: int | None = None,
                 session_idle: float | None = None, report_cache=None, report_workers: int | None = None):
        from capaian.reports.jobs import ReportJobs
        from capaian.settings import value

        self.store = store
        self.lock = threading.RLock()
        self._read_lock = threading.Lock()
        self._views_lock = threading.Lock()
        self._read_store = None
        self.catalog_ttl = value("CAPAIAN_CATALOG_TTL") if catalog_ttl is None else catalog_ttl
        self.max_views = value("CAPAIAN_CACHE_RUNS") if max_views is None else max_views
        self.user_ttl = value("CAPAIAN_USER_TTL")
        self.session_idle = float(session_idle_seconds() if session_idle is None else session_idle)
        self.session_lifetime = float(value("CAPAIAN_SESSION_MAX_AGE"))
        self.limiter = LoginLimiter(self)
        self.shared = getattr(store, "backend", "duckdb") == "postgresql"  # other processes write too
        self.warmed = False  # set once the start-up warm-up built the public's default pages
        self._held = threading.local()  # the pooled store a thread is using (see `_pooled`)
        self.pool = None  # on PostgreSQL: a connection per unit of work (capaian.store.pool)
        if self.shared:
            from capaian.store.pool import StorePool

            self.pool = StorePool(store.path)
            import weakref

            weakref.finalize(self, self.pool.close)  # an app dropped without its shutdown
        self.recheck = 0.0 if self.shared else 5.0  # seconds a session or user look-up is trusted
        self.notes_recheck = 2.0  # seconds notes on flags written by another process may go unseen
        self._stamp: tuple | None = None
        self._stamp_checked = 0.0  # when the runs stamp was last read (monotonic)
        self.stamp_seconds = value("CAPAIAN_STAMP_SECONDS")
        self._sessions = LRU(4096)  # token -> (checked at, user name or None), for a few seconds
        self._catalog: Catalog | None = None
        self._views: OrderedDict[int, object] = OrderedDict()
        # Bounded so that the server stays under 400 MB (bench/web_memory.py): a loaded run is
        # about 4 MB, an opened one (with its previous run's columns) as much again.
        budget = value("CAPAIAN_CACHE_MB") << 20
        # page models (language-independent dicts: a national one is 1-2 MB, a province one 250 KB)
        self._models = LRU(value("CAPAIAN_CACHE_MODELS"), budget=budget, weigh=_model_weight)
        self._opened = LRU(value("CAPAIAN_CACHE_OPENED"))  # opened runs (a picker's choice with its previous run attached)
        self._fragments = LRU(value("CAPAIAN_CACHE_FRAGMENTS"), budget=budget)  # HTML of the user-independent part of a page
        self._twins = LRU(value("CAPAIAN_CACHE_TWINS"), budget=budget)  # serialised JSON of the .json twins (language-independent)
        self._region_rows = LRU(4)  # a region's rows of the trend's runs not loaded whole
        self._users: dict[str, tuple[float, object]] = {}
        self._demo: bool | None = None
        self._notes: tuple | None = None  # (read at, notes on flags, version), see quality_notes
        self._notes_read = 0
        workers = value("CAPAIAN_REPORT_WORKERS") if report_workers is None else report_workers
        # reports built on demand; on a shared store their state is recorded for the other processes
        claim = None
        if self.shared:  # one build of a report per key across the processes of the store
            import functools

            from capaian.store.claims import claim as store_claim

            claim = functools.partial(store_claim, store.path)
        self.reports = ReportJobs(report_cache, workers=workers, ledger=self._record_job if self.shared else None,
                                  claim=claim)
        self._hash_pool = None
        self._flight: dict = {}  # key -> (owner thread, Future) of a build under way, see `_once`
        self._flight_lock = threading.Lock()
        self._login_key = secrets.token_bytes(32)
        self._logins = LRU(1024)  # keyed digest of (name, password) -> (checked at, user name), see verify_login
        from capaian.web.baked import BakedSets

        self.baked = BakedSets(self)  # the baked renderings of published runs (capaian.web.baked)

    @contextmanager
    def db(self):
        """The store, for one thread at a time (one DuckDB connection is shared); on PostgreSQL a
        store over a connection of the pool, for this block only, without any lock.

        On the event loop (`INLINE`) the lock is only tried: when another thread holds it, the
        request raises `Cold` and is re-run in the thread pool, so the loop never waits for it.
        Hold it only for store calls: hash checks and report rendering happen outside it.
        """
        if self.pool is not None:
            with self._pooled() as store:
                yield store
            return
        if INLINE.get():
            if not self.lock.acquire(blocking=False):
                raise Cold()
        else:
            self.lock.acquire()
        try:
            yield self.store
        finally:
            self.lock.release()

    @contextmanager
    def reader(self):
        """A second connection to the same store for short reads (runs, sessions, accounts,
        throttle), under its own lock: a long write on the main connection (an import, an
        evaluation) does not hold them up. DuckDB isolates the two; reads see committed data.
        On the event loop the lock is only tried, as for `db()`. On PostgreSQL: as `db()`."""
        if self.pool is not None:
            with self._pooled() as store:
                yield store
            return
        if INLINE.get():
            if not self._read_lock.acquire(blocking=False):
                raise Cold()
        else:
            self._read_lock.acquire()
        try:
            if self._read_store is None:
                self._read_store = _second_connection(self.store)
            if self._read_store is self.store:  # no second connection: share the main one's lock
                with self.db() as store:
                    yield store
            else:
                yield self._read_store
        finally:
            self._read_lock.release()

    @contextmanager
    def _pooled(self):
        """A store over a pooled connection; never on the event loop (a network round trip would
        hold up every request of the process): there the request is re-run in a thread."""
        held = getattr(self._held, "store", None)
        if held is not None:  # nested in this thread (a write calling a read): the same connection
            yield held
            return
        _slow_work_ahead()
        with self.pool.store() as store:
            self._held.store = store
            try:
                yield store
            finally:
                self._held.store = None

    def close(self) -> None:
        """At server stop: the report workers, the connection pool."""
        self.reports.close()
        if self.pool is not None:
            self.pool.close()

    @contextmanager
    def exclusive(self):
        """The store with both of its locks held (blocking; the reader's first, as `reader` takes
        them): no request reads or writes it meanwhile. For a checkpoint or a backup."""
        with self._read_lock, self.lock:
            for store in {id(s): s for s in (self.store, self._read_store) if s is not None}.values():
                if getattr(store, "backend", "duckdb") == "duckdb":
                    # a result left unfinished keeps its transaction open, and CHECKPOINT refuses to
                    # run beside one: finish them with a trivial query
                    store.con.execute("SELECT 1").fetchall()
            yield self.store

    def checkpoint(self) -> None:
        """Move an embedded store's write-ahead log into its file (on stop, so that the file alone
        holds every write). A failure is logged: the log is replayed on the next start anyway."""
        if self.store is None or getattr(self.store, "backend", "duckdb") != "duckdb" or self.store.path == ":memory:":
            return
        try:
            with self.exclusive() as store:
                store.con.execute("CHECKPOINT")
        except Exception as exc:  # noqa: BLE001 - stopping must not fail over it
            import logging

            logging.getLogger("capaian.web").warning("capaian: no checkpoint of %s on stop: %s", self.store.path, exc)

    # -- catalog and runs -------------------------------------------------------------------
    def catalog(self) -> Catalog:
        cat = self._catalog
        if cat is not None and time.monotonic() - cat.stamp < self.catalog_ttl:
            if not self.shared:
                return cat
            # another process's publication shows within `stamp_seconds`; this one's writes at once
            # (`invalidate`); the stamp is one small query, read at most that often per process
            now = time.monotonic()
            if now - self._stamp_checked < self.stamp_seconds:
                return cat
            with self.reader() as store:
                same = store.runs_stamp() == self._stamp
            self._stamp_checked = now
            if same:
                return cat
        with self.reader() as store:
            stamp = store.runs_stamp() if self.shared else None
            runs = store.list_runs()
            from capaian.library import install

            install(store)  # rubrics and bases another process added since (e.g. `capaian rubric import`)
        if stamp != self._stamp and stamp is not None:
            self._check_schema(int(stamp[-1] or 0))
        self._stamp = stamp
        cat = Catalog(runs=runs)
        if self._catalog is None or not _same_runs(self._catalog.runs, runs):
            self._models.clear()  # publication state may have changed
            self._region_rows.clear()
            self._opened.clear()
            self._fragments.clear()
            self._twins.clear()
        self._catalog = cat
        return cat

    def _check_schema(self, version: int) -> None:
        """On a stamp change: a store migrated by a newer capaian (a rolling upgrade) is read on,
        but this process refuses to write to it, with a message saying why (`Store.transaction`)."""
        from capaian.store.migrate import newest_schema

        known = newest_schema("postgresql")
        self.pool.schema_ahead = (version, known) if version > known else None

    def invalidate(self) -> None:
        """Forget the catalog and page models (after this app wrote to the store)."""
        with self.lock:
            self._catalog = None
            self.forget_notes()
            self._models.clear()
            self._region_rows.clear()
            self._opened.clear()
            self._fragments.clear()
            self._twins.clear()
            self._users.clear()
            self._logins.clear()
            self.baked.forget()

    def forget_baked(self) -> None:
        """Look at the bake states and artefacts again (after a bake or a rebuild here)."""
        self.baked.forget()

    def view(self, run_id: int):
        """The RunView of a run, loaded once; its metadata follows the catalog (a run published
        since it was loaded, here or by another process, reads as published at once)."""
        with self._views_lock:  # held for dictionary work only, never for the store
            view = self._views.get(run_id)
            if view is not None:
                self._views.move_to_end(run_id)
        if view is not None:
            meta = self.catalog().meta(run_id)
            if meta is not None and _published_at(meta) != _published_at(view.meta):
                fresh = {k: meta[k] for k in ("published_at", "published_by", "note") if k in meta}
                view = dataclasses.replace(view, meta={**view.meta, **fresh})
                with self._views_lock:
                    self._views[run_id] = view
            return view
        _slow_work_ahead()
        return self._once(("view", run_id), lambda: self._load_view(run_id))

    def _load_view(self, run_id: int):
        from capaian.service import get_run

        with self._views_lock:  # loaded while this thread waited for the one loading it
            view = self._views.get(run_id)
        if view is not None:
            return view
        with self.reader() as store:
            view = get_run(store, run_id=run_id)
        with self._views_lock:
            self._views[run_id] = view
            while len(self._views) > self.max_views:
                self._views.popitem(last=False)
        return view

    def trend_views(self, run_ids: list[int], code: str) -> list:
        """The runs of a trend for region `code`: loaded runs as they are, the others read with only
        that region's rows (one query, not every region of every run)."""
        with self._views_lock:
            have = {run_id: self._views[run_id] for run_id in run_ids if run_id in self._views}
        missing = [run_id for run_id in run_ids if run_id not in have]
        if missing:
            # kept a moment: a region page reads them twice (trend, forecast); a few only, as
            # each is ~20 runs' small frames (hundreds of KB)
            key = (tuple(missing), code)
            found = self._region_rows.get(key)
            if found is None:
                _slow_work_ahead()
                found = self._once(("region rows", key), lambda: self._built(
                    self._region_rows, key, lambda: self._runs_of_region(missing, code)))
            have.update(found)
        return [have[run_id] for run_id in run_ids if run_id in have]

    def _runs_of_region(self, run_ids: list[int], code: str) -> dict:
        from capaian.service import get_runs_of_region

        with self.reader() as store:
            return get_runs_of_region(store, run_ids, code)

    def opened(self, choice):
        """The RunView of a picker's choice, with its previous run attached, loaded once."""
        key = ("opened", *choice.key)
        found = self._opened.get(key)
        if found is None:
            from capaian.runs import open_choice

            _slow_work_ahead()  # never wait on the event loop for another thread's build
            found = self._once(key, lambda: self._opened.get(key) or open_choice(choice, self.view))
            self._opened.put(key, found)
        return found

    def model(self, key, build):
        """A cached page model (language-independent dict) built by `build()`."""
        return self._cached(self._models, "model", key, build)

    def fragment(self, key, build) -> str:
        """Cached HTML of a page part that depends only on the run, the language and the key."""
        return self._cached(self._fragments, "fragment", key, build)

    def twin(self, key, build) -> bytes:
        """Cached JSON bytes of a page's twin; `key` names everything it shows (it has no language)."""
        return self._cached(self._twins, "twin", key, build)

    def _cached(self, cache, kind: str, key, build):
        """`cache[key]`, or `build()` once (one thread per key, off the event loop) and kept there."""
        found = cache.get(key)
        if found is None:
            _slow_work_ahead()
            found = self._once((kind, key), lambda: self._built(cache, key, build))
        return found

    def _once(self, key, build):
        """`build()` run by one thread at a time per key: a thread asking for a key already being
        built waits for that build's answer instead of building it again (the start-up warm-up and
        a first visitor, or two first visitors, would otherwise both load the same run, each at half
        speed on a busy interpreter). A thread asking again for what it is building itself builds."""
        import concurrent.futures

        me = threading.get_ident()
        with self._flight_lock:
            running = self._flight.get(key)
            if running is None or running[0] == me:
                future = concurrent.futures.Future()
                self._flight[key] = (me, future)
                running = None
        if running is not None:
            return running[1].result()
        try:
            value = build()
        except BaseException as exc:
            future.set_exception(exc)
            raise
        finally:
            with self._flight_lock:
                if self._flight.get(key, (None, None))[1] is future:
                    del self._flight[key]
        future.set_result(value)
        _trim_heap()
        return value

    @staticmethod
    def _built(cache: "LRU", key, build):
        found = cache.get(key)  # built while this thread waited for the one building it
        if found is None:
            found = build()
            cache.put(key, found)
        return found

    def warm_first(self):
        """What the first visitor of the public's default pages needs, built before the port opens
        (`capaian serve`): the newest published run with its previous one, the overview model and
        the run's quality flags (the overview counts them). Returns the choice (None: no run)."""
        from capaian.runs import NoRun, choose

        try:
            choice = choose(self.catalog(), user=None, region="ID")
        except NoRun:
            return None
        from capaian.web import data
        from capaian.web.data import chosen_flags

        view = self.opened(choice)
        self.model((*choice.key, "overview"), lambda: data.overview_model(view))
        chosen_flags(self, choice)
        return choice

    def warm(self, limit: int | None = None) -> int:
        """Load what a first visitor sees (the public's choice: the newest published run and the one
        before it, and its overview), then the newest runs (up to `limit`, default 4), so first
        visits are fast. Few runs: a long warm-up would compete with the first requests."""
        catalog = self.catalog()
        self.warm_first()
        ids = sorted((r["id"] for r in catalog._rows), reverse=True)[: limit or 4]
        for run_id in ids:
            self.view(run_id)
        return len(ids)

    def _record_job(self, job) -> None:
        """The ledger of report jobs: their state in the store, for the other server processes."""
        import datetime as dt

        from capaian.reports.jobs import key_digest

        started = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(seconds=job.seconds)
        with self.db() as store:
            store.record_report_job(job.id, key_digest(job.key), job.state, job.info.get("url"),
                                    job.filename, started)

    def report_job(self, job_id: str):
        """A report job of this process, or as another process recorded it (`StoredJob`), or None."""
        job = self.reports.get(job_id)
        if job is not None or not self.shared:
            return job
        from capaian.reports.jobs import StoredJob

        with self.reader() as store:
            row = store.report_job(job_id)
        return None if row is None else StoredJob.from_row(row)

    def quality_notes(self) -> tuple[int, dict]:
        """(version, the notes on quality flags) (`capaian.quality.notes.notes`), read again after
        this app writes one (`forget_notes`) and, on a store other processes write too
        (PostgreSQL), every `notes_recheck` seconds: a page showing flags read them on every request
        (7 ms of its 10). The version changes with every read, to key what is built from them."""
        cached = self._notes
        if cached is not None and (not self.shared or time.monotonic() - cached[0] < self.notes_recheck):
            return cached[2], cached[1]
        from capaian.quality.notes import notes

        with self.reader() as store:
            found = notes(store)
        with self._flight_lock:
            self._notes_read += 1
            version = self._notes_read
        self._notes = (time.monotonic(), found, version)
        return version, found

    def forget_notes(self) -> None:
        self._notes = None

    def is_demo(self) -> bool:
        if self._demo is None:
            with self.reader() as store:
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

        with self.reader() as store:
            name = session_user(store, token, idle=self.session_idle, lifetime=self.session_lifetime)
        self._sessions.put(token, (time.monotonic(), name))
        return name

    def verify_login(self, name: str, password: str):
        """`capaian.accounts.verify_login` with the store lock held only for the account read: the
        argon2 check (tens of milliseconds of CPU) runs outside it. Call it from a worker thread."""
        import hashlib
        import hmac

        from capaian.accounts import check_login, login_record

        # A script sending HTTP Basic on every call pays argon2 once per few seconds: a right
        # name and password just checked are remembered briefly, under a keyed digest, in memory only.
        key = hmac.new(self._login_key, f"{name}\0{password}".encode("utf-8", "surrogatepass"),
                       hashlib.sha256).digest()
        hit = self._logins.get(key)
        if hit is not None and time.monotonic() - hit[0] < 5.0:
            user = self.user(hit[1])  # the account as it is now (language, role)
            if user is not None:
                return user
        with self.reader() as store:
            row = login_record(store, name)
        user = self._hashing().submit(check_login, row, password).result()
        if user is not None:
            self._logins.put(key, (time.monotonic(), user.name))
        return user

    def _hashing(self):
        """Threads for password checks, at a lower CPU priority than the page-serving threads: a spray
        of wrong passwords (each check ~0.1 s of CPU on 4 argon2 lanes) then slows logins, not pages."""
        with self._views_lock:
            if self._hash_pool is None:
                import concurrent.futures

                self._hash_pool = concurrent.futures.ThreadPoolExecutor(
                    max_workers=2, thread_name_prefix="capaian-hash", initializer=_lower_priority)
            return self._hash_pool

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

        with self.reader() as store:
            user = get_user(store, name)
        self._users[name] = (time.monotonic(), user)
        return user

    def forget_user(self, name: str) -> None:
        self._users.pop(name, None)


def _second_connection(store):
    """The store object over a second connection to the same database (DuckDB `cursor()`), or
    the store itself when it has none."""
    import copy

    try:
        clone = copy.copy(store)
        clone.con = store.con.cursor()
        return clone
    except Exception:
        return store


_LIBC = None
_TRIMMED = [0.0]


def _trim_heap(every: float = 1.0) -> None:
    """Give freed heap memory back to the system (glibc `malloc_trim`), at most once a second:
    after a run is loaded or a model built, the freed frames' memory otherwise stays resident and
    fragmented (bench/web_memory.py). A no-op off glibc."""
    global _LIBC
    now = time.monotonic()
    if now - _TRIMMED[0] < every:
        return
    _TRIMMED[0] = now
    if _LIBC is None:
        import ctypes
        import ctypes.util

        try:
            _LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            _LIBC.malloc_trim
        except (OSError, AttributeError):
            _LIBC = False
    if _LIBC:
        _LIBC.malloc_trim(0)


def _lower_priority(nice: int = 10) -> None:
    """Lower the CPU priority of the calling thread only (Linux schedules threads one by one; the
    argon2 lanes it starts inherit it)."""
    import os

    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except (AttributeError, OSError):
        pass


def _published_at(meta: dict):
    value = meta.get("published_at")
    return None if value is None or pd.isna(value) else str(value)


def _same_runs(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    if len(a) != len(b):
        return False
    cols = [c for c in ("id", "published_at", "final_quarter") if c in a.columns and c in b.columns]
    return a[cols].astype(str).equals(b[cols].astype(str))


def session_secret(store, explicit: str | None = None) -> str:
    """The session-signing secret: given, or $CAPAIAN_SECRET, or the current one kept in the store's
    metadata (`capaian.web.session_keys`, which also keeps the previous one after a rotation)."""
    from capaian.settings import value
    from capaian.web.session_keys import current_secret

    return explicit or value("CAPAIAN_SECRET") or current_secret(store)
