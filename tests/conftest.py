"""Shared fixtures: the CLI run the way a user runs it, and the demo database built once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A demo database built once per test session with `capaian demo build` (read it, don't write).

    Tests that change data copy it first (`demo_db_copy`).
    """
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    cached = os.environ.get("CAPAIAN_TEST_DEMO_DB")  # developer speed-up: reuse a built demo
    if cached and Path(cached).is_file():
        shutil.copy(cached, db)
    else:
        run_capaian(db, "demo", "build")
    return db


@pytest.fixture
def demo_db_copy(demo_db, tmp_path) -> Path:
    target = tmp_path / "demo-copy.duckdb"
    shutil.copy(demo_db, target)
    return target
