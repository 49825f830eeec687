"""`Evaluation`: the result frames of one evaluation plus the rubric and target sets used.

Column lists are the contract of docs/architecture.md ("Evaluation results"); columns are
added at the end: `reason` on indicator rows (why a row is not met / has no data, a code), the
columns of `capaian.evaluate.formed` and the denominator base, and `coverage_ratio` on region
rows (the last key of the region ranking) and `assessed` (offices: False when the office has
no data at all, "belum dinilai": no level, no rank; null for other tiers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from capaian.cells import plain, rows
from capaian.errors import CapaianError
from capaian.rubrics.model import NATIONAL_SET, Rubric

INDICATOR_COLUMNS = [
    "cutoff", "rubric", "region_code", "region_name", "tier", "province_code", "regency_code",
    "indicator", "kind", "numerator", "denominator", "value", "target", "target_source",
    "target_set", "met", "status", "over_100", "rank_national", "peers_national", "rank_province",
    "peers_province", "prev_value", "prev_rank_national", "change_value", "reason",
    # how the figure was formed (capaian.evaluate.formed) and the denominator base it used
    "program_target", "program_target_met", "margin", "denominator_base", "denominator_base_label",
    "regencies_total", "regencies_reporting", "regencies_missing", "complete", "value_basis",
    "own_numerator", "own_denominator", "own_value", "own_difference",
    "partial_numerator", "partial_denominator", "partial_value",
]
REGION_COLUMNS = [
    "cutoff", "rubric", "region_code", "region_name", "tier", "province_code", "regency_code",
    "level", "indicators_met", "indicators_total", "no_data", "rank_national", "peers_national",
    "rank_province", "peers_province", "prev_level", "prev_rank_national", "coverage_ratio", "assessed",
]


def records(frame: pd.DataFrame) -> list[dict]:
    """JSON-able rows: NaN / NA -> None, numpy scalars -> Python numbers."""
    return rows(frame)


@dataclass(eq=False)
class Evaluation:
    cutoff: str | None
    rubric: Rubric
    target_sets: tuple = ()
    indicators: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    regions: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    @classmethod
    def from_frames(cls, indicators: pd.DataFrame, regions: pd.DataFrame, rubric: Rubric, target_sets=()):
        """Rebuild an Evaluation from stored result frames (e.g. a saved run)."""
        cutoffs = regions["cutoff"].dropna().unique() if "cutoff" in regions else []
        return cls(
            cutoff=str(cutoffs[0]) if len(cutoffs) else None,
            rubric=rubric,
            target_sets=tuple(target_sets),
            indicators=indicators.reset_index(drop=True),
            regions=regions.reset_index(drop=True),
        )

    # --- look-ups ---------------------------------------------------------------------------
    @property
    def target_set_ids(self) -> tuple[str, ...]:
        return (NATIONAL_SET, *(ts.id for ts in self.target_sets))

    @cached_property
    def _region_pos(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.regions["region_code"])}

    @cached_property
    def _indicator_groups(self) -> dict:
        return self.indicators.groupby("region_code", sort=False).indices

    @cached_property
    def _regency_index(self) -> dict:
        """(province code or None for the nation, indicator) -> positions of regency indicator rows."""
        ind = self.indicators
        regency = np.flatnonzero((ind["tier"] == "regency").to_numpy())
        sub = ind.iloc[regency]
        out = {}
        for (prov, indicator), idx in sub.groupby(["province_code", "indicator"], sort=False).indices.items():
            out[(prov, indicator)] = regency[idx]
        for indicator, idx in sub.groupby("indicator", sort=False).indices.items():
            out[(None, indicator)] = regency[idx]
        return out

    @cached_property
    def _child_columns(self) -> dict:
        ind = self.indicators
        return {
            "code": ind["region_code"].to_numpy(dtype=object),
            "name": ind["region_name"].to_numpy(dtype=object),
            "value": ind["value"].to_numpy(dtype=float, na_value=np.nan),
        }

    def has_region(self, code: str) -> bool:
        return code in self._region_pos

    def region(self, code: str) -> dict:
        """The region row of `code` as a dict (JSON-able values)."""
        pos = self._region_pos.get(code)
        if pos is None:
            raise CapaianError(
                f"Wilayah {code} tidak ada dalam hasil evaluasi.", f"Region {code} is not in the evaluation results."
            )
        return {col: plain(self.regions[col].iat[pos]) for col in self.regions.columns}

    def indicator_rows(self, code: str) -> pd.DataFrame:
        """Indicator rows of one region, in rubric order."""
        idx = self._indicator_groups.get(code)
        if idx is None:
            return self.indicators.iloc[0:0]
        return self.indicators.iloc[idx]

    def child_regencies(self, province_code: str | None, indicator: str) -> list[tuple[str, str, float]]:
        """(code, name, value) of the regencies of a province (of the nation when None) for one indicator."""
        idx = self._regency_index.get((province_code, indicator))
        if idx is None:
            return []
        cols = self._child_columns
        return list(zip(cols["code"][idx], cols["name"][idx], cols["value"][idx]))

    def child_regency_rows(self, province_code: str | None, indicator: str) -> pd.DataFrame:
        """Indicator rows of the regencies of a province (of every regency when None)."""
        idx = self._regency_index.get((province_code, indicator))
        return self.indicators.iloc[idx if idx is not None else []]

    def level(self, code: str) -> int | None:
        return self.region(code)["level"]

    def tier(self, tier: str, province: str | None = None) -> pd.DataFrame:
        """Region rows of one tier (optionally one province), best first."""
        rows = self.regions[self.regions["tier"] == tier]
        if province:
            rows = rows[rows["province_code"] == province]
        return rows.sort_values(["rank_national", "region_code"], na_position="last")

    def value(self, code: str, indicator: str) -> dict:
        """One indicator row as a dict."""
        rows = self.indicator_rows(code)
        rows = rows[rows["indicator"] == indicator]
        if rows.empty:
            raise CapaianError(
                f"Indikator {indicator} tidak ada untuk wilayah {code}.",
                f"Indicator {indicator} does not apply to region {code}.",
            )
        return records(rows)[0]

    def to_records(self, table: str = "indicators") -> list[dict]:
        """JSON-able rows of `indicators` or `regions`."""
        if table not in ("indicators", "regions"):
            raise ValueError("table must be 'indicators' or 'regions'")
        return records(getattr(self, table))

    def explain(self, code: str):
        """Why this level, and the fewest indicators to fix to reach the next one."""
        return self.explain_many([code])[0]

    def explain_many(self, codes) -> list:
        """The explanations of several regions, their rows read at once (a national workbook
        explains every office)."""
        from capaian.evaluate.explain import explain_many

        return explain_many(self, codes)

    def region_records(self, codes) -> list[dict]:
        """The region rows of `codes` as dicts (JSON-able values), in that order."""
        for code in codes:
            if code not in self._region_pos:
                self.region(code)  # the error naming it
        return records(self.regions.iloc[[self._region_pos[c] for c in codes]])

    def indicator_records(self, codes) -> list[list[dict]]:
        """The indicator rows of each of `codes` as dicts, in rubric order, read at once."""
        groups = [self._indicator_groups.get(code, np.empty(0, np.int64)) for code in codes]
        flat = records(self.indicators.iloc[np.concatenate(groups) if groups else []])
        out, start = [], 0
        for group in groups:
            out.append(flat[start:start + len(group)])
            start += len(group)
        return out
