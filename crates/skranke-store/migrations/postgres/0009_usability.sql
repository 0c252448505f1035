-- A person's own choice of language (`nb`, `en`); NULL follows the browser.
ALTER TABLE users ADD COLUMN locale TEXT;

-- A confirmation for the next page of this session ("Svaret er sendt"),
-- as a message key with arguments (JSON).
ALTER TABLE sessions ADD COLUMN flash TEXT;

-- The case version each entry made, so that a form based on an older
-- version can say what changed meanwhile. Older entries have none.
ALTER TABLE case_history ADD COLUMN version BIGINT;

-- Notifications of every kind, rendered in the reader's language from
-- their kind, the case and who caused them; escalations still come
-- through the outbox (and read their level from the escalation).
ALTER TABLE notifications ALTER COLUMN outbox_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN kind TEXT NOT NULL DEFAULT 'escalated';
ALTER TABLE notifications ALTER COLUMN kind DROP DEFAULT;
ALTER TABLE notifications ADD COLUMN actor_id BIGINT REFERENCES users(id);
ALTER TABLE notifications DROP COLUMN text;
-- Partial indexes: most notifications have no outbox entry and are read
-- soon, so the common insert and the unread count touch as little as can be.
ALTER TABLE notifications DROP CONSTRAINT notifications_outbox_id_key;
CREATE UNIQUE INDEX notifications_outbox ON notifications (outbox_id) WHERE outbox_id IS NOT NULL;
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- When a person last looked at a case: what is new to a requester.
CREATE TABLE case_views (
    user_id BIGINT NOT NULL REFERENCES users(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, case_id)
);
