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
use skranke_core::catalog::{self, CatalogService, Description, Role, SECTIONS};
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
    let entry = state
        .store
        .catalog_entries()
        .await?
        .into_iter()
        .find(|e| e.key.as_deref() == Some(key))
        .ok_or(WebError::NotFound)?;
    let board =
        crate::status::board(state, reader_of(Some(&user.0)), jiff::Timestamp::now()).await?;
    let status = board
        .services
        .iter()
        .find(|l| l.service.id == entry.id)
        .map_or(ServiceStatus::Available, |l| l.status);
    Ok(ServiceDetailDto {
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
    if !catalog::valid_key(&key) {
        return Err(WebError::invalid("key", "error-invalid-key").into());
    }
    let mut errors = Vec::new();
    let name = skranke_core::case::line("name", &req.name.0, true, 200, &mut errors);
    let category = req
        .category
        .as_ref()
        .map(|c| skranke_core::case::line("category", &c.0, false, 200, &mut errors))
        .unwrap_or_default();
    let given = req.sections.unwrap_or_default();
    let bodies = [
        given.description,
        given.included,
        given.expectations,
        given.cost,
        given.contribute,
        given.more_info,
    ];
    let sections = SECTIONS
        .iter()
        .zip(bodies)
        .map(|((k, _), body)| {
            let body = body.map(|b| skranke_core::case::text(k, &b.0, false, 20_000, &mut errors));
            (*k, body.unwrap_or_default())
        })
        .collect();
    let mut roles: Vec<(Role, String)> = Vec::new();
    for r in req.roles.unwrap_or_default() {
        if roles.iter().any(|(role, _)| *role == r.role) {
            return Err(WebError::invalid("roles", "error-role-twice").into());
        }
        let holder = skranke_core::case::line("roles", &r.holder.0, true, 200, &mut errors);
        roles.push((r.role, holder));
    }
    if !errors.is_empty() {
        return Err(crate::casework::validation_error(&errors).into());
    }
    roles.sort_by_key(|(r, _)| Role::ALL.iter().position(|x| x == r));
    // The status line is the form's snapshot; the API sets what it can see.
    let status_line = state
        .store
        .catalog_service(&key)
        .await
        .ok()
        .and_then(|s| s.description.status_line);
    let service = CatalogService {
        key: key.clone(),
        description: Description {
            name: name.clone(),
            status_line,
            sections,
            roles,
        },
        name,
        category,
    };
    let done = state
        .store
        .import_service(
            &service,
            &user.audit(AuditEvent::ServiceUpdated),
            jiff::Timestamp::now(),
        )
        .await
        .map_err(WebError::from)?;
    let status = if done.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(detail(&state, &user, &key).await?)).into_response())
}
