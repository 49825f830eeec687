"""Reports on demand for a server: each report built once, in the background, in a worker process.

`ReportJobs.submit(key, prepare, cacheable)` returns the `Job` building the report named by `key`
(run, published state, scope, format, language, tiers): the same key asked for again, by a
second click or a second user, while it is being built joins the same job; a finished job of a
published run is kept in the cache folder (a published run never changes) and served from there
afterwards, also after a restart. Drafts are not written to the cache folder, and a key holds the
run's publication time, so a report built from a draft is never served once the run is published.

`prepare()` runs in a coordinating thread and gathers the report's inputs
(`capaian.reports.build.gather`, taking the store lock only for its reads); the rendering itself
(WeasyPrint, matplotlib, XlsxWriter: seconds of pure-Python CPU) runs in a separate process at a
lower CPU priority, so it never holds the store lock nor the server's interpreter lock, and page
requests keep their speed while reports are built. Builds run one at a time per renderer process
(the default is one): reports asked for together wait their turn ("queued") rather than gather
their inputs side by side in the server's interpreter.

With a `ledger` (the web app gives one writing to the store's `report_jobs` table), every change
of a job's state is recorded, so a progress poll reaching another worker process or another app
server is answered from the record (`StoredJob`) instead of "not found". With a `claim` (the web
app gives one on PostgreSQL: an advisory lock, `capaian.store.claims`) a published report is built
by one process at a time per key: another process asking for it meanwhile waits, then reads the
cache folder (the workers of one server share it; a second app server with its own folder builds
it once more, after the first). The rendering processes
die with the server: each asks the kernel for SIGKILL when its parent goes (Linux
`PR_SET_PDEATHSIG`), so none outlives a killed or stopped server.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import hashlib
import multiprocessing
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

CACHE_VERSION = "1"  # bump when the rendered reports change
WORKER_NICE = 10
KEEP_FINISHED = 32  # finished jobs remembered in memory (drafts are served from here only)


def _worker_start() -> None:
    try:
        os.nice(WORKER_NICE)
    except OSError:
        pass
    _die_with_parent()
    # import the renderers once per worker, not in the first job
    import capaian.reports.charts  # noqa: F401
    import capaian.reports.pdf  # noqa: F401
    import capaian.reports.xlsx  # noqa: F401


def _die_with_parent() -> None:
    """Linux: SIGKILL this process when its parent ends (a no-op elsewhere)."""
    import ctypes
    import ctypes.util
    import signal

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent already went before the request took effect
        os._exit(1)


def key_digest(key: tuple) -> str:
    """A job key as a short digest (what the store records; the key itself may name a draft)."""
    return hashlib.sha256(repr((CACHE_VERSION, *key)).encode()).hexdigest()[:40]


@dataclass
class StoredJob:
    """A job as recorded by the server process building it (see `ReportJobs.ledger`)."""

    id: str
    state: str
    started_at: dt.datetime
    info: dict = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.state in ("done", "failed")

    @property
    def seconds(self) -> float:
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        return max(0.0, (now - self.started_at).total_seconds())

    @classmethod
    def from_row(cls, row: dict) -> "StoredJob":
        return cls(id=row["id"], state=row["state"], started_at=row["started_at"], info={"url": row["url"]})


def _render(inputs, generated_at):
    from capaian.reports.build import render_inputs

    return render_inputs(inputs, generated_at)


@dataclass
class Job:
    id: str
    key: tuple
    state: str = "queued"  # queued | preparing | rendering | done | failed
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    content: bytes | None = None
    filename: str | None = None
    error: BaseException | None = None
    from_cache: bool = False
    info: dict = field(default_factory=dict)  # e.g. the download address a web page links to
    done_event: threading.Event = field(default_factory=threading.Event)

    @property
    def done(self) -> bool:
        return self.state in ("done", "failed")

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def wait(self, timeout: float | None = None) -> bytes:
        """The report's bytes once built (raises what the build raised)."""
        if not self.done_event.wait(timeout):
            raise TimeoutError(f"report job {self.id} still running")
        if self.error is not None:
            raise self.error
        return self.content


class ReportJobs:
    """Report builds of one server: de-duplicated by key, cached on disk when published."""

    def __init__(self, cache_dir: str | os.PathLike | None, workers: int = 1, ledger=None, claim=None):
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.ledger = ledger  # ledger(job): record the job's state for other processes (best effort)
        # claim(name): a context manager held for a cacheable build, so that the processes sharing a
        # store build a report once (`capaian.store.claims`); the one waiting reads the cache after
        self.claim = claim
        self.workers = max(0, int(workers))
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}  # by id
        self._by_key: dict[tuple, Job] = {}
        self._pool: cf.ProcessPoolExecutor | None = None
        # one build (gathering and rendering) per renderer process at a time: with the default single
        # renderer, two reports asked for at once are built one after the other, so report work
        # never takes more than one core's share from the pages (issue 25, isolation)
        self._threads = cf.ThreadPoolExecutor(max_workers=max(1, self.workers), thread_name_prefix="capaian-report")
        self.builds = 0  # reports rendered by this server (not served from a cache)

    # -- cache folder -----------------------------------------------------------------------
    def _path(self, key: tuple) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / f"{key_digest(key)}.bin"

    def _cached(self, key: tuple) -> tuple[bytes, str] | None:
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        name, _, content = raw.partition(b"\n")
        return content, name.decode("utf-8")

    def _store(self, key: tuple, filename: str, content: bytes) -> None:
        path = self._path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
            tmp.write_bytes(filename.encode("utf-8") + b"\n" + content)
            os.replace(tmp, path)  # atomic: a reader sees the whole file or none
        except OSError:
            pass  # a cache that cannot be written only costs a rebuild

    # -- jobs -------------------------------------------------------------------------------
    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def submit(self, key: tuple, prepare, cacheable: bool) -> Job:
        """The job building the report `key`: a running or finished one, the cached file, or a new build.

        `prepare()` returns the report's `ReportInputs`; `cacheable` (the run is published) lets
        the result go to the cache folder."""
        with self._lock:
            job = self._by_key.get(key)
            if job is not None and job.state != "failed":
                return job
            job = Job(id=secrets.token_urlsafe(12), key=key)
            hit = self._cached(key) if cacheable else None
            if hit is not None:
                job.content, job.filename = hit
                job.state, job.finished, job.from_cache = "done", time.monotonic(), True
                job.done_event.set()
            self._remember(job)
        if hit is None:
            self._threads.submit(self._run, job, prepare, cacheable)
        return job

    def record(self, job: Job) -> None:
        """Hand the job's state to the ledger; a failing ledger never fails the build."""
        if self.ledger is None:
            return
        try:
            self.ledger(job)
        except Exception:  # noqa: BLE001 - the record only serves other processes' polls
            pass

    def _remember(self, job: Job) -> None:
        self._jobs[job.id] = job
        self._by_key[job.key] = job
        if len(self._jobs) > KEEP_FINISHED:
            for old in [j for j in self._jobs.values() if j.done][: len(self._jobs) - KEEP_FINISHED]:
                self._jobs.pop(old.id, None)
                if self._by_key.get(old.key) is old:
                    self._by_key.pop(old.key, None)

    def _run(self, job: Job, prepare, cacheable: bool) -> None:
        if self.claim is None or not cacheable:
            return self._build(job, prepare, cacheable)
        try:
            held = self.claim("report:" + key_digest(job.key))
            held.__enter__()
        except BaseException as exc:  # the database away: the job fails as its reads would
            job.error, job.state, job.finished = exc, "failed", time.monotonic()
            self.record(job)
            job.done_event.set()
            return
        try:
            hit = self._cached(job.key)  # built by another process while this one waited
            if hit is None:
                return self._build(job, prepare, cacheable)
            job.content, job.filename = hit
            job.state, job.finished, job.from_cache = "done", time.monotonic(), True
            self.record(job)
            job.done_event.set()
        finally:
            held.__exit__(None, None, None)

    def _build(self, job: Job, prepare, cacheable: bool) -> None:
        try:
            job.state = "preparing"
            self.record(job)
            inputs = prepare()
            job.state = "rendering"
            self.record(job)
            generated_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
            if self.workers:
                content = self._process_pool().submit(_render, inputs, generated_at).result()
            else:
                content = _render(inputs, generated_at)
            job.content, job.filename = content, inputs.filename
            with self._lock:
                self.builds += 1
            if cacheable:
                self._store(job.key, job.filename, content)
            job.state = "done"
        except BaseException as exc:  # handed to whoever waits for the job
            job.error = exc
            job.state = "failed"
        finally:
            job.finished = time.monotonic()
            self.record(job)
            job.done_event.set()

    def _process_pool(self) -> cf.ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = cf.ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_worker_start,
                )
            return self._pool

    def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
