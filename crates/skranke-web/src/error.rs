//! The web layer's errors: one enum, rendered as an HTML page for browsers
//! and as `application/problem+json` (RFC 9457) for the API.

use crate::i18n::Msg;
use crate::texts;
use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use skranke_core::change::ChangeError;
use skranke_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("not logged in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("csrf token missing or wrong")]
    Csrf,
    /// Not allowed, with a message saying what to do instead.
    #[error("refused: {}", .0.key)]
    Refused(Msg),
    /// Bad input; `field` names the offending field by its API name.
    #[error("{field}: {}", msg.key)]
    Invalid { field: String, msg: Msg },
    /// The request was valid but conflicts with the current state.
    #[error("{field}: {}", msg.key)]
    Conflict { field: String, msg: Msg },
    /// The body could not be read as the format it claims (JSON syntax, content type).
    #[error("malformed request: {0}")]
    Malformed(String),
    /// A change must say which version it is based on.
    #[error("precondition required")]
    PreconditionRequired,
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// Throttled: try again after this long.
    #[error("too many requests")]
    TooManyRequests(jiff::SignedDuration),
    #[error("payload too large")]
    TooLarge,
    /// The client did not send its request in time.
    #[error("request timeout")]
    Timeout,
    /// Busy for now (no database connection free in time): try again soon.
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl WebError {
    /// Bad input in `field`: the message `key` about it.
    pub fn invalid(field: &str, key: &'static str) -> WebError {
        WebError::invalid_msg(field, texts::about(field, key))
    }

    /// The same problem, at another field (a form's own name for it).
    pub fn at(self, field: &str) -> WebError {
        match self {
            WebError::Invalid { msg, .. } => WebError::Invalid {
                field: field.to_owned(),
                msg,
            },
            e => e,
        }
    }

    pub fn invalid_msg(field: &str, msg: Msg) -> WebError {
        WebError::Invalid {
            field: field.to_owned(),
            msg,
        }
    }

    pub fn conflict(field: &str, msg: Msg) -> WebError {
        WebError::Conflict {
            field: field.to_owned(),
            msg,
        }
    }

    /// The field to blame, for a page that shows the error at it.
    pub fn field_name(&self) -> Option<&str> {
        self.field()
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Unauthenticated => StatusCode::UNAUTHORIZED,
            WebError::Forbidden | WebError::Csrf | WebError::Refused(_) => StatusCode::FORBIDDEN,
            WebError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Conflict { .. } => StatusCode::CONFLICT,
            WebError::Malformed(_) => StatusCode::BAD_REQUEST,
            WebError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            WebError::Timeout => StatusCode::REQUEST_TIMEOUT,
            WebError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            WebError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            WebError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Logs what the person is not shown, once: where the response is made.
    fn log(&self) {
        match self {
            WebError::Internal(e) => {
                tracing::error!(error = %crate::logsafe::Safe(e), "request failed")
            }
            WebError::Unavailable(e) => {
                tracing::warn!(error = %crate::logsafe::Safe(e), "request refused: busy")
            }
            _ => {}
        }
    }

    /// Headers a response of this error carries.
    pub fn headers(&self, res: &mut Response) {
        let secs = match self {
            WebError::Unavailable(_) => RETRY_AFTER_SECS,
            WebError::TooManyRequests(w) => whole_seconds(*w),
            _ => return,
        };
        res.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
    }

    /// What a person reads, as a message of the catalogue.
    pub fn msg(&self) -> Msg {
        match self {
            WebError::Refused(m)
            | WebError::Invalid { msg: m, .. }
            | WebError::Conflict { msg: m, .. } => m.clone(),
            WebError::TooManyRequests(w) => texts::throttled(*w),
            WebError::Malformed(m) => Msg::new("error-malformed").arg("detail", m.as_str()),
            other => Msg::new(match other {
                WebError::NotFound => "error-not-found",
                WebError::Unauthenticated => "error-unauthenticated",
                WebError::Forbidden => "error-forbidden",
                WebError::Csrf => "error-csrf",
                WebError::TooLarge => "error-too-large",
                WebError::UnsupportedMediaType => "error-unsupported-media-type",
                WebError::Timeout => "error-timeout",
                WebError::PreconditionRequired => "error-version-required",
                WebError::PreconditionFailed => "error-conflict-version",
                WebError::Unavailable(_) => "error-unavailable",
                _ => "error-internal",
            }),
        }
    }

    /// What a person reads, in the request's language.
    pub fn message(&self) -> String {
        self.msg().text()
    }

    fn field(&self) -> Option<&str> {
        match self {
            WebError::Refused(_) => Some("requester"),
            WebError::Invalid { field, .. } | WebError::Conflict { field, .. } => Some(field),
            WebError::PreconditionRequired | WebError::PreconditionFailed => Some("version"),
            _ => None,
        }
    }
}

/// Seconds a client is asked to wait when the server is busy.
const RETRY_AFTER_SECS: i64 = 2;

/// A wait in whole seconds, rounded up, at least one.
pub fn whole_seconds(w: jiff::SignedDuration) -> i64 {
    (w.as_secs() + i64::from(w.subsec_nanos() > 0)).max(1)
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> WebError {
        match e {
            StoreError::NotFound => WebError::NotFound,
            StoreError::Conflict("version") => {
                WebError::conflict("version", Msg::new("error-conflict-version"))
            }
            StoreError::Conflict(field) => {
                WebError::conflict(field, texts::about(field, "error-taken"))
            }
            StoreError::MissingReference(field) => WebError::invalid(field, "error-unknown"),
            StoreError::Rejected(e) => WebError::from(e),
            StoreError::VersionRequired => WebError::PreconditionRequired,
            StoreError::IdempotencyMismatch => {
                WebError::invalid("Idempotency-Key", "error-idempotency-mismatch")
            }
            StoreError::Busy => WebError::Unavailable(StoreError::Busy.to_string()),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<ChangeError> for WebError {
    fn from(e: ChangeError) -> WebError {
        match e {
            ChangeError::Forbidden => WebError::Forbidden,
            ChangeError::Invalid { field, code } => {
                WebError::invalid_msg(field, texts::validation_msg(field, code))
            }
            ChangeError::Transition(t) => WebError::conflict("status", texts::transition_msg(t)),
        }
    }
}

/// A lookup by a name the client gave: "no such …" names the field; any
/// other failure stays what it is (a database error is never a 422).
pub fn unknown_as(field: &str, e: StoreError) -> WebError {
    match e {
        StoreError::NotFound => WebError::invalid(field, "error-unknown"),
        other => other.into(),
    }
}

/// HTML error page for browsers, with the navigation of whoever is
/// logged in.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.log();
        let page = crate::views::ErrorPage {
            nav: crate::context::nav(),
            status: self.status().as_u16(),
            message: self.message(),
        };
        let mut res = (self.status(), page).into_response();
        self.headers(&mut res);
        res
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI reference naming the problem type.
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The offending field, by its API name, where one is to blame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The API's error: the same variants, rendered as problem+json.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> ApiError {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let status = e.status();
        e.log();
        let kind = match &e {
            WebError::NotFound => "not-found",
            WebError::Unauthenticated => "unauthenticated",
            WebError::Forbidden => "forbidden",
            WebError::Csrf => "csrf",
            WebError::Refused(_) => "refused",
            WebError::Invalid { .. } => "invalid",
            WebError::Conflict { .. } => "conflict",
            WebError::TooManyRequests(_) => "too-many-requests",
            WebError::Malformed(_) => "malformed",
            WebError::TooLarge => "too-large",
            WebError::UnsupportedMediaType => "unsupported-media-type",
            WebError::PreconditionRequired => "precondition-required",
            WebError::PreconditionFailed => "precondition-failed",
            WebError::Timeout => "timeout",
            WebError::Unavailable(_) => "unavailable",
            WebError::Internal(_) => "internal",
        };
        // What a page would say, except where an API client needs to hear
        // how to ask.
        let detail = match &e {
            WebError::NotFound => Msg::new("api-not-found").text(),
            WebError::Unauthenticated => Msg::new("api-unauthenticated").text(),
            WebError::PreconditionRequired => Msg::new("api-precondition-required").text(),
            other => other.message(),
        };
        let problem = Problem {
            type_: format!("https://skranke.example/problems/{kind}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            field: e.field().map(str::to_owned),
        };
        let mut res = (status, Json(problem)).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        e.headers(&mut res);
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        res
    }
}
