-- Several instances deliver from one outbox: an instance leases the rows
-- it works on; a lease that runs out (the instance died) frees them again.
ALTER TABLE outbox ADD COLUMN leased_by TEXT;
ALTER TABLE outbox ADD COLUMN lease_until BIGINT;
