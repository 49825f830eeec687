"""Load check of the dashboard: p50/p95 latency of the national overview and a province page.

Starts `capaian serve` on a free loopback port over a store (the demo by default, built into a
temporary file when no --db is given), then runs CONCURRENCY clients (default 20) on loopback
for DURATION seconds per page. With `wrk` on PATH (Debian package `wrk`) it drives the load and
reports its latency percentiles; otherwise (or with --python) a pure-Python asyncio + httpx
loader does, which competes with the server for the CPU and so reports higher latencies.

    python bench/web_load.py                       # build the demo into /tmp, 20 clients, 15 s per page
    python bench/web_load.py --db capaian.duckdb   # an existing store (copied; the original is untouched)
    python bench/web_load.py --url http://127.0.0.1:8000   # a server that is already running

Prints one line per page (the HTML pages and their .json twins): requests, errors, req/s, p50, p95,
p99 (ms). Goals: p95 ≤ 20 ms at 20 clients; a twin at least as fast as its page.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PAGES = {
    "national overview": "/nasional?cutoff={cutoff}",
    "/nasional.json twin": "/nasional.json?cutoff={cutoff}",
    "province page (65)": "/wilayah/65?cutoff={cutoff}",
    "/wilayah/65.json twin": "/wilayah/65.json?cutoff={cutoff}",
}


def capaian_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("capaian")
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from capaian.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [*capaian_cmd(), "--db", str(db), "serve", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/nasional", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("capaian serve did not start")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


async def hammer(url: str, concurrency: int, duration: float) -> tuple[list[float], int]:
    import httpx

    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def worker():
            nonlocal errors
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    r = await client.get(url)
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append((time.perf_counter() - t0) * 1000)
                errors += 0 if ok else 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, errors


WRK_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("WRK %d %d %.3f %.3f %.3f\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def run_wrk(url: str, concurrency: int, duration: float, script: Path) -> tuple[int, int, float, float, float]:
    threads = max(1, min(2, concurrency))
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{int(duration)}s", "-s", str(script), url],
        check=True, capture_output=True, text=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRK "))
    n, errors, p50, p95, p99 = line.split()[1:]
    return int(n), int(errors), float(p50), float(p95), float(p99)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="store to serve (copied first); default: build the demo")
    ap.add_argument("--url", help="an already running server instead of starting one")
    ap.add_argument("--cutoff", default="2020-11-H1")
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument("--duration", type=float, default=15.0, help="seconds per page")
    ap.add_argument("--warmup", type=int, default=20, help="requests per page before measuring")
    ap.add_argument("--settle", type=float, default=5.0, help="seconds to wait after the server starts")
    ap.add_argument("--python", action="store_true", help="use the Python loader even when wrk exists")
    ap.add_argument("--only", help="pages whose name contains this text (e.g. json)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="capaian-bench-"))
    proc = None
    try:
        if args.url:
            base = args.url.rstrip("/")
        else:
            db = tmp / "bench.duckdb"
            if args.db:
                shutil.copy(args.db, db)
            else:
                print("building the demo store (capaian demo build) ...", flush=True)
                subprocess.run([*capaian_cmd(), "--db", str(db), "demo", "build"], check=True,
                               stdout=subprocess.DEVNULL)
            proc, base = start_server(db)
            time.sleep(args.settle)  # let the server's start-up warm-up (loading recent runs) finish
        use_wrk = shutil.which("wrk") is not None and not args.python
        script = tmp / "percentiles.lua"
        script.write_text(WRK_LUA)
        print(f"server {base}; {args.concurrency} concurrent clients, {args.duration:g} s per page; "
              f"{os.cpu_count()} CPUs; loader: {'wrk' if use_wrk else 'python asyncio+httpx'}", flush=True)
        for name, path in PAGES.items():
            if args.only and args.only not in name:
                continue
            url = base + path.format(cutoff=args.cutoff)
            for _ in range(args.warmup):
                urllib.request.urlopen(url, timeout=60).read()
            if use_wrk:
                n, errors, p50, p95, p99 = run_wrk(url, args.concurrency, args.duration, script)
            else:
                lat, errors = asyncio.run(hammer(url, args.concurrency, args.duration))
                n, p50, p95, p99 = len(lat), statistics.median(lat), pct(lat, 95), pct(lat, 99)
            print(f"{name:22s} n={n:6d} errors={errors:3d} {n / args.duration:7.1f} req/s  "
                  f"p50={p50:6.1f} ms  p95={p95:6.1f} ms  p99={p99:6.1f} ms", flush=True)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
