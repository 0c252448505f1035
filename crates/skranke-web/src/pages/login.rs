use super::Form;
use crate::AppState;
use crate::auth::{self, CurrentUser, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use crate::error::WebError;
use crate::views::{AccountPage, LoginPage, Nav};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use std::net::SocketAddr;

/// The login form. Its CSRF token is a double-submit cookie, since there
/// is no session yet to keep it in.
pub async fn form(State(state): State<AppState>) -> Response {
    let csrf = auth::generate_token();
    let cookie = auth::set_cookie(&state, LOGIN_CSRF_COOKIE, &csrf, 3600);
    (
        [(header::SET_COOKIE, cookie)],
        LoginPage {
            csrf,
            username: String::new(),
            error: None,
        },
    )
        .into_response()
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
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let cookie_csrf = auth::cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if cookie_csrf.is_empty() || !auth::same_secret(cookie_csrf, &f.csrf) {
        return WebError::Csrf.into_response();
    }
    let username = f.username.trim().to_owned();
    match auth::login(&state, &username, &f.password, &addr.ip().to_string()).await {
        Ok((token, user)) => {
            let to = if user.kind.is_staff() {
                "/agent"
            } else {
                "/portal"
            };
            (
                [(header::SET_COOKIE, auth::session_cookie(&state, &token))],
                Redirect::to(to),
            )
                .into_response()
        }
        Err(e @ (WebError::Invalid { .. } | WebError::TooManyRequests(_))) => {
            let status = e.status();
            let msg = match &e {
                WebError::Invalid { message, .. } => message.clone(),
                other => other.message(),
            };
            (
                status,
                LoginPage {
                    csrf: f.csrf,
                    username,
                    error: Some(msg),
                },
            )
                .into_response()
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    if let Some(token) = auth::cookie(&headers, SESSION_COOKIE) {
        state.store.delete_session(&auth::hash_token(token)).await?;
    }
    Ok((
        [(
            header::SET_COOKIE,
            auth::set_cookie(&state, SESSION_COOKIE, "", 0),
        )],
        Redirect::to("/login"),
    )
        .into_response())
}

pub async fn account(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<AccountPage, WebError> {
    Ok(AccountPage {
        tokens: state.store.list_api_tokens(user.user.id).await?,
        nav: Nav::of(&user),
        new_token: None,
        error: None,
    })
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<TokenForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let name = f.name.trim();
    let error = if name.is_empty() || name.chars().count() > 100 {
        Some("Navn: må fylles ut (høyst 100 tegn).".to_owned())
    } else {
        None
    };
    let new_token = if error.is_none() {
        let token = auth::generate_token();
        state
            .store
            .create_api_token(
                user.user.id,
                name,
                &auth::hash_token(&token),
                Timestamp::now(),
            )
            .await?;
        Some(token)
    } else {
        None
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = AccountPage {
        tokens: state.store.list_api_tokens(user.user.id).await?,
        nav: Nav::of(&user),
        new_token,
        error,
    };
    // The token is in this page only: never let a cache keep it.
    Ok((status, [(header::CACHE_CONTROL, "no-store")], page).into_response())
}

pub async fn delete_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Redirect, WebError> {
    user.check_csrf(&f.csrf)?;
    state.store.delete_api_token(user.user.id, id).await?;
    Ok(Redirect::to("/account"))
}
