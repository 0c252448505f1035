use crate::query::query_methods;
use crate::{SlaSettings, StoreError};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Postgres, Sqlite, Transaction};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// How long a request waits for a connection from the pool before it is
/// answered "busy, try again" (503) instead of queueing without bound.
const POOL_WAIT: Duration = Duration::from_secs(5);
/// How long a statement waits for a lock another process holds (SQLite's
/// busy timeout, PostgreSQL's `lock_timeout`).
const LOCK_WAIT: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub(crate) enum Pools {
    /// Writes go through a pool of exactly one connection: SQLite has one
    /// writer anyway, and serialising in the pool instead of in SQLite's
    /// busy handler keeps latency predictable. Reads never wait for writes.
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
    },
    Postgres(PgPool),
}

/// The handle to the database, SQLite or PostgreSQL. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub(crate) pools: Pools,
    pub(crate) sla: Arc<SlaSettings>,
}

/// An executor of either backend.
pub(crate) enum Exec<S, P> {
    Sqlite(S),
    Postgres(P),
}

/// A write transaction on either backend.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    fn executor(&mut self) -> Exec<&mut SqliteConnection, &mut PgConnection> {
        match self {
            Tx::Sqlite(t) => Exec::Sqlite(&mut **t),
            Tx::Postgres(t) => Exec::Postgres(&mut **t),
        }
    }

    query_methods!();

    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }

    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self, Tx::Postgres(_))
    }

    /// Locks a case row until commit, so concurrent writers on other
    /// instances serialise on it (SQLite's single writer already does).
    pub(crate) async fn lock_case(&mut self, case_id: i64) -> Result<(), sqlx::Error> {
        if self.is_postgres() {
            self.exec(
                crate::query::q("SELECT id FROM cases WHERE id = $1 FOR UPDATE").bind(case_id),
            )
            .await?;
        }
        Ok(())
    }
}

/// Reads outside a transaction.
pub(crate) struct Reader<'a>(&'a Pools);

impl Reader<'_> {
    fn executor(&mut self) -> Exec<&SqlitePool, &PgPool> {
        match self.0 {
            Pools::Sqlite { read, .. } => Exec::Sqlite(read),
            Pools::Postgres(p) => Exec::Postgres(p),
        }
    }

    query_methods!();
}

impl Store {
    /// Opens (creating if needed) the SQLite file and runs migrations. The
    /// SLA settings are what every write uses to keep the SLA state.
    pub async fn open_sqlite(path: &Path, sla: SlaSettings) -> Result<Store, StoreError> {
        // Readable by the owner only; SQLite gives its -wal and -shm files
        // the database file's permissions.
        private_file(path)?;
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(LOCK_WAIT);
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(POOL_WAIT)
            .connect_with(opts.clone())
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&write).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(POOL_WAIT)
            .connect_with(opts.read_only(true))
            .await?;
        Ok(Store {
            pools: Pools::Sqlite { read, write },
            sla: Arc::new(sla),
        })
    }

    /// Connects to PostgreSQL and runs its migrations (under sqlx's
    /// advisory lock, so instances starting together do not race).
    pub async fn open_postgres(url: &str, sla: SlaSettings) -> Result<Store, StoreError> {
        let opts = url.parse::<PgConnectOptions>()?;
        // Migrations wait as long as another instance's take (their
        // advisory lock); requests wait for locks only `LOCK_WAIT`.
        let migrator = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone())
            .await?;
        sqlx::migrate!("./migrations/postgres")
            .run(&migrator)
            .await?;
        migrator.close().await;
        let wait = format!("{}ms", LOCK_WAIT.as_millis());
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(POOL_WAIT)
            .connect_with(opts.options([("lock_timeout", wait.as_str())]))
            .await?;
        Ok(Store {
            pools: Pools::Postgres(pool),
            sla: Arc::new(sla),
        })
    }

    pub fn backend(&self) -> &'static str {
        match self.pools {
            Pools::Sqlite { .. } => "sqlite",
            Pools::Postgres(_) => "postgres",
        }
    }

    /// A write transaction. On SQLite it takes the write lock at once, so a
    /// read-then-write inside it can never fail with SQLITE_BUSY on upgrade.
    pub(crate) async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match &self.pools {
            Pools::Sqlite { write, .. } => Tx::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?),
            Pools::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    pub(crate) fn reader(&self) -> Reader<'_> {
        Reader(&self.pools)
    }

    pub fn sla(&self) -> &SlaSettings {
        &self.sla
    }

    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite { read, write } => {
                write.close().await;
                read.close().await;
            }
            Pools::Postgres(p) => p.close().await,
        }
    }
}

/// Creates an empty file readable and writable by its owner only, unless
/// it exists already.
fn private_file(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Io(e)),
    }
}
