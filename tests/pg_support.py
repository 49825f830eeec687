"""A throwaway PostgreSQL server for the tests: Debian's `postgresql` package, `initdb` + `pg_ctl`.

    server = PgServer.start()      # a fresh cluster in a temporary folder on a free port
    url = server.new_database()    # postgresql://postgres@127.0.0.1:PORT/capaian_N (empty)
    server.stop()                  # stops the server and removes the folder

initdb refuses to run as root, so the cluster belongs to the `postgres` OS user when the tests
run as root (CI); otherwise to the current user.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def pg_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (/usr/lib/postgresql/N/bin), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgServer:
    def __init__(self, folder: Path, port: int, bindir: Path, as_user: list[str]):
        self.folder, self.port, self.bindir, self.as_user = folder, port, bindir, as_user
        self._numbers = itertools.count(1)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    @classmethod
    def start(cls) -> "PgServer":
        bindir = pg_bin()
        if bindir is None:
            raise RuntimeError(
                "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); "
                "`apt-get install postgresql` (.ci/run does)"
            )
        folder = Path(tempfile.mkdtemp(prefix="capaian-pg-"))
        as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
            as_user = ["runuser", "-u", "postgres", "--"]
        server = cls(folder, _free_port(), bindir, as_user)
        server._run("initdb", "-D", str(server.data), "-A", "trust", "-U", "postgres",
                    "--no-sync", "-E", "UTF8", "--locale=C")
        server.resume()
        return server

    @property
    def options(self) -> str:
        return (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")

    def halt(self) -> None:
        """Stop the server (`pg_ctl stop -m fast`), keeping its data: `resume()` starts it again."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def resume(self) -> None:
        """Start the server (again) and wait until it accepts connections."""
        self._run("pg_ctl", "-D", str(self.data), "-o", self.options, "-l", str(self.folder / "log"),
                  "-w", "-t", "60", "start")

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every open connection is cut."""
        self._run("pg_ctl", "-D", str(self.data), "-o", self.options, "-l", str(self.folder / "log"),
                  "-m", "fast", "-w", "-t", "60", "restart")

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run([*self.as_user, str(self.bindir / tool), *args],
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stdout}\n{done.stderr}")

    def new_database(self, prefix: str = "capaian") -> str:
        """A new empty database; its URL."""
        import psycopg

        name = f"{prefix}_{next(self._numbers)}_{int(time.time() * 1000) % 100000}"
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def copy_to_postgres(duckdb_file, server: PgServer) -> str:
    """A new PostgreSQL database holding a copy of the DuckDB store `duckdb_file`; its URL.

    The first copy of a given file content goes through `copy_store`; later ones are cloned
    from it by PostgreSQL (`CREATE DATABASE ... TEMPLATE`), which is much faster."""
    import hashlib

    import psycopg

    from capaian.store import open_store
    from capaian.store.copy import copy_store

    digest = hashlib.sha256(Path(duckdb_file).read_bytes()).hexdigest()[:16]
    template = _TEMPLATES.get((server.port, digest))
    if template is None:
        url = server.new_database("template")
        with open_store(duckdb_file) as source, open_store(url) as target:
            copy_store(source, target)
        template = url.rsplit("/", 1)[1]
        _TEMPLATES[(server.port, digest)] = template
    name = f"capaian_{next(server._numbers)}_{digest[:6]}"
    with psycopg.connect(server.url(), autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return server.url(name)


_TEMPLATES: dict[tuple[int, str], str] = {}


def placed(request, duckdb_file) -> str:
    """The DuckDB file itself, or a PostgreSQL copy of it when the test's parameter says so
    (for module-scoped fixtures parametrised over the backends)."""
    if getattr(request, "param", "duckdb") == "postgresql":
        return copy_to_postgres(duckdb_file, request.getfixturevalue("pg_server"))
    return str(duckdb_file)
