"""The server deployment: `capaian serve --workers N` on PostgreSQL with the CLI working beside it.

A real `capaian serve --workers 2` subprocess on a PostgreSQL copy of the web test store; while it
runs, `users add`, `publish` and `explain` go through the CLI (CliRunner, in this process) against
the same database, and the next requests (whichever worker answers) show the published run and
accept the new user's login. On DuckDB, `--workers 2` is refused with one line.
"""

from __future__ import annotations

import time

import httpx
import pytest
from typer.testing import CliRunner

from cli_support import run_capaian, run_capaian_process
from pg_support import copy_to_postgres
from serve_support import serving
from web_support import UNPUBLISHED, csrf_of, fresh_db


def _cli(*args: str, stdin: str | None = None):
    from capaian.cli import commands  # noqa: F401  (registers the sub-commands)
    from capaian.cli.app import app

    return CliRunner().invoke(app, list(args), input=stdin)


@pytest.fixture
def server(pg_server, tmp_path):
    """(base URL, database URL) of a running `capaian serve --workers 2` on PostgreSQL."""
    url = copy_to_postgres(fresh_db(tmp_path / "web"), pg_server)
    with serving(url, "--workers", "2") as (_, base):
        yield base, url


def _published_ids(base: str) -> set[int]:
    body = httpx.get(f"{base}/api/evaluations", timeout=60).json()
    return {int(r["id"]) for r in body["evaluations"]}


def test_cli_beside_two_workers_on_postgresql(server):
    base, url = server
    from capaian.store import open_store

    with open_store(url) as store:
        runs = store.list_runs()
    draft = int(runs.loc[runs["cutoff"] == UNPUBLISHED, "id"].iloc[0])
    for _ in range(6):  # the public sees no draft, on either worker
        assert draft not in _published_ids(base)

    added = _cli("--db", url, "users", "add", "pusat2", "--role", "national", "--password-stdin",
                 stdin="sandi-rahasia-9\n")
    assert added.exit_code == 0, added.output
    explained = _cli("--db", url, "explain", "65", "--cutoff", UNPUBLISHED, "--draft", "--format", "json")
    assert explained.exit_code == 0, explained.output
    assert f'"run_id": {draft}' in explained.output
    published = _cli("--db", url, "publish", str(draft))
    assert published.exit_code == 0, published.output

    # every worker reads the runs stamp at most every CAPAIAN_STAMP_SECONDS (2 s): within that, the
    # published run shows, and then on every request, whichever worker answers it
    deadline = time.monotonic() + 2.0 + 3.0
    while draft not in _published_ids(base):
        assert time.monotonic() < deadline, "the publication did not show within the stamp interval"
        time.sleep(0.2)
    time.sleep(2.5)  # past every worker's next stamp read
    for _ in range(8):
        assert draft in _published_ids(base)

    with httpx.Client(base_url=base, follow_redirects=False) as browser:
        page = browser.get("/masuk")
        done = browser.post("/masuk", data={"name": "pusat2", "password": "sandi-rahasia-9",
                                            "csrf_token": csrf_of(page.text), "next": "/nasional"})
        assert done.status_code == 303, done.text[:300]
        for _ in range(6):  # the session holds on every worker
            assert browser.get("/api/submissions").status_code == 200

    with open_store(url) as store:
        actions = store.list_audit()["action"].tolist()
    assert "run.publish" in actions and "user_add" in actions


def test_workers_above_one_are_refused_on_duckdb(tmp_path):
    done = run_capaian(fresh_db(tmp_path / "duck"), "--lang", "en", "serve", "--workers", "2", check=False)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "needs PostgreSQL" in lines[0], done.stderr


def test_cli_on_a_duckdb_file_held_by_a_server_says_why_in_one_line(tmp_path):
    import duckdb

    db = fresh_db(tmp_path / "held")
    holder = duckdb.connect(str(db))  # what a running `capaian serve` does to the file
    try:
        done = run_capaian_process(db, "--lang", "en", "db", "status", check=False)  # another process
    finally:
        holder.close()
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "in use by another process" in lines[0] and "PostgreSQL" in lines[0]
