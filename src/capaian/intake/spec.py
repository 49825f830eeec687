"""What a submission file may contain: columns, fact kinds and impossible combinations."""

from __future__ import annotations

CODE_COLUMN = "kode_wilayah"
NAME_COLUMN = "nama_wilayah"
CUTOFF_COLUMN = "cutoff"
# The denominator base the row's denominators belong to (an id of `capaian.bases`, e.g.
# dkb-2020-s1); when given it must be the base in force on the cut-off's as-of date.
BASE_COLUMN = "basis_penyebut"
REQUIRED_COLUMNS = (CODE_COLUMN, CUTOFF_COLUMN)
OPTIONAL_COLUMNS = (NAME_COLUMN, BASE_COLUMN)

# fact -> kind: "count" (whole number >= 0), "flag" (0 or 1), "percent" (number >= 0, may pass 100).
FACTS: dict[str, str] = {
    "wajib_ktp": "count",
    "ktp_terekam": "count",
    "anak_lt17": "count",
    "kia_dimiliki": "count",
    "anak_lt18": "count",
    "akta_lahir_dimiliki": "count",
    "ikd_aktif": "count",
    "dokumen_kertas_putih": "count",
    "dokumen_tte": "count",
    "layanan_online": "flag",
    "layanan_terintegrasi": "flag",
    "pks": "count",
    "akses_data": "count",
    "bpp": "count",
    "bpp_persen": "percent",
    "inovasi": "count",
}

# (part, whole): `part` can never exceed `whole` in the same row. KTP-el recordings CAN exceed
# the required population (numerators grow daily, denominators are semester figures), so
# ktp_terekam / wajib_ktp is deliberately not listed.
IMPOSSIBLE_ABOVE = (
    ("kia_dimiliki", "anak_lt17"),
    ("akta_lahir_dimiliki", "anak_lt18"),
)

# Tiers a submission row may be for: regencies/cities, and a province for its own office.
SUBMISSION_TIERS = ("province", "regency")
