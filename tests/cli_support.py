"""Running the command line the way a user runs it, for the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CAPAIAN = [sys.executable, "-m", "capaian"]


def run_capaian(db: Path | str, *args: str, stdin: str | None = None, check: bool = True, env=None):
    """`capaian --db DB ARGS...` in a subprocess; returns the CompletedProcess."""
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    proc = subprocess.run(
        [*CAPAIAN, "--db", str(db), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=600,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"capaian {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc
