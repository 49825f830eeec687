"""`capaian db ...`: create and inspect the embedded store."""

from __future__ import annotations

import typer

from capaian.cli.app import app, console, open_db, state, sub_app

db_app = sub_app("Basis data tertanam / the embedded DuckDB store.")
app.add_typer(db_app, name="db")


@db_app.command("init")
def db_init() -> None:
    """Buat/migrasikan basis data / create or migrate the store."""
    store = open_db(create=True)
    console.print(f"{state.db}: schema {store.schema_version()}")


@db_app.command("status")
def db_status() -> None:
    """Versi skema dan isi / schema version and contents."""
    store = open_db()
    console.print(f"{state.db}: schema {store.schema_version()}")
    for cutoff in store.list_cutoffs():
        console.print(f"  {cutoff}")
