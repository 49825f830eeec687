"""The store: migrations, facts, submissions, runs, results, audit; embedded DuckDB or PostgreSQL.

    store = open_store()            # $CAPAIAN_DB or ./capaian.duckdb, created on first use
    store = open_store(path, create=False)  # readers: a missing file is an error, not a new store
    store = open_store(":memory:")  # tests
    store = open_store("postgresql://capaian@db.example/capaian")  # the server deployment

Both backends run the same migrations and the same SQL (`capaian.store.postgres` makes a
psycopg connection answer like a DuckDB one), so every caller sees one contract.

The CLI and the web app reach the data only through this API, never through SQL.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from capaian.errors import CapaianError
from capaian.store.core import StoreCore
from capaian.store.facts import FACT_COLUMNS, FactsMixin, FactWrite
from capaian.store.runs import RunsMixin
from capaian.store.submissions import SubmissionsMixin

DEFAULT_PATH = "capaian.duckdb"

__all__ = ["FACT_COLUMNS", "FactWrite", "Store", "StoreLocked", "default_path", "is_postgres", "open_store"]


class Store(FactsMixin, SubmissionsMixin, RunsMixin, StoreCore):
    """A migrated capaian database. Use `open_store` to get one."""


def default_path() -> str:
    from capaian.settings import value

    return value("CAPAIAN_DB")


def open_store(path: str | os.PathLike | None = None, migrations=None, create: bool = True) -> Store:
    """Open (create, migrate) the store at `path` (default $CAPAIAN_DB or ./capaian.duckdb).

    A `postgresql://` (or `postgres://`) URL opens a PostgreSQL database instead of a file.
    With `create=False` a missing file is a CapaianError naming it, and no file is made.
    A file held by another process (DuckDB allows one writer: typically a running `capaian serve`)
    is a CapaianError naming that process.
    Raises CapaianError, leaving the store untouched, when its schema is newer than this code.
    """
    from capaian.store.migrate import migrate
    from capaian.store.postgres import PgConnection, is_postgres_url

    target = str(path) if path is not None else default_path()
    if is_postgres_url(target):
        con = PgConnection(target)
    else:
        con = _duckdb_connect(target, create)
    try:
        migrate(con, migrations)
    except BaseException:
        con.close()
        raise
    return Store(con, target)


def is_postgres(target) -> bool:
    from capaian.store.postgres import is_postgres_url

    return is_postgres_url(str(target) if target is not None else default_path())


def _duckdb_connect(target: str, create: bool):
    import duckdb

    if target != ":memory:":
        if not create and not Path(target).is_file():
            raise missing_store(target)
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(target)
    except duckdb.IOException as exc:
        raise locked_store(target, str(exc)) or exc from None


def missing_store(path: str) -> CapaianError:
    return CapaianError(
        f"Basis data {path} tidak ada. Buat dengan `capaian db init` (kosong) atau `capaian demo build` "
        "(demo), atau periksa --db / CAPAIAN_DB.",
        f"Database {path} does not exist. Create it with `capaian db init` (empty) or `capaian demo build` "
        "(demo), or check --db / CAPAIAN_DB.",
    )


class StoreLocked(CapaianError):
    """The store file is held by another process (`pid`, when DuckDB names it)."""

    def __init__(self, id_message: str, en_message: str, pid: int | None):
        self.pid = pid
        super().__init__(id_message, en_message)


def locked_store(path: str, message: str) -> StoreLocked | None:
    """The one-line error for DuckDB's "Could not set lock ... (PID n)", or None for other errors.

    A DuckDB file has one writing process; to run the CLI beside a server, use PostgreSQL
    (docs/deploy.md), so the advice is to stop the holder, work on a copy, or move to PostgreSQL."""
    if "lock" not in message.lower():
        return None
    found = re.search(r"PID (\d+)", message)
    pid = int(found.group(1)) if found else None
    who = f"PID {pid}" if pid else "proses lain / another process"
    command = _command_line(pid)
    if command:
        who += f": {command}"
    return StoreLocked(
        f"Basis data {path} sedang dipakai proses lain ({who}). DuckDB hanya mengizinkan satu penulis: "
        "hentikan proses itu (mis. `capaian serve`) lalu ulangi, pakai salinan berkasnya, atau pakai "
        "PostgreSQL (`--db postgresql://...`) agar CLI dan server berjalan bersama.",
        f"Database {path} is in use by another process ({who}). DuckDB allows one writer: stop that "
        "process (e.g. `capaian serve`) and try again, work on a copy of the file, or use PostgreSQL "
        "(`--db postgresql://...`) to run the CLI beside the server.",
        pid,
    )


def _command_line(pid: int | None) -> str:
    """The command line of a process (Linux /proc), shortened; empty when unknown."""
    if not pid:
        return ""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    words = [w for w in raw.decode(errors="replace").split("\0") if w]
    text = " ".join(Path(words[0]).name if i == 0 else w for i, w in enumerate(words))
    return text if len(text) <= 120 else text[:117] + "..."
