"""Moving a store between backends and checking it: `capaian db copy` and `capaian db check`.

The web tests' small store (web_support.py: published and draft runs, national and register-style
facts, users, audit) goes DuckDB -> PostgreSQL -> DuckDB; afterwards every run's results are
identical on all three (compared frame by frame) and `db check` finds nothing wrong on any of them.
A changed published result, an orphan row and a non-empty target are caught. (The whole demo store
took minutes to copy twice on a loaded 2-core machine; `bench/concurrency.py` uses the demo.)
"""

from __future__ import annotations

import pandas as pd
import pytest

from capaian.errors import CapaianError
from capaian.store import open_store
from capaian.store.check import check_store
from capaian.store.copy import copy_store
from cli_support import run_capaian
from web_support import fresh_db


@pytest.fixture(scope="module")
def round_trip(pg_server, tmp_path_factory):
    """(source DuckDB, PostgreSQL copy, DuckDB copy back) through the `capaian db copy` command."""
    folder = tmp_path_factory.mktemp("round-trip")
    source = fresh_db(folder / "source")
    pg = pg_server.new_database()
    back = folder / "back.duckdb"
    first = run_capaian(source, "db", "copy", str(source), pg)
    assert first.returncode == 0, first.stderr
    second = run_capaian(source, "db", "copy", pg, str(back), "--with-accounts")  # a full move
    assert second.returncode == 0, second.stderr
    return source, pg, back


def _tables(store) -> dict[str, int]:
    return {t: int(store.scalar(f"SELECT count(*) FROM {t}")) for t in store.table_names()}


def test_every_run_and_row_survives_duckdb_postgresql_duckdb(round_trip):
    source, pg, back = round_trip
    with open_store(source) as a, open_store(pg) as b, open_store(back) as c:
        counts = _tables(a)
        assert counts["evaluation_runs"] > 1 and counts["facts"] > 0 and counts["users"] > 0
        assert _tables(b) == counts
        assert _tables(c) == counts
        assert a.list_runs().equals(c.list_runs())
        for run_id in a.list_runs()["id"]:
            meta_a, ind_a, reg_a = a.load_run(int(run_id))
            for other in (b, c):
                meta, ind, reg = other.load_run(int(run_id))
                pd.testing.assert_frame_equal(ind, ind_a)
                pd.testing.assert_frame_equal(reg, reg_a)
                assert meta == meta_a
        cut = a.list_cutoffs()[-1]
        pd.testing.assert_frame_equal(b.current_facts(cut), a.current_facts(cut))
        pd.testing.assert_frame_equal(c.fact_history(cut), a.fact_history(cut))


def test_sequences_continue_after_the_copied_rows(round_trip):
    source, pg, back = round_trip
    with open_store(source) as a:
        top = int(a.scalar("SELECT max(id) FROM audit_log"))
    for target in (pg, back):
        with open_store(target) as store:
            assert store.audit("test", "test.sequence", None) == top + 1


def test_check_finds_nothing_wrong_after_the_copies(round_trip):
    for target in round_trip:
        report = check_store(open_store(target))
        assert report.ok, [(p.subject, p.text("en")) for p in report.problems]
        assert report.runs_checked > 0


def test_check_reports_a_changed_published_result_and_orphans(tmp_path, on_backend):
    """A published run's stored result edited behind capaian's back, and a result row of no run."""
    with open_store(on_backend(fresh_db(tmp_path))) as store:
        run_id = int(store.list_runs().query("published_at.notna()")["id"].iloc[0])
        store.con.execute(
            "UPDATE results_indicators SET value = value + 1 WHERE run_id = ? AND row_no = 0", [run_id]
        )
        store.con.execute("INSERT INTO results_regions (run_id, row_no) VALUES (?, 0)", [999_999])
        report = check_store(store)
    problems = {(p.kind, p.subject) for p in report.problems}
    assert ("digest", f"run:{run_id}") in problems
    assert ("orphans", "results_regions.run_id") in problems
    assert [p.published for p in report.problems if p.kind == "digest"] == [True]


def test_check_command_exit_codes(tmp_path):
    db = fresh_db(tmp_path)
    good = run_capaian(db, "--lang", "en", "db", "check")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "0 problems" in good.stdout
    with open_store(db) as store:
        run_id = int(store.list_runs()["id"].iloc[0])
        store.con.execute("UPDATE results_regions SET level = level + 1 WHERE run_id = ?", [run_id])
    bad = run_capaian(db, "--lang", "en", "db", "check", check=False)
    assert bad.returncode == 1
    assert f"run:{run_id}" in bad.stdout and "digest" in bad.stdout


def test_copy_refuses_a_target_with_data(tmp_path):
    source_db, target = fresh_db(tmp_path / "source"), fresh_db(tmp_path / "target")
    with open_store(source_db) as source, open_store(target) as store:
        with pytest.raises(CapaianError, match="not empty"):
            copy_store(source, store)


def test_concurrent_writers_on_postgresql_keep_one_current_value(pg_server):
    """Two processes' connections write the same fact at once: the writes are serialised, so the
    later one supersedes the earlier and exactly one current value remains."""
    import threading
    import time

    url = pg_server.new_database()
    first, second = open_store(url), open_store(url)
    row = lambda v: pd.DataFrame([{"region_code": "65.01", "cutoff": "2020-11-H1", "fact": "pks", "value": v}])
    first.write_facts(row(1.0), "t", "me")
    inside = threading.Event()

    def slow_writer():
        with first.transaction():
            first.write_facts(row(2.0), "t", "a")
            inside.set()
            time.sleep(0.8)  # still uncommitted while the other writer starts

    worker = threading.Thread(target=slow_writer)
    worker.start()
    inside.wait(10)
    second.write_facts(row(3.0), "t", "b")
    worker.join()
    current = second.current_facts("2020-11-H1")
    assert current["value"].tolist() == [3.0]
    history = second.fact_history("2020-11-H1")
    assert sorted(history["value"].tolist()) == [1.0, 2.0, 3.0]
    assert int(history["superseded_by"].isna().sum()) == 1
    first.close()
    second.close()
