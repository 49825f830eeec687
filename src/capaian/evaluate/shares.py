"""Each regency's share of a province's coverage step: of the N people a province still needs,
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
