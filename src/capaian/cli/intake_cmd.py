"""`capaian import ...` and `capaian template ...`: bring data in, hand out templates."""

from __future__ import annotations

from pathlib import Path

import typer

from capaian.cli.app import app, console, err_console, load_library, open_db, state, sub_app
from capaian.errors import CapaianError, output_error

import_app = sub_app("Impor data / import data.")
template_app = sub_app("Templat pengiriman / submission templates.")
app.add_typer(import_app, name="import")
app.add_typer(template_app, name="template")


def resolve_operator(store, operator: str | None) -> tuple[str, str | None]:
    """(actor name, jurisdiction) of `--as`: a user name, or a region code acting for itself."""
    if operator is None:
        return "cli", None
    from capaian.accounts import get_user

    user = get_user(store, operator)
    if user is not None:
        return user.name, user.scope
    from capaian.regions import normalize_code

    try:
        return operator, normalize_code(operator)
    except CapaianError:
        raise CapaianError(
            f"Operator {operator!r} tidak dikenal: berikan nama pengguna atau kode wilayah.",
            f"Unknown operator {operator!r}: give a user name or a region code.",
        ) from None


@import_app.command("submission")
def import_submission_cmd(
    file: Path = typer.Argument(..., help="CSV atau XLSX / CSV or XLSX submission file."),
    operator: str = typer.Option(None, "--as", help="Pengguna atau kode wilayah pengirim / submitter."),
    sheet: str = typer.Option(
        None, "--sheet", help="Lembar XLSX yang dibaca / the XLSX sheet to read (when several hold data)."
    ),
) -> None:
    """Validasi seluruh berkas lalu simpan utuh / validate the whole file, then store it whole.

    Files over CAPAIAN_UPLOAD_MAX_MB (20 MB) are refused before they are read; at most 200 problems are listed, with
    the count of every kind.
    """
    from capaian.intake import SubmissionInvalid, import_submission

    store = open_db(create=True)
    actor, scope = resolve_operator(store, operator)
    try:
        result = import_submission(store, file, actor=actor, operator_scope=scope, sheet=sheet)
    except SubmissionInvalid as exc:
        report = exc.report
        for problem in report.problems:
            err_console.print(problem.text(), highlight=False, markup=False, soft_wrap=True)
        err_console.print(
            f"{report.counts_text('id')}, tidak ada yang disimpan / "
            f"{report.counts_text('en')}, nothing stored.",
            highlight=False, markup=False, soft_wrap=True,
        )
        raise typer.Exit(1) from None
    console.print(result.summary(state.lang), highlight=False)


def _print_summary(summary) -> None:
    console.print(summary.text(state.lang), highlight=False)
    if summary.quarantined:
        raise typer.Exit(2)


@import_app.command("register")
def import_register_cmd(
    file: Path = typer.Argument(..., help="Ekstrak register penduduk (Parquet/CSV)."),
    actor: str = typer.Option("cli", "--as", help="Siapa yang mengimpor / who imports."),
) -> None:
    """Impor ekstrak register penduduk / import a resident register extract.

    Rejected rows go to quarantine with their reason (exit code 2 when there are any).
    """
    from capaian.register import import_register

    _print_summary(import_register(open_db(create=True), file, actor=actor))


@import_app.command("events")
def import_events_cmd(
    file: Path = typer.Argument(..., help="Ekstrak peristiwa layanan (Parquet/CSV)."),
    actor: str = typer.Option("cli", "--as", help="Siapa yang mengimpor / who imports."),
) -> None:
    """Impor peristiwa layanan dokumen / import service events (quarantine as for the register)."""
    from capaian.register import import_events

    _print_summary(import_events(open_db(create=True), file, actor=actor))


@template_app.command("submission")
def template_submission_cmd(
    cutoff: str = typer.Option(..., "--cutoff", help="Cut-off, e.g. 2020-11-H1."),
    region: str = typer.Option(..., "--region", help="Provinsi atau kab/kota / province or regency."),
    output: Path = typer.Option(None, "-o", "--output", help="Berkas .csv atau .xlsx."),
) -> None:
    """Tulis templat pengiriman terisi kode wilayah / write a pre-filled submission template."""
    from capaian.cli.region_args import region_code
    from capaian.intake import write_template

    region = region_code(region, tiers=("province", "regency"))
    load_library()  # the base in force may be one added to the store
    target = output or Path(f"submission-{region}-{cutoff}.csv")
    try:
        write_template(target, cutoff, region)
    except OSError as exc:
        raise output_error(target, exc) from None
    from capaian.library import base_warning

    warning = base_warning(cutoff)  # the pre-filled base may be past its successor: say which to add
    if warning is not None:
        err_console.print(warning.text(state.lang), highlight=False, markup=False, soft_wrap=True)
    console.print(f"{target}")
