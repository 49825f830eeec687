-- capaian store, schema version 10: the first answer to each upload, by its idempotency key (the
-- upload form's one-time key, or the API's Idempotency-Key header): a retry of the same sending
-- (a double click, a proxy retry, a reply lost on the way) gets that answer again.
CREATE TABLE upload_keys (
    key VARCHAR PRIMARY KEY, user_name VARCHAR NOT NULL, submission_id BIGINT, answer VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);
