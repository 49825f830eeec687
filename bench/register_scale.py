"""Benchmark: register → facts at national scale (issue 7).

    .venv/bin/python bench/register_scale.py --persons 10_000_000 [--chunk 10_000_000] [--out DIR] [--keep]

1. Generates a synthetic national register of N residents over all 83,762 villages of
   `get_hierarchy('2025')` and about N/6 service events of 2025, written as Parquet in chunks
   straight from DuckDB SQL (`range()` + hash-based pseudo-random columns): the data never passes
   through Python, so any N fits in memory (285M is 29 chunks of 10M).
2. Times, each as a separate figure (peak RSS per step from /proc/self/status VmHWM, reset between
   steps through /proc/self/clear_refs):
   - floor: one bare DuckDB query reading the same Parquet columns and summing them per village
     (plus the events columns per regency), the least any engine has to do;
   - facts on Parquet, cut-off 1 and cut-off 2: the real `capaian.facts.compute_facts` expressions
     (Ibis → DuckDB, 2 threads) over views `residents` / `service_events` on the Parquet files;
   - cut-off 2 incremental: `compute_facts_incremental` - the facts of cut-off 1 plus the delta
     over the residents with a date (or an age bound) crossed in (C1, C2]; checked equal to the
     full recomputation of cut-off 2;
   - prepared: the Parquet loaded once into a DuckDB table (what `capaian intake register` does to
     the store), then facts for cut-off 1 and cut-off 2 from that table;
   - evaluation: the facts of cut-off 1 → `capaian.evaluate.evaluate` over all tiers (real rubric,
     real region frame).
   Prints residents/second, wall time, peak RSS, DuckDB memory and the ratio facts / floor.

The data is deterministic for a given N (hash of the row number), so runs are comparable. Residents
are spread uniformly at random over villages (no ordering by village in the files): the harder
case for a group-by; a real extract sorted by region would compress and aggregate better.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

EXTRACT_DATE = dt.date(2025, 12, 31)  # the register extract (DKB semester II)
CUTOFFS = ("2025-12-H1", "2025-12-H2")
EVENTS_YEAR = 2025
# Document types in the events: the designated list of 2020-22 (data file) plus some others.
OTHER_DOCUMENTS = ("ktp_el", "kia", "surat_keterangan_pindah_datang", "biodata")


# -- generation --------------------------------------------------------------------------------
def village_table(con, codes=None) -> int:
    """Table `villages(idx, code, regency_idx, nik_prefix)` of the 2025 hierarchy (or `codes`)."""
    import pandas as pd

    if codes is None:
        from capaian.regions import get_hierarchy

        frame = get_hierarchy("2025").region_frame()
        codes = frame.loc[frame["tier"] == "village", "code"].tolist()
    codes = sorted(codes)
    regencies = sorted({c[:5] for c in codes})
    reg_idx = {r: i for i, r in enumerate(regencies)}
    villages = pd.DataFrame(
        {
            "idx": range(len(codes)),
            "code": codes,
            "regency_idx": [reg_idx[c[:5]] for c in codes],
            "nik_prefix": [c[:8].replace(".", "") for c in codes],
        }
    )
    con.register("_villages", villages)
    con.execute("CREATE OR REPLACE TABLE villages AS SELECT * FROM _villages")
    con.execute(
        "CREATE OR REPLACE TABLE regencies AS SELECT * FROM "
        "(SELECT unnest(?::VARCHAR[]) AS code, generate_subscripts(?::VARCHAR[], 1) - 1 AS idx)",
        [regencies, regencies],
    )
    con.unregister("_villages")
    return len(codes)


MACROS = """
CREATE OR REPLACE MACRO u(i, k) AS (hash(i, k) % 1000000007) / 1000000007.0;
"""


def residents_sql(lo: int, hi: int, n_villages: int, extract: dt.date) -> str:
    """SELECT of the residents lo..hi-1 (columns of capaian.register.schema.RESIDENT_COLUMNS).

    Age pyramid: 72 % spread evenly over 0-45 years, 28 % declining linearly to 90 (about 24 %
    under 15 and 8-9 % aged 65+, close to Indonesia's). Ever married by age (2 % at 16, 92 % from
    30). About 1-4 % died (older more often) and 2 % moved out, within the last two years. KTP-el
    recorded from age 16 (50 % at 16, 85 % at 17, 97 % from 18), since Aug 2011; KIA for 45 % of
    children under 17, since 2016; birth certificate for 93 % of under-18s (80 % of older people),
    mostly soon after birth. Birth dates run up to the extract date, so babies born between two
    cut-offs, people dying between them and recent recordings make the cut-offs differ.
    """
    x = f"DATE '{extract.isoformat()}'"
    return f"""
WITH b AS (
    SELECT i, hash(i, 1) % {n_villages} AS vidx,
           u(i, 2) AS ua, u(i, 3) AS ub, u(i, 4) AS um, u(i, 5) AS uk, u(i, 6) AS ukd,
           u(i, 7) AS uc, u(i, 8) AS ucd, u(i, 9) AS ue, u(i, 10) AS ued, u(i, 11) AS ud,
           u(i, 12) AS udd, u(i, 13) AS us
    FROM range({lo}, {hi}) t(i)
), a AS (
    SELECT *, CASE WHEN ua < 0.72 THEN ub * 45 ELSE 45 + 45 * (1 - sqrt(ub)) END AS age_f
    FROM b
), p AS (
    SELECT *, {x} - CAST(floor(age_f * 365.2425) AS INTEGER) AS birth_date,
           CAST(floor(age_f) AS INTEGER) AS age,
           0.01 + 0.0004 * age_f AS p_die
    FROM a
), q AS (
    SELECT p.*, v.code AS village_code, v.nik_prefix,
           greatest(birth_date + 5844, DATE '2011-08-01') AS ktp_from,
           greatest(birth_date, DATE '2016-01-01') AS kia_from
    FROM p JOIN villages v ON v.idx = p.vidx
)
SELECT
    nik_prefix
        || lpad(CAST(day(birth_date) + CASE WHEN us < 0.5 THEN 0 ELSE 40 END AS VARCHAR), 2, '0')
        || lpad(CAST(month(birth_date) AS VARCHAR), 2, '0')
        || lpad(CAST(year(birth_date) % 100 AS VARCHAR), 2, '0')
        || lpad(CAST(i % 10000 AS VARCHAR), 4, '0') AS nik,
    birth_date,
    CASE WHEN us < 0.5 THEN 'L' ELSE 'P' END AS sex,
    um < CASE WHEN age < 16 THEN 0 WHEN age < 17 THEN 0.02 WHEN age < 18 THEN 0.04
              WHEN age < 20 THEN 0.10 WHEN age < 25 THEN 0.35 WHEN age < 30 THEN 0.70
              ELSE 0.92 END AS ever_married,
    village_code,
    CASE WHEN ktp_from <= {x}
          AND uk < CASE WHEN age < 17 THEN 0.50 WHEN age < 18 THEN 0.85 ELSE 0.97 END
         THEN ktp_from + CAST(floor(ukd * ({x} - ktp_from)) AS INTEGER) END AS ktp_recorded_on,
    CASE WHEN age < 17 AND uc < 0.45
         THEN kia_from + CAST(floor(ucd * ({x} - kia_from)) AS INTEGER) END AS kia_issued_on,
    CASE WHEN ue < CASE WHEN age < 18 THEN 0.93 ELSE 0.80 END
         THEN birth_date + CAST(floor(ued * ued * ued * least({x} - birth_date, 3650)) AS INTEGER)
         END AS birth_cert_issued_on,
    CASE WHEN ud < p_die
         THEN greatest(birth_date, {x} - CAST(floor(udd * 730) AS INTEGER)) END AS died_on,
    CASE WHEN ud >= p_die AND ud < p_die + 0.02
         THEN greatest(birth_date, {x} - CAST(floor(udd * 730) AS INTEGER)) END AS moved_out_on
FROM q
"""


def events_sql(lo: int, hi: int, n_regencies: int, documents, year: int = EVENTS_YEAR) -> str:
    """SELECT of service events lo..hi-1 (columns of EVENT_COLUMNS), spread over `year`.

    Per regency a fixed quality: 40 % of regencies print everything on white paper, 45 % sign
    everything electronically, 70 % have an online channel; the others slip on 5 % of issues.
    """
    docs = ", ".join(f"'{d}'" for d in documents)
    days = (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1
    return f"""
WITH b AS (
    SELECT i, hash(i, 21) % {n_regencies} AS ridx FROM range({lo}, {hi}) t(i)
), q AS (
    SELECT b.*, r.code AS regency, u(ridx, 91) AS q_paper, u(ridx, 92) AS q_tte,
           u(ridx, 93) AS q_online
    FROM b JOIN regencies r ON r.idx = b.ridx
)
SELECT
    lpad(CAST(hash(i, 25) % 10000000000000000 AS VARCHAR), 16, '0') AS nik,
    [{docs}][1 + CAST(hash(i, 22) % {len(documents)} AS INTEGER)] AS document_type,
    DATE '{year}-01-01' + CAST(hash(i, 23) % {days} AS INTEGER) AS issued_on,
    regency AS issuing_regency,
    CASE WHEN q_paper < 0.40 OR u(i, 24) >= 0.05 THEN 'putih' ELSE 'security' END AS paper,
    q_tte < 0.45 OR u(i, 26) >= 0.05 AS signed_electronically,
    CASE WHEN q_online < 0.70 AND u(i, 27) < 0.10 THEN 'online'
         WHEN u(i, 27) < 0.80 THEN 'kantor' WHEN u(i, 27) < 0.90 THEN 'adm'
         ELSE 'jemput_bola_desa' END AS channel
FROM q
"""


def generate(
    out: Path,
    persons: int,
    chunk: int = 10_000_000,
    *,
    events: int | None = None,
    village_codes=None,
    extract: dt.date = EXTRACT_DATE,
    threads: int = 2,
    log=print,
) -> tuple[Path, Path]:
    """Write `out/residents/part-*.parquet` and `out/service_events/part-*.parquet`; return both dirs."""
    from capaian.register.documents import designated_documents

    events = persons // 6 if events is None else events
    documents = list(designated_documents(EVENTS_YEAR)) + list(OTHER_DOCUMENTS)
    res_dir, ev_dir = out / "residents", out / "service_events"
    for d in (res_dir, ev_dir):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    con = duckdb.connect(config={"threads": threads, "preserve_insertion_order": False})
    con.execute(MACROS)
    n_villages = village_table(con, village_codes)
    n_regencies = con.execute("SELECT count(*) FROM regencies").fetchall()[0][0]
    for part, lo in enumerate(range(0, persons, chunk)):
        hi = min(persons, lo + chunk)
        con.execute(
            f"COPY ({residents_sql(lo, hi, n_villages, extract)}) TO "
            f"'{res_dir / f'part-{part:05d}.parquet'}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)"
        )
        log(f"  residents {hi:>13,} / {persons:,}")
    for part, lo in enumerate(range(0, max(events, 1), chunk)):
        hi = min(events, lo + chunk)
        con.execute(
            f"COPY ({events_sql(lo, hi, n_regencies, documents)}) TO "
            f"'{ev_dir / f'part-{part:05d}.parquet'}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)"
        )
    con.close()
    return res_dir, ev_dir


# -- measuring ---------------------------------------------------------------------------------
def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _duckdb_mb(con) -> float:
    try:
        return con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchall()[0][0] / 2**20
    except duckdb.Error:
        return float("nan")


class Step:
    """Times a block; records wall seconds and the peak RSS reached inside it."""

    def __init__(self, results: dict, name: str):
        self.results, self.name = results, name

    def __enter__(self):
        _reset_peak()
        self.cpu = sum(os.times()[:2])
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        seconds = time.perf_counter() - self.start
        cpu = sum(os.times()[:2]) - self.cpu
        self.results[self.name] = {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": _peak_rss_mb()}
        return False


def parquet_glob(folder: Path) -> str:
    return str(folder / "*.parquet")


USED_RESIDENT_COLUMNS = (
    "village_code", "birth_date", "ever_married", "died_on", "moved_out_on",
    "ktp_recorded_on", "kia_issued_on", "birth_cert_issued_on",
)
FLOOR_RESIDENTS = """
SELECT village_code, count(*) AS n,
       sum(epoch(birth_date)) AS b, count(*) FILTER (ever_married) AS m,
       sum(epoch(died_on)) AS d, sum(epoch(moved_out_on)) AS o,
       sum(epoch(ktp_recorded_on)) AS k, sum(epoch(kia_issued_on)) AS c,
       sum(epoch(birth_cert_issued_on)) AS a
FROM read_parquet('{path}') GROUP BY village_code
"""
FLOOR_EVENTS = """
SELECT issuing_regency, count(DISTINCT document_type) AS t, sum(epoch(issued_on)) AS d,
       count(*) FILTER (paper = 'putih') AS p, count(*) FILTER (signed_electronically) AS s,
       count(*) FILTER (channel = 'online') AS o
FROM read_parquet('{path}') GROUP BY issuing_regency
"""


def duckdb_backend(threads: int, memory_limit: str | None, database: str = ":memory:"):
    import ibis

    config = {"threads": threads, "preserve_insertion_order": False}
    if memory_limit:
        config["memory_limit"] = memory_limit
    return ibis.duckdb.connect(database, **config)


def parquet_views(backend, res_dir: Path, ev_dir: Path | None) -> None:
    """Views `residents` / `service_events` over the Parquet files (nothing is read yet)."""
    backend.con.execute(f"CREATE OR REPLACE VIEW residents AS SELECT * FROM read_parquet('{parquet_glob(res_dir)}')")
    if ev_dir is not None:
        backend.con.execute(
            f"CREATE OR REPLACE VIEW service_events AS SELECT * FROM read_parquet('{parquet_glob(ev_dir)}')"
        )


def parquet_tables(backend, res_dir: Path, ev_dir: Path | None) -> None:
    """Tables `residents` (the columns the facts read) / `service_events`, loaded once from Parquet."""
    cols = ", ".join(USED_RESIDENT_COLUMNS)
    backend.con.execute(
        f"CREATE OR REPLACE TABLE residents AS SELECT {cols} FROM read_parquet('{parquet_glob(res_dir)}')"
    )
    if ev_dir is not None:
        backend.con.execute(
            f"CREATE OR REPLACE TABLE service_events AS SELECT * FROM read_parquet('{parquet_glob(ev_dir)}')"
        )


def measure(res_dir: Path, ev_dir: Path, persons: int, *, threads: int, memory_limit: str | None,
            repeat: int = 2, profile: Path | None = None, prepared: bool = True, log=print) -> dict:
    """Run the timed steps; each step `repeat` times (the report shows the best and the first)."""
    from capaian.evaluate import evaluate
    from capaian.facts import compute_facts, compute_facts_incremental
    from capaian.periods import Cutoff
    from capaian.regions import get_hierarchy
    from capaian.rubrics import rubric_for_year

    results: dict = {}
    rubric = rubric_for_year(Cutoff.parse(CUTOFFS[0]).year)
    regions = get_hierarchy("2025").region_frame()
    ages = rubric.age_bounds

    def timed(name, fn, con=None, times=repeat):
        runs, value = [], None
        for k in range(times):
            with Step(results, name):
                value = fn()
            runs.append(results[name])
        best = min(runs, key=lambda r: r["seconds"])
        results[name] = {**best, "first_seconds": runs[0]["seconds"],
                         "peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}
        if con is not None:
            results[name]["duckdb_mb"] = _duckdb_mb(con)
        first = f" (first {runs[0]['seconds']:.2f} s)" if times > 1 else ""
        log(f"  {name:<24} {best['seconds']:8.2f} s{first}")
        return value

    floor_con = duckdb.connect(config={"threads": threads, "preserve_insertion_order": False})

    def floor():
        rows = floor_con.execute(FLOOR_RESIDENTS.format(path=parquet_glob(res_dir))).fetchall()
        floor_con.execute(FLOOR_EVENTS.format(path=parquet_glob(ev_dir))).fetchall()
        return rows

    results["floor_groups"] = len(timed("floor", floor, floor_con))

    backend = duckdb_backend(threads, memory_limit)
    parquet_views(backend, res_dir, ev_dir)
    facts = {}
    for k, cutoff in enumerate(CUTOFFS, 1):
        facts[cutoff] = timed(f"facts_parquet_{k}", lambda: compute_facts(backend, cutoff, ages), backend.con)
        results[f"facts_parquet_{k}"]["rows"] = len(facts[cutoff])
    # Second cut-off from the first: facts(C1) + delta over the residents changed in (C1, C2].
    incremental = timed(
        "facts_incremental_2",
        lambda: compute_facts_incremental(backend, CUTOFFS[1], CUTOFFS[0], facts[CUTOFFS[0]], ages),
        backend.con,
    )
    same = incremental.reset_index(drop=True).equals(facts[CUTOFFS[1]].reset_index(drop=True))
    results["facts_incremental_2"]["same_as_full"] = bool(same)
    if not same:
        log("  !! incremental facts of the second cut-off differ from the full recomputation")
    if profile is not None:
        profile.write_text(explain_analyze(backend, CUTOFFS[0], ages))
        log(f"  EXPLAIN ANALYZE written to {profile}")

    if prepared:
        db_file = res_dir.parent / "prepared.duckdb"
        db_file.unlink(missing_ok=True)
        prep = duckdb_backend(threads, memory_limit, str(db_file))

        def load():
            parquet_tables(prep, res_dir, ev_dir)
            prep.con.execute("CHECKPOINT")

        timed("load_table", load, prep.con, times=1)
        results["load_table"]["file_mb"] = db_file.stat().st_size / 2**20
        log(f"  prepared file            {results['load_table']['file_mb']:8,.0f} MB")
        for k, cutoff in enumerate(CUTOFFS, 1):
            frame = timed(f"facts_table_{k}", lambda: compute_facts(prep, cutoff, ages), prep.con)
            same = frame.reset_index(drop=True).equals(facts[cutoff].reset_index(drop=True))
            results[f"facts_table_{k}"]["same_as_parquet"] = bool(same)
            if not same:
                log("  !! facts from the table differ from the facts on Parquet")
        prep.disconnect()
        db_file.unlink(missing_ok=True)

    ev = timed("evaluate", lambda: evaluate(facts[CUTOFFS[0]], regions, rubric), times=1)
    results["evaluate"]["indicator_rows"] = len(ev.indicators)
    results["persons"] = persons
    totals = facts[CUTOFFS[0]].set_index(["region_code", "fact"])["value"]
    results["national"] = {
        f: float(totals.xs(f, level="fact").sum())
        for f in ("wajib_ktp", "ktp_terekam", "anak_lt17", "kia_dimiliki", "anak_lt18", "akta_lahir_dimiliki")
    }
    floor_con.close()
    backend.disconnect()
    return results


def explain_analyze(backend, cutoff, ages) -> str:
    """EXPLAIN ANALYZE of the compiled facts SQL of one cut-off (the operators' timings)."""
    import ibis

    from capaian.facts import as_of_date, register_facts

    expr = register_facts(backend.table("residents"), as_of_date(cutoff), ages, backend.table("service_events"))
    sql = ibis.to_sql(expr, dialect="duckdb")
    rows = backend.con.execute(f"EXPLAIN ANALYZE {sql}").fetchall()
    return str(sql) + "\n\n" + "\n".join(str(r[1]) for r in rows)


def report(results: dict, gen_seconds: float | None, disk_mb: float) -> str:
    n = results["persons"]
    floor = results["floor"]["seconds"]
    lines = [
        f"persons:                       {n:,}",
        f"machine:                       {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, duckdb {duckdb.__version__}",
    ]
    if gen_seconds is not None:
        lines.append(f"generate (Parquet):            {gen_seconds:8.2f} s   ({n / gen_seconds:,.0f} residents/s)")
    lines.append(f"Parquet on disk:               {disk_mb:,.0f} MB")

    def row(label, key, ratio=True):
        r = results[key]
        extra = f"   ratio to floor {r['seconds'] / floor:4.2f}" if ratio else ""
        mem = f"   DuckDB {r['duckdb_mb']:,.0f} MB" if "duckdb_mb" in r else ""
        first = f" (first {r['first_seconds']:.2f})" if r.get("first_seconds", r["seconds"]) != r["seconds"] else ""
        return (f"{label:<31}{r['seconds']:8.2f} s{first:<14} cpu {r['cpu_seconds']:7.2f} s"
                f" {n / r['seconds']:>13,.0f} residents/s"
                f"   peak RSS {r['peak_rss_mb']:,.0f} MB{mem}{extra}")

    lines.append(row("floor (scan-and-sum):", "floor", ratio=False))
    lines.append(row(f"facts on Parquet {CUTOFFS[0]}:", "facts_parquet_1"))
    lines.append(row(f"facts on Parquet {CUTOFFS[1]}:", "facts_parquet_2"))
    if "facts_incremental_2" in results:
        same = "same as full" if results["facts_incremental_2"].get("same_as_full") else "DIFFERS from full"
        lines.append(row(f"  {CUTOFFS[1]} incremental:", "facts_incremental_2") + f"   ({same})")
    if "load_table" in results:
        lines.append(row("load Parquet → DuckDB table:", "load_table"))
        lines.append(row(f"facts on table {CUTOFFS[0]}:", "facts_table_1"))
        lines.append(row(f"facts on table {CUTOFFS[1]}:", "facts_table_2"))
    ev = results["evaluate"]
    lines.append(f"{'evaluate (all tiers):':<31}{ev['seconds']:8.2f} s   {ev['indicator_rows']:,} indicator rows"
                 f"   peak RSS {ev['peak_rss_mb']:,.0f} MB")
    lines.append(f"facts rows per cut-off:        {results['facts_parquet_1']['rows']:,}")
    nat = results["national"]
    lines.append(
        "national coverage:             "
        f"KTP-el {100 * nat['ktp_terekam'] / nat['wajib_ktp']:.2f} %, "
        f"KIA {100 * nat['kia_dimiliki'] / nat['anak_lt17']:.2f} %, "
        f"akta {100 * nat['akta_lahir_dimiliki'] / nat['anak_lt18']:.2f} %, "
        f"wajib KTP {nat['wajib_ktp'] / n:.1%} of rows"
    )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=lambda s: int(s.replace("_", "")), required=True)
    parser.add_argument("--chunk", type=lambda s: int(s.replace("_", "")), default=10_000_000)
    parser.add_argument("--out", type=Path, default=None, help="folder for the Parquet (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the generated Parquet")
    parser.add_argument("--reuse", action="store_true", help="reuse Parquet already in --out")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory_limit, e.g. 8GB")
    parser.add_argument("--no-prepared", action="store_true", help="skip the Parquet → table steps")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each step (best is reported)")
    parser.add_argument("--profile", type=Path, default=None, help="write EXPLAIN ANALYZE of the facts SQL here")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    args = parser.parse_args(argv)

    out = args.out or Path(tempfile.mkdtemp(prefix=f"register_{args.persons}_", dir=os.environ.get("TMPDIR")))
    out.mkdir(parents=True, exist_ok=True)
    res_dir, ev_dir = out / "residents", out / "service_events"
    gen_seconds = None
    try:
        if not (args.reuse and any(res_dir.glob("*.parquet"))):
            print(f"generating {args.persons:,} residents in {out}")
            start = time.perf_counter()
            generate(out, args.persons, args.chunk, threads=args.threads)
            gen_seconds = time.perf_counter() - start
        disk_mb = sum(p.stat().st_size for p in out.rglob("*.parquet")) / 2**20
        results = measure(res_dir, ev_dir, args.persons, threads=args.threads, memory_limit=args.memory_limit,
                          repeat=args.repeat, profile=args.profile, prepared=not args.no_prepared)
        results["generate_seconds"] = gen_seconds
        results["parquet_mb"] = disk_mb
        print()
        print(report(results, gen_seconds, disk_mb))
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))
    finally:
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
