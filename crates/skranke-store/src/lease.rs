//! The queues several instances work from (the escalation outbox, outgoing
//! mail): an instance leases the rows it takes, and a lease that runs out
//! (its instance died) frees them again, so each row is worked at least once.

use crate::db::Tx;
use crate::error::StoreError;
use crate::ms;
use crate::query::q;
use jiff::{SignedDuration, Timestamp};

/// A table of rows with `next_attempt_at`, `leased_by` and `lease_until`.
pub(crate) struct Queue {
    table: &'static str,
    /// What makes a row still to be done.
    undone: &'static str,
}

impl Queue {
    pub const OUTBOX: Queue = Queue {
        table: "outbox",
        undone: "delivered_at IS NULL",
    };
    pub const OUTGOING_MAIL: Queue = Queue {
        table: "outgoing_mail",
        undone: "sent_at IS NULL AND failed_at IS NULL",
    };

    /// Leases up to `limit` rows due at `now` to `owner` until `now +
    /// lease`, earliest first; returns their ids. On PostgreSQL rows another
    /// instance is leasing at the same moment are skipped (`FOR UPDATE SKIP
    /// LOCKED`); SQLite has one writer.
    pub async fn lease(
        &self,
        tx: &mut Tx,
        owner: &str,
        now: Timestamp,
        lease: SignedDuration,
        limit: i64,
    ) -> Result<Vec<i64>, StoreError> {
        let lock = if tx.is_postgres() {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let Queue { table, undone } = self;
        Ok(tx
            .scalars(
                q(format!(
                    "UPDATE {table} SET leased_by = $1, lease_until = $2 WHERE id IN (\
                     SELECT id FROM {table} WHERE {undone} AND next_attempt_at <= $3 \
                     AND (lease_until IS NULL OR lease_until <= $3) \
                     ORDER BY next_attempt_at, id LIMIT $4{lock}) RETURNING id"
                ))
                .bind(owner)
                .bind(ms(now + lease))
                .bind(ms(now))
                .bind(limit),
            )
            .await?)
    }
}
