"""The scope of a report: the whole country, one province or one regency/city, and its rows.

`resolve_scope(view, "65")` gives a `Scope`; `scope.regions(view)` the region rows a report shows
(the scope region first, then the offices below it, best first) and `scope.indicators(view)` their
indicator rows. `ID`, `nasional`, `national` and an empty text all mean the whole country.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from capaian.errors import CapaianError
from capaian.present.i18n import tr
from capaian.regions import normalize_code

NATIONAL_CODE = "ID"
NATIONAL_WORDS = {"", "id", "nasional", "national", "indonesia"}
SCOPE_TIERS = ("national", "province", "regency")
TIER_ORDER = {"national": 0, "province": 1, "regency": 2, "district": 3, "village": 4}


@dataclass(frozen=True)
class Scope:
    code: str  # "ID", "65" or "65.71"
    tier: str  # national | province | regency
    name: str  # "Indonesia", "Kalimantan Utara", "Kota Tarakan"

    @property
    def slug(self) -> str:
        """For file names: `nasional`, `65`, `65.71`."""
        return "nasional" if self.tier == "national" else self.code

    def title(self, lang: str = "id") -> str:
        """`Nasional (Indonesia)`, `Provinsi Kalimantan Utara`, `Kota Tarakan`."""
        if self.tier == "national":
            return tr(lang, "National (Indonesia)")
        if self.tier == "province":
            return tr(lang, "Province of %(name)s", name=self.name)
        return self.name

    def regions(self, view) -> pd.DataFrame:
        """Region rows of the scope: the scope region first, then the offices below it."""
        return scope_regions(view.regions, self)

    def indicators(self, view) -> pd.DataFrame:
        """Indicator rows of `regions(view)`, in the same region order and rubric order."""
        return scope_indicators(view.indicators, self.regions(view))

    def below(self, view) -> pd.DataFrame:
        """The region rows below the scope region (its provinces and regencies, or its districts)."""
        rows = self.regions(view)
        return rows[rows["region_code"] != self.code]


def _sorted(rows: pd.DataFrame) -> pd.DataFrame:
    order = rows["tier"].map(TIER_ORDER).fillna(9)
    rank = rows["rank_national"].astype("Float64").fillna(1e9)
    return (
        rows.assign(_t=order.to_numpy(), _r=rank.to_numpy())
        .sort_values(["_t", "_r", "region_code"], kind="mergesort")
        .drop(columns=["_t", "_r"])
    )


def scope_regions(regions: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    if scope.tier == "national":
        mask = regions["tier"].isin(SCOPE_TIERS)
    elif scope.tier == "province":
        mask = (regions["region_code"] == scope.code) | (
            (regions["tier"] == "regency") & (regions["province_code"] == scope.code)
        )
    else:  # a regency and the districts below it that have data in the run
        mask = (regions["region_code"] == scope.code) | (
            (regions["tier"] == "district") & (regions["regency_code"] == scope.code)
        )
    return _sorted(regions[mask]).reset_index(drop=True)


def scope_indicators(indicators: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    codes = list(regions["region_code"])
    position = {code: i for i, code in enumerate(codes)}
    rows = indicators[indicators["region_code"].isin(position)]
    key = rows["region_code"].map(position)
    return (
        rows.assign(_p=key.to_numpy(), _i=range(len(rows)))
        .sort_values(["_p", "_i"], kind="mergesort")
        .drop(columns=["_p", "_i"])
        .reset_index(drop=True)
    )


def resolve_scope(view, text: str | None) -> Scope:
    """The scope named by `text` (`ID`/`nasional`, a province or regency code) within a run."""
    raw = "" if text is None else str(text).strip()
    if raw.lower() in NATIONAL_WORDS:
        rows = view.regions[view.regions["tier"] == "national"]
        name = str(rows["region_name"].iloc[0]) if len(rows) else "Indonesia"
        return Scope(NATIONAL_CODE, "national", name)
    code = normalize_code(raw)  # RegionCodeError (a CapaianError) when malformed
    rows = view.regions[view.regions["region_code"] == code]
    if rows.empty:
        raise CapaianError(
            f"Wilayah {code} tidak ada dalam hasil evaluasi {view.cutoff} (run {view.run_id}).",
            f"Region {code} is not in the evaluation results of {view.cutoff} (run {view.run_id}).",
        )
    row = rows.iloc[0]
    if row["tier"] not in SCOPE_TIERS:
        raise CapaianError(
            f"Laporan dibuat untuk nasional, provinsi atau kabupaten/kota, bukan {row['tier']} ({code}).",
            f"Reports cover the nation, a province or a regency/city, not a {row['tier']} ({code}).",
        )
    return Scope(code, str(row["tier"]), str(row["region_name"]))
