"""Reports of issue 23, read back from the files on the small web store: tagged PDFs (PDF/UA-1, the
structure tree read with pypdf), no near-empty pages in the province PDF, times in the office's
zone, file names that say scope, cut-off, run and audience, and a national workbook that prints
to a sane number of pages with print titles (openpyxl)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pdfplumber
import pypdf
import pytest

from capaian.access import report_tiers
from capaian.reports import build_report
from web_support import SEED_CUTOFF

GENERATED = dt.datetime(2022, 11, 30, 17, 5, 0)  # UTC: 1 December 01:05 in WITA (UTC+8)
FOOTER_MM = 20


@pytest.fixture(scope="module")
def kaltara_pdf(small_store):
    return build_report(small_store, "65", SEED_CUTOFF, "pdf", generated_at=GENERATED).content


def _tags(node, found: set, depth: int = 0) -> None:
    node = node.get_object()
    if "/S" in node:
        found.add(str(node["/S"]))
    kids = node.get("/K")
    if kids is None or depth > 60:
        return
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict):
            _tags(kid, found, depth + 1)


@pytest.mark.parametrize("scope", ["65", "ID"])
def test_pdfs_are_tagged_pdf_ua(small_store, kaltara_pdf, scope):
    content = kaltara_pdf if scope == "65" else build_report(small_store, scope, SEED_CUTOFF, "pdf").content
    root = pypdf.PdfReader(io.BytesIO(content)).trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/Lang"]) == "id"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    found: set[str] = set()
    _tags(root["/StructTreeRoot"], found)
    # headings, paragraphs, tables with header cells, and lists are in the structure tree
    assert {"/Document", "/H2", "/P", "/Table", "/TR", "/TH", "/TD", "/L", "/LI", "/Figure"} <= found, found
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()


def test_province_pdf_has_no_near_empty_page(kaltara_pdf):
    """Every page but the cover (a page of its own) and the last is at least half filled (before:
    p. 4 and 7 held a table's last rows only, because each section forced a new page)."""
    with pdfplumber.open(io.BytesIO(kaltara_pdf)) as pdf:
        filled = []
        for page in pdf.pages:
            body = [c["bottom"] for c in page.chars if c["bottom"] < page.height - FOOTER_MM / 25.4 * 72]
            filled.append(max(body) / page.height if body else 0)
    assert len(filled) >= 3
    assert all(f >= 0.5 for f in filled[1:-1]), filled


def test_times_in_the_offices_zone_and_dates_in_day_month_year(small_store, kaltara_pdf):
    text = " ".join(pypdf.PdfReader(io.BytesIO(kaltara_pdf)).pages[0].extract_text().split())
    assert "1 Desember 2022 01:05:00 WITA" in text and "UTC" not in text
    english = build_report(small_store, "ID", SEED_CUTOFF, "md", lang="en").text
    assert "UTC" not in english
    workbook = build_report(small_store, "ID", SEED_CUTOFF, "xlsx", lang="en", generated_at=GENERATED).content
    meta = {r[0]: r[1] for r in openpyxl.load_workbook(io.BytesIO(workbook))["Metadata"].iter_rows(values_only=True)}
    assert meta["Generated at"] == "1 December 2022 00:05:00 WIB"  # nationally WIB (UTC+7), never "December 1"


def test_file_names_say_scope_cutoff_run_and_audience(small_store):
    from capaian.accounts import User

    public = build_report(small_store, "ID", SEED_CUTOFF, "pdf", tiers=report_tiers(None, "ID"))
    national = build_report(small_store, "ID", SEED_CUTOFF, "pdf",
                            tiers=report_tiers(User("n", "national", None, "id"), "ID"))
    assert public.filename != national.filename
    assert public.filename == f"capaian-nasional-{SEED_CUTOFF}-run{public.run_id}-publik-id.pdf"
    assert national.filename == f"capaian-nasional-{SEED_CUTOFF}-run{national.run_id}-internal-id.pdf"
    regency = build_report(small_store, "65.71", SEED_CUTOFF, "xlsx", lang="en")
    assert regency.filename == f"capaian-65.71-kota-tarakan-{SEED_CUTOFF}-run{regency.run_id}-internal-en.xlsx"


def test_national_workbook_prints_a_sane_number_of_pages(small_store):
    content = build_report(small_store, "ID", SEED_CUTOFF, "xlsx").content
    wb = openpyxl.load_workbook(io.BytesIO(content))
    pages = 0
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0  # one page wide
        rows = ws.max_row
        if ws.print_area:
            last = int(ws.print_area[0].split("$")[-1]) if isinstance(ws.print_area, list) else \
                int(str(ws.print_area).split("$")[-1])
            assert last < ws.max_row and "provin" in ws.oddFooter.left.text.lower()
            rows = last
        if ws.max_row > 5 and ws.title not in ("Ringkasan", "Metadata", "Kualitas dan perkiraan"):
            assert ws.print_title_rows, ws.title  # the column titles on every printed page
        pages += -(-rows // 40)  # 40 rows a landscape page, as a generous estimate
    assert wb["Level wilayah"].print_area and wb["KTP-el"].print_area  # regencies stay in the sheet only
    assert pages <= 30, pages
