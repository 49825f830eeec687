"""Synthetic register and 2020 service events of Kalimantan Utara (province 65), seeded.

    residents_path, events_path = build_kaltara_register(out_dir, seed=2020)

About 750,000 resident rows over every village of the 2025 hierarchy of province 65, plus the
2020 service events of its five regencies/cities. Everything is numpy-vectorised (a few seconds).

CALIBRATION (exact, summed over the province, through `capaian.facts`): both press articles of
the seed scenario. Denominators are counted on the population date of the denominator base in
force (`capaian.bases`: DKB Semester I 2020, 30 Jun 2020, for both cut-offs), numerators on the
cut-off:

| fact | 2020-11-H1 (15 Nov) | 2020-11-H2 (30 Nov) |
|---|---|---|
| wajib_ktp (30 Jun 2020) | 458,845 | 458,845 |
| ktp_terekam | 467,701 (101.93 %) | 468,151 (102.03 %; the article: 102.80 %) |
| anak_lt17 (30 Jun 2020) | 205,011 | 205,011 |
| kia_dimiliki | 91,763 (44.76 %) | 92,450 (45.10 %; the article: 40.77 %) |
| anak_lt18 (30 Jun 2020) | 226,735 | 226,735 |
| akta_lahir_dimiliki | 218,142 (96.21 %) | 219,100 (96.63 %, not published) |

The follow-up article's own percentages are Kaltara's reported figures (`capaian.demo.build`),
not a base. The population is also calibrated on 31 Oct 2020 (`BASE_H2`) to the counts those
percentages imply (455,400 / 226,760 / 237,800): a date of the synthetic population kept from an
earlier reading (a "DKB konsolidasi Oktober 2020" base, dropped: no source supports it); no
cut-off counts on it.

How: a population is drawn with plausible ages, dates and regency propensities; between the two
bases adults die or move out and the October 2020 consolidation adds children registered late
(`moved_in_on` in Sep-Oct 2020), which is why the new base has more children and fewer adults.
Then (1) residents without any document ("fillers": adults, children, 17-year-olds, present on
both base dates or on one of them) are added until the denominators on both base dates are
exact, and (2) recording / issue dates of residents present on both cut-offs are set or removed
until the numerators on both cut-offs are exact. The press denominators imply an age-17 cohort
(anak_lt18 - anak_lt17 - married under-17s) much larger than a single child cohort on 30 Jun;
the fillers keep it (a synthetic artefact).

Events (designated documents only): before each regency's switch date documents are printed on
security paper with a wet signature; after it on white paper with TTE. Malinau (65.02) and
Nunukan (65.03) keep some document types on security paper (already signed with TTE) until
15 Nov 2020 (so at 2020-11-H1 their dokumen_kertas_putih is 14 and 16 while dokumen_tte is 18),
and from 16 Nov every regency prints all of them on white paper (18 at H2). Every regency has
online-channel events in every half-month period. Age is counted as in `capaian.facts.dates`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from capaian.register.documents import designated_documents

PROVINCE = "65"
H1 = dt.date(2020, 11, 15)
H2 = dt.date(2020, 11, 30)
BASE_H1 = dt.date(2020, 6, 30)  # DKB Semester I 2020, in force on 15 Nov 2020
BASE_H2 = dt.date(2020, 10, 31)  # a calibration date of the synthetic population only (no base; see above)

DENOMINATORS = {
    BASE_H1: {"wajib_ktp": 458_845, "anak_lt17": 205_011, "anak_lt18": 226_735},
    BASE_H2: {"wajib_ktp": 455_400, "anak_lt17": 226_760, "anak_lt18": 237_800},
}
NUMERATORS = {
    H1: {"ktp_terekam": 467_701, "kia_dimiliki": 91_763, "akta_lahir_dimiliki": 218_142},
    H2: {"ktp_terekam": 468_151, "kia_dimiliki": 92_450, "akta_lahir_dimiliki": 219_100},
}
# What `capaian.facts` gives, summed over the province, at each cut-off.
TARGETS_H1 = {**NUMERATORS[H1], **DENOMINATORS[BASE_H1]}
TARGETS_H2 = {**NUMERATORS[H2], **DENOMINATORS[BASE_H2]}

CORE_ADULTS = 432_000  # aged 18+ on 15 Nov 2020 (before fillers)
CORE_CHILDREN = 196_000  # aged 0-17 on 15 Nov 2020
MARRIED_UNDER_17 = 1_500
CONSOLIDATED_CHILDREN = 21_000  # registered late in Sep-Oct 2020 (the October consolidation)
LEFT_JUL_OCT = {"died": 1_500, "moved": 1_500}  # adults gone between the two base dates
GONE = {"died_before_2020": 20_000, "moved_before_2020": 10_000, "died_2020": 1_500, "moved_2020": 1_500}
GONE_DEC = {"died": 400, "moved": 300}  # present on H1/H2, gone in December
BORN_DEC = 550

# Share of the province's residents, and propensities (recording, KIA, akta) per regency.
REGENCIES = {
    "65.01": {"name": "Bulungan", "share": 0.215, "old": "6407", "ktp": 1.0, "kia": 1.1, "akta": 1.0},
    "65.02": {"name": "Malinau", "share": 0.120, "old": "6406", "ktp": 1.3, "kia": 0.9, "akta": 0.9},
    "65.03": {"name": "Nunukan", "share": 0.285, "old": "6408", "ktp": 1.2, "kia": 0.8, "akta": 0.8},
    "65.04": {"name": "Tana Tidung", "share": 0.035, "old": "6407", "ktp": 1.6, "kia": 0.6, "akta": 0.8},
    "65.71": {"name": "Tarakan", "share": 0.345, "old": "6473", "ktp": 0.7, "kia": 1.5, "akta": 1.3},
}
MIGRANT_PREFIXES = ("737101", "731101", "730201", "357801", "350701", "537101", "727101", "637101", "647201")

KTP_START = dt.date(2011, 2, 1)
KIA_START = dt.date(2016, 3, 1)
WHITE_PAPER_FROM = dt.date(2020, 7, 1)  # Permendagri 109/2019

# Switch to white paper (+TTE) per regency; (legacy types kept on security paper, until).
SWITCH = {
    "65.01": (dt.date(2020, 7, 1), dt.date(2020, 7, 1), (), None),
    "65.71": (dt.date(2020, 7, 1), dt.date(2020, 7, 1), (), None),
    "65.04": (dt.date(2020, 8, 16), dt.date(2020, 9, 16), (), None),
    "65.02": (
        dt.date(2020, 7, 16),
        dt.date(2020, 7, 16),
        ("akta_kelahiran", "akta_kematian", "akta_perkawinan", "akta_perceraian"),
        dt.date(2020, 11, 16),
    ),
    "65.03": (
        dt.date(2020, 7, 1),
        dt.date(2020, 7, 1),
        ("kartu_keluarga", "surat_keterangan_pindah"),
        dt.date(2020, 11, 16),
    ),
}

EPOCH = np.datetime64("1970-01-01", "D")
NONE = -(10**9)  # "no date" in the day-number arrays (real dates before 1970 are negative)


def _d(value: dt.date) -> int:
    """Days since 1970-01-01."""
    return (value - dt.date(1970, 1, 1)).days


def _ymd_to_days(years, months, days) -> np.ndarray:
    months_since = (np.asarray(years) - 1970) * 12 + (np.asarray(months) - 1)
    first = np.asarray(months_since).astype("datetime64[M]").astype("datetime64[D]")
    return (first - EPOCH).astype(np.int64) + np.asarray(days) - 1


def _split(total: int, weights) -> np.ndarray:
    """Integers proportional to `weights` summing exactly to `total` (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    raw = w / w.sum() * total
    out = np.floor(raw).astype(np.int64)
    short = total - out.sum()
    out[np.argsort(-(raw - out), kind="stable")[:short]] += 1
    return out


def _pick(rng, pool: np.ndarray, k: int, weights=None) -> np.ndarray:
    """`k` distinct members of `pool` drawn with probability ~ weights (Efraimidis-Spirakis)."""
    if k > len(pool):
        raise ValueError(f"cannot pick {k} of {len(pool)}")
    if k == 0:
        return pool[:0]
    w = np.ones(len(pool)) if weights is None else np.asarray(weights, dtype=float)
    keys = np.log(rng.random(len(pool))) / w
    return pool[np.argpartition(-keys, k - 1)[:k]]


def _between(rng, lo, hi, power: float = 1.0) -> np.ndarray:
    """Day numbers in [lo, hi] (inclusive); power > 1 leans towards lo."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    span = np.maximum(hi - lo + 1, 1)
    return lo + np.minimum(np.floor(span * rng.random(lo.shape) ** power).astype(np.int64), span - 1)


def kaltara_villages(version: str = "2025") -> list[str]:
    """Dotted village codes of province 65 in hierarchy `version`."""
    from capaian.regions import get_hierarchy

    frame = get_hierarchy(version).region_frame()
    in_province = frame["code"].astype(str).str.startswith(PROVINCE + ".")
    return sorted(frame.loc[(frame["tier"] == "village") & in_province, "code"].astype(str))


def _years(days: np.ndarray) -> np.ndarray:
    return (days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970)


def _born_by(day: dt.date, years: int) -> int:
    """Day number of `capaian.facts.dates.born_by` (the latest birth date of someone aged `years`)."""
    from capaian.facts.dates import born_by

    return _d(born_by(day, years))


def _birthday(birth: np.ndarray, years: int) -> np.ndarray:
    """Day numbers of the `years`-th birthday (29 Feb -> 1 Mar in non-leap years, as `born_by`)."""
    dates = pd.to_datetime(birth.astype("datetime64[D]"))
    target = dates.year.to_numpy() + years
    month, day = dates.month.to_numpy(), dates.day.to_numpy()
    leap = (target % 4 == 0) & ((target % 100 != 0) | (target % 400 == 0))
    feb29 = (month == 2) & (day == 29) & ~leap
    month = np.where(feb29, 3, month)
    day = np.where(feb29, 1, day)
    return _ymd_to_days(target, month, day)


# -- the rules of capaian.facts.register, on the generator's arrays --------------------------
def _present(p: dict, day: int) -> np.ndarray:
    return ((p["birth"] <= day) & ((p["moved_in"] == NONE) | (p["moved_in"] <= day))
            & ((p["died"] == NONE) | (p["died"] > day)) & ((p["moved"] == NONE) | (p["moved"] > day)))


def _conditions(p: dict, on: dt.date) -> dict:
    day = _d(on)
    present = _present(p, day)
    married = p["married"]
    adult = p["birth"] <= _born_by(on, 17)
    child17 = present & (p["birth"] > _born_by(on, 17)) & ~married
    child18 = present & (p["birth"] > _born_by(on, 18))
    has = {k: (p[k] != NONE) & (p[k] <= day) for k in ("ktp", "kia", "akta")}
    return {
        "wajib_ktp": present & (adult | married),
        "ktp_terekam": present & has["ktp"],
        "anak_lt17": child17,
        "kia_dimiliki": child17 & has["kia"],
        "anak_lt18": child18,
        "akta_lahir_dimiliki": child18 & has["akta"],
    }


def _counts(p: dict, on: dt.date) -> dict:
    return {k: int(v.sum()) for k, v in _conditions(p, on).items()}


# -- residents ------------------------------------------------------------------------------
def _frame_dict(n: int) -> dict:
    return {
        "birth": np.zeros(n, np.int64), "female": np.zeros(n, bool), "married": np.zeros(n, bool),
        "village": np.empty(n, dtype=object), **{k: np.full(n, NONE, np.int64)
                                                 for k in ("ktp", "kia", "akta", "died", "moved", "moved_in")},
    }


def _concat(parts: list[dict]) -> dict:
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


class _Villages:
    """Villages with weights by regency share (kelurahan larger)."""

    def __init__(self, rng, villages: list[str]):
        self.codes = np.array(villages, dtype=object)
        self.regency = np.array([v[:5] for v in villages], dtype=object)
        w = rng.lognormal(0.0, 0.8, len(villages)) * np.where([v[9] == "1" for v in villages], 4.0, 1.0)
        share = np.array([REGENCIES[r]["share"] for r in self.regency])
        totals = pd.Series(w).groupby(self.regency).transform("sum").to_numpy()
        self.p = w / totals * share
        self.p /= self.p.sum()

    def draw(self, rng, n: int) -> np.ndarray:
        return self.codes[rng.choice(len(self.codes), size=n, p=self.p)]


def _ages_core(rng, n_adults: int, n_children: int) -> np.ndarray:
    """Birth day numbers: children 0-17 and adults 18-95 on H1, by a smooth pyramid."""
    weights = np.linspace(1.2, 0.8, 18)
    weights[16] *= 1.5  # a large cohort of 16-year-olds recorded early: KTP-el above 100 %
    child_ages = np.repeat(np.arange(18), _split(n_children, weights))
    adult_ages = np.arange(18, 96)
    knots = ([18, 22, 30, 40, 50, 60, 70, 80, 95], [1.7, 1.75, 1.5, 1.1, 0.75, 0.4, 0.15, 0.04, 0.003])
    adult_ages = np.repeat(adult_ages, _split(n_adults, np.interp(adult_ages, *knots)))
    ages = np.concatenate([child_ages, adult_ages])
    hi = _ymd_to_days(2020 - ages, 11, 15)
    return _between(rng, hi - 364, hi)


def _document_dates(rng, p: dict, idx: np.ndarray) -> None:
    """Plausible KTP-el, KIA and akta dates for residents `idx` (before the exact adjustment)."""
    h1 = _d(H1)
    birth = p["birth"][idx]
    reg = np.array([v[:5] for v in p["village"][idx]], dtype=object)
    prop = {k: np.array([REGENCIES[r][k] for r in reg]) for k in ("ktp", "kia", "akta")}
    start = np.maximum(p["moved_in"][idx], birth)
    # KTP-el: from the 16th birthday (earlier when married), most adults recorded
    at16 = np.maximum(_birthday(birth, 16), _d(KTP_START))
    can = at16 <= h1
    rec = can & (rng.random(len(idx)) < np.clip(0.985 + 0.01 * prop["ktp"], 0, 0.999))
    i = idx[rec]
    p["ktp"][i] = _between(rng, np.maximum(at16[rec], start[rec] - 4000), np.full(rec.sum(), h1), power=1.5)
    # KIA: children under 17, from March 2016, issued before the 17th birthday
    at17 = _birthday(birth, 17)
    lo = np.maximum(np.maximum(birth, _d(KIA_START)), start - 3000)
    hi = np.minimum(at17 - 1, h1)
    school = (h1 - birth) >= 5 * 365
    kia = (lo <= hi) & ~p["married"][idx] & (rng.random(len(idx)) < 0.345 * prop["kia"] * np.where(school, 1.2, 0.7))
    p["kia"][idx[kia]] = _between(rng, lo[kia], hi[kia])
    # akta: most children, 80 % of adults
    under18 = (h1 - birth) < 18 * 365
    akta = rng.random(len(idx)) < np.where(under18, np.clip(0.84 + 0.07 * prop["akta"], 0, 0.995), 0.8)
    p["akta"][idx[akta]] = _between(rng, birth[akta], np.full(akta.sum(), h1), power=3.0)


def _core(rng, villages: _Villages) -> dict:
    births = _ages_core(rng, CORE_ADULTS, CORE_CHILDREN)
    p = _frame_dict(len(births))
    p["birth"] = births
    n = len(births)
    p["female"] = rng.random(n) < 0.49
    p["village"] = villages.draw(rng, n)
    age = (_d(H1) - births) // 365
    teen = np.flatnonzero((age == 15) | (age == 16))
    p["married"][_pick(rng, teen, MARRIED_UNDER_17, np.where(p["female"][teen], 6.0, 1.0))] = True
    p_married = np.interp(age, [17, 18, 20, 25, 30, 40, 95], [0.05, 0.12, 0.4, 0.7, 0.88, 0.95, 0.97])
    p["married"] |= (age >= 17) & (rng.random(n) < p_married)
    # born after H2 would not be "present": keep everyone born on or before 15 Nov
    return p


def _consolidated(rng, villages: _Villages) -> dict:
    """Children registered late in the October 2020 consolidation (moved_in_on in Sep-Oct 2020)."""
    n = CONSOLIDATED_CHILDREN
    p = _frame_dict(n)
    ages = rng.choice(np.arange(1, 17), size=n, p=np.linspace(0.6, 1.4, 16) / np.linspace(0.6, 1.4, 16).sum())
    hi = _ymd_to_days(2020 - ages, 9, 1)
    p["birth"] = _between(rng, hi - 364, hi)
    p["female"] = rng.random(n) < 0.49
    p["village"] = villages.draw(rng, n)
    p["moved_in"] = _between(rng, np.full(n, _d(dt.date(2020, 9, 1))), np.full(n, _d(BASE_H2)))
    return p


def _left_jul_oct(rng, villages: _Villages) -> dict:
    """Adults present on 30 Jun 2020 who died or moved out before 31 Oct 2020."""
    parts = []
    for kind, count in LEFT_JUL_OCT.items():
        p = _frame_dict(count)
        age = rng.integers(45, 92, count) if kind == "died" else rng.integers(20, 50, count)
        p["birth"] = _ymd_to_days(2020 - age, 1, 1) - rng.integers(0, 365, count)
        p["female"] = rng.random(count) < 0.45
        p["married"] = rng.random(count) < 0.85
        p["village"] = villages.draw(rng, count)
        p[kind] = _between(rng, np.full(count, _d(dt.date(2020, 7, 1))), np.full(count, _d(BASE_H2)))
        ktp = rng.random(count) < 0.95
        p["ktp"][ktp] = _between(rng, np.full(ktp.sum(), _d(KTP_START)), np.full(ktp.sum(), _d(dt.date(2020, 6, 30))))
        parts.append(p)
    return _concat(parts)


def _gone_and_newborn(rng, villages: _Villages) -> dict:
    """Residents not present on H1/H2: died or moved out earlier, or born in December 2020."""
    parts = []
    specs = [
        ("died", GONE["died_before_2020"], dt.date(2011, 1, 1), dt.date(2019, 12, 31), (45, 92)),
        ("moved", GONE["moved_before_2020"], dt.date(2015, 1, 1), dt.date(2019, 12, 31), (18, 50)),
        ("died", GONE["died_2020"], dt.date(2020, 1, 1), dt.date(2020, 6, 30), (45, 92)),
        ("moved", GONE["moved_2020"], dt.date(2020, 1, 1), dt.date(2020, 6, 30), (18, 50)),
    ]
    for kind, count, first, last, (amin, amax) in specs:
        p = _frame_dict(count)
        gone_on = _between(rng, np.full(count, _d(first)), np.full(count, _d(last)))
        age_at = rng.integers(amin, amax + 1, count)
        p["birth"] = gone_on - (age_at * 365.25).astype(np.int64) - rng.integers(0, 365, count)
        ktp = np.where(
            rng.random(count) < 0.9,
            _between(rng, np.maximum(p["birth"] + 6209, _d(KTP_START)), np.maximum(gone_on, _d(KTP_START))),
            NONE,
        )
        p["ktp"] = np.where(ktp > gone_on, NONE, ktp)
        p["akta"] = np.where(rng.random(count) < 0.7, _between(rng, p["birth"], gone_on, power=2.0), NONE)
        p["female"] = rng.random(count) < 0.45
        p["married"] = rng.random(count) < 0.85
        p["village"] = villages.draw(rng, count)
        p[kind] = gone_on
        parts.append(p)
    p = _frame_dict(BORN_DEC)
    p["birth"] = _between(rng, np.full(BORN_DEC, _d(dt.date(2020, 12, 1))), np.full(BORN_DEC, _d(dt.date(2020, 12, 31))))
    p["akta"] = np.where(rng.random(BORN_DEC) < 0.3,
                         np.minimum(p["birth"] + rng.integers(0, 20, BORN_DEC), _d(dt.date(2020, 12, 31))), NONE)
    p["female"] = rng.random(BORN_DEC) < 0.49
    p["village"] = villages.draw(rng, BORN_DEC)
    parts.append(p)
    return _concat(parts)


# Residents without documents that move exactly one denominator vector; effect on
# (wajib_ktp, anak_lt17, anak_lt18) on (BASE_H1, BASE_H2).
_FILLERS = {
    # name: (birth, moved_in, moved_out)
    "adult": (dt.date(1985, 3, 1), None, None),               # (1,0,0) (1,0,0)
    "adult_h1": (dt.date(1985, 3, 1), None, dt.date(2020, 8, 1)),  # (1,0,0) -
    "adult_h2": (dt.date(1985, 3, 1), dt.date(2020, 8, 1), None),  # -        (1,0,0)
    "child": (dt.date(2015, 3, 1), None, None),               # (0,1,1) (0,1,1)
    "child_h1": (dt.date(2015, 3, 1), None, dt.date(2020, 8, 1)),
    "child_h2": (dt.date(2015, 3, 1), dt.date(2020, 8, 1), None),
    "seventeen": (dt.date(2003, 3, 1), None, None),           # (1,0,1) (1,0,1)
    "seventeen_h1": (dt.date(2002, 8, 15), None, None),       # (1,0,1) (1,0,0): 18 by 31 Oct
    "seventeen_h2": (dt.date(2003, 3, 1), dt.date(2020, 8, 1), None),  # -  (1,0,1)
}


def _filler_counts(short: dict) -> dict:
    """How many of each filler make up `short` {base: {fact: missing}}; all counts >= 0."""
    j, o = short[BASE_H1], short[BASE_H2]
    n = {}
    n["child"] = min(j["anak_lt17"], o["anak_lt17"])
    n["child_h1"], n["child_h2"] = j["anak_lt17"] - n["child"], o["anak_lt17"] - n["child"]
    r1, r2 = j["anak_lt18"] - j["anak_lt17"], o["anak_lt18"] - o["anak_lt17"]
    n["seventeen"] = min(r1, r2)
    n["seventeen_h1"], n["seventeen_h2"] = r1 - n["seventeen"], r2 - n["seventeen"]
    w1 = j["wajib_ktp"] - n["seventeen"] - n["seventeen_h1"]
    w2 = o["wajib_ktp"] - n["seventeen"] - n["seventeen_h1"] - n["seventeen_h2"]
    n["adult"] = min(w1, w2)
    n["adult_h1"], n["adult_h2"] = w1 - n["adult"], w2 - n["adult"]
    bad = {k: v for k, v in n.items() if v < 0}
    if bad:
        raise ValueError(f"calibration: the drawn population exceeds a denominator ({bad}); lower the core sizes")
    return n


def _fillers(rng, villages: _Villages, counts: dict) -> dict:
    parts = []
    for name, k in counts.items():
        if k == 0:
            continue
        birth, moved_in, moved_out = _FILLERS[name]
        p = _frame_dict(k)
        p["birth"] = np.full(k, _d(birth)) + rng.integers(0, 20, k) * (name not in ("seventeen_h1",))
        p["female"] = rng.random(k) < 0.5
        p["village"] = villages.draw(rng, k)
        if moved_in:
            p["moved_in"][:] = _d(moved_in)
        if moved_out:
            p["moved"][:] = _d(moved_out)
        parts.append(p)
    return _concat(parts)


_LATE = {"ktp": _d(dt.date(2020, 12, 20))}  # removing a recording: it happens in December instead


def _settle_numerators(rng, p: dict) -> None:
    """Set or remove document dates of residents present on both cut-offs until the numerators
    on H1 and H2 are exact (the denominators do not depend on these dates)."""
    facts = {"ktp_terekam": "ktp", "kia_dimiliki": "kia", "akta_lahir_dimiliki": "akta"}
    h1, h2 = _d(H1), _d(H2)
    c1, c2 = _conditions(p, H1), _conditions(p, H2)
    for fact, col in facts.items():
        eligible = {"ktp_terekam": c1["wajib_ktp"] & c2["wajib_ktp"],
                    "kia_dimiliki": c1["anak_lt17"] & c2["anak_lt17"],
                    "akta_lahir_dimiliki": c1["anak_lt18"] & c2["anak_lt18"]}[fact]
        eligible &= p["birth"] < _d(dt.date(2020, 9, 1))
        if col == "ktp":  # recording starts at 16
            eligible &= _birthday(p["birth"], 16) <= _d(dt.date(2020, 10, 1))
        for day, lo in ((H1, _d(dt.date(2020, 10, 1))), (H2, h1 + 1)):
            have = _counts(p, day)[fact]
            diff = NUMERATORS[day][fact] - have
            date = p[col]
            if diff > 0:
                pool = np.flatnonzero(eligible & ((date == NONE) | (date > h2)))
                chosen = _pick(rng, pool, diff)
                start = np.maximum(np.maximum(p["birth"][chosen], p["moved_in"][chosen]), lo)
                if col == "ktp":
                    start = np.maximum(start, _birthday(p["birth"][chosen], 16))
                date[chosen] = _between(rng, start, np.full(diff, _d(day)))
            elif diff < 0:
                window = (date != NONE) & (date <= _d(day)) & (date > (NONE if day == H1 else h1))
                chosen = _pick(rng, np.flatnonzero(eligible & window), -diff)
                date[chosen] = _LATE.get(col, NONE)


def _december(rng, p: dict) -> None:
    """Present on H1/H2, gone in December; KIA and akta issued in December."""
    dec_lo, dec_hi = _d(dt.date(2020, 12, 1)), _d(dt.date(2020, 12, 31))
    h2 = _d(H2)
    present = _present(p, h2) & (p["died"] == NONE) & (p["moved"] == NONE)
    age = (h2 - p["birth"]) // 365
    old = np.flatnonzero(present & (age >= 50))
    gone = _pick(rng, old, GONE_DEC["died"], np.exp((age[old] - 50) / 12.0))
    p["died"][gone] = _between(rng, np.full(len(gone), dec_lo), np.full(len(gone), dec_hi))
    mobile = np.setdiff1d(np.flatnonzero(present & (age >= 20) & (age < 45)), gone)
    gone = _pick(rng, mobile, GONE_DEC["moved"])
    p["moved"][gone] = _between(rng, np.full(len(gone), dec_lo), np.full(len(gone), dec_hi))
    kids = np.flatnonzero(present & (age < 15) & ~p["married"] & (p["kia"] == NONE))
    dec = _pick(rng, kids, 2_000)
    p["kia"][dec] = _between(rng, np.full(len(dec), dec_lo), np.full(len(dec), dec_hi))
    kids = np.flatnonzero(present & (age < 17) & (p["akta"] == NONE))
    dec = _pick(rng, kids, 500)
    p["akta"][dec] = _between(rng, np.full(len(dec), dec_lo), np.full(len(dec), dec_hi))


def _build_residents(rng, villages: list[str]) -> pd.DataFrame:
    vil = _Villages(rng, villages)
    p = _concat([_core(rng, vil), _consolidated(rng, vil), _left_jul_oct(rng, vil)])
    _document_dates(rng, p, np.arange(len(p["birth"])))
    short = {day: {f: DENOMINATORS[day][f] - c for f, c in _counts(p, day).items() if f in DENOMINATORS[day]}
             for day in (BASE_H1, BASE_H2)}
    fillers = _fillers(rng, vil, _filler_counts(short))
    _document_dates(rng, fillers, np.arange(len(fillers["birth"])))  # numerators are settled below
    p = _concat([p, fillers, _gone_and_newborn(rng, vil)])
    _settle_numerators(rng, p)
    _december(rng, p)
    frame = pd.DataFrame(p)
    return frame


def _niks(rng, frame: pd.DataFrame) -> np.ndarray:
    """Unique, valid NIKs: registration place + DDMMYY (day + 40 for women) + serial."""
    n = len(frame)
    digits = frame["village"].str.replace(".", "", regex=False).str[:6].to_numpy(dtype=object)
    birth = frame["birth"].to_numpy()
    years = _years(birth)
    # pre-2013 registrations carry the regency's old East Kalimantan code; some came from elsewhere
    old_reg = np.array([REGENCIES[v[:5]]["old"] for v in frame["village"]], dtype=object)
    older = years < 1995
    use_old = older & (rng.random(n) < 0.4)
    digits = np.where(use_old, old_reg + pd.Series(digits).str[4:6].to_numpy(dtype=object), digits)
    migrant = older & ~use_old & (rng.random(n) < 0.15)
    digits = np.where(migrant, np.array(MIGRANT_PREFIXES, dtype=object)[rng.integers(0, len(MIGRANT_PREFIXES), n)], digits)
    dates = pd.to_datetime(birth.astype("datetime64[D]"))
    day = dates.day.to_numpy() + np.where(frame["female"].to_numpy(), 40, 0)
    ddmmyy = (
        pd.Series(day).map("{:02d}".format)
        + pd.Series(dates.month.to_numpy()).map("{:02d}".format)
        + pd.Series(dates.year.to_numpy() % 100).map("{:02d}".format)
    )
    key = pd.Series(digits) + ddmmyy
    serial = key.groupby(key).cumcount().to_numpy() + 1
    return (key + pd.Series(serial).map("{:04d}".format)).to_numpy(dtype=object)


def _date_column(days: np.ndarray) -> pd.Series:
    """datetime.date objects (None where NONE) for pyarrow's date32."""
    days = np.asarray(days, dtype=np.int64)
    missing = days == NONE
    out = pd.Series(np.where(missing, 0, days).astype("datetime64[D]")).dt.date.astype(object)
    out[missing] = None
    return out


# -- events --------------------------------------------------------------------------------
DOC_WEIGHTS = {
    "kartu_keluarga": 36, "akta_kelahiran": 0, "akta_kematian": 5, "akta_perkawinan": 5,
    "akta_perceraian": 1.2, "akta_pengakuan_anak": 0.2, "akta_pengesahan_anak": 0.2,
    "akta_pengangkatan_anak": 0.05, "akta_perubahan_nama": 0.3, "akta_perubahan_kewarganegaraan": 0.05,
    "surat_keterangan_pindah": 12, "surat_keterangan_pindah_luar_negeri": 0.3,
    "surat_keterangan_datang_dari_luar_negeri": 0.4, "surat_keterangan_tempat_tinggal": 0.3,
    "surat_keterangan_kelahiran": 3, "surat_keterangan_kematian": 2, "surat_keterangan_lahir_mati": 0.2,
    "surat_keterangan_pembatalan_perkawinan": 0.05,
}
CHANNEL_WEIGHTS = {"kantor": 0.58, "online": 0.15, "adm": 0.05, "jemput_bola_desa": 0.14, "jemput_bola_sekolah": 0.08}


def _paper_and_tte(regency: np.ndarray, doc: np.ndarray, issued: np.ndarray):
    white = np.zeros(len(regency), dtype=bool)
    tte = np.zeros(len(regency), dtype=bool)
    for reg, (paper_from, tte_from, legacy, legacy_until) in SWITCH.items():
        m = regency == reg
        white[m] = issued[m] >= _d(paper_from)
        tte[m] = issued[m] >= _d(tte_from)
        if legacy:
            old = m & np.isin(doc, legacy) & (issued < _d(legacy_until))
            white[old] = False  # still printed on security paper, but already signed with TTE
    return white, tte


def _build_events(rng, residents: pd.DataFrame, niks: np.ndarray) -> pd.DataFrame:
    year_lo, year_hi = _d(dt.date(2020, 1, 1)), _d(dt.date(2020, 12, 31))
    regency = residents["village"].str[:5].to_numpy(dtype=object)
    birth = residents["birth"].to_numpy()
    # birth certificates issued in 2020 are events of the residents' own regency
    akta = residents["akta"].to_numpy()
    m = (akta >= year_lo) & (akta <= year_hi)
    parts = [pd.DataFrame({"nik": niks[m], "document_type": "akta_kelahiran", "issued": akta[m], "regency": regency[m]})]
    # other designated documents: ~45,000 in the year, by regency size, for adult residents
    docs = [d for d in designated_documents(2020) if d != "akta_kelahiran"]
    weights = np.array([DOC_WEIGHTS[d] for d in docs])
    adults = np.flatnonzero(
        (birth <= _d(dt.date(2002, 1, 1)))
        & (residents["died"].to_numpy() == NONE)
        & (residents["moved"].to_numpy() == NONE)
    )
    count = 45_000
    who = adults[rng.integers(0, len(adults), count)]
    doc = np.array(docs, dtype=object)[rng.choice(len(docs), count, p=weights / weights.sum())]
    nik = np.where(np.isin(doc, ["surat_keterangan_lahir_mati"]) | (rng.random(count) < 0.05), None, niks[who])
    parts.append(pd.DataFrame({"nik": nik, "document_type": doc,
                               "issued": _between(rng, np.full(count, year_lo), np.full(count, year_hi)),
                               "regency": regency[who]}))
    # guaranteed: the legacy types of Malinau/Nunukan issued on 1-15 Nov; an online event in
    # every regency and half-month period
    fixed = []
    for reg, (_p, _t, legacy, _until) in SWITCH.items():
        for d in legacy:
            fixed.append((None, d, _d(dt.date(2020, 11, 3)), reg, "kantor"))
    for reg in REGENCIES:
        for month in range(1, 13):
            for day in (5, 20):
                fixed.append((None, "kartu_keluarga", _d(dt.date(2020, month, day)), reg, "online"))
    fixed_frame = pd.DataFrame(fixed, columns=["nik", "document_type", "issued", "regency", "channel"])
    events = pd.concat(parts, ignore_index=True)
    chans = list(CHANNEL_WEIGHTS)
    events["channel"] = np.array(chans, dtype=object)[
        rng.choice(len(chans), len(events), p=np.array(list(CHANNEL_WEIGHTS.values())))
    ]
    events = pd.concat([events, fixed_frame], ignore_index=True)
    events = events.sort_values(["issued", "regency"], kind="stable").reset_index(drop=True)
    issued = events["issued"].to_numpy()
    white, tte = _paper_and_tte(events["regency"].to_numpy(dtype=object), events["document_type"].to_numpy(dtype=object), issued)
    return pd.DataFrame(
        {
            "nik": events["nik"],
            "document_type": events["document_type"],
            "issued_on": _date_column(issued),
            "issuing_regency": events["regency"],
            "paper": np.where(white, "putih", "security"),
            "signed_electronically": tte,
            "channel": events["channel"],
        }
    )


def build_kaltara_frames(seed: int = 2020, villages: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(residents, events) DataFrames with the extract columns of `capaian.register.schema`."""
    rng = np.random.default_rng(seed)
    villages = villages or kaltara_villages()
    people = _build_residents(rng, villages)
    order = rng.permutation(len(people))  # no meaning in row order
    people = people.iloc[order].reset_index(drop=True)
    niks = _niks(rng, people)
    residents = pd.DataFrame(
        {
            "nik": niks,
            "birth_date": _date_column(people["birth"].to_numpy()),
            "sex": np.where(people["female"].to_numpy(), "P", "L"),
            "ever_married": people["married"].to_numpy(dtype=bool),
            "village_code": people["village"].to_numpy(dtype=object),
            "ktp_recorded_on": _date_column(people["ktp"].to_numpy()),
            "kia_issued_on": _date_column(people["kia"].to_numpy()),
            "birth_cert_issued_on": _date_column(people["akta"].to_numpy()),
            "died_on": _date_column(people["died"].to_numpy()),
            "moved_out_on": _date_column(people["moved"].to_numpy()),
            "moved_in_on": _date_column(people["moved_in"].to_numpy()),
        }
    )
    events = _build_events(rng, people, niks)
    return residents, events


def _write_parquet(frame: pd.DataFrame, path: Path, dates: tuple[str, ...]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = []
    for col in frame.columns:
        if col in dates:
            fields.append(pa.field(col, pa.date32()))
        elif frame[col].dtype == bool:
            fields.append(pa.field(col, pa.bool_()))
        else:
            fields.append(pa.field(col, pa.string()))
    table = pa.Table.from_pandas(frame, schema=pa.schema(fields), preserve_index=False)
    pq.write_table(table, path)


def build_kaltara_register(out_dir, seed: int = 2020) -> tuple[Path, Path]:
    """Write `kaltara-residents.parquet` and `kaltara-events-2020.parquet` into `out_dir`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    residents, events = build_kaltara_frames(seed)
    residents_path = out / "kaltara-residents.parquet"
    events_path = out / "kaltara-events-2020.parquet"
    _write_parquet(
        residents, residents_path,
        ("birth_date", "ktp_recorded_on", "kia_issued_on", "birth_cert_issued_on", "died_on", "moved_out_on",
         "moved_in_on"),
    )
    _write_parquet(events, events_path, ("issued_on",))
    return residents_path, events_path
