//! The service catalog over the API: a service's description in its
//! sections, its roles, and its status now.

use super::schema::{Line, RoleSchema, ServiceStatusSchema, Text};
use super::{ApiJson, ApiPath};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem, WebError};
use crate::status::reader_of;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use skranke_core::audit::AuditEvent;
use skranke_core::catalog::{Role, SECTIONS};
use skranke_core::operational::ServiceStatus;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_service, put_service))
}

#[derive(Serialize, ToSchema)]
pub struct SectionDto {
    /// `description`, `included`, `expectations`, `cost`, `contribute`, `more_info`.
    pub key: &'static str,
    /// Its number in the description form (1–6; the roles are 7).
    pub number: usize,
    /// Markdown, as written.
    pub body: String,
}

#[derive(Serialize, ToSchema)]
pub struct RoleDto {
    #[schema(value_type = RoleSchema)]
    pub role: Role,
    /// A person, a team or an organisation's name.
    pub holder: String,
}

#[derive(Serialize, ToSchema)]
pub struct ServiceDetailDto {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub category: String,
    /// From the operational messages the caller may see, now.
    #[schema(value_type = ServiceStatusSchema)]
    pub status: ServiceStatus,
    /// The status line as the description form writes it: "TJENESTEN ER TILGJENGELIG".
    pub status_line: String,
    pub sections: Vec<SectionDto>,
    pub roles: Vec<RoleDto>,
}

/// A service of the catalog, whole.
#[utoipa::path(get, path = "/api/v1/services/{key}",
    params(("key" = String, Path, description = "The service's key, e.g. `kundeservice`")),
    responses(
        (status = 200, description = "The service.", body = ServiceDetailDto),
        (status = 404, description = "No service has this key.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn get_service(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(key): ApiPath<String>,
) -> Result<Json<ServiceDetailDto>, ApiError> {
    Ok(Json(detail(&state, &user, &key).await?))
}

async fn detail(state: &AppState, user: &ApiUser, key: &str) -> Result<ServiceDetailDto, WebError> {
    let s = state.store.catalog_service(key).await?;
    let (id, status) = crate::status::of_service(state, reader_of(Some(&user.0)), key).await?;
    Ok(ServiceDetailDto {
        id,
        status_line: crate::texts::Label::label(&status).to_uppercase(),
        status,
        key: s.key,
        name: s.name,
        category: s.category,
        sections: s
            .description
            .sections
            .into_iter()
            .map(|(key, body)| SectionDto {
                key,
                number: SECTIONS.iter().position(|(k, _)| *k == key).unwrap_or(0) + 1,
                body,
            })
            .collect(),
        roles: s
            .description
            .roles
            .into_iter()
            .map(|(role, holder)| RoleDto { role, holder })
            .collect(),
    })
}

/// Sections 1–6 of a description, each Markdown; one left out is empty.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct SectionsRequest {
    #[serde(default)]
    pub description: Option<Text<20000>>,
    #[serde(default)]
    pub included: Option<Text<20000>>,
    #[serde(default)]
    pub expectations: Option<Text<20000>>,
    #[serde(default)]
    pub cost: Option<Text<20000>>,
    #[serde(default)]
    pub contribute: Option<Text<20000>>,
    #[serde(default)]
    pub more_info: Option<Text<20000>>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleRequest {
    #[schema(value_type = RoleSchema)]
    pub role: Role,
    /// A person, a team or an organisation's name.
    pub holder: Line<200>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceRequest {
    pub name: Line<200>,
    #[serde(default)]
    pub category: Option<Line<200>>,
    #[serde(default)]
    pub sections: Option<SectionsRequest>,
    /// Each role at most once.
    #[serde(default)]
    #[schema(max_items = 3)]
    pub roles: Option<Vec<RoleRequest>>,
}

/// Creates or replaces a service's description (admins): the same as
/// `skranke catalog import`.
#[utoipa::path(put, path = "/api/v1/services/{key}", request_body = ServiceRequest,
    params(("key" = String, Path, description = "The service's key: lower-case letters, digits and `-`")),
    responses(
        (status = 200, description = "Updated.", body = ServiceDetailDto),
        (status = 201, description = "Created.", body = ServiceDetailDto),
        (status = 409, description = "Another service has this name.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A key that is not one, an empty name, a role given twice.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn put_service(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(key): ApiPath<String>,
    ApiJson(req): ApiJson<ServiceRequest>,
) -> Result<Response, ApiError> {
    user.require_admin()?;
    let given = req.sections.unwrap_or_default();
    let body = |b: Option<Text<20000>>| b.map(|b| b.0).unwrap_or_default();
    let input = crate::admin::ServiceInput {
        name: req.name.0,
        category: req.category.map(|c| c.0).unwrap_or_default(),
        sections: [
            body(given.description),
            body(given.included),
            body(given.expectations),
            body(given.cost),
            body(given.contribute),
            body(given.more_info),
        ],
        roles: req
            .roles
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r.role, r.holder.0))
            .collect(),
    };
    let done =
        crate::admin::save_service(&state, &key, input, user.audit(AuditEvent::ServiceUpdated))
            .await?;
    let status = if done.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(detail(&state, &user, &key).await?)).into_response())
}
