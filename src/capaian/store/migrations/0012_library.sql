-- capaian store, schema version 8: rubrics, target sets and denominator bases as dated data the
-- national team adds (capaian.library). Shipped YAML files stay the built-in ones; these tables hold
-- the ones added later. A record is never changed: importing an id again with other content adds
-- a version. `document` is the record as imported (YAML of a rubric or target set, JSON of a base);
-- every import is also written to the audit log.
CREATE TABLE library_records (
    kind VARCHAR NOT NULL,          -- rubric | target_set | base
    id VARCHAR NOT NULL, version INTEGER NOT NULL,
    year INTEGER, valid_from DATE, valid_to DATE,   -- rubric: in force; base: in force from (valid_to empty)
    assumption BOOLEAN NOT NULL, document VARCHAR NOT NULL, content_hash VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL, actor VARCHAR,
    PRIMARY KEY (kind, id, version)
);

-- The aggregate denominators of a DKB release (`capaian base import`), per region.
CREATE TABLE base_denominators (
    base_id VARCHAR NOT NULL, base_version INTEGER NOT NULL, region_code VARCHAR NOT NULL,
    fact VARCHAR NOT NULL, value DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (base_id, base_version, region_code, fact)
);

-- The denominator base each row of a submission named (`basis_penyebut`), when it named one: a
-- known base other than the one in force is accepted, and the evaluation says so beside the figure.
CREATE TABLE submission_bases (
    submission_id BIGINT NOT NULL, region_code VARCHAR NOT NULL, base_id VARCHAR NOT NULL,
    PRIMARY KEY (submission_id, region_code)
);
