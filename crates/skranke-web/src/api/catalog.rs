//! The service catalog over the API: a service's description in its
//! sections, its roles, and its status now.

use super::ApiPath;
use super::schema::{RoleSchema, ServiceStatusSchema};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem, WebError};
use crate::status::reader_of;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use skranke_core::catalog::{Role, SECTIONS};
use skranke_core::operational::ServiceStatus;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_service))
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
    let s = state
        .store
        .catalog_service(&key)
        .await
        .map_err(WebError::from)?;
    let entry = state
        .store
        .catalog_entries()
        .await
        .map_err(WebError::from)?
        .into_iter()
        .find(|e| e.key.as_deref() == Some(key.as_str()))
        .ok_or(WebError::NotFound)?;
    let board =
        crate::status::board(&state, reader_of(Some(&user.0)), jiff::Timestamp::now()).await?;
    let status = board
        .services
        .iter()
        .find(|l| l.service.id == entry.id)
        .map_or(ServiceStatus::Available, |l| l.status);
    Ok(Json(ServiceDetailDto {
        id: entry.id,
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
    }))
}
