"""Reading a submission file (CSV or XLSX) into a header and numbered raw rows.

Row numbers are the ones the user sees: the header is row 1 of a CSV; in a sheet, the rows keep
their sheet numbers. Fully empty rows are skipped (their numbers are not reused).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


class ReadProblem(Exception):
    """The file can't be read at all."""

    def __init__(self, id_message: str, en_message: str):
        super().__init__(en_message)
        self.id_message = id_message
        self.en_message = en_message


@dataclass
class RawTable:
    header: list[str]
    header_row: int
    rows: list[tuple[int, list]] = field(default_factory=list)  # (row number, cells)


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def read_table(path: Path) -> RawTable | None:
    """Header and rows of the file; None when it holds nothing at all."""
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path)
    if suffix in CSV_SUFFIXES:
        return _read_csv(path)
    raise ReadProblem(
        f"Jenis berkas {suffix or '(tanpa akhiran)'} tidak didukung; gunakan .csv atau .xlsx.",
        f"File type {suffix or '(no suffix)'} is not supported; use .csv or .xlsx.",
    )


def _read_csv(path: Path) -> RawTable | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadProblem(f"Berkas tidak dapat dibaca: {exc}.", f"File can't be read: {exc}.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadProblem(
            f"Berkas bukan UTF-8 (byte {exc.start}); simpan sebagai CSV UTF-8.",
            f"File is not UTF-8 (byte {exc.start}); save it as CSV UTF-8.",
        )
    if not text.strip():
        return None
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    if first_line.count("\t") > max(first_line.count(";"), first_line.count(",")):
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table: RawTable | None = None
    for number, cells in enumerate(reader, start=1):
        if all(_blank(c) for c in cells):
            continue
        if table is None:
            table = RawTable([c.strip() for c in cells], number)
        else:
            table.rows.append((number, cells))
    return table


def _read_xlsx(path: Path) -> RawTable | None:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadProblem(
            f"Berkas Excel tidak dapat dibaca: {exc}.", f"Excel file can't be read: {exc}."
        )
    try:
        sheet = book.worksheets[0]
        table: RawTable | None = None
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = list(cells)
            if all(_blank(c) for c in cells):
                continue
            if table is None:
                table = RawTable(["" if c is None else str(c).strip() for c in cells], number)
            else:
                table.rows.append((number, cells))
        return table
    finally:
        book.close()
