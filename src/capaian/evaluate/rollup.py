"""Facts -> a region × fact matrix, summed bottom-up through the hierarchy, and `all_children`.

- `fact_matrix`: the facts of one cut-off as an (n_regions × n_facts) float matrix, NaN = no data.
- `rollup_sum`: village -> district -> regency -> province -> national. A region's value is the
  sum of its children's values when at least one child has data (Dukcapil forms a province's
  figure from its regencies: Bengkulu, Nov 2020), otherwise its own fact (a figure submitted for
  that region); the sum of children that all lack data stays missing (no data is never 0). The
  region's own figure is kept beside the sum by the engine (`own_*` columns).
- `rollup_pair`: the same for a coverage indicator's numerator and denominator together, so a
  region that reports only one of the two counts in neither.
- `rollup_coverage`: a coverage pair with the completeness rule of provinces and the nation
  (Dukcapil forms a province from the central database, so its figure covers every regency): the
  sum of the regencies when all report (a 0/0 or x/0 regency does not report); otherwise the
  office's own total when it sent one, the partial sum kept beside; otherwise the partial sum,
  marked `partial` (never met, unranked). The nation: the sum of the province figures, partial
  when one of them is partial or missing.
- `all_children`: per parent (province or the nation), how many child regencies have data and
  how many meet the parent's requirement, and the weakest child value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from capaian.errors import CapaianError
from capaian.evaluate.frame import RegionIndex

FACT_COLUMNS = ("region_code", "fact", "value")
# Bottom-up order: each tier is added into its parents' tier.
CHILD_TIERS = ("village", "district", "regency", "province")


def facts_cutoff(facts: pd.DataFrame) -> str | None:
    """The single cut-off of the facts (None when the frame has no `cutoff` column or no rows)."""
    if "cutoff" not in facts.columns or facts.empty:
        return None
    cutoffs = sorted({str(c) for c in facts["cutoff"].dropna().unique()})
    if len(cutoffs) > 1:
        raise CapaianError(
            f"Fakta berisi lebih dari satu cut-off ({', '.join(cutoffs)}); evaluasi satu cut-off saja.",
            f"The facts hold more than one cut-off ({', '.join(cutoffs)}); evaluate one cut-off at a time.",
        )
    return cutoffs[0] if cutoffs else None


def fact_matrix(facts: pd.DataFrame, regions: RegionIndex, fact_names: tuple[str, ...]) -> np.ndarray:
    """Own (unsummed) fact values per region; facts the rubric does not use are ignored."""
    missing = [c for c in FACT_COLUMNS if c not in facts.columns]
    if missing:
        raise CapaianError(
            f"Tabel fakta tidak punya kolom {', '.join(missing)}.",
            f"The facts frame lacks column(s) {', '.join(missing)}.",
        )
    out = np.full((len(regions), len(fact_names)), np.nan)
    # Positional numpy work instead of a filtered copy of the frame (a national cut-off has
    # 500,000 fact rows; the facts' names and codes are factorised once, then looked up).
    values = pd.to_numeric(facts["value"]).to_numpy(dtype=float, na_value=np.nan)
    fact_no, fact_uniques = pd.factorize(facts["fact"])
    fact_col = pd.Index(fact_names).get_indexer(pd.Index(np.asarray(fact_uniques, dtype=object)))
    col_all = np.where(fact_no >= 0, fact_col[fact_no], -1)
    kept = np.flatnonzero((col_all >= 0) & ~np.isnan(values))
    if not len(kept):
        return out
    code_no, uniques = pd.factorize(facts["region_code"])
    uniques = np.asarray(uniques, dtype=object).astype(str).astype(object)
    unique_pos = regions.index.get_indexer(pd.Index(uniques, dtype=object))
    code_no = code_no[kept]
    unknown_used = np.zeros(len(uniques), bool)
    unknown_used[code_no[unique_pos[code_no] < 0]] = True
    if unknown_used.any():
        unknown = sorted(uniques[unknown_used])
        raise CapaianError(
            f"Fakta untuk kode wilayah yang tidak ada di hierarki: {', '.join(unknown[:5])}"
            + (f" (dan {len(unknown) - 5} lainnya)" if len(unknown) > 5 else "") + ".",
            f"Facts for region codes not in the hierarchy: {', '.join(unknown[:5])}"
            + (f" (and {len(unknown) - 5} more)" if len(unknown) > 5 else "") + ".",
        )
    pos = unique_pos[code_no]
    col = col_all[kept]
    key = pos.astype(np.int64) * len(fact_names) + col
    dup = pd.Series(key).duplicated(keep=False).to_numpy()
    if dup.any():
        row = facts.iloc[kept[np.flatnonzero(dup)[0]]]
        raise CapaianError(
            f"Fakta ganda: {row['fact']} untuk wilayah {row['region_code']} muncul lebih dari sekali.",
            f"Duplicate fact: {row['fact']} for region {row['region_code']} appears more than once.",
        )
    out[pos, col] = values[kept]
    return out


def rollup_sum(own: np.ndarray, regions: RegionIndex) -> np.ndarray:
    """Bottom-up sums: the sum of the children when any has data, else the own value (NaN if none)."""
    agg = own.copy()
    n = len(regions)
    for tier in CHILD_TIERS:
        rows = regions.positions_of(tier)
        if len(rows) == 0:
            continue
        parents = regions.parent_pos[rows]
        for j in range(agg.shape[1]):  # a loop over facts (about ten), not over regions
            values = agg[rows, j]
            has = ~np.isnan(values)
            if not has.any():
                continue
            sums = np.bincount(parents[has], weights=values[has], minlength=n)
            counts = np.bincount(parents[has], minlength=n)
            fill = counts > 0
            agg[fill, j] = sums[fill]
    return agg


def rollup_pair(own: np.ndarray, regions: RegionIndex, num_col: int, den_col: int) -> np.ndarray:
    """Bottom-up sums of a numerator/denominator pair, counting only regions reporting both.

    A region with a count but no total (or the reverse) adds to neither sum: otherwise its count
    would inflate the parent's percentage (e.g. 442 recorded over 400 required when one regency
    sent only its recordings).
    """
    pair = own[:, [num_col, den_col]].copy()
    pair[np.isnan(pair).any(axis=1)] = np.nan
    return rollup_sum(pair, regions)


CHILDREN, OWN, PARTIAL, NUMERATORS = 0, 1, 2, 3  # value basis codes (formed.BASES)
UPPER = {"regency": "province", "province": "national"}  # child tier -> a parent tier held to completeness


def rollup_coverage(own_pair: np.ndarray, regions: RegionIndex, numerators: np.ndarray | None = None,
                    own_denominators: np.ndarray | None = None) -> dict:
    """Bottom-up figures of one coverage pair (n × 2, NaN where a region lacks either count).

    Returns `pair` (the decided numerator/denominator per region), `basis` (CHILDREN, OWN,
    PARTIAL or -1 without a figure), `partial` (the sum over the children that report, kept beside
    when a province or the nation is incomplete), `reporting` / `total` (children reporting /
    children, for provinces and the nation).

    `numerators` (each region's numerator summed bottom-up on its own) and `own_denominators` (the
    regions' own denominators) give the shape Bengkulu published (14 Nov 2020): every regency sends
    its numerator, none its denominator, and the province its own denominator: the province figure
    is the regencies' numerators summed over that denominator (`NUMERATORS`)."""
    n = len(regions)
    agg = own_pair.copy()
    has_own = ~np.isnan(own_pair[:, 0])
    basis = np.where(has_own, OWN, -1).astype(np.int64)
    partial = np.full((n, 2), np.nan)
    reporting = np.zeros(n)
    total = np.zeros(n)
    for tier in CHILD_TIERS:
        rows = regions.positions_of(tier)
        if len(rows) == 0:
            continue
        parents = regions.parent_pos[rows]
        values = agg[rows]
        has = ~np.isnan(values[:, 0])
        counts = np.bincount(parents[has], minlength=n)
        sums = np.stack([np.bincount(parents[has], weights=values[has, k], minlength=n) for k in (0, 1)], axis=1)
        any_child = counts > 0
        if tier not in UPPER:
            agg[any_child] = sums[any_child]
            basis[any_child] = CHILDREN
            continue
        reports = has & (np.nan_to_num(values[:, 1]) > 0) & (basis[rows] != PARTIAL)
        upper = np.zeros(n, dtype=bool)
        upper[np.unique(parents)] = True
        total[upper] = np.bincount(parents, minlength=n)[upper]
        reporting[upper] = np.bincount(parents[reports], minlength=n)[upper]
        complete = upper & (reporting == total) & (total > 0)
        some = upper & any_child & ~complete
        agg[complete] = sums[complete]
        basis[complete] = CHILDREN
        partial[some] = sums[some]
        alone = some & ~has_own
        agg[alone] = sums[alone]
        basis[alone] = PARTIAL
        if tier == "regency" and numerators is not None and own_denominators is not None:
            child_num = numerators[rows]
            sent = ~np.isnan(child_num)
            with_num = np.bincount(parents[sent], minlength=n)
            shape = upper & ~any_child & (total > 0) & (with_num == total) & ~np.isnan(own_denominators)
            agg[shape, 0] = np.bincount(parents[sent], weights=child_num[sent], minlength=n)[shape]
            agg[shape, 1] = own_denominators[shape]
            basis[shape] = NUMERATORS
            reporting[shape] = total[shape]
    return {"pair": agg, "basis": basis, "partial": partial, "reporting": reporting, "total": total}


def compare(values: np.ndarray, p: np.ndarray, q: np.ndarray, op: str) -> np.ndarray:
    """`values op p/q` evaluated as `values*q op p` (exact for whole-number facts); NaN -> False."""
    lhs = values * q
    with np.errstate(invalid="ignore"):
        if op == ">=":
            return lhs >= p
        if op == ">":
            return lhs > p
        if op == "<=":
            return lhs <= p
        return lhs < p


def all_children(
    child_values: np.ndarray,
    child_parent: np.ndarray,
    parents: np.ndarray,
    parent_p: np.ndarray,
    parent_q: np.ndarray,
    op: str,
    higher_is_better: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per parent (in `parents` order): children, children with data, children meeting the
    parent's target, and the weakest child value (NaN when no child has data)."""
    slot_of = np.full(max(int(parents.max(initial=-1)), int(child_parent.max(initial=-1))) + 1, -1, dtype=np.int64)
    slot_of[parents] = np.arange(len(parents))
    slot = np.where(child_parent >= 0, slot_of[np.maximum(child_parent, 0)], -1)
    keep = slot >= 0
    slot, values = slot[keep], child_values[keep]
    k = len(parents)
    has = ~np.isnan(values)
    ok = compare(values, parent_p[slot], parent_q[slot], op)
    children = np.bincount(slot, minlength=k).astype(float)
    with_data = np.bincount(slot, weights=has, minlength=k)
    compliant = np.bincount(slot, weights=ok, minlength=k)
    weakest = np.full(k, np.inf if higher_is_better else -np.inf)
    reduce = np.minimum if higher_is_better else np.maximum
    reduce.at(weakest, slot[has], values[has])
    weakest[with_data == 0] = np.nan
    return children, with_data, compliant, weakest
