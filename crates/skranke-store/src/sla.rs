//! The live SLA state: every write that changes a case's history replays it
//! (in the same transaction) and stores the clocks, the levels reached and
//! the outbox messages for newly reached levels.

use crate::db::Tx;
use crate::query::q;
use crate::{Store, StoreError, ms};
use jiff::Timestamp;
use skranke_core::Channel;
use skranke_core::config::{Config, Contact, Finding};
use skranke_core::history::{self, HistoryField, StoredEntry};
use skranke_core::notice::NoticeKind;
use skranke_core::sla::{CaseHistory, ClockOutcome, SlaOutcome, SlaPolicy, replay};

/// What the store needs to keep SLA state: the engine's policy, and who
/// hears about each escalation level.
#[derive(Debug, Clone)]
pub struct SlaSettings {
    pub policy: SlaPolicy,
    pub contacts: [Vec<Contact>; 3],
    /// Notifications recorded this long after their level was reached are late.
    pub late_after_seconds: i64,
    /// The domain of our Message-IDs, when notifications go out by e-mail
    /// (`None`: no mail is queued).
    pub mail_domain: Option<String>,
    /// Escalations also go to the `[webhook]` (an SMS gateway).
    pub webhook: bool,
}

impl SlaSettings {
    pub fn from_config(config: &Config) -> Result<SlaSettings, Vec<Finding>> {
        let level = |k: usize| {
            config
                .escalation
                .levels
                .get(k)
                .map(|l| l.contacts.clone())
                .unwrap_or_default()
        };
        Ok(SlaSettings {
            policy: SlaPolicy::from_config(config)?,
            contacts: [level(0), level(1), level(2)],
            late_after_seconds: i64::from(config.sla.late_after_seconds),
            mail_domain: config
                .mail_goes_out()
                .then(|| skranke_core::mail::domain(config.mail_from()).to_owned()),
            webhook: config.webhook.url.is_some(),
        })
    }
}

/// A reached level as shown on the case page.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EscalationRow {
    pub clock: String,
    pub level: i64,
    pub reached_at: i64,
    pub recorded_at: i64,
    pub late: bool,
}

const OUTBOX_SELECT: &str = "SELECT o.id, o.channel, o.recipient, o.user_id, o.idempotency_key, o.attempts, \
     o.case_id, c.number, c.title, c.priority, e.clock, e.level, e.reached_at, e.late \
     FROM outbox o JOIN escalations e ON e.id = o.escalation_id JOIN cases c ON c.id = o.case_id";

/// A message waiting in the outbox, with what its text is made from.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxItem {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    pub user_id: Option<i64>,
    pub idempotency_key: String,
    pub attempts: i64,
    pub case_id: i64,
    pub number: String,
    pub title: String,
    pub priority: String,
    pub clock: String,
    pub level: i64,
    pub reached_at: i64,
    pub late: bool,
}

/// A case the SLA engine could not replay.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SlaError {
    pub number: String,
    pub title: String,
    pub error: String,
    pub at: i64,
}

/// A notification as its reader's list shows it: what happened, to which
/// case, caused by whom; an escalation with its clock and level.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: skranke_core::notice::NoticeKind,
    pub case_number: Option<String>,
    pub case_title: Option<String>,
    /// An operational message's event (`status_update`).
    pub op_message_id: Option<i64>,
    pub op_title: Option<String>,
    pub actor_name: Option<String>,
    pub clock: Option<String>,
    pub level: Option<i64>,
    pub late: Option<bool>,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

fn secs(ms: i64) -> i64 {
    ms.div_euclid(1000)
}

/// The case's history as the SLA engine reads it.
async fn load_history(tx: &mut Tx, case_id: i64) -> Result<CaseHistory, StoreError> {
    let (registered, channel): (i64, String) = tx
        .one(q("SELECT registered_at, channel FROM cases WHERE id = $1").bind(case_id))
        .await?;
    let mut sql = q("SELECT at, field, old_value, new_value FROM case_history WHERE case_id = ");
    sql.push_bind(case_id)
        .push(" AND field IN ")
        .push_list(HistoryField::SLA.iter().map(|f| f.key()))
        .push(" ORDER BY id");
    let rows: Vec<(i64, String, Option<String>, Option<String>)> = tx.all(sql).await?;
    let entries: Vec<StoredEntry> = rows
        .into_iter()
        .map(|(at, field, old, new)| StoredEntry {
            at: secs(at),
            field,
            old,
            new,
        })
        .collect();
    let corrupt = |message: String| StoreError::Corrupt(format!("case {case_id}: {message}"));
    let channel = channel
        .parse::<Channel>()
        .map_err(|_| corrupt(format!("unknown channel `{channel}`")))?;
    history::case_history(secs(registered), channel, &entries).map_err(|e| corrupt(e.to_string()))
}

fn level(c: &ClockOutcome) -> i64 {
    c.escalations
        .iter()
        .map(|(l, _)| i64::from(*l))
        .max()
        .unwrap_or(0)
}

/// Replays the case up to `now`, stores its SLA state, records newly
/// reached levels and queues their notifications. Returns how many levels
/// were newly recorded.
pub(crate) async fn sync(
    tx: &mut Tx,
    settings: &SlaSettings,
    case_id: i64,
    now: Timestamp,
) -> Result<(SlaOutcome, usize), StoreError> {
    let history = load_history(tx, case_id).await?;
    let until = history
        .events
        .last()
        .map_or(history.registered_at, |e| e.at)
        .max(now.as_second());
    let o = replay(&settings.policy, &history, until);
    let mut recorded = 0;
    for (clock, c) in [("response", &o.response), ("resolution", &o.resolution)] {
        for &(lvl, at) in &c.escalations {
            let late = now.as_second() - at > settings.late_after_seconds;
            let id: Option<i64> = tx.scalar_opt(q("INSERT INTO escalations (case_id, clock, level, reached_at, recorded_at, late) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (case_id, clock, level) DO NOTHING RETURNING id",).bind(case_id).bind(clock).bind(i64::from(lvl)).bind(at * 1000).bind(ms(now)).bind(late))
            .await?;
            if let Some(id) = id {
                recorded += 1;
                queue_notifications(tx, settings, case_id, id, usize::from(lvl), now).await?;
            }
        }
    }
    let met_or_none = |c: &ClockOutcome| c.met_at.is_none().then_some(c.due);
    let next_due = match (met_or_none(&o.response), met_or_none(&o.resolution)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    tx.exec(q("UPDATE cases SET response_due = $1, resolution_due = $2, response_met_at = $3, resolution_met_at = $4, \
         response_breached = $5, resolution_breached = $6, resolution_paused = $7, paused_seconds = $8, \
         response_level = $9, resolution_level = $10, agreed_deadline = $11, next_due = $12, next_escalation_at = $13, \
         sla_synced_at = $14, sla_error = NULL, sla_error_at = NULL WHERE id = $15",).bind(o.response.due * 1000).bind(o.resolution.due * 1000).bind(o.response.met_at.map(|s| s * 1000)).bind(o.resolution.met_at.map(|s| s * 1000)).bind(o.response.breached).bind(o.resolution.breached).bind(o.resolution.paused).bind(o.resolution.paused_seconds).bind(level(&o.response)).bind(level(&o.resolution)).bind(o.resolution.agreed_deadline.map(|s| s * 1000)).bind(next_due.map(|s| s * 1000)).bind(o.next_escalation().map(|s| s * 1000)).bind(ms(now)).bind(case_id))
    .await?;
    Ok((o, recorded))
}

/// One outbox row per recipient: the handler in the app and in the log,
/// and each contact of the level in the log; by e-mail, the handler
/// (unless they turned it off) and each contact of the level with an
/// address who hears of the case's priority; to the webhook (an SMS
/// gateway), the handler and those contacts, as JSON it can send on.
async fn queue_notifications(
    tx: &mut Tx,
    settings: &SlaSettings,
    case_id: i64,
    escalation_id: i64,
    level: usize,
    now: Timestamp,
) -> Result<(), StoreError> {
    type HandlerRow = (
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let (priority, handler_id, handler_name, full_name, phone, email): HandlerRow = tx
        .one(
            q(
                "SELECT c.priority, u.id, u.username, u.full_name, u.phone, u.email FROM cases c \
               LEFT JOIN users u ON u.id = c.handler_id WHERE c.id = $1",
            )
            .bind(case_id),
        )
        .await?;
    let handler = handler_id.zip(handler_name);
    let priority = priority.parse::<skranke_core::Priority>().ok();
    // The level's contacts who hear of this priority, on every channel.
    let contacts: Vec<&Contact> = settings
        .contacts
        .get(level.saturating_sub(1))
        .into_iter()
        .flatten()
        .filter(|c| priority.is_none_or(|p| c.hears_of(p)))
        .collect();
    let mut rows: Vec<(&str, String, Option<i64>)> = Vec::new();
    if let Some((id, username)) = &handler {
        rows.push(("in_app", format!("user:{username}"), Some(*id)));
        rows.push(("log", format!("user:{username}"), Some(*id)));
    }
    for c in &contacts {
        rows.push((
            "log",
            format!("contact:{} ({}) {} {}", c.name, c.role, c.phone, c.email),
            None,
        ));
    }
    if settings.webhook {
        let json = |name: &str, role: &str, phone: &str, email: &str| {
            serde_json::json!({"name": name, "role": role, "phone": phone, "email": email})
                .to_string()
        };
        if let Some((id, _)) = &handler {
            let text = |v: &Option<String>| v.clone().unwrap_or_default();
            let who = json(&text(&full_name), "handler", &text(&phone), &text(&email));
            rows.push(("webhook", who, Some(*id)));
        }
        for c in &contacts {
            rows.push(("webhook", json(&c.name, &c.role, &c.phone, &c.email), None));
        }
    }
    for (channel, recipient, user_id) in rows {
        tx.exec(q("INSERT INTO outbox (escalation_id, case_id, channel, recipient, user_id, idempotency_key, created_at, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",).bind(escalation_id).bind(case_id).bind(channel).bind(&recipient).bind(user_id).bind(format!("escalation:{escalation_id}:{channel}:{recipient}")).bind(ms(now)).bind(ms(now)))
        .await?;
    }
    let Some(domain) = settings.mail_domain.as_deref() else {
        return Ok(());
    };
    let mut readers: Vec<(Option<i64>, String, String, String)> = Vec::new();
    if let Some((id, _)) = &handler
        && let Some((address, name, locale)) =
            crate::outgoing::mail_reader(tx, *id, NoticeKind::Escalated).await?
    {
        readers.push((Some(*id), address, name, locale));
    }
    for c in &contacts {
        if let Some(address) = skranke_core::mail::address(&c.email)
            && !readers.iter().any(|r| r.1 == address)
        {
            readers.push((None, address, c.name.clone(), "nb".into()));
        }
    }
    for (user_id, address, name, locale) in &readers {
        crate::outgoing::queue(
            tx,
            domain,
            &crate::outgoing::Queued {
                key: format!("escalation:{escalation_id}:mail:{address}"),
                kind: NoticeKind::Escalated.key(),
                case_id: Some(case_id),
                message_id: None,
                escalation_id: Some(escalation_id),
                inbound_id: None,
                user_id: *user_id,
                actor_id: None,
                recipient: address,
                recipient_name: name,
                locale,
                ..crate::outgoing::Queued::default()
            },
            now,
        )
        .await?;
    }
    Ok(())
}

impl Store {
    /// Cases whose next escalation instant has come, earliest first (by
    /// index), after `after` (the last `(next_escalation_at, id)` seen).
    pub async fn due_escalations(
        &self,
        now: Timestamp,
        after: Option<(i64, i64)>,
        limit: i64,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        let (at, id) = after.unwrap_or((i64::MIN, i64::MIN));
        Ok(self
            .reader()
            .all(
                q("SELECT next_escalation_at, id FROM cases WHERE next_escalation_at IS NOT NULL \
                   AND next_escalation_at <= $1 AND (next_escalation_at > $2 OR (next_escalation_at = $2 AND id > $3)) \
                   ORDER BY next_escalation_at, id LIMIT $4")
                .bind(ms(now))
                .bind(at)
                .bind(id)
                .bind(limit),
            )
            .await?)
    }

    /// Sets a case aside that the SLA engine cannot replay: the scheduler
    /// stops looking at it, and admins see why.
    pub async fn record_sla_error(
        &self,
        case_id: i64,
        error: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.exec(
            q("UPDATE cases SET next_escalation_at = NULL, sla_error = $1, sla_error_at = $2 WHERE id = $3")
                .bind(error)
                .bind(ms(now))
                .bind(case_id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Cases set aside by `record_sla_error`, newest first.
    pub async fn sla_errors(&self, limit: i64) -> Result<Vec<SlaError>, StoreError> {
        Ok(self
            .reader()
            .all(
                q(
                    "SELECT number, title, sla_error AS error, sla_error_at AS at FROM cases \
                   WHERE sla_error IS NOT NULL ORDER BY sla_error_at DESC, id DESC LIMIT $1",
                )
                .bind(limit),
            )
            .await?)
    }

    /// Brings one case's SLA state up to `now`; returns the levels newly recorded.
    pub async fn sweep_case(&self, case_id: i64, now: Timestamp) -> Result<usize, StoreError> {
        let mut tx = self.begin().await?;
        tx.lock_case(case_id).await?;
        let (_, recorded) = sync(&mut tx, &self.sla, case_id, now).await?;
        tx.commit().await?;
        Ok(recorded)
    }

    /// Messages waiting for delivery (leased or not), for inspection.
    pub async fn pending_outbox(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<OutboxItem>, StoreError> {
        let mut q = q(OUTBOX_SELECT);
        q.push(" WHERE o.delivered_at IS NULL AND o.next_attempt_at <= ")
            .push_bind(ms(now));
        q.push(" ORDER BY o.next_attempt_at, o.id LIMIT ")
            .push_bind(limit);
        Ok(self.reader().all(q).await?)
    }

    /// Leases up to `limit` deliverable messages to `owner` until `now +
    /// lease`. On PostgreSQL rows another instance holds are skipped
    /// (`FOR UPDATE SKIP LOCKED`); an expired lease (its instance died) is
    /// taken over, so a message is delivered at least once and, for the
    /// in-app list, exactly once.
    pub async fn claim_outbox(
        &self,
        owner: &str,
        now: Timestamp,
        lease: jiff::SignedDuration,
        limit: i64,
    ) -> Result<Vec<OutboxItem>, StoreError> {
        let mut tx = self.begin().await?;
        let ids = crate::lease::Queue::OUTBOX
            .lease(&mut tx, owner, now, lease, limit)
            .await?;
        let items = if ids.is_empty() {
            Vec::new()
        } else {
            let mut q = q(OUTBOX_SELECT);
            q.push(" WHERE o.id IN ")
                .push_list(ids)
                .push(" ORDER BY o.next_attempt_at, o.id");
            tx.all(q).await?
        };
        tx.commit().await?;
        Ok(items)
    }

    /// Delivers an in-app notification: the list entry and the outbox mark
    /// in one transaction, so it is delivered exactly once.
    pub async fn deliver_in_app(
        &self,
        item: &OutboxItem,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let user = item.user_id.ok_or(StoreError::MissingReference("user"))?;
        tx.exec(q("INSERT INTO notifications (user_id, case_id, kind, outbox_id, created_at) VALUES ($1, $2, 'escalated', $3, $4) \
             ON CONFLICT (outbox_id) WHERE outbox_id IS NOT NULL DO NOTHING",).bind(user).bind(item.case_id).bind(item.id).bind(ms(now)))
        .await?;
        mark(&mut tx, item.id, now, None, None).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn mark_delivered(&self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        mark(&mut tx, id, now, None, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a failed attempt and when to try again.
    pub async fn mark_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        mark(&mut tx, id, retry_at, Some(error), Some(retry_at)).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn escalations_of(&self, case_id: i64) -> Result<Vec<EscalationRow>, StoreError> {
        Ok(self.reader().all(q("SELECT clock, level, reached_at, recorded_at, late FROM escalations WHERE case_id = $1 ORDER BY reached_at, id",).bind(case_id))
        .await?)
    }

    pub async fn notifications(
        &self,
        user_id: i64,
        limit: i64,
    ) -> Result<Vec<Notification>, StoreError> {
        Ok(self.reader().all(q("SELECT n.id, n.kind, c.number AS case_number, c.title AS case_title, \
             a.full_name AS actor_name, e.clock, e.level, e.late, n.created_at, n.read_at, \
             ou.message_id AS op_message_id, om.title AS op_title FROM notifications n \
             LEFT JOIN cases c ON c.id = n.case_id LEFT JOIN users a ON a.id = n.actor_id \
             LEFT JOIN op_message_updates ou ON ou.id = n.op_update_id LEFT JOIN op_messages om ON om.id = ou.message_id \
             LEFT JOIN outbox o ON o.id = n.outbox_id LEFT JOIN escalations e ON e.id = o.escalation_id \
             WHERE n.user_id = $1 ORDER BY n.id DESC LIMIT $2",).bind(user_id).bind(limit))
        .await?)
    }

    /// Marks one of the person's notifications read; `NotFound` if it is not theirs.
    pub async fn mark_notification_read(
        &self,
        user_id: i64,
        id: i64,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let found: Option<Option<i64>> = tx
            .scalar_opt(
                q("SELECT read_at FROM notifications WHERE id = $1 AND user_id = $2")
                    .bind(id)
                    .bind(user_id),
            )
            .await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        tx.exec(
            q("UPDATE notifications SET read_at = $1 WHERE id = $2 AND read_at IS NULL")
                .bind(ms(now))
                .bind(id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn unread_notifications(&self, user_id: i64) -> Result<i64, StoreError> {
        Ok(self
            .reader()
            .scalar(
                q("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
                    .bind(user_id),
            )
            .await?)
    }

    pub async fn mark_notifications_read(
        &self,
        user_id: i64,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.exec(
            q("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
                .bind(ms(now))
                .bind(user_id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn mark(
    tx: &mut Tx,
    id: i64,
    now: Timestamp,
    error: Option<&str>,
    retry_at: Option<Timestamp>,
) -> Result<(), StoreError> {
    let q = match retry_at {
        None => q("UPDATE outbox SET delivered_at = $1, attempts = attempts + 1, lease_until = NULL WHERE id = $2")
            .bind(ms(now))
            .bind(id),
        Some(at) => q(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, lease_until = NULL \
             WHERE id = $3",
        )
        .bind(error)
        .bind(ms(at))
        .bind(id),
    };
    tx.exec(q).await?;
    Ok(())
}
