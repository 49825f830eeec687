"""Register facts for several cut-offs into the store, on DuckDB (incremental) or Spark.

    for step in store_register_facts(store, ["2020-11-H1", "2020-11-H2"]):
        print(step.cutoff, step.how, len(step.frame), step.result.inserted)

On DuckDB the first cut-off is computed in full and each next one from the previous one plus the
residents whose state changed in between (same register, same result). The register is the
store's import, or Parquet files (a file, a folder or a glob) given as `register` / `events`.
This is what `capaian facts` runs; the command only parses arguments and prints each step.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from capaian.errors import CapaianError

NO_REGISTER = (
    "Tidak ada data register untuk dihitung (impor dulu dengan `capaian import register`).",
    "No register data to compute from (import it first with `capaian import register`).",
)


@dataclass(frozen=True)
class FactsStep:
    """One cut-off computed and written."""

    cutoff: object  # periods.Cutoff
    frame: object  # pandas.DataFrame of the facts
    engine: str  # duckdb | spark
    how: str  # full | incremental
    seconds: float
    result: object  # store.FactWrite

    @property
    def villages(self) -> int:
        return self._count_tier(3)

    @property
    def regencies(self) -> int:
        return self._count_tier(1)

    def _count_tier(self, dots: int) -> int:
        codes = self.frame["region_code"].drop_duplicates().str.count(r"\.")
        return int((codes == dots).sum())


def plan_cutoffs(cutoffs, rubric: str | None = None):
    """The cut-offs in order and the age bounds of their one rubric (several rubrics: an error)."""
    from capaian.periods import user_cutoff
    from capaian.service import resolve_rubric

    cuts = sorted({user_cutoff(c) for c in cutoffs})
    if not cuts:
        raise CapaianError("Berikan paling sedikit satu cut-off.", "Give at least one cut-off.")
    rubrics = {resolve_rubric(c, rubric).id for c in cuts}
    if len(rubrics) > 1:
        names = ", ".join(sorted(rubrics))
        raise CapaianError(
            f"Cut-off ini memakai rubrik berbeda ({names}); hitung terpisah.",
            f"These cut-offs fall under different rubrics ({names}); compute them apart.",
        )
    return cuts, resolve_rubric(cuts[0], rubric).age_bounds


def store_register_facts(store, cutoffs, *, engine: str = "duckdb", register: Path | None = None,
                         events: Path | None = None, rubric: str | None = None, scope: str | None = None,
                         master: str | None = None, actor: str = "cli") -> Iterator[FactsStep]:
    """Compute and write the register facts of each cut-off; yields one `FactsStep` per cut-off."""
    from capaian.regions import normalize_code

    if events is not None and register is None:
        raise CapaianError("--events memerlukan --register.", "--events needs --register.")
    if engine not in ("duckdb", "spark"):
        raise CapaianError(f"Mesin tidak dikenal: {engine!r}.", f"Unknown engine {engine!r}: duckdb or spark.")
    cuts, ages = plan_cutoffs(cutoffs, rubric)
    scope = normalize_code(scope) if scope else None
    if engine == "spark":
        yield from _spark(store, cuts, ages, register, events, master, scope, actor)
        return
    yield from _duckdb(store, cuts, ages, register, events, scope, actor)


def _duckdb(store, cuts, ages, register, events, scope, actor) -> Iterator[FactsStep]:
    from capaian.facts import compute_facts, compute_facts_incremental, ibis_backend
    from capaian.facts.extract import extract_fingerprint

    with_events = events is not None or register is None
    backend = _parquet_backend(register, events) if register is not None else ibis_backend(store)
    known = _Known(store, extract_fingerprint(store, register, events if with_events else None), scope, ages,
                   with_events)
    reused = {}
    for cut in cuts:
        start = time.perf_counter()
        frame = known.frame(cut)
        if frame is not None:
            reused[cut] = (frame, time.perf_counter() - start)
    todo = [cut for cut in cuts if cut not in reused]
    previous, residents = None, None
    try:
        for cut in cuts:
            if cut in reused:
                frame, seconds = reused[cut]
                yield FactsStep(cut, frame, "duckdb", "reused", seconds, _nothing_written())
                previous = (cut, frame)
                continue
            start = time.perf_counter()
            if previous is None:
                previous = known.nearest(cut)
            if previous is None:
                frame = compute_facts(backend, cut, ages, scope=scope, with_events=with_events)
                how = "full"
            else:
                if residents is None and len(todo) - todo.index(cut) >= WINDOW_FROM:
                    residents = _year_window(backend, [previous[0], *cuts], ages, scope)
                frame = compute_facts_incremental(backend, cut, previous[0], previous[1], ages, scope=scope,
                                                  with_events=with_events, residents=residents)
                how = "incremental"
            if frame is None or frame.empty:
                raise CapaianError(*NO_REGISTER)
            seconds = time.perf_counter() - start
            result = known.write(cut, frame, actor)
            yield FactsStep(cut, frame, "duckdb", how, seconds, result)
            previous = (cut, frame)
    finally:
        if residents is not None:
            backend.drop_table(WINDOW_TABLE, force=True)


WINDOW_TABLE = "_capaian_residents_window"
WINDOW_FROM = 3  # incremental steps left from which one narrowed scan pays for itself


def _year_window(backend, cuts, ages, scope):
    """The residents whose facts can change between any two of `cuts`, as a temporary table: one
    scan of the register instead of one per cut-off. Numerators change between as-of dates and
    denominators between denominator dates, so the rows kept are those `changed_between` the
    earliest and latest as-of date, or the earliest and latest denominator date when these
    differ (one base for the whole year: no denominator change at all). Each step's dates lie in
    those spans and `born_by` never decreases, so each step's changed rows are all kept and its
    delta is the same as over the whole register."""
    from capaian.facts import as_of_date, denominator_date
    from capaian.facts.dates import Ages
    from capaian.facts.register import DATE_COLUMNS, _in_scope, changed_between

    ages = Ages.of(ages)
    residents = backend.table("residents")
    r = residents.filter(_in_scope(residents.village_code, scope)) if scope else residents
    as_of = [as_of_date(c) for c in cuts]
    changed = changed_between(r, min(as_of), max(as_of), ages)
    bases = [denominator_date(c) for c in cuts]
    if min(bases) != max(bases):
        changed = changed | changed_between(r, min(bases), max(bases), ages)
    keep = ["village_code", "ever_married"] + [c for c in DATE_COLUMNS if c in r.columns]
    return backend.create_table(WINDOW_TABLE, r.filter(changed).select(*keep), temp=True, overwrite=True)


def _nothing_written():
    from capaian.store.facts import FactWrite

    return FactWrite(None, 0)


class _Known:
    """The register facts already stored for this extract (same fingerprint, scope and method),
    proved unchanged by their digest; and the note written with each new computation."""

    def __init__(self, store, fingerprint: str, scope: str | None, ages, with_events: bool):
        self.store, self.fingerprint, self.scope, self.ages = store, fingerprint, scope or "", ages
        self.with_events = with_events
        self.noted = store.fact_extracts(fingerprint, self.scope)
        self._proved: dict = {}  # cut-off -> its stored facts or None, read and checked once per call

    def method(self, cut) -> str:
        from capaian.facts.extract import facts_method

        return facts_method(cut, self.ages, with_events=self.with_events)

    def frame(self, cut):
        """The stored facts of `cut` when they are provably what this extract gives, else None."""
        if str(cut) not in self._proved:
            self._proved[str(cut)] = self._stored(cut)
        return self._proved[str(cut)]

    def _stored(self, cut):
        from capaian.facts import REGENCY_FACTS, SOURCE, VILLAGE_FACTS
        from capaian.facts.extract import frame_digest

        notes = self.noted[(self.noted["cutoff"] == str(cut)) & (self.noted["method"] == self.method(cut))]
        if notes.empty:
            return None
        note = notes.iloc[0]
        stored = self.store.current_facts(str(cut))
        stored = stored[stored["fact"].isin(VILLAGE_FACTS + (REGENCY_FACTS if self.with_events else ()))]
        if self.scope:
            from capaian.access import covers

            stored = stored[[covers(self.scope, code) for code in stored["region_code"]]]
        if len(stored) != int(note["rows"]) or frame_digest(stored) != note["digest"]:
            return None  # changed since (a correction, another source, a later extract)
        stored = stored.reset_index(drop=True)
        stored["source"] = SOURCE
        return stored

    def nearest(self, cut):
        """(cut-off, facts) of the stored cut-off of this extract nearest to `cut`, or None."""
        from capaian.periods import Cutoff

        target = cut.as_of
        for label in sorted(set(self.noted["cutoff"]), key=lambda c: abs((Cutoff.parse(c).as_of - target).days)):
            other = Cutoff.parse(label)
            frame = self.frame(other)
            if frame is not None:
                return other, frame
        return None

    def write(self, cut, frame, actor: str):
        from capaian.facts import SOURCE
        from capaian.facts.extract import frame_digest

        with self.store.transaction():
            result = self.store.write_facts(frame, source=SOURCE, actor=actor)
            self.store.record_fact_extract(str(cut), self.scope, self.method(cut), self.fingerprint, len(frame),
                                           frame_digest(frame), actor)
        self._proved.pop(str(cut), None)
        return result


def _spark(store, cuts, ages, register, events, master, scope, actor) -> Iterator[FactsStep]:
    from capaian.facts import SOURCE
    from capaian.facts.spark import compute_facts_spark

    with tempfile.TemporaryDirectory(prefix="capaian-spark-") as tmp:
        if register is None:  # the store's import, handed to Spark as Parquet
            register = _store_table_to_parquet(store, "residents", Path(tmp))
            events = _store_table_to_parquet(store, "service_events", Path(tmp))
        if register is None:
            raise CapaianError(*NO_REGISTER)
        for cut in cuts:
            start = time.perf_counter()
            frame = compute_facts_spark(register, cut, ages, events=events, master=master, scope=scope)
            if frame is None or frame.empty:
                raise CapaianError(*NO_REGISTER)
            result = store.write_facts(frame, source=SOURCE, actor=actor)
            yield FactsStep(cut, frame, "spark", "full", time.perf_counter() - start, result)


def parquet_source(path: Path) -> str:
    """What DuckDB's read_parquet reads for a file, a folder of Parquet files or a glob."""
    text = str(path)
    if any(ch in text for ch in "*?["):
        return text
    if Path(path).is_dir():
        return str(Path(path) / "**" / "*.parquet")
    if Path(path).exists():
        return text
    raise CapaianError(f"Berkas tidak ditemukan: {text}", f"File not found: {text}")


def _parquet_backend(register: Path, events: Path | None):
    import ibis

    backend = ibis.duckdb.connect(preserve_insertion_order=False)
    sql = "CREATE OR REPLACE VIEW {} AS SELECT * FROM read_parquet('{}', union_by_name = true)"
    backend.con.execute(sql.format("residents", parquet_source(register).replace("'", "''")))
    if events is not None:
        backend.con.execute(sql.format("service_events", parquet_source(events).replace("'", "''")))
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
