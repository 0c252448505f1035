//! Cases: creation with number and handler, queues, changes with history,
//! messages and attachments.

use crate::db::Tx;
use crate::query::q;
use crate::{Attachment, Case, HistoryEntry, Message, Store, StoreError, ms};
use jiff::Timestamp;
use skranke_core::assign::{Candidate, pick_handler};
use skranke_core::{NewCaseInput, Priority, Status};

const CASE_SELECT: &str = "SELECT c.id, c.number, c.kind, c.title, c.description, c.requester_id, \
    r.full_name AS requester_name, r.email AS requester_email, o.name AS org_name, un.name AS unit_name, \
    c.channel, c.requester_username, c.computer_name, c.service_id, s.name AS service_name, c.priority, \
    c.suggested_priority, c.priority_confirmed, c.status, c.handler_id, h.full_name AS handler_name, \
    c.team_id, t.name AS team_name, c.created_by, c.registered_at, c.updated_at, c.resolved_at, c.version, \
    c.response_due, c.resolution_due, c.response_met_at, c.resolution_met_at, c.response_breached, \
    c.resolution_breached, c.resolution_paused, c.paused_seconds, c.response_level, c.resolution_level, \
    c.agreed_deadline, c.next_due, c.sla_synced_at \
    FROM cases c JOIN users r ON r.id = c.requester_id \
    LEFT JOIN organizations o ON o.id = c.org_id LEFT JOIN units un ON un.id = c.unit_id \
    LEFT JOIN services s ON s.id = c.service_id LEFT JOIN users h ON h.id = c.handler_id \
    LEFT JOIN teams t ON t.id = c.team_id";

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
    /// Matches the number or the title.
    pub text: Option<String>,
    pub sort: CaseSort,
    pub limit: i64,
    pub offset: i64,
}

/// Changes an agent makes to a case. `expected_version` is the version the
/// agent saw; a case changed since is refused rather than overwritten.
#[derive(Debug, Clone, Default)]
pub struct CaseChanges {
    pub expected_version: Option<i64>,
    pub status: Option<Status>,
    pub priority: Option<Priority>,
    pub handler: Option<Option<i64>>,
}

#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub storage_key: String,
    pub sha256: String,
}

async fn history(
    tx: &mut Tx,
    case_id: i64,
    at: Timestamp,
    actor: Option<i64>,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<(), StoreError> {
    tx.exec(q("INSERT INTO case_history (case_id, at, actor_id, field, old_value, new_value) VALUES ($1, $2, $3, $4, $5, $6)",).bind(case_id).bind(ms(at)).bind(actor).bind(field).bind(old).bind(new))
    .await?;
    Ok(())
}

async fn user_name(tx: &mut Tx, id: Option<i64>) -> Result<Option<String>, StoreError> {
    let Some(id) = id else { return Ok(None) };
    Ok(tx
        .scalar_opt(q("SELECT full_name FROM users WHERE id = $1").bind(id))
        .await?)
}

/// The active agent to hand a new case to, and their team.
async fn choose_handler(tx: &mut Tx) -> Result<Option<(i64, Option<i64>)>, StoreError> {
    let rows: Vec<(i64, i64, i64, Option<i64>)> = tx.all(q(format!(
        "SELECT u.id, (SELECT COUNT(*) FROM cases c WHERE c.handler_id = u.id AND c.status IN {OPEN_STATUSES}), \
         u.last_assigned_seq, u.team_id FROM users u WHERE u.kind = 'agent' AND u.active = TRUE"
    )))
    .await?;
    let candidates: Vec<Candidate> = rows
        .iter()
        .map(|&(user_id, open_cases, last_assigned, _)| Candidate {
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
    let team = rows.iter().find(|r| r.0 == id).and_then(|r| r.3);
    Ok(Some((id, team)))
}

impl Store {
    /// Registers a case: takes the next number, assigns a handler and writes
    /// the first history entries, all in one transaction.
    pub async fn create_case(&self, c: CreateCase) -> Result<Case, StoreError> {
        let mut tx = self.begin().await?;
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
        let id: i64 = tx.scalar(q("INSERT INTO cases (number, kind, title, description, requester_id, org_id, unit_id, channel, \
             requester_username, computer_name, service_id, priority, suggested_priority, status, handler_id, \
             team_id, created_by, registered_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'new', $14, $15, $16, $17, $18) RETURNING id",).bind(&number).bind(input.kind.key()).bind(&input.title).bind(&input.description).bind(c.requester_id).bind(org_id).bind(unit_id).bind(input.channel.key()).bind(&input.requester_username).bind(&input.computer_name).bind(input.service_id).bind(input.suggested_priority.key()).bind(input.suggested_priority.key()).bind(handler.map(|h| h.0)).bind(handler.and_then(|h| h.1)).bind(c.created_by).bind(now).bind(now))
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                StoreError::MissingReference("service")
            }
            _ => StoreError::Db(e),
        })?;
        let actor = Some(c.created_by);
        history(&mut tx, id, c.now, actor, "created", None, Some(&number)).await?;
        history(
            &mut tx,
            id,
            c.now,
            actor,
            "priority",
            None,
            Some(input.suggested_priority.key()),
        )
        .await?;
        let handler_name = user_name(&mut tx, handler.map(|h| h.0)).await?;
        history(
            &mut tx,
            id,
            c.now,
            actor,
            "handler",
            None,
            handler_name.as_deref(),
        )
        .await?;
        crate::sla::sync(&mut tx, &self.sla, id, c.now).await?;
        let case = fetch_case(&mut tx, "c.id = $1", id).await?;
        tx.commit().await?;
        Ok(case)
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

    /// Applies an agent's changes; each changed field gets a history entry.
    pub async fn update_case(
        &self,
        case_id: i64,
        actor: i64,
        changes: &CaseChanges,
        now: Timestamp,
    ) -> Result<Case, StoreError> {
        let mut tx = self.begin().await?;
        tx.lock_case(case_id).await?;
        apply_changes(&mut tx, case_id, actor, changes, now).await?;
        crate::sla::sync(&mut tx, &self.sla, case_id, now).await?;
        let case = fetch_case(&mut tx, "c.id = $1", case_id).await?;
        tx.commit().await?;
        Ok(case)
    }

    /// Adds a reply or note with its attachments, and the status change it
    /// implies, in one transaction. Returns the message id.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_message(
        &self,
        case_id: i64,
        author: i64,
        internal: bool,
        body: &str,
        attachments: &[NewAttachment],
        status: Option<Status>,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        tx.lock_case(case_id).await?;
        let message_id: i64 = tx.scalar(q("INSERT INTO messages (case_id, author_id, internal, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",).bind(case_id).bind(author).bind(internal).bind(body).bind(ms(now)))
        .await?;
        for a in attachments {
            tx.exec(q("INSERT INTO attachments (case_id, message_id, uploader_id, filename, content_type, size, \
                 storage_key, sha256, internal, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",).bind(case_id).bind(message_id).bind(author).bind(&a.filename).bind(&a.content_type).bind(a.size).bind(&a.storage_key).bind(&a.sha256).bind(internal).bind(ms(now)))
            .await?;
        }
        let field = if internal {
            "internal_note"
        } else {
            "public_reply"
        };
        history(
            &mut tx,
            case_id,
            now,
            Some(author),
            field,
            None,
            Some(&message_id.to_string()),
        )
        .await?;
        let changes = CaseChanges {
            status,
            ..CaseChanges::default()
        };
        apply_changes(&mut tx, case_id, author, &changes, now).await?;
        crate::sla::sync(&mut tx, &self.sla, case_id, now).await?;
        tx.commit().await?;
        Ok(message_id)
    }

    /// Sets an agreed resolution deadline (avtalt frist) with its reason.
    pub async fn set_agreed_deadline(
        &self,
        case_id: i64,
        actor: i64,
        deadline: Timestamp,
        reason: &str,
        expected_version: Option<i64>,
        now: Timestamp,
    ) -> Result<Case, StoreError> {
        let mut tx = self.begin().await?;
        tx.lock_case(case_id).await?;
        let old = fetch_case(&mut tx, "c.id = $1", case_id).await?;
        if expected_version.is_some_and(|v| v != old.version) {
            return Err(StoreError::Conflict("version"));
        }
        tx.exec(q("INSERT INTO case_history (case_id, at, actor_id, field, old_value, new_value, note) \
             VALUES ($1, $2, $3, 'agreed_deadline', $4, $5, $6)",).bind(case_id).bind(ms(now)).bind(actor).bind(old.agreed_deadline.map(|d| d.to_string())).bind(ms(deadline).to_string()).bind(reason))
        .await?;
        tx.exec(
            q("UPDATE cases SET updated_at = $1, version = version + 1 WHERE id = $2")
                .bind(ms(now))
                .bind(case_id),
        )
        .await?;
        crate::sla::sync(&mut tx, &self.sla, case_id, now).await?;
        let case = fetch_case(&mut tx, "c.id = $1", case_id).await?;
        tx.commit().await?;
        Ok(case)
    }

    pub async fn messages(
        &self,
        case_id: i64,
        include_internal: bool,
    ) -> Result<Vec<Message>, StoreError> {
        Ok(self.reader().all(q("SELECT m.id, m.author_id, u.full_name AS author_name, m.internal, m.body, m.created_at \
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
        Ok(self.reader().all(q("SELECT h.at, u.full_name AS actor_name, h.field, h.old_value, h.new_value, h.note \
             FROM case_history h LEFT JOIN users u ON u.id = h.actor_id WHERE h.case_id = $1 ORDER BY h.id",).bind(case_id))
        .await?)
    }
}

async fn fetch_case(tx: &mut Tx, cond: &'static str, id: i64) -> Result<Case, StoreError> {
    tx.opt(q(format!("{CASE_SELECT} WHERE {cond}")).bind(id))
        .await?
        .ok_or(StoreError::NotFound)
}

async fn apply_changes(
    tx: &mut Tx,
    case_id: i64,
    actor: i64,
    ch: &CaseChanges,
    now: Timestamp,
) -> Result<(), StoreError> {
    let old = fetch_case(tx, "c.id = $1", case_id).await?;
    if ch.expected_version.is_some_and(|v| v != old.version) {
        return Err(StoreError::Conflict("version"));
    }
    let actor_id = Some(actor);
    let mut status = old.status;
    let mut resolved_at = old.resolved_at;
    if let Some(new) = ch.status.filter(|s| *s != old.status) {
        history(
            tx,
            case_id,
            now,
            actor_id,
            "status",
            Some(old.status.key()),
            Some(new.key()),
        )
        .await?;
        if new.is_finished() && old.status.is_open() {
            resolved_at = Some(ms(now));
        } else if new.is_open() {
            resolved_at = None;
        }
        status = new;
    }
    let mut priority = old.priority;
    let mut confirmed = old.priority_confirmed;
    if let Some(new) = ch.priority {
        if new != old.priority {
            history(
                tx,
                case_id,
                now,
                actor_id,
                "priority",
                Some(old.priority.key()),
                Some(new.key()),
            )
            .await?;
        } else if !old.priority_confirmed {
            history(
                tx,
                case_id,
                now,
                actor_id,
                "priority_confirmed",
                None,
                Some(new.key()),
            )
            .await?;
        }
        priority = new;
        confirmed = true;
    }
    let mut handler = old.handler_id;
    let mut team = old.team_id;
    if let Some(new) = ch.handler.filter(|h| *h != old.handler_id) {
        team = match new {
            Some(id) => {
                let t: Option<Option<i64>> = tx.scalar_opt(q("SELECT team_id FROM users WHERE id = $1 AND kind = 'agent' AND active = TRUE",).bind(id))
                .await?;
                t.ok_or(StoreError::MissingReference("handler"))?
            }
            None => None,
        };
        let new_name = user_name(tx, new).await?;
        history(
            tx,
            case_id,
            now,
            actor_id,
            "handler",
            old.handler_name.as_deref(),
            new_name.as_deref(),
        )
        .await?;
        handler = new;
    }
    tx.exec(q("UPDATE cases SET status = $1, resolved_at = $2, priority = $3, priority_confirmed = $4, handler_id = $5, \
         team_id = $6, updated_at = $7, version = version + 1 WHERE id = $8",).bind(status.key()).bind(resolved_at).bind(priority.key()).bind(confirmed).bind(handler).bind(team).bind(ms(now)).bind(case_id))
    .await?;
    Ok(())
}

fn push_filter(q: &mut crate::query::Q, f: &CaseFilter) {
    if let Some(r) = f.requester_id {
        q.push(" AND c.requester_id = ").push_bind(r);
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
            .push_bind(pattern);
        q.push(" ESCAPE '\\')");
    }
}
