-- capaian store, schema version 1.
-- Timestamps are naive UTC. JSON documents are stored as VARCHAR (no DuckDB extension needed).

CREATE SEQUENCE submission_id_seq START 1;
CREATE SEQUENCE fact_revision_seq START 1;
CREATE SEQUENCE run_id_seq START 1;
CREATE SEQUENCE audit_id_seq START 1;
CREATE SEQUENCE register_import_id_seq START 1;

CREATE TABLE store_meta (key VARCHAR PRIMARY KEY, value VARCHAR);

-- Official hierarchy, copied on demand from capaian.regions (store.ensure_regions(version)).
CREATE TABLE regions (
    version VARCHAR NOT NULL, code VARCHAR NOT NULL, name VARCHAR, tier VARCHAR,
    kind VARCHAR, parent VARCHAR, PRIMARY KEY (version, code)
);

CREATE TABLE submissions (
    id BIGINT NOT NULL, cutoff VARCHAR NOT NULL, submitter VARCHAR, file_name VARCHAR,
    content_hash VARCHAR NOT NULL, submitted_at TIMESTAMP NOT NULL,
    status VARCHAR NOT NULL,        -- current | partly_superseded | superseded | no_change
    supersedes BIGINT[],            -- earlier submissions whose facts this one replaced
    rows INTEGER, scope_region VARCHAR, revision BIGINT
);

-- One row per write of facts (a submission import, a register computation ...).
CREATE TABLE fact_revisions (
    revision BIGINT NOT NULL, source VARCHAR, submission_id BIGINT, actor VARCHAR,
    written_at TIMESTAMP NOT NULL, rows INTEGER
);

-- Facts are never updated in place except for superseded_by: a newer value for the same
-- (region_code, cutoff, fact) inserts a row with a higher revision and marks the old row.
CREATE TABLE facts (
    region_code VARCHAR NOT NULL, cutoff VARCHAR NOT NULL, fact VARCHAR NOT NULL,
    value DOUBLE PRECISION NOT NULL, source VARCHAR, submission_id BIGINT,
    revision BIGINT NOT NULL, superseded_by BIGINT
);

CREATE TABLE evaluation_runs (
    id BIGINT NOT NULL, cutoff VARCHAR NOT NULL, rubric VARCHAR NOT NULL, target_set VARCHAR,
    fact_revision BIGINT, hierarchy_version VARCHAR, created_at TIMESTAMP NOT NULL,
    created_by VARCHAR, published_at TIMESTAMP, published_by VARCHAR, note VARCHAR,
    indicator_rows INTEGER, region_rows INTEGER,
    indicator_columns VARCHAR, region_columns VARCHAR   -- JSON [[name, pandas dtype], ...]
);

CREATE TABLE results_indicators (
    run_id BIGINT NOT NULL, row_no INTEGER NOT NULL,
    cutoff VARCHAR, rubric VARCHAR, region_code VARCHAR, region_name VARCHAR, tier VARCHAR,
    province_code VARCHAR, regency_code VARCHAR, indicator VARCHAR, kind VARCHAR,
    numerator DOUBLE PRECISION, denominator DOUBLE PRECISION, value DOUBLE PRECISION, target DOUBLE PRECISION, target_source VARCHAR,
    target_set VARCHAR, met BOOLEAN, status VARCHAR, over_100 BOOLEAN,
    rank_national BIGINT, peers_national BIGINT, rank_province BIGINT, peers_province BIGINT,
    prev_value DOUBLE PRECISION, prev_rank_national BIGINT, change_value DOUBLE PRECISION,
    extra VARCHAR                                        -- JSON of any further columns
);

CREATE TABLE results_regions (
    run_id BIGINT NOT NULL, row_no INTEGER NOT NULL,
    cutoff VARCHAR, rubric VARCHAR, region_code VARCHAR, region_name VARCHAR, tier VARCHAR,
    province_code VARCHAR, regency_code VARCHAR, level BIGINT,
    indicators_met BIGINT, indicators_total BIGINT, no_data BIGINT,
    rank_national BIGINT, peers_national BIGINT, rank_province BIGINT, peers_province BIGINT,
    prev_level BIGINT, prev_rank_national BIGINT,
    extra VARCHAR
);

CREATE TABLE audit_log (
    id BIGINT NOT NULL, "at" TIMESTAMP NOT NULL, actor VARCHAR, action VARCHAR NOT NULL,
    object VARCHAR, detail VARCHAR                       -- JSON
);

CREATE TABLE users (
    name VARCHAR PRIMARY KEY, role VARCHAR NOT NULL,     -- national | province | regency | public
    region_code VARCHAR, password_hash VARCHAR, lang VARCHAR DEFAULT 'id',
    created_at TIMESTAMP
);

CREATE TABLE register_imports (
    id BIGINT NOT NULL, kind VARCHAR NOT NULL,           -- register | events
    source_file VARCHAR, content_hash VARCHAR, imported_at TIMESTAMP NOT NULL, actor VARCHAR,
    rows_total BIGINT, rows_accepted BIGINT, rows_quarantined BIGINT, status VARCHAR,
    detail VARCHAR                                       -- JSON
);

CREATE TABLE quarantine (
    import_id BIGINT NOT NULL, source_file VARCHAR, row_number BIGINT, reason VARCHAR,
    raw VARCHAR                                          -- JSON of the rejected row
);
