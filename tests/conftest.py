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


# -- the two store backends ----------------------------------------------------------------------
BACKENDS = ["duckdb", "postgresql"]


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server (Debian's package) for the whole session, removed at the end."""
    from pg_support import PgServer

    server = PgServer.start()
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def store_target(request) -> str:
    """Where a new empty store lives: DuckDB in memory, or a new PostgreSQL database."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_server").new_database()
    return ":memory:"


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """The backend name, for fixtures that build their own store on either (see `on_backend`)."""
    return request.param


@pytest.fixture
def on_backend(backend, request):
    """`on_backend(duckdb_file)`: the file itself on DuckDB, a PostgreSQL copy of it on PostgreSQL."""

    def place(path) -> str:
        if backend == "duckdb":
            return path
        from pg_support import copy_to_postgres

        return copy_to_postgres(path, request.getfixturevalue("pg_server"))

    return place
