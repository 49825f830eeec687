-- capaian store, schema version 4 (DuckDB): nothing to do; the PostgreSQL variant adds indexes
-- (0005_indexes.postgresql.sql) that DuckDB's scans do not need.
SELECT 1;
