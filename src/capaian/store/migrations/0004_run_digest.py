"""capaian store, schema version 4: each run keeps a digest of its results (`results_digest`),
so `capaian db check` can tell when stored results no longer match what was saved and published.
Runs saved before this version get their digest now, from their results as they are."""

from __future__ import annotations


def upgrade(con) -> None:
    from capaian.store import Store

    con.execute("ALTER TABLE evaluation_runs ADD COLUMN results_digest VARCHAR")
    if hasattr(con, "forget_types"):
        con.forget_types()
    store = Store(con, "")
    store._depth = 1  # inside the migration's transaction
    for (run_id,) in con.execute("SELECT id FROM evaluation_runs ORDER BY id").fetchall():
        con.execute(
            "UPDATE evaluation_runs SET results_digest = ? WHERE id = ?",
            [store.results_digest(int(run_id)), int(run_id)],
        )
