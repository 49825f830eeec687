-- capaian store, schema version 6: what each register computation of a cut-off's facts was made
-- from (capaian.facts.extract): the extract's content fingerprint, the method (age bounds,
-- denominator date, documents), the scope, and a digest of the facts written. A later
-- `capaian facts` on the provably same extract reuses those facts instead of recomputing them.
CREATE TABLE fact_extracts (
    cutoff VARCHAR NOT NULL, scope VARCHAR NOT NULL, method VARCHAR NOT NULL,
    fingerprint VARCHAR NOT NULL, rows BIGINT NOT NULL, digest VARCHAR NOT NULL,
    computed_at TIMESTAMP NOT NULL, actor VARCHAR
);
