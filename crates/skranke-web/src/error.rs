//! The web layer's errors: one enum, rendered as an HTML page for browsers
//! and as `application/problem+json` (RFC 9457) for the API.

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
    #[error("refused: {0}")]
    Refused(&'static str),
    /// Bad input; `field` names the offending field by its API name.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The request was valid but conflicts with the current state.
    #[error("{field}: {message}")]
    Conflict { field: String, message: String },
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
    pub fn invalid(field: &str, message: impl Into<String>) -> WebError {
        WebError::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
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

    /// The Norwegian message a person reads.
    pub fn message(&self) -> String {
        match self {
            WebError::NotFound => texts::NOT_FOUND.into(),
            WebError::Unauthenticated => "Du må logge inn.".into(),
            WebError::Forbidden => texts::FORBIDDEN.into(),
            WebError::Csrf => texts::CSRF_FAILED.into(),
            WebError::Refused(m) => (*m).into(),
            // A fragment ("må fylles ut.") is said of its field; a whole
            // sentence stands alone.
            WebError::Invalid { field, message } | WebError::Conflict { field, message } => {
                if message.starts_with(char::is_uppercase) {
                    message.clone()
                } else {
                    format!("{}: {message}", texts::field_label(field))
                }
            }
            WebError::TooManyRequests(w) => texts::throttled(*w),
            WebError::Malformed(m) => m.clone(),
            WebError::TooLarge => texts::TOO_LARGE.into(),
            WebError::UnsupportedMediaType => texts::UNSUPPORTED_MEDIA_TYPE.into(),
            WebError::Timeout => texts::REQUEST_TIMEOUT.into(),
            WebError::PreconditionRequired => texts::VERSION_REQUIRED.into(),
            WebError::PreconditionFailed => texts::CONFLICT_VERSION.into(),
            WebError::Unavailable(_) => texts::UNAVAILABLE.into(),
            WebError::Internal(_) => texts::INTERNAL.into(),
        }
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
            StoreError::Conflict("version") => WebError::Conflict {
                field: "version".into(),
                message: texts::CONFLICT_VERSION.into(),
            },
            StoreError::Conflict(field) => WebError::Conflict {
                field: field.into(),
                message: "er allerede i bruk.".into(),
            },
            StoreError::MissingReference(field) => WebError::invalid(field, "finnes ikke."),
            StoreError::Rejected(e) => WebError::from(e),
            StoreError::VersionRequired => WebError::PreconditionRequired,
            StoreError::IdempotencyMismatch => WebError::invalid(
                "Idempotency-Key",
                "ble brukt til en annen forespørsel de siste 24 timene.",
            ),
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
                WebError::invalid(field, texts::validation_message(code))
            }
            ChangeError::Transition(t) => WebError::Conflict {
                field: "status".into(),
                message: texts::transition_message(t).into(),
            },
        }
    }
}

/// A lookup by a name the client gave: "no such …" names the field; any
/// other failure stays what it is (a database error is never a 422).
pub fn unknown_as(field: &str, e: StoreError) -> WebError {
    match e {
        StoreError::NotFound => WebError::invalid(field, "finnes ikke."),
        other => other.into(),
    }
}

/// HTML error page for browsers.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.log();
        let page = crate::views::ErrorPage {
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
        let (kind, detail) = match &e {
            WebError::NotFound => ("not-found", "No such resource.".to_owned()),
            WebError::Unauthenticated => (
                "unauthenticated",
                "Send a valid token as `Authorization: Bearer <token>`.".to_owned(),
            ),
            WebError::Forbidden => ("forbidden", texts::FORBIDDEN.to_owned()),
            WebError::Csrf => ("csrf", texts::CSRF_FAILED.to_owned()),
            WebError::Refused(m) => ("refused", (*m).to_owned()),
            WebError::Invalid { field, message } => ("invalid", format!("{field}: {message}")),
            WebError::Conflict { field, message } => ("conflict", format!("{field}: {message}")),
            WebError::TooManyRequests(w) => ("too-many-requests", texts::throttled(*w)),
            WebError::Malformed(m) => ("malformed", m.clone()),
            WebError::TooLarge => ("too-large", texts::TOO_LARGE.to_owned()),
            WebError::UnsupportedMediaType => (
                "unsupported-media-type",
                texts::UNSUPPORTED_MEDIA_TYPE.to_owned(),
            ),
            WebError::PreconditionRequired => (
                "precondition-required",
                "Send the `version` you last read, or `If-Match` with the case's `ETag`."
                    .to_owned(),
            ),
            WebError::PreconditionFailed => {
                ("precondition-failed", texts::CONFLICT_VERSION.to_owned())
            }
            WebError::Timeout => ("timeout", texts::REQUEST_TIMEOUT.to_owned()),
            WebError::Unavailable(_) => ("unavailable", texts::UNAVAILABLE.to_owned()),
            WebError::Internal(_) => ("internal", texts::INTERNAL.to_owned()),
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
