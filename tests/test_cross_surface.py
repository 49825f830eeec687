"""One answer everywhere: the guard of issues 11 and 21.

The check runs on the renderers over one record set (`capaian.records`), not through a crawl of the
web app: for the run the one picker (`capaian.runs`) gives the public, the record sets of every
province and a sample of regencies are rendered by each format's renderer (`.json`, `.csv`,
`.parquet`), and the surfaces that print them (the CLI's `results --format json`, `/api/results`,
a page's `.json`/`.csv` twin) must give those bytes' keys and values; the workbook's cells must hold
the records' values (full precision), and the PDF's text and the narrative the same figures as
shown (2 decimals, "k dari n kab/kota" for a province's implementation indicators). Its cost is
given in docs/performance.md (CPU seconds of this file's first four tests).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re

import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from typer.testing import CliRunner

from capaian.quality.flags import by_row
from capaian.quality.service import flags_for_choice
from capaian.records import render, results_set, results_table
from capaian.records.schema import columns, fields
from capaian.reports import build_report
from capaian.runs import Catalog, choose, pick
from capaian.store import open_store


def number_of(text: str) -> float:
    """A number as shown in Indonesian ("101,93 %", "467.701") back to a float."""
    digits = re.sub(r"[^\d,.-]", "", text).replace(".", "").replace(",", ".")
    return float(digits)


@pytest.fixture(scope="module")
def one(demo_db, tmp_path_factory):
    """The public's newest published run of the demo, its record set (every province and a sample
    of regencies, with the run's flags) and the store (a private copy: the web app keeps it open)."""
    import shutil

    db = tmp_path_factory.mktemp("cross") / "demo.duckdb"
    shutil.copy(demo_db, db)
    store = open_store(db)
    view, choice = pick(store)
    flags = by_row(flags_for_choice(store, choice))
    regs = view.regions
    provinces = view.tier("province")
    regencies = regs[regs["tier"] == "regency"].sort_values("region_code")
    sample = regencies[regencies["region_code"].isin(set(regencies["region_code"].iloc[::60]) |
                                                     {c for c in regencies["region_code"] if c.startswith("65.")})]
    sets = {"province": results_set(view, provinces, "province", flags),
            "regency": results_set(view, sample, "regency", flags)}
    yield db, store, view, choice, sets
    store.close()


def _ids(view) -> list[str]:
    return [i.id for i in view.rubric.indicators]


def _csv_value(text: str, kind: str):
    """A CSV cell back to the record's value (the schema's type)."""
    if text == "":
        return None
    if kind in ("integer", "number"):
        return float(text)
    if kind == "boolean":
        return {"true": True, "false": False}[text.lower()]
    if kind == "array":
        return json.loads(text)
    return text


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(float(a), float(b), rel_tol=1e-14, abs_tol=0)
    return a == b


def test_data_formats_are_one_record_set_with_the_schema_keys(one):
    """JSON is the record set; CSV and Parquet its flat table, with the schema's columns and the same values."""
    _, _, view, _, sets = one
    ids = _ids(view)
    types = {**{n: t for n, t in zip(fields("run"), ["integer", "string", "string", "string", "boolean"])}}
    from capaian.records.schema import field_types

    kinds = {**field_types("run"), **field_types("region"),
             **{f"{i}.{n}": t for i in ids for n, t in field_types("indicator").items()}}
    assert types.items() <= kinds.items()
    stored = view.regions.set_index("region_code")  # the record set holds the stored run's figures
    for tier, rs in sets.items():
        for rec in rs["regions"]:
            assert rec["indicators_met"] == int(stored.loc[rec["code"], "indicators_met"]), rec["code"]
            level = stored.loc[rec["code"], "level"]
            assert rec["level"] == (None if pd.isna(level) else int(level)), rec["code"]
        table = results_table(rs, ids)
        assert json.loads(render(table, "json")[0]) == json.loads(json.dumps(rs, default=str))
        rows = list(csv.DictReader(io.StringIO(render(table, "csv")[0].decode())))
        parquet = pd.read_parquet(io.BytesIO(render(table, "parquet")[0]))
        assert list(rows[0]) == columns(ids) == list(parquet.columns)
        assert [r["code"] for r in rows] == [r["code"] for r in rs["regions"]] == list(parquet["code"])
        for rec, row, (_, prow) in zip(rs["regions"], rows, parquet.iterrows()):
            assert set(rec) - {"indicators"} <= set(fields("region")) | {"assessed"}
            for ind, cell in rec["indicators"].items():
                assert list(cell) == list(fields("indicator")), (tier, rec["code"], ind)  # the same keys
                for name in ("value", "numerator", "denominator", "status", "met", "rank_national", "rank_province"):
                    col = f"{ind}.{name}"
                    want = cell[name]
                    got = _csv_value(row[col], kinds[col])
                    assert _same(got, float(want) if isinstance(want, int) and not isinstance(want, bool) else want), \
                        ("csv", rec["code"], col)
                    pvalue = prow[col]
                    pvalue = None if pvalue is None or (not isinstance(pvalue, str) and pd.isna(pvalue)) else pvalue
                    if hasattr(pvalue, "item"):
                        pvalue = pvalue.item()
                    if kinds[col] == "string" or isinstance(want, bool) or want is None:
                        assert pvalue == want or (want is None and pvalue in (None, "")), ("parquet", rec["code"], col)
                    else:
                        assert _same(float(pvalue), float(want)), ("parquet", rec["code"], col)
            for name in ("level", "indicators_met", "rank_national", "rank_province"):
                assert _same(_csv_value(row[name], "integer"), None if rec[name] is None else float(rec[name]))


def test_cli_api_and_twins_print_the_record_set(one):
    """`capaian results --format json` and /api/results are the province record set's JSON, key for key;
    Kaltara's page twins are its region record set's JSON and CSV (one request each, no crawl)."""
    db, store, view, choice, sets = one
    from capaian.cli import commands  # noqa: F401  (registers the sub-commands)
    from capaian.cli.app import app
    from capaian.records import region_set
    from capaian.web import create_app

    want = json.loads(render(results_table(sets["province"], _ids(view)), "json")[0])
    got = CliRunner().invoke(app, ["--db", str(db), "results", "--cutoff", choice.cutoff, "--rubric", choice.rubric,
                                   "--tier", "province", "--format", "json"])
    assert got.exit_code == 0, got.output
    assert json.loads(got.stdout) == want
    web = TestClient(create_app(store=store, secret="cross-secret"))
    params = {"cutoff": choice.cutoff, "rubric": choice.rubric}
    assert web.get("/api/results", params={**params, "tier": "province"}).json() == want
    # a published run is public down to the regency/city: the anonymous page holds Kaltara's regencies
    flags = by_row([f for f in flags_for_choice(store, choice) if f.region_code.split(".")[0] in ("65", "ID")])
    kaltara = results_table(region_set(view, "65", below=True, flags=flags), _ids(view))
    assert web.get("/wilayah/65.json", params=params).json() == json.loads(render(kaltara, "json")[0])
    assert web.get("/wilayah/65.csv", params=params).content == render(kaltara, "csv")[0]


def _sheet(book, title_start: str):
    return next(ws for ws in book.worksheets if (ws.title or "").startswith(title_start[:31]))


def test_workbook_cells_hold_the_records_values(one):
    _, store, view, choice, sets = one
    from capaian.reports.xlsx import INDICATOR_COLUMNS

    report = build_report(store, "ID", fmt="xlsx", picked=(view, choice))
    assert report.run_id == choice.run_id
    book = openpyxl.load_workbook(io.BytesIO(report.content), read_only=True)
    levels = {r[0]: r for r in book.worksheets[1].iter_rows(min_row=2, values_only=True) if r and r[0]}
    level_cols = {"level": 4, "indicators_met": 6, "indicators_total": 7, "no_data": 8, "rank_national": 9,
                  "peers_national": 10, "rank_province": 11, "peers_province": 12, "prev_level": 13,
                  "level_change": 14, "prev_rank_national": 15}
    keys = [c[0] for c in INDICATOR_COLUMNS]
    assert set(keys) - {"code", "name", "tier"} <= set(fields("indicator"))  # the schema's names
    sheets = {i.id: {r[0]: r for r in _sheet(book, i.label.id).iter_rows(min_row=3, values_only=True) if r and r[0]}
              for i in view.rubric.indicators}
    checked = 0
    for rec in sets["province"]["regions"] + sets["regency"]["regions"]:
        row = levels[rec["code"]]
        for name, col in level_cols.items():
            assert row[col] == rec[name], ("xlsx levels", rec["code"], name)
        for ind, cell in rec["indicators"].items():
            got = dict(zip(keys, sheets[ind][rec["code"]]))
            for name in ("numerator", "denominator", "value", "target", "met", "rank_national", "rank_province",
                         "change_value"):
                assert _same(got[name], cell[name]) or got[name] == cell[name], ("xlsx", rec["code"], ind, name)
            if cell["kind"] == "implementation" and rec["tier"] == "province":
                assert got["value"] is None and got["denominator"] == cell["denominator"]  # k of n, no regency's value
            checked += 1
    assert checked > 400


def _pdf_text(report) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(report.content)).pages)


def _shown(text: str) -> set:
    return {round(number_of(m), 2) for m in re.findall(r"\d{1,3}(?:\.\d{3})*,\d{2,3}(?= ?(?:%|persen))", text)}


def test_pdf_and_narrative_show_the_records_figures(one):
    _, store, view, choice, sets = one
    national = _pdf_text(build_report(store, "ID", fmt="pdf", picked=(view, choice)))
    ranking = {}
    for rank, code, level, met in re.findall(r"^(\d+|—) (\d{2}) \D*?\s(\d|–|—) (\d+)/\d+\s", national, flags=re.M):
        ranking.setdefault(code, (int(rank) if rank.isdigit() else None, int(level) if level.isdigit() else None,
                                  int(met)))
    for rec in sets["province"]["regions"]:
        assert ranking.get(rec["code"]) == (rec["rank_national"], rec["level"], rec["indicators_met"]), rec["code"]
    kaltara = next(r for r in sets["province"]["regions"] if r["code"] == "65")
    tarakan = next(r for r in sets["regency"]["regions"] if r["code"] == "65.71")
    for rec in (kaltara, tarakan):
        pdf = _pdf_text(build_report(store, rec["code"], fmt="pdf", picked=(view, choice)))
        story = build_report(store, rec["code"], fmt="md", picked=(view, choice)).text
        for text, surface in ((pdf, "pdf"), (story, "narrative")):
            assert f"level {rec['level']}" in text.lower(), (surface, rec["code"])
            assert f"ke-{rec['rank_national']}" in text, (surface, rec["code"])
            for ind, cell in rec["indicators"].items():
                if cell["kind"] == "coverage" and cell["value"] is not None:
                    assert round(cell["value"], 2) in _shown(text), (surface, rec["code"], ind)
                if cell["kind"] == "implementation" and rec["tier"] == "province" and cell["denominator"]:
                    assert f"{cell['numerator']} dari {cell['denominator']} kab/kota" in text, (surface, ind)


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
