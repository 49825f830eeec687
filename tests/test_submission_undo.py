"""Undo (issue 25, defect 5): a corrected value can be taken back. Re-sending the earlier file, or
`capaian submission revert ID`, makes its values current again as a new submission, audited
`submission.revert`; while its values are current, the same file stays a no-op ("already imported")."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from capaian.errors import CapaianError
from capaian.intake import import_submission, revert_submission
from capaian.store import open_store
from cli_support import run_capaian
from web_support import PASSWORD, SEED_CUTOFF

EXAMPLE = Path(__file__).parent.parent / "examples" / "submission-65-2020-11-H1.csv"
WRONG = f"kode_wilayah,cutoff,pks,akses_data\n65.01,{SEED_CUTOFF},160,16\n"  # pks typed with an extra digit


def current(store, code="65.01") -> dict[str, float]:
    frame = store.current_facts(SEED_CUTOFF, regions={code})
    return dict(zip(frame["fact"], frame["value"]))


@pytest.fixture
def store():
    s = open_store(":memory:")
    yield s
    s.close()


def test_re_sending_the_earlier_file_undoes_the_correction(store, tmp_path):
    first = import_submission(store, EXAMPLE, actor="op65", operator_scope="65")
    before = current(store)
    wrong = tmp_path / "koreksi.csv"
    wrong.write_text(WRONG, encoding="utf-8")
    import_submission(store, wrong, actor="op65", operator_scope="65")
    assert current(store)["pks"] == 160

    undone = import_submission(store, EXAMPLE, actor="op65", operator_scope="65")
    assert undone.status == "reverted" and undone.reverts == first.submission_id
    assert undone.submission_id > first.submission_id
    assert current(store) == before
    assert {(c["fact"], c["old"], c["new"]) for c in undone.changes} == {("pks", 160.0, before["pks"])}
    assert "current again" in undone.summary("en") and "berlaku lagi" in undone.summary("id")
    entry = store.list_audit(action="submission.revert").iloc[-1]
    assert entry["object"] == f"submission:{undone.submission_id}" and entry["detail"]["reverts"] == first.submission_id
    assert entry["actor"] == "op65" and entry["detail"]["changes"][0]["old"] == 160.0

    again = import_submission(store, EXAMPLE, actor="op65", operator_scope="65")
    assert again.status == "duplicate" and again.submission_id == first.submission_id


def test_revert_by_id_from_the_cli(tmp_path):
    db = tmp_path / "c.duckdb"
    run_capaian(db, "import", "submission", str(EXAMPLE), "--as", "65")
    wrong = tmp_path / "koreksi.csv"
    wrong.write_text(WRONG, encoding="utf-8")
    run_capaian(db, "import", "submission", str(wrong), "--as", "65")
    with open_store(db) as s:
        first, second = (int(i) for i in s.list_submissions()["id"])
    out = run_capaian(db, "--lang", "en", "submission", "revert", str(first), "--as", "65").stdout
    assert f"submission {first} are current again" in out
    with open_store(db) as s:
        assert current(s)["pks"] == 16 and current(s)["akses_data"] == 16
        rows = s.list_submissions().set_index("id")
        latest = int(rows.index.max())
        assert rows.loc[latest, "supersedes"] == [second] and rows.loc[second, "status"] == "superseded"
        assert len(s.list_audit(action="submission.revert")) == 1
    listing = run_capaian(db, "--lang", "en", "submission", "list").stdout
    assert f"#{second}" in listing
    same = run_capaian(db, "--lang", "en", "submission", "revert", str(first)).stdout
    assert "nothing changed" in same
    other = run_capaian(db, "submission", "revert", str(first), "--as", "64", check=False)
    assert other.returncode == 1 and "not found" in other.stderr


def test_revert_outside_the_scope_is_refused(store, tmp_path):
    first = import_submission(store, EXAMPLE, actor="op65", operator_scope="65")
    with pytest.raises(CapaianError):
        revert_submission(store, first.submission_id, actor="op64", operator_scope="64")


def test_re_upload_through_the_api_undoes_the_correction(app):
    client = TestClient(app)
    auth = {"Authorization": "Basic " + base64.b64encode(f"kaltara:{PASSWORD}".encode()).decode()}
    body = EXAMPLE.read_bytes()
    first = client.post("/api/submissions", headers=auth, files={"file": ("asli.csv", body, "text/csv")})
    assert first.status_code == 201, first.text
    wrong = client.post("/api/submissions", headers=auth, files={"file": ("salah.csv", WRONG.encode(), "text/csv")})
    assert wrong.status_code == 201
    undo = client.post("/api/submissions", headers=auth, files={"file": ("asli.csv", body, "text/csv")})
    assert undo.status_code == 201, undo.text
    result = undo.json()["result"]
    assert result["status"] == "reverted" and result["supersedes"] == [wrong.json()["result"]["submission_id"]]
    with app.state.web.db() as s:
        assert current(s)["pks"] == 16
