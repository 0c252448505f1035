//! The HTML pages: one module per audience.

pub(crate) mod admin;
mod agent;
mod case;
mod login;
mod portal;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::WebError;
use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/static/app.css", get(css))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/account", get(login::account))
        .route(
            "/account/password",
            get(login::password_form).post(login::change_password),
        )
        .route("/account/sessions/delete", post(login::logout_everywhere))
        .route("/account/tokens", post(login::create_token))
        .route("/account/tokens/{id}/delete", post(login::delete_token))
        .route("/portal", get(portal::home))
        .route("/portal/new", get(portal::new_case).post(portal::follow_up))
        .route("/portal/cases", post(portal::create_case))
        .route("/cases/{number}", get(case::show))
        .route("/cases/{number}/messages", post(case::add_message))
        .route("/cases/{number}/update", post(case::update))
        .route("/cases/{number}/deadline", post(case::set_deadline))
        .route("/cases/{number}/confirm", post(case::confirm))
        .route("/cases/{number}/reopen", post(case::reopen))
        .route("/attachments/{id}", get(case::attachment))
        .route("/agent", get(agent::queue))
        .route(
            "/agent/phone",
            get(agent::phone_search).post(agent::phone_create),
        )
        .route("/agent/phone/{user_id}", get(agent::phone_form))
        .route("/agent/notifications", get(agent::notifications))
        .route("/agent/notifications/read", post(agent::notifications_read))
        .route("/admin", get(admin::page))
        .route("/admin/users", post(admin::create_user))
        .route("/admin/users/{id}/active", post(admin::set_active))
        .route("/admin/users/{id}/team", post(admin::set_team))
        .route("/admin/users/{id}/password", post(admin::reset_password))
        .route("/admin/audit", get(admin::audit))
        .route("/admin/orgs", post(admin::create_org))
        .route("/admin/orgs/{id}/units", post(admin::create_unit))
        .route("/admin/teams", post(admin::create_team))
        .route("/admin/services", post(admin::create_service))
}

async fn home(user: CurrentUser) -> Redirect {
    if user.is_staff() {
        Redirect::to("/agent")
    } else {
        Redirect::to("/portal")
    }
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
}

/// Reads a form, turning a malformed body into a clear Norwegian error.
/// Text that is not UTF-8 is refused, never kept with replacement characters.
pub struct Form<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for Form<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(WebError::UnsupportedMediaType);
        }
        let body = <axum::body::Bytes as axum::extract::FromRequest<S>>::from_request(req, state)
            .await
            .map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    WebError::TooLarge
                } else {
                    WebError::Malformed(e.body_text())
                }
            })?;
        check_form_utf8(&body)?;
        serde_urlencoded::from_bytes(&body)
            .map(Form)
            .map_err(|e| WebError::invalid("form", e.to_string()))
    }
}

/// Every name and value of an urlencoded body decodes to UTF-8.
fn check_form_utf8(body: &[u8]) -> Result<(), WebError> {
    let decode = |part: &[u8]| -> Vec<u8> {
        let spaced: Vec<u8> = part
            .iter()
            .map(|b| if *b == b'+' { b' ' } else { *b })
            .collect();
        percent_encoding::percent_decode(&spaced).collect()
    };
    for pair in body.split(|b| *b == b'&') {
        let mut kv = pair.splitn(2, |b| *b == b'=');
        let key = String::from_utf8(decode(kv.next().unwrap_or_default()))
            .map_err(|_| crate::files::not_utf8("form"))?;
        if let Some(v) = kv.next() {
            String::from_utf8(decode(v)).map_err(|_| crate::files::not_utf8(&key))?;
        }
    }
    Ok(())
}

/// A path parameter; one that cannot be what the route takes names
/// nothing that exists: the 404 page.
pub struct PagePath<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for PagePath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, WebError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| PagePath(v))
            .map_err(|_| WebError::NotFound)
    }
}

/// An optional numeric form field: empty is `None`, junk is an error.
pub fn opt_id(field: &str, v: &str) -> Result<Option<i64>, WebError> {
    let v = v.trim();
    if v.is_empty() {
        Ok(None)
    } else {
        v.parse()
            .map(Some)
            .map_err(|_| WebError::invalid(field, "er ikke et gyldig valg."))
    }
}
