"""Figures that rest on an assumption say so (issue 20, "asumsi" on every surface): a threshold no
source states (every threshold of levelisasi-2021) or a denominator base whose dates are assumed
(the DKB releases). The record set carries `target_assumption` and `base_assumption`, computed from
the rubric and base records; the region page, the PDF and the data formats show the same marks."""

from __future__ import annotations

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from capaian.bases import get_base
from capaian.records import region_set
from capaian.rubrics import load_rubric
from capaian.web import create_app
from web_support import PASSWORD, fresh_db, kaltim_rows, login

CUTOFF_2021 = "2021-06-H1"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """The small store plus one 2021 cut-off of Kalimantan Timur, evaluated (rubric levelisasi-2021)."""
    from capaian.intake import import_submission
    from capaian.service import evaluate_cutoff
    from capaian.store import open_store

    folder = tmp_path_factory.mktemp("assumptions")
    path = fresh_db(folder)
    rows = [{**row, "cutoff": CUTOFF_2021} for row in kaltim_rows("2020-11-H1")]
    csv = folder / "kaltim-2021.csv"
    pd.DataFrame(rows).to_csv(csv, index=False)
    with open_store(path) as store:
        import_submission(store, csv, actor="op64", operator_scope="64")
        view = evaluate_cutoff(store, CUTOFF_2021, actor="test")
        store.publish_run(view.run_id, "test")
    return path


def _view(db, cutoff):
    from capaian.runs import choose
    from capaian.runs.catalog import Catalog
    from capaian.service import get_run
    from capaian.store import open_store

    with open_store(db, create=False) as store:
        choice = choose(Catalog.from_store(store), cutoff=cutoff)
        return get_run(store, choice.run_id)


@pytest.mark.parametrize("cutoff", ["2020-11-H1", CUTOFF_2021])
def test_the_record_set_marks_what_its_records_assume(db, cutoff):
    view = _view(db, cutoff)
    rubric = load_rubric(view.meta["rubric"])
    assert rubric.id == f"levelisasi-{cutoff[:4]}"
    record = region_set(view, "64")
    cells = [c for reg in (record["region"], *record["regions"]) for c in reg["indicators"].values()]
    assert cells
    for cell in cells:
        assert cell["target_assumption"] is rubric.indicator(cell["indicator"]).threshold.assumption
        if cell["denominator_base"]:
            assert cell["base_assumption"] is get_base(cell["denominator_base"]).assumption
        else:
            assert cell["base_assumption"] is None
    marked = {c["indicator"] for c in cells if c["target_assumption"]}
    # 2020 thresholds are sourced; no public 2021 guideline, so every 2021 threshold is assumed
    assert marked == (set() if cutoff.startswith("2020") else {i.id for i in rubric.indicators})
    assert any(c["base_assumption"] for c in cells)  # the DKB dates are assumed


def test_the_region_page_and_its_twins_show_the_marks(db):
    app = create_app(db, secret="test-secret")
    try:
        client = TestClient(app, follow_redirects=False)
        assert login(client, "kaltim", PASSWORD).status_code == 303  # an English-speaking account
        page = client.get("/wilayah/64", params={"cutoff": CUTOFF_2021}).text
        assert page.count('data-field="target_assumption"') == len(load_rubric("levelisasi-2021").indicators)
        assert page.count('data-field="base_assumption"') == 3  # the three coverage cards
        assert "(assumption)" in page
        old = client.get("/wilayah/64", params={"cutoff": "2020-11-H1"}).text
        assert 'data-field="target_assumption"' not in old and 'data-field="base_assumption"' in old
        data = client.get("/wilayah/64.json", params={"cutoff": CUTOFF_2021}).json()
        assert data["region"]["indicators"]["kia"]["target_assumption"] is True
        csv = client.get("/wilayah/64.csv", params={"cutoff": CUTOFF_2021}).text.splitlines()
        assert "kia.target_assumption" in csv[0] or "target_assumption" in csv[0]
    finally:
        app.state.web.store.close()


def test_the_pdf_says_asumsi(db, tmp_path):
    from pypdf import PdfReader

    from cli_support import run_capaian

    out = tmp_path / "kaltim-2021.pdf"
    run_capaian(db, "report", "--scope", "64", "--cutoff", CUTOFF_2021, "--output", str(out))
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "(asumsi)" in " ".join(text.split())
    assert "diasumsikan (asumsi)" in " ".join(text.split())


def test_explain_says_asumsi_beside_an_assumed_threshold(db):
    from cli_support import run_capaian

    text = run_capaian(db, "explain", "64", "--cutoff", CUTOFF_2021).stdout
    flat = " ".join(text.split())
    for label in ("KTP-el", "KIA", "Akta kelahiran"):  # coverage lines: "...; target 99 % (asumsi))"
        line = next(li for li in text.splitlines() if li.strip()[2:].startswith(label + ":"))
        assert " (asumsi))" in line, line
    old = " ".join(run_capaian(db, "explain", "64", "--cutoff", "2020-11-H1").stdout.split())
    assert "% (asumsi))" not in old and "% (asumsi))" in flat
