"""`capaian export site DIR`: the public's published data as static files with relative links, a
Frictionless data package describing every data file, and the store left as it was."""

from __future__ import annotations

import csv
import io
import json
import re

import pandas as pd
from typer.testing import CliRunner

from capaian.records import region_set
from capaian.runs import pick
from capaian.store import open_store
from test_reads_never_write import digests

CUTOFF = "2020-11-H1"


def test_export_site_writes_the_public_record_sets_and_a_data_package(demo_db, tmp_path):
    from capaian.cli import commands  # noqa: F401  (registers the sub-commands)
    from capaian.cli.app import app

    before = digests(demo_db)
    site = tmp_path / "site"
    result = CliRunner().invoke(app, ["--db", str(demo_db), "export", "site", str(site), "--cutoff", CUTOFF])
    assert result.exit_code == 0, result.output
    assert digests(demo_db) == before  # an export only reads the store

    package = json.loads((site / "datapackage.json").read_text())
    names = [r["name"] for r in package["resources"]]
    assert len(names) == len(set(names)) and all(re.fullmatch(r"[a-z0-9._-]+", n) for n in names)
    assert len(names) == 2 * 35  # the nation and 34 provinces (2020), as CSV and Parquet
    for resource in package["resources"]:
        path = site / resource["path"]
        assert path.is_file() and not resource["path"].startswith("/")
        fields = [f["name"] for f in resource["schema"]["fields"]]
        if resource["format"] == "csv":
            header = next(csv.reader(io.StringIO(path.read_text())))
        else:
            header = list(pd.read_parquet(path).columns)
        assert header == fields, resource["name"]

    page = (site / "index.html").read_text()
    links = re.findall(r'href="([^"]+)"', page)
    assert links and all(not link.startswith(("/", "http")) and (site / link).is_file() for link in links)

    with open_store(demo_db, create=False) as store:
        view, _ = pick(store, cutoff=CUTOFF)
        want = region_set(view, "65", below=False)
    got = json.loads((site / CUTOFF / "wilayah" / "65.json").read_text())
    assert got["regions"] == [] and got["regions_hidden"] is True  # the public reads no regency figures
    for ind, cell in want["region"]["indicators"].items():
        for field in ("value", "numerator", "denominator", "status", "rank_national"):
            assert got["region"]["indicators"][ind][field] == cell[field], (ind, field)
    kia = got["region"]["indicators"]["kia"]
    assert (kia["numerator"], kia["denominator"]) == (91_763, 205_011)  # the seed figures, full precision
    assert kia["value"] == 91_763 / 205_011 * 100
    white = got["region"]["indicators"]["kertas_putih"]
    assert (white["value"], white["numerator"], white["denominator"]) == (None, 3, 5)
