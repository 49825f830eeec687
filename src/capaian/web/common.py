"""Request helpers shared by the route modules: user, language, CSRF, rendering, refusals."""

from __future__ import annotations

import hmac
import math
import secrets
from pathlib import Path

from fastapi import HTTPException, Request
from fastapi.templating import Jinja2Templates

from capaian import formatting
from capaian.access import allowed
from capaian.web.i18n import t

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def _todate(value):
    import datetime as dt

    if not value:
        return None
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def _todatetime(value):
    import datetime as dt

    if not value:
        return None
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value


def _levels_json(records) -> str:
    import json

    return json.dumps({r["code"]: r["level"] for r in records})


templates.env.filters["todate"] = _todate
templates.env.globals["allowed"] = allowed
templates.env.filters["todatetime"] = _todatetime
templates.env.filters["levels_json"] = _levels_json

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class PageError(HTTPException):
    """A refusal shown as a page (HTML) or a JSON error (API, .json twins)."""

    def __init__(self, status: int, key: str, detail_id: str | None = None, detail_en: str | None = None):
        super().__init__(status_code=status, detail=key)
        self.key = key
        self.detail_id = detail_id
        self.detail_en = detail_en


def web(request: Request):
    return request.app.state.web


def current_user(request: Request):
    """The logged-in User (of a live session in the store), or None for the public."""
    cached = getattr(request.state, "user_loaded", False)
    if cached:
        return request.state.user
    state = web(request)
    user = state.user(state.session_user(request.session.get("sid")))
    if user is None and ("sid" in request.session or "user" in request.session):
        request.session.pop("sid", None)
        request.session.pop("user", None)  # a cookie from before server-side sessions
    request.state.user = user
    request.state.user_loaded = True
    return user


def lang_of(request: Request) -> str:
    lang = request.session.get("lang")
    if lang in ("id", "en"):
        return lang
    user = current_user(request)
    if user is not None and user.lang in ("id", "en"):
        return user.lang
    return "id"


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse (403) a state-changing request whose token does not match the session's."""
    expected = request.session.get("csrf")
    given = submitted or request.headers.get(CSRF_HEADER)
    if not expected or not given or not hmac.compare_digest(str(expected), str(given)):
        raise PageError(403, "csrf_failed")


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "?"


def require_user(request: Request):
    user = current_user(request)
    if user is None:
        raise PageError(403, "forbidden")
    return user


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except (TypeError, ValueError):
        return False


class Fmt:
    """`capaian.formatting` bound to one language, tolerant of missing values."""

    def __init__(self, lang: str):
        self.lang = lang

    def int(self, value) -> str:
        return "—" if _missing(value) else formatting.format_int(float(value), lang=self.lang)

    def pct(self, value) -> str:
        return "—" if _missing(value) else formatting.format_pct(float(value), lang=self.lang)

    def target(self, value) -> str:
        return "—" if _missing(value) else formatting.format_target(float(value), lang=self.lang)

    def num(self, value, places: int = 2) -> str:
        return "—" if _missing(value) else formatting.format_number(float(value), places, lang=self.lang)

    def date(self, value) -> str:
        if _missing(value):
            return "—"
        if hasattr(value, "date") and callable(value.date):
            value = value.date()
        return formatting.format_date(value, lang=self.lang)

    def datetime(self, value) -> str:
        if _missing(value):
            return "—"
        return f"{self.date(value)} {value:%H:%M} UTC"

    def value(self, kind: str, value) -> str:
        """An indicator value: a percentage for coverage, a whole number for implementation."""
        return self.pct(value) if kind == "coverage" else self.int(value)

    def goal(self, kind: str, value) -> str:
        """An indicator target: `98 %` for coverage, `≥ 18` for implementation."""
        if _missing(value):
            return "—"
        return self.target(value) if kind == "coverage" else "≥ " + self.int(value)


def render_fragment(request: Request, key, template: str, context: dict) -> str:
    """The HTML of a user-independent template (no user, no CSRF token), cached per key and language.

    `key` must identify everything the fragment shows besides the language; None disables caching.
    """
    from markupsafe import Markup

    lang = lang_of(request)

    def build() -> str:
        ctx = {"lang": lang, "t": lambda k, **kw: t(k, lang, **kw), "f": Fmt(lang), **context}
        return templates.get_template(template).render(ctx)

    if key is None:
        return Markup(build())
    return Markup(web(request).fragment((template, lang, *key), build))


def render(request: Request, template: str, context: dict | None = None, status: int = 200):
    lang = lang_of(request)
    user = current_user(request)
    ctx = {
        "request": request,
        "lang": lang,
        "user": user,
        "t": lambda key, **kw: t(key, lang, **kw),
        "f": Fmt(lang),
        "csrf": csrf_token(request),
        "demo": web(request).is_demo(),
        "path": request.url.path,
        "query": str(request.url.query),
    }
    ctx.update(context or {})
    return templates.TemplateResponse(request, template, ctx, status_code=status)


async def hybrid(fn):
    """Run a page handler on the event loop when everything it needs is cached, else in a thread.

    Cached pages are then served without a thread hop; a cold cache (a run not loaded yet, a page
    model or fragment not built) raises `Cold` before any side effect, and `fn` runs again in the
    thread pool, where it may block.
    """
    from starlette.concurrency import run_in_threadpool

    from capaian.web.state import INLINE, Cold

    token = INLINE.set(True)
    try:
        return fn()
    except Cold:
        pass
    finally:
        INLINE.reset(token)
    return await run_in_threadpool(fn)


def fast(fn):
    """Decorator for a sync page handler: served through `hybrid` (FastAPI sees the same signature)."""
    import functools

    @functools.wraps(fn)
    async def wrapper(*args, **kwargs):
        return await hybrid(lambda: fn(*args, **kwargs))

    return wrapper


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path.endswith(".json") or path.endswith(".csv")
