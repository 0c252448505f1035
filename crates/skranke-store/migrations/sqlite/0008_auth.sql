-- Login throttling: one row per counter (`pair:<user>|<address>`,
-- `account:<user>`, `address:<address>`), read and written in one
-- transaction with every attempt, before its password is checked.
DROP TABLE login_failures;
CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    last_at      INTEGER NOT NULL
);
CREATE INDEX login_throttle_last ON login_throttle (last_at);

-- Sessions end after a time without use as well as at their absolute end.
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;
CREATE INDEX sessions_user ON sessions (user_id);

-- The login form's CSRF token lives server-side, bound to a random
-- pre-session cookie: a planted cookie value matches nothing here.
CREATE TABLE login_forms (
    id_hash    TEXT PRIMARY KEY,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX login_forms_expires ON login_forms (expires_at);

-- An admin's reset sets a one-time password that must be changed.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed_at INTEGER;

-- Tokens run out and carry scopes (`read`, `read write`).
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'read write';
UPDATE api_tokens SET expires_at = created_at + 31536000000;

-- Security events, for admins.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    event      TEXT NOT NULL,
    actor_id   INTEGER REFERENCES users(id),
    subject_id INTEGER REFERENCES users(id),
    subject    TEXT NOT NULL,
    address    TEXT NOT NULL,
    detail     TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
