"""`evaluate(facts, regions, rubric, target_sets=(), previous=None) -> Evaluation`: the one code path.

Pure and vectorised (numpy/pandas, no loop per region): facts -> region × fact matrix -> bottom-up
sums -> indicator rows for every tier -> ranks -> region rows with levels -> changes against
`previous`. See the module docstrings of `rollup`, `indicators`, `ranks` and `levels` for the rules.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from capaian.evaluate.formed import BASES
from capaian.evaluate.frame import RegionIndex, prepare_regions, str_array, take_str
from capaian.evaluate.indicators import REASONS, STATUSES, indicator_columns
from capaian.evaluate.levels import region_columns
from capaian.evaluate.ranks import indicator_ranks, int_array
from capaian.evaluate.result import INDICATOR_COLUMNS, REGION_COLUMNS, Evaluation
from capaian.evaluate.rollup import fact_matrix, facts_cutoff, rollup_sum
from capaian.evaluate.targets import check_target_sets, resolve_targets
from capaian.rubrics.model import Rubric


def evaluate(
    facts: pd.DataFrame,
    regions: pd.DataFrame | RegionIndex,
    rubric: Rubric,
    target_sets=(),
    previous: Evaluation | None = None,
    base=None,
) -> Evaluation:
    """Evaluate every region of `regions` (all tiers) on the facts of one cut-off.

    `regions` is a region frame, or the `RegionIndex` that `prepare_regions` made of one (to
    evaluate several cut-offs over the same regions without preparing them each time).

    `base` is the denominator base (`capaian.bases.DenominatorBase`) the facts' denominators
    belong to; coverage rows name it (`denominator_base`, `denominator_base_label`).
    """
    target_sets = check_target_sets(rubric, target_sets)
    index = regions if isinstance(regions, RegionIndex) else prepare_regions(regions)
    cutoff = facts_cutoff(facts)
    fact_names = rubric.facts
    own = fact_matrix(facts, index, fact_names)
    agg = rollup_sum(own, index)
    targets = resolve_targets(rubric, target_sets, index)
    cols = indicator_columns(rubric, index, own, agg, fact_names, targets)
    coverage = np.array([i.kind == "coverage" for i in rubric.indicators])
    sign = np.array([1.0 if i.higher_is_better else -1.0 for i in rubric.indicators])
    pos = cols["pos"]
    ranks = indicator_ranks(cols, index.tier_no[pos], index.province_pos[pos], coverage, sign)
    reg = region_columns(rubric, cols, index)

    n_rows = len(pos)
    ind_ids = str_array(list(rubric.indicator_ids))
    kinds = str_array([i.kind for i in rubric.indicators])
    indicators = pd.DataFrame(
        {
            "cutoff": take_str(str_array([cutoff]), np.zeros(n_rows, np.int64)),
            "rubric": take_str(str_array([rubric.id]), np.zeros(n_rows, np.int64)),
            **{k: take_str(v, pos) for k, v in index.out.items()},
            "indicator": take_str(ind_ids, cols["order"]),
            "kind": take_str(kinds, cols["order"]),
            "numerator": cols["numerator"],
            "denominator": cols["denominator"],
            "value": cols["value"],
            "target": cols["target"],
            "target_source": take_str(str_array(targets.sources), cols["source"]),
            "target_set": take_str(str_array(targets.set_ids), cols["set_no"]),
            "met": cols["met"],
            "status": take_str(str_array(list(STATUSES)), cols["status"]),
            "over_100": cols["over_100"],
            **{k: int_array(v) for k, v in ranks.items()},
            "reason": take_str(str_array(list(REASONS)), cols["reason"]),
            **_formed_columns(cols, coverage, base),
        }
    )
    indicators["regencies_missing"] = _missing_regencies(indicators)
    n = len(index)
    regions_out = pd.DataFrame(
        {
            "cutoff": take_str(str_array([cutoff]), np.zeros(n, np.int64)),
            "rubric": take_str(str_array([rubric.id]), np.zeros(n, np.int64)),
            **index.out,
            **{k: (v if k == "coverage_ratio" else _bools(v) if k == "assessed" else int_array(v))
               for k, v in reg.items()},
        }
    )
    indicators, regions_out = with_previous(indicators, regions_out, previous)
    return Evaluation(
        cutoff=cutoff,
        rubric=rubric,
        target_sets=target_sets,
        indicators=indicators[INDICATOR_COLUMNS],
        regions=regions_out[REGION_COLUMNS],
    )


def _bools(values: np.ndarray) -> pd.arrays.BooleanArray:
    """Float array (1 / 0, NaN = null) -> nullable boolean array."""
    mask = np.isnan(values)
    return pd.arrays.BooleanArray(np.where(mask, 0, values).astype(bool), mask)


def _formed_columns(cols: dict, coverage: np.ndarray, base) -> dict:
    """The columns of `formed` (program target, margin, completeness, basis) and the base."""
    is_cov = coverage[cols["order"]]
    reached = cols["program_target_met"]
    own_value = cols["own_value"]
    differs = np.isin(cols["basis"], (0, 3)) & ~np.isnan(own_value) & (np.abs(cols["value"] - own_value) > 1e-9)
    base_no = np.where(is_cov & (base is not None), 0, -1)
    return {
        "program_target": cols["program_target"],
        "program_target_met": pd.array(np.where(np.isnan(reached), None, reached == 1), dtype="boolean"),
        "margin": int_array(cols["margin"]),
        "denominator_base": take_str(str_array([getattr(base, "id", None)]), base_no),
        "denominator_base_label": take_str(str_array([base.label.id if base is not None else None]), base_no),
        "regencies_total": int_array(cols["regencies_total"]),
        "regencies_reporting": int_array(cols["regencies_reporting"]),
        "complete": cols["complete"],
        "value_basis": take_str(str_array(list(BASES)), cols["basis"]),
        "own_numerator": cols["own_numerator"],
        "own_denominator": cols["own_denominator"],
        "own_value": own_value,
        "own_difference": np.where(differs, cols["value"] - own_value, np.nan),
        "partial_numerator": cols["partial_numerator"],
        "partial_denominator": cols["partial_denominator"],
        "partial_value": cols["partial_value"],
    }


def _missing_regencies(indicators: pd.DataFrame) -> pd.Series:
    """For a province / national coverage row over fewer reporting regencies than it has (a
    partial sum, or an own total with the partial sum beside): names of its regencies without data."""
    out = pd.Series(pd.NA, index=indicators.index, dtype="str")
    short = (indicators["regencies_reporting"] < indicators["regencies_total"]).fillna(False).to_numpy(dtype=bool)
    if not short.any():
        return out
    regency_gaps = indicators[(indicators["tier"] == "regency") & (indicators["status"] == "no_data")
                              & (indicators["kind"] == "coverage")]
    by_province = regency_gaps.groupby(["province_code", "indicator"])["region_name"].agg(", ".join)
    by_nation = regency_gaps.groupby("indicator")["region_name"].agg(", ".join)
    for i, r in indicators[short].iterrows():
        if r["tier"] == "national":
            out.at[i] = by_nation.get(r["indicator"], pd.NA)
        else:
            out.at[i] = by_province.get((r["province_code"], r["indicator"]), pd.NA)
    return out


def with_previous(indicators: pd.DataFrame, regions: pd.DataFrame, previous):
    """prev_value, prev_rank_national, change_value; prev_level, prev_rank_national (by code).

    `previous` is anything with `indicators` and `regions` frames (an Evaluation or a stored run),
    or None. The frames are changed in place and returned.
    """
    n_i, n_r = len(indicators), len(regions)
    prev_value = np.full(n_i, np.nan)
    prev_rank = np.full(n_i, np.nan)
    prev_level = np.full(n_r, np.nan)
    prev_region_rank = np.full(n_r, np.nan)
    if previous is not None:
        pi = previous.indicators
        key = pd.MultiIndex.from_arrays([pi["region_code"].astype(str), pi["indicator"].astype(str)])
        where = key.get_indexer(pd.MultiIndex.from_arrays([indicators["region_code"], indicators["indicator"]]))
        found = where >= 0
        prev_value[found] = pi["value"].to_numpy(dtype=float, na_value=np.nan)[where[found]]
        prev_rank[found] = pi["rank_national"].to_numpy(dtype=float, na_value=np.nan)[where[found]]
        pr = previous.regions
        where = pd.Index(pr["region_code"].astype(str)).get_indexer(regions["region_code"])
        found = where >= 0
        prev_level[found] = pr["level"].to_numpy(dtype=float, na_value=np.nan)[where[found]]
        prev_region_rank[found] = pr["rank_national"].to_numpy(dtype=float, na_value=np.nan)[where[found]]
    indicators["prev_value"] = prev_value
    indicators["prev_rank_national"] = int_array(prev_rank)
    indicators["change_value"] = indicators["value"].to_numpy() - prev_value
    regions["prev_level"] = int_array(prev_level)
    regions["prev_rank_national"] = int_array(prev_region_rank)
    return indicators, regions
