"""Forecast to target on crafted series: every status, the pace, projection, the cut-off the threshold
is reached at, people per half-month, too little history; the province allocation (fewest people,
most regencies reaching their own threshold, ties by code)."""

from __future__ import annotations

import pytest

from capaian.quality.forecast import allocate, forecast_series

CUTS = ["2020-07-H1", "2020-07-H2", "2020-08-H1", "2020-08-H2", "2020-09-H1", "2020-09-H2"]


def series(values):
    return list(zip(CUTS, values))


def test_reached():
    f = forecast_series(series([18, 19, 20, 21]), 20)
    assert f.status == "reached" and f.reached_at == "2020-08-H2" and f.people_per_half_month == 0


def test_on_track_pace_projection_and_reach_cutoff():
    # 1 pp per half-month exactly: 10 .. 15 at 2020-09-H2 (index 17), 6 half-months left -> 21 at 2020-12-H2
    f = forecast_series(series([10, 11, 12, 13, 14, 15]), 20, numerator=15000, denominator=100000)
    assert f.pace == pytest.approx(1.0) and f.projected == pytest.approx(21.0)
    assert f.half_months_left == 6 and f.year_end == "2020-12-H2"
    assert f.reached_at == "2020-12-H1"  # 15 + 5 = 20
    assert f.status == "on_track"
    assert f.people_short == 5000 and f.people_per_half_month == 834  # ceil(5000 / 6)


def test_at_risk_when_only_the_upper_bound_reaches():
    f = forecast_series(series([10, 12.5, 11, 13.5, 12, 14.5]), 20)
    assert f.pace_low < f.pace < f.pace_high
    assert 14.5 + f.pace_low * 6 < 20 <= 14.5 + f.pace_high * 6
    assert f.status == "at_risk"


def test_off_track_at_this_pace():
    f = forecast_series(series([10, 10.1, 10.2, 10.3, 10.4, 10.5]), 20, numerator=10500, denominator=100000)
    assert f.status == "off_track" and f.projected == pytest.approx(11.1)
    assert f.reached_at == "2024-09-H1"  # 95 half-months after 2020-09-H2
    assert f.people_per_half_month == 1584  # ceil(9500 / 6)
    assert forecast_series(series([12, 11, 10, 9]), 20).reached_at is None  # falling: never


def test_fewer_than_three_cutoffs_gives_no_forecast():
    assert forecast_series(series([10, 11]), 20) is None
    assert forecast_series(series([21, 22]), 20).status == "reached"  # already met needs no pace


def test_k_uses_the_last_cutoffs_only():
    f = forecast_series(series([0, 50, 10, 11, 12, 13]), 20, k=4)
    assert f.points == 4 and f.pace == pytest.approx(1.0)


def test_allocation_fewest_people_most_regencies():
    regs = [
        {"code": "65.01", "numerator": 150, "denominator": 1000},  # own short 50
        {"code": "65.02", "numerator": 190, "denominator": 1000},  # own short 10
        {"code": "65.03", "numerator": 300, "denominator": 1000},  # already met
    ]
    a = allocate("65", "2020-11-H1", "kia", 20, regs)
    assert a.shortfall == 0  # 640 of 3000 = 21,3 %: nothing to close
    regs[2]["numerator"] = 200  # 540 of 3000: short 60
    a = allocate("65", "2020-11-H1", "kia", 20, regs)
    assert a.shortfall == 60 and sum(s["add"] for s in a.shares) == 60
    assert [(s["code"], s["add"], s["reaches_own"]) for s in a.shares] == [("65.02", 10, True), ("65.01", 50, True)]
    assert a.reaching == ["65.02", "65.01"]


def test_allocation_remainder_and_ties():
    regs = [{"code": "65.02", "numerator": 180, "denominator": 1000},  # own short 20
            {"code": "65.01", "numerator": 180, "denominator": 1000},  # own short 20 (tie: by code)
            {"code": "65.03", "numerator": 300, "denominator": 1000}]
    # 660 / 3000 = 22 %: no shortfall at 20 %; at 23 % the province is short 30
    a = allocate("65", "2020-11-H1", "kia", 23, regs)
    assert a.shortfall == 30
    # own shortfalls at 23 %: 50, 50, 0 -> none fits whole; the remainder goes to the first by code
    assert [(s["code"], s["add"], s["reaches_own"]) for s in a.shares] == [("65.01", 30, False)]
    a = allocate("65", "2020-11-H1", "kia", 20, [{**r, "numerator": r["numerator"] - 30} for r in regs])
    # short 30 at 20 %: own shortfalls 50, 50, 0; tie broken by code
    assert a.shares[0]["code"] == "65.01" and sum(s["add"] for s in a.shares) == a.shortfall
