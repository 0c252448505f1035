//! Rows as the rest of Skranke sees them: domain enums, not strings.

use serde::Serialize;
use skranke_core::change::{CaseState, MessageKind, Person};
use skranke_core::{CaseKind, Channel, Priority, Status, UserKind};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub phone: String,
    #[sqlx(try_from = "String")]
    pub kind: UserKind,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub team_id: Option<i64>,
    pub team_name: Option<String>,
    pub active: bool,
    /// An admin reset the password: it must be changed before anything else.
    pub must_change_password: bool,
    /// The language the person chose (`nb`, `en`); none follows the browser.
    pub locale: Option<String>,
    /// Speaks for their organisation (may subscribe for it).
    pub org_contact: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Organization {
    pub id: i64,
    pub name: String,
    /// Comma-separated in SQL, split here.
    #[sqlx(skip)]
    pub domains: Vec<String>,
    #[sqlx(skip)]
    pub units: Vec<Unit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Unit {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Team {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Service {
    pub id: i64,
    pub name: String,
}

/// A case with the names of everything it refers to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Case {
    pub id: i64,
    pub number: String,
    #[sqlx(try_from = "String")]
    pub kind: CaseKind,
    pub title: String,
    pub description: String,
    pub requester_id: i64,
    pub requester_name: String,
    pub requester_email: String,
    pub org_name: Option<String>,
    pub unit_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    pub requester_username: String,
    pub computer_name: String,
    pub service_id: Option<i64>,
    pub service_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub priority: Priority,
    #[sqlx(try_from = "String")]
    pub suggested_priority: Priority,
    pub priority_confirmed: bool,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub handler_id: Option<i64>,
    pub handler_name: Option<String>,
    pub team_id: Option<i64>,
    pub team_name: Option<String>,
    pub created_by: i64,
    pub registered_at: i64,
    pub updated_at: i64,
    pub resolved_at: Option<i64>,
    pub version: i64,
    pub response_due: Option<i64>,
    pub resolution_due: Option<i64>,
    pub response_met_at: Option<i64>,
    pub resolution_met_at: Option<i64>,
    pub response_breached: bool,
    pub resolution_breached: bool,
    pub resolution_paused: bool,
    pub paused_seconds: i64,
    pub response_level: i64,
    pub resolution_level: i64,
    pub agreed_deadline: Option<i64>,
    pub next_due: Option<i64>,
    pub sla_synced_at: Option<i64>,
    pub follows_id: Option<i64>,
    pub follows_number: Option<String>,
}

impl Case {
    /// The case as the rules of change see it, with the people copied.
    pub fn state(&self, copied: Vec<Person>) -> CaseState {
        CaseState {
            requester_id: self.requester_id,
            status: self.status,
            priority: self.priority,
            priority_confirmed: self.priority_confirmed,
            handler: self.handler_id.map(|id| Person {
                id,
                name: self.handler_name.clone().unwrap_or_default(),
            }),
            team: self.team_id,
            resolved_at: self.resolved_at.map(crate::from_ms),
            agreed_deadline: self.agreed_deadline.map(crate::from_ms),
            copied,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Message {
    pub id: i64,
    pub author_id: i64,
    pub author_name: String,
    pub internal: bool,
    #[sqlx(try_from = "String")]
    pub kind: MessageKind,
    pub body: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Attachment {
    pub id: i64,
    pub case_id: i64,
    pub message_id: Option<i64>,
    pub uploader_name: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub storage_key: String,
    pub internal: bool,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HistoryEntry {
    pub at: i64,
    pub actor_name: Option<String>,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub note: Option<String>,
    /// Recorded with a message, or caused by one.
    pub from_message: bool,
}

/// A user as authenticated by a session, with the session's CSRF token.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUser {
    #[sqlx(flatten)]
    pub user: User,
    pub csrf_token: String,
    pub last_seen_at: i64,
    /// A confirmation waiting for the next page (taken by this read).
    pub flash: Option<String>,
    /// Notifications not yet read.
    pub unread: i64,
}
