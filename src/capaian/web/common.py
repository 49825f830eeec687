"""Request helpers shared by the route modules: user, language, CSRF, rendering, refusals."""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path

from fastapi import HTTPException, Request
from fastapi.templating import Jinja2Templates

from capaian.access import allowed
from capaian.regions.zones import zone_of
from capaian.present import numbers
from capaian.present.i18n import LANGS, jinja_env, norm, tr
from capaian.web.messages import message, role

HERE = Path(__file__).parent


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


def slash_breaks(text: str):
    """HTML of `text` that may break after a slash, never inside a word ("regencies/<wbr>cities")."""
    from markupsafe import Markup, escape

    return Markup(str(escape(text)).replace("/", "/<wbr>"))


def css_variables() -> str:
    from capaian.present.palette import css_variables as palette_css

    return palette_css()


def _templates(lang: str) -> Jinja2Templates:
    """The page templates in one language (Jinja2's i18n extension over that language's catalogue)."""
    import jinja2

    env = jinja_env(lang, loader=jinja2.FileSystemLoader(str(HERE / "templates")))
    env.bytecode_cache = _bytecode_cache()  # compiled templates kept between server starts
    env.filters["todate"] = _todate
    env.globals["allowed"] = allowed
    env.globals["palette_css"] = css_variables()
    env.filters["slash_breaks"] = slash_breaks
    env.filters["todatetime"] = _todatetime
    env.filters["levels_json"] = _levels_json
    env.globals["message"] = lambda key: message(key, lang)
    env.globals["role"] = lambda name: role(name, lang)
    return Jinja2Templates(env=env)


def _bytecode_cache():
    """Jinja's cache of compiled templates in a private temporary folder (compiling the pages
    costs a first request about 0.2 s); None when no such folder can be made."""
    import os
    import tempfile

    import jinja2

    folder = Path(tempfile.gettempdir()) / f"capaian-jinja-{os.getuid() if hasattr(os, 'getuid') else 'x'}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


TEMPLATES = {lang: _templates(lang) for lang in LANGS}


def compile_templates() -> None:
    """Load every page template now (server start-up), so no visitor waits for it."""
    for templates in TEMPLATES.values():
        env = templates.env
        for name in env.list_templates(extensions=["html"]):
            env.get_template(name)

CSRF_FIELD = "csrf_token"
ANONYMOUS_FORMS = ("login.html",)  # templates the public posts with a CSRF token
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


class Fmt:
    """`capaian.present.numbers` bound to one language, for templates (missing values read "—")."""

    over_100_mark = numbers.OVER_100

    def __init__(self, lang: str, zone: str = "WIB"):
        self.lang = lang
        self.zone = zone  # WIB, WITA or WIT: the reader's office (capaian.regions.zones)

    def int(self, value) -> str:
        return numbers.integer(value, self.lang)

    def pct(self, value) -> str:
        return numbers.percent(value, self.lang)

    def target(self, value) -> str:
        return numbers.threshold(value, self.lang)

    def num(self, value, places: int = 2) -> str:
        return numbers.decimal(value, self.lang, places)

    def date(self, value) -> str:
        """A date; a stored time (UTC) gives its date in the reader's zone."""
        import datetime as dt

        if isinstance(value, dt.datetime):
            from capaian.regions.zones import local

            value = local(value, self.zone)
        return numbers.date(value, self.lang)

    def period(self, value, final=False) -> str:
        """`Triwulan I 2022 · final` for a run that answers a quarter, else ""."""
        return numbers.period(value, bool(final), self.lang)

    def datetime(self, value) -> str:
        """A stored time (UTC) in the reader's zone: `30 November 2022 14:05 WITA`."""
        if value is None or (not hasattr(value, "year") and numbers.missing(value)):
            return numbers.DASH
        from capaian.formatting import format_datetime

        return format_datetime(value, self.lang, self.zone)

    def value(self, kind: str, value, target=None, status: str | None = None, places: int = numbers.PLACES) -> str:
        """An indicator value; with its target and status, never shown equal to a threshold it misses."""
        met = None if status not in ("met", "not_met") else status == "met"
        if kind == "coverage":
            return numbers.coverage(value, self.lang, target, met=met, places=places)
        return numbers.amount(value, self.lang)

    @staticmethod
    def places(rows, indicators) -> dict:
        """Per indicator, the decimals a table needs so that different values never read alike."""
        def field(item, key):
            return item.get(key) if isinstance(item, dict) else getattr(item, key, None)

        out = {}
        for ind in indicators:
            ind_id = field(ind, "id")
            cells = [(field(r, "indicators") or {}).get(ind_id) for r in rows]
            out[ind_id] = numbers.distinct_places([field(c, "value") for c in cells if c])
        return out

    def comply(self, met, total, share: bool = False) -> str:
        """An implementation indicator above a regency: `3 dari 5 kab/kota`; with `share`,
        `476 dari 514 (92,6 %)` (`capaian.present.numbers.complying`, as in the PDF and the CLI)."""
        if numbers.missing(total) or not total:
            return numbers.DASH
        text = numbers.complying(met, total, self.lang, share=share)
        return slash_breaks(text) if self.lang == "en" else text  # "regencies/cities" is long, "kab/kota" short

    def goal(self, kind: str, value) -> str:
        """An indicator target: `98 %` for coverage, `≥ 18` for implementation."""
        if numbers.missing(value):
            return numbers.DASH
        return self.target(value) if kind == "coverage" else numbers.requirement(kind, value, self.lang)

    def base(self, base_id, label=None) -> str:
        """A denominator base's label in this language (`label`, the stored one, if the base is unknown)."""
        from capaian.bases import get_base
        from capaian.errors import CapaianError

        try:
            return get_base(str(base_id)).label.get(self.lang)
        except CapaianError:
            return label or str(base_id)

    def symbol(self, status) -> str:
        return numbers.status_symbol(status)

    def status(self, status) -> str:
        return numbers.status_word(status, self.lang)

    def change(self, kind: str, value) -> str:
        text = numbers.change(value, kind, self.lang)
        return tr(self.lang, "%(change)s pp", change=text) if kind == "coverage" else text

    def rank_change(self, delta) -> str:
        return numbers.rank_change(delta)

    def level_change(self, previous, level) -> str:
        return numbers.level_change(previous, level, self.lang)

    def over_100_note(self) -> str:
        return tr(self.lang, "above 100 % (see note)")


def render_fragment(request: Request, key, template: str, context: dict) -> str:
    """The HTML of a user-independent template (no user, no CSRF token), cached per key and language.

    `key` must identify everything the fragment shows besides the language; None disables caching.
    """
    from markupsafe import Markup

    lang = lang_of(request)

    def build() -> str:
        ctx = {"lang": lang, "f": Fmt(lang), **context}
        return TEMPLATES[lang].get_template(template).render(ctx)

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
        "f": Fmt(lang, zone_of(user.region_code if user is not None else None)),
        # the public's pages hold no token, so that one rendering serves every anonymous visitor
        # (`capaian.web.bake`); the login form and every logged-in page carry the session's
        "csrf": csrf_token(request) if user is not None or template in ANONYMOUS_FORMS else "",
        "demo": web(request).is_demo(),
        "path": request.url.path,
        "query": str(request.url.query),
    }
    ctx.update(context or {})
    return TEMPLATES[norm(lang)].TemplateResponse(request, template, ctx, status_code=status)


async def hybrid(fn):
    """Run a page handler on the event loop when everything it needs is cached, else in a thread.

    Cached pages are then served without a thread hop; a cold cache (a run not loaded yet, a page
    model or fragment not built) raises `Cold` before any side effect, and `fn` runs again in the
    thread pool, where it may block.
    """
    from starlette.concurrency import run_in_threadpool

    from capaian.web.caching import INLINE, Cold

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
    return path.startswith("/api/") or path.endswith((".json", ".csv", ".parquet"))
