"""Memory of `capaian serve` after many requests over all pages (issue 15: under 400 MB resident
after 10,000 requests on the demo).

Starts `capaian serve` on loopback over a copy of a store (the demo), then sends REQUESTS
requests (default 10,000) from a few keep-alive clients, cycling over every page kind: the
national overview (every published cut-off, sorted and searched), every province and regency
page with their .json/.csv twins, outreach lists, the API (results, explanations, runs,
regions, rubrics), the runs page, login page, and the narrative reports of a few provinces.
Prints the server's resident memory (VmRSS, and VmHWM, the peak) every 1,000 requests and at
the end, plus the report worker processes' memory separately.

    python bench/web_memory.py --db /tmp/demo.duckdb [--requests 10000] [--clients 4]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from serve_support import start, stop


def status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def get(conn, path: str) -> tuple[int, bytes]:
    conn.request("GET", path)
    resp = conn.getresponse()
    return resp.status, resp.read()


def urls(port: int) -> list[str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    cutoffs = [c["cutoff"] for c in json.loads(get(conn, "/api/cutoffs")[1])["cutoffs"] if c["published"]]
    provinces = [r["code"] for r in json.loads(get(conn, "/api/regions?tier=province")[1])["regions"]]
    regencies = [r["code"] for r in json.loads(get(conn, "/api/regions?parent=65")[1])["regions"]]
    regencies += [r["code"] for r in json.loads(get(conn, "/api/regions?parent=64")[1])["regions"]]
    conn.close()
    out = []
    for i, cutoff in enumerate(cutoffs):
        q = f"?cutoff={cutoff}"
        out += [f"/nasional{q}", f"/nasional.json{q}", f"/nasional.csv{q}", f"/nasional{q}&sort=name",
                f"/nasional/tabel{q}&q=ka", f"/api/results{q}&tier=province", f"/api/evaluations{q}"]
        for code in provinces:
            out += [f"/wilayah/{code}{q}", f"/wilayah/{code}.json{q}", f"/wilayah/{code}.csv{q}",
                    f"/api/explanations/{code}{q}"]
        for code in regencies[i % 3::3]:
            out += [f"/wilayah/{code}{q}", f"/wilayah/{code}.json{q}", f"/wilayah/{code}/jangkauan.json{q}"]
    out += ["/run", "/run.json", "/masuk", "/api/rubrics", "/api/regions?parent=65", "/api/cutoffs", "/api"]
    out += [f"/nasional/laporan.md?cutoff={c}" for c in cutoffs[:4]]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="a demo store (copied; the original is untouched)")
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--max-seconds", type=float, default=1200, help="stop sending after this long")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="capaian-mem-"))
    proc = None
    try:
        db = tmp / "bench.duckdb"
        shutil.copy(args.db, db)
        proc, port, _ = start(db)
        # the server runs as a child of `python -m capaian`? then measure the process that listens
        pid = proc.pid
        paths = urls(port)
        print(f"{len(paths)} distinct URLs; {args.requests} requests from {args.clients} clients; "
              f"start RSS {status_kib(pid, 'VmRSS') / 1024:.0f} MB; load average {os.getloadavg()[0]:.2f}", flush=True)
        counter = {"n": 0, "errors": {}}
        t0 = time.perf_counter()
        lock = threading.Lock()

        def client(k: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            i = k
            while True:
                with lock:
                    if counter["n"] >= args.requests or time.perf_counter() - t0 > args.max_seconds:
                        return
                    counter["n"] += 1
                    n = counter["n"]
                path = paths[i % len(paths)]
                i += args.clients
                status, _ = get(conn, path)
                if status >= 500:
                    with lock:
                        counter["errors"][path] = status
                if n % 1000 == 0:
                    print(f"  {n:6d} requests: RSS {status_kib(pid, 'VmRSS') / 1024:6.0f} MB "
                          f"(peak {status_kib(pid, 'VmHWM') / 1024:.0f} MB)", flush=True)

        threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rss, hwm = status_kib(pid, "VmRSS") / 1024, status_kib(pid, "VmHWM") / 1024
        workers = [(c, status_kib(c, "VmRSS") / 1024) for c in children(pid)]
        print(f"after {counter['n']} requests in {time.perf_counter() - t0:.0f} s: server RSS {rss:.0f} MB, "
              f"peak {hwm:.0f} MB (goal < 400 MB: {'met' if hwm < 400 else 'NOT met'}); "
              f"server errors: {len(counter['errors'])}")
        for c, mb in workers:
            print(f"  child process {c} (report worker): RSS {mb:.0f} MB")
        if counter["errors"]:
            print("  5xx:", list(counter["errors"].items())[:10])
    finally:
        stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
