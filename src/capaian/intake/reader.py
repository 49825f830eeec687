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
data on several sheets is refused naming them.
"""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path

CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
MB = 1024 * 1024
MAX_DATA_ROWS = 2000
MAX_LINES = 10 * MAX_DATA_ROWS  # rows scanned, blank ones included (a sheet of styled empty rows)
MAX_COLUMNS = 100


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


def _read_xlsx(path: Path, sheet: str | None = None) -> RawTable | None:
    from openpyxl import load_workbook

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
            rows, raw = _rows(values[name]), _rows(formulas[name])
            for number, (cells, written) in enumerate(zip(rows, raw), start=1):
                cells = list(cells)
                for index, source in enumerate(written):
                    if _is_formula(source) and (index >= len(cells) or cells[index] is None):
                        missing.append((number, index, _formula_text(source)))
                        if index < len(cells):
                            cells[index] = _formula_text(source)  # not blank: the row is kept
                collector.add(number, cells)
            table = collector.table
            if table is not None:
                table.formulas = missing
                table.sheet = name
            return table
        finally:
            values.close()
            formulas.close()
