-- capaian store, schema version 7: the data-quality flags of a chosen run, computed once and kept
-- (capaian.quality.saved). The key names everything they depend on (the trend's run ids, the
-- cut-off's fact revision, the jump setting k), so a saved answer is never stale: any other
-- state has another key. Notes on flags stay in quality_notes and are attached when shown.
CREATE TABLE saved_flags (
    key VARCHAR PRIMARY KEY, cutoff VARCHAR NOT NULL, run_id BIGINT NOT NULL, flags VARCHAR NOT NULL,
    saved_at TIMESTAMP NOT NULL
);
