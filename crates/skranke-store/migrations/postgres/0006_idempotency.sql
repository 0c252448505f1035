-- A request sent again with the same Idempotency-Key (or a form posted
-- twice) finds its first result here instead of creating another. The key
-- row is written in the same transaction as what it created.
CREATE TABLE idempotency_keys (
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    case_id     BIGINT REFERENCES cases(id),
    message_id  BIGINT REFERENCES messages(id),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
