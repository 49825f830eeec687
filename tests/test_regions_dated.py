"""Dated region versions (issue 20): the hierarchy follows the DATE of a cut-off, not its year.

34 provinces until 24 Jul 2022, 37 from 25 Jul 2022 (UU 14-16/2022: Papua Selatan, Tengah,
Pegunungan), 38 from 8 Dec 2022 (UU 29/2022: Papua Barat Daya). Codes valid at a cut-off are the
ones accepted there; ranks are over that cut-off's provinces.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from capaian.intake import validate_submission, write_template
from capaian.regions import (
    VERSIONS, UnknownRegionError, get_hierarchy, map_code, version_for_cutoff, version_on,
)
from capaian.regions.source import lokal_names, papua_2020_rows
from capaian.regions.versions import folded_provinces, get_version, hierarchy_versions, new_provinces_2022
from cli_support import run_capaian

HEADER = "kode_wilayah,nama_wilayah,cutoff,wajib_ktp,ktp_terekam"


@pytest.mark.parametrize("cutoff, version", [
    ("2020-11-H1", "2020"), ("2022-03-H1", "2020"), ("2022-07-H1", "2020"),  # 15 Jul: before the laws
    ("2022-07-H2", "2022"), ("2022-09-H1", "2022"), ("2022-11-H2", "2022"),  # 25 Jul .. 7 Dec
    ("2022-12-H1", "2025"), ("2022-12-H2", "2025"), ("2023-01-H1", "2025"),  # from 8 Dec
])
def test_version_follows_the_date_of_the_cutoff(cutoff, version):
    assert version_for_cutoff(cutoff) == version


def test_version_boundaries_are_the_dates_of_the_laws():
    assert version_on(dt.date(2022, 7, 24)) == "2020" and version_on(dt.date(2022, 7, 25)) == "2022"
    assert version_on(dt.date(2022, 12, 7)) == "2022" and version_on(dt.date(2022, 12, 8)) == "2025"


def test_versions_data_names_the_provinces_and_sources():
    versions = hierarchy_versions()
    assert [v.id for v in versions] == list(VERSIONS)
    assert [v.provinces for v in versions] == [len(get_hierarchy(v.id).provinces()) for v in versions] == [34, 37, 38]
    names = lokal_names()
    assert [names[c] for c in get_version("2022").created] == ["Papua Selatan", "Papua Tengah", "Papua Pegunungan"]
    assert [names[c] for c in get_version("2025").created] == ["Papua Barat Daya"]
    # the created provinces are exactly those the Papua CSV moves regencies into
    assert {c for v in versions for c in v.created} == set(new_provinces_2022())
    for version in versions[1:]:
        assert version.source["url"].startswith("https://") and version.source["quote"]
    assert "8 Desember 2022" in get_version("2025").source["quote"]
    assert folded_provinces("2020") == {"93", "94", "95", "96"} and folded_provinces("2022") == {"96"}
    assert folded_provinces("2025") == frozenset()


def test_2022_hierarchy_folds_only_papua_barat_daya():
    h20, h22, h25 = (get_hierarchy(v) for v in ("2020", "2022", "2025"))
    assert h22.counts() == {"national": 1, "province": 37, "regency": 514, "district": 7285, "village": 83762}
    assert "96" not in h22 and "93" in h22 and "95" in h22
    # Papua Barat keeps the regencies it had in 2020, with their then-valid codes (Kota Sorong 92.71)
    assert h22.children("92") == h20.children("92")
    assert h22.get("92.71").name == "Kota Sorong" and "96.71" not in h22
    # the provinces of 25 Jul 2022 are as today; Merauke is 93.01 there, no longer 91.01
    for province in ("91", "93", "94", "95"):
        assert h22.children(province) == h25.children(province)
    assert "91.01" not in h22 and h22.get("93.01").name == "Kabupaten Merauke"
    sorong = h25.descendants("96.71", "village")[0].code
    assert map_code(sorong, "2025", "2022") == "92.71" + sorong[5:] in h22


def test_regency_codes_map_one_to_one_between_all_versions():
    for src in VERSIONS:
        for dst in VERSIONS:
            regencies = [r.code for r in get_hierarchy(src).regencies()]
            mapped = [map_code(code, src, dst) for code in regencies]
            assert len(set(mapped)) == 514 and set(mapped) == {r.code for r in get_hierarchy(dst).regencies()}
            assert [map_code(code, dst, src) for code in mapped] == regencies
    assert map_code("92.71", "2022", "2025") == "96.71" and map_code("91.01", "2020", "2022") == "93.01"
    assert map_code("96", "2025", "2022") == "92" and map_code("93", "2022", "2020") == "91"
    assert {c2020 for _, c2020, _ in papua_2020_rows() if c2020.startswith("92.")} == {
        map_code(c, "2025", "2022") for c in ("96.01", "96.02", "96.03", "96.04", "96.05", "96.71")}
    with pytest.raises(UnknownRegionError):
        map_code("96", "2022", "2025")


def _file(tmp_path: Path, cutoff: str, *codes: str) -> Path:
    path = tmp_path / f"kirim-{cutoff}.csv"
    rows = [f"{code},,{cutoff},1000,990" for code in codes]
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_merauke_code_valid_at_each_cutoff(tmp_path):
    # 2022-03-H1: the 2020 codes (34 provinces)
    report = validate_submission(_file(tmp_path, "2022-03-H1", "91.01"))
    assert report.ok, report.text()
    refused = validate_submission(_file(tmp_path, "2022-03-H1", "93.01"))
    assert [(p.rule, p.value) for p in refused.problems] == [("unknown_code", "93.01")]
    problem = refused.problems[0]
    assert "daftar wilayah 2020 (34 provinsi) yang berlaku pada cut-off 2022-03-H1" in problem.message_id
    assert problem.message_en.endswith("on that date its code is 91.01.")
    # 2022-12-H2: the 2025 codes (38 provinces)
    assert validate_submission(_file(tmp_path, "2022-12-H2", "93.01")).ok
    assert validate_submission(_file(tmp_path, "2022-12-H2", "91.01")).rules() == {"unknown_code"}
    # between the laws (37 provinces): Merauke is 93.01, Kota Sorong still 92.71
    assert validate_submission(_file(tmp_path, "2022-11-H2", "93.01", "92.71")).ok
    assert validate_submission(_file(tmp_path, "2022-11-H2", "96.71")).rules() == {"unknown_code"}


def test_template_lists_the_regencies_of_the_cutoff(tmp_path):
    import pandas as pd

    early = pd.read_csv(write_template(tmp_path / "a.csv", "2022-03-H1", "91"), dtype=str)
    assert len(early) == 29 and early["kode_wilayah"].iloc[0] == "91.01"
    assert early["nama_wilayah"].iloc[0] == "Kabupaten Merauke"
    late = pd.read_csv(write_template(tmp_path / "b.csv", "2022-12-H2", "91"), dtype=str)
    assert len(late) == 9 and "91.01" not in set(late["kode_wilayah"])
    between = pd.read_csv(write_template(tmp_path / "c.csv", "2022-09-H1", "92"), dtype=str)
    assert len(between) == 13 and "92.71" in set(between["kode_wilayah"])


def test_tile_grid_has_every_version():
    from capaian.web.common import HERE

    grid = json.loads(Path(HERE / "static" / "tilegrid.json").read_text())
    for version in VERSIONS:
        assert set(grid[version]["tiles"]) == {p.code for p in get_hierarchy(version).provinces()}


# -- on the demo: every cut-off is evaluated on its own hierarchy ---------------------------------

@pytest.mark.parametrize("cutoff, provinces", [("2022-03-H1", 34), ("2022-09-H1", 37), ("2022-12-H2", 38)])
def test_demo_ranks_over_the_provinces_of_the_cutoff(demo_db, cutoff, provinces):
    payload = json.loads(run_capaian(demo_db, "results", "--cutoff", cutoff, "--tier", "province",
                                     "--format", "json", "--draft").stdout)
    rows = payload["regions"]
    assert len(rows) == provinces
    # ranked among the provinces of its date that are assessed and complete: every one at the
    # published cut-offs; at the demo's last (a draft, offices still sending) those that are
    ranked = [r for r in rows if r["rank_national"] is not None]
    assert {r["peers_national"] for r in ranked} == {len(ranked)}
    assert len(ranked) == provinces if cutoff != "2022-12-H2" else 0 < len(ranked) <= provinces
    assert payload["run"]["hierarchy_version"] == version_for_cutoff(cutoff)


def test_demo_merauke_has_its_then_valid_code(demo_db):
    early = run_capaian(demo_db, "explain", "91.01", "--cutoff", "2022-03-H1").stdout
    assert "Merauke" in early and "dari 34 provinsi" not in early  # a regency ranks among regencies
    province = run_capaian(demo_db, "explain", "91", "--cutoff", "2022-03-H1").stdout
    assert "dari 34" in province
    late = run_capaian(demo_db, "explain", "93.01", "--cutoff", "2022-12-H2", "--draft").stdout
    assert "Merauke" in late
    refused = run_capaian(demo_db, "explain", "93.01", "--cutoff", "2022-03-H1", check=False)
    assert refused.returncode == 1 and "93.01" in refused.stderr


def test_demo_trend_and_previous_stay_within_one_region_list(demo_db):
    """Papua (91) lost 20 regencies on 25 Jul 2022: nothing compares 2022-07-H2 (37 provinces) with
    2022-07-H1 (34), so no fall, jump or denominator change is reported for it."""
    from capaian.runs import Catalog, choose, trend_run_ids
    from capaian.store import open_store

    with open_store(demo_db, create=False) as store:
        catalog = Catalog.from_store(store)
    split = choose(catalog, cutoff="2022-07-H2")
    assert split.previous_run_id is None
    later = choose(catalog, cutoff="2022-09-H1")
    assert [catalog.row(i)["cutoff"] for i in trend_run_ids(catalog, later)] == [
        "2022-07-H2", "2022-08-H1", "2022-08-H2", "2022-09-H1"]
    assert choose(catalog, cutoff="2022-07-H1").previous_run_id is not None  # within one list as before
    out = run_capaian(demo_db, "quality", "--cutoff", "2022-07-H2", "--province", "91").stdout
    assert out.splitlines()[0].endswith(": 0")
