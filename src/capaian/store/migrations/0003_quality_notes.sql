-- capaian store, schema version 3: a national user may mark a data-quality flag as explained, with a
-- note (capaian.quality.notes). Every note is also written to the audit log. Flags themselves are
-- computed, never stored: the key names the flag (type|cut-off|region|indicator).
CREATE TABLE quality_notes (
    flag_key VARCHAR NOT NULL, note VARCHAR NOT NULL, actor VARCHAR NOT NULL, "at" TIMESTAMP NOT NULL
);
