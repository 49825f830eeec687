"""Target per region and indicator: the rubric's `national` set, overridden by regional sets.

A regional `TargetSet` applies to the regions strictly below its scope (a province's regencies,
districts and villages, not the province itself) and only to the indicators it names. When
scopes nest, the deeper scope wins. Targets are kept as exact fractions `p/q` so that a value
exactly at target is met without float error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from capaian.errors import CapaianError
from capaian.evaluate.frame import RegionIndex
from capaian.rubrics.loader import load_target_set
from capaian.rubrics.model import NATIONAL_SET, Rubric, TargetSet


@dataclass
class TargetArrays:
    value: np.ndarray  # float, for display and storage
    p: np.ndarray  # exact numerator of the target fraction (float64 holding an integer)
    q: np.ndarray  # exact denominator
    source: np.ndarray  # int, index into Targets.sources
    set_no: np.ndarray  # int, index into Targets.set_ids


@dataclass
class Targets:
    by_indicator: dict[str, TargetArrays]
    sources: list[str]
    set_ids: list[str]

    def __getitem__(self, indicator_id: str) -> TargetArrays:
        return self.by_indicator[indicator_id]


def check_target_sets(rubric: Rubric, target_sets) -> tuple[TargetSet, ...]:
    """Validate the target sets (objects, or ids of shipped sets) against the rubric."""
    sets = tuple(load_target_set(ts) if isinstance(ts, str) else ts for ts in (target_sets or ()))
    scopes: dict[str, str] = {}
    for ts in sets:
        if not isinstance(ts, TargetSet):
            raise CapaianError(
                "Set target harus berupa TargetSet.", f"A target set must be a TargetSet, not {type(ts).__name__}."
            )
        if ts.year != rubric.year:
            raise CapaianError(
                f"Set target {ts.id} untuk tahun {ts.year}, rubrik {rubric.id} untuk tahun {rubric.year}.",
                f"Target set {ts.id} is for {ts.year}, rubric {rubric.id} is for {rubric.year}.",
            )
        unknown = sorted(set(ts.targets) - set(rubric.indicator_ids))
        if unknown:
            raise CapaianError(
                f"Set target {ts.id}: indikator tidak ada di {rubric.id}: {', '.join(unknown)}.",
                f"Target set {ts.id}: indicator(s) not in {rubric.id}: {', '.join(unknown)}.",
            )
        if ts.scope in scopes:
            raise CapaianError(
                f"Set target {ts.id} dan {scopes[ts.scope]} memiliki cakupan yang sama ({ts.scope}).",
                f"Target sets {ts.id} and {scopes[ts.scope]} have the same scope ({ts.scope}).",
            )
        scopes[ts.scope] = ts.id
    return sets


def resolve_targets(rubric: Rubric, target_sets: tuple[TargetSet, ...], regions: RegionIndex) -> Targets:
    """Targets over every region position, per indicator."""
    n = len(regions)
    codes = pd.Series(regions.codes, dtype=object)
    masks = {ts.id: codes.str.startswith(ts.scope + ".").to_numpy(dtype=bool) for ts in target_sets}
    ordered = sorted(target_sets, key=lambda ts: len(ts.scope))  # deeper scopes applied last
    set_ids = [NATIONAL_SET, *(ts.id for ts in ordered)]
    sources: list[str] = []

    def source_no(text: str) -> int:
        if text not in sources:
            sources.append(text)
        return sources.index(text)

    out = {}
    for ind in rubric.indicators:
        frac = ind.target.fraction
        arrays = TargetArrays(
            value=np.full(n, float(ind.target.value)),
            p=np.full(n, float(frac.numerator)),
            q=np.full(n, float(frac.denominator)),
            source=np.full(n, source_no(ind.target.source), dtype=np.int64),
            set_no=np.zeros(n, dtype=np.int64),
        )
        for set_no, ts in enumerate(ordered, start=1):
            target = ts.targets.get(ind.id)
            if target is None:
                continue
            mask = masks[ts.id]
            frac = target.fraction
            arrays.value[mask] = float(target.value)
            arrays.p[mask] = float(frac.numerator)
            arrays.q[mask] = float(frac.denominator)
            arrays.source[mask] = source_no(target.source)
            arrays.set_no[mask] = set_no
        out[ind.id] = arrays
    return Targets(out, sources, set_ids)
