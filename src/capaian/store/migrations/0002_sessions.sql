-- capaian store, schema version 2: dashboard sessions and the login throttle live in the store,
-- so logging out (or `capaian users revoke`) ends a session for good, and a restart or a second
-- server process does not forget failed logins.

-- One row per dashboard login. The cookie carries a random token; only its SHA-256 is kept.
CREATE TABLE sessions (
    token_hash VARCHAR PRIMARY KEY, user_name VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL, last_seen TIMESTAMP NOT NULL,
    client VARCHAR, revoked_at TIMESTAMP
);

-- One row per failed login (dashboard form or HTTP Basic), kept for the throttle window.
CREATE TABLE login_failures (
    "at" TIMESTAMP NOT NULL, user_name VARCHAR, client VARCHAR
);
