-- A person's own choice of language (`nb`, `en`); NULL follows the browser.
ALTER TABLE users ADD COLUMN locale TEXT;

-- A confirmation for the next page of this session ("Svaret er sendt"),
-- as a message key with arguments (JSON).
ALTER TABLE sessions ADD COLUMN flash TEXT;

-- The case version each entry made, so that a form based on an older
-- version can say what changed meanwhile. Older entries have none.
ALTER TABLE case_history ADD COLUMN version INTEGER;

-- Notifications of every kind, rendered in the reader's language from
-- their kind, the case and who caused them; escalations still come
-- through the outbox (and read their level from the escalation).
CREATE TABLE notifications_new (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    kind       TEXT NOT NULL,
    actor_id   INTEGER REFERENCES users(id),
    outbox_id  INTEGER REFERENCES outbox(id),
    created_at INTEGER NOT NULL,
    read_at    INTEGER
);
INSERT INTO notifications_new (id, user_id, case_id, kind, actor_id, outbox_id, created_at, read_at)
    SELECT id, user_id, case_id, 'escalated', NULL, outbox_id, created_at, read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_user ON notifications (user_id, id);
-- Partial indexes: most notifications have no outbox entry and are read
-- soon, so the common insert and the unread count touch as little as can be.
CREATE UNIQUE INDEX notifications_outbox ON notifications (outbox_id) WHERE outbox_id IS NOT NULL;
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- When a person last looked at a case: what is new to a requester.
CREATE TABLE case_views (
    user_id INTEGER NOT NULL REFERENCES users(id),
    case_id INTEGER NOT NULL REFERENCES cases(id),
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, case_id)
);
