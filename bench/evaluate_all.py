"""Benchmark: evaluate a national hierarchy (38 / 514 / 7,285 / 83,762) and explain every province.

Uses `capaian.regions.get_hierarchy('2025').region_frame()` when available, else a synthetic frame
of the same size. Facts: village-level coverage (KTP-el, KIA, akta) and regency-level
implementation facts, rubric levelisasi-2022. Prints figures; it is not a timed test.

    .venv/bin/python bench/evaluate_all.py
"""

from __future__ import annotations

import resource
import sys
import time

from capaian.evaluate import evaluate
from capaian.evaluate.synthetic import national_frame, synthetic_facts
from capaian.rubrics import load_rubric


def region_frame():
    try:
        from capaian.regions import get_hierarchy

        return get_hierarchy("2025").region_frame(), "capaian.regions 2025"
    except Exception as exc:  # the regions module may not exist yet; synthetic codes are fine
        return national_frame(), f"synthetic ({type(exc).__name__})"


def best_of(n, fn):
    times, result = [], None
    for _ in range(n):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    rubric = load_rubric("levelisasi-2022")
    start = time.perf_counter()
    frame, origin = region_frame()
    facts = synthetic_facts(frame)
    setup = time.perf_counter() - start
    counts = frame["tier"].value_counts()
    seconds, ev = best_of(3, lambda: evaluate(facts, frame, rubric))
    prev_seconds, _ = best_of(3, lambda: evaluate(facts, frame, rubric, previous=ev))
    provinces = ev.regions.loc[ev.regions["tier"] == "province", "region_code"].tolist()
    explain_seconds, _ = best_of(1, lambda: [ev.explain(code).lines("id") for code in provinces])
    regencies = ev.regions.loc[ev.regions["tier"] == "regency", "region_code"].tolist()
    regency_seconds, _ = best_of(1, lambda: [ev.explain(code).lines("id") for code in regencies])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"regions frame:            {origin}")
    print("tiers:                    " + ", ".join(f"{t} {counts.get(t, 0):,}" for t in
                                                   ("national", "province", "regency", "district", "village")))
    print(f"regions:                  {len(frame):,}")
    print(f"facts rows:               {len(facts):,}  (setup {setup:.2f} s)")
    print(f"indicator rows:           {len(ev.indicators):,}")
    print(f"region rows:              {len(ev.regions):,}")
    print(f"evaluate (best of 3):     {seconds:.3f} s")
    print(f"evaluate with previous:   {prev_seconds:.3f} s")
    print(f"explain {len(provinces)} provinces:      {explain_seconds:.3f} s")
    print(f"explain {len(regencies)} regencies:     {regency_seconds:.3f} s")
    print(f"peak RSS:                 {peak_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
