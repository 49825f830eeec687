"""Starting and stopping `capaian serve` for the web benches: one free port, one start, one stop.

`start()` returns when the port accepts connections (the time it took is the server's start-up),
or exits naming the server's last output when it dies or does not start.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(db: Path, extra_env: dict | None = None, limit: float = 90) -> tuple[subprocess.Popen, int, float]:
    """`capaian serve` on `db`: (process, port, seconds until the port accepted)."""
    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "capaian", "--db", str(db), "serve", "--host", "127.0.0.1",
                             "--port", str(port), "--log-level", "warning"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(extra_env or {})})
    while True:
        if proc.poll() is not None:
            raise SystemExit(proc.stderr.read().decode()[-2000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.05):
                return proc, port, time.perf_counter() - t0
        except OSError:
            time.sleep(0.01)
        if time.perf_counter() - t0 > limit:
            proc.kill()
            raise SystemExit("capaian serve did not start")


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None:
        return
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
