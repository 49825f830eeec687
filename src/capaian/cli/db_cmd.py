"""`capaian db ...`: create, inspect, check and copy the store (DuckDB or PostgreSQL)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from capaian.cli.app import app, console, open_db, open_db_or_server, state, sub_app

db_app = sub_app("Penyimpanan / the store (embedded DuckDB or PostgreSQL).")
app.add_typer(db_app, name="db")


@db_app.command("init")
def db_init() -> None:
    """Buat/migrasikan basis data / create or migrate the store."""
    from capaian.store.postgres import safe_url

    store = open_db(create=True)
    from capaian.regions import VERSIONS

    for version in VERSIONS:  # the region lists the server gives, without loading the hierarchy
        store.ensure_regions(version)
    console.print(f"{safe_url(state.db)}: schema {store.schema_version()}")


@db_app.command("status")
def db_status() -> None:
    """Versi skema dan isi / schema version and contents."""
    from capaian.store.postgres import safe_url

    store = open_db()
    console.print(f"{safe_url(state.db)}: schema {store.schema_version()}")
    for cutoff in store.list_cutoffs():
        console.print(f"  {cutoff}")


@db_app.command("copy")
def db_copy(
    source: str = typer.Argument(..., help="Penyimpanan sumber / source store: a .duckdb file or postgresql://..."),
    target: str = typer.Argument(..., help="Penyimpanan tujuan baru / new target store: a .duckdb file or postgresql://..."),
    with_accounts: bool = typer.Option(
        False, "--with-accounts",
        help="Ke berkas DuckDB juga salin hash kata sandi, sesi, kunci sesi dan alamat klien / into a DuckDB "
             "file also copy password hashes, sessions, the session secret and client addresses.",
    ),
) -> None:
    """Salin seluruh penyimpanan / copy a whole store between backends (DuckDB <-> PostgreSQL).

    Into a DuckDB file the copy is a snapshot without password hashes, sessions, the session secret
    and client addresses, unless --with-accounts is given."""
    from capaian.present.i18n import tr
    from capaian.store import open_store
    from capaian.store.copy import copy_store

    with open_store(source, create=False) as src, open_store(target) as dst:
        summary = copy_store(src, dst, with_accounts=True if with_accounts else None)
    console.print(
        tr(state.lang, "%(source)s -> %(target)s: %(rows)s rows in %(tables)s tables copied.",
           source=summary.source, target=summary.target, rows=summary.total, tables=len(summary.rows)),
        highlight=False,
    )


@db_app.command("backup")
def db_backup(
    target: Path = typer.Argument(..., help="Berkas cadangan baru / the new backup file (.duckdb)."),
) -> None:
    """Cadangkan penyimpanan DuckDB / back up the embedded store: a checkpoint, then a copy of the
    file; also while `capaian serve` runs on it (the server makes the copy)."""
    from capaian.present.i18n import tr
    from capaian.store.backup import BackupResult, backup_store

    target = Path(os.path.abspath(target))  # a running server has its own working folder
    store, holder = open_db_or_server()
    if store is None:
        from capaian.store.control import ask

        result = BackupResult(**ask(state.db, "backup", {"target": str(target)}, holder=holder))
    else:
        with store:
            result = backup_store(store, target)
    console.print(
        tr(state.lang, "%(source)s -> %(target)s: %(size)s bytes, schema %(version)s, %(submissions)s "
           "submissions (last: %(last)s).", source=result.source, target=result.target, size=result.size,
           version=result.schema_version, submissions=result.submissions, last=result.last_submission or "-"),
        highlight=False, markup=False, soft_wrap=True,
    )


@db_app.command("check")
def db_check(
    replay_wal: bool = typer.Option(
        False, "--replay-wal",
        help="Terapkan .wal yang tertinggal / apply a left-over .wal (writes the last process did not checkpoint).",
    ),
) -> None:
    """Periksa penyimpanan / check a store: a left-over .wal, migrations, orphan rows, run digests."""
    from capaian.present.i18n import tr
    from capaian.store.backup import stale_wal
    from capaian.store.check import check_store
    from capaian.store.postgres import safe_url

    lang = state.lang
    stale = stale_wal(state.db)
    if stale and not replay_wal:  # opening the store would replay it: say so first
        console.print(
            "  " + tr(lang, "%(wal)s holds %(size)s bytes of writes that are not in the store file, and no process "
                      "holds the store: the last process stopped without a checkpoint, or the store file was "
                      "restored beside an old .wal. If you restored the file from a backup, move the .wal away; "
                      "otherwise apply it with `capaian db check --replay-wal`.", wal=str(stale[0]), size=stale[1]),
            highlight=False, markup=False, soft_wrap=True,
        )
        raise typer.Exit(1)
    store = open_db()
    if stale:
        store.con.execute("CHECKPOINT")  # the replayed writes now live in the store file
    report = check_store(store)
    for problem in report.problems:
        mark = tr(lang, "published") + " " if problem.published else ""
        console.print(f"  {mark}{problem.subject}: {problem.text(lang)}", highlight=False, markup=False,
                      soft_wrap=True)
    console.print(
        tr(lang, "%(db)s: schema %(version)s, %(runs)s runs checked, %(problems)s problems.",
           db=safe_url(str(state.db)), version=report.schema_version, runs=report.runs_checked,
           problems=len(report.problems)),
        highlight=False,
    )
    if not report.ok:
        raise typer.Exit(1)
