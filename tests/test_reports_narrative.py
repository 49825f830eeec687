"""Narrative reports: a regional press release written from the run's numbers (id default, en)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from capaian import formatting as fmt
from capaian.reports import render_narrative, resolve_scope
from capaian.reports.common import run_timestamp
from capaian.runs import pick
from capaian.store import open_store
from web_support import SEED_CUTOFF, fresh_db


@pytest.fixture(scope="module")
def view(tmp_path_factory):
    store = open_store(fresh_db(tmp_path_factory.mktemp("reports-narrative")))
    v, _ = pick(store, cutoff=SEED_CUTOFF)
    yield v
    store.close()


def numbers_of_the_run(view, code: str, lang: str) -> set[str]:
    """Every number the narrative may show, formatted as `capaian.formatting` does."""
    out: set[str] = set()

    def add(value, pct=False):
        if value is None or value != value:
            return
        out.add(fmt.format_int(value, lang=lang))
        if pct:
            out.add(fmt.format_pct(value, lang=lang)[:-2])
            out.add(fmt.format_target(value, lang=lang)[:-2])

    for row in view.indicator_rows(code).to_dict("records"):
        for key in ("numerator", "denominator", "rank_national", "peers_national", "rank_province",
                    "peers_province"):
            if row[key] is not None and row[key] == row[key]:
                add(float(row[key]))
        add(row["value"], pct=row["kind"] == "coverage")
        add(row["target"], pct=row["kind"] == "coverage")
        add(row.get("program_target"), pct=True)
    region = view.region_row(code)
    for key in ("level", "prev_level", "indicators_met", "indicators_total", "rank_national", "peers_national",
                "rank_province", "peers_province"):
        if region[key] is not None and region[key] == region[key]:
            add(float(region[key]))
    e = view.explain(code)
    for step in e.path:
        if step.needed is not None:
            add(step.needed)
    add(e.next_level)
    add(e.more_needed)
    add(len([s for s in e.met + e.not_met if s.kind == "implementation"]))
    add(len([s for s in e.met if s.kind == "implementation"]))
    bounds = view.rubric.age_bounds
    add(bounds.kia_max_age_exclusive)
    add(bounds.akta_max_age_exclusive)
    return out


def test_kaltara_press_release(view):
    text = render_narrative(view, resolve_scope(view, "65"))
    assert text.startswith("# Kalimantan Utara berada di level 3")
    for needle in ("467.701", "101,93 persen", "458.845", "98 persen", "level 3", "91.763", "44,76 persen",
                   "50 persen", "218.142", "96,21 persen", "92 persen"):
        assert needle in text, needle
    ktp = view.indicator_rows("65").set_index("indicator").loc["ktp_el"]
    assert f"peringkat ke-{int(ktp['rank_national'])} nasional" in text
    # what keeps it from the next level
    assert "Untuk naik ke level 4 (terbaik), Kalimantan Utara perlu memenuhi 1 indikator lagi:" in text
    assert "melampaui ambang levelisasi 20 persen; target program 50 persen belum tercapai" in text
    assert "- Kertas putih: belum diterapkan di Kabupaten Tana Tidung." in text
    assert f"run {view.run_id}" in text


def test_every_number_comes_from_the_run(view):
    for code in ("65", "65.02"):
        text = render_narrative(view, resolve_scope(view, code))
        allowed = numbers_of_the_run(view, code, "id")
        # dates, cut-off names, the run id and its timestamp are named, not computed
        # the run's time as the report shows it: in the region's zone (WITA for Kaltara), day month year
        from capaian.reports.common import stamp_text

        meta = (f"{view.cutoff} {view.run_id} 15 November 2020 {run_timestamp(view):%Y-%m-%d %H:%M:%S} 2020-10-H2 "
                f"{stamp_text(run_timestamp(view), 'id', code)}")
        for line in text.splitlines():
            for token in re.findall(r"\d[\d.,]*\d|\d", line):
                assert token in allowed or token in meta, f"{token!r} in {line!r}"


def test_english_and_plain_text(view):
    text = render_narrative(view, resolve_scope(view, "65"), lang="en", markup="txt")
    first, underline = text.splitlines()[:2]
    assert first == "Kalimantan Utara at level 3 in the Disdukcapil performance levels"
    assert set(underline) == {"="} and len(underline) == len(first)
    for needle in ("467,701", "101.93 percent", "98 percent", "level 3", "To reach level 4 (best)"):
        assert needle in text, needle
    assert "#" not in text and "*" not in text


def test_regency_and_national(view):
    regency = render_narrative(view, resolve_scope(view, "65.04"))
    row = view.region_row("65.04")
    assert "Kabupaten Tana Tidung" in regency
    assert f"peringkat ke-{int(row['rank_province'])} dari {int(row['peers_province'])} kabupaten/kota" in regency
    assert "Kertas putih belum tercapai" in regency
    national = render_narrative(view, resolve_scope(view, "nasional"))
    assert national.startswith("# Levelisasi kinerja Disdukcapil nasional per 15 November 2020")
    provinces = view.tier("province")
    count4 = int((provinces["level"] == 4).sum())
    assert f"Dari 34 provinsi: {count4} di level 4 (terbaik)" in national
    assert "Dari 514 kabupaten/kota:" in national


def test_synthetic_banner(view):
    text = render_narrative(view, resolve_scope(view, "65"), synthetic=True)
    assert "DATA SINTETIS" in text.splitlines()[4]


# -- golden values on the national demo ---------------------------------------------------------
def test_kaltara_golden_values_on_the_demo(demo_db: Path):
    from capaian.reports import build_report

    store = open_store(demo_db)
    try:
        report = build_report(store, "65", SEED_CUTOFF, "md")
    finally:
        store.close()
    text = report.text
    for needle in ("467.701", "101,93 persen", "98 persen", "peringkat ke-4", "level 3"):
        assert needle in text, needle
    assert "DATA SINTETIS" in text
