"""A later cut-off from an earlier one: facts(C2) = facts(C1) + delta equals the full recomputation.

`compute_facts_incremental` adds `resident_facts_delta` (the change of the village facts over the
residents with a date or an age bound crossed between the two as-of dates) to the earlier facts.
Checked value for value against `compute_facts` on a generated register (bench/register_scale.py's
generator) plus hand-made edge rows for each cut-off, for several pairs of cut-offs (across
29 Feb, a year apart, backwards), and on random small registers (Hypothesis).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import ibis
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capaian.facts import (
    Ages,
    as_of_date,
    born_by,
    compute_facts,
    compute_facts_incremental,
    resident_facts_delta,
)
from capaian.register.schema import RESIDENT_COLUMNS, ensure_tables
from register_support import NEW_VILLAGE, ONE, bench_module, edge_rows, row, years_before

D = dt.date
PAIRS = [
    ("2025-12-H1", "2025-12-H2"),  # the bench's two cut-offs
    ("2025-11-H2", "2025-12-H1"),
    ("2024-02-H1", "2024-02-H2"),  # as-of 29 Feb 2024 (leap year)
    ("2024-02-H2", "2024-03-H1"),  # from 29 Feb
    ("2025-02-H1", "2025-02-H2"),  # 28 Feb of a non-leap year
    ("2025-02-H2", "2025-03-H1"),  # over 29 Feb births' birthday in a non-leap year
    ("2023-06-H1", "2025-12-H2"),  # far apart
    ("2025-12-H2", "2025-12-H1"),  # backwards
    ("2020-11-H1", "2020-11-H2"),  # the seed's two cut-offs (one base: DKB Semester I 2020)
    ("2020-08-H2", "2020-11-H2"),  # over two base changes
]


def load(con, rows) -> None:
    ensure_tables(con)
    if rows:
        con.register("_r", pd.DataFrame(rows, columns=list(RESIDENT_COLUMNS)))
        con.execute(f"INSERT INTO residents ({', '.join(RESIDENT_COLUMNS)}) SELECT * FROM _r")
        con.unregister("_r")


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    """A DuckDB backend with views `residents` (40,000 generated + edge rows) and `service_events`."""
    from capaian.regions import get_hierarchy

    out = tmp_path_factory.mktemp("register")
    frame = get_hierarchy("2025").region_frame()
    villages = frame.loc[(frame["tier"] == "village") & (frame["province"] == "65"), "code"]
    bench_module().generate(out, 40_000, events=8_000, village_codes=list(villages), log=lambda *a: None)
    edges = pd.DataFrame([r for a, b in PAIRS for r in edge_rows(as_of_date(a), as_of_date(b))],
                         columns=list(RESIDENT_COLUMNS))
    con = duckdb.connect()
    con.register("edges", edges)
    casts = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in RESIDENT_COLUMNS.items())
    con.execute(f"COPY (SELECT {casts} FROM edges) TO '{out / 'residents' / 'part-edges.parquet'}' (FORMAT parquet)")
    con.close()
    backend = ibis.duckdb.connect(threads=2)
    for name in ("residents", "service_events"):
        backend.con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{out / name / '*.parquet'}', union_by_name = true)")
    return backend


@pytest.mark.parametrize("first,second", PAIRS)
def test_incremental_equals_full_recomputation(register, first, second):
    previous = compute_facts(register, first)
    full = compute_facts(register, second)
    incremental = compute_facts_incremental(register, second, first, previous)
    assert len(full) > 1000 and "wajib_ktp" in set(full["fact"])
    if as_of_date(second).year == 2025:  # the generated events are of 2025
        assert "dokumen_tte" in set(full["fact"])
    pd.testing.assert_frame_equal(incremental, full, check_exact=True)


def test_new_village_appears_and_the_delta_is_small(register):
    first, second = PAIRS[0]
    previous = compute_facts(register, first)
    a, b = as_of_date(first), as_of_date(second)
    delta = register.execute(resident_facts_delta(register.table("residents"), a, b))
    n_changed = register.con.execute(
        "SELECT count(*) FROM residents WHERE "
        + " OR ".join(f"({c} > DATE '{a}' AND {c} <= DATE '{b}')" for c in
                      ("birth_date", "ktp_recorded_on", "kia_issued_on", "birth_cert_issued_on", "died_on", "moved_out_on"))
    ).fetchall()[0][0]
    assert 0 < n_changed < 2_000  # of 40,000 residents: the group-by sees a small subset
    assert set(delta["fact"]) == {"wajib_ktp", "ktp_terekam", "anak_lt17", "kia_dimiliki", "anak_lt18",
                                  "akta_lahir_dimiliki"}
    assert delta["region_code"].nunique() < previous["region_code"].nunique()


def test_village_absent_from_the_previous_frame_is_added():
    a, b = D(2025, 12, 15), D(2025, 12, 31)
    rows = [row(D(1980, 1, 1)), row(D(2025, 12, 20), village=NEW_VILLAGE, akta=D(2025, 12, 30))]
    backend = ibis.duckdb.connect()
    load(backend.con, rows)
    previous = compute_facts(backend, a)
    # The full facts of `a` list the village with zeros (it has a row, not yet born); a previous
    # frame without it (e.g. only the villages with someone present) must still give it on `b`.
    new = previous["region_code"] == NEW_VILLAGE
    assert (previous.loc[new, "value"] == 0).all() and new.sum() == 6
    previous = previous[~new]
    full = compute_facts(backend, b)
    got = compute_facts_incremental(backend, b, a, previous)
    pd.testing.assert_frame_equal(got, full, check_exact=True)
    assert got.set_index(["region_code", "fact"]).loc[(NEW_VILLAGE, "akta_lahir_dimiliki"), "value"] == 1


def test_same_cutoff_and_no_residents():
    backend = ibis.duckdb.connect()
    load(backend.con, [row(D(1980, 1, 1))])
    previous = compute_facts(backend, "2025-12-H1")
    again = compute_facts_incremental(backend, "2025-12-H1", "2025-12-H1", previous)
    pd.testing.assert_frame_equal(again, previous, check_exact=True)
    empty = ibis.duckdb.connect()
    assert compute_facts_incremental(empty, "2025-12-H2", "2025-12-H1", previous).empty


def test_delta_filter_uses_born_by_for_age_bounds():
    # custom bounds: the filter follows them (a birthday crossing 18 for wajib KTP)
    bounds = {"wajib_ktp_min_age": 18, "kia_max_age_exclusive": 18, "akta_max_age_exclusive": 19}
    a, b = D(2025, 2, 28), D(2025, 3, 15)
    rows = [row(years_before(b, 18)), row(D(2007, 2, 28) + ONE), row(D(2006, 3, 1)), row(D(2007, 3, 16))]
    backend = ibis.duckdb.connect()
    load(backend.con, rows)
    previous = compute_facts(backend, a, bounds)
    full = compute_facts(backend, b, bounds)
    pd.testing.assert_frame_equal(compute_facts_incremental(backend, b, a, previous, bounds), full, check_exact=True)
    assert born_by(D(2025, 2, 28), 17) == D(2008, 2, 28) and Ages.of(bounds).wajib_ktp_min_age == 18


DATES = st.dates(D(2003, 1, 1), D(2026, 12, 31))
MAYBE = st.none() | DATES


@settings(max_examples=30, deadline=None)  # each example compiles three Ibis queries (~0.3 s)
@given(
    st.lists(
        st.builds(row, DATES, st.sampled_from(["65.01.01.2001", "65.01.01.2002", "65.01.02.2001"]),
                  st.none() | st.booleans(), MAYBE, MAYBE, MAYBE, MAYBE, MAYBE),
        min_size=1, max_size=25,
    ),
    st.dates(D(2019, 1, 1), D(2026, 12, 31)),
    st.dates(D(2019, 1, 1), D(2026, 12, 31)),
)
def test_incremental_equals_full_on_random_registers(rows, a, b):
    con = duckdb.connect()
    load(con, rows)
    backend = ibis.duckdb.from_connection(con)
    previous = compute_facts(backend, a, with_events=False)
    full = compute_facts(backend, b, with_events=False)
    got = compute_facts_incremental(backend, b, a, previous, with_events=False)
    pd.testing.assert_frame_equal(got, full, check_exact=True)


def test_denominators_of_a_cutoff_are_counted_on_its_base_date():
    """2020-11-H2 uses the base in force on 30 Nov 2020, DKB Semester I 2020 (population as of
    30 Jun 2020): someone who turned 17 on 1 Nov counts as a child in the denominator, but their
    KTP-el recording of 20 Nov counts in the numerator; a child who moved in on 5 Nov is not in the base."""
    from capaian.bases import base_for

    base = base_for("2020-11-H2")
    assert base.population_as_of == D(2020, 6, 30)
    backend = ibis.duckdb.connect()
    load(backend.con, [
        row(D(2003, 11, 1), ktp=D(2020, 11, 20)),
        row(D(2012, 1, 1), moved_in=D(2020, 11, 5), kia=D(2020, 11, 6)),
        row(D(1980, 1, 1), ktp=D(2015, 1, 1)),
    ])
    got = {r.fact: r.value for r in compute_facts(backend, "2020-11-H2").itertuples()}
    assert (got["wajib_ktp"], got["ktp_terekam"]) == (1, 2)  # 17-year-old not yet required on 30 Jun
    assert (got["anak_lt17"], got["kia_dimiliki"]) == (1, 1)  # numerator counts the newcomer on 30 Nov
    same_day = {r.fact: r.value for r in compute_facts(backend, "2020-11-H2", denominators_on=None).itertuples()}
    assert (same_day["wajib_ktp"], same_day["anak_lt17"]) == (2, 1)
