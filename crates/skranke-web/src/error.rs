//! The web layer's errors: one enum, rendered as an HTML page for browsers
//! and as `application/problem+json` (RFC 9457) for the API.

use crate::texts;
use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
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
    #[error("too many requests")]
    TooManyRequests(&'static str),
    #[error("payload too large")]
    TooLarge,
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
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The Norwegian message a person reads.
    pub fn message(&self) -> String {
        match self {
            WebError::NotFound => texts::NOT_FOUND.into(),
            WebError::Unauthenticated => "Du må logge inn.".into(),
            WebError::Forbidden => texts::FORBIDDEN.into(),
            WebError::Csrf => texts::CSRF_FAILED.into(),
            WebError::Refused(m) => (*m).into(),
            WebError::Invalid { field, message } | WebError::Conflict { field, message } => {
                format!("{}: {message}", texts::field_label(field))
            }
            WebError::TooManyRequests(m) => (*m).into(),
            WebError::Malformed(m) => m.clone(),
            WebError::TooLarge => texts::TOO_LARGE.into(),
            WebError::Internal(_) => texts::INTERNAL.into(),
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            WebError::Refused(_) => Some("requester"),
            WebError::Invalid { field, .. } | WebError::Conflict { field, .. } => Some(field),
            _ => None,
        }
    }
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
            other => {
                tracing::error!(error = %other, "storage error");
                WebError::Internal(other.to_string())
            }
        }
    }
}

/// HTML error page for browsers.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::Internal(e) = &self {
            tracing::error!(error = %e, "request failed");
        }
        let page = crate::views::ErrorPage {
            status: self.status().as_u16(),
            message: self.message(),
        };
        (self.status(), page).into_response()
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
        if let WebError::Internal(msg) = &e {
            tracing::error!(error = %msg, "api request failed");
        }
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
            WebError::TooManyRequests(m) => ("too-many-requests", (*m).to_owned()),
            WebError::Malformed(m) => ("malformed", m.clone()),
            WebError::TooLarge => ("too-large", texts::TOO_LARGE.to_owned()),
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
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        res
    }
}
