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


@rubric_app.command("simulate")
def rubric_simulate(
    draft: Path = typer.Argument(None, help="Rubrik draf (YAML) / the draft rubric file (optional with --target-set)."),
    cutoff: str = typer.Option(..., "--cutoff", help="Cut-off, e.g. 2020-11-H1."),
    rubric: str = typer.Option(None, "--rubric", help="Rubrik pembanding / rubric to compare with "
                               "(default: the one in force at the cut-off)."),
    sensitivity: str = typer.Option(None, "--sensitivity", help="Satu ambang disapu / one threshold swept, "
                                    "e.g. kia=30:60:5 (from:to:step) or kia=30,40,60."),
    all_rows: bool = typer.Option(False, "--all", help="Semua kantor yang berubah / every office that changes."),
    fmt: Format = typer.Option(Format.table, "--format", help="table (text) or json."),
    target_set: list[str] = typer.Option(None, "--target-set", help="Target regional draf (berkas YAML atau id), "
                                         "boleh berulang / a draft regional target set, repeatable."),
) -> None:
    """Dampak rubrik draf pada fakta tersimpan / a draft rubric's impact on the stored facts."""
    from capaian.evaluate.simulate import simulate_cutoff
    from capaian.periods import Cutoff
    from capaian.rubrics.loader import load_target_set, rubric_from_file

    cut = Cutoff.parse(cutoff)
    sets = tuple(load_target_set(t) for t in target_set or ())
    sim = simulate_cutoff(open_db(), cut, rubric_from_file(draft) if draft else None, rubric_id=rubric,
                          sweep=sensitivity, target_sets=sets)
    if fmt is Format.json:
        echo_json(json.dumps(sim.to_dict(), default=str))
        return
    from capaian.present.simulation import simulation_lines

    shown = len(sim.changes) if all_rows else 20
    console.print("\n".join(simulation_lines(sim, state.lang, shown)), highlight=False, markup=False, soft_wrap=True)
