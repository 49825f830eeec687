"""capaian store, schema version 8: duplicates merged, so that version 9 can add the unique
constraints behind every "once" rule (DuckDB builds an index only over rows deleted in an earlier
transaction, hence two steps):

- a submission once per content hash, cut-off and scope (`submissions_once`);
- a run once per identity: cut-off, rubric, target set, fact revision (`evaluation_runs_once`);
- one result row per run, region and indicator (`results_indicators_once`), per run and region
  (`results_regions_once`).

Duplicates made before (by concurrent uploads or evaluations) are merged:
- a duplicated submission keeps its first row; the facts and fact revisions of the later copies
  point to it, and the copies' rows go;
- a duplicated run keeps its published copy (else its first); the other copies and their results go;
- a duplicated result row keeps its first copy, and the run's results digest is computed again.
What was merged is written to the audit log (`store.merge`, actor `migration`) and logged.
"""

from __future__ import annotations

import logging



def _groups(con, sql: str) -> list[list[int]]:
    """Lists of ids sharing a key (first the one kept), from rows (key..., id) ordered by key, rank."""
    groups, last = [], object()
    for row in con.execute(sql).fetchall():
        key, ident = tuple(row[:-1]), int(row[-1])
        if key != last:
            groups.append([])
            last = key
        groups[-1].append(ident)
    return [g for g in groups if len(g) > 1]


def _merge_submissions(con) -> list[dict]:
    merged = []
    key = "content_hash, cutoff, coalesce(scope_region, '')"
    for keep, *copies in _groups(con, (
            f"SELECT k1, k2, k3, id FROM (SELECT {key}, id, "
            f"count(*) OVER (PARTITION BY {key}) AS n FROM submissions) AS t (k1, k2, k3, id, n) "
            "WHERE n > 1 ORDER BY k1, k2, k3, id")):
        for copy in copies:
            con.execute("UPDATE facts SET submission_id = ? WHERE submission_id = ?", [keep, copy])
            con.execute("UPDATE fact_revisions SET submission_id = ? WHERE submission_id = ?", [keep, copy])
            con.execute("DELETE FROM submissions WHERE id = ?", [copy])
        merged.append({"kept": keep, "removed": copies})
    return merged


def _merge_runs(con) -> list[dict]:
    merged = []
    key = "cutoff, rubric, coalesce(target_set, ''), coalesce(fact_revision, -1)"
    for keep, *copies in _groups(con, (
            f"SELECT k1, k2, k3, k4, id FROM (SELECT {key}, id, published_at, "
            f"count(*) OVER (PARTITION BY {key}) AS n FROM evaluation_runs) AS t (k1, k2, k3, k4, id, p, n) "
            "WHERE n > 1 ORDER BY k1, k2, k3, k4, CASE WHEN p IS NULL THEN 1 ELSE 0 END, p, id")):
        for copy in copies:
            for table in ("results_indicators", "results_regions"):
                con.execute(f"DELETE FROM {table} WHERE run_id = ?", [copy])
            con.execute("DELETE FROM saved_flags WHERE run_id = ?", [copy])
            con.execute("DELETE FROM evaluation_runs WHERE id = ?", [copy])
        merged.append({"kept": keep, "removed": copies})
    return merged


def _merge_results(con) -> list[dict]:
    """Duplicated result rows (same run, region, indicator): the copies with a later row number go."""
    merged = []
    for table, key in (("results_indicators", "region_code, indicator"), ("results_regions", "region_code")):
        rows = con.execute(
            f"SELECT run_id, count(*) - count(DISTINCT ({key})) FROM {table} GROUP BY run_id "
            f"HAVING count(*) > count(DISTINCT ({key}))").fetchall()
        for run_id, extra in rows:
            con.execute(
                f"DELETE FROM {table} WHERE run_id = ? AND row_no NOT IN (SELECT min(row_no) FROM {table} "
                f"WHERE run_id = ? GROUP BY {key})", [int(run_id), int(run_id)])
            merged.append({"table": table, "run": int(run_id), "removed_rows": int(extra)})
    return merged


def upgrade(con) -> None:
    from capaian.store import Store
    from capaian.store.core import to_json, utcnow

    report = {"submissions": _merge_submissions(con), "runs": _merge_runs(con), "results": _merge_results(con)}
    if any(report.values()):
        store = Store(con, "")
        store._depth = 1  # inside the migration's transaction
        for run_id in sorted({r["run"] for r in report["results"]}):
            con.execute("UPDATE evaluation_runs SET results_digest = ? WHERE id = ?",
                        [store.results_digest(run_id), run_id])
        for kept in {m["kept"] for m in report["submissions"]}:
            store.refresh_submission_status(kept)
        audit_id = int(con.execute("SELECT nextval('audit_id_seq')").fetchall()[0][0])
        con.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?)",
                    [audit_id, utcnow(), "migration", "store.merge", "schema:8", to_json(report)])
        logging.getLogger("capaian.store").warning(
            "schema 8: merged duplicates: %d submissions, %d runs, %d result sets (audit entry %d)",
            sum(len(m["removed"]) for m in report["submissions"]),
            sum(len(m["removed"]) for m in report["runs"]), len(report["results"]), audit_id)
