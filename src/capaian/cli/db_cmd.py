"""`capaian db ...`: create, inspect, check and copy the store (DuckDB or PostgreSQL)."""

from __future__ import annotations

import typer

from capaian.cli.app import app, console, open_db, state, sub_app

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


@db_app.command("check")
def db_check() -> None:
    """Periksa penyimpanan / check a store: migrations, orphan rows, run digests."""
    from capaian.present.i18n import tr
    from capaian.store.check import check_store
    from capaian.store.postgres import safe_url

    lang = state.lang
    report = check_store(open_db())
    for problem in report.problems:
        mark = tr(lang, "published") + " " if problem.published else ""
        console.print(f"  {mark}{problem.subject}: {problem.text(lang)}", highlight=False, markup=False)
    console.print(
        tr(lang, "%(db)s: schema %(version)s, %(runs)s runs checked, %(problems)s problems.",
           db=safe_url(str(state.db)), version=report.schema_version, runs=report.runs_checked,
           problems=len(report.problems)),
        highlight=False,
    )
    if not report.ok:
        raise typer.Exit(1)
