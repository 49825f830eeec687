"""`capaian export site DIR`: the public's published data as static files (`capaian.records.export`)."""

from __future__ import annotations

from pathlib import Path

import typer

from capaian.cli.app import app, console, open_db, state, sub_app

export_app = sub_app("Ekspor data terbit / export published data.")
app.add_typer(export_app, name="export")


@export_app.command("site")
def export_site_cmd(
    folder: Path = typer.Argument(..., help="Folder tujuan / the folder to write (made if missing)."),
    cutoff: list[str] = typer.Option(None, "--cutoff", help="Cut-off, boleh berulang / repeatable (default: all published)."),
    year: int = typer.Option(None, "--year", help="Semua cut-off terbit satu tahun / every published cut-off of a year."),
) -> None:
    """Data terbit sebagai situs statis / the published runs' data as a static site (JSON, CSV, Parquet,
    datapackage.json, index.html; relative links)."""
    from capaian.present.i18n import tr
    from capaian.records.export import export_site
    from capaian.runs import Catalog

    store = open_db()
    wanted = list(cutoff) if cutoff else None
    if year is not None:
        of_year = [c for c in Catalog.from_store(store).cutoffs(published_only=True) if c.startswith(f"{year}-")]
        wanted = [c for c in (wanted or of_year) if c in of_year]
    done = export_site(store, folder, cutoffs=wanted)
    console.print(tr(state.lang, "Exported %(cutoffs)s published cut-offs, %(files)s files, into %(folder)s",
                     cutoffs=len(done["cutoffs"]), files=done["files"], folder=str(folder)), highlight=False)
