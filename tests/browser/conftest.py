"""Fixtures of the browser tests: Chromium through Playwright, `capaian serve` on the demo and on the
small web store (helpers in browser_support.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from browser_support import CHROMIUM, CHROMIUM_ARGS, Recorder, Server, _add_users


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory, request):
    """The session's demo store (`capaian demo build`, tests/conftest.py), copied, users added by the
    CLI, then `capaian serve`."""
    demo_db = request.getfixturevalue("demo_db")
    tmp = tmp_path_factory.mktemp("demo-server")
    db = tmp / "demo.duckdb"
    shutil.copy(demo_db, db)
    _add_users(db)
    server = Server(db, tmp / "server.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def small_server(tmp_path_factory):
    """`capaian serve` on the small store of the web tests (users already there)."""
    from web_support import fresh_db

    tmp = tmp_path_factory.mktemp("small")
    db = fresh_db(tmp)
    server = Server(db, tmp / "server.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="id-ID")
    pg = context.new_page()
    pg.set_default_timeout(120_000)  # a hang bound: cold pages on a busy 2-core machine are slow
    pg.recorder = Recorder(pg)
    yield pg
    context.close()
