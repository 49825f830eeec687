"""Prometheus figures of a server: `GET /metrics` (text exposition format, `prometheus-client`).

- `capaian_http_requests_total{route,method,status}` and `capaian_http_request_seconds{route,method}`
  (a histogram): every request, by route *template* (`/wilayah/{code}`, never the filled-in path,
  so the number of series stays bounded; `unmatched` for a path no route serves);
- `capaian_http_errors_total{route,kind}`: answers of status 500 or more (`kind` is the status);
- `capaian_pool_connections{state}` (`size`, `in_use`, `idle`, `waiting`): the PostgreSQL
  connection pools, summed over the live worker processes (absent on DuckDB);
- `capaian_report_jobs{state}`: report jobs by state (`queued` ... `failed`), read from the
  store's `report_jobs` table when it is shared (PostgreSQL: every worker and app server), else
  from this process's memory.

Several workers (`capaian serve --workers N`) run prometheus-client's multiprocess mode: the
supervisor gives every worker one folder (`PROMETHEUS_MULTIPROC_DIR`, emptied at each start), each
worker writes its counters there, and whichever worker answers a scrape sums them all, so one
scrape gives the figures of the whole server. The pool gauges are refreshed by each worker at most
once a second, on a request's end, and dropped when a worker stops.

Access: with `CAPAIAN_METRICS_TOKEN` set, a scrape must send `Authorization: Bearer <token>`;
without it, only a client on this host (loopback) that came through no proxy (no
`X-Forwarded-For`) is answered; anyone else gets 404.
"""

from __future__ import annotations

import hmac
import os
import threading
import time

from fastapi import APIRouter, Request
from fastapi.responses import Response

router = APIRouter(include_in_schema=False)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LOOPBACK = {"127.0.0.1", "::1"}
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
JOB_STATES = ("queued", "preparing", "rendering", "done", "failed")

_metrics = None


def multiprocess() -> bool:
    from capaian.settings import raw

    return bool(raw(MULTIPROC_ENV))


class _Metrics:
    """The metric objects of this process (made once, on first use)."""

    def __init__(self):
        from prometheus_client import Counter, Gauge, Histogram

        self.requests = Counter("capaian_http_requests", "HTTP requests answered",
                                ["route", "method", "status"])
        self.seconds = Histogram("capaian_http_request_seconds", "Time to answer an HTTP request",
                                 ["route", "method"], buckets=BUCKETS)
        self.errors = Counter("capaian_http_errors", "HTTP answers of status 500 or more", ["route", "kind"])
        kw = {"multiprocess_mode": "livesum"} if multiprocess() else {}
        self.pool = Gauge("capaian_pool_connections", "PostgreSQL pool connections of the live workers",
                          ["state"], **kw)
        self._pool_at = 0.0

    def pool_seen(self, pool) -> None:
        """Refresh the pool gauges (at most once a second)."""
        now = time.monotonic()
        if pool is None or now - self._pool_at < 1.0:
            return
        self._pool_at = now
        stats = pool.stats()
        size = stats.get("pool_size", 0)
        idle = stats.get("pool_available", 0)
        self.pool.labels("size").set(size)
        self.pool.labels("idle").set(idle)
        self.pool.labels("in_use").set(max(0, size - idle))
        self.pool.labels("waiting").set(stats.get("requests_waiting", 0))


_made = threading.Lock()


def metrics() -> _Metrics:
    """The metrics of this process, made once (the first requests arrive together, on several
    threads: a second registration of a name would fail)."""
    global _metrics
    if _metrics is None:
        with _made:
            if _metrics is None:
                _metrics = _Metrics()
    return _metrics


def route_of(scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    if path:
        return path
    if scope.get("path", "").startswith("/static/"):
        return "/static"
    return "unmatched"


class RequestMetrics:
    """Pure ASGI middleware counting and timing every request (outermost, so failures count too)."""

    def __init__(self, app, state=None):
        self.app = app
        self.state = state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status: list = []
        m = metrics()

        def count(code: int) -> None:
            route = route_of(scope)
            m.requests.labels(route, scope.get("method", ""), str(code)).inc()
            if code >= 500:
                m.errors.labels(route, str(code)).inc()

        async def watched(message):
            if message["type"] == "http.response.start":
                status.append(message["status"])
                count(message["status"])  # counted before the client has its answer
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            if not status:  # nothing was sent: the connection was cut, counted as a failure
                count(500)
            m.seconds.labels(route_of(scope), scope.get("method", "")).observe(time.perf_counter() - started)
            if self.state is not None:
                m.pool_seen(getattr(self.state, "pool", None))


def allowed(request: Request) -> bool:
    from capaian.settings import value

    token = value("CAPAIAN_METRICS_TOKEN")
    if token:
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    client = request.client.host if request.client else ""
    return client in LOOPBACK and "x-forwarded-for" not in request.headers


def _job_counts(state) -> dict:
    counts = dict.fromkeys(JOB_STATES, 0)
    if getattr(state, "shared", False):
        with state.reader() as store:
            for job_state, n in store.report_job_counts().items():
                counts[job_state] = counts.get(job_state, 0) + n
        return counts
    for job in list(state.reports._jobs.values()):
        counts[job.state] = counts.get(job.state, 0) + 1
    return counts


class _Jobs:
    """A collector of the report jobs by state, read at scrape time."""

    def __init__(self, state):
        self.state = state

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        family = GaugeMetricFamily("capaian_report_jobs", "Report jobs by state", labels=["state"])
        for job_state, n in _job_counts(self.state).items():
            family.add_metric([job_state], n)
        yield family


def exposition(state) -> bytes:
    """The text of a scrape: this process's figures (with its CPU, memory and garbage collector),
    or, in multiprocess mode, every worker's summed; then the report jobs."""
    from prometheus_client import REGISTRY, CollectorRegistry, generate_latest

    metrics()  # the families exist before the first request is counted
    if multiprocess():
        from prometheus_client import multiprocess as mp

        registry = CollectorRegistry()
        mp.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    jobs = CollectorRegistry()
    jobs.register(_Jobs(state))
    return generate_latest(registry) + generate_latest(jobs)


@router.get("/metrics")
def metrics_page(request: Request):
    from prometheus_client import CONTENT_TYPE_LATEST

    from capaian.web.common import PageError, web

    if not allowed(request):
        raise PageError(404, "not_found")
    state = web(request)
    metrics().pool_seen(getattr(state, "pool", None))
    return Response(exposition(state), media_type=CONTENT_TYPE_LATEST)


def prepare_folder() -> str:
    """For `serve --workers`: the multiprocess folder the workers share, emptied (stale figures of
    an earlier run would add up otherwise); $PROMETHEUS_MULTIPROC_DIR if set, else a new temporary
    one. Returns the folder."""
    import tempfile
    from pathlib import Path

    from capaian.settings import hand_down, raw

    folder = raw(MULTIPROC_ENV)
    if folder:
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        for old in path.glob("*.db"):
            old.unlink(missing_ok=True)
    else:
        folder = tempfile.mkdtemp(prefix="capaian-metrics-")
        hand_down(MULTIPROC_ENV, folder)
    return folder


def worker_stopped() -> None:
    """A worker's live gauges go with it (multiprocess mode)."""
    if multiprocess():
        from prometheus_client import multiprocess as mp

        mp.mark_process_dead(os.getpid())
