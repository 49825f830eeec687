"""Region arguments as people type them: codes, names and province abbreviations (from data),
ambiguity listed, and `find` ranking provinces and regencies above districts and villages."""

from __future__ import annotations

import pytest
import yaml

from capaian.errors import CapaianError
from capaian.regions import get_hierarchy
from capaian.regions.abbreviations import DATA, province_abbreviations
from capaian.regions.lookup import AmbiguousRegionError, RegionNotFoundError, resolve


@pytest.mark.parametrize("text, code", [
    ("Malinau", "65.02"), ("malinau", "65.02"), ("Kabupaten Malinau", "65.02"), ("65.02", "65.02"),
    ("6502", "65.02"), ("Kota Tarakan", "65.71"), ("tarakan", "65.71"), ("kaltara", "65"),
    ("KALTARA", "65"), ("Kalimantan Utara", "65"), ("65", "65"), ("Kaltim", "64"), ("Sumbar", "13"),
    ("Jatim", "35"), ("DKI", "31"), ("NTB", "52"), ("NTT", "53"), ("nasional", "ID"), ("ID", "ID"),
    ("Gorontalo", "75"),  # the province's own name beats Kabupaten/Kota Gorontalo
])
def test_resolves_codes_names_and_abbreviations(text, code):
    assert resolve(text).code == code


def test_two_regencies_of_one_name_are_listed_not_guessed():
    with pytest.raises(AmbiguousRegionError) as caught:
        resolve("Bandung")
    assert [r.code for r in caught.value.candidates] == ["32.04", "32.73"]
    message = caught.value.text("en")
    assert "32.04 Kabupaten Bandung" in message and "32.73 Kota Bandung" in message
    assert isinstance(caught.value, CapaianError) and "Berikan kodenya" in caught.value.text("id")


def test_a_prefix_of_several_provinces_lists_them():
    with pytest.raises(AmbiguousRegionError) as caught:
        resolve("Kalimantan")
    assert {r.code for r in caught.value.candidates} == {"61", "62", "63", "64", "65"}


def test_unknown_name_says_what_is_expected():
    with pytest.raises(RegionNotFoundError) as caught:
        resolve("Atlantis")
    assert "Atlantis" in caught.value.text("en") and "regions find" in caught.value.text("en")


def test_districts_are_not_evaluated_regions_by_default():
    with pytest.raises(RegionNotFoundError):
        resolve("Malinau Selatan Hilir")  # a district: found only when districts are asked for
    assert resolve("Malinau Selatan Hilir", tiers=("district",)).code == "65.02.13"


def test_province_filter_accepts_only_provinces():
    with pytest.raises(RegionNotFoundError):
        resolve("Malinau", tiers=("province",))


def test_abbreviations_come_from_data_and_name_existing_provinces():
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    assert data["source"]
    provinces = {r.code for r in get_hierarchy("2025").provinces()}
    table = province_abbreviations()
    assert set(table.values()) <= provinces
    assert table["kaltara"] == "65" and table["jatim"] == "35"
    # the map's own tile labels are understood
    import json
    from capaian.reports.tilemap import GRID

    grid = json.loads(GRID.read_text(encoding="utf-8"))["2025"]["tiles"]
    for code, tile in grid.items():
        assert resolve(tile["label"]).code == code, tile["label"]


def test_find_ranks_provinces_and_regencies_above_districts_and_villages():
    found = get_hierarchy("2025").find("malinau", limit=12)
    tiers = [r.tier for r in found]
    assert found[0].code == "65.02"
    assert tiers == sorted(tiers, key=["province", "regency", "district", "village"].index)
    districts = [r for r in found if r.tier == "district"]
    assert districts and all(r.code.startswith("65.02.") for r in districts)
    assert "63.06.10.2004" not in [r.code for r in found[:len(districts) + 1]]  # the village in Kalsel


def test_find_understands_abbreviations():
    assert [r.code for r in get_hierarchy("2025").find("kaltara")][:1] == ["65"]
    assert "93" not in [r.code for r in get_hierarchy("2020").find("Pasel")]  # no Papua Selatan in 2020


def test_digits_that_are_no_code_name_the_expected_forms():
    from capaian.regions import RegionCodeError

    with pytest.raises(RegionCodeError) as caught:
        resolve("651")
    assert "PP.KK" in caught.value.text("en")
