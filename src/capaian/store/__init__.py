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
from capaian.store.bake import BakeMixin
from capaian.store.core import StoreCore
from capaian.store.facts import FACT_COLUMNS, FactsMixin, FactWrite
from capaian.store.library import LibraryMixin
from capaian.store.report_jobs import ReportJobsMixin
from capaian.store.runs import RunsMixin
from capaian.store.submissions import SubmissionsMixin

DEFAULT_PATH = "capaian.duckdb"

__all__ = ["FACT_COLUMNS", "FactWrite", "Store", "StoreLocked", "StoreReadOnly", "default_path", "is_postgres",
           "open_store", "store_error"]


class Store(FactsMixin, SubmissionsMixin, RunsMixin, ReportJobsMixin, LibraryMixin, BakeMixin, StoreCore):
    """A migrated capaian database. Use `open_store` to get one."""


def default_path() -> str:
    from capaian.settings import value

    return value("CAPAIAN_DB")


def open_store(path: "str | os.PathLike | Store | None" = None, migrations=None, create: bool = True,
               read_only: bool = False) -> Store:
    """Open (create, migrate) the store at `path` (default $CAPAIAN_DB or ./capaian.duckdb).

    `path` may also be an open `Store`, which is returned as it is; anything other than a string,
    a path or a store is a TypeError (never a file named after an object's repr).

    A `postgresql://` (or `postgres://`) URL opens a PostgreSQL database instead of a file.
    With `create=False` a missing file is a CapaianError naming it, and no file is made.
    A file held by another process (DuckDB allows one writer: typically a running `capaian serve`)
    is a CapaianError naming that process (`StoreLocked`). A file that can't be written
    (`StoreReadOnly`), is not a DuckDB store or is damaged is a one-line CapaianError naming it and
    what to do (`damaged_store`). `read_only=True` opens a DuckDB file without writing to it (an
    analyst's copy; it must be at this code's schema version).
    Raises CapaianError, leaving the store untouched, when its schema is newer than this code.
    """
    from capaian.store.migrate import migrate
    from capaian.store.postgres import PgConnection, is_postgres_url

    if isinstance(path, Store):
        return path
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"open_store takes a path, a URL or a Store, not {type(path).__name__}")
    target = os.fspath(path) if path is not None else default_path()
    if is_postgres_url(target):
        con = PgConnection(target)
    else:
        con = _duckdb_connect(target, create, read_only)
    try:
        migrate(con, migrations)
    except BaseException as exc:
        con.close()
        raise (store_error(target, exc, read_only) or exc) from None
    store = Store(con, target)
    store.read_only = read_only
    if migrations is None:  # a whole store (not one migrated to an older version, as tests make)
        from capaian.library import install

        install(store)  # the rubrics and bases added to this store join the shipped ones
    return store


def is_postgres(target) -> bool:
    from capaian.store.postgres import is_postgres_url

    return is_postgres_url(str(target) if target is not None else default_path())


def _duckdb_connect(target: str, create: bool, read_only: bool = False):
    import duckdb

    if target != ":memory:":
        if (read_only or not create) and not Path(target).is_file():
            raise missing_store(target)
        try:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreReadOnly(target, exc.strerror or str(exc)) from None
    try:
        return duckdb.connect(target, read_only=read_only)
    except duckdb.Error as exc:
        raise locked_store(target, str(exc)) or store_error(target, exc) or exc from None


class StoreReadOnly(CapaianError):
    """The store file (or its folder) can't be written by this user."""

    def __init__(self, path: str, reason: str):
        self.path = path
        super().__init__(
            f"Penyimpanan {path} tidak dapat ditulis ({reason}). Beri izin tulis (mis. `chmod u+w`, "
            "atau jalankan sebagai pemiliknya), atau sajikan salinannya hanya-baca dengan "
            "`capaian serve --read-only`.",
            f"The store {path} can't be written ({reason}). Make it writable (e.g. `chmod u+w`, or run "
            "as its owner), or serve the copy read-only with `capaian serve --read-only`.",
        )


_READ_ONLY = ("permission denied", "operation not permitted", "read-only file system", "read only file system")
_DAMAGED = ("not a valid duckdb database", "could not read enough bytes", "corrupt", "checksum",
            "failed to read", "invalid block", "serialization error", "unsupported storage version")


def store_error(path: str, exc: BaseException, read_only: bool = False) -> CapaianError | None:
    """The one-line CapaianError for a DuckDB store file that can't be written, is not a DuckDB
    store or is damaged (truncated, corrupted); None for any other error (left as it is)."""
    if isinstance(exc, CapaianError) or type(exc).__module__.lstrip("_") != "duckdb":
        return None
    text = str(exc)
    lower = text.lower()
    if any(mark in lower for mark in _READ_ONLY):
        return StoreReadOnly(path, text.split(": ")[-1].strip().rstrip(".") or "read-only")
    if read_only and ("read-only" in lower or "read only" in lower):
        return CapaianError(
            f"Penyimpanan {path} dibuka hanya-baca tetapi skemanya perlu dimigrasikan; jalankan "
            "`capaian db init` pada salinan yang dapat ditulis lebih dulu.",
            f"The store {path} was opened read-only but its schema needs migrating; run `capaian db init` "
            "on a writable copy first.",
        )
    if any(mark in lower for mark in _DAMAGED) or type(exc).__name__ == "IOException":
        detail = " ".join(text.split())[:200]
        return CapaianError(
            f"Penyimpanan {path} rusak atau bukan berkas DuckDB ({detail}). Periksa --db / CAPAIAN_DB, "
            "atau pulihkan dari cadangan (README: cadangan penyimpanan tertanam).",
            f"The store {path} is damaged or not a DuckDB file ({detail}). Check --db / CAPAIAN_DB, or "
            "restore it from a backup (README: backing up and restoring the embedded store).",
        )
    return None


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
    lower = message.lower()
    if "could not set lock" not in lower and "conflicting lock" not in lower:
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
