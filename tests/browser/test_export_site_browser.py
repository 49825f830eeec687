"""`capaian export site` of the demo, served by `python -m http.server` and browsed in Chromium: a
crawl from index.html finds no broken link (pages, their assets, data files and reports), and the
page of Kalimantan Utara at 2020-11-H1 shows the seed's figures (tests/test_seed_articles.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
from browser_support import Recorder, free_port

pytestmark = pytest.mark.browser

CUTOFF = "2020-11-H1"


@pytest.fixture(scope="module")
def static_site(demo_db, tmp_path_factory):
    from capaian.records.export import export_site
    from capaian.store import open_store

    tmp = tmp_path_factory.mktemp("export-browser")
    db = tmp / "demo.duckdb"
    shutil.copy(demo_db, db)
    with open_store(db, create=False) as store:
        export_site(store, tmp / "site", cutoffs=[CUTOFF])
    port = free_port()
    log = open(tmp / "http.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                             "--directory", str(tmp / "site")], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "index.html", timeout=10):
                break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("python -m http.server did not start")
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(10)
    log.close()


def test_the_exported_site_has_no_broken_link_and_shows_the_seed_figures(static_site, browser):
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(120_000)
    recorder = Recorder(page)
    failed: list[str] = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))

    queue, seen, files = [static_site + "index.html"], set(), set()
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        for href in page.eval_on_selector_all(
                "a[href]", "els => els.map(e => new URL(e.getAttribute('href'), document.baseURI).href)"):
            target = href.split("#", 1)[0]
            assert target.startswith(static_site), (url, href)  # nothing outside the site
            if target.endswith(".html") or target.endswith("/"):
                queue.append(target)
            else:
                files.add(target)
    for url in sorted(files):  # data files and reports
        assert context.request.get(url).status == 200, url
    assert failed == []  # no page, stylesheet, script or image is missing
    assert len(seen) > 35 and any(u.endswith(".pdf") for u in files) and any(u.endswith(".parquet") for u in files)

    page.goto(f"{static_site}{CUTOFF}/wilayah/65.html")
    assert "kalimantan utara" in page.inner_text("#region-title").lower()
    assert page.inner_text("#level-value") == "3"
    cards = page.inner_text("#indicator-cards")
    for figure in ("467.701", "101,93 %", "91.763", "44,76 %", "218.142", "96,21 %"):
        assert figure in cards, figure
    path = page.inner_text("#next-step")
    assert "Level 4" in path and "Malinau" in path and "Nunukan" in path
    assert recorder.outside() == []
    context.close()
