"""Benchmark: a whole year of cut-offs at national scale, as `capaian facts` computes it (issue 15).

    .venv/bin/python bench/facts_year.py --persons 285_000_000 --out /data/register285 [--reuse] [--keep]
        [--int-key-files 5]

1. The synthetic register of `bench/register_scale.py` (generated into --out, or reused from it).
2. Times, in one process (peak RSS from /proc/self/status VmHWM, reset between steps):
   - floor: one bare DuckDB query reading the facts' Parquet columns, summed per village (and
     the events per regency); the year's floor is 24 × this;
   - fingerprint: the extract's content fingerprint (SHA-256 of every file, 2 threads);
   - year: `capaian.facts.batch.store_register_facts` for the 24 cut-offs of 2025 into a fresh
     DuckDB store (what `capaian facts --register … --events … --cutoff …×24` runs): the first
     in full, one narrowed scan of the residents changed in the year, 23 incremental steps, each
     written with its revision and extract note; per step compute and write seconds;
   - again: the same call once more (every cut-off reused, nothing written);
   - evaluate: `capaian.evaluate.evaluate` of each of the 24 cut-offs' facts, all tiers (the facts
     read back from the store, not timed);
   - with --int-key-files N: the floor's group-by on the 13-character village code against the
     same query on an integer village key column, and on an integer computed from the code in
     the query, over the first N files copied with that extra column.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
import register_scale as rs  # noqa: E402 - the bench's generator and measuring helpers

YEAR = tuple(f"2025-{m:02d}-{h}" for m in range(1, 13) for h in ("H1", "H2"))


def floor(res_dir: Path, ev_dir: Path, threads: int) -> float:
    con = duckdb.connect(config={"threads": threads, "preserve_insertion_order": False})
    start = time.perf_counter()
    con.execute(rs.FLOOR_RESIDENTS.format(path=rs.parquet_glob(res_dir))).fetchall()
    con.execute(rs.FLOOR_EVENTS.format(path=rs.parquet_glob(ev_dir))).fetchall()
    seconds = time.perf_counter() - start
    con.close()
    return seconds


def year(store, res_dir: Path, ev_dir: Path, results: dict, name: str, log=print) -> list[str]:
    from capaian.facts.batch import store_register_facts

    steps, mark = [], time.perf_counter()
    with rs.Step(results, name):
        for step in store_register_facts(store, list(YEAR), register=res_dir, events=ev_dir, actor="bench"):
            now = time.perf_counter()
            write = 0.0 if step.how == "reused" else now - mark - step.seconds  # reused: read, nothing written
            mark = now
            steps.append({"cutoff": str(step.cutoff), "how": step.how, "compute": step.seconds,
                          "write": write, "rows": len(step.frame), "changed": step.result.inserted})
            log(f"    {step.cutoff} {step.how:<11} {'read' if step.how == 'reused' else 'compute'} "
                f"{step.seconds:6.2f} s, write {write:5.2f} s, {len(step.frame):,} facts, "
                f"{step.result.inserted:,} new or changed")
    results[name]["steps"] = steps
    return [s["cutoff"] for s in steps]


def evaluate_year(store, cutoffs, results: dict) -> None:
    from capaian.evaluate import evaluate
    from capaian.evaluate.frame import prepare_regions
    from capaian.regions import get_hierarchy
    from capaian.rubrics import rubric_for_year

    regions = get_hierarchy("2025").region_frame()
    rubric = rubric_for_year(2025)
    frames = [store.current_facts(c) for c in cutoffs]
    with rs.Step(results, "evaluate_24"):
        index = prepare_regions(regions)  # once for the 24 cut-offs
        rows = sum(len(evaluate(f, index, rubric).indicators) for f in frames)
    results["evaluate_24"]["indicator_rows"] = rows


INT_FLOOR = rs.FLOOR_RESIDENTS.replace("SELECT village_code,", "SELECT village_idx,").replace(
    "GROUP BY village_code", "GROUP BY village_idx")
# An integer made from the code on the fly (no column in the extract): what a real extract allows.
COMPUTED_FLOOR = rs.FLOOR_RESIDENTS.replace(
    "SELECT village_code,", "SELECT CAST(replace(village_code, '.', '') AS BIGINT) AS vkey,").replace(
    "GROUP BY village_code", "GROUP BY vkey")


def int_key(res_dir: Path, files: int, threads: int, work: Path, results: dict, log=print) -> None:
    """Floor with the string village code vs an integer key, on the first `files` files."""
    parts = sorted(res_dir.glob("*.parquet"))[:files]
    target = work / "int_key"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    con = duckdb.connect(config={"threads": threads, "preserve_insertion_order": False})
    con.execute(f"CREATE TABLE v AS SELECT DISTINCT village_code FROM read_parquet({[str(p) for p in parts]})")
    con.execute("CREATE TABLE vi AS SELECT village_code, CAST(row_number() OVER (ORDER BY village_code) AS INTEGER)"
                " AS village_idx FROM v")
    for k, part in enumerate(parts):
        con.execute(f"COPY (SELECT r.*, vi.village_idx FROM read_parquet('{part}') r JOIN vi USING (village_code)) "
                    f"TO '{target / f'part-{k:05d}.parquet'}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)")
    rows = con.execute(f"SELECT count(*) FROM read_parquet('{target}/*.parquet')").fetchone()[0]
    figures = {}
    for label, sql in (("string", rs.FLOOR_RESIDENTS), ("integer", INT_FLOOR), ("computed", COMPUTED_FLOOR)):
        best = None
        for _ in range(3):
            cpu, start = sum(os.times()[:2]), time.perf_counter()
            groups = len(con.execute(sql.format(path=f"{target}/*.parquet")).fetchall())
            run = (time.perf_counter() - start, sum(os.times()[:2]) - cpu)
            best = run if best is None or run[0] < best[0] else best
        figures[label] = {"seconds": best[0], "cpu_seconds": best[1], "groups": groups}
        log(f"  group-by on {label:<8} key over {rows:,} rows: {best[0]:.2f} s wall, {best[1]:.2f} s CPU, {groups:,} groups")
    results["int_key"] = {"rows": rows, **figures}
    con.close()
    shutil.rmtree(target, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=lambda s: int(s.replace("_", "")), required=True)
    parser.add_argument("--out", type=Path, default=None, help="folder of the Parquet (default: a temp dir)")
    parser.add_argument("--reuse", action="store_true", help="reuse Parquet already in --out")
    parser.add_argument("--keep", action="store_true", help="keep the generated Parquet")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--int-key-files", type=int, default=0, help="also compare string and integer keys")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    from capaian.facts.extract import extract_fingerprint
    from capaian.store import open_store

    out = args.out or Path(tempfile.mkdtemp(prefix=f"facts_year_{args.persons}_"))
    res_dir, ev_dir = out / "residents", out / "service_events"
    results: dict = {"persons": args.persons, "cutoffs": len(YEAR)}
    work = Path(tempfile.mkdtemp(prefix="facts_year_store_", dir=out))
    try:
        if not (args.reuse and any(res_dir.glob("*.parquet"))):
            print(f"generating {args.persons:,} residents in {out}")
            rs.generate(out, args.persons)
        results["parquet_mb"] = sum(p.stat().st_size for p in out.rglob("*.parquet")) / 2**20
        results["floor_seconds"] = floor(res_dir, ev_dir, args.threads)
        print(f"  floor (one cut-off)      {results['floor_seconds']:8.2f} s; 24 x floor {24 * results['floor_seconds']:.1f} s")
        store = open_store(work / "year.duckdb")
        with rs.Step(results, "fingerprint"):
            extract_fingerprint(store, res_dir, ev_dir)
        print(f"  fingerprint              {results['fingerprint']['seconds']:8.2f} s")
        print("  year (24 cut-offs):")
        cutoffs = year(store, res_dir, ev_dir, results, "year")
        total = results["year"]["seconds"]
        print(f"  year                     {total:8.2f} s wall, {results['year']['cpu_seconds']:.1f} s CPU, "
              f"peak RSS {results['year']['peak_rss_mb'] / 1024:.2f} GB; "
              f"{total / (24 * results['floor_seconds']):.2f} x (24 x floor)")
        print("  again (same extract):")
        year(store, res_dir, ev_dir, results, "again")
        print(f"  again                    {results['again']['seconds']:8.2f} s")
        evaluate_year(store, cutoffs, results)
        print(f"  evaluate 24 cut-offs     {results['evaluate_24']['seconds']:8.2f} s "
              f"({results['evaluate_24']['indicator_rows']:,} indicator rows)")
        store.close()
        if args.int_key_files:
            int_key(res_dir, args.int_key_files, args.threads, work, results)
        if args.json:
            import json

            args.json.write_text(json.dumps(results, indent=2, default=str))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if not args.keep and args.out is None:
            shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
