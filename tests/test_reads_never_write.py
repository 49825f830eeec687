"""Reads never write (issue 21): every page, twin and API read, asked by the public and by every
role about a published and an unpublished run, and every read command of the CLI, leave every
table of the store as it was (a digest of each table before and after).

The one table left out is `sessions`: a logged-in request refreshes its session's `last_seen`, which
the inactivity timeout needs (logging in is a write, done before the first digest)."""

from __future__ import annotations

import hashlib
import shutil

import pytest
from typer.testing import CliRunner

from capaian.store import open_store
from test_access_matrix import ACCOUNTS, MATRIX, PASSWORD, PUBLISHED_CUTOFF, ROLES, UNPUBLISHED_CUTOFF, _client

SESSION_TABLES = {"sessions"}
EARLIER = ("2020-07-H1", "2022-03-H1")  # published cut-offs no one has looked at yet (no saved flags)


def digests(db) -> dict[str, str]:
    """{table: sha256 of its rows in a stable order} for every table of the store."""
    with open_store(db, create=False) as store:
        tables = [r[0] for r in store.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()]
        out = {}
        for table in tables:
            if table in SESSION_TABLES:
                continue
            rows = store.con.execute(f'SELECT * FROM "{table}" ORDER BY ALL').fetchall()
            out[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


@pytest.fixture
def world(demo_db, tmp_path):
    from capaian.accounts import add_user
    from capaian.runs import Catalog

    db = tmp_path / "reads.duckdb"
    shutil.copy(demo_db, db)
    with open_store(db) as store:
        for name, role, region in ACCOUNTS.values():
            add_user(store, name, PASSWORD, role, region)
        catalog = Catalog.from_store(store)
        runs = {True: int(catalog.latest(PUBLISHED_CUTOFF, published_only=True)),
                False: int(catalog.latest(UNPUBLISHED_CUTOFF))}
        from capaian.quality.saved import flags_key, saved_flags
        from capaian.runs import choose

        for cutoff in EARLIER:  # what a read used to save "on first use"
            key, _ = flags_key(store, catalog, choose(catalog, cutoff=cutoff))
            assert saved_flags(store, key) is None, cutoff
    return db, runs


def _urls(runs) -> list[tuple[str, str, int, bool]]:
    out = []
    for method, _route, url, *_ in MATRIX:
        kind, _, url = url.rpartition(":")
        if method != "GET" or kind or url.endswith((".pdf", ".xlsx")) or ".xlsx?" in url or ".pdf?" in url:
            continue  # writes, and the rendered documents (built by report workers, outside the store)
        for published, cutoff in ((True, PUBLISHED_CUTOFF), (False, UNPUBLISHED_CUTOFF)):
            out.append((url, cutoff, runs[published], not published))
    for cutoff in EARLIER:
        for url in ("/nasional?cutoff={cutoff}", "/wilayah/65?cutoff={cutoff}", "/kualitas?cutoff={cutoff}",
                    "/nasional.parquet?cutoff={cutoff}", "/api/flags?cutoff={cutoff}"):
            out.append((url, cutoff, runs[True], False))
    return out


READ_COMMANDS = [
    ("explain", "65", "--cutoff", EARLIER[0]),
    ("explain", "65.71", "--cutoff", EARLIER[1], "--format", "json"),
    ("explain", "Kaltara", "--format", "csv"),
    ("explain", "65", "--cutoff", UNPUBLISHED_CUTOFF, "--draft"),
    ("results", "--cutoff", EARLIER[0]),
    ("results", "--cutoff", EARLIER[1], "--tier", "regency", "--format", "json"),
    ("results", "--tier", "kabkota", "--province", "65", "--format", "csv"),
    ("quality", "--cutoff", EARLIER[0]),
    ("quality", "--cutoff", EARLIER[1], "--format", "json"),
    ("quality", "--cutoff", UNPUBLISHED_CUTOFF, "--draft", "--format", "csv"),
    ("completeness", "--cutoff", EARLIER[0]),
    ("forecast", "65", "--cutoff", EARLIER[1]),
    ("runs", "list"),
    ("regions", "show", "65"),
    ("regions", "find", "tarakan"),
    ("users", "list"),
    ("db", "status"),
    ("settings",),
]


def test_a_crawl_and_every_read_command_leave_every_table_unchanged(world, tmp_path):
    from capaian.web import create_app

    db, runs = world
    app = create_app(db, secret="reads-secret", warm=False)
    clients = {role: _client(app, role) for role in ROLES}  # logging in writes (sessions): before the digest
    before = digests(db)
    assert {"saved_flags", "evaluation_runs", "facts", "users"} <= set(before)
    asked = 0
    for url, cutoff, run, draft in _urls(runs):
        for role, client in clients.items():
            target = url.replace("cutoff={cutoff}", "cutoff={cutoff}&draft=1") if draft else url
            answer = client.get(target.format(cutoff=cutoff, run=run))
            assert answer.status_code < 500, (role, target, answer.status_code)
            asked += 1
    assert asked > 300
    assert digests(db) == before, "a page or API read changed the store"

    from capaian.cli import commands  # noqa: F401  (registers the sub-commands)
    from capaian.cli.app import app as cli

    runner = CliRunner()
    for args in READ_COMMANDS + [("report", "--scope", "65", "--cutoff", EARLIER[0], "-o", str(tmp_path / "k.md"))]:
        result = runner.invoke(cli, ["--db", str(db), *args])
        assert result.exit_code == 0, (args, result.output)
    assert digests(db) == before, "a read command changed the store"
