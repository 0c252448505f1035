//! The JSON API under `/api/v1`, authenticated by bearer tokens, and its
//! OpenAPI document, generated from the same handlers the router serves
//! (utoipa-axum's `routes!`), so that no route goes undocumented.

mod account;
mod admin;
mod cases;
mod catalog;
pub use cases::{PAGE_MAX, Q_MAX};
mod doc;
mod mail;
mod schema;
mod status;
mod whole;

use crate::AppState;
use crate::error::{ApiError, WebError};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use std::sync::Arc;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

fn build() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, openapi) = OpenApiRouter::with_openapi(doc::base())
        .merge(cases::routes())
        .merge(account::routes())
        .merge(admin::routes())
        .merge(mail::routes())
        .merge(status::routes())
        .merge(catalog::routes())
        .split_for_parts();
    (router, doc::finish(openapi))
}

/// The API's routes and `/api/openapi.json`, which describes exactly them.
pub fn routes() -> Router<AppState> {
    let (router, openapi) = build();
    let openapi = Arc::new(openapi);
    router.route(
        "/api/openapi.json",
        get(move || {
            let doc = openapi.clone();
            async move { Json(doc.as_ref().clone()).into_response() }
        }),
    )
}

/// The OpenAPI document, as served.
pub fn openapi() -> utoipa::openapi::OpenApi {
    build().1
}

/// A path parameter; one that cannot be what the route takes (a number
/// too big, not a number) names nothing that exists: 404.
pub struct ApiPath<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiPath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        crate::pages::PagePath::<T>::from_request_parts(parts, state)
            .await
            .map(|crate::pages::PagePath(v)| ApiPath(v))
            .map_err(ApiError)
    }
}

/// JSON body extractor whose failures are problem documents naming the field.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(ApiError(json_error(e))),
        }
    }
}

fn json_error(e: JsonRejection) -> WebError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return WebError::TooLarge;
    }
    let text = e.body_text();
    match e {
        JsonRejection::MissingJsonContentType(_) => return WebError::UnsupportedMediaType,
        JsonRejection::JsonDataError(_) => {}
        _ => return WebError::Malformed(text),
    }
    let detail = text
        .split_once("target type: ")
        .map_or(text.as_str(), |(_, d)| d)
        .to_owned();
    // serde names the field in backticks ("unknown field `x`", "missing
    // field `x`"); a nested error is prefixed by its path ("priority: …").
    let field = detail
        .split('`')
        .nth(1)
        .filter(|_| detail.contains("field `"))
        .map(str::to_owned)
        .or_else(|| {
            detail
                .split_once(": ")
                .map(|(p, _)| p.to_owned())
                .filter(|p| !p.contains(' '))
        })
        .unwrap_or_else(|| "body".to_owned());
    WebError::invalid_msg(
        &field,
        crate::i18n::Msg::new("error-malformed").arg("detail", detail),
    )
}

/// A person as the API shows them.
#[derive(Serialize, ToSchema)]
pub struct Person {
    pub id: i64,
    pub name: String,
}

fn rfc3339(ms: i64) -> String {
    skranke_store::from_ms(ms).to_string()
}

/// "`value` is not one this field takes".
pub(crate) fn unknown_value(field: &str, value: &str) -> WebError {
    WebError::invalid_msg(
        field,
        crate::texts::about(field, "error-unknown-value").arg("value", value),
    )
}

pub(crate) fn range(field: &str, min: i64, max: i64) -> WebError {
    WebError::invalid_msg(
        field,
        crate::texts::about(field, "error-range")
            .arg("min", min)
            .arg("max", max),
    )
}
