"""Residence history: dated moves between regencies' extracts and dated marriages.

A resident counts where they lived on the as-of date (moved_in_on <= D < moved_out_on) and is
married from `married_on`; the same NIK in two regencies' extracts is a move when the residence
periods do not overlap, and is quarantined in both places when they do, whichever extract
arrived first.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from capaian.facts import compute_facts
from capaian.register import import_register
from capaian.store import open_store

TODAY = dt.date(2021, 1, 10)
H1, H2 = dt.date(2020, 11, 15), dt.date(2020, 11, 30)
BULUNGAN, TARAKAN = "65.01.01.2001", "65.71.01.1001"
NIK = "6501011508030001"


class TwoRegencies:
    def region_frame(self) -> pd.DataFrame:
        rows = [("65", "province"), ("65.01", "regency"), ("65.01.01", "district"), (BULUNGAN, "village"),
                ("65.71", "regency"), ("65.71.01", "district"), (TARAKAN, "village")]
        return pd.DataFrame(rows, columns=["code", "tier"])


def person(**over) -> dict:
    row = {"nik": NIK, "birth_date": "1990-08-15", "sex": "L", "ever_married": "false", "village_code": BULUNGAN,
           "ktp_recorded_on": "2010-09-01", "kia_issued_on": "", "birth_cert_issued_on": "", "died_on": "",
           "moved_out_on": "", "moved_in_on": "", "married_on": ""}
    row.update(over)
    return row


def load(tmp_path, *extracts):
    """Import each extract (a list of rows, one regency each) in order; the store and summaries."""
    store = open_store(":memory:")
    summaries = []
    for i, rows in enumerate(extracts):
        path = tmp_path / f"extract-{i}.csv"
        pd.DataFrame(rows).to_csv(path, index=False)
        summaries.append(import_register(store, path, actor="test", hierarchy=TwoRegencies(), today=TODAY))
    return store, summaries


def where(store, day) -> dict:
    """{village: wajib_ktp} on `day` (a date: everything counted on that day)."""
    frame = compute_facts(store, day, with_events=False)
    rows = frame[frame["fact"] == "wajib_ktp"]
    return {r.region_code: int(r.value) for r in rows.itertuples() if r.value}


MOVE_20_NOV = (
    [person(moved_out_on="2020-11-20")],
    [person(village_code=TARAKAN, moved_in_on="2020-11-20")],
)


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_a_move_between_two_cutoffs_counts_where_they_lived(tmp_path, order):
    store, summaries = load(tmp_path, *(MOVE_20_NOV[i] for i in order))
    assert [s.quarantined for s in summaries] == [0, 0]  # a dated move, in either order
    assert where(store, H1) == {BULUNGAN: 1}
    assert where(store, H2) == {TARAKAN: 1}
    assert where(store, dt.date(2020, 11, 19)) == {BULUNGAN: 1}
    assert where(store, dt.date(2020, 11, 20)) == {TARAKAN: 1}  # on the day of the move: the new home


def test_a_move_on_the_as_of_day_counts_once_in_the_new_regency(tmp_path):
    store, _ = load(tmp_path, [person(moved_out_on="2020-11-15")], [person(village_code=TARAKAN, moved_in_on="2020-11-15")])
    assert where(store, H1) == {TARAKAN: 1}
    assert where(store, dt.date(2020, 11, 14)) == {BULUNGAN: 1}


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_an_undated_nik_in_two_regencies_is_quarantined_in_both_whichever_came_first(tmp_path, order):
    extracts = ([person()], [person(village_code=TARAKAN)])
    store, summaries = load(tmp_path, *(extracts[i] for i in order))
    assert summaries[0].quarantined == 0
    assert summaries[1].reasons == {"nik_in_other_regency": 1} and summaries[1].withdrawn == 1
    assert store.con.execute("SELECT count(*) FROM residents").fetchone()[0] == 0
    reasons = store.con.execute("SELECT reason FROM quarantine").fetchall()
    assert reasons == [("nik_in_other_regency",), ("nik_in_other_regency",)]
    assert where(store, H1) == {}


def test_the_same_nik_twice_in_one_extract_is_kept_only_when_dated_apart(tmp_path):
    away_and_back = [person(moved_out_on="2020-11-20"), person(moved_in_on="2020-11-25")]
    store, summaries = load(tmp_path, away_and_back)
    assert summaries[0].quarantined == 0
    assert where(store, dt.date(2020, 11, 22)) == {} and where(store, H2) == {BULUNGAN: 1}
    _, again = load(tmp_path, [person(), person()])
    assert again[0].reasons == {"duplicate_nik": 1}


def test_a_marriage_between_two_cutoffs_changes_only_the_later_one(tmp_path):
    """A 16-year-old marrying on 20 Nov 2020: a child under 17 on 15 Nov, required to hold KTP-el on
    30 Nov; recomputing 15 Nov afterwards gives the same (the date keeps it from being retroactive)."""
    teen = person(nik="6501015508040001", birth_date="2004-08-15", sex="P", ever_married="true",
                  married_on="2020-11-20", ktp_recorded_on="")
    store, _ = load(tmp_path, [teen])

    def facts(day):
        frame = compute_facts(store, day, with_events=False)
        return {r.fact: int(r.value) for r in frame.itertuples() if r.region_code == BULUNGAN}

    before = facts(H1)
    assert (before["anak_lt17"], before["wajib_ktp"]) == (1, 0)
    after = facts(H2)
    assert (after["anak_lt17"], after["wajib_ktp"]) == (0, 1)
    assert facts(H1) == before
    # without a date the extract's status applies on every date (the old, undated behaviour)
    undated, _ = load(tmp_path, [{**teen, "married_on": ""}])
    frame = compute_facts(undated, H1, with_events=False)
    assert {r.fact: int(r.value) for r in frame.itertuples()}["wajib_ktp"] == 1
