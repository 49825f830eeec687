"""Publish review (issue 21): publishing a run is compared with the last published run of its rubric
and target set, skipping cut-offs that have only drafts (publishing run 48 once said "nothing to
compare" because the cut-off before it had only a draft). The library (`capaian.runs.review`), the
CLI's `publish --dry-run` and the web confirmation page give the same review, on a real store."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from capaian.runs import Catalog
from capaian.runs.review import baseline, review
from capaian.service import evaluate_cutoff, get_run
from capaian.store import open_store
from web_support import SEED_CUTOFF, UNPUBLISHED, fresh_db, kaltara_rows, kaltim_rows, login, malinau_villages

LATER = "2020-12-H1"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The small store plus a draft at 2020-12-H1 where Tana Tidung prints on white paper (Kaltara
    3 -> 4) and Kutai Barat (64.11) serves online: two drafts after the last published run."""
    from capaian.intake import import_submission

    folder = tmp_path_factory.mktemp("review")
    db = fresh_db(folder)
    store = open_store(db)
    rows, malinau = kaltara_rows(UNPUBLISHED)
    for row in rows:
        row.update(cutoff=LATER, dokumen_kertas_putih=18)
    east = [{**row, "cutoff": LATER, "layanan_online": 1} for row in kaltim_rows(UNPUBLISHED)]
    import pandas as pd

    for name, body, scope in (("kaltara", rows, "65"), ("kaltim", east, "64")):
        path = folder / f"{name}.csv"
        pd.DataFrame(body).to_csv(path, index=False)
        import_submission(store, path, actor=f"op{scope}", operator_scope=scope)
    store.write_facts(malinau_villages(malinau, LATER).assign(cutoff=LATER), source="register:test", actor="test")
    draft = evaluate_cutoff(store, LATER, actor="test").run_id
    catalog = Catalog.from_store(store)
    published = catalog.latest(SEED_CUTOFF, published_only=True)
    yield db, store, draft, published
    store.close()


def test_the_baseline_skips_cut_offs_that_have_only_drafts(world):
    _, store, draft, published = world
    catalog = Catalog.from_store(store)
    assert not catalog.published(catalog.latest(UNPUBLISHED))  # the cut-off just before is a draft
    assert baseline(catalog, draft) == published
    assert baseline(catalog, published) == catalog.latest("2020-10-H2", published_only=True)
    assert baseline(catalog, catalog.latest("2020-10-H2")) is None  # the first published run


def test_review_lists_levels_that_change_and_indicators_that_flip(world):
    _, store, draft, published = world
    rv = review(Catalog.from_store(store), draft, lambda i: get_run(store, run_id=i))
    assert (rv.baseline, rv.baseline_cutoff) == (published, SEED_CUTOFF)
    old, new = get_run(store, run_id=published), get_run(store, run_id=draft)
    want = {code: (old.region_row(code)["level"], new.region_row(code)["level"]) for code in ("65", "64")}
    provinces = {c.code: (c.before, c.after) for c in rv.level_changes("province")}
    assert provinces["65"] == want["65"] == (3, 4)
    flips = {(f.code, f.indicator): (f.before, f.after) for f in rv.flips}
    assert flips[("65", "kertas_putih")] == ("not_met", "met")
    assert flips[("65.04", "kertas_putih")] == ("not_met", "met")  # Tana Tidung, a regency
    assert flips[("64.11", "layanan_online")] == ("not_met", "met")
    assert all(f.before != f.after for f in rv.flips)
    assert ("65.01", "kertas_putih") not in flips  # met before and after


def test_cli_dry_run_and_web_page_show_the_review_and_publish_nothing(world):
    from capaian.cli import commands  # noqa: F401  (registers the sub-commands)
    from capaian.cli.app import app
    from capaian.web import create_app

    db, store, draft, published = world
    expected = review(Catalog.from_store(store), draft, lambda i: get_run(store, run_id=i)).to_dict()
    runner = CliRunner()
    got = runner.invoke(app, ["--db", str(db), "publish", str(draft), "--dry-run", "--format", "json"])
    assert got.exit_code == 0, got.output
    assert json.loads(got.stdout) == expected
    lines = runner.invoke(app, ["--db", str(db), "--lang", "en", "publish", str(draft), "--dry-run"])
    assert lines.exit_code == 0, lines.output
    assert f"Compared with run {published} ({SEED_CUTOFF})" in lines.stdout
    assert "65 Kalimantan Utara: L3 → L4" in lines.stdout
    assert not Catalog.from_store(store).published(draft)

    client = TestClient(create_app(db, secret="review-secret"))
    assert login(client, "nasional").status_code == 303
    page = client.get(f"/run/{draft}/terbitkan").text
    assert f'id="publish-baseline" data-run="{published}"' in page
    changes = re.search(r'<ul id="publish-changes">(.*?)</ul>', page, flags=re.S).group(1)
    assert re.search(r'data-code="65" data-before="3" data-after="4"', changes)
    flips = re.findall(r'<tr data-code="([^"]+)" data-ind="([^"]+)">', page)
    assert sorted(flips) == sorted((f["code"], f["indicator"]) for f in expected["flips"])
    assert not Catalog.from_store(store).published(draft)
