"""`capaian submission ...`: the stored submission files, their status and what each replaced."""

from __future__ import annotations

import typer

from capaian.cli.app import app, console, open_db, state, sub_app

submission_app = sub_app("Pengiriman tersimpan / stored submissions.")
app.add_typer(submission_app, name="submission")


@submission_app.command("list")
def submission_list(
    cutoff: str = typer.Option(None, "--cutoff", help="Hanya cut-off ini / only this cut-off."),
) -> None:
    """Daftar pengiriman / list the stored submissions, with their status and what each replaced."""
    from rich.table import Table

    from capaian.intake.submission import SUBMISSION_STATUS
    from capaian.present.i18n import tr

    lang = state.lang
    frame = open_db().list_submissions(cutoff)
    table = Table("#", tr(lang, "Cut-off"), tr(lang, "File"), tr(lang, "By"), tr(lang, "Rows"),
                  tr(lang, "Status"), tr(lang, "Replaces"))
    for row in frame.to_dict("records"):
        status = SUBMISSION_STATUS.get(row["status"])
        table.add_row(
            str(row["id"]), row["cutoff"], row["file_name"] or "", row["submitter"] or "",
            str(row["rows"] or 0), tr(lang, status) if status else str(row["status"]),
            ", ".join(f"#{i}" for i in row["supersedes"] or []),
        )
    console.print(table)
