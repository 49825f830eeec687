"""Shared fixtures (helpers stay importable in the *_support.py modules; fixtures live here).

- `demo_db`: the synthetic national demo, built by `capaian demo build` in a background process
  started at collection, while the tests that do not need it run first, and kept outside the tree
  for the next run of the same sources (`_demo_cache`; a fresh machine builds it);
  `demo_db_copy`: a private copy for tests that write. Under pytest-xdist (`make test` runs two
  workers) the controller starts the one build and the workers wait for it
  (`CAPAIAN_TEST_DEMO_BUILD`); each test file runs whole on one worker (its module fixtures are set
  up once), its demo tests apart at the end, and the browser tests together on one worker.
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
BUILD_ENV = "CAPAIAN_TEST_DEMO_BUILD"  # folder of the xdist controller's demo build (demo.duckdb, rc)
_demo_build: dict = {}


def _needs_demo(item) -> bool:
    return bool(DEMO_FIXTURES & set(getattr(item, "fixturenames", ())))


def _start_demo_build() -> Path:
    """`capaian demo build` in the background into a new folder; `rc` appears there when it ends."""
    folder = Path(tempfile.mkdtemp(prefix="capaian-test-demo-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    script = '"$0" -m capaian --db "$1/demo.duckdb" demo build > "$1/build.log" 2>&1; echo $? > "$1/rc.tmp"; mv "$1/rc.tmp" "$1/rc"'
    proc = subprocess.Popen(["sh", "-c", script, sys.executable, str(folder)], env={**os.environ, "COLUMNS": "120"})
    atexit.register(lambda: proc.poll() is None and proc.kill())
    return folder


def _demo_cache() -> Path:
    """Where the demo built from exactly these sources is kept between runs, outside the tree
    (`$XDG_CACHE_HOME/capaian-tests`, else `~/.cache/capaian-tests`): any change to the package's
    files, pyproject.toml, Python or DuckDB gives another name, so a stale demo is never used."""
    import hashlib
    from importlib.metadata import version

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{sys.version}|duckdb {version('duckdb')}".encode())
    for path in sorted((root / "src" / "capaian").rglob("*")):
        if path.is_file() and path.suffix not in (".pyc", ".mo") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    digest.update((root / "pyproject.toml").read_bytes())
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "capaian-tests"
    return base / f"demo-{digest.hexdigest()[:20]}.duckdb"


def _keep_in_cache(built: Path) -> None:
    """The built demo into the cache, atomically (another run may read or write it at once)."""
    target = _demo_cache()
    if target.exists():
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        shutil.copy(built, partial)
        os.replace(partial, target)
    except OSError:
        pass  # a read-only home only costs the next run a build


def pytest_configure(config):
    """A demo built from these sources before is reused; otherwise the xdist controller starts
    the one demo build its workers share."""
    is_controller = not hasattr(config, "workerinput")
    if not is_controller or os.environ.get("CAPAIAN_TEST_DEMO_DB") or os.environ.get(BUILD_ENV):
        return
    cached = _demo_cache()
    if cached.is_file():
        os.environ["CAPAIAN_TEST_DEMO_DB"] = str(cached)  # inherited by the workers started later
    elif config.getoption("numprocesses", default=None):
        os.environ[BUILD_ENV] = str(_start_demo_build())


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(session, config, items):
    """The one collection hook. Before the other hooks (xdist's reads the groups): every test gets
    its xdist group: a test file stays on one worker, its demo tests are a group of their own, and
    the browser tests (one Chromium, one demo server) share a worker. After them (so after -k / -m
    deselection, and no build for deselected tests): the tests that need the demo run last, while
    it builds in a background process."""
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_group_of(item)))
    result = yield
    needs = {id(item) for item in items if _needs_demo(item)}
    if not needs:
        return result
    items[:] = [i for i in items if id(i) not in needs] + [i for i in items if id(i) in needs]
    cached = os.environ.get("CAPAIAN_TEST_DEMO_DB")
    if not ((cached and Path(cached).is_file()) or _demo_build or os.environ.get(BUILD_ENV)):
        _demo_build["folder"] = _start_demo_build()
    return result


def _group_of(item) -> str:
    path = item.nodeid.split("::")[0]
    if "/browser/" in path:
        return "browser"
    return ("demo:" if _needs_demo(item) else "") + path


def _wait_for_build(folder: Path) -> Path:
    """The background build's database, once it has ended well (fails the test otherwise)."""
    import time

    deadline = time.monotonic() + 1800
    while not (folder / "rc").exists():
        if time.monotonic() > deadline:
            pytest.fail(f"capaian demo build did not end in 30 minutes ({folder})")
        time.sleep(0.5)
    if (folder / "rc").read_text().strip() != "0":
        pytest.fail(f"capaian demo build failed:\n{(folder / 'build.log').read_text()}")
    built = folder / "demo.duckdb"
    if not Path(str(built) + ".wal").exists():  # a closed build holds everything in its one file
        _keep_in_cache(built)
    return built


@pytest.fixture(autouse=True)
def _cli_console_follows_columns():
    """Rich fixes a console's width from $COLUMNS when the console is made, so the first CLI test
    of a worker would set the width of every later one: each test starts with the CLI consoles
    following $COLUMNS again (a CLI process makes its console once; only tests share one)."""
    cli_app = sys.modules.get("capaian.cli.app")
    if cli_app is not None:
        for lazy in (cli_app.console, cli_app.err_console):
            if lazy._real is not None:
                lazy._real._width = None
    yield


@pytest.fixture(autouse=True)
def _no_stored_rubrics_left_over():
    """Opening a store makes its added rubrics and bases known to the process (`capaian.library`,
    as in a CLI command or a server): each test ends by forgetting them, so the next starts with
    the shipped ones only."""
    yield
    library = sys.modules.get("capaian.library")
    if library is not None:
        library.forget()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A demo database built once per test session with `capaian demo build` (read it, don't write).

    Tests that change data copy it first (`demo_db_copy`).
    """
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    cached = os.environ.get("CAPAIAN_TEST_DEMO_DB")  # developer speed-up: reuse a built demo
    building = os.environ.get(BUILD_ENV) or _demo_build.get("folder")
    if cached and Path(cached).is_file():
        shutil.copy(cached, db)
    elif building:
        built = _wait_for_build(Path(building))
        for suffix in ("", ".wal"):  # copied, not moved: every xdist worker takes its own
            if Path(str(built) + suffix).exists():
                shutil.copy(Path(str(built) + suffix), Path(str(db) + suffix))
    else:
        run_capaian(db, "demo", "build")
        _keep_in_cache(db)
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
