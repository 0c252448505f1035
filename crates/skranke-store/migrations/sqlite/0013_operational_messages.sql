-- Operational messages (driftsmeldinger): outages, planned maintenance
-- and changes, the services and organisations they name (none: all), their
-- public updates, the history of their edits, the cases linked to them,
-- the people who said "this concerns me too", and subscriptions to a
-- service's or a message's updates.
CREATE TABLE op_messages (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('outage', 'maintenance', 'change')),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    severity    TEXT CHECK (severity IN ('degraded', 'unavailable')),
    -- As last written: a planned message whose start has passed is active
    -- (read so by the rules, and written so by the scheduler's tick).
    state       TEXT NOT NULL CHECK (state IN ('planned', 'active', 'resolved')),
    published   INTEGER NOT NULL,
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER,
    resolved_at INTEGER,
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX op_messages_state ON op_messages (state, starts_at);

CREATE TABLE op_message_services (
    message_id INTEGER NOT NULL REFERENCES op_messages(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    PRIMARY KEY (message_id, service_id)
);

CREATE TABLE op_message_orgs (
    message_id INTEGER NOT NULL REFERENCES op_messages(id),
    org_id     INTEGER NOT NULL REFERENCES organizations(id),
    PRIMARY KEY (message_id, org_id)
);

-- The public timeline: the publication, each update, each change of state.
CREATE TABLE op_message_updates (
    id         INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES op_messages(id),
    event      TEXT NOT NULL CHECK (event IN ('published', 'update', 'state')),
    -- NULL: the system (a planned message reaching its start).
    author_id  INTEGER REFERENCES users(id),
    body       TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('planned', 'active', 'resolved')),
    created_at INTEGER NOT NULL
);
CREATE INDEX op_message_updates_message ON op_message_updates (message_id, id);
CREATE INDEX op_message_updates_recent ON op_message_updates (created_at);

-- Append-only, as a case's history.
CREATE TABLE op_message_history (
    id         INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES op_messages(id),
    at         INTEGER NOT NULL,
    actor_id   INTEGER REFERENCES users(id),
    field      TEXT NOT NULL,
    old_value  TEXT,
    new_value  TEXT
);
CREATE INDEX op_message_history_message ON op_message_history (message_id, id);
CREATE TRIGGER op_message_history_no_update BEFORE UPDATE ON op_message_history
BEGIN SELECT RAISE(ABORT, 'op_message_history is append-only'); END;
CREATE TRIGGER op_message_history_no_delete BEFORE DELETE ON op_message_history
BEGIN SELECT RAISE(ABORT, 'op_message_history is append-only'); END;

CREATE TABLE op_message_cases (
    message_id INTEGER NOT NULL REFERENCES op_messages(id),
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    linked_by  INTEGER NOT NULL REFERENCES users(id),
    linked_at  INTEGER NOT NULL,
    PRIMARY KEY (message_id, case_id)
);
CREATE INDEX op_message_cases_case ON op_message_cases (case_id);

CREATE TABLE op_message_affected (
    message_id INTEGER NOT NULL REFERENCES op_messages(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    at         INTEGER NOT NULL,
    PRIMARY KEY (message_id, user_id)
);

-- What a person follows: one service or one message; `org_id` when a
-- contact subscribed for their organisation (its contacts are told).
-- `token` is the secret of the one-click unsubscribe link in every mail.
CREATE TABLE status_subscriptions (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    service_id INTEGER REFERENCES services(id),
    message_id INTEGER REFERENCES op_messages(id),
    org_id     INTEGER REFERENCES organizations(id),
    token      TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    CHECK ((service_id IS NULL) <> (message_id IS NULL))
);
CREATE UNIQUE INDEX status_subscriptions_one ON status_subscriptions
    (user_id, COALESCE(service_id, 0), COALESCE(message_id, 0), COALESCE(org_id, 0));
CREATE INDEX status_subscriptions_service ON status_subscriptions (service_id);
CREATE INDEX status_subscriptions_message ON status_subscriptions (message_id);
CREATE INDEX status_subscriptions_org ON status_subscriptions (org_id);

-- A customer who speaks for their organisation (subscribes for it).
ALTER TABLE users ADD COLUMN org_contact INTEGER NOT NULL DEFAULT 0;

-- Notifications about an operational message have no case.
CREATE TABLE notifications_new (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    case_id    INTEGER REFERENCES cases(id),
    kind       TEXT NOT NULL,
    actor_id   INTEGER REFERENCES users(id),
    outbox_id  INTEGER REFERENCES outbox(id),
    created_at INTEGER NOT NULL,
    read_at    INTEGER,
    op_update_id INTEGER REFERENCES op_message_updates(id)
);
INSERT INTO notifications_new (id, user_id, case_id, kind, actor_id, outbox_id, created_at, read_at)
    SELECT id, user_id, case_id, kind, actor_id, outbox_id, created_at, read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE UNIQUE INDEX notifications_outbox ON notifications (outbox_id) WHERE outbox_id IS NOT NULL;
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- The update a mail tells, and the subscription it came by (its unsubscribe link).
ALTER TABLE outgoing_mail ADD COLUMN op_update_id INTEGER REFERENCES op_message_updates(id);
ALTER TABLE outgoing_mail ADD COLUMN subscription_id INTEGER REFERENCES status_subscriptions(id) ON DELETE SET NULL;
