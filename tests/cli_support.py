"""Running the command line for the tests: in-process with Typer's CliRunner (fast, the default),
or as a subprocess the way a user starts it (only for the few end-to-end tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
CAPAIAN = [sys.executable, "-m", "capaian"]


@dataclass
class Ran:
    """What a command left behind: exit code, stdout and stderr (text, and stdout as bytes)."""

    returncode: int
    stdout: str
    stderr: str
    stdout_bytes: bytes


def run_capaian(db: Path | str, *args: str, stdin: str | None = None, check: bool = True, env=None) -> Ran:
    """`capaian --db DB ARGS...` in this process (typer.testing.CliRunner)."""
    from capaian.cli import app

    result = CliRunner().invoke(app, ["--db", str(db), *args], input=stdin,
                                env={"COLUMNS": "200", **(env or {})}, catch_exceptions=False)
    ran = Ran(result.exit_code, result.stdout, result.stderr, result.stdout_bytes)
    if check and ran.returncode != 0:
        raise AssertionError(f"capaian {' '.join(args)} failed ({ran.returncode}):\n{ran.stdout}\n{ran.stderr}")
    return ran


def run_capaian_process(db: Path | str | None, *args: str, stdin: str | None = None, check: bool = True,
                        env=None, cwd=None) -> subprocess.CompletedProcess:
    """`python -m capaian [--db DB] ARGS...` in a subprocess (end-to-end tests only)."""
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    db_args = ["--db", str(db)] if db is not None else []
    proc = subprocess.run([*CAPAIAN, *db_args, *args], input=stdin, capture_output=True, text=True,
                          env=full_env, timeout=600, cwd=cwd)
    if check and proc.returncode != 0:
        raise AssertionError(f"capaian {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc
