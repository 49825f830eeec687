-- capaian store, schema version 8: a quarter's final result. Results are announced per quarter
-- ("Triwulan I 2022, difinalisasi 31 Maret"): when the national team closes a quarter
-- (`capaian quarter close 2022-Q1`), the published run of its last cut-off that answers it is
-- recorded here, and from then on `--period 2022-Q1` / `?period=2022-Q1` is that run, marked final.
-- Closing is written to the audit log as `quarter.close`.
CREATE TABLE quarter_closures (
    quarter VARCHAR PRIMARY KEY, run_id BIGINT NOT NULL, closed_at TIMESTAMP NOT NULL,
    closed_by VARCHAR NOT NULL, note VARCHAR
);
