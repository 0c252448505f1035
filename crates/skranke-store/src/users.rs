use crate::auth::audit;
use crate::query::q;
use crate::{Store, StoreError, User, ms};
use jiff::Timestamp;
use skranke_core::UserKind;
use skranke_core::audit::AuditEntry;

/// The SELECT that every `User` is read with.
pub(crate) const USER_COLUMNS: &str = "SELECT u.id, u.username, u.full_name, u.email, u.phone, u.kind, \
    u.org_id, o.name AS org_name, u.unit_id, un.name AS unit_name, u.team_id, t.name AS team_name, u.active, \
    u.must_change_password, u.locale, u.org_contact";
/// The joins that give a user the names of their organization, unit and team.
pub(crate) const USER_JOINS: &str = "LEFT JOIN organizations o ON o.id = u.org_id \
    LEFT JOIN units un ON un.id = u.unit_id LEFT JOIN teams t ON t.id = u.team_id";

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub kind: UserKind,
    pub org_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub team_id: Option<i64>,
    pub password_hash: Option<String>,
    /// The password is for one login only (an admin or the CLI made it up).
    pub must_change_password: bool,
}

impl Store {
    pub async fn create_user(
        &self,
        u: &NewUser,
        entry: &AuditEntry,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        if let Some(unit) = u.unit_id {
            let org: Option<i64> = tx
                .scalar_opt(q("SELECT org_id FROM units WHERE id = $1").bind(unit))
                .await?;
            if org.is_none() || (u.org_id.is_some() && org != u.org_id) {
                return Err(StoreError::MissingReference("unit"));
            }
        }
        let id = tx.scalar(q("INSERT INTO users (username, full_name, email, phone, kind, org_id, unit_id, team_id, password_hash, created_at, must_change_password) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",).bind(&u.username).bind(&u.full_name).bind(u.email.to_lowercase()).bind(&u.phone).bind(u.kind.key()).bind(u.org_id).bind(u.unit_id).bind(u.team_id).bind(&u.password_hash).bind(ms(now)).bind(u.must_change_password))
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(d)
                if d.message().contains("users.email") || d.constraint() == Some("users_email_key") =>
            {
                StoreError::Conflict("email")
            }
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                StoreError::MissingReference("organization or team")
            }
            _ => StoreError::unique(e, "username"),
        })?;
        let mut entry = entry.clone();
        entry.subject_id = Some(id);
        audit(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn count_users(&self) -> Result<i64, StoreError> {
        Ok(self
            .reader()
            .scalar(q("SELECT COUNT(*) FROM users"))
            .await?)
    }

    pub async fn user(&self, id: i64) -> Result<User, StoreError> {
        self.reader()
            .opt(
                q(format!(
                    "{USER_COLUMNS} FROM users u {USER_JOINS} WHERE u.id = $1"
                ))
                .bind(id),
            )
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The user and password hash for a login attempt.
    pub async fn user_for_login(
        &self,
        username: &str,
    ) -> Result<Option<(User, Option<String>)>, StoreError> {
        let user: Option<User> = self
            .reader()
            .opt(
                q(format!(
                    "{USER_COLUMNS} FROM users u {USER_JOINS} WHERE u.username = $1"
                ))
                .bind(username),
            )
            .await?;
        let Some(user) = user else { return Ok(None) };
        let hash: Option<String> = self
            .reader()
            .scalar(q("SELECT password_hash FROM users WHERE id = $1").bind(user.id))
            .await?;
        Ok(Some((user, hash)))
    }

    pub async fn user_by_username(&self, username: &str) -> Result<User, StoreError> {
        self.reader()
            .opt(
                q(format!(
                    "{USER_COLUMNS} FROM users u {USER_JOINS} WHERE u.username = $1"
                ))
                .bind(username),
            )
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The active person with this e-mail address (compared in lower case).
    pub async fn user_by_email(&self, address: &str) -> Result<Option<User>, StoreError> {
        Ok(self
            .reader()
            .opt(
                q(format!(
                    "{USER_COLUMNS} FROM users u {USER_JOINS} WHERE lower(u.email) = $1 AND u.active = TRUE ORDER BY u.id LIMIT 1"
                ))
                .bind(address.to_lowercase()),
            )
            .await?)
    }

    pub async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        Ok(self
            .reader()
            .all(q(format!(
                "{USER_COLUMNS} FROM users u {USER_JOINS} ORDER BY u.kind, u.username"
            )))
            .await?)
    }

    pub async fn list_agents(&self) -> Result<Vec<User>, StoreError> {
        Ok(self
            .reader()
            .all(q(format!(
                "{USER_COLUMNS} FROM users u {USER_JOINS} WHERE u.kind = 'agent' AND u.active = TRUE ORDER BY u.full_name"
            )))
            .await?)
    }

    /// Finds people by name, username or e-mail (phone intake). Bounded.
    pub async fn search_users(&self, text: &str, limit: i64) -> Result<Vec<User>, StoreError> {
        let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
        Ok(self.reader().all(q(format!(
            "{USER_COLUMNS} FROM users u {USER_JOINS} WHERE u.active = TRUE AND (lower(u.full_name) LIKE $1 ESCAPE '\\' \
             OR lower(u.username) LIKE $1 ESCAPE '\\' OR u.email LIKE $1 ESCAPE '\\') \
             ORDER BY u.full_name LIMIT $2"
        )).bind(pattern).bind(limit))
        .await?)
    }

    pub async fn set_user_active(
        &self,
        id: i64,
        active: bool,
        entry: &AuditEntry,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let n = tx
            .exec(
                q("UPDATE users SET active = $1 WHERE id = $2")
                    .bind(active)
                    .bind(id),
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        if !active {
            // A deactivated person cannot keep acting through old sessions or tokens.
            tx.exec(q("DELETE FROM sessions WHERE user_id = $1").bind(id))
                .await?;
            tx.exec(q("DELETE FROM api_tokens WHERE user_id = $1").bind(id))
                .await?;
        }
        audit(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_user_team(
        &self,
        id: i64,
        team_id: Option<i64>,
        entry: &AuditEntry,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let n = tx
            .exec(
                q("UPDATE users SET team_id = $1 WHERE id = $2")
                    .bind(team_id)
                    .bind(id),
            )
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                    StoreError::MissingReference("team")
                }
                _ => StoreError::from(e),
            })?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        audit(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The person's language (`None`: follow the browser).
    pub async fn set_locale(&self, id: i64, locale: Option<&str>) -> Result<(), StoreError> {
        self.set_own_choice(
            q("UPDATE users SET locale = $1 WHERE id = $2")
                .bind(locale)
                .bind(id),
        )
        .await
    }

    /// The notices a person does not want by e-mail (stored keys).
    pub async fn mail_off(&self, id: i64) -> Result<String, StoreError> {
        self.reader()
            .scalar_opt(q("SELECT mail_off FROM users WHERE id = $1").bind(id))
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn set_mail_off(&self, id: i64, off: &str) -> Result<(), StoreError> {
        self.set_own_choice(
            q("UPDATE users SET mail_off = $1 WHERE id = $2")
                .bind(off)
                .bind(id),
        )
        .await
    }

    /// One of a person's own choices, on their row: `NotFound` without it.
    async fn set_own_choice(&self, update: crate::query::Q) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        if tx.exec(update).await? == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }
}

pub(crate) fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
