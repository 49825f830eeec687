"""`capaian facts`: register → facts for one or more cut-offs, on DuckDB (default) or Spark, into the store.

The work is `capaian.facts.batch.store_register_facts`; this module parses arguments and prints.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from capaian.cli.app import app, console, open_db, state


class Engine(str, Enum):
    duckdb = "duckdb"
    spark = "spark"


def _report(step) -> None:
    frame, result = step.frame, step.result
    if state.lang == "en":
        console.print(
            f"{step.cutoff}: {len(frame):,} facts ({step.villages:,} villages, {step.regencies:,} regencies) "
            f"on {step.engine} ({step.how}) in {step.seconds:.1f} s; {result.inserted:,} new or changed"
            + (f" (revision {result.revision})" if result.revision is not None else ", nothing changed"),
            highlight=False,
        )
    else:
        how_id = {"full": "penuh", "incremental": "inkremental"}[step.how]
        console.print(
            f"{step.cutoff}: {len(frame):,} fakta ({step.villages:,} desa, {step.regencies:,} kabupaten/kota) "
            f"dengan {step.engine} ({how_id}) dalam {step.seconds:.1f} dtk; {result.inserted:,} baru atau berubah"
            + (f" (revisi {result.revision})" if result.revision is not None else ", tidak ada perubahan"),
            highlight=False,
        )


@app.command("facts")
def facts_cmd(
    cutoffs: list[str] = typer.Option(
        ..., "--cutoff", help="Cut-off, e.g. 2025-12-H1; repeat for several (later ones incremental)."
    ),
    engine: Engine = typer.Option(Engine.duckdb, "--engine", help="duckdb (default) or spark."),
    register: Path = typer.Option(
        None, "--register", help="Register penduduk (Parquet: file, folder or glob); default: the store's import."
    ),
    events: Path = typer.Option(None, "--events", help="Service events (Parquet), with --register."),
    rubric: str = typer.Option(None, "--rubric", help="Rubrik untuk batas umur / rubric for the age bounds."),
    scope: str = typer.Option(None, "--scope", help="Hanya satu wilayah / only one region, e.g. 65."),
    master: str = typer.Option(
        None, "--spark-master", help="Spark master (default $CAPAIAN_SPARK_MASTER or local[2])."
    ),
    actor: str = typer.Option("cli", "--as", help="Siapa yang menulis / who writes."),
) -> None:
    """Hitung fakta register per cut-off dan simpan / compute register facts, store them.

    With several `--cutoff` on DuckDB, the first is computed in full and each next one from the
    previous one plus the residents whose state changed in between (same register, same result).
    """
    from capaian.facts.batch import plan_cutoffs, store_register_facts

    if events is not None and register is None:
        raise typer.BadParameter("--events needs --register", param_hint="--events")
    plan_cutoffs(cutoffs, rubric)  # bad cut-offs or mixed rubrics: an error before the store is touched
    steps = store_register_facts(open_db(create=True), cutoffs, engine=engine.value, register=register,
                                 events=events, rubric=rubric, scope=scope, master=master, actor=actor)
    for step in steps:
        _report(step)
