"""One row per region × indicator: numerator, denominator, value, target, met, status, reason.

Coverage (roll-up `sum`): value = 100 × numerator / denominator, unrounded and never capped
(`over_100` flags values above 100). Met when value ≥ target, compared exactly
(`numerator × 100 × q ≥ p × denominator` for a target p/q). No data when the numerator or the
denominator has no data anywhere below the region, or when the denominator is 0. Numerator and
denominator are summed over the same regions: one that reports only one of them counts in neither.

Implementation (roll-up `all_children`): at a regency, the regency's own fact compared with the
required value (facts below the regency are not used). At a province / the nation: `numerator` =
child regencies meeting the parent's required value, `denominator` = child regencies, `value` =
the weakest child value; met only when every child has data and meets it. Implementation
indicators do not apply to districts and villages (no rows); the tiers come from `applies_to`.

`reason` codes (null when met): coverage `below_target`, `no_facts`, `no_numerator`,
`no_denominator`, `unpaired` (numerators and denominators only ever reported apart),
`zero_denominator`, `incomplete` (a province's partial sum without its own total: the value is
kept, the status is `no_data`); implementation `below_required`, `no_value`,
`children_not_met`, `children_missing` (some child regencies have no data), `no_children_data`.

Rows are built as numpy columns (codes for the string columns) and decoded once by the engine.
"""

from __future__ import annotations

import numpy as np

from capaian.evaluate.formed import coverage_extras, empty_extras
from capaian.evaluate.frame import RegionIndex
from capaian.evaluate.rollup import PARTIAL, all_children, compare, rollup_coverage
from capaian.evaluate.targets import TargetArrays, Targets
from capaian.rubrics.model import Indicator, Rubric

STATUSES = ("met", "not_met", "no_data")
REASONS = (
    "below_target", "no_facts", "no_numerator", "no_denominator", "zero_denominator",
    "below_required", "no_value", "children_not_met", "children_missing", "no_children_data",
    "unpaired", "incomplete",
)
R = {name: i for i, name in enumerate(REASONS)}


def _rows(order: int, kind: str, pos, t: TargetArrays, num, den, value, met, no_data, reason) -> dict:
    met = met & ~no_data
    over = np.zeros(len(pos), dtype=bool)
    if kind == "coverage":
        over = np.nan_to_num(value, nan=0.0) > 100
    return {
        "pos": pos.astype(np.int64),
        "order": np.full(len(pos), order, dtype=np.int64),
        "numerator": num,
        "denominator": den,
        "value": value,
        "target": t.value[pos],
        "source": t.source[pos],
        "set_no": t.set_no[pos],
        "met": met,
        "status": np.where(no_data, 2, np.where(met, 0, 1)).astype(np.int64),
        "reason": np.where(met, -1, reason).astype(np.int64),
        "over_100": over,
    }


def coverage_rows(order: int, ind: Indicator, pos, agg, paired, t: TargetArrays, basis=None) -> dict:
    """`agg` holds each fact summed on its own (for the reasons), `paired` the numerator and
    denominator decided per region (`rollup_coverage`, for the value); `basis` its value basis:
    a partial sum (some regencies missing, no own total) keeps its value but has no decided
    figure (`no_data`, reason `incomplete`): never met, never ranked."""
    num, den = paired[pos, 0], paired[pos, 1]
    incomplete = np.zeros(len(pos), dtype=bool) if basis is None else basis[pos] == PARTIAL
    raw_num = agg[pos, 0]
    raw_den = agg[pos, 1]
    no_num, no_den = np.isnan(raw_num), np.isnan(raw_den)
    unpaired = np.isnan(num) & ~no_num & ~no_den
    zero = ~np.isnan(den) & (den == 0)
    no_value = np.isnan(num) | np.isnan(den) | zero
    no_data = no_value | incomplete
    safe_den = np.where(no_value, 1.0, den)
    value = np.where(no_value, np.nan, num / safe_den * 100.0)
    met = compare(num * 100.0, t.p[pos] * den, t.q[pos], ind.comparison) & ~no_data
    reason = np.select(
        [no_num & no_den, no_num, no_den, unpaired, zero, incomplete],
        [R["no_facts"], R["no_numerator"], R["no_denominator"], R["unpaired"], R["zero_denominator"],
         R["incomplete"]],
        default=R["below_target"],
    )
    return _rows(order, "coverage", pos, t, num, den, value, met, no_data, reason)


def implementation_rows(order: int, ind: Indicator, regions: RegionIndex, own, cols: dict, t: TargetArrays) -> list:
    j = cols[ind.fact]
    parts = []
    regencies = regions.positions_of("regency")
    reg_values = own[regencies, j]
    if "regency" in ind.applies_to:
        no_data = np.isnan(reg_values)
        met = compare(reg_values, t.p[regencies], t.q[regencies], ind.comparison) & ~no_data
        reason = np.where(no_data, R["no_value"], R["below_required"])
        nan = np.full(len(regencies), np.nan)
        parts.append(_rows(order, "implementation", regencies, t, nan, nan, reg_values, met, no_data, reason))
    for tier in ("province", "national"):
        if tier not in ind.applies_to:
            continue
        parents = regions.positions_of(tier)
        if tier == "province":
            child_parent = regions.province_pos[regencies]
        else:
            child_parent = np.full(len(regencies), regions.national_pos)
        stats = all_children(
            reg_values, child_parent, parents, t.p[parents], t.q[parents], ind.comparison, ind.higher_is_better
        )
        children, with_data, compliant, weakest = stats
        no_data = with_data == 0
        met = ~no_data & (compliant == children)
        reason = np.where(
            no_data, R["no_children_data"],
            np.where(with_data < children, R["children_missing"], R["children_not_met"]),
        )
        parts.append(_rows(order, "implementation", parents, t, compliant, children, weakest, met, no_data, reason))
    return parts


def indicator_columns(rubric: Rubric, regions: RegionIndex, own, agg, fact_names, targets: Targets) -> dict:
    """All indicator rows as numpy columns, sorted by region position then rubric order."""
    cols = {f: i for i, f in enumerate(fact_names)}
    parts = []
    for order, ind in enumerate(rubric.indicators):
        t = targets[ind.id]
        if ind.kind == "coverage":
            pos = np.flatnonzero(regions.tier_mask(ind.applies_to))
            i, j = cols[ind.numerator], cols[ind.denominator]
            own_pair = own[:, [i, j]].copy()
            own_pair[np.isnan(own_pair).any(axis=1)] = np.nan
            formed = rollup_coverage(own_pair, regions, agg[:, i], own[:, j])
            part = coverage_rows(order, ind, pos, agg[:, [i, j]], formed["pair"], t, formed["basis"])
            part.update(coverage_extras(ind, pos, own_pair, formed, regions, t, part["met"]))
            parts.append(part)
        else:
            for part in implementation_rows(order, ind, regions, own, cols, t):
                part.update(empty_extras(len(part["pos"])))
                parts.append(part)
    columns = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    sort = np.lexsort((columns["order"], columns["pos"]))
    return {k: v[sort] for k, v in columns.items()}
