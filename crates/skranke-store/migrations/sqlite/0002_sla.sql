-- The SLA state of each case, kept in step with its history (same
-- transaction), and the escalation notifications it leads to.

ALTER TABLE cases ADD COLUMN response_due INTEGER;
ALTER TABLE cases ADD COLUMN resolution_due INTEGER;
ALTER TABLE cases ADD COLUMN response_met_at INTEGER;
ALTER TABLE cases ADD COLUMN resolution_met_at INTEGER;
ALTER TABLE cases ADD COLUMN response_breached INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN resolution_breached INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN resolution_paused INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN paused_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN response_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN resolution_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN agreed_deadline INTEGER;
-- When the columns above were computed: a paused clock's due assumes it resumed then.
ALTER TABLE cases ADD COLUMN sla_synced_at INTEGER;
-- The earliest due of a clock that is not met: the queue's default order.
ALTER TABLE cases ADD COLUMN next_due INTEGER;
-- When the scheduler must look at the case again; NULL when nothing can fall due.
ALTER TABLE cases ADD COLUMN next_escalation_at INTEGER;
CREATE INDEX cases_next_escalation ON cases (next_escalation_at) WHERE next_escalation_at IS NOT NULL;
CREATE INDEX cases_next_due ON cases (next_due);

-- Why a change was made (the reason for an agreed deadline).
ALTER TABLE case_history ADD COLUMN note TEXT;

-- One row per level reached per clock: the UNIQUE key is what makes a
-- level notified exactly once.
CREATE TABLE escalations (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    clock       TEXT NOT NULL CHECK (clock IN ('response', 'resolution')),
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    reached_at  INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    late        INTEGER NOT NULL,
    UNIQUE (case_id, clock, level)
);

-- Messages to deliver, written in the same transaction as the escalation;
-- the text is rendered at delivery from the escalation and the case.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    escalation_id   INTEGER NOT NULL REFERENCES escalations(id),
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    channel         TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    user_id         INTEGER REFERENCES users(id),
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    delivered_at    INTEGER,
    last_error      TEXT
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE delivered_at IS NULL;

-- The in-app notification list of agents.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    outbox_id  INTEGER NOT NULL UNIQUE REFERENCES outbox(id),
    text       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    read_at    INTEGER
);
CREATE INDEX notifications_user ON notifications (user_id, id);
