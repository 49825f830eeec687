"""How a coverage figure was formed, beside its value: program targets, margin, completeness, basis.

Per coverage row (numpy columns aligned with the row positions):
- `program_target` / `program_target_met`: the rubric's first program target (shown, decides
  nothing) and whether the value reaches it, compared exactly like the threshold;
- `margin`: for a met row, how many people the numerator could lose before the value falls below
  the threshold (numerator − the smallest numerator that meets it); null otherwise;
- `regencies_total` / `regencies_reporting`: for a province or the nation, its regencies and how
  many of them report the numerator and a denominator above 0; `complete` is False when the
  figure is a partial sum (not ranked, never met: see docs/architecture.md, "Completeness");
- `value_basis` (`rollup.rollup_coverage`): `children` (the sum of the children, the rule), `own`
  (the region's own submitted totals: no child has data, or a province's regencies do not all
  report), `partial` (a province's or the nation's partial sum with no own total) or
  `regency_numerators` (every regency sent its numerator only, the province its denominator);
  `own_numerator` / `own_denominator` / `own_value`: the region's own submitted totals when it
  has both, kept beside the sum; `partial_numerator` / `partial_denominator` / `partial_value`:
  the sum over the regencies that report when not all do, kept beside the figure.
"""

from __future__ import annotations

import numpy as np

from capaian.evaluate.frame import RegionIndex
from capaian.evaluate.rollup import NUMERATORS, PARTIAL, compare
from capaian.evaluate.targets import TargetArrays
from capaian.rubrics.model import Indicator

BASES = ("children", "own", "partial", "regency_numerators")  # codes rollup.CHILDREN, OWN, PARTIAL, NUMERATORS
EXTRA_FLOAT = ("program_target", "program_target_met", "margin", "regencies_total", "regencies_reporting",
               "own_numerator", "own_denominator", "own_value", "partial_numerator", "partial_denominator",
               "partial_value")


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


def coverage_extras(ind: Indicator, pos: np.ndarray, own_pair: np.ndarray, formed: dict,
                    regions: RegionIndex, t: TargetArrays, met: np.ndarray) -> dict:
    n = len(pos)
    paired = formed["pair"]
    out = empty_extras(n)
    num, den = paired[pos, 0], paired[pos, 1]
    has_value = ~np.isnan(num) & ~np.isnan(den) & (np.nan_to_num(den) != 0) & (formed["basis"][pos] != PARTIAL)
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

    # the value basis (rollup_coverage): the children's sum, the own totals, or a partial sum
    basis = formed["basis"][pos]
    own_num, own_den = own_pair[pos, 0], own_pair[pos, 1]
    own = ~np.isnan(own_num) & ~np.isnan(own_den)
    out["own_numerator"] = np.where(own, own_num, np.nan)
    out["own_denominator"] = np.where(own, own_den, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["own_value"] = np.where(own & (own_den != 0), own_num / np.where(own_den == 0, 1, own_den) * 100.0, np.nan)
    out["basis"] = np.where(np.isnan(num) | np.isnan(den), -1, basis).astype(np.int64)
    part_num, part_den = formed["partial"][pos, 0], formed["partial"][pos, 1]
    out["partial_numerator"], out["partial_denominator"] = part_num, part_den
    with np.errstate(divide="ignore", invalid="ignore"):
        out["partial_value"] = np.where(np.nan_to_num(part_den) > 0, part_num / np.where(part_den > 0, part_den, 1) * 100.0,
                                        np.nan)

    # completeness of a province / the nation over its regencies (a 0/0 regency does not report)
    regencies = regions.positions_of("regency")
    reg_has = ~np.isnan(paired[regencies, 0]) & (np.nan_to_num(paired[regencies, 1]) > 0)
    size = len(regions)
    total = np.bincount(regions.province_pos[regencies], minlength=size).astype(float)
    reporting = np.bincount(regions.province_pos[regencies], weights=reg_has, minlength=size)
    total[regions.national_pos] = len(regencies)
    reporting[regions.national_pos] = reg_has.sum()
    # the Bengkulu shape: every regency reports its numerator, the province the denominator
    numerators_only = formed["basis"] == NUMERATORS
    reporting[numerators_only] = total[numerators_only]
    upper = np.isin(regions.tier_no[pos], (0, 1))
    out["regencies_total"] = np.where(upper, total[pos], np.nan)
    out["regencies_reporting"] = np.where(upper, reporting[pos], np.nan)
    out["complete"] = basis != PARTIAL
    return out
