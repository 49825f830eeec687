"""Stored evaluation runs as the surfaces see them: the catalog of runs, the one run picker and the
one trend. Every page, twin, API answer, report and CLI command chooses its run here."""

from capaian.runs.catalog import NATIONAL, Catalog
from capaian.runs.select import Choice, NoRun, choose, open_choice, pick, target_set_id
from capaian.runs.trend import TREND_COLUMNS, trend_frame, trend_run_ids

__all__ = [
    "NATIONAL", "Catalog", "Choice", "NoRun", "choose", "open_choice", "pick", "target_set_id",
    "TREND_COLUMNS", "trend_frame", "trend_run_ids",
]
