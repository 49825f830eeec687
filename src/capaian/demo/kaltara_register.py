"""Synthetic register and 2020 service events of Kalimantan Utara (province 65), seeded.

    residents_path, events_path = build_kaltara_register(out_dir, seed=2020)

About 700,000 resident rows over every village of the 2025 hierarchy of province 65, plus the
2020 service events of its five regencies/cities. Everything is numpy-vectorised (a few seconds).

CALIBRATION (exact, summed over the province, through `capaian.facts`): the press figures of
the seed scenario.

| fact | 2020-11-H1 (15 Nov) | 2020-11-H2 (30 Nov) |
|---|---|---|
| wajib_ktp | 458,845 | 458,845 |
| ktp_terekam | 467,701 | 468,151 |
| anak_lt17 | 205,011 | 205,011 |
| kia_dimiliki | 91,763 | 102,530 (50.01 %: school outreach, 16-30 Nov) |
| anak_lt18 | 226,735 | 226,735 |
| akta_lahir_dimiliki | 218,142 | 218,442 |

How: the population present on 15 Nov is built cohort by cohort with exact sizes; nobody has a
birthday, is born, dies or moves out between 16 and 30 Nov 2020 (so every denominator is the
same at H1 and H2), and exactly N chosen people get a recording/issue date on or before each
cut-off. The press denominators imply an age-17 cohort (anak_lt18 - anak_lt17 - married
under-17s) much larger than a single child cohort; the pyramid keeps it (a synthetic artefact).

Events (designated documents only): before each regency's switch date documents are printed on
security paper with a wet signature; after it on white paper with TTE. Malinau (65.02) and
Nunukan (65.03) keep some document types on security paper (already signed with TTE) until
15 Nov 2020 (so at 2020-11-H1 their dokumen_kertas_putih is 14 and 16 while dokumen_tte is 18),
and from 16 Nov every regency prints all of them on white paper (18 at H2). Every regency has online-channel events in every
half-month period. Age is counted as in `capaian.facts.dates`.
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

TARGETS_H1 = {
    "ktp_terekam": 467_701,
    "wajib_ktp": 458_845,
    "kia_dimiliki": 91_763,
    "anak_lt17": 205_011,
    "akta_lahir_dimiliki": 218_142,
    "anak_lt18": 226_735,
}
TARGETS_H2 = {
    "ktp_terekam": 468_151,
    "wajib_ktp": 458_845,
    "kia_dimiliki": 102_530,
    "anak_lt17": 205_011,
    "akta_lahir_dimiliki": 218_442,
    "anak_lt18": 226_735,
}

MARRIED_UNDER_17 = 1_500
RECORDED_AT_16 = 10_500  # never-married 16-year-olds recorded by H1 (recording starts at 16)
NEW_RECORDINGS_H2 = 450  # 300 required residents + 150 sixteen-year-olds, 16-30 Nov
KIA_DEC, AKTA_DEC = 2_000, 500  # issued in December (after H2)
GONE = {"died_before_2020": 20_000, "moved_before_2020": 10_000, "died_2020": 3_000, "moved_2020": 3_000}
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


# -- residents ------------------------------------------------------------------------------
def _age_pyramid() -> tuple[np.ndarray, np.ndarray]:
    """(ages, exact head counts) of the population present on H1."""
    children = TARGETS_H1["anak_lt17"] + MARRIED_UNDER_17
    age17 = TARGETS_H1["anak_lt18"] - TARGETS_H1["anak_lt17"] - MARRIED_UNDER_17
    adults = TARGETS_H1["wajib_ktp"] - MARRIED_UNDER_17 - age17
    child_counts = _split(children, np.linspace(0.7, 1.3, 17))
    adult_ages = np.arange(18, 96)
    knots = ([18, 22, 30, 40, 50, 60, 70, 80, 95], [1.7, 1.75, 1.5, 1.1, 0.75, 0.4, 0.15, 0.04, 0.003])
    adult_counts = _split(adults, np.interp(adult_ages, *knots))
    ages = np.concatenate([np.arange(17), [17], adult_ages])
    counts = np.concatenate([child_counts, [age17], adult_counts])
    return ages, counts


def _births_for_ages(rng, ages: np.ndarray) -> np.ndarray:
    """Birth day numbers giving exactly `ages` on H1, none with a birthday on 16-30 Nov."""
    hi = _ymd_to_days(2020 - ages, 11, 15)  # 15 Nov of year 2020 - age
    lo = _ymd_to_days(2019 - ages, 12, 1)  # skip 16-30 Nov of the year before
    return _between(rng, lo, hi)


def _years(days: np.ndarray) -> np.ndarray:
    return (days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970)


def _build_residents(rng, villages: list[str]) -> pd.DataFrame:
    h1, h2 = _d(H1), _d(H2)
    ages, counts = _age_pyramid()
    age = np.repeat(ages, counts)
    n = len(age)
    birth = _births_for_ages(rng, age)
    female = rng.random(n) < 0.49

    # villages: regency shares, village weights (kelurahan larger)
    vil = np.array(villages)
    reg_of_vil = np.array([v[:5] for v in villages])
    vil_w = rng.lognormal(0.0, 0.8, len(vil))
    vil_w *= np.where(np.array([v[9] == "1" for v in villages]), 4.0, 1.0)  # kelurahan are larger
    reg_codes = np.array(list(REGENCIES))
    reg_share = np.array([REGENCIES[r]["share"] for r in reg_codes])
    reg_idx = rng.choice(len(reg_codes), size=n, p=reg_share / reg_share.sum())
    village = np.empty(n, dtype=object)
    for i, reg in enumerate(reg_codes):
        mask = reg_idx == i
        members = np.flatnonzero(reg_of_vil == reg)
        p = vil_w[members] / vil_w[members].sum()
        village[mask] = vil[members][rng.choice(len(members), size=int(mask.sum()), p=p)]
    prop = {k: np.array([REGENCIES[r][k] for r in reg_codes])[reg_idx] for k in ("ktp", "kia", "akta")}

    # marriage: exactly MARRIED_UNDER_17 among ages 15-16 (mostly girls)
    married = np.zeros(n, dtype=bool)
    teen = np.flatnonzero((age == 15) | (age == 16))
    married[_pick(rng, teen, MARRIED_UNDER_17, np.where(female[teen], 6.0, 1.0))] = True
    p_married = np.interp(age, [17, 18, 20, 25, 30, 40, 95], [0.05, 0.12, 0.4, 0.7, 0.88, 0.95, 0.97])
    married |= (age >= 17) & (rng.random(n) < p_married)

    wajib = (age >= 17) | married
    child17 = (age < 17) & ~married
    under18 = age < 18

    # KTP-el recording
    ktp = np.full(n, NONE, dtype=np.int64)
    pool16 = np.flatnonzero((age == 16) & ~married)
    rec16 = _pick(rng, pool16, RECORDED_AT_16, prop["ktp"][pool16])
    pool_w = np.flatnonzero(wajib)
    not_rec = len(pool_w) - (TARGETS_H1["ktp_terekam"] - RECORDED_AT_16)
    w_unrec = (1.0 / prop["ktp"][pool_w]) * np.where(age[pool_w] == 17, 8.0, 1.0) * np.where(age[pool_w] >= 75, 6.0, 1.0)
    unrec = _pick(rng, pool_w, not_rec, w_unrec)
    rec = np.setdiff1d(pool_w, unrec)
    rec = np.concatenate([rec, rec16])
    lo = np.maximum(birth[rec] + np.where(married[rec] & (age[rec] < 17), 5114, 5844), _d(KTP_START))
    lo = np.minimum(lo, h1)
    ktp[rec] = _between(rng, lo, np.full(len(rec), h1), power=1.5)
    late_w = _pick(rng, unrec, 300)
    late_16 = _pick(rng, np.setdiff1d(pool16, rec16), NEW_RECORDINGS_H2 - 300)
    late = np.concatenate([late_w, late_16])
    ktp[late] = _between(rng, np.full(len(late), h1 + 1), np.full(len(late), h2))

    # KIA (children under 17, never married)
    kia = np.full(n, NONE, dtype=np.int64)
    pool = np.flatnonzero(child17)
    school = (age[pool] >= 5).astype(float)
    have = _pick(rng, pool, TARGETS_H1["kia_dimiliki"], prop["kia"][pool] * (0.6 + 0.6 * school))
    kia[have] = _between(rng, np.maximum(birth[have], _d(KIA_START)), np.full(len(have), h1))
    rest = np.setdiff1d(pool, have)
    outreach = _pick(
        rng, rest, TARGETS_H2["kia_dimiliki"] - TARGETS_H1["kia_dimiliki"], np.where(age[rest] >= 5, 20.0, 1.0)
    )
    kia[outreach] = _between(rng, np.full(len(outreach), h1 + 1), np.full(len(outreach), h2))
    rest = np.setdiff1d(rest, outreach)
    rest = rest[age[rest] < 16]  # still under 17 when issued in December
    dec = _pick(rng, rest, KIA_DEC)
    kia[dec] = _between(rng, np.full(len(dec), h2 + 1), np.full(len(dec), _d(dt.date(2020, 12, 31))))

    # birth certificates (under 18 exactly calibrated; adults ~80 %)
    akta = np.full(n, NONE, dtype=np.int64)
    pool = np.flatnonzero(under18)
    have = _pick(rng, pool, TARGETS_H1["akta_lahir_dimiliki"], prop["akta"][pool] * (1.0 + (age[pool] >= 1)))
    akta[have] = _between(rng, birth[have], np.full(len(have), h1), power=3.0)
    rest = np.setdiff1d(pool, have)
    late = _pick(rng, rest, TARGETS_H2["akta_lahir_dimiliki"] - TARGETS_H1["akta_lahir_dimiliki"])
    akta[late] = _between(rng, np.full(len(late), h1 + 1), np.full(len(late), h2))
    rest = np.setdiff1d(rest, late)
    dec = _pick(rng, rest, AKTA_DEC)
    akta[dec] = _between(rng, np.full(len(dec), h2 + 1), np.full(len(dec), _d(dt.date(2020, 12, 31))))
    adults = np.flatnonzero(~under18)
    with_akta = adults[rng.random(len(adults)) < 0.8]
    akta[with_akta] = _between(
        rng, birth[with_akta], np.full(len(with_akta), _d(dt.date(2020, 10, 31))), power=2.0
    )

    # present on H1/H2, gone in December
    died = np.full(n, NONE, dtype=np.int64)
    moved = np.full(n, NONE, dtype=np.int64)
    dec_lo, dec_hi = _d(dt.date(2020, 12, 1)), _d(dt.date(2020, 12, 31))
    old = np.flatnonzero(age >= 50)
    gone = _pick(rng, old, GONE_DEC["died"], np.exp((age[old] - 50) / 12.0))
    died[gone] = _between(rng, np.full(len(gone), dec_lo), np.full(len(gone), dec_hi))
    mobile = np.setdiff1d(np.flatnonzero((age >= 20) & (age < 45)), gone)
    gone = _pick(rng, mobile, GONE_DEC["moved"])
    moved[gone] = _between(rng, np.full(len(gone), dec_lo), np.full(len(gone), dec_hi))

    present = pd.DataFrame(
        {
            "birth": birth, "female": female, "married": married, "village": village,
            "ktp": ktp, "kia": kia, "akta": akta, "died": died, "moved": moved,
        }
    )
    return pd.concat([present, _gone_and_newborn(rng, villages, vil_w)], ignore_index=True)


def _gone_and_newborn(rng, villages, vil_w) -> pd.DataFrame:
    """Residents not present on H1/H2: died or moved out earlier, or born in December 2020."""
    vil = np.array(villages)
    p = vil_w / vil_w.sum()
    frames = []
    specs = [
        ("died", GONE["died_before_2020"], dt.date(2011, 1, 1), dt.date(2019, 12, 31), (45, 92)),
        ("moved", GONE["moved_before_2020"], dt.date(2015, 1, 1), dt.date(2019, 12, 31), (18, 50)),
        ("died", GONE["died_2020"], dt.date(2020, 1, 1), H1, (45, 92)),
        ("moved", GONE["moved_2020"], dt.date(2020, 1, 1), H1, (18, 50)),
    ]
    for kind, count, first, last, (amin, amax) in specs:
        gone_on = _between(rng, np.full(count, _d(first)), np.full(count, _d(last)))
        age_at = rng.integers(amin, amax + 1, count)
        birth = gone_on - (age_at * 365.25).astype(np.int64) - rng.integers(0, 365, count)
        ktp = np.where(
            rng.random(count) < 0.9,
            _between(rng, np.maximum(birth + 6209, _d(KTP_START)), np.maximum(gone_on, _d(KTP_START))),
            NONE,
        )
        ktp = np.where(ktp > gone_on, NONE, ktp)
        akta = np.where(rng.random(count) < 0.7, _between(rng, birth, gone_on, power=2.0), NONE)
        frames.append(
            pd.DataFrame(
                {
                    "birth": birth, "female": rng.random(count) < 0.45,
                    "married": rng.random(count) < 0.85, "village": vil[rng.choice(len(vil), count, p=p)],
                    "ktp": ktp, "kia": NONE, "akta": akta,
                    "died": gone_on if kind == "died" else NONE, "moved": gone_on if kind == "moved" else NONE,
                }
            )
        )
    birth = _between(rng, np.full(BORN_DEC, _d(dt.date(2020, 12, 1))), np.full(BORN_DEC, _d(dt.date(2020, 12, 31))))
    akta = np.where(rng.random(BORN_DEC) < 0.3, np.minimum(birth + rng.integers(0, 20, BORN_DEC), _d(dt.date(2020, 12, 31))), NONE)
    frames.append(
        pd.DataFrame(
            {
                "birth": birth, "female": rng.random(BORN_DEC) < 0.49, "married": False,
                "village": vil[rng.choice(len(vil), BORN_DEC, p=p)],
                "ktp": NONE, "kia": NONE, "akta": akta, "died": NONE, "moved": NONE,
            }
        )
    )
    return pd.concat(frames, ignore_index=True)


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
        ("birth_date", "ktp_recorded_on", "kia_issued_on", "birth_cert_issued_on", "died_on", "moved_out_on"),
    )
    _write_parquet(events, events_path, ("issued_on",))
    return residents_path, events_path
