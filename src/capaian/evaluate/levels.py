"""One row per region: indicators met, level from the rubric's bands, and the region ranks.

Levels are given to the rubric's `level_tiers` (provinces and regencies, the offices); other
tiers have a null level. An office with no data at all is not assessed ("belum dinilai",
`assessed` False): no level (never level 1) and no rank. A province whose figures do not cover all
its regencies (a partial coverage sum, or implementation data missing from a regency) keeps its
level but gets no overall rank. Region ranks (competition ranks, same peers as the indicators) order
by level desc, then indicators met desc, then `coverage_ratio` desc: the mean over coverage
indicators with data of value / target (target / value for a lower-is-better indicator).
Regions equal on all three share a rank.
"""

from __future__ import annotations

import numpy as np

from capaian.evaluate.frame import TIER_ORDER, RegionIndex
from capaian.evaluate.indicators import R
from capaian.evaluate.ranks import PROVINCE, REGENCY, rank_by_keys
from capaian.rubrics.model import Rubric


def level_lookup(rubric: Rubric) -> np.ndarray:
    """Array indexed by the number of indicators met -> level."""
    n = len(rubric.indicators)
    return np.array([rubric.band_for(k).level for k in range(n + 1)], dtype=float)


def region_columns(rubric: Rubric, cols: dict, regions: RegionIndex) -> dict:
    """Region-level numpy columns (float, NaN = null) keyed like the contract's region columns."""
    n = len(regions)
    pos = cols["pos"]
    met = np.bincount(pos, weights=cols["met"], minlength=n)
    total = np.bincount(pos, minlength=n).astype(float)
    no_data = np.bincount(pos, weights=cols["status"] == 2, minlength=n)
    coverage = np.array([i.kind == "coverage" for i in rubric.indicators])
    higher = np.array([i.higher_is_better for i in rubric.indicators])
    order = cols["order"]
    use = coverage[order] & ~np.isnan(cols["value"]) & (cols["status"] != 2)  # not a partial sum
    value, target = cols["value"][use], cols["target"][use]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(higher[order[use]], value / target, target / value)
    counts = np.bincount(pos[use], minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage_ratio = np.bincount(pos[use], weights=ratio, minlength=n) / counts
    lookup = level_lookup(rubric)
    office = regions.tier_mask(rubric.level_tiers)
    assessed = office & (no_data < total)
    level = np.where(assessed, lookup[np.clip(met.astype(np.int64), 0, len(lookup) - 1)], np.nan)
    short = np.isin(cols["reason"], (R["incomplete"], R["children_missing"]))
    incomplete = np.bincount(pos, weights=short, minlength=n) > 0
    out = {
        "level": level,
        "assessed": np.where(office, assessed, np.nan),
        "indicators_met": met,
        "indicators_total": total,
        "no_data": no_data,
        "coverage_ratio": coverage_ratio,
    }
    out.update(_region_ranks(level, met, coverage_ratio, regions, incomplete & (regions.tier_no == PROVINCE)))
    return out


def _region_ranks(level, met, ratio, regions: RegionIndex, unranked) -> dict:
    n = len(level)
    out = {k: np.full(n, np.nan) for k in ("rank_national", "peers_national", "rank_province", "peers_province")}
    tiers = regions.tier_no
    idx = np.flatnonzero(~np.isnan(level) & np.isin(tiers, (PROVINCE, REGENCY)) & ~unranked)
    if len(idx) == 0:
        return out
    keys = [level[idx], met[idx], ratio[idx]]
    out["rank_national"][idx], out["peers_national"][idx] = rank_by_keys(keys, tiers[idx].astype(np.int64))
    reg = tiers[idx] == TIER_ORDER.index("regency")
    if reg.any():
        ridx = idx[reg]
        keys = [level[ridx], met[ridx], ratio[ridx]]
        out["rank_province"][ridx], out["peers_province"][ridx] = rank_by_keys(keys, regions.province_pos[ridx])
    return out
