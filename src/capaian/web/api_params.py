"""Who calls the API and how its parameters are read, shared by every /api router (`api`, `quality`):
the session cookie or HTTP Basic (`api_user`, `api_writer`), regions by code, name or abbreviation
(`region_param`, `path_region`) and cut-offs in any case (`cutoff_param`), as the CLI and the pages
read them (`capaian.spellings`). No routes here."""

from __future__ import annotations

import base64
import binascii

from fastapi import Request

from capaian import spellings
from capaian.present.i18n import N_
from capaian.web.common import PageError, check_csrf, client_ip, current_user, web

# --- who is calling ---------------------------------------------------------------------------


def basic_user(request: Request):
    header = request.headers.get("authorization")
    if header is None:
        return None, False
    if not header.lower().startswith("basic "):  # credentials of a kind this API does not take: refused,
        raise PageError(401, "login_failed")     # never silently replaced by the session cookie
    try:
        name, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise PageError(401, "login_failed")
    state = web(request)
    ip = client_ip(request)
    if state.limiter.blocked(name, ip):
        raise PageError(429, "too_many")
    user = state.verify_login(name, password)  # argon2 outside the store lock
    if user is None:
        state.limiter.failed(name, ip)
        raise PageError(401, "login_failed")
    state.limiter.succeeded(name, ip)
    return user, True


def api_user(request: Request):
    """(user or None, whether the call is authenticated without the cookie)."""
    if getattr(request.state, "basic_user", False):  # already checked (the upload gate)
        return request.state.user, True
    user, basic = basic_user(request)
    if basic:
        request.state.user = user
        request.state.user_loaded = True
        request.state.basic_user = True
        return user, True
    return current_user(request), False


def api_writer(request: Request):
    user, basic = api_user(request)
    if user is None:  # every write needs an account; which write is `allowed()`'s to say
        raise PageError(403, "forbidden")
    if not basic:
        check_csrf(request, None)
    return user



def region_param(request: Request, text: str, parameter: str, tiers=("national", "province", "regency")) -> str:
    """A region parameter as the CLI and the pages read it: code, name or province abbreviation
    (`capaian.spellings.region`); 422 naming `parameter` otherwise."""
    from capaian.web.search import region_code

    return region_code(request, text, parameter=parameter, tiers=tiers)


def path_region(request: Request, text: str) -> str:
    """The region of a path (`/api/explanations/Kaltara`): code, name or abbreviation; 404 naming
    what it takes when it names no region (a path names a resource: not found, not a bad parameter)."""
    try:
        return region_param(request, text, "code")
    except spellings.SpellingError as exc:
        raise PageError(404, "not_found", exc.id_message, exc.en_message) from None


CUTOFF_HELP = N_("Cut-off YYYY-MM-H1 (as of the 15th) or YYYY-MM-H2 (as of the month's last day), years "
                 "2000-2099, any case (2020-11-h1).")


# the declared form (OpenAPI): a cut-off in any case; `capaian.spellings.cutoff` writes it `2020-11-H1`
CUTOFF_ANY_CASE = r"^20[0-9]{2}-(0[1-9]|1[0-2])-[Hh][12]$"


def cutoff_param(cutoff: str | None) -> str | None:
    return spellings.cutoff(cutoff) if cutoff else None
