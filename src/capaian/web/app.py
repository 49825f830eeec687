"""The FastAPI app factory: server-rendered pages (Jinja2 + htmx + ECharts), their twins, the REST API.

    app = create_app("capaian.duckdb")
    uvicorn.run(app, host="127.0.0.1", port=8000)

Every front-end file is vendored under static/; the Content-Security-Policy allows only this
origin, so the pages make no outside request. A login is a session kept in the store
(`capaian.sessions`: ended by logout, `capaian users revoke`, inactivity or age); the browser holds
its token in a signed cookie (Starlette SessionMiddleware) with a secret from `secret=`,
$CAPAIAN_SECRET or one kept in the store. Over https (directly, or behind a proxy trusted with
`capaian serve --forwarded-allow-ips` that says so in X-Forwarded-Proto) cookies are `Secure` and
responses carry HSTS. Every response except the static files and the baked anonymous pages of published runs
(`capaian.web.baked`: `Cache-Control: public`, ETag) is `Cache-Control: no-store`.
"""

from __future__ import annotations

import os
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from capaian.errors import CapaianError
from capaian.spellings import EXPECTED, SpellingError
from capaian.present.i18n import N_
from capaian.web import apispec
from capaian.web.common import HERE, PageError, lang_of, render, wants_json
from capaian.web.failures import Failures
from capaian.web.messages import message
from capaian.web.state import WebState

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)
HSTS = "max-age=31536000"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
API_DESCRIPTION = N_(
    "Performance levels (levelisasi) of civil-registration offices (Disdukcapil). Authenticate with the "
    "dashboard's login (state-changing calls also send the X-CSRF-Token header) or with HTTP Basic. "
    "Without an account you are the public: published runs only, national and province rows only."
)
STATUS_KEYS = {401: "forbidden", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 429: "too_many"}


def create_app(
    db_path: str | os.PathLike | None = None,
    *,
    store=None,
    secret: str | None = None,
    geojson: str | os.PathLike | None = None,
    https_only: bool = False,
    catalog_ttl: float | None = None,
    warm: bool = True,
    session_idle: float | None = None,
    report_cache: str | os.PathLike | None = None,
    report_workers: int | None = None,
    bake_on_publish: bool = True,
) -> FastAPI:
    """The dashboard and API over the store at `db_path` (or an open `store`).

    `geojson`: an optional operator-supplied province boundary file (features carrying the
    province code in `properties.code` / `kode`); it replaces the tile-grid map.
    `warm`: on server start-up, build what the public's default pages show, then load the newest
    runs, in a background thread (the port opens at once; `/readyz` says when the first part is done).
    `session_idle`: seconds without a request after which a login ends (default
    $CAPAIAN_SESSION_IDLE_MINUTES, else 30 minutes).
    `report_cache`: the folder of built reports of published runs (default $CAPAIAN_REPORT_CACHE,
    else `<store file>.reports` beside the store); `report_workers`: processes rendering reports
    (default $CAPAIAN_REPORT_WORKERS, else 1; 0 renders in a thread of the server).
    `bake_on_publish`: publishing a run here bakes its public pages in a background thread
    (`capaian.web.bake`; the runs page shows its progress).
    """
    _fewer_malloc_arenas()
    if store is None:
        from capaian.store import open_store

        store = open_store(db_path)
    from capaian.settings import value

    if report_cache is None:
        report_cache = value("CAPAIAN_REPORT_CACHE") or default_report_cache(store)
    if report_workers is None:
        report_workers = value("CAPAIAN_REPORT_WORKERS")
    state = WebState(store, catalog_ttl=catalog_ttl, session_idle=session_idle, report_cache=report_cache,
                     report_workers=report_workers)
    state.warmed = not warm  # without a warm-up there is nothing to wait for (/readyz)

    @asynccontextmanager
    async def lifespan(_app):
        if warm:
            # the port opens at once: warming runs beside the first requests, and /readyz answers
            # 200 once what the public's default pages need is built
            _prime_baked(state, _app)  # before the port opens: a baked page's first view reads its body only
            threading.Thread(target=_warm_all, args=(state,), name="capaian-warm", daemon=True).start()
        yield
        from capaian.web.metrics import worker_stopped

        worker_stopped()
        state.checkpoint()  # the store file alone holds every write once the server has stopped
        state.close()

    app = FastAPI(
        lifespan=lifespan,
        title="capaian API",
        version="1",
        description=API_DESCRIPTION,
        docs_url=None,  # the stock Swagger/ReDoc pages load assets from a CDN: see web/apidocs.py
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    apispec.install(app)
    app.state.web = state
    app.state.bake_on_publish = bake_on_publish
    geo = value("CAPAIAN_GEOJSON") if geojson is None else geojson
    app.state.geojson_path = Path(geo) if geo else None
    app.state.geojson_url = "/peta.geojson" if geo else None
    app.add_middleware(Failures)  # inside the session: an error page still knows its language
    from capaian.web.session_keys import KeyRing, RotatingSessions

    app.add_middleware(
        RotatingSessions,  # Starlette's SessionMiddleware, its keys rotated (`capaian secret rotate`)
        keyring=KeyRing(state, fixed=secret or value("CAPAIAN_SECRET"), store=store),
        session_cookie="capaian_session",
        max_age=value("CAPAIAN_SESSION_MAX_AGE"),
        same_site="lax",
        https_only=https_only,
    )

    if getattr(store, "read_only", False):  # `capaian serve --read-only`: nothing may write
        from capaian.web.control import ReadOnlyStore

        app.add_middleware(ReadOnlyStore)
    from capaian.web.baked import BakedPages

    app.add_middleware(BakedPages)  # anonymous published pages from the baked set, before the session
    app.add_middleware(SecurityHeaders)
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    from capaian.web.metrics import RequestMetrics

    app.add_middleware(RequestMetrics, state=state)  # outermost: every answer counts, failures too

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    from capaian.web import (api, apidocs, auth, health, metrics, overview, quality, regions, reports, runs,
                             scorecard, search, simulate, upload)

    for module in (health, metrics, reports, overview, regions, auth, upload, runs, scorecard, simulate, search, api,
                   apidocs):
        app.include_router(module.router)
    app.include_router(quality.router)
    app.include_router(quality.api_router)

    @app.get("/peta.geojson", include_in_schema=False)
    def geojson_file():
        path = app.state.geojson_path
        if not path or not path.is_file():
            raise PageError(404, "not_found")
        return FileResponse(path, media_type="application/geo+json")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        key = getattr(exc, "key", None) or STATUS_KEYS.get(exc.status_code, "bad_request")
        detail_id = getattr(exc, "detail_id", None)
        detail_en = getattr(exc, "detail_en", None)
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 401:
            headers["WWW-Authenticate"] = 'Basic realm="capaian"'
        if exc.status_code == 405:  # every method of the path, not only those of the first route
            headers["Allow"] = allow_header(request.app, request.url.path) or headers.get("Allow", "")
        if wants_json(request):
            return JSONResponse(
                {"error": key, "status": exc.status_code,
                 "message": {"id": detail_id or message(key, "id"), "en": detail_en or message(key, "en")}},
                status_code=exc.status_code, headers=headers,
            )
        detail = CapaianError(detail_id, detail_en).text(lang_of(request)) if detail_id else None
        page = render(
            request, "error.html",
            {"status": exc.status_code, "key": key, "detail": detail},
            status=exc.status_code,
        )
        page.headers.update(headers)
        return page

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        if wants_json(request):
            detail = apispec.validation_detail(exc.errors())
            body = {"error": "bad_request", "status": 422,
                    "message": {"id": message("bad_request", "id"), "en": message("bad_request", "en")},
                    "detail": detail}
            if detail and detail[0]["loc"]:  # the parameter, and what it expects, as for a SpellingError
                name = str(detail[0]["loc"][-1])
                said = SpellingError(name, detail[0].get("input", ""), EXPECTED.get(name) or str(detail[0].get("msg", "")))
                body.update(parameter=name, expected=said.expected,
                            message={"id": said.id_message, "en": said.en_message})
            return JSONResponse(body, status_code=422)
        return render(request, "error.html", {"status": 422, "key": "bad_request", "detail": None}, status=422)

    @app.exception_handler(CapaianError)
    async def capaian_error(request: Request, exc: CapaianError):
        if wants_json(request):
            body = {"error": "bad_request", "status": 422, "message": {"id": exc.id_message, "en": exc.en_message}}
            if isinstance(exc, SpellingError):  # names the parameter and what it expects
                body.update(parameter=exc.parameter, expected=exc.expected)
            return JSONResponse(body, status_code=422)
        lang = lang_of(request)
        return render(request, "error.html",
                      {"status": 422, "key": "bad_request", "detail": exc.text(lang)}, status=422)

    return app


def app_from_env() -> FastAPI:
    """The app over the store in $CAPAIAN_DB (read through `capaian.settings`): the factory each
    `capaian serve --workers N` process imports (`uvicorn capaian.web.app:app_from_env --factory`)."""
    return create_app()


def _fewer_malloc_arenas(arenas: int = 2) -> None:
    """Cap glibc's malloc arenas: by default each of the server's threads may get its own, and
    freed page data then stays resident (bench/web_memory.py); a no-op off glibc."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-8, arenas)  # M_ARENA_MAX
    except (OSError, AttributeError):
        return
    # pandas keeps text columns in Arrow buffers; Arrow's own allocator (mimalloc) keeps what they
    # freed. From the C library's, `malloc_trim` after a build gives it back (capaian.web.state).
    try:
        import pyarrow

        pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    except Exception:  # no pyarrow, or a build without the system pool: keep the default
        pass


def default_report_cache(store) -> str | None:
    """The report cache's folder when CAPAIAN_REPORT_CACHE is unset: `<file>.reports` beside a
    DuckDB store (or `reports` in CAPAIAN_DATA_DIR); for PostgreSQL `reports/<store id>` in the
    data folder, never a name made from the URL (it may hold a password). None in memory."""
    from pathlib import Path

    from capaian.settings import value

    path = str(getattr(store, "path", "") or "")
    folder = value("CAPAIAN_DATA_DIR")
    if getattr(store, "backend", "duckdb") != "postgresql":
        if not path or path == ":memory:":
            return None
        return str(Path(folder) / "reports") if folder else path + ".reports"
    base = Path(folder) if folder else Path.home() / ".local" / "share" / "capaian"
    return str(base / "reports" / store_id(store))


def store_id(store) -> str:
    """A random id of the store, made on first use and kept in its metadata (names its folders)."""
    import secrets

    found = store.get_meta("store_id")
    if not found:
        found = secrets.token_hex(8)
        store.set_meta("store_id", found)
    return found


def _warm_first(state) -> None:
    """Before the port opens: the templates and the public's default run, overview and flags."""
    from capaian.web.common import compile_templates

    try:
        compile_templates()
        _load_locale_data()
        state.warm_first()
    except Exception:  # warming is an optimisation only
        pass


def _load_locale_data() -> None:
    """Babel reads a language's dates and numbers from its locale files on first use (~0.1 s each,
    a quarter of a region page's first view): read them now."""
    import datetime as dt

    from capaian.formatting import format_date, format_number
    from capaian.web.common import LANGS

    for lang in LANGS:
        format_date(dt.date(2020, 11, 15), lang)
        format_number(1234.5, 1, lang)


def _prime_baked(state, app) -> None:
    """The run catalog, bake states and context digest of the baked set (`capaian.web.baked`)."""
    try:
        state.baked.prime(app)
    except Exception:  # warming is an optimisation only
        pass


def _warm_all(state) -> None:
    """The whole warm-up, in a background thread: first what the public's default pages need
    (then the app reads as ready, `/readyz`), then the newest runs."""
    _warm_first(state)
    state.warmed = True
    _warm(state)
    _freeze_heap()


def _freeze_heap() -> None:
    """What the start-up loaded (modules, the warm runs and pages) stays for the server's life:
    move it out of the cyclic collector's reach (`gc.freeze`). A full collection otherwise walks
    all of it, and one set off while a report is gathered stopped every request for ~0.5 s
    (issue 25, isolation). Objects freed by reference counting are freed as before. Once per
    process: a process opening several apps (the tests) freezes only what the first one left."""
    import gc

    if gc.get_freeze_count():
        return
    gc.collect()
    gc.freeze()


def _warm(state) -> None:
    """After the port opened, in the background: the newest runs and what region pages import."""
    try:
        import scipy.stats  # noqa: F401  (the forecasts of region pages; ~0.6 s of CPU to import)

        state.warm()
    except Exception:  # warming is an optimisation only
        pass


class SecurityHeaders:
    """Pure ASGI middleware adding the CSP and friends to every response (cheaper than @app.middleware).

    Static files may be cached; every other response may carry a user's data, so it is `no-store`.
    Over https, HSTS is added and every cookie set is marked `Secure`.
    """

    HEADERS = [
        (b"content-security-policy", CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
        (b"permissions-policy", PERMISSIONS_POLICY.encode()),
    ]

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        vendor = path.startswith("/static/vendor/")
        static = path.startswith("/static/") or path == "/favicon.ico"
        https = scope.get("scheme") == "https"

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                public = any(h[0].lower() == b"cache-control" and h[1].startswith(b"public")
                             for h in message.get("headers", []))  # a baked page (capaian.web.baked)
                headers = [h for h in message.get("headers", [])
                           if static or public or h[0].lower() != b"cache-control"]
                headers.extend(self.HEADERS)
                if vendor:
                    headers.append((b"cache-control", b"public, max-age=86400"))
                elif not static and not public:
                    headers.append((b"cache-control", b"no-store"))
                if https:
                    headers.append((b"strict-transport-security", HSTS.encode()))
                    headers = [_secure_cookie(h) for h in headers]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _secure_cookie(header: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
    name, value = header
    if name.lower() == b"set-cookie" and b"; secure" not in value.lower():
        return name, value + b"; Secure"
    return header


def allow_header(app, path: str) -> str:
    """The `Allow` header of a path: the methods of every route that serves it."""
    from starlette.routing import compile_path

    table = getattr(app.state, "route_methods", None)
    if table is None:
        table = [(compile_path(route_path)[0], methods) for route_path, methods in _route_methods(app.routes)]
        app.state.route_methods = table
    methods = set()
    for regex, route_methods in table:
        if regex.match(path):
            methods |= route_methods
    return ", ".join(sorted(methods))  # HEAD only where a route takes it (FastAPI's routes do not)


def _route_methods(routes, prefix: str = ""):
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:  # FastAPI >= 0.165 keeps included routers whole
            context = getattr(route, "include_context", None)
            yield from _route_methods(inner.routes, prefix + (getattr(context, "prefix", "") or ""))
        elif getattr(route, "methods", None):
            yield prefix + route.path, set(route.methods)
