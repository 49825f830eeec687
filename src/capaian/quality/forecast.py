"""Forecast to target: at its current pace, where does a region's coverage end the year, when does it
reach its threshold, and how many more people per half-month would it need.

- Pace: the Theil–Sen slope (SciPy `theilslopes`, robust to one bad figure) of the value over the
  last k cut-offs of the year up to the chosen one (k = 6 by default, setting `k=`), in percentage
  points per half-month; at least 3 cut-offs are needed, else no forecast.
- Projected value at the year's last cut-off (YYYY-12-H2): value + pace × half-months left.
- Reached at: the first cut-off at which value + pace × n reaches the threshold (may be next year).
- Status: `reached` (sudah tercapai) when the value meets the threshold now; `on_track` (sesuai jalur)
  when even the slope's lower 90 % bound reaches it by the year's end; `at_risk` (berisiko) when
  the upper bound does but the lower does not; `off_track` (tidak akan tercapai pada laju ini)
  otherwise.
- People per half-month needed: the people short of the threshold now (ceil(threshold × denominator
  / 100) − numerator, the denominator held as it is) divided by the half-months left, rounded up.
- Province rollup: the province's shortfall split across its regencies by the one split of a gap
  (`capaian.evaluate.shares.gap_split`: in proportion to the people each has not yet covered,
  largest remainder), the same numbers as the path table, a regency's page, the PDF and the API.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from capaian.periods import Cutoff

DEFAULT_K = 6
MIN_POINTS = 3
STATUSES = ("reached", "on_track", "at_risk", "off_track")


def _index(cut: Cutoff) -> int:
    """Position of a cut-off in its year: 0 (Jan-H1) .. 23 (Dec-H2)."""
    return (cut.month - 1) * 2 + (0 if cut.half == 1 else 1)


def _advance(cut: Cutoff, n: int) -> Cutoff:
    for _ in range(n):
        cut = cut.next()
    return cut


@dataclass
class Forecast:
    region_code: str
    indicator: str
    cutoff: str
    value: float
    threshold: float
    status: str
    pace: float | None = None            # pp per half-month
    pace_low: float | None = None
    pace_high: float | None = None
    points: int = 0
    half_months_left: int = 0
    projected: float | None = None       # at the year's last cut-off
    year_end: str = ""
    reached_at: str | None = None        # cut-off at which the threshold is reached at this pace
    people_short: int = 0
    people_per_half_month: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def forecast_series(points: list[tuple[str, float]], threshold: float, numerator=None, denominator=None,
                    k: int = DEFAULT_K, region_code: str = "", indicator: str = "") -> Forecast | None:
    """The forecast from `points` [(cut-off, value)] of one year in time order (the last is now);
    None with fewer than 3 points."""
    from scipy.stats import theilslopes

    points = [(Cutoff.parse(c), float(v)) for c, v in points if v is not None and v == v][-int(k):]
    if not points:
        return None
    now, value = points[-1]
    left = 23 - _index(now)
    short = 0
    if numerator is not None and denominator:
        short = max(0, math.ceil(threshold * float(denominator) / 100 - 1e-9) - int(numerator))
    out = Forecast(region_code, indicator, str(now), value, float(threshold), "off_track", points=len(points),
                   half_months_left=left, year_end=str(Cutoff(now.year, 12, 2)), people_short=short)
    if value >= threshold:
        out.status, out.reached_at, out.projected = "reached", str(now), None
        out.people_per_half_month = 0
    if len(points) < MIN_POINTS:
        if out.status != "reached":
            return None
        return out
    x = [_index(c) for c, _ in points]
    y = [v for _, v in points]
    slope, _, low, high = theilslopes(y, x, alpha=0.90)
    out.pace, out.pace_low, out.pace_high = float(slope), float(low), float(high)
    out.projected = value + slope * left
    if out.status == "reached":
        return out
    if slope > 0:
        out.reached_at = str(_advance(now, math.ceil((threshold - value) / slope - 1e-12)))
    if value + low * left >= threshold:
        out.status = "on_track"
    elif value + high * left >= threshold:
        out.status = "at_risk"
    out.people_per_half_month = math.ceil(short / left) if left > 0 else short
    return out


@dataclass
class Allocation:
    province_code: str
    cutoff: str
    indicator: str
    threshold: float
    shortfall: int                       # people the province is short of its threshold
    shares: list[dict] = field(default_factory=list)  # code, name, add, own_short, reaches_own

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def reaching(self) -> list[str]:
        return [s["code"] for s in self.shares if s["reaches_own"]]


def forecasts(views: list, codes=None, k: int = DEFAULT_K, tiers=("province", "regency")) -> list[Forecast]:
    """Forecasts of every coverage indicator of the regions `codes` (None: every province and
    regency) from the trend runs `views` (time order; the last is now)."""
    series: dict = {}
    last: dict = {}
    wanted = None if codes is None else set(codes)
    for view in views:
        rows = view.indicators
        rows = rows[(rows["kind"] == "coverage") & rows["tier"].isin(tiers)]
        if wanted is not None:
            rows = rows[rows["region_code"].isin(wanted)]
        rows = rows[["cutoff", "region_code", "indicator", "value", "target", "numerator", "denominator", "status"]]
        for r in rows.astype(object).to_dict("records"):
            # no value, or a partial sum (status no_data, value kept): nothing to forecast from
            if r["value"] is None or r["value"] != r["value"] or r["status"] == "no_data":
                continue
            key = (r["region_code"], r["indicator"])
            series.setdefault(key, []).append((str(r["cutoff"]), float(r["value"])))
            last[key] = r
    out = []
    now = str(views[-1].cutoff) if views else None
    for (code, indicator), points in series.items():
        r = last[(code, indicator)]
        if str(r["cutoff"]) != now or r.get("target") is None:
            continue
        found = forecast_series(points, float(r["target"]), r.get("numerator"), r.get("denominator"), k=k,
                                region_code=code, indicator=indicator)
        if found:
            out.append(found)
    return out


def region_forecasts(views: list, code: str, k: int = DEFAULT_K) -> list[Forecast]:
    """Forecasts of every coverage indicator of one region."""
    return forecasts(views, [code], k=k, tiers=("province", "regency", "national"))


def province_allocations(view, province_code: str) -> list[Allocation]:
    """The rollup of a province in one run: per coverage indicator it misses, the one split of its
    gap (`capaian.evaluate.shares.gap_split`, as the path table and the regency pages)."""
    from capaian.evaluate.shares import gap_split

    out = []
    for ind in view.rubric.indicators:
        if ind.kind != "coverage":
            continue
        split = gap_split(view, province_code, ind.id)
        if split is None or not split["shares"]:
            continue
        out.append(Allocation(province_code, str(view.cutoff), ind.id, split["threshold"], split["needed"],
                              [{"code": s["code"], "name": s["name"], "add": s["share"], "own_short": s["own_short"],
                                "reaches_own": s["reaches_own"]} for s in split["shares"] if s["share"]]))
    return out


def backtest_error() -> float | None:
    """The mean absolute error (pp) of the backtest on the demo history (`bench/forecast_backtest.py`),
    shown beside every forecast; None when it has not been run."""
    import json
    from importlib import resources

    try:
        data = json.loads((resources.files("capaian.quality") / "data" / "backtest.json").read_text())
    except (FileNotFoundError, ValueError):
        return None
    return data.get("mae_pp")
