"""The evaluation engine: roll-ups, statuses, targets, levels, ranks and changes."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capaian.errors import CapaianError
from capaian.evaluate import INDICATOR_COLUMNS, REGION_COLUMNS, Evaluation, evaluate
from capaian.evaluate.synthetic import region_frame
from capaian.rubrics import TargetSet, load_rubric

R22 = load_rubric("levelisasi-2022")
CUTOFF = "2022-06-H1"
IMPL_2022 = {"dokumen_kertas_putih": 18, "dokumen_tte": 18, "layanan_online": 1, "layanan_terintegrasi": 1,
             "pks": 1, "akses_data": 1, "bpp": 10}

PROVINCES = {
    "11": ("Aceh", {"11.01": "Kabupaten A", "11.71": "Kota B"}),
    "12": ("Sumatera Utara", {"12.01": "Kabupaten C", "12.02": "Kabupaten D"}),
    "13": ("Sumatera Barat", {"13.01": "Kabupaten E"}),
}


def facts_frame(rows, cutoff=CUTOFF) -> pd.DataFrame:
    """rows: (region_code, fact, value)."""
    frame = pd.DataFrame(rows, columns=["region_code", "fact", "value"])
    frame["cutoff"] = cutoff
    frame["source"] = "test"
    return frame[["region_code", "cutoff", "fact", "value", "source"]]


def row(ev: Evaluation, code: str, indicator: str) -> dict:
    return ev.value(code, indicator)


@pytest.fixture
def regions():
    return region_frame(PROVINCES, districts_per_regency=2, villages_per_district=2)


def village_codes(regions, regency):
    return regions.loc[(regions["tier"] == "village") & (regions["regency"] == regency), "code"].tolist()


def test_result_columns_follow_the_contract(regions):
    ev = evaluate(facts_frame([("11.01", "pks", 1)]), regions, R22)
    assert list(ev.indicators.columns) == INDICATOR_COLUMNS
    assert list(ev.regions.columns) == REGION_COLUMNS
    assert INDICATOR_COLUMNS[:25] == [
        "cutoff", "rubric", "region_code", "region_name", "tier", "province_code", "regency_code", "indicator",
        "kind", "numerator", "denominator", "value", "target", "target_source", "target_set", "met", "status",
        "over_100", "rank_national", "peers_national", "rank_province", "peers_province", "prev_value",
        "prev_rank_national", "change_value"]
    assert len(ev.regions) == len(regions)
    assert set(ev.regions["tier"]) == {"national", "province", "regency", "district", "village"}
    assert ev.rubric is R22 and ev.cutoff == CUTOFF


def test_sum_rollup_through_every_tier(regions):
    rows = []
    for i, code in enumerate(regions.loc[regions["tier"] == "village", "code"]):
        rows += [(code, "wajib_ktp", 100 + i), (code, "ktp_terekam", 90 + i)]
    ev = evaluate(facts_frame(rows), regions, R22)
    villages = ev.indicators[(ev.indicators["tier"] == "village") & (ev.indicators["indicator"] == "ktp_el")]
    for tier, col in (("district", "district"), ("regency", "regency"), ("province", "province")):
        codes = regions.loc[regions["tier"] == tier, "code"]
        for code in codes:
            members = regions.loc[(regions["tier"] == "village") & (regions[col] == code), "code"]
            sub = villages[villages["region_code"].isin(members)]
            r = row(ev, code, "ktp_el")
            assert r["numerator"] == sub["numerator"].sum() and r["denominator"] == sub["denominator"].sum()
            assert r["value"] == pytest.approx(r["numerator"] / r["denominator"] * 100, rel=1e-15)
    national = row(ev, "ID", "ktp_el")
    assert national["denominator"] == villages["denominator"].sum()


def test_percentages_are_never_averaged(regions):
    # Two regencies: 1/1 (100 %) and 0/99 (0 %): the province is 1 %, not the 50 % average.
    ev = evaluate(facts_frame([("12.01", "wajib_ktp", 1), ("12.01", "ktp_terekam", 1),
                               ("12.02", "wajib_ktp", 99), ("12.02", "ktp_terekam", 0)]), regions, R22)
    assert row(ev, "12", "ktp_el")["value"] == pytest.approx(1.0)


def test_own_totals_are_used_only_when_no_child_reports_the_pair(regions):
    # villages send only totals (no numerator): no child has the pair, so the regency's own
    # submitted figures are what there is, and the row says so
    villages = village_codes(regions, "11.01")
    rows = [(v, "wajib_ktp", 10) for v in villages] + [("11.01", "wajib_ktp", 1000), ("11.01", "ktp_terekam", 990)]
    ev = evaluate(facts_frame(rows), regions, R22)
    regency = row(ev, "11.01", "ktp_el")
    assert (regency["denominator"], regency["value_basis"], regency["own_difference"]) == (1000, "own", None)
    # the province has two regencies and one reports: a partial sum, kept but not decided
    province = row(ev, "11", "ktp_el")
    assert (province["denominator"], province["value_basis"], province["complete"]) == (1000, "partial", False)
    assert (province["status"], province["reason"], province["met"]) == ("no_data", "incomplete", False)
    assert (province["regencies_reporting"], province["regencies_total"]) == (1, 2)


def test_province_is_the_sum_of_its_regencies_and_keeps_its_own_totals_beside():
    """Bengkulu, 14 Nov 2020: the regencies' 1.402.535 recordings over the province's 1.428.927
    required give the published 98,15 %; the province's own count (1.408.525) would give 98,57 %."""
    regions = region_frame({"17": ("Bengkulu", {f"17.{i:02d}": f"Kab {i}" for i in range(1, 10)} | {"17.71": "Kota Bengkulu"})})
    recorded = [140_253] * 9 + [1_402_535 - 9 * 140_253]
    required = [142_892] * 9 + [1_428_927 - 9 * 142_892]
    rows = []
    for code, num, den in zip(sorted(regions.loc[regions["tier"] == "regency", "code"]), recorded, required):
        rows += [(code, "ktp_terekam", num), (code, "wajib_ktp", den)]
    rows += [("17", "ktp_terekam", 1_408_525), ("17", "wajib_ktp", 1_428_927)]
    ev = evaluate(facts_frame(rows, cutoff="2020-11-H1"), regions, load_rubric("levelisasi-2020"))
    r = row(ev, "17", "ktp_el")
    assert (r["numerator"], r["denominator"], r["value_basis"]) == (1_402_535, 1_428_927, "children")
    assert round(r["value"], 2) == 98.15 and round(r["own_value"], 2) == 98.57
    assert (r["own_numerator"], r["own_denominator"]) == (1_408_525, 1_428_927)
    assert r["own_difference"] == pytest.approx(r["value"] - r["own_value"]) and r["own_difference"] < 0
    assert (r["regencies_total"], r["regencies_reporting"], r["complete"]) == (10, 10, True)


def test_missing_regency_is_said_named_and_left_unranked():
    regions = region_frame({
        "64": ("Kalimantan Timur", {"64.01": "Paser", "64.02": "Kutai Barat"}),
        "65": ("Kalimantan Utara", {"65.01": "Bulungan", "65.02": "Malinau", "65.03": "Nunukan",
                                    "65.04": "Tana Tidung", "65.71": "Tarakan"}),
    })
    rows = [("64.01", "wajib_ktp", 100), ("64.01", "ktp_terekam", 90), ("64.02", "wajib_ktp", 100),
            ("64.02", "ktp_terekam", 90)]
    for code in ("65.01", "65.03", "65.04", "65.71"):  # Malinau sends nothing
        rows += [(code, "wajib_ktp", 100), (code, "ktp_terekam", 99)]
    ev = evaluate(facts_frame(rows), regions, R22)
    kaltara = row(ev, "65", "ktp_el")
    assert (kaltara["regencies_reporting"], kaltara["regencies_total"], kaltara["complete"]) == (4, 5, False)
    assert kaltara["regencies_missing"] == "Malinau"
    assert kaltara["rank_national"] is None and kaltara["met"] is False  # 99 % < 99,3 %, over 4 of 5
    kaltim = row(ev, "64", "ktp_el")
    assert (kaltim["complete"], kaltim["rank_national"], kaltim["peers_national"]) == (True, 1, 1)
    national = row(ev, "ID", "ktp_el")
    assert (national["regencies_reporting"], national["regencies_total"], national["complete"]) == (6, 7, False)
    assert national["regencies_missing"] == "Malinau"


def test_no_data_is_not_zero(regions):
    v1, v2, v3, v4 = village_codes(regions, "11.01")
    ev = evaluate(facts_frame([
        (v1, "wajib_ktp", 100), (v1, "ktp_terekam", 0),   # zero: a real 0 %
        (v2, "wajib_ktp", 100),                           # numerator missing
        (v3, "wajib_ktp", 0), (v3, "ktp_terekam", 0),     # denominator 0
    ]), regions, R22)
    zero = row(ev, v1, "ktp_el")
    assert (zero["status"], zero["value"], zero["met"]) == ("not_met", 0.0, False)
    assert zero["reason"] == "below_target"
    missing = row(ev, v2, "ktp_el")
    assert (missing["status"], missing["value"], missing["reason"]) == ("no_data", None, "no_numerator")
    assert row(ev, v3, "ktp_el")["reason"] == "zero_denominator" and row(ev, v3, "ktp_el")["status"] == "no_data"
    assert row(ev, v4, "ktp_el")["reason"] == "no_facts"
    assert row(ev, "13.01", "kia")["status"] == "no_data"
    # the regency sums the villages reporting both counts: 0 of 100 (v1 and v3); v2 lacks its
    # numerator, so its 100 required residents would only dilute the percentage
    assert row(ev, "11.01", "ktp_el")["numerator"] == 0 and row(ev, "11.01", "ktp_el")["denominator"] == 100


def test_over_100_is_kept_and_flagged(regions):
    ev = evaluate(facts_frame([("13.01", "wajib_ktp", 100), ("13.01", "ktp_terekam", 110)]), regions, R22)
    r = row(ev, "13.01", "ktp_el")
    assert r["value"] == pytest.approx(110.0) and r["over_100"] is True and r["met"] is True
    assert row(ev, "13", "ktp_el")["over_100"] is True
    assert row(ev, "11", "ktp_el")["over_100"] is False


def test_exactly_at_target_is_met_for_every_denominator():
    regions = region_frame({"11": ("P", {f"11.{i:02d}": f"R{i}" for i in range(1, 60)})})
    rows, expected = [], {}
    for i, den in enumerate([1000, 2000, 3000, 10, 20, 30, 70, 110, 130, 170, 190, 230, 290, 310, 370, 430, 470,
                             530, 590, 610, 670, 710, 730, 790, 830, 890, 970, 1090, 1130, 1270], start=1):
        code = f"11.{i:02d}"
        num = den * 993 // 1000 if den * 993 % 1000 == 0 else None
        if num is None:  # 99.3 % of den is not whole: just below and just above the exact share
            num = math.floor(den * 993 / 1000)
            expected[code] = False
        else:
            expected[code] = True
        rows += [(code, "wajib_ktp", den), (code, "ktp_terekam", num)]
    ev = evaluate(facts_frame(rows), regions, R22)
    for code, met in expected.items():
        assert row(ev, code, "ktp_el")["met"] is met, code


def test_float_edge_of_target_uses_exact_comparison():
    # 6,571,342 / 7,946,000 is exactly 82.7 %, but in floats the percentage is 82.69999999999999.
    assert 6571342 / 7946000 * 100 < 82.7
    regions = region_frame({"11": ("P", {"11.01": "R"})})
    ts = TargetSet(id="edge", scope="11", year=2022, targets={"ktp_el": (82.7, "test")})
    rows = [("11.01", "wajib_ktp", 7946000), ("11.01", "ktp_terekam", 6571342)]
    ev = evaluate(facts_frame(rows), regions, R22, target_sets=[ts])
    assert row(ev, "11.01", "ktp_el")["met"] is True
    rows[1] = ("11.01", "ktp_terekam", 6571341)
    assert row(evaluate(facts_frame(rows), regions, R22, target_sets=[ts]), "11.01", "ktp_el")["met"] is False


def _implementation(regency, values):
    return [(regency, fact, values.get(fact, required)) for fact, required in IMPL_2022.items()]


def test_all_children_rule(regions):
    rows = _implementation("11.01", {}) + _implementation("11.71", {"dokumen_kertas_putih": 12})
    rows += _implementation("12.01", {}) + [(r, f, v) for r, f, v in _implementation("12.02", {}) if f != "pks"]
    ev = evaluate(facts_frame(rows), regions, R22)
    kp = row(ev, "11", "kertas_putih")
    assert (kp["status"], kp["numerator"], kp["denominator"], kp["value"]) == ("not_met", 1, 2, 12)
    assert kp["reason"] == "children_not_met"
    assert row(ev, "11", "tte")["status"] == "met"
    pks = row(ev, "12", "pks")
    assert (pks["status"], pks["reason"], pks["numerator"], pks["denominator"]) == ("not_met", "children_missing", 1, 2)
    assert row(ev, "12.02", "pks")["status"] == "no_data"
    assert row(ev, "13", "pks")["status"] == "no_data" and row(ev, "13", "pks")["reason"] == "no_children_data"
    # the nation: every regency of the country (13.01 has no data at all)
    assert row(ev, "ID", "tte")["status"] == "not_met" and row(ev, "ID", "tte")["denominator"] == 5


def test_implementation_does_not_apply_below_regencies(regions):
    ev = evaluate(facts_frame(_implementation("11.01", {})), regions, R22)
    low = ev.indicators[ev.indicators["tier"].isin(["district", "village"])]
    assert set(low["indicator"]) == {"ktp_el", "kia", "akta_kelahiran"}
    assert (low["kind"] == "coverage").all()
    regs = ev.regions.set_index("region_code")
    assert regs.loc["11.01.01", "indicators_total"] == 3 and pd.isna(regs.loc["11.01.01", "level"])
    assert pd.isna(regs.loc["ID", "level"]) and regs.loc["ID", "indicators_total"] == 10
    assert regs.loc["11.01", "indicators_total"] == 10 and not pd.isna(regs.loc["11.01", "level"])


@pytest.mark.parametrize("unmet, level", [(0, 4), (1, 3), (3, 3), (4, 2), (5, 2), (6, 1), (10, 1)])
def test_level_band_edges(unmet, level):
    """Met indicators 10 - unmet: 10 -> 4, 9 and 7 -> 3, 6 and 5 -> 2, 4 and 0 -> 1."""
    regions = region_frame({"11": ("P", {"11.01": "R"})})
    coverage = [("wajib_ktp", "ktp_terekam", 1000, 993), ("anak_lt17", "kia_dimiliki", 100, 40),
                ("anak_lt18", "akta_lahir_dimiliki", 100, 97)]
    order = list(IMPL_2022) + [c[0] for c in coverage]
    failing = set(order[:unmet])
    rows = [("11.01", f, 0 if f in failing else v) for f, v in IMPL_2022.items()]
    for den_fact, num_fact, den, num in coverage:
        rows += [("11.01", den_fact, den), ("11.01", num_fact, num - 1 if den_fact in failing else num)]
    ev = evaluate(facts_frame(rows), regions, R22)
    reg = ev.region("11.01")
    assert reg["indicators_met"] == 10 - unmet and reg["level"] == level
    assert ev.region("11")["level"] == level  # one regency: the province follows it


def _province_values(values):
    """One regency per province; KIA value per province as given (denominator 1,000)."""
    provinces = {f"{11 + i}": (f"P{i}", {f"{11 + i}.01": f"R{i}"}) for i in range(len(values))}
    regions = region_frame(provinces)
    rows = []
    for i, v in enumerate(values):
        rows += [(f"{11 + i}.01", "anak_lt17", 1000), (f"{11 + i}.01", "kia_dimiliki", v)]
    return regions, facts_frame(rows)


def test_competition_ranks_with_ties():
    regions, facts = _province_values([900, 800, 800, 700, None])
    facts = facts[facts["value"].notna()]
    ev = evaluate(facts, regions, R22)
    ranks = [row(ev, f"{11 + i}", "kia")["rank_national"] for i in range(5)]
    assert ranks == [1, 2, 2, 4, None]
    assert row(ev, "11", "kia")["peers_national"] == 4
    assert row(ev, "11.01", "kia")["rank_national"] == 1 and row(ev, "11.01", "kia")["rank_province"] == 1
    assert row(ev, "11", "kia")["rank_province"] is None
    assert row(ev, "11", "kertas_putih")["rank_national"] is None  # implementation: not ranked
    assert row(ev, "ID", "kia")["rank_national"] is None


def test_regency_ranks_within_province(regions):
    rows = []
    for code, v in (("11.01", 500), ("11.71", 600), ("12.01", 700), ("12.02", 550), ("13.01", 600)):
        rows += [(code, "anak_lt17", 1000), (code, "kia_dimiliki", v)]
    ev = evaluate(facts_frame(rows), regions, R22)
    got = {c: (row(ev, c, "kia")["rank_national"], row(ev, c, "kia")["rank_province"], row(ev, c, "kia")["peers_province"])
           for c in ("11.01", "11.71", "12.01", "12.02", "13.01")}
    assert got == {"11.01": (5, 2, 2), "11.71": (2, 1, 2), "12.01": (1, 1, 2), "12.02": (4, 2, 2), "13.01": (2, 1, 1)}


def test_region_ranks_level_then_met_then_coverage_ratio(regions):
    rows = []
    for code, kia in (("11.01", 500), ("11.71", 450), ("12.01", 450), ("12.02", 100), ("13.01", 450)):
        rows += [(code, "anak_lt17", 1000), (code, "kia_dimiliki", kia)] + _implementation(code, {})
    rows = [r for r in rows if not (r[0] == "12.02" and r[1] == "bpp")]
    ev = evaluate(facts_frame(rows), regions, R22)
    reg = ev.regions.set_index("region_code")
    # every regency: 7 implementation + KIA met (except 12.02) = 8 -> level 3; 12.02: 6 -> 2
    assert reg.loc[["11.01", "11.71", "12.01", "12.02", "13.01"], "level"].tolist() == [3, 3, 3, 2, 3]
    assert reg.loc["11.01", "rank_national"] == 1  # highest KIA ratio
    assert reg.loc["11.71", "rank_national"] == reg.loc["12.01", "rank_national"] == reg.loc["13.01", "rank_national"] == 2
    assert reg.loc["12.02", "rank_national"] == 5 and reg.loc["12.02", "peers_national"] == 5
    assert reg.loc["12.02", "rank_province"] == 2 and reg.loc["12.01", "rank_province"] == 1
    assert pd.isna(reg.loc["ID", "rank_national"]) and pd.isna(reg.loc["11.01.01", "rank_national"])


def test_regional_target_set_applies_inside_its_scope_only(regions):
    rows = []
    for code in ("11.01", "11.71", "12.01", "12.02", "13.01"):
        rows += [(code, "anak_lt17", 1000), (code, "kia_dimiliki", 380)]  # 38 %
    ts = TargetSet(id="sumut-2022", scope="12", year=2022, targets={"kia": (35, "Perda Sumut (test)")})
    ev = evaluate(facts_frame(rows), regions, R22, target_sets=[ts])
    for code in ("12.01", "12.02", "12.01.01", "12.01.01.2001"):
        r = row(ev, code, "kia")
        assert (r["target_set"], r["target"], r["target_source"]) == ("sumut-2022", 35.0, "Perda Sumut (test)")
    assert row(ev, "12.01", "kia")["met"] is True
    for code in ("12", "11", "11.01", "13.01", "ID"):
        r = row(ev, code, "kia")
        assert (r["target_set"], r["target"]) == ("national", 40.0)
    assert row(ev, "12", "kia")["met"] is False and row(ev, "11.01", "kia")["met"] is False
    assert row(ev, "12.01", "ktp_el")["target_set"] == "national"  # indicators the set does not name
    assert set(ev.indicators["target_set"]) == {"national", "sumut-2022"}
    assert ev.target_set_ids == ("national", "sumut-2022")


def test_shipped_target_set_by_id():
    regions = region_frame({"64": ("Kalimantan Timur", {"64.01": "Kabupaten Paser", "64.71": "Kota Balikpapan"}),
                            "65": ("Kalimantan Utara", {"65.01": "Kabupaten Malinau"})})
    rows = []
    for code, (den, num) in {"64.01": (86_085, 53_614 // 2), "64.71": (209_687, 119_780), "65.01": (1000, 380)}.items():
        rows += [(code, "anak_lt17", den), (code, "kia_dimiliki", num)]
    ev = evaluate(facts_frame(rows), regions, R22, target_sets=["kaltim-2022"])
    paser = row(ev, "64.01", "kia")  # 31.1 %: below the regional 35 %
    assert (paser["target_set"], paser["target"], paser["met"]) == ("kaltim-2022", 35.0, False)
    assert row(ev, "64.71", "kia")["met"] is True and row(ev, "64.71", "kia")["target_set"] == "kaltim-2022"
    assert row(ev, "64", "kia")["target_set"] == "national" and row(ev, "65.01", "kia")["target_set"] == "national"
    assert ev.target_sets[0].id == "kaltim-2022"


def test_target_set_must_match_the_rubric(regions):
    facts = facts_frame([("11.01", "pks", 1)])
    with pytest.raises(CapaianError, match="2020"):
        evaluate(facts, regions, R22, target_sets=[TargetSet(id="x", scope="11", year=2020, targets={"kia": (1, "s")})])
    with pytest.raises(CapaianError, match="ikd"):
        evaluate(facts, regions, R22, target_sets=[TargetSet(id="x", scope="11", year=2022, targets={"ikd": (1, "s")})])


def test_previous_gives_changes(regions):
    def run(value, cutoff, previous=None):
        rows = [("11.01", "anak_lt17", 1000), ("11.01", "kia_dimiliki", value)] + _implementation("11.01", {})
        return evaluate(facts_frame(rows, cutoff), regions, R22, previous=previous)

    first = run(300, "2022-06-H1")
    second = run(450, "2022-06-H2", previous=first)
    r = row(second, "11.01", "kia")
    assert r["prev_value"] == pytest.approx(30.0) and r["change_value"] == pytest.approx(15.0)
    assert r["prev_rank_national"] == 1
    assert first.region("11.01")["level"] == 3 and second.region("11.01")["prev_level"] == 3
    assert second.region("11.01")["level"] == 3  # 8 of 10 met (KTP-el and akta have no data)
    assert row(first, "11.01", "kia")["prev_value"] is None


def test_bad_facts_are_refused(regions):
    with pytest.raises(CapaianError, match="99.01"):
        evaluate(facts_frame([("99.01", "pks", 1)]), regions, R22)
    dup = facts_frame([("11.01", "pks", 1), ("11.01", "pks", 2)])
    with pytest.raises(CapaianError, match="pks"):
        evaluate(dup, regions, R22)
    two = pd.concat([facts_frame([("11.01", "pks", 1)]), facts_frame([("11.71", "pks", 1)], "2022-07-H1")])
    with pytest.raises(CapaianError, match="cut-off"):
        evaluate(two, regions, R22)


def test_frame_without_national_row_and_without_self_ancestors():
    frame = region_frame({"11": ("P", {"11.01": "R"})}, 1, 1)
    frame = frame[frame["tier"] != "national"].copy()
    for tier in ("province", "regency", "district"):
        frame.loc[frame["tier"] == tier, tier] = None
    rows = [("11.01.01.2001", "wajib_ktp", 10), ("11.01.01.2001", "ktp_terekam", 10)]
    ev = evaluate(facts_frame(rows), frame, R22)
    assert row(ev, "ID", "ktp_el")["numerator"] == 10 and row(ev, "11", "ktp_el")["numerator"] == 10
    assert ev.region("11.01")["province_code"] == "11" and ev.region("11")["province_code"] == "11"


def test_records_are_json_and_frames_round_trip(regions):
    rows = _implementation("11.01", {}) + [("11.01", "anak_lt17", 100), ("11.01", "kia_dimiliki", 40)]
    ev = evaluate(facts_frame(rows), regions, R22)
    json.dumps(ev.to_records("indicators"))
    json.dumps(ev.to_records("regions"))
    again = Evaluation.from_frames(ev.indicators, ev.regions, R22)
    assert again.cutoff == CUTOFF
    assert again.explain("11").lines("en") == ev.explain("11").lines("en")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.one_of(st.none(), st.integers(0, 10**7)), st.one_of(st.none(), st.integers(0, 10**7))),
        min_size=5, max_size=5,
    )
)
def test_province_coverage_is_summed_numerators_over_summed_denominators(values):
    regions = region_frame(PROVINCES)
    codes = ["11.01", "11.71", "12.01", "12.02", "13.01"]
    rows = []
    for code, (num, den) in zip(codes, values):
        if num is not None:
            rows.append((code, "akta_lahir_dimiliki", num))
        if den is not None:
            rows.append((code, "anak_lt18", den))
    ev = evaluate(facts_frame(rows), regions, R22)
    for prov, members in (("11", [0, 1]), ("12", [2, 3]), ("13", [4]), ("ID", [0, 1, 2, 3, 4])):
        # only regencies reporting both counts take part (a lone count would skew the ratio)
        both = [i for i in members if values[i][0] is not None and values[i][1] is not None]
        nums = [values[i][0] for i in both]
        dens = [values[i][1] for i in both]
        r = row(ev, prov, "akta_kelahiran")
        assert r["numerator"] == (sum(nums) if nums else None)
        assert r["denominator"] == (sum(dens) if dens else None)
        # a 0/0 (or x/0) regency does not report; a partial sum is kept but never met or ranked
        complete = all(values[i][0] is not None and values[i][1] for i in members)
        if nums and dens and sum(dens) > 0:
            assert r["value"] == pytest.approx(sum(nums) / sum(dens) * 100, rel=1e-12)
            assert r["met"] is (complete and sum(nums) * 100 >= 97 * sum(dens))
            assert r["over_100"] is (sum(nums) > sum(dens))
            assert (r["status"] == "no_data", r["reason"] == "incomplete", r["complete"]) == (
                not complete, not complete, complete)
            assert (r["rank_national"] is None) is (not complete) or prov == "ID"
        else:
            assert r["status"] == "no_data" and r["value"] is None


def test_large_frame_is_vectorised():
    from capaian.evaluate.synthetic import national_frame, synthetic_facts

    frame = national_frame(provinces=5, regencies=40, districts=200, villages=2000)
    ev = evaluate(synthetic_facts(frame), frame, R22)
    assert len(ev.regions) == 1 + 5 + 40 + 200 + 2000
    assert len(ev.indicators) == (1 + 5 + 40) * 10 + (200 + 2000) * 3
    assert np.isin(ev.regions.loc[ev.regions["tier"] == "regency", "level"].to_numpy(dtype=float), [1, 2, 3, 4]).all()


def test_a_count_without_its_total_does_not_inflate_the_parent():
    """A regency that sent KTP-el recordings but no 'wajib KTP' total counts in neither sum."""
    regions = region_frame({"65": ("Kalimantan Utara", {"65.01": "A", "65.02": "B", "65.03": "C"})})
    regencies = ["65.01", "65.02", "65.03"]
    rows = []
    for code in regencies[1:]:
        rows += [(code, "wajib_ktp", 100.0), (code, "ktp_terekam", 98.0)]
    rows += [(regencies[0], "ktp_terekam", 50.0)]
    facts = pd.DataFrame(rows, columns=["region_code", "fact", "value"]).assign(cutoff="2020-11-H1", source="t")
    result = evaluate(facts, regions, load_rubric("levelisasi-2020"))
    ktp = result.indicators[result.indicators["indicator"] == "ktp_el"].set_index("region_code")
    province = "65"
    assert (ktp.loc[province, "numerator"], ktp.loc[province, "denominator"]) == (196.0, 200.0)
    assert ktp.loc[province, "value"] == pytest.approx(98.0)
    assert ktp.loc[regencies[0], "status"] == "no_data"
    assert ktp.loc[regencies[0], "reason"] == "no_denominator"


def test_province_without_regency_data_uses_its_own_totals_and_says_so():
    regions = region_frame({"65": ("Kalimantan Utara", {"65.01": "Bulungan", "65.71": "Tarakan"})})
    ev = evaluate(facts_frame([("65", "wajib_ktp", 1000), ("65", "ktp_terekam", 995)]), regions, R22)
    r = row(ev, "65", "ktp_el")
    assert (r["numerator"], r["denominator"], r["value_basis"], r["met"]) == (995, 1000, "own", True)
    assert (r["regencies_reporting"], r["regencies_total"], r["complete"]) == (0, 2, True)
    line = next(s for s in ev.explain("65").lines("id") if s.startswith("  ✓ KTP-el"))
    assert "dari total yang dilaporkan provinsi sendiri (tidak ada data kab/kota)" in line
    assert r["rank_national"] == 1  # the office's own figure is what there is: ranked, and marked by its basis
    regency = evaluate(facts_frame([("65.01", "wajib_ktp", 10), ("65.01", "ktp_terekam", 10)]), regions, R22)
    line = next(s for s in regency.explain("65.01").lines("id") if s.startswith("  ✓ KTP-el"))
    assert "sendiri" not in line  # a regency's own submission is the normal source


def test_facts_of_unknown_regions_or_given_twice_are_refused_by_name(regions):
    with pytest.raises(CapaianError, match=r"not in the hierarchy: 99\.01"):
        evaluate(facts_frame([("11.01", "pks", 1), ("99.01", "pks", 1)]), regions, R22)
    with pytest.raises(CapaianError, match=r"Duplicate fact: pks for region 11\.71"):
        evaluate(facts_frame([("11.01", "pks", 1), ("11.71", "pks", 1), ("11.71", "pks", 0)]), regions, R22)
    # a fact the rubric does not use, or a missing value, is ignored whatever its region
    ev = evaluate(facts_frame([("11.01", "pks", 1), ("99.01", "not_in_rubric", 3), ("98.01", "pks", None)]),
                  regions, R22)
    assert row(ev, "11.01", "pks")["value"] == 1


def test_a_prepared_region_index_gives_the_same_evaluation(regions):
    from capaian.evaluate.frame import prepare_regions

    villages = village_codes(regions, "11.01")
    facts = facts_frame([(v, f, n) for v in villages for f, n in (("wajib_ktp", 100), ("ktp_terekam", 97))]
                        + [("11.01", "pks", 1)])
    index = prepare_regions(regions)
    first, second = evaluate(facts, index, R22), evaluate(facts, index, R22)
    pd.testing.assert_frame_equal(first.indicators, evaluate(facts, regions, R22).indicators)
    pd.testing.assert_frame_equal(second.regions, first.regions)
