"""Backing up the embedded (DuckDB) store: a checkpoint, then a copy of the file.

DuckDB keeps recent writes in `<store>.wal` until a checkpoint moves them into the store file, so
a plain copy of the `.duckdb` alone can lack writes that were answered long ago (an upload's 201).
`backup_store` checkpoints, copies the file under a temporary name, syncs and renames it, then
opens the copy read-only to count what it holds. The caller makes sure nothing writes meanwhile:
the CLI holds the only connection; a running server (see `capaian.store.control`) holds its
store locks. A PostgreSQL store is backed up with `pg_dump` (docs/deploy.md).

`wal_file` / `holder_pid` let `capaian db check` tell a stale `.wal` (no process holds the store;
opening it would replay those writes, onto a restored copy too) from a live one.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from capaian.errors import CapaianError


@dataclass
class BackupResult:
    source: str
    target: str
    size: int  # bytes of the copy
    schema_version: int
    submissions: int
    last_submission: int | None


def wal_file(path) -> Path:
    """The write-ahead log DuckDB keeps beside a store file."""
    return Path(f"{path}.wal")


def holder_pid(path) -> int | None:
    """The process holding a lock on the store file (a running server or command), from
    /proc/locks (Linux); None when none does, or when that cannot be told."""
    try:
        st = os.stat(path)
        locks = Path("/proc/locks").read_text()
    except OSError:
        return None
    device = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    for line in locks.splitlines():
        fields = line.split()
        if device in fields:
            at = fields.index(device)
            try:
                return int(fields[at - 1])
            except ValueError:
                return None
    return None


def stale_wal(path) -> tuple[Path, int] | None:
    """(the .wal, its size) when a non-empty `.wal` lies beside the store file `path` and no
    process holds the store: writes the last process did not checkpoint, or an old log beside a
    store file restored from a backup. Opening the store would replay it either way."""
    from capaian.store import is_postgres

    if is_postgres(path) or str(path) == ":memory:":
        return None
    wal = wal_file(path)
    try:
        size = wal.stat().st_size
    except OSError:
        return None
    if size == 0 or not Path(path).is_file() or holder_pid(path) is not None:
        return None
    return wal, size


def _refuse_target(source: Path, target: Path) -> None:
    if target.resolve() == source.resolve():
        raise CapaianError(f"Cadangan {target} adalah penyimpanan itu sendiri; pilih berkas lain.",
                           f"The backup {target} is the store itself; choose another file.")
    for path in (target, wal_file(target)):
        if path.exists():
            raise CapaianError(
                f"{path} sudah ada; cadangan tidak menimpa berkas. Pilih nama baru atau pindahkan berkas itu.",
                f"{path} already exists; a backup never overwrites a file. Choose a new name or move that file away.",
            )
    if not target.parent.is_dir():
        raise CapaianError(f"Folder {target.parent} tidak ada.", f"Folder {target.parent} does not exist.")


def backup_store(store, target) -> BackupResult:
    """Checkpoint the DuckDB `store` and copy its file to `target` (a new file). Nothing may write
    to the store meanwhile (see the module docstring). CapaianError for a PostgreSQL or in-memory
    store, or a target that exists."""
    import duckdb

    if store.backend != "duckdb" or store.path == ":memory:":
        raise CapaianError(
            "`capaian db backup` mencadangkan penyimpanan berkas DuckDB; untuk PostgreSQL pakai pg_dump.",
            "`capaian db backup` backs up an embedded DuckDB store file; for PostgreSQL use pg_dump.",
        )
    source, target = Path(store.path), Path(target)
    _refuse_target(source, target)
    store.con.execute("SELECT 1").fetchall()  # an unfinished result would keep a transaction open
    store.con.execute("CHECKPOINT")  # every committed write is in the store file now
    partial = target.with_name(target.name + ".partial")
    try:
        shutil.copyfile(source, partial)
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CapaianError(f"Cadangan {target} tidak dapat ditulis: {exc.strerror or exc}.",
                           f"The backup {target} can't be written: {exc.strerror or exc}.") from None
    con = duckdb.connect(str(target), read_only=True)
    try:
        version = con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
        count, last = con.execute("SELECT count(*), max(id) FROM submissions").fetchone()
    finally:
        con.close()
    return BackupResult(str(source), str(target), target.stat().st_size, int(version or 0), int(count),
                        None if last is None else int(last))
