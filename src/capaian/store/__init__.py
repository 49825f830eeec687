"""The store: migrations, facts, submissions, runs, results, audit; embedded DuckDB or PostgreSQL.

    store = open_store()            # $CAPAIAN_DB or ./capaian.duckdb, created on first use
    store = open_store(":memory:")  # tests
    store = open_store("postgresql://capaian@db.example/capaian")  # the server deployment

Both backends run the same migrations and the same SQL (`capaian.store.postgres` makes a
psycopg connection answer like a DuckDB one), so every caller sees one contract.

The CLI and the web app reach the data only through this API, never through SQL.
"""

from __future__ import annotations

import os
from pathlib import Path

from capaian.store.core import StoreCore
from capaian.store.facts import FACT_COLUMNS, FactsMixin, FactWrite
from capaian.store.runs import RunsMixin
from capaian.store.submissions import SubmissionsMixin

DEFAULT_PATH = "capaian.duckdb"

__all__ = ["FACT_COLUMNS", "FactWrite", "Store", "default_path", "is_postgres", "open_store"]


class Store(FactsMixin, SubmissionsMixin, RunsMixin, StoreCore):
    """A migrated capaian database. Use `open_store` to get one."""


def default_path() -> str:
    return os.environ.get("CAPAIAN_DB") or DEFAULT_PATH


def open_store(path: str | os.PathLike | None = None, migrations=None) -> Store:
    """Open (create, migrate) the store at `path` (default $CAPAIAN_DB or ./capaian.duckdb).

    A `postgresql://` (or `postgres://`) URL opens a PostgreSQL database instead of a file.
    Raises CapaianError, leaving the store untouched, when its schema is newer than this code.
    """
    from capaian.store.migrate import migrate
    from capaian.store.postgres import PgConnection, is_postgres_url

    target = str(path) if path is not None else default_path()
    if is_postgres_url(target):
        con = PgConnection(target)
    else:
        con = _duckdb_connect(target)

    try:
        migrate(con, migrations)
    except BaseException:
        con.close()
        raise
    return Store(con, target)


def is_postgres(target) -> bool:
    from capaian.store.postgres import is_postgres_url

    return is_postgres_url(str(target) if target is not None else default_path())


def _duckdb_connect(target: str):
    import duckdb

    from capaian.errors import CapaianError

    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(target)
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        raise CapaianError(
            f"Basis data {target} sedang dipakai proses lain (mis. `capaian serve`). Hentikan proses "
            "itu, atau pakai PostgreSQL (`--db postgresql://...`) agar CLI dan server berjalan bersama.",
            f"Database {target} is in use by another process (e.g. `capaian serve`). Stop it, or use "
            "PostgreSQL (`--db postgresql://...`) to run the CLI beside the server.",
        ) from None
