"""Data quality on top of the evaluation results: reporting completeness and timeliness per cut-off
(`completeness`), data-quality flags with their evidence and explained-notes (`flags`, `notes`).

Nothing here changes a figure; it only tells.
"""

from capaian.quality.completeness import (
    DEFAULT_DEADLINE_DAYS, Completeness, OfficeReport, completeness, deadline_days,
)
from capaian.quality.flags import (
    DEFAULT_K, FLAG_TYPES, SEVERITIES, Flag, flags_for_cutoff, mad_k,
)

__all__ = [
    "DEFAULT_DEADLINE_DAYS", "Completeness", "OfficeReport", "completeness", "deadline_days",
    "DEFAULT_K", "FLAG_TYPES", "SEVERITIES", "Flag", "flags_for_cutoff", "mad_k",
]
