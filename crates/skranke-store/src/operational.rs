//! Operational messages: kept as `skranke_core::operational` decides. Every
//! public event (the publication, an update, a change of state) is a row of
//! the timeline, written in the transaction of the change together with the
//! notices and mail it causes for the message's subscribers.

use crate::cases::CASE_SELECT;
use crate::db::{Store, Tx};
use crate::error::StoreError;
use crate::query::q;
use crate::{Case, from_ms, ms};
use jiff::Timestamp;
use skranke_core::UserKind;
use skranke_core::notice::NoticeKind;
use skranke_core::operational::{
    Follows, OpDiff, OpFields, OpKind, OpMessage, OpState, Severity, Subscriber,
};

/// A message as stored, with who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: OpKind,
    pub title: String,
    pub body: String,
    pub severity: Option<String>,
    #[sqlx(try_from = "String")]
    pub state: OpState,
    pub published: bool,
    pub starts_at: i64,
    pub ends_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub created_by: i64,
    pub created_by_name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

/// A message with the services and organisations it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpRecord {
    pub row: OpRow,
    pub services: Vec<i64>,
    pub orgs: Vec<i64>,
}

impl OpRecord {
    /// The message as the rules read it.
    pub fn rules(&self) -> OpMessage {
        let r = &self.row;
        OpMessage {
            id: r.id,
            state: r.state,
            fields: OpFields {
                kind: r.kind,
                title: r.title.clone(),
                body: r.body.clone(),
                severity: r
                    .severity
                    .as_deref()
                    .and_then(|s| s.parse::<Severity>().ok()),
                services: self.services.clone(),
                orgs: self.orgs.clone(),
                starts_at: from_ms(r.starts_at),
                ends_at: r.ends_at.map(from_ms),
                published: r.published,
            },
        }
    }
}

/// One event of a message's public timeline.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpUpdate {
    pub id: i64,
    pub message_id: i64,
    /// `published`, `update` or `state`.
    pub event: String,
    pub author_name: Option<String>,
    pub body: String,
    #[sqlx(try_from = "String")]
    pub state: OpState,
    pub created_at: i64,
}

/// One edit of a message, as its history keeps it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpHistoryRow {
    pub at: i64,
    pub actor_name: Option<String>,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// Someone who said the message concerns them too.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Affected {
    pub user_id: i64,
    pub full_name: String,
    pub org_name: Option<String>,
    pub at: i64,
}

/// A subscription as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Subscription {
    pub id: i64,
    pub service_id: Option<i64>,
    pub service_name: Option<String>,
    pub message_id: Option<i64>,
    pub message_title: Option<String>,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    pub created_at: i64,
}

/// What a new message is made of.
#[derive(Debug, Clone)]
pub struct NewOpMessage {
    pub fields: OpFields,
    pub state: OpState,
    pub actor_id: i64,
    /// The case it is made from (the first report of the fault): linked.
    pub from_case: Option<i64>,
    pub now: Timestamp,
}

/// An edit as core judged it, based on the version the editor saw.
#[derive(Debug, Clone)]
pub struct EditOpMessage<'a> {
    pub after: &'a OpMessage,
    pub diff: &'a [OpDiff],
    pub version: i64,
    pub actor_id: i64,
    /// Said with a change of state (public), else the state alone.
    pub note: &'a str,
    pub now: Timestamp,
}

const OP_SELECT: &str = "SELECT m.id, m.kind, m.title, m.body, m.severity, m.state, m.published, \
    m.starts_at, m.ends_at, m.resolved_at, m.created_by, u.full_name AS created_by_name, m.created_at, \
    m.updated_at, m.version FROM op_messages m JOIN users u ON u.id = m.created_by";

/// A subscriber of a message, or of a service: each organisation's
/// subscription reaches that organisation's contacts.
const SUBSCRIBERS: &str = "SELECT s.id, u.id AS user_id, u.kind, u.org_id, u.active, s.service_id, s.message_id \
    FROM status_subscriptions s JOIN users u ON \
    ((s.org_id IS NULL AND u.id = s.user_id) OR (s.org_id IS NOT NULL AND u.org_id = s.org_id AND u.org_contact)) \
    WHERE s.message_id = $1 OR s.service_id IS NOT NULL ORDER BY s.id";

#[derive(sqlx::FromRow)]
struct SubscriberRow {
    id: i64,
    user_id: i64,
    #[sqlx(try_from = "String")]
    kind: UserKind,
    org_id: Option<i64>,
    active: bool,
    service_id: Option<i64>,
    message_id: Option<i64>,
}

async fn write_scope(tx: &mut Tx, id: i64, f: &OpFields) -> Result<(), StoreError> {
    tx.exec(q("DELETE FROM op_message_services WHERE message_id = $1").bind(id))
        .await?;
    tx.exec(q("DELETE FROM op_message_orgs WHERE message_id = $1").bind(id))
        .await?;
    for s in &f.services {
        tx.exec(
            q("INSERT INTO op_message_services (message_id, service_id) VALUES ($1, $2)")
                .bind(id)
                .bind(*s),
        )
        .await
        .map_err(|e| missing(e, "services"))?;
    }
    for o in &f.orgs {
        tx.exec(
            q("INSERT INTO op_message_orgs (message_id, org_id) VALUES ($1, $2)")
                .bind(id)
                .bind(*o),
        )
        .await
        .map_err(|e| missing(e, "orgs"))?;
    }
    Ok(())
}

fn missing(e: sqlx::Error, field: &'static str) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            StoreError::MissingReference(field)
        }
        _ => StoreError::from(e),
    }
}

async fn history(
    tx: &mut Tx,
    id: i64,
    actor: Option<i64>,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
    now: Timestamp,
) -> Result<(), StoreError> {
    tx.exec(
        q("INSERT INTO op_message_history (message_id, at, actor_id, field, old_value, new_value) \
           VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id)
        .bind(ms(now))
        .bind(actor)
        .bind(field)
        .bind(old.map(str::to_owned))
        .bind(new.map(str::to_owned)),
    )
    .await?;
    Ok(())
}

/// A message with its scope, read through a transaction or the read pool
/// (both have the same query methods).
macro_rules! load_with {
    ($exec:expr, $id:expr) => {{
        let id: i64 = $id;
        let row: OpRow = $exec
            .opt(q(format!("{OP_SELECT} WHERE m.id = $1")).bind(id))
            .await?
            .ok_or(StoreError::NotFound)?;
        let services: Vec<(i64,)> = $exec
            .all(q("SELECT service_id FROM op_message_services WHERE message_id = $1 ORDER BY service_id").bind(id))
            .await?;
        let orgs: Vec<(i64,)> = $exec
            .all(q("SELECT org_id FROM op_message_orgs WHERE message_id = $1 ORDER BY org_id").bind(id))
            .await?;
        Ok::<OpRecord, StoreError>(OpRecord {
            row,
            services: services.into_iter().map(|(s,)| s).collect(),
            orgs: orgs.into_iter().map(|(o,)| o).collect(),
        })
    }};
}

async fn load(tx: &mut Tx, id: i64) -> Result<OpRecord, StoreError> {
    load_with!(tx, id)
}

/// Adds an event to the public timeline and tells the subscribers of it
/// (in the app, and by mail to those who want it).
async fn publish_event(
    tx: &mut Tx,
    mail_domain: Option<&str>,
    message: &OpMessage,
    event: &str,
    author: Option<i64>,
    body: &str,
    now: Timestamp,
) -> Result<i64, StoreError> {
    let update_id: i64 = tx
        .scalar(
            q("INSERT INTO op_message_updates (message_id, event, author_id, body, state, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(message.id)
            .bind(event)
            .bind(author)
            .bind(body)
            .bind(message.state.key())
            .bind(ms(now)),
        )
        .await?;
    let rows: Vec<SubscriberRow> = tx.all(q(SUBSCRIBERS).bind(message.id)).await?;
    let subscribers: Vec<Subscriber> = rows
        .into_iter()
        .filter_map(|r| {
            let follows = match (r.service_id, r.message_id) {
                (Some(s), _) => Follows::Service(s),
                (None, Some(m)) => Follows::Message(m),
                (None, None) => return None,
            };
            Some(Subscriber {
                subscription_id: r.id,
                user_id: r.user_id,
                kind: r.kind,
                org_id: r.org_id,
                active: r.active,
                follows,
            })
        })
        .collect();
    let kind = NoticeKind::StatusUpdate;
    for (user_id, subscription_id) in skranke_core::operational::recipients(message, &subscribers) {
        // Nobody is told of what they did themselves.
        if Some(user_id) == author {
            continue;
        }
        tx.exec(
            q(
                "INSERT INTO notifications (user_id, kind, actor_id, created_at, op_update_id) \
               VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(user_id)
            .bind(kind.key())
            .bind(author)
            .bind(ms(now))
            .bind(update_id),
        )
        .await?;
        if let Some(domain) = mail_domain
            && let Some((address, name, locale)) =
                crate::outgoing::mail_reader(tx, user_id, kind).await?
        {
            crate::outgoing::queue(
                tx,
                domain,
                &crate::outgoing::Queued {
                    key: format!("op-update:{update_id}:{user_id}"),
                    kind: kind.key(),
                    user_id: Some(user_id),
                    actor_id: author,
                    recipient: &address,
                    recipient_name: &name,
                    locale: &locale,
                    op_update_id: Some(update_id),
                    subscription_id: Some(subscription_id),
                    ..crate::outgoing::Queued::default()
                },
                now,
            )
            .await?;
        }
    }
    Ok(update_id)
}

impl Store {
    /// Every message, newest first; resolved ones only if `with_resolved`.
    /// Who may see which is the caller's to judge (`OpMessage::visible_to`).
    pub async fn op_messages(&self, with_resolved: bool) -> Result<Vec<OpRecord>, StoreError> {
        let filter = if with_resolved {
            ""
        } else {
            " WHERE m.state <> 'resolved'"
        };
        let chosen = format!(
            "SELECT m.id FROM op_messages m{filter} ORDER BY m.starts_at DESC, m.id DESC LIMIT 500"
        );
        let rows: Vec<OpRow> = self
            .reader()
            .all(q(format!(
                "{OP_SELECT} WHERE m.id IN ({chosen}) ORDER BY m.starts_at DESC, m.id DESC"
            )))
            .await?;
        // The services and organisations of the chosen messages only (a
        // message and its scope are written in one transaction).
        let mut scope: std::collections::HashMap<i64, (Vec<i64>, Vec<i64>)> =
            std::collections::HashMap::new();
        let services: Vec<(i64, i64)> = self
            .reader()
            .all(q(format!(
                "SELECT message_id, service_id FROM op_message_services WHERE message_id IN ({chosen}) \
                 ORDER BY service_id"
            )))
            .await?;
        for (m, s) in services {
            scope.entry(m).or_default().0.push(s);
        }
        let orgs: Vec<(i64, i64)> = self
            .reader()
            .all(q(format!(
                "SELECT message_id, org_id FROM op_message_orgs WHERE message_id IN ({chosen}) ORDER BY org_id"
            )))
            .await?;
        for (m, o) in orgs {
            scope.entry(m).or_default().1.push(o);
        }
        Ok(rows
            .into_iter()
            .map(|row| {
                let (services, orgs) = scope.remove(&row.id).unwrap_or_default();
                OpRecord {
                    services,
                    orgs,
                    row,
                }
            })
            .collect())
    }

    /// One message, from the read pool (a page view takes no writer).
    pub async fn op_message(&self, id: i64) -> Result<OpRecord, StoreError> {
        let mut reader = self.reader();
        load_with!(reader, id)
    }

    /// Stores a new message (with its history's first entry, the link to
    /// the case it came from, and, when published, its first public event).
    pub async fn create_op_message(&self, m: &NewOpMessage) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let f = &m.fields;
        let id: i64 = tx
            .scalar(
                q("INSERT INTO op_messages (kind, title, body, severity, state, published, starts_at, ends_at, \
                   created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id")
                .bind(f.kind.key())
                .bind(&f.title)
                .bind(&f.body)
                .bind(f.severity.map(|s| s.key().to_owned()))
                .bind(m.state.key())
                .bind(f.published)
                .bind(ms(f.starts_at))
                .bind(f.ends_at.map(ms))
                .bind(m.actor_id)
                .bind(ms(m.now)),
            )
            .await?;
        write_scope(&mut tx, id, f).await?;
        history(
            &mut tx,
            id,
            Some(m.actor_id),
            "created",
            None,
            Some(m.state.key()),
            m.now,
        )
        .await?;
        if let Some(case_id) = m.from_case {
            link(&mut tx, id, case_id, m.actor_id, m.now).await?;
        }
        if f.published {
            let message = OpMessage {
                id,
                fields: f.clone(),
                state: m.state,
            };
            let domain = self.sla.mail_domain.clone();
            publish_event(
                &mut tx,
                domain.as_deref(),
                &message,
                "published",
                Some(m.actor_id),
                "",
                m.now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Writes an edit core has judged; `Conflict("version")` if the message
    /// changed since the editor saw it. Publishing and a change of state
    /// are public events; the rest is history only.
    pub async fn edit_op_message(&self, e: &EditOpMessage<'_>) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let f = &e.after.fields;
        let before = load(&mut tx, e.after.id).await?;
        let resolved_at = match (before.row.state, e.after.state) {
            (OpState::Resolved, OpState::Resolved) => before.row.resolved_at,
            (_, OpState::Resolved) => Some(ms(e.now)),
            _ => None,
        };
        let n = tx
            .exec(
                q("UPDATE op_messages SET title = $1, body = $2, severity = $3, state = $4, published = $5, \
                   starts_at = $6, ends_at = $7, resolved_at = $8, updated_at = $9, version = version + 1 \
                   WHERE id = $10 AND version = $11")
                .bind(&f.title)
                .bind(&f.body)
                .bind(f.severity.map(|s| s.key().to_owned()))
                .bind(e.after.state.key())
                .bind(f.published)
                .bind(ms(f.starts_at))
                .bind(f.ends_at.map(ms))
                .bind(resolved_at)
                .bind(ms(e.now))
                .bind(e.after.id)
                .bind(e.version),
            )
            .await?;
        if n == 0 {
            return Err(StoreError::Conflict("version"));
        }
        write_scope(&mut tx, e.after.id, f).await?;
        for d in e.diff {
            history(
                &mut tx,
                e.after.id,
                Some(e.actor_id),
                d.field,
                Some(&d.old),
                Some(&d.new),
                e.now,
            )
            .await?;
        }
        let domain = self.sla.mail_domain.clone();
        let newly_published = f.published && !before.row.published;
        let state_changed = e.diff.iter().any(|d| d.field == "state");
        if newly_published {
            publish_event(
                &mut tx,
                domain.as_deref(),
                e.after,
                "published",
                Some(e.actor_id),
                e.note,
                e.now,
            )
            .await?;
        } else if state_changed && f.published {
            publish_event(
                &mut tx,
                domain.as_deref(),
                e.after,
                "state",
                Some(e.actor_id),
                e.note,
                e.now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A public update (a draft's is kept for its publication's subscribers
    /// to read later, and reaches nobody now).
    pub async fn add_op_update(
        &self,
        message: &OpMessage,
        actor_id: i64,
        body: &str,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let domain = self.sla.mail_domain.clone();
        let id = publish_event(
            &mut tx,
            domain.as_deref(),
            message,
            "update",
            Some(actor_id),
            body,
            now,
        )
        .await?;
        tx.exec(
            q("UPDATE op_messages SET updated_at = $1 WHERE id = $2")
                .bind(ms(now))
                .bind(message.id),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Writes "active" on planned messages whose start has come, each a
    /// public event by the system; returns how many.
    pub async fn activate_due_op_messages(&self, now: Timestamp) -> Result<usize, StoreError> {
        let due: Vec<(i64,)> = self
            .reader()
            .all(
                q("SELECT id FROM op_messages WHERE state = 'planned' AND starts_at <= $1")
                    .bind(ms(now)),
            )
            .await?;
        let mut done = 0;
        for (id,) in due {
            let mut tx = self.begin().await?;
            // Another instance may have been first.
            let n = tx
                .exec(
                    q(
                        "UPDATE op_messages SET state = 'active', version = version + 1 \
                       WHERE id = $1 AND state = 'planned' AND starts_at <= $2",
                    )
                    .bind(id)
                    .bind(ms(now)),
                )
                .await?;
            if n == 1 {
                let record = load(&mut tx, id).await?;
                history(
                    &mut tx,
                    id,
                    None,
                    "state",
                    Some("planned"),
                    Some("active"),
                    now,
                )
                .await?;
                if record.row.published {
                    let domain = self.sla.mail_domain.clone();
                    publish_event(
                        &mut tx,
                        domain.as_deref(),
                        &record.rules(),
                        "state",
                        None,
                        "",
                        now,
                    )
                    .await?;
                }
                done += 1;
            }
            tx.commit().await?;
        }
        Ok(done)
    }

    /// The public timeline of these messages, oldest first.
    pub async fn op_updates(
        &self,
        message_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<OpUpdate>, StoreError> {
        let sql = "SELECT x.id, x.message_id, x.event, a.full_name AS author_name, x.body, x.state, x.created_at \
            FROM op_message_updates x LEFT JOIN users a ON a.id = x.author_id \
            WHERE ($1 IS NULL OR x.message_id = $1) ORDER BY x.id DESC LIMIT $2";
        let mut rows: Vec<OpUpdate> = self
            .reader()
            .all(q(sql).bind(message_id).bind(limit))
            .await?;
        rows.reverse();
        Ok(rows)
    }

    pub async fn op_history(&self, message_id: i64) -> Result<Vec<OpHistoryRow>, StoreError> {
        Ok(self
            .reader()
            .all(
                q(
                    "SELECT h.at, a.full_name AS actor_name, h.field, h.old_value, h.new_value \
                   FROM op_message_history h LEFT JOIN users a ON a.id = h.actor_id \
                   WHERE h.message_id = $1 ORDER BY h.id",
                )
                .bind(message_id),
            )
            .await?)
    }

    /// Links a case to a message (once; linking again changes nothing).
    pub async fn link_op_case(
        &self,
        message_id: i64,
        case_id: i64,
        actor_id: i64,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let linked = link(&mut tx, message_id, case_id, actor_id, now).await?;
        tx.commit().await?;
        Ok(linked)
    }

    pub async fn unlink_op_case(
        &self,
        message_id: i64,
        case_id: i64,
        actor_id: i64,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let n = tx
            .exec(
                q("DELETE FROM op_message_cases WHERE message_id = $1 AND case_id = $2")
                    .bind(message_id)
                    .bind(case_id),
            )
            .await?;
        if n > 0 {
            let number: String = tx
                .scalar(q("SELECT number FROM cases WHERE id = $1").bind(case_id))
                .await?;
            history(
                &mut tx,
                message_id,
                Some(actor_id),
                "case",
                Some(&number),
                None,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(n > 0)
    }

    /// The cases linked to a message, oldest first.
    pub async fn op_cases(&self, message_id: i64) -> Result<Vec<Case>, StoreError> {
        Ok(self
            .reader()
            .all(
                q(format!(
                    "{CASE_SELECT} JOIN op_message_cases l ON l.case_id = c.id WHERE l.message_id = $1 ORDER BY c.id"
                ))
                .bind(message_id),
            )
            .await?)
    }

    /// The messages a case is linked to.
    pub async fn case_op_messages(&self, case_id: i64) -> Result<Vec<i64>, StoreError> {
        let rows: Vec<(i64,)> = self
            .reader()
            .all(
                q("SELECT message_id FROM op_message_cases WHERE case_id = $1 ORDER BY message_id")
                    .bind(case_id),
            )
            .await?;
        Ok(rows.into_iter().map(|(m,)| m).collect())
    }

    /// "This concerns me too": the person is counted as affected and
    /// follows the message. Returns false if they had said so already.
    pub async fn mark_affected(
        &self,
        message_id: i64,
        user_id: i64,
        token: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let n = tx
            .exec(
                q(
                    "INSERT INTO op_message_affected (message_id, user_id, at) VALUES ($1, $2, $3) \
                   ON CONFLICT DO NOTHING",
                )
                .bind(message_id)
                .bind(user_id)
                .bind(ms(now)),
            )
            .await?;
        subscribe(
            &mut tx,
            user_id,
            Follows::Message(message_id),
            None,
            token,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(n > 0)
    }

    /// Who said the message concerns them, and the requesters of its cases.
    pub async fn op_affected(&self, message_id: i64) -> Result<Vec<Affected>, StoreError> {
        Ok(self
            .reader()
            .all(
                q("SELECT u.id AS user_id, u.full_name, o.name AS org_name, MIN(x.at) AS at FROM \
                   (SELECT user_id, at FROM op_message_affected WHERE message_id = $1 \
                    UNION ALL SELECT c.requester_id, l.linked_at FROM op_message_cases l JOIN cases c ON c.id = l.case_id \
                    WHERE l.message_id = $1) x \
                   JOIN users u ON u.id = x.user_id LEFT JOIN organizations o ON o.id = u.org_id \
                   GROUP BY u.id, u.full_name, o.name ORDER BY MIN(x.at), u.id")
                .bind(message_id),
            )
            .await?)
    }

    /// Follows a service or a message (for an organisation, when `org_id`
    /// is set); following what one follows already is no change. Returns
    /// the subscription's id.
    pub async fn subscribe(
        &self,
        user_id: i64,
        follows: Follows,
        org_id: Option<i64>,
        token: &str,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id = subscribe(&mut tx, user_id, follows, org_id, token, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Ends one of the person's subscriptions; `NotFound` if not theirs.
    pub async fn unsubscribe(&self, user_id: i64, id: i64) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let n = tx
            .exec(
                q("DELETE FROM status_subscriptions WHERE id = $1 AND user_id = $2")
                    .bind(id)
                    .bind(user_id),
            )
            .await?;
        tx.commit().await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The one-click unsubscribe of a mail; what it was about, if the
    /// token named a subscription.
    pub async fn unsubscribe_by_token(
        &self,
        token: &str,
    ) -> Result<Option<Subscription>, StoreError> {
        let mut tx = self.begin().await?;
        let found: Option<Subscription> = tx
            .opt(q(format!("{SUBSCRIPTION_SELECT} WHERE s.token = $1")).bind(token))
            .await?;
        if let Some(s) = &found {
            tx.exec(q("DELETE FROM status_subscriptions WHERE id = $1").bind(s.id))
                .await?;
        }
        tx.commit().await?;
        Ok(found)
    }

    pub async fn subscription_by_token(
        &self,
        token: &str,
    ) -> Result<Option<Subscription>, StoreError> {
        Ok(self
            .reader()
            .opt(q(format!("{SUBSCRIPTION_SELECT} WHERE s.token = $1")).bind(token))
            .await?)
    }

    pub async fn subscriptions_of(&self, user_id: i64) -> Result<Vec<Subscription>, StoreError> {
        Ok(self
            .reader()
            .all(
                q(format!(
                    "{SUBSCRIPTION_SELECT} WHERE s.user_id = $1 ORDER BY s.id"
                ))
                .bind(user_id),
            )
            .await?)
    }

    /// Makes someone their organisation's contact, or not (audited).
    pub async fn set_org_contact(
        &self,
        user_id: i64,
        contact: bool,
        entry: &skranke_core::audit::AuditEntry,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let n = tx
            .exec(
                q("UPDATE users SET org_contact = $1 WHERE id = $2")
                    .bind(contact)
                    .bind(user_id),
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        crate::auth::audit(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

const SUBSCRIPTION_SELECT: &str = "SELECT s.id, s.service_id, sv.name AS service_name, s.message_id, \
    m.title AS message_title, s.org_id, o.name AS org_name, s.created_at FROM status_subscriptions s \
    LEFT JOIN services sv ON sv.id = s.service_id LEFT JOIN op_messages m ON m.id = s.message_id \
    LEFT JOIN organizations o ON o.id = s.org_id";

async fn subscribe(
    tx: &mut Tx,
    user_id: i64,
    follows: Follows,
    org_id: Option<i64>,
    token: &str,
    now: Timestamp,
) -> Result<i64, StoreError> {
    let (service, message) = match follows {
        Follows::Service(s) => (Some(s), None),
        Follows::Message(m) => (None, Some(m)),
    };
    tx.exec(
        q("INSERT INTO status_subscriptions (user_id, service_id, message_id, org_id, token, created_at) \
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING")
        .bind(user_id)
        .bind(service)
        .bind(message)
        .bind(org_id)
        .bind(token)
        .bind(ms(now)),
    )
    .await
    .map_err(|e| missing(e, if service.is_some() { "service" } else { "message" }))?;
    Ok(tx
        .scalar(
            q("SELECT id FROM status_subscriptions WHERE user_id = $1 AND COALESCE(service_id, 0) = COALESCE($2, 0) \
               AND COALESCE(message_id, 0) = COALESCE($3, 0) AND COALESCE(org_id, 0) = COALESCE($4, 0)")
            .bind(user_id)
            .bind(service)
            .bind(message)
            .bind(org_id),
        )
        .await?)
}

async fn link(
    tx: &mut Tx,
    message_id: i64,
    case_id: i64,
    actor_id: i64,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let n = tx
        .exec(
            q("INSERT INTO op_message_cases (message_id, case_id, linked_by, linked_at) VALUES ($1, $2, $3, $4) \
               ON CONFLICT DO NOTHING")
            .bind(message_id)
            .bind(case_id)
            .bind(actor_id)
            .bind(ms(now)),
        )
        .await
        .map_err(|e| missing(e, "case"))?;
    if n > 0 {
        let number: String = tx
            .scalar(q("SELECT number FROM cases WHERE id = $1").bind(case_id))
            .await?;
        history(
            tx,
            message_id,
            Some(actor_id),
            "case",
            None,
            Some(&number),
            now,
        )
        .await?;
    }
    Ok(n > 0)
}
