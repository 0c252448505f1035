-- Instants are INTEGER milliseconds since the Unix epoch, UTC.

CREATE TABLE organizations (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE org_domains (
    domain TEXT PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE
);

CREATE TABLE units (
    id     INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name   TEXT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE teams (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE services (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL UNIQUE,
    active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE users (
    id                INTEGER PRIMARY KEY,
    username          TEXT NOT NULL UNIQUE,
    full_name         TEXT NOT NULL,
    email             TEXT NOT NULL UNIQUE,
    phone             TEXT NOT NULL DEFAULT '',
    kind              TEXT NOT NULL CHECK (kind IN ('employee', 'pupil', 'guardian', 'agent', 'admin')),
    org_id            INTEGER REFERENCES organizations(id),
    unit_id           INTEGER REFERENCES units(id),
    team_id           INTEGER REFERENCES teams(id),
    password_hash     TEXT,
    active            INTEGER NOT NULL DEFAULT 1,
    -- Round-robin among agents with equally many open cases.
    last_assigned_seq INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL
);
CREATE INDEX users_kind_active ON users (kind, active);

-- One row per year; `next` only grows, so a number is never reused.
CREATE TABLE case_sequences (
    year INTEGER PRIMARY KEY,
    next INTEGER NOT NULL
);

CREATE TABLE cases (
    id                 INTEGER PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    kind               TEXT NOT NULL CHECK (kind IN ('fault', 'order')),
    title              TEXT NOT NULL,
    description        TEXT NOT NULL,
    requester_id       INTEGER NOT NULL REFERENCES users(id),
    org_id             INTEGER REFERENCES organizations(id),
    unit_id            INTEGER REFERENCES units(id),
    channel            TEXT NOT NULL CHECK (channel IN ('web', 'email', 'phone', 'api')),
    requester_username TEXT NOT NULL,
    computer_name      TEXT NOT NULL,
    service_id         INTEGER REFERENCES services(id),
    priority           TEXT NOT NULL CHECK (priority IN ('critical', 'high', 'medium', 'low')),
    suggested_priority TEXT NOT NULL CHECK (suggested_priority IN ('critical', 'high', 'medium', 'low')),
    priority_confirmed INTEGER NOT NULL DEFAULT 0,
    status             TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'waiting_customer', 'waiting_supplier', 'resolved', 'closed')),
    handler_id         INTEGER REFERENCES users(id),
    team_id            INTEGER REFERENCES teams(id),
    created_by         INTEGER NOT NULL REFERENCES users(id),
    registered_at      INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    resolved_at        INTEGER,
    -- Bumped by every change; writers compare it to refuse lost updates.
    version            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX cases_handler_status ON cases (handler_id, status);
CREATE INDEX cases_requester ON cases (requester_id, registered_at);
CREATE INDEX cases_status_registered ON cases (status, registered_at);
CREATE INDEX cases_team_status ON cases (team_id, status);

CREATE TABLE messages (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    author_id  INTEGER NOT NULL REFERENCES users(id),
    internal   INTEGER NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX messages_case ON messages (case_id, id);

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    message_id   INTEGER REFERENCES messages(id),
    uploader_id  INTEGER NOT NULL REFERENCES users(id),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    storage_key  TEXT NOT NULL UNIQUE,
    sha256       TEXT NOT NULL,
    internal     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);
CREATE INDEX attachments_case ON attachments (case_id);

-- Append-only: rows are inserted, never updated or deleted.
CREATE TABLE case_history (
    id        INTEGER PRIMARY KEY,
    case_id   INTEGER NOT NULL REFERENCES cases(id),
    at        INTEGER NOT NULL,
    actor_id  INTEGER REFERENCES users(id),
    field     TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX case_history_case ON case_history (case_id, id);
CREATE TRIGGER case_history_no_update BEFORE UPDATE ON case_history
BEGIN SELECT RAISE(ABORT, 'case_history is append-only'); END;
CREATE TRIGGER case_history_no_delete BEFORE DELETE ON case_history
BEGIN SELECT RAISE(ABORT, 'case_history is append-only'); END;

CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
);

-- Failed logins by key (`user:<name>` and `ip:<addr>`), for throttling.
CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);
