-- capaian store, schema version 11: report jobs as every server process sees them. The process
-- building a report records its state here, so a progress poll that reaches another worker or
-- another app server is answered too (`capaian.reports.jobs`, `capaian.store.report_jobs`).
CREATE TABLE report_jobs (
    id VARCHAR PRIMARY KEY, key_digest VARCHAR NOT NULL, state VARCHAR NOT NULL, url VARCHAR,
    filename VARCHAR, started_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL
);
