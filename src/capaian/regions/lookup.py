"""One region from what a person types: a code (`65.02`, `6502`), a name (`Malinau`,
`Kota Tarakan`, `kalimantan utara`) or a common abbreviation (`kaltara`, `Jatim`).

`resolve()` returns the region, or raises `AmbiguousRegionError` listing the candidates, or
`RegionNotFoundError`. Used by the CLI (explain, report, template, `--province`) so that every
command reads region arguments the same way.
"""

from __future__ import annotations

import re

from capaian.errors import CapaianError
from capaian.regions.abbreviations import province_abbreviations
from capaian.regions.codes import NATIONAL_CODE, RegionCodeError, normalize_code
from capaian.regions.hierarchy import Region, _bare, fold, get_hierarchy

EVALUATED_TIERS = ("national", "province", "regency")
SHOWN_CANDIDATES = 8
_NATIONAL_WORDS = {"id", "indonesia", "nasional", "national"}


class RegionNotFoundError(CapaianError, LookupError):
    def __init__(self, text: str):
        self.query = text
        super().__init__(
            f"Wilayah {text!r} tidak ditemukan; berikan kode (65, 65.02), nama (Malinau, Kota Tarakan) "
            "atau singkatan provinsi (Kaltara). Cari dengan `capaian regions find`.",
            f"No region matches {text!r}; give a code (65, 65.02), a name (Malinau, Kota Tarakan) or a "
            "province abbreviation (Kaltara). Search with `capaian regions find`.",
        )


class AmbiguousRegionError(CapaianError, LookupError):
    def __init__(self, text: str, candidates: list[Region]):
        self.query = text
        self.candidates = candidates
        shown = "; ".join(f"{r.code} {r.name}" for r in candidates[:SHOWN_CANDIDATES])
        more = len(candidates) - SHOWN_CANDIDATES
        tail_id = f"; dan {more} lagi" if more > 0 else ""
        tail_en = f"; and {more} more" if more > 0 else ""
        super().__init__(
            f"{text!r} cocok dengan beberapa wilayah: {shown}{tail_id}. Berikan kodenya.",
            f"{text!r} matches several regions: {shown}{tail_en}. Give its code.",
        )


def _code(text: str, hierarchy) -> Region | None:
    """The region of a code; `RegionCodeError` for digits that are no code (`651`), None for a name."""
    try:
        code = normalize_code(text)
    except RegionCodeError:
        if re.fullmatch(r"[0-9][0-9.\s]*", text):
            raise
        return None
    return hierarchy.get(code)  # UnknownRegionError for a well-formed code not in this version


def resolve(text, version: str = "2025", tiers: tuple[str, ...] = EVALUATED_TIERS, hierarchy=None) -> Region:
    """The one region of `tiers` that `text` names (code, name or province abbreviation).

    `hierarchy`: where to look (default: the whole hierarchy of `version`); the CLI passes the
    store's copy of the evaluated tiers, so that naming a region loads no 91,600-region hierarchy."""
    hierarchy = hierarchy if hierarchy is not None else get_hierarchy(version)
    raw = str(text).strip()
    query = fold(raw)
    if query in _NATIONAL_WORDS and "national" in tiers:
        return hierarchy.get(NATIONAL_CODE)
    region = _code(raw, hierarchy)
    if region is not None:
        return region
    abbreviated = province_abbreviations().get(query)
    if abbreviated is not None and abbreviated in hierarchy:
        return hierarchy.get(abbreviated)
    if not query:
        raise RegionNotFoundError(raw)
    found = [r for r in hierarchy.find(raw, limit=100_000) if r.tier in tiers]
    for same in (
        [r for r in found if fold(r.name) == query],  # "Kota Tarakan", "Gorontalo" (the province)
        [r for r in found if _bare(fold(r.name)) == query],  # "Malinau", "Bandung" (two regencies)
        [r for r in found if fold(r.name).startswith(query) or _bare(fold(r.name)).startswith(query)],
        found,
    ):
        if len(same) == 1:
            return same[0]
        if same:
            raise AmbiguousRegionError(raw, same)
    raise RegionNotFoundError(raw)


def describe(region: Region) -> str:
    """`Kabupaten Malinau (65.02)`: the region meant, as said back to the user."""
    return f"{region.name} ({region.code})"
