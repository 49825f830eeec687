"""The submissions table: one row per accepted submission file."""

from __future__ import annotations

import pandas as pd

from capaian.store.core import not_found, to_json, utcnow

PENDING_ANSWER = {"pending": True}  # an upload key whose submission committed before its answer was kept


class SubmissionsMixin:
    def add_submission(
        self,
        cutoff: str,
        submitter: str,
        file_name: str,
        content_hash: str,
        rows: int,
        scope_region: str | None,
        status: str = "current",
    ) -> int:
        """Insert a submission row; returns its id (call inside the import transaction)."""
        submission_id = self.next_id("submission_id_seq")
        self.con.execute(
            "INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL)",
            [submission_id, str(cutoff), submitter, file_name, content_hash, utcnow(), status,
             rows, scope_region],
        )
        return submission_id

    def update_submission(self, submission_id: int, **values) -> None:
        # submitted_at: only the demo sets it (its files arrive on plausible days of the past)
        allowed = {"status", "supersedes", "revision", "submitted_at"}
        assert set(values) <= allowed, set(values) - allowed
        for key, value in values.items():
            self.con.execute(
                f"UPDATE submissions SET {key} = ? WHERE id = ?", [value, int(submission_id)]
            )

    def get_submission(self, submission_id: int) -> dict:
        cursor = self.con.execute("SELECT * FROM submissions WHERE id = ?", [int(submission_id)])
        rows = cursor.fetchall()
        row = rows[0] if rows else None
        if row is None:
            raise not_found("Pengiriman", "Submission", submission_id)
        out = dict(zip([d[0] for d in cursor.description], row))
        out["supersedes"] = _id_list(out.get("supersedes"))
        return out

    def find_submission_by_hash(self, content_hash: str) -> int | None:
        value = self.scalar(
            "SELECT min(id) FROM submissions WHERE content_hash = ?", [content_hash]
        )
        return None if value is None else int(value)

    def list_submissions(self, cutoff: str | None = None) -> pd.DataFrame:
        sql, params = "SELECT * FROM submissions", []
        if cutoff:
            sql += " WHERE cutoff = ?"
            params.append(str(cutoff))
        frame = self.query_df(sql + " ORDER BY id", params)
        frame["supersedes"] = pd.Series([_id_list(v) for v in frame["supersedes"]], index=frame.index,
                                        dtype=object)
        return frame

    def refresh_submission_status(self, submission_id: int) -> str:
        """Set `status` from how many of the submission's facts are still current."""
        total, current = self.con.execute(
            "SELECT count(*), count(*) FILTER (WHERE superseded_by IS NULL) FROM facts "
            "WHERE submission_id = ?",
            [int(submission_id)],
        ).fetchall()[0]
        if total == 0:
            status = "no_change"
        elif current == total:
            status = "current"
        elif current == 0:
            status = "superseded"
        else:
            status = "partly_superseded"
        self.update_submission(submission_id, status=status)
        return status

    # -- idempotency keys of uploads -------------------------------------------------------
    def upload_answer(self, key: str, user_name: str) -> dict | None:
        """The answer kept for upload key `key` of `user_name`, or None."""
        import json

        text = self.scalar("SELECT answer FROM upload_keys WHERE key = ? AND user_name = ?", [key, user_name])
        return None if text is None else json.loads(text)

    def keep_upload_answer(self, key: str, user_name: str, submission_id: int | None, answer: dict) -> None:
        """Keep the first answer to upload key `key` (a later one for the same key is ignored; the
        placeholder of `reserve_upload_key` is replaced)."""
        with self.transaction():
            self.con.execute(
                "UPDATE upload_keys SET answer = ?, submission_id = ? WHERE key = ? AND user_name = ? AND answer = ?",
                [to_json(answer), submission_id, key, user_name, to_json(PENDING_ANSWER)])
            self.con.execute(
                "INSERT INTO upload_keys VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [key, user_name, submission_id, to_json(answer), utcnow()])

    def reserve_upload_key(self, key: str, user_name: str, submission_id: int) -> None:
        """Record upload key `key` for `submission_id` with a placeholder answer (`PENDING_ANSWER`),
        inside the import's own transaction: committed with the submission or not at all."""
        self.con.execute(
            "INSERT INTO upload_keys VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [key, user_name, int(submission_id), to_json(PENDING_ANSWER), utcnow()])

    def upload_key_submission(self, key: str, user_name: str) -> int | None:
        """The submission recorded for upload key `key` of `user_name`, or None."""
        found = self.scalar("SELECT submission_id FROM upload_keys WHERE key = ? AND user_name = ?", [key, user_name])
        return None if found is None else int(found)


def _id_list(value) -> list[int] | None:
    """A stored `supersedes` (a DuckDB array comes back as a numpy array, PostgreSQL's as a list)
    as a plain list of ints, None when empty."""
    if value is None or not hasattr(value, "__iter__"):  # NULL (pandas gives NaN or NA)
        return None
    ids = [int(v) for v in value]
    return ids or None
