"""Data-quality flags of one cut-off, produced by one step from the stored runs of the year up to the
cut-off (the one trend rule of `capaian.runs`) and the cut-off's facts. A flag never changes a
figure: it names the region, the indicator, what looks wrong, a severity and the evidence numbers.

Types:
- `over_100`: a coverage value above 100 %; evidence: value, numerator and denominator and how
  much each grew since the cut-off before, in percent (`side`: `numerator` when it grew (more than
  the denominator fell), `denominator` when that fell, `before` when neither: it was over already).
- `count_falls`: a cumulative count (a coverage numerator) lower than at the cut-off before (not
  for a province whose sum covers fewer regencies now or then: completeness tells that).
- `jump`: the latest half-monthly change of a coverage value deviates from the median of the
  region's own earlier changes by more than k × their median absolute deviation (MAD, unscaled;
  k = 5 by default, setting $CAPAIAN_QUALITY_K or `k=`: for normal noise 5 MAD ≈ 3,4 σ). At least
  3 earlier changes are needed (4 cut-offs before this one); exactly k × MAD is not a jump, nor a
  deviation under 0,5 pp (`MIN_JUMP_PP`: a steady series' MAD is near 0); a
  change at which a new denominator base comes into force is not a jump (the base explains it), nor
  the change of a province whose sum covers fewer regencies now or then.
- `reported_vs_recomputed`: an office's own submitted totals differ from the sum of its children.
- `partial_sum`: a province whose regencies do not all report: the sum over those that do, beside
  the own total that decides (`medium`), or standing alone, deciding nothing (`high`).
- `denominator_change`: a denominator changes between cut-offs while the denominator base stays.
- `implementation_flip`: an implementation indicator that was met, then not, then met (or the
  reverse) within the year, changing at this cut-off.
- `percent_mismatch`: a submission that also sends a percentage (fact `<numerator>_persen`) that
  differs from 100 × its own numerator / denominator by more than 0,01 pp.

Severity: `high`, `medium`, `low` (rules per type below).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from capaian import settings
from capaian.cells import number
from capaian.errors import CapaianError

DEFAULT_K = 5.0
K_ENV = "CAPAIAN_QUALITY_K"
MIN_CHANGES = 3
# A jump is at least this far (pp) from the usual change: a steady series has a MAD near 0, and a
# MAD from a few changes is itself unsteady, so without a floor any wobble of a tenth of a point
# would be a jump (on the demo: some 250 at the year's 6th cut-off, from honest noise).
MIN_JUMP_PP = 0.5
PERCENT_TOLERANCE = 0.01
FLAG_TYPES = ("over_100", "count_falls", "jump", "reported_vs_recomputed", "denominator_change",
              "implementation_flip", "percent_mismatch", "partial_sum")
SEVERITIES = ("high", "medium", "low")
TIERS = ("province", "regency")


def mad_k(value=None) -> float:
    """The jump setting k: `value`, else $CAPAIAN_QUALITY_K, else 5."""
    raw = value if value is not None else settings.raw(K_ENV)
    if raw is None or raw == "":
        return DEFAULT_K
    try:
        k = float(raw)
    except (TypeError, ValueError):
        k = -1.0
    if not 0 < k <= 100:
        raise CapaianError(
            f"Nilai k {raw!r} tidak sah: berikan angka lebih dari 0 sampai 100 (kelipatan MAD).",
            f"The value k {raw!r} is not valid: give a number above 0 up to 100 (a multiple of the MAD).",
        )
    return k


@dataclass
class Flag:
    type: str
    severity: str
    cutoff: str
    region_code: str
    region_name: str
    province_code: str
    indicator: str
    evidence: dict = field(default_factory=dict)
    explained: dict | None = None  # {note, actor, at} once a national user marked it explained

    @property
    def key(self) -> str:
        return f"{self.type}|{self.cutoff}|{self.region_code}|{self.indicator}"

    def to_dict(self) -> dict:
        return {**asdict(self), "key": self.key}


def _pct_change(old, new):
    if old in (None, 0) or new is None:
        return None
    return 100.0 * (new - old) / old


COLUMNS = ("cutoff", "region_code", "region_name", "tier", "province_code", "indicator", "kind", "numerator",
           "denominator", "value", "status", "denominator_base", "complete", "value_basis", "own_value",
           "own_numerator", "own_denominator", "partial_value", "partial_numerator", "partial_denominator",
           "regencies_reporting", "regencies_total")


def _rows(view) -> pd.DataFrame:
    """The office rows of a run, only the columns the flags read (to_dict on every column is slow)."""
    frame = view.indicators
    frame = frame[frame["tier"].isin(TIERS)]
    return frame[[c for c in COLUMNS if c in frame.columns]].astype(object)


def _records(frame: pd.DataFrame) -> list[dict]:
    """`frame.to_dict("records")` of an object frame, 3-4× faster (column lists zipped; the values are
    the same Python objects): the year's runs are 100,000+ rows on a first overview."""
    cols = list(frame.columns)
    return [dict(zip(cols, values)) for values in zip(*(frame[c].tolist() for c in cols))]


class _Passes:
    """The records of a run's office rows, made afresh on each pass over it."""

    def __init__(self, view):
        self.view = view

    def __iter__(self):
        return iter(_records(_rows(self.view)))


def _pairs(views):
    """(previous view, view) for consecutive runs."""
    return list(zip(views[:-1], views[1:]))


def _index(frame: list[dict]) -> dict:
    return {(r["region_code"], r["indicator"]): r for r in frame}


def _flag(kind, severity, row, evidence) -> Flag:
    return Flag(kind, severity, str(row["cutoff"]), row["region_code"], row.get("region_name") or "",
                str(row.get("province_code") or ""), row["indicator"], evidence)


def over_100(current: list[dict], previous: dict) -> list[Flag]:
    out = []
    for row in current:
        value = number(row.get("value"))
        if row["kind"] != "coverage" or value is None or value <= 100:
            continue
        prev = previous.get((row["region_code"], row["indicator"])) or {}
        num, den = number(row.get("numerator")), number(row.get("denominator"))
        num_growth = _pct_change(number(prev.get("numerator")), num)
        den_growth = _pct_change(number(prev.get("denominator")), den)
        side = None  # no earlier figure
        if num_growth is not None and den_growth is not None:
            # what moved the ratio up this half-month: a grown numerator or a shrunk denominator
            if num_growth > 0 and num_growth >= -den_growth:
                side = "numerator"
            elif den_growth < 0:
                side = "denominator"
            else:
                side = "before"  # neither: it was above 100 % at the cut-off before
        out.append(_flag("over_100", "high" if value > 105 else "medium", row, {
            "value": value, "numerator": num, "denominator": den,
            "previous_value": number(prev.get("value")), "numerator_growth_pct": num_growth,
            "denominator_growth_pct": den_growth, "side": side}))
    return out


def count_falls(current: list[dict], previous: dict) -> list[Flag]:
    out = []
    for row in current:
        num = number(row.get("numerator"))
        prev = previous.get((row["region_code"], row["indicator"]))
        before = number(prev.get("numerator")) if prev else None
        if row["kind"] != "coverage" or num is None or before is None or num >= before:
            continue
        if not (_complete(row) and _complete(prev)):
            continue  # a sum over fewer regencies than before: completeness says so, not a count that fell
        out.append(_flag("count_falls", "high", row, {
            "previous_cutoff": str(prev["cutoff"]), "previous": before, "current": num,
            "drop": before - num}))
    return out


def jump_test(values: list[float], k: float) -> dict | None:
    """Whether the last change of `values` is a jump: evidence when it is, None otherwise (also
    when there are fewer than MIN_CHANGES earlier changes)."""
    changes = np.diff(np.asarray(values, dtype=float))
    if len(changes) < MIN_CHANGES + 1:
        return None
    history, last = changes[:-1], float(changes[-1])
    median = float(np.median(history))
    mad = float(np.median(np.abs(history - median)))
    deviation = abs(last - median)
    if not (deviation > k * mad and deviation >= MIN_JUMP_PP):
        return None
    return {"change": last, "median_change": median, "mad": mad, "k": k, "deviation": deviation,
            "limit": max(k * mad, MIN_JUMP_PP), "history_changes": len(history)}


def jumps(frames: list[list[dict]], k: float) -> list[Flag]:
    current = frames[-1]
    series: dict = {}
    for frame in frames:
        for row in frame:
            value = number(row.get("value"))
            if row["kind"] == "coverage" and value is not None:
                series.setdefault((row["region_code"], row["indicator"]), []).append(value)
    before = _index(frames[-2]) if len(frames) > 1 else {}
    out = []
    for row in current:
        if row["kind"] != "coverage" or number(row.get("value")) is None:
            continue
        prev = before.get((row["region_code"], row["indicator"])) or {}
        if not (_complete(row) and _complete(prev)):
            continue  # a regency more or less in the sum moves it: completeness says so
        prev_base = prev.get("denominator_base")
        if isinstance(prev_base, str) and isinstance(row.get("denominator_base"), str) \
                and prev_base != row["denominator_base"]:
            continue  # a new denominator base came into force: the jump is the base's, not the data's
        found = jump_test(series.get((row["region_code"], row["indicator"]), []), k)
        if found:
            severity = "high" if found["mad"] > 0 and found["deviation"] > 2 * k * found["mad"] else "medium"
            out.append(_flag("jump", severity, row, found))
    return out


def reported_vs_recomputed(current: list[dict]) -> list[Flag]:
    out = []
    for row in current:
        own, value = number(row.get("own_value")), number(row.get("value"))
        if own is None or value is None or row.get("value_basis") == "own":
            continue
        difference = value - own
        if abs(difference) < 1e-9:
            continue
        severity = "high" if abs(difference) >= 1 else "medium" if abs(difference) >= 0.1 else "low"
        out.append(_flag("reported_vs_recomputed", severity, row, {
            "value": value, "own_value": own, "difference": difference,
            "numerator": number(row.get("numerator")), "own_numerator": number(row.get("own_numerator")),
            "denominator": number(row.get("denominator")), "own_denominator": number(row.get("own_denominator"))}))
    return out


def partial_sums(current: list[dict]) -> list[Flag]:
    out = []
    for row in current:
        partial = number(row.get("partial_value"))
        if row.get("kind") != "coverage" or partial is None:
            continue
        alone = row.get("value_basis") == "partial"
        out.append(_flag("partial_sum", "high" if alone else "medium", row, {
            "partial_value": partial, "partial_numerator": number(row.get("partial_numerator")),
            "partial_denominator": number(row.get("partial_denominator")),
            "reporting": number(row.get("regencies_reporting")), "total": number(row.get("regencies_total")),
            "value": None if alone else number(row.get("value")), "basis": row.get("value_basis")}))
    return out


def _complete(row) -> bool:
    value = row.get("complete")
    return value is None or value is True or value == 1 or (isinstance(value, float) and pd.isna(value))


def denominator_changes(current: list[dict], previous: dict) -> list[Flag]:
    out = []
    for row in current:
        prev = previous.get((row["region_code"], row["indicator"]))
        den = number(row.get("denominator"))
        before = number(prev.get("denominator")) if prev else None
        if row["kind"] != "coverage" or den is None or before is None or den == before:
            continue
        base, prev_base = row.get("denominator_base"), prev.get("denominator_base")
        if isinstance(base, str) and isinstance(prev_base, str) and base != prev_base:
            continue  # a new base came into force: the change is expected
        if not (_complete(row) and _complete(prev)):
            continue  # a regency more or less: completeness says so
        out.append(_flag("denominator_change", "medium", row, {
            "previous_cutoff": str(prev["cutoff"]), "previous": before, "current": den,
            "change": den - before, "base": base if isinstance(base, str) else None}))
    return out


def implementation_flips(frames: list[list[dict]]) -> list[Flag]:
    series: dict = {}
    for frame in frames:
        for row in frame:
            if row["kind"] == "implementation" and row.get("status") in ("met", "not_met"):
                series.setdefault((row["region_code"], row["indicator"]), []).append(
                    (str(row["cutoff"]), row["status"], number(row.get("value"))))
    out = []
    for row in frames[-1]:
        seq = series.get((row["region_code"], row["indicator"]), [])
        if len(seq) < 3 or seq[-1][0] != str(row["cutoff"]):
            continue
        a, b, c = seq[-3:]
        if a[1] == c[1] and b[1] != c[1]:
            out.append(_flag("implementation_flip", "low", row, {
                "cutoffs": [a[0], b[0], c[0]], "values": [a[2], b[2], c[2]], "statuses": [a[1], b[1], c[1]]}))
    return out


def percent_mismatches(facts: pd.DataFrame | None, current: list[dict], rubric) -> list[Flag]:
    if facts is None or facts.empty:
        return []
    rows_by = _index(current)
    values = {(r["region_code"], r["fact"]): float(r["value"]) for r in facts.to_dict("records")}
    out = []
    for indicator in rubric.indicators:
        if indicator.kind != "coverage" or not indicator.numerator:
            continue
        percent_fact = f"{indicator.numerator}_persen"
        for (code, fact), reported in values.items():
            if fact != percent_fact:
                continue
            num, den = values.get((code, indicator.numerator)), values.get((code, indicator.denominator))
            if num is None or not den:
                continue
            computed = 100.0 * num / den
            difference = reported - computed
            if abs(difference) <= PERCENT_TOLERANCE:
                continue
            row = rows_by.get((code, indicator.id)) or {
                "cutoff": str(facts["cutoff"].iloc[0]), "region_code": code, "region_name": "",
                "province_code": code.split(".")[0], "indicator": indicator.id}
            out.append(_flag("percent_mismatch", "high" if abs(difference) >= 1 else "medium", row, {
                "reported": reported, "computed": computed, "difference": difference,
                "numerator": num, "denominator": den}))
    return out


def flags_for_cutoff(views: list, facts: pd.DataFrame | None = None, k: float | None = None) -> list[Flag]:
    """Every flag of the last run of `views` (the year's runs up to it, in time order, as the one
    trend rule picks them), with `facts` the cut-off's current facts (for percentages sent)."""
    if not views:
        return []
    k = mad_k(k)
    # the runs before the previous one are only iterated (jumps, flips): their records are made on
    # each pass, one run at a time, not all kept at once (100,000+ dicts, ~90 MB at the peak)
    frames = [_Passes(v) for v in views[:-2]] + [_records(_rows(v)) for v in views[-2:]]
    current = frames[-1]
    previous = _index(frames[-2]) if len(frames) > 1 else {}
    flags = (over_100(current, previous) + count_falls(current, previous) + jumps(frames, k)
             + reported_vs_recomputed(current) + denominator_changes(current, previous)
             + implementation_flips(frames) + percent_mismatches(facts, current, views[-1].rubric)
             + partial_sums(current))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    flags.sort(key=lambda f: (order[f.severity], FLAG_TYPES.index(f.type), f.region_code, f.indicator))
    return flags


def by_row(flags: list[Flag]) -> dict:
    """Flags keyed by (region code, indicator): to show them next to the figure they concern."""
    out: dict = {}
    for flag in flags:
        out.setdefault((flag.region_code, flag.indicator), []).append(flag)
    return out


def counts(flags: list[Flag]) -> dict:
    out = {t: 0 for t in FLAG_TYPES}
    for flag in flags:
        out[flag.type] += 1
    return out


def select(flags: list[Flag], type: str | None = None, province: str | None = None,
           severity: str | None = None) -> list[Flag]:
    return [f for f in flags if (not type or f.type == type) and (not severity or f.severity == severity)
            and (not province or f.province_code == province or f.region_code == province)]
