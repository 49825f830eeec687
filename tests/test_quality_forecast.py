"""Forecast to target on crafted series: every status, the pace, projection, the cut-off the threshold
is reached at, people per half-month, too little history. The province rollup is
the one split of a gap (tests/test_gap_split.py)."""

from __future__ import annotations

import pytest

from capaian.quality.forecast import forecast_series

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
