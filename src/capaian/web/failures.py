"""No bare 500: every failure of a request becomes a styled page or a JSON body, logged once.

`Failures` is a pure ASGI middleware around the routes (inside the session middleware, so a page
still knows its language). An exception that escapes a route or an error handler becomes:
- a database fault (`capaian.store.faults`): 503 with `Retry-After` when the database is away
  or busy, else 500;
- anything else: 500.
HTML requests get the site's error page, the API and the `.json`/`.csv` twins
`{"error", "status", "message": {"id", "en"}, "reference"}`. Both carry a reference id that is also
in the log line, so an operator finds what a user reports. Rendering the page never touches the
store (it may be the thing that is away).

Logging (logger `capaian.web`): one line per failure; the traceback of a given failure (type and
place) at most once per `TRACEBACK_EVERY` seconds, and database-away lines at most once per
`AWAY_EVERY` seconds with the count of those left out, so a restart does not flood the log.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import traceback

log = logging.getLogger("capaian.web")

TRACEBACK_EVERY = 300.0
AWAY_EVERY = 10.0


class RateLimitedLog:
    """Logs failures: a traceback once per place and period, repeated lines counted, not written."""

    def __init__(self, traceback_every: float = TRACEBACK_EVERY, away_every: float = AWAY_EVERY):
        self.traceback_every = traceback_every
        self.away_every = away_every
        self._last: dict = {}
        self._skipped: dict = {}
        self._lock = threading.Lock()

    def _due(self, key, every: float) -> tuple[bool, int]:
        now = time.monotonic()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < every:
                self._skipped[key] = self._skipped.get(key, 0) + 1
                return False, 0
            self._last[key] = now
            return True, self._skipped.pop(key, 0)

    def failure(self, exc: BaseException, fault, reference: str, where: str) -> None:
        if fault is not None and fault.kind != "error":  # away or busy: expected, no traceback
            due, skipped = self._due(("fault", fault.kind), self.away_every)
            if due:
                more = f" (+{skipped} more since the last line)" if skipped else ""
                log.warning("%s %s: database %s: %s: %s%s", reference, where, fault.kind,
                            type(exc).__name__, _one_line(exc), more)
            return
        place = _place(exc)
        due, skipped = self._due(("traceback", type(exc).__name__, place), self.traceback_every)
        if due:
            more = f" (+{skipped} more since the last traceback)" if skipped else ""
            log.error("%s %s: %s: %s%s\n%s", reference, where, type(exc).__name__, _one_line(exc), more,
                      "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip())
        else:
            log.error("%s %s: %s: %s (traceback above)", reference, where, type(exc).__name__, _one_line(exc))


def _one_line(exc: BaseException) -> str:
    from capaian.store.faults import detail

    return detail(exc, 300).split(": ", 1)[1]


def _place(exc: BaseException) -> str:
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is None:
        return "?"
    return f"{last.tb_frame.f_code.co_filename}:{last.tb_lineno}"


def new_reference() -> str:
    """A short id naming one failure in the log and in the answer."""
    return "E-" + secrets.token_hex(4).upper()


class Failures:
    """The ASGI middleware (see the module's docstring)."""

    def __init__(self, app, log: RateLimitedLog | None = None):
        self.app = app
        self.log = log or RateLimitedLog()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def watched_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except Exception as exc:  # noqa: BLE001 - the point: nothing escapes as a bare 500
            from capaian.store.faults import classify

            fault = classify(exc)
            reference = new_reference()
            self.log.failure(exc, fault, reference, f"{scope.get('method', '')} {scope.get('path', '')}")
            if started:  # too late for an answer of its own: the connection is cut short
                return
            response = failure_response(scope, fault, reference)
            await response(scope, receive, send)


def failure_response(scope, fault, reference: str):
    """The answer to a failed request (a page or JSON, see the module's docstring)."""
    from fastapi.responses import HTMLResponse, JSONResponse
    from starlette.requests import Request

    from capaian.web.common import wants_json
    from capaian.web.messages import message

    request = Request(scope)
    status = fault.status if fault is not None else 500
    key = fault.key if fault is not None else "server_error"
    headers = {"Retry-After": str(fault.retry_after)} if fault is not None and fault.retry_after else {}
    if wants_json(request):
        return JSONResponse(
            {"error": key, "status": status,
             "message": {"id": message(key + "_text", "id"), "en": message(key + "_text", "en")},
             "reference": reference},
            status_code=status, headers=headers)
    try:
        html = _page(request, status, key, reference)
    except Exception:  # noqa: BLE001 - the page itself failed: a plain one, still styled
        html = (f'<!doctype html><html><head><meta charset="utf-8"><title>{status}</title>'
                '<link rel="stylesheet" href="/static/css/app.css"></head><body><main>'
                f'<section class="card narrow error-page" id="error-page" data-status="{status}">'
                f"<h1>{status}</h1><p>{message(key + '_text', 'id')}</p><p>{message(key + '_text', 'en')}</p>"
                f'<p class="reference">{reference}</p></section></main></body></html>')
    return HTMLResponse(html, status_code=status, headers=headers)


def _page(request, status: int, key: str, reference: str) -> str:
    """error.html rendered without the store: no user, the language from the session cookie only."""
    from capaian.present.i18n import norm
    from capaian.web.common import TEMPLATES, Fmt

    try:
        lang = request.session.get("lang")
    except AssertionError:  # no session middleware around (an app built without it)
        lang = None
    lang = lang if lang in ("id", "en") else "id"
    state = getattr(request.app.state, "web", None) if "app" in request.scope else None
    ctx = {
        "request": request, "lang": lang, "user": None, "f": Fmt(lang), "csrf": "",
        "demo": bool(getattr(state, "_demo", False)), "path": request.url.path,
        "query": str(request.url.query), "status": status, "key": key, "detail": None,
        "reference": reference,
    }
    return TEMPLATES[norm(lang)].env.get_template("error.html").render(ctx)
