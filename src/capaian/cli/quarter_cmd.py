"""`capaian quarter close/show/list`: quarters and their final results (`capaian.quarters`)."""

from __future__ import annotations

import json

import typer

from capaian.cli.app import app, console, open_db, state, sub_app
from capaian.cli.evaluation_cmd import Format
from capaian.cli.output import echo_json
from capaian.present.i18n import tr

quarter_app = sub_app("Triwulan dan hasil finalnya / quarters and their final results.")
app.add_typer(quarter_app, name="quarter")

QUARTER_ARG = "Triwulan / quarter, e.g. 2022-Q1."


def _lines(result) -> list[str]:
    """`Triwulan I 2022 · final — run 12 (2022-03-H2)` and one line of level tallies per tier."""
    from capaian.present import numbers

    lang = state.lang
    head = f"{numbers.period(result.quarter, result.final, lang)} — run {result.run_id} ({result.cutoff})"
    if result.final:
        head += " · " + tr(lang, "closed %(at)s by %(actor)s", at=numbers.date(result.closed_at, lang),
                           actor=result.closed_by)
    lines = [head]
    words = {"province": tr(lang, "Provinces"), "regency": tr(lang, "Regencies/cities")}
    for tier, counts in result.tallies.items():
        cells = [f"L{level} {numbers.integer(n, lang)}" for level, n in counts.items() if level != "none"]
        if counts.get("none"):
            cells.append(tr(lang, "not assessed") + " " + numbers.integer(counts["none"], lang))
        lines.append(f"  {words[tier]} ({numbers.integer(result.peers[tier], lang)}): " + " · ".join(cells))
    return lines


@quarter_app.command("show")
def quarter_show(
    quarter: str = typer.Argument(..., help=QUARTER_ARG),
    draft: bool = typer.Option(False, "--draft", help="Run terbaru walau belum terbit / the newest run, published or not."),
    fmt: Format = typer.Option(Format.table, "--format", help="table (text) or json."),
) -> None:
    """Hasil satu triwulan dan jumlah per level / one quarter's result and its level tallies."""
    from capaian.present import numbers

    from capaian.quarters import quarter_result

    result = quarter_result(open_db(), quarter, draft=draft)
    if fmt is Format.json:
        echo_json(json.dumps({**result.to_dict(), "label": numbers.period(result.quarter, result.final, state.lang)}))
        return
    typer.echo("\n".join(_lines(result)))


@quarter_app.command("list")
def quarter_list(fmt: Format = typer.Option(Format.table, "--format", help="table (text) or json.")) -> None:
    """Triwulan yang punya run terbit, final atau belum / quarters with a published result, final or not."""
    from capaian.present import numbers

    from capaian.quarters import quarter_result, quarters_with_runs
    from capaian.runs import NoRun

    store = open_db()
    results = []
    for quarter in quarters_with_runs(store):
        try:
            results.append(quarter_result(store, quarter))
        except NoRun:  # its last cut-off has no published run yet
            continue
    if fmt is Format.json:
        echo_json(json.dumps([{**r.to_dict(), "label": numbers.period(r.quarter, r.final, state.lang)}
                              for r in results]))
        return
    typer.echo("\n".join(line for r in results for line in _lines(r)))


@quarter_app.command("close")
def quarter_close(
    quarter: str = typer.Argument(..., help=QUARTER_ARG),
    run: int = typer.Option(None, "--run", help="Run terbit cut-off terakhirnya / a published run of its last "
                            "cut-off (default: the one the picker chooses there)."),
    note: str = typer.Option(None, "--note", help="Catatan / a note kept with the closure."),
    actor: str = typer.Option("cli", "--as", help="Siapa yang menutup / who closes."),
) -> None:
    """Tutup triwulan: hasil finalnya tercatat / close a quarter: its final result is recorded."""
    from capaian.quarters import close_quarter

    result = close_quarter(open_db(), quarter, actor=actor, run_id=run, note=note)
    console.print("\n".join(_lines(result)), highlight=False, markup=False)
