use crate::{SlaSettings, StoreError};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The handle to the database. Cheap to clone.
///
/// Writes go through a pool of exactly one connection: SQLite has one writer
/// anyway, and serialising in the pool instead of in SQLite's busy handler
/// keeps latency predictable. That one place is also where group commit
/// (several queued writes in one transaction) slots in later without any
/// caller changing. Reads use a separate pool and never wait for writes.
#[derive(Clone)]
pub struct Store {
    pub(crate) read: SqlitePool,
    pub(crate) write: SqlitePool,
    pub(crate) sla: Arc<SlaSettings>,
}

impl Store {
    /// Opens (creating if needed) the SQLite file and runs migrations. The
    /// SLA settings are what every write uses to keep the SLA state.
    pub async fn open_sqlite(path: &Path, sla: SlaSettings) -> Result<Store, StoreError> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone())
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&write).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts.read_only(true))
            .await?;
        Ok(Store {
            read,
            write,
            sla: Arc::new(sla),
        })
    }

    /// A write transaction that takes SQLite's write lock at once, so that a
    /// read-then-write inside it can never fail with SQLITE_BUSY on upgrade.
    pub(crate) async fn begin(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        Ok(self.write.begin_with("BEGIN IMMEDIATE").await?)
    }

    pub fn sla(&self) -> &SlaSettings {
        &self.sla
    }

    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}
