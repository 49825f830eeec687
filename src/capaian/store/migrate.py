"""Versioned schema migrations of the store.

A migration is a file in `migrations/` named `NNNN_name.sql` (statements run as one script) or
`NNNN_name.py` (a module with `upgrade(con)`). The same migrations run on DuckDB and PostgreSQL:
SQL is written to suit both; where the two must differ, `NNNN_name.duckdb.sql` and
`NNNN_name.postgresql.sql` replace `NNNN_name.sql` for that backend. Each one runs inside its own transaction together
with its row in `schema_migrations(version, name, applied_at)`, so a failing step leaves the
database at the previous version. A database newer than the code is refused untouched.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Callable

from capaian.errors import CapaianError

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+?)(?:\.(duckdb|postgresql))?\.(sql|py)$")
BACKENDS = ("duckdb", "postgresql")
PG_LOCK = 7_311_505  # advisory lock id: one process migrates a PostgreSQL store at a time


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable  # apply(con)


def _sql_step(text: str) -> Callable:
    def apply(con) -> None:
        con.execute(text)

    return apply


def _py_step(path) -> Callable:
    def apply(con) -> None:
        spec = importlib.util.spec_from_file_location(f"capaian_migration_{path.name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.upgrade(con)

    return apply


def known_migrations(backend: str = "duckdb") -> list[Migration]:
    """The migrations shipped with this capaian for `backend`, in version order."""
    folder = resources.files("capaian.store") / "migrations"
    chosen: dict[int, tuple[bool, Migration]] = {}
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if not match:
            continue
        version, name, variant, ext = int(match.group(1)), match.group(2), match.group(3), match.group(4)
        if variant is not None and variant != backend:
            continue
        apply = _sql_step(entry.read_text(encoding="utf-8")) if ext == "sql" else _py_step(entry)
        specific = variant is not None
        if version in chosen and chosen[version][0] == specific:
            raise RuntimeError(f"two migrations with version {version}")
        if version not in chosen or specific:
            chosen[version] = (specific, Migration(version, name, apply))
    steps = [m for _, m in chosen.values()]
    steps.sort(key=lambda m: m.version)
    versions = [m.version for m in steps]
    if len(set(versions)) != len(versions) or versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"migration versions must be 1..n without gaps: {versions}")
    return steps


def _has_table(con, name: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
        "AND table_schema = current_schema()",
        [name],
    ).fetchall()[0]
    return bool(row[0])


def current_version(con) -> int:
    if not _has_table(con, "schema_migrations"):
        return 0
    row = con.execute("SELECT max(version) FROM schema_migrations").fetchall()[0]
    return int(row[0] or 0)


def migrate(con, migrations: list[Migration] | None = None) -> list[int]:
    """Apply the pending migrations; returns the versions applied (empty when up to date)."""
    backend = getattr(con, "backend", "duckdb")
    steps = known_migrations(backend) if migrations is None else migrations
    if backend == "postgresql":  # several workers may start at once
        con.execute("SELECT pg_advisory_lock(?)", [PG_LOCK]).fetchall()
        try:
            return _migrate(con, steps)
        finally:
            con.execute("SELECT pg_advisory_unlock(?)", [PG_LOCK]).fetchall()
    return _migrate(con, steps)


def _migrate(con, steps: list[Migration]) -> list[int]:
    newest = steps[-1].version if steps else 0
    have = current_version(con)
    if have > newest:
        raise CapaianError(
            f"Versi skema basis data ({have}) lebih baru dari capaian ini ({newest}); "
            "perbarui capaian.",
            f"Database schema version {have} is newer than this capaian ({newest}); "
            "upgrade capaian.",
        )
    applied = []
    for step in steps:
        if step.version <= have:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            if not _has_table(con, "schema_migrations"):
                con.execute(
                    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR "
                    "NOT NULL, applied_at TIMESTAMP NOT NULL)"
                )
            step.apply(con)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [step.version, step.name, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        applied.append(step.version)
    return applied


@lru_cache(maxsize=2)
def newest_schema(backend: str) -> int:
    """The schema version the newest migration of `backend` gives."""
    return known_migrations(backend)[-1].version
