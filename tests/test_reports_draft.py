"""Output of an unpublished run says DRAF / DRAFT on every page, every sheet, the narrative's first line.

Read back from the real files: the text of each PDF page (pypdf), the first row of every sheet of the
workbook (openpyxl), the first line of the Markdown and text narratives.
"""

from __future__ import annotations

import io

import openpyxl
import pypdf
import pytest

from capaian.reports import build_report
from capaian.store import open_store
from web_support import SEED_CUTOFF, UNPUBLISHED, fresh_db

LABEL = {"id": "DRAF", "en": "DRAFT"}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = open_store(fresh_db(tmp_path_factory.mktemp("reports-draft")))
    yield store
    store.close()


def run_of(store, cutoff: str, published: bool) -> int:
    runs = store.list_runs()
    rows = runs[(runs["cutoff"] == cutoff) & (runs["published_at"].notna() == published)]
    assert not rows.empty, f"no {'published' if published else 'unpublished'} run at {cutoff}"
    return int(rows["run_id"].iloc[0] if "run_id" in rows else rows["id"].iloc[0])


@pytest.fixture(scope="module")
def draft_run(store) -> int:
    return run_of(store, UNPUBLISHED, published=False)


@pytest.fixture(scope="module")
def published_run(store) -> int:
    return run_of(store, SEED_CUTOFF, published=True)


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


def first_rows(content: bytes) -> dict[str, tuple]:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return {ws.title: next(ws.iter_rows(min_row=1, max_row=1, values_only=True)) for ws in wb.worksheets}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_pdf_page_of_a_draft_says_so(store, draft_run, lang):
    report = build_report(store, "65", None, "pdf", lang=lang, run_id=draft_run)
    pages = pdf_pages(report.content)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert LABEL[lang] in text, f"page {number} of {len(pages)} has no {LABEL[lang]} label"


def test_national_draft_pdf_every_page(store, draft_run):
    pages = pdf_pages(build_report(store, "ID", None, "pdf", run_id=draft_run).content)
    assert len(pages) >= 3 and all("DRAF" in text for text in pages)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_sheet_of_a_draft_workbook_says_so(store, draft_run, lang):
    rows = first_rows(build_report(store, "65", None, "xlsx", lang=lang, run_id=draft_run).content)
    assert len(rows) >= 5
    for title, row in rows.items():
        assert str(row[0]).startswith(LABEL[lang] + " — "), f"sheet {title!r} starts with {row[0]!r}"


def test_draft_workbook_keeps_its_tables_below_the_label(store, draft_run):
    wb = openpyxl.load_workbook(io.BytesIO(build_report(store, "65", None, "xlsx", run_id=draft_run).content))
    levels = wb["Level wilayah"]
    assert levels["A2"].value == "Kode" and levels["A3"].value == "65"
    assert levels.freeze_panes == "C3"
    assert "DRAF" in levels.oddHeader.center.text  # printed on every page too


@pytest.mark.parametrize("lang,fmt,first", [
    ("id", "md", "# DRAF — Kalimantan Utara berada di level"),
    ("en", "md", "# DRAFT — Kalimantan Utara at level"),
    ("id", "txt", "DRAF — Kalimantan Utara berada di level"),
])
def test_narrative_first_line_of_a_draft(store, draft_run, lang, fmt, first):
    text = build_report(store, "65", None, fmt, lang=lang, run_id=draft_run).text
    assert text.splitlines()[0].startswith(first)


def test_published_output_carries_no_draft_label(store, published_run):
    pages = pdf_pages(build_report(store, "65", None, "pdf", run_id=published_run).content)
    assert not any("DRAF" in text for text in pages)
    rows = first_rows(build_report(store, "65", None, "xlsx", run_id=published_run).content)
    assert not any(str(row[0]).startswith("DRAF") for row in rows.values())
    assert not build_report(store, "65", None, "md", run_id=published_run).text.startswith("# DRAF")
