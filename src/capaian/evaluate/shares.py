"""The one split of a province's coverage gap (`gap_split`): of the N people a province still needs,
how many in each of its regencies/cities.

The N people are spread over the regencies in proportion to the people each has not yet covered
(denominator − numerator), by the largest-remainder method, so the shares are whole people and add
up to exactly N. Regencies are listed largest uncovered first (ties by code).
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd


def allocate(needed: int, uncovered: dict[str, int]) -> dict[str, int]:
    """`needed` whole people spread over `uncovered` (code -> people) by largest remainder."""
    total = sum(max(0, u) for u in uncovered.values())
    if needed <= 0 or total <= 0:
        return {code: 0 for code in uncovered}
    if needed >= total:  # every uncovered person is needed
        return {code: max(0, u) for code, u in uncovered.items()}
    exact = {code: Fraction(needed * max(0, u), total) for code, u in uncovered.items()}
    out = {code: int(share) for code, share in exact.items()}  # floor (shares are >= 0)
    left = needed - sum(out.values())
    # the largest remainders get one more each; ties go to the larger uncovered count, then the code
    order = sorted(exact, key=lambda c: (-(exact[c] - out[c]), -uncovered[c], c))
    for code in order[:max(0, left)]:
        out[code] += 1
    return out


def step_shares(indicators: pd.DataFrame, province: str, indicator: str, needed: int) -> list[dict]:
    """Per regency of `province`: name, uncovered people and its share of the `needed` people of
    `indicator` (rows of `indicators`: the run's indicator frame), largest uncovered first."""
    rows = indicators[(indicators["tier"] == "regency") & (indicators["province_code"] == province)
                      & (indicators["indicator"] == indicator)]
    people: dict[str, int] = {}
    names: dict[str, str] = {}
    for row in rows.to_dict("records"):
        num, den = row.get("numerator"), row.get("denominator")
        if num is None or den is None or pd.isna(num) or pd.isna(den):
            continue
        people[row["region_code"]] = max(0, int(den) - int(num))
        names[row["region_code"]] = row["region_name"]
    shares = allocate(int(needed), people)
    order = sorted(people, key=lambda c: (-people[c], c))
    return [{"code": c, "name": names[c], "uncovered": people[c], "share": shares[c]} for c in order]


def _needed(num, den, target, comparison: str) -> int:
    """People a coverage figure still needs to meet its threshold (0 when met): the path's rule,
    `capaian.evaluate.explain.coverage_goal` − numerator (numerator − goal when lower is better)."""
    import math

    from capaian.evaluate.explain import coverage_goal, exact

    goal = coverage_goal(exact(target), int(den), comparison)
    gap = goal - int(num) if comparison in (">=", ">") else int(num) - goal
    return max(0, int(math.ceil(gap)))


RULE = {
    "id": "Orang yang masih dibutuhkan provinsi dibagi ke kabupaten/kota sebanding dengan penduduk yang "
          "belum tercakup di masing-masing (sisa terbesar: bilangan bulat yang jumlahnya tepat sama).",
    "en": "The people a province still needs are split over its regencies/cities in proportion to the people "
          "each has not yet covered (largest remainder: whole people adding up to exactly that number).",
}


def gap_split(view, province: str, indicator: str) -> dict | None:
    """The one split of a province's coverage gap, used by the path table, the forecast's province
    rollup, a regency's page, the PDF and the API: {province, indicator, threshold, needed, rule,
    shares: [{code, name, uncovered, share, own_short, reaches_own}]}; None when the province meets
    the indicator or has no figure. `view`: a run (`RunView`) holding the province's and its
    regencies' rows."""
    rows = view.indicators
    own = rows[(rows["region_code"] == province) & (rows["indicator"] == indicator)]
    if own.empty:
        return None
    row = own.iloc[0].to_dict()
    if row.get("kind") != "coverage" or row.get("status") != "not_met" or pd.isna(row.get("denominator")) \
            or pd.isna(row.get("numerator")) or not row.get("denominator"):
        return None
    ind = view.rubric.indicator(indicator)
    needed = _needed(row["numerator"], row["denominator"], row["target"], ind.comparison)
    shares = step_shares(rows, province, indicator, needed)
    kids = rows[(rows["tier"] == "regency") & (rows["province_code"] == province) & (rows["indicator"] == indicator)]
    by_code = {k["region_code"]: k for k in kids.to_dict("records")}
    for s in shares:
        k = by_code[s["code"]]
        s["own_short"] = _needed(k["numerator"], k["denominator"], k["target"], ind.comparison) \
            if k["denominator"] else 0
        s["reaches_own"] = s["share"] >= s["own_short"]
    return {"province": province, "indicator": indicator, "threshold": float(row["target"]), "needed": needed,
            "rule": RULE, "shares": shares}


def regency_gap_shares(view, regency: str) -> list[dict]:
    """A regency's share of each coverage gap of its province (`gap_split`): {indicator, province,
    province_needed, share, uncovered, own_short, rule}."""
    regs = view.regions[view.regions["region_code"] == regency]
    if regs.empty or regs.iloc[0]["tier"] != "regency":
        return []
    province = regs.iloc[0]["province_code"]
    out = []
    for ind in view.rubric.indicators:
        if ind.kind != "coverage":
            continue
        split = gap_split(view, province, ind.id)
        mine = next((s for s in (split or {}).get("shares", []) if s["code"] == regency), None)
        if mine is not None:
            out.append({"indicator": ind.id, "province": province, "province_needed": split["needed"],
                        "share": mine["share"], "uncovered": mine["uncovered"], "own_short": mine["own_short"],
                        "rule": RULE})
    return out
