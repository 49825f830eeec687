"""Denominator bases: the latest base in force on a cut-off's as-of date, data validated on load."""

from __future__ import annotations

import datetime as dt

import pytest

from capaian.bases import base_changes, base_for, get_base, list_bases
from capaian.periods import cutoffs_of_year
from capaian.errors import CapaianError


@pytest.mark.parametrize("cutoff, expected", [
    ("2020-01-H1", "dkb-2019-s1"),
    ("2020-03-H1", "dkb-2019-s2"),
    ("2020-08-H2", "dkb-2019-s2"),
    ("2020-09-H1", "dkb-2020-s1"),
    ("2020-11-H1", "dkb-2020-s1"),  # 15 Nov: the base of the seed article
    ("2020-11-H2", "dkb-2020-s1"),  # the follow-up article too: no base between semesters (issue 20)
    ("2022-12-H2", "dkb-2022-s1"),
])
def test_latest_base_in_force_on_the_as_of_date(cutoff, expected):
    assert base_for(cutoff).id == expected


def test_in_force_on_its_first_day_and_none_before_any_base():
    assert base_for(dt.date(2020, 9, 1)).id == "dkb-2020-s1"
    assert base_for(dt.date(2020, 8, 31)).id == "dkb-2019-s2"
    assert base_for(dt.date(2019, 1, 1)) is None


def test_bases_are_ordered_and_counted_before_they_come_into_force():
    bases = list_bases()
    assert [b.in_force_from for b in bases] == sorted(b.in_force_from for b in bases)
    assert all(b.population_as_of < b.in_force_from for b in bases)
    base = get_base("dkb-2020-s1")
    assert base.describe("id") == "DKB Semester I 2020 (penduduk per 30 Juni 2020, berlaku sejak 1 September 2020)"
    assert base.describe("en").startswith("DKB Semester I 2020 (population as of 30 June 2020")


def test_unknown_base_is_a_clear_error():
    with pytest.raises(CapaianError) as info:
        get_base("dkb-1999")
    assert "dkb-1999" in info.value.text("id") and "Unknown denominator base" in info.value.text("en")


def test_base_changes_are_events_of_the_year():
    changes = [(cutoff, base.id) for cutoff, base in base_changes(cutoffs_of_year(2020))]
    assert changes == [("2020-03-H1", "dkb-2019-s2"), ("2020-09-H1", "dkb-2020-s1")]
    assert "dkb-2020-10" not in {b.id for b in list_bases()}  # the invented October 2020 base is gone
