"""The embedded DuckDB store: migrations, facts, submissions, runs, results, audit.

    store = open_store()            # $CAPAIAN_DB or ./capaian.duckdb, created on first use
    store = open_store(":memory:")  # tests

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

__all__ = ["FACT_COLUMNS", "FactWrite", "Store", "default_path", "open_store"]


class Store(FactsMixin, SubmissionsMixin, RunsMixin, StoreCore):
    """A migrated capaian database. Use `open_store` to get one."""


def default_path() -> str:
    return os.environ.get("CAPAIAN_DB") or DEFAULT_PATH


def open_store(path: str | os.PathLike | None = None, migrations=None) -> Store:
    """Open (create, migrate) the store at `path` (default $CAPAIAN_DB or ./capaian.duckdb).

    Raises CapaianError, leaving the file untouched, when its schema is newer than this code.
    """
    import duckdb

    from capaian.store.migrate import migrate

    target = str(path) if path is not None else default_path()
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(target)
    try:
        migrate(con, migrations)
    except BaseException:
        con.close()
        raise
    return Store(con, target)
