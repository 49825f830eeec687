"""Texts the web layer picks by a key (refusals, roles), marked for the catalogue and translated when shown."""

from __future__ import annotations

from capaian.present.i18n import N_, tr

MESSAGES = {
    "forbidden": N_("Access refused"),
    "forbidden_text": N_("You are not allowed to see this page."),
    "not_found": N_("Not found"),
    "not_found_text": N_("This page or data does not exist."),
    "login_failed": N_("Wrong user name or password."),
    "too_many": N_("Too many login attempts. Try again in a few minutes."),
    "csrf_failed": N_("The form expired or is not valid. Reload the page and try again."),
    "bad_request": N_("Bad request"),
    "method_not_allowed": N_("This address does not accept that method."),
    "bad_cutoff": N_("Cut-off not valid"),
    "db_unavailable": N_("Database unavailable"),
    "db_unavailable_text": N_("The database cannot be reached right now. Try again in a moment."),
    "db_busy": N_("Database busy"),
    "db_busy_text": N_("The database was too busy to answer in time. Try again in a moment."),
    "server_error": N_("Server error"),
    "server_error_text": N_("Something went wrong on the server. If it happens again, give the reference below to the administrator."),
}
ROLES = {"national": N_("national"), "province": N_("province"), "regency": N_("regency/city")}


def message(key: str, lang: str | None) -> str:
    """The text of a refusal key (`forbidden`, `not_found`, ...); unknown keys read as a bad request."""
    return tr(lang, MESSAGES.get(key, MESSAGES["bad_request"]))


def role(name: str, lang: str | None) -> str:
    return tr(lang, ROLES.get(name, name))
