//! Sessions, API tokens and login throttling. Only hashes of secrets are stored.

use crate::users::USER_SELECT;
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
        sqlx::query("DELETE FROM sessions WHERE expires_at < ?")
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(id_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(ms(now))
        .bind(ms(expires))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn session_user(
        &self,
        id_hash: &str,
        now: Timestamp,
    ) -> Result<Option<SessionUser>, StoreError> {
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT s.user_id, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id_hash = ? AND s.expires_at > ? AND u.active = 1",
        )
        .bind(id_hash)
        .bind(ms(now))
        .fetch_optional(&self.read)
        .await?;
        let Some((user_id, csrf_token)) = row else {
            return Ok(None);
        };
        let user = self.user(user_id).await?;
        Ok(Some(SessionUser { user, csrf_token }))
    }

    pub async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM sessions WHERE id_hash = ?")
            .bind(id_hash)
            .execute(&mut *tx)
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
        let id = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(token_hash)
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The active user a bearer token belongs to. Read-only on purpose:
    /// a write per API call would put the single writer on every read path.
    pub async fn token_user(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{USER_SELECT} JOIN api_tokens k ON k.user_id = u.id WHERE k.token_hash = ? AND u.active = 1"
        )))
        .bind(token_hash)
        .fetch_optional(&self.read)
        .await?)
    }

    pub async fn list_api_tokens(
        &self,
        user_id: i64,
    ) -> Result<Vec<(i64, String, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, name, created_at FROM api_tokens WHERE user_id = ? ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn delete_api_token(&self, user_id: i64, id: i64) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let n = sqlx::query("DELETE FROM api_tokens WHERE id = ? AND user_id = ?")
            .bind(id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
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
            sqlx::query("INSERT INTO login_failures (key, at) VALUES (?, ?)")
                .bind(*key)
                .bind(ms(now))
                .execute(&mut *tx)
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
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?")
                .bind(key)
                .bind(ms(since))
                .fetch_one(&self.read)
                .await?,
        )
    }

    pub async fn clear_login_failures(
        &self,
        key: &str,
        before: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM login_failures WHERE key = ? OR at < ?")
            .bind(key)
            .bind(ms(before))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
