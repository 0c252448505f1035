//! E-mail Skranke sends: queued in the transaction of what it tells, one
//! row per notice and recipient, then claimed, delivered and marked by the
//! mail loop (at least once to the relay; the key makes it one message).

use crate::db::{Store, Tx};
use crate::error::StoreError;
use crate::ms;
use crate::query::q;
use jiff::Timestamp;
use sha2::{Digest, Sha256};
use skranke_core::notice::{self, NoticeKind};

/// A mail to queue.
#[derive(Debug, Clone, Default)]
pub(crate) struct Queued<'a> {
    /// One mail per key: the notice and the recipient.
    pub key: String,
    pub kind: &'a str,
    pub case_id: Option<i64>,
    pub message_id: Option<i64>,
    pub escalation_id: Option<i64>,
    pub inbound_id: Option<i64>,
    pub user_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub recipient: &'a str,
    pub recipient_name: &'a str,
    pub locale: &'a str,
    /// The operational message's event it tells, and the subscription
    /// it came by (for the unsubscribe link).
    pub op_update_id: Option<i64>,
    pub subscription_id: Option<i64>,
}

/// Queues a mail once per key. Its Message-ID is made from the key, in
/// the desk's mail domain, so a reply to it finds its case.
pub(crate) async fn queue(
    tx: &mut Tx,
    domain: &str,
    m: &Queued<'_>,
    now: Timestamp,
) -> Result<(), StoreError> {
    let digest = Sha256::digest(m.key.as_bytes());
    let header_id = skranke_core::mail::own_message_id(&hex::encode(&digest[..12]), domain);
    tx.exec(
        q("INSERT INTO outgoing_mail (idempotency_key, kind, case_id, message_id, escalation_id, inbound_id, \
           user_id, actor_id, recipient, recipient_name, locale, header_id, created_at, next_attempt_at, \
           op_update_id, subscription_id) \
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
           ON CONFLICT (idempotency_key) DO NOTHING")
        .bind(&m.key)
        .bind(m.kind)
        .bind(m.case_id)
        .bind(m.message_id)
        .bind(m.escalation_id)
        .bind(m.inbound_id)
        .bind(m.user_id)
        .bind(m.actor_id)
        .bind(m.recipient)
        .bind(m.recipient_name)
        .bind(m.locale)
        .bind(header_id)
        .bind(ms(now))
        .bind(ms(now))
        .bind(m.op_update_id)
        .bind(m.subscription_id),
    )
    .await?;
    Ok(())
}

/// A person's address, name and language, if they want this kind by mail.
pub(crate) async fn mail_reader(
    tx: &mut Tx,
    user_id: i64,
    kind: NoticeKind,
) -> Result<Option<(String, String, String)>, StoreError> {
    let row: Option<(String, String, Option<String>, String, bool)> = tx
        .opt(
            q("SELECT email, full_name, locale, mail_off, active FROM users WHERE id = $1")
                .bind(user_id),
        )
        .await?;
    Ok(row.and_then(|(email, name, locale, off, active)| {
        let address = skranke_core::mail::address(&email)?;
        (active && notice::mail_wanted(&off, kind))
            .then(|| (address, name, locale.unwrap_or_else(|| "nb".into())))
    }))
}

const OUTGOING_SELECT: &str = "SELECT m.id, m.kind, m.recipient, m.recipient_name, m.locale, m.header_id, \
    m.attempts, m.created_at, m.user_id, c.number, c.title, c.status, c.priority, c.response_due, \
    h.full_name AS handler_name, a.full_name AS actor_name, msg.body AS message_body, \
    e.clock, e.level, e.late, \
    (SELECT i.identity FROM inbound_mail i WHERE i.case_id = m.case_id ORDER BY i.id LIMIT 1) AS first_mail, \
    im.identity AS answers, ou.message_id AS op_message_id, ou.event AS op_event, ou.body AS op_update_body, \
    ou.state AS op_state, om.kind AS op_kind, om.title AS op_title, om.body AS op_body, om.severity AS op_severity, \
    om.starts_at AS op_starts_at, om.ends_at AS op_ends_at, ss.token AS unsubscribe_token \
    FROM outgoing_mail m LEFT JOIN cases c ON c.id = m.case_id LEFT JOIN users h ON h.id = c.handler_id \
    LEFT JOIN users a ON a.id = m.actor_id LEFT JOIN messages msg ON msg.id = m.message_id \
    LEFT JOIN escalations e ON e.id = m.escalation_id LEFT JOIN inbound_mail im ON im.id = m.inbound_id \
    LEFT JOIN op_message_updates ou ON ou.id = m.op_update_id LEFT JOIN op_messages om ON om.id = ou.message_id \
    LEFT JOIN status_subscriptions ss ON ss.id = m.subscription_id";

/// A mail to deliver, with what its text is made from (as things are at
/// delivery: a receipt names the handler the case has then).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Outgoing {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub recipient_name: String,
    pub locale: String,
    /// The Message-ID, without angle brackets.
    pub header_id: String,
    pub attempts: i64,
    pub created_at: i64,
    pub user_id: Option<i64>,
    pub number: Option<String>,
    pub title: Option<String>,
    pub status: Option<String>,
    pub priority: Option<String>,
    pub response_due: Option<i64>,
    pub handler_name: Option<String>,
    pub actor_name: Option<String>,
    pub message_body: Option<String>,
    pub clock: Option<String>,
    pub level: Option<i64>,
    pub late: Option<bool>,
    /// The identity of the mail the case came from (to thread under it).
    pub first_mail: Option<String>,
    /// The identity of the mail this answers (an auto-reply).
    pub answers: Option<String>,
    /// An operational message's event: the message, what happened, and
    /// the secret of the subscription's one-click unsubscribe.
    pub op_message_id: Option<i64>,
    pub op_event: Option<String>,
    pub op_update_body: Option<String>,
    pub op_state: Option<String>,
    pub op_kind: Option<String>,
    pub op_title: Option<String>,
    pub op_body: Option<String>,
    pub op_severity: Option<String>,
    pub op_starts_at: Option<i64>,
    pub op_ends_at: Option<i64>,
    pub unsubscribe_token: Option<String>,
}

/// A sent (or unsendable) mail as admins see it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutgoingRow {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub number: Option<String>,
    pub created_at: i64,
    pub attempts: i64,
    pub sent_at: Option<i64>,
    pub failed_at: Option<i64>,
    pub last_error: Option<String>,
    pub bounced_at: Option<i64>,
    pub bounce: Option<String>,
}

impl Store {
    /// Leases up to `limit` mails due for an attempt (see `lease::Queue`).
    pub async fn claim_outgoing(
        &self,
        owner: &str,
        now: Timestamp,
        lease: jiff::SignedDuration,
        limit: i64,
    ) -> Result<Vec<Outgoing>, StoreError> {
        let mut tx = self.begin().await?;
        let ids = crate::lease::Queue::OUTGOING_MAIL
            .lease(&mut tx, owner, now, lease, limit)
            .await?;
        let items = if ids.is_empty() {
            Vec::new()
        } else {
            let mut sql = q(OUTGOING_SELECT);
            sql.push(" WHERE m.id IN ")
                .push_list(ids)
                .push(" ORDER BY m.next_attempt_at, m.id");
            tx.all(sql).await?
        };
        tx.commit().await?;
        Ok(items)
    }

    /// The relay took the mail.
    pub async fn mail_sent(&self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.exec(
            q("UPDATE outgoing_mail SET sent_at = $1, attempts = attempts + 1, lease_until = NULL, \
               last_error = NULL WHERE id = $2")
            .bind(ms(now))
            .bind(id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An attempt failed: tried again at `retry_at`, or given up (`None`).
    pub async fn mail_not_sent(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.exec(
            q("UPDATE outgoing_mail SET attempts = attempts + 1, last_error = $1, lease_until = NULL, \
               next_attempt_at = COALESCE($2, next_attempt_at), failed_at = $3 WHERE id = $4")
            .bind(error)
            .bind(retry_at.map(ms))
            .bind(retry_at.is_none().then(|| ms(now)))
            .bind(id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The newest mails sent or waiting, for admins.
    pub async fn outgoing_mail(&self, limit: i64) -> Result<Vec<OutgoingRow>, StoreError> {
        Ok(self
            .reader()
            .all(
                q("SELECT m.id, m.kind, m.recipient, c.number, m.created_at, m.attempts, m.sent_at, \
                   m.failed_at, m.last_error, m.bounced_at, m.bounce FROM outgoing_mail m \
                   LEFT JOIN cases c ON c.id = m.case_id ORDER BY m.id DESC LIMIT $1")
                .bind(limit.clamp(1, 500)),
            )
            .await?)
    }

    /// One queued mail as it is delivered (to show or send it again).
    pub async fn outgoing(&self, id: i64) -> Result<Outgoing, StoreError> {
        self.reader()
            .opt(q(format!("{OUTGOING_SELECT} WHERE m.id = $1")).bind(id))
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// A delivery status notification said our mail `header_id` did not
    /// reach `recipient`: it is marked so (admins see it). Returns whether
    /// it was ours.
    pub async fn mail_bounced(
        &self,
        header_id: &str,
        recipient: Option<&str>,
        reason: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let mut sql = q("UPDATE outgoing_mail SET bounced_at = ");
        sql.push_bind(ms(now))
            .push(", bounce = ")
            .push_bind(reason)
            .push(" WHERE header_id = ")
            .push_bind(header_id.to_lowercase());
        if let Some(r) = recipient {
            sql.push(" AND recipient = ").push_bind(r.to_lowercase());
        }
        let n = tx.exec(sql).await?;
        tx.commit().await?;
        Ok(n > 0)
    }

    /// Answers a sender who is not a customer, once a day at most (a
    /// loop of two desks answering each other stops at one mail).
    pub async fn queue_auto_reply(
        &self,
        inbound_id: i64,
        recipient: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let Some(domain) = self.sla.mail_domain.as_deref() else {
            return Ok(());
        };
        let day = now.as_second().div_euclid(86_400);
        let mut tx = self.begin().await?;
        queue(
            &mut tx,
            domain,
            &Queued {
                key: format!("auto-reply:{}:{day}", recipient.to_lowercase()),
                kind: "auto_reply",
                case_id: None,
                message_id: None,
                escalation_id: None,
                inbound_id: Some(inbound_id),
                user_id: None,
                actor_id: None,
                recipient,
                recipient_name: "",
                locale: "nb",
                op_update_id: None,
                subscription_id: None,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
