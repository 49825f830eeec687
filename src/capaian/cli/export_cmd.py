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
    reports: str = typer.Option("national", "--reports", help="Laporan PDF/xlsx/md: national | all (+ provinsi / "
                                "provinces) | none."),
    base_url: str = typer.Option(None, "--base-url", help="Alamat situs untuk sitemap.xml dan data.json / the site's "
                                 "address, for absolute locations in sitemap.xml and data.json."),
) -> None:
    """Data terbit sebagai situs statis / the published runs as a static site: pages, JSON, CSV, Parquet,
    PDF and workbooks, datapackage.json, data.json (DCAT), sitemap.xml, index.html; relative links."""
    from capaian.present.i18n import tr
    from capaian.records.export import REPORT_CHOICES, export_site
    from capaian.runs import Catalog

    store = open_db()
    wanted = list(cutoff) if cutoff else None
    if year is not None:
        of_year = [c for c in Catalog.from_store(store).cutoffs(published_only=True) if c.startswith(f"{year}-")]
        wanted = [c for c in (wanted or of_year) if c in of_year]
    if reports not in REPORT_CHOICES:
        raise typer.BadParameter(f"--reports: {' | '.join(REPORT_CHOICES)}")
    done = export_site(store, folder, cutoffs=wanted, reports=reports, base_url=base_url,
                       progress=lambda cut: console.print(cut, highlight=False))
    console.print(tr(state.lang, "Exported %(cutoffs)s published cut-offs, %(files)s files, into %(folder)s",
                     cutoffs=len(done["cutoffs"]), files=done["files"], folder=str(folder)), highlight=False)
