"""`capaian export site DIR`: the public's published runs as a static site: the pages with every
link relative and none broken, their data twins, the national reports, a Frictionless data package
(validated with the `frictionless` library), a DCAT catalogue, a sitemap and an index; the store left
as it was."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from capaian.records import region_set
from capaian.runs import pick
from capaian.store import open_store
from test_reads_never_write import digests

CUTOFF = "2020-11-H1"


@pytest.fixture(scope="module")
def site(demo_db, tmp_path_factory):
    from capaian.cli import commands  # noqa: F401  (registers the sub-commands)
    from capaian.cli.app import app

    before = digests(demo_db)
    folder = tmp_path_factory.mktemp("export") / "site"
    result = CliRunner().invoke(app, ["--db", str(demo_db), "export", "site", str(folder), "--cutoff", CUTOFF,
                                      "--base-url", "https://data.example.id/capaian"])
    assert result.exit_code == 0, result.output
    assert digests(demo_db) == before  # an export only reads the store
    return folder


def links_of(page: Path) -> list[str]:
    return [html.unescape(v) for v in re.findall(r'\b(?:href|src)="([^"]*)"', page.read_text(encoding="utf-8"))]


def test_every_page_links_relatively_to_files_that_exist(site):
    pages = sorted(site.rglob("*.html"))
    assert {f"{CUTOFF}/nasional.html", f"{CUTOFF}/wilayah/65.html", "index.html"} <= {
        p.relative_to(site).as_posix() for p in pages}
    assert len([p for p in pages if "/wilayah/" in p.as_posix()]) == 34  # every province of 2020
    checked = 0
    for page in pages:
        for link in links_of(page):
            if not link or link.startswith("#"):
                continue
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc and not link.startswith("/"), (page, link)
            assert (page.parent / unquote(parts.path)).resolve().is_file(), (page, link)
            checked += 1
    assert checked > 500
    assert "<form" not in (site / CUTOFF / "nasional.html").read_text()  # no server to answer a form
    province = links_of(site / CUTOFF / "wilayah" / "65.html")
    assert "../nasional.html" in province and "65.json" in province and "../../static/css/app.css" in province


def test_the_data_package_validates_and_describes_every_data_file(site):
    from frictionless import Package, Resource

    package = json.loads((site / "datapackage.json").read_text())
    assert Package.validate_descriptor(package).valid
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
    for name in (f"{CUTOFF.lower()}-nasional-csv", f"{CUTOFF.lower()}-wilayah-65-csv"):  # the rows too
        described = next(r for r in package["resources"] if r["name"] == name)
        report = Resource(described, basepath=str(site)).validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    broken = {**package, "resources": [{**package["resources"][0], "schema": {"fields": [{"name": "x", "type": "no"}]}}]}
    assert not Package.validate_descriptor(broken).valid  # the check can fail


def test_reports_catalogue_sitemap_and_index(site):
    book = openpyxl.load_workbook(site / CUTOFF / "laporan" / "nasional.xlsx", read_only=True)
    assert len(book.worksheets) > 2
    assert (site / CUTOFF / "laporan" / "nasional.pdf").read_bytes().startswith(b"%PDF")
    run = json.loads((site / CUTOFF / "nasional.json").read_text())["run"]["run_id"]
    assert f"run {run} " in (site / CUTOFF / "laporan" / "nasional.md").read_text()  # the public run of the cut-off
    national = (site / CUTOFF / "nasional.html").read_text()
    assert 'href="laporan/nasional.pdf"' in national and 'href="laporan/nasional.xlsx"' in national

    catalog = json.loads((site / "data.json").read_text())
    assert catalog["@type"] == "dcat:Catalog" and [d["identifier"] for d in catalog["dataset"]] == [f"capaian-{CUTOFF}"]
    urls = [d["downloadURL"] for d in catalog["dataset"][0]["distribution"]]
    assert f"https://data.example.id/capaian/{CUTOFF}/wilayah/65.csv" in urls
    assert f"https://data.example.id/capaian/{CUTOFF}/laporan/nasional.pdf" in urls
    base = "https://data.example.id/capaian/"
    assert all((site / u.removeprefix(base)).is_file() for u in urls)

    locs = re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text())
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html") if "static" not in p.parts}
    assert {loc.removeprefix(base) for loc in locs} == pages

    index = links_of(site / "index.html")
    assert {"datapackage.json", "data.json", "sitemap.xml", f"{CUTOFF}/wilayah/65.html", f"{CUTOFF}/wilayah/65.csv",
            f"{CUTOFF}/laporan/nasional.pdf"} <= set(index)
    assert all((site / link).is_file() for link in index)


def test_the_public_record_sets_hold_the_seed_figures(demo_db, site):
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
    page = (site / CUTOFF / "wilayah" / "65.html").read_text()
    assert 'data-level="3"' in page and "44,76 %" in page and "101,93 %" in page
