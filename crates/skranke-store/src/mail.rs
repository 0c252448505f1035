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
    /// Why it goes straight to quarantine (unreadable MIME, too large),
    /// if it does, and the detail.
    pub quarantine: Option<(skranke_core::mail::HoldReason, &'a str)>,
    /// The `From` address and subject, as far as they could be read
    /// (shown with a held message).
    pub about: MailAbout<'a>,
    pub now: Timestamp,
}

/// A recorded message not yet made into a case or reply.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingMail {
    pub id: i64,
    pub identity: String,
    pub storage_key: String,
    pub envelope_from: Option<String>,
    /// An admin let it out of quarantine: it becomes a case whoever sent it.
    pub released: bool,
}

/// A message as it came, kept whole: one a case came from (or a
/// requester's reply by mail), or one held in quarantine (no case).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseMail {
    pub id: i64,
    pub case_id: Option<i64>,
    pub requester_id: Option<i64>,
    pub received_at: i64,
    pub size: i64,
    pub storage_key: String,
}

const PENDING_MAIL: &str =
    "SELECT id, identity, storage_key, envelope_from, released FROM inbound_mail";

const CASE_MAIL: &str = "SELECT m.id, m.case_id, c.requester_id, m.received_at, m.size, m.storage_key \
    FROM inbound_mail m LEFT JOIN cases c ON c.id = m.case_id";

/// A message held in quarantine, as admins review it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QuarantinedMail {
    pub id: i64,
    pub received_at: i64,
    pub envelope_from: Option<String>,
    /// The `From` address, when the message could be read.
    pub sender: Option<String>,
    pub subject: Option<String>,
    pub size: i64,
    /// Why it is held (`skranke_core::mail::HoldReason`'s key).
    #[sqlx(try_from = "String")]
    pub hold: skranke_core::mail::HoldReason,
    /// The detail, as the software found it (a parse error, a domain).
    pub reason: Option<String>,
}

/// What processing found out about a message: its sender and subject.
#[derive(Debug, Clone, Copy, Default)]
pub struct MailAbout<'a> {
    pub sender: Option<&'a str>,
    pub subject: Option<&'a str>,
}

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
                   size, storage_key, state, reason, hold, sender, subject) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
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
                .bind(m.quarantine.map(|(_, why)| why))
                .bind(m.quarantine.map(|(hold, _)| hold.key()))
                .bind(m.about.sender)
                .bind(m.about.subject),
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

    /// A message is done: it became (or joined) `case_id`, or was held
    /// (`hold`) or answered by nobody (`processed` without a case, e.g. an
    /// auto-reply), with the reason's detail.
    pub async fn finish_mail(
        &self,
        id: i64,
        hold: Option<skranke_core::mail::HoldReason>,
        reason: Option<&str>,
        case_id: Option<i64>,
        about: MailAbout<'_>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.exec(
            q(
                "UPDATE inbound_mail SET state = $1, reason = $2, case_id = COALESCE($3, case_id), \
               processed_at = $4, sender = $5, subject = $6, hold = $7 WHERE id = $8 AND state IN ('pending', 'processed')",
            )
            .bind(if hold.is_some() {
                "quarantined"
            } else {
                "processed"
            })
            .bind(reason)
            .bind(case_id)
            .bind(ms(now))
            .bind(about.sender)
            .bind(about.subject.map(|s| s.chars().take(300).collect::<String>()))
            .bind(hold.map(|h| h.key()))
            .bind(id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The messages held in quarantine, newest first.
    pub async fn quarantined_mail(&self, limit: i64) -> Result<Vec<QuarantinedMail>, StoreError> {
        Ok(self
            .reader()
            .all(
                q("SELECT id, received_at, envelope_from, sender, subject, size, COALESCE(hold, 'not_a_case') AS hold, \
                   reason FROM inbound_mail \
                   WHERE state = 'quarantined' ORDER BY id DESC LIMIT $1")
                .bind(limit.clamp(1, 500)),
            )
            .await?)
    }

    /// Lets a held message through, to be processed again as one that
    /// becomes a case whoever sent it; returns it so. `NotFound` unless it
    /// is in quarantine.
    pub async fn release_mail(
        &self,
        id: i64,
        audit: &skranke_core::audit::AuditEntry,
        now: Timestamp,
    ) -> Result<PendingMail, StoreError> {
        let mut tx = self.begin().await?;
        let n = tx
            .exec(
                q(
                    "UPDATE inbound_mail SET state = 'pending', released = TRUE, reason = NULL, hold = NULL \
                   WHERE id = $1 AND state = 'quarantined'",
                )
                .bind(id),
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        crate::auth::audit(&mut tx, audit, now).await?;
        let released = tx
            .one(q(format!("{PENDING_MAIL} WHERE id = $1")).bind(id))
            .await?;
        tx.commit().await?;
        Ok(released)
    }

    /// Deletes a held message for good; returns its file's key, for the
    /// caller to remove after the commit. `NotFound` unless it is in quarantine.
    pub async fn delete_mail(
        &self,
        id: i64,
        audit: &skranke_core::audit::AuditEntry,
        now: Timestamp,
    ) -> Result<String, StoreError> {
        let mut tx = self.begin().await?;
        let key: Option<String> = tx
            .scalar_opt(
                q("SELECT storage_key FROM inbound_mail WHERE id = $1 AND state = 'quarantined'")
                    .bind(id),
            )
            .await?;
        let key = key.ok_or(StoreError::NotFound)?;
        tx.exec(q("UPDATE outgoing_mail SET inbound_id = NULL WHERE inbound_id = $1").bind(id))
            .await?;
        tx.exec(q("DELETE FROM inbound_mail WHERE id = $1").bind(id))
            .await?;
        crate::auth::audit(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(key)
    }

    /// The messages a case came from and was answered with, by mail.
    pub async fn mail_of_case(&self, case_id: i64) -> Result<Vec<CaseMail>, StoreError> {
        Ok(self
            .reader()
            .all(q(format!("{CASE_MAIL} WHERE m.case_id = $1 ORDER BY m.id")).bind(case_id))
            .await?)
    }

    /// The number of the case of the first of these messages (identities,
    /// as `Inbound::identity` writes them) that belongs to one: a mail that
    /// came in, or one we sent.
    pub async fn case_of_mail(&self, identities: &[String]) -> Result<Option<String>, StoreError> {
        // A long References chain: the newest twenty are enough.
        for identity in identities.iter().take(20) {
            let number: Option<String> = self
                .reader()
                .scalar_opt(
                    q(
                        "SELECT c.number FROM inbound_mail m JOIN cases c ON c.id = m.case_id \
                       WHERE m.identity = $1 UNION ALL SELECT c.number FROM outgoing_mail o \
                       JOIN cases c ON c.id = o.case_id WHERE o.header_id = $2 LIMIT 1",
                    )
                    .bind(identity.as_str())
                    .bind(identity.strip_prefix("id:").unwrap_or("")),
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

    /// Counts one more message from `sender` (see
    /// `skranke_core::mail::admit_sender`): `Ok(Err(at))` when it must wait
    /// until `at`. The counter is created and locked before it is read, so
    /// messages arriving at once are counted one after the other.
    /// Takes the mailbox `name` for `holder` until `until`, or keeps it
    /// if `holder` has it; `false` while another holder's lease runs.
    pub async fn hold_mailbox(
        &self,
        name: &str,
        holder: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let held = tx
            .scalar_opt::<String>(
                q("INSERT INTO mailbox_leases (mailbox, holder, lease_until) VALUES ($1, $2, $3) \
                   ON CONFLICT (mailbox) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until \
                   WHERE mailbox_leases.holder = excluded.holder OR mailbox_leases.lease_until <= $4 \
                   RETURNING mailbox")
                .bind(name)
                .bind(holder)
                .bind(ms(until))
                .bind(ms(now)),
            )
            .await?
            .is_some();
        tx.commit().await?;
        Ok(held)
    }

    pub async fn admit_sender(
        &self,
        sender: &str,
        per_hour: u32,
        now: Timestamp,
    ) -> Result<Result<(), Timestamp>, StoreError> {
        let mut tx = self.begin().await?;
        tx.exec(
            q(
                "INSERT INTO mail_senders (key, count, window_start) VALUES ($1, 0, $2) \
               ON CONFLICT (key) DO NOTHING",
            )
            .bind(sender)
            .bind(ms(now)),
        )
        .await?;
        let lock = if tx.is_postgres() { " FOR UPDATE" } else { "" };
        let (count, start): (i64, i64) = tx
            .one(
                q(format!(
                    "SELECT count, window_start FROM mail_senders WHERE key = $1{lock}"
                ))
                .bind(sender),
            )
            .await?;
        let counted = skranke_core::mail::SenderCount {
            count: u32::try_from(count).unwrap_or(u32::MAX),
            window_start: crate::from_ms(start),
        };
        let verdict = skranke_core::mail::admit_sender(Some(counted), per_hour, now);
        if let Ok(c) = verdict {
            tx.exec(
                q("UPDATE mail_senders SET count = $1, window_start = $2 WHERE key = $3")
                    .bind(i64::from(c.count))
                    .bind(ms(c.window_start))
                    .bind(sender),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(verdict.map(|_| ()))
    }

    /// Messages waiting to become cases or replies, oldest first.
    pub async fn pending_mail(&self, limit: i64) -> Result<Vec<PendingMail>, StoreError> {
        Ok(self
            .reader()
            .all(
                q(format!(
                    "{PENDING_MAIL} WHERE state = 'pending' ORDER BY id LIMIT $1"
                ))
                .bind(limit),
            )
            .await?)
    }
}
