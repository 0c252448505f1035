//! Sessions, login forms, API tokens, the login throttle and the audit
//! log. Only hashes of secrets are stored.

use crate::db::Tx;
use crate::query::q;
use crate::users::{USER_COLUMNS, USER_JOINS};
use crate::{SessionUser, Store, StoreError, User, from_ms, ms};
use jiff::{SignedDuration, Timestamp};
use skranke_core::audit::AuditEntry;
use skranke_core::throttle::{self, Counter, Counters, Verdict};

/// Sessions are touched at most this often: a page view is not a write.
const TOUCH_EVERY: SignedDuration = SignedDuration::from_secs(60);

/// A new session and what else happens in its transaction.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub id_hash: &'a str,
    pub user_id: i64,
    pub csrf_token: &'a str,
    pub expires: Timestamp,
}

/// A new API token: only the hash of its secret is stored.
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub token_hash: &'a str,
    /// `read`, or `read write`.
    pub scopes: &'a str,
    pub expires: Timestamp,
}

/// The counters of one login attempt, by key.
#[derive(Debug, Clone)]
pub struct ThrottleKeys {
    pub pair: String,
    pub account: String,
    pub address: String,
}

/// An API token as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub scopes: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// The user behind a token, and what of the token the request needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenUser {
    #[sqlx(flatten)]
    pub user: User,
    pub token_id: i64,
    pub token_scopes: String,
    pub token_last_used_at: Option<i64>,
}

impl TokenUser {
    pub fn may_write(&self) -> bool {
        self.token_scopes.split_whitespace().any(|s| s == "write")
    }
}

/// One audit log entry as read back.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub event: String,
    pub actor: Option<String>,
    pub subject_user: Option<String>,
    pub subject: String,
    pub address: String,
    pub detail: String,
}

pub(crate) async fn audit(tx: &mut Tx, e: &AuditEntry, now: Timestamp) -> Result<(), StoreError> {
    tx.exec(
        q(
            "INSERT INTO audit_log (at, event, actor_id, subject_id, subject, address, detail) \
           VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(ms(now))
        .bind(e.event.key())
        .bind(e.actor_id)
        .bind(e.subject_id)
        .bind(&e.subject)
        .bind(&e.address)
        .bind(&e.detail),
    )
    .await?;
    Ok(())
}

async fn save_counter(tx: &mut Tx, key: &str, c: Counter) -> Result<(), StoreError> {
    tx.exec(
        q("UPDATE login_throttle SET failures = $1, window_start = $2, last_at = $3 WHERE key = $4")
            .bind(i64::from(c.failures))
            .bind(ms(c.window_start))
            .bind(ms(c.last_at))
            .bind(key),
    )
    .await?;
    Ok(())
}

/// The counters after a right password: the pair forgiven, the account
/// and address given back this one attempt.
async fn give_back(tx: &mut Tx, keys: &ThrottleKeys, counters: Counters) -> Result<(), StoreError> {
    let (account, address) = throttle::succeeded(counters);
    tx.exec(q("DELETE FROM login_throttle WHERE key = $1").bind(&keys.pair))
        .await?;
    save_counter(tx, &keys.account, account).await?;
    save_counter(tx, &keys.address, address).await?;
    Ok(())
}

impl Store {
    /// Counts a login attempt before its password is checked, or refuses
    /// it: the three counters are read and written in one transaction
    /// (rows locked on PostgreSQL), so parallel guesses queue up here.
    pub async fn throttle_login(
        &self,
        keys: &ThrottleKeys,
        now: Timestamp,
        refused: &AuditEntry,
    ) -> Result<Verdict, StoreError> {
        let mut tx = self.begin().await?;
        let mut sorted = [&keys.pair, &keys.account, &keys.address];
        sorted.sort();
        for key in sorted {
            tx.exec(
                q("INSERT INTO login_throttle (key, failures, window_start, last_at) VALUES ($1, 0, $2, $2) \
                   ON CONFLICT (key) DO NOTHING")
                .bind(key)
                .bind(ms(now)),
            )
            .await?;
        }
        let lock = if tx.is_postgres() { " FOR UPDATE" } else { "" };
        let rows: Vec<(String, i64, i64, i64)> = tx
            .all(
                q(format!(
                    "SELECT key, failures, window_start, last_at FROM login_throttle \
                     WHERE key IN ($1, $2, $3) ORDER BY key{lock}"
                ))
                .bind(&keys.pair)
                .bind(&keys.account)
                .bind(&keys.address),
            )
            .await?;
        let get = |key: &str| {
            rows.iter().find(|r| r.0 == key).map(|r| Counter {
                failures: u32::try_from(r.1).unwrap_or(u32::MAX),
                window_start: from_ms(r.2),
                last_at: from_ms(r.3),
            })
        };
        let verdict = throttle::judge(get(&keys.pair), get(&keys.account), get(&keys.address), now);
        match verdict {
            Verdict::Allow(c) => {
                save_counter(&mut tx, &keys.pair, c.pair).await?;
                save_counter(&mut tx, &keys.account, c.account).await?;
                save_counter(&mut tx, &keys.address, c.address).await?;
            }
            Verdict::Wait(_) => audit(&mut tx, refused, now).await?,
        }
        tx.commit().await?;
        Ok(verdict)
    }

    /// A login whose password was right: gives the attempt back to the
    /// counters, opens the session, ends the login form, audits; one
    /// transaction.
    pub async fn login_succeeded(
        &self,
        keys: &ThrottleKeys,
        counters: Counters,
        session: &NewSession<'_>,
        login_form: Option<&str>,
        entry: &AuditEntry,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        give_back(&mut tx, keys, counters).await?;
        if let Some(id_hash) = login_form {
            tx.exec(q("DELETE FROM login_forms WHERE id_hash = $1").bind(id_hash))
                .await?;
        }
        insert_session(&mut tx, session, now).await?;
        audit(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A password proved right without a login (a password change): gives
    /// the attempt back, as `login_succeeded` does.
    pub async fn release_login(
        &self,
        keys: &ThrottleKeys,
        counters: Counters,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        give_back(&mut tx, keys, counters).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a security event on its own.
    pub async fn record_audit(&self, entry: &AuditEntry, now: Timestamp) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        audit(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The audit log, newest first, before the entry `before` (for paging).
    pub async fn audit_log(
        &self,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditRow>, StoreError> {
        Ok(self
            .reader()
            .all(
                q("SELECT a.id, a.at, a.event, u.username AS actor, s.username AS subject_user, a.subject, \
                   a.address, a.detail FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
                   LEFT JOIN users s ON s.id = a.subject_id WHERE a.id < $1 ORDER BY a.id DESC LIMIT $2")
                .bind(before.unwrap_or(i64::MAX))
                .bind(limit),
            )
            .await?)
    }

    /// The CSRF token of a login form's pre-session, if it is still open.
    pub async fn login_form(
        &self,
        id_hash: &str,
        now: Timestamp,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .reader()
            .scalar_opt(
                q("SELECT csrf_token FROM login_forms WHERE id_hash = $1 AND expires_at > $2")
                    .bind(id_hash)
                    .bind(ms(now)),
            )
            .await?)
    }

    pub async fn create_login_form(
        &self,
        id_hash: &str,
        csrf_token: &str,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.exec(
            q("INSERT INTO login_forms (id_hash, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(id_hash)
                .bind(csrf_token)
                .bind(ms(now))
                .bind(ms(expires)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The active user of a session that has neither expired nor been idle
    /// longer than `idle`, in one query (this runs on every page request).
    /// Touches the session when it was last seen a while ago.
    pub async fn session_user(
        &self,
        id_hash: &str,
        now: Timestamp,
        idle: SignedDuration,
    ) -> Result<Option<SessionUser>, StoreError> {
        let found: Option<SessionUser> = self
            .reader()
            .opt(
                q(format!(
                    "{USER_COLUMNS}, s.csrf_token, s.last_seen_at, s.flash, \
                     (SELECT COUNT(*) FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL) AS unread \
                     FROM users u JOIN sessions s ON s.user_id = u.id \
                     {USER_JOINS} WHERE s.id_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.active = TRUE"
                ))
                .bind(id_hash)
                .bind(ms(now))
                .bind(ms(now - idle)),
            )
            .await?;
        if let Some(s) = &found
            && (from_ms(s.last_seen_at) + TOUCH_EVERY <= now || s.flash.is_some())
        {
            // A confirmation is shown once: the page that reads it takes it.
            let mut tx = self.begin().await?;
            tx.exec(
                q("UPDATE sessions SET last_seen_at = $1, flash = NULL WHERE id_hash = $2")
                    .bind(ms(now))
                    .bind(id_hash),
            )
            .await?;
            tx.commit().await?;
        }
        Ok(found)
    }

    /// Leaves a confirmation for this session's next page.
    pub async fn set_flash(&self, id_hash: &str, flash: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.exec(
            q("UPDATE sessions SET flash = $1 WHERE id_hash = $2")
                .bind(flash)
                .bind(id_hash),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends one session (logging out).
    pub async fn delete_session(
        &self,
        id_hash: &str,
        entry: &AuditEntry,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.exec(q("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash))
            .await?;
        audit(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends every session of a user ("log out everywhere").
    pub async fn delete_sessions_of(
        &self,
        user_id: i64,
        entry: &AuditEntry,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let n = tx
            .exec(q("DELETE FROM sessions WHERE user_id = $1").bind(user_id))
            .await?;
        audit(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Sets a password. Every session of the user ends, but `keep` (the
    /// session of the user changing their own password) is replaced by
    /// `replacement`, a fresh id. One transaction with its audit entry.
    pub async fn set_password(
        &self,
        user_id: i64,
        hash: &str,
        must_change: bool,
        replacement: Option<&NewSession<'_>>,
        entry: &AuditEntry,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let n = tx
            .exec(
                q("UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3 WHERE id = $4")
                    .bind(hash)
                    .bind(must_change)
                    .bind(ms(now))
                    .bind(user_id),
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        tx.exec(q("DELETE FROM sessions WHERE user_id = $1").bind(user_id))
            .await?;
        if let Some(s) = replacement {
            insert_session(&mut tx, s, now).await?;
        }
        audit(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn create_api_token(
        &self,
        t: &NewToken<'_>,
        entry: &AuditEntry,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx
            .scalar(
                q("INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at, expires_at) \
                   VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                .bind(t.user_id)
                .bind(t.name)
                .bind(t.token_hash)
                .bind(t.scopes)
                .bind(ms(now))
                .bind(ms(t.expires)),
            )
            .await?;
        audit(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The active user a bearer token belongs to, if the token has not run
    /// out. Records when it was used, at most once a minute, so the write
    /// does not ride on every API call.
    pub async fn token_user(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<TokenUser>, StoreError> {
        let found: Option<TokenUser> = self
            .reader()
            .opt(
                q(format!(
                    "{USER_COLUMNS}, k.id AS token_id, k.scopes AS token_scopes, k.last_used_at AS token_last_used_at \
                     FROM users u {USER_JOINS} JOIN api_tokens k ON k.user_id = u.id \
                     WHERE k.token_hash = $1 AND u.active = TRUE AND (k.expires_at IS NULL OR k.expires_at > $2)"
                ))
                .bind(token_hash)
                .bind(ms(now)),
            )
            .await?;
        if let Some(t) = &found
            && t.token_last_used_at
                .is_none_or(|at| from_ms(at) + TOUCH_EVERY <= now)
        {
            let mut tx = self.begin().await?;
            tx.exec(
                q("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                    .bind(ms(now))
                    .bind(t.token_id),
            )
            .await?;
            tx.commit().await?;
        }
        Ok(found)
    }

    pub async fn list_api_tokens(&self, user_id: i64) -> Result<Vec<TokenInfo>, StoreError> {
        Ok(self
            .reader()
            .all(
                q(
                    "SELECT id, name, scopes, created_at, expires_at, last_used_at FROM api_tokens \
                   WHERE user_id = $1 ORDER BY id",
                )
                .bind(user_id),
            )
            .await?)
    }

    pub async fn delete_api_token(
        &self,
        user_id: i64,
        id: i64,
        entry: &AuditEntry,
        now: Timestamp,
    ) -> Result<(), StoreError> {
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
        audit(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn insert_session(tx: &mut Tx, s: &NewSession<'_>, now: Timestamp) -> Result<(), StoreError> {
    tx.exec(
        q("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at) \
           VALUES ($1, $2, $3, $4, $5, $4)")
        .bind(s.id_hash)
        .bind(s.user_id)
        .bind(s.csrf_token)
        .bind(ms(now))
        .bind(ms(s.expires)),
    )
    .await?;
    Ok(())
}

/// Deletes what has run out: throttle counters past their window, login
/// forms and sessions past their end (idle sessions too).
pub(crate) async fn purge(
    tx: &mut Tx,
    now: Timestamp,
    idle: SignedDuration,
) -> Result<u64, StoreError> {
    let mut n = tx
        .exec(q("DELETE FROM login_throttle WHERE last_at < $1").bind(ms(now - throttle::WINDOW)))
        .await?;
    n += tx
        .exec(q("DELETE FROM login_forms WHERE expires_at < $1").bind(ms(now)))
        .await?;
    n += tx
        .exec(
            q("DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2")
                .bind(ms(now))
                .bind(ms(now - idle)),
        )
        .await?;
    Ok(n)
}
