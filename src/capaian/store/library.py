"""Stored rubrics, target sets and denominator bases (`library_records`, `base_denominators`).

Records are never changed: saving an id again with other content adds a version, the same content
again is a no-op. Every new version is written to the audit log (`library_import`). What a record
means is `capaian.library`'s to say; this part only keeps them.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from capaian.store.core import utcnow


class LibraryMixin:
    def save_library_record(self, kind: str, record_id: str, document: str, *, actor: str, year=None,
                            valid_from=None, valid_to=None, assumption: bool = False,
                            denominators: pd.DataFrame | None = None) -> tuple[int, bool]:
        """Keep one record; returns (version, new). `denominators` (region_code, fact, value): a
        base's aggregate denominators, kept with this version."""
        digest = hashlib.sha256(document.encode("utf-8")).hexdigest()
        if denominators is not None:
            digest = hashlib.sha256((digest + denominators.to_csv(index=False)).encode("utf-8")).hexdigest()
        with self.transaction():
            latest = self.con.execute(
                "SELECT version, content_hash FROM library_records WHERE kind = ? AND id = ? "
                "ORDER BY version DESC LIMIT 1", [kind, record_id]).fetchall()
            if latest and latest[0][1] == digest:
                return int(latest[0][0]), False
            version = int(latest[0][0]) + 1 if latest else 1
            self.con.execute(
                "INSERT INTO library_records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [kind, record_id, version, year, valid_from, valid_to, bool(assumption), document, digest,
                 utcnow(), actor])
            if denominators is not None and not denominators.empty:
                rows = denominators[["region_code", "fact", "value"]].copy()
                rows.insert(0, "base_version", version)
                rows.insert(0, "base_id", record_id)
                self.insert_frame("base_denominators", rows)
            self.audit(actor, "library_import", f"{kind}:{record_id}",
                       {"version": version, "content_hash": digest,
                        "denominators": 0 if denominators is None else len(denominators)})
        return version, True

    def library_records(self, kind: str | None = None) -> pd.DataFrame:
        """The newest version of every stored record (of one `kind`), oldest import first."""
        where, params = ("WHERE kind = ?", [kind]) if kind else ("", [])
        return self.query_df(
            "SELECT r.kind, r.id, r.version, r.year, r.valid_from, r.valid_to, r.assumption, r.document, "
            "r.imported_at, r.actor FROM library_records r JOIN (SELECT kind, id, max(version) AS version "
            f"FROM library_records {where} GROUP BY kind, id) n "
            "ON r.kind = n.kind AND r.id = n.id AND r.version = n.version ORDER BY r.imported_at, r.id", params)

    def library_versions(self, kind: str, record_id: str) -> pd.DataFrame:
        """Every version of one record, oldest first."""
        return self.query_df(
            "SELECT version, imported_at, actor, content_hash FROM library_records WHERE kind = ? AND id = ? "
            "ORDER BY version", [kind, record_id])

    def base_denominators(self, base_id: str) -> pd.DataFrame:
        """The aggregate denominators of the newest version of a stored base (region_code, fact, value)."""
        return self.query_df(
            "SELECT region_code, fact, value FROM base_denominators WHERE base_id = ? AND base_version = "
            "(SELECT max(base_version) FROM base_denominators WHERE base_id = ?) ORDER BY region_code, fact",
            [base_id, base_id])

    def add_submission_bases(self, submission_id: int, bases: dict[str, str]) -> None:
        """Keep the denominator base each region's row of a submission named (region code -> base id)."""
        if bases:
            self.insert_frame("submission_bases", pd.DataFrame(
                {"submission_id": int(submission_id), "region_code": list(bases), "base_id": list(bases.values())}))

    def submission_bases(self, submission_ids) -> pd.DataFrame:
        """(submission_id, region_code, base_id) of the given submissions."""
        ids = sorted({int(i) for i in submission_ids})
        if not ids:
            return pd.DataFrame(columns=["submission_id", "region_code", "base_id"])
        return self.query_df("SELECT submission_id, region_code, base_id FROM submission_bases "
                             "WHERE submission_id = ANY(?) ORDER BY submission_id, region_code", [ids])
