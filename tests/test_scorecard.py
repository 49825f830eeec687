"""The regency/city scorecard: search, "only not met", server-side sorting with `aria-sort`,
pagination (a page under 300 KB), two decimals as elsewhere, the previous and year-earlier levels."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from web_support import SEED_CUTOFF, login


@pytest.fixture(scope="module")
def national(app):
    client = TestClient(app)
    assert login(client, "nasional").status_code == 303
    return client


def _codes(page: str) -> list[str]:
    return re.findall(r'<tr data-code="([^"]+)" data-province', page)


def test_search_finds_a_regency_by_name_and_code(national):
    page = national.get("/nasional/kabkota", params={"cutoff": SEED_CUTOFF, "q": "tarakan"}).text
    assert _codes(page) == ["65.71"]
    assert _codes(national.get("/nasional/kabkota", params={"cutoff": SEED_CUTOFF, "q": "65.7"}).text) == ["65.71"]
    data = national.get("/nasional/kabkota.json", params={"cutoff": SEED_CUTOFF, "q": "tarakan"}).json()
    assert [r["code"] for r in data["regions"]] == ["65.71"]  # the twin follows the filters


def test_only_not_met(national):
    rows = national.get("/nasional/kabkota.json", params={"cutoff": SEED_CUTOFF}).json()["regions"]
    for ind in ("any", "kertas_putih", "kia"):
        page = national.get("/nasional/kabkota", params={"cutoff": SEED_CUTOFF, "belum": ind}).text
        want = {r["code"] for r in rows
                if any(c["status"] == "not_met" for i, c in r["indicators"].items() if ind in ("any", i))}
        assert set(_codes(page)) == want
    page = national.get("/nasional/kabkota", params={"cutoff": SEED_CUTOFF, "belum": "kertas_putih"}).text
    assert "65.04" in _codes(page)


def test_sorting_is_on_the_server_with_aria_sort(national):
    page = national.get("/nasional/kabkota", params={"cutoff": SEED_CUTOFF, "sort": "name"}).text
    heads = dict(re.findall(r'aria-sort="(\w+)"><a class="sortlink" href="[^"]*sort=(\w+)', page))
    assert re.search(r'<th scope="col" class="" aria-sort="ascending"><a class="sortlink" href="[^"]*desc=1[^"]*sort=name"',
                     page)
    assert page.count('aria-sort="none"') >= 5 and heads
    rows = national.get("/nasional/kabkota.json", params={"cutoff": SEED_CUTOFF}).json()["regions"]
    names = [r["name"] for r in sorted(rows, key=lambda r: (r["name"].lower(), r["code"]))]
    shown = re.findall(r'<td><a href="/wilayah/[^"]+">([^<]+)</a>', page)
    assert len(shown) == min(len(names), 100) and shown == names[:len(shown)]  # a page of 100
    desc = national.get("/nasional/kabkota", params={"cutoff": SEED_CUTOFF, "sort": "name", "desc": 1}).text
    assert re.findall(r'<td><a href="/wilayah/[^"]+">([^<]+)</a>', desc) == names[::-1][:len(shown)]
    assert 'aria-sort="descending"' in desc
    by_kia = national.get("/nasional/kabkota", params={"cutoff": SEED_CUTOFF, "sort": "kia"}).text
    values = {r["code"]: r["indicators"]["kia"]["value"] for r in rows if r["indicators"]["kia"]["value"] is not None}
    best = sorted(values, key=lambda c: (-values[c], c))
    assert [c for c in _codes(by_kia) if c in values] == best[:100]


def test_two_decimals_pages_and_weight(national, monkeypatch):
    from capaian.web import scorecard

    page = national.get("/nasional/kabkota", params={"cutoff": SEED_CUTOFF}).text
    shown = re.findall(r'<span class="v">([\d.,]+) %</span>', page)
    assert shown and all(re.fullmatch(r"[\d.]+,\d{2}", v) for v in shown)  # never 4 decimals
    assert 'id="scorecard-search"' in page and 'id="filter-unmet"' in page
    assert re.search(r'<th scope="col" class="num">Sebelumnya</th>', page)
    assert 'data-col="year-earlier"' in page  # 2019-11-H1 has no run here: the column says so
    total = len(_codes(page))
    monkeypatch.setattr(scorecard, "PAGE_SIZE", 4)
    first = national.get("/nasional/kabkota", params={"cutoff": SEED_CUTOFF}).text
    second = national.get("/nasional/kabkota", params={"cutoff": SEED_CUTOFF, "halaman": 2}).text
    assert len(_codes(first)) == 4 and 'id="next-page"' in first
    assert not set(_codes(first)) & set(_codes(second))
    pages = -(-total // 4)
    seen = []
    for n in range(1, pages + 1):
        seen += _codes(national.get("/nasional/kabkota", params={"cutoff": SEED_CUTOFF, "halaman": n}).text)
    assert sorted(seen) == sorted(_codes(page))
    assert len(page.encode()) <= 300_000
