"""Display formatting goes through Babel: Indonesian by default, English on request."""

import datetime as dt
from decimal import Decimal

from babel.numbers import parse_decimal
from hypothesis import given
from hypothesis import strategies as st

from capaian import formatting as fmt


def test_seed_figures_in_indonesian():
    assert fmt.format_int(467701) == "467.701"
    assert fmt.format_pct(467701 / 458845 * 100) == "101,93 %"
    assert fmt.format_pct(91763 / 205011 * 100) == "44,76 %"
    assert fmt.format_pct(218142 / 226735 * 100) == "96,21 %"


def test_english_separators():
    assert fmt.format_int(467701, lang="en") == "467,701"
    assert fmt.format_pct(101.9297, lang="en") == "101.93 %"


def test_half_up_rounding_not_bankers():
    assert fmt.round_half_up(2.675) == Decimal("2.68")  # float 2.675 is 2.67499999...; repr is '2.675'
    assert fmt.round_half_up(0.125) == Decimal("0.13")
    assert fmt.format_pct(44.765) == "44,77 %"


def test_targets_without_needless_decimals():
    assert fmt.format_target(98.0) == "98 %"
    assert fmt.format_target(99.3) == "99,3 %"
    assert fmt.format_target(99.4, lang="en") == "99.4 %"


def test_missing_values_show_a_dash():
    assert fmt.format_int(None) == "—"
    assert fmt.format_pct(None) == "—"


def test_long_dates():
    assert fmt.format_date(dt.date(2020, 11, 15)) == "15 November 2020"
    assert fmt.format_date(dt.date(2020, 8, 17)) == "17 Agustus 2020"
    assert fmt.format_date(dt.date(2020, 11, 15), lang="en") == "November 15, 2020"


def test_unknown_language_falls_back_to_indonesian():
    assert fmt.format_int(1234567, lang="xx") == "1.234.567"


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_indonesian_numbers_round_trip(value):
    text = fmt.format_number(float(value), places=2)
    assert parse_decimal(text, locale="id_ID") == value
