"""When and what each office sends in the demo: most on time, a few late, a few nothing or only part.

- Per cut-off every regency/city office sends some days after the as-of date: most within the
  reporting deadline (5 days by default, `capaian.quality.completeness`); an office is late now and
  then, and a few habitually late offices more often. The offices sending on the same day go in one
  file, dated that day (`Arrival.submitted_at`).
- Towards the year's end a few offices send nothing, and a few send only part of the columns (no
  data-access count). Such a gap runs from its cut-off to the year's end, as an office that has not
  sent yet would: it never comes and goes within the year, so it does not make figures flip back
  and forth for the data-quality flags to report.
- Kalimantan Utara (the seed scenario) and Bengkulu (which sends its own province totals) always
  send everything on time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from capaian.periods import Cutoff

# Two on-time days, not five: every file is one import through the real intake path (about 0.5 s),
# and the demo build is what `make run` and the test suite wait for.
ON_TIME_DAYS = (2, 4)
ON_TIME_WEIGHTS = (0.4, 0.6)
LATE_DAYS = (7, 10, 16)
LATE_CHANCE = 0.015  # an office's chance to be late at one cut-off
HABITUAL_SHARE = 0.02  # offices habitually late ...
HABITUAL_CHANCE = 0.4  # ... and how often they are
ALWAYS_SEND = ("65", "17")  # provinces whose offices always send everything on time
PARTIAL_DROPS = ("akses_data",)  # what a partial office leaves out
# Gaps from a cut-off to the year's end: how many offices start to send nothing / only part there.
GAPS = {
    2020: {"missing": {"2020-12-H1": 1, "2020-12-H2": 1}, "partial": {"2020-12-H1": 2}},
    2022: {"missing": {"2022-11-H2": 2, "2022-12-H1": 2, "2022-12-H2": 3},
           "partial": {"2022-11-H1": 2, "2022-12-H1": 1}},
}


@dataclass(frozen=True)
class Arrival:
    """One file of a cut-off: the rows of the offices that sent on one day."""

    cutoff: str
    submitted_at: dt.datetime
    rows: pd.DataFrame

    @property
    def name(self) -> str:
        return f"{self.cutoff}-{self.submitted_at:%Y%m%d}"


def _office(code: str) -> str:
    return ".".join(str(code).split(".")[:2])


def _gaps(offices: list[str], year: int, rng: np.random.Generator) -> tuple[dict, dict]:
    """Office -> the cut-off from which it sends nothing; office -> from which it sends only part."""
    eligible = [o for o in offices if o.split(".")[0] not in ALWAYS_SEND]
    plan = GAPS.get(year, {})
    wanted = sum(plan.get("missing", {}).values()) + sum(plan.get("partial", {}).values())
    picked = list(rng.choice(eligible, size=min(wanted, len(eligible)), replace=False))
    out: tuple[dict, dict] = ({}, {})
    for target, kind in zip(out, ("missing", "partial")):
        for cutoff, n in plan.get(kind, {}).items():
            for _ in range(n):
                if picked:
                    target[picked.pop()] = Cutoff.parse(cutoff)
    return out


def plan_arrivals(frames: dict[str, pd.DataFrame], year: int, seed: int = 2020) -> dict[str, list[Arrival]]:
    """The files of every cut-off of `year` from its full rows (`national.national_submissions`,
    Kaltara's rows of 2020 included): per cut-off, the arrivals in the order they came."""
    rng = np.random.default_rng(seed * 7 + year)
    first = next(iter(frames.values()))
    offices = sorted({_office(c) for c in first["kode_wilayah"] if "." in str(c)})
    habitual = set(rng.choice(offices, size=max(1, round(HABITUAL_SHARE * len(offices))), replace=False))
    missing_from, partial_from = _gaps(offices, year, rng)
    out: dict[str, list[Arrival]] = {}
    for cutoff, rows in frames.items():
        cut = Cutoff.parse(cutoff)
        delays = {}
        for office in offices:
            chance = HABITUAL_CHANCE if office in habitual else LATE_CHANCE
            if office.split(".")[0] not in ALWAYS_SEND and rng.random() < chance:
                delays[office] = int(rng.choice(LATE_DAYS))
            else:
                delays[office] = int(rng.choice(ON_TIME_DAYS, p=ON_TIME_WEIGHTS))
        rows = rows.astype({c: "Int64" for c in PARTIAL_DROPS if c in rows.columns})
        codes = rows["kode_wilayah"].astype(str)
        office_of = codes.map(_office)
        gone = {o for o, since in missing_from.items() if cut >= since}
        rows = rows[~office_of.isin(gone)]
        office_of = office_of[rows.index]
        part = office_of.isin({o for o, since in partial_from.items() if cut >= since})
        for column in PARTIAL_DROPS:
            if column in rows.columns:
                rows.loc[part, column] = pd.NA
        # a province's own totals (code without a dot) come with its last regency
        day = office_of.map(lambda o: delays.get(o, 0))
        provinces = ~rows["kode_wilayah"].astype(str).str.contains(".", regex=False)
        for i in rows.index[provinces]:
            code = str(rows.at[i, "kode_wilayah"])
            day[i] = max((d for o, d in delays.items() if o.startswith(code + ".") and o not in gone), default=1)
        arrivals = []
        for n, delay in enumerate(sorted(set(day))):
            when = dt.datetime.combine(cut.as_of + dt.timedelta(days=int(delay)), dt.time(9, 0)) \
                + dt.timedelta(minutes=37 * n)
            arrivals.append(Arrival(cutoff, when, rows[day == delay].reset_index(drop=True)))
        out[cutoff] = arrivals
    return out
