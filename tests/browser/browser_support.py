"""Fixtures of the browser tests: Playwright on Debian's Chromium, `capaian serve` on a loopback port.

(Not a conftest.py: a second `conftest` module would shadow tests/conftest.py for `from conftest import`.)
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CAPAIAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PASSWORD = "rahasia-123"
TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS))


def capaian_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("capaian")
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from capaian.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_cli(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*capaian_cmd(), "--db", str(db), *args], input=stdin, text=True,
                          capture_output=True, check=True, timeout=1800)


class Server:
    def __init__(self, db: Path, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "w")
        env = {**os.environ, "CAPAIAN_SECRET": "browser-test-secret"}
        self.proc = subprocess.Popen(
            [*capaian_cmd(), "--db", str(db), "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "warning"],
            stdout=self.log, stderr=subprocess.STDOUT, env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"capaian serve exited: {log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/nasional", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("capaian serve did not start")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def _add_users(db: Path) -> None:
    run_cli(db, "users", "add", "nasional", "--role", "national", "--password-stdin", stdin=PASSWORD + "\n")
    run_cli(db, "users", "add", "kaltara", "--role", "province", "--region", "65", "--password-stdin",
            stdin=PASSWORD + "\n")


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


class Recorder:
    """Every request the page makes, for the no-outside-request assertion."""

    def __init__(self, page):
        self.urls: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda req: self.urls.append(req.url))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("console", self._console)

    def _console(self, msg) -> None:
        # a refusal page (403/404) is logged by Chromium as a failed resource: expected here
        if msg.type == "error" and "Failed to load resource" not in msg.text:
            self.errors.append(msg.text)

    def outside(self) -> list[str]:
        from urllib.parse import urlparse

        return [u for u in self.urls
                if urlparse(u).scheme not in ("data", "blob", "about") and urlparse(u).hostname != "127.0.0.1"]


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="id-ID")
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    pg.recorder = Recorder(pg)
    yield pg
    context.close()
