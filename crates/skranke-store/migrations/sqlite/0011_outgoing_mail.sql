-- E-mail Skranke sends, one row per message and recipient. A row is
-- written in the transaction of what it tells (a case registered, a
-- reply, an escalation reached), so nobody is told of what did not happen
-- and nothing that happened goes untold; the mail loop delivers it later.
-- `idempotency_key` makes each notice one mail per recipient; `header_id`
-- is the Message-ID it carries (lower case), which replies thread on.
CREATE TABLE outgoing_mail (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    case_id         INTEGER REFERENCES cases(id),
    -- The case message it carries (a public reply).
    message_id      INTEGER REFERENCES messages(id),
    escalation_id   INTEGER REFERENCES escalations(id),
    -- The mail it answers (a reply to a sender who is not a customer).
    inbound_id      INTEGER REFERENCES inbound_mail(id),
    user_id         INTEGER REFERENCES users(id),
    actor_id        INTEGER REFERENCES users(id),
    recipient       TEXT NOT NULL,
    recipient_name  TEXT NOT NULL DEFAULT '',
    locale          TEXT NOT NULL,
    header_id       TEXT NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    leased_by       TEXT,
    lease_until     INTEGER,
    sent_at         INTEGER,
    -- Given up: a permanent refusal, or too many attempts.
    failed_at       INTEGER,
    last_error      TEXT,
    -- A delivery status notification said it did not arrive.
    bounced_at      INTEGER,
    bounce          TEXT
);
CREATE INDEX outgoing_mail_pending ON outgoing_mail (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outgoing_mail_case ON outgoing_mail (case_id);
CREATE INDEX outgoing_mail_recent ON outgoing_mail (created_at);

-- The notices a person does not want by e-mail (space-separated kinds).
ALTER TABLE users ADD COLUMN mail_off TEXT NOT NULL DEFAULT '';

-- Mail from the same sender is looked up on every arrival.
CREATE INDEX users_email_lower ON users (lower(email));

-- Who a held mail is from and what it is about, for the quarantine list;
-- `released`: an admin let it through, to become a case whoever sent it.
ALTER TABLE inbound_mail ADD COLUMN sender TEXT;
ALTER TABLE inbound_mail ADD COLUMN subject TEXT;
-- Why a held mail is held (`skranke_core::mail::HoldReason`); `reason` has the detail.
ALTER TABLE inbound_mail ADD COLUMN hold TEXT;
ALTER TABLE inbound_mail ADD COLUMN released INTEGER NOT NULL DEFAULT 0;
CREATE INDEX inbound_mail_quarantined ON inbound_mail (id) WHERE state = 'quarantined';

-- Mail taken per sender (envelope sender and client address) in its
-- current hour, for [mail] per_sender_per_hour; more is "try later".
CREATE TABLE mail_senders (
    key          TEXT PRIMARY KEY,
    count        INTEGER NOT NULL,
    window_start INTEGER NOT NULL
);
