"""`capaian submission ...`: the stored submission files, their status and what each replaced; the undo."""

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


@submission_app.command("revert")
def submission_revert(
    submission_id: int = typer.Argument(..., help="Nomor pengiriman / the submission whose values come back."),
    operator: str = typer.Option(None, "--as", help="Pengguna atau kode wilayah / acting user or region code."),
) -> None:
    """Berlakukan lagi nilai pengiriman lama / make an earlier submission's values current again
    (the undo of a later correction; audited as submission.revert)."""
    from capaian.cli.intake_cmd import resolve_operator
    from capaian.intake import revert_submission

    store = open_db()
    actor, scope = resolve_operator(store, operator)
    result = revert_submission(store, submission_id, actor=actor, operator_scope=scope)
    console.print(result.summary(state.lang), highlight=False, soft_wrap=True)
