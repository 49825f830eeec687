"""Synthetic national aggregate submissions: every regency/city, every cut-off of a year.

Seeded and reproducible. Population sizes are drawn per regency (Java larger), coverage follows a
province level plus a regency's own offset (drawn once a year) and a rise over the year whose pace
swings from regency to regency and month to month, and implementation indicators are adopted
regency by regency. The figures behave as real ones do, so
that the data-quality flags (`capaian.quality.flags`) find only what the data holds, not the
generator: denominators change only when a new denominator base comes into force, cumulative
counts never fall, and an office's partial implementation count stays put until it complies.
For 2020 the province levels at 2020-11-H1 are placed so that Kalimantan Utara (65) ranks as the
seed article says: KTP-el 4th, KIA 7th, akta kelahiran 9th of 34. Kalimantan Utara's own
coverage facts for 2020 come from its register (see `kaltara_register`), so its rows here carry only
the facts the register cannot give.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from capaian.bases import base_for
from capaian.periods import Cutoff, cutoffs_of_year
from capaian.regions import get_hierarchy, map_code, version_for_cutoff, version_for_year

KALTARA = "65"
SEED_CUTOFF = "2020-11-H1"
# A province office that also submits its own totals (kept beside the sum of its regencies,
# which is what is evaluated): Bengkulu, whose own KTP-el count in Nov 2020 was higher than the
# sum of its regencies (1.408.525 against 1.402.535).
OWN_TOTALS = {"17": 1.408_525 / 1.402_535}
# Kaltara's percentages at the seed cut-off and the ranks the seed gives them.
SEED_PCT = {"ktp": 101.93, "kia": 44.76, "akta": 96.21}
SEED_RANK = {"ktp": 4, "kia": 7, "akta": 9}
# spread of the regencies' own distance from their province's coverage (pp): small where nearly
# everyone is covered (KTP-el recording), wider for KIA
OFFSET_PP = {"ktp": 1.2, "kia": 3.0, "akta": 1.5}
SOFT_PP = 2.0  # coverage bends towards its cap within this many pp
LOW_RISE = 0.6  # at most this share of a province's coverage at the anchor is gained before it
SWING = 0.8  # a regency's pace swings within (1 ± SWING) × its province's over the year
NOISE_PP = 0.03  # a regency's noise from one half-month to the next (pp)
HALF_MONTH_DAYS = 365.25 / 24
COVERAGE = {  # indicator -> (numerator fact, denominator fact, share of population in denominator)
    "ktp": ("ktp_terekam", "wajib_ktp", 0.70),
    "kia": ("kia_dimiliki", "anak_lt17", 0.29),
    "akta": ("akta_lahir_dimiliki", "anak_lt18", 0.31),
}
# Plausible ranges of province coverage (percent) at the end of each year.
RANGES = {
    2020: {"ktp": (88.0, 103.5), "kia": (8.0, 68.0), "akta": (78.0, 99.5)},
    2022: {"ktp": (94.0, 102.0), "kia": (20.0, 75.0), "akta": (88.0, 100.5)},
}


@dataclass(frozen=True)
class ImplementationFact:
    fact: str
    done_value: int
    years: tuple[int, ...]


IMPLEMENTATION = (
    ImplementationFact("dokumen_kertas_putih", 18, (2020, 2022)),
    ImplementationFact("dokumen_tte", 18, (2020, 2022)),
    ImplementationFact("layanan_online", 1, (2020, 2022)),
    ImplementationFact("layanan_terintegrasi", 1, (2020, 2022)),
    ImplementationFact("pks", 15, (2020, 2022)),
    ImplementationFact("akses_data", 15, (2020, 2022)),
    ImplementationFact("bpp", 10, (2022,)),
)


def _populations(regencies: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    java = regencies["province"].isin(["31", "32", "33", "34", "35", "36"]).to_numpy()
    base = rng.lognormal(mean=np.log(380_000), sigma=0.75, size=len(regencies))
    base = np.where(java, base * 2.6, base)
    return np.clip(base, 18_000, 5_800_000).round().astype(np.int64)


def _province_end_levels(provinces: list[str], year: int, rng: np.random.Generator) -> dict:
    """Each province's coverage at the seed cut-off (2020) or year end (2022), per indicator."""
    levels: dict[str, dict[str, float]] = {}
    quality = {p: float(rng.normal()) for p in provinces}
    for ind, (lo, hi) in RANGES[year].items():
        if year == 2020:
            # Kaltara's own coverage comes from its register; the others are placed around it.
            others = [p for p in provinces if p != KALTARA]
            above = SEED_RANK[ind] - 1
            target = SEED_PCT[ind]
            top = np.sort(rng.uniform(target + 0.4, max(hi, target + 3.0), size=above))[::-1]
            below = np.sort(rng.uniform(lo, target - 0.4, size=len(others) - above))[::-1]
            values = np.concatenate([top, below])
        else:
            others = list(provinces)
            values = np.sort(rng.uniform(lo, hi, size=len(others)))[::-1]
        # Provinces good at one indicator tend to be good at the others.
        score = np.array([quality[p] for p in others]) + rng.normal(0, 0.8, size=len(others))
        order = np.argsort(np.argsort(-score))
        for slot, prov in zip(order, others):
            levels.setdefault(prov, {})[ind] = float(values[slot])
    return levels


def _adoption_dates(regencies: pd.DataFrame, year: int, rng: np.random.Generator) -> dict:
    """Date each regency starts to meet each implementation fact (province-wide roll-out)."""
    start = dt.date(year, 1, 1)
    out: dict[str, np.ndarray] = {}
    provinces = regencies["province"].unique()
    for item in IMPLEMENTATION:
        if year not in item.years:
            continue
        # Day (from 1 Jan) by which the whole province complies; some provinces only next year.
        spread = {"layanan_online": 200, "layanan_terintegrasi": 260, "pks": 300}.get(item.fact, 420)
        # By 2022 most offices had the implementation indicators in place for a year or more.
        low, high = (-60, spread) if year == 2020 else (-500, spread // 2)
        finish = {p: int(rng.integers(low, high)) for p in provinces}
        days = np.array(
            [finish[p] - int(rng.integers(0, 150)) for p in regencies["province"]], dtype=np.int64
        )
        out[item.fact] = np.array([start + dt.timedelta(days=int(d)) for d in days])
    return out


def _saturate(pct: np.ndarray, cap_pct: float) -> np.ndarray:
    """Coverage that bends smoothly towards `cap_pct` (within SOFT_PP of it) instead of hitting a
    wall: a regency near the cap slows down, its half-monthly gain never drops to 0 at once."""
    knee = cap_pct - SOFT_PP
    bent = cap_pct - SOFT_PP * np.exp(-(pct - knee) / SOFT_PP)
    return np.where(pct > knee, bent, pct)


# Offices that still print on coloured paper, sign without TTE or grant no data access at the end
# of 2022, so that "k of 514 regencies/cities" means something in the newest runs. Roll-outs lag
# province by province; Kalimantan Timur and Utara (the stories and tests) are left out.
LAGGARDS = {"provinces": 5, "share": (0.3, 0.7), "spared": ("64", "65")}


def _with_laggards(adoption: dict, regencies: pd.DataFrame, year: int, seed: int) -> tuple[dict, dict]:
    """`adoption` with some regencies of a few provinces adopting white paper, TTE and data access
    only after `year` (2022 only), and per fact the regencies that have none of it yet (data access:
    no agency at all). A stream of its own, so every other figure stays as it was."""
    if year != 2022:
        return adoption, {}
    rng = np.random.default_rng((seed, year, 13))
    provinces = sorted(set(regencies["province"]) - set(LAGGARDS["spared"]))
    codes = regencies["province"].to_numpy()
    late = dt.date(year + 1, 3, 1)
    out, nothing = dict(adoption), {}
    # TTE needs white paper first: its laggards include those of white paper, and a few more.
    for facts, count, more in ((("dokumen_kertas_putih", "dokumen_tte"), LAGGARDS["provinces"], 1.25),
                               (("akses_data",), 3, 1.0)):
        chosen = rng.choice(provinces, size=count, replace=False)
        by_province = {p: rng.uniform(*LAGGARDS["share"]) for p in chosen}
        share = np.array([by_province.get(p, 0.0) for p in codes])
        draw = rng.random(len(regencies))
        for k, fact in enumerate(facts):
            lag = draw < share * (more if k else 1.0)
            out[fact] = np.where(lag, late, out[fact])
            if fact == "akses_data":
                nothing[fact] = lag
    return out, nothing


def _spread_over_regencies(
    den: np.ndarray, pct: float, rng: np.random.Generator, offsets: np.ndarray, cap_pct: float
) -> np.ndarray:
    """Numerators whose sum over the regencies gives exactly `pct` (rounded to 2 places): each
    regency at `pct` plus its own offset (pp) and a little noise of the half-month, what is left
    over spread in proportion to the denominators (so no one regency takes it all at once).

    No regency goes above `cap_pct` of its denominator (100 % where more is impossible).
    """
    cap = np.floor(den * cap_pct / 100).astype(np.int64)
    draw = _saturate(np.clip(pct + offsets + rng.normal(0, NOISE_PP, size=len(den)), 0.5, None), cap_pct)
    num = np.minimum(np.round(den * draw / 100).astype(np.int64), cap)
    target = int(round(den.sum() * pct / 100))
    for _ in range(4):
        diff = target - int(num.sum())
        room = (cap - num) if diff > 0 else num
        if diff == 0 or not (room > 0).any():
            break
        weight = np.where(room > 0, den, 0).astype(float)
        step = np.clip(np.round(diff * weight / weight.sum()).astype(np.int64), -num, cap - num)
        num += step
    diff = target - int(num.sum())
    for k in np.argsort(-den):  # the last few people of rounding on the largest regencies
        if diff == 0:
            break
        step = min(diff, int(cap[k] - num[k])) if diff > 0 else -min(-diff, int(num[k]))
        num[k] += step
        diff -= step
    return num


def _offsets(regencies: pd.DataFrame, den: np.ndarray, rng: np.random.Generator, spread: float) -> np.ndarray:
    """Each regency's own distance (pp) from its province's coverage, for the whole year: drawn
    once, centred per province (weighted by the denominator) so the province sum keeps its level."""
    out = rng.normal(0, spread, size=len(regencies))
    for prov in regencies["province"].unique():
        mask = (regencies["province"] == prov).to_numpy()
        out[mask] -= np.average(out[mask], weights=den[mask])
    return out


def _base_scale(cutoff: Cutoff, anchor: Cutoff, growth: np.ndarray) -> np.ndarray:
    """Population growth from the anchor's denominator base to the cut-off's: denominators are counts
    of a base (as of its population date), so they change only when a new base comes into force."""
    def when(cut):
        base = base_for(cut)
        return base.population_as_of if base is not None else cut.as_of
    half_months = (when(cutoff) - when(anchor)).days / HALF_MONTH_DAYS
    return growth ** half_months


def national_submissions(year: int, seed: int = 2020) -> dict[str, pd.DataFrame]:
    """Submission rows (kode_wilayah, nama_wilayah, cutoff, facts...) per cut-off of `year`."""
    rng = np.random.default_rng(seed * 1000 + year)
    hierarchy = get_hierarchy(version_for_year(year))
    frame = hierarchy.region_frame()
    regencies = frame[frame["tier"] == "regency"].sort_values("code").reset_index(drop=True)
    pop = _populations(regencies, rng)
    provinces = sorted(regencies["province"].unique())
    levels = _province_end_levels(provinces, year, rng)
    adoption, nothing = _with_laggards(_adoption_dates(regencies, year, rng), regencies, year, seed)
    cutoffs = cutoffs_of_year(year)
    anchor = cutoffs.index(Cutoff.parse(SEED_CUTOFF)) if year == 2020 else len(cutoffs) - 1
    slope = {"ktp": 0.12, "kia": 0.55, "akta": 0.22}  # percentage points per cut-off
    growth = 1 + rng.normal(0.0004, 0.0002, size=len(regencies))
    offsets = {ind: _offsets(regencies, pop * share, rng, OFFSET_PP[ind]) for ind, (_, _, share) in COVERAGE.items()}
    amplitude = {ind: rng.uniform(0, SWING, size=len(regencies)) for ind in COVERAGE}
    phase = {ind: rng.uniform(0, 2 * np.pi, size=len(regencies)) for ind in COVERAGE}
    partials = {item.fact: rng.integers(0, item.done_value, size=len(regencies)) if item.done_value > 1 else 0
                for item in IMPLEMENTATION}
    previous: dict[str, np.ndarray] = {}
    out: dict[str, pd.DataFrame] = {}
    for i, cutoff in enumerate(cutoffs):
        rows = pd.DataFrame(
            {"kode_wilayah": regencies["code"], "nama_wilayah": regencies["name"], "cutoff": str(cutoff)}
        )
        base = base_for(cutoff)
        if base is not None:  # the submission names the denominator base its figures belong to
            rows["basis_penyebut"] = base.id
        scale = _base_scale(cutoff, cutoffs[anchor], growth)
        for ind, (num_fact, den_fact, share) in COVERAGE.items():
            den = np.round(pop * share * scale).astype(np.int64)
            num = np.zeros(len(regencies), dtype=np.int64)
            for prov in provinces:
                mask = (regencies["province"] == prov).to_numpy()
                base = levels.get(prov, {}).get(ind)
                if base is None:
                    continue
                # a low coverage rises more slowly, so it never sits at the floor and then takes off
                rise = min(slope[ind], LOW_RISE * base / max(anchor, 1))
                pct = base - rise * (anchor - i)
                cap = 140.0 if ind == "ktp" else 100.0
                # each regency's own pace swings through the year around its province's (outreach
                # months, quiet months), never below 0: the change of sin(...) is at most SWING × rise
                swing = rise * amplitude[ind][mask] * 24 / (2 * np.pi) * np.sin(2 * np.pi * i / 24 + phase[ind][mask])
                num[mask] = _spread_over_regencies(den[mask], min(max(pct, 1.0), cap), rng,
                                                   offsets[ind][mask] + swing, cap)
            if ind in previous:  # recordings and documents held are cumulative: they never fall
                num = np.maximum(num, previous[ind])
            previous[ind] = num
            rows[den_fact] = den
            rows[num_fact] = num
        for fact, dates in adoption.items():
            done_value = next(x.done_value for x in IMPLEMENTATION if x.fact == fact)
            met = dates <= cutoff.as_of
            rows[fact] = np.where(met, done_value, partials[fact])  # the count reached so far stays
            if fact in nothing:
                rows[fact] = np.where(nothing[fact] & ~met, 0, rows[fact])
        out[str(cutoff)] = _with_own_totals(rows)
    return out


def dated_codes(rows: pd.DataFrame, cutoff) -> pd.DataFrame:
    """`rows` of one cut-off with the region codes of the cut-off's own hierarchy version: a year is
    drawn on the hierarchy of its end (`national_submissions`), but an office sends the codes valid
    on its cut-off (Merauke is 91.01 until 24 Jul 2022, 93.01 from 25 Jul 2022)."""
    drawn, version = version_for_year(Cutoff.parse(cutoff).year), version_for_cutoff(cutoff)
    if drawn == version:
        return rows
    return rows.assign(kode_wilayah=[map_code(code, drawn, version) for code in rows["kode_wilayah"].astype(str)])


def _with_own_totals(rows: pd.DataFrame) -> pd.DataFrame:
    """Add the own KTP-el totals of the provinces of `OWN_TOTALS` (their regencies' sums, the
    recordings scaled by the province's own count)."""
    extra = []
    for prov, factor in OWN_TOTALS.items():
        mine = rows[rows["kode_wilayah"].str.startswith(prov + ".")]
        if mine.empty:
            continue
        extra.append({"kode_wilayah": prov, "nama_wilayah": None, "cutoff": mine["cutoff"].iloc[0],
                      **({"basis_penyebut": mine["basis_penyebut"].iloc[0]} if "basis_penyebut" in mine else {}),
                      "wajib_ktp": int(mine["wajib_ktp"].sum()),
                      "ktp_terekam": int(round(mine["ktp_terekam"].sum() * factor))})
    if not extra:
        return rows
    ints = [c for c in rows.columns if pd.api.types.is_integer_dtype(rows[c])]
    out = pd.concat([rows, pd.DataFrame(extra)], ignore_index=True)
    return out.astype({c: "Int64" for c in ints})  # written without ".0", empty where missing


def split_kaltara_2020(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """2020 rows without Kaltara, and Kaltara's rows with only the facts its register lacks.

    Kaltara's 2020 coverage and document facts come from its register, so its submission
    carries just integrated services, PKS and data access.
    """
    in_kaltara = rows["kode_wilayah"].str.startswith(KALTARA + ".")
    kaltara = rows.loc[in_kaltara, ["kode_wilayah", "nama_wilayah", "cutoff"]].copy()
    kaltara["layanan_terintegrasi"] = 1
    kaltara["pks"] = 15
    kaltara["akses_data"] = 15
    return rows.loc[~in_kaltara].reset_index(drop=True), kaltara.reset_index(drop=True)
