"""kill -9 during an import (issue 16, regression guards): a submission import and a register import
are started in a child process and killed at several points; afterwards the store opens cleanly
and holds either the whole import or nothing of it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from capaian.intake import import_submission
from capaian.store import open_store

HERE = Path(__file__).parent
WORKER = HERE / "intake_kill_worker.py"
EXAMPLE = HERE.parent / "examples" / "submission-65-2020-11-H1.csv"
SUBMISSION_TABLES = ("submissions", "facts", "fact_revisions", "audit_log")
REGISTER_TABLES = ("residents", "quarantine", "register_imports", "audit_log")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def state(db: Path, tables) -> dict[str, list[tuple]]:
    with open_store(db) as store:
        return {t: store.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}


def run_worker(kind: str, db: Path, file: Path, point: str, marker: Path, kill_after: float | None = None):
    """Start the worker; kill it when it reaches `point` (or after `kill_after` s). True if it finished."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE.parent / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, str(WORKER), kind, str(db), str(file), point, str(marker)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + (kill_after if kill_after is not None else 120)
    while time.monotonic() < deadline and proc.poll() is None:
        if kill_after is None and marker.exists():
            break
        time.sleep(0.02)
    finished = proc.poll() is not None
    if not finished:
        proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=60)
    if kill_after is None and not marker.exists():
        raise AssertionError(f"worker never reached {point}: {err.decode()[-2000:]}")
    if finished:
        assert proc.returncode == 0, err.decode()[-2000:]
    return finished


# -- submission ----------------------------------------------------------------------------------
@pytest.fixture
def submission_setup(tmp_path):
    db = tmp_path / "s.duckdb"
    with open_store(db) as store:
        import_submission(store, EXAMPLE, actor="seed")
    corrected = tmp_path / "koreksi.csv"
    lines = EXAMPLE.read_text().splitlines()
    fixed = [lines[0]]
    for line in lines[1:]:  # every region corrected: wajib_ktp and ktp_terekam change
        cells = line.split(",")
        cells[3], cells[4] = str(int(cells[3]) + 7), str(int(cells[4]) + 9)
        fixed.append(",".join(cells))
    corrected.write_text("\n".join(fixed) + "\n")
    return db, corrected


def completed_submission_state(tmp_path, corrected) -> dict:
    db = tmp_path / "ref.duckdb"
    with open_store(db) as store:
        import_submission(store, EXAMPLE, actor="seed")
        import_submission(store, corrected, actor="kill-test")
    return state(db, ("facts",))


@pytest.mark.parametrize("point", ["after_add_submission", "after_write_facts", "after_audit"])
def test_submission_import_killed_inside_its_transaction_leaves_nothing(submission_setup, tmp_path, point):
    db, corrected = submission_setup
    before = state(db, SUBMISSION_TABLES)
    assert not run_worker("submission", db, corrected, point, tmp_path / "marker")
    assert state(db, SUBMISSION_TABLES) == before  # opens cleanly, nothing of the import
    with open_store(db) as store:  # and the same file imports afterwards
        assert import_submission(store, corrected, actor="again").status == "imported"


@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0])
def test_submission_import_killed_at_any_time_is_all_or_nothing(submission_setup, tmp_path, delay):
    db, corrected = submission_setup
    before = state(db, SUBMISSION_TABLES)
    run_worker("submission", db, corrected, "none", tmp_path / "marker", kill_after=delay)
    after = state(db, SUBMISSION_TABLES)
    if after != before:  # the import committed: all of it
        assert len(after["submissions"]) == len(before["submissions"]) + 1
        assert after["facts"] == completed_submission_state(tmp_path, corrected)["facts"]
        assert [r[3] for r in after["audit_log"]][-1] == "submission.import"


# -- register ------------------------------------------------------------------------------------
def register_file(path: Path, villages: list[str], rows: int, salt: int) -> Path:
    from capaian.register import RESIDENT_COLUMNS

    lines = [",".join(RESIDENT_COLUMNS)]
    for i in range(rows):
        day = 1 + i % 28
        nik = f"650101{day:02d}0190{(i + salt) % 10000:04d}" if i % 10 else f"99{i:014d}"
        lines.append(f"{nik},1990-01-{day:02d},{'LP'[i % 2]},{'true' if i % 3 else 'false'},"
                     f"{villages[i % len(villages)]}" + "," * (len(RESIDENT_COLUMNS) - 5))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def register_setup(tmp_path):
    from capaian.regions import get_hierarchy
    from capaian.register import import_register

    frame = get_hierarchy("2025").region_frame()
    villages = sorted(frame.loc[(frame["tier"] == "village") & frame["code"].str.startswith("65.01."), "code"])[:20]
    db = tmp_path / "r.duckdb"
    first = register_file(tmp_path / "penduduk-1.csv", villages, 9000, 0)
    with open_store(db) as store:
        summary = import_register(store, first, actor="seed")
        assert summary.accepted > 0 and summary.quarantined > 0
    second = register_file(tmp_path / "penduduk-2.csv", villages, 9990, 5)
    return db, second


@pytest.mark.parametrize("point", ["after_quarantine", "after_insert", "after_log"])
def test_register_import_killed_inside_its_transaction_leaves_nothing(register_setup, tmp_path, point):
    from capaian.register import import_register

    db, second = register_setup
    before = state(db, REGISTER_TABLES)
    assert not run_worker("register", db, second, point, tmp_path / "marker")
    assert state(db, REGISTER_TABLES) == before
    with open_store(db) as store:
        summary = import_register(store, second, actor="again")
        assert store.scalar("SELECT count(*) FROM residents") == summary.accepted


@pytest.mark.parametrize("delay", [1.0, 2.5])
def test_register_import_killed_at_any_time_is_all_or_nothing(register_setup, tmp_path, delay):
    db, second = register_setup
    before = state(db, REGISTER_TABLES)
    run_worker("register", db, second, "none", tmp_path / "marker", kill_after=delay)
    after = state(db, REGISTER_TABLES)
    if after != before:
        imports = after["register_imports"]
        assert len(imports) == len(before["register_imports"]) + 1
        accepted = imports[-1][7]
        assert len(after["residents"]) == accepted
        assert [r[3] for r in after["audit_log"]][-1] == "import.register"
