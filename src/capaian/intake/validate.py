"""`validate_submission`: check a whole aggregate submission file before anything is stored."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from capaian.errors import CapaianError
from capaian.intake.numbers import EXPECTED, NumberProblem, parse_cell
from capaian.intake.reader import ReadProblem, max_file_text, read_table
from capaian.intake.report import ValidationReport
from capaian.intake.spec import (
    BASE_COLUMN, CODE_COLUMN, CUTOFF_COLUMN, FACTS, MAX_NUMERATOR_RATIO, OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS, SUBMISSION_TIERS, checked_pairs,
)

CODE_EXPECTED = ("kode wilayah Kemendagri, mis. 65.01", "a Kemendagri region code, e.g. 65.01")
CUTOFF_EXPECTED = ("YYYY-MM-H1 atau YYYY-MM-H2, mis. 2020-11-H1",
                   "YYYY-MM-H1 or YYYY-MM-H2, e.g. 2020-11-H1")


def _norm_header(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def _cell_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def in_scope(code: str, scope: str | None) -> bool:
    """May an operator for `scope` (None = national) submit for region `code`?"""
    from capaian.access import covers

    return scope is None or covers(scope, code)


def validate_submission(path, operator_scope: str | None = None, sheet: str | None = None,
                        today=None) -> ValidationReport:
    """Check the whole file; every problem is reported (nothing is ever written here).

    `sheet` names the XLSX sheet to read; `today` is the date cut-offs may not pass (default:
    `capaian.periods.today()`)."""
    path = Path(path)
    report = ValidationReport(file=path.name)
    scope = _scope(operator_scope)
    try:
        table = read_table(path, sheet=sheet)
    except ReadProblem as exc:
        expected = (("paling besar " + max_file_text(), "at most " + max_file_text())
                    if exc.rule == "file_size" else (None, None))
        report.add(exc.rule, exc.id_message, exc.en_message, row=exc.row, value=exc.value,
                   expected_id=expected[0], expected_en=expected[1])
        return report
    if table is not None:
        report.sheet = table.sheet
    if table is None or not table.rows:
        report.add(
            "empty", "Berkas kosong: tidak ada baris data.", "The file is empty: no data rows.",
            row=None if table is None else table.header_row + 1,
        )
        if table is None:
            return report
    columns = _check_header(report, table)
    report.columns = [c for c in columns if c]
    report.facts = [c for c in columns if c in FACTS]
    if not all(c in columns for c in REQUIRED_COLUMNS):
        return report
    _check_formulas(report, table, columns)
    _check_rows(report, table, columns, scope, today)
    report.problems.sort(key=lambda p: p.row or 0)  # stable: file order within a row
    return report


def _check_formulas(report: ValidationReport, table, columns: list[str]) -> None:
    """Formula cells without a saved value: refused (read as empty they would be lost silently)."""
    for number, index, formula in table.formulas:
        column = columns[index] if index < len(columns) and columns[index] else f"#{index + 1}"
        report.add(
            "formula", "Sel berisi rumus tanpa nilai tersimpan.",
            "The cell holds a formula without a saved value.",
            row=number, column=column, value=formula,
            expected_id="nilai, bukan rumus (salin lalu tempel sebagai nilai)",
            expected_en="a value, not a formula (copy, then paste as values)",
        )


def _scope(operator_scope: str | None) -> str | None:
    if operator_scope is None:
        return None
    from capaian.regions import normalize_code

    return normalize_code(operator_scope)


def _check_header(report: ValidationReport, table) -> list[str]:
    columns = [_norm_header(c) for c in table.header]
    width = max([len(table.header)] + [len(cells) for _, cells in table.rows])
    columns += [""] * (width - len(columns))
    row = table.header_row
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            report.add(
                "missing_column", f"Kolom wajib {name!r} tidak ada.",
                f"Required column {name!r} is missing.", row=row, column=name,
            )
    seen: set[str] = set()
    for index, name in enumerate(columns):
        if not name:
            if any(index < len(cells) and _cell_text(cells[index]) for _, cells in table.rows):
                report.add(
                    "unnamed_column", f"Kolom ke-{index + 1} berisi data tetapi tanpa nama.",
                    f"Column {index + 1} holds data but has no name.", row=row,
                    column=f"#{index + 1}",
                )
            continue
        if name in seen:
            report.add(
                "duplicate_column", f"Kolom {name!r} muncul lebih dari sekali.",
                f"Column {name!r} appears more than once.", row=row, column=name,
            )
        seen.add(name)
        if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS and name not in FACTS:
            report.add(
                "unknown_column", f"Kolom {name!r} tidak dikenal.", f"Unknown column {name!r}.",
                row=row, column=name, value=table.header[index] if index < len(table.header) else "",
                expected_id="kode_wilayah, nama_wilayah, cutoff, basis_penyebut, " + ", ".join(FACTS),
                expected_en="kode_wilayah, nama_wilayah, cutoff, basis_penyebut, " + ", ".join(FACTS),
            )
    if not any(c in FACTS for c in columns):
        report.add(
            "no_fact_columns", "Tidak ada kolom fakta (minimal satu).",
            "No fact column (at least one is needed).", row=row,
            expected_id=", ".join(FACTS), expected_en=", ".join(FACTS),
        )
    return columns


def _file_cutoff(report, table, columns, today=None):
    """The cut-off most rows give (the file's), parsing each row's value once; None when it is
    missing, malformed everywhere or outside the allowed range (`capaian.periods.check_cutoff`)."""
    from capaian.periods import (
        Cutoff, EarlyCutoffError, FutureCutoffError, check_cutoff, earliest_allowed, latest_allowed,
    )

    index = columns.index(CUTOFF_COLUMN)
    parsed: dict[int, object] = {}
    for number, cells in table.rows:
        text = _cell_text(cells[index]) if index < len(cells) else ""
        if not text:
            report.add(
                "missing_cutoff", "Cut-off kosong.", "Cut-off is empty.", row=number,
                column=CUTOFF_COLUMN, value="", expected_id=CUTOFF_EXPECTED[0],
                expected_en=CUTOFF_EXPECTED[1],
            )
            continue
        try:
            parsed[number] = Cutoff.parse(text)
        except (CapaianError, ValueError):
            report.add(
                "bad_cutoff", "Cut-off tidak valid.", "Invalid cut-off.", row=number,
                column=CUTOFF_COLUMN, value=text, expected_id=CUTOFF_EXPECTED[0],
                expected_en=CUTOFF_EXPECTED[1],
            )
    if not parsed:
        return None
    counts = Counter(str(c) for c in parsed.values())
    main = max(counts, key=lambda c: (counts[c], c))
    for number, cutoff in parsed.items():
        if str(cutoff) != main:
            report.add(
                "mixed_cutoff",
                f"Semua baris harus ber-cut-off sama; berkas ini {main}, baris ini {cutoff}.",
                f"All rows must share one cut-off; this file is {main}, this row {cutoff}.",
                row=number, column=CUTOFF_COLUMN, value=str(cutoff), expected_id=main,
                expected_en=main,
            )
    cutoff = next(c for c in parsed.values() if str(c) == main)
    try:
        return check_cutoff(cutoff, today)  # the one range rule of file, CLI and web
    except (EarlyCutoffError, FutureCutoffError) as exc:
        first = next(n for n, c in parsed.items() if str(c) == main)
        earliest, latest = earliest_allowed(), latest_allowed(today)
        report.add(
            "early_cutoff" if isinstance(exc, EarlyCutoffError) else "future_cutoff",
            exc.id_message, exc.en_message, row=first, column=CUTOFF_COLUMN, value=main,
            expected_id=f"{earliest} s.d. {latest}", expected_en=f"{earliest} to {latest}",
        )
        return None


def _unknown_code_messages(code: str, hierarchy, cutoff) -> tuple[str, str]:
    """Why `code` is unknown: the region list of the cut-off's date, and the code the same region
    has there when `code` belongs to another version (Merauke is 91.01 until 24 Jul 2022)."""
    from capaian.regions import VERSIONS
    from capaian.regions.versions import get_version, known_as

    name = hierarchy_name(hierarchy)
    if name not in VERSIONS:
        return (f"Kode wilayah {code} tidak ada dalam daftar wilayah {name}.",
                f"Region code {code} is not in the {name} region list.")
    version = get_version(name)
    text_id = (f"Kode wilayah {code} tidak ada dalam daftar wilayah {name} ({version.provinces} provinsi) "
               f"yang berlaku pada cut-off {cutoff}")
    text_en = (f"Region code {code} is not in the {name} region list ({version.provinces} provinces) "
               f"in force at cut-off {cutoff}")
    then = known_as(code, name)
    if then is not None:
        return (f"{text_id}; pada tanggal itu kodenya {then}.", f"{text_en}; on that date its code is {then}.")
    return text_id + ".", text_en + "."


def _check_region(report, hierarchy, number, text, scope):
    from capaian.regions import normalize_code

    where = dict(row=number, column=CODE_COLUMN, value=text,
                 expected_id=CODE_EXPECTED[0], expected_en=CODE_EXPECTED[1])
    if not text:
        report.add("missing_code", "Kode wilayah kosong.", "Region code is empty.", **where)
        return None
    try:
        code = normalize_code(text)
    except (CapaianError, ValueError):
        report.add("bad_code", "Kode wilayah tidak valid.", "Malformed region code.", **where)
        return None
    if hierarchy is None:
        return code
    try:
        region = hierarchy.get(code)
    except (CapaianError, LookupError):
        report.add("unknown_code", *_unknown_code_messages(code, hierarchy, report.cutoff), **where)
        return None
    if region.tier not in SUBMISSION_TIERS:
        report.add(
            "wrong_tier", f"Pengiriman hanya untuk provinsi dan kab/kota, bukan {region.tier}.",
            f"Submissions are for provinces and regencies/cities only, not {region.tier}.",
            **where,
        )
        return None
    if not in_scope(code, scope):
        report.add(
            "out_of_scope", f"Wilayah {code} di luar kewenangan pengirim ({scope}).",
            f"Region {code} is outside the submitter's jurisdiction ({scope}).",
            row=number, column=CODE_COLUMN, value=text,
            expected_id=f"{scope} atau wilayah di bawahnya", expected_en=f"{scope} or a region under it",
        )
        return None
    return code


def hierarchy_name(hierarchy) -> str:
    return str(getattr(hierarchy, "version", "") or "")


def _check_rows(report: ValidationReport, table, columns: list[str], scope: str | None,
                today=None) -> None:
    from capaian.regions import get_hierarchy, version_for_cutoff

    cutoff = _file_cutoff(report, table, columns, today)
    pairs = checked_pairs(cutoff)
    formula_cells = {(number, index) for number, index, _ in table.formulas}
    report.cutoff = None if cutoff is None else str(cutoff)
    hierarchy = get_hierarchy(version_for_cutoff(cutoff)) if cutoff is not None else None
    code_index = columns.index(CODE_COLUMN)
    fact_index = {c: i for i, c in enumerate(columns) if c in FACTS and columns.index(c) == i}
    first_row: dict[str, int] = {}
    for number, cells in table.rows:
        text = _cell_text(cells[code_index]) if code_index < len(cells) else ""
        code = _check_region(report, hierarchy, number, text, scope)
        if code is not None and code in first_row:
            report.add(
                "duplicate_region",
                f"Wilayah {code} sudah ada di baris {first_row[code]}.",
                f"Region {code} already appears on row {first_row[code]}.",
                row=number, column=CODE_COLUMN, value=text,
                expected_id="satu baris per wilayah", expected_en="one row per region",
            )
            code = None
        elif code is not None:
            first_row[code] = number
        values = _row_values(report, number, cells, fact_index, formula_cells)
        _check_ratios(report, number, values, pairs)
        if BASE_COLUMN in columns and cutoff is not None:
            index = columns.index(BASE_COLUMN)
            _check_base(report, number, _cell_text(cells[index]) if index < len(cells) else "", cutoff, code)
        if code is not None and values is not None:
            report.rows.append((number, code, values))
    report.regions = sorted(first_row)
    if report.ok and not any(values for _, _, values in report.rows):
        report.add(
            "no_values", "Tidak ada satu pun nilai fakta yang terisi.",
            "Not a single fact value is filled in.", row=table.header_row + 1,
        )


def _check_base(report, number: int, text: str, cutoff, code: str | None = None) -> None:
    """A named denominator base must be a known one counted by the cut-off's as-of date. It may be
    another than the base in force (the office says which base its figures are on): it is kept per
    region (`report.bases`) and the evaluation shows the difference (`capaian.library.named_bases`)."""
    if not text:
        return
    from capaian.bases import base_for, list_bases
    from capaian.periods import Cutoff

    named = next((b for b in list_bases() if b.id == text.strip().lower()), None)
    if named is not None and named.population_as_of <= Cutoff.parse(str(cutoff)).as_of:
        if code is not None:
            report.bases[code] = named.id
        return
    base = base_for(cutoff)
    expected = base.id if base is not None else "-"
    if named is None:
        known = ", ".join(b.id for b in list_bases())
        report.add(
            "unknown_base",
            f"Basis penyebut {text!r} tidak dikenal (dikenal: {known}); tambahkan dengan `capaian base add`.",
            f"Denominator base {text!r} is unknown (known: {known}); add it with `capaian base add`.",
            row=number, column=BASE_COLUMN, value=text, expected_id=expected, expected_en=expected,
        )
        return
    report.add(
        "wrong_base",
        f"Basis penyebut {text!r} menghitung penduduk per {named.population_as_of}, sesudah cut-off {cutoff}; "
        f"yang berlaku: {expected}" + (f" ({base.describe('id')})." if base is not None else "."),
        f"Denominator base {text!r} counts the population as of {named.population_as_of}, after cut-off {cutoff}; "
        f"in force: {expected}" + (f" ({base.describe('en')})." if base is not None else "."),
        row=number, column=BASE_COLUMN, value=text, expected_id=expected, expected_en=expected,
    )


def _row_values(report, number: int, cells: list, fact_index: dict[str, int],
                formula_cells=frozenset()) -> dict | None:
    values: dict[str, float] = {}
    ok = True
    for fact, index in fact_index.items():
        if (number, index) in formula_cells:
            ok = False  # reported by _check_formulas
            continue
        cell = cells[index] if index < len(cells) else None
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue  # missing = no data
        kind = FACTS[fact]
        try:
            values[fact] = parse_cell(cell, kind)
        except NumberProblem as exc:
            ok = False
            report.add(
                exc.rule, exc.id_message, exc.en_message, row=number, column=fact,
                value=_cell_text(cell), expected_id=EXPECTED[kind][0], expected_en=EXPECTED[kind][1],
            )
    return values if ok else None


def _check_ratios(report, number: int, values: dict | None, pairs=()) -> None:
    if not values:
        return
    for part, whole in pairs:
        if part in values and whole in values:
            check_ratio(report, number, part, values[part], whole, values[whole])


def check_ratio(report, number, part: str, value: float, whole: str, base: float,
                stored: str | None = None) -> bool:
    """Refuse a numerator above MAX_NUMERATOR_RATIO x its denominator (`implausible_ratio`, a
    typing slip); above 100 % but within it is accepted (flagged `over_100` by the evaluation).
    `stored` names the fact whose value is the stored one for the region and cut-off (the other
    is the file's; the problem is reported on the file's column). True when it passes."""
    k = MAX_NUMERATOR_RATIO
    if value <= k * base:
        return True
    from capaian.formatting import format_int

    note_id = {part: f" ({part} tersimpan)", whole: f" ({whole} tersimpan)"}.get(stored, "")
    note_en = {part: f" (stored {part})", whole: f" (stored {whole})"}.get(stored, "")
    column = whole if stored == part else part
    where = dict(row=number, column=column, value=f"{(base if stored == part else value):.0f}")
    p_id, w_id = format_int(value, "id"), format_int(base, "id")
    p_en, w_en = format_int(value, "en"), format_int(base, "en")
    report.add(
        "implausible_ratio",
        f"{part} ({p_id}) lebih dari {k}x {whole} ({w_id}){note_id}; mungkin salah ketik "
        "(digit berlebih atau kurang).",
        f"{part} ({p_en}) is more than {k}x {whole} ({w_en}){note_en}; probably a typing error "
        "(a digit too many or few).",
        expected_id=f"<= {k} x {whole}", expected_en=f"<= {k} x {whole}", **where,
    )
    return False
