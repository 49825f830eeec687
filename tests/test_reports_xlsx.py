"""Excel workbook reports, read back with openpyxl and checked against the run's result frames.

The store is the small real one of the web tests (`web_support`): Kaltara (65) and Kaltim (64)
submit through intake, Malinau's coverage comes from village facts, three cut-offs are evaluated
with `capaian.service`, 2020-11-H1 is published.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile

import openpyxl
import pandas as pd
import pytest

from capaian.reports import build_report, render_xlsx, resolve_scope
from capaian.reports.common import run_timestamp
from capaian.runs import pick
from web_support import KALTARA, SEED_CUTOFF

GEN_1 = dt.datetime(2024, 1, 2, 3, 4, 5)
GEN_2 = dt.datetime(2025, 6, 7, 8, 9, 10)
# the generation time in the zone of Kalimantan Utara (WITA, UTC+8), as the report shows it
STAMP_1, STAMP_2 = "2 Januari 2024 11:04:05 WITA", "7 Juni 2025 16:09:10 WITA"


@pytest.fixture(scope="module")
def view(small_store):
    v, _ = pick(small_store, cutoff=SEED_CUTOFF)
    assert v is not None and v.published
    return v


def workbook(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


@pytest.fixture(scope="module")
def kaltara_wb(small_store):
    return workbook(build_report(small_store, "65", SEED_CUTOFF, "xlsx", generated_at=GEN_1).content)


def table(ws, header_row: int) -> tuple[list[str], list[tuple]]:
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    header = list(rows[0])
    body = [r for r in rows[1:] if any(v is not None for v in r)]
    return header, body


def blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value)


def same_number(cell, expected) -> bool:
    if blank(expected):
        return cell is None
    assert isinstance(cell, (int, float)) and not isinstance(cell, bool), f"{cell!r} is not a number"
    return cell == pytest.approx(float(expected), rel=1e-13, abs=1e-12)


def test_sheets_in_order(kaltara_wb, view):
    labels = [ind.label.id for ind in view.rubric.indicators]
    # an office report adds the forecast and data-quality sheet (capaian.quality) before the metadata
    assert kaltara_wb.sheetnames == ["Ringkasan", "Level wilayah", *labels, "Penjelasan", "Kualitas dan perkiraan",
                                     "Metadata"]


def test_indicator_sheets_hold_the_run_values_as_numbers(kaltara_wb, view):
    scope = resolve_scope(view, "65")
    expected = scope.indicators(view)
    assert set(expected["region_code"]) == {"65", *KALTARA}
    for ind in view.rubric.indicators:
        ws = kaltara_wb[ind.label.id]
        assert f"run {view.run_id}" in ws["A1"].value
        header, body = table(ws, 2)
        col = {name: i for i, name in enumerate(header)}
        rows = expected[expected["indicator"] == ind.id]
        assert [r[0] for r in body] == list(rows["region_code"])
        for cells, row in zip(body, rows.to_dict("records")):
            numerator = "Pembilang" if ind.kind == "coverage" else "Kab/kota memenuhi"
            denominator = "Penyebut" if ind.kind == "coverage" else "Jumlah kab/kota"
            value = "Capaian (%)" if ind.kind == "coverage" else "Nilai"
            assert cells[col["Wilayah"]] == row["region_name"]
            assert same_number(cells[col[numerator]], row["numerator"])
            assert same_number(cells[col[denominator]], row["denominator"])
            # above a regency an implementation indicator is its complying regencies/cities only: the
            # stored value is one regency's (the lowest) and is left out
            above = ind.kind != "coverage" and not blank(row["denominator"])
            assert same_number(cells[col[value]], None if above else row["value"])
            assert same_number(cells[col["Target"]], row["target"])
            assert same_number(cells[col["Perubahan"]], None if above else row["change_value"])
            assert same_number(cells[col["Peringkat nasional"]], row["rank_national"])
            assert same_number(cells[col["Peringkat di provinsi"]], row["rank_province"])
            met = cells[col["Tercapai"]]
            if row["status"] == "no_data":
                assert met is None and cells[col["Status"]].startswith("–")
            else:
                assert met is bool(row["met"])
                assert cells[col["Status"]] == ("✓ tercapai" if row["met"] else "✗ belum tercapai")


def test_white_paper_of_the_province_is_its_complying_regencies(kaltara_wb):
    """Kaltara at 2020-11-H1: 4 of 5 regencies/cities print on white paper (Tana Tidung not yet);
    the province row does not show Tana Tidung's document count as if it were the province's."""
    header, body = table(kaltara_wb["Kertas putih"], 2)
    col = {name: i for i, name in enumerate(header)}
    province = next(r for r in body if r[0] == "65")
    assert (province[col["Kab/kota memenuhi"]], province[col["Jumlah kab/kota"]]) == (4, 5)
    assert province[col["Nilai"]] is None and province[col["Tercapai"]] is False
    regency = next(r for r in body if r[0] == "65.04")
    assert regency[col["Nilai"]] < 18 and regency[col["Kab/kota memenuhi"]] is None


def test_seed_numbers_in_cells(kaltara_wb):
    ws = kaltara_wb["KTP-el"]
    row = next(r for r in ws.iter_rows(min_row=3) if r[0].value == "65")
    numerator, denominator, value = row[3], row[4], row[5]
    assert numerator.value == 467_701 and denominator.value == 458_845
    assert numerator.number_format == "#,##0"
    assert value.number_format == "0.0000" and round(value.value, 2) == 101.93  # the column needs 4 places
    assert row[7].value is True


def test_frozen_headers_filters_and_conditional_formats(kaltara_wb):
    ws = kaltara_wb["KIA"]
    assert ws.freeze_panes == "C3"
    assert ws.auto_filter.ref.startswith("A2:")
    rules = [rule for rng in ws.conditional_formatting for rule in rng.rules]
    formulas = [f for rule in rules for f in (rule.formula or [])]
    assert any("=TRUE" in f for f in formulas) and any("=FALSE" in f for f in formulas)
    levels = kaltara_wb["Level wilayah"]
    assert levels.freeze_panes == "C2" and levels.auto_filter.ref.startswith("A1:")
    assert kaltara_wb["Penjelasan"].freeze_panes == "C2"


def test_levels_sheet_matches_region_rows(kaltara_wb, view):
    header, body = table(kaltara_wb["Level wilayah"], 1)
    col = {name: i for i, name in enumerate(header)}
    expected = resolve_scope(view, "65").regions(view)
    assert [r[0] for r in body] == list(expected["region_code"])
    assert body[0][0] == "65"  # the scope region first
    for cells, row in zip(body, expected.to_dict("records")):
        assert same_number(cells[col["Level"]], row["level"])
        assert same_number(cells[col["Indikator tercapai"]], row["indicators_met"])
        assert same_number(cells[col["Peringkat nasional"]], row["rank_national"])
        assert same_number(cells[col["Peringkat di provinsi"]], row["rank_province"])


def test_summary_counts_per_level(kaltara_wb, view):
    ws = kaltara_wb["Ringkasan"]
    values = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    level_row = next(r for r in values if r[0] == "Level")
    assert level_row[1] == 3 and level_row[2] == "baik"
    head = next(i for i, r in enumerate(values) if r[0] == "Level" and r[1] == "Predikat")
    assert values[head][2] == "Kabupaten/kota"
    regencies = view.tier("regency", province="65")
    for r in values[head + 1: head + 5]:
        assert r[2] == int((regencies["level"] == r[0]).sum())
    assert values[head + 5][2] == len(KALTARA)
    lines = [r[0] for r in values if isinstance(r[0], str)]
    assert any("Kertas putih: belum di Kabupaten Tana Tidung" in line for line in lines)


def test_explanations_sheet_gives_the_path(kaltara_wb, view):
    header, body = table(kaltara_wb["Penjelasan"], 1)
    col = {name: i for i, name in enumerate(header)}
    rows = [r for r in body if r[0] == "65"]
    path = view.explain("65").path
    assert len(rows) == len(path) == 1  # KIA meets the 20 % threshold: white paper is the only step
    paper = next(r for r in rows if r[col["Indikator"]] == "Kertas putih")
    assert paper[col["Kab/kota belum memenuhi"]] == "Kabupaten Tana Tidung"


def test_metadata_sheet(kaltara_wb, view):
    ws = kaltara_wb["Metadata"]
    meta = {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}
    assert meta["Run evaluasi"] == view.run_id
    assert meta["Rubrik"] == "levelisasi-2020"
    assert meta["Set target"] == "national"
    assert meta["Dibuat pada"] == STAMP_1
    assert meta["Status run"].startswith("diterbitkan")
    assert "submission:" in meta["Sumber data"] and "register:test" in meta["Sumber data"]
    assert "Target KTP-el" in meta


def test_document_properties_come_from_the_run(kaltara_wb, view):
    assert kaltara_wb.properties.created == run_timestamp(view)
    assert kaltara_wb.properties.modified == run_timestamp(view)
    assert f"run {view.run_id}" in kaltara_wb.properties.subject


def _members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_published_run_reproducible_apart_from_generation_time(small_store):
    a = build_report(small_store, "65", SEED_CUTOFF, "xlsx", generated_at=GEN_1).content
    b = build_report(small_store, "65", SEED_CUTOFF, "xlsx", generated_at=GEN_1).content
    c = build_report(small_store, "65", SEED_CUTOFF, "xlsx", generated_at=GEN_2).content
    assert a == b
    assert a != c
    ma, mc = _members(a), _members(c)
    assert ma.keys() == mc.keys()
    differing = [name for name in ma if ma[name] != mc[name]]
    assert differing == ["xl/sharedStrings.xml"]  # the one cell with the generation time
    masked_a = ma["xl/sharedStrings.xml"].replace(STAMP_1.encode(), b"<generated>")
    masked_c = mc["xl/sharedStrings.xml"].replace(STAMP_2.encode(), b"<generated>")
    assert masked_a == masked_c


def test_national_workbook(small_store, view):
    wb = workbook(render_xlsx(view, resolve_scope(view, "nasional"), generated_at=GEN_1))
    header, body = table(wb["Level wilayah"], 1)
    tiers = pd.Series([r[2] for r in body]).value_counts()
    assert tiers["nasional"] == 1 and tiers["provinsi"] == 34 and tiers["kab/kota"] == 514
    _, ktp = table(wb["KTP-el"], 2)
    assert len(ktp) == 549
    # no-data rows stay blank, never zero
    aceh = next(r for r in ktp if r[0] == "11")
    assert aceh[3] is None and aceh[5] is None and aceh[8].startswith("–")


def test_regency_workbook_and_english(view):
    wb = workbook(render_xlsx(view, resolve_scope(view, "6571"), lang="en", generated_at=GEN_1))
    assert wb.sheetnames[:2] == ["Summary", "Region levels"]
    assert "Birth certificates" in wb.sheetnames and wb.sheetnames[-2:] == ["Explanations", "Metadata"]
    header, body = table(wb["KTP-el"], 2)
    assert header[:6] == ["Code", "Region", "Tier", "Numerator", "Denominator", "Coverage (%)"]
    assert body[0][0] == "65.71" and body[0][1] == "Kota Tarakan"


def test_percent_cells_show_the_decimals_needed(kaltara_wb):
    """65.04 and 65.71 (ranks 1 and 2 for KTP-el) differ only in the third decimal: the cells say so."""
    ws = kaltara_wb["KTP-el"]
    header, _ = table(ws, 2)
    col = header.index("Capaian (%)")
    formats = {row[0].value: row[col].number_format for row in ws.iter_rows(min_row=3) if row[0].value}
    assert formats["65.04"] == formats["65.71"] == "0.0000"
    assert set(formats.values()) == {"0.0000"}  # one column, one number of places


def test_every_sheet_prints_landscape_fitted_to_width_with_repeated_titles(kaltara_wb):
    for ws in kaltara_wb.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert str(setup.paperSize) == "9", ws.title  # A4
        assert setup.fitToWidth in (1, None) and setup.fitToHeight == 0, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    assert kaltara_wb["KIA"].print_title_rows == "$1:$2"
    assert kaltara_wb["Level wilayah"].print_title_rows == "$1:$1"
    assert kaltara_wb["Penjelasan"].print_title_rows == "$1:$1"
