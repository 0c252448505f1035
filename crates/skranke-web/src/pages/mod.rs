//! The HTML pages: one module per audience. Every route is in `ROUTES`,
//! which builds the router and tells the browser test which pages exist.

pub(crate) mod admin;
mod agent;
mod case;
mod catalog;
mod login;
mod notices;
mod portal;
pub(crate) mod status;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::WebError;
use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{MethodRouter, get, post};

/// A page route: its path, whether it shows a page (GET), and its handlers.
pub struct Route {
    pub path: &'static str,
    pub page: bool,
    handlers: fn() -> MethodRouter<AppState>,
}

const fn page(path: &'static str, handlers: fn() -> MethodRouter<AppState>) -> Route {
    Route {
        path,
        page: true,
        handlers,
    }
}

const fn action(path: &'static str, handlers: fn() -> MethodRouter<AppState>) -> Route {
    Route {
        path,
        page: false,
        handlers,
    }
}

pub const ROUTES: &[Route] = &[
    page("/", || get(home)),
    action("/static/app.css", || get(css)),
    action("/static/app.js", || get(js)),
    page("/login", || get(login::form).post(login::submit)),
    action("/logout", || post(login::logout)),
    action("/language", || post(login::choose_language)),
    page("/account", || get(login::account)),
    page("/account/password", || {
        get(login::password_form).post(login::change_password)
    }),
    action("/account/sessions/delete", || {
        post(login::logout_everywhere)
    }),
    action("/account/tokens", || post(login::create_token)),
    action("/account/mail", || post(login::set_mail_choices)),
    action("/account/tokens/{id}/delete", || post(login::delete_token)),
    page("/portal", || get(portal::home)),
    page("/portal/new", || {
        get(portal::new_case).post(portal::follow_up)
    }),
    action("/portal/cases", || post(portal::create_case)),
    page("/cases/{number}", || get(case::show)),
    action("/cases/{number}/messages", || post(case::add_message)),
    action("/cases/{number}/update", || post(case::update)),
    action("/cases/{number}/deadline", || post(case::set_deadline)),
    action("/cases/{number}/confirm", || post(case::confirm)),
    action("/cases/{number}/reopen", || post(case::reopen)),
    action("/cases/{number}/copied", || post(case::copy)),
    action("/cases/{number}/copied/{user_id}/remove", || {
        post(case::uncopy)
    }),
    action("/cases/{number}/operational-messages", || {
        post(status::link_from_case)
    }),
    action("/attachments/{id}", || get(case::attachment)),
    action("/mail/{id}", || get(case::original_mail)),
    page("/agent", || get(agent::queue)),
    page("/agent/phone", || {
        get(agent::phone_search).post(agent::phone_create)
    }),
    page("/agent/phone/{user_id}", || get(agent::phone_form)),
    page("/agent/messages", || {
        get(status::messages).post(status::create)
    }),
    action("/agent/messages/{id}/edit", || post(status::edit)),
    action("/agent/messages/{id}/updates", || post(status::add_update)),
    action("/agent/messages/{id}/cases", || post(status::link_case)),
    action("/agent/messages/{id}/cases/{number}/remove", || {
        post(status::unlink_case)
    }),
    action("/agent/messages/{id}/resolve-cases", || {
        post(status::resolve_cases)
    }),
    page("/catalog", || get(catalog::list)),
    page("/catalog/{key}", || get(catalog::service)),
    page("/admin/catalog/{key}", || {
        get(catalog::edit_form).post(catalog::save)
    }),
    page("/status", || get(status::board)),
    action("/status.atom", || get(status::feed_all)),
    action("/status/services/{id}/feed", || get(status::feed_service)),
    action("/status/services/{id}/subscribe", || {
        post(status::follow_service)
    }),
    page("/status/messages/{id}", || get(status::message)),
    action("/status/messages/{id}/affected", || {
        post(status::concerns_me)
    }),
    action("/status/messages/{id}/subscribe", || {
        post(status::follow_message)
    }),
    action("/subscriptions/{id}/delete", || post(status::unfollow)),
    page("/unsubscribe/{token}", || {
        get(status::unsubscribe_form).post(status::unsubscribe)
    }),
    page("/notifications", || get(notices::notifications)),
    action("/notifications/read", || post(notices::notifications_read)),
    action("/notifications/{id}/read", || {
        post(notices::notification_read)
    }),
    page("/admin", || get(admin::page)),
    action("/admin/users", || post(admin::create_user)),
    action("/admin/users/{id}/active", || post(admin::set_active)),
    action("/admin/users/{id}/team", || post(admin::set_team)),
    action("/admin/users/{id}/contact", || post(admin::set_org_contact)),
    action("/admin/users/{id}/password", || post(admin::reset_password)),
    page("/admin/audit", || get(admin::audit)),
    page("/admin/mail", || get(admin::mail)),
    action("/admin/mail/{id}/release", || post(admin::release_mail)),
    action("/admin/mail/{id}/delete", || post(admin::delete_mail)),
    action("/admin/orgs", || post(admin::create_org)),
    action("/admin/orgs/{id}/units", || post(admin::create_unit)),
    action("/admin/teams", || post(admin::create_team)),
    action("/admin/services", || post(admin::create_service)),
];

/// A form that carries nothing but its CSRF token (a button).
#[derive(serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub fn routes() -> Router<AppState> {
    ROUTES
        .iter()
        .fold(Router::new(), |r, route| {
            r.route(route.path, (route.handlers)())
        })
        .fallback(not_found)
}

/// Every path that shows a page, for the browser test to visit.
pub fn page_paths() -> Vec<&'static str> {
    ROUTES.iter().filter(|r| r.page).map(|r| r.path).collect()
}

async fn home(user: CurrentUser) -> Redirect {
    if user.is_staff() {
        Redirect::to("/agent")
    } else {
        Redirect::to("/portal")
    }
}

/// An address nothing answers: the 404 page, with the navigation of
/// whoever is logged in (the API answers its own problem document).
async fn not_found(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
) -> axum::response::Response {
    if req.uri().path().starts_with("/api/") {
        return crate::error::ApiError(WebError::NotFound).into_response();
    }
    let (mut parts, _) = req.into_parts();
    // Reading the session sets the navigation for the error page.
    let _ = <CurrentUser as axum::extract::OptionalFromRequestParts<AppState>>::from_request_parts(
        &mut parts, &state,
    )
    .await;
    WebError::NotFound.into_response()
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

async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.js"),
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
        serde_urlencoded::from_bytes(&body).map(Form).map_err(|e| {
            WebError::invalid_msg(
                "form",
                crate::i18n::Msg::new("error-malformed").arg("detail", e.to_string()),
            )
        })
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
            .map_err(|_| WebError::invalid(field, "error-invalid-choice"))
    }
}
