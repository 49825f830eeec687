"""Concurrency of the server deployment: PostgreSQL with `capaian serve --workers N` vs the embedded default.

1. A throwaway PostgreSQL server (tests/pg_support.py) gets a copy of a demo store (`db copy`).
2. `capaian serve --workers 4` runs on it; 20 regency users upload a corrected file each through
   the API at the same moment: every upload must be stored whole (20 new submissions, 20 audit
   entries, each file's rows all there).
3. `wrk` (Debian package) with 100 connections on the national overview and a province page, their
   `.json` twins, and on the smallest answer (`/favicon.ico`, the floor of the server stack):
   requests, errors (non-2xx and socket errors), p50/p95/p99.
4. The same `wrk` run on the embedded DuckDB store with one process, for comparison.

    python bench/concurrency.py --demo /tmp/demo.duckdb [--workers 4] [--seconds 10]

Loopback only; everything it starts is stopped and removed at the end.
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from pg_support import PgServer, _free_port, copy_to_postgres  # noqa: E402

PASSWORD = "bench-pass-123"
LUA = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
               + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %d %d %.1f %.2f %.2f %.2f\\n", summary.requests, errors,
           summary.requests / (summary.duration / 1e6),
           latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def serve(db: str, workers: int) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "capaian", "--db", db, "serve", "--port", str(port), "--workers", str(workers),
         "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/nasional", timeout=30).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop(proc)
    raise SystemExit("server did not start")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def wrk(base: str, path: str, seconds: int, connections: int, folder: Path) -> str:
    script = folder / "report.lua"
    script.write_text(LUA)
    for page in ("/nasional", path):  # warm every worker's caches first
        subprocess.run(["wrk", "-t2", "-c8", "-d3s", base + page], capture_output=True)
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
                          base + path], capture_output=True, text=True).stdout
    match = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)", out)
    if not match:
        return f"wrk gave no result: {out[-300:]}"
    n, errors, rate, p50, p95, p99 = match.groups()
    return f"{n} requests, {errors} errors, {rate} req/s, p50 {p50} ms, p95 {p95} ms, p99 {p99} ms"


def uploads(base: str, db: str, users: list[tuple[str, str]], cutoff: str) -> str:
    from capaian.store import open_store

    with open_store(db) as store:
        before = len(store.list_submissions())
    barrier = threading.Barrier(len(users))
    codes: dict[str, int] = {}

    def one(name: str, code: str) -> None:
        body = f"kode_wilayah,cutoff,layanan_online,pks\n{code},{cutoff},1,7\n"
        auth = "Basic " + base64.b64encode(f"{name}:{PASSWORD}".encode()).decode()
        barrier.wait()
        try:
            r = httpx.post(base + "/api/submissions", files={"file": (f"{name}.csv", body.encode())},
                           headers={"Authorization": auth}, timeout=600)
            codes[name] = r.status_code
        except httpx.HTTPError as exc:
            codes[name] = type(exc).__name__

    threads = [threading.Thread(target=one, args=u) for u in users]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    with open_store(db) as store:
        subs = store.list_submissions()
        new = subs.iloc[before:]
        audit = store.list_audit()
        mine = audit[audit["actor"].isin([n for n, _ in users])]
        facts_ok = all(
            (store.current_facts(cutoff).query("region_code == @code")["fact"].isin(["layanan_online", "pks"]).sum() == 2)
            for _, code in users
        )
    ok = sum(1 for c in codes.values() if c == 201)
    return (f"{ok}/{len(users)} uploads accepted (201) in {seconds:.2f} s; {len(new)} new submissions, "
            f"{len(mine)} audit entries by the uploaders, every file's rows stored: {facts_ok}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--demo", required=True, help="a built demo DuckDB store (copied, not changed)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=100)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    from capaian.accounts import add_user
    from capaian.store import open_store

    folder = Path(tempfile.mkdtemp(prefix="capaian-bench-"))
    server = PgServer.start()
    try:
        local = folder / "demo.duckdb"
        shutil.copy(args.demo, local)
        with open_store(local) as store:
            cutoff = store.list_runs().query("published_at.notna()")["cutoff"].iloc[0]
            regions = store.regions("2025")
        t0 = time.perf_counter()
        url = copy_to_postgres(local, server)
        print(f"db copy DuckDB -> PostgreSQL: {time.perf_counter() - t0:.1f} s")
        regencies = regions[regions["tier"] == "regency"]["code"].tolist()[:20]
        users = [(f"kab{i:02d}", code) for i, code in enumerate(regencies)]
        with open_store(url) as store:
            for name, code in users:
                add_user(store, name, PASSWORD, "regency", code)
        # the floor: the smallest answer through the same server stack (middleware, sessions, headers)
        pages = {"floor (/favicon.ico)": "/favicon.ico", "national overview": f"/nasional?cutoff={cutoff}",
                 "province page (65)": f"/wilayah/65?cutoff={cutoff}",
                 "province twin (65.json)": f"/wilayah/65.json?cutoff={cutoff}",
                 "national twin (nasional.json)": f"/nasional.json?cutoff={cutoff}"}

        proc, base = serve(url, args.workers)
        try:
            print(f"PostgreSQL, {args.workers} workers: {uploads(base, url, users, cutoff)}")
            for label, path in pages.items():
                print(f"PostgreSQL, {args.workers} workers, {label}: "
                      f"{wrk(base, path, args.seconds, args.connections, folder)}")
        finally:
            stop(proc)

        proc, base = serve(str(local), 1)
        try:
            for label, path in pages.items():
                print(f"DuckDB (embedded), 1 process, {label}: "
                      f"{wrk(base, path, args.seconds, args.connections, folder)}")
        finally:
            stop(proc)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
