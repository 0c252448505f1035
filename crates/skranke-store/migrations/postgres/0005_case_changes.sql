-- Who wrote a message: an agent's public reply, an agent's internal note,
-- or the requester's own message (which never meets the response clock).
ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'public_reply'
    CHECK (kind IN ('public_reply', 'internal_note', 'requester_message'));
UPDATE messages SET kind = CASE
    WHEN internal THEN 'internal_note'
    WHEN author_id IN (SELECT id FROM users WHERE kind IN ('agent', 'admin')) THEN 'public_reply'
    ELSE 'requester_message' END;

-- The message a history entry records or was caused by (a status change
-- that a requester's reply made, say).
ALTER TABLE case_history ADD COLUMN message_id BIGINT REFERENCES messages(id);

-- A requester's replies were recorded as public replies and met the
-- response clock. History is append-only, except for this one correction.
ALTER TABLE case_history DISABLE TRIGGER case_history_append_only;
UPDATE case_history SET field = 'requester_message'
    WHERE field = 'public_reply'
    AND (actor_id IS NULL OR actor_id NOT IN (SELECT id FROM users WHERE kind IN ('agent', 'admin')));
ALTER TABLE case_history ENABLE TRIGGER case_history_append_only;
-- The scheduler replays every case at its next sweep.
UPDATE cases SET next_escalation_at = 0;

-- A new report that follows up an earlier, finished case.
ALTER TABLE cases ADD COLUMN follows_id BIGINT REFERENCES cases(id);
