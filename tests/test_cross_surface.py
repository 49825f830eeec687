"""One answer everywhere: the guard of issues 11 and 21.

For every province, a sample of regencies and one published cut-off of each rubric in the demo,
the level, the indicators met, each coverage value to 2 decimals and each rank must be the same on
every surface: the HTML page, its `.json`, `.csv` and `.parquet` twins, `/api/results`, the
workbook's cells, the PDF's text, the narrative and the CLI's JSON. The expectation is the run the
one picker (`capaian.runs`) chooses, read straight from the store. The data formats are renderers
of one record set (`capaian.records`): the CLI's JSON and CSV equal `/api/results` and the page's
twins key for key and value for value.
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import json
import re

import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from typer.testing import CliRunner

from capaian.accounts import add_user
from capaian.reports import build_report
from capaian.runs import Catalog, choose, pick
from capaian.store import open_store

PASSWORD = "rahasia-123"


def r2(value) -> float | None:
    return None if value is None else round(float(value), 2)


def number_of(text: str) -> float:
    """A number as shown in Indonesian ("101,93 %", "467.701") back to a float."""
    digits = re.sub(r"[^\d,.-]", "", text).replace(".", "").replace(",", ".")
    return float(digits)


@pytest.fixture(scope="module")
def world(demo_db, tmp_path_factory):
    import shutil

    db = tmp_path_factory.mktemp("cross") / "demo.duckdb"
    shutil.copy(demo_db, db)
    store = open_store(db)
    add_user(store, "nasional", PASSWORD, "national", actor="test")
    catalog = Catalog.from_store(store)
    cases = []
    for rubric in sorted({r["rubric"] for r in catalog.select(published_only=True)}):
        view, choice = pick(store, rubric=rubric)  # the newest published cut-off of each rubric
        cases.append((view, choice))
    assert len(cases) >= 2, "the demo has runs of at least two rubrics"
    return db, store, cases


def expected(view, code: str) -> dict:
    """Level, indicators met, ranks and coverage values (2 decimals) of a region in a run."""
    region = view.region_row(code)
    rows = view.indicator_rows(code)
    out = {
        "level": None if region["level"] is None or region["level"] != region["level"] else int(region["level"]),
        "met": int(region["indicators_met"]),
        "rank": _int(region["rank_national"]),
        "rank_province": _int(region["rank_province"]),
        "values": {},
        "ranks": {},
    }
    for row in rows.to_dict("records"):
        if row["kind"] == "coverage" and row["status"] != "no_data":
            out["values"][row["indicator"]] = r2(row["value"])
            out["ranks"][row["indicator"]] = _int(row["rank_national"])
    return out


def _int(value):
    try:
        if value is None or value != value:
            return None
    except TypeError:
        return None
    return int(value)


def regions_of(view) -> list[str]:
    provinces = sorted(view.regions.loc[view.regions["tier"] == "province", "region_code"])
    regencies = sorted(view.regions.loc[view.regions["tier"] == "regency", "region_code"])
    sample = regencies[::60] + [c for c in regencies if c.startswith("65.")]
    return provinces + sorted(set(sample))


@pytest.fixture(scope="module")
def client(world):
    db, store, _ = world
    from capaian.web import create_app

    app = create_app(store=store, secret="cross-secret")
    c = TestClient(app)
    page = c.get("/masuk").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert c.post("/masuk", data={"name": "nasional", "password": PASSWORD, "csrf_token": token},
                  follow_redirects=False).status_code == 303
    return c


def test_twins_api_and_page_give_the_same_answer(world, client):
    _, _, cases = world
    for view, choice in cases:
        api = {}
        for tier in ("province", "regency"):
            got = client.get("/api/results", params={"cutoff": choice.cutoff, "rubric": choice.rubric,
                                                     "tier": tier}).json()
            assert got["run"]["run_id"] == choice.run_id
            api.update({r["code"]: r for r in got["regions"]})
        for code in regions_of(view):
            want = expected(view, code)
            params = {"cutoff": choice.cutoff, "rubric": choice.rubric}
            twin = client.get(f"/wilayah/{code}.json", params=params).json()
            assert twin["run"]["run_id"] == choice.run_id, code
            assert _from_record(twin["region"]) == want, ("json", code)
            assert _from_record(api[code]) == want, ("api", code)
            table = list(csv.DictReader(io.StringIO(client.get(f"/wilayah/{code}.csv", params=params).text)))
            assert _from_csv(table[0], view) == want, ("csv", code)
            parquet = pd.read_parquet(io.BytesIO(client.get(f"/wilayah/{code}.parquet", params=params).content))
            assert list(parquet.columns) == list(table[0]) and len(parquet) == len(table), ("parquet", code)
            assert _from_csv({k: "" if pd.isna(v) else v for k, v in parquet.iloc[0].items()}, view) == want
            assert _from_page(client.get(f"/wilayah/{code}", params=params).text) == want, ("html", code)


def _from_record(rec: dict) -> dict:
    return {
        "level": rec["level"],
        "met": rec["indicators_met"],
        "rank": rec["rank_national"],
        "rank_province": rec["rank_province"],
        "values": {k: r2(c["value"]) for k, c in rec["indicators"].items()
                   if c["kind"] == "coverage" and c["status"] != "no_data"},
        "ranks": {k: c["rank_national"] for k, c in rec["indicators"].items()
                  if c["kind"] == "coverage" and c["status"] != "no_data"},
    }


def _from_csv(row: dict, view) -> dict:
    as_int = lambda v: int(float(v)) if v not in ("", None) else None  # noqa: E731
    coverage = [i.id for i in view.rubric.indicators if i.kind == "coverage"]
    present = [i for i in coverage if row.get(f"{i}.status") not in ("no_data", "", None)]
    return {
        "level": as_int(row["level"]),
        "met": as_int(row["indicators_met"]),
        "rank": as_int(row["rank_national"]),
        "rank_province": as_int(row["rank_province"]),
        "values": {i: r2(row[f"{i}.value"]) for i in present},
        "ranks": {i: as_int(row[f"{i}.rank_national"]) for i in present},
    }


def _from_page(page: str) -> dict:
    card = re.search(r'id="level-card"[^>]*(.*?)</section>', page, flags=re.S).group(0)
    values, ranks = {}, {}
    cards = re.findall(r'<article class="icard [^"]*" data-ind="([^"]+)" data-kind="([^"]+)"[^>]*>(.*?)</article>',
                       page, flags=re.S)
    for ind, kind, body in cards:
        if kind != "coverage":
            continue  # implementation indicators have no percentage
        value = re.search(r'data-field="value">([^<]+)<', body)
        if value is None:
            continue
        values[ind] = r2(number_of(value.group(1)))
        rank = re.search(r'data-field="rank_national">(\d+)<', body)
        ranks[ind] = int(rank.group(1)) if rank else None
    attrs = dict(re.findall(r'data-(level|met|rank|rank-province)="([^"]*)"', card))
    as_int = lambda v: int(v) if v not in ("", None) else None  # noqa: E731
    return {
        "level": as_int(attrs.get("level")),
        "met": as_int(attrs.get("met")),
        "rank": as_int(attrs.get("rank")),
        "rank_province": as_int(attrs.get("rank-province")),
        "values": values,
        "ranks": ranks,
    }


def test_cli_json_and_csv_are_the_api_and_the_twins(world, client):
    """`capaian results --format json|csv` is /api/results, `capaian explain --format json|csv` the
    region page's .json/.csv: the same keys and values (one record set, one renderer per format)."""
    db, _, cases = world
    from capaian.cli import commands  # noqa: F401  (registers the sub-commands)
    from capaian.cli.app import app

    runner = CliRunner()

    def cli(*args):
        result = runner.invoke(app, ["--db", str(db), *args])
        assert result.exit_code == 0, result.output
        return result.stdout_bytes  # as written (Click's `stdout` folds CRLF)

    for view, choice in cases:
        params = {"cutoff": choice.cutoff, "rubric": choice.rubric}
        for tier in ("province", "regency"):
            got = json.loads(cli("results", "--cutoff", choice.cutoff, "--rubric", choice.rubric, "--tier", tier,
                                 "--format", "json"))
            api = client.get("/api/results", params={**params, "tier": tier}).json()
            assert got == api, tier
            for rec in got["regions"]:
                if rec["code"] in regions_of(view):
                    assert _from_record(rec) == expected(view, rec["code"]), ("cli", rec["code"])
        for code in ("65", "65.71"):
            explained = json.loads(cli("explain", code, "--cutoff", choice.cutoff, "--rubric", choice.rubric,
                                       "--format", "json"))
            assert explained == client.get(f"/wilayah/{code}.json", params=params).json(), code
            assert explained["region"]["level"] == expected(view, code)["level"]
            assert cli("explain", code, "--cutoff", choice.cutoff, "--rubric", choice.rubric, "--format", "csv") \
                == client.get(f"/wilayah/{code}.csv", params=params).content, code


def test_workbook_cells_give_the_same_answer(world):
    _, store, cases = world
    for view, choice in cases:
        report = build_report(store, "ID", choice.cutoff, "xlsx", rubric_id=choice.rubric)
        assert report.run_id == choice.run_id
        book = openpyxl.load_workbook(io.BytesIO(report.content), read_only=True)
        levels = _sheet_rows(book.worksheets[1])
        by_indicator = {}
        for ind in view.rubric.indicators:
            if ind.kind != "coverage":
                continue
            sheet = next(ws for ws in book.worksheets if (ws.title or "").startswith(ind.label.id[:31]))
            by_indicator[ind.id] = _sheet_rows(sheet, header_row=2)
        for code in regions_of(view):
            want = expected(view, code)
            row = levels[code]
            got = {"level": row[4], "met": row[6], "rank": row[9], "rank_province": row[11], "values": {}, "ranks": {}}
            for ind, rows in by_indicator.items():
                cells = rows[code]
                if cells[5] is not None and ind in want["values"]:
                    got["values"][ind] = r2(cells[5])
                    got["ranks"][ind] = cells[9]
            assert got == want, ("xlsx", code)


def _sheet_rows(ws, header_row: int = 1) -> dict:
    rows = list(ws.iter_rows(min_row=header_row + 1, values_only=True))
    return {r[0]: r for r in rows if r and r[0]}


def test_pdf_and_narrative_give_the_same_answer(world):
    _, store, cases = world
    for view, choice in cases:
        national = _pdf_text(build_report(store, "ID", choice.cutoff, "pdf", rubric_id=choice.rubric))
        table = _ranking_lines(national)
        provinces = sorted(view.regions.loc[view.regions["tier"] == "province", "region_code"])
        for code in provinces:
            want = expected(view, code)
            assert table.get(code) == (want["rank"], want["level"], want["met"]), ("pdf ranking", code)
        for code in ("65", "65.71"):
            want = expected(view, code)
            pdf = _pdf_text(build_report(store, code, choice.cutoff, "pdf", rubric_id=choice.rubric))
            story = build_report(store, code, choice.cutoff, "md", rubric_id=choice.rubric).text
            for text, surface in ((pdf, "pdf"), (story, "narrative")):
                shown = {r2(number_of(m)) for m in re.findall(r"\d{1,3}(?:\.\d{3})*,\d{2,3}(?= ?(?:%|persen))", text)}
                for ind, value in want["values"].items():
                    assert value in shown, (surface, code, ind, value)
                assert f"level {want['level']}" in text.lower(), (surface, code)
                assert f"ke-{want['rank']}" in text, (surface, code)
                for ind, rank in want["ranks"].items():  # "ke-7" in prose, "7/34" in the PDF's table
                    assert re.search(rf"ke-{rank}\b|\b{rank}/\d+\b", text), (surface, code, ind)


def _pdf_text(report) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(report.content)).pages)


def _ranking_lines(text: str) -> dict:
    """{province code: (rank, level, met)} from the national PDF's province ranking table."""
    out = {}
    # a long name wraps onto the next line ("Nusa Tenggara\nTimur"): names hold no digits
    # an incomplete province has no rank ("—"); an office with no data no level ("–")
    for rank, code, level, met in re.findall(r"^(\d+|—) (\d{2}) \D*?\s(\d|–|—) (\d+)/\d+\s", html_lib.unescape(text),
                                             flags=re.M):
        out.setdefault(code, (int(rank) if rank.isdigit() else None, int(level) if level.isdigit() else None, int(met)))
    return out


def test_a_regional_target_set_is_shown_only_when_asked_for(demo_db_copy):
    """Issue 11: after `evaluate --target-set kaltim-2022` the dashboard showed the regional run while
    the CLI and the reports showed the national one. Now every surface shows the national run unless
    the set is asked for, and then every surface shows the regional run."""
    from capaian.cli import commands  # noqa: F401
    from capaian.cli.app import app
    from capaian.web import create_app

    runner = CliRunner()
    cut = "2022-06-H1"
    made = runner.invoke(app, ["--db", str(demo_db_copy), "evaluate", "--cutoff", cut, "--target-set",
                               "kaltim-2022", "--format", "json"])
    assert made.exit_code == 0, made.output
    regional = json.loads(made.stdout)["run"]["run_id"]
    store = open_store(demo_db_copy)
    national = choose(Catalog.from_store(store), cutoff=cut).run_id
    assert regional != national
    web = TestClient(create_app(store=store, secret="x"))
    store.publish_run(regional, "test")  # published, so that the public sees it too (when asked for)
    for params, want in (({}, national), ({"target_set": "kaltim-2022"}, regional)):
        page = web.get("/wilayah/64.json", params={"cutoff": cut, **params}).json()
        api = web.get("/api/explanations/64", params={"cutoff": cut, **params}).json()
        sets = ["--target-set", params["target_set"]] if params else []
        cli = json.loads(runner.invoke(app, ["--db", str(demo_db_copy), "explain", "64", "--cutoff", cut, *sets,
                                             "--format", "json"]).stdout)
        report = build_report(store, "64", cut, "md", target_set=params.get("target_set"))
        assert page["run"]["run_id"] == api["run"]["run_id"] == cli["run"]["run_id"] == report.run_id == want, params
        if params:
            assert page["run"]["target_set"] == "kaltim-2022"
            assert "kaltim-2022" in web.get("/wilayah/64", params={"cutoff": cut, **params}).text
