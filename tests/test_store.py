"""The embedded store: migrations, transactions, facts with revisions, runs, audit."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from capaian.errors import CapaianError
from capaian.store import open_store
from capaian.store.migrate import Migration, current_version, known_migrations, migrate

CUT = "2020-11-H1"
TABLES = (
    "schema_migrations", "store_meta", "regions", "submissions", "fact_revisions", "facts",
    "evaluation_runs", "results_indicators", "results_regions", "audit_log", "users",
    "register_imports", "quarantine",
)


@pytest.fixture
def store(store_target):
    """An empty store on each backend (DuckDB, PostgreSQL)."""
    s = open_store(store_target)
    yield s
    s.close()


def facts(values: dict, cutoff: str = CUT) -> pd.DataFrame:
    return pd.DataFrame(
        [{"region_code": r, "cutoff": cutoff, "fact": f, "value": v} for (r, f), v in values.items()]
    )


# -- migrations --------------------------------------------------------------------------------
def test_empty_database_gets_every_migration(store):
    steps = known_migrations()
    assert store.schema_version() == steps[-1].version
    rows = store.con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert rows == [(m.version, m.name) for m in steps]
    have = {r[0] for r in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert set(TABLES) <= have


def test_second_open_applies_nothing(tmp_path):
    path = tmp_path / "c.duckdb"
    open_store(path).close()
    con = duckdb.connect(str(path))
    before = con.execute("SELECT * FROM schema_migrations").fetchall()
    assert migrate(con) == []
    assert con.execute("SELECT * FROM schema_migrations").fetchall() == before
    con.close()
    store = open_store(path)
    assert store.schema_version() == known_migrations()[-1].version
    store.close()


def test_new_migration_applies_to_existing_database(tmp_path):
    path = tmp_path / "c.duckdb"
    store = open_store(path)
    store.audit("t", "kept", None)
    store.close()
    extra = Migration(len(known_migrations()) + 1, "add_notes",
                      lambda con: con.execute("CREATE TABLE notes (x INTEGER)"))
    store = open_store(path, migrations=known_migrations() + [extra])
    assert store.schema_version() == extra.version
    assert store.scalar("SELECT count(*) FROM notes") == 0
    assert store.list_audit()["action"].tolist() == ["kept"]  # data untouched
    store.close()


def test_failing_migration_rolls_back_its_step(tmp_path):
    path = tmp_path / "c.duckdb"
    open_store(path).close()

    def broken(con):
        con.execute("CREATE TABLE half (x INTEGER)")
        raise RuntimeError("boom")

    version = len(known_migrations()) + 1
    with pytest.raises(RuntimeError):
        open_store(path, migrations=known_migrations() + [Migration(version, "broken", broken)])
    con = duckdb.connect(str(path))
    assert current_version(con) == version - 1
    assert con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'half'"
    ).fetchall()[0][0] == 0
    con.close()


def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "c.duckdb"
    open_store(path).close()
    known = known_migrations()[-1].version
    con = duckdb.connect(str(path))
    con.execute(f"INSERT INTO schema_migrations VALUES ({known + 1}, 'future', now()::TIMESTAMP)")
    before = con.execute("SELECT * FROM schema_migrations ORDER BY version").fetchall()
    con.close()
    with pytest.raises(CapaianError) as err:
        open_store(path)
    assert f"database schema version {known + 1} is newer than this capaian ({known})" in err.value.en_message.lower()
    assert "upgrade capaian" in err.value.en_message
    assert "perbarui capaian" in err.value.id_message
    con = duckdb.connect(str(path))
    assert con.execute("SELECT * FROM schema_migrations ORDER BY version").fetchall() == before
    con.close()


def test_default_path_from_environment(tmp_path, monkeypatch):
    target = tmp_path / "sub" / "env.duckdb"
    monkeypatch.setenv("CAPAIAN_DB", str(target))
    store = open_store()
    assert store.path == str(target) and target.exists()
    store.close()
    monkeypatch.delenv("CAPAIAN_DB")
    monkeypatch.chdir(tmp_path)
    open_store().close()
    assert (tmp_path / "capaian.duckdb").exists()


# -- transactions and audit --------------------------------------------------------------------
def test_transaction_rolls_back_on_error(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.audit("a", "one", None)
            with store.transaction():  # nested joins the outer one
                store.audit("a", "two", None)
            raise RuntimeError("stop")
    assert store.list_audit().empty
    with store.transaction():
        store.audit("a", "three", "x", {"k": [1, 2]})
    log = store.list_audit()
    assert log["action"].tolist() == ["three"]
    assert log["detail"].iloc[0] == {"k": [1, 2]}


def test_meta_and_emptiness(store):
    assert store.is_empty() and not store.is_demo()
    store.mark_demo()
    assert store.is_demo() and store.get_meta("demo") == "1"
    store.write_facts(facts({("65.01", "pks"): 3}), "t", "me")
    assert not store.is_empty()


# -- facts -------------------------------------------------------------------------------------
def test_facts_supersede_and_every_revision_stays_readable(store):
    assert store.fact_revision(CUT) is None
    first = store.write_facts(
        facts({("65.01", "wajib_ktp"): 100, ("65.02", "wajib_ktp"): 200}), "a.csv", "me"
    )
    assert first.revision is not None and first.inserted == 2
    assert store.fact_revision(CUT) == first.revision
    same = store.write_facts(facts({("65.01", "wajib_ktp"): 100}), "again.csv", "me")
    assert same.revision is None and store.fact_revision(CUT) == first.revision
    second = store.write_facts(
        facts({("65.01", "wajib_ktp"): 100, ("65.02", "wajib_ktp"): 250, ("65.02", "pks"): 15}),
        "b.csv", "me",
    )
    assert second.revision > first.revision and second.inserted == 2
    assert [(c["region_code"], c["fact"], c["old"], c["new"]) for c in second.changes] == [
        ("65.02", "pks", None, 15.0), ("65.02", "wajib_ktp", 200.0, 250.0)]
    now = store.current_facts(CUT)
    assert list(now.columns) == ["region_code", "cutoff", "fact", "value", "source"]
    assert now.set_index(["region_code", "fact"])["value"].to_dict() == {
        ("65.01", "wajib_ktp"): 100.0, ("65.02", "pks"): 15.0, ("65.02", "wajib_ktp"): 250.0}
    assert now.set_index(["region_code", "fact"])["source"][("65.01", "wajib_ktp")] == "a.csv"
    old = store.current_facts(CUT, revision=first.revision)
    assert old.set_index(["region_code", "fact"])["value"].to_dict() == {
        ("65.01", "wajib_ktp"): 100.0, ("65.02", "wajib_ktp"): 200.0}
    assert store.fact_revision(CUT) == second.revision
    assert store.fact_revisions(CUT) == [first.revision, second.revision]
    assert len(store.fact_history(CUT)) == 4
    audit = store.list_audit(action="facts.write")
    assert audit["detail"].iloc[1]["changes"] == [
        {"region_code": "65.02", "cutoff": CUT, "fact": "wajib_ktp", "old": 200.0, "new": 250.0,
         "old_source": "a.csv"}]


def test_facts_missing_values_are_no_data_and_duplicates_refused(store):
    frame = facts({("65.01", "pks"): np.nan, ("65.02", "pks"): 0})
    result = store.write_facts(frame, "t", "me")
    assert result.inserted == 1
    assert store.current_facts(CUT)["region_code"].tolist() == ["65.02"]
    dup = pd.concat([facts({("65.01", "pks"): 1})] * 2)
    with pytest.raises(CapaianError, match="Duplicate fact"):
        store.write_facts(dup, "t", "me")


def test_list_cutoffs_in_time_order(store):
    for cut in ("2020-12-H1", "2020-11-H2", "2020-11-H1"):
        store.write_facts(facts({("65.01", "pks"): 1}, cut), "t", "me")
    assert store.list_cutoffs() == ["2020-11-H1", "2020-11-H2", "2020-12-H1"]


# -- runs --------------------------------------------------------------------------------------
def result_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    indicators = pd.DataFrame({
        "cutoff": [CUT] * 3, "rubric": ["levelisasi-2020"] * 3,
        "region_code": ["65", "65.01", "65.02"],
        "region_name": ["Kalimantan Utara", "Kabupaten Bulungan", "Kabupaten Malinau"],
        "tier": ["province", "regency", "regency"], "province_code": ["65"] * 3,
        "regency_code": [None, "65.01", "65.02"], "indicator": ["ktp"] * 3,
        "kind": ["coverage"] * 3, "numerator": [467701.0, 101361.0, np.nan],
        "denominator": [458845.0, 98652.0, np.nan], "value": [101.93006352, 102.746, np.nan],
        "target": [98.0] * 3, "target_source": ["national 2020"] * 3, "target_set": ["national"] * 3,
        "met": pd.array([True, True, None], dtype="boolean"),
        "status": ["met", "met", "no_data"], "over_100": pd.array([True, True, None], dtype="boolean"),
        "rank_national": pd.array([4, 17, None], dtype="Int64"),
        "peers_national": pd.array([34, 514, None], dtype="Int64"),
        "rank_province": pd.array([None, 1, None], dtype="Int64"),
        "peers_province": pd.array([None, 5, None], dtype="Int64"),
        "prev_value": [101.5, np.nan, np.nan],
        "prev_rank_national": pd.array([5, None, None], dtype="Int64"),
        "change_value": [0.43006352, np.nan, np.nan],
        "reported_value": [101.93, None, None],  # a column the contract does not list
    })
    regions = pd.DataFrame({
        "cutoff": [CUT, CUT], "rubric": ["levelisasi-2020"] * 2, "region_code": ["65", "65.01"],
        "region_name": ["Kalimantan Utara", "Kabupaten Bulungan"], "tier": ["province", "regency"],
        "province_code": ["65", "65"], "regency_code": [None, "65.01"],
        "level": pd.array([3, 4], dtype="Int64"), "indicators_met": pd.array([8, 9], dtype="Int64"),
        "indicators_total": pd.array([9, 9], dtype="Int64"), "no_data": pd.array([0, 0], dtype="Int64"),
        "rank_national": pd.array([5, None], dtype="Int64"),
        "peers_national": pd.array([34, None], dtype="Int64"),
        "rank_province": pd.array([None, 1], dtype="Int64"),
        "peers_province": pd.array([None, 5], dtype="Int64"),
        "prev_level": pd.array([None, None], dtype="Int64"),
        "prev_rank_national": pd.array([None, None], dtype="Int64"),
    })
    return indicators, regions


def save(store, cutoff=CUT, rubric="levelisasi-2020"):
    indicators, regions = result_frames()
    return store.save_run(cutoff, rubric, "national", "2020", indicators, regions, actor="tester")


def test_run_reads_back_identically(store):
    store.write_facts(facts({("65.01", "pks"): 1}), "t", "me")
    indicators, regions = result_frames()
    run_id = store.save_run(
        cutoff=CUT, rubric="levelisasi-2020", target_set="national", hierarchy_version="2020",
        indicators=indicators, regions=regions, actor="tester",
    )
    meta, ind, reg = store.load_run(run_id)
    pd.testing.assert_frame_equal(ind, indicators)
    pd.testing.assert_frame_equal(reg, regions)
    assert meta["cutoff"] == CUT and meta["rubric"] == "levelisasi-2020"
    assert meta["fact_revision"] == store.fact_revision(CUT)
    assert meta["hierarchy_version"] == "2020" and meta["created_by"] == "tester"
    assert meta["published_at"] is None
    assert store.find_run(CUT, "levelisasi-2020", "national", store.fact_revision(CUT)) == run_id
    assert store.find_run(CUT, "levelisasi-2020", "national", 999) is None


def test_latest_and_listing(store):
    a = save(store)
    assert save(store) == a  # a run is stored once per identity (cut-off, rubric, targets, facts)
    store.write_facts(facts({("65.01", "pks"): 1}), "t", "me")  # a new fact revision: a new identity
    b = save(store)
    c = save(store, cutoff="2020-12-H2")
    from capaian.runs import Catalog

    assert Catalog.from_store(store).latest(CUT) == b
    assert Catalog.from_store(store).latest(CUT, rubric="other") is None
    assert Catalog.from_store(store).latest(CUT, published_only=True) is None
    store.publish_run(a, "boss")
    assert Catalog.from_store(store).latest(CUT, published_only=True) == a
    assert store.list_runs()["id"].tolist() == [c, b, a]
    assert store.list_run_cutoffs(2020) == [CUT, "2020-12-H2"]
    assert store.list_run_cutoffs(2021) == []


def test_published_run_is_frozen(store):
    run_id = save(store)
    store.set_run_note(run_id, "draft", "tester")
    store.publish_run(run_id, "boss")
    meta, ind, _ = store.load_run(run_id)
    assert meta["published_by"] == "boss" and meta["published_at"] is not None
    with pytest.raises(CapaianError, match="already published"):
        store.publish_run(run_id, "boss")
    with pytest.raises(CapaianError, match="can't be modified or deleted"):
        store.delete_run(run_id, "tester")
    with pytest.raises(CapaianError, match="can't be modified or deleted"):
        store.set_run_note(run_id, "changed", "tester")
    meta2, ind2, _ = store.load_run(run_id)
    assert meta2 == meta
    pd.testing.assert_frame_equal(ind2, ind)
    actions = store.list_audit()["action"].tolist()
    assert actions == ["run.save", "run.note", "run.publish"]


def test_unpublished_run_can_be_deleted(store):
    run_id = save(store)
    store.delete_run(run_id, "tester")
    with pytest.raises(CapaianError, match="not found"):
        store.load_run(run_id)
    assert store.scalar("SELECT count(*) FROM results_indicators") == 0


def test_ensure_regions_copies_hierarchy_once(store):
    n = store.ensure_regions("2020")
    assert n > 500
    assert store.ensure_regions("2020") == n
    rows = store.regions("2020").set_index("code")
    assert rows.loc["65.71", "name"] == "Kota Tarakan"
    assert rows.loc["65.71", "parent"] == "65"
    assert rows.loc["65", "tier"] == "province"
