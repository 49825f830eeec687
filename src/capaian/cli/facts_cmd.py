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


def _how(how: str, lang: str) -> str:
    from capaian.present.i18n import tr

    return {"full": tr(lang, "full"), "incremental": tr(lang, "incremental"),
            "reused": tr(lang, "reused: same extract")}[how]


def _report(step) -> None:
    from capaian.present import numbers
    from capaian.present.i18n import tr

    frame, result, lang = step.frame, step.result, state.lang
    text = tr(lang, "%(cutoff)s: %(facts)s facts (%(villages)s villages, %(regencies)s regencies) on %(engine)s "
                    "(%(how)s) in %(seconds)s s; %(changed)s new or changed",
              cutoff=step.cutoff, facts=numbers.integer(len(frame), lang),
              villages=numbers.integer(step.villages, lang), regencies=numbers.integer(step.regencies, lang),
              engine=step.engine, how=_how(step.how, lang),
              seconds=numbers.decimal(step.seconds, lang, 1), changed=numbers.integer(result.inserted, lang))
    if result.revision is not None:
        text += " " + tr(lang, "(revision %(revision)s)", revision=result.revision)
    else:
        text += tr(lang, ", nothing changed")
    console.print(text, highlight=False)


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
    Facts stored by an earlier call from the same extract (same content fingerprint) are reused,
    and a cut-off still to compute starts from the nearest of them.
    """
    from capaian.facts.batch import plan_cutoffs, store_register_facts

    if events is not None and register is None:
        raise typer.BadParameter("--events needs --register", param_hint="--events")
    plan_cutoffs(cutoffs, rubric)  # bad cut-offs or mixed rubrics: an error before the store is touched
    steps = store_register_facts(open_db(create=True), cutoffs, engine=engine.value, register=register,
                                 events=events, rubric=rubric, scope=scope, master=master, actor=actor)
    for step in steps:
        _report(step)
