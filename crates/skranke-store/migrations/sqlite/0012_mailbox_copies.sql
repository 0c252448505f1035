-- Which instance polls which IMAP mailbox, until when: one at a time, and
-- another takes over when the holder stops renewing (it died).
CREATE TABLE mailbox_leases (
    mailbox     TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    lease_until BIGINT NOT NULL
);

-- People copied on a case (Cc): they hear what the requester hears, may
-- read the case and write on it.
CREATE TABLE case_copies (
    case_id  BIGINT NOT NULL REFERENCES cases (id),
    user_id  BIGINT NOT NULL REFERENCES users (id),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_copies_user ON case_copies (user_id, case_id);
