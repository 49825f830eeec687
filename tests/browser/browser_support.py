"""Helpers of the browser tests: Playwright on Debian's Chromium, `capaian serve` on a loopback port.

The fixtures themselves are in tests/browser/conftest.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


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


def run_cli(db: Path, *args: str, stdin: str | None = None):
    """`capaian --db DB ARGS` in this process (the server itself runs as a real process)."""
    from cli_support import run_capaian

    return run_capaian(db, *args, stdin=stdin)


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
        # up when the login page answers (it opens no run: a cold overview on a busy machine can take
        # longer than any per-request timeout, and retries would only queue more cold requests)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"capaian serve exited: {log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/masuk", timeout=30) as r:
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


def signed_in(browser, base: str, width: int, lang: str, user: str = "kaltara"):
    """A page of a context `width` px wide, logged in as `user` (the Kaltara office by default, who
    lands on its province; `nasional` lands on the overview), in `lang`."""
    import re

    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True,  # to inject axe
                                  locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(120_000)  # a cold region page on a busy 2-core machine
    page.goto(base + "/masuk")
    page.fill("#name", user)
    page.fill("#password", PASSWORD)
    page.click("#login-submit", no_wait_after=True)
    page.wait_for_url(re.compile(r"/wilayah/65" if user == "kaltara" else r"/nasional"))
    if page.get_attribute("html", "lang") != lang:
        page.click("#lang-toggle")
        page.wait_for_selector(f"html[lang='{lang}']")
    return context, page


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
