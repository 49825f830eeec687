-- capaian store, schema version 4 (PostgreSQL): indexes for the look-ups a server does per request
-- and per upload. DuckDB scans these tables fast enough without them (0005_indexes.duckdb.sql).
CREATE INDEX facts_current ON facts (cutoff, region_code, fact) WHERE superseded_by IS NULL;
CREATE INDEX facts_revision ON facts (cutoff, revision);
CREATE INDEX facts_submission ON facts (submission_id);
CREATE INDEX results_indicators_run ON results_indicators (run_id, row_no);
CREATE INDEX results_regions_run ON results_regions (run_id, row_no);
CREATE INDEX evaluation_runs_id ON evaluation_runs (id);
CREATE INDEX submissions_id ON submissions (id);
CREATE INDEX submissions_hash ON submissions (content_hash);
CREATE INDEX audit_log_id ON audit_log (id);
CREATE INDEX login_failures_at ON login_failures ("at");
CREATE INDEX sessions_user ON sessions (user_name);
