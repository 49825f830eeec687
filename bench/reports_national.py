"""Benchmark: a national workbook and a national PDF for one cut-off (goal: both under 10 s).

Uses the demo store (`capaian demo build`): pass `--db PATH` to reuse one, or it builds the demo
into a temporary folder first (about a minute, not counted). Times the whole `build_report` call
for each format in a fresh process state (first call, imports included) and again warm, and
breaks the PDF down (trend data, chart, WeasyPrint). Prints figures; it is not a timed test.

    .venv/bin/python bench/reports_national.py [--db demo.duckdb] [--cutoff 2020-11-H1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

GENERATED = dt.datetime(2024, 1, 1)


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a demo store (built into a temporary folder when absent)")
    parser.add_argument("--cutoff", default="2020-11-H1")
    parser.add_argument("--scope", default="ID")
    args = parser.parse_args()

    from capaian.store import open_store

    tmp = None
    if args.db:
        store = open_store(args.db)
    else:
        from capaian.demo.build import build_demo

        tmp = tempfile.TemporaryDirectory(prefix="capaian-bench-")
        store = open_store(Path(tmp.name) / "demo.duckdb")
        seconds, _ = timed(lambda: build_demo(store))
        print(f"demo build (not counted): {seconds:.1f} s")

    from capaian.reports import build_report

    cold_x, xlsx = timed(lambda: build_report(store, args.scope, args.cutoff, "xlsx", generated_at=GENERATED))
    cold_p, pdf = timed(lambda: build_report(store, args.scope, args.cutoff, "pdf", generated_at=GENERATED))
    warm_x, _ = timed(lambda: build_report(store, args.scope, args.cutoff, "xlsx", generated_at=GENERATED))
    warm_p, _ = timed(lambda: build_report(store, args.scope, args.cutoff, "pdf", generated_at=GENERATED))

    from capaian.reports import resolve_scope
    from capaian.reports.charts import trend_png, trend_rows
    from capaian.reports.pdf import render_pdf
    from capaian.runs import pick

    view, choice = pick(store, cutoff=args.cutoff)
    scope = resolve_scope(view, args.scope)
    t_trend, rows = timed(lambda: trend_rows(store, choice, view, scope.code))
    t_chart, png = timed(lambda: trend_png(rows, view.rubric, "id"))
    t_pdf, _ = timed(lambda: render_pdf(view, scope, "id", GENERATED, trend_png=png))

    print(f"scope / cut-off / run:    {scope.title('en')} / {args.cutoff} / run {view.run_id}")
    print(f"regions in scope:         {len(scope.regions(view)):,}  (indicator rows {len(scope.indicators(view)):,})")
    print(f"workbook:                 {cold_x:.2f} s first call, {warm_x:.2f} s warm  ({len(xlsx.content) / 1024:.0f} KiB)")
    print(f"PDF:                      {cold_p:.2f} s first call, {warm_p:.2f} s warm  ({len(pdf.content) / 1024:.0f} KiB)")
    print(f"  trend data {t_trend:.2f} s, chart {t_chart:.2f} s, WeasyPrint {t_pdf:.2f} s")
    total = cold_x + cold_p
    print(f"workbook + PDF:           {total:.2f} s first calls ({warm_x + warm_p:.2f} s warm); goal < 10 s: "
          + ("met" if total < 10 else "NOT met"))
    store.close()
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
