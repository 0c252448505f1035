//! Logging in and out, and the account page: API tokens, the password,
//! and ending every session.

use super::{CsrfForm, Form, PagePath};
use crate::AppState;
use crate::account;
use crate::auth::{self, Client, CurrentUser};
use crate::error::WebError;
use crate::i18n::{Lang, Msg};
use crate::views::{AccountPage, FormErrors, LoginPage, Nav, PasswordPage, TokenValues};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use skranke_core::audit::AuditEvent;

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    /// Set after logging out: say so.
    #[serde(default)]
    out: Option<String>,
}

/// The login form, its CSRF token held by a server-side pre-session.
pub async fn form(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Result<Response, WebError> {
    let (cookie, csrf) = auth::login_form(&state, &headers, &client).await?;
    let page = LoginPage {
        csrf,
        username: String::new(),
        error: None,
        notice: q.out.map(|_| Msg::new("flash-logged-out").text()),
    };
    Ok(match cookie {
        Some(c) => ([(header::SET_COOKIE, c)], page).into_response(),
        None => page.into_response(),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub async fn submit(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    let login_form = auth::check_login_csrf(&state, &headers, &client, &f.csrf).await?;
    let username = f.username.trim().to_owned();
    match auth::login(&state, &username, &f.password, &client, Some(&login_form)).await {
        Ok((token, user)) => {
            let to = if user.must_change_password {
                "/account/password"
            } else if user.kind.is_staff() {
                "/agent"
            } else {
                "/portal"
            };
            let end_form =
                auth::set_cookie(auth::login_cookie_name(client.https), "", 0, client.https);
            Ok((
                axum::response::AppendHeaders([
                    (
                        header::SET_COOKIE,
                        auth::session_cookie(&state, &token, client.https),
                    ),
                    (header::SET_COOKIE, end_form),
                ]),
                Redirect::to(to),
            )
                .into_response())
        }
        Err(e @ (WebError::Invalid { .. } | WebError::TooManyRequests(_))) => {
            let page = LoginPage {
                csrf: f.csrf,
                username,
                error: Some(e.message()),
                notice: None,
            };
            let mut res = (e.status(), page).into_response();
            e.headers(&mut res);
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

fn to_login(client: &Client) -> Response {
    (
        [(
            header::SET_COOKIE,
            auth::set_cookie(auth::session_cookie_name(client.https), "", 0, client.https),
        )],
        Redirect::to("/login?out=1"),
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lang: String,
    /// The page to return to.
    #[serde(default)]
    back: String,
}

/// Chooses the interface language: kept with the account when someone is
/// logged in, and in a cookie for the login page.
pub async fn choose_language(
    State(state): State<AppState>,
    client: Client,
    user: Option<CurrentUser>,
    Form(f): Form<LanguageForm>,
) -> Result<Response, WebError> {
    // `auto`: follow the browser again.
    let lang = match f.lang.as_str() {
        "auto" => None,
        l => Some(
            Lang::parse(l).ok_or_else(|| WebError::invalid("locale", "error-invalid-choice"))?,
        ),
    };
    if let Some(user) = &user {
        user.check_csrf(&f.csrf)?;
        state
            .store
            .set_locale(user.user.id, lang.map(Lang::code))
            .await?;
        user.confirm(&state, Msg::new("flash-language")).await;
    }
    let back = safe_back(&f.back);
    let cookie = format!(
        "{}={}; Path=/; Max-Age={}; SameSite=Lax{}",
        crate::context::LANG_COOKIE,
        lang.map_or("", Lang::code),
        if lang.is_some() { 31_536_000 } else { 0 },
        if client.https { "; Secure" } else { "" }
    );
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(back)).into_response())
}

/// A path of our own to return to; anything else is the front page.
fn safe_back(back: &str) -> &str {
    let ok = back.starts_with('/')
        && !back.starts_with("//")
        && !back.contains(['\\', '\r', '\n'])
        && !back.starts_with("/logout");
    if ok { back } else { "/" }
}

pub async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    state
        .store
        .delete_session(
            &auth::hash_token(&user.session),
            &user.audit(AuditEvent::Logout),
            Timestamp::now(),
        )
        .await?;
    Ok(to_login(&user.client))
}

/// "Logg ut overalt": every session of this user ends, this one too.
pub async fn logout_everywhere(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    state
        .store
        .delete_sessions_of(
            user.user.id,
            &user.audit(AuditEvent::LogoutEverywhere),
            Timestamp::now(),
        )
        .await?;
    Ok(to_login(&user.client))
}

async fn account_page(
    state: &AppState,
    user: &CurrentUser,
    new_token: Option<(String, i64)>,
    errors: FormErrors,
    token: TokenValues,
) -> Result<AccountPage, WebError> {
    Ok(AccountPage {
        subscriptions: state.store.subscriptions_of(user.user.id).await?,
        tokens: state.store.list_api_tokens(user.user.id).await?,
        nav: Nav::of(user),
        new_token,
        errors,
        token,
        token_days: account::TOKEN_DAYS.to_vec(),
        locale: user.user.locale.clone(),
        languages: Lang::ALL.to_vec(),
        mail: account::mail_choices(state, &user.user).await?,
    })
}

/// The account page's e-mail choices: a box per notice, ticked to get it.
pub async fn set_mail_choices(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<std::collections::HashMap<String, String>>,
) -> Result<Redirect, WebError> {
    user.check_csrf(f.get("csrf").map_or("", String::as_str))?;
    let off: Vec<skranke_core::notice::NoticeKind> = skranke_core::notice::choices(user.user.kind)
        .iter()
        .copied()
        .filter(|k| !f.contains_key(k.key()))
        .collect();
    account::set_mail_choices(&state, &user.user, &off).await?;
    user.confirm(&state, Msg::new("flash-mail-choices")).await;
    Ok(Redirect::to("/account"))
}

pub async fn account(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<AccountPage, WebError> {
    account_page(
        &state,
        &user,
        None,
        FormErrors::new("token-"),
        TokenValues::default(),
    )
    .await
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    write: Option<String>,
    #[serde(default)]
    days: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<TokenForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let days = f.days.trim();
    let request = account::TokenRequest {
        name: f.name.clone(),
        write: f.write.is_some(),
        // Not a number: out of range, so the field gets its error.
        days: if days.is_empty() {
            account::TOKEN_DAYS[0]
        } else {
            days.parse().unwrap_or(0)
        },
    };
    let typed = TokenValues {
        name: f.name,
        days: f.days,
        write: f.write.is_some(),
    };
    let created = account::create_token_for(
        &state,
        user.user.id,
        request,
        user.audit(AuditEvent::TokenCreated),
    )
    .await;
    // The new secret is shown on this answer, once: no redirect.
    let (status, page) = match created {
        Ok((token, expires, _)) => (
            StatusCode::OK,
            account_page(
                &state,
                &user,
                Some((token, expires)),
                FormErrors::new("token-"),
                TokenValues::default(),
            )
            .await?,
        ),
        Err(e @ WebError::Invalid { .. }) => {
            let field = match e.field_name() {
                Some("expires_in_days") => "days",
                _ => "name",
            };
            let errors = FormErrors::of("token-", field, &e.msg());
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                account_page(&state, &user, None, errors, typed).await?,
            )
        }
        Err(e) => return Err(e),
    };
    Ok((status, page).into_response())
}

pub async fn delete_token(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(id): PagePath<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    state
        .store
        .delete_api_token(
            user.user.id,
            id,
            &user.audit(AuditEvent::TokenDeleted),
            Timestamp::now(),
        )
        .await?;
    user.confirm(&state, Msg::new("flash-token-deleted")).await;
    Ok(Redirect::to("/account").into_response())
}

pub async fn password_form(user: CurrentUser) -> PasswordPage {
    PasswordPage {
        forced: user.user.must_change_password,
        nav: Nav::of(&user),
        errors: FormErrors::new(""),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

/// Changes one's own password: the current one is required (and counted
/// by the login throttle: a stolen session is no free guessing machine);
/// every other session ends, and this one gets a fresh id.
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<PasswordForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let result = if f.new == f.repeat {
        account::change_own_password(
            &state,
            &user.user,
            &user.client,
            &f.current,
            &f.new,
            Some(&user.csrf),
        )
        .await
    } else {
        Err(WebError::invalid("repeat", "error-repeat-mismatch"))
    };
    match result {
        Ok(token) => {
            let flash =
                serde_json::to_string(&Msg::new("flash-password-changed")).unwrap_or_default();
            state
                .store
                .set_flash(&auth::hash_token(&token), &flash)
                .await?;
            Ok((
                [(
                    header::SET_COOKIE,
                    auth::session_cookie(&state, &token, user.client.https),
                )],
                Redirect::to("/account"),
            )
                .into_response())
        }
        Err(e @ (WebError::Invalid { .. } | WebError::TooManyRequests(_))) => {
            let field = e.field_name().unwrap_or("current").to_owned();
            let field = if field == "password" {
                "current".to_owned()
            } else {
                field
            };
            let page = PasswordPage {
                forced: user.user.must_change_password,
                nav: Nav::of(&user),
                errors: FormErrors::of("", &field, &e.msg()),
            };
            let mut res = (e.status(), page).into_response();
            e.headers(&mut res);
            Ok(res)
        }
        Err(e) => Err(e),
    }
}
