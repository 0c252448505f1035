//! Who is asking: passwords, sessions (cookie → server-side row), CSRF
//! tokens, API bearer tokens and login throttling.

use crate::AppState;
use crate::error::{ApiError, WebError};
use crate::texts;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};
use skranke_core::{Actor, UserKind};
use skranke_store::User;

pub const SESSION_COOKIE: &str = "skranke_session";
pub const LOGIN_CSRF_COOKIE: &str = "skranke_login_csrf";
const SESSION_HOURS: i64 = 12;
const THROTTLE_WINDOW_MINUTES: i64 = 15;
const MAX_FAILURES_PER_USER: i64 = 5;
const MAX_FAILURES_PER_IP: i64 = 30;

/// 32 random bytes, hex: session ids, CSRF tokens and API tokens.
pub fn generate_token() -> String {
    let mut buf = [0u8; 32];
    // The OS RNG failing means the machine is unusable for security anyway.
    getrandom::fill(&mut buf).expect("operating system random number generator");
    hex::encode(buf)
}

/// Secrets are stored only as their SHA-256: they are random and long,
/// so a fast hash suffices (unlike passwords).
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn hash_password(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_secs: i64) -> String {
    let secure = if state.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

/// Constant-time comparison for secrets.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The logged-in user of a page request, with the session's CSRF token.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub csrf: String,
}

impl CurrentUser {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.user.id,
            kind: self.user.kind,
        }
    }

    pub fn is_staff(&self) -> bool {
        self.user.kind.is_staff()
    }

    pub fn is_admin(&self) -> bool {
        self.user.kind == UserKind::Admin
    }

    /// Every state-changing form carries the session's token.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), WebError> {
        if same_secret(&self.csrf, submitted) {
            Ok(())
        } else {
            Err(WebError::Csrf)
        }
    }
}

/// Not logged in: browsers go to the login page.
pub struct LoginRedirect;

impl IntoResponse for LoginRedirect {
    fn into_response(self) -> Response {
        Redirect::to("/login").into_response()
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(LoginRedirect.into_response());
        };
        match state
            .store
            .session_user(&hash_token(token), Timestamp::now())
            .await
        {
            Ok(Some(s)) => Ok(CurrentUser {
                user: s.user,
                csrf: s.csrf_token,
            }),
            Ok(None) => Err(LoginRedirect.into_response()),
            Err(e) => Err(WebError::from(e).into_response()),
        }
    }
}

/// A logged-in agent or admin.
pub struct Staff(pub CurrentUser);

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let u = CurrentUser::from_request_parts(parts, state).await?;
        if u.is_staff() {
            Ok(Staff(u))
        } else {
            Err(WebError::Forbidden.into_response())
        }
    }
}

/// A logged-in admin.
pub struct Admin(pub CurrentUser);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let u = CurrentUser::from_request_parts(parts, state).await?;
        if u.is_admin() {
            Ok(Admin(u))
        } else {
            Err(WebError::Forbidden.into_response())
        }
    }
}

/// The user behind an API request's bearer token.
pub struct ApiUser(pub User);

impl ApiUser {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.0.id,
            kind: self.0.kind,
        }
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError(WebError::Unauthenticated))?;
        let user = state
            .store
            .token_user(&hash_token(token))
            .await?
            .ok_or(ApiError(WebError::Unauthenticated))?;
        Ok(ApiUser(user))
    }
}

/// Checks a login and opens a session. Failures are counted per username
/// and per client address in the database, so the limit holds across
/// restarts (and, later, across instances).
pub async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    client: &str,
) -> Result<(String, User), WebError> {
    let now = Timestamp::now();
    let since = now - SignedDuration::from_mins(THROTTLE_WINDOW_MINUTES);
    let user_key = format!("user:{}", username.to_lowercase());
    let ip_key = format!("ip:{client}");
    if state.store.login_failures_since(&user_key, since).await? >= MAX_FAILURES_PER_USER
        || state.store.login_failures_since(&ip_key, since).await? >= MAX_FAILURES_PER_IP
    {
        return Err(WebError::TooManyRequests(texts::LOGIN_THROTTLED));
    }
    let found = state.store.user_for_login(username).await?;
    let password = password.to_owned();
    // Hash even for unknown users so timing does not tell which names exist.
    let (user, hash) = match found {
        Some((u, Some(h))) if u.active => (Some(u), h),
        _ => (None, DUMMY_HASH.clone()),
    };
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let Some(user) = user.filter(|_| ok) else {
        state
            .store
            .record_login_failure(&[&user_key, &ip_key], now)
            .await?;
        return Err(WebError::invalid("password", texts::LOGIN_FAILED));
    };
    state.store.clear_login_failures(&user_key, since).await?;
    let token = generate_token();
    state
        .store
        .create_session(
            &hash_token(&token),
            user.id,
            &generate_token(),
            now,
            now + SignedDuration::from_hours(SESSION_HOURS),
        )
        .await?;
    Ok((token, user))
}

pub fn session_cookie(state: &AppState, token: &str) -> String {
    set_cookie(state, SESSION_COOKIE, token, SESSION_HOURS * 3600)
}

/// An Argon2id hash of a random password nobody knows, with our parameters.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password(&generate_token()).unwrap_or_default());
