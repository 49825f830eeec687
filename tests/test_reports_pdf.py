"""PDF reports: text extracted with pypdf holds the run's numbers and names; A4, page numbers,
embedded DejaVu fonts, the trend chart, metadata dates from the run, reproducible output."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdf
import pytest

from capaian import formatting as fmt
from capaian.reports import build_report, render_pdf, resolve_scope
from capaian.reports.charts import trend_png, trend_rows
from capaian.reports.common import run_timestamp
from capaian.runs import pick
from capaian.store import open_store
from web_support import PUBLISHED, SEED_CUTOFF

GEN_1 = dt.datetime(2024, 1, 2, 3, 4, 5)
GEN_2 = dt.datetime(2025, 6, 7, 8, 9, 10)
# the generation time in the zone of Kalimantan Utara (WITA, UTC+8), as the report shows it
STAMP_1, STAMP_2 = "2 Januari 2024 11:04:05 WITA", "7 Juni 2025 16:09:10 WITA"
NAMES = ["Kabupaten Bulungan", "Kabupaten Malinau", "Kabupaten Nunukan", "Kabupaten Tana Tidung", "Kota Tarakan"]


@pytest.fixture(scope="module")
def picked(small_store):
    return pick(small_store, cutoff=SEED_CUTOFF)


@pytest.fixture(scope="module")
def view(picked):
    return picked[0]


@pytest.fixture(scope="module")
def kaltara_pdf(small_store):
    return build_report(small_store, "65", SEED_CUTOFF, "pdf", generated_at=GEN_1).content


def reader(content: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(content))


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in reader(content).pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_numbers_and_names_of_the_run(kaltara_pdf, view):
    text = flat(text_of(kaltara_pdf))
    assert "Provinsi Kalimantan Utara" in text and "2020-11-H1" in text
    assert f"run {view.run_id}" in text
    assert "Level 3 (baik)" in text
    for row in view.indicator_rows("65").to_dict("records"):
        if row["kind"] == "coverage":
            assert fmt.format_int(row["numerator"]) in text
            assert fmt.format_int(row["denominator"]) in text
            assert fmt.format_pct(row["value"]) in text
    assert "467.701" in text and "101,93 %" in text and "≥ 98 %" in text
    # explanation and path to the next level
    assert "belum di Kabupaten Tana Tidung" in text
    # ranking position and the table of the province's regencies
    rank = int(view.region_row("65")["rank_national"])
    # provinces without data in this store are not assessed, so not ranked: fewer than 34 peers
    peers = int(view.region_row("65")["peers_national"])
    assert peers < 34 and f"ke-{rank} dari {peers} provinsi" in text
    for name in NAMES:
        assert name in text


def test_black_and_white_status_words(kaltara_pdf):
    text = flat(text_of(kaltara_pdf))
    assert "✓ tercapai" in text and "✗ belum tercapai" in text
    assert "✓ tercapai · ✗ belum tercapai · – tidak ada data" in text  # legend of the symbol tables


def test_a4_page_numbers_fonts_and_chart(kaltara_pdf):
    pdf = reader(kaltara_pdf)
    assert len(pdf.pages) >= 4
    league = []
    for page in pdf.pages:  # A4 portrait, the ranking of provinces ("3 dari 5 kab/kota" per cell) too (issue 23)
        assert [float(page.mediabox.width), float(page.mediabox.height)] == [
            pytest.approx(595.28, abs=0.5), pytest.approx(841.89, abs=0.5)]
        if league or "Peringkat provinsi" in page.extract_text():
            league.append(page.extract_text())
    assert league
    # provinces with data read "k dari n kab/kota" (the unit may wrap); those without, "–"
    assert re.search(r"\d dari \d+\s+kab/kota", league[0])
    n = len(pdf.pages)
    assert f"Halaman 2 / {n}" in pdf.pages[1].extract_text()
    assert f"Halaman {n} / {n}" in pdf.pages[-1].extract_text()
    fonts, embedded = set(), True
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            embedded &= any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert embedded and fonts and all("DejaVu" in f for f in fonts)
    images = [img for page in pdf.pages for img in page.images]
    assert images, "the trend chart is embedded"


def test_metadata_dates_from_the_run(kaltara_pdf, view):
    meta = reader(kaltara_pdf).metadata
    stamp = run_timestamp(view).strftime("D:%Y%m%d%H%M%S")
    assert meta["/CreationDate"].startswith(stamp) and meta["/ModDate"].startswith(stamp)
    assert f"run {view.run_id}" in meta["/Subject"]


def test_reproducible_apart_from_generation_time(small_store, kaltara_pdf):
    again = build_report(small_store, "65", SEED_CUTOFF, "pdf", generated_at=GEN_1).content
    assert again == kaltara_pdf
    other = build_report(small_store, "65", SEED_CUTOFF, "pdf", generated_at=GEN_2).content
    assert other != kaltara_pdf
    a, b = text_of(kaltara_pdf), text_of(other)
    assert a.count(STAMP_1) == 1 and b.count(STAMP_2) == 1  # one visible place
    assert a.replace(STAMP_1, "<generated>") == b.replace(STAMP_2, "<generated>")
    assert reader(kaltara_pdf).metadata == reader(other).metadata


def test_trend_covers_the_year_up_to_the_cutoff(small_store, picked):
    view, choice = picked
    rows = trend_rows(small_store, choice, view, "65")
    assert sorted(rows["cutoff"].unique()) == sorted(PUBLISHED)  # 2020-11-H2 is later: left out
    assert set(rows.loc[rows["cutoff"] == SEED_CUTOFF, "run_id"]) == {view.run_id}
    png = trend_png(rows, view.rubric, "id")
    assert png.startswith(b"\x89PNG") and png == trend_png(rows, view.rubric, "id")


def test_national_and_regency_reports(small_store, view):
    national = flat(text_of(render_pdf(view, resolve_scope(view, "ID"), generated_at=GEN_1)))
    assert "Nasional (Indonesia)" in national and "Jumlah per level" in national
    assert "Kalimantan Utara" in national and "Kalimantan Timur" in national
    regency = flat(text_of(build_report(small_store, "65.04", SEED_CUTOFF, "pdf", generated_at=GEN_1).content))
    assert "Kabupaten Tana Tidung" in regency and "Peringkat di provinsinya" in regency
    row = view.region_row("65.04")
    assert f"ke-{int(row['rank_province'])} dari {int(row['peers_province'])} kabupaten/kota" in regency


def test_english_pdf(small_store):
    text = flat(text_of(build_report(small_store, "65", SEED_CUTOFF, "pdf", lang="en", generated_at=GEN_1).content))
    assert "Level and explanation" in text and "467,701" in text and "101.93 %" in text
    assert "Page 2 /" in text and "✗ not met" in text


BUILD_IN_A_FRESH_PROCESS = """
import datetime as dt, hashlib, sys
from capaian.reports import build_report
from capaian.store import open_store
small_store = open_store(sys.argv[1], create=False)
gen = dt.datetime(2024, 1, 2, 3, 4, 5)
for scope, lang in (a.split(":") for a in sys.argv[2:]):  # other reports first: fonts, charts, caches warm
    build_report(small_store, scope, "2020-11-H1", "pdf", lang=lang, generated_at=gen)
sys.stdout.write(hashlib.sha256(build_report(small_store, "65", "2020-11-H1", "pdf", generated_at=gen).content).hexdigest())
"""


def test_reproducible_while_the_garbage_collector_runs_constantly(small_store, kaltara_pdf):
    """Font objects freed between layout and font subsetting must not change the embedded fonts.

    The full suite once produced a PDF differing inside an embedded font subset (byte 20206) while
    the test passed alone: WeasyPrint before 70 kept a HarfBuzz face borrowed from Pango and
    subset it after Pango could have released it (Kozea/WeasyPrint#2799), so the font bytes
    depended on the process's heap. pyproject.toml requires weasyprint>=70; collecting garbage at
    every allocation makes any such lifetime bug show here rather than once in a long run.
    """
    import gc

    before = gc.get_threshold()
    gc.set_threshold(1, 1, 1)
    try:
        again = build_report(small_store, "65", SEED_CUTOFF, "pdf", generated_at=GEN_1).content
    finally:
        gc.set_threshold(*before)
    assert again == kaltara_pdf


def test_reproducible_across_process_states(small_store, kaltara_pdf, tmp_path):
    """The same bytes from another process (another hash seed: set order; other reports rendered
    first: fonts, charts and caches warm) as from this long-lived test process."""
    import hashlib
    import os
    import shutil
    import subprocess
    import sys

    db = tmp_path / "copy.duckdb"
    small_store.con.execute("CHECKPOINT")
    shutil.copy(small_store.path, db)
    expected = hashlib.sha256(kaltara_pdf).hexdigest()
    for seed, before in (("1", ("ID:en", "65:en")),):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", BUILD_IN_A_FRESH_PROCESS, str(db), *before], env=env,
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        assert out.stdout == expected, f"PDF differs in a process with hash seed {seed} after {before}"
