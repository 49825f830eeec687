"""Which figures rest on an assumption ("asumsi"): a threshold no source states, or a denominator
base whose dates are assumed. Read from the rubric, target set and base records the run names, so
every surface marks the same figures (the record set's `target_assumption` and `base_assumption`)."""

from __future__ import annotations

from functools import lru_cache

from capaian.errors import CapaianError


@lru_cache(maxsize=256)
def threshold_assumed(rubric_id: str | None, target_set: str | None, indicator: str) -> bool | None:
    """Whether the threshold that decided `indicator` is an assumption: the target set's own target
    when the row names a regional set that holds one, else the rubric's. None when the record is
    unknown here (a run made with a rubric this store no longer has)."""
    from capaian.rubrics import load_rubric
    from capaian.rubrics.loader import load_target_set

    if target_set and target_set not in ("national", rubric_id):
        try:
            target = load_target_set(target_set).targets.get(indicator)
        except CapaianError:
            target = None
        if target is not None:
            return bool(target.assumption)
    if not rubric_id:
        return None
    try:
        return bool(load_rubric(rubric_id).indicator(indicator).threshold.assumption)
    except (CapaianError, KeyError):
        return None


@lru_cache(maxsize=64)
def base_assumed(base_id: str | None) -> bool | None:
    """Whether the denominator base is an assumption; None without a base or for an unknown one."""
    from capaian.bases import get_base

    if not base_id:
        return None
    try:
        return bool(get_base(str(base_id)).assumption)
    except CapaianError:
        return None


def forget() -> None:
    """Clear the lookups (a rubric, target set or base was added to the open store)."""
    threshold_assumed.cache_clear()
    base_assumed.cache_clear()
