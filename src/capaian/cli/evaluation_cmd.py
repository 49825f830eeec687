"""`capaian evaluate`, `capaian explain`, `capaian publish`, `capaian runs`: evaluation runs."""

from __future__ import annotations

from enum import Enum

import typer

from capaian.cli.app import app, console, open_db, state, sub_app
from capaian.cli.output import (cell_text, echo_json, fit_names, frame_csv, indicator_legend, level_table_rows,
                                wrap_lines)
from capaian.cli.region_args import province_code, region_code, tier_name
from capaian.present.i18n import N_, tr

runs_app = sub_app("Run evaluasi / evaluation runs.")
app.add_typer(runs_app, name="runs")


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


TIERS = ("province", "regency", "district", "village", "national")
TIER_HELP = "province|regency|district|village|national (provinsi, kabkota, kecamatan, desa, nasional)"
WIDE_HELP = "Semua nilai, selebar apa pun / every value, however wide (default: fits the terminal)."
PROVINCE_HELP = "Hanya satu provinsi: kode, nama atau singkatan / only one province: code, name or abbreviation (65, Kaltara)."
REVISION_HELP = (
    "Revisi fakta yang dipakai (bawaan: terbaru) / fact revision to evaluate (default: current)."
)
TARGET_SET_HELP = (
    "Target regional (id atau berkas YAML), boleh berulang / regional target set (id or YAML file), "
    "repeatable. Default: national targets of the rubric."
)


def _evaluate(cutoff: str, rubric: str | None, target_sets: list[str] | None, revision: int | None = None):
    from capaian.cli.app import err_console
    from capaian.library import base_warning, rubric_problem
    from capaian.periods import check_not_future
    from capaian.rubrics import load_target_set
    from capaian.service import evaluate_cutoff

    check_not_future(cutoff)  # a future cut-off is refused as such before anything else is said
    store = open_db()  # first: the target sets and rubrics added to the store become known
    sets = tuple(load_target_set(t) for t in (target_sets or ()))
    refusal = None if rubric else rubric_problem(cutoff)  # no rubric in force: refused, nothing else said
    if refusal is not None:
        raise refusal
    for warning in (rubric_problem(cutoff, rubric) if rubric else None, base_warning(cutoff)):
        if warning is not None:  # one line each, naming the command that fixes it
            err_console.print(warning.text(state.lang), highlight=False, markup=False, soft_wrap=True)
    return evaluate_cutoff(store, cutoff, rubric_id=rubric, target_sets=sets, actor="cli",
                           fact_revision=revision)


@app.command("evaluate")
def evaluate_cmd(
    cutoff: str = typer.Option(..., "--cutoff", help="Cut-off, e.g. 2020-11-H1."),
    rubric: str = typer.Option(None, "--rubric", help="Rubrik / rubric id, e.g. levelisasi-2020."),
    tier: str = typer.Option("province", "--tier", help=TIER_HELP),
    province: str = typer.Option(None, "--province", help=PROVINCE_HELP),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
    fmt: Format = typer.Option(Format.table, "--format", help="table, json or csv."),
    target_set: list[str] = typer.Option(None, "--target-set", help=TARGET_SET_HELP),
    revision: int = typer.Option(None, "--revision", help=REVISION_HELP),
) -> None:
    """Evaluasi satu cut-off dan tampilkan peringkat / evaluate a cut-off, print the ranking."""
    tier = _tier(tier)
    province = province_code(province)
    from capaian.accounts import OPERATOR
    from capaian.runs import pick

    made = _evaluate(cutoff, rubric, target_set, revision)
    view, choice = pick(open_db(), user=OPERATOR, run_id=made.run_id)  # with its previous run's changes
    _print_ranking(view, choice, tier, province, fmt, wide)


def _tier(text: str) -> str:
    tier = tier_name(text)
    if tier not in TIERS:
        raise typer.BadParameter(f"tier must be one of {', '.join(TIERS)}", param_hint="--tier")
    return tier


RUN_HELP = "Nomor run / a run id (default: the picker's choice for the cut-off)."
PERIOD_HELP = ("Triwulan / a quarter, e.g. 2022-Q1: the final run of its last cut-off (2022-03-H2), "
               "the recorded one once the quarter is closed (`capaian quarter close`).")
DRAFT_HELP = "Run terbaru walau belum terbit / the newest run, published or not (default: published only)."


def pick_view(code: str, cutoff: str | None, rubric: str | None, target_set: list[str] | None,
              run: int | None, draft: bool, period: str | None = None):
    """(view, choice): the run the one picker (`capaian.runs.select`) chooses for the command line."""
    from capaian.accounts import OPERATOR
    from capaian.rubrics import load_target_set
    from capaian.runs import pick, target_set_id

    store = open_db()  # first: the target sets added to the store become known
    sets = target_set_id(tuple(load_target_set(t) for t in target_set)) if target_set else None
    return pick(store, user=OPERATOR, region=code, cutoff=cutoff, rubric=rubric, run_id=run,
                draft=draft, target_set=sets, period=period)


def _flags(choice) -> dict:
    """The chosen run's data-quality flags by (region, indicator), as /api/results shows them."""
    from capaian.quality.flags import by_row
    from capaian.quality.service import flags_for_choice

    return by_row(flags_for_choice(open_db(), choice))


@app.command("explain")
def explain_cmd(
    code: str = typer.Argument(..., help="Kode, nama atau singkatan wilayah / region code, name or abbreviation: "
                               "65, Kaltara, Malinau, 65.71."),
    cutoff: str = typer.Option(None, "--cutoff", help="Cut-off, e.g. 2020-11-H1 (default: the newest)."),
    rubric: str = typer.Option(None, "--rubric", help="Rubrik / rubric id."),
    fmt: Format = typer.Option(Format.table, "--format", help="table (text), json or csv."),
    target_set: list[str] = typer.Option(None, "--target-set", help=TARGET_SET_HELP),
    run: int = typer.Option(None, "--run", help=RUN_HELP),
    draft: bool = typer.Option(False, "--draft", help=DRAFT_HELP),
    period: str = typer.Option(None, "--period", help=PERIOD_HELP),
) -> None:
    """Mengapa level ini dan apa yang perlu untuk naik / why this level, what reaches the next."""
    code = region_code(code)
    view, choice = pick_view(code, cutoff, rubric, target_set, run, draft, period)
    explanation = view.explain(code)
    if fmt is not Format.table:  # the region's record set, as its page's .json / .csv
        from capaian.records import region_set

        _print_records(region_set(view, explanation.region_code, flags=_flags(choice)), view, fmt)
        return
    from capaian.present.i18n import tr
    from capaian.reports.common import draft_label, period_label

    lines = explanation.lines(state.lang)
    draft = draft_label(view, state.lang)
    lines = lines[:1] + _rank_lines(view, explanation.region_code, state.lang) + lines[1:]
    if draft:
        lines = [f"{draft} — " + tr(state.lang, "unpublished run, provisional figures"), *lines]
    quarter = period_label(view, state.lang)
    if quarter:
        lines = [f"{quarter} ({view.cutoff}, run {view.run_id})", *lines]
    lines += _flag_lines(choice, explanation.region_code)
    typer.echo("\n".join(wrap_lines(lines, _width())))  # plain lines: no need to load Rich here


def _width() -> int:
    """The terminal's width, as the tables take it ($COLUMNS first; 80 when it cannot be told)."""
    import shutil

    return max(40, shutil.get_terminal_size((80, 24)).columns)


def _rank_lines(view, code: str, lang: str) -> list[str]:
    """`Peringkat nasional: ke-4 dari 34 provinsi`, and for a regency its rank in the province."""
    from capaian.present.i18n import tr
    from capaian.reports.common import PEERS_TEXT, rank_text

    row = view.region_row(code)
    out = []
    words = PEERS_TEXT.get(str(row["tier"]))
    if words:
        out.append(f"{tr(lang, 'National rank')}: {rank_text(row['rank_national'], row['peers_national'], words, lang)}")
    if str(row["tier"]) == "regency":
        out.append(f"{tr(lang, 'Rank in province')}: "
                   f"{rank_text(row['rank_province'], row['peers_province'], 'regencies/cities in its province', lang)}")
    return out


def _flag_lines(choice, code: str) -> list[str]:
    """The data-quality flags of the region in the chosen run, beside its figures (they never change one)."""
    from capaian.present.i18n import tr
    from capaian.quality.service import region_flags
    from capaian.quality.text import flag_line

    flags = region_flags(open_db(), choice, code)
    if not flags:
        return []
    return [tr(state.lang, "Data-quality flags:"), *(f"  {f.indicator}: {flag_line(f, state.lang)}" for f in flags)]


@app.command("results")
def results_cmd(
    cutoff: str = typer.Option(None, "--cutoff", help="Cut-off, e.g. 2020-11-H1 (default: the newest)."),
    rubric: str = typer.Option(None, "--rubric", help="Rubrik / rubric id."),
    tier: str = typer.Option("province", "--tier", help=TIER_HELP),
    province: str = typer.Option(None, "--province", help=PROVINCE_HELP),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
    fmt: Format = typer.Option(Format.table, "--format", help="table, json or csv."),
    target_set: list[str] = typer.Option(None, "--target-set", help=TARGET_SET_HELP),
    run: int = typer.Option(None, "--run", help=RUN_HELP),
    draft: bool = typer.Option(False, "--draft", help=DRAFT_HELP),
    period: str = typer.Option(None, "--period", help=PERIOD_HELP),
) -> None:
    """Hasil tersimpan tanpa evaluasi ulang / stored results, as the dashboard shows them."""
    tier = _tier(tier)
    province = province_code(province)
    view, choice = pick_view(province or "ID", cutoff, rubric, target_set, run, draft, period)
    _print_ranking(view, choice, tier, province, fmt, wide)


def _print_records(record_set: dict, view, fmt: Format) -> None:
    """A record set (`capaian.records`) through the one renderer of its format."""
    from capaian.records import render, results_table

    body, _ = render(results_table(record_set, [i.id for i in view.rubric.indicators]), fmt.value)
    if fmt is Format.json:
        echo_json(body.decode())
    else:
        typer.echo(body.decode(), nl=False)


def _print_ranking(view, choice, tier: str, province: str | None, fmt: Format, wide: bool = False) -> None:
    from rich.table import Table

    rows = view.tier(tier, province=province)
    if fmt is not Format.table:  # the record set, as /api/results gives it
        from capaian.records import results_set

        flags = _flags(choice) if tier in ("province", "regency") else {}
        _print_records(results_set(view, rows, tier, flags=flags), view, fmt)
        return
    header, body = level_table_rows(rows, view.indicators, view, state.lang, wide=wide)
    if not wide:
        body = fit_names(header, body, console.width, state.lang)
    from capaian.reports.common import draft_label, period_label

    draft = draft_label(view, state.lang)
    title = " · ".join(t for t in (period_label(view, state.lang), view.meta["rubric"], view.cutoff,
                                   f"run {view.run_id}") if t)
    table = Table(title=f"{draft} — {title}" if draft else title)
    for i, head in enumerate(header):
        table.add_column(head, no_wrap=i != 2 or wide, justify="center" if i > 4 and not wide else "left",
                         overflow="fold")  # a name wraps between words, never cut to "K…"
    for row in body:
        table.add_row(*row)
    _print_table(table, wide)
    if not wide:
        console.print(indicator_legend(view, state.lang, console.width), highlight=False, markup=False)


def _print_table(table: Table, wide: bool) -> None:
    """At the terminal's width, or with `wide` at the table's own width (however wide)."""
    from rich.console import Console

    (Console(width=100_000) if wide else console).print(table)


@app.command("publish")
def publish_cmd(
    run_id: int = typer.Argument(..., help="Nomor run / run id (see `capaian runs list`)."),
    actor: str = typer.Option("cli", "--as", help="Siapa yang menerbitkan / who publishes."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Hanya tinjau perubahan terhadap run terbit terakhir / "
                                 "only review the changes against the last published run (publishes nothing)."),
    fmt: str = typer.Option("table", "--format", help="--dry-run: table | json."),
    resume: bool = typer.Option(False, "--resume", help="Run sudah terbit: lanjutkan pemanggangan / the run is "
                                                        "already published: finish its interrupted bake."),
    bake: bool = typer.Option(True, "--bake/--no-bake", help="Panggang halaman publiknya / bake its public pages "
                                                             "(`capaian bake`)."),
) -> None:
    """Terbitkan run (tidak bisa diubah lagi) / publish a run (it can't be changed afterwards), then
    bake its public pages and their twins (`capaian bake`)."""
    from capaian.cli.bake_cmd import bake_with_bar
    from capaian.present.i18n import tr
    from capaian.quality.saved import save_published

    store = open_db()
    if dry_run:
        _print_review(store, run_id, fmt)
        return
    if not (resume and store.is_published(run_id)):
        store.publish_run(run_id, actor)
        save_published(store, run_id)  # the public's first view of it reads them, computed once here
        console.print(tr(state.lang, "Run %(run)s is published.", run=run_id), highlight=False)
    if bake:
        bake_with_bar(store, run_id)


def _print_review(store, run_id: int, fmt: str) -> None:
    """The publish review (`capaian.runs.review`) as lines or JSON."""
    import json

    from capaian.present import numbers
    from capaian.present.i18n import tr
    from capaian.runs import Catalog
    from capaian.runs.review import review
    from capaian.service import get_run

    rv = review(Catalog.from_store(store), run_id, lambda i: get_run(store, run_id=i))
    if fmt == "json":
        typer.echo(json.dumps(rv.to_dict(), ensure_ascii=False, indent=1))
        return
    lang = state.lang
    out = [tr(lang, "Run %(run)s (%(cutoff)s, %(rubric)s, %(target_set)s): not published (dry run).", run=run_id,
              cutoff=rv.cutoff, rubric=rv.rubric, target_set=rv.target_set)]
    if rv.baseline is None:
        out.append(tr(lang, "No published run to compare with."))
    else:
        out.append(tr(lang, "Compared with run %(run)s (%(cutoff)s):", run=rv.baseline, cutoff=rv.baseline_cutoff))
        level = lambda v: numbers.DASH if v is None else f"L{v}"  # noqa: E731
        for tier, title in (("province", N_("Provinces that change level")),
                            ("regency", N_("Regencies/cities that change level"))):
            changes = rv.level_changes(tier)
            out.append(f"{tr(lang, title)}: {len(changes)}")
            out += [f"  {c.code} {c.name}: {level(c.before)} → {level(c.after)}" for c in changes]
        out.append(tr(lang, "Indicators that flip: %(n)s", n=len(rv.flips)))
        out += [f"  {x.code} {x.name} · {x.indicator}: {numbers.status_word(x.before, lang) if x.before else numbers.DASH}"
                f" → {numbers.status_word(x.after, lang)}" for x in rv.flips]
    console.print("\n".join(out), highlight=False, markup=False)


RUN_COLUMNS = {  # column -> its heading in the default (fitting) table; --wide shows every column by name
    "id": N_("run"), "cutoff": N_("cut-off"), "rubric": N_("rubric"), "target_set": N_("target set"),
    "fact_revision": N_("revision"), "created_at": N_("created"), "published_at": N_("published"),
}


@runs_app.command("list")
def runs_list(
    fmt: Format = typer.Option(Format.table, "--format"),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """Daftar run evaluasi / list evaluation runs."""
    from rich.table import Table

    runs = open_db().list_runs()
    if fmt is Format.json:
        echo_json(runs.to_json(orient="records", date_format="iso"))
        return
    if fmt is Format.csv:
        typer.echo(frame_csv(runs), nl=False)
        return
    shown = list(runs.columns) if wide else [c for c in RUN_COLUMNS if c in runs.columns]
    table = Table(*[str(c) if wide else tr(state.lang, RUN_COLUMNS[c]) for c in shown])
    for row in runs[shown].itertuples(index=False):
        table.add_row(*[cell_text(v, state.lang) for v in row])
    _print_table(table, wide)
