"""`capaian rubric simulate DRAFT.yaml --cutoff ...`: what a draft rubric would change, against the
rubric in force, on a cut-off's stored facts (`capaian.evaluate.simulate`); nothing is stored."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from capaian.cli.app import console, open_db, state
from capaian.cli.evaluation_cmd import Format
from capaian.cli.output import echo_json
from capaian.cli.rubric_group import rubric_app
from capaian.present.i18n import N_, tr

TIER_WORDS = {"province": N_("Provinces"), "regency": N_("Regencies/cities")}


def _status(status: str | None, lang: str) -> str:
    from capaian.present import numbers

    return numbers.status_word(status, lang) if status else "–"


def _reason(reason: dict, labels: dict, lang: str) -> str:
    """`KIA 44,76 %: ambang 20 % → 50 %, tercapai → belum tercapai`."""
    from capaian.present import numbers

    deciding = reason["target_draft"] if reason["target_draft"] is not None else reason["target_in_force"]
    met = (reason["status_draft"] or reason["status_in_force"]) == "met"
    value = numbers.indicator_value(reason["kind"], reason["value"], lang, target=deciding, met=met)
    before = "–" if reason["target_in_force"] is None else numbers.threshold(reason["target_in_force"], lang)
    after = "–" if reason["target_draft"] is None else numbers.threshold(reason["target_draft"], lang)
    return tr(lang, "%(indicator)s %(value)s: threshold %(before)s → %(after)s, %(was)s → %(now)s",
              indicator=labels.get(reason["indicator"], reason["indicator"]), value=value, before=before,
              after=after, was=_status(reason["status_in_force"], lang), now=_status(reason["status_draft"], lang))


def _level(value) -> str:
    return "–" if value is None or value != value else f"L{int(value)}"


def render(sim, lang: str, shown: int) -> list[str]:
    """The simulation as text lines (changes, tallies, pass rates, sensitivity)."""
    from capaian.present import numbers

    labels = {i.id: i.label.get(lang) for i in (*sim.in_force.indicators, *sim.draft.indicators)}
    lines = [tr(lang, "Rubric simulation: %(draft)s against %(in_force)s at cut-off %(cutoff)s (nothing is stored)",
                draft=sim.draft.id, in_force=sim.in_force.id, cutoff=sim.cutoff)]
    counts = sim.changes["tier"].value_counts()
    lines.append(tr(lang, "Offices changing level: %(provinces)s provinces, %(regencies)s regencies/cities",
                    provinces=numbers.integer(int(counts.get("province", 0)), lang),
                    regencies=numbers.integer(int(counts.get("regency", 0)), lang)))
    for row in sim.changes.head(shown).to_dict("records"):
        why = "; ".join(_reason(r, labels, lang) for r in row["reasons"])
        lines.append(f"  {row['region_name']} ({row['region_code']}): {_level(row['level_in_force'])} → "
                     f"{_level(row['level_draft'])} — {why}")
    if len(sim.changes) > shown:
        lines.append("  " + tr(lang, "… and %(n)s more (--all shows every office)",
                               n=numbers.integer(len(sim.changes) - shown, lang)))
    lines += ["", tr(lang, "Offices per level (in force → draft)")]
    for tier in ("province", "regency"):
        rows = sim.tallies[sim.tallies["tier"] == tier]
        cells = [f"{_level(r['level']) if r['level'] != 'none' else tr(lang, 'not assessed')} "
                 f"{numbers.integer(r['in_force'], lang)} → {numbers.integer(r['draft'], lang)}"
                 for r in rows.to_dict("records") if r["level"] != "none" or r["in_force"] or r["draft"]]
        lines.append(f"  {tr(lang, TIER_WORDS[tier])}: " + " · ".join(cells))
    lines += ["", tr(lang, "Indicator pass rates (in force → draft)")]
    for tier in ("province", "regency"):
        rows = sim.pass_rates[sim.pass_rates["tier"] == tier]
        cells = [f"{labels.get(r['indicator'], r['indicator'])} {_share(r['in_force'], lang)} → "
                 f"{_share(r['draft'], lang)}" for r in rows.to_dict("records")]
        lines.append(f"  {tr(lang, TIER_WORDS[tier])}: " + " · ".join(cells))
    if sim.sweep is not None and not sim.sweep.empty:
        indicator = sim.sweep["indicator"].iloc[0]
        lines += ["", tr(lang, "Sensitivity of %(indicator)s (draft rubric): offices per level by threshold",
                         indicator=labels.get(indicator, indicator))]
        levels = [c for c in sim.sweep.columns if c.startswith("L")]
        for value, rows in sim.sweep.groupby("threshold", sort=True):
            cells = []
            for row in rows.to_dict("records"):
                counts = " ".join(f"{lv} {numbers.integer(row[lv], lang)}" for lv in levels)
                cells.append(f"{tr(lang, TIER_WORDS[row['tier']])}: {counts}")
            lines.append(f"  {numbers.threshold(value, lang):>6}  " + " | ".join(cells))
    return lines


def _share(value, lang: str) -> str:
    from capaian.present import numbers

    return "–" if value is None or value != value else numbers.percent(100 * value, lang, places=1)


@rubric_app.command("simulate")
def rubric_simulate(
    draft: Path = typer.Argument(..., help="Rubrik draf (YAML) / the draft rubric file."),
    cutoff: str = typer.Option(..., "--cutoff", help="Cut-off, e.g. 2020-11-H1."),
    rubric: str = typer.Option(None, "--rubric", help="Rubrik pembanding / rubric to compare with "
                               "(default: the one in force at the cut-off)."),
    sensitivity: str = typer.Option(None, "--sensitivity", help="Satu ambang disapu / one threshold swept, "
                                    "e.g. kia=30:60:5 (from:to:step) or kia=30,40,60."),
    all_rows: bool = typer.Option(False, "--all", help="Semua kantor yang berubah / every office that changes."),
    fmt: Format = typer.Option(Format.table, "--format", help="table (text) or json."),
) -> None:
    """Dampak rubrik draf pada fakta tersimpan / a draft rubric's impact on the stored facts."""
    from capaian.evaluate.simulate import simulate_cutoff
    from capaian.periods import Cutoff
    from capaian.rubrics.loader import rubric_from_file

    cut = Cutoff.parse(cutoff)
    sim = simulate_cutoff(open_db(), cut, rubric_from_file(draft), rubric_id=rubric, sweep=sensitivity)
    if fmt is Format.json:
        echo_json(json.dumps(sim.to_dict(), default=str))
        return
    shown = len(sim.changes) if all_rows else 20
    console.print("\n".join(render(sim, state.lang, shown)), highlight=False, markup=False, soft_wrap=True)
