"""The record set (`capaian.records`): one schema, one set of names, one renderer per data format."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from capaian.records import region_set, render, results_table, table_schema
from capaian.records.render import csv_text
from capaian.records.schema import GROUPS, columns, fields, schema
from capaian.runs import pick
from capaian.store import open_store

FRICTIONLESS_TYPES = {"string", "number", "integer", "boolean", "array", "object", "date", "datetime"}


@pytest.fixture(scope="module")
def kaltara(demo_db):
    with open_store(demo_db, create=False) as store:
        view, _ = pick(store, cutoff="2020-11-H1")
        yield view, region_set(view, "65")


def test_the_schema_is_a_table_schema_with_one_name_per_field_and_group():
    for f in schema()["fields"]:
        assert set(f) >= {"name", "type", "group", "description"}, f
        assert f["type"] in FRICTIONLESS_TYPES and f["group"] in GROUPS
    for group in GROUPS:
        assert len(set(fields(group))) == len(fields(group)), group
    expanded = table_schema(["kia", "kertas_putih"])
    names = [f["name"] for f in expanded["fields"]]
    assert len(names) == len(set(names)) and "kia.value" in names and "kertas_putih.numerator" in names
    assert all("group" not in f for f in expanded["fields"])


def test_a_record_set_names_its_fields_from_the_schema(kaltara):
    view, rs = kaltara
    assert set(rs) == {"run", "region", "regions", "regions_hidden", "explanation", "completeness", "gap_shares"}
    assert set(fields("run")) <= set(rs["run"])
    for rec in [rs["region"], *rs["regions"]]:
        assert set(rec) == set(fields("region")) | {"indicators"}
        assert list(rec["indicators"]) == [i.id for i in view.rubric.indicators]
        for cell in rec["indicators"].values():
            assert list(cell) == list(fields("indicator"))
    assert {r["code"] for r in rs["regions"]} == {"65.01", "65.02", "65.03", "65.04", "65.71"}
    ranks = [r["rank_province"] for r in rs["regions"]]
    assert ranks == sorted(ranks)  # best first
    assert rs["completeness"] == {"regencies_total": 5, "regencies_reporting": 5, "regencies_missing": [],
                                  "complete": True}
    assert [s["indicator"] for s in rs["explanation"]["path"]] == ["kertas_putih"]


def test_a_province_reads_k_of_n_regencies_never_a_regency_count(kaltara):
    _, rs = kaltara
    white = rs["region"]["indicators"]["kertas_putih"]
    assert (white["value"], white["numerator"], white["denominator"], white["met"]) == (None, 3, 5, False)
    regencies = {r["code"]: r["indicators"]["kertas_putih"]["value"] for r in rs["regions"]}
    assert min(regencies.values()) == 14  # the weakest regency's count, which the province no longer shows


def test_full_precision_and_whole_counts_in_every_data_format(kaltara):
    view, rs = kaltara
    ids = [i.id for i in view.rubric.indicators]
    table = results_table(rs, ids)
    as_json = json.loads(render(table, "json")[0])
    assert as_json == json.loads(json.dumps(rs))
    kia = as_json["region"]["indicators"]["kia"]
    assert kia["value"] == 91_763 / 205_011 * 100 and kia["numerator"] == 91_763
    rows = list(csv.DictReader(io.StringIO(render(table, "csv")[0].decode())))
    assert list(rows[0]) == columns(ids) == [f["name"] for f in table_schema(ids)["fields"]]
    assert float(rows[0]["kia.value"]) == kia["value"] and rows[0]["kia.numerator"] == "91763"
    parquet = pd.read_parquet(io.BytesIO(render(table, "parquet")[0]))
    assert list(parquet.columns) == columns(ids) and len(parquet) == len(rows) == 6
    assert parquet.loc[0, "kia.value"] == kia["value"] and parquet.loc[0, "kia.numerator"] == 91_763


def test_the_one_csv_writer_neutralises_formulas():
    cells = ["=1+1", "+62 811", "-x", "@SUM(A1)", "\tx", "\rx", "Kota Tarakan", -5, 0.5, None, ["a", "b"]]
    text = csv_text([{str(i): v for i, v in enumerate(cells)}], [str(i) for i in range(len(cells))])
    row = list(csv.reader(io.StringIO(text, newline="")))[1]
    assert row[:6] == ["'=1+1", "'+62 811", "'-x", "'@SUM(A1)", "'\tx", "'\rx"]
    assert row[6:] == ["Kota Tarakan", "-5", "0.5", "", '["a", "b"]']  # numbers stay numbers


def test_openapi_describes_the_data_responses(demo_db):
    from fastapi.testclient import TestClient

    from capaian.web import create_app

    spec = TestClient(create_app(demo_db, secret="x", warm=False)).get("/openapi.json").json()
    for path, model in (("/api/results", "Results"), ("/api/explanations/{code}", "Explanation")):
        schema_ = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema_ == {"$ref": f"#/components/schemas/{model}"}
    parts = spec["components"]["schemas"]
    assert set(parts["Indicator"]["properties"]) == set(fields("indicator"))
    assert set(parts["Region"]["properties"]) == set(fields("region")) | {"indicators"}
