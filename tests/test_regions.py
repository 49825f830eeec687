"""Tests of capaian.regions: code parsing, the 2025 and 2020 hierarchies, mapping, search, frame."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from capaian.errors import CapaianError
from capaian.regions import (
    RegionCodeError, RegionTierError, UnknownRegionError, UnknownVersionError,
    get_hierarchy, kind_of, map_code, normalize_code, version_for_year,
)
from capaian.regions.source import lokal_names, papua_2020_rows
from capaian.regions.versions import recode_2025_to_2020

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def h25():
    return get_hierarchy("2025")


@pytest.fixture(scope="module")
def h20():
    return get_hierarchy("2020")


# --- codes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("65", "65"), ("65.01", "65.01"), ("6501", "65.01"), ("65.01.01", "65.01.01"),
    ("650101", "65.01.01"), ("65.01.01.2001", "65.01.01.2001"), ("6501012001", "65.01.01.2001"),
    ("  65.71 \n", "65.71"), (65, "65"), (6571, "65.71"), ("ID", "ID"), (" id ", "ID"),
])
def test_normalize_code_accepts_all_forms(raw, expected):
    assert normalize_code(raw) == expected


@pytest.mark.parametrize("raw", [
    "", "   ", "651", "65.1", "6", "65.01.1", "65010", "65.01.01.201", "650101201", "65.01.01.20011",
    "6a", "65.0a", "65-01", "65..01", "65.0101", "IDN", "65.", ".65", "６５", None, 65.01, True, [65],
])
def test_normalize_code_rejects_malformed(raw):
    with pytest.raises(RegionCodeError) as info:
        normalize_code(raw)
    err = info.value
    assert isinstance(err, CapaianError) and isinstance(err, ValueError)
    assert repr(raw) in err.en_message and repr(raw) in err.id_message
    assert "PP.KK.CC.VVVV" in err.en_message and "PP.KK.CC.VVVV" in err.id_message


def test_kind_of_by_code_digits():
    assert kind_of("65.04") == "kabupaten" and kind_of("65.69") == "kabupaten"
    assert kind_of("65.71") == "kota" and kind_of("31.75") == "kota"
    assert kind_of("65.71.01.1001") == "kelurahan"
    assert kind_of("65.01.01.2001") == "desa"
    assert kind_of("91.03.01.3007") == "desa_adat"
    assert kind_of("ID") == "negara" and kind_of("65") == "provinsi" and kind_of("65.01.01") == "kecamatan"


# --- 2025 hierarchy ----------------------------------------------------------------------------

def test_2025_counts(h25):
    assert h25.version == "2025"
    assert h25.counts() == {"national": 1, "province": 38, "regency": 514, "district": 7285, "village": 83762}
    assert len(h25) == 1 + 38 + 514 + 7285 + 83762
    kinds = [r.kind for r in h25.regencies()]
    assert kinds.count("kabupaten") == 416 and kinds.count("kota") == 98


def test_village_kinds_in_data(h25):
    kinds = {}
    for region in h25.by_tier("village"):
        kinds[region.kind] = kinds.get(region.kind, 0) + 1
    # first digit of VVVV in the data: only 1, 2 and 3 occur
    assert kinds == {"kelurahan": 8496, "desa": 75252, "desa_adat": 14}
    adat = [r for r in h25.by_tier("village") if r.kind == "desa_adat"]
    assert all(r.code.startswith("91.03.") and r.name.startswith("Desa Adat ") for r in adat)


def test_regency_names_carry_their_kind(h25):
    for region in h25.regencies():
        prefix = "Kota " if region.kind == "kota" else "Kabupaten "
        assert region.name.startswith(prefix), region


def test_hierarchy_builds_whole_and_is_cached():
    """How fast it loads is bench/cli_start.py's to measure, not a test's."""
    from capaian.regions.hierarchy import Hierarchy

    built = Hierarchy("2025", lokal_names())
    assert len(built) == len(get_hierarchy("2025"))
    assert get_hierarchy("2025") is get_hierarchy(2025)  # cached, version as int accepted


def test_kalimantan_utara(h25):
    kaltara = h25.get("65")
    assert kaltara.name == "Kalimantan Utara" and kaltara.tier == "province" and kaltara.parent == "ID"
    children = h25.children("65")
    assert [(r.code, r.name, r.kind) for r in children] == [
        ("65.01", "Kabupaten Bulungan", "kabupaten"),
        ("65.02", "Kabupaten Malinau", "kabupaten"),
        ("65.03", "Kabupaten Nunukan", "kabupaten"),
        ("65.04", "Kabupaten Tana Tidung", "kabupaten"),
        ("65.71", "Kota Tarakan", "kota"),
    ]
    assert [r.code for r in h25.descendants("65", "regency")] == [r.code for r in children]


def test_get_accepts_any_form_and_rejects_unknown(h25):
    assert h25.get("6571") is h25.get("65.71")
    assert h25.get(" 65.71 ").name == "Kota Tarakan"
    national = h25.get("ID")
    assert (national.name, national.tier, national.kind, national.parent) == ("Indonesia", "national", "negara", None)
    with pytest.raises(UnknownRegionError) as info:
        h25.get("65.99")
    assert isinstance(info.value, CapaianError) and isinstance(info.value, LookupError)
    assert "65.99" in info.value.en_message and "2025" in info.value.en_message
    assert "65.99" in info.value.id_message and "2025" in info.value.id_message
    with pytest.raises(RegionCodeError):
        h25.get("65.9")


def test_contains(h25, h20):
    assert "65" in h25 and "6571" in h25 and "ID" in h25 and "65.71.01.1001" in h25
    assert "65.99" not in h25 and "garbage" not in h25 and None not in h25
    assert "96" in h25 and "96" not in h20 and "96.01" not in h20 and "92.01" in h20


def test_tree_walks(h25):
    village = h25.get("65.71.01.1001")
    assert village.tier == "village" and village.kind == "kelurahan" and village.parent == "65.71.01"
    assert h25.parent("65.71.01.1001").code == "65.71.01"
    assert h25.parent("65").code == "ID"
    assert h25.parent("ID") is None
    # ancestors: nearest first, ending with ID
    assert [r.code for r in h25.ancestors("6571011001")] == ["65.71.01", "65.71", "65", "ID"]
    assert h25.ancestors("ID") == []
    assert [r.code for r in h25.children("ID")] == [r.code for r in h25.provinces()]
    assert len(h25.children("ID")) == 38
    assert h25.children("65.71.01.1001") == []
    codes = [r.code for r in h25.children("65.71")]
    assert codes == sorted(codes) and codes[0] == "65.71.01"


def test_descendants(h25):
    below = h25.descendants("65.71")
    assert all(r.code.startswith("65.71.") for r in below)
    assert [r.code for r in below] == sorted(r.code for r in below)
    districts = h25.descendants("65.71", "district")
    villages = h25.descendants("65.71", "village")
    assert len(below) == len(districts) + len(villages)
    assert sum(len(h25.children(d.code)) for d in districts) == len(villages)
    # province slices add up to the national total
    assert sum(len(h25.descendants(p.code, "village")) for p in h25.provinces()) == 83762
    assert len(h25.descendants("ID", "district")) == 7285
    assert len(h25.descendants("ID")) == len(h25) - 1
    assert h25.descendants("65.71", "province") == []
    # 65 does not leak into 65x-like neighbours (prefix must be followed by a dot)
    assert not any(r.code.startswith("64") for r in h25.descendants("65"))


def test_bad_tier_and_version(h25):
    with pytest.raises(RegionTierError):
        h25.by_tier("kabupaten")
    with pytest.raises(RegionTierError):
        h25.descendants("65", tier="desa")
    with pytest.raises(UnknownVersionError) as info:
        get_hierarchy("2019")
    assert "2019" in info.value.en_message and isinstance(info.value, CapaianError)


def test_version_for_year():
    assert [version_for_year(y) for y in (2019, 2020, 2021, 2022, 2023, 2025)] == [
        "2020", "2020", "2020", "2025", "2025", "2025"]


# --- search ---------------------------------------------------------------------------------

def test_find_ranks_regencies_by_bare_name(h25):
    found = h25.find("jayapura", limit=5)
    assert [r.code for r in found[:2]] == ["91.03", "91.71"]
    assert all("jayapura" in r.name.lower() for r in found)
    assert len(found) == 5


def test_find_tier_limit_and_case(h25):
    assert [r.code for r in h25.find("TARAKAN", tier="regency")] == ["65.71"]
    districts = h25.find("tarakan", tier="district")
    assert {r.code for r in districts} == {"65.71.01", "65.71.02", "65.71.03", "65.71.04"}
    assert h25.find("kalimantan utara", tier="province")[0].code == "65"
    assert len(h25.find("a", limit=7)) == 7
    assert h25.find("") == [] and h25.find("zzzzqqq") == []


def test_find_accent_and_apostrophe_insensitive(h25):
    plain = h25.find("regapu'u", tier="village")
    assert [(r.code, r.name) for r in plain] == [("53.07.01.2021", "Regapu\u2019u")]
    assert h25.find("RÉGAPU’U", tier="village") == plain


def test_find_by_code(h25):
    assert h25.find("6571")[0].code == "65.71"


# --- region frame ------------------------------------------------------------------------------

def test_region_frame(h25):
    frame = h25.region_frame()
    assert list(frame.columns) == ["code", "name", "tier", "kind", "parent", "province", "regency", "district"]
    assert len(frame) == len(h25)
    assert frame["code"].is_unique
    rows = frame.set_index("code")
    national = rows.loc["ID"]
    assert national["tier"] == "national" and national[["parent", "province", "regency", "district"]].isna().all()
    assert rows.loc["65", "province"] == "65" and rows.loc["65", "parent"] == "ID"
    assert rows.loc[["65"], ["regency", "district"]].isna().all().all()
    village = rows.loc["65.71.01.1001"]
    assert (village["province"], village["regency"], village["district"], village["parent"]) == (
        "65", "65.71", "65.71.01", "65.71.01")
    assert pd.isna(rows.loc["65.71", "district"]) and rows.loc["65.71", "regency"] == "65.71"
    assert frame["tier"].value_counts().to_dict() == {
        "village": 83762, "district": 7285, "regency": 514, "province": 38, "national": 1}
    # a copy each time: callers cannot corrupt the cache
    frame.loc[0, "name"] = "changed"
    assert h25.region_frame().loc[0, "name"] == "Indonesia"


# --- 2020 version and mapping --------------------------------------------------------------------

def test_2020_counts(h20):
    assert h20.counts() == {"national": 1, "province": 34, "regency": 514, "district": 7285, "village": 83762}
    assert not any(r.code[:2] in {"93", "94", "95", "96"} for r in h20)


def test_papua_csv_source_and_shape():
    text = (ROOT / "src/capaian/regions/data/papua_2020.csv").read_text(encoding="utf-8")
    assert text.startswith("#") and "Permendagri 72/2019" in text
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    assert list(rows[0]) == ["code_2025", "code_2020", "name"]
    assert len(rows) == len(papua_2020_rows()) == 26


def test_papua_mapping_facts(h25):
    names = lokal_names()
    rows = papua_2020_rows()
    moved_2025 = {r.code for r in h25.regencies() if r.code[:2] in {"93", "94", "95", "96"}}
    assert sorted(r[0] for r in rows) == sorted(moved_2025)  # every 93-96 regency exactly once
    assert len({r[1] for r in rows}) == len(rows)  # each to its own 2020 code
    for code_2025, code_2020, name in rows:
        assert names[code_2025] == name
        assert kind_of(code_2025) == kind_of(code_2020)
        assert code_2020[:2] == ("92" if code_2025[:2] == "96" else "91")
    expected = {"91": [f"91.{i:02d}" for i in range(1, 29)] + ["91.71"],
                "92": [f"92.{i:02d}" for i in range(1, 13)] + ["92.71"]}
    for province, codes in expected.items():
        stayed = [r.code for r in h25.children(province)]
        moved = [r[1] for r in rows if r[1][:2] == province]
        assert not set(stayed) & set(moved)
        assert sorted(stayed + moved) == codes
    by_2020 = {r[1]: r[2] for r in rows}
    assert by_2020["91.01"] == "Kabupaten Merauke" and by_2020["91.02"] == "Kabupaten Jayawijaya"
    assert by_2020["92.01"] == "Kabupaten Sorong" and by_2020["92.71"] == "Kota Sorong"
    assert by_2020["91.28"] == "Kabupaten Deiyai" and by_2020["92.10"] == "Kabupaten Maybrat"


def test_2020_papua_tree(h20, h25):
    assert [r.code for r in h20.children("91")] == [f"91.{i:02d}" for i in range(1, 29)] + ["91.71"]
    assert [r.code for r in h20.children("92")] == [f"92.{i:02d}" for i in range(1, 13)] + ["92.71"]
    assert h20.get("91.01").name == "Kabupaten Merauke" and h20.get("91.01").parent == "91"
    # districts and villages follow their regency's 2020 code, with their own numbering
    merauke = h25.descendants("93.01")
    assert [r.code.replace("93.01", "91.01", 1) for r in merauke] == [r.code for r in h20.descendants("91.01")]
    assert [r.name for r in merauke] == [r.name for r in h20.descendants("91.01")]
    assert h20.get(merauke[0].code.replace("93.01", "91.01", 1)).parent == "91.01"
    # everything outside the moved regencies is identical
    same = [r for r in h25 if r.code[:2] not in {"91", "92", "93", "94", "95", "96"}]
    assert all(h20.get(r.code) == r for r in same)
    assert h20.get("91.03") == h25.get("91.03") and h20.get("92.02") == h25.get("92.02")


def test_map_code_regency_bijection(h25, h20):
    to_2020 = {r.code: map_code(r.code, "2025", "2020") for r in h25.regencies()}
    assert len(to_2020) == 514 and len(set(to_2020.values())) == 514
    assert set(to_2020.values()) == {r.code for r in h20.regencies()}
    back = {code_2020: map_code(code_2020, "2020", "2025") for code_2020 in to_2020.values()}
    assert {back[v]: k for k, v in to_2020.items()} == {k: k for k in to_2020}
    assert to_2020["93.01"] == "91.01" and to_2020["96.71"] == "92.71" and to_2020["65.71"] == "65.71"


def test_map_code_all_tiers(h25, h20):
    assert map_code("ID", "2025", "2020") == "ID"
    assert map_code("6571011001", "2025", "2020") == "65.71.01.1001"
    assert map_code("65.71.01.1001", "2025", "2025") == "65.71.01.1001"
    village = h25.descendants("95.01", "village")[0].code
    mapped = map_code(village, "2025", "2020")
    assert mapped == "91.02" + village[5:] and mapped in h20
    assert map_code(mapped, "2020", "2025") == village
    # the 2022 provinces map to the province they came out of
    assert [map_code(p, "2025", "2020") for p in ("93", "94", "95", "96")] == ["91", "91", "91", "92"]
    assert map_code("91", "2020", "2025") == "91"
    # every region maps into the other version
    assert all(recode_2025_to_2020(r.code) in h20 for r in h25)
    with pytest.raises(UnknownRegionError):
        map_code("93", "2020", "2025")
    with pytest.raises(UnknownRegionError):
        map_code("91.01", "2025", "2020")
    with pytest.raises(RegionCodeError):
        map_code("9", "2025", "2020")
    with pytest.raises(UnknownVersionError):
        map_code("65", "2025", "2030")
