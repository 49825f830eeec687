"""Bake at publish (issue 21): how long the bake of one national run takes, and how fast its pages are then served.

On a copy of a demo store:
1. bakes the newest published run (pages, twins and data files, `capaian.web.bake.bake_run`) and
   prints its wall and CPU time (goal ≤ 60 s on 2 cores);
2. starts `capaian serve` and at once asks, as the public, for a province page of that run (baked),
   then for a province page of an older published cut-off (not baked: rendered live), printing the
   time to the first byte of each first view (goal ≤ 50 ms for a published province page);
3. after a warm-up, p50/p95 of the baked province page and its .json twin at 20 connections
   (goal p95 ≤ 20 ms), with the Python asyncio+httpx loader on the same 2 cores (or wrk if present).

    python bench/bake.py [--db DEMO.duckdb] [--duration 10] [--concurrency 20]

Without --db, the newest demo the tests keep (~/.cache/capaian-tests/demo-*.duckdb) is used.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from serve_support import start, stop  # noqa: E402
from web_load import WRK_LUA, hammer, pct, run_wrk  # noqa: E402


def newest_demo() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "capaian-tests"
    found = sorted(base.glob("demo-*.duckdb"), key=lambda p: p.stat().st_mtime)
    if not found:
        raise SystemExit("no demo store: give --db (capaian demo build) or run a demo test once")
    return found[-1]


def bake(db: Path) -> tuple[int, str, str]:
    """Bake the newest published run of `db`: (run id, its cut-off, an older published cut-off)."""
    from capaian.runs import Catalog, choose
    from capaian.store import open_store
    from capaian.web import create_app
    from capaian.web.bake import bake_run

    store = open_store(db)
    try:
        catalog = Catalog.from_store(store)
        run_id = choose(catalog).run_id
        cutoff = catalog.meta(run_id)["cutoff"]
        older = catalog.cutoffs(published_only=True)[-6]
        app = create_app(store=store, warm=False)
        wall, cpu = time.perf_counter(), time.process_time()
        result = bake_run(app, run_id)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"bake of run {run_id} ({cutoff}): {result.built} artefacts (pages, .json/.csv twins, Parquet) in "
              f"{wall:.1f} s wall, {cpu:.1f} s CPU; complete={result.complete}", flush=True)
        app.state.web.checkpoint()
    finally:
        store.close()
    return run_id, cutoff, older


def first_view(url: str) -> tuple[float, int, str]:
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as r:
        r.read(1)
        ttfb = time.perf_counter() - t0
        r.read()
        return ttfb * 1000, r.status, r.headers.get("ETag") or "-"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, help="a demo store (copied first)")
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--python", action="store_true", help="the Python loader even when wrk exists")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="capaian-bench-bake-"))
    proc = None
    try:
        db = tmp / "bake.duckdb"
        shutil.copy(args.db or newest_demo(), db)
        print(f"store: copy of {args.db or newest_demo()}; {os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}",
              flush=True)
        run_id, cutoff, older = bake(db)
        proc, port, started = start(db)
        base = f"http://127.0.0.1:{port}"
        print(f"capaian serve: port open after {started:.2f} s", flush=True)
        for label, path in (("baked province page, first view", "/wilayah/65"),
                            ("baked province page ?cutoff=, first view", f"/wilayah/65?cutoff={cutoff}"),
                            ("baked .json twin, first view", "/wilayah/65.json"),
                            ("live province page (older cut-off, not baked), first view", f"/wilayah/64?cutoff={older}")):
            ms, status, etag = first_view(base + path)
            print(f"{label:58s} {ms:7.1f} ms to the first byte  (HTTP {status}, ETag {etag[:14]})", flush=True)
        use_wrk = shutil.which("wrk") is not None and not args.python
        script = tmp / "percentiles.lua"
        script.write_text(WRK_LUA)
        for label, path in (("baked province page", "/wilayah/65"), ("baked .json twin", "/wilayah/65.json")):
            url = base + path
            for _ in range(20):
                urllib.request.urlopen(url, timeout=60).read()
            if use_wrk:
                n, errors, p50, p95, _ = run_wrk(url, args.concurrency, args.duration, script)
            else:
                lat, errors = asyncio.run(hammer(url, args.concurrency, args.duration))
                n, p50, p95 = len(lat), statistics.median(lat), pct(lat, 95)
            print(f"warm {label:22s} {args.concurrency} connections ({'wrk' if use_wrk else 'httpx'}): n={n} "
                  f"errors={errors} {n / args.duration:.0f} req/s  p50={p50:.1f} ms  p95={p95:.1f} ms", flush=True)
        print(f"load {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
