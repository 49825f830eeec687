"""Register → facts: age edges, presence on the as-of date, document facts, store glue."""

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
    age_on,
    born_by,
    compute_facts,
    period_start,
    register_facts,
    write_register_facts,
)
from capaian.register.schema import EVENT_COLUMNS, RESIDENT_COLUMNS, ensure_tables

V1, V2 = "65.01.01.2001", "65.02.01.2001"
AS_OF = dt.date(2020, 11, 15)
D = dt.date


def resident(birth, village=V1, married=False, ktp=None, kia=None, akta=None, died=None, moved=None):
    return {
        "nik": None, "birth_date": birth, "sex": "L", "ever_married": married, "village_code": village,
        "ktp_recorded_on": ktp, "kia_issued_on": kia, "birth_cert_issued_on": akta,
        "died_on": died, "moved_out_on": moved,
    }


def facts_of(rows, as_of=AS_OF, events=None, **kw) -> dict:
    """{(region_code, fact): value} computed through the Ibis expressions on DuckDB."""
    con = duckdb.connect()
    ensure_tables(con)
    if rows:
        con.register("_r", pd.DataFrame(rows, columns=list(RESIDENT_COLUMNS)))
        con.execute(f"INSERT INTO residents ({', '.join(RESIDENT_COLUMNS)}) SELECT * FROM _r")
    if events:
        con.register("_e", pd.DataFrame(events, columns=list(EVENT_COLUMNS)))
        con.execute(f"INSERT INTO service_events ({', '.join(EVENT_COLUMNS)}) SELECT * FROM _e")
    frame = compute_facts(con, as_of, with_events=bool(events), **kw)
    return {(r.region_code, r.fact): r.value for r in frame.itertuples()}


def village(rows, as_of=AS_OF, code=V1) -> dict:
    got = facts_of(rows, as_of)
    return {fact: value for (region, fact), value in got.items() if region == code}


# -- age edges -------------------------------------------------------------------------------
def test_17th_birthday_on_the_cutoff_day_counts_the_day_after_does_not():
    f = village([resident(D(2003, 11, 15)), resident(D(2003, 11, 16))])
    assert f["wajib_ktp"] == 1 and f["anak_lt17"] == 1 and f["anak_lt18"] == 2


def test_born_29_february_reaches_the_age_on_1_march():
    rows = [resident(D(2004, 2, 29))]
    on_28 = village(rows, D(2021, 2, 28))
    on_1 = village(rows, D(2021, 3, 1))
    assert (on_28["wajib_ktp"], on_28["anak_lt17"]) == (0, 1)
    assert (on_1["wajib_ktp"], on_1["anak_lt17"]) == (1, 0)
    # a cut-off on 29 Feb; a 29-Feb child in a non-leap year
    assert village([resident(D(2007, 2, 28))], D(2024, 2, 29))["wajib_ktp"] == 1
    assert village([resident(D(2008, 2, 29))], D(2025, 2, 28))["wajib_ktp"] == 0
    assert village([resident(D(2008, 2, 29))], D(2025, 3, 1))["wajib_ktp"] == 1


def test_18th_birthday_edge_for_birth_certificates():
    f = village([resident(D(2002, 11, 15), akta=D(2003, 1, 1)), resident(D(2002, 11, 16), akta=D(2003, 1, 1))])
    assert f["anak_lt18"] == 1 and f["akta_lahir_dimiliki"] == 1


def test_married_at_16_is_wajib_not_a_kia_child_but_under_18():
    f = village([resident(D(2004, 5, 1), married=True, kia=D(2019, 1, 1))])
    assert f == {
        "wajib_ktp": 1, "ktp_terekam": 0, "anak_lt17": 0, "kia_dimiliki": 0,
        "anak_lt18": 1, "akta_lahir_dimiliki": 0,
    }


def test_unknown_marriage_status_counts_as_never_married():
    f = village([resident(D(2010, 1, 1), married=None)])
    assert (f["wajib_ktp"], f["anak_lt17"]) == (0, 1)


# -- alive and resident on the as-of date -------------------------------------------------------
@pytest.mark.parametrize(
    "kw,counted",
    [
        ({"died": D(2020, 11, 14)}, 0),
        ({"died": D(2020, 11, 15)}, 0),  # died on the as-of day: no longer counted
        ({"died": D(2020, 11, 16)}, 1),
        ({"moved": D(2020, 11, 15)}, 0),
        ({"moved": D(2020, 11, 16)}, 1),
    ],
)
def test_death_and_moving_out(kw, counted):
    f = village([resident(D(1980, 1, 1), ktp=D(2015, 1, 1), **kw)])
    assert f["wajib_ktp"] == counted and f["ktp_terekam"] == counted


def test_born_after_the_cutoff_is_not_yet_counted():
    f = village([resident(D(2020, 11, 15)), resident(D(2020, 11, 16))])
    assert f["anak_lt17"] == 1 and f["anak_lt18"] == 1


def test_numerators_count_dates_on_or_before_the_cutoff():
    rows = [
        resident(D(2004, 1, 1), ktp=D(2020, 11, 15)),  # aged 16 and recorded: terekam, not wajib
        resident(D(1990, 1, 1), ktp=D(2020, 11, 16)),
        resident(D(2010, 1, 1), kia=D(2020, 11, 15), akta=D(2020, 11, 15)),
        resident(D(2010, 1, 1), kia=D(2020, 11, 16), akta=D(2020, 11, 16)),
    ]
    f = village(rows)
    assert f == {
        "wajib_ktp": 1, "ktp_terekam": 1, "anak_lt17": 3, "kia_dimiliki": 1,
        "anak_lt18": 3, "akta_lahir_dimiliki": 1,
    }


def test_custom_age_bounds_and_per_village_rows():
    rows = [resident(D(2003, 1, 1)), resident(D(2003, 1, 1), village=V2), resident(D(2003, 1, 1), village=V2)]
    got = facts_of(rows, age_bounds={"wajib_ktp_min_age": 18, "kia_max_age_exclusive": 18})
    assert got[(V1, "wajib_ktp")] == 0 and got[(V2, "anak_lt17")] == 2
    assert got[(V1, "kia_dimiliki")] == 0  # zero is a count, written as a fact


@settings(max_examples=300, deadline=None)
@given(
    st.dates(D(1950, 1, 1), D(2030, 12, 31)),
    st.dates(D(1990, 1, 1), D(2040, 12, 31)),
    st.integers(0, 40),
)
def test_born_by_matches_whole_years_of_age(birth, as_of, years):
    assert (age_on(birth, as_of) >= years) == (birth <= born_by(as_of, years))


def test_period_start_is_the_previous_cutoff():
    assert period_start(D(2020, 11, 15)) == D(2020, 10, 31)
    assert period_start(D(2020, 11, 30)) == D(2020, 11, 15)
    assert period_start(D(2020, 3, 1)) == D(2020, 2, 29)
    assert Ages.of(None) == Ages()


# -- document facts ---------------------------------------------------------------------------
def ev(doc, day, regency="65.01", paper="putih", tte=True, channel="kantor"):
    return {"nik": None, "document_type": doc, "issued_on": day, "issuing_regency": regency,
            "paper": paper, "signed_electronically": tte, "channel": channel}


def test_document_facts_in_the_cutoff_period():
    events = [
        ev("akta_kelahiran", D(2020, 11, 3), paper="security", tte=False),
        ev("akta_kelahiran", D(2020, 11, 4), paper="security", tte=False),  # same type: counted once
        ev("akta_kematian", D(2020, 11, 15), tte=False),  # on the as-of day: inside
        ev("kartu_keluarga", D(2020, 10, 31), paper="security", tte=False),  # period start: outside
        ev("kartu_keluarga", D(2020, 11, 16), paper="security", tte=False),  # after: outside
        ev("ktp_el", D(2020, 11, 5), paper="security", tte=False),  # not designated: ignored
        ev("kartu_keluarga", D(2020, 11, 5), regency="65.02", channel="online"),
    ]
    got = facts_of([resident(D(1980, 1, 1))], events=events)
    assert got[("65.01", "dokumen_kertas_putih")] == 17
    assert got[("65.01", "dokumen_tte")] == 16
    assert got[("65.01", "layanan_online")] == 0
    assert got[("65.02", "dokumen_kertas_putih")] == 18  # types not issued count as compliant
    assert got[("65.02", "layanan_online")] == 1
    later = facts_of([resident(D(1980, 1, 1))], as_of=D(2020, 11, 30), events=events)
    assert later[("65.01", "dokumen_kertas_putih")] == 17  # the KK of 16 Nov
    assert ("65.02", "layanan_online") not in later  # no event in the period: no data


def test_document_list_and_window_can_be_given():
    events = [ev("akta_kelahiran", D(2020, 11, 3), paper="security")]
    got = facts_of([], events=events, documents=["akta_kelahiran", "kartu_keluarga"], since=D(2020, 11, 1))
    assert got[("65.01", "dokumen_kertas_putih")] == 1 and got[("65.01", "dokumen_tte")] == 2


def test_scope_limits_residents_and_events():
    rows = [resident(D(1980, 1, 1)), resident(D(1980, 1, 1), village=V2)]
    events = [ev("kartu_keluarga", D(2020, 11, 5), regency="65.02")]
    got = facts_of(rows, events=events, scope="65.02")
    assert {region for region, _ in got} == {V2, "65.02"}


# -- portability and store glue ---------------------------------------------------------------
def test_expressions_compile_for_other_backends():
    residents = ibis.table({c: ("date" if t == "DATE" else "boolean" if t == "BOOLEAN" else "string")
                            for c, t in RESIDENT_COLUMNS.items()}, name="residents")
    events = ibis.table({c: ("date" if t == "DATE" else "boolean" if t == "BOOLEAN" else "string")
                         for c, t in EVENT_COLUMNS.items()}, name="service_events")
    expr = register_facts(residents, AS_OF, None, events, scope="65")
    for dialect in ("duckdb", "postgres"):  # the PySpark compiler needs a live session
        sql = ibis.to_sql(expr, dialect=dialect)
        assert "residents" in sql and "service_events" in sql


def test_ibis_backend_given_directly():
    backend = ibis.duckdb.connect()
    ensure_tables(backend.con)
    backend.con.execute(f"INSERT INTO residents (birth_date, village_code, ever_married) VALUES ('2000-01-01', '{V1}', false)")
    frame = compute_facts(backend, "2020-11-H1")
    assert list(frame.columns) == ["region_code", "cutoff", "fact", "value", "source"]
    assert set(frame["source"]) == {"register"} and set(frame["cutoff"]) == {"2020-11-H1"}
    assert frame.set_index("fact").loc["wajib_ktp", "value"] == 1.0


def test_write_register_facts_into_the_store():
    from capaian.store import open_store

    store = open_store(":memory:")
    ensure_tables(store.con)
    store.con.execute(f"INSERT INTO residents (birth_date, village_code, ever_married) VALUES ('2000-01-01', '{V1}', false)")
    result = write_register_facts(store, "2020-11-H1", actor="test")
    assert result.inserted == 6  # no events in the period: no document facts
    stored = store.current_facts("2020-11-H1")
    assert set(stored["source"]) == {"register"}
    assert stored.set_index("fact").loc["wajib_ktp", "value"] == 1.0
    again = write_register_facts(store, "2020-11-H1", actor="test")
    assert again.revision is None  # unchanged facts are not written again
