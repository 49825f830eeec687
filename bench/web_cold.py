"""Cold pages: how long `capaian serve` takes to start, and the first request of a page after it.

For each page, starts a fresh `capaian serve` on loopback over a copy of a store (the demo),
times the start (process spawned → port accepting connections), then at once asks for the page
and times that first answer, then a second one. Goals (issue 15): start ≤ 2 s, first request of
any page ≤ 300 ms.

Beside each wall-clock time it prints the server process's CPU time (user + system, all threads,
from /proc/<pid>/stat): on a machine shared with other work the wall times stretch with the load
average, the CPU times much less, so they are the figures to compare between runs.

    python bench/web_cold.py --db /tmp/demo.duckdb [--profile]   # --profile: importtime of the server start
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from serve_support import start, stop

PAGES = [
    "/nasional",
    "/wilayah/65",
    "/wilayah/65.01",
    "/nasional.json",
    "/wilayah/65.json",
    "/nasional/kabkota",
    "/kualitas",
    "/kelengkapan",
    "/nasional?cutoff=2020-06-H1",
    "/wilayah/65?cutoff=2022-03-H2",
    "/api/results?tier=province",
    "/run",
    "/masuk",
]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads (Linux /proc)."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_get(port: int, path: str) -> tuple[int, float]:
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp.status, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="a demo store (copied; the original is untouched)")
    ap.add_argument("--pages", nargs="*", default=PAGES)
    ap.add_argument("--profile", action="store_true", help="print the 25 slowest imports of a server start")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="capaian-cold-"))
    try:
        db = tmp / "bench.duckdb"
        shutil.copy(args.db, db)
        print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}", flush=True)
        starts, firsts, start_cpus, first_cpus = [], [], [], []
        for path in args.pages:
            proc, port, started = start(db)
            try:
                start_cpu = cpu_seconds(proc.pid)
                status, first = timed_get(port, path)
                first_cpu = cpu_seconds(proc.pid) - start_cpu  # with the background warm-up's share
                _, second = timed_get(port, path)
            finally:
                stop(proc)
            starts.append(started)
            firsts.append(first)
            start_cpus.append(start_cpu)
            first_cpus.append(first_cpu)
            print(f"{path:32s} start {started * 1000:6.0f} ms (cpu {start_cpu * 1000:5.0f})  first {first * 1000:7.1f} ms "
                  f"(cpu {first_cpu * 1000:5.0f}) ({status})  second {second * 1000:6.1f} ms", flush=True)
        print(f"start: max {max(starts) * 1000:.0f} ms, cpu {max(start_cpus) * 1000:.0f} ms (goal ≤ 2000 ms); "
              f"first request: max {max(firsts) * 1000:.0f} ms, cpu {max(first_cpus) * 1000:.0f} ms "
              f"(goal ≤ 300 ms); load average {os.getloadavg()[0]:.2f}")
        if args.profile:
            out = subprocess.run([sys.executable, "-X", "importtime", "-c",
                                  "import capaian.cli, capaian.web; capaian.web.create_app"],
                                 capture_output=True, text=True).stderr.splitlines()
            rows = []
            for line in out:
                if line.startswith("import time:") and "|" in line:
                    parts = [p.strip() for p in line[len("import time:"):].split("|")]
                    if parts[0].isdigit():
                        rows.append((int(parts[1]), parts[2]))
            print("slowest imports (cumulative µs):")
            for us, name in sorted(rows, reverse=True)[:25]:
                print(f"  {us:9d}  {name}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
