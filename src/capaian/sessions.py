"""Dashboard sessions and the login throttle, both kept in the store.

A login starts a session: a random token goes into the (signed) session cookie, its SHA-256 into
the `sessions` table. A session ends when its user logs out, when an administrator runs
`capaian users revoke NAME`, after `idle` seconds without a request, or `lifetime` seconds after
the login, whichever comes first; a cookie saved before then no longer logs anyone in.

The throttle counts failed logins in the `login_failures` table, within `window` seconds:
- at most `limit` per account and client address: a typist is stopped, not the others of an office
  behind the same address (NAT), and not the account's owner elsewhere;
- at most `SPREAD` x `limit` per client address across any names (spraying names from one address);
- past `SPREAD` x `limit` for one account across addresses (a distributed guess), that account
  waits `BACKOFF` seconds after each failure, from every address: slowed, never locked out.
A successful login clears its account's count, not its address's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from capaian.settings import setting
from capaian.store.core import utcnow

# the defaults are declared once, in capaian.settings (the web server reads the current values there)
IDLE_SECONDS = setting("CAPAIAN_SESSION_IDLE_MINUTES").default * 60
LIFETIME_SECONDS = setting("CAPAIAN_SESSION_MAX_AGE").default
LOGIN_LIMIT = setting("CAPAIAN_LOGIN_LIMIT").default
LOGIN_WINDOW_SECONDS = setting("CAPAIAN_LOGIN_WINDOW").default
TOUCH_EVERY = 60.0  # seconds between writes of a session's last_seen


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(store, user_name: str, client: str | None = None) -> str:
    """A new session for `user_name`; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    store.con.execute(
        "INSERT INTO sessions (token_hash, user_name, created_at, last_seen, client) VALUES (?, ?, ?, ?, ?)",
        [_hash(token), user_name, now, now, client],
    )
    return token


def session_user(store, token: str | None, idle: float = IDLE_SECONDS,
                 lifetime: float = LIFETIME_SECONDS) -> str | None:
    """The user name of a live session, or None (unknown, revoked, idle too long or too old).

    A live session's `last_seen` is moved forward (at most once a minute)."""
    if not token:
        return None
    row = store.con.execute(
        "SELECT user_name, created_at, last_seen, revoked_at FROM sessions WHERE token_hash = ?", [_hash(token)]
    ).fetchone()
    if row is None:
        return None
    name, created_at, last_seen, revoked_at = row
    now = utcnow()
    if revoked_at is not None:
        return None
    if (now - last_seen).total_seconds() > idle or (now - created_at).total_seconds() > lifetime:
        store.con.execute("UPDATE sessions SET revoked_at = ? WHERE token_hash = ?", [now, _hash(token)])
        return None
    if (now - last_seen).total_seconds() > min(TOUCH_EVERY, idle / 10):
        store.con.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", [now, _hash(token)])
    return name


def end_session(store, token: str | None) -> None:
    """Log out: the session's token stops working."""
    if token:
        store.con.execute("UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                          [utcnow(), _hash(token)])


def revoke_sessions(store, user_name: str) -> int:
    """End every live session of a user; returns how many were ended."""
    rows = store.con.execute(
        "UPDATE sessions SET revoked_at = ? WHERE user_name = ? AND revoked_at IS NULL RETURNING token_hash",
        [utcnow(), user_name],
    ).fetchall()
    return len(rows)


SPREAD = 4  # failures per address (any names) or per account (any addresses), in `limit`s
BACKOFF = 30.0  # seconds an account guessed at from many addresses waits after each failure


@dataclass
class LoginThrottle:
    """Failed logins per account and per client address, counted in the store."""

    limit: int = LOGIN_LIMIT
    window: float = LOGIN_WINDOW_SECONDS

    def _since(self) -> dt.datetime:
        return utcnow() - dt.timedelta(seconds=self.window)

    def blocked(self, store, name: str, client: str) -> bool:
        name = _name_key(name)
        pair, address, account, last = store.con.execute(
            'SELECT count(*) FILTER (WHERE user_name = ? AND client = ?), count(*) FILTER (WHERE client = ?), '
            'count(*) FILTER (WHERE user_name = ?), max("at") FILTER (WHERE user_name = ?) '
            'FROM login_failures WHERE "at" > ?',
            [name, client, client, name, name, self._since()],
        ).fetchone()
        if pair >= self.limit or address >= SPREAD * self.limit:
            return True
        if account >= SPREAD * self.limit and last is not None:
            return (utcnow() - last).total_seconds() < BACKOFF
        return False

    def failed(self, store, name: str, client: str) -> None:
        store.con.execute('DELETE FROM login_failures WHERE "at" <= ?', [self._since()])
        store.con.execute("INSERT INTO login_failures VALUES (?, ?, ?)", [utcnow(), _name_key(name), client])

    def succeeded(self, store, name: str, client: str) -> None:
        store.con.execute("DELETE FROM login_failures WHERE user_name = ?", [_name_key(name)])


def _name_key(name: str | None) -> str:
    return (name or "").strip().lower()
