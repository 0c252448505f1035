//! Sessions, API tokens and login throttling. Only hashes of secrets are stored.

use crate::query::q;
use crate::users::{USER_COLUMNS, USER_JOINS};
use crate::{SessionUser, Store, StoreError, User, ms};
use jiff::Timestamp;

impl Store {
    pub async fn create_session(
        &self,
        id_hash: &str,
        user_id: i64,
        csrf_token: &str,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        // Housekeeping rides along with logins instead of needing a timer.
        tx.exec(q("DELETE FROM sessions WHERE expires_at < $1").bind(ms(now)))
            .await?;
        tx.exec(q("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",).bind(id_hash).bind(user_id).bind(csrf_token).bind(ms(now)).bind(ms(expires)))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The active user of an unexpired session, in one query: this runs on
    /// every page request.
    pub async fn session_user(
        &self,
        id_hash: &str,
        now: Timestamp,
    ) -> Result<Option<SessionUser>, StoreError> {
        Ok(self
            .reader()
            .opt(
                q(format!(
                    "{USER_COLUMNS}, s.csrf_token FROM users u JOIN sessions s ON s.user_id = u.id {USER_JOINS} \
                     WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.active = TRUE"
                ))
                .bind(id_hash)
                .bind(ms(now)),
            )
            .await?)
    }

    pub async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.exec(q("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn create_api_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.scalar(q("INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",).bind(user_id).bind(name).bind(token_hash).bind(ms(now)))
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The active user a bearer token belongs to. Read-only on purpose:
    /// a write per API call would put the single writer on every read path.
    pub async fn token_user(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        Ok(self.reader().opt(q(format!(
            "{USER_COLUMNS} FROM users u {USER_JOINS} JOIN api_tokens k ON k.user_id = u.id WHERE k.token_hash = $1 AND u.active = TRUE"
        )).bind(token_hash))
        .await?)
    }

    pub async fn list_api_tokens(
        &self,
        user_id: i64,
    ) -> Result<Vec<(i64, String, i64)>, StoreError> {
        Ok(self
            .reader()
            .all(
                q("SELECT id, name, created_at FROM api_tokens WHERE user_id = $1 ORDER BY id")
                    .bind(user_id),
            )
            .await?)
    }

    pub async fn delete_api_token(&self, user_id: i64, id: i64) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let n = tx
            .exec(
                q("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2")
                    .bind(id)
                    .bind(user_id),
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn record_login_failure(
        &self,
        keys: &[&str],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        for key in keys {
            tx.exec(
                q("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
                    .bind(*key)
                    .bind(ms(now)),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn login_failures_since(
        &self,
        key: &str,
        since: Timestamp,
    ) -> Result<i64, StoreError> {
        Ok(self
            .reader()
            .scalar(
                q("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2")
                    .bind(key)
                    .bind(ms(since)),
            )
            .await?)
    }

    pub async fn clear_login_failures(
        &self,
        key: &str,
        before: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.exec(
            q("DELETE FROM login_failures WHERE key = $1 OR at < $2")
                .bind(key)
                .bind(ms(before)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
