"""Region frame preparation: positions, filled ancestor columns and the parent of every region.

The engine takes `Hierarchy.region_frame()` (columns `code, name, tier, kind, parent, province,
regency, district`) and does not import `capaian.regions`. Ancestor columns are filled with the
region's own code at its own tier (a province row's `province` is its code), whichever convention
the frame uses; the parent is derived from the ancestor columns (village -> district -> regency ->
province -> `ID`). A national row `ID` is added when the frame has none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from capaian.errors import CapaianError

TIER_ORDER = ("national", "province", "regency", "district", "village")
NATIONAL_CODE = "ID"
REQUIRED = ("code", "name", "tier")


def str_array(values) -> pd.api.extensions.ExtensionArray:
    """A pandas string array (missing -> NA) to `take` output columns from cheaply."""
    arr = np.asarray(values, dtype=object)
    return pd.array(arr, dtype="str")


def take_str(values: pd.api.extensions.ExtensionArray, codes: np.ndarray):
    """values[codes] with -1 -> missing."""
    return values.take(np.asarray(codes, dtype=np.int64), allow_fill=True)


@dataclass
class RegionIndex:
    """Regions in a fixed order with integer positions used by every vectorised step."""

    codes: np.ndarray  # object
    tiers: np.ndarray  # object
    tier_no: np.ndarray  # int8, index into TIER_ORDER
    parent_pos: np.ndarray  # int64, -1 for the national row
    province_pos: np.ndarray  # int64, -1 above the province tier
    regency_pos: np.ndarray  # int64, -1 above the regency tier
    national_pos: int
    index: pd.Index
    out: dict  # string arrays for output: region_code, region_name, tier, province_code, regency_code

    def __len__(self) -> int:
        return len(self.codes)

    def positions_of(self, tier: str) -> np.ndarray:
        return np.flatnonzero(self.tier_no == TIER_ORDER.index(tier))

    def tier_mask(self, tiers) -> np.ndarray:
        return np.isin(self.tier_no, [TIER_ORDER.index(t) for t in tiers])


def _objects(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame:
        return np.full(len(frame), None, dtype=object)
    values = frame[col].to_numpy(dtype=object, na_value=None).copy()
    values[values == ""] = None
    return values


def prepare_regions(regions: pd.DataFrame) -> RegionIndex:
    """Validate the region frame and index it."""
    missing = [c for c in REQUIRED if c not in regions.columns]
    if missing:
        raise CapaianError(
            f"Tabel wilayah tidak punya kolom {', '.join(missing)}.",
            f"The region frame lacks column(s) {', '.join(missing)}.",
        )
    code = regions["code"].astype(str).to_numpy(dtype=object)
    name = regions["name"].to_numpy(dtype=object, na_value=None)
    tier = regions["tier"].astype(str).to_numpy(dtype=object)
    anc = {c: _objects(regions, c) for c in ("province", "regency", "district")}
    if not (tier == "national").any():
        code, name, tier = (np.concatenate([[v], a]) for v, a in zip((NATIONAL_CODE, "Indonesia", "national"), (code, name, tier)))
        anc = {c: np.concatenate([[None], a]) for c, a in anc.items()}
    tier_no = pd.Index(TIER_ORDER).get_indexer(tier)
    if (tier_no < 0).any():
        bad = sorted(set(tier[tier_no < 0]))
        raise CapaianError(
            f"Tingkat wilayah tidak dikenal: {', '.join(bad)}.", f"Unknown region tier(s): {', '.join(bad)}."
        )
    index = pd.Index(code, dtype=object)
    if not index.is_unique:
        dupes = ", ".join(index[index.duplicated()][:5])
        raise CapaianError(f"Kode wilayah ganda: {dupes}.", f"Duplicate region codes: {dupes}.")
    national = tier_no == 0
    for level, col in ((1, "province"), (2, "regency"), (3, "district")):
        anc[col] = np.where(tier_no == level, code, anc[col])
        anc[col][tier_no < level] = None
    national_pos = int(np.flatnonzero(national)[0])
    parent = np.full(len(code), None, dtype=object)
    parent[tier_no == 1] = code[national_pos]
    for level, up in ((2, "province"), (3, "regency"), (4, "district")):
        mask = tier_no == level
        parent[mask] = anc[up][mask]
    parent_pos = index.get_indexer(pd.Index(parent, dtype=object))
    orphan = (parent_pos < 0) & ~national
    if orphan.any():
        bad_codes = ", ".join(code[orphan][:5])
        raise CapaianError(
            f"Wilayah tanpa induk dalam tabel wilayah: {bad_codes}.",
            f"Regions whose parent is not in the region frame: {bad_codes}.",
        )
    out = {
        "region_code": str_array(code),
        "region_name": str_array(name),
        "tier": str_array(tier),
        "province_code": str_array(anc["province"]),
        "regency_code": str_array(anc["regency"]),
    }
    return RegionIndex(
        codes=code,
        tiers=tier,
        tier_no=tier_no.astype(np.int8),
        parent_pos=parent_pos.astype(np.int64),
        province_pos=index.get_indexer(pd.Index(anc["province"], dtype=object)).astype(np.int64),
        regency_pos=index.get_indexer(pd.Index(anc["regency"], dtype=object)).astype(np.int64),
        national_pos=national_pos,
        index=index,
        out=out,
    )
