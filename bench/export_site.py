"""`capaian export site` of a year of published cut-offs: wall and CPU time, files and size.

    python bench/export_site.py --db DEMO [--year 2020] [--reports national|all|none] [--out DIR] [--keep]

The demo has 24 published cut-offs in 2020 and 2022 (goal for a year: ≤ 10 min on 2 cores).
The export runs in this process (CPU is this process's user + system time); the store is opened
read-only-in-effect (nothing is written) from a copy, so a running server is not disturbed.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--reports", default="national", choices=("national", "all", "none"))
    parser.add_argument("--out", default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    from capaian.records.export import export_site
    from capaian.runs import Catalog
    from capaian.store import open_store

    tmp = Path(tempfile.mkdtemp(prefix="bench-export-"))
    db = tmp / "store.duckdb"
    shutil.copy(args.db, db)
    out = Path(args.out) if args.out else tmp / "site"
    with open_store(db, create=False) as store:
        cutoffs = [c for c in Catalog.from_store(store).cutoffs(published_only=True) if c.startswith(f"{args.year}-")]
        marks = []
        start_wall, start_cpu = time.perf_counter(), cpu()

        def progress(cutoff):
            marks.append((cutoff, time.perf_counter() - start_wall, cpu() - start_cpu))
            print(f"  {cutoff}: {marks[-1][1]:7.1f} s wall, {marks[-1][2]:7.1f} s CPU", flush=True)

        done = export_site(store, out, cutoffs=cutoffs, progress=progress, reports=args.reports)
        wall, used = time.perf_counter() - start_wall, cpu() - start_cpu
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    print(f"export site, year {args.year}, {len(done['cutoffs'])} cut-offs, reports={args.reports}: "
          f"{wall:.1f} s wall ({wall / 60:.1f} min), {used:.1f} s CPU; {done['files']} files "
          f"({done['pages']} pages, {done['resources']} data resources), {size / 1e6:.1f} MB; load {' '.join(load)}")
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    elif not args.out:
        print(f"kept in {tmp}")


if __name__ == "__main__":
    main()
