"""`pg_ctl restart -m fast` under load: what `capaian serve --workers N` on PostgreSQL answers.

    PYTHONPATH=src python bench/pg_restart.py [--workers 2] [--clients 8] [--down 3]

Starts a throwaway PostgreSQL (tests/pg_support.py) and a real server on an empty migrated store,
keeps `--clients` threads asking `/api/evaluations` and `/nasional`, stops PostgreSQL for `--down`
seconds, starts it again and prints: seconds until the port opened and /readyz turned ready, the
answers by status and content type during the outage, and the seconds from PostgreSQL accepting
connections again to the first 200 (and to every client seeing 200 again).
"""

from __future__ import annotations

import argparse
import collections
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--down", type=float, default=3.0)
    args = parser.parse_args()

    from pg_support import PgServer

    from capaian.store import open_store

    pg = PgServer.start()
    url = pg.new_database()
    open_store(url).close()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "capaian", "serve", "--workers", str(args.workers),
                             "--port", str(port), "--log-level", "warning"], start_new_session=True,
                            env={**os.environ, "CAPAIAN_DB": url}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    opened = ready = None
    while ready is None:
        try:
            status = httpx.get(f"{base}/readyz", timeout=10).status_code
            opened = opened or time.monotonic() - started
            if status == 200:
                ready = time.monotonic() - started
        except httpx.HTTPError:
            time.sleep(0.05)
    print(f"port open {opened:.2f} s, ready {ready:.2f} s after the process started")

    phase = ["before"]
    seen: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    first_ok: dict[int, float] = {}
    back_at = [None]
    stop = threading.Event()

    def client(n: int) -> None:
        with httpx.Client(timeout=30) as http:
            while not stop.is_set():
                for path in ("/api/evaluations", "/nasional"):
                    try:
                        r = http.get(base + path)
                        kind = r.headers.get("content-type", "").split(";")[0]
                        seen[phase[0]][f"{r.status_code} {kind}"] += 1
                        if phase[0] == "after" and r.status_code == 200 and n not in first_ok:
                            first_ok[n] = time.monotonic() - back_at[0]
                    except httpx.HTTPError as exc:
                        seen[phase[0]][type(exc).__name__] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    for t in threads:
        t.start()
    time.sleep(2)
    phase[0] = "outage"
    pg.halt()
    time.sleep(args.down)
    pg.resume()  # returns once PostgreSQL accepts connections
    back_at[0] = time.monotonic()
    phase[0] = "after"
    deadline = time.monotonic() + 30
    while len(first_ok) < args.clients and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join()
    os.killpg(proc.pid, signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    pg.stop()
    for name in ("before", "outage", "after"):
        print(f"{name:7s}", dict(seen[name]))
    times = sorted(first_ok.values())
    print(f"first 200 {times[0]:.2f} s after PostgreSQL accepted connections again; "
          f"every client {times[-1]:.2f} s" if times else "no 200 after the restart")
    print(f"server log: {err.count('Traceback')} tracebacks, {len(err.splitlines())} lines")
    kinds = collections.Counter(" ".join(line.split()[:6]) for line in err.splitlines())
    for kind, count in kinds.most_common(8):
        print(f"  {count:4d}  {kind}")


if __name__ == "__main__":
    main()
