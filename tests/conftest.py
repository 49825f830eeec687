"""Shared fixtures (helpers stay importable in the *_support.py modules; fixtures live here).

- `demo_db`: the synthetic national demo, built once per session by `capaian demo build` in a
  background process started at collection, while the tests that do not need it run first (the
  machine has two cores; pytest uses one); `demo_db_copy`: a private copy for tests that write.
- `small_store`: a private copy of the small real store of the web tests (`web_support`), one
  per test module; `app`: the web app over another such copy, one per test module.
- `spark`: one local SparkSession for the whole session (a JVM starts once).
Every file goes under pytest's temporary folders (old ones are removed by pytest itself), or, for
the web store template built once per process, into a folder removed at exit.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from cli_support import run_capaian

DEMO_FIXTURES = {"demo_db", "demo_db_copy", "demo_server"}
_demo_build: dict = {}


@pytest.hookimpl(trylast=True)  # after -k / -m deselection: no build for deselected tests
def pytest_collection_modifyitems(session, config, items):
    """Tests that need the demo run last; the demo builds meanwhile in a background process."""
    needs = {id(item) for item in items if DEMO_FIXTURES & set(getattr(item, "fixturenames", ()))}
    if not needs:
        return
    items[:] = [i for i in items if id(i) not in needs] + [i for i in items if id(i) in needs]
    cached = os.environ.get("CAPAIAN_TEST_DEMO_DB")
    if (cached and Path(cached).is_file()) or _demo_build:
        return
    folder = Path(tempfile.mkdtemp(prefix="capaian-test-demo-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    log = open(folder / "build.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "capaian", "--db", str(folder / "demo.duckdb"), "demo", "build"],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "COLUMNS": "120"})
    atexit.register(lambda: proc.poll() is None and proc.kill())
    _demo_build.update(db=folder / "demo.duckdb", proc=proc, log=folder / "build.log")


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A demo database built once per test session with `capaian demo build` (read it, don't write).

    Tests that change data copy it first (`demo_db_copy`).
    """
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    cached = os.environ.get("CAPAIAN_TEST_DEMO_DB")  # developer speed-up: reuse a built demo
    if cached and Path(cached).is_file():
        shutil.copy(cached, db)
    elif _demo_build:
        proc = _demo_build["proc"]
        if proc.wait(timeout=1800) != 0:
            pytest.fail(f"capaian demo build failed ({proc.returncode}):\n{_demo_build['log'].read_text()}")
        for suffix in ("", ".wal"):
            built = Path(str(_demo_build["db"]) + suffix)
            if built.exists():
                shutil.move(built, Path(str(db) + suffix))
    else:
        run_capaian(db, "demo", "build")
    return db


@pytest.fixture
def demo_db_copy(demo_db, tmp_path) -> Path:
    target = tmp_path / "demo-copy.duckdb"
    shutil.copy(demo_db, target)
    return target


def _module_folder(tmp_path_factory, request, kind: str) -> Path:
    return tmp_path_factory.mktemp(f"{kind}-{request.module.__name__.removeprefix('test_')}")


@pytest.fixture(scope="module")
def small_store(tmp_path_factory, request):
    """The small real store of the web tests (web_support.py), a private copy for this module."""
    from capaian.store import open_store
    from web_support import fresh_db

    store = open_store(fresh_db(_module_folder(tmp_path_factory, request, "store")))
    yield store
    store.close()


@pytest.fixture(scope="module")
def app(tmp_path_factory, request):
    """The web app over a private copy of the small store, for this module (secret fixed)."""
    from capaian.web import create_app
    from web_support import fresh_db

    web = create_app(fresh_db(_module_folder(tmp_path_factory, request, "web")), secret="test-secret")
    yield web
    web.state.web.store.close()


@pytest.fixture(scope="session")
def spark():
    """One local[2] SparkSession shared by every Spark test (starting the JVM is the slow part)."""
    pytest.importorskip("pyspark")
    from capaian.facts.spark import spark_session

    session = spark_session("local[2]", {"spark.sql.shuffle.partitions": "4", "spark.ui.enabled": "false"})
    yield session
    session.stop()


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
