//! What people do with their own account, for the account page and the
//! API alike: API tokens, the password, and which notices come by e-mail.

use crate::AppState;
use crate::auth::{self, Client};
use crate::error::WebError;
use crate::password;
use jiff::{SignedDuration, Timestamp};
use skranke_core::audit::{AuditEntry, AuditEvent};
use skranke_core::case::line;
use skranke_core::notice::{self, NoticeKind};
use skranke_store::{NewSession, NewToken, User};

/// Lifetimes offered for a new token, in days; the first is the default.
pub const TOKEN_DAYS: [i64; 4] = [365, 90, 30, 7];
pub const TOKEN_NAME_MAX: usize = 100;

/// A token's request, as the page and the API give it.
pub struct TokenRequest {
    pub name: String,
    pub write: bool,
    pub days: i64,
}

/// Creates a token after checking its request; returns it (shown once),
/// its id and when it runs out.
pub async fn create_token_for(
    state: &AppState,
    user_id: i64,
    r: TokenRequest,
    entry: AuditEntry,
) -> Result<(String, i64, Timestamp), WebError> {
    let mut errors = Vec::new();
    let name = line("name", &r.name, true, TOKEN_NAME_MAX, &mut errors);
    if !errors.is_empty() {
        return Err(crate::casework::validation_error(&errors));
    }
    if !(1..=366).contains(&r.days) {
        return Err(WebError::invalid_msg(
            "expires_in_days",
            crate::texts::about("expires_in_days", "error-range")
                .arg("min", 1)
                .arg("max", 366),
        ));
    }
    let now = Timestamp::now();
    let expires = now + SignedDuration::from_hours(24 * r.days);
    let token = auth::generate_token();
    let scopes = if r.write { "read write" } else { "read" };
    let mut entry = entry;
    entry.subject = name.clone();
    entry.detail = scopes.into();
    let hash = auth::hash_token(&token);
    let new = NewToken {
        user_id,
        name: &name,
        token_hash: &hash,
        scopes,
        expires,
    };
    state.store.create_api_token(&new, &entry, now).await?;
    Ok((token, expires.as_millisecond(), expires))
}

/// The checks and the change, for the page and the API. Every session of
/// the user ends; with `keep_csrf` (a page's session) a fresh session
/// replaces the caller's, and its cookie value is returned.
pub async fn change_own_password(
    state: &AppState,
    u: &User,
    client: &Client,
    current: &str,
    new: &str,
    keep_csrf: Option<&str>,
) -> Result<String, WebError> {
    password::check(new, &[&u.username, &u.full_name, &u.email])
        .map_err(|p| WebError::invalid("new", p.key()))?;
    // A wrong current password counts as a failed login for this account.
    let verified = auth::verify(state, &u.username, current, client)
        .await
        .map_err(|e| match e {
            WebError::Invalid { .. } => WebError::invalid("current", "error-wrong-password"),
            e => e,
        })?;
    auth::release(state, &verified).await?;
    let hash = auth::hash_new_password(state, new).await?;
    let token = auth::generate_token();
    let id_hash = auth::hash_token(&token);
    let now = Timestamp::now();
    let session = keep_csrf.map(|csrf| NewSession {
        id_hash: &id_hash,
        user_id: u.id,
        csrf_token: csrf,
        expires: now + auth::session_length(state),
    });
    let mut entry = AuditEntry::new(AuditEvent::PasswordChanged, Some(u.id));
    entry.subject_id = Some(u.id);
    entry.address = client.address();
    state
        .store
        .set_password(u.id, &hash, false, session.as_ref(), &entry, now)
        .await?;
    Ok(token)
}

/// Each notice a person can receive, and whether it comes by e-mail.
pub async fn mail_choices(
    state: &AppState,
    user: &User,
) -> Result<Vec<(NoticeKind, bool)>, WebError> {
    let off = state.store.mail_off(user.id).await?;
    Ok(notice::choices(user.kind)
        .iter()
        .map(|&k| (k, notice::mail_wanted(&off, k)))
        .collect())
}

/// Sets which notices a person does not want by e-mail (the rest they
/// get). A kind they never get is off already, and not kept.
pub async fn set_mail_choices(
    state: &AppState,
    user: &User,
    off: &[NoticeKind],
) -> Result<(), WebError> {
    let choices = notice::choices(user.kind);
    let off: Vec<NoticeKind> = off
        .iter()
        .copied()
        .filter(|k| choices.contains(k))
        .collect();
    state
        .store
        .set_mail_off(user.id, &notice::mail_off(&off))
        .await?;
    Ok(())
}
