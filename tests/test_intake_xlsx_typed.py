"""XLSX read as people typed it, or refused with a reason (issue 25, defects 2 and 3).

Percent-formatted cells are the percent shown (75,5 %, not 0.755); merged cells holding a value are
refused naming their range; TRUE/FALSE only counts in a 0/1 column; `98%` is not a count; and a
decompression bomb (a small file whose parts unpack to hundreds of MB) is refused from the zip
directory before openpyxl parses anything.
"""

from __future__ import annotations

import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from capaian.intake import validate_submission
from capaian.intake.reader import MAX_SHARED_STRINGS, MAX_XLSX_PART_BYTES, MB, read_table

CUTOFF = "2020-11-H1"
HEAD = ["kode_wilayah", "cutoff", "bpp", "bpp_persen", "pks", "layanan_online"]


def workbook(path: Path, rows: list[list], formats: dict[str, str] | None = None,
             merged: tuple[str, ...] = ()) -> Path:
    """An xlsx with HEAD and `rows`; `formats`: cell -> number format; `merged`: ranges to merge."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "pengiriman"
    sheet.append(HEAD)
    for row in rows:
        sheet.append(row)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    for cell_range in merged:
        sheet.merge_cells(cell_range)
    book.save(path)
    return path


def values_of(report) -> dict[str, dict[str, float]]:
    assert report.ok, report.text()
    return {code: values for _, code, values in report.rows}


def problems(report, rule: str) -> list:
    return [p for p in report.problems if p.rule == rule]


def test_percent_formatted_cells_are_the_percent_shown(tmp_path):
    path = workbook(tmp_path / "persen.xlsx", [
        ["65.01", CUTOFF, 40, 0.755, 3, 1],
        ["65.02", CUTOFF, 40, 1.028, 3, 1],   # over 100 %
        ["65.03", CUTOFF, 40, 0.98, 3, 1],    # shown as 98% by "0%"
        ["65.04", CUTOFF, 40, 75.5, 3, 1],    # typed as a plain number: unchanged
    ], formats={"D2": "0.0%", "D3": "0.00%", "D4": "0%"})
    values = values_of(validate_submission(path))
    assert [values[c]["bpp_persen"] for c in ("65.01", "65.02", "65.03", "65.04")] == [75.5, 102.8, 98.0, 75.5]


def test_a_percent_sign_in_a_number_format_literal_does_not_scale(tmp_path):
    path = workbook(tmp_path / "literal.xlsx", [["65.01", CUTOFF, 40, 75.5, 3, 1]], formats={"D2": '0.0"%"'})
    assert values_of(validate_submission(path))["65.01"]["bpp_persen"] == 75.5


def test_percent_formatted_count_is_refused(tmp_path):
    path = workbook(tmp_path / "persen-jumlah.xlsx", [["65.01", CUTOFF, 0.98, 75.5, 3, 1]], formats={"C2": "0%"})
    report = validate_submission(path)
    [problem] = problems(report, "percent_not_allowed")
    assert (problem.row, problem.column, problem.value) == (2, "bpp", "98%")
    assert "count" in problem.text("en") and "jumlah" in problem.text("id")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_percent_text_in_a_count_column_is_refused(tmp_path, suffix):
    rows = [["65.01", CUTOFF, "98%", "98%", "3", "1"]]
    if suffix == "csv":
        path = tmp_path / "teks.csv"
        path.write_text(",".join(HEAD) + "\n" + "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    else:
        path = workbook(tmp_path / "teks.xlsx", rows)
    report = validate_submission(path)
    assert [(p.row, p.column, p.value) for p in problems(report, "percent_not_allowed")] == [(2, "bpp", "98%")]
    assert report.total == 1  # the same text in the percent column is fine


def test_booleans_count_only_as_flags(tmp_path):
    path = workbook(tmp_path / "centang.xlsx", [
        ["65.01", CUTOFF, True, 75.5, 3, True],
        ["65.02", CUTOFF, 4, 75.5, False, False],
    ])
    report = validate_submission(path)
    found = [(p.row, p.column, p.value) for p in problems(report, "boolean_not_allowed")]
    assert found == [(2, "bpp", "True"), (3, "pks", "False")]
    assert report.total == 2  # TRUE/FALSE in layanan_online is fine
    ok = workbook(tmp_path / "bendera.xlsx", [["65.01", CUTOFF, 4, 75.5, 3, True], ["65.02", CUTOFF, 4, 75.5, 3, False]])
    values = values_of(validate_submission(ok))
    assert (values["65.01"]["layanan_online"], values["65.02"]["layanan_online"]) == (1.0, 0.0)


def test_merged_cells_are_refused_naming_the_range(tmp_path):
    rows = [[code, CUTOFF, 40, 75.5, 3, 1] for code in ("65.01", "65.02", "65.03", "65.04", "65.71")]
    path = workbook(tmp_path / "gabung.xlsx", rows, merged=("E2:E5", "B2:B6"))
    report = validate_submission(path)
    [problem] = problems(report, "merged_cells")
    assert problem.value == "B2:B6, E2:E5" and problem.row == 2
    assert "B2:B6" in problem.text("en") and "Unmerge" in problem.text("en")
    assert "gabungan" in problem.text("id")


def test_merged_empty_cells_below_the_table_are_harmless(tmp_path):
    path = workbook(tmp_path / "hiasan.xlsx", [["65.01", CUTOFF, 40, 75.5, 3, 1]], merged=("A10:F12",))
    assert values_of(validate_submission(path))["65.01"]["bpp"] == 40


def _with_part(good: Path, target: Path, name: str, write_body, padding: int = 0) -> Path:
    """`good` with part `name` replaced (or added) by what `write_body(stream)` writes, and
    `padding` bytes of noise in an image part (to make the file as large as a real one)."""
    import random

    with zipfile.ZipFile(good) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != name:
                out.writestr(info, source.read(info.filename))
        with out.open(name, "w", force_zip64=True) as stream:
            write_body(stream)
        if padding:
            out.writestr("xl/media/image1.png", random.Random(25).randbytes(padding))
    return target


def test_shared_strings_bomb_is_refused_before_parsing(tmp_path, monkeypatch):
    good = workbook(tmp_path / "baik.xlsx", [["65.01", CUTOFF, 40, 75.5, 3, 1]])
    chunk = b"<si><t>" + b"A" * (MB - 20) + b"</t></si>"

    def body(stream):  # 400 MB of (unused) shared strings, written without holding them
        stream.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        for _ in range(400):
            stream.write(chunk)
        stream.write(b"</sst>")

    bomb = _with_part(good, tmp_path / "bom.xlsx", "xl/sharedStrings.xml", body, padding=700_000)
    assert 1_000_000 < bomb.stat().st_size < 1_200_000  # 1.1 MB, like the file of the report
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo("xl/sharedStrings.xml").file_size > 400_000_000

    import openpyxl as library

    def never(*args, **kwargs):
        raise AssertionError("openpyxl was asked to parse a bomb")

    monkeypatch.setattr(library, "load_workbook", never)
    tracemalloc.start()
    started = time.perf_counter()
    report = validate_submission(bomb)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    [problem] = report.problems
    assert problem.rule == "xlsx_too_large" and "xl/sharedStrings.xml" in problem.text("en")
    assert f"{MAX_XLSX_PART_BYTES // MB} MB" in problem.text("en")
    assert peak < 100 * MB, peak
    print(f"bomb refused in {elapsed:.3f} s, peak traced memory {peak / MB:.1f} MB")


def test_too_many_shared_strings_are_refused_by_count(tmp_path):
    good = workbook(tmp_path / "baik.xlsx", [["65.01", CUTOFF, 40, 75.5, 3, 1]])

    def body(stream):  # small in bytes (a few MB), but more strings than any submission has cells
        stream.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        stream.write(b"<si><t>x</t></si>" * (MAX_SHARED_STRINGS + 1))
        stream.write(b"</sst>")

    many = _with_part(good, tmp_path / "banyak.xlsx", "xl/sharedStrings.xml", body)
    with zipfile.ZipFile(many) as archive:
        assert archive.getinfo("xl/sharedStrings.xml").file_size < MAX_XLSX_PART_BYTES
    report = validate_submission(many)
    assert [p.rule for p in report.problems] == ["xlsx_too_large"]
    assert "shared strings" in report.problems[0].text("en")


def test_an_ordinary_workbook_passes_the_bomb_checks(tmp_path):
    rows = [[f"65.0{i}", CUTOFF, 40 + i, 75.5, 3, 1] for i in range(1, 5)]
    table = read_table(workbook(tmp_path / "biasa.xlsx", rows))
    assert [r[1][2] for r in table.rows] == [41, 42, 43, 44]
