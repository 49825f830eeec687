"""Report downloads from the dashboard pages: real files, read back; only within jurisdiction."""

import io

import openpyxl
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from web_support import SEED_CUTOFF, login


def _client(app, name=None):
    c = TestClient(app)
    if name:
        assert login(c, name).status_code == 303
    return c


def test_province_page_offers_report_downloads_to_its_office(app):
    page = _client(app, "kaltara").get(f"/wilayah/65?cutoff={SEED_CUTOFF}").text
    for fmt in ("xlsx", "pdf", "md", "txt"):
        assert f'href="/wilayah/65/laporan.{fmt}?cutoff={SEED_CUTOFF}' in page


def test_province_reports_of_published_runs_are_public_regency_reports_are_not(app):
    public = _client(app)
    assert "laporan.pdf" in public.get("/wilayah/65?cutoff=2020-10-H2").text  # public down to the regency/city
    assert public.get("/wilayah/65/laporan.md?cutoff=2020-10-H2").status_code == 200
    assert _client(app, "kaltim").get(f"/wilayah/65/laporan.md?cutoff={SEED_CUTOFF}").status_code == 200
    # a regency's report holds its villages' outreach list: its offices only
    assert "laporan.pdf" not in public.get("/wilayah/65.71?cutoff=2020-10-H2").text
    assert public.get("/wilayah/65.71/laporan.md?cutoff=2020-10-H2").status_code == 403
    assert _client(app, "kaltim").get(f"/wilayah/65.71/laporan.xlsx?cutoff={SEED_CUTOFF}").status_code == 403


def test_province_workbook_matches_the_page_run(app):
    c = _client(app, "kaltara")
    resp = c.get(f"/wilayah/65/laporan.xlsx?cutoff={SEED_CUTOFF}")
    assert resp.status_code == 200
    assert "attachment" in resp.headers["content-disposition"]
    page = c.get(f"/wilayah/65.json?cutoff={SEED_CUTOFF}").json()
    book = openpyxl.load_workbook(io.BytesIO(resp.content))
    values = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert 467_701 in values and 458_845 in values
    assert f"-run{page['run']['run_id']}-" in resp.headers["content-disposition"]


def test_pdf_and_narrative_in_the_users_language(app):
    c = _client(app, "nasional")
    pdf = c.get(f"/wilayah/65/laporan.pdf?cutoff={SEED_CUTOFF}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Kalimantan Utara" in text and "467.701" in text
    md = c.get(f"/nasional/laporan.md?cutoff={SEED_CUTOFF}")
    run_id = c.get(f"/nasional.json?cutoff={SEED_CUTOFF}").json()["run"]["run_id"]
    assert md.status_code == 200 and "nasional" in md.text and f"run {run_id}" in md.text
    assert c.get("/nasional/laporan.docx").status_code == 404
