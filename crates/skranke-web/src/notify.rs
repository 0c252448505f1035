//! Delivery of escalation notifications from the outbox. Each channel is a
//! `Delivery`: in-app, log, and the webhook to an SMS gateway (`webhook`).
//! E-mail, of escalations and of every other notice, has its own queue
//! (`outmail`).

use crate::AppState;
use crate::i18n::{Lang, Msg};
use crate::texts::{self, Label};
use jiff::{SignedDuration, Timestamp};
use skranke_store::{OutboxItem, Store, StoreError};
use std::future::Future;
use std::pin::Pin;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One way of delivering an outbox message. On success the delivery has
/// marked the item delivered (in the same transaction as its own write,
/// where it writes to the database), so nothing is delivered twice.
pub trait Delivery: Send + Sync {
    /// The outbox channel this delivers.
    fn channel(&self) -> &'static str;
    fn deliver<'a>(
        &'a self,
        store: &'a Store,
        item: &'a OutboxItem,
        text: &'a str,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<(), String>>;
}

/// The agent's notification list in Skranke.
pub struct InApp;

impl Delivery for InApp {
    fn channel(&self) -> &'static str {
        "in_app"
    }
    fn deliver<'a>(
        &'a self,
        store: &'a Store,
        item: &'a OutboxItem,
        text: &'a str,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            // The list renders it in its reader's language; `text` is for
            // channels that carry words.
            let _ = text;
            store
                .deliver_in_app(item, now)
                .await
                .map_err(|e| e.to_string())
        })
    }
}

/// A structured log line: what operators watch until e-mail and SMS exist.
pub struct Log;

impl Delivery for Log {
    fn channel(&self) -> &'static str {
        "log"
    }
    fn deliver<'a>(
        &'a self,
        store: &'a Store,
        item: &'a OutboxItem,
        text: &'a str,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            tracing::warn!(
                target: "skranke::escalation",
                case = %item.number,
                title = %crate::logsafe::Safe(&item.title),
                clock = %item.clock,
                level = item.level,
                late = item.late,
                recipient = %crate::logsafe::Safe(&item.recipient),
                idempotency_key = %crate::logsafe::Safe(&item.idempotency_key),
                "{}",
                crate::logsafe::Safe(text)
            );
            store
                .mark_delivered(item.id, now)
                .await
                .map_err(|e| e.to_string())
        })
    }
}

/// An escalation level (1–3) by its configured name, else "Nivå N".
pub fn level_name(config: &skranke_core::Config, level: i64) -> String {
    usize::try_from(level - 1)
        .ok()
        .and_then(|i| config.escalation.levels.get(i))
        .map_or_else(
            || Msg::new("level-n").arg("level", level).text(),
            |l| l.name.clone(),
        )
}

/// The words of an escalation for outbox channels that carry text (the
/// log, the webhook), in `lang`.
pub fn escalation_text(config: &skranke_core::Config, item: &OutboxItem, lang: Lang) -> String {
    crate::context::with_lang(lang, || {
        let level_name = level_name(config, item.level);
        let priority = item
            .priority
            .parse::<skranke_core::Priority>()
            .map_or_else(|_| item.priority.clone(), |p| p.label());
        let key = if item.late {
            "escalation-text-late"
        } else {
            "escalation-text"
        };
        Msg::new(key)
            .arg("level_name", level_name)
            .arg("number", item.number.as_str())
            .arg("title", item.title.as_str())
            .arg("priority", priority)
            .arg("clock", texts::clock_label(&item.clock))
            .arg("level", item.level)
            .arg("at", crate::views::Local::local(&item.reached_at))
            .text()
    })
}

pub fn default_deliveries() -> Vec<Box<dyn Delivery>> {
    vec![Box::new(InApp), Box::new(Log)]
}

/// The deliveries the configuration asks for: in-app and log, and the
/// `[webhook]` when it has a URL.
pub fn deliveries(config: &skranke_core::Config) -> Result<Vec<Box<dyn Delivery>>, String> {
    let mut all = default_deliveries();
    if let Some(w) = crate::webhook::Webhook::from_config(config)? {
        all.push(Box::new(w));
    }
    Ok(all)
}

/// Retry backoff: 30 s, 1 min, 2 min … capped at one hour.
fn retry_after(attempts: i64) -> SignedDuration {
    let secs = 30i64.saturating_mul(1 << attempts.clamp(0, 7)).min(3600);
    SignedDuration::from_secs(secs)
}

/// What one sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepReport {
    pub escalated: usize,
    pub delivered: usize,
    pub failed: usize,
    /// Cases set aside because their history cannot be replayed.
    pub unreadable: usize,
}

/// Finds cases whose escalations have fallen due (by index), records the
/// levels reached with their notifications, then delivers the outbox.
/// After downtime this catches up: late levels are recorded as late.
pub async fn sweep_once(state: &AppState, now: Timestamp) -> Result<SweepReport, StoreError> {
    let mut report = SweepReport::default();
    let mut after = None;
    loop {
        let due = state.store.due_escalations(now, after, 200).await?;
        for &(at, id) in &due {
            after = Some((at, id));
            match state.store.sweep_case(id, now).await {
                Ok(n) => report.escalated += n,
                // One unreadable case must not stop every escalation: it is
                // set aside (no longer due) and listed for admins.
                Err(StoreError::Corrupt(e)) => {
                    report.unreadable += 1;
                    tracing::error!(case_id = id, error = %crate::logsafe::Safe(&e), "case set aside: its SLA history cannot be replayed");
                    state.store.record_sla_error(id, &e, now).await?;
                }
                Err(e) => return Err(e),
            }
        }
        if due.len() < 200 {
            break;
        }
    }
    loop {
        let items = state
            .store
            .claim_outbox(&state.instance, now, SignedDuration::from_secs(60), 200)
            .await?;
        for item in &items {
            let text = escalation_text(&state.config, item, Lang::default());
            let result = match state
                .deliveries
                .iter()
                .find(|d| d.channel() == item.channel)
            {
                Some(d) => d.deliver(&state.store, item, &text, now).await,
                None => Err(format!("no delivery for channel `{}`", item.channel)),
            };
            match result {
                Ok(()) => report.delivered += 1,
                Err(e) => {
                    report.failed += 1;
                    tracing::error!(outbox = item.id, error = %crate::logsafe::Safe(&e), "delivery failed; will retry");
                    state
                        .store
                        .mark_failed(item.id, &e, now + retry_after(item.attempts))
                        .await?;
                }
            }
        }
        if items.len() < 200 {
            break;
        }
    }
    Ok(report)
}

/// How often rows that have run out (idempotency keys, sessions, login
/// throttles) are deleted.
const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// Runs `sweep_once` now (catching up after downtime) and then every
/// `sla.sweep_seconds`; purges expired rows every ten minutes.
pub fn spawn_scheduler(state: AppState) -> tokio::task::JoinHandle<()> {
    let every = std::time::Duration::from_secs(u64::from(state.config.sla.sweep_seconds));
    tokio::spawn(async move {
        let mut purged: Option<std::time::Instant> = None;
        loop {
            if purged.is_none_or(|t| t.elapsed() >= PURGE_EVERY) {
                purged = Some(std::time::Instant::now());
                let idle =
                    SignedDuration::from_mins(i64::from(state.config.server.session_idle_minutes));
                if let Err(e) = state.store.purge_expired(Timestamp::now(), idle).await {
                    tracing::error!(error = %crate::logsafe::Safe(&e.to_string()), "purging expired rows failed");
                }
            }
            // Planned messages whose start has come are active (the rules
            // read them so already; this tells their subscribers).
            match state.store.activate_due_op_messages(Timestamp::now()).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(activated = n, "planned operational messages started");
                    state.mail_wake.notify_one();
                }
                Err(e) => {
                    tracing::error!(error = %crate::logsafe::Safe(&e.to_string()), "activating planned messages failed")
                }
            }
            match sweep_once(&state, Timestamp::now()).await {
                Ok(r) if r.escalated + r.delivered + r.failed + r.unreadable > 0 => {
                    tracing::info!(
                        escalated = r.escalated,
                        delivered = r.delivered,
                        failed = r.failed,
                        unreadable = r.unreadable,
                        "escalation sweep"
                    );
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %crate::logsafe::Safe(&e.to_string()), "escalation sweep failed")
                }
            }
            tokio::time::sleep(every).await;
        }
    })
}

/// Where a notification leads: its case, or its operational message.
pub fn notification_href(n: &skranke_store::Notification) -> String {
    match (&n.case_number, n.op_message_id) {
        (Some(number), _) => format!("/cases/{number}"),
        (None, Some(id)) => format!("/status/messages/{id}"),
        (None, None) => "/notifications".to_owned(),
    }
}

/// A notification in its reader's language (the current request's).
pub fn notification_text(config: &skranke_core::Config, n: &skranke_store::Notification) -> String {
    use skranke_core::notice::NoticeKind;
    let msg =
        match n.kind {
            NoticeKind::Assigned => match &n.actor_name {
                Some(by) => Msg::new("notice-text-assigned-by").arg("actor", by.as_str()),
                None => Msg::new("notice-text-assigned"),
            },
            NoticeKind::RequesterReplied => Msg::new("notice-text-requester_replied")
                .arg("actor", n.actor_name.clone().unwrap_or_default()),
            NoticeKind::Reopened => Msg::new("notice-text-reopened")
                .arg("actor", n.actor_name.clone().unwrap_or_default()),
            NoticeKind::Received => Msg::new("notice-text-received"),
            NoticeKind::Replied => Msg::new("notice-text-replied")
                .arg("actor", n.actor_name.clone().unwrap_or_default()),
            NoticeKind::WaitingForYou => Msg::new("notice-text-waiting_for_you"),
            NoticeKind::Resolved => Msg::new("notice-text-resolved"),
            NoticeKind::Copied => Msg::new("notice-text-copied")
                .arg("actor", n.actor_name.clone().unwrap_or_default()),
            NoticeKind::StatusUpdate => Msg::new("notice-text-status_update")
                .arg("message", n.op_title.clone().unwrap_or_default()),
            NoticeKind::Escalated => {
                let level = n.level.unwrap_or(0);
                let level_name = level_name(config, level);
                let key = if n.late == Some(true) {
                    "notice-text-escalated-late"
                } else {
                    "notice-text-escalated"
                };
                Msg::new(key)
                    .arg(
                        "clock",
                        texts::clock_label(n.clock.as_deref().unwrap_or("")),
                    )
                    .arg("level", level)
                    .arg("level_name", level_name)
            }
        };
    msg.arg("number", n.case_number.clone().unwrap_or_default())
        .arg("title", n.case_title.clone().unwrap_or_default())
        .text()
}
