"""One build of a report per key across the processes of a PostgreSQL store (`capaian.store.claims`).

Two `ReportJobs` with the store's claim and one cache folder stand for two server processes: the
second asks for the report while the first is still preparing it, and is served the first's build.
"""

from __future__ import annotations

import functools
import threading
from types import SimpleNamespace

from capaian.reports import jobs as report_jobs
from capaian.reports.jobs import ReportJobs
from capaian.store.claims import claim


def test_two_processes_asking_for_one_report_get_one_build(tmp_path, pg_server, monkeypatch):
    url = pg_server.new_database()
    monkeypatch.setattr(report_jobs, "_render", lambda inputs, _at: f"report of {inputs.name}".encode())
    held = functools.partial(claim, url, poll=0.05)
    first = ReportJobs(tmp_path / "cache", workers=0, claim=held)
    second = ReportJobs(tmp_path / "cache", workers=0, claim=held)
    release, prepared = threading.Event(), []

    def slow_prepare():
        prepared.append("first")
        assert release.wait(60)
        return SimpleNamespace(name="nasional", filename="nasional.pdf")

    def second_prepare():
        prepared.append("second")
        return SimpleNamespace(name="nasional", filename="nasional.pdf")

    key = ("run", 7, "published", "ID", "pdf", "id")
    one = first.submit(key, slow_prepare, cacheable=True)
    while not prepared:  # the first process is building it
        threading.Event().wait(0.02)
    two = second.submit(key, second_prepare, cacheable=True)  # not in the cache yet: a job of its own
    assert not two.done
    release.set()
    assert one.wait(60) == two.wait(60) == b"report of nasional"
    assert prepared == ["first"] and first.builds + second.builds == 1
    assert two.from_cache and two.filename == "nasional.pdf"
    for jobs in (first, second):
        jobs.close()


def test_a_claim_ends_with_its_connection(pg_server):
    url = pg_server.new_database()
    taken = claim(url, "report:x")
    taken.__enter__()
    got = []
    second = claim(url, "report:x", poll=0.05)
    waiter = threading.Thread(target=lambda: got.append(second.__enter__()))
    waiter.start()
    waiter.join(0.5)
    assert waiter.is_alive() and not got  # held by the first
    taken.__exit__(None, None, None)  # its connection closed (as when its process dies)
    waiter.join(60)
    assert not waiter.is_alive() and len(got) == 1
    second.__exit__(None, None, None)
