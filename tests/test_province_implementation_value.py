"""No province figure of an implementation indicator names its weakest regency (issue 25, defect 6).

A province's implementation indicator is k of n regencies/cities complying: its `value` is empty in
every public surface (API JSON, the page's .json twin, the CSV twins), in every published cut-off.
Before the record set, Kaltara 2020-11-H1 gave `kertas_putih.value: 14`, the count of its one
non-compliant regency."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from capaian.web import create_app
from web_support import fresh_db


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    app = create_app(fresh_db(tmp_path_factory.mktemp("prov")), secret="prov-secret", warm=False)
    client = TestClient(app)
    cutoffs = [c["cutoff"] for c in client.get("/api/cutoffs").json()["cutoffs"] if c["published"]]
    assert cutoffs
    return client, cutoffs


def _implementation(region: dict) -> dict:
    return {k: v for k, v in region["indicators"].items() if v["kind"] == "implementation"}


def test_no_province_implementation_value_in_the_api_and_twins(public):
    client, cutoffs = public
    checked = 0
    for cutoff in cutoffs:
        regions = client.get("/api/results", params={"cutoff": cutoff}).json()["regions"]
        for region in (r for r in regions if r["tier"] == "province"):
            for name, ind in _implementation(region).items():
                assert ind["value"] is None, (cutoff, region["code"], name, ind["value"])
                assert ind["denominator"] and ind["numerator"] <= ind["denominator"]  # k of n regencies
                checked += 1
        twin = client.get("/wilayah/65.json", params={"cutoff": cutoff}).json()
        for name, ind in _implementation(twin["region"]).items():
            assert ind["value"] is None, (cutoff, "65.json", name)
        for path in ("/wilayah/65.csv", "/nasional.csv"):
            rows = list(csv.DictReader(io.StringIO(client.get(path, params={"cutoff": cutoff}).text, newline="")))
            provinces = [r for r in rows if r["tier"] == "province"]
            assert provinces, path
            columns = [c[: -len(".kind")] for c in rows[0] if c.endswith(".kind")]
            for row in provinces:
                for name in columns:
                    if row[f"{name}.kind"] == "implementation":
                        assert row[f"{name}.value"] == "", (cutoff, path, row["code"], name, row[f"{name}.value"])
    assert checked > 0
