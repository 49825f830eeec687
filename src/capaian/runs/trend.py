"""The one trend: a region's figures over the cut-offs of a year, for the page chart, its JSON twin
and the PDF.

Rule: the cut-offs of the chosen run's year up to and including the chosen cut-off evaluated on the
same region list (a version change, e.g. the Papua split of 25 Jul 2022, starts a new trend), each
answered by the run the picker would choose there (same rubric and target set; published runs only when the
choice is shown as published), the chosen cut-off by the chosen run itself.
"""

from __future__ import annotations

import pandas as pd

from capaian.cells import plain
from capaian.periods import Cutoff
from capaian.runs.catalog import Catalog
from capaian.runs.select import Choice, same_regions

TREND_COLUMNS = ["cutoff", "indicator", "kind", "value", "target", "status", "level", "indicators_met", "run_id"]


def trend_run_ids(catalog: Catalog, choice: Choice) -> list[int]:
    """One run id per cut-off of the trend, in time order."""
    chosen = Cutoff.parse(choice.cutoff)
    ids = []
    for cutoff in catalog.cutoffs(published_only=choice.published_only, rubric=choice.rubric,
                                  target_set=choice.target_set):
        cut = Cutoff.parse(cutoff)
        if cut.year != chosen.year or cut.as_of > chosen.as_of:
            continue
        if cutoff == choice.cutoff:
            ids.append(choice.run_id)
            continue
        found = catalog.latest(cutoff, rubric=choice.rubric, published_only=choice.published_only,
                               target_set=choice.target_set)
        if found is not None and same_regions(catalog, found, choice.run_id):
            ids.append(found)
    if choice.run_id not in ids:  # e.g. a run asked for by id that is not the newest of its cut-off
        ids.append(choice.run_id)
    return ids


def trend_frame(views: list, code: str) -> pd.DataFrame:
    """Indicator rows of `code` in each run (one row per cut-off and indicator) with the region's
    level and indicators met; empty (with the columns) when the region has no rows."""
    frames = []
    for view in views:
        rows = view.indicators[view.indicators["region_code"] == code]  # = view.indicator_rows(code), without
        # building the run's Evaluation (the trend's runs may hold only this region's rows)
        if rows.empty:
            continue
        region = view.regions[view.regions["region_code"] == code]
        level = region.iloc[0]["level"] if not region.empty else None
        met = region.iloc[0]["indicators_met"] if not region.empty else None
        frames.append(rows[["cutoff", "indicator", "kind", "value", "target", "status"]].assign(
            level=plain(level), indicators_met=plain(met), run_id=int(view.run_id)))
    if not frames:
        return pd.DataFrame(columns=TREND_COLUMNS)
    return pd.concat(frames, ignore_index=True)[TREND_COLUMNS]
