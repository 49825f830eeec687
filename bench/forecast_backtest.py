"""Backtest of the forecast to target on the demo history: every forecast made 6 cut-offs before
the end of 2020 and of 2022 (from 2020-09-H2 and 2022-09-H2), compared with what happened at the
year's last cut-off. Writes `docs/forecast.md` and `src/capaian/quality/data/backtest.json` (the
error the pages show beside a forecast).

    .venv/bin/python bench/forecast_backtest.py --db demo.duckdb [--k 6]

Runs are chosen by the one run picker (`capaian.runs`), as the operator, drafts included (the
demo leaves its last cut-off unpublished).
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from capaian.periods import Cutoff

ROOT = Path(__file__).resolve().parents[1]
BEFORE = 6


def _views(store, catalog, cutoff):
    from capaian.accounts import OPERATOR
    from capaian.runs import choose, trend_run_ids
    from capaian.service import get_run

    choice = choose(catalog, user=OPERATOR, cutoff=cutoff, draft=True)
    return [get_run(store, run_id) for run_id in trend_run_ids(catalog, choice)]


def backtest_year(store, catalog, year: int, k: int) -> dict:
    from capaian.quality.forecast import forecasts

    end = Cutoff(year, 12, 2)
    origin = end
    for _ in range(BEFORE):
        origin = origin.previous()
    made = forecasts(_views(store, catalog, str(origin)), k=k)
    final = _views(store, catalog, str(end))[-1].indicators
    actual = {(r["region_code"], r["indicator"]): r for r in
              final[final["kind"] == "coverage"][["region_code", "indicator", "value", "target"]]
              .astype(object).to_dict("records")}
    errors, right, judged, at_risk, at_risk_met, by_status = [], 0, 0, 0, 0, {}
    for f in made:
        got = actual.get((f.region_code, f.indicator))
        if not got or got["value"] is None or got["value"] != got["value"]:
            continue
        met = float(got["value"]) >= float(got["target"])
        by_status[f.status] = by_status.get(f.status, 0) + 1
        if f.projected is not None:
            errors.append(abs(f.projected - float(got["value"])))
        if f.status == "at_risk":
            at_risk += 1
            at_risk_met += met
            continue
        judged += 1
        right += (f.status in ("reached", "on_track")) == met
    return {"year": year, "origin": str(origin), "end": str(end), "forecasts": len(made),
            "compared": len(errors), "mae_pp": statistics.fmean(errors) if errors else None,
            "median_ae_pp": statistics.median(errors) if errors else None,
            "status_right": right, "status_judged": judged,
            "status_right_share": right / judged if judged else None,
            "at_risk": at_risk, "at_risk_met": at_risk_met, "by_status": by_status}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a demo store (`capaian demo build`)")
    parser.add_argument("--k", type=int, default=6, help="cut-offs of the pace (default 6)")
    args = parser.parse_args()
    from capaian.runs import Catalog
    from capaian.store import open_store

    store = open_store(args.db)
    catalog = Catalog.from_store(store)
    years = [backtest_year(store, catalog, y, args.k) for y in (2020, 2022)]
    errors = [y["mae_pp"] for y in years if y["mae_pp"] is not None]
    weights = [y["compared"] for y in years if y["mae_pp"] is not None]
    mae = sum(e * w for e, w in zip(errors, weights)) / sum(weights) if weights else None
    right = sum(y["status_right"] for y in years)
    judged = sum(y["status_judged"] for y in years)
    summary = {"k": args.k, "before": BEFORE, "mae_pp": mae, "status_right_share": right / judged if judged else None,
               "years": years}
    (ROOT / "src/capaian/quality/data/backtest.json").write_text(json.dumps(summary, indent=1) + "\n")
    (ROOT / "docs/forecast.md").write_text(_markdown(summary), encoding="utf-8")
    print(json.dumps(summary, indent=1))
    return 0


def _markdown(s: dict) -> str:
    lines = [
        "# Forecast to target: method and backtest",
        "",
        "`capaian.quality.forecast` (see its docstring for the rules): the pace is the Theil–Sen slope",
        f"(SciPy `theilslopes`, 90 % bounds) of a region's coverage over the last k = {s['k']} cut-offs of the",
        "year; the projection is the value plus pace × the half-months left to the year's last cut-off.",
        "Status: *sudah tercapai* (met now), *sesuai jalur* (the slope's lower bound reaches the",
        "threshold by year's end), *berisiko* (only the upper bound does), *tidak akan tercapai pada laju",
        "ini* (neither). A forecast needs at least 3 cut-offs.",
        "",
        "## Backtest on the demo history",
        "",
        f"Produced by `bench/forecast_backtest.py`: every province and regency forecast made {s['before']}",
        "cut-offs before the year's end, compared with the value at the year's last cut-off. The demo",
        "is synthetic: these figures say how the method behaves on it, not on real offices. Its",
        "regencies rise with their province, each at a pace that swings through the year (outreach",
        "months, quiet months; `capaian.demo.national`), so a pace of 6 cut-offs misses by about",
        "half a point at the year's end.",
        "",
        "| year | forecast from | compared | MAE (pp) | median abs. error (pp) | status right | berisiko (met at year end) |",
        "|---|---|---|---|---|---|---|",
    ]
    for y in s["years"]:
        share = f"{y['status_right']}/{y['status_judged']} ({100 * y['status_right_share']:.1f} %)" if y["status_judged"] else "–"
        mae = f"{y['mae_pp']:.2f}" if y["mae_pp"] is not None else "–"
        med = f"{y['median_ae_pp']:.2f}" if y["median_ae_pp"] is not None else "–"
        lines.append(f"| {y['year']} | {y['origin']} | {y['compared']} | {mae} | {med} | {share} | "
                     f"{y['at_risk']} ({y['at_risk_met']}) |")
    if s["mae_pp"] is not None:
        lines += ["", f"Overall: mean absolute error **±{s['mae_pp']:.2f} pp**; status right "
                      f"**{100 * s['status_right_share']:.1f} %** of the forecasts that were not *berisiko*",
                  "(right = *sudah tercapai* / *sesuai jalur* and met at the year's end, or *tidak akan",
                  "tercapai* and not met). The region page shows the MAE beside each forecast",
                  "(\"perkiraan; galat rata-rata ±x pp\")."]
    for y in s["years"]:
        lines += ["", f"Statuses {y['year']}: " + ", ".join(f"{k} {v}" for k, v in sorted(y["by_status"].items()))]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
