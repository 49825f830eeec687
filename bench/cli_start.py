"""Benchmark: how long the command line takes to answer (goals: `capaian --help` ≤ 0.3 s,
`capaian explain 65 --cutoff 2020-11-H1` ≤ 0.8 s on the demo).

Each command runs N times as a fresh process (`python -m capaian ...`, what a user waits for);
prints the median and the spread of wall time and of CPU time (user + system of the child: on a
shared machine the CPU time shows what the command costs, the wall time what the machine gave it),
with the load average before and after. Uses the demo store: pass `--db PATH`, or it builds the
demo into a temporary folder first (about a minute, not counted). The store is copied first, so
the runs do not write into it.

    .venv/bin/python bench/cli_start.py [--db demo.duckdb] [--runs 11]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = {
    "capaian --help": (["--help"], 0.3),
    "capaian explain 65 --cutoff 2020-11-H1": (["explain", "65", "--cutoff", "2020-11-H1"], 0.8),
}


def run_once(args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one `python -m capaian ARGS`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "capaian", *args], capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"capaian {' '.join(args)} failed:\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a demo store (built into a temporary folder when absent)")
    parser.add_argument("--runs", type=int, default=11, help="runs per command (default 11)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="capaian-bench-cli-") as tmp:
        db = Path(tmp) / "demo.duckdb"
        if args.db:
            shutil.copy(args.db, db)
        else:
            subprocess.run([sys.executable, "-m", "capaian", "--db", str(db), "demo", "build"], check=True,
                           capture_output=True)
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average before "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{'command':45} {'wall median':>12} {'wall min-max':>14} {'CPU median':>11}  goal")
        failed = False
        for label, (cmd, goal) in COMMANDS.items():
            full = ["--db", str(db), *cmd]
            run_once(full)  # warm the OS file cache (and the run: explain reuses the stored one)
            walls, cpus = zip(*(run_once(full) for _ in range(args.runs)))
            median = statistics.median(walls)
            ok = median <= goal
            failed |= not ok
            print(f"{label:45} {median:11.3f}s {min(walls):6.3f}-{max(walls):.3f}s {statistics.median(cpus):10.3f}s"
                  f"  ≤ {goal} s {'met' if ok else 'NOT met'}")
        print(f"load average after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
