"""Data-quality flags on crafted runs and facts: every flag type, its severity and evidence, and the
edges (exactly k × MAD, too little history, a new denominator base, MAD zero)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

from capaian.quality.flags import counts, flags_for_cutoff, jump_test, mad_k
from capaian.rubrics import load_rubric

RUBRIC = load_rubric("levelisasi-2020")
CUTOFFS = ["2020-07-H1", "2020-07-H2", "2020-08-H1", "2020-08-H2", "2020-09-H1", "2020-09-H2"]


@dataclass
class View:
    indicators: pd.DataFrame
    cutoff: str
    rubric: object = RUBRIC


def row(cutoff, code="65.71", indicator="ktp_el", kind="coverage", num=None, den=None, value=None,
        status="met", **extra):
    if value is None and num is not None and den:
        value = 100.0 * num / den
    return {"cutoff": cutoff, "region_code": code, "region_name": f"Wilayah {code}",
            "tier": "province" if "." not in code else "regency", "province_code": code.split(".")[0],
            "indicator": indicator, "kind": kind, "numerator": num, "denominator": den, "value": value,
            "status": status, "denominator_base": extra.pop("base", "dkb-2020-s1"), **extra}


def views(*per_cutoff):
    return [View(pd.DataFrame(rows), rows[0]["cutoff"]) for rows in per_cutoff]


def kinds(flags):
    return sorted(f.type for f in flags)


def test_over_100_names_the_side_that_grew():
    found = flags_for_cutoff(views([row(CUTOFFS[0], num=1000, den=1000)], [row(CUTOFFS[1], num=1030, den=1000)]))
    assert kinds(found) == ["over_100"]
    f = found[0]
    assert f.severity == "medium" and f.evidence["side"] == "numerator"
    assert f.evidence["value"] == pytest.approx(103.0)
    assert f.evidence["numerator_growth_pct"] == pytest.approx(3.0)
    assert f.evidence["denominator_growth_pct"] == pytest.approx(0.0)
    # the denominator fell: that side made it pass 100 %
    found = flags_for_cutoff(views([row(CUTOFFS[0], num=1000, den=1000)], [row(CUTOFFS[1], num=1000, den=900)]))
    over = [f for f in found if f.type == "over_100"][0]
    assert over.evidence["side"] == "denominator" and over.severity == "high"  # 111 % > 105 %


def test_a_cumulative_count_that_falls():
    found = flags_for_cutoff(views([row(CUTOFFS[0], num=900, den=1000)], [row(CUTOFFS[1], num=880, den=1000)]))
    assert kinds(found) == ["count_falls"]
    assert found[0].severity == "high"
    assert found[0].evidence == {"previous_cutoff": CUTOFFS[0], "previous": 900.0, "current": 880.0, "drop": 20.0}


def _series(values):
    return views(*[[row(c, num=v * 10, den=1000)] for c, v in zip(CUTOFFS, values)])


def test_jump_exactly_k_mad_is_not_a_jump_and_just_above_is():
    # changes 1, 2, 1, 2 then 4: median 1,5, MAD 0,5, k = 5: limit 2,5 = |4 - 1,5| exactly
    assert jump_test([0, 1, 3, 4, 6, 10], 5) is None
    found = jump_test([0, 1, 3, 4, 6, 10.01], 5)
    assert found["mad"] == pytest.approx(0.5) and found["median_change"] == pytest.approx(1.5)
    assert found["limit"] == pytest.approx(2.5) and found["deviation"] == pytest.approx(2.51)
    flags = flags_for_cutoff(_series([50, 51, 53, 54, 56, 60.01]), k=5)
    assert kinds(flags) == ["jump"] and flags[0].evidence["k"] == 5
    assert flags_for_cutoff(_series([50, 51, 53, 54, 56, 60]), k=5) == []
    # the same change when a new denominator base comes into force is the base's, not a jump
    new_base = _series([50, 51, 53, 54, 56, 70])
    new_base[-1].indicators.loc[:, "denominator_base"] = "dkb-2020-s2"
    assert flags_for_cutoff(new_base, k=5) == []
    # a smaller k makes the same change a jump; k is reported
    assert kinds(flags_for_cutoff(_series([50, 51, 53, 54, 56, 60]), k=4)) == ["jump"]


def test_jump_needs_three_earlier_changes():
    assert jump_test([0, 1, 3, 100], 5) is None  # two earlier changes only
    assert jump_test([0, 1, 2, 3, 100], 5) is not None  # three (MAD 0: any deviation is a jump)
    assert jump_test([0, 1, 2, 3, 4], 5) is None  # MAD 0 and no deviation


def test_a_jump_is_at_least_half_a_point_from_the_usual_change():
    # a steady series (MAD 0): a wobble of 0,4 pp is no jump, 0,5 pp is
    assert jump_test([0, 1, 2, 3, 4, 5.4], 5) is None
    found = jump_test([0, 1, 2, 3, 4, 5.5], 5)
    assert found["deviation"] == pytest.approx(0.5) and found["limit"] == pytest.approx(0.5)


def test_a_province_summing_fewer_regencies_is_not_a_fall_nor_a_jump():
    """A regency that has not sent makes its province's sum drop: completeness tells that."""
    def province(c, num, complete=True):
        return row(c, code="65", num=num, den=1000 if complete else 800, complete=complete)

    series = [province(c, 500 + 10 * i) for i, c in enumerate(CUTOFFS[:-1])] + [province(CUTOFFS[-1], 400, False)]
    assert flags_for_cutoff(views(*[[r] for r in series])) == []
    # the same fall with every regency in the sum is flagged
    series[-1] = province(CUTOFFS[-1], 400)
    assert kinds(flags_for_cutoff(views(*[[r] for r in series]))) == ["count_falls", "jump"]


def test_jump_severity_doubles():
    found = jump_test([0, 1, 3, 4, 6, 20], 5)
    flags = flags_for_cutoff(_series([50, 51, 53, 54, 56, 70]), k=5)
    assert found and flags[0].severity == "high"


def test_reported_differs_from_recomputed_bengkulu():
    # Bengkulu 14 Nov 2020: the regencies' 1.402.535 / 1.428.927 = 98,15 %; its own count gives 98,57 %
    value = 100 * 1402535 / 1428927
    own = 100 * 1408525 / 1428927
    r = row("2020-11-H1", code="17", num=1402535, den=1428927, own_value=own, own_numerator=1408525,
            own_denominator=1428927, value_basis="children")
    found = flags_for_cutoff(views([r]))
    assert kinds(found) == ["reported_vs_recomputed"]
    e = found[0].evidence
    assert e["value"] == pytest.approx(value) and e["own_value"] == pytest.approx(own)
    assert e["difference"] == pytest.approx(value - own) and found[0].severity == "medium"
    # own totals used because no regency reported: nothing to compare
    assert flags_for_cutoff(views([{**r, "value_basis": "own"}])) == []


def test_denominator_change_without_a_new_base():
    found = flags_for_cutoff(views([row(CUTOFFS[0], num=900, den=1000)], [row(CUTOFFS[1], num=900, den=1100)]))
    assert kinds(found) == ["denominator_change"]
    assert found[0].evidence["change"] == 100 and found[0].evidence["base"] == "dkb-2020-s1"
    # a new base came into force: expected, no flag
    assert flags_for_cutoff(views([row(CUTOFFS[0], num=900, den=1000)],
                                  [row(CUTOFFS[1], num=900, den=1100, base="dkb-2020-s2")])) == []


def test_implementation_flip():
    def impl(c, status):
        return row(c, indicator="layanan_online", kind="implementation", value=1.0 if status == "met" else 0.0,
                   status=status, base=None)

    found = flags_for_cutoff(views([impl(CUTOFFS[0], "met")], [impl(CUTOFFS[1], "not_met")], [impl(CUTOFFS[2], "met")]))
    assert kinds(found) == ["implementation_flip"] and found[0].severity == "low"
    assert found[0].evidence["statuses"] == ["met", "not_met", "met"]
    assert flags_for_cutoff(views([impl(CUTOFFS[0], "met")], [impl(CUTOFFS[1], "met")], [impl(CUTOFFS[2], "not_met")])) == []


def test_percentages_sent_that_do_not_match_their_counts():
    facts = pd.DataFrame([
        {"region_code": "65.71", "cutoff": CUTOFFS[0], "fact": "kia_dimiliki", "value": 1990.0, "source": "submission"},
        {"region_code": "65.71", "cutoff": CUTOFFS[0], "fact": "anak_lt17", "value": 100000.0, "source": "submission"},
        {"region_code": "65.71", "cutoff": CUTOFFS[0], "fact": "kia_dimiliki_persen", "value": 5.0, "source": "submission"},
        {"region_code": "65.71", "cutoff": CUTOFFS[0], "fact": "ktp_terekam", "value": 98.0, "source": "submission"},
        {"region_code": "65.71", "cutoff": CUTOFFS[0], "fact": "wajib_ktp", "value": 100.0, "source": "submission"},
        {"region_code": "65.71", "cutoff": CUTOFFS[0], "fact": "ktp_terekam_persen", "value": 98.0, "source": "submission"},
    ])
    found = flags_for_cutoff(views([row(CUTOFFS[0], indicator="kia", num=1990, den=100000)]), facts)
    assert kinds(found) == ["percent_mismatch"]
    e = found[0].evidence
    assert e["reported"] == 5.0 and e["computed"] == pytest.approx(1.99) and found[0].severity == "high"
    assert counts(found)["percent_mismatch"] == 1


def test_k_setting(monkeypatch):
    assert mad_k() == 5.0
    monkeypatch.setenv("CAPAIAN_QUALITY_K", "3.5")
    assert mad_k() == 3.5
    from capaian.errors import CapaianError

    with pytest.raises(CapaianError):
        mad_k("nol")
