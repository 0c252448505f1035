//! Idempotency keys: a request sent again with the same key by the same
//! user (a retry after a lost answer, a double click) gets the first
//! result instead of creating another. The key is claimed at the start of
//! the transaction that creates the result: a concurrent duplicate waits
//! on the key's unique index (PostgreSQL) or on the single writer (SQLite)
//! and then finds the committed result.

use crate::db::Tx;
use crate::query::q;
use crate::{Store, StoreError, ms};
use jiff::{SignedDuration, Timestamp};

/// How long a key is remembered.
pub const WINDOW: SignedDuration = SignedDuration::from_hours(24);

/// A key as a request brings it: whose, the key, and a digest of what was
/// asked (the same key with another request is refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    pub user_id: i64,
    pub key: String,
    pub fingerprint: String,
}

pub(crate) enum Claim {
    /// First use: go ahead, then `record` the result.
    New,
    /// Seen before: what it created then.
    Replay {
        case_id: Option<i64>,
        message_id: Option<i64>,
    },
}

pub(crate) async fn claim(
    tx: &mut Tx,
    k: &IdempotencyKey,
    now: Timestamp,
) -> Result<Claim, StoreError> {
    tx.exec(
        q("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND created_at <= $3")
            .bind(k.user_id)
            .bind(&k.key)
            .bind(ms(now - WINDOW)),
    )
    .await?;
    let inserted: Option<i64> = tx
        .scalar_opt(
            q("INSERT INTO idempotency_keys (user_id, key, fingerprint, created_at) VALUES ($1, $2, $3, $4) \
               ON CONFLICT (user_id, key) DO NOTHING RETURNING user_id")
            .bind(k.user_id)
            .bind(&k.key)
            .bind(&k.fingerprint)
            .bind(ms(now)),
        )
        .await?;
    if inserted.is_some() {
        return Ok(Claim::New);
    }
    let (fingerprint, case_id, message_id): (String, Option<i64>, Option<i64>) = tx
        .one(
            q("SELECT fingerprint, case_id, message_id FROM idempotency_keys WHERE user_id = $1 AND key = $2")
                .bind(k.user_id)
                .bind(&k.key),
        )
        .await?;
    if fingerprint != k.fingerprint {
        return Err(StoreError::IdempotencyMismatch);
    }
    Ok(Claim::Replay {
        case_id,
        message_id,
    })
}

/// Records what the claimed key created, in the same transaction.
pub(crate) async fn record(
    tx: &mut Tx,
    k: &IdempotencyKey,
    case_id: i64,
    message_id: Option<i64>,
) -> Result<(), StoreError> {
    tx.exec(
        q("UPDATE idempotency_keys SET case_id = $1, message_id = $2 WHERE user_id = $3 AND key = $4")
            .bind(case_id)
            .bind(message_id)
            .bind(k.user_id)
            .bind(&k.key),
    )
    .await?;
    Ok(())
}

/// Forgets keys older than the window.
pub(crate) async fn purge(tx: &mut Tx, now: Timestamp) -> Result<u64, StoreError> {
    Ok(tx
        .exec(q("DELETE FROM idempotency_keys WHERE created_at <= $1").bind(ms(now - WINDOW)))
        .await?)
}

impl Store {
    /// Deletes rows that have run out: idempotency keys, throttle
    /// counters, login forms, sessions (idle for `idle`, or past their end).
    pub async fn purge_expired(
        &self,
        now: Timestamp,
        idle: SignedDuration,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let senders = tx
            .exec(
                q("DELETE FROM mail_senders WHERE window_start < $1")
                    .bind(ms(now - skranke_core::mail::SENDER_WINDOW)),
            )
            .await?;
        let n =
            purge(&mut tx, now).await? + crate::auth::purge(&mut tx, now, idle).await? + senders;
        tx.commit().await?;
        Ok(n)
    }
}
