"""Synthetic region frames and facts for tests and benchmarks (no dependency on `capaian.regions`).

Frames have the columns of `Hierarchy.region_frame()`: `code, name, tier, kind, parent, province,
regency, district`, with the national row `ID`; ancestor columns carry the region's own code at
its own tier.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ["code", "name", "tier", "kind", "parent", "province", "regency", "district"]


def _row(code, name, tier, kind, parent, province=None, regency=None, district=None) -> dict:
    return dict(code=code, name=name, tier=tier, kind=kind, parent=parent, province=province,
                regency=regency, district=district)


def region_frame(provinces: dict, districts_per_regency: int = 0, villages_per_district: int = 0) -> pd.DataFrame:
    """`provinces`: {code: (name, {regency_code: regency_name})}; districts and villages are numbered."""
    rows = [_row("ID", "Indonesia", "national", "negara", None)]
    for p_code, (p_name, regencies) in provinces.items():
        rows.append(_row(p_code, p_name, "province", "provinsi", "ID", p_code))
        for r_code, r_name in regencies.items():
            kind = "kota" if int(r_code[-2:]) >= 71 else "kabupaten"
            rows.append(_row(r_code, r_name, "regency", kind, p_code, p_code, r_code))
            for d in range(1, districts_per_regency + 1):
                d_code = f"{r_code}.{d:02d}"
                rows.append(_row(d_code, f"Kecamatan {d_code}", "district", "kecamatan", r_code, p_code, r_code, d_code))
                for v in range(1, villages_per_district + 1):
                    v_code = f"{d_code}.{2000 + v}"
                    rows.append(_row(v_code, f"Desa {v_code}", "village", "desa", d_code, p_code, r_code, d_code))
    return pd.DataFrame(rows, columns=COLUMNS)


def _split(total: int, parts: int) -> np.ndarray:
    base = np.full(parts, total // parts)
    base[: total % parts] += 1
    return base


def national_frame(provinces=38, regencies=514, districts=7285, villages=83762) -> pd.DataFrame:
    """A frame of the size of the real hierarchy, with synthetic codes (vectorised)."""
    p_codes = np.array([f"{11 + i:02d}" for i in range(provinces)], dtype=object)
    r_per_p = _split(regencies, provinces)
    r_prov = np.repeat(p_codes, r_per_p)
    r_num = np.concatenate([np.arange(1, k + 1) for k in r_per_p])
    r_codes = np.array([f"{p}.{n:02d}" for p, n in zip(r_prov, r_num)], dtype=object)
    d_per_r = _split(districts, regencies)
    d_reg = np.repeat(r_codes, d_per_r)
    d_num = np.concatenate([np.arange(1, k + 1) for k in d_per_r])
    d_codes = np.array([f"{r}.{n:02d}" for r, n in zip(d_reg, d_num)], dtype=object)
    v_per_d = _split(villages, districts)
    v_dis = np.repeat(d_codes, v_per_d)
    v_num = np.concatenate([np.arange(1, k + 1) for k in v_per_d])
    v_codes = np.array([f"{d}.{2000 + n:04d}" for d, n in zip(v_dis, v_num)], dtype=object)
    parts = [
        pd.DataFrame([_row("ID", "Indonesia", "national", "negara", None)]),
        pd.DataFrame({"code": p_codes, "name": [f"Provinsi {c}" for c in p_codes], "tier": "province",
                      "kind": "provinsi", "parent": "ID", "province": p_codes, "regency": None, "district": None}),
        pd.DataFrame({"code": r_codes, "name": [f"Kabupaten {c}" for c in r_codes], "tier": "regency",
                      "kind": "kabupaten", "parent": r_prov, "province": r_prov, "regency": r_codes, "district": None}),
        pd.DataFrame({"code": d_codes, "name": [f"Kecamatan {c}" for c in d_codes], "tier": "district",
                      "kind": "kecamatan", "parent": d_reg, "province": [c[:2] for c in d_codes],
                      "regency": d_reg, "district": d_codes}),
        pd.DataFrame({"code": v_codes, "name": [f"Desa {c}" for c in v_codes], "tier": "village",
                      "kind": "desa", "parent": v_dis, "province": [c[:2] for c in v_codes],
                      "regency": [c[:5] for c in v_codes], "district": v_dis}),
    ]
    return pd.concat(parts, ignore_index=True)[COLUMNS]


COVERAGE_FACTS = (("wajib_ktp", "ktp_terekam", 0.70, 0.97), ("anak_lt17", "kia_dimiliki", 0.29, 0.45),
                  ("anak_lt18", "akta_lahir_dimiliki", 0.31, 0.93))
IMPLEMENTATION_FACTS = (("dokumen_kertas_putih", 18), ("dokumen_tte", 18), ("layanan_online", 1),
                        ("layanan_terintegrasi", 1), ("pks", 15), ("akses_data", 15), ("bpp", 10))


def synthetic_facts(frame: pd.DataFrame, cutoff: str = "2022-06-H1", seed: int = 0) -> pd.DataFrame:
    """Village coverage facts and regency implementation facts, in the long fact format."""
    rng = np.random.default_rng(seed)
    villages = frame.loc[frame["tier"] == "village", "code"].to_numpy()
    regencies = frame.loc[frame["tier"] == "regency", "code"].to_numpy()
    parts = []
    pop = rng.integers(300, 9000, size=len(villages))
    for den_fact, num_fact, share, pct in COVERAGE_FACTS:
        den = np.round(pop * share)
        num = np.round(den * np.clip(rng.normal(pct, 0.06, size=len(villages)), 0, 1.2))
        parts.append(pd.DataFrame({"region_code": villages, "fact": den_fact, "value": den}))
        parts.append(pd.DataFrame({"region_code": villages, "fact": num_fact, "value": num}))
    for fact, done in IMPLEMENTATION_FACTS:
        value = np.where(rng.random(len(regencies)) < 0.8, done, rng.integers(0, done, size=len(regencies)))
        parts.append(pd.DataFrame({"region_code": regencies, "fact": fact, "value": value.astype(float)}))
    facts = pd.concat(parts, ignore_index=True)
    facts["cutoff"] = cutoff
    facts["source"] = "synthetic"
    return facts[["region_code", "cutoff", "fact", "value", "source"]]
