"""The keys that sign session cookies, and their rotation with a grace period.

The store keeps the current key (`web_session_secret` in `store_meta`) and, after
`capaian secret rotate`, the previous one with the time until which it is still accepted
(`web_session_secret_previous`: JSON `{"secret", "until"}`; `CAPAIAN_SECRET_GRACE_HOURS` after
the rotation). A server signs new cookies with the current key and accepts cookies signed with
either, so the people logged in stay logged in; once the grace period is over the previous key is
dropped and such cookies read as no login. Every server process re-reads the keys at most every
`RECHECK` seconds (in a thread, never on the event loop), so a rotation reaches running servers,
every worker and every app server, without a restart.

A key given to the app (`secret=`) or in `CAPAIAN_SECRET` is fixed: there is nothing to rotate
in the store, and `capaian secret rotate` says so.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time

import itsdangerous
from starlette.middleware.sessions import SessionMiddleware

SECRET_META_KEY = "web_session_secret"
PREVIOUS_META_KEY = "web_session_secret_previous"
RECHECK = 10.0  # seconds a server trusts the keys it read


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def current_secret(store) -> str:
    """The current key kept in the store, made on first use."""
    found = store.get_meta(SECRET_META_KEY)
    if found:
        return found
    secret = secrets.token_urlsafe(48)
    store.set_meta(SECRET_META_KEY, secret)
    return secret


def accepted_keys(store, now: dt.datetime | None = None) -> list[str]:
    """The keys a cookie may be signed with, oldest first, the current one last."""
    keys = [current_secret(store)]
    previous = store.get_meta(PREVIOUS_META_KEY)
    if previous:
        try:
            old = json.loads(previous)
            if dt.datetime.fromisoformat(old["until"]) > (now or _now()):
                keys.insert(0, old["secret"])
        except (ValueError, KeyError, TypeError):
            pass  # a damaged record: no grace, the current key only
    return keys


def rotate(store, grace_hours: float | None = None) -> dt.datetime:
    """A new current key; the one it replaces is accepted until the returned time (UTC)."""
    from capaian.errors import CapaianError
    from capaian.settings import raw, value

    if raw("CAPAIAN_SECRET"):
        raise CapaianError(
            "CAPAIAN_SECRET diatur: kunci sesi diambil dari sana, bukan dari basis data. Hapus CAPAIAN_SECRET "
            "agar kunci disimpan (dan dapat diputar) di basis data, atau ganti nilainya sendiri.",
            "CAPAIAN_SECRET is set: the session key comes from there, not from the store. Unset CAPAIAN_SECRET "
            "to keep the key (and rotate it) in the store, or change its value yourself.",
        )
    hours = value("CAPAIAN_SECRET_GRACE_HOURS") if grace_hours is None else grace_hours
    if not 0 <= hours <= 24 * 30:
        raise CapaianError(
            f"CAPAIAN_SECRET_GRACE_HOURS={hours!r} tidak sah: berikan jam antara 0 dan 720.",
            f"CAPAIAN_SECRET_GRACE_HOURS={hours!r} is not valid: give hours between 0 and 720.",
        )
    until = _now() + dt.timedelta(hours=hours)
    with store.transaction():
        old = current_secret(store)
        store.set_meta(PREVIOUS_META_KEY, json.dumps({"secret": old, "until": until.isoformat()}))
        store.set_meta(SECRET_META_KEY, secrets.token_urlsafe(48))
        store.audit("cli", "session_secret_rotate", None, {"grace_hours": hours})
    return until


class KeyRing:
    """The keys of one server process: fixed, or read again from the store every `RECHECK` s."""

    def __init__(self, state=None, fixed: str | None = None, store=None):
        self.state = state
        self.fixed = fixed
        self.checked = time.monotonic()
        self.keys = [fixed] if fixed else accepted_keys(store if store is not None else state.store)
        self.signer = itsdangerous.TimestampSigner(self.keys)

    def _read(self) -> list[str]:
        with self.state.reader() as store:
            return accepted_keys(store)

    @property
    def stale(self) -> bool:
        return self.fixed is None and time.monotonic() - self.checked >= RECHECK

    def refresh(self) -> None:
        self.checked = time.monotonic()  # one refresh at a time, even when it fails
        try:
            keys = self._read()
        except Exception:  # noqa: BLE001 - the database away: keep the keys known
            return
        if keys != self.keys:
            self.keys = keys
            self.signer = itsdangerous.TimestampSigner(keys)


class RotatingSessions(SessionMiddleware):
    """Starlette's SessionMiddleware over a `KeyRing`: signs with the newest key, accepts any."""

    def __init__(self, app, keyring: KeyRing, **options):
        super().__init__(app, secret_key=keyring.keys[-1], **options)
        self.keyring = keyring
        self.signer = keyring.signer

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket") and self.keyring.stale:
            from starlette.concurrency import run_in_threadpool

            await run_in_threadpool(self.keyring.refresh)
            self.signer = self.keyring.signer
        await super().__call__(scope, receive, send)
