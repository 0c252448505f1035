-- Mail as it arrived (over SMTP or IMAP), recorded before the sender is
-- told `250`: the raw message is a file (`storage_key`, as attachments
-- are), then processed into a case or a reply, or held in quarantine with
-- the reason. `identity` (the Message-ID, or the raw bytes' SHA-256)
-- makes a second arrival of the same message a no-op.
CREATE TABLE inbound_mail (
    id            INTEGER PRIMARY KEY,
    identity      TEXT NOT NULL UNIQUE,
    received_at   INTEGER NOT NULL,
    source        TEXT NOT NULL CHECK (source IN ('smtp', 'imap')),
    envelope_from TEXT,
    envelope_to   TEXT NOT NULL,
    peer          TEXT,
    size          INTEGER NOT NULL,
    storage_key   TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'processed', 'quarantined')),
    reason        TEXT,
    case_id       INTEGER REFERENCES cases(id),
    processed_at  INTEGER
);
CREATE INDEX inbound_mail_pending ON inbound_mail (id) WHERE state = 'pending';
