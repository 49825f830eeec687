"""Find provinces and regencies/cities by what a person types (the header search of every page):
a name (`Tarakan`), a code (`65.71`, `6571`) or a province abbreviation (`Kaltara`, the label of
the map tile), from the store's copy of the region table (`regions`), else the region package."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from capaian.regions.hierarchy import Hierarchy, get_hierarchy

VERSION = "2025"  # names and abbreviations are looked up in the current hierarchy
SEARCHED_TIERS = ("province", "regency")


@dataclass(frozen=True)
class Found:
    code: str
    name: str
    tier: str
    province: str | None  # the province's name, for a regency/city
    abbreviation: str | None  # the province's abbreviation (Kaltara), for a province


def stored_hierarchy(store, tiers: tuple[str, ...] = SEARCHED_TIERS, version: str = VERSION) -> Hierarchy:
    """The regions of `tiers` (a few hundred rows) from the store's copy of hierarchy `version`,
    else the whole hierarchy from the region package (a store without a copy, or none)."""
    names = None
    if store is not None:
        names = store.region_names(version, tuple(t for t in tiers if t != "national"))
    if names:
        return Hierarchy(version, names)
    return _package_hierarchy(tuple(tiers), version)


@cache
def _package_hierarchy(tiers: tuple[str, ...], version: str) -> Hierarchy:
    """The regions of `tiers` of the region package's hierarchy (kept: a few hundred rows)."""
    whole = get_hierarchy(version)
    return Hierarchy(version, {r.code: r.name for t in tiers if t != "national" for r in whole.by_tier(t)})


def abbreviation_of(code: str) -> str | None:
    """The first-listed abbreviation of a province (`65` -> `Kaltara`), as the data spells it."""
    from capaian.regions.abbreviations import _first_listed

    return _first_listed().get(code)


def search(hierarchy: Hierarchy, text: str, limit: int = 30) -> list[Found]:
    """Provinces and regencies/cities `text` names, best first (`Hierarchy.find`'s order: a code
    or an abbreviation first, then exact name, prefix, word prefix, substring)."""
    from capaian.regions.codes import RegionCodeError, normalize_code

    raw = str(text or "").strip()
    if not raw:
        return []
    try:  # `6571` as well as `65.71`
        query = normalize_code(raw) if raw[:1].isdigit() else raw
    except RegionCodeError:
        query = raw
    out = []
    for region in hierarchy.find(query, limit=limit * 4):
        if region.tier not in SEARCHED_TIERS:
            continue
        province = None
        if region.tier == "regency" and region.parent in hierarchy:
            province = hierarchy.get(region.parent).name
        out.append(Found(region.code, region.name, region.tier, province,
                         abbreviation_of(region.code) if region.tier == "province" else None))
        if len(out) >= limit:
            break
    return out
