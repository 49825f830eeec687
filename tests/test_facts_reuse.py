"""A year of cut-offs in one call, and facts reused when the extract is provably the same.

`store_register_facts` (what `capaian facts` runs) computes the first cut-off in full and the
others incrementally over the residents changed anywhere in the span (one narrowed scan); each
cut-off's facts are checked equal, value for value, to a full recomputation. A second call on the
same extract (same bytes, even in another folder under other names) reuses the stored facts; a
later cut-off starts from the nearest stored one; a changed extract or a correction since is
never reused.
"""

from __future__ import annotations

import shutil

import duckdb
import ibis
import pandas as pd
import pytest

from capaian.facts import as_of_date, compute_facts
from capaian.facts.batch import WINDOW_TABLE, store_register_facts
from capaian.facts.extract import extract_fingerprint, frame_digest
from capaian.register.schema import RESIDENT_COLUMNS
from capaian.store import open_store
from cli_support import run_capaian
from register_support import bench_module, edge_rows, row

YEAR = [f"2025-{m:02d}-{h}" for m in range(1, 13) for h in ("H1", "H2")]
# Over the new denominator base of 1 Sep 2020 (DKB Semester I 2020): denominators change too.
BASES = [f"2020-{m:02d}-{h}" for m in range(8, 13) for h in ("H1", "H2")]


def _write_rows(path, rows) -> None:
    con = duckdb.connect()
    con.register("rows", pd.DataFrame(rows, columns=list(RESIDENT_COLUMNS)))
    casts = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in RESIDENT_COLUMNS.items())
    con.execute(f"COPY (SELECT {casts} FROM rows) TO '{path}' (FORMAT parquet)")
    con.close()


@pytest.fixture(scope="module")
def extract(tmp_path_factory):
    """Parquet folders residents/ and service_events/: 30,000 generated residents of Kalimantan
    Utara plus edge rows around every cut-off of 2025."""
    from capaian.regions import get_hierarchy

    out = tmp_path_factory.mktemp("extract")
    frame = get_hierarchy("2025").region_frame()
    villages = frame.loc[(frame["tier"] == "village") & (frame["province"] == "65"), "code"]
    bench_module().generate(out, 30_000, events=6_000, village_codes=list(villages), log=lambda *a: None)
    from capaian.facts import denominator_date

    dates = sorted({as_of_date(c) for c in YEAR + BASES} | {denominator_date(c) for c in YEAR + BASES})
    _write_rows(out / "residents" / "part-edges.parquet",
                [r for a, b in zip(dates, dates[1:]) for r in edge_rows(a, b)])
    return out


def _full(extract, cutoff) -> pd.DataFrame:
    backend = ibis.duckdb.connect(threads=2)
    for name in ("residents", "service_events"):
        backend.con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{extract / name / '*.parquet'}', union_by_name = true)")
    return compute_facts(backend, cutoff)


def _run(store, extract, cutoffs, **kw):
    return list(store_register_facts(store, cutoffs, register=extract / "residents",
                                     events=extract / "service_events", **kw))


def test_a_year_of_cutoffs_equals_full_recomputation_and_a_second_call_reuses_it(tmp_path, extract):
    store = open_store(tmp_path / "s.duckdb")
    steps = _run(store, extract, YEAR)
    assert [s.how for s in steps] == ["full"] + ["incremental"] * 23
    for step in steps:
        full = _full(extract, step.cutoff)
        assert len(full) > 1000 and {"wajib_ktp", "dokumen_tte"} <= set(full["fact"])
        pd.testing.assert_frame_equal(step.frame, full, check_exact=True)
        assert step.result.revision is not None
    # the narrowed table was temporary
    assert not store.con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?",
                                 [WINDOW_TABLE]).fetchone()[0]
    revisions = store.scalar("SELECT count(*) FROM fact_revisions")
    assert store.scalar("SELECT count(*) FROM fact_extracts") == 24

    again = _run(store, extract, YEAR)
    assert [s.how for s in again] == ["reused"] * 24
    assert store.scalar("SELECT count(*) FROM fact_revisions") == revisions  # nothing written
    for first, second in zip(steps, again):
        pd.testing.assert_frame_equal(second.frame, first.frame, check_exact=True)


def test_cutoffs_over_a_change_of_denominator_base_equal_full_recomputation(tmp_path, extract):
    from capaian.facts import denominator_date

    assert len({denominator_date(c) for c in BASES}) >= 2
    steps = _run(open_store(tmp_path / "s.duckdb"), extract, BASES)
    assert [s.how for s in steps] == ["full"] + ["incremental"] * (len(BASES) - 1)
    for step in steps:
        pd.testing.assert_frame_equal(step.frame, _full(extract, step.cutoff), check_exact=True)


def test_the_same_bytes_elsewhere_are_the_same_extract_and_a_changed_byte_is_not(tmp_path, extract):
    copy = tmp_path / "copy"
    shutil.copytree(extract, copy)
    for i, part in enumerate(sorted((copy / "residents").glob("*.parquet"))):
        part.rename(part.with_name(f"renamed-{i}.parquet"))
    store = open_store(tmp_path / "s.duckdb")
    same = extract_fingerprint(store, extract / "residents", extract / "service_events")
    assert extract_fingerprint(store, copy / "residents", copy / "service_events") == same
    assert extract_fingerprint(store, extract / "residents") != same  # events are part of it

    _run(store, extract, ["2025-06-H1"])
    assert [s.how for s in _run(store, copy, ["2025-06-H1"])] == ["reused"]
    # one more resident: another extract, so the stored facts are not taken for it
    _write_rows(copy / "residents" / "late.parquet", [row(as_of_date("2025-06-H1"), akta=as_of_date("2025-06-H1"))])
    assert extract_fingerprint(store, copy / "residents", copy / "service_events") != same
    step = _run(store, copy, ["2025-06-H1"])[0]
    assert step.how == "full" and step.result.inserted > 0


def test_a_later_call_starts_from_the_nearest_stored_cutoff(tmp_path, extract):
    store = open_store(tmp_path / "s.duckdb")
    _run(store, extract, ["2025-03-H1", "2025-09-H2"])
    steps = _run(store, extract, ["2025-09-H1", "2025-10-H1"])
    assert [s.how for s in steps] == ["incremental", "incremental"]
    for step in steps:
        pd.testing.assert_frame_equal(step.frame, _full(extract, step.cutoff), check_exact=True)


def test_a_correction_since_the_computation_is_never_reused(tmp_path, extract):
    store = open_store(tmp_path / "s.duckdb")
    first = _run(store, extract, ["2025-06-H1"])[0]
    village = first.frame.loc[first.frame["fact"] == "wajib_ktp"].iloc[0]
    store.write_facts(pd.DataFrame([{"region_code": village["region_code"], "cutoff": "2025-06-H1",
                                     "fact": "wajib_ktp", "value": village["value"] + 7}]),
                      source="submission", actor="test")
    step = _run(store, extract, ["2025-06-H1"])[0]
    assert step.how == "full"
    pd.testing.assert_frame_equal(step.frame, first.frame, check_exact=True)
    assert step.result.inserted == 1  # the register's value again


def test_another_scope_or_method_is_not_the_same_computation(tmp_path, extract):
    store = open_store(tmp_path / "s.duckdb")
    _run(store, extract, ["2025-06-H1"], scope="65.01")
    assert [s.how for s in _run(store, extract, ["2025-06-H1"])] == ["full"]
    assert [s.how for s in _run(store, extract, ["2025-06-H1"], scope="65.01")] == ["reused"]
    other_ages = type("Rubric", (), {"wajib_ktp_min_age": 18, "kia_max_age_exclusive": 17,
                                     "akta_max_age_exclusive": 18})()
    from capaian.facts.batch import _Known

    fp = extract_fingerprint(store, extract / "residents", extract / "service_events")
    from capaian.periods import Cutoff

    assert _Known(store, fp, None, None, True).frame(Cutoff.parse("2025-06-H1")) is not None
    assert _Known(store, fp, None, other_ages, True).frame(Cutoff.parse("2025-06-H1")) is None


def test_digest_ignores_row_order_but_not_values():
    a = pd.DataFrame({"region_code": ["65.01", "65.02"], "fact": ["x", "x"], "value": [1.0, 2.0]})
    assert frame_digest(a) == frame_digest(a.iloc[::-1])
    assert frame_digest(a) != frame_digest(a.assign(value=[1.0, 2.5]))


def test_the_store_import_fingerprint_follows_its_imports(tmp_path, extract):
    from capaian.register.load import import_register

    store = open_store(tmp_path / "s.duckdb")
    empty = extract_fingerprint(store)
    import_register(store, extract / "residents" / "part-00000.parquet", actor="test")
    once = extract_fingerprint(store)
    assert once != empty and extract_fingerprint(store) == once


def test_cli_says_which_cutoffs_were_reused(tmp_path, extract):
    db = tmp_path / "cli.duckdb"
    args = ["facts", "--register", str(extract / "residents"), "--events", str(extract / "service_events"),
            "--cutoff", "2025-12-H1", "--cutoff", "2025-12-H2"]
    def said(*more):  # the lines as words: a console narrower than a line wraps it
        return " ".join(run_capaian(db, *more, *args).stdout.split())

    first = said()
    assert "2025-12-H2" in first and "inkremental" in first.lower(), first
    assert said().count("dipakai ulang: ekstrak sama") == 2
    assert said("--lang", "en").count("reused: same extract") == 2


def test_reuse_on_either_store(store_target, extract):
    """The extract notes and the reuse work the same on the PostgreSQL store (facts computed on
    DuckDB, written to PostgreSQL) as on DuckDB."""
    store = open_store(store_target)
    first = _run(store, extract, ["2025-06-H1", "2025-06-H2"])
    assert [s.how for s in first] == ["full", "incremental"]
    again = _run(store, extract, ["2025-06-H1", "2025-06-H2"])
    assert [s.how for s in again] == ["reused", "reused"]
    for a, b in zip(first, again):
        pd.testing.assert_frame_equal(b.frame, a.frame, check_exact=True)
    store.close()
