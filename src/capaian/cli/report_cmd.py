"""`capaian report`: Excel workbook, PDF report or narrative of a cut-off for a scope."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from capaian.cli.app import app, console, open_db, state
from capaian.errors import CapaianError, output_error

@app.command("report")
def report_cmd(
    scope: str = typer.Option(
        "ID", "--scope", help="ID/nasional, kode provinsi (65) atau kab/kota (65.71) / the nation, a province or regency."
    ),
    cutoff: str = typer.Option(None, "--cutoff", help="Cut-off, e.g. 2020-11-H1 (default: the newest)."),
    fmt: str = typer.Option(
        None, "--format", help="xlsx, pdf, md or txt (default: from the -o suffix, else md)."
    ),
    lang: str = typer.Option(None, "--lang", help="id (default) or en."),
    output: Path = typer.Option(
        None, "-o", "--output", help="Berkas keluaran / output file ('-' = stdout; default: a name in this folder)."
    ),
    rubric: str = typer.Option(None, "--rubric", help="Rubrik / rubric id, e.g. levelisasi-2020."),
    run: int = typer.Option(None, "--run", help="Nomor run / a run id instead of the cut-off's latest."),
    draft: bool = typer.Option(
        False, "--draft", help="Run terbaru walau belum terbit / the newest run, published or not (default: published only)."
    ),
    target_set: list[str] = typer.Option(
        None, "--target-set", help="Target regional (id atau berkas YAML), boleh berulang / regional target set, "
        "repeatable. Default: national targets of the rubric."
    ),
    period: str = typer.Option(None, "--period", help="Triwulan / a quarter, e.g. 2022-Q1 (its final run)."),
) -> None:
    """Laporan Excel, PDF atau narasi / a workbook, PDF or narrative report of a cut-off."""
    from capaian.cli.region_args import region_code
    from capaian.reports import build_report, infer_format

    fmt = infer_format(fmt, output)
    if lang is not None and lang not in ("id", "en"):
        raise CapaianError(f"--lang {lang!r} tidak dikenal; pilihan: id, en.", f"unknown --lang {lang!r}; expected id or en.")
    language = lang or state.lang
    from capaian.rubrics import load_target_set
    from capaian.runs import target_set_id

    from capaian.accounts import OPERATOR
    from capaian.runs import pick

    code = region_code(scope)
    store = open_db()  # first: the target sets added to the store become known
    sets = target_set_id(tuple(load_target_set(t) for t in target_set)) if target_set else None
    # the run the one picker chooses, as for `explain` and `results`: the newest cut-off by default
    picked = pick(store, user=OPERATOR, region=code, cutoff=cutoff, rubric=rubric, run_id=run, draft=draft,
                  target_set=sets, period=period)
    report = build_report(store, scope=code, fmt=fmt, lang=language, picked=picked)
    if (output is not None and str(output) == "-") or (output is None and fmt in ("md", "txt")):
        sys.stdout.buffer.write(report.content)
        sys.stdout.flush()
        return
    target = output if output is not None else Path(report.filename)
    try:
        target.write_bytes(report.content)
    except OSError as exc:
        raise output_error(target, exc) from None
    console.print(
        f"{target}: {report.format}, {report.scope.title(language)}, run {report.run_id} ({report.cutoff})",
        highlight=False, markup=False,
    )
