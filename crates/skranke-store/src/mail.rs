//! Inbound mail as it arrived: recorded once per message (its identity),
//! durably, before the sender is told it was taken.

use crate::db::Store;
use crate::error::StoreError;
use crate::ms;
use crate::query::q;
use jiff::Timestamp;

/// How a message came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailSource {
    Smtp,
    Imap,
}

impl MailSource {
    pub fn key(self) -> &'static str {
        match self {
            MailSource::Smtp => "smtp",
            MailSource::Imap => "imap",
        }
    }
}

/// A message to record; its raw bytes are already in the file store.
#[derive(Debug, Clone)]
pub struct NewInboundMail<'a> {
    /// `id:<message-id>` or `sha256:<hex>`.
    pub identity: &'a str,
    pub source: MailSource,
    /// `None` over IMAP; `Some("")` for a bounce's `MAIL FROM:<>`.
    pub envelope_from: Option<&'a str>,
    pub envelope_to: &'a [String],
    pub peer: Option<&'a str>,
    pub size: i64,
    pub storage_key: &'a str,
    /// Why it goes straight to quarantine (unreadable MIME), if it does.
    pub quarantine: Option<&'a str>,
    pub now: Timestamp,
}

/// A recorded message not yet made into a case or reply.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingMail {
    pub id: i64,
    pub identity: String,
    pub storage_key: String,
    pub envelope_from: Option<String>,
}

/// A message a case came from (or a requester's reply by mail), kept whole.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseMail {
    pub id: i64,
    pub case_id: i64,
    pub requester_id: i64,
    pub received_at: i64,
    pub size: i64,
    pub storage_key: String,
}

const CASE_MAIL: &str = "SELECT m.id, m.case_id, c.requester_id, m.received_at, m.size, m.storage_key \
    FROM inbound_mail m JOIN cases c ON c.id = m.case_id";

/// What became of a message handed to [`Store::receive_mail`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    pub id: i64,
    /// The same message had come before: nothing new was recorded, and
    /// the caller's file is not needed.
    pub duplicate: bool,
}

impl Store {
    /// Records a message once. The second arrival of the same identity
    /// records nothing and names the first.
    pub async fn receive_mail(&self, m: &NewInboundMail<'_>) -> Result<Received, StoreError> {
        let mut tx = self.begin().await?;
        let inserted: Option<i64> = tx
            .scalar_opt(
                q("INSERT INTO inbound_mail (identity, received_at, source, envelope_from, envelope_to, peer, \
                   size, storage_key, state, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                   ON CONFLICT (identity) DO NOTHING RETURNING id")
                .bind(m.identity)
                .bind(ms(m.now))
                .bind(m.source.key())
                .bind(m.envelope_from)
                .bind(m.envelope_to.join(","))
                .bind(m.peer)
                .bind(m.size)
                .bind(m.storage_key)
                .bind(if m.quarantine.is_some() {
                    "quarantined"
                } else {
                    "pending"
                })
                .bind(m.quarantine),
            )
            .await?;
        let received = match inserted {
            Some(id) => Received {
                id,
                duplicate: false,
            },
            None => Received {
                id: tx
                    .scalar(q("SELECT id FROM inbound_mail WHERE identity = $1").bind(m.identity))
                    .await?,
                duplicate: true,
            },
        };
        tx.commit().await?;
        Ok(received)
    }

    /// A message is done: it became (or joined) `case_id`, or was set
    /// aside (`quarantined`) or answered by nobody (`processed` without a
    /// case, e.g. an auto-reply), with the reason.
    pub async fn finish_mail(
        &self,
        id: i64,
        quarantined: bool,
        reason: Option<&str>,
        case_id: Option<i64>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.exec(
            q(
                "UPDATE inbound_mail SET state = $1, reason = $2, case_id = $3, processed_at = $4 \
               WHERE id = $5 AND state = 'pending'",
            )
            .bind(if quarantined {
                "quarantined"
            } else {
                "processed"
            })
            .bind(reason)
            .bind(case_id)
            .bind(ms(now))
            .bind(id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The messages a case came from and was answered with, by mail.
    pub async fn mail_of_case(&self, case_id: i64) -> Result<Vec<CaseMail>, StoreError> {
        Ok(self
            .reader()
            .all(q(format!("{CASE_MAIL} WHERE m.case_id = $1 ORDER BY m.id")).bind(case_id))
            .await?)
    }

    /// The number of the case of the first of these messages (identities,
    /// as `Inbound::identity` writes them) that belongs to one.
    pub async fn case_of_mail(&self, identities: &[String]) -> Result<Option<String>, StoreError> {
        // A long References chain: the newest twenty are enough.
        for identity in identities.iter().take(20) {
            let number: Option<String> = self
                .reader()
                .scalar_opt(
                    q(
                        "SELECT c.number FROM inbound_mail m JOIN cases c ON c.id = m.case_id \
                       WHERE m.identity = $1",
                    )
                    .bind(identity.as_str()),
                )
                .await?;
            if number.is_some() {
                return Ok(number);
            }
        }
        Ok(None)
    }

    /// One message that belongs to a case.
    pub async fn case_mail(&self, id: i64) -> Result<CaseMail, StoreError> {
        self.reader()
            .opt(q(format!("{CASE_MAIL} WHERE m.id = $1")).bind(id))
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Messages waiting to become cases or replies, oldest first.
    pub async fn pending_mail(&self, limit: i64) -> Result<Vec<PendingMail>, StoreError> {
        Ok(self
            .reader()
            .all(
                q(
                    "SELECT id, identity, storage_key, envelope_from FROM inbound_mail \
                   WHERE state = 'pending' ORDER BY id LIMIT $1",
                )
                .bind(limit),
            )
            .await?)
    }
}
