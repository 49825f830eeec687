"""Standard competition ranks (1, 2, 2, 4) over unrounded values, vectorised.

Peers: provinces nationally; regencies nationally and within their province; other tiers get
no rank. `peers_*` counts the peers that have a rank (a region with no data is not ranked and is
not counted, nor is a province whose figure covers fewer regencies than it has: `complete`). Indicator ranks are for coverage indicators only: implementation indicators are a
requirement met or not (mostly flags), so their ranks are null.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PROVINCE, REGENCY = 1, 2  # positions in frame.TIER_ORDER


def int_array(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Float array with NaN -> nullable Int64 array."""
    values = np.asarray(values, dtype=float)
    mask = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(mask, 0, values).astype(np.int64), mask)


def _rank_desc(keys: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Competition rank (descending) and group size among rows of the same group."""
    series = pd.Series(keys)
    grouped = series.groupby(groups, sort=False)
    return (
        grouped.rank(method="min", ascending=False).to_numpy(dtype=float),
        grouped.transform("count").to_numpy(dtype=float),
    )


def indicator_ranks(cols: dict, tier_no: np.ndarray, province_pos: np.ndarray, coverage: np.ndarray,
                    sign: np.ndarray) -> dict:
    """rank_national, peers_national, rank_province, peers_province (float arrays, NaN = none).

    `coverage` / `sign` are per rubric indicator (index = `order`): ranked or not, +1 / −1.
    """
    n = len(cols["pos"])
    out = {k: np.full(n, np.nan) for k in ("rank_national", "peers_national", "rank_province", "peers_province")}
    order = cols["order"]
    ranked = (
        np.isin(tier_no, (PROVINCE, REGENCY)) & coverage[order] & ~np.isnan(cols["value"]) & cols["complete"]
    )
    idx = np.flatnonzero(ranked)
    if len(idx) == 0:
        return out
    key = cols["value"][idx] * sign[order[idx]]
    group = tier_no[idx].astype(np.int64) * 1000 + order[idx]
    out["rank_national"][idx], out["peers_national"][idx] = _rank_desc(key, group)
    reg = tier_no[idx] == REGENCY
    if reg.any():
        ridx = idx[reg]
        group = province_pos[ridx] * 1000 + order[ridx]
        out["rank_province"][ridx], out["peers_province"][ridx] = _rank_desc(key[reg], group)
    return out


def rank_by_keys(keys: list[np.ndarray], group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Competition rank by several keys, all descending, within groups (NaN keys are worst and tie)."""
    n = len(group)
    if n == 0:
        return np.array([]), np.array([])
    filled = [np.where(np.isnan(k), -np.inf, k.astype(float)) for k in keys]
    order = np.lexsort(tuple(-k for k in reversed(filled)) + (group,))
    g = group[order]
    ks = [k[order] for k in filled]
    new_group = np.r_[True, g[1:] != g[:-1]]
    changed = new_group.copy()
    for k in ks:
        changed[1:] |= k[1:] != k[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
    position = np.arange(n) - group_start + 1
    first = np.maximum.accumulate(np.where(changed, np.arange(n), 0))
    ranks = np.empty(n)
    ranks[order] = position[first]
    sizes = np.bincount(np.unique(group, return_inverse=True)[1])
    return ranks, sizes[np.unique(group, return_inverse=True)[1]].astype(float)
