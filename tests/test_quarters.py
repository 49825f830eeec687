"""Quarters (issue 20): `--period 2022-Q1` / `?period=2022-Q1` is the final run of the quarter's last
cut-off (2022-03-H2), chosen by the one run picker; the national team closes a quarter, which records
that run as final (stored, audited); every surface labels it "Triwulan I 2022" / "Quarter I 2022"."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from capaian.accounts import OPERATOR
from capaian.periods import Cutoff, Quarter, QuarterError
from capaian.present import numbers
from capaian.runs import Catalog, NoRun, choose
from cli_support import run_capaian


def test_quarter_parse_label_and_last_cutoff():
    q = Quarter.parse(" 2022-q1 ")
    assert (q.year, q.number, str(q)) == (2022, 1, "2022-Q1")
    assert q.last_cutoff == Cutoff.parse("2022-03-H2") and len(q.cutoffs) == 6
    assert Quarter.of("2020-11-H1") == Quarter(2020, 4) and str(Quarter.of("2020-11-H1")) == Cutoff.parse("2020-11-H1").quarter
    assert numbers.quarter("2022-Q1", "id") == "Triwulan I 2022"
    assert numbers.quarter("2020-Q4", "en") == "Quarter IV 2020"
    assert numbers.period("2022-Q3", True, "id") == "Triwulan III 2022 · final"
    assert numbers.period("2022-Q3", False, "en") == "Quarter III 2022 · not final yet"
    for bad in ("2022-Q5", "2022-Q0", "2022-03-H2", "Q1-2022", "", None):
        with pytest.raises(QuarterError):
            Quarter.parse(bad)


def _catalog(rows, closed=()) -> Catalog:
    """rows: (id, cutoff, published); closed: (quarter, run id)."""
    final = dict((run, quarter) for quarter, run in closed)
    return Catalog(pd.DataFrame([
        {"id": i, "cutoff": c, "rubric": "levelisasi-2022", "target_set": "national",
         "published_at": pd.Timestamp("2022-04-01") if p else None, "final_quarter": final.get(i)}
        for i, c, p in rows]))


ROWS = [(1, "2022-03-H1", True), (2, "2022-03-H2", True), (3, "2022-03-H2", True), (4, "2022-03-H2", False)]


def test_a_quarter_is_its_last_cutoff_by_the_picker_until_closed():
    open_ = _catalog(ROWS)
    choice = choose(open_, period="2022-Q1")
    assert (choice.run_id, choice.cutoff, choice.period, choice.final) == (3, "2022-03-H2", "2022-Q1", False)
    assert choose(open_, period="2022-Q1", draft=True, user=OPERATOR).run_id == 4  # the draft rule holds
    assert choice.previous_run_id == 1
    with pytest.raises(NoRun):
        choose(open_, period="2022-Q2")
    # as a run id wins over a cut-off, it wins over a quarter, and a quarter over a cut-off
    assert choose(open_, period="2022-Q1", cutoff="2022-03-H1").run_id == 3
    assert choose(open_, period="2022-Q1", run_id=1).run_id == 1


def test_a_closed_quarter_is_its_recorded_run_even_after_a_newer_one():
    closed = _catalog(ROWS, closed=[("2022-Q1", 2)])
    for request in ({}, {"draft": True, "user": OPERATOR}):
        choice = choose(closed, period="2022-Q1", **request)
        assert (choice.run_id, choice.final, choice.period) == (2, True, "2022-Q1")
    # asked by its cut-off, the newest published run answers, and the final one says it is final
    assert choose(closed, cutoff="2022-03-H2").run_id == 3
    by_id = choose(closed, run_id=2)
    assert by_id.final and by_id.period == "2022-Q1"


@pytest.fixture(scope="module")
def quarter_db(tmp_path_factory, demo_db):
    db = tmp_path_factory.mktemp("quarters") / "demo.duckdb"
    shutil.copy(demo_db, db)
    return db


def test_explain_by_quarter_on_the_demo(quarter_db):
    out = run_capaian(quarter_db, "explain", "65", "--period", "2020-Q4").stdout.splitlines()
    assert out[0] == "Triwulan IV 2020 · belum final (2020-12-H2, run 24)"
    assert out[1].startswith("Kalimantan Utara (65), 2020-12-H2: level")
    same = run_capaian(quarter_db, "explain", "65", "--cutoff", "2020-12-H2").stdout.splitlines()
    assert out[1:] == same
    data = json.loads(run_capaian(quarter_db, "explain", "65", "--period", "2020-Q4", "--format", "json").stdout)
    assert (data["run"]["period"], data["run"]["final"], data["run"]["cutoff"]) == ("2020-Q4", False, "2020-12-H2")
    en = run_capaian(quarter_db, "--lang", "en", "explain", "65", "--period", "2020-Q4").stdout.splitlines()
    assert en[0].startswith("Quarter IV 2020 · not final yet (2020-12-H2, run 24)")
    flags = run_capaian(quarter_db, "quality", "--period", "2020-Q4").stdout.splitlines()[0]
    assert flags.startswith("Tanda kualitas data 2020-12-H2 (run 24,")
    refused = run_capaian(quarter_db, "explain", "65", "--period", "2020-Q5", check=False)
    assert refused.returncode == 1 and "2020-Q5" in refused.stderr


def test_close_a_quarter_then_every_surface_says_final(quarter_db):
    from capaian.store import open_store

    # 2022-Q4's last cut-off (2022-12-H2) has no published run in the demo: it can't be closed
    refused = run_capaian(quarter_db, "quarter", "close", "2022-Q4", check=False)
    assert refused.returncode == 1 and "2022-12-H2" in refused.stderr
    out = run_capaian(quarter_db, "quarter", "close", "2022-Q1", "--as", "direktorat",
                      "--note", "difinalisasi 31 Maret").stdout
    lines = out.splitlines()
    assert lines[0].startswith("Triwulan I 2022 · final — run 30 (2022-03-H2) · ditutup")
    # 2022-Q1 ranks over the 34 provinces of its date, and the tallies add up to them
    assert lines[1].startswith("  Provinsi (34): L4 ")
    assert sum(int(part.split()[-1]) for part in lines[1].split(":")[1].split("·")) == 34
    again = run_capaian(quarter_db, "quarter", "close", "2022-Q1", check=False)
    assert again.returncode == 1 and "sudah ditutup" in again.stderr
    shown = json.loads(run_capaian(quarter_db, "quarter", "show", "2022-Q1", "--format", "json").stdout)
    assert (shown["run_id"], shown["final"], shown["closed_by"]) == (30, True, "direktorat")
    assert shown["offices"] == {"province": 34, "regency": 514} and shown["label"] == "Triwulan I 2022 · final"
    explain = run_capaian(quarter_db, "explain", "91", "--period", "2022-Q1").stdout
    assert explain.startswith("Triwulan I 2022 · final (2022-03-H2, run 30)") and "dari 34 provinsi" in explain
    results = json.loads(run_capaian(quarter_db, "results", "--period", "2022-Q1", "--format", "json").stdout)
    assert (results["run"]["run_id"], results["run"]["period"], results["run"]["final"]) == (30, "2022-Q1", True)
    assert len(results["regions"]) == 34
    report = run_capaian(quarter_db, "--lang", "en", "report", "--period", "2022-Q1", "--format", "md").stdout
    assert report.startswith("# Quarter I 2022 · final — ")
    with open_store(quarter_db, create=False) as store:
        audit = store.list_audit()
        closure = store.quarter_closure("2022-Q1")
    row = audit[audit["action"] == "quarter.close"].iloc[0]
    assert row["actor"] == "direktorat" and row["object"] == "quarter:2022-Q1"
    assert closure["run_id"] == 30 and closure["note"] == "difinalisasi 31 Maret"
    listed = json.loads(run_capaian(quarter_db, "quarter", "list", "--format", "json").stdout)
    assert [q["quarter"] for q in listed] == ["2020-Q1", "2020-Q2", "2020-Q3", "2020-Q4", "2022-Q1", "2022-Q2",
                                             "2022-Q3"]
    assert [q["final"] for q in listed].count(True) == 1


def test_pages_and_api_take_a_quarter(quarter_db, tmp_path):
    from capaian.store import open_store
    from capaian.web import create_app

    db = tmp_path / "web.duckdb"
    shutil.copy(quarter_db, db)
    client = TestClient(create_app(store=open_store(db), secret="test-secret"))
    page = client.get("/nasional", params={"period": "2020-Q4"})
    assert page.status_code == 200 and "Triwulan IV 2020 · belum final" in page.text
    twin = client.get("/nasional.json", params={"period": "2020-Q4"}).json()
    assert (twin["run"]["cutoff"], twin["run"]["period"], twin["run"]["final"]) == ("2020-12-H2", "2020-Q4", False)
    api = client.get("/api/results", params={"period": "2020-Q4", "tier": "province"}).json()
    assert api["run"]["cutoff"] == "2020-12-H2" and len(api["regions"]) == 34
    assert client.get("/api/results", params={"period": "2020-Q9"}).status_code == 422
    both = client.get("/api/results", params={"period": "2020-Q4", "cutoff": "2020-11-H1"}).json()
    assert both["run"]["cutoff"] == "2020-12-H2"
    one = client.get("/api/quarters/2020-Q4").json()
    assert one["label"] == {"id": "Triwulan IV 2020 · belum final", "en": "Quarter IV 2020 · not final yet"}
    assert sum(one["tallies"]["province"].values()) == 34 and sum(one["tallies"]["regency"].values()) == 514
    listed = client.get("/api/quarters").json()["quarters"]
    assert [q["quarter"] for q in listed][:4] == ["2020-Q1", "2020-Q2", "2020-Q3", "2020-Q4"]
    assert client.get("/api/quarters/2022-Q4").status_code == 404  # no published run of 2022-12-H2
