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
    assert fmt.format_date(dt.date(2020, 11, 15), lang="en") == "15 November 2020"  # never US order


def test_unknown_language_falls_back_to_indonesian():
    assert fmt.format_int(1234567, lang="xx") == "1.234.567"


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_indonesian_numbers_round_trip(value):
    text = fmt.format_number(float(value), places=2)
    assert parse_decimal(text, locale="id_ID") == value


# ---------------------------------------------------------------- capaian.present.numbers
from capaian.present import numbers  # noqa: E402


def test_a_value_below_its_threshold_never_reads_as_equal():
    assert numbers.coverage(97.996, "id", 98) == "97,996 %"
    assert numbers.coverage(97.9999, "id", 98) == "97,9999 %"
    assert numbers.coverage(97.99999999, "id", 98) == "97,999999 %"  # cut towards the true side at 6 places
    assert numbers.coverage(97.996, "en", 98) == "97.996 %"
    assert numbers.coverage(97.994, "id", 98) == "97,99 %"  # two places are enough


def test_exactly_at_and_above_the_threshold():
    assert numbers.coverage(98.0, "id", 98) == "98,00 %"
    assert numbers.coverage(98.004, "id", 98) == "98,00 %"  # met, and shown as met
    assert numbers.coverage(101.93, "id", 98) == "101,93 %"
    assert numbers.coverage(102.8, "en", 98) == "102.80 %"


def test_the_status_decides_when_given():
    """The engine compares exactly (fractions); a float a hair under 98 that is met reads 98,00 %."""
    assert numbers.coverage(97.99999999999999, "id", 98, met=True) == "98,00 %"
    assert numbers.coverage(98.0, "id", 98, comparison=">", met=False) == "98,00 %"
    assert numbers.coverage(98.004, "id", 98, comparison=">", met=True) == "98,004 %"


def test_ranked_values_never_read_alike():
    assert numbers.distinct_places([97.996, 98.004, 98.001]) == 3
    assert numbers.distinct_places([44.76, 40.77]) == 2


def test_one_meaning_per_symbol():
    symbols = [numbers.MET, numbers.NOT_MET, numbers.NO_DATA, numbers.OVER_100, numbers.RANK_UP, numbers.RANK_DOWN]
    assert len(set(symbols)) == len(symbols)
    assert numbers.OVER_100 != "▲"
    assert numbers.status_text("met", "id") == "✓ tercapai" and numbers.status_text("met", "en") == "✓ met"
    assert numbers.status_text("not_met", "id") == "✗ belum tercapai"
    assert numbers.status_text("no_data", "en") == "– no data"
    assert numbers.rank_change(2) == "▲ 2" and numbers.rank_change(-1) == "▼ 1" and numbers.rank_change(0) == "= 0"


def test_level_change_reads_unchanged_when_equal():
    assert numbers.level_change(3, 3, "id") == "tetap"
    assert numbers.level_change(3, 3, "en") == "unchanged"
    assert numbers.level_change(2, 3, "id") == "L2 → L3"
    assert numbers.level_change(None, 3, "id") == "—"


def test_changes_ranks_and_missing_values():
    assert numbers.change(0.554, "coverage", "id") == "+0,55"
    assert numbers.change(-2, "implementation", "en") == "−2"
    assert numbers.change(0, "coverage", "id") == "0"
    assert numbers.ordinal(4, "id") == "ke-4" and numbers.ordinal(22, "en") == "22nd"
    assert numbers.rank(4, 34, "id") == "4/34"
    assert numbers.integer(float("nan"), "id") == "—" and numbers.coverage(None, "id", 98) == "—"
    assert numbers.requirement("coverage", 98, "id") == "≥ 98 %"
