"""DuckDB and Spark compute identical register facts (issue 7).

A generated register of 40,000 residents (bench/register_scale.py's generator, over the villages
of Kalimantan Timur and Kalimantan Utara) plus hand-made age edges for each cut-off, and 8,000
service events; facts for two cut-offs on DuckDB and on PySpark (local[2]) must be identical, and
the second cut-off computed incrementally on Spark (`compute_facts_incremental`) equal to both.
The edge village is also checked against a plain-Python reference. Slow (a JVM starts): marked
`slow`, needs `pip install -e '.[test,spark]'` and Java 17; skipped when PySpark is absent.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from capaian.facts import age_on, as_of_date, compute_facts, denominator_date
from capaian.facts.register import DENOMINATOR_FACTS
from capaian.register.schema import RESIDENT_COLUMNS
from register_support import bench_module, years_before

pytestmark = pytest.mark.slow

pytest.importorskip("pyspark")
if shutil.which("java") is None and not __import__("os").environ.get("JAVA_HOME"):
    pytest.skip("no Java runtime for Spark", allow_module_level=True)

CUTOFFS = ("2025-02-H2", "2025-12-H1")  # 28 Feb of a non-leap year; mid-December
EDGE_VILLAGE = "65.01.01.2001"
PERSONS = 40_000  # about 27 per village of the two provinces; the edges are explicit rows
EVENTS = 8_000


def edge_rows(as_of: dt.date) -> list[dict]:
    """Residents on the edges of the age and presence rules for one as-of date."""
    one = dt.timedelta(days=1)
    b17, b18, b16 = (years_before(as_of, n) for n in (17, 18, 16))

    def r(birth, married=False, ktp=None, kia=None, akta=None, died=None, moved=None):
        return {"nik": None, "birth_date": birth, "sex": "P", "ever_married": married,
                "village_code": EDGE_VILLAGE, "ktp_recorded_on": ktp, "kia_issued_on": kia,
                "birth_cert_issued_on": akta, "died_on": died, "moved_out_on": moved}

    return [
        r(b17, ktp=as_of, kia=as_of - one, akta=b17 + one),  # 17th birthday on the cut-off day
        r(b17 + one, ktp=as_of + one, kia=as_of, akta=as_of),  # 17 tomorrow
        r(b18, akta=as_of),  # 18th birthday on the cut-off day
        r(b18 + one, akta=as_of + one),  # 18 tomorrow
        r(dt.date(2008, 2, 29), kia=dt.date(2016, 5, 1)),  # born 29 Feb
        r(dt.date(2007, 2, 28)),
        r(dt.date(2004, 2, 29), married=True, ktp=dt.date(2021, 3, 1)),
        r(b16 - 100 * one, married=True, kia=as_of - 10 * one),  # married at 16
        r(b16 + one, married=None, kia=as_of),  # unknown marital status
        r(dt.date(1970, 5, 5), ktp=dt.date(2012, 1, 1), died=as_of - one),  # died the day before
        r(dt.date(1970, 5, 5), ktp=dt.date(2012, 1, 1), died=as_of),  # died on the day
        r(dt.date(1970, 5, 5), ktp=dt.date(2012, 1, 1), died=as_of + one),  # died the day after
        r(dt.date(1990, 1, 1), ktp=dt.date(2012, 1, 1), moved=as_of),  # moved out on the day
        r(dt.date(1990, 1, 1), ktp=dt.date(2012, 1, 1), moved=as_of + one),
        r(as_of, akta=as_of),  # born on the cut-off day
        r(as_of + one, akta=as_of + one),  # born the day after
    ]


def reference(rows: pd.DataFrame, as_of: dt.date) -> dict:
    """The six village facts by plain Python (capaian.facts.age_on), for one village's rows."""
    out = dict.fromkeys(("wajib_ktp", "ktp_terekam", "anak_lt17", "kia_dimiliki", "anak_lt18",
                         "akta_lahir_dimiliki"), 0.0)

    def on(day):
        return day is not None and not pd.isna(day) and day <= as_of

    def after(day):
        return day is None or pd.isna(day) or day > as_of

    for row in rows.itertuples():
        if not (row.birth_date <= as_of and after(row.died_on) and after(row.moved_out_on)):
            continue
        age = age_on(row.birth_date, as_of)
        married = bool(row.ever_married) if not pd.isna(row.ever_married) else False
        out["wajib_ktp"] += age >= 17 or married
        out["ktp_terekam"] += on(row.ktp_recorded_on)
        if age < 17 and not married:
            out["anak_lt17"] += 1
            out["kia_dimiliki"] += on(row.kia_issued_on)
        if age < 18:
            out["anak_lt18"] += 1
            out["akta_lahir_dimiliki"] += on(row.birth_cert_issued_on)
    return out


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> Path:
    from capaian.regions import get_hierarchy

    out = tmp_path_factory.mktemp("register")
    frame = get_hierarchy("2025").region_frame()
    villages = frame.loc[(frame["tier"] == "village") & frame["province"].isin(["64", "65"]), "code"]
    bench_module().generate(out, PERSONS, events=EVENTS, village_codes=list(villages), log=lambda *a: None)
    edges = pd.DataFrame([row for c in CUTOFFS for row in edge_rows(as_of_date(c))], columns=list(RESIDENT_COLUMNS))
    con = duckdb.connect()
    con.register("edges", edges)
    casts = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in RESIDENT_COLUMNS.items())
    con.execute(f"COPY (SELECT {casts} FROM edges) TO '{out / 'residents' / 'part-edges.parquet'}' (FORMAT parquet)")
    con.close()
    return out


def duckdb_facts(register: Path, cutoff: str) -> pd.DataFrame:
    import ibis

    backend = ibis.duckdb.connect(threads=2)
    backend.con.execute(f"CREATE VIEW residents AS SELECT * FROM read_parquet('{register / 'residents' / '*.parquet'}')")
    backend.con.execute(
        f"CREATE VIEW service_events AS SELECT * FROM read_parquet('{register / 'service_events' / '*.parquet'}')"
    )
    return compute_facts(backend, cutoff)


def sorted_frame(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.sort_values(["region_code", "fact"], kind="stable").reset_index(drop=True)
    return frame.astype({"region_code": str, "cutoff": str, "fact": str, "value": "float64", "source": str})


@pytest.mark.parametrize("cutoff", CUTOFFS)
def test_duckdb_and_spark_facts_are_identical(register, spark, cutoff):
    from capaian.facts.spark import compute_facts_spark

    on_duckdb = sorted_frame(duckdb_facts(register, cutoff))
    on_spark = sorted_frame(
        compute_facts_spark(register / "residents", cutoff, events=register / "service_events", session=spark)
    )
    n_residents = duckdb.sql(f"SELECT count(*) FROM read_parquet('{register / 'residents' / '*.parquet'}')").fetchall()
    assert n_residents[0][0] >= PERSONS
    assert len(on_duckdb) > 1000 and set(on_duckdb["fact"]) >= {"wajib_ktp", "dokumen_tte", "layanan_online"}
    pd.testing.assert_frame_equal(on_duckdb, on_spark, check_exact=True)


@pytest.mark.parametrize("cutoff", CUTOFFS)
def test_edge_village_matches_the_python_reference(register, cutoff):
    as_of = as_of_date(cutoff)
    rows = duckdb.sql(
        f"SELECT * FROM read_parquet('{register / 'residents' / '*.parquet'}') WHERE village_code = '{EDGE_VILLAGE}'"
    ).df()
    for col in ("birth_date", "ktp_recorded_on", "kia_issued_on", "birth_cert_issued_on", "died_on", "moved_out_on"):
        rows[col] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in rows[col]]
    facts = duckdb_facts(register, cutoff)
    got = facts[facts["region_code"] == EDGE_VILLAGE].set_index("fact")["value"].to_dict()
    # numerators on the as-of date, denominators on the population date of the base in force
    expected = reference(rows, as_of)
    on_base = reference(rows, denominator_date(cutoff))
    assert denominator_date(cutoff) < as_of  # the base really moves the denominators here
    expected.update({fact: on_base[fact] for fact in DENOMINATOR_FACTS})
    assert got == expected


def test_incremental_second_cutoff_on_spark_equals_the_full_facts(register, spark):
    """facts(C2) = facts(C1) + delta, computed by Spark, equals DuckDB's full recomputation of C2."""
    from capaian.facts import compute_facts_incremental
    from capaian.facts.spark import register_parquet, spark_backend

    backend = spark_backend(spark)
    register_parquet(backend, register / "residents", register / "service_events")
    first, second = CUTOFFS
    previous = compute_facts(backend, first)
    on_spark = sorted_frame(compute_facts_incremental(backend, second, first, previous))
    pd.testing.assert_frame_equal(on_spark, sorted_frame(duckdb_facts(register, second)), check_exact=True)
