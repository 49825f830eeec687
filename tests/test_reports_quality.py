"""The reports' data-quality and forecast section, read back from real files (pypdf, openpyxl) and
checked against what `capaian.quality` computes from the demo store: an office's forecasts and flags
(with an explained note), the nation's completeness and flag counts and its most severe flags."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil

import openpyxl
import pypdf
import pytest

from capaian.present import numbers
from capaian.quality import completeness
from capaian.quality.flags import FLAG_TYPES, SEVERITIES, counts, mad_k
from capaian.quality.service import flags_for_choice, region_flags, region_forecast
from capaian.quality.text import describe, forecast_status, severity_label, status_label, type_label
from capaian.reports import build_report
from capaian.runs import pick
from capaian.store import open_store

GEN = dt.datetime(2024, 1, 2, 3, 4, 5)
TITLE = {"id": "Kualitas data dan perkiraan", "en": "Data quality and forecast"}
SHEET = {"id": "Kualitas dan perkiraan", "en": "Quality and forecast"}


@pytest.fixture(scope="module")
def store(demo_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("reports-quality") / "demo.duckdb"
    shutil.copy(demo_db, db)
    store = open_store(db)
    yield store
    store.close()


@pytest.fixture(scope="module")
def picked(store):
    return pick(store)  # the newest published run


@pytest.fixture(scope="module")
def province(store, picked):
    """The province with the most flags of its own and its regencies (some flag to show), one flag
    of it explained with a note."""
    from capaian.quality.notes import explain_flag

    view, choice = picked
    flags = flags_for_choice(store, choice)
    by_province: dict = {}
    for f in flags:
        by_province.setdefault(f.province_code or f.region_code.split(".")[0], []).append(f)
    code = max(sorted(by_province), key=lambda p: len(by_province[p]))
    explain_flag(store, by_province[code][0].key, "Rekaman ganda dibersihkan pekan ini.", "pusat")
    return code


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def section_of(text: str, lang: str) -> str:
    """The text of the section (its heading to the next section's heading)."""
    start = text.index(TITLE[lang])
    return text[start:]


def figure(view, flag, lang):
    row = view.indicators[(view.indicators["region_code"] == flag.region_code)
                          & (view.indicators["indicator"] == flag.indicator)].iloc[0]
    return numbers.percent(row["value"], lang) if row["kind"] == "coverage" else numbers.integer(row["value"], lang)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_province_pdf_section_shows_the_forecasts_and_flags(store, picked, province, lang):
    view, choice = picked
    text = pdf_text(build_report(store, province, view.cutoff, "pdf", lang=lang, generated_at=GEN).content)
    assert TITLE[lang] in text
    body = squash(section_of(text, lang))
    found = region_forecast(store, choice, province)
    assert found["forecasts"], "the demo's year has enough cut-offs for a pace"
    labels = {i.id: i.label.get(lang) for i in view.rubric.indicators}
    for f in found["forecasts"]:
        assert squash(labels[f.indicator]) in body
        assert squash(numbers.percent(f.value, lang)) in body
        assert squash(forecast_status(f.status, lang)) in body
        if f.projected is not None:
            assert squash(numbers.percent(f.projected, lang)) in body
        if f.pace is not None:
            assert squash(numbers.decimal(abs(f.pace), lang, 2)) in body
        if f.people_per_half_month:
            assert squash(numbers.integer(f.people_per_half_month, lang)) in body
        if f.reached_at:
            assert f.reached_at in body
    mae = found["mae_pp"]
    note = {"id": f"galat rata-rata ±{numbers.decimal(mae, lang, 1)} pp",
            "en": f"mean error ±{numbers.decimal(mae, lang, 1)} pp"}[lang]
    assert mae is not None and squash(note) in body
    codes = [province] + [c for c in view.regions.loc[view.regions["province_code"] == province, "region_code"]
                          if "." in c]
    flags = region_flags(store, choice, province, codes=codes)
    assert flags
    for f in flags[:60]:
        assert squash(f"{f.region_code}") in body
        assert squash(type_label(f.type, lang)) in body and squash(severity_label(f.severity, lang)) in body
        assert squash(figure(view, f, lang)) in body
    explained = next(f for f in flags if f.explained)
    assert squash("Rekaman ganda dibersihkan pekan ini.") in body and "pusat" in body
    assert squash(describe(explained, lang)[:40]) in body


def test_regency_pdf_section(store, picked, province):
    view, choice = picked
    regency = next(c for c in view.regions.loc[view.regions["province_code"] == province, "region_code"] if "." in c)
    body = squash(section_of(pdf_text(build_report(store, regency, view.cutoff, "pdf", generated_at=GEN).content),
                             "id"))
    for f in region_forecast(store, choice, regency)["forecasts"]:
        assert squash(forecast_status(f.status, "id")) in body and squash(numbers.percent(f.value, "id")) in body
    own = region_flags(store, choice, regency)
    assert (squash("Tidak ada tanda kualitas data.") in body) == (not own)
    # the footnote's jump multiplier is the flags' k (5 × MAD), not the forecast's 6 cut-offs
    assert squash(f"melebihi {numbers.decimal(mad_k(), 'id', 1)} × simpangan mutlak median") in body
    assert mad_k() == 5 and squash("6,0 × simpangan") not in body
    for f in own:
        assert squash(type_label(f.type, "id")) in body and squash(figure(view, f, "id")) in body


@pytest.mark.parametrize("lang", ["id", "en"])
def test_province_workbook_sheet_holds_numbers(store, picked, province, lang):
    view, choice = picked
    wb = openpyxl.load_workbook(io.BytesIO(
        build_report(store, province, view.cutoff, "xlsx", lang=lang, generated_at=GEN).content))
    ws = wb[SHEET[lang]]
    rows = [r for r in ws.iter_rows(values_only=True)]
    found = region_forecast(store, choice, province)
    labels = {i.id: i.label.get(lang) for i in view.rubric.indicators}
    for f in found["forecasts"]:
        row = next(r for r in rows if r[1] == labels[f.indicator] and isinstance(r[2], float))
        assert row[2] == pytest.approx(f.value) and row[3] == pytest.approx(f.threshold)
        assert (row[4] is None) == (f.pace is None) and (f.pace is None or row[4] == pytest.approx(f.pace))
        assert (f.projected is None and row[5] is None) or row[5] == pytest.approx(f.projected)
        assert row[7] == forecast_status(f.status, lang)
        assert row[8] == f.people_per_half_month
        assert row[9] == pytest.approx(found["mae_pp"])
    codes = [province] + [c for c in view.regions.loc[view.regions["province_code"] == province, "region_code"]
                          if "." in c]
    flags = region_flags(store, choice, province, codes=codes)
    flag_rows = [r for r in rows if r[3] in {type_label(t, lang) for t in FLAG_TYPES}]
    assert len(flag_rows) == len(flags)
    for r, f in zip(flag_rows, flags):
        assert (r[0], r[3], r[4]) == (f.region_code, type_label(f.type, lang), severity_label(f.severity, lang))
        value = view.indicators[(view.indicators["region_code"] == f.region_code)
                                & (view.indicators["indicator"] == f.indicator)]["value"].iloc[0]
        assert r[5] == pytest.approx(value)
        assert r[6] == describe(f, lang)
        assert (r[7] is not None) == bool(f.explained)


@pytest.fixture(scope="module")
def national_expected(store, picked):
    view, choice = picked
    # independently of the report's one-query path: the flags from the whole trend runs
    return completeness(store, view.cutoff).counts(), flags_for_choice(store, choice)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_national_pdf_has_completeness_flag_counts_and_the_most_severe(store, picked, national_expected, lang):
    view, _ = picked
    done, flags = national_expected
    text = section_of(pdf_text(build_report(store, "ID", view.cutoff, "pdf", lang=lang, generated_at=GEN).content),
                      lang)
    lines = text.splitlines()
    for status in ("on_time", "late", "missing"):
        assert f"{status_label(status, lang)} {numbers.integer(done[status], lang)}" in lines
    partial = {"id": "hanya mengirim sebagian angka", "en": "sent only part of the figures"}[lang]
    assert f"{partial} {numbers.integer(done['partial'], lang)}" in lines
    assert done["on_time"] > done["late"] + done["missing"]  # the demo's offices mostly send on time
    per_type = counts(flags)
    for kind in FLAG_TYPES:
        per = [sum(1 for f in flags if f.type == kind and f.severity == s) for s in SEVERITIES]
        cells = " ".join(numbers.integer(n, lang) for n in [*per, per_type[kind]])
        assert squash(f"{type_label(kind, lang)} {cells}") in squash(text)
    total = {"id": "Jumlah", "en": "Total"}[lang]
    assert f"{total} " + " ".join(numbers.integer(sum(1 for f in flags if f.severity == s), lang)
                                  for s in SEVERITIES) + f" {numbers.integer(len(flags), lang)}" in lines
    shown = min(20, len(flags))
    assert squash({"id": f"{shown} tanda terberat dari {numbers.integer(len(flags), 'id')}",
                   "en": f"The {shown} most severe of {numbers.integer(len(flags), 'en')} flags"}[lang]) in squash(text)


def test_national_workbook_sheet(store, picked, national_expected):
    view, _ = picked
    done, flags = national_expected
    wb = openpyxl.load_workbook(io.BytesIO(build_report(store, "ID", view.cutoff, "xlsx", generated_at=GEN).content))
    rows = list(wb[SHEET["id"]].iter_rows(values_only=True))
    by_label = {r[0]: r for r in rows if r[0]}
    for status in ("on_time", "late", "register", "missing"):
        assert by_label[status_label(status, "id")][1] == done[status]
    assert by_label["hanya mengirim sebagian angka"][1] == done["partial"]
    for kind in FLAG_TYPES:
        per = [sum(1 for f in flags if f.type == kind and f.severity == s) for s in SEVERITIES]
        assert list(by_label[type_label(kind, "id")][1:5]) == [*per, sum(per)]
    listed = [r for r in rows if r[3] in {type_label(t, "id") for t in FLAG_TYPES}]
    assert len(listed) == min(20, len(flags))
    order = {severity_label(s, "id"): i for i, s in enumerate(SEVERITIES)}
    ranks = [order[r[4]] for r in listed]
    assert ranks == sorted(ranks)  # the most severe first
    worst = min((SEVERITIES.index(f.severity) for f in flags), default=None)
    assert worst is None or ranks[0] == worst
    # within a severity the largest first: over 100 %, the highest figures
    over = [r[5] for r in listed if r[4] == listed[0][4] and r[3] == type_label("over_100", "id")]
    assert over == sorted(over, reverse=True)
    if over and len(listed) == 20:
        rest = [f for f in flags if f.type == "over_100" and severity_label(f.severity, "id") == listed[0][4]]
        assert min(over) >= sorted((f.evidence["value"] for f in rest), reverse=True)[len(over) - 1] - 1e-9
