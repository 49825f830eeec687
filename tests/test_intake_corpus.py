"""The intake corpus (tests/data/intake_corpus): every broken or edge-case file has the outcome its
manifest gives, and a refusal changes nothing in the store but one `submission.rejected` entry.
The hostile files of issue 25 (bombs, zip tricks, typed xlsx cells, encodings, cut-off years,
correction chains, undo) are made in tests/test_intake_hostile.py instead of being committed."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from capaian.intake import SubmissionInvalid, import_submission
from capaian.store import open_store

CORPUS = Path(__file__).parent / "data" / "intake_corpus"
EXAMPLE = Path(__file__).parent.parent / "examples" / "submission-65-2020-11-H1.csv"
TABLES = ("submissions", "fact_revisions", "facts", "audit_log", "evaluation_runs")
MANIFEST = list(csv.DictReader((CORPUS / "manifest.csv").open(encoding="utf-8")))


def snapshot(store) -> dict[str, list[tuple]]:
    return {t: sorted(map(tuple, store.con.execute(f"SELECT * FROM {t}").fetchall()), key=repr)
            for t in TABLES}


@pytest.fixture
def store():
    s = open_store(":memory:")
    import_submission(s, EXAMPLE, actor="seed")
    yield s
    s.close()


def test_corpus_is_complete_and_matches_its_script(tmp_path):
    assert len(MANIFEST) >= 50
    files = {p.name for p in CORPUS.iterdir()} - {"manifest.csv", "make_corpus.py", "__pycache__"}
    assert files == {m["file"] for m in MANIFEST}
    assert {m["outcome"] for m in MANIFEST} == {"accepted", "refused"}
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    regenerated = module.write(tmp_path)
    assert [m["file"] for m in regenerated] == [m["file"] for m in MANIFEST]
    assert [{k: str(v) for k, v in m.items()} for m in regenerated] == MANIFEST
    for case in regenerated:  # the text files are byte for byte what the script writes
        if not case["file"].endswith(".xlsx"):
            assert (tmp_path / case["file"]).read_bytes() == (CORPUS / case["file"]).read_bytes()


@pytest.mark.parametrize("case", MANIFEST, ids=[m["file"] for m in MANIFEST])
def test_corpus_file(case, store):
    path = CORPUS / case["file"]
    before = snapshot(store)
    if case["outcome"] == "accepted":
        result = import_submission(store, path, actor="corpus")
        assert result.status == "imported"
        assert result.facts_written == int(case["values"])
        assert len(result.unusable) == int(case["unusable"])
        after = snapshot(store)
        assert len(after["submissions"]) == len(before["submissions"]) + 1
        return
    with pytest.raises(SubmissionInvalid) as err:
        import_submission(store, path, actor="corpus")
    report = err.value.report
    hits = [p for p in report.problems if p.rule == case["rule"]]
    assert hits, f"{case['file']}: expected {case['rule']!r}, got {report.text()}"
    row = int(case["row"]) if case["row"] else None
    column = case["column"] or None
    assert any(p.row == row and p.column == column for p in hits), [p.text() for p in hits]
    # one line per problem, in both languages, naming the file
    for problem in report.problems:
        line = problem.text()
        assert "\n" not in line and case["file"] in line and " / " in line
    after = snapshot(store)
    for table in ("submissions", "fact_revisions", "facts", "evaluation_runs"):
        assert after[table] == before[table], table
    added = [r for r in after["audit_log"] if r not in before["audit_log"]]
    assert len(after["audit_log"]) == len(before["audit_log"]) + 1
    assert added[0][3] == "submission.rejected" and added[0][4] == f"file:{case['file']}"
