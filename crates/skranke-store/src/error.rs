use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken; the string names the field.
    #[error("{0} is already taken")]
    Conflict(&'static str),
    /// An edit must say which version of the case it is based on.
    #[error("the version the change is based on is required")]
    VersionRequired,
    /// An idempotency key used again for a different request.
    #[error("the idempotency key was used for another request")]
    IdempotencyMismatch,
    /// A referenced row (organization, unit, team, service, user) does not exist.
    #[error("{0} does not exist")]
    MissingReference(&'static str),
    /// No connection came free in time: the database is overloaded.
    #[error("the database is busy")]
    Busy,
    #[error("database error: {0}")]
    Db(sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database file: {0}")]
    Io(#[from] std::io::Error),
    #[error("stored value is corrupt: {0}")]
    Corrupt(String),
    /// The rules of change refused it; nothing was written.
    #[error("{0}")]
    Rejected(#[from] skranke_core::change::ChangeError),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        if is_busy(&e) {
            StoreError::Busy
        } else {
            StoreError::Db(e)
        }
    }
}

/// Overload, not failure: no connection free in time, or a lock held
/// longer than we wait (SQLite `SQLITE_BUSY`/`SQLITE_LOCKED`; PostgreSQL
/// `lock_timeout`, a deadlock or a serialization failure). Trying again
/// later can succeed.
fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(d) => {
            let code = d.code();
            let code = code.as_deref().unwrap_or("");
            matches!(code, "55P03" | "40001" | "40P01")
                || code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6))
        }
        _ => false,
    }
}

impl StoreError {
    /// Maps a UNIQUE violation to `Conflict(field)`; other errors pass through.
    pub(crate) fn unique(e: sqlx::Error, field: &'static str) -> StoreError {
        match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(field),
            _ => StoreError::from(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StoreError;

    #[test]
    fn no_connection_in_time_is_busy_not_a_failure() {
        assert!(matches!(
            StoreError::from(sqlx::Error::PoolTimedOut),
            StoreError::Busy
        ));
        assert!(matches!(
            StoreError::from(sqlx::Error::RowNotFound),
            StoreError::Db(_)
        ));
    }
}
