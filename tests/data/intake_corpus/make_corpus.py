"""Write the intake corpus: broken and edge-case submission files and `manifest.csv`.

    python tests/data/intake_corpus/make_corpus.py [OUT_DIR]     # default: this folder

Each case declares its expected outcome here, next to the bytes that produce it: `refused` with
the rule, row and column of a problem that must be reported, or `accepted` with the number of
values stored and of values listed as not usable yet. `tests/test_intake_corpus.py` imports every
file into a store that already holds `examples/submission-65-2020-11-H1.csv` and checks the
outcome, and that a refusal changes nothing but one audit entry.
Files are written with the standard library, openpyxl (no cached formula values) and XlsxWriter
(cached formula values), some of them then broken on purpose.
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
CUT = "2020-12-H1"  # the store holds 2020-11-H1 (the example); most cases use a fresh cut-off
HEAD = ["kode_wilayah", "nama_wilayah", "cutoff", "wajib_ktp", "ktp_terekam", "anak_lt17", "kia_dimiliki"]
ROWS = [
    ["65.01", "Kabupaten Bulungan", CUT, "98700", "101400", "44100", "21000"],
    ["65.71", "Kota Tarakan", CUT, "158800", "162400", "71000", "36000"],
]


def text_csv(rows, head=HEAD, delimiter=",", newline="\n") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(head)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def row(**change) -> list[str]:
    """The first good row with some cells changed (by column name)."""
    out = list(ROWS[0])
    for name, value in change.items():
        out[HEAD.index(name)] = value
    return out


def xlsx_openpyxl(sheets: dict[str, list[list]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r in rows:
            sheet.append(r)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def numeric(rows) -> list[list]:
    """Rows with the count cells as numbers (as a spreadsheet holds them)."""
    return [r[:3] + [int(c) for c in r[3:]] for r in rows]


def xlsx_cached_formula() -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("pengiriman")
    sheet.write_row(0, 0, HEAD)
    for r, cells in enumerate(numeric(ROWS), start=1):
        sheet.write_row(r, 0, cells)
    # ktp_terekam of row 2 as a formula WITH its saved value (what Excel writes)
    sheet.write_formula(1, 4, "=D2+2700", None, 101400)
    book.close()
    return buf.getvalue()


def rezip(data: bytes, change) -> bytes:
    """The zip with `change(name, bytes) -> bytes | None` applied to each member (None drops it)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            body = change(info.filename, source.read(info.filename))
            if body is not None:
                out.writestr(info.filename, body)
    return buf.getvalue()


def good_xlsx() -> bytes:
    return xlsx_openpyxl({"pengiriman": [HEAD] + numeric(ROWS)})


def truncated_sheet() -> bytes:
    return rezip(good_xlsx(), lambda n, b: b[: len(b) // 2] if n == "xl/worksheets/sheet1.xml" else b)


def sheet_xml(change) -> bytes:
    """The good workbook with its sheet XML rewritten by `change(xml: str) -> str`."""
    return rezip(good_xlsx(), lambda n, b: change(b.decode()).encode() if n == "xl/worksheets/sheet1.xml" else b)


def wide_dimension(xml: str) -> str:
    import re

    return re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:XFD1048576"', xml)


def stale_dimension(xml: str) -> str:
    """Declares A1:A1 (some writers do): the rows and columns past it hold data all the same."""
    import re

    return re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1"', xml)


def blank_rows_then_data(xml: str) -> str:
    """30,000 styled empty rows between the data and one more row (cheap once zipped)."""
    blank = "".join(f'<row r="{n}"><c r="A{n}" s="0"/></row>' for n in range(4, 30_004))
    late = '<row r="30004"><c r="A30004" t="inlineStr"><is><t>65.02</t></is></c></row>'
    return xml.replace("</sheetData>", blank + late + "</sheetData>")


def formula_without_value() -> bytes:
    rows = [HEAD] + numeric(ROWS)
    rows[1][4] = "=D2+2700"
    rows[2][4] = "=D3+3600"
    return xlsx_openpyxl({"pengiriman": rows})


def zip_not_xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        out.writestr("data.csv", text_csv(ROWS))
    return buf.getvalue()


def xlsx_styled(rows: list[list], formats: dict[str, str] = (), merged: tuple[str, ...] = ()) -> bytes:
    """One sheet with number formats (cell -> format) and merged ranges."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for r in rows:
        sheet.append(r)
    for cell, number_format in dict(formats).items():
        sheet[cell].number_format = number_format
    for cell_range in merged:
        sheet.merge_cells(cell_range)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def with_shared_strings(body: bytes) -> bytes:
    """The good workbook with `body` as its (unused) shared-strings part."""
    with zipfile.ZipFile(io.BytesIO(good_xlsx())) as source:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
            for info in source.infolist():
                if info.filename != "xl/sharedStrings.xml":
                    out.writestr(info, source.read(info.filename))
            out.writestr("xl/sharedStrings.xml", body)
    return buf.getvalue()


SST = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


# (file, bytes, outcome, rule, row, column, values stored, values not usable)
def cases() -> list[tuple]:
    wide_head = HEAD + [f"x{i}" for i in range(150)]
    many = [[f"65.{i:02d}", "", CUT, "1", "1", "", ""] for i in range(2100)]
    return [
        # -- accepted ------------------------------------------------------------------------
        ("ok_basic.csv", text_csv(ROWS), "accepted", "", "", "", 8, 0),
        # KIA above 100 % is real (denominators fixed at the base): accepted, flagged in evaluation
        ("ok_kia_above_children.csv", text_csv([row(kia_dimiliki="44101")]), "accepted", "", "", "", 4, 0),
        ("ok_semicolon_bom.csv", b"\xef\xbb\xbf" + text_csv(ROWS, delimiter=";"), "accepted", "", "", "", 8, 0),
        ("ok_tab.txt", text_csv(ROWS, delimiter="\t"), "accepted", "", "", "", 8, 0),
        ("ok_crlf.csv", text_csv(ROWS, newline="\r\n"), "accepted", "", "", "", 8, 0),
        ("ok_dot_thousands.csv", text_csv([row(wajib_ktp="98.700", ktp_terekam="101.400")]),
         "accepted", "", "", "", 4, 0),
        ("ok_plain_code.csv", text_csv([row(kode_wilayah="6501")]), "accepted", "", "", "", 4, 0),
        ("ok_max_count.csv", text_csv([row(wajib_ktp="1000000000", ktp_terekam="1.000.000.000")]),
         "accepted", "", "", "", 4, 0),
        ("ok_ratio_at_limit.csv", text_csv([row(wajib_ktp="50000", ktp_terekam="100000")]),
         "accepted", "", "", "", 4, 0),
        ("ok_quoted_name.csv", text_csv([row(nama_wilayah='Bulungan, "Tanjung Selor"; utara')]),
         "accepted", "", "", "", 4, 0),
        ("ok_blank_lines.csv", text_csv(ROWS).replace(b"\n", b"\n\n\n"), "accepted", "", "", "", 8, 0),
        ("ok_flag_words.csv", text_csv([["65.01", CUT, "ya", "tidak"]],
                                       head=["kode_wilayah", "cutoff", "layanan_online", "layanan_terintegrasi"]),
         "accepted", "", "", "", 2, 0),
        ("ok_percent_comma.csv", text_csv([["65.01", CUT, "101,93"]], head=["kode_wilayah", "cutoff", "bpp_persen"]),
         "accepted", "", "", "", 1, 0),
        ("ok_exponent.csv", text_csv([row(anak_lt17="4.41e4", kia_dimiliki="2.1E4")]), "accepted", "", "", "", 4, 0),
        ("ok_province_row.csv", text_csv([row(kode_wilayah="65", nama_wilayah="Kalimantan Utara")]),
         "accepted", "", "", "", 4, 0),
        ("ok_header_case.csv", text_csv(ROWS, head=["Kode Wilayah", " NAMA_WILAYAH", "Cutoff"] + HEAD[3:]),
         "accepted", "", "", "", 8, 0),
        ("ok_one_fact.csv", text_csv([["65.01", CUT, "16"]], head=["kode_wilayah", "cutoff", "pks"]),
         "accepted", "", "", "", 1, 0),
        ("ok_spaces_in_cells.csv", text_csv([row(wajib_ktp=" 98 700 ", ktp_terekam="\u00a0101400")]),
         "accepted", "", "", "", 4, 0),
        ("ok_numerator_alone.csv", text_csv([["65.01", CUT, "101400"]], head=["kode_wilayah", "cutoff", "ktp_terekam"]),
         "accepted", "", "", "", 1, 1),
        ("ok_numerator_stored_partner.csv",
         text_csv([["65.01", "2020-11-H1", "101500"]], head=["kode_wilayah", "cutoff", "ktp_terekam"]),
         "accepted", "", "", "", 1, 0),
        ("ok_basic.xlsx", good_xlsx(), "accepted", "", "", "", 8, 0),
        ("ok_formula_with_value.xlsx", xlsx_cached_formula(), "accepted", "", "", "", 8, 0),
        ("ok_empty_second_sheet.xlsx", xlsx_openpyxl({"pengiriman": [HEAD] + numeric(ROWS), "catatan": []}),
         "accepted", "", "", "", 8, 0),
        ("ok_numbers_as_text.xlsx", xlsx_openpyxl({"pengiriman": [HEAD] + ROWS}), "accepted", "", "", "", 8, 0),
        ("ok_wide_dimension.xlsx", sheet_xml(wide_dimension), "accepted", "", "", "", 8, 0),
        ("ok_stale_dimension.xlsx", sheet_xml(stale_dimension), "accepted", "", "", "", 8, 0),
        ("ok_blank_row_in_sheet.xlsx", xlsx_openpyxl({"s": [HEAD, numeric(ROWS)[0], [None] * 7, numeric(ROWS)[1]]}),
         "accepted", "", "", "", 8, 0),
        # -- refused: unreadable or empty ---------------------------------------------------------
        ("empty.csv", b"", "refused", "empty", "", "", 0, 0),
        ("whitespace_only.csv", b"\xef\xbb\xbf \n\n\t\n", "refused", "empty", "", "", 0, 0),
        ("header_only.csv", text_csv([]), "refused", "empty", 2, "", 0, 0),
        ("empty.xlsx", b"", "refused", "empty", "", "", 0, 0),
        ("latin1.csv", text_csv([row(nama_wilayah="Bulungan é")]).decode().encode("latin-1"),
         "refused", "unreadable", 2, "", 0, 0),
        ("utf16.csv", text_csv(ROWS).decode().encode("utf-16"), "refused", "unreadable", 1, "", 0, 0),
        ("nul_bytes.csv", text_csv(ROWS).replace(b"Tarakan", b"Tara\x00kan"), "refused", "unreadable", 3, "", 0, 0),
        ("huge_cell.csv", text_csv([row(nama_wilayah="x" * 140_000)]), "refused", "unreadable", 2, "", 0, 0),
        ("binary_garbage.csv", bytes(range(256)) * 8, "refused", "unreadable", 2, "", 0, 0),
        ("not_a_zip.xlsx", b"this is not a zip file", "refused", "unreadable", "", "", 0, 0),
        ("zip_not_xlsx.xlsx", zip_not_xlsx(), "refused", "unreadable", "", "", 0, 0),
        ("truncated_sheet.xlsx", truncated_sheet(), "refused", "unreadable", "", "", 0, 0),
        ("truncated_zip.xlsx", good_xlsx()[:1500], "refused", "unreadable", "", "", 0, 0),
        ("no_workbook_part.xlsx", rezip(good_xlsx(), lambda n, b: None if n == "xl/workbook.xml" else b),
         "refused", "unreadable", "", "", 0, 0),
        ("report.pdf", b"%PDF-1.4\n", "refused", "file_type", "", "", 0, 0),
        ("too_many_columns.csv", text_csv([row() + ["1"] * 150], head=wide_head),
         "refused", "too_many_columns", 1, "", 0, 0),
        ("too_many_rows.csv", text_csv(many), "refused", "too_many_rows", 2002, "", 0, 0),
        ("blank_rows_beyond_limit.xlsx", sheet_xml(blank_rows_then_data), "refused", "too_many_rows", 20001, "", 0, 0),
        ("blank_lines_beyond_limit.csv", text_csv(ROWS[:1]) + b"\n" * 25_000 + b"65.02,,2020-12-H1,1,1,,\n",
         "refused", "too_many_rows", 20001, "", 0, 0),
        # -- refused: xlsx silent loss -------------------------------------------------------------
        ("formula_without_value.xlsx", formula_without_value(), "refused", "formula", 2, "ktp_terekam", 0, 0),
        ("second_sheet_data.xlsx", xlsx_openpyxl({"pengiriman": [HEAD] + numeric(ROWS[:1]),
                                                  "lanjutan": [HEAD] + numeric(ROWS[1:])}),
         "refused", "several_sheets", "", "", 0, 0),
        ("huge_float.xlsx", xlsx_openpyxl({"s": [HEAD, numeric(ROWS)[0][:3] + [1e308, 1, 1, 1]]}),
         "refused", "too_large", 2, "wajib_ktp", 0, 0),
        # -- refused: values ---------------------------------------------------------------------
        ("count_1e308.csv", text_csv([row(ktp_terekam="1e308")]), "refused", "too_large", 2, "ktp_terekam", 0, 0),
        ("count_25_digits.csv", text_csv([row(wajib_ktp="1" * 25)]), "refused", "too_large", 2, "wajib_ktp", 0, 0),
        ("count_60_digits.csv", text_csv([row(wajib_ktp="9" * 60)]), "refused", "too_large", 2, "wajib_ktp", 0, 0),
        ("count_over_limit.csv", text_csv([row(anak_lt17="1000000001")]), "refused", "too_large", 2, "anak_lt17", 0, 0),
        ("percent_over_limit.csv", text_csv([["65.01", CUT, "20000"]], head=["kode_wilayah", "cutoff", "bpp_persen"]),
         "refused", "too_large", 2, "bpp_persen", 0, 0),
        ("ratio_x10.csv", text_csv([row(ktp_terekam="1014000")]), "refused", "implausible_ratio", 2, "ktp_terekam", 0, 0),
        ("ratio_x10_vs_stored.csv",
         text_csv([["65.01", "2020-11-H1", "1013610"]], head=["kode_wilayah", "cutoff", "ktp_terekam"]),
         "refused", "implausible_ratio", 2, "ktp_terekam", 0, 0),
        ("denominator_div10_vs_stored.csv",
         text_csv([["65.01", "2020-11-H1", "9865"]], head=["kode_wilayah", "cutoff", "wajib_ktp"]),
         "refused", "implausible_ratio", 2, "wajib_ktp", 0, 0),
        ("negative.csv", text_csv([row(wajib_ktp="-98700")]), "refused", "negative", 2, "wajib_ktp", 0, 0),
        ("not_whole.csv", text_csv([row(anak_lt17="44100,5")]), "refused", "not_whole", 2, "anak_lt17", 0, 0),
        ("ambiguous.csv", text_csv([row(kia_dimiliki="21,000")]), "refused", "ambiguous", 2, "kia_dimiliki", 0, 0),
        ("infinity.csv", text_csv([row(ktp_terekam="inf")]), "refused", "not_number", 2, "ktp_terekam", 0, 0),
        ("nan.csv", text_csv([row(ktp_terekam="NaN")]), "refused", "not_number", 2, "ktp_terekam", 0, 0),
        ("flag_two.csv", text_csv([["65.01", CUT, "2"]], head=["kode_wilayah", "cutoff", "layanan_online"]),
         "refused", "not_flag", 2, "layanan_online", 0, 0),
        ("kia_x10.csv", text_csv([row(kia_dimiliki="210000")]),
         "refused", "implausible_ratio", 2, "kia_dimiliki", 0, 0),
        # -- refused: cut-offs ---------------------------------------------------------------------
        ("future_cutoff.csv", text_csv([row(cutoff="2099-01-H1")]), "refused", "future_cutoff", 2, "cutoff", 0, 0),
        ("bad_cutoff.csv", text_csv([row(cutoff="2020-13-H1")]), "refused", "bad_cutoff", 2, "cutoff", 0, 0),
        ("zero_year_cutoff.csv", text_csv([row(cutoff="0000-01-H1")]), "refused", "bad_cutoff", 2, "cutoff", 0, 0),
        ("mixed_cutoff.csv", text_csv([ROWS[0], ROWS[1][:2] + ["2020-11-H2"] + ROWS[1][3:]]),
         "refused", "mixed_cutoff", 3, "cutoff", 0, 0),
        ("missing_cutoff.csv", text_csv([row(cutoff="")]), "refused", "missing_cutoff", 2, "cutoff", 0, 0),
        # -- refused: header and regions -----------------------------------------------------------
        ("missing_code_column.csv", text_csv([r[1:] for r in ROWS], head=HEAD[1:]),
         "refused", "missing_column", 1, "kode_wilayah", 0, 0),
        ("unknown_column.csv", text_csv([row() + ["5"]], head=HEAD + ["jumlah_sapi"]),
         "refused", "unknown_column", 1, "jumlah_sapi", 0, 0),
        ("duplicate_column.csv", text_csv([row() + ["1"]], head=HEAD + ["wajib_ktp"]),
         "refused", "duplicate_column", 1, "wajib_ktp", 0, 0),
        ("unnamed_column.csv", text_csv([row() + ["7"]], head=HEAD + [""]), "refused", "unnamed_column", 1, "#8", 0, 0),
        ("no_fact_columns.csv", text_csv([["65.01", CUT]], head=["kode_wilayah", "cutoff"]),
         "refused", "no_fact_columns", 1, "", 0, 0),
        ("no_values.csv", text_csv([row(wajib_ktp="", ktp_terekam="", anak_lt17="", kia_dimiliki="")]),
         "refused", "no_values", 2, "", 0, 0),
        ("unknown_region.csv", text_csv([row(kode_wilayah="65.99")]), "refused", "unknown_code", 2, "kode_wilayah", 0, 0),
        ("bad_code.csv", text_csv([row(kode_wilayah="<script>alert(1)</script>")]),
         "refused", "bad_code", 2, "kode_wilayah", 0, 0),
        ("bidi_code.csv", text_csv([row(kode_wilayah="65.01\u202e")]), "refused", "bad_code", 2, "kode_wilayah", 0, 0),
        ("district_code.csv", text_csv([row(kode_wilayah="65.01.01")]), "refused", "wrong_tier", 2, "kode_wilayah", 0, 0),
        ("duplicate_region.csv", text_csv([ROWS[0], ROWS[0]]), "refused", "duplicate_region", 3, "kode_wilayah", 0, 0),
        ("missing_code.csv", text_csv([row(kode_wilayah="")]), "refused", "missing_code", 2, "kode_wilayah", 0, 0),
        ("formula_injection.csv", text_csv([row(wajib_ktp="=1+1")]), "refused", "not_number", 2, "wajib_ktp", 0, 0),
        # -- issue 25: xlsx read as typed, decompression bombs, cut-offs out of range ---------------
        ("ok_percent_format.xlsx", xlsx_styled([["kode_wilayah", "cutoff", "bpp_persen"], ["65.01", CUT, 0.755]],
                                               {"C2": "0.0%"}), "accepted", "", "", "", 1, 0),
        ("percent_format_count.xlsx", xlsx_styled([["kode_wilayah", "cutoff", "pks"], ["65.01", CUT, 0.98]],
                                                  {"C2": "0%"}), "refused", "percent_not_allowed", 2, "pks", 0, 0),
        ("percent_text_count.csv", text_csv([["65.01", CUT, "98%"]], head=["kode_wilayah", "cutoff", "pks"]),
         "refused", "percent_not_allowed", 2, "pks", 0, 0),
        ("boolean_count.xlsx", xlsx_styled([["kode_wilayah", "cutoff", "pks"], ["65.01", CUT, True]]),
         "refused", "boolean_not_allowed", 2, "pks", 0, 0),
        ("merged_cells.xlsx", xlsx_styled([["kode_wilayah", "cutoff", "pks"]] + [[c, CUT, 3] for c in
                                          ("65.01", "65.02", "65.03", "65.04")], merged=("C2:C5",)),
         "refused", "merged_cells", 2, "", 0, 0),
        ("shared_strings_count.xlsx", with_shared_strings(SST + b"<si><t>x</t></si>" * 200_101 + b"</sst>"),
         "refused", "xlsx_too_large", "", "", 0, 0),
        ("shared_strings_bomb.xlsx", with_shared_strings(SST + b"<si><t>" + b"A" * (51 << 20) + b"</t></si></sst>"),
         "refused", "xlsx_too_large", "", "", 0, 0),
        ("early_cutoff_0001.csv", text_csv([row(cutoff="0001-11-H1")]), "refused", "early_cutoff", 2, "cutoff", 0, 0),
        ("early_cutoff_1999.csv", text_csv([row(cutoff="1999-12-H2")]), "refused", "early_cutoff", 2, "cutoff", 0, 0),
    ]


MANIFEST_COLUMNS = ["file", "outcome", "rule", "row", "column", "values", "unusable"]


def write(out: Path = HERE) -> list[dict]:
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for name, body, outcome, rule, row_no, column, values, unusable in cases():
        (out / name).write_bytes(body)
        manifest.append(dict(zip(MANIFEST_COLUMNS, (name, outcome, rule, row_no, column, values, unusable))))
    with (out / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, MANIFEST_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(manifest)
    return manifest


if __name__ == "__main__":
    written = write(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
    print(f"{len(written)} files")
