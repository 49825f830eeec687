"""The report_jobs table: the state of each report build, for any server process to answer a poll."""

from __future__ import annotations

import datetime as dt

from capaian.store.core import utcnow

KEEP_DAYS = 2  # finished rows older than this go when a new job is recorded


class ReportJobsMixin:
    def record_report_job(self, job_id: str, key_digest: str, state: str, url: str | None,
                          filename: str | None, started_at: dt.datetime) -> None:
        """Insert or update the row of report job `job_id`."""
        now = utcnow()
        with self.transaction(scope=f"report_job:{job_id}"):
            found = self.scalar("SELECT count(*) FROM report_jobs WHERE id = ?", [job_id])
            if found:
                self.con.execute(
                    "UPDATE report_jobs SET state = ?, url = coalesce(?, url), filename = coalesce(?, filename), "
                    "updated_at = ? WHERE id = ?", [state, url, filename, now, job_id])
                return
            self.con.execute("DELETE FROM report_jobs WHERE updated_at < ?", [now - dt.timedelta(days=KEEP_DAYS)])
            self.con.execute("INSERT INTO report_jobs VALUES (?, ?, ?, ?, ?, ?, ?)",
                             [job_id, key_digest, state, url, filename, started_at, now])

    def report_job(self, job_id: str) -> dict | None:
        """The row of report job `job_id` as a dict, or None."""
        cursor = self.con.execute("SELECT * FROM report_jobs WHERE id = ?", [job_id])
        rows = cursor.fetchall()
        return dict(zip([d[0] for d in cursor.description], rows[0])) if rows else None

    def report_job_counts(self) -> dict[str, int]:
        """The number of report jobs recorded in each state."""
        rows = self.con.execute("SELECT state, count(*) FROM report_jobs GROUP BY state").fetchall()
        return {state: int(n) for state, n in rows}
