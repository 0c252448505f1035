//! The HTML pages: one module per audience.

pub(crate) mod admin;
mod agent;
mod case;
mod login;
mod portal;

use crate::AppState;
use crate::auth::CurrentUser;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};

pub fn routes(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/static/app.css", get(css))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/account", get(login::account))
        .route("/account/tokens", post(login::create_token))
        .route("/account/tokens/{id}/delete", post(login::delete_token))
        .route("/portal", get(portal::home))
        .route("/portal/new", get(portal::new_case))
        .route("/portal/cases", post(portal::create_case))
        .route("/cases/{number}", get(case::show))
        .route(
            "/cases/{number}/messages",
            post(case::add_message).layer(DefaultBodyLimit::max(upload_limit)),
        )
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
pub struct Form<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for Form<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = crate::error::WebError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(Form(v)),
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(crate::error::WebError::TooLarge)
            }
            Err(e) => Err(crate::error::WebError::invalid("form", e.body_text())),
        }
    }
}

/// An optional numeric form field: empty is `None`, junk is an error.
pub fn opt_id(field: &str, v: &str) -> Result<Option<i64>, crate::error::WebError> {
    let v = v.trim();
    if v.is_empty() {
        Ok(None)
    } else {
        v.parse()
            .map(Some)
            .map_err(|_| crate::error::WebError::invalid(field, "er ikke et gyldig valg."))
    }
}

pub use admin::check_new_user;
