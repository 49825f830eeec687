"""What a running server does for the CLI on its embedded store (see `capaian.store.control`).

`start_control(state)` watches `<store>.control/` while `capaian serve` runs on a DuckDB file (a
PostgreSQL store needs none: every process opens it). Actions: `backup` (a consistent copy of the
store file, both store locks held while it is checkpointed and copied); `revoke` and `passwd`
(`capaian users ...`: revocation needs no downtime; the password comes hashed by the CLI).
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from capaian.errors import CapaianError

log = logging.getLogger("capaian.web")


def _backup(state, params: dict) -> dict:
    from capaian.store.backup import backup_store

    target = params.get("target")
    if not isinstance(target, str) or not target:
        raise CapaianError("Berkas cadangan tidak disebut.", "No backup file given.")
    with state.exclusive() as store:
        return asdict(backup_store(store, target))


def _account(state, params: dict, change) -> dict:
    """Run `change(store, name)` on an account for the CLI, then forget every cached login and
    session check, so that the change holds from the next request on."""
    name = params.get("name")
    if not isinstance(name, str) or not name:
        raise CapaianError("Nama pengguna tidak disebut.", "No user name given.")
    with state.db() as store:
        with store.transaction():
            result = change(store, name)
    state.invalidate()
    state.forget_sessions()
    return result


def _revoke(state, params: dict) -> dict:
    from capaian.accounts import revoke_user

    return _account(state, params, lambda store, name: {"sessions": revoke_user(store, name, actor="cli")})


def _passwd(state, params: dict) -> dict:
    from capaian.accounts import set_password_hash

    return _account(state, params, lambda store, name: set_password_hash(
        store, name, params.get("password_hash"), actor="cli") or {})


def handlers(state) -> dict:
    return {"backup": lambda params: _backup(state, params), "revoke": lambda params: _revoke(state, params),
            "passwd": lambda params: _passwd(state, params)}


def start_control(state):
    """A started `ControlWatcher` for the state's embedded store, or None (PostgreSQL, in memory,
    or a control folder that is not this user's)."""
    from capaian.store.control import ControlWatcher

    store = state.store
    if getattr(store, "backend", "duckdb") != "duckdb" or store.path == ":memory:":
        return None
    watcher = ControlWatcher(store.path, handlers(state))
    try:
        started = watcher.start()
    except OSError as exc:
        log.warning("capaian: no control folder beside %s (%s); `db backup` and `users revoke` "
                    "need the server stopped", store.path, exc)
        return None
    if not started:
        log.warning("capaian: %s belongs to another user; requests from the CLI are ignored", watcher.folder)
        return None
    return watcher


class ReadOnlyStore:
    """Pure ASGI middleware of a server on a read-only store (`capaian serve --read-only`): every
    request that could write (logins, uploads, evaluations: any method but GET/HEAD/OPTIONS, and
    any request with credentials, whose check counts failures in the store) is answered 503 with
    the usual error body, instead of failing inside the store. The public pages are served."""

    SAFE = ("GET", "HEAD", "OPTIONS")

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or (scope.get("method", "GET") in self.SAFE and not any(
                name == b"authorization" for name, _ in scope.get("headers", ()))):
            return await self.app(scope, receive, send)
        from starlette.responses import JSONResponse

        response = JSONResponse({"error": "read_only", "status": 503, "message": {
            "id": "Server ini menyajikan salinan hanya-baca: login, unggahan dan evaluasi tidak tersedia.",
            "en": "This server serves a read-only copy: logins, uploads and evaluations are not available."}},
            status_code=503)
        await response(scope, receive, send)
