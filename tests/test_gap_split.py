"""One split of a province's coverage gap (capaian.evaluate.shares.gap_split): the path table, the
forecast's province rollup, a regency's page, its PDF and the API give each regency the same number
of the people still needed. Small store: Kalimantan Timur (64) misses KTP-el at 2020-10-H2."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from fastapi.testclient import TestClient

from web_support import login

CUTOFF = "2020-10-H2"
PROVINCE, INDICATOR = "64", "ktp_el"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture(scope="module")
def split(small_store):
    from capaian.evaluate.shares import gap_split
    from capaian.service import get_run

    runs = small_store.list_runs()
    view = get_run(small_store, int(runs[runs["cutoff"] == CUTOFF]["id"].max()))
    found = gap_split(view, PROVINCE, INDICATOR)
    assert found is not None and found["needed"] > 0
    return found


def test_split_adds_up_and_the_rollup_is_the_same_split(small_store, split):
    from capaian.quality.forecast import province_allocations
    from capaian.service import get_run

    assert sum(s["share"] for s in split["shares"]) == split["needed"]
    assert all(0 <= s["share"] <= s["uncovered"] for s in split["shares"])
    runs = small_store.list_runs()
    view = get_run(small_store, int(runs[runs["cutoff"] == CUTOFF]["id"].max()))
    rollup = {a.indicator: a for a in province_allocations(view, PROVINCE)}[INDICATOR]
    assert rollup.shortfall == split["needed"]
    assert {s["code"]: s["add"] for s in rollup.shares} == {s["code"]: s["share"] for s in split["shares"] if s["share"]}
    path = view.explain(PROVINCE).path
    assert [p.needed for p in path if p.indicator == INDICATOR] == [split["needed"]]


def test_page_pdf_and_api_show_the_same_shares(app, small_store, split):
    from capaian.reports import build_report

    client = TestClient(app)
    assert login(client, "nasional").status_code == 303
    province = client.get(f"/wilayah/{PROVINCE}?cutoff={CUTOFF}").text
    table = re.search(rf'<details class="shares" data-ind="{INDICATOR}".*?</details>', province, flags=re.S).group(0)
    shown = dict(re.findall(r'<tr data-code="([\d.]+)">.*?data-field="share">([^<]+)</td>', table, flags=re.S))
    fmt = lambda n: f"{n:,}".replace(",", ".")  # noqa: E731  (Indonesian thousands)
    assert shown == {s["code"]: fmt(s["share"]) for s in split["shares"]}
    assert "sebanding dengan penduduk yang belum tercakup" in _text(table)  # the rule is stated
    rollup = _text(re.search(rf'<ul class="lines" id="allocation">.*?</ul>', province, flags=re.S).group(0))
    for s in split["shares"]:
        if s["share"]:
            assert f"{s['name']} +{fmt(s['share'])}" in rollup
    for s in split["shares"]:
        page = client.get(f"/wilayah/{s['code']}?cutoff={CUTOFF}").text
        mine = _text(re.search(r'<section class="card" id="gap-shares">.*?</section>', page, flags=re.S).group(0))
        assert f"{fmt(s['share'])} dari {fmt(split['needed'])} orang" in mine
        api = client.get(f"/api/explanations/{s['code']}", params={"cutoff": CUTOFF}).json()
        assert [(g["indicator"], g["share"], g["province_needed"]) for g in api["gap_shares"]] == \
            [(INDICATOR, s["share"], split["needed"])]
    first = split["shares"][0]
    pdf = build_report(small_store, first["code"], CUTOFF, "pdf").content
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages))
    assert f"adalah {fmt(first['share'])}" in text and fmt(split["needed"]) in text


def test_kaltara_ktp_el_at_2022_11_h2_one_split_in_the_demo(demo_db, tmp_path):
    """The case of issue 23: Tarakan's share of Kaltara's KTP-el gap is one number on every surface."""
    from capaian.evaluate.shares import gap_split, regency_gap_shares
    from capaian.quality.forecast import province_allocations
    from capaian.records import region_set
    from capaian.runs import pick
    from capaian.store import open_store

    import shutil

    copy = tmp_path / "demo.duckdb"  # a connection of its own (another test's may hold the demo open)
    shutil.copy(demo_db, copy)
    store = open_store(copy, read_only=True)
    try:
        view = pick(store, cutoff="2022-11-H2")[0]
        split = gap_split(view, "65", "ktp_el")
        tarakan = {s["code"]: s["share"] for s in split["shares"]}["65.71"]
        path = {st["indicator"]: st for st in region_set(view, "65")["explanation"]["path"]}["ktp_el"]
        rollup = {a.indicator: a for a in province_allocations(view, "65")}["ktp_el"]
        own = {g["indicator"]: g for g in region_set(view, "65.71")["gap_shares"]}["ktp_el"]
        assert path["needed"] == rollup.shortfall == own["province_needed"] == split["needed"]
        assert tarakan > 0
        assert {s["code"]: s["share"] for s in path["shares"]}["65.71"] == tarakan
        assert {s["code"]: s["add"] for s in rollup.shares}["65.71"] == tarakan
        assert own["share"] == tarakan == {g["indicator"]: g for g in regency_gap_shares(view, "65.71")}["ktp_el"]["share"]
    finally:
        store.close()
