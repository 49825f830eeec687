"""Run one import in a child process for `test_intake_kill.py`, optionally pausing at a point.

    python intake_kill_worker.py submission|register DB FILE POINT MARKER

POINT names where to stop inside the import (the test then kills this process with SIGKILL):
`none` runs straight through; otherwise, when the point is reached the worker writes MARKER and
sleeps. Submission points: after_add_submission, after_write_facts, after_audit (the last write
before COMMIT). Register points: after_quarantine, after_insert, after_log (before COMMIT).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def pause_after(owner, name: str, point: str, wanted: str, marker: Path) -> None:
    original = getattr(owner, name)

    def wrapped(*args, **kwargs):
        result = original(*args, **kwargs)
        if point == wanted:
            marker.write_text(point)
            time.sleep(120)
        return result

    setattr(owner, name, wrapped)


def main(kind: str, db: str, file: str, point: str, marker: str) -> None:
    from capaian.store import open_store

    marker_path = Path(marker)
    store = open_store(db)
    if kind == "submission":
        from capaian.intake import import_submission

        pause_after(store, "add_submission", point, "after_add_submission", marker_path)
        pause_after(store, "write_facts", point, "after_write_facts", marker_path)
        pause_after(store, "audit", point, "after_audit", marker_path)
        import_submission(store, file, actor="kill-test")
    else:
        from capaian.register import load

        pause_after(load, "_quarantine_and_summary", point, "after_quarantine", marker_path)
        pause_after(load, "_log_import", point, "after_log", marker_path)
        if point == "after_insert":
            con = store.con
            original = con.execute

            class Con:
                """The connection, pausing right after the INSERT INTO residents."""

                def __getattr__(self, name):
                    return getattr(store.con_real, name)

                def execute(self, sql, *args):
                    result = original(sql, *args)
                    if sql.lstrip().startswith("INSERT INTO residents"):
                        marker_path.write_text(point)
                        time.sleep(120)
                    return result

            store.con_real = con
            store.con = Con()
        load.import_register(store, file, actor="kill-test")
    store.close()
    marker_path.with_suffix(".done").write_text("done")


if __name__ == "__main__":
    main(*sys.argv[1:6])
