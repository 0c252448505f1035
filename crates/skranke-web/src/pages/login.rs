//! Logging in and out, and the account page: API tokens, the password,
//! and ending every session.

use super::{Form, PagePath};
use crate::AppState;
use crate::account;
use crate::auth::{self, Client, CurrentUser};
use crate::error::WebError;
use crate::texts;
use crate::views::{AccountPage, LoginPage, Nav, PasswordPage};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use skranke_core::audit::AuditEvent;

/// The login form, its CSRF token held by a server-side pre-session.
pub async fn form(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (cookie, csrf) = auth::login_form(&state, &headers, &client).await?;
    let page = LoginPage {
        csrf,
        username: String::new(),
        error: None,
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
            let msg = match &e {
                WebError::Invalid { message, .. } => message.clone(),
                other => other.message(),
            };
            let page = LoginPage {
                csrf: f.csrf,
                username,
                error: Some(msg),
            };
            let mut res = (e.status(), page).into_response();
            e.headers(&mut res);
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

fn to_login(client: &Client) -> Response {
    (
        [(
            header::SET_COOKIE,
            auth::set_cookie(auth::session_cookie_name(client.https), "", 0, client.https),
        )],
        Redirect::to("/login"),
    )
        .into_response()
}

pub async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<CsrfOnly>,
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
    Form(f): Form<CsrfOnly>,
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
    error: Option<String>,
    notice: Option<&'static str>,
) -> Result<AccountPage, WebError> {
    Ok(AccountPage {
        tokens: state.store.list_api_tokens(user.user.id).await?,
        nav: Nav::of(user),
        new_token,
        error,
        notice,
        token_days: account::TOKEN_DAYS.to_vec(),
    })
}

pub async fn account(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<AccountPage, WebError> {
    account_page(&state, &user, None, None, None).await
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
    let request = account::TokenRequest {
        name: f.name,
        write: f.write.is_some(),
        days: f.days.trim().parse().unwrap_or(account::TOKEN_DAYS[0]),
    };
    let created = account::create_token_for(
        &state,
        user.user.id,
        request,
        user.audit(AuditEvent::TokenCreated),
    )
    .await;
    let (status, page) = match created {
        Ok((token, expires, _)) => (
            StatusCode::OK,
            account_page(&state, &user, Some((token, expires)), None, None).await?,
        ),
        Err(e @ WebError::Invalid { .. }) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            account_page(&state, &user, None, Some(e.message()), None).await?,
        ),
        Err(e) => return Err(e),
    };
    Ok((status, page).into_response())
}

pub async fn delete_token(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(id): PagePath<i64>,
    Form(f): Form<CsrfOnly>,
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
    Ok(
        account_page(&state, &user, None, None, Some(texts::TOKEN_DELETED))
            .await?
            .into_response(),
    )
}

pub async fn password_form(user: CurrentUser) -> PasswordPage {
    PasswordPage {
        forced: user.user.must_change_password,
        nav: Nav::of(&user),
        error: None,
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
        Err(WebError::invalid(
            "repeat",
            "er ikke likt det nye passordet.",
        ))
    };
    match result {
        Ok(token) => Ok((
            [(
                header::SET_COOKIE,
                auth::session_cookie(&state, &token, user.client.https),
            )],
            account_page(&state, &user, None, None, Some(texts::PASSWORD_CHANGED)).await?,
        )
            .into_response()),
        Err(e @ (WebError::Invalid { .. } | WebError::TooManyRequests(_))) => {
            let page = PasswordPage {
                forced: user.user.must_change_password,
                nav: Nav::of(&user),
                error: Some(e.message()),
            };
            Ok((e.status(), page).into_response())
        }
        Err(e) => Err(e),
    }
}
