"""`capaian facts`: register → facts for one cut-off, on DuckDB (default) or Spark, into the store."""

from __future__ import annotations

import tempfile
from enum import Enum
from pathlib import Path

import typer

from capaian.cli.app import app, console, open_db, state
from capaian.errors import CapaianError


class Engine(str, Enum):
    duckdb = "duckdb"
    spark = "spark"


def _parquet_source(path: Path) -> str:
    """What DuckDB's read_parquet reads for a file, a folder of Parquet files or a glob."""
    text = str(path)
    if any(ch in text for ch in "*?["):
        return text
    if path.is_dir():
        return str(path / "**" / "*.parquet")
    if path.exists():
        return text
    raise CapaianError(f"Berkas tidak ditemukan: {text}", f"File not found: {text}")


def _duckdb_backend(register: Path, events: Path | None):
    import ibis

    backend = ibis.duckdb.connect(preserve_insertion_order=False)
    sql = "CREATE OR REPLACE VIEW {} AS SELECT * FROM read_parquet('{}')"
    backend.con.execute(sql.format("residents", _parquet_source(register).replace("'", "''")))
    if events is not None:
        backend.con.execute(sql.format("service_events", _parquet_source(events).replace("'", "''")))
    return backend


def _store_table_to_parquet(store, table: str, folder: Path) -> Path | None:
    """The store's `table` written to Parquet for Spark; None when the table is absent or empty."""
    try:
        rows = store.con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    except Exception:  # noqa: BLE001 - table not created yet
        return None
    if not rows:
        return None
    target = folder / f"{table}.parquet"
    store.con.execute(f"COPY {table} TO '{target}' (FORMAT parquet)")
    return target


def _report(cut, frame, engine: str, seconds: float, result, how: str) -> None:
    dots = frame["region_code"].drop_duplicates().str.count(r"\.")
    villages, regencies = int((dots == 3).sum()), int((dots == 1).sum())
    from capaian.present import numbers
    from capaian.present.i18n import tr

    lang = state.lang
    text = tr(lang, "%(cutoff)s: %(facts)s facts (%(villages)s villages, %(regencies)s regencies) on %(engine)s "
                    "(%(how)s) in %(seconds)s s; %(changed)s new or changed",
              cutoff=cut, facts=numbers.integer(len(frame), lang), villages=numbers.integer(villages, lang),
              regencies=numbers.integer(regencies, lang), engine=engine, how=tr(lang, "full") if how == "full" else tr(lang, "incremental"),
              seconds=numbers.decimal(seconds, lang, 1), changed=numbers.integer(result.inserted, lang))
    if result.revision is not None:
        text += " " + tr(lang, "(revision %(revision)s)", revision=result.revision)
    else:
        text += tr(lang, ", nothing changed")
    console.print(text, highlight=False)


NO_REGISTER = CapaianError(
    "Tidak ada data register untuk dihitung (impor dulu dengan `capaian import register`).",
    "No register data to compute from (import it first with `capaian import register`).",
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
    import time

    from capaian.facts import SOURCE, compute_facts, compute_facts_incremental, ibis_backend
    from capaian.periods import user_cutoff
    from capaian.regions import normalize_code
    from capaian.service import resolve_rubric

    cuts = sorted({user_cutoff(c) for c in cutoffs})
    rubrics = {resolve_rubric(c, rubric).id for c in cuts}
    if len(rubrics) > 1:
        raise CapaianError(
            f"Cut-off ini memakai rubrik berbeda ({', '.join(sorted(rubrics))}); hitung terpisah.",
            f"These cut-offs fall under different rubrics ({', '.join(sorted(rubrics))}); compute them apart.",
        )
    ages = resolve_rubric(cuts[0], rubric).age_bounds
    scope = normalize_code(scope) if scope else None
    if events is not None and register is None:
        raise typer.BadParameter("--events needs --register", param_hint="--events")
    store = open_db()
    if engine is Engine.spark:
        _spark(store, cuts, ages, register, events, master, scope, actor)
        return
    with_events = events is not None or register is None
    backend = _duckdb_backend(register, events) if register is not None else ibis_backend(store)
    previous = None
    for cut in cuts:
        start = time.perf_counter()
        if previous is None:
            frame = compute_facts(backend, cut, ages, scope=scope, with_events=with_events)
        else:
            frame = compute_facts_incremental(backend, cut, previous[0], previous[1], ages, scope=scope,
                                              with_events=with_events)
        if frame is None or frame.empty:
            raise NO_REGISTER
        seconds = time.perf_counter() - start
        result = store.write_facts(frame, source=SOURCE, actor=actor)
        _report(cut, frame, engine.value, seconds, result, "full" if previous is None else "incremental")
        previous = (cut, frame)


def _spark(store, cuts, ages, register, events, master, scope, actor) -> None:
    import time

    from capaian.facts import SOURCE
    from capaian.facts.spark import compute_facts_spark

    with tempfile.TemporaryDirectory(prefix="capaian-spark-") as tmp:
        if register is None:  # the store's import, handed to Spark as Parquet
            register = _store_table_to_parquet(store, "residents", Path(tmp))
            events = _store_table_to_parquet(store, "service_events", Path(tmp))
        if register is None:
            raise NO_REGISTER
        for cut in cuts:
            start = time.perf_counter()
            frame = compute_facts_spark(register, cut, ages, events=events, master=master, scope=scope)
            if frame is None or frame.empty:
                raise NO_REGISTER
            result = store.write_facts(frame, source=SOURCE, actor=actor)
            _report(cut, frame, "spark", time.perf_counter() - start, result, "full")
