-- Which instance polls which IMAP mailbox, until when: one at a time, and
-- another takes over when the holder stops renewing (it died).
CREATE TABLE mailbox_leases (
    mailbox     TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    lease_until BIGINT NOT NULL
);
