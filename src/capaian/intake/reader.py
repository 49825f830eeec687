"""Reading a submission file (CSV or XLSX) into a header and numbered raw rows.

Row numbers are the ones the user sees: the header is row 1 of a CSV; in a sheet, the rows keep
their sheet numbers. Fully empty rows are skipped (their numbers are not reused).

Whatever the bytes, reading ends in a table, None (nothing in the file) or a `ReadProblem`
with a two-language message: never a parser's own exception. Limits, checked before or while
parsing so that an oversized file is refused quickly: `max_file_bytes()` (the setting
CAPAIAN_UPLOAD_MAX_MB, the same limit as the upload page and API; checked on the size before any
byte is read), `MAX_DATA_ROWS` (a submission has one row per region; Indonesia has
fewer than 600 provinces and regencies/cities), `MAX_LINES` (rows scanned, blank ones included)
and `MAX_COLUMNS`.

XLSX: values are the ones the spreadsheet saved. A formula cell without a saved value (a file
written by a program that does not calculate) is listed in `RawTable.formulas`, never read as
empty. Only one sheet is read: the named one, or the only sheet holding data; a workbook with
data on several sheets is refused naming them. Cells are read as people typed them: a number
formatted as percent becomes a `PercentCell` (0.755 shown as 75.5 %, see `capaian.intake.numbers`);
merged cells holding a value are refused naming their ranges (the value sits in the first cell only,
so the other rows would silently get none).

Before openpyxl parses anything, the archive is checked against decompression bombs
(`check_archive`): at most `MAX_XLSX_PARTS` parts, each at most `MAX_XLSX_PART_BYTES` uncompressed
(the sizes a zip declares bound what can be read from it) and `MAX_XLSX_BYTES` together, and at
most `MAX_SHARED_STRINGS` shared strings, counted by streaming the part. A zip holding one part name twice
(whose copy a reader takes is its own choice) is refused as damaged.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
MB = 1024 * 1024
MAX_DATA_ROWS = 2000
MAX_LINES = 10 * MAX_DATA_ROWS  # rows scanned, blank ones included (a sheet of styled empty rows)
MAX_COLUMNS = 100
# xlsx decompression-bomb limits (checked on the archive before parsing). The largest table a
# submission may hold (MAX_LINES rows of MAX_COLUMNS styled cells) fits well within them.
MAX_XLSX_PARTS = 1000
MAX_XLSX_PART_BYTES = 50 * MB
MAX_XLSX_BYTES = 100 * MB
MAX_SHARED_STRINGS = (MAX_DATA_ROWS + 1) * MAX_COLUMNS  # every cell of the largest table a distinct text
MERGED_LISTED = 10


class ReadProblem(Exception):
    """The file can't be read at all (`rule` names why; `row` when known)."""

    def __init__(self, id_message: str, en_message: str, rule: str = "unreadable",
                 row: int | None = None, value: str | None = None):
        super().__init__(en_message)
        self.id_message = id_message
        self.en_message = en_message
        self.rule = rule
        self.row = row
        self.value = value


@dataclass
class RawTable:
    header: list[str]
    header_row: int
    rows: list[tuple[int, list]] = field(default_factory=list)  # (row number, cells)
    formulas: list[tuple[int, int, str]] = field(default_factory=list)  # (row, column index, formula)
    sheet: str | None = None


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def max_file_bytes() -> int:
    """The largest submission file, in bytes: the setting CAPAIAN_UPLOAD_MAX_MB (import, upload page, API)."""
    from capaian.settings import value

    return value("CAPAIAN_UPLOAD_MAX_MB") * MB


def max_file_text() -> str:
    """The limit as people read it: "20 MB"."""
    return f"{max_file_bytes() // MB} MB"


def too_large(size: int) -> ReadProblem:
    return ReadProblem(
        f"Berkas terlalu besar ({size:,} byte); batasnya {max_file_text()}.".replace(",", "."),
        f"The file is too large ({size:,} bytes); the limit is {max_file_text()}.",
        rule="file_size", value=str(size),
    )


def read_table(path: Path, sheet: str | None = None) -> RawTable | None:
    """Header and rows of the file; None when it holds nothing at all. ReadProblem otherwise."""
    suffix = path.suffix.lower()
    if suffix not in XLSX_SUFFIXES + CSV_SUFFIXES:
        raise ReadProblem(
            f"Jenis berkas {suffix or '(tanpa akhiran)'} tidak didukung; gunakan .csv atau .xlsx.",
            f"File type {suffix or '(no suffix)'} is not supported; use .csv or .xlsx.",
            rule="file_type", value=suffix,
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadProblem(f"Berkas tidak dapat dibaca: {exc.strerror or exc}.",
                          f"File can't be read: {exc.strerror or exc}.") from None
    if size > max_file_bytes():
        raise too_large(size)
    if size == 0:
        return None
    reader = _read_xlsx if suffix in XLSX_SUFFIXES else _read_csv
    try:
        return reader(path, sheet)
    except ReadProblem:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure on arbitrary bytes is "unreadable"
        kind = "Excel" if suffix in XLSX_SUFFIXES else "CSV"
        detail = f"{type(exc).__name__}: {exc}"[:200]
        raise ReadProblem(
            f"Berkas {kind} tidak dapat dibaca (rusak atau bukan {kind}): {detail}.",
            f"The {kind} file can't be read (damaged or not {kind}): {detail}.",
        ) from None


def _too_many_rows(number: int) -> ReadProblem:
    return ReadProblem(
        f"Terlalu banyak baris data (lebih dari {MAX_DATA_ROWS}); pengiriman berisi satu baris "
        "per wilayah.",
        f"Too many data rows (more than {MAX_DATA_ROWS}); a submission has one row per region.",
        rule="too_many_rows", row=number,
    )


def _too_many_columns(number: int, width: int) -> ReadProblem:
    return ReadProblem(
        f"Terlalu banyak kolom (lebih dari {MAX_COLUMNS}).",
        f"Too many columns (more than {MAX_COLUMNS}).",
        rule="too_many_columns", row=number, value=str(width),
    )


class _Collector:
    """Builds a RawTable row by row, enforcing the row and column limits."""

    def __init__(self):
        self.table: RawTable | None = None

    def add(self, number: int, cells: list) -> None:
        if number > MAX_LINES:
            raise ReadProblem(
                f"Berkas berlanjut melewati baris {MAX_LINES} (termasuk baris kosong); pengiriman "
                "berisi satu baris per wilayah.",
                f"The file goes on past row {MAX_LINES} (blank rows included); a submission has "
                "one row per region.",
                rule="too_many_rows", row=number,
            )
        if len(cells) > MAX_COLUMNS:
            # trailing empty cells (a sheet's formatting) do not count
            while cells and _blank(cells[-1]):
                cells.pop()
            if len(cells) > MAX_COLUMNS:
                raise _too_many_columns(number, len(cells))
        if all(_blank(c) for c in cells):
            return
        if self.table is None:
            self.table = RawTable(["" if c is None else str(c).strip() for c in cells], number)
        elif len(self.table.rows) >= MAX_DATA_ROWS:
            raise _too_many_rows(number)
        else:
            self.table.rows.append((number, cells))


def _read_csv(path: Path, sheet: str | None = None) -> RawTable | None:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReadProblem(
            f"Berkas bukan UTF-8 (baris {line}, byte {exc.start}); simpan sebagai CSV UTF-8.",
            f"File is not UTF-8 (line {line}, byte {exc.start}); save it as CSV UTF-8.",
            row=line,
        ) from None
    if not text.strip():
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ReadProblem(
            f"Berkas berisi karakter NUL (baris {line}); ini bukan CSV teks.",
            f"The file contains a NUL character (line {line}); it is not a text CSV.",
            row=line,
        )
    first_line = text.lstrip("\r\n").split("\n", 1)[0]  # not splitlines(): one line, not all
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    if first_line.count("\t") > max(first_line.count(";"), first_line.count(",")):
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    collector = _Collector()
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            collector.add(number, cells)
    except csv.Error as exc:
        row = reader.line_num or number + 1
        limit = csv.field_size_limit()
        if "field larger than field limit" in str(exc):
            raise ReadProblem(
                f"Sel terlalu panjang di sekitar baris {row} (lebih dari {limit:,} karakter)."
                .replace(",", "."),
                f"A cell is too long near line {row} (over {limit:,} characters).",
                row=row,
            ) from None
        raise ReadProblem(
            f"CSV tidak dapat dibaca di baris {row}: {exc}.",
            f"The CSV can't be read at line {row}: {exc}.", row=row,
        ) from None
    return collector.table


def _is_formula(cell) -> bool:
    if isinstance(cell, str):
        return cell.startswith("=")
    return type(cell).__name__ in ("ArrayFormula", "DataTableFormula")


def _formula_text(cell) -> str:
    return cell if isinstance(cell, str) else str(getattr(cell, "text", None) or cell)


def _rows(sheet):
    """Values of a sheet row by row, one column past the limit (a sheet's declared size can be
    16384 columns wide; reading them all would be slow for nothing). The declared size is
    ignored: openpyxl would silently drop the rows and columns past a stale one."""
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    return sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)


def _has_data(sheet) -> bool:
    for number, cells in enumerate(_rows(sheet), start=1):
        if not all(_blank(c) for c in cells):
            return True
        if number > MAX_LINES:
            return True  # can't tell cheaply: treat as holding data
    return False


def _pick_sheet(values_book, sheet: str | None):
    names = [ws.title for ws in values_book.worksheets]
    if sheet is not None:
        if sheet not in names:
            raise ReadProblem(
                f"Lembar {sheet!r} tidak ada; lembar dalam berkas: {', '.join(names)}.",
                f"Sheet {sheet!r} does not exist; the sheets are: {', '.join(names)}.",
                rule="unknown_sheet", value=sheet,
            )
        return sheet
    with_data = [ws.title for ws in values_book.worksheets if _has_data(ws)]
    if len(with_data) > 1:
        listed = ", ".join(repr(n) for n in with_data)
        raise ReadProblem(
            f"Data ada di {len(with_data)} lembar ({listed}); hanya satu yang dibaca. Simpan "
            "satu lembar saja, atau sebutkan lembarnya (--sheet).",
            f"There is data on {len(with_data)} sheets ({listed}); only one is read. Keep a "
            "single sheet, or name the one to read (--sheet).",
            rule="several_sheets", value=", ".join(with_data),
        )
    return with_data[0] if with_data else (names[0] if names else None)


def _xlsx_too_large(id_what: str, en_what: str, value: str) -> ReadProblem:
    return ReadProblem(
        f"Berkas Excel ditolak sebelum dibaca: {id_what}. Simpan ulang lembarnya saja (atau sebagai CSV).",
        f"The Excel file is refused before it is read: {en_what}. Save just the sheet again (or as CSV).",
        rule="xlsx_too_large", value=value,
    )


def _scan(archive, name: str, pattern: re.Pattern, overlap: int = 256):
    """Matches of `pattern` in one zip part, streamed in chunks (never the whole part in memory).
    A match must be shorter than `overlap` bytes."""
    carry = b""
    with archive.open(name) as stream:
        while True:
            chunk = stream.read(MB)
            data = carry + chunk
            end = len(data) if not chunk else max(len(data) - overlap, 0)
            for match in pattern.finditer(data):
                if match.start() >= end:
                    break
                yield match
            if not chunk:
                return
            carry = data[end:]


_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,40}:)?si[\s/>]")
_OVERRIDE = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,40}:)?Override\b[^>]*>")
_PART_NAME = re.compile(rb'PartName\s*=\s*["\']/?([^"\']+)["\']')
_MERGE_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,40}:)?mergeCell\b[^>]*?ref\s*=\s*[\"']([A-Za-z]{1,3}\d{1,7}(?::[A-Za-z]{1,3}\d{1,7})?)[\"']")


def _shared_string_parts(archive, names: set[str]) -> set[str]:
    """The parts holding shared strings: named so, or declared so in [Content_Types].xml."""
    found = {n for n in names if n.lower().endswith("sharedstrings.xml")}
    if "[Content_Types].xml" in names:
        for match in _scan(archive, "[Content_Types].xml", _OVERRIDE, overlap=4096):
            element = match.group(0)
            part = _PART_NAME.search(element)
            if b"sharedStrings" in element and part:
                found.add(part.group(1).decode("utf-8", "replace"))
    return found & names


def check_archive(path: Path) -> None:
    """Refuse an xlsx that would take far more memory or time to parse than any submission needs
    (`ReadProblem` rule `xlsx_too_large`), from its zip directory and a streamed count of shared strings."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_XLSX_PARTS:
            raise _xlsx_too_large(f"{len(infos):,} bagian (batasnya {MAX_XLSX_PARTS:,})".replace(",", "."),
                                  f"{len(infos):,} parts (the limit is {MAX_XLSX_PARTS:,})", str(len(infos)))
        for info in infos:
            if info.file_size > MAX_XLSX_PART_BYTES:
                size_id = f"{info.file_size:,}".replace(",", ".")
                raise _xlsx_too_large(
                    f"bagian {info.filename} berukuran {size_id} byte setelah diekstrak "
                    f"(batasnya {MAX_XLSX_PART_BYTES // MB} MB)",
                    f"its part {info.filename} is {info.file_size:,} bytes uncompressed "
                    f"(the limit is {MAX_XLSX_PART_BYTES // MB} MB)", f"{info.filename}: {info.file_size}")
        total = sum(info.file_size for info in infos)
        if total > MAX_XLSX_BYTES:
            raise _xlsx_too_large(
                f"{total:,} byte setelah diekstrak (batasnya {MAX_XLSX_BYTES // MB} MB)".replace(",", "."),
                f"{total:,} bytes uncompressed (the limit is {MAX_XLSX_BYTES // MB} MB)", str(total))
        names = {info.filename for info in infos}
        if len(names) < len(infos):  # which copy a reader takes is its own choice: never guess
            seen: set[str] = set()
            twice = next(n for n in (info.filename for info in infos) if n in seen or seen.add(n))
            raise ReadProblem(
                f"Berkas Excel rusak: bagian {twice} ada lebih dari sekali, tidak jelas mana yang berisi "
                "data. Simpan ulang berkasnya dari Excel (atau sebagai CSV).",
                f"The Excel file is damaged: its part {twice} is there more than once, so which one holds "
                "the data is unclear. Save the file again from Excel (or as CSV).", value=twice)
        for part in sorted(_shared_string_parts(archive, names)):
            count = 0
            for _ in _scan(archive, part, _SHARED_STRING):
                count += 1
                if count > MAX_SHARED_STRINGS:
                    raise _xlsx_too_large(
                        f"lebih dari {MAX_SHARED_STRINGS:,} teks bersama (shared strings)".replace(",", "."),
                        f"more than {MAX_SHARED_STRINGS:,} shared strings", part)


def merged_ranges(path: Path, sheet) -> list[tuple[str, int, int, int, int]]:
    """The merged ranges of a read-only sheet: (text, first row, first column, last row, last column)."""
    import zipfile

    from openpyxl.utils.cell import range_boundaries

    part = getattr(sheet, "_worksheet_path", None)
    out = []
    with zipfile.ZipFile(path) as archive:
        if part not in archive.namelist():
            return out
        for match in _scan(archive, part, _MERGE_CELL):
            ref = match.group(1).decode("ascii").upper()
            min_col, min_row, max_col, max_row = range_boundaries(ref)
            out.append((ref, min_row, min_col, max_row, max_col))
    return out


def _check_merged(ranges, cells_of: dict[int, list]) -> None:
    """Refuse merged ranges whose first cell holds a value (`merged_cells`, naming them)."""
    holding = []
    for ref, row, column, last_row, last_column in ranges:
        cells = cells_of.get(row)
        if (last_row, last_column) != (row, column) and cells and column <= len(cells) \
                and not _blank(cells[column - 1]):
            holding.append((row, column, ref))
    if not holding:
        return
    holding.sort()
    listed = ", ".join(ref for _, _, ref in holding[:MERGED_LISTED])
    more = len(holding) - MERGED_LISTED
    listed_id = listed + (f" dan {more} lainnya" if more > 0 else "")
    listed_en = listed + (f" and {more} more" if more > 0 else "")
    raise ReadProblem(
        f"Sel gabungan (merge) {listed_id}: nilainya hanya ada di sel pertama, baris lainnya akan "
        "kosong. Pisahkan sel gabungan (unmerge) dan isi setiap baris.",
        f"Merged cells {listed_en}: the value is only in the first cell, the other rows would be "
        "empty. Unmerge the cells and fill in every row.",
        rule="merged_cells", row=holding[0][0], value=listed,
    )


def _is_percent_format(number_format: str | None) -> bool:
    """Does an Excel number format scale by 100 (an unquoted, unescaped `%`)?"""
    if not number_format or "%" not in number_format:
        return False
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", number_format)
    return "%" in bare


def _typed(cell):
    """A cell's value as people typed it: a number formatted as percent becomes a PercentCell."""
    from capaian.intake.numbers import PercentCell

    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) \
            and _is_percent_format(getattr(cell, "number_format", None)):
        return PercentCell(value)
    return value


def _cells(sheet):
    """A sheet's cells row by row (with their formats), like `_rows` but not values only."""
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    return sheet.iter_rows(max_col=MAX_COLUMNS + 1)


def _read_xlsx(path: Path, sheet: str | None = None) -> RawTable | None:
    from openpyxl import load_workbook

    check_archive(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's notes on unsupported extensions
        values = load_workbook(path, read_only=True, data_only=True)
        formulas = load_workbook(path, read_only=True, data_only=False)
        try:
            name = _pick_sheet(values, sheet)
            if name is None:
                return None
            collector = _Collector()
            missing: list[tuple[int, int, str]] = []
            cells_of: dict[int, list] = {}
            rows, raw = _cells(values[name]), _rows(formulas[name])
            for number, (row, written) in enumerate(zip(rows, raw), start=1):
                cells = [_typed(cell) for cell in row]
                for index, source in enumerate(written):
                    if _is_formula(source) and (index >= len(cells) or cells[index] is None):
                        missing.append((number, index, _formula_text(source)))
                        if index < len(cells):
                            cells[index] = _formula_text(source)  # not blank: the row is kept
                collector.add(number, cells)
                if not all(_blank(c) for c in cells):
                    cells_of[number] = cells
            _check_merged(merged_ranges(path, values[name]), cells_of)
            table = collector.table
            if table is not None:
                table.formulas = missing
                table.sheet = name
            return table
        finally:
            values.close()
            formulas.close()
