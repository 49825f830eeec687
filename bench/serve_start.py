"""How fast `capaian serve` opens its port and turns ready, and whether a worker is killed meanwhile.

    PYTHONPATH=src python bench/serve_start.py --db DEMO.duckdb [--workers 4] [--load 8] [--runs 3]

With `--workers 1` the server runs on a copy of the DuckDB file; above 1 on a PostgreSQL copy of it
in a throwaway cluster (tests/pg_support.py). `--load N` keeps N busy-looping processes beside the
server (so a 2-core host's load average reaches about N) for the whole start. For each start it
prints the seconds from the process being spawned to:

- the port accepting a TCP connection;
- the first `/healthz` answering 200 (a worker serves requests);
- `/readyz` answering 200 on `--ready-checks` requests in a row (every worker warmed, most likely);

and, for `--workers`, the worker processes killed by uvicorn's health check during the start
(worker pids seen under the supervisor that disappeared, and "died" lines of its log).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def _spin(stop) -> None:
    while not stop.is_set():
        sum(range(10000))


def _children(pid: int) -> set[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return set()
    return {int(p) for p in text.split()}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def one_start(db: str, workers: int, ready_checks: int, limit: float, log: Path) -> dict:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-m", "capaian", "--db", db, "serve", "--port", str(port), "--log-level", "info"]
    if workers > 1:
        args += ["--workers", str(workers)]
    with open(log, "w") as out:
        t0 = time.monotonic()
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                env={**os.environ, "CAPAIAN_SECRET": "bench-secret"})
    found = {"port": None, "healthz": None, "ready": None}
    seen_workers: set[int] = set()
    in_a_row = 0
    try:
        while found["ready"] is None and time.monotonic() - t0 < limit:
            if proc.poll() is not None:
                raise SystemExit(f"capaian serve ended: {log.read_text()[-2000:]}")
            if workers > 1:
                seen_workers |= _children(proc.pid)
            if found["port"] is None:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.05).close()
                    found["port"] = time.monotonic() - t0
                except OSError:
                    time.sleep(0.01)
                    continue
            try:
                if found["healthz"] is None:
                    if httpx.get(f"{base}/healthz", timeout=30).status_code == 200:
                        found["healthz"] = time.monotonic() - t0
                    continue
                if httpx.get(f"{base}/readyz", timeout=30).status_code == 200:
                    in_a_row += 1
                    if in_a_row >= ready_checks:
                        found["ready"] = time.monotonic() - t0
                else:
                    in_a_row = 0
                    time.sleep(0.1)
            except httpx.HTTPError:
                time.sleep(0.05)
        if workers > 1:
            seen_workers |= _children(proc.pid)
            alive = _children(proc.pid)
            found["killed"] = len(seen_workers - alive)
            found["workers_seen"] = len(seen_workers)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    found["died_lines"] = sum("died" in line for line in log.read_text().splitlines())
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="a demo store (copied; the original is untouched)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--load", type=int, default=0, help="busy processes beside the server")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ready-checks", type=int, default=8)
    parser.add_argument("--limit", type=float, default=300.0, help="seconds before a start counts as failed")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="capaian-serve-start-"))
    pg = None
    stop = multiprocessing.Event()
    spinners = [multiprocessing.Process(target=_spin, args=(stop,), daemon=True) for _ in range(args.load)]
    try:
        copy = folder / "demo.duckdb"
        shutil.copy(args.db, copy)
        db = str(copy)
        if args.workers > 1:
            from pg_support import PgServer, copy_to_postgres

            pg = PgServer.start()
            t = time.monotonic()
            db = copy_to_postgres(copy, pg)
            print(f"PostgreSQL copy of the demo made in {time.monotonic() - t:.0f} s")
        for s in spinners:
            s.start()
        time.sleep(2 if spinners else 0)
        print(f"{os.cpu_count()} CPUs; {args.load} busy processes beside; load average at start "
              f"{os.getloadavg()[0]:.1f}; {'DuckDB, 1 process' if args.workers == 1 else f'PostgreSQL, {args.workers} workers'}")
        for n in range(args.runs):
            f = one_start(db, args.workers, args.ready_checks, args.limit, folder / f"serve-{n}.log")
            extra = (f"; workers seen {f['workers_seen']}, killed {f['killed']}" if args.workers > 1 else "")
            port, health, ready = (f"{v:.2f} s" if v is not None else "never" for v in
                                   (f["port"], f["healthz"], f["ready"]))
            print(f"start {n + 1}: port open {port}, first /healthz 200 {health}, /readyz 200 x{args.ready_checks} "
                  f"{ready}{extra}; 'died' log lines {f['died_lines']}; load {os.getloadavg()[0]:.1f}")
    finally:
        stop.set()
        for s in spinners:
            s.join(5)
        if pg is not None:
            pg.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
