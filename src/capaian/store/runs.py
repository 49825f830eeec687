"""Evaluation runs: snapshots of results with rubric, target set, fact revision and time.

Result frames are stored in `results_indicators` / `results_regions` (contract columns typed,
any further columns as JSON in `extra`) and the column order and pandas dtypes are kept with the
run, so `load_run` gives back frames equal to the ones saved. A published run is frozen: every
method that changes or removes a run refuses a published one.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd

from capaian.errors import CapaianError
from capaian.store.core import not_found, to_json, utcnow

TABLES = {"indicators": "results_indicators", "regions": "results_regions"}


class RunsMixin:
    def _table_columns(self, table: str) -> list[str]:
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "AND table_schema = current_schema() ORDER BY ordinal_position",
            [table],
        ).fetchall()
        return [r[0] for r in rows if r[0] not in ("run_id", "row_no", "extra")]

    def _insert_results(self, run_id: int, table: str, frame: pd.DataFrame) -> None:
        known = self._table_columns(table)
        extra_cols = [c for c in frame.columns if c not in known]
        data = frame[[c for c in frame.columns if c in known]].copy()
        data.insert(0, "row_no", range(len(frame)))
        data.insert(0, "run_id", run_id)
        if extra_cols:
            extras = frame[extra_cols].astype(object).where(frame[extra_cols].notna(), None)
            data["extra"] = [to_json(r) for r in extras.to_dict("records")]
        self.insert_frame(table, data)

    def _read_results(self, run_id: int, table: str, columns: list, frame: pd.DataFrame | None = None) -> pd.DataFrame:
        if frame is None:
            frame = self.query_df(f"SELECT * FROM {table} WHERE run_id = ? ORDER BY row_no", [run_id])
        names = [c for c, _ in columns]
        extra_names = [c for c in names if c not in frame.columns]
        if extra_names:
            # one parse of a JSON array instead of one per row (2-3× faster on a run's 5,000+ rows)
            parsed = json.loads("[" + ",".join(x if isinstance(x, str) else "{}" for x in frame["extra"]) + "]")
            for name in extra_names:
                frame[name] = [p.get(name) for p in parsed]
        out = frame[names].copy() if names else pd.DataFrame(index=range(len(frame)))
        for name, dtype in columns:
            try:
                out[name] = out[name].astype(dtype)
            except (TypeError, ValueError):
                pass
        return out.reset_index(drop=True)

    def save_run(
        self,
        cutoff: str,
        rubric: str,
        target_set: str,
        hierarchy_version: str,
        indicators: pd.DataFrame,
        regions: pd.DataFrame,
        actor: str,
        fact_revision: int | None = None,
        note: str | None = None,
    ) -> int:
        """Store an evaluation run (new id, unpublished) in one transaction; returns its id, or the
        id of the identical run already stored."""
        if fact_revision is None:
            fact_revision = self.fact_revision(cutoff)
        try:
            return self._save_run(cutoff, rubric, target_set, hierarchy_version, indicators, regions, actor,
                                  fact_revision, note)
        except Exception as exc:  # the same run saved at the same time (unique evaluation_runs_once)
            from capaian.store.faults import is_unique_violation

            found = self.find_run(cutoff, rubric, target_set, fact_revision) if is_unique_violation(exc) else None
            if found is None:
                raise
            return found

    def _save_run(self, cutoff, rubric, target_set, hierarchy_version, indicators, regions, actor,
                  fact_revision, note) -> int:
        """The run's transaction; an identical run committed meanwhile is returned instead (a run
        is stored once per identity: cut-off, rubric, target set, fact revision)."""
        with self.transaction():
            found = self.find_run(cutoff, rubric, target_set, fact_revision)
            if found is not None:
                return found
            run_id = self.next_id("run_id_seq")
            self.con.execute(
                "INSERT INTO evaluation_runs (id, cutoff, rubric, target_set, fact_revision, "
                "hierarchy_version, created_at, created_by, note, indicator_rows, region_rows, "
                "indicator_columns, region_columns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id, str(cutoff), rubric, target_set, fact_revision, hierarchy_version,
                    utcnow(), actor, note, len(indicators), len(regions),
                    to_json([[c, str(t)] for c, t in indicators.dtypes.items()]),
                    to_json([[c, str(t)] for c, t in regions.dtypes.items()]),
                ],
            )
            self._insert_results(run_id, TABLES["indicators"], indicators)
            self._insert_results(run_id, TABLES["regions"], regions)
            self.con.execute(
                "UPDATE evaluation_runs SET results_digest = ? WHERE id = ?",
                [self.results_digest(run_id), run_id],
            )
            self.audit(
                actor, "run.save", f"run:{run_id}",
                {"cutoff": str(cutoff), "rubric": rubric, "target_set": target_set,
                 "fact_revision": fact_revision, "hierarchy_version": hierarchy_version},
            )
        return run_id

    def run_meta(self, run_id: int) -> dict:
        cursor = self.con.execute("SELECT * FROM evaluation_runs WHERE id = ?", [int(run_id)])
        rows = cursor.fetchall()
        row = rows[0] if rows else None
        if row is None:
            raise not_found("Run evaluasi", "Evaluation run", run_id)
        return dict(zip([d[0] for d in cursor.description], row))

    def results_digest(self, run_id: int) -> str:
        """SHA-256 of a run's results as `load_run` gives them back (columns, dtypes, values).

        The same on every backend, so it survives `capaian db copy`; kept in
        `evaluation_runs.results_digest` when the run is saved and checked by `capaian db check`."""
        _, indicators, regions = self.load_run(run_id)
        digest = hashlib.sha256()
        for frame in (indicators, regions):
            digest.update(to_json([[c, str(t)] for c, t in frame.dtypes.items()]).encode())
            digest.update(frame.to_csv(index=False, lineterminator="\n").encode())
        return digest.hexdigest()

    def load_run(self, run_id: int) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
        """(metadata, indicators, regions) of a stored run, as saved."""
        meta = self.run_meta(run_id)
        indicators = self._read_results(
            int(run_id), TABLES["indicators"], json.loads(meta.pop("indicator_columns") or "[]")
        )
        regions = self._read_results(
            int(run_id), TABLES["regions"], json.loads(meta.pop("region_columns") or "[]")
        )
        return meta, indicators, regions

    def load_runs_of_region(self, run_ids: list[int], code: str) -> dict[int, tuple[dict, pd.DataFrame, pd.DataFrame]]:
        """Like `load_run` for several runs, holding only the rows of region `code` (one query per
        table; what a region's trend needs, without loading every region of every run)."""
        ids = [int(i) for i in run_ids]
        if not ids:
            return {}
        marks = ", ".join("?" * len(ids))
        cursor = self.con.execute(f"SELECT * FROM evaluation_runs WHERE id IN ({marks})", ids)
        rows = cursor.fetchall()
        metas = [dict(zip([d[0] for d in cursor.description], row)) for row in rows]  # as `run_meta` gives
        if not metas:
            return {}
        # typed once for all the runs (those of one trend share a rubric, so their columns), then split
        first = max(metas, key=lambda m: len(m["indicator_columns"] or "") + len(m["region_columns"] or ""))
        parts = {}
        for table, key in ((TABLES["indicators"], "indicator_columns"), (TABLES["regions"], "region_columns")):
            raw = self.query_df(
                f"SELECT * FROM {table} WHERE run_id IN ({marks}) AND region_code = ? ORDER BY run_id, row_no",
                [*ids, code])
            typed = self._read_results(0, table, json.loads(first[key] or "[]"), frame=raw)
            typed.index = raw["run_id"].to_numpy()
            parts[table] = typed
        # split by run once (a `.loc` per run and table was most of a region page's first trend)
        split = {table: dict(iter(frame.groupby(level=0, sort=False))) for table, frame in parts.items()}
        empty = {table: frame.iloc[0:0] for table, frame in parts.items()}
        out = {}
        for meta in metas:
            run_id = int(meta["id"])
            meta.pop("indicator_columns", None)
            meta.pop("region_columns", None)
            ind, reg = (split[table].get(run_id, empty[table]) for table in (TABLES["indicators"], TABLES["regions"]))
            out[run_id] = (meta, ind.reset_index(drop=True), reg.reset_index(drop=True))
        return out

    def load_runs_columns(self, run_ids: list[int], columns: list[str], tiers: list[str]) -> pd.DataFrame:
        """The indicator rows of several runs in the `tiers` given, only the typed `columns` (not the
        JSON extras), with `run_id`: one query, no JSON parsing (the older runs a cut-off's quality
        flags compare with need only these; loading them whole took most of a first overview)."""
        ids = [int(i) for i in run_ids]
        known = set(self._table_columns(TABLES["indicators"]))
        wanted = [c for c in columns if c in known]
        if not ids:
            return pd.DataFrame(columns=["run_id", *wanted])
        cols = ", ".join(f'"{c}"' for c in ["run_id", *wanted])
        marks, tier_marks = ", ".join("?" * len(ids)), ", ".join("?" * len(tiers))
        return self.query_df(
            f"SELECT {cols} FROM {TABLES['indicators']} WHERE run_id IN ({marks}) AND tier IN ({tier_marks}) "
            "ORDER BY run_id, row_no", [*ids, *tiers])

    def find_run(
        self, cutoff: str, rubric: str, target_set: str, fact_revision: int | None
    ) -> int | None:
        """The newest run of exactly these inputs, or None."""
        value = self.scalar(
            "SELECT max(id) FROM evaluation_runs WHERE cutoff = ? AND rubric = ? AND "
            "target_set IS NOT DISTINCT FROM ? AND fact_revision IS NOT DISTINCT FROM ?",
            [str(cutoff), rubric, target_set, fact_revision],
        )
        return None if value is None else int(value)

    def list_runs(self, cutoff: str | None = None) -> pd.DataFrame:
        """All runs (newest first) without their results."""
        sql = (
            "SELECT r.id, r.cutoff, r.rubric, r.target_set, r.fact_revision, r.hierarchy_version, "
            "r.created_at, r.created_by, r.published_at, r.published_by, r.indicator_rows, r.region_rows, "
            "r.note, q.quarter AS final_quarter "
            "FROM evaluation_runs r LEFT JOIN quarter_closures q ON q.run_id = r.id"
        )
        params: list = []
        if cutoff:
            sql += " WHERE r.cutoff = ?"
            params.append(str(cutoff))
        return self.query_df(sql + " ORDER BY r.id DESC", params)

    def close_quarter(self, quarter: str, run_id: int, actor: str, note: str | None = None) -> None:
        """Record `run_id` (published, of the quarter's last cut-off) as the final result of
        `quarter`; audited as `quarter.close`. A quarter is closed once."""
        from capaian.periods import Quarter

        quarter = str(Quarter.parse(quarter))
        with self.transaction():
            meta = self.run_meta(run_id)
            closed = self.quarter_closure(quarter)
            if closed is not None:
                raise CapaianError(
                    f"Triwulan {quarter} sudah ditutup ({closed['closed_at']:%Y-%m-%d %H:%M} oleh "
                    f"{closed['closed_by']}, run {closed['run_id']}).",
                    f"Quarter {quarter} is already closed ({closed['closed_at']:%Y-%m-%d %H:%M} by "
                    f"{closed['closed_by']}, run {closed['run_id']}).",
                )
            last = str(Quarter.parse(quarter).last_cutoff)
            if str(meta["cutoff"]) != last or meta["published_at"] is None:
                raise CapaianError(
                    f"Run {run_id} bukan run terbit dari cut-off terakhir triwulan {quarter} ({last}).",
                    f"Run {run_id} is not a published run of the last cut-off of quarter {quarter} ({last}).",
                )
            self.con.execute("INSERT INTO quarter_closures VALUES (?, ?, ?, ?, ?)",
                             [quarter, int(run_id), utcnow(), actor, note])
            self.audit(actor, "quarter.close", f"quarter:{quarter}", {"run_id": int(run_id), "cutoff": last,
                                                                      "note": note})

    def quarter_closure(self, quarter: str) -> dict | None:
        """The closure of a quarter (`quarter, run_id, closed_at, closed_by, note`), or None."""
        rows = self.query_df("SELECT * FROM quarter_closures WHERE quarter = ?", [str(quarter)])
        return None if rows.empty else rows.iloc[0].to_dict()

    def quarter_closures(self) -> pd.DataFrame:
        """Every closed quarter, oldest first."""
        return self.query_df("SELECT * FROM quarter_closures ORDER BY quarter")

    def runs_stamp(self) -> tuple:
        """A cheap fingerprint of the runs table: changes when a run is saved, published,
        annotated or deleted, or a quarter closed (by this process or any other), and when the
        store is migrated (its last element is the schema version)."""
        row = self.con.execute(
            "SELECT count(*), max(id), count(published_at), max(published_at), "
            "sum(length(coalesce(note, ''))), (SELECT count(*) FROM quarter_closures), "
            "(SELECT max(version) FROM schema_migrations) FROM evaluation_runs"
        ).fetchone()
        return tuple(None if v is None else str(v) for v in row)

    def list_run_cutoffs(self, year: int | None = None) -> list[str]:
        """Cut-offs that have runs (of one year), in time order."""
        sql, params = "SELECT DISTINCT cutoff FROM evaluation_runs", []
        if year is not None:
            sql += " WHERE cutoff LIKE ?"
            params.append(f"{int(year):04d}-%")
        return [r[0] for r in self.con.execute(sql + " ORDER BY cutoff", params).fetchall()]

    def is_published(self, run_id: int) -> bool:
        return self.run_meta(run_id)["published_at"] is not None

    def _assert_mutable(self, run_id: int) -> dict:
        meta = self.run_meta(run_id)
        if meta["published_at"] is not None:
            raise CapaianError(
                f"Run {run_id} sudah diterbitkan dan tidak dapat diubah atau dihapus.",
                f"Run {run_id} is published and can't be modified or deleted.",
            )
        return meta

    def publish_run(self, run_id: int, actor: str) -> None:
        """Publish a run: from now on it is frozen. Publishing twice is an error."""
        with self.transaction(scope=f"run:{int(run_id)}"):
            meta = self.run_meta(run_id)
            if meta["published_at"] is not None:
                raise CapaianError(
                    f"Run {run_id} sudah diterbitkan ({meta['published_at']:%Y-%m-%d %H:%M} "
                    f"oleh {meta['published_by']}).",
                    f"Run {run_id} is already published ({meta['published_at']:%Y-%m-%d %H:%M} "
                    f"by {meta['published_by']}).",
                )
            self.con.execute(
                "UPDATE evaluation_runs SET published_at = ?, published_by = ? WHERE id = ?",
                [utcnow(), actor, int(run_id)],
            )
            self.audit(actor, "run.publish", f"run:{run_id}", {"cutoff": meta["cutoff"]})

    def set_run_note(self, run_id: int, note: str, actor: str) -> None:
        """Annotate an unpublished run."""
        with self.transaction():
            self._assert_mutable(run_id)
            self.con.execute("UPDATE evaluation_runs SET note = ? WHERE id = ?", [note, int(run_id)])
            self.audit(actor, "run.note", f"run:{run_id}", {"note": note})

    def delete_run(self, run_id: int, actor: str) -> None:
        """Remove an unpublished run and its results."""
        with self.transaction():
            meta = self._assert_mutable(run_id)
            for table in TABLES.values():
                self.con.execute(f"DELETE FROM {table} WHERE run_id = ?", [int(run_id)])
            self.con.execute("DELETE FROM evaluation_runs WHERE id = ?", [int(run_id)])
            self.audit(actor, "run.delete", f"run:{run_id}", {"cutoff": meta["cutoff"]})

