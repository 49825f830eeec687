"""The national "what next" lists (capaian.records.watch) on the small store, and on /nasional."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from web_support import SEED_CUTOFF


@pytest.fixture(scope="module")
def seed_view(small_store):
    from capaian.service import get_run

    runs = small_store.list_runs()
    run_id = int(runs[runs["cutoff"] == SEED_CUTOFF]["id"].max())
    return get_run(small_store, run_id)


def test_near_next_level_names_the_path_indicator(seed_view):
    from capaian.records.watch import near_next_level

    near = {r["code"]: r for r in near_next_level(seed_view)}
    # Kaltara at the seed: 8 of 9 met, level 3; white paper in Tana Tidung is the one step to level 4
    assert near["65"]["level"] == 3 and near["65"]["next_level"] == 4
    assert near["65"]["indicator"] == "kertas_putih"
    rubric = seed_view.rubric
    regs = seed_view.regions.set_index("region_code")
    for code, item in near.items():
        met = int(regs.loc[code, "indicators_met"])
        assert rubric.band_for(met + 1).level == item["next_level"] > item["level"]
        row = seed_view.indicators[(seed_view.indicators["region_code"] == code)
                                   & (seed_view.indicators["indicator"] == item["indicator"])]
        assert row["status"].iloc[0] != "met"


def test_at_risk_only_under_the_margin_and_only_when_the_level_falls(seed_view):
    from capaian.records.watch import at_risk

    wide = at_risk(seed_view, margin_pp=100.0)
    narrow = at_risk(seed_view, margin_pp=0.5)
    assert {r["code"] for r in narrow} <= {r["code"] for r in wide}
    for item in wide:
        assert item["falls_to"] < item["level"] and item["margin"] >= 0
    assert all(item["margin_pp"] < 0.5 for item in narrow)
    assert [r["margin_pp"] for r in wide] == sorted(r["margin_pp"] for r in wide)


def test_movers_and_not_reported(seed_view, small_store):
    from capaian.records.watch import movers, not_reported
    from capaian.service import get_run

    runs = small_store.list_runs()
    prev = get_run(small_store, int(runs[runs["cutoff"] == "2020-10-H2"]["id"].max()))
    opened = seed_view.with_previous(prev)
    for item in movers(opened):
        assert item["level"] != item["prev_level"] and item["change"] == item["level"] - item["prev_level"]
    assert movers(seed_view.with_previous(None)) == []
    missing = not_reported(seed_view)
    regs = seed_view.regions.set_index("region_code")
    for item in missing:
        assert item["reason"] in ("no_data", "missing_figures")
        if item["reason"] == "no_data":
            assert not bool(regs.loc[item["code"], "assessed"])


def test_national_rule_follows_the_rubric_level_tiers(seed_view):
    from capaian.records.watch import national_rule

    assert national_rule(seed_view.rubric) is False  # levelisasi-2020 gives levels to offices only
    assert national_rule(seed_view.rubric.model_copy(update={"level_tiers": ("national", "province", "regency")}))


def test_overview_shows_the_four_lists_first_and_a_neutral_nation(app):
    page = TestClient(app).get(f"/nasional?cutoff={SEED_CUTOFF}").text
    ids = ["watch-near", "watch-risk", "watch-movers", "watch-missing"]
    positions = [page.find(f'id="{i}"') for i in ids]
    assert all(p > 0 for p in positions) and max(positions) < page.find('id="map-card"')
    near = page[positions[0]:positions[1]]
    assert "/wilayah/65?" in near and "Kertas putih" in near
    nation = re.findall(r'<td class="([^"]*)" data-ind="kertas_putih">', page)
    assert nation == ["kofn"]  # k of n, neutral: no national rule in this rubric
