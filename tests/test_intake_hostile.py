"""The issue-25 hostile corpus: files made here, in the test, each with its expected outcome.

Issue 25 tried 65 new hostile files against intake; its defects and reproductions are the list of
families kept here (the older, committed corpus is tests/data/intake_corpus, test_intake_corpus.py):

- xlsx read as people typed it (defect 3): percent formats, merged cells, TRUE/FALSE, `98%` in a count;
- xlsx bombs and zip tricks (defect 2): shared strings by count and size, oversized parts, too many
  parts, duplicate or renamed parts, entity expansion, damaged archives;
- CSV encodings and BOMs, digits that are not ASCII, formula-looking cells (defect 9's family);
- cut-off years 0001, 1999, 2019, the future (defect 4), as CSV and as xlsx;
- duplicate sends, correction chains superseding several submissions (defect 1), undo (defect 5);
- jurisdiction (a regency user sending another region).

Every case is one or more sends into a store that holds `examples/submission-65-2020-11-H1.csv`.
An accepted send names the exact values then current for its regions; a refused one names the rule,
row and column of a problem that must be reported, in one line naming the file, and changes nothing
but one `submission.rejected` audit entry. No send may raise anything else (no traceback) and no
hostile file may be accepted (no wrong accept). Big files (bombs) are written here, never committed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import openpyxl
import pytest

from capaian import periods
from capaian.intake import SubmissionInvalid, import_submission
from capaian.intake.reader import MAX_SHARED_STRINGS, MAX_XLSX_PARTS, MB
from capaian.intake.submission import revert_submission
from capaian.store import open_store

EXAMPLE = Path(__file__).parent.parent / "examples" / "submission-65-2020-11-H1.csv"
TODAY = dt.date(2026, 12, 7)  # the latest allowed cut-off is then 2026-11-H2
CUT = "2020-12-H1"  # a cut-off the store holds nothing for (the example is 2020-11-H1)
HEAD = ["kode_wilayah", "cutoff", "wajib_ktp", "ktp_terekam", "pks", "bpp_persen", "layanan_online"]
GOOD = {"65.01": [98700, 101400, 16, 75.5, 1], "65.02": [54100, 54500, 15, 80, 0]}
TABLES = ("submissions", "fact_revisions", "facts", "audit_log", "evaluation_runs")
SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


# -- expected outcomes ----------------------------------------------------------------------

@dataclass
class Accepted:
    values: dict[str, dict[str, float]]  # region -> fact -> the value current after the send
    status: str = "imported"  # imported | duplicate | unchanged | reverted


@dataclass
class Refused:
    rule: str
    row: int | None = None
    column: str | None = None
    value: str | None = None  # when given, the problem's value (e.g. the merged ranges)


@dataclass
class Send:
    name: str
    make: Callable[[Path], None] | None  # writes the file (None: `revert` instead)
    expect: Accepted | Refused
    scope: str | None = None
    revert: int | None = None  # revert the n-th accepted send (1-based) instead of sending a file


@dataclass
class Case:
    id: str
    defect: str  # the issue's defect (or family) the case belongs to
    sends: list[Send] = field(default_factory=list)


def values(rows: dict[str, list], head: list[str] = HEAD) -> dict[str, dict[str, float]]:
    facts = head[2:]
    return {code: {f: float(v) for f, v in zip(facts, cells) if v is not None} for code, cells in rows.items()}


GOOD_VALUES = values(GOOD)


# -- file makers ----------------------------------------------------------------------------

def table(rows: dict[str, list] | None = None, cutoff: str = CUT, head=HEAD) -> list[list]:
    rows = GOOD if rows is None else rows
    return [list(head)] + [[code, cutoff, *cells] for code, cells in rows.items()]


def csv_text(grid: list[list], delimiter: str = ",", newline: str = "\n") -> str:
    return newline.join(delimiter.join("" if c is None else str(c) for c in r) for r in grid) + newline


def write_csv(grid=None, encoding: str = "utf-8", prefix: bytes = b"", **kw) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(prefix + csv_text(table() if grid is None else grid, **kw).encode(encoding))
    return make


def write_bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def book_bytes(grid=None, formats: dict[str, str] | None = None, merged: tuple[str, ...] = (),
               hidden_rows: tuple[int, ...] = (), extra_sheet: list[list] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "pengiriman"
    for r in table() if grid is None else grid:
        sheet.append(r)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    for cell_range in merged:
        sheet.merge_cells(cell_range)
    for number in hidden_rows:
        sheet.row_dimensions[number].hidden = True
    if extra_sheet is not None:
        other = book.create_sheet("lain")
        for r in extra_sheet:
            other.append(r)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def write_book(grid=None, **kw) -> Callable[[Path], None]:
    return write_bytes_lazy(lambda: book_bytes(grid, **kw))


def write_bytes_lazy(produce: Callable[[], bytes]) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(produce())


def rezip(base: bytes, path: Path, replace: dict | None = None, add: dict | None = None,
          compression: int = zipfile.ZIP_DEFLATED, prefix: bytes = b"", comment: bytes = b"") -> None:
    """`base` (an xlsx) written again to `path`: parts in `replace` / `add` are bytes or a
    function writing to a stream (to make a large part without holding it)."""
    replace, add = replace or {}, add or {}
    with open(path, "wb") as raw:
        raw.write(prefix)
        with zipfile.ZipFile(io.BytesIO(base)) as source, \
                zipfile.ZipFile(raw, "w", compression) as out:
            for info in source.infolist():
                body = replace.get(info.filename, source.read(info.filename))
                _put(out, info.filename, body, compression)
            for name, body in add.items():
                _put(out, name, body, compression)
            out.comment = comment


def _put(out: zipfile.ZipFile, name: str, body, compression: int) -> None:
    if callable(body):
        info = zipfile.ZipInfo(name)
        info.compress_type = compression
        with out.open(info, "w", force_zip64=True) as stream:
            body(stream)
    else:
        out.writestr(zipfile.ZipInfo(name), body, compress_type=compression)


def zipped(base: Callable[[], bytes] = book_bytes, **kw) -> Callable[[Path], None]:
    return lambda path: rezip(base(), path, **kw)


def repeat(chunk: bytes, times: int, head: bytes = b"", tail: bytes = b""):
    def body(stream):
        stream.write(head)
        for _ in range(times):
            stream.write(chunk)
        stream.write(tail)
    return body


def shared_string_count_bomb(tag: bytes = b"si", extra: int = 1):
    n = MAX_SHARED_STRINGS + extra
    return repeat(b"<%s><t>x</t></%s>" % (tag, tag), n, head=SST.replace(b"<sst", b"<sst xmlns:x=\"x\""),
                  tail=b"</sst>")


def duplicate_sheet(path: Path) -> None:
    """An xlsx whose zip holds xl/worksheets/sheet1.xml twice, with different values."""
    first, second = book_bytes(), book_bytes(table({"65.01": [11, 12, 13, 14, 1], "65.02": GOOD["65.02"]}))
    with zipfile.ZipFile(io.BytesIO(second)) as other:
        twin = other.read("xl/worksheets/sheet1.xml")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name: that is the point
        rezip(first, path, add={"xl/worksheets/sheet1.xml": twin})


def sheet_xml_with(doctype: bytes) -> Callable[[Path], None]:
    """The good workbook whose sheet part starts with `doctype` (entities used in a cell)."""
    def make(path: Path) -> None:
        base = book_bytes()
        with zipfile.ZipFile(io.BytesIO(base)) as source:
            sheet = source.read("xl/worksheets/sheet1.xml")
        declaration, _, rest = sheet.partition(b"?>")
        rest = rest.replace(b"<v>16</v>", b"<v>&e;</v>", 1)
        rezip(base, path, replace={"xl/worksheets/sheet1.xml": declaration + b"?>" + doctype + rest})
    return make


BILLION_LAUGHS = (b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
                  + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10)
                             for i in range(3))
                  + b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>')
EXTERNAL_ENTITY = b'<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/hostname">]>'


def corrupt_crc(path: Path) -> None:
    """The good workbook with one byte of the sheet's compressed data changed."""
    raw = bytearray(book_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + info.compress_size // 2] ^= 0xFF
    path.write_bytes(bytes(raw))


def nested_zip(path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        out.writestr("laporan.xlsx", book_bytes())
    path.write_bytes(buf.getvalue())


def xlsxwriter_book(write) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        import xlsxwriter

        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet("pengiriman")
        write(book, sheet)
        book.close()
    return make


def rich_code(book, sheet) -> None:
    bold = book.add_format({"bold": True})
    for r, cells in enumerate(table()):
        sheet.write_row(r, 0, cells)
    sheet.write_rich_string(1, 0, bold, "65", ".01")  # the code typed with a bold part


def formatted_counts(book, sheet) -> None:
    thousands = book.add_format({"num_format": "#,##0"})
    for r, cells in enumerate(table()):
        sheet.write_row(r, 0, cells[:2])
        for c, v in enumerate(cells[2:], start=2):
            sheet.write(r, c, v, thousands if r and c < 5 else None)


def grid_with(code: str, column: str, cell, rows=None, cutoff: str = CUT) -> list[list]:
    out = table(rows, cutoff)
    index = HEAD.index(column)
    for r in out[1:]:
        if r[0] == code:
            r[index] = cell
    return out


def changed(code: str, column: str, cell) -> dict[str, dict[str, float]]:
    out = {c: dict(v) for c, v in GOOD_VALUES.items()}
    out[code][column] = float(cell)
    return out


def one(code: str, **cells) -> dict[str, list]:
    """A one-region file of wajib_ktp, ktp_terekam, pks, bpp_persen, layanan_online."""
    base = dict(zip(HEAD[2:], GOOD.get(code, GOOD["65.01"])))
    base.update(cells)
    return {code: [base[f] for f in HEAD[2:]]}


# -- the cases ------------------------------------------------------------------------------

def ok(name: str, make, expect=None) -> Send:
    return Send(name, make, Accepted(GOOD_VALUES if expect is None else expect))


def no(name: str, make, rule: str, row=None, column=None, value=None, scope=None) -> Send:
    return Send(name, make, Refused(rule, row, column, value), scope=scope)


def cases() -> list[Case]:
    c: list[Case] = []

    def add(case_id: str, defect: str, *sends: Send) -> None:
        c.append(Case(case_id, defect, list(sends)))

    # defect 3: xlsx read as typed -- percent formats
    pct = "bpp_persen"
    add("xlsx_percent_one_decimal", "3", ok("persen1.xlsx", write_book(grid_with("65.01", pct, 0.755), formats={"F2": "0.0%"})))
    add("xlsx_percent_two_decimals_over_100", "3", ok("persen2.xlsx", write_book(
        grid_with("65.01", pct, 1.028), formats={"F2": "0.00%"}), changed("65.01", pct, 102.8)))
    add("xlsx_percent_whole", "3", ok("persen3.xlsx", write_book(grid_with("65.02", pct, 0.8), formats={"F3": "0%"})))
    add("xlsx_percent_coloured_section", "3", ok("persen4.xlsx", write_book(
        grid_with("65.01", pct, 0.755), formats={"F2": "[Red]0.0%;[Blue]-0.0%"})))
    add("xlsx_percent_quoted_literal", "3", ok("persen5.xlsx", write_book(formats={"F2": '0.0"%"'})))
    add("xlsx_percent_escaped_literal", "3", ok("persen6.xlsx", write_book(formats={"F2": "0.0\\%"})))
    add("xlsx_percent_text_with_sign", "3", ok("persen7.xlsx", write_book(grid_with("65.01", pct, "75,5%"))))
    add("xlsx_percent_format_on_text", "3", ok("persen8.xlsx", write_book(grid_with("65.01", pct, "75,5"), formats={"F2": "0.0%"})))
    add("xlsx_percent_format_in_count_pks", "3", no("persen9.xlsx", write_book(
        grid_with("65.01", "pks", 0.16), formats={"E2": "0%"}), "percent_not_allowed", 2, "pks", "16%"))
    add("xlsx_percent_format_in_count_wajib_ktp", "3", no("persen10.xlsx", write_book(
        grid_with("65.02", "wajib_ktp", 0.987), formats={"C3": "0.0%"}), "percent_not_allowed", 3, "wajib_ktp"))
    add("xlsx_98_percent_text_in_count", "3", no("persen11.xlsx", write_book(grid_with("65.01", "pks", "98%")),
                                                 "percent_not_allowed", 2, "pks", "98%"))
    add("csv_98_percent_in_count", "3", no("persen12.csv", write_csv(grid_with("65.01", "wajib_ktp", "98%")),
                                           "percent_not_allowed", 2, "wajib_ktp"))
    add("csv_98_spaced_percent_in_count", "3", no("persen13.csv", write_csv(grid_with("65.02", "pks", "98 %")),
                                                  "percent_not_allowed", 3, "pks"))
    add("csv_percent_in_flag", "3", no("persen14.csv", write_csv(grid_with("65.01", "layanan_online", "100%")),
                                       "percent_not_allowed", 2, "layanan_online"))
    add("xlsx_percent_format_on_flag", "3", no("persen15.xlsx", write_book(formats={"G2": "0%"}),
                                               "percent_not_allowed", 2, "layanan_online"))
    # defect 3: booleans
    add("xlsx_true_in_count", "3", no("benar1.xlsx", write_book(grid_with("65.01", "pks", True)),
                                      "boolean_not_allowed", 2, "pks"))
    add("xlsx_false_in_count", "3", no("benar2.xlsx", write_book(grid_with("65.02", "wajib_ktp", False)),
                                       "boolean_not_allowed", 3, "wajib_ktp"))
    add("xlsx_booleans_in_flag", "3", ok("benar3.xlsx", write_book(
        grid_with("65.02", "layanan_online", False, rows=one("65.01") | one("65.02")))))
    add("xlsx_true_in_flag", "3", ok("benar4.xlsx", write_book(grid_with("65.01", "layanan_online", True))))
    add("csv_true_text_in_count", "3", no("benar5.csv", write_csv(grid_with("65.01", "pks", "TRUE")),
                                          "not_number", 2, "pks"))
    add("xlsx_true_text_in_count", "3", no("benar6.xlsx", write_book(grid_with("65.01", "ktp_terekam", "TRUE")),
                                           "not_number", 2, "ktp_terekam"))
    # defect 3: merged cells
    four = {code: GOOD["65.01"] for code in ("65.01", "65.02", "65.03", "65.04", "65.71")}
    add("xlsx_merged_count_four_regencies", "3", no("gabung1.xlsx", write_book(table(four), merged=("E2:E5",)),
                                                    "merged_cells", 2, None, "E2:E5"))
    add("xlsx_merged_code_column", "3", no("gabung2.xlsx", write_book(merged=("A2:A3",)), "merged_cells", 2, None, "A2:A3"))
    add("xlsx_merged_cutoff_column", "3", no("gabung3.xlsx", write_book(table(four), merged=("B2:B6",)),
                                             "merged_cells", 2, None, "B2:B6"))
    add("xlsx_merged_across_a_row", "3", no("gabung4.xlsx", write_book(merged=("C3:D3",)), "merged_cells", 3, None, "C3:D3"))
    add("xlsx_merged_header", "3", no("gabung5.xlsx", write_book(merged=("A1:B1",)), "merged_cells", 1, None, "A1:B1"))
    add("xlsx_merged_many_ranges", "3", no("gabung6.xlsx", write_book(
        table({f"65.0{i}": GOOD["65.01"] for i in (1, 2, 3, 4)}),
        merged=tuple(f"{col}2:{col}3" for col in "ABCDEFG") + tuple(f"{col}4:{col}5" for col in "ABCDE")),
        "merged_cells", 2, None, "A2:A3, B2:B3, C2:C3, D2:D3, E2:E3, F2:F3, G2:G3, A4:A5, B4:B5, C4:C5"))
    add("xlsx_merged_empty_decoration", "3", ok("gabung7.xlsx", write_book(merged=("A8:G9",))))
    # defect 3's family: other typed cells
    add("xlsx_date_in_count", "3", no("tanggal1.xlsx", write_book(grid_with("65.01", "pks", dt.datetime(2020, 12, 1))),
                                      "not_number", 2, "pks"))
    add("xlsx_date_as_cutoff", "4", no("tanggal2.xlsx", write_book(grid_with("65.01", "cutoff", dt.datetime(2020, 12, 1))),
                                       "bad_cutoff", 2, "cutoff"))
    add("xlsx_error_cell_in_count", "3", no("galat.xlsx", write_book(grid_with("65.01", "wajib_ktp", "#DIV/0!")),
                                            "not_number", 2, "wajib_ktp"))
    add("xlsx_whole_float_count", "3", ok("pecahan1.xlsx", write_book(grid_with("65.01", "wajib_ktp", 98700.0))))
    add("xlsx_fraction_in_count", "3", no("pecahan2.xlsx", write_book(grid_with("65.01", "wajib_ktp", 98700.5)),
                                          "not_whole", 2, "wajib_ktp"))
    add("xlsx_thousands_format", "3", ok("ribuan1.xlsx", xlsxwriter_book(formatted_counts)))
    add("xlsx_dot_thousands_as_text", "3", ok("ribuan2.xlsx", write_book(grid_with("65.01", "wajib_ktp", "98.700"))))
    add("xlsx_hidden_row_is_read", "3", ok("tersembunyi.xlsx", write_book(hidden_rows=(3,))))
    add("xlsx_rich_text_code", "3", ok("kaya.xlsx", xlsxwriter_book(rich_code)))

    # defect 2: decompression bombs and zip tricks (refused from the zip directory before parsing)
    big = MAX_SHARED_STRINGS
    add("xlsx_shared_strings_count_bomb", "2", no("bom1.xlsx", zipped(
        add={"xl/sharedStrings.xml": shared_string_count_bomb()}), "xlsx_too_large"))
    add("xlsx_shared_strings_size_bomb", "2", no("bom2.xlsx", zipped(add={"xl/sharedStrings.xml": repeat(
        b"<si><t>" + b"A" * (MB - 20) + b"</t></si>", 51, head=SST, tail=b"</sst>")}), "xlsx_too_large"))
    add("xlsx_shared_strings_prefixed_tags", "2", no("bom3.xlsx", zipped(
        add={"xl/sharedStrings.xml": shared_string_count_bomb(b"x:si")}), "xlsx_too_large"))
    content_types_renamed = (
        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Override PartName="/xl/teks.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>')
    add("xlsx_shared_strings_renamed_part", "2", no("bom4.xlsx", lambda p: rezip(
        book_bytes(), p, add={"xl/teks.xml": shared_string_count_bomb()},
        replace={"[Content_Types].xml": _merge_types(content_types_renamed)}), "xlsx_too_large"))
    add("xlsx_shared_strings_just_under", "2", ok("bom5.xlsx", zipped(
        add={"xl/sharedStrings.xml": shared_string_count_bomb(extra=-(big - 1000))})))
    add("xlsx_oversized_sheet_part", "2", no("bom6.xlsx", lambda p: rezip(book_bytes(), p, replace={
        "xl/worksheets/sheet1.xml": repeat(b" " * MB, 51, head=b'<?xml version="1.0"?>')}), "xlsx_too_large",
        value="xl/worksheets/sheet1.xml: 53477397"))
    add("xlsx_oversized_unused_part", "2", no("bom7.xlsx", zipped(add={"xl/media/image1.png": repeat(b"\0" * MB, 60)}),
                                              "xlsx_too_large"))
    add("xlsx_total_uncompressed_over_limit", "2", no("bom8.xlsx", zipped(
        add={f"xl/media/image{i}.png": repeat(b"\0" * MB, 40) for i in (1, 2, 3)}), "xlsx_too_large"))
    add("xlsx_too_many_parts", "2", no("bom9.xlsx", zipped(add={f"xl/media/i{i}.png": b"" for i in range(MAX_XLSX_PARTS)}),
                                       "xlsx_too_large"))
    add("xlsx_entity_expansion", "2", no("tawa.xlsx", sheet_xml_with(BILLION_LAUGHS), "unreadable"))
    add("xlsx_external_entity", "2", no("xxe.xlsx", sheet_xml_with(EXTERNAL_ENTITY), "unreadable"))
    add("xlsx_duplicate_sheet_part", "2", no("kembar.xlsx", duplicate_sheet, "unreadable",
                                            value="xl/worksheets/sheet1.xml"))
    add("xlsx_crc_corrupted", "2", no("crc.xlsx", corrupt_crc, "unreadable"))
    add("xlsx_nested_in_zip", "2", no("bersarang.xlsx", nested_zip, "unreadable"))
    add("xlsx_stored_uncompressed", "2", ok("tanpa_kompresi.xlsx", zipped(compression=zipfile.ZIP_STORED)))
    add("xlsx_with_zip_comment", "2", ok("komentar.xlsx", zipped(comment=b"k" * 60000)))
    add("xlsx_with_path_traversal_part", "2", ok("jalur.xlsx", zipped(add={"../../etc/evil.txt": b"x"})))
    add("xlsx_named_csv", "2", no("excel.csv", write_bytes_lazy(book_bytes), "unreadable", 1))
    add("csv_named_xlsx", "2", no("teks.xlsx", write_csv(), "unreadable"))
    add("old_xls_suffix", "2", no("lama.xls", write_bytes_lazy(book_bytes), "file_type"))
    add("xlsx_second_sheet_with_data", "2", no("dua_lembar.xlsx", write_book(extra_sheet=table()), "several_sheets"))

    # CSV encodings and characters
    add("csv_utf8_bom", "encoding", ok("bom_utf8.csv", write_csv(prefix=b"\xef\xbb\xbf")))
    add("csv_double_bom", "encoding", no("bom_ganda.csv", write_csv(prefix=b"\xef\xbb\xbf\xef\xbb\xbf"),
                                         "missing_column", 1, "kode_wilayah"))
    add("csv_utf16_le_bom", "encoding", no("utf16le.csv", write_csv(encoding="utf-16"), "unreadable", 1))
    add("csv_utf16_be", "encoding", no("utf16be.csv", write_csv(encoding="utf-16-be", prefix=b"\xfe\xff"), "unreadable", 1))
    add("csv_utf32", "encoding", no("utf32.csv", write_csv(encoding="utf-32"), "unreadable", 1))
    add("csv_cp1252_name", "encoding", no("cp1252.csv", write_csv(
        [["kode_wilayah", "nama_wilayah", "cutoff", "pks"], ["65.01", "Bulung\u00e1n", CUT, 16]], encoding="cp1252"),
        "unreadable", 2))
    add("csv_cr_only_lines", "encoding", ok("cr.csv", write_csv(newline="\r")))
    add("csv_semicolon_decimal_comma", "encoding", ok("titikkoma.csv", write_csv(
        grid_with("65.01", pct, "75,5"), delimiter=";")))
    add("csv_zero_width_space_in_code", "encoding", no("zwsp.csv", write_csv(grid_with("65.01", "kode_wilayah", "65.01\u200b")),
                                                       "bad_code", 2, "kode_wilayah"))
    add("csv_arabic_indic_digits", "encoding", no("angka_arab.csv", write_csv(
        grid_with("65.01", "wajib_ktp", "\u0669\u0668\u0667\u0660\u0660")), "not_number", 2, "wajib_ktp"))
    add("csv_fullwidth_digits", "encoding", no("angka_lebar.csv", write_csv(
        grid_with("65.01", "pks", "\uff11\uff16")), "not_number", 2, "pks"))
    add("csv_arabic_indic_zero_like_a_dot", "encoding", no("angka_arab2.csv", write_csv(
        grid_with("65.01", "pks", "1\u06605")), "not_number", 2, "pks"))
    add("csv_fullwidth_code", "encoding", no("kode_lebar.csv", write_csv(
        grid_with("65.01", "kode_wilayah", "\uff16\uff15.01")), "bad_code", 2, "kode_wilayah"))
    add("csv_arabic_indic_cutoff", "encoding", no("cut_arab.csv", write_csv(table(one("65.01"), "\u0662\u0660\u0662\u0660-12-H1")),
                                                  "bad_cutoff", 2, "cutoff"))
    add("csv_superscript_digit", "encoding", no("pangkat.csv", write_csv(grid_with("65.01", "pks", "16\u00b2")),
                                                "not_number", 2, "pks"))
    add("csv_bom_inside_a_cell", "encoding", no("bom_sel.csv", write_csv(grid_with("65.01", "pks", "\ufeff16")),
                                                "not_number", 2, "pks"))

    # defect 9's family: formula-looking cells never become values
    add("csv_formula_in_count", "9", no("rumus1.csv", write_csv(grid_with("65.01", "pks", "=1+2")), "not_number", 2, "pks"))
    add("csv_at_formula_in_count", "9", no("rumus2.csv", write_csv(grid_with("65.01", "pks", "@SUM(A1)")),
                                           "not_number", 2, "pks"))
    add("csv_dde_in_count", "9", no("rumus3.csv", write_csv(grid_with("65.02", "wajib_ktp", "=cmd|' /C calc'!A0")),
                                    "not_number", 3, "wajib_ktp"))
    add("csv_tab_formula_in_count", "9", no("rumus4.csv", write_csv(grid_with("65.01", "pks", '"\t=1+2"')),
                                            "not_number", 2, "pks"))
    add("csv_hyperlink_as_code", "9", no("rumus5.csv", write_csv(
        grid_with("65.01", "kode_wilayah", '"=HYPERLINK(""http://x"",""65.01"")"')), "bad_code", 2, "kode_wilayah"))
    add("csv_minus_formula_in_count", "9", no("rumus6.csv", write_csv(grid_with("65.01", "pks", "-1+17")),
                                              "not_number", 2, "pks"))
    add("xlsx_formula_text_in_count", "9", no("rumus7.xlsx", write_book(grid_with("65.01", "pks", "'=1+2")),
                                              "not_number", 2, "pks"))

    # defect 4: one cut-off range, 2020-01-H1 to the latest whose as-of date has come
    def cut(cutoff: str) -> Callable[[Path], None]:
        return write_csv(table(one("65.01"), cutoff))
    add("cutoff_year_0001", "4", no("cut1.csv", cut("0001-12-H1"), "early_cutoff", 2, "cutoff", "0001-12-H1"))
    add("cutoff_year_1999", "4", no("cut2.csv", cut("1999-12-H2"), "early_cutoff", 2, "cutoff"))
    add("cutoff_year_2019", "4", no("cut3.csv", cut("2019-12-H2"), "early_cutoff", 2, "cutoff"))
    add("cutoff_first_allowed", "4", Send("cut4.csv", cut("2020-01-H1"), Accepted(values(one("65.01")))))
    add("cutoff_latest_allowed", "4", Send("cut5.csv", cut("2026-11-H2"), Accepted(values(one("65.01")))))
    add("cutoff_next_not_yet", "4", no("cut6.csv", cut("2026-12-H1"), "future_cutoff", 2, "cutoff"))
    add("cutoff_next_year", "4", no("cut7.csv", cut("2027-01-H1"), "future_cutoff", 2, "cutoff"))
    add("cutoff_year_9999", "4", no("cut8.csv", cut("9999-12-H2"), "future_cutoff", 2, "cutoff"))
    add("cutoff_month_13", "4", no("cut9.csv", cut("2020-13-H1"), "bad_cutoff", 2, "cutoff"))
    add("cutoff_third_half", "4", no("cut10.csv", cut("2020-12-H3"), "bad_cutoff", 2, "cutoff"))
    add("cutoff_five_digit_year", "4", no("cut11.csv", cut("10000-01-H1"), "bad_cutoff", 2, "cutoff"))
    add("cutoff_xlsx_year_1999", "4", no("cut12.xlsx", write_book(table(one("65.01"), "1999-12-H2")),
                                         "early_cutoff", 2, "cutoff"))

    # defects 1 and 5: duplicates, correction chains, undo
    a = write_csv(table(one("65.01", pks=10)))
    b = write_csv(table(one("65.02", pks=11)))
    both = write_csv(table(one("65.01", pks=12) | one("65.02", pks=13)))
    v = lambda **kw: {code: values(one(code, pks=p))[code] for code, p in kw.items()}  # noqa: E731
    add("send_twice", "5", Send("dua1.csv", a, Accepted(v(**{"65.01": 10}))),
        Send("dua1.csv", a, Accepted(v(**{"65.01": 10}), "duplicate")))
    add("send_twice_renamed", "5", Send("dua2.csv", a, Accepted(v(**{"65.01": 10}))),
        Send("dua2-salinan.csv", a, Accepted(v(**{"65.01": 10}), "duplicate")))
    add("same_values_other_bytes", "5", Send("dua3.csv", a, Accepted(v(**{"65.01": 10}))),
        Send("dua3-crlf.csv", write_csv(table(one("65.01", pks=10)), newline="\r\n"),
             Accepted(v(**{"65.01": 10}), "unchanged")))
    add("correction_supersedes_two", "1", Send("rantai1a.csv", a, Accepted(v(**{"65.01": 10}))),
        Send("rantai1b.csv", b, Accepted(v(**{"65.02": 11}))),
        Send("rantai1c.csv", both, Accepted(v(**{"65.01": 12, "65.02": 13}))))
    add("correction_chain_depth_3", "1", Send("rantai2a.csv", both, Accepted(v(**{"65.01": 12, "65.02": 13}))),
        Send("rantai2b.csv", a, Accepted(v(**{"65.01": 10, "65.02": 13}))),
        Send("rantai2c.csv", b, Accepted(v(**{"65.01": 10, "65.02": 11}))),
        Send("rantai2d.csv", write_csv(table(one("65.01", pks=14) | one("65.02", pks=15))),
             Accepted(v(**{"65.01": 14, "65.02": 15}))))
    add("undo_by_sending_again", "5", Send("undo1a.csv", a, Accepted(v(**{"65.01": 10}))),
        Send("undo1b.csv", write_csv(table(one("65.01", pks=99))), Accepted(v(**{"65.01": 99}))),
        Send("undo1a.csv", a, Accepted(v(**{"65.01": 10}), "reverted")),
        Send("undo1a.csv", a, Accepted(v(**{"65.01": 10}), "duplicate")))
    add("undo_after_two_supersede", "5", Send("undo2a.csv", a, Accepted(v(**{"65.01": 10}))),
        Send("undo2b.csv", b, Accepted(v(**{"65.02": 11}))),
        Send("undo2c.csv", both, Accepted(v(**{"65.01": 12, "65.02": 13}))),
        Send("undo2b.csv", b, Accepted(v(**{"65.01": 12, "65.02": 11}), "reverted")))
    add("undo_by_revert", "5", Send("undo3a.csv", a, Accepted(v(**{"65.01": 10}))),
        Send("undo3b.csv", write_csv(table(one("65.01", pks=99))), Accepted(v(**{"65.01": 99}))),
        Send("revert", None, Accepted(v(**{"65.01": 10}), "reverted"), revert=1),
        Send("revert", None, Accepted(v(**{"65.01": 10}), "duplicate"), revert=1))
    add("correction_ten_times_stored_partner", "5", Send("rasio1.csv", a, Accepted(v(**{"65.01": 10}))),
        no("rasio2.csv", write_csv(table(one("65.01", ktp_terekam=1014000))), "implausible_ratio", 2, "ktp_terekam"))

    # jurisdiction: a regency user sends only its own region
    add("regency_user_sends_another", "scope", no("lingkup1.csv", b, "out_of_scope", 2, "kode_wilayah", scope="65.01"))
    add("province_user_sends_another_province", "scope", no("lingkup2.csv", write_csv(table(
        {"64.01": GOOD["65.01"]})), "out_of_scope", 2, "kode_wilayah", scope="65"))
    add("regency_user_sends_its_own", "scope", Send("lingkup3.csv", a, Accepted(v(**{"65.01": 10})), scope="65.01"))
    return c


def _merge_types(extra: bytes) -> bytes:
    """[Content_Types].xml of the good workbook plus the Override elements of `extra`."""
    with zipfile.ZipFile(io.BytesIO(book_bytes())) as source:
        types = source.read("[Content_Types].xml")
    overrides = extra.split(b"<Types", 1)[1].split(b">", 1)[1].rsplit(b"</Types>", 1)[0]
    return types.replace(b"</Types>", overrides + b"</Types>")


CASES = cases()
NEW_SENDS_OF_FILES = sum(1 for case in CASES for s in case.sends if s.make is not None)


# -- the test -------------------------------------------------------------------------------

def snapshot(store) -> dict[str, list[tuple]]:
    return {t: sorted(map(tuple, store.con.execute(f"SELECT * FROM {t}").fetchall()), key=repr) for t in TABLES}


@pytest.fixture
def store(monkeypatch):
    monkeypatch.setattr(periods, "today", lambda: TODAY)
    s = open_store(":memory:")
    import_submission(s, EXAMPLE, actor="seed")
    yield s
    s.close()


def test_the_corpus_holds_the_issues_families():
    assert len(CASES) >= 65 and len({c.id for c in CASES}) == len(CASES)
    families = {c.defect for c in CASES}
    assert {"1", "2", "3", "4", "5", "9", "encoding", "scope"} <= families
    outcomes = [type(s.expect).__name__ for c in CASES for s in c.sends]
    assert outcomes.count("Refused") >= 50 and outcomes.count("Accepted") >= 20


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_case(case: Case, store, tmp_path):
    from capaian.web.data import clean

    accepted: list[int] = []
    for step, send in enumerate(case.sends, start=1):
        where = f"{case.id} send {step} ({send.name})"
        before = snapshot(store)
        try:
            if send.revert is not None:
                result = revert_submission(store, accepted[send.revert - 1], actor="corpus")
            else:
                path = tmp_path / send.name
                send.make(path)
                result = import_submission(store, path, actor="corpus", operator_scope=send.scope)
        except SubmissionInvalid as err:
            assert isinstance(send.expect, Refused), f"{where}: refused, expected accepted: {err.report.text('en')}"
            _check_refusal(send, err.report, before, snapshot(store), where)
            continue
        assert isinstance(send.expect, Accepted), f"{where}: accepted ({result.status}), expected {send.expect}"
        assert result.status == send.expect.status, where
        if result.status in ("imported", "reverted"):
            accepted.append(result.submission_id)
        cutoff = result.cutoff
        current = store.current_facts(cutoff, regions=set(send.expect.values))
        got: dict[str, dict[str, float]] = {}
        for code, fact, value in zip(current["region_code"], current["fact"], current["value"]):
            got.setdefault(code, {})[fact] = float(value)
        assert got == send.expect.values, where
        # the lists of submissions (GET /unggah, GET /api/submissions) can show every row
        # (defect 1: a submission superseding two came back as a numpy array, and the pages answered 500)
        raw = store.list_submissions().to_dict("records")
        assert all(r["supersedes"] is None or (type(r["supersedes"]) is list
                                               and all(type(i) is int for i in r["supersedes"])) for r in raw), where
        json.dumps([{k: clean(v) for k, v in r.items()} for r in raw])


def _check_refusal(send: Send, report, before, after, where: str) -> None:
    expect = send.expect
    hits = [p for p in report.problems if p.rule == expect.rule]
    assert hits, f"{where}: expected {expect.rule!r}, got {report.text('en')}"
    assert any(p.row == expect.row and p.column == expect.column for p in hits), \
        f"{where}: {[(p.row, p.column) for p in hits]}"
    if expect.value is not None:
        assert any(p.value == expect.value for p in hits), f"{where}: {[p.value for p in hits]}"
    for problem in report.problems:  # one line per problem, in both languages, naming the file
        line = problem.text()
        assert "\n" not in line and send.name in line and " / " in line, line
    for name in ("submissions", "fact_revisions", "facts", "evaluation_runs"):
        assert after[name] == before[name], f"{where}: {name} changed"
    added = [r for r in after["audit_log"] if r not in before["audit_log"]]
    assert len(added) == 1 and added[0][3] == "submission.rejected", where
