"""`capaian completeness` and `capaian quality`: who reported, and which figures look wrong."""

from __future__ import annotations

import json

import typer

from capaian.cli.app import app, console, open_db, state
from capaian.cli.evaluation_cmd import DRAFT_HELP, PERIOD_HELP, PROVINCE_HELP, RUN_HELP, Format
from capaian.cli.output import frame_csv
from capaian.cli.region_args import province_code, region_code

DEADLINE_HELP = "Hari setelah tanggal cut-off / days after the as-of date (default $CAPAIAN_DEADLINE_DAYS or 5)."
K_HELP = "Lonjakan: k × MAD / a jump: k × MAD (default $CAPAIAN_QUALITY_K or 5)."


@app.command("completeness")
def completeness_cmd(
    cutoff: str = typer.Option(..., "--cutoff", help="Cut-off, e.g. 2020-11-H1."),
    province: str = typer.Option(None, "--province", help=PROVINCE_HELP),
    deadline: int = typer.Option(None, "--deadline-days", help=DEADLINE_HELP),
    fmt: Format = typer.Option(Format.table, "--format", help="table, json or csv."),
) -> None:
    """Kelengkapan dan ketepatan laporan / reporting completeness and timeliness of a cut-off."""
    from capaian.accounts import OPERATOR
    from capaian.access import allowed
    from capaian.present.i18n import tr
    from capaian.quality import completeness
    from capaian.quality.text import status_label

    province = province_code(province)
    found = completeness(open_db(), cutoff, deadline=deadline).only(
        lambda code: allowed(OPERATOR, "view_below", code)
        and (province is None or code.split(".")[0] == province))
    if fmt is Format.json:
        console.print_json(json.dumps(found.to_dict(), default=str))
        return
    if fmt is Format.csv:
        typer.echo(frame_csv(found.frame()), nl=False)
        return
    lang = state.lang
    c = found.counts()
    console.print(tr(lang, "Reporting %(cutoff)s (deadline %(deadline)s, %(days)s days after the as-of date): "
                     "%(reported)s of %(offices)s offices reported, %(late)s late, %(partial)s partial, "
                     "%(missing)s sent nothing", cutoff=found.cutoff, deadline=found.deadline,
                     days=found.deadline_days, reported=c["reported"], offices=c["offices"], late=c["late"],
                     partial=c["partial"], missing=c["missing"]), highlight=False, markup=False, soft_wrap=True)
    for o in found.offices:
        if o.status in ("on_time", "register") and o.complete:
            continue  # the table lists what needs attention
        extra = ""
        if o.partial:
            extra = " — " + tr(lang, "missing: %(facts)s", facts=", ".join(o.missing_facts))
        when = f" {o.submitted_at}" if o.submitted_at else ""
        console.print(f"{o.code} {o.name}: {status_label(o.status, lang)}{when}{extra}", highlight=False, soft_wrap=True,
                      markup=False)


@app.command("quality")
def quality_cmd(
    cutoff: str = typer.Option(None, "--cutoff", help="Cut-off, e.g. 2020-11-H1 (default: the newest)."),
    province: str = typer.Option(None, "--province", help=PROVINCE_HELP),
    type_: str = typer.Option(None, "--type", help="Jenis tanda / flag type, e.g. jump."),
    severity: str = typer.Option(None, "--severity", help="high, medium or low."),
    k: float = typer.Option(None, "--k", help=K_HELP),
    run: int = typer.Option(None, "--run", help=RUN_HELP),
    draft: bool = typer.Option(False, "--draft", help=DRAFT_HELP),
    fmt: Format = typer.Option(Format.table, "--format", help="table, json or csv."),
    period: str = typer.Option(None, "--period", help=PERIOD_HELP),
) -> None:
    """Tanda kualitas data / data-quality flags of a cut-off (they never change a figure)."""
    from capaian.accounts import OPERATOR
    from capaian.access import allowed
    from capaian.present.i18n import tr
    from capaian.quality.flags import counts, mad_k, select
    from capaian.quality.service import flags_for_choice
    from capaian.quality.text import flag_line
    from capaian.runs import Catalog, choose

    province = province_code(province)
    store = open_db()
    choice = choose(Catalog.from_store(store), user=OPERATOR, cutoff=cutoff, run_id=run, draft=draft, period=period)
    flags = [f for f in flags_for_choice(store, choice, k=k)
             if allowed(OPERATOR, "view", f.region_code, choice.published)]
    shown = select(flags, type_, province, severity)
    if fmt is Format.json:
        payload = {"run_id": choice.run_id, "cutoff": choice.cutoff, "k": mad_k(k), "counts": counts(flags),
                   "flags": [f.to_dict() for f in shown]}
        console.print_json(json.dumps(payload, default=str))
        return
    if fmt is Format.csv:
        from capaian.records.render import csv_text

        rows = [{**{k_: v for k_, v in f.to_dict().items() if k_ != "evidence"},
                 "evidence": json.dumps(f.evidence, default=str)} for f in shown]
        columns = list(dict.fromkeys(k_ for r in rows for k_ in r)) or ["key"]
        typer.echo(csv_text(rows, columns), nl=False)
        return
    lang = state.lang
    console.print(tr(lang, "Data-quality flags %(cutoff)s (run %(run)s, jump = k × MAD with k = %(k)s): %(n)s",
                     cutoff=choice.cutoff, run=choice.run_id, k=mad_k(k), n=len(shown)),
                  highlight=False, markup=False, soft_wrap=True)
    for f in shown:
        console.print(f"{f.region_code} {f.region_name} · {f.indicator}: {flag_line(f, lang)}",
                      highlight=False, markup=False, soft_wrap=True)


@app.command("forecast")
def forecast_cmd(
    code: str = typer.Argument(..., help="Kode, nama atau singkatan wilayah / region code, name or abbreviation."),
    cutoff: str = typer.Option(None, "--cutoff", help="Cut-off, e.g. 2020-09-H2 (default: the newest)."),
    k: int = typer.Option(None, "--k", help="Cut-off terakhir untuk laju / last cut-offs of the pace (default 6)."),
    run: int = typer.Option(None, "--run", help=RUN_HELP),
    draft: bool = typer.Option(False, "--draft", help=DRAFT_HELP),
    fmt: Format = typer.Option(Format.table, "--format", help="table or json."),
    period: str = typer.Option(None, "--period", help=PERIOD_HELP),
) -> None:
    """Perkiraan capaian ambang / forecast to target at the current pace."""
    from capaian.accounts import OPERATOR
    from capaian.present.i18n import tr
    from capaian.quality.service import region_forecast
    from capaian.quality.text import allocation_line, error_note, forecast_line
    from capaian.runs import Catalog, choose

    code = region_code(code)
    store = open_db()
    choice = choose(Catalog.from_store(store), user=OPERATOR, region=code, cutoff=cutoff, run_id=run, draft=draft,
                    period=period)
    found = region_forecast(store, choice, code, k=k)
    if fmt is Format.json:
        payload = {"run_id": choice.run_id, "cutoff": choice.cutoff, "region_code": code, "k": found["k"],
                   "mae_pp": found["mae_pp"], "forecasts": [f.to_dict() for f in found["forecasts"]],
                   "allocations": [a.to_dict() for a in found["allocations"]]}
        console.print_json(json.dumps(payload, default=str))
        return
    lang = state.lang
    rubric = __import__("capaian.rubrics", fromlist=["load_rubric"]).load_rubric(choice.rubric)
    labels = {i.id: i.label.get(lang) for i in rubric.indicators}
    console.print(f"{code} · {choice.cutoff} · {error_note(found['mae_pp'], lang)} (k = {found['k']})",
                  highlight=False, markup=False, soft_wrap=True)
    if not found["forecasts"]:
        console.print(tr(lang, "No forecast: fewer than 3 cut-offs of history this year."), highlight=False,
                      markup=False, soft_wrap=True)
    for f in found["forecasts"]:
        console.print(forecast_line(f, labels.get(f.indicator, f.indicator), lang), highlight=False, markup=False,
                      soft_wrap=True)
    for a in found["allocations"]:
        console.print(allocation_line(a, labels.get(a.indicator, a.indicator), lang), highlight=False,
                      markup=False, soft_wrap=True)
