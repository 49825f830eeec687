"""Command-line interface: a thin Typer layer over the library.

Every command opens the store given by `--db` (or `CAPAIAN_DB`, default `./capaian.duckdb`): a
DuckDB file, or a `postgresql://` URL for the server deployment (docs/deploy.md).
Errors a user can act on print one line (Indonesian / English) and exit 1, never a traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Optional

import typer
from rich.console import Console

from capaian.errors import CapaianError

app = typer.Typer(
    help="capaian: capaian kinerja dan levelisasi Disdukcapil / performance levels of "
    "civil-registration offices.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)


class State:
    db: Optional[str] = None
    lang: str = "id"


state = State()


@app.callback()
def _root(
    db: Optional[str] = typer.Option(
        None, "--db",
        help="Store: a DuckDB file or a postgresql://user@host/db URL (default: $CAPAIAN_DB or ./capaian.duckdb).",
    ),
    lang: str = typer.Option("id", "--lang", help="Language of output: id (default) or en."),
) -> None:
    """capaian: capaian kinerja Disdukcapil / civil-registration office performance."""
    state.db = db or os.environ.get("CAPAIAN_DB") or "capaian.duckdb"
    state.lang = lang if lang in ("id", "en") else "id"


def open_db():
    """The store named by --db, created and migrated on first use."""
    from capaian.store import open_store

    return open_store(state.db)


def main() -> None:
    """Console-script entry point: runs the app, turning known errors into one-line messages."""
    from capaian.cli import commands  # noqa: F401  (registers the sub-commands)

    try:
        app()  # standalone: usage errors print click's message and exit 2
    except CapaianError as exc:
        err_console.print(f"error: {exc.text()}", highlight=False, soft_wrap=True, markup=False)
        sys.exit(1)
