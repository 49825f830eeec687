"""The embedded DuckDB store: migrations, facts, submissions, runs, results, audit.

    store = open_store()            # $CAPAIAN_DB or ./capaian.duckdb, created on first use
    store = open_store(path, create=False)  # readers: a missing file is an error, not a new store
    store = open_store(":memory:")  # tests

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

__all__ = ["FACT_COLUMNS", "FactWrite", "Store", "default_path", "open_store"]


class Store(FactsMixin, SubmissionsMixin, RunsMixin, StoreCore):
    """A migrated capaian database. Use `open_store` to get one."""


def default_path() -> str:
    from capaian.settings import value

    return value("CAPAIAN_DB")


def open_store(path: str | os.PathLike | None = None, migrations=None, create: bool = True) -> Store:
    """Open (create, migrate) the store at `path` (default $CAPAIAN_DB or ./capaian.duckdb).

    With `create=False` a missing file is a CapaianError naming it, and no file is made.
    A file held by another process (DuckDB allows one writer: typically a running `capaian serve`)
    is a CapaianError naming that process.
    Raises CapaianError, leaving the file untouched, when its schema is newer than this code.
    """
    import duckdb

    from capaian.store.migrate import migrate

    target = str(path) if path is not None else default_path()
    if target != ":memory:":
        if not create and not Path(target).is_file():
            raise missing_store(target)
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(target)
    except duckdb.IOException as exc:
        raise locked_store(target, str(exc)) or exc from None
    try:
        migrate(con, migrations)
    except BaseException:
        con.close()
        raise
    return Store(con, target)


def missing_store(path: str) -> CapaianError:
    return CapaianError(
        f"Basis data {path} tidak ada. Buat dengan `capaian db init` (kosong) atau `capaian demo build` "
        "(demo), atau periksa --db / CAPAIAN_DB.",
        f"Database {path} does not exist. Create it with `capaian db init` (empty) or `capaian demo build` "
        "(demo), or check --db / CAPAIAN_DB.",
    )


def locked_store(path: str, message: str) -> CapaianError | None:
    """The one-line error for DuckDB's "Could not set lock ... (PID n)", or None for other errors.

    A DuckDB file has one writing process; several processes at once need a database server (not
    part of this deployment), so the advice is to stop the holder or to work on a copy."""
    if "lock" not in message.lower():
        return None
    found = re.search(r"PID (\d+)", message)
    pid = int(found.group(1)) if found else None
    who = f"PID {pid}" if pid else "proses lain / another process"
    command = _command_line(pid)
    if command:
        who += f": {command}"
    return CapaianError(
        f"Basis data {path} sedang dipakai proses lain ({who}). DuckDB hanya mengizinkan satu penulis: "
        "hentikan proses itu (mis. `capaian serve`) lalu ulangi, atau pakai salinan berkasnya.",
        f"Database {path} is in use by another process ({who}). DuckDB allows one writer: stop that "
        "process (e.g. `capaian serve`) and try again, or work on a copy of the file.",
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
