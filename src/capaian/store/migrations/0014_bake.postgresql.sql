-- capaian store, schema version 14: the baked renderings of published runs (`capaian.bake`).
-- Publishing a run renders every public page of it, with its .json/.csv/.parquet twins, once; the
-- server then serves anonymous requests from here (ETag = digest, gzip body). bake_artefacts holds
-- one rendering per run, request target (path with its query) and format, gzip-compressed, with
-- the SHA-256 of its uncompressed body; bake_flags the data-quality flags each one shows (a note
-- on a flag rebuilds only those); bake_state one row per run: 'building' until every artefact is
-- written, then 'complete' (only a complete set whose context still holds is served).
CREATE TABLE bake_artefacts (
    run_id BIGINT NOT NULL, target VARCHAR NOT NULL, fmt VARCHAR NOT NULL, digest VARCHAR NOT NULL,
    media_type VARCHAR NOT NULL, headers VARCHAR NOT NULL, size BIGINT NOT NULL, body_gzip BYTEA NOT NULL,
    built_at TIMESTAMP NOT NULL, PRIMARY KEY (run_id, target, fmt)
);
CREATE TABLE bake_flags (
    run_id BIGINT NOT NULL, target VARCHAR NOT NULL, fmt VARCHAR NOT NULL, flag_key VARCHAR NOT NULL
);
CREATE INDEX bake_flags_key ON bake_flags (flag_key);
CREATE TABLE bake_state (
    run_id BIGINT PRIMARY KEY, state VARCHAR NOT NULL, context VARCHAR NOT NULL, total BIGINT NOT NULL,
    done BIGINT NOT NULL, generation BIGINT NOT NULL, started_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
