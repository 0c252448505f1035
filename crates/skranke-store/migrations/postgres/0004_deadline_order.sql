-- The queue's default order (nearest deadline first) walks this index and
-- stops after one page instead of sorting every open case.
DROP INDEX cases_next_due;
CREATE INDEX cases_next_due_id ON cases (next_due, id);
