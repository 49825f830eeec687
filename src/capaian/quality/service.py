"""The quality answers for a chosen run, as every surface asks for them: the runs come from the one
run picker and the one trend rule (`capaian.runs`), the facts from the store."""

from __future__ import annotations

from capaian.quality.flags import flags_for_cutoff
from capaian.quality.notes import attach, notes


def flags_for_choice(store, choice, k=None) -> list:
    """The flags of a chosen run with their notes (saved once per state, `capaian.quality.saved`)."""
    from capaian.quality.saved import choice_flags
    from capaian.runs import Catalog

    return attach(choice_flags(store, Catalog.from_store(store), choice, k=k), notes(store))


# What the flags read of the runs before the previous one: the coverage values (jumps) and the
# implementation statuses (flips) of the office rows, all typed columns of the results table.
HISTORY_COLUMNS = ["cutoff", "region_code", "tier", "indicator", "kind", "value", "status"]


def older_runs(store, catalog, run_ids: list[int]) -> list:
    """The trend runs before a cut-off's previous one, as the flags need them (`HISTORY_COLUMNS` of
    the office rows, one query without JSON parsing): `RegionRows`, in the order of `run_ids`. The
    last two runs of a trend are passed whole (the flags read every column of those)."""
    from capaian.quality.flags import TIERS

    if not run_ids:
        return []
    frame = store.load_runs_columns(run_ids, HISTORY_COLUMNS, list(TIERS))
    parts = {int(k): v.drop(columns="run_id").reset_index(drop=True) for k, v in frame.groupby("run_id", sort=False)}
    out = []
    for run_id in run_ids:
        row = catalog.row(run_id)
        out.append(RegionRows(run_id, row["cutoff"], row["rubric"],
                              parts.get(int(run_id), frame.iloc[0:0].drop(columns="run_id"))))
    return out


def office_flags(store, choice, k=None) -> list:
    """The flags of every province and regency in the chosen run, with their notes: the same saved
    answer as every other surface (the national report stays fast)."""
    return flags_for_choice(store, choice, k=k)


class RegionRows:
    """A run's indicator rows of a few regions only (enough for their flags and forecast)."""

    def __init__(self, run_id: int, cutoff: str, rubric_id: str, indicators):
        self.run_id, self.cutoff, self.indicators = run_id, cutoff, indicators
        self._rubric_id = rubric_id

    @property
    def rubric(self):
        from capaian.rubrics import load_rubric

        return load_rubric(self._rubric_id)


# what flags and forecasts read of a run's indicator rows
TREND_COLUMNS = ("run_id", "row_no", "cutoff", "rubric", "region_code", "region_name", "tier", "province_code",
                 "regency_code", "indicator", "kind", "numerator", "denominator", "value", "target", "met",
                 "status", "extra")


def region_trend_views(store, choice, codes) -> list:
    """The trend runs of `choice` (the one trend rule), with only the rows of `codes` (None: every
    province and regency, for the national flags): one query, fast enough for `capaian explain`,
    `capaian forecast` and the national report."""
    import json

    import pandas as pd

    from capaian.runs import Catalog, trend_run_ids

    catalog = Catalog.from_store(store)
    ids = trend_run_ids(catalog, choice)
    marks = ",".join("?" * len(ids))
    if codes is None:
        where, params = "tier IN ('province', 'regency')", []
    else:
        params = list(codes)
        where = f"region_code IN ({','.join('?' * len(params))})"
    frame = store.query_df(
        f"SELECT {', '.join(TREND_COLUMNS)} FROM results_indicators WHERE run_id IN ({marks}) AND {where} "
        "ORDER BY run_id, row_no", [*ids, *params])
    parsed: dict = {}  # many rows share one text (implementation rows): parse each text once

    def parse(text):
        if not isinstance(text, str):
            return {}
        if text not in parsed:
            parsed[text] = json.loads(text)
        return parsed[text]

    extra = [parse(x) for x in frame.pop("extra")]
    for name in ("denominator_base", "complete", "value_basis", "own_value", "own_numerator", "own_denominator"):
        frame[name] = [e.get(name) for e in extra]
    per_run = {int(k): v.reset_index(drop=True) for k, v in frame.groupby("run_id", sort=False)}
    views = []
    for run_id in ids:
        row = catalog.row(run_id)
        views.append(RegionRows(run_id, row["cutoff"], row["rubric"], per_run.get(int(run_id), frame.iloc[0:0])))
    return [v for v in views if not v.indicators.empty] or views[-1:]


def region_flags(store, choice, code: str, k=None, codes=None) -> list:
    """The flags of one region (or of `codes`) in the chosen run, with their notes."""
    codes = list(codes or [code])
    facts = store.current_facts(choice.cutoff)
    facts = facts[facts["region_code"].isin(codes)]
    flags = flags_for_cutoff(region_trend_views(store, choice, codes), facts, k=k)
    return attach([f for f in flags if f.region_code in codes], notes(store))


def region_forecast(store, choice, code: str, k=None) -> dict:
    """Forecasts of one region from the chosen run's trend, the province rollup (for a province) and
    the backtest error."""
    from capaian.quality.forecast import DEFAULT_K, backtest_error, province_allocations, region_forecasts
    from capaian.regions import get_hierarchy, version_for_cutoff

    codes = [code]
    if "." not in code and code != "ID":
        hierarchy = get_hierarchy(version_for_cutoff(choice.cutoff))
        codes += [r.code for r in hierarchy.children(code)]
    views = region_trend_views(store, choice, codes)
    found = region_forecasts(views, code, k=k or DEFAULT_K)
    allocations = province_allocations(views[-1], code) if len(codes) > 1 and views else []
    return {"forecasts": found, "allocations": allocations, "mae_pp": backtest_error(), "k": k or DEFAULT_K}
