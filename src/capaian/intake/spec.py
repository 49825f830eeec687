"""What a submission file may contain: columns, fact kinds and implausible combinations."""

from __future__ import annotations

CODE_COLUMN = "kode_wilayah"
NAME_COLUMN = "nama_wilayah"
CUTOFF_COLUMN = "cutoff"
# The denominator base the row's denominators belong to (an id of `capaian.bases`, e.g.
# dkb-2020-s1); when given it must be a known base counted by the cut-off's as-of date (not
# necessarily the one in force: the evaluation then shows both).
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

# Tiers a submission row may be for: regencies/cities, and a province for its own office.
SUBMISSION_TIERS = ("province", "regency")

# A numerator may exceed its denominator for every coverage indicator (KTP-el, KIA, akta, ...):
# denominators are fixed at a semester's base while numerators keep growing, so Dukcapil publishes
# figures above 100 % (akta, March 2018: Jambi 106,79 %, Kaltim 103,69 %, DKI 101,29 %). Such a
# value is accepted and flagged (`over_100`). Only a numerator above this factor of its
# denominator is refused, as a typing error (an extra digit makes x10): one rule for every
# coverage pair, checked within the row and against stored values.
MAX_NUMERATOR_RATIO = 2


def checked_pairs(cutoff=None) -> tuple[tuple[str, str], ...]:
    """The (numerator, denominator) pairs whose ratio is checked for `cutoff`: the pairs of the
    cut-off's rubric and of every shipped rubric (a slip is a slip in any year)."""
    return tuple(dict.fromkeys((*coverage_pairs(cutoff), *coverage_pairs(None))))


def coverage_pairs(cutoff=None) -> tuple[tuple[str, str], ...]:
    """(numerator, denominator) of the coverage indicators of the rubric for `cutoff`'s year;
    every shipped rubric's pairs when `cutoff` is None or has no rubric."""
    from capaian.errors import CapaianError
    from capaian.rubrics.loader import list_rubrics, load_rubric, rubric_for_year

    try:
        rubrics = [rubric_for_year(cutoff.year)] if cutoff is not None else None
    except CapaianError:
        rubrics = None
    if rubrics is None:
        rubrics = [load_rubric(r) for r in list_rubrics()]
    pairs = {(i.numerator, i.denominator) for r in rubrics for i in r.indicators
             if i.kind == "coverage" and i.numerator and i.denominator}
    return tuple(sorted(pairs))
