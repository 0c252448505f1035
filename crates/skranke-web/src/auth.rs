//! Who is asking: the client's address and scheme, passwords (hashed with
//! bounded concurrency), sessions (cookie → server-side row, with idle and
//! absolute ends), CSRF tokens, API bearer tokens with scopes, and the
//! login with its throttle.

use crate::AppState;
use crate::error::{ApiError, WebError};
use crate::i18n::{Lang, Msg};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};
use skranke_core::audit::{AuditEntry, AuditEvent};
use skranke_core::client::{client_address, throttle_address};
use skranke_core::throttle::Verdict;
use skranke_core::{Actor, UserKind};
use skranke_store::{NewSession, ThrottleKeys, User};
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// How long a login form stays valid.
const LOGIN_FORM_MINUTES: i64 = 60;
/// How long a request waits for a free password hasher before "busy".
const HASH_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// 32 random bytes, hex: session ids, CSRF tokens and API tokens.
pub fn generate_token() -> String {
    let mut buf = [0u8; 32];
    // The OS RNG failing means the machine is unusable for security anyway.
    getrandom::fill(&mut buf).expect("operating system random number generator");
    hex::encode(buf)
}

/// A password for an admin's reset: 16 characters a person can read out
/// (no 0/O, 1/l/I), about 90 bits.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf).expect("operating system random number generator");
    buf.iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
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

fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// Runs password hashing off the async threads, at most one per core at
/// a time (each takes ~19 MiB and a core for a while): a burst of logins
/// waits briefly, then gets "busy" instead of exhausting the machine.
pub async fn hashing<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, WebError> {
    let permit = tokio::time::timeout(HASH_WAIT, state.hashers.clone().acquire_owned())
        .await
        .map_err(|_| WebError::Unavailable("every password hasher is busy".into()))?
        .map_err(|e| WebError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(move || {
        let out = work();
        drop(permit);
        out
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))
}

/// Hashes a new password with bounded concurrency.
pub async fn hash_new_password(state: &AppState, password: &str) -> Result<String, WebError> {
    let pw = password.to_owned();
    hashing(state, move || hash_password(&pw))
        .await?
        .map_err(WebError::Internal)
}

/// Verifies a password with bounded concurrency; an unknown user is
/// checked against a dummy hash, so timing does not tell which names exist.
pub async fn check_password(
    state: &AppState,
    password: &str,
    hash: Option<String>,
) -> Result<bool, WebError> {
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| DUMMY_HASH.clone());
    let pw = password.to_owned();
    let ok = hashing(state, move || verify_password(&pw, &hash)).await?;
    Ok(ok && known)
}

/// The other end of a request: its address (through trusted proxies only)
/// and whether it reached us over HTTPS.
#[derive(Debug, Clone)]
pub struct Client {
    pub addr: IpAddr,
    pub https: bool,
}

impl Client {
    pub fn of(parts: &Parts, state: &AppState) -> Client {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip());
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let trusted = &state.trusted_proxies;
        let via_proxy = trusted.iter().any(|n| n.contains(&peer));
        let proto_https = via_proxy
            && parts
                .headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
        Client {
            addr: client_address(peer, &forwarded, trusted),
            https: state.public_https() || proto_https,
        }
    }

    /// The address as the throttle and the audit log know it.
    pub fn address(&self) -> String {
        throttle_address(self.addr)
    }
}

impl FromRequestParts<AppState> for Client {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(Client::of(parts, state))
    }
}

/// Cookie names: over HTTPS with the `__Host-` prefix, which browsers
/// accept only with `Secure`, `Path=/` and no `Domain`, so a neighbouring
/// site cannot plant or shadow them.
pub fn session_cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-skranke_session"
    } else {
        "skranke_session"
    }
}

pub fn login_cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-skranke_login"
    } else {
        "skranke_login"
    }
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

pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
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
    /// The session cookie's value (to end or replace this session).
    pub session: String,
    pub client: Client,
    /// Notifications not yet read (the header's count).
    pub unread: i64,
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

    /// An audit entry of this user, from this client.
    pub fn audit(&self, event: AuditEvent) -> AuditEntry {
        let mut e = AuditEntry::new(event, Some(self.user.id));
        e.address = self.client.address();
        e
    }

    /// Leaves a confirmation for the next page this session sees (the one
    /// a form redirects to). Failing to store it loses only the message.
    pub async fn confirm(&self, state: &AppState, msg: Msg) {
        let Ok(json) = serde_json::to_string(&msg) else {
            return;
        };
        if let Err(e) = state
            .store
            .set_flash(&hash_token(&self.session), &json)
            .await
        {
            tracing::warn!(error = %e, "could not keep a confirmation");
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

/// Pages a user with a one-time password may still see: where to change it.
const WHILE_MUST_CHANGE: &[&str] = &["/account/password", "/logout"];

/// The session's user, if the request has a live session. It also sets
/// the request's language, navigation and waiting confirmation.
async fn session_of(parts: &Parts, state: &AppState) -> Result<Option<CurrentUser>, WebError> {
    let client = Client::of(parts, state);
    let Some(token) = cookie(&parts.headers, session_cookie_name(client.https)) else {
        return Ok(None);
    };
    let idle = SignedDuration::from_mins(i64::from(state.config.server.session_idle_minutes));
    let Some(s) = state
        .store
        .session_user(&hash_token(token), Timestamp::now(), idle)
        .await?
    else {
        return Ok(None);
    };
    if let Some(lang) = s.user.locale.as_deref().and_then(Lang::parse) {
        crate::context::set_lang(lang);
    }
    if let Some(flash) = s
        .flash
        .as_deref()
        .and_then(|f| serde_json::from_str(f).ok())
    {
        crate::context::set_flash(flash);
    }
    let user = CurrentUser {
        user: s.user,
        csrf: s.csrf_token,
        session: token.to_owned(),
        client,
        unread: s.unread,
    };
    crate::context::set_nav(&crate::views::Nav::of(&user));
    Ok(Some(user))
}

impl axum::extract::OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Response> {
        session_of(parts, state)
            .await
            .map_err(IntoResponse::into_response)
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match session_of(parts, state).await {
            Ok(Some(user)) => {
                if user.user.must_change_password && !WHILE_MUST_CHANGE.contains(&parts.uri.path())
                {
                    return Err(Redirect::to("/account/password").into_response());
                }
                Ok(user)
            }
            Ok(None) => Err(LoginRedirect.into_response()),
            Err(e) => Err(e.into_response()),
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

/// The user behind an API request's bearer token, and the client. A token
/// without the `write` scope may only read (GET).
pub struct ApiUser(pub User, pub Client);

impl ApiUser {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.0.id,
            kind: self.0.kind,
        }
    }

    /// An audit entry of this user, from this client.
    pub fn audit(&self, event: AuditEvent) -> AuditEntry {
        let mut e = AuditEntry::new(event, Some(self.0.id));
        e.address = self.1.address();
        e
    }

    pub fn require_admin(&self) -> Result<(), WebError> {
        if self.0.kind == UserKind::Admin {
            Ok(())
        } else {
            Err(WebError::Forbidden)
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
        let found = state
            .store
            .token_user(&hash_token(token), Timestamp::now())
            .await?
            .ok_or(ApiError(WebError::Unauthenticated))?;
        let reads = matches!(parts.method, Method::GET | Method::HEAD);
        if !reads && !found.may_write() {
            return Err(ApiError(WebError::Refused(Msg::new(
                "error-token-read-only",
            ))));
        }
        // Problems are told in the person's own language, as on the pages.
        if let Some(lang) = found.user.locale.as_deref().and_then(Lang::parse) {
            crate::context::set_lang(lang);
        }
        Ok(ApiUser(found.user, Client::of(parts, state)))
    }
}

/// The counters a login attempt is throttled by.
fn throttle_keys(username: &str, client: &Client) -> ThrottleKeys {
    let user: String = username.to_lowercase().chars().take(64).collect();
    let addr = client.address();
    ThrottleKeys {
        pair: format!("pair:{user}|{addr}"),
        account: format!("account:{user}"),
        address: format!("address:{addr}"),
    }
}

/// A password proved right, and the throttle's count of the attempt.
pub struct Verified {
    pub user: User,
    keys: ThrottleKeys,
    counters: skranke_core::throttle::Counters,
}

/// Checks a username and password. The attempt is counted before the
/// password is checked (see `skranke_core::throttle`); a refused attempt
/// says how long to wait; a failure is audited.
pub async fn verify(
    state: &AppState,
    username: &str,
    password: &str,
    client: &Client,
) -> Result<Verified, WebError> {
    let now = Timestamp::now();
    let keys = throttle_keys(username, client);
    let mut entry = AuditEntry::new(AuditEvent::LoginThrottled, None);
    entry.subject = username.chars().take(64).collect();
    entry.address = client.address();
    let counters = match state.store.throttle_login(&keys, now, &entry).await? {
        Verdict::Allow(c) => c,
        Verdict::Wait(w) => return Err(WebError::TooManyRequests(w)),
    };
    let found = state.store.user_for_login(username).await?;
    let (user, hash) = match found {
        Some((u, h)) if u.active => (Some(u), h),
        Some((u, _)) => (Some(u), None),
        None => (None, None),
    };
    let ok = check_password(state, password, hash).await?;
    match user {
        Some(user) if ok => Ok(Verified {
            user,
            keys,
            counters,
        }),
        user => {
            entry.event = AuditEvent::LoginFailed;
            entry.subject_id = user.map(|u| u.id);
            state.store.record_audit(&entry, now).await?;
            Err(WebError::invalid_msg(
                "password",
                Msg::new("error-login-failed"),
            ))
        }
    }
}

/// Gives a proved attempt back to the throttle without opening a session
/// (a password change checks the current password this way).
pub async fn release(state: &AppState, v: &Verified) -> Result<(), WebError> {
    Ok(state.store.release_login(&v.keys, v.counters).await?)
}

/// Checks a login and opens a session: returns the session cookie's value.
pub async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    client: &Client,
    login_form: Option<&str>,
) -> Result<(String, User), WebError> {
    let v = verify(state, username, password, client).await?;
    let now = Timestamp::now();
    let mut entry = AuditEntry::new(AuditEvent::LoginSucceeded, Some(v.user.id));
    entry.subject_id = Some(v.user.id);
    entry.subject = v.user.username.clone();
    entry.address = client.address();
    let token = generate_token();
    let id_hash = hash_token(&token);
    let csrf = generate_token();
    let session = NewSession {
        id_hash: &id_hash,
        user_id: v.user.id,
        csrf_token: &csrf,
        expires: now + session_length(state),
    };
    state
        .store
        .login_succeeded(&v.keys, v.counters, &session, login_form, &entry, now)
        .await?;
    Ok((token, v.user))
}

pub fn session_length(state: &AppState) -> SignedDuration {
    SignedDuration::from_hours(i64::from(state.config.server.session_hours))
}

pub fn session_cookie(state: &AppState, token: &str, https: bool) -> String {
    set_cookie(
        session_cookie_name(https),
        token,
        session_length(state).as_secs(),
        https,
    )
}

/// The login form's pre-session: the one this browser has, or a new one.
/// Returns the cookie to set (if new) and the form's CSRF token.
pub async fn login_form(
    state: &AppState,
    headers: &HeaderMap,
    client: &Client,
) -> Result<(Option<String>, String), WebError> {
    let now = Timestamp::now();
    if let Some(id) = cookie(headers, login_cookie_name(client.https))
        && let Some(csrf) = state.store.login_form(&hash_token(id), now).await?
    {
        return Ok((None, csrf));
    }
    let (id, csrf) = (generate_token(), generate_token());
    let life = SignedDuration::from_mins(LOGIN_FORM_MINUTES);
    state
        .store
        .create_login_form(&hash_token(&id), &csrf, now, now + life)
        .await?;
    let cookie = set_cookie(
        login_cookie_name(client.https),
        &id,
        life.as_secs(),
        client.https,
    );
    Ok((Some(cookie), csrf))
}

/// The pre-session of a login post, if its CSRF token is the one it holds.
pub async fn check_login_csrf(
    state: &AppState,
    headers: &HeaderMap,
    client: &Client,
    submitted: &str,
) -> Result<String, WebError> {
    let id = cookie(headers, login_cookie_name(client.https)).ok_or(WebError::Csrf)?;
    let id_hash = hash_token(id);
    match state.store.login_form(&id_hash, Timestamp::now()).await? {
        Some(csrf) if same_secret(&csrf, submitted) => Ok(id_hash),
        _ => Err(WebError::Csrf),
    }
}

/// An Argon2id hash of a random password nobody knows, with our parameters.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password(&generate_token()).unwrap_or_default());
