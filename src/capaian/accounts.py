"""User accounts and roles; who may do what is decided by `capaian.access.allowed` alone.

Roles:
- `national`: the national evaluation team; sees and uploads for every region, evaluates and
  publishes runs.
- `province`: a provincial office; sees and uploads for its province and the regions below it.
- `regency`: a regency/city office; sees and uploads only for its own regency/city (and below).
- the public (no account, `None` here): only published runs' national and province summaries.

Unpublished runs (decision for `/run`, `/run/{id}`, `/api/evaluations`, `/api/cutoffs`): the
public does not learn that they exist. Province and regency users see that an unpublished run
exists, with its id, cut-off, rubric, target set, fact revision and creation time, because they
see their own figures in it and pick its cut-off; who created it and its note stay with the
national team, and other regions' figures in it stay hidden (`allowed(user, "view", ...)`).

Passwords are hashed with argon2id through pwdlib. Accounts live in the store's `users` table
`(name, role, region_code, password_hash, lang, created_at)`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from capaian.errors import CapaianError

ROLES = ("national", "province", "regency")
LANGS = ("id", "en")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
MIN_PASSWORD = 8


@dataclass(frozen=True)
class User:
    name: str
    role: str
    region_code: str | None
    lang: str = "id"

    @property
    def scope(self) -> str | None:
        """The operator scope for intake: None (everything) for national users, else the region code."""
        from capaian.access import operator_scope

        return operator_scope(self)


@lru_cache(maxsize=1)
def _hasher():
    from pwdlib import PasswordHash

    return PasswordHash.recommended()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _dummy_hash() -> str:
    return _cached_dummy()


@lru_cache(maxsize=1)
def _cached_dummy() -> str:
    return hash_password("not-a-real-password-000")


def _check_region(role: str, region_code: str | None) -> str | None:
    """The normalised region code for a role, or a CapaianError saying what is expected."""
    if role not in ROLES:
        raise CapaianError(
            f"Peran {role!r} tidak dikenal; gunakan national, province atau regency.",
            f"Unknown role {role!r}; use national, province or regency.",
        )
    if role == "national":
        if region_code not in (None, "", "ID"):
            raise CapaianError(
                "Pengguna nasional tidak memakai --region.",
                "A national user takes no --region.",
            )
        return None
    if not region_code:
        raise CapaianError(
            f"Peran {role} memerlukan --region (kode wilayah).",
            f"Role {role} needs --region (a region code).",
        )
    from capaian.regions import get_hierarchy, normalize_code

    code = normalize_code(region_code)
    want = "province" if role == "province" else "regency"
    found = None
    for version in ("2025", "2020"):
        try:
            found = get_hierarchy(version).get(code)
        except Exception:  # unknown in this version: try the other one
            continue
        if found is not None:
            break
    if found is None:
        raise CapaianError(
            f"Kode wilayah {region_code!r} tidak ditemukan.",
            f"Region code {region_code!r} not found.",
        )
    if found.tier != want:
        raise CapaianError(
            f"Wilayah {code} ({found.name}) adalah {found.tier}, bukan {want}.",
            f"Region {code} ({found.name}) is a {found.tier}, not a {want}.",
        )
    return code


def add_user(
    store, name: str, password: str, role: str, region_code: str | None = None, lang: str = "id",
    actor: str = "cli",
) -> User:
    """Create an account; refuses a duplicate name, a short password or a region that does not fit the role."""
    if not NAME_RE.match(name or ""):
        raise CapaianError(
            f"Nama pengguna {name!r} tidak sah: 2-64 huruf, angka, titik, garis bawah, @ atau tanda hubung.",
            f"Invalid user name {name!r}: 2-64 letters, digits, dots, underscores, @ or hyphens.",
        )
    if len(password or "") < MIN_PASSWORD:
        raise CapaianError(
            f"Kata sandi minimal {MIN_PASSWORD} karakter.",
            f"The password needs at least {MIN_PASSWORD} characters.",
        )
    if lang not in LANGS:
        raise CapaianError(f"Bahasa {lang!r} tidak dikenal (id, en).", f"Unknown language {lang!r} (id, en).")
    code = _check_region(role, region_code)
    if get_user(store, name) is not None:
        raise CapaianError(f"Pengguna {name!r} sudah ada.", f"User {name!r} already exists.")
    store.con.execute(
        "INSERT INTO users (name, role, region_code, password_hash, lang, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [name, role, code, hash_password(password), lang, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)],
    )
    _audit(store, actor, "user_add", name, {"role": role, "region": code or "ID"})
    return User(name=name, role=role, region_code=code, lang=lang)


def _audit(store, actor: str, action: str, obj: str, detail: dict) -> None:
    audit = getattr(store, "audit", None)
    if audit is not None:
        audit(actor, action, obj, detail)


def _row_to_user(row) -> User:
    name, role, region_code, lang = row
    return User(name=name, role=role, region_code=region_code or None, lang=lang or "id")


def get_user(store, name: str) -> User | None:
    row = store.con.execute(
        "SELECT name, role, region_code, lang FROM users WHERE name = ?", [name]
    ).fetchone()
    return None if row is None else _row_to_user(row)


def list_users(store) -> list[User]:
    rows = store.con.execute("SELECT name, role, region_code, lang FROM users ORDER BY name").fetchall()
    return [_row_to_user(r) for r in rows]


def verify_login(store, name: str, password: str) -> User | None:
    """The user when name and password match, else None (same work either way, so timing tells nothing)."""
    return check_login(login_record(store, name), password)


def login_record(store, name: str) -> tuple | None:
    """The stored account row `verify_login` checks a password against (a quick store read)."""
    return store.con.execute(
        "SELECT name, role, region_code, lang, password_hash FROM users WHERE name = ?", [name]
    ).fetchone()


def check_login(row: tuple | None, password: str) -> User | None:
    """The password check of `verify_login` (argon2, slow on purpose): needs no store, so a server
    runs it outside its store lock and off its event loop."""
    hasher = _hasher()
    if row is None:
        hasher.verify(password or "", _dummy_hash())
        return None
    if not hasher.verify(password or "", row[4]):
        return None
    return _row_to_user(row[:4])


def checked_password_hash(password: str) -> str:
    """The argon2 hash of a new password, once it is long enough."""
    if len(password or "") < MIN_PASSWORD:
        raise CapaianError(
            f"Kata sandi minimal {MIN_PASSWORD} karakter.",
            f"The password needs at least {MIN_PASSWORD} characters.",
        )
    return hash_password(password)


def set_password(store, name: str, password: str, actor: str = "cli") -> None:
    set_password_hash(store, name, checked_password_hash(password), actor)


def set_password_hash(store, name: str, password_hash: str, actor: str = "cli") -> None:
    """Set a password already hashed by `checked_password_hash` (the CLI hashes it before asking a
    running server, so the password itself never leaves the command)."""
    if not isinstance(password_hash, str) or not password_hash.startswith("$argon2"):
        raise CapaianError("Hash kata sandi tidak valid.", "Invalid password hash.")
    if get_user(store, name) is None:
        raise CapaianError(f"Pengguna {name!r} tidak ada.", f"No user {name!r}.")
    store.con.execute("UPDATE users SET password_hash = ? WHERE name = ?", [password_hash, name])
    from capaian.sessions import revoke_sessions

    revoke_sessions(store, name)  # a new password logs out every open session
    _audit(store, actor, "user_password", name, {})


def revoke_user(store, name: str, actor: str = "cli") -> int:
    """End every open session of `name` (audited `user_revoke`); how many were ended."""
    from capaian.sessions import revoke_sessions

    if get_user(store, name) is None:
        raise CapaianError(f"Pengguna {name!r} tidak ada.", f"No user {name!r}.")
    ended = revoke_sessions(store, name)
    store.audit(actor, "user_revoke", name, {"sessions": ended})
    return ended


def remove_user(store, name: str, actor: str = "cli") -> None:
    if get_user(store, name) is None:
        raise CapaianError(f"Pengguna {name!r} tidak ada.", f"No user {name!r}.")
    store.con.execute("DELETE FROM users WHERE name = ?", [name])
    from capaian.sessions import revoke_sessions

    revoke_sessions(store, name)
    _audit(store, actor, "user_remove", name, {})


def set_lang(store, name: str, lang: str) -> None:
    if lang not in LANGS:
        return
    store.con.execute("UPDATE users SET lang = ? WHERE name = ?", [lang, name])


# The person at the command line: whoever can open the store file sees everything in it.
OPERATOR = User(name="cli", role="national", region_code=None)
