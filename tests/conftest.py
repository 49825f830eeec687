"""Shared fixtures: the demo database built once per session with `capaian demo build`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from cli_support import run_capaian


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
