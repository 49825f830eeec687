"""What the national team looks at next, from a run's record set (the frames of a `RunView`):

    watch_lists(view, margin_pp=1.0)
      -> {"near": [...], "at_risk": [...], "movers": [...], "not_reported": [...], "margin_pp": 1.0}

- `near`: offices (provinces and regencies/cities) one indicator from the next level, each with the
  indicator of its path (`capaian.evaluate.explain`: the cheapest one not met);
- `at_risk`: offices whose smallest margin on a met coverage indicator is under `margin_pp`
  percentage points of its denominator and for which losing that indicator lowers the level;
- `movers`: offices whose level changed since the previous run (the run picker's previous cut-off);
- `not_reported`: offices without data at this cut-off ("belum dinilai"), and regencies/cities the
  nation's coverage figures miss.

Lists are best-first (most urgent first); each item carries code, name, tier, level and what the
list is about. Pages show the first few and the count.
"""

from __future__ import annotations

import math

import pandas as pd

OFFICE_TIERS = ("province", "regency")


def _offices(view) -> pd.DataFrame:
    regs = view.regions
    return regs[regs["tier"].isin(OFFICE_TIERS)]


def _int(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value) else int(value)


def _item(row: dict, **extra) -> dict:
    return {"code": row["region_code"], "name": row["region_name"], "tier": row["tier"],
            "level": _int(row.get("level")), **extra}


def near_next_level(view) -> list[dict]:
    """Offices that reach the next level with one more indicator, with that indicator."""
    rubric = view.rubric
    rows = []
    for row in _offices(view).to_dict("records"):
        level, met = _int(row.get("level")), _int(row.get("indicators_met"))
        if level is None or met is None:
            continue
        nxt = rubric.next_band(level)
        if nxt is not None and nxt.met_from - met == 1:
            rows.append(row)
    if not rows:
        return []
    out = []
    for row, exp in zip(rows, view.explain_many([r["region_code"] for r in rows])):
        if not exp.path:
            continue
        step = exp.path[0]
        out.append(_item(row, next_level=exp.next_level, indicator=step.indicator,
                         label={"id": step.label.id, "en": step.label.en}, needed=step.needed,
                         cost=None if math.isinf(step.cost) else step.cost))
    out.sort(key=lambda r: (r["tier"] != "province", r["cost"] if r["cost"] is not None else 9e9, r["code"]))
    return out


def at_risk(view, margin_pp: float = 1.0) -> list[dict]:
    """Offices whose smallest margin on a met coverage indicator is under `margin_pp` points and
    whose level falls if they lose it."""
    rubric = view.rubric
    offices = _offices(view)
    codes = set(offices["region_code"])
    ind = view.indicators
    met = ind[ind["region_code"].isin(codes) & (ind["kind"] == "coverage") & (ind["status"] == "met")
              & ind["margin"].notna() & (ind["denominator"] > 0)]
    if met.empty:
        return []
    met = met.assign(margin_share=met["margin"] * 100.0 / met["denominator"])
    smallest = met.sort_values(["margin_share", "indicator"]).drop_duplicates("region_code")
    smallest = smallest[smallest["margin_share"] < margin_pp]
    by_code = {r["region_code"]: r for r in offices.to_dict("records")}
    out = []
    for r in smallest.to_dict("records"):
        reg = by_code[r["region_code"]]
        level, count = _int(reg.get("level")), _int(reg.get("indicators_met"))
        if level is None or count is None or count == 0 or rubric.band_for(count - 1).level >= level:
            continue
        label = rubric.indicator(r["indicator"]).label
        out.append(_item(reg, indicator=r["indicator"], label={"id": label.id, "en": label.en},
                         margin=int(r["margin"]), margin_pp=float(r["margin_share"]),
                         falls_to=rubric.band_for(count - 1).level))
    out.sort(key=lambda r: (r["margin_pp"], r["code"]))
    return out


def movers(view) -> list[dict]:
    """Offices whose level changed since the previous run, largest change first (falls before rises)."""
    out = []
    for row in _offices(view).to_dict("records"):
        level, prev = _int(row.get("level")), _int(row.get("prev_level"))
        if level is None or prev is None or level == prev:
            continue
        out.append(_item(row, prev_level=prev, change=level - prev))
    out.sort(key=lambda r: (r["change"] > 0, -abs(r["change"]), r["tier"] != "province", r["code"]))
    return out


def not_reported(view) -> list[dict]:
    """Offices with no data at this cut-off, then regencies/cities the nation's coverage figures miss."""
    offices = _offices(view)
    out, seen = [], set()
    for row in offices.to_dict("records"):
        assessed = row.get("assessed")
        if assessed is not None and not pd.isna(assessed) and not bool(assessed):
            out.append(_item(row, reason="no_data"))
            seen.add(row["region_code"])
    ind = view.indicators
    nation = ind[(ind["region_code"] == "ID") & (ind["kind"] == "coverage")]
    missing = set()
    for value in nation.get("regencies_missing", pd.Series(dtype=object)).dropna():
        names = value if isinstance(value, list) else [n for n in str(value).split(", ") if n]
        missing.update(names)
    if missing:
        regs = offices[(offices["tier"] == "regency") & offices["region_name"].isin(missing)]
        for row in regs.to_dict("records"):
            if row["region_code"] not in seen:
                out.append(_item(row, reason="missing_figures"))
                seen.add(row["region_code"])
    out.sort(key=lambda r: (r["tier"] != "province", r["code"]))
    return out


def watch_lists(view, margin_pp: float = 1.0) -> dict:
    """The four "what next" lists of a run (see the module docstring)."""
    return {"near": near_next_level(view), "at_risk": at_risk(view, margin_pp), "movers": movers(view),
            "not_reported": not_reported(view), "margin_pp": margin_pp}


def national_rule(rubric) -> bool:
    """Whether the rubric gives the nation itself a level (then its implementation indicators are
    judged met / not met by the rule); otherwise the nation shows k of n regencies/cities, neutral."""
    return "national" in tuple(rubric.level_tiers)
