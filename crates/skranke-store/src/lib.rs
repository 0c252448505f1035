//! Skranke's storage: the schema, its migrations, and one `Store` whose
//! methods are the only place SQL is written. Every write runs in one
//! transaction and returns only after commit, so an acknowledged write is
//! durable (SQLite in WAL mode with `synchronous=FULL`).

mod auth;
mod cases;
mod catalog;
mod db;
mod error;
mod export;
mod idempotency;
mod lease;
mod mail;
mod models;
mod operational;
mod orgs;
mod outgoing;
mod query;
mod sla;
mod users;

pub use auth::{AuditRow, NewSession, NewToken, ThrottleKeys, TokenInfo, TokenUser};
pub use cases::{
    BasedOn, CaseFilter, CaseSort, ChangeCase, Changed, Copied, CreateCase, NewAttachment, Queue,
    Registered,
};
pub use catalog::{CatalogEntry, Imported};
pub use db::Store;
pub use error::StoreError;
pub use export::exported_columns;
pub use idempotency::IdempotencyKey;
pub use mail::{
    CaseMail, MailAbout, MailSource, NewInboundMail, PendingMail, QuarantinedMail, Received,
};
pub use models::*;
pub use operational::{
    Affected, EditOpMessage, NewOpMessage, OpHistoryRow, OpRecord, OpRow, OpUpdate, Subscription,
};
pub use outgoing::{Outgoing, OutgoingRow};
pub use sla::{EscalationRow, Notification, OutboxItem, SlaError, SlaSettings};
pub use users::NewUser;

/// Milliseconds since the Unix epoch: how instants are stored.
pub(crate) fn ms(t: jiff::Timestamp) -> i64 {
    t.as_millisecond()
}

pub fn from_ms(ms: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

impl Store {
    /// A `SELECT COUNT(*) …` for tests and checks; the text is the caller's.
    #[doc(hidden)]
    pub async fn count_for_test(&self, sql: &'static str) -> i64 {
        self.reader().scalar(query::q(sql)).await.unwrap_or(-1)
    }
}
