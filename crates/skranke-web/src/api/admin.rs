//! The admin functions over the API: people, organizations and their
//! units, teams, services, password resets, the audit log and the cases
//! the SLA engine set aside. Every change goes through `crate::admin`, as
//! the admin page's do.

use super::account::UserDto;
use super::schema::{Line, UserKindSchema};
use super::{ApiJson, ApiPath, rfc3339};
use crate::AppState;
use crate::admin::{self, Named, UserRequest};
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem, WebError};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use skranke_core::UserKind;
use skranke_core::audit::AuditEvent;
use skranke_store::{Organization, Service, Team};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(update_user))
        .routes(routes!(reset_password))
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(create_unit))
        .routes(routes!(list_teams, create_team))
        .routes(routes!(list_services, create_service))
        .routes(routes!(audit_log))
        .routes(routes!(sla_errors))
}

fn staff(user: &ApiUser) -> Result<(), WebError> {
    if user.0.kind.is_staff() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Finds people by name, username or e-mail (at least 2 characters;
    /// agents must give it, admins get everyone without it).
    #[param(min_length = 2, max_length = 100)]
    pub q: Option<String>,
}

/// People: a search for agents (the phone intake), everyone for admins.
#[utoipa::path(get, path = "/api/v1/users", params(UserQuery),
    responses((status = 200, description = "Matching people (25 at most for a search).", body = Vec<UserDto>)),
    security(("bearer" = [])))]
async fn list_users(
    State(state): State<AppState>,
    user: ApiUser,
    query: Result<Query<UserQuery>, QueryRejection>,
) -> Result<Json<Vec<UserDto>>, ApiError> {
    staff(&user)?;
    let Query(q) = query.map_err(super::cases::query_error)?;
    let users = match q.q.as_deref().map(str::trim) {
        Some(t) if (2..=100).contains(&t.chars().count()) => {
            state.store.search_users(t, 25).await?
        }
        Some(_) => {
            return Err(WebError::invalid_msg(
                "q",
                crate::texts::about("q", "error-length-range")
                    .arg("min", 2)
                    .arg("max", 100),
            )
            .into());
        }
        None if user.0.kind == UserKind::Admin => state.store.list_users().await?,
        // Agents search; only admins may list everyone.
        None => return Err(WebError::Forbidden.into()),
    };
    Ok(Json(users.into_iter().map(UserDto::from).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    /// Letters a–z, digits, `.`, `-` and `_`.
    #[schema(max_length = 64, pattern = r"^\s*[A-Za-z0-9._-]+\s*$")]
    pub username: String,
    pub name: Line<200>,
    #[schema(
        max_length = 254,
        pattern = r"^\s*[^\s@\x00-\x1f\x7f-\x9f]+@[^\s\x00-\x1f\x7f-\x9f]*\.[^\s\x00-\x1f\x7f-\x9f]*\s*$"
    )]
    pub email: String,
    #[serde(default)]
    #[schema(max_length = 40)]
    pub phone: String,
    #[schema(value_type = UserKindSchema)]
    pub kind: UserKind,
    #[serde(default, deserialize_with = "super::whole::opt")]
    pub organization_id: Option<i64>,
    #[serde(default, deserialize_with = "super::whole::opt")]
    pub unit_id: Option<i64>,
    #[serde(default, deserialize_with = "super::whole::opt")]
    pub team_id: Option<i64>,
    /// At least 12 characters and not easy to guess; without it the person
    /// has no password until an admin resets one.
    #[serde(default)]
    #[schema(min_length = 12, max_length = 256)]
    pub password: Option<String>,
}

/// Create a person (admins).
#[utoipa::path(post, path = "/api/v1/users", request_body = NewUserRequest,
    responses(
        (status = 201, description = "The person as created.", body = UserDto),
        (status = 409, description = "The username or e-mail is taken.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn create_user(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<NewUserRequest>,
) -> Result<(StatusCode, Json<UserDto>), ApiError> {
    user.require_admin()?;
    let r = UserRequest {
        username: req.username,
        full_name: req.name.0,
        email: req.email,
        phone: req.phone,
        kind: req.kind.key().into(),
        org_id: req.organization_id,
        unit_id: req.unit_id,
        team_id: req.team_id,
        password: req.password.unwrap_or_default(),
    };
    let id = admin::create_user(&state, r, user.audit(AuditEvent::UserCreated)).await?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.user(id).await?.into()),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    /// A deactivated person cannot log in; their sessions and tokens end.
    #[serde(default)]
    pub active: Option<bool>,
    /// The team of an agent; `null` for none.
    #[serde(default, deserialize_with = "super::whole::nullable")]
    #[schema(value_type = Option<i64>)]
    pub team_id: Option<Option<i64>>,
    /// A customer of an organisation who speaks for it: may subscribe to
    /// operational messages on its behalf.
    #[serde(default)]
    pub org_contact: Option<bool>,
}

/// Activate or deactivate a person, or set their team (admins).
#[utoipa::path(patch, path = "/api/v1/users/{id}", request_body = UpdateUserRequest,
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "The person after the change.", body = UserDto),
        (status = 409, description = "Admins cannot deactivate themselves.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn update_user(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<UpdateUserRequest>,
) -> Result<Json<UserDto>, ApiError> {
    user.require_admin()?;
    state.store.user(id).await?;
    if let Some(active) = req.active {
        admin::set_active(
            &state,
            user.0.id,
            id,
            active,
            user.audit(AuditEvent::UserActivated),
        )
        .await?;
    }
    if let Some(team) = req.team_id {
        admin::set_team(&state, id, team, user.audit(AuditEvent::UserTeamChanged)).await?;
    }
    if let Some(contact) = req.org_contact {
        admin::set_org_contact(
            &state,
            id,
            contact,
            user.audit(AuditEvent::OrgContactChanged),
        )
        .await?;
    }
    Ok(Json(state.store.user(id).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct OneTimePassword {
    /// Give it to the person only; it must be changed at their next login.
    pub password: String,
}

/// Set a one-time password for a person and end their sessions (admins).
#[utoipa::path(post, path = "/api/v1/users/{id}/password-reset",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "The one-time password, shown this once.", body = OneTimePassword),
        (status = 404, description = "No such person.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn reset_password(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<OneTimePassword>, ApiError> {
    user.require_admin()?;
    let password = admin::reset_password(&state, id, user.audit(AuditEvent::PasswordReset)).await?;
    Ok(Json(OneTimePassword { password }))
}

#[derive(Serialize, ToSchema)]
pub struct UnitDto {
    pub id: i64,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct OrganizationDto {
    pub id: i64,
    pub name: String,
    pub domains: Vec<String>,
    pub units: Vec<UnitDto>,
}

impl From<Organization> for OrganizationDto {
    fn from(o: Organization) -> OrganizationDto {
        OrganizationDto {
            id: o.id,
            name: o.name,
            domains: o.domains,
            units: o
                .units
                .into_iter()
                .map(|u| UnitDto {
                    id: u.id,
                    name: u.name,
                })
                .collect(),
        }
    }
}

/// The organizations (municipalities) with their units.
#[utoipa::path(get, path = "/api/v1/organizations",
    responses((status = 200, description = "By name.", body = Vec<OrganizationDto>)),
    security(("bearer" = [])))]
async fn list_orgs(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<OrganizationDto>>, ApiError> {
    staff(&user)?;
    let orgs = state.store.list_orgs().await?;
    Ok(Json(orgs.into_iter().map(OrganizationDto::from).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganizationRequest {
    pub name: Line<200>,
    /// E-mail domains that belong to it, e.g. `kommune-a.example`.
    #[serde(default)]
    pub domains: Vec<Domain>,
}

/// An e-mail domain: letters, digits, `-` and at least one `.`.
#[derive(Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, max_length = 253, pattern = r"^\s*@?[A-Za-z0-9-]*\.[A-Za-z0-9.-]*\s*$")]
pub struct Domain(String);

/// Create an organization (admins).
#[utoipa::path(post, path = "/api/v1/organizations", request_body = NewOrganizationRequest,
    responses(
        (status = 201, description = "The organization as created.", body = OrganizationDto),
        (status = 409, description = "The name or a domain is taken.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn create_org(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<NewOrganizationRequest>,
) -> Result<(StatusCode, Json<OrganizationDto>), ApiError> {
    user.require_admin()?;
    let typed: Vec<&str> = req.domains.iter().map(|d| d.0.as_str()).collect();
    let domains = admin::parse_domains(&typed.join(","))?;
    let id = admin::create_org(
        &state,
        &req.name.0,
        &domains,
        user.audit(AuditEvent::OrganizationCreated),
    )
    .await?;
    let org = found(
        state
            .store
            .list_orgs()
            .await?
            .into_iter()
            .find(|o| o.id == id),
    )?;
    Ok((StatusCode::CREATED, Json(org.into())))
}

fn found<T>(v: Option<T>) -> Result<T, WebError> {
    v.ok_or_else(|| WebError::Internal("a row just written is gone".into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NameRequest {
    pub name: Line<200>,
}

/// Add a unit (virksomhet) to an organization (admins).
#[utoipa::path(post, path = "/api/v1/organizations/{id}/units", request_body = NameRequest,
    params(("id" = i64, Path, description = "Organization id")),
    responses(
        (status = 201, description = "The unit as created.", body = UnitDto),
        (status = 404, description = "No such organization.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The organization has a unit of that name.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn create_unit(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(org): ApiPath<i64>,
    ApiJson(req): ApiJson<NameRequest>,
) -> Result<(StatusCode, Json<UnitDto>), ApiError> {
    user.require_admin()?;
    let id = admin::create_unit(
        &state,
        org,
        &req.name.0,
        user.audit(AuditEvent::UnitCreated),
    )
    .await
    .map_err(|e| match e {
        // The organization is the path's: one that does not exist is 404.
        WebError::Invalid { field, .. } if field == "organization" => WebError::NotFound,
        e => e,
    })?;
    let name = skranke_core::case::clean_line(&req.name.0);
    Ok((StatusCode::CREATED, Json(UnitDto { id, name })))
}

#[derive(Serialize, ToSchema)]
pub struct NamedDto {
    pub id: i64,
    pub name: String,
}

impl From<Team> for NamedDto {
    fn from(t: Team) -> NamedDto {
        NamedDto {
            id: t.id,
            name: t.name,
        }
    }
}

impl From<Service> for NamedDto {
    fn from(s: Service) -> NamedDto {
        NamedDto {
            id: s.id,
            name: s.name,
        }
    }
}

/// The agents' teams.
#[utoipa::path(get, path = "/api/v1/teams",
    responses((status = 200, description = "By name.", body = Vec<NamedDto>)),
    security(("bearer" = [])))]
async fn list_teams(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<NamedDto>>, ApiError> {
    staff(&user)?;
    let teams = state.store.list_teams().await?;
    Ok(Json(teams.into_iter().map(NamedDto::from).collect()))
}

/// Create a team (admins).
#[utoipa::path(post, path = "/api/v1/teams", request_body = NameRequest,
    responses(
        (status = 201, description = "The team as created.", body = NamedDto),
        (status = 409, description = "The name is taken.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn create_team(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<NameRequest>,
) -> Result<(StatusCode, Json<NamedDto>), ApiError> {
    named(&state, &user, Named::Team, req, AuditEvent::TeamCreated).await
}

/// The services a case can be about (everyone: the report form offers them).
#[utoipa::path(get, path = "/api/v1/services",
    responses((status = 200, description = "By name.", body = Vec<NamedDto>)),
    security(("bearer" = [])))]
async fn list_services(
    State(state): State<AppState>,
    _user: ApiUser,
) -> Result<Json<Vec<NamedDto>>, ApiError> {
    let services = state.store.list_services().await?;
    Ok(Json(services.into_iter().map(NamedDto::from).collect()))
}

/// Create a service (admins).
#[utoipa::path(post, path = "/api/v1/services", request_body = NameRequest,
    responses(
        (status = 201, description = "The service as created.", body = NamedDto),
        (status = 409, description = "The name is taken.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn create_service(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<NameRequest>,
) -> Result<(StatusCode, Json<NamedDto>), ApiError> {
    named(
        &state,
        &user,
        Named::Service,
        req,
        AuditEvent::ServiceCreated,
    )
    .await
}

async fn named(
    state: &AppState,
    user: &ApiUser,
    what: Named,
    req: NameRequest,
    event: AuditEvent,
) -> Result<(StatusCode, Json<NamedDto>), ApiError> {
    user.require_admin()?;
    let id = admin::create_named(state, what, &req.name.0, user.audit(event)).await?;
    let name = skranke_core::case::clean_line(&req.name.0);
    Ok((StatusCode::CREATED, Json(NamedDto { id, name })))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entries older than this id (the last `id` of the previous page).
    pub before: Option<i64>,
    /// 1–500, default 100.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditDto {
    pub id: i64,
    #[schema(format = DateTime)]
    pub at: String,
    /// `login_succeeded`, `login_failed`, `password_reset`, `token_created` …
    pub event: String,
    /// The username of who did it, if anyone was logged in.
    pub actor: Option<String>,
    /// The username it is about, or what was typed or named.
    pub subject: String,
    pub address: String,
    pub detail: String,
}

/// The security log, newest first (admins).
#[utoipa::path(get, path = "/api/v1/audit", params(AuditQuery),
    responses((status = 200, description = "One page, newest first.", body = Vec<AuditDto>)),
    security(("bearer" = [])))]
async fn audit_log(
    State(state): State<AppState>,
    user: ApiUser,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<Vec<AuditDto>>, ApiError> {
    user.require_admin()?;
    let Query(q) = query.map_err(super::cases::query_error)?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(super::range("limit", 1, 500).into());
    }
    let rows = state.store.audit_log(q.before, limit).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| AuditDto {
                id: r.id,
                at: rfc3339(r.at),
                event: r.event,
                actor: r.actor,
                subject: r.subject_user.unwrap_or(r.subject),
                address: r.address,
                detail: r.detail,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct SlaErrorDto {
    pub case: String,
    pub title: String,
    pub error: String,
    #[schema(format = DateTime)]
    pub at: String,
}

/// Cases the SLA engine cannot replay; they are not escalated until fixed (admins).
#[utoipa::path(get, path = "/api/v1/sla-errors",
    responses((status = 200, description = "Newest first.", body = Vec<SlaErrorDto>)),
    security(("bearer" = [])))]
async fn sla_errors(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<SlaErrorDto>>, ApiError> {
    user.require_admin()?;
    let rows = state.store.sla_errors(500).await?;
    Ok(Json(
        rows.into_iter()
            .map(|e| SlaErrorDto {
                case: e.number,
                title: e.title,
                error: e.error,
                at: rfc3339(e.at),
            })
            .collect(),
    ))
}
