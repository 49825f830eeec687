"""Tests of capaian.periods: cut-offs, as-of dates, neighbours, quarters, semesters."""

from __future__ import annotations

import datetime as dt

import pytest

from capaian.errors import CapaianError
from capaian.periods import (
    Cutoff, PeriodError, cutoffs_between, cutoffs_of_year, semester_end_on_or_before,
)


def test_parse_and_format():
    cut = Cutoff.parse("2020-11-H1")
    assert (cut.year, cut.month, cut.half) == (2020, 11, 1)
    assert str(cut) == "2020-11-H1"
    assert str(Cutoff.parse(" 2021-01-h2 ")) == "2021-01-H2"
    assert Cutoff.parse(cut) is cut
    assert Cutoff(2020, 11, 1) == cut and hash(Cutoff(2020, 11, 1)) == hash(cut)


@pytest.mark.parametrize("text", [
    "2020-11", "2020-11-H3", "2020-13-H1", "2020-00-H2", "20-11-H1", "2020-1-H1", "2020/11/H1",
    "2020-11-H1x", "", "0000-01-H1", None, 202011,
])
def test_parse_rejects(text):
    with pytest.raises(PeriodError) as info:
        Cutoff.parse(text)
    err = info.value
    assert isinstance(err, CapaianError) and isinstance(err, ValueError)
    assert repr(text) in err.en_message and repr(text) in err.id_message
    assert "YYYY-MM-H1|H2" in err.en_message and "YYYY-MM-H1|H2" in err.id_message


def test_constructor_validates():
    for args in [(2020, 13, 1), (2020, 1, 3), (2020, 0, 1), ("2020", 1, 1), (2020, 1, True)]:
        with pytest.raises(PeriodError):
            Cutoff(*args)


def test_frozen():
    with pytest.raises(Exception):
        Cutoff(2020, 1, 1).year = 2021


@pytest.mark.parametrize("text, as_of", [
    ("2020-02-H1", dt.date(2020, 2, 15)),
    ("2020-02-H2", dt.date(2020, 2, 29)),
    ("2021-02-H2", dt.date(2021, 2, 28)),
    ("2100-02-H2", dt.date(2100, 2, 28)),
    ("2000-02-H2", dt.date(2000, 2, 29)),
    ("2020-04-H2", dt.date(2020, 4, 30)),
    ("2020-12-H2", dt.date(2020, 12, 31)),
])
def test_as_of(text, as_of):
    assert Cutoff.parse(text).as_of == as_of


def test_next_and_previous():
    assert str(Cutoff.parse("2020-12-H2").next()) == "2021-01-H1"
    assert str(Cutoff.parse("2021-01-H1").previous()) == "2020-12-H2"
    assert str(Cutoff.parse("2020-11-H1").next()) == "2020-11-H2"
    assert str(Cutoff.parse("2020-11-H2").next()) == "2020-12-H1"
    assert str(Cutoff.parse("2020-11-H2").previous()) == "2020-11-H1"
    assert str(Cutoff.parse("2020-11-H1").previous()) == "2020-10-H2"
    cut = Cutoff.parse("2019-06-H1")
    for _ in range(50):
        assert cut.next().previous() == cut and cut.previous().next() == cut
        assert cut.next() > cut and cut.next().as_of > cut.as_of
        cut = cut.next()


def test_ordering_and_sorting():
    texts = ["2021-01-H1", "2020-12-H2", "2020-02-H2", "2020-12-H1", "2020-10-H2", "2019-12-H2"]
    ordered = sorted(Cutoff.parse(t) for t in texts)
    assert [str(c) for c in ordered] == ["2019-12-H2", "2020-02-H2", "2020-10-H2", "2020-12-H1",
                                         "2020-12-H2", "2021-01-H1"]
    assert [c.as_of for c in ordered] == sorted(c.as_of for c in ordered)
    assert Cutoff.parse("2020-10-H2") < Cutoff.parse("2020-11-H1")
    assert max(ordered) == Cutoff(2021, 1, 1)


@pytest.mark.parametrize("text, quarter, semester", [
    ("2020-01-H1", "2020-Q1", "2020-S1"), ("2020-03-H2", "2020-Q1", "2020-S1"),
    ("2020-04-H1", "2020-Q2", "2020-S1"), ("2020-06-H2", "2020-Q2", "2020-S1"),
    ("2020-07-H1", "2020-Q3", "2020-S2"), ("2020-10-H1", "2020-Q4", "2020-S2"),
    ("2020-12-H2", "2020-Q4", "2020-S2"),
])
def test_quarter_and_semester(text, quarter, semester):
    cut = Cutoff.parse(text)
    assert (cut.quarter, cut.semester) == (quarter, semester)


@pytest.mark.parametrize("day, expected", [
    (dt.date(2020, 11, 14), "2020-10-H2"),
    (dt.date(2020, 11, 15), "2020-11-H1"),
    (dt.date(2020, 11, 29), "2020-11-H1"),
    (dt.date(2020, 11, 30), "2020-11-H2"),
    (dt.date(2020, 2, 28), "2020-02-H1"),
    (dt.date(2020, 2, 29), "2020-02-H2"),
    (dt.date(2021, 2, 28), "2021-02-H2"),
    (dt.date(2021, 1, 1), "2020-12-H2"),
    (dt.datetime(2021, 1, 20, 23, 59), "2021-01-H1"),
])
def test_latest_on_or_before(day, expected):
    cut = Cutoff.latest_on_or_before(day)
    assert str(cut) == expected
    plain = day.date() if isinstance(day, dt.datetime) else day
    assert cut.as_of <= plain < cut.next().as_of


def test_cutoffs_of_year():
    cuts = cutoffs_of_year(2020)
    assert len(cuts) == 24 and len(set(cuts)) == 24
    assert str(cuts[0]) == "2020-01-H1" and str(cuts[-1]) == "2020-12-H2"
    assert cuts == sorted(cuts)
    assert all(b == a.next() for a, b in zip(cuts, cuts[1:]))


def test_cutoffs_between():
    cuts = cutoffs_between("2020-11-H2", "2021-01-H2")
    assert [str(c) for c in cuts] == ["2020-11-H2", "2020-12-H1", "2020-12-H2", "2021-01-H1", "2021-01-H2"]
    assert cutoffs_between("2020-05-H1", Cutoff(2020, 5, 1)) == [Cutoff(2020, 5, 1)]
    assert cutoffs_between("2021-01-H1", "2020-12-H2") == []
    assert len(cutoffs_between("2020-01-H1", "2021-12-H2")) == 48
    with pytest.raises(PeriodError):
        cutoffs_between("2020-01", "2020-02-H1")


def test_semester_end_on_or_before():
    assert semester_end_on_or_before(dt.date(2020, 6, 29)) == dt.date(2019, 12, 31)
    assert semester_end_on_or_before(dt.date(2020, 6, 30)) == dt.date(2020, 6, 30)
    assert semester_end_on_or_before(dt.date(2020, 12, 30)) == dt.date(2020, 6, 30)
    assert semester_end_on_or_before(dt.date(2020, 12, 31)) == dt.date(2020, 12, 31)
