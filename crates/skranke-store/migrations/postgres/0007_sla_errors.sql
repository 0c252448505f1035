-- A case whose history the SLA engine cannot replay: the error, and when
-- the scheduler met it. The scheduler skips such a case (its
-- next_escalation_at is cleared) and lists it for admins; the next change
-- that replays it successfully clears the error.
ALTER TABLE cases ADD COLUMN sla_error TEXT;
ALTER TABLE cases ADD COLUMN sla_error_at BIGINT;
CREATE INDEX cases_sla_error ON cases (sla_error_at) WHERE sla_error IS NOT NULL;
