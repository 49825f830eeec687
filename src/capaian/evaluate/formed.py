"""How a coverage figure was formed, beside its value: program targets, margin, completeness, basis.

Per coverage row (numpy columns aligned with the row positions):
- `program_target` / `program_target_met`: the rubric's first program target (shown, decides
  nothing) and whether the value reaches it, compared exactly like the threshold;
- `margin`: for a met row, how many people the numerator could lose before the value falls below
  the threshold (numerator − the smallest numerator that meets it); null otherwise;
- `regencies_total` / `regencies_reporting`: for a province or the nation, its regencies and how
  many of them report the numerator and the denominator; `complete` is False when fewer report
  (such a figure is not ranked: see docs/architecture.md, "Completeness");
- `value_basis`: `children` (the sum of the children, the rule) or `own` (no child has data, so
  the region's own submitted totals are used); `own_numerator` / `own_denominator` /
  `own_value`: the region's own submitted totals when it has both, kept beside the sum.
"""

from __future__ import annotations

import numpy as np

from capaian.evaluate.frame import RegionIndex
from capaian.evaluate.rollup import compare
from capaian.evaluate.targets import TargetArrays
from capaian.rubrics.model import Indicator

BASES = ("children", "own")
EXTRA_FLOAT = ("program_target", "program_target_met", "margin", "regencies_total", "regencies_reporting",
               "own_numerator", "own_denominator", "own_value")


def empty_extras(n: int) -> dict:
    """The extra columns of rows that are not coverage rows: all null, complete."""
    out = {k: np.full(n, np.nan) for k in EXTRA_FLOAT}
    out["complete"] = np.ones(n, dtype=bool)
    out["basis"] = np.full(n, -1, dtype=np.int64)
    return out


def _goal(p, den, q, op: str) -> np.ndarray:
    """Smallest whole numerator meeting `op p/q %` of `den` (exact for whole-number counts)."""
    share_num = p * den  # the target share of den is p*den / (100 q)
    share_den = 100.0 * q
    if op == ">":
        return np.floor(share_num / share_den) + 1
    return -np.floor(-share_num / share_den)  # ceil, for ">="


def coverage_extras(ind: Indicator, pos: np.ndarray, own_pair: np.ndarray, paired: np.ndarray,
                    regions: RegionIndex, t: TargetArrays, met: np.ndarray) -> dict:
    n = len(pos)
    out = empty_extras(n)
    num, den = paired[pos, 0], paired[pos, 1]
    has_value = ~np.isnan(num) & ~np.isnan(den) & (np.nan_to_num(den) != 0)
    if ind.program_targets:
        frac = ind.program_targets[0].fraction
        out["program_target"][:] = float(ind.program_targets[0].value)
        reached = compare(num * 100.0, np.full(n, float(frac.numerator)) * den, np.full(n, float(frac.denominator)),
                          ind.comparison)
        out["program_target_met"] = np.where(has_value, reached.astype(float), np.nan)
    if ind.comparison in (">=", ">"):
        with np.errstate(invalid="ignore"):
            goal = _goal(t.p[pos], den, t.q[pos], ind.comparison)
        out["margin"] = np.where(met & has_value, num - goal, np.nan)

    # children with data (any tier) -> the value is their sum, else the own totals
    child = np.flatnonzero(regions.parent_pos >= 0)
    child_has = ~np.isnan(paired[child, 0])
    with_data = np.bincount(regions.parent_pos[child], weights=child_has, minlength=len(regions))
    own_num, own_den = own_pair[pos, 0], own_pair[pos, 1]
    own = ~np.isnan(own_num) & ~np.isnan(own_den)
    out["own_numerator"] = np.where(own, own_num, np.nan)
    out["own_denominator"] = np.where(own, own_den, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["own_value"] = np.where(own & (own_den != 0), own_num / np.where(own_den == 0, 1, own_den) * 100.0, np.nan)
    from_children = with_data[pos] > 0
    out["basis"] = np.where(~has_value, -1, np.where(from_children, 0, 1)).astype(np.int64)

    # completeness of a province / the nation over its regencies
    regencies = regions.positions_of("regency")
    reg_has = ~np.isnan(paired[regencies, 0])
    size = len(regions)
    total = np.bincount(regions.province_pos[regencies], minlength=size).astype(float)
    reporting = np.bincount(regions.province_pos[regencies], weights=reg_has, minlength=size)
    total[regions.national_pos] = len(regencies)
    reporting[regions.national_pos] = reg_has.sum()
    upper = np.isin(regions.tier_no[pos], (0, 1))
    out["regencies_total"] = np.where(upper, total[pos], np.nan)
    out["regencies_reporting"] = np.where(upper, reporting[pos], np.nan)
    out["complete"] = ~(upper & from_children & has_value & (reporting[pos] < total[pos]))
    return out
