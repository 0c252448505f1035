use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken; the string names the field.
    #[error("{0} is already taken")]
    Conflict(&'static str),
    /// A referenced row (organization, unit, team, service, user) does not exist.
    #[error("{0} does not exist")]
    MissingReference(&'static str),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored value is corrupt: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Maps a UNIQUE violation to `Conflict(field)`; other errors pass through.
    pub(crate) fn unique(e: sqlx::Error, field: &'static str) -> StoreError {
        match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(field),
            _ => StoreError::Db(e),
        }
    }
}
