"""Log in, log out, language toggle. Server-side sessions (`capaian.sessions`) named by a signed
cookie; CSRF token on every form; login throttle per account and per client address."""

from __future__ import annotations

from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from capaian.web.common import check_csrf, client_ip, current_user, render, web

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None, default: str = "/nasional") -> str:
    """Only local paths: never redirect elsewhere after a form."""
    if not target:
        return default
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


@router.get("/masuk")
def login_form(request: Request, next: str | None = None):
    return render(request, "login.html", {"next": safe_next(next, ""), "error": None, "name": ""})


HOME_PAGES = ("/", "/nasional")  # the public's front pages: a `next=` of one of them is no deep link


def home(user) -> str:
    """A user's own page: a provincial or regency office's region page, /nasional for the others."""
    if user.role in ("province", "regency") and user.region_code:
        return f"/wilayah/{user.region_code}"
    return "/nasional"


def landing(user, target: str | None) -> str:
    """Where a login leads (README, "Dashboard and API"): the header's "Log in" link carries
    no `next=`, so a login from any page leads to the user's own page (`home`). A `next=` is a
    deliberate deep link (the "Log in" of a 401/403 page, a bookmarked `/masuk?next=...`) and wins,
    except one of the public's front pages (`/`, `/nasional`, with or without a query), which an
    older header link carried: that counts as none."""
    target = safe_next(target, "")  # never elsewhere: an outside address counts as none
    if target and urlparse(target).path not in (*HOME_PAGES, "/masuk", "/keluar"):
        return target
    return home(user)


@router.post("/masuk")
def login(
    request: Request,
    name: str = Form(""),
    password: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form(""),
):
    check_csrf(request, csrf_token)
    state = web(request)
    ip = client_ip(request)
    if state.limiter.blocked(name, ip):
        with state.db() as store:
            store.audit(name or "?", "login.blocked", f"user:{name}", {"ip": ip})
        return render(request, "login.html", {"next": safe_next(next, ""), "error": "too_many", "name": name},
                      status=429)
    user = state.verify_login(name, password)  # argon2 outside the store lock
    if user is None:
        with state.db() as store:
            store.audit(name or "?", "login.failed", f"user:{name}", {"ip": ip})
    if user is None:
        state.limiter.failed(name, ip)
        return render(request, "login.html", {"next": safe_next(next, ""), "error": "login_failed", "name": name},
                      status=401)
    state.limiter.succeeded(name, ip)
    lang = request.session.get("lang")
    request.session.clear()  # new session on login: no fixation
    request.session["sid"] = state.start_session(user.name, ip)
    request.session["lang"] = user.lang if user.lang in ("id", "en") else (lang or "id")
    with state.db() as store:
        store.audit(user.name, "login", f"user:{user.name}", {"ip": ip})
    return RedirectResponse(landing(user, next), status_code=303)


@router.post("/keluar")
def logout(request: Request, csrf_token: str = Form("")):
    check_csrf(request, csrf_token)
    lang = request.session.get("lang", "id")
    user = current_user(request)
    web(request).end_session(request.session.get("sid"))
    if user is not None:
        with web(request).db() as store:
            store.audit(user.name, "logout", f"user:{user.name}", {"ip": client_ip(request)})
    request.session.clear()
    request.session["lang"] = lang
    return RedirectResponse("/nasional", status_code=303)


@router.post("/bahasa")
def switch_language(request: Request, lang: str = Form("id"), csrf_token: str = Form(""), next: str = Form("/")):
    """Switch the interface language; remembered in the session and, for users, in their account.
    A logged-in user's form carries the session's CSRF token; the public's pages carry none (they
    are shared, baked renderings: `capaian.web.bake`), and switching the language of one's own
    anonymous session changes nothing else."""
    if current_user(request) is not None:
        check_csrf(request, csrf_token)
    lang = lang if lang in ("id", "en") else "id"
    request.session["lang"] = lang
    user = current_user(request)
    if user is not None:
        from capaian.accounts import set_lang

        state = web(request)
        with state.db() as store:
            set_lang(store, user.name, lang)
        state.forget_user(user.name)
    return RedirectResponse(safe_next(next), status_code=303)
