"""PDF layout: every word lies inside its page (pdfplumber positions) for the national, a province
and a regency report in Indonesian and English; page 1 is the executive summary."""

from __future__ import annotations

import io
import re

import pdfplumber
import pytest

from capaian.reports import build_report
from capaian.store import open_store
from web_support import SEED_CUTOFF, fresh_db

SCOPES = ("ID", "65", "65.02")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = open_store(fresh_db(tmp_path_factory.mktemp("reports-pdf-layout")))
    yield s
    s.close()


@pytest.fixture(scope="module")
def pdfs(store):
    return {(scope, lang): build_report(store, scope, SEED_CUTOFF, "pdf", lang=lang).content
            for scope in SCOPES for lang in ("id", "en")}


def pages(content: bytes) -> list[tuple[float, float, list[dict], str]]:
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return [(p.width, p.height, p.extract_words(), p.extract_text() or "") for p in pdf.pages]


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_word_lies_inside_the_page(pdfs, scope, lang):
    outside = []
    for n, (width, height, words, _) in enumerate(pages(pdfs[(scope, lang)]), start=1):
        for w in words:
            if w["x0"] < 0 or w["x1"] > width or w["top"] < 0 or w["bottom"] > height:
                outside.append((n, w["text"], round(w["x1"]), round(width)))
    assert not outside, outside


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_province_page_one_is_the_executive_summary(pdfs):
    first = flat(pages(pdfs[("65", "id")])[0][3])
    # ranked among the assessed provinces: the small store's two (Kaltara, Kaltim); the other 32 sent
    # nothing, are "belum dinilai" and count in no rank
    assert "Level 3" in first and re.search(r"Peringkat nasional: ke-1 dari 2 provinsi", first), first
    assert "Jalan ke level berikutnya" in first and "belum di Kabupaten Tana Tidung" in first
    for name in ("Kabupaten Bulungan", "Kabupaten Malinau", "Kota Tarakan"):
        assert name in first
    assert "Pembilang" not in first  # the indicator table comes after the summary


def test_national_page_one_has_the_tile_map_and_counts(pdfs):
    first = flat(pages(pdfs[("ID", "en")])[0][3])
    assert "Provinces by level" in first
    for label in ("KALTARA", "KALTIM", "ACEH", "PAPUA", "DKI"):
        assert label in first
    assert re.search(r"\bL[1-4]\b", first) and "Regencies/cities" in first


def test_regency_page_one_lists_its_province_regencies(pdfs):
    first = flat(pages(pdfs[("65.02", "en")])[0][3])
    assert "Kabupaten Malinau" in first and "Kota Tarakan" in first
    assert re.search(r"Rank in province: \d\w\w of 5", first)


def test_implementation_indicators_read_as_regencies_complying(pdfs):
    province = flat(" ".join(p[3] for p in pages(pdfs[("65", "id")])))
    assert re.search(r"\d dari 5 kab/kota", province)
    nation = flat(" ".join(p[3] for p in pages(pdfs[("ID", "id")])))
    assert re.search(r"\d+ dari \d+ \(\d+,\d %\)", nation)


@pytest.mark.parametrize("scope", ["65", "ID"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_league_of_provinces_counts_complying_regencies(pdfs, scope, lang):
    """The ranking of provinces says per implementation indicator how many regencies/cities comply
    (`numbers.complying`, as on the page), not one symbol; Kaltara at 2020-11-H1: white paper 4 of 5."""
    heading = {"id": "Peringkat provinsi", "en": "Province ranking"}[lang]
    every = pages(pdfs[(scope, lang)])
    start = next(i for i, p in enumerate(every) if heading in p[3])  # on portrait pages (issue 23)
    league = every[start:]
    assert all(p[0] < p[1] for p in league)
    text = re.sub(r"/\s+", "/", flat(" ".join(p[3] for p in league)))  # "regencies/" may end a line
    counts = re.findall({"id": r"[✓✗] \d+ dari \d+", "en": r"[✓✗] \d+ of \d+"}[lang], text)
    # 6 implementation indicators (white paper, TTE, online, integrated, PKS, data access) of the two
    # provinces with data; a line may break before the unit, so the units are counted apart
    assert len(counts) >= 6 * 2
    # the English unit may itself wrap after its slash (a table row's cells wrap line by line), so its
    # first part is counted
    assert text.count({"id": "kab/kota", "en": "regencies/"}[lang]) >= len(counts)
    assert re.search(r"65 Kalimantan (Utara )?3 8/9 ✓ ✓ ✓ ✗ 4 (dari|of) 5", text), text[:600]
    assert not re.search(r"– 0 (dari|of)", text)  # no data reads –, not "0 of 23"
