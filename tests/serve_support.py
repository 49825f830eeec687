"""`capaian serve` started the way a user starts it, for the few end-to-end tests that need a real
server process: a free port, a start that waits until it answers, a stop that ends its workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

START_BOUND = 180  # seconds: a hang, not a slow start on a busy 2-core machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(db: str | Path | None, *serve_args: str, env: dict | None = None, ready: str = "/api/evaluations",
            log: Path | None = None, kill: bool = False):
    """(process, base URL) of `python -m capaian [--db DB] serve SERVE_ARGS --port P`, once `ready`
    answers 200; its output goes to `log` (else a pipe). On exit its process group gets SIGTERM
    (SIGKILL with `kill`, or when it does not end in 30 s)."""
    port = free_port()
    db_args = ["--db", str(db)] if db is not None else []
    out = open(log, "w") if log is not None else subprocess.PIPE
    proc = subprocess.Popen(
        [sys.executable, "-m", "capaian", *db_args, "serve", *serve_args, "--port", str(port),
         "--log-level", "warning"],
        stdout=out, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        env={**os.environ, "CAPAIAN_SECRET": "", **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_BOUND
        while True:
            try:
                if httpx.get(f"{base}{ready}", timeout=30).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                said = log.read_text() if log is not None else (proc.stdout.read() if proc.poll() is not None else "")
                raise AssertionError(f"capaian serve did not start: {said}")
            time.sleep(0.3)
        yield proc, base
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL if kill else signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if log is not None:
            out.close()
