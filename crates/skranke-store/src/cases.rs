//! Cases: creation with number and handler, queues, changes with history,
//! messages and attachments.

use crate::db::Tx;
use crate::idempotency::{self, Claim, IdempotencyKey};
use crate::query::q;
use crate::{Attachment, Case, HistoryEntry, Message, Store, StoreError, from_ms, ms};
use jiff::Timestamp;
use skranke_core::assign::{Candidate, pick_handler};
use skranke_core::change::{Change, Decision, Person, Rules, decide, registration_events};
use skranke_core::history::HistoryEvent;
use skranke_core::notice::{self, Notice};
use skranke_core::{Actor, NewCaseInput, Priority, Status};

pub(crate) const CASE_SELECT: &str = "SELECT c.id, c.number, c.kind, c.title, c.description, c.requester_id, \
    r.full_name AS requester_name, r.email AS requester_email, o.name AS org_name, un.name AS unit_name, \
    c.channel, c.requester_username, c.computer_name, c.service_id, s.name AS service_name, c.priority, \
    c.suggested_priority, c.priority_confirmed, c.status, c.handler_id, h.full_name AS handler_name, \
    c.team_id, t.name AS team_name, c.created_by, c.registered_at, c.updated_at, c.resolved_at, c.version, \
    c.response_due, c.resolution_due, c.response_met_at, c.resolution_met_at, c.response_breached, \
    c.resolution_breached, c.resolution_paused, c.paused_seconds, c.response_level, c.resolution_level, \
    c.agreed_deadline, c.next_due, c.sla_synced_at, c.follows_id, f.number AS follows_number \
    FROM cases c JOIN users r ON r.id = c.requester_id \
    LEFT JOIN organizations o ON o.id = c.org_id LEFT JOIN units un ON un.id = c.unit_id \
    LEFT JOIN services s ON s.id = c.service_id LEFT JOIN users h ON h.id = c.handler_id \
    LEFT JOIN teams t ON t.id = c.team_id LEFT JOIN cases f ON f.id = c.follows_id";

const OPEN_STATUSES: &str = "('new', 'in_progress', 'waiting_customer', 'waiting_supplier')";

/// A validated case to register.
#[derive(Debug, Clone)]
pub struct CreateCase {
    pub input: NewCaseInput,
    pub requester_id: i64,
    pub created_by: i64,
    /// Year of registration in local time: the number's prefix.
    pub year: i16,
    pub now: Timestamp,
    pub idempotency: Option<IdempotencyKey>,
    /// Files of the report itself (stored already).
    pub attachments: Vec<NewAttachment>,
    /// The inbound mail it is made from: marked processed with the case,
    /// in the same transaction.
    pub from_mail: Option<i64>,
    /// People copied from the start (each `change::copyable`).
    pub copied: Vec<Person>,
}

/// A registered case, and whether it was registered by an earlier request
/// with the same idempotency key.
#[derive(Debug, Clone)]
pub struct Registered {
    pub case: Case,
    pub replayed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// Open cases handled by this agent.
    Mine(i64),
    /// Open cases with no handler.
    Unassigned,
    /// Open cases of this team.
    Team(i64),
    AllOpen,
    /// Every case, finished ones too.
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaseSort {
    /// The nearest due of a clock that is not met first; cases with none last.
    #[default]
    Deadline,
    Newest,
    Oldest,
    Priority,
    Updated,
}

#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Only this requester's cases (the portal).
    pub requester_id: Option<i64>,
    pub queue: Option<Queue>,
    pub status: Option<Status>,
    pub priority: Option<Priority>,
    /// Matches the number, the title, or the requester's name, username or e-mail.
    pub text: Option<String>,
    pub sort: CaseSort,
    pub limit: i64,
    pub offset: i64,
}

/// A change to a case, as `skranke_core::change::decide` will judge it
/// on the case as it is inside the transaction.
#[derive(Debug, Clone)]
pub struct ChangeCase<'a> {
    pub case_id: i64,
    pub actor: Actor,
    pub change: Change,
    pub based_on: BasedOn,
    /// Files stored already, for a message.
    pub attachments: &'a [NewAttachment],
    pub now: Timestamp,
    pub idempotency: Option<IdempotencyKey>,
    /// The inbound mail the message came in (see `CreateCase::from_mail`).
    pub from_mail: Option<i64>,
}

/// Which version of a case a change is based on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BasedOn {
    /// Whatever the case is now: a message, or a transition the rules
    /// judge on the current state anyway.
    Latest,
    /// The version the client saw: a case changed since is refused rather
    /// than overwritten.
    Version(i64),
    /// An edit whose client did not say which version it saw: refused.
    Unknown,
}

/// Someone copied on a case.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Copied {
    pub id: i64,
    pub full_name: String,
    pub email: String,
}

/// A change as persisted: the case after it, and the message it stored.
#[derive(Debug, Clone)]
pub struct Changed {
    pub case: Case,
    pub message_id: Option<i64>,
    /// Made by an earlier request with the same idempotency key; nothing new was stored.
    pub replayed: bool,
}

#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub storage_key: String,
    pub sha256: String,
}

/// Appends the entries of the change that makes `version`; those from
/// the message get its id.
async fn append_history(
    tx: &mut Tx,
    case_id: i64,
    at: Timestamp,
    version: i64,
    events: &[HistoryEvent],
    message_id: Option<i64>,
) -> Result<(), StoreError> {
    for e in events {
        tx.exec(
            q("INSERT INTO case_history (case_id, at, actor_id, field, old_value, new_value, note, message_id, version) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(case_id)
            .bind(ms(at))
            .bind(e.by)
            .bind(e.field.key())
            .bind(&e.old)
            .bind(&e.new)
            .bind(&e.note)
            .bind(message_id.filter(|_| e.from_message))
            .bind(version),
        )
        .await?;
    }
    Ok(())
}

/// Stores what a change tells people, in its transaction: in the app,
/// and by e-mail to those who want it (`message_id`: the change's public
/// message, which a notice may carry).
async fn add_notices(
    tx: &mut Tx,
    mail_domain: Option<&str>,
    case_id: i64,
    actor: Option<i64>,
    notices: &[Notice],
    message_id: Option<i64>,
    now: Timestamp,
) -> Result<(), StoreError> {
    for n in notices {
        let id: i64 = tx
            .scalar(
                q(
                    "INSERT INTO notifications (user_id, case_id, kind, actor_id, created_at) \
                   VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(n.user_id)
                .bind(case_id)
                .bind(n.kind.key())
                .bind(actor)
                .bind(ms(now)),
            )
            .await?;
        if let Some(domain) = mail_domain
            && let Some((address, name, locale)) =
                crate::outgoing::mail_reader(tx, n.user_id, n.kind).await?
        {
            crate::outgoing::queue(
                tx,
                domain,
                &crate::outgoing::Queued {
                    key: format!("notice:{id}"),
                    kind: n.kind.key(),
                    case_id: Some(case_id),
                    message_id: message_id.filter(|_| n.with_message),
                    escalation_id: None,
                    inbound_id: None,
                    user_id: Some(n.user_id),
                    actor_id: actor,
                    recipient: &address,
                    recipient_name: &name,
                    locale: &locale,
                    op_update_id: None,
                    subscription_id: None,
                },
                now,
            )
            .await?;
        }
    }
    Ok(())
}

/// The active agent to hand a new case to, and their team.
async fn choose_handler(tx: &mut Tx) -> Result<Option<(Person, Option<i64>)>, StoreError> {
    let rows: Vec<(i64, i64, i64, Option<i64>, String)> = tx.all(q(format!(
        "SELECT u.id, (SELECT COUNT(*) FROM cases c WHERE c.handler_id = u.id AND c.status IN {OPEN_STATUSES}), \
         u.last_assigned_seq, u.team_id, u.full_name FROM users u WHERE u.kind = 'agent' AND u.active = TRUE"
    )))
    .await?;
    let candidates: Vec<Candidate> = rows
        .iter()
        .map(|&(user_id, open_cases, last_assigned, _, _)| Candidate {
            user_id,
            open_cases,
            last_assigned,
        })
        .collect();
    let Some(id) = pick_handler(&candidates) else {
        return Ok(None);
    };
    tx.exec(q("UPDATE users SET last_assigned_seq = (SELECT MAX(last_assigned_seq) + 1 FROM users) WHERE id = $1",).bind(id))
    .await?;
    Ok(rows
        .into_iter()
        .find(|r| r.0 == id)
        .map(|(id, _, _, team, name)| (Person { id, name }, team)))
}

impl Store {
    /// Registers a case: takes the next number, assigns a handler and writes
    /// the first history entries, all in one transaction.
    pub async fn create_case(&self, c: CreateCase) -> Result<Registered, StoreError> {
        let mut tx = self.begin().await?;
        if let Some(k) = &c.idempotency
            && let Claim::Replay { case_id, .. } = idempotency::claim(&mut tx, k, c.now).await?
        {
            let id = case_id
                .ok_or_else(|| StoreError::Corrupt("idempotency key without its case".into()))?;
            let case = fetch_case(&mut tx, id).await?;
            tx.commit().await?;
            return Ok(Registered {
                case,
                replayed: true,
            });
        }
        let requester: Option<(Option<i64>, Option<i64>)> = tx
            .opt(
                q("SELECT org_id, unit_id FROM users WHERE id = $1 AND active = TRUE")
                    .bind(c.requester_id),
            )
            .await?;
        let (org_id, unit_id) = requester.ok_or(StoreError::MissingReference("requester"))?;
        let seq: i64 = tx
            .scalar(
                q("INSERT INTO case_sequences (year, next) VALUES ($1, 2) \
             ON CONFLICT (year) DO UPDATE SET next = case_sequences.next + 1 RETURNING next - 1")
                .bind(c.year),
            )
            .await?;
        let number = skranke_core::CaseNumber {
            year: c.year,
            seq: u32::try_from(seq).map_err(|_| StoreError::Corrupt("case sequence".into()))?,
        }
        .to_string();
        let handler = choose_handler(&mut tx).await?;
        let input = &c.input;
        let now = ms(c.now);
        let fk = |field: &'static str| {
            move |e: sqlx::Error| match &e {
                sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                    StoreError::MissingReference(field)
                }
                _ => StoreError::from(e),
            }
        };
        let id: i64 = tx.scalar(q("INSERT INTO cases (number, kind, title, description, requester_id, org_id, unit_id, channel, \
             requester_username, computer_name, service_id, priority, suggested_priority, priority_confirmed, status, \
             handler_id, team_id, created_by, registered_at, updated_at, follows_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'new', $15, $16, $17, $18, $19, $20) RETURNING id",)
            .bind(&number).bind(input.kind.key()).bind(&input.title).bind(&input.description).bind(c.requester_id)
            .bind(org_id).bind(unit_id).bind(input.channel.key()).bind(&input.requester_username).bind(&input.computer_name)
            .bind(input.service_id).bind(input.suggested_priority.key()).bind(input.suggested_priority.key())
            .bind(input.priority_confirmed).bind(handler.as_ref().map(|h| h.0.id)).bind(handler.as_ref().and_then(|h| h.1))
            .bind(c.created_by).bind(now).bind(now).bind(input.follows_id))
        .await
        .map_err(fk("service"))?;
        let handler_person = handler.as_ref().map(|h| &h.0);
        let events = registration_events(
            c.created_by,
            &number,
            input.suggested_priority,
            handler_person,
            &c.copied,
        );
        append_history(&mut tx, id, c.now, 0, &events, None).await?;
        for p in &c.copied {
            copy(&mut tx, id, p.id, c.now).await?;
        }
        for a in &c.attachments {
            tx.exec(q("INSERT INTO attachments (case_id, message_id, uploader_id, filename, content_type, size, \
                 storage_key, sha256, internal, created_at) VALUES ($1, NULL, $2, $3, $4, $5, $6, $7, FALSE, $8)",)
                .bind(id).bind(c.created_by).bind(&a.filename).bind(&a.content_type)
                .bind(a.size).bind(&a.storage_key).bind(&a.sha256).bind(now))
            .await?;
        }
        link_mail(&mut tx, c.from_mail, id, c.now).await?;
        let copied: Vec<i64> = c.copied.iter().map(|p| p.id).collect();
        let notices =
            notice::of_registration(c.requester_id, &copied, c.created_by, handler_person);
        // No `case_views` row yet: for the requester everything the desk
        // writes is new, which is what a missing row means.
        let domain = self.sla.mail_domain.as_deref();
        add_notices(&mut tx, domain, id, None, &notices, None, c.now).await?;
        crate::sla::sync(&mut tx, &self.sla, id, c.now).await?;
        if let Some(k) = &c.idempotency {
            idempotency::record(&mut tx, k, id, None).await?;
        }
        let case = fetch_case(&mut tx, id).await?;
        tx.commit().await?;
        Ok(Registered {
            case,
            replayed: false,
        })
    }

    pub async fn case_by_number(&self, number: &str) -> Result<Case, StoreError> {
        self.reader()
            .opt(q(format!("{CASE_SELECT} WHERE c.number = $1")).bind(number))
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// One page of cases and the total that match the filter.
    pub async fn list_cases(&self, f: &CaseFilter) -> Result<(Vec<Case>, i64), StoreError> {
        let mut count = q("SELECT COUNT(*) FROM cases c WHERE 1 = 1");
        push_filter(&mut count, f);
        let total: i64 = self.reader().scalar(count).await?;
        let mut q = q(CASE_SELECT);
        q.push(" WHERE 1 = 1");
        push_filter(&mut q, f);
        q.push(match f.sort {
            CaseSort::Deadline => " ORDER BY c.next_due NULLS LAST, c.id",
            CaseSort::Newest => " ORDER BY c.registered_at DESC, c.id DESC",
            CaseSort::Oldest => " ORDER BY c.registered_at, c.id",
            CaseSort::Updated => " ORDER BY c.updated_at DESC, c.id DESC",
            CaseSort::Priority => {
                " ORDER BY CASE c.priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, c.registered_at, c.id"
            }
        });
        q.push(" LIMIT ").push_bind(f.limit.clamp(1, 500));
        q.push(" OFFSET ").push_bind(f.offset.max(0));
        let cases = self.reader().all(q).await?;
        Ok((cases, total))
    }

    /// Decides a change on the case as it is (locked), and persists the
    /// decision (state, history, message and files, SLA state) in one
    /// transaction, or nothing at all.
    pub async fn change_case(
        &self,
        c: ChangeCase<'_>,
        rules: &Rules,
    ) -> Result<Changed, StoreError> {
        let mut tx = self.begin().await?;
        if let Some(k) = &c.idempotency
            && let Claim::Replay {
                case_id,
                message_id,
            } = idempotency::claim(&mut tx, k, c.now).await?
        {
            let case = fetch_case(&mut tx, case_id.unwrap_or(c.case_id)).await?;
            tx.commit().await?;
            return Ok(Changed {
                case,
                message_id,
                replayed: true,
            });
        }
        tx.lock_case(c.case_id).await?;
        let old = fetch_case(&mut tx, c.case_id).await?;
        let before = old.state(copied_on(&mut tx, c.case_id).await?);
        // A change is never dated before the case's last one (clocks of
        // several instances may differ a little): history stays in order.
        let now = c.now.max(from_ms(old.updated_at));
        let Decision {
            state,
            events,
            message,
        } = decide(&before, c.actor, c.change, rules, now).map_err(StoreError::Rejected)?;
        let notices = notice::of_change(
            &before,
            &Decision {
                state: state.clone(),
                events: Vec::new(),
                message: message.clone(),
            },
            c.actor,
        );
        // Who may do it and whether it is valid come first; then whether
        // it is based on the case as it is.
        match c.based_on {
            BasedOn::Latest => {}
            BasedOn::Version(v) if v == old.version => {}
            BasedOn::Version(_) => return Err(StoreError::Conflict("version")),
            BasedOn::Unknown => return Err(StoreError::VersionRequired),
        }
        if events.is_empty() {
            // Nothing changes; a claimed key is let go with the rollback.
            return Ok(Changed {
                case: old,
                message_id: None,
                replayed: false,
            });
        }
        let mut message_id = None;
        if let Some((kind, body)) = &message {
            let id: i64 = tx
                .scalar(
                    q("INSERT INTO messages (case_id, author_id, internal, kind, body, created_at) \
                       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                    .bind(c.case_id)
                    .bind(c.actor.user_id)
                    .bind(kind.is_internal())
                    .bind(kind.field().key())
                    .bind(body)
                    .bind(ms(now)),
                )
                .await?;
            for a in c.attachments {
                tx.exec(q("INSERT INTO attachments (case_id, message_id, uploader_id, filename, content_type, size, \
                     storage_key, sha256, internal, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",)
                    .bind(c.case_id).bind(id).bind(c.actor.user_id).bind(&a.filename).bind(&a.content_type)
                    .bind(a.size).bind(&a.storage_key).bind(&a.sha256).bind(kind.is_internal()).bind(ms(now)))
                .await?;
            }
            message_id = Some(id);
        }
        append_history(
            &mut tx,
            c.case_id,
            now,
            old.version + 1,
            &events,
            message_id,
        )
        .await?;
        link_mail(&mut tx, c.from_mail, c.case_id, now).await?;
        for p in &state.copied {
            if !before.is_copied(p.id) {
                copy(&mut tx, c.case_id, p.id, now).await?;
            }
        }
        for p in &before.copied {
            if !state.is_copied(p.id) {
                tx.exec(
                    q("DELETE FROM case_copies WHERE case_id = $1 AND user_id = $2")
                        .bind(c.case_id)
                        .bind(p.id),
                )
                .await?;
            }
        }
        add_notices(
            &mut tx,
            self.sla.mail_domain.as_deref(),
            c.case_id,
            Some(c.actor.user_id),
            &notices,
            message_id,
            now,
        )
        .await?;
        if message_id.is_some() && !c.actor.kind.is_staff() {
            // What one writes oneself is seen.
            mark_seen(&mut tx, c.actor.user_id, c.case_id, now).await?;
        }
        tx.exec(
            q("UPDATE cases SET status = $1, resolved_at = $2, priority = $3, priority_confirmed = $4, \
               handler_id = $5, team_id = $6, updated_at = $7, version = version + 1 WHERE id = $8")
            .bind(state.status.key())
            .bind(state.resolved_at.map(ms))
            .bind(state.priority.key())
            .bind(state.priority_confirmed)
            .bind(state.handler.as_ref().map(|h| h.id))
            .bind(state.team)
            .bind(ms(now))
            .bind(c.case_id),
        )
        .await?;
        crate::sla::sync(&mut tx, &self.sla, c.case_id, now).await?;
        if let Some(k) = &c.idempotency {
            idempotency::record(&mut tx, k, c.case_id, message_id).await?;
        }
        let case = fetch_case(&mut tx, c.case_id).await?;
        tx.commit().await?;
        Ok(Changed {
            case,
            message_id,
            replayed: false,
        })
    }

    pub async fn messages(
        &self,
        case_id: i64,
        include_internal: bool,
    ) -> Result<Vec<Message>, StoreError> {
        Ok(self.reader().all(q("SELECT m.id, m.author_id, u.full_name AS author_name, m.internal, m.kind, m.body, m.created_at \
             FROM messages m JOIN users u ON u.id = m.author_id \
             WHERE m.case_id = $1 AND ($2 OR m.internal = FALSE) ORDER BY m.id",).bind(case_id).bind(include_internal))
        .await?)
    }

    pub async fn attachments(
        &self,
        case_id: i64,
        include_internal: bool,
    ) -> Result<Vec<Attachment>, StoreError> {
        Ok(self.reader().all(q("SELECT a.id, a.case_id, a.message_id, u.full_name AS uploader_name, a.filename, a.content_type, \
             a.size, a.storage_key, a.internal, a.created_at FROM attachments a JOIN users u ON u.id = a.uploader_id \
             WHERE a.case_id = $1 AND ($2 OR a.internal = FALSE) ORDER BY a.id",).bind(case_id).bind(include_internal))
        .await?)
    }

    /// An attachment and the requester of its case (for the read check).
    /// The ids of the people copied on a case (for reading rights).
    pub async fn copied_ids(&self, case_id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(self
            .reader()
            .scalars(q("SELECT user_id FROM case_copies WHERE case_id = $1").bind(case_id))
            .await?)
    }

    /// The people copied on a case, in the order they were.
    pub async fn copied(&self, case_id: i64) -> Result<Vec<Copied>, StoreError> {
        Ok(self
            .reader()
            .all(
                q(format!(
                    "{COPIED_SELECT} WHERE k.case_id = $1 ORDER BY k.added_at, k.user_id"
                ))
                .bind(case_id),
            )
            .await?)
    }

    pub async fn attachment(&self, id: i64) -> Result<(Attachment, i64), StoreError> {
        let a: Attachment = self.reader().opt(q("SELECT a.id, a.case_id, a.message_id, u.full_name AS uploader_name, a.filename, a.content_type, \
             a.size, a.storage_key, a.internal, a.created_at FROM attachments a JOIN users u ON u.id = a.uploader_id \
             WHERE a.id = $1",).bind(id))
        .await?
        .ok_or(StoreError::NotFound)?;
        let requester: i64 = self
            .reader()
            .scalar(q("SELECT requester_id FROM cases WHERE id = $1").bind(a.case_id))
            .await?;
        Ok((a, requester))
    }

    pub async fn history(&self, case_id: i64) -> Result<Vec<HistoryEntry>, StoreError> {
        self.history_since(case_id, i64::MIN).await
    }

    /// The entries of changes after `version` (what changed meanwhile).
    pub async fn history_since(
        &self,
        case_id: i64,
        version: i64,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        Ok(self.reader().all(q("SELECT h.at, u.full_name AS actor_name, h.field, h.old_value, h.new_value, h.note, \
             (h.message_id IS NOT NULL) AS from_message \
             FROM case_history h LEFT JOIN users u ON u.id = h.actor_id WHERE h.case_id = $1 \
             AND COALESCE(h.version, 0) > $2 ORDER BY h.id",).bind(case_id).bind(version))
        .await?)
    }

    /// When this person last looked at the case (epoch ms).
    pub async fn seen_at(&self, user_id: i64, case_id: i64) -> Result<Option<i64>, StoreError> {
        Ok(self
            .reader()
            .scalar_opt(
                q("SELECT seen_at FROM case_views WHERE user_id = $1 AND case_id = $2")
                    .bind(user_id)
                    .bind(case_id),
            )
            .await?)
    }

    /// Records that this person has seen the case as it is now.
    pub async fn mark_case_seen(
        &self,
        user_id: i64,
        case_id: i64,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        mark_seen(&mut tx, user_id, case_id, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Which of these cases have a message from someone else (the desk, or
    /// others on the customer's side) the person has not seen yet.
    pub async fn unseen_replies(
        &self,
        user_id: i64,
        case_ids: &[i64],
    ) -> Result<Vec<i64>, StoreError> {
        if case_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = q(
            "SELECT DISTINCT m.case_id FROM messages m LEFT JOIN case_views v \
             ON v.case_id = m.case_id AND v.user_id = ",
        );
        sql.push_bind(user_id);
        // Words of others (the desk, or others on the customer's side),
        // never internal notes.
        sql.push(" WHERE m.internal = FALSE AND m.author_id <> ")
            .push_bind(user_id);
        sql.push(" AND m.created_at > COALESCE(v.seen_at, 0) AND m.case_id IN ")
            .push_list(case_ids.iter().copied());
        Ok(self.reader().scalars(sql).await?)
    }
}

/// The inbound mail a case or message came from is done, with it.
async fn link_mail(
    tx: &mut Tx,
    mail: Option<i64>,
    case_id: i64,
    now: Timestamp,
) -> Result<(), StoreError> {
    if let Some(id) = mail {
        tx.exec(
            q("UPDATE inbound_mail SET state = 'processed', case_id = $1, processed_at = $2 WHERE id = $3")
                .bind(case_id)
                .bind(ms(now))
                .bind(id),
        )
        .await?;
    }
    Ok(())
}

async fn mark_seen(
    tx: &mut Tx,
    user_id: i64,
    case_id: i64,
    now: Timestamp,
) -> Result<(), StoreError> {
    tx.exec(
        q(
            "INSERT INTO case_views (user_id, case_id, seen_at) VALUES ($1, $2, $3) \
           ON CONFLICT (user_id, case_id) DO UPDATE SET seen_at = excluded.seen_at",
        )
        .bind(user_id)
        .bind(case_id)
        .bind(ms(now)),
    )
    .await?;
    Ok(())
}

/// The people copied on a case, in the order they were.
async fn copied_on(tx: &mut Tx, case_id: i64) -> Result<Vec<Person>, StoreError> {
    let rows: Vec<Copied> = tx
        .all(
            q(format!(
                "{COPIED_SELECT} WHERE k.case_id = $1 ORDER BY k.added_at, k.user_id"
            ))
            .bind(case_id),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Person {
            id: r.id,
            name: r.full_name,
        })
        .collect())
}

const COPIED_SELECT: &str =
    "SELECT u.id, u.full_name, u.email FROM case_copies k JOIN users u ON u.id = k.user_id";

async fn copy(tx: &mut Tx, case_id: i64, user_id: i64, now: Timestamp) -> Result<(), StoreError> {
    tx.exec(
        q("INSERT INTO case_copies (case_id, user_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(case_id)
            .bind(user_id)
            .bind(ms(now)),
    )
    .await?;
    Ok(())
}

async fn fetch_case(tx: &mut Tx, id: i64) -> Result<Case, StoreError> {
    tx.opt(q(format!("{CASE_SELECT} WHERE c.id = $1")).bind(id))
        .await?
        .ok_or(StoreError::NotFound)
}

fn push_filter(q: &mut crate::query::Q, f: &CaseFilter) {
    if let Some(r) = f.requester_id {
        // Their own cases and those they are copied on.
        q.push(" AND (c.requester_id = ").push_bind(r);
        q.push(" OR c.id IN (SELECT k.case_id FROM case_copies k WHERE k.user_id = ")
            .push_bind(r);
        q.push("))");
    }
    match f.queue {
        Some(Queue::Mine(id)) => {
            q.push(" AND c.handler_id = ").push_bind(id);
            q.push(" AND c.status IN ").push(OPEN_STATUSES);
        }
        Some(Queue::Unassigned) => {
            q.push(" AND c.handler_id IS NULL AND c.status IN ")
                .push(OPEN_STATUSES);
        }
        Some(Queue::Team(id)) => {
            q.push(" AND c.team_id = ").push_bind(id);
            q.push(" AND c.status IN ").push(OPEN_STATUSES);
        }
        Some(Queue::AllOpen) => {
            q.push(" AND c.status IN ").push(OPEN_STATUSES);
        }
        Some(Queue::All) | None => {}
    }
    if let Some(s) = f.status {
        q.push(" AND c.status = ").push_bind(s.key());
    }
    if let Some(p) = f.priority {
        q.push(" AND c.priority = ").push_bind(p.key());
    }
    if let Some(t) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", crate::users::escape_like(&t.to_lowercase()));
        q.push(" AND (c.number LIKE ").push_bind(pattern.clone());
        q.push(" ESCAPE '\\' OR lower(c.title) LIKE ")
            .push_bind(pattern.clone());
        // Requesters by name, username or e-mail.
        q.push(" ESCAPE '\\' OR c.requester_id IN (SELECT ru.id FROM users ru WHERE lower(ru.full_name) LIKE ")
            .push_bind(pattern.clone());
        q.push(" ESCAPE '\\' OR lower(ru.username) LIKE ")
            .push_bind(pattern.clone());
        q.push(" ESCAPE '\\' OR lower(ru.email) LIKE ")
            .push_bind(pattern);
        q.push(" ESCAPE '\\'))");
    }
}
