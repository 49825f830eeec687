"""Reports on demand: built once per (run, publication, scope, format, language, tiers), cached for
published runs, shared by concurrent requests, never served from a draft after publication."""

import base64
import threading

from fastapi.testclient import TestClient

from capaian.web import create_app
from web_support import PASSWORD, SEED_CUTOFF, UNPUBLISHED, fresh_db, login


def _app(tmp_path, workers=0, db=None):
    db = db or fresh_db(tmp_path / "db")
    return create_app(db, secret="test-secret", report_cache=tmp_path / "cache", report_workers=workers,
                      warm=False), db


def _national(app):
    c = TestClient(app)
    assert login(c, "nasional").status_code == 303
    return c


def _basic() -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"nasional:{PASSWORD}".encode()).decode()}


def test_published_report_is_built_once_and_served_from_the_cache(tmp_path):
    app, db = _app(tmp_path, workers=1)  # the real worker process
    c = _national(app)
    url = f"/wilayah/65/laporan.pdf?cutoff={SEED_CUTOFF}"
    first = c.get(url)
    second = c.get(url)
    assert first.status_code == second.status_code == 200 and first.content.startswith(b"%PDF")
    assert second.content == first.content
    assert app.state.web.reports.builds == 1
    app.state.web.reports.close()
    # a restarted server serves the same file from the cache folder without building it
    again, _ = _app(tmp_path, db=db)
    assert _national(again).get(url).content == first.content
    assert again.state.web.reports.builds == 0


def test_two_concurrent_requests_share_one_build(tmp_path):
    app, _ = _app(tmp_path)
    url = f"/nasional/laporan.xlsx?cutoff={SEED_CUTOFF}"
    results = []

    def fetch():
        results.append(TestClient(app).get(url))

    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert [r.status_code for r in results] == [200, 200]
    assert results[0].content == results[1].content
    assert app.state.web.reports.builds == 1


def test_draft_is_not_served_from_cache_after_publishing(tmp_path):
    app, _ = _app(tmp_path)
    c = _national(app)
    url = f"/wilayah/65/laporan.md?cutoff={UNPUBLISHED}&draft=1"
    draft = c.get(url)
    assert draft.status_code == 200 and "-draf-" in draft.headers["content-disposition"]
    assert c.get(url).content == draft.content and app.state.web.reports.builds == 1  # same job, not cached on disk
    run_id = c.get(f"/wilayah/65.json?cutoff={UNPUBLISHED}&draft=1").json()["run"]["run_id"]
    assert not list((tmp_path / "cache").glob("*.bin"))  # drafts never reach the cache folder
    published = TestClient(app).post(f"/api/evaluations/{run_id}/publish", headers=_basic())
    assert published.status_code == 200
    after = c.get(f"/wilayah/65/laporan.md?cutoff={UNPUBLISHED}")
    assert after.status_code == 200 and "-draf-" not in after.headers["content-disposition"]
    assert after.content != draft.content
    assert app.state.web.reports.builds == 2


def test_htmx_click_shows_progress_then_a_download_link(tmp_path):
    app, _ = _app(tmp_path)
    c = _national(app)
    url = f"/nasional/laporan.pdf?cutoff={SEED_CUTOFF}"
    started = c.get(url, headers={"HX-Request": "true"})
    assert started.status_code == 200 and "report-job" in started.text
    job = next(iter(app.state.web.reports._jobs.values()))
    job.wait(120)
    done = c.get(f"/laporan/job/{job.id}")
    assert done.status_code == 200 and f'href="{url.replace("&", "&amp;")}"' in done.text
    assert c.get("/laporan/job/nope").status_code == 404
    assert c.get(url).content == job.content and app.state.web.reports.builds == 1


def test_a_progress_poll_is_answered_by_another_server_process(tmp_path, pg_server):
    """Two apps over one PostgreSQL database (two workers, or two app servers): the job started on
    one is answered on the other, from the state the first recorded in the store."""
    from pg_support import copy_to_postgres

    url_db = copy_to_postgres(fresh_db(tmp_path / "db"), pg_server)
    first, _ = _app(tmp_path / "a", db=url_db)
    second, _ = _app(tmp_path / "b", db=url_db)
    c = _national(first)
    url = f"/nasional/laporan.md?cutoff={SEED_CUTOFF}"
    started = c.get(url, headers={"HX-Request": "true"})
    assert started.status_code == 200 and "report-job" in started.text
    job = next(iter(first.state.web.reports._jobs.values()))
    job.wait(120)
    elsewhere = TestClient(second).get(f"/laporan/job/{job.id}")
    assert elsewhere.status_code == 200 and 'report-job done' in elsewhere.text
    assert f'href="{url.replace("&", "&amp;")}"' in elsewhere.text
    assert TestClient(second).get("/laporan/job/nope").status_code == 404
    assert second.state.web.reports.builds == 0  # the second process built nothing
    for app in (first, second):
        app.state.web.close()


def test_renderer_processes_die_with_a_killed_server(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import os, sys, time\n"
        "from capaian.reports.jobs import ReportJobs\n"
        "jobs = ReportJobs(None, workers=1)\n"
        "pool = jobs._process_pool()\n"
        "print(pool.submit(os.getpid).result(), flush=True)\n"
        "pool.submit(time.sleep, 600)  # the renderer is busy when its server is killed\n"
        "time.sleep(600)\n"
    )
    server = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    renderer = int(server.stdout.readline())
    os.kill(renderer, 0)  # alive
    time.sleep(1)  # the long task reached the renderer
    server.send_signal(signal.SIGKILL)
    server.wait(30)
    for _ in range(100):
        try:
            os.kill(renderer, 0)
        except ProcessLookupError:
            break
        try:  # reap it if it became our child (it is not: it was the server's)
            os.waitpid(renderer, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.1)
    else:
        raise AssertionError(f"renderer {renderer} outlived its server")


def test_builds_run_one_at_a_time_per_renderer(tmp_path):
    """Two reports asked for together are built one after the other (issue 25, isolation): the
    second's inputs are gathered only once the first is done."""
    from capaian.reports.jobs import ReportJobs

    jobs = ReportJobs(None, workers=0)
    log, inside = [], threading.Lock()

    def prepare(name):
        def run():
            assert inside.acquire(blocking=False), "two builds gathered at once"
            log.append(name)
            threading.Event().wait(0.2)
            inside.release()
            raise RuntimeError(name)  # stops before rendering: the order is what is tested
        return run

    first, second = jobs.submit(("a",), prepare("a"), False), jobs.submit(("b",), prepare("b"), False)
    for job in (first, second):
        job.done_event.wait(30)
        assert job.state == "failed"
    assert log == ["a", "b"]
    jobs.close()


def test_the_national_report_reads_the_flags_the_server_keeps(tmp_path):
    """The national report's quality section from the server's flags of the choice (loaded runs,
    kept per choice) is the section read from the store."""
    from capaian.quality.notes import attach
    from capaian.reports.quality import national_section
    from capaian.runs import Catalog, choose
    from capaian.web.data import chosen_flags

    app, _ = _app(tmp_path)
    state = app.state.web
    choice = choose(state.catalog(), user=None, cutoff=SEED_CUTOFF)
    view = state.view(choice.run_id)
    held = attach(chosen_flags(state, choice), state.quality_notes()[1])
    with state.db() as store:
        assert Catalog.from_store(store).row(choice.run_id)["cutoff"] == SEED_CUTOFF
        read = national_section(store, choice, view, "en")
        given = national_section(store, choice, view, "en", flags=held)
    assert given.flags_total == read.flags_total and given.flag_counts == read.flag_counts
    assert given.flags == read.flags and read.flags_total > 0
