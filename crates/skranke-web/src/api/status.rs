//! Service status and operational messages over the API. Anyone reads
//! what is published (no token needed); agents write. Every change goes
//! through `crate::status`, as the pages' do.

use super::schema::{Line, OpKindSchema, OpStateSchema, ServiceStatusSchema, SeveritySchema, Text};
use super::{ApiJson, ApiPath, rfc3339};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem, WebError};
use crate::status::{self, reader_of};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use skranke_core::operational::{
    Follows, OpInput, OpKind, OpPatch, OpState, Reader, ServiceStatus, Severity,
};
use skranke_store::{OpRecord, OpUpdate};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_status))
        .routes(routes!(
            list_operational_messages,
            create_operational_message
        ))
        .routes(routes!(get_operational_message, update_operational_message))
        .routes(routes!(add_operational_update))
        .routes(routes!(list_linked_cases, link_case_to_message))
        .routes(routes!(unlink_case_from_message))
        .routes(routes!(resolve_linked_cases))
        .routes(routes!(concerns_me_too))
        .routes(routes!(list_subscriptions, subscribe))
        .routes(routes!(unsubscribe))
}

/// The caller, if they sent a token; reading needs none, but a token sent
/// must be valid.
pub struct MaybeUser(pub Option<ApiUser>);

impl axum::extract::FromRequestParts<AppState> for MaybeUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, ApiError> {
        if !parts
            .headers
            .contains_key(axum::http::header::AUTHORIZATION)
        {
            return Ok(MaybeUser(None));
        }
        ApiUser::from_request_parts(parts, state)
            .await
            .map(|u| MaybeUser(Some(u)))
    }
}

impl MaybeUser {
    fn reader(&self) -> Reader {
        reader_of(self.0.as_ref().map(|u| &u.0))
    }
}

/// One event of a message's public timeline.
#[derive(Serialize, ToSchema)]
pub struct OpUpdateDto {
    pub id: i64,
    /// `published`, `update` (words from the desk) or `state` (it became `state`).
    pub event: String,
    /// Markdown.
    pub body: String,
    #[schema(value_type = OpStateSchema)]
    pub state: OpState,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<OpUpdate> for OpUpdateDto {
    fn from(u: OpUpdate) -> OpUpdateDto {
        OpUpdateDto {
            id: u.id,
            event: u.event,
            body: u.body,
            state: u.state,
            created_at: rfc3339(u.created_at),
        }
    }
}

/// An operational message.
#[derive(Serialize, ToSchema)]
pub struct OpMessageDto {
    pub id: i64,
    #[schema(value_type = OpKindSchema)]
    pub kind: OpKind,
    pub title: String,
    /// Markdown; pages show it rendered and sanitised.
    pub body: String,
    #[schema(value_type = Option<SeveritySchema>)]
    pub severity: Option<Severity>,
    /// The status it gives its services while active.
    #[schema(value_type = ServiceStatusSchema)]
    pub causes: ServiceStatus,
    /// The state now (a planned message whose start has come is `active`).
    #[schema(value_type = OpStateSchema)]
    pub state: OpState,
    /// Drafts are seen by agents only.
    pub published: bool,
    /// Service ids; empty: every service.
    pub services: Vec<i64>,
    /// Organisation ids; empty: every organisation.
    pub organizations: Vec<i64>,
    #[schema(format = DateTime)]
    pub starts_at: String,
    /// When it is expected to be over.
    #[schema(format = DateTime)]
    pub ends_at: Option<String>,
    /// Active after its expected end ("Forventet ferdig-tid er overskredet").
    pub overdue: bool,
    #[schema(format = DateTime)]
    pub resolved_at: Option<String>,
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// Send it back with an edit (`PATCH`), so that a change made since is not overwritten.
    pub version: i64,
    /// The public timeline, oldest first (on a single message's answers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updates: Option<Vec<OpUpdateDto>>,
    /// Agents only: the numbers of the linked cases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cases: Option<Vec<String>>,
    /// Agents only: how many people are affected (said so, or reported a linked case).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affected: Option<usize>,
}

fn dto(r: &OpRecord, now: Timestamp) -> OpMessageDto {
    let m = r.rules();
    OpMessageDto {
        id: r.row.id,
        kind: r.row.kind,
        title: r.row.title.clone(),
        body: r.row.body.clone(),
        severity: m.fields.severity,
        causes: m.causes(),
        state: m.state_at(now),
        published: r.row.published,
        services: r.services.clone(),
        organizations: r.orgs.clone(),
        starts_at: rfc3339(r.row.starts_at),
        ends_at: r.row.ends_at.map(rfc3339),
        overdue: m.is_overdue(now),
        resolved_at: r.row.resolved_at.map(rfc3339),
        updated_at: rfc3339(r.row.updated_at),
        version: r.row.version,
        updates: None,
        cases: None,
        affected: None,
    }
}

/// A message with its timeline, and for agents its cases and affected people.
async fn whole(state: &AppState, r: &OpRecord, staff: bool) -> Result<OpMessageDto, WebError> {
    let mut d = dto(r, Timestamp::now());
    d.updates = Some(
        state
            .store
            .op_updates(Some(r.row.id), 500)
            .await?
            .into_iter()
            .map(OpUpdateDto::from)
            .collect(),
    );
    if staff {
        d.cases = Some(
            state
                .store
                .op_cases(r.row.id)
                .await?
                .into_iter()
                .map(|c| c.number)
                .collect(),
        );
        d.affected = Some(state.store.op_affected(r.row.id).await?.len());
    }
    Ok(d)
}

#[derive(Serialize, ToSchema)]
pub struct ServiceStatusDto {
    pub id: i64,
    pub name: String,
    #[schema(value_type = ServiceStatusSchema)]
    pub status: ServiceStatus,
    /// In the caller's language: "Tjenesten er tilgjengelig" …
    pub label: String,
    /// An active message on it has passed its expected end.
    pub overdue: bool,
}

#[derive(Serialize, ToSchema)]
pub struct StatusDto {
    pub services: Vec<ServiceStatusDto>,
    /// Active messages, newest first.
    pub active: Vec<OpMessageDto>,
    /// Announced messages not yet started, soonest first.
    pub upcoming: Vec<OpMessageDto>,
}

/// Every service with its status, and the active and upcoming messages.
/// No token needed: without one, what is published for everyone.
#[utoipa::path(get, path = "/api/v1/status",
    responses((status = 200, description = "The status now.", body = StatusDto)),
    security((), ("bearer" = [])))]
async fn get_status(
    State(state): State<AppState>,
    user: MaybeUser,
) -> Result<Json<StatusDto>, ApiError> {
    let now = Timestamp::now();
    let board = status::board(&state, user.reader(), now).await?;
    Ok(Json(StatusDto {
        services: board
            .services
            .into_iter()
            .map(|l| ServiceStatusDto {
                id: l.service.id,
                name: l.service.name,
                label: crate::texts::Label::label(&l.status),
                status: l.status,
                overdue: l.overdue,
            })
            .collect(),
        active: board.active.iter().map(|r| dto(r, now)).collect(),
        upcoming: board.upcoming.iter().map(|r| dto(r, now)).collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Include resolved messages (the latest 500 messages in all).
    #[serde(default)]
    pub include_resolved: Option<bool>,
}

/// The operational messages the caller may see, newest first: published
/// ones for everyone (no token needed), drafts too for agents.
#[utoipa::path(get, path = "/api/v1/operational-messages", params(ListQuery),
    responses((status = 200, description = "Newest first.", body = Vec<OpMessageDto>)),
    security((), ("bearer" = [])))]
async fn list_operational_messages(
    State(state): State<AppState>,
    user: MaybeUser,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<OpMessageDto>>, ApiError> {
    let Query(query) = query.map_err(super::cases::query_error)?;
    let now = Timestamp::now();
    let list = status::list(
        &state,
        user.reader(),
        query.include_resolved.unwrap_or(false),
    )
    .await?;
    Ok(Json(list.iter().map(|r| dto(r, now)).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRequest {
    #[schema(value_type = OpKindSchema)]
    pub kind: OpKind,
    pub title: Line<200>,
    /// Markdown.
    pub body: Text<20000>,
    /// Required for an outage; a change without one is information only;
    /// maintenance has none (it gives `maintenance`).
    #[serde(default)]
    #[schema(value_type = Option<SeveritySchema>)]
    pub severity: Option<Severity>,
    /// Service ids; leave out or empty for every service.
    #[serde(default, deserialize_with = "super::whole::opt_list")]
    #[schema(value_type = Option<Vec<i64>>, max_items = 200)]
    pub services: Option<Vec<i64>>,
    /// Organisation ids; leave out or empty for every organisation.
    #[serde(default, deserialize_with = "super::whole::opt_list")]
    #[schema(value_type = Option<Vec<i64>>, max_items = 200)]
    pub organizations: Option<Vec<i64>>,
    /// Default now; a later start makes it `planned`.
    #[serde(default)]
    #[schema(format = DateTime)]
    pub starts_at: Option<String>,
    #[serde(default)]
    #[schema(format = DateTime)]
    pub ends_at: Option<String>,
    /// `false` keeps it a draft (agents only see it). Default `true`.
    #[serde(default)]
    pub published: Option<bool>,
    /// The case this message is made from (the first report): linked to it.
    #[serde(default)]
    pub case: Option<String>,
}

fn instant(field: &str, v: &Option<String>) -> Result<Option<Timestamp>, WebError> {
    v.as_deref()
        .map(|s| {
            s.parse::<Timestamp>()
                .map_err(|_| WebError::invalid(field, "error-rfc3339"))
        })
        .transpose()
}

fn staff(user: &ApiUser) -> Result<(), WebError> {
    if skranke_core::operational::may_write(user.actor()) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// Publishes (or drafts) a message (agents).
#[utoipa::path(post, path = "/api/v1/operational-messages", request_body = CreateRequest,
    responses(
        (status = 201, description = "Created; its subscribers are told if published.", body = OpMessageDto),
        (status = 422, description = "A field is invalid: an outage without `severity`, an end before the start, an unknown service, organisation or case.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn create_operational_message(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<CreateRequest>,
) -> Result<Response, ApiError> {
    staff(&user)?;
    let from_case = match req.case.as_deref() {
        Some(n) => Some(
            crate::access::readable_case(&state, user.actor(), n.trim())
                .await
                .map_err(|_| WebError::invalid("case", "error-unknown"))?,
        ),
        None => None,
    };
    let input = OpInput {
        kind: Some(req.kind),
        title: req.title.0,
        body: req.body.0,
        severity: req.severity,
        services: req.services.unwrap_or_default(),
        orgs: req.organizations.unwrap_or_default(),
        starts_at: instant("starts_at", &req.starts_at)?,
        ends_at: instant("ends_at", &req.ends_at)?,
        published: req.published.unwrap_or(true),
    };
    let id = status::create(&state, user.actor(), input, from_case.as_ref()).await?;
    let r = state.store.op_message(id).await.map_err(WebError::from)?;
    Ok((StatusCode::CREATED, Json(whole(&state, &r, true).await?)).into_response())
}

/// One message with its timeline; for agents, its linked cases too.
#[utoipa::path(get, path = "/api/v1/operational-messages/{id}",
    params(("id" = i64, Path, description = "Message id")),
    responses(
        (status = 200, description = "The message.", body = OpMessageDto),
        (status = 404, description = "No such message, or not one the caller may see (a draft, another organisation's).", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = [])))]
async fn get_operational_message(
    State(state): State<AppState>,
    user: MaybeUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<OpMessageDto>, ApiError> {
    let reader = user.reader();
    let r = status::visible(&state, reader, id).await?;
    Ok(Json(whole(&state, &r, reader == Reader::Staff).await?))
}

fn nullable_time<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

fn nullable_severity<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<Severity>>, D::Error> {
    Option::<Severity>::deserialize(d).map(Some)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchRequest {
    /// The `version` the change is based on.
    #[serde(deserialize_with = "super::whole::opt")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
    #[serde(default)]
    pub title: Option<Line<200>>,
    #[serde(default)]
    pub body: Option<Text<20000>>,
    /// `null` makes a change information only.
    #[serde(default, deserialize_with = "nullable_severity")]
    #[schema(value_type = Option<SeveritySchema>)]
    pub severity: Option<Option<Severity>>,
    #[serde(default, deserialize_with = "super::whole::opt_list")]
    #[schema(value_type = Option<Vec<i64>>, max_items = 200)]
    pub services: Option<Vec<i64>>,
    #[serde(default, deserialize_with = "super::whole::opt_list")]
    #[schema(value_type = Option<Vec<i64>>, max_items = 200)]
    pub organizations: Option<Vec<i64>>,
    #[serde(default)]
    #[schema(format = DateTime)]
    pub starts_at: Option<String>,
    /// `null` clears the expected end.
    #[serde(default, deserialize_with = "nullable_time")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ends_at: Option<Option<String>>,
    /// `true` publishes a draft; a published message stays published.
    #[serde(default)]
    pub published: Option<bool>,
    /// `active` or `resolved` (a resolved problem that returns is `active` again).
    #[serde(default)]
    #[schema(value_type = Option<OpStateSchema>)]
    pub state: Option<OpState>,
    /// Public words that come with a change of state or the publication.
    #[serde(default)]
    pub note: Option<Text<20000>>,
}

/// Edits a message (agents). Publishing and changes of state are public
/// updates its subscribers are told of; every change is in its history.
#[utoipa::path(patch, path = "/api/v1/operational-messages/{id}", request_body = PatchRequest,
    params(("id" = i64, Path, description = "Message id")),
    responses(
        (status = 200, description = "The message after the edit.", body = OpMessageDto),
        (status = 404, description = "No such message.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The message changed since `version`.", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`version` is missing.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn update_operational_message(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PatchRequest>,
) -> Result<Json<OpMessageDto>, ApiError> {
    staff(&user)?;
    let ends_at = match req.ends_at {
        None => None,
        Some(v) => Some(instant("ends_at", &v)?),
    };
    let patch = OpPatch {
        title: req.title.map(|t| t.0),
        body: req.body.map(|b| b.0),
        severity: req.severity,
        services: req.services,
        orgs: req.organizations,
        starts_at: instant("starts_at", &req.starts_at)?,
        ends_at,
        published: req.published,
        state: req.state,
    };
    let note = req.note.map(|n| n.0).unwrap_or_default();
    let r = status::edit(&state, user.actor(), id, req.version, patch, &note).await?;
    Ok(Json(whole(&state, &r, true).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    /// Markdown.
    pub body: Text<20000>,
    /// A new state the update announces (`resolved`, say).
    #[serde(default)]
    #[schema(value_type = Option<OpStateSchema>)]
    pub state: Option<OpState>,
}

/// Adds a public update (agents); its subscribers are told.
#[utoipa::path(post, path = "/api/v1/operational-messages/{id}/updates", request_body = UpdateRequest,
    params(("id" = i64, Path, description = "Message id")),
    responses(
        (status = 201, description = "Added; the message with its timeline.", body = OpMessageDto),
        (status = 404, description = "No such message.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The message changed meanwhile; try again.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn add_operational_update(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<UpdateRequest>,
) -> Result<Response, ApiError> {
    staff(&user)?;
    let r = status::add_update(&state, user.actor(), id, &req.body.0, req.state).await?;
    Ok((StatusCode::CREATED, Json(whole(&state, &r, true).await?)).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct LinkedCaseDto {
    pub number: String,
    pub title: String,
    pub status: String,
    pub requester: String,
}

async fn linked(state: &AppState, id: i64) -> Result<Vec<LinkedCaseDto>, WebError> {
    Ok(state
        .store
        .op_cases(id)
        .await?
        .into_iter()
        .map(|c| LinkedCaseDto {
            number: c.number,
            title: c.title,
            status: c.status.key().to_owned(),
            requester: c.requester_name,
        })
        .collect())
}

/// The cases linked to a message (agents).
#[utoipa::path(get, path = "/api/v1/operational-messages/{id}/cases",
    params(("id" = i64, Path, description = "Message id")),
    responses(
        (status = 200, description = "Oldest first.", body = Vec<LinkedCaseDto>),
        (status = 404, description = "No such message.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn list_linked_cases(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<LinkedCaseDto>>, ApiError> {
    staff(&user)?;
    status::visible(&state, Reader::Staff, id).await?;
    Ok(Json(linked(&state, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    /// The case's number.
    #[schema(max_length = 32)]
    pub case: String,
}

/// Links a case to a message (agents); linking again changes nothing.
#[utoipa::path(post, path = "/api/v1/operational-messages/{id}/cases", request_body = LinkRequest,
    params(("id" = i64, Path, description = "Message id")),
    responses(
        (status = 200, description = "Linked; the cases linked now.", body = Vec<LinkedCaseDto>),
        (status = 404, description = "No such message.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn link_case_to_message(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<LinkRequest>,
) -> Result<Json<Vec<LinkedCaseDto>>, ApiError> {
    status::link_case(&state, user.actor(), id, &req.case).await?;
    Ok(Json(linked(&state, id).await?))
}

/// Unlinks a case from a message (agents).
#[utoipa::path(delete, path = "/api/v1/operational-messages/{id}/cases/{number}",
    params(("id" = i64, Path, description = "Message id"), ("number" = String, Path, description = "Case number")),
    responses(
        (status = 204, description = "Unlinked."),
        (status = 404, description = "No such message or case, or not linked.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn unlink_case_from_message(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, number)): ApiPath<(i64, String)>,
) -> Result<StatusCode, ApiError> {
    status::unlink_case(&state, user.actor(), id, &number).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// The public reply every case gets.
    pub body: Text<20000>,
}

#[derive(Serialize, ToSchema)]
pub struct SkippedDto {
    pub case: String,
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct ResolvedDto {
    /// Resolved now, each as if by hand (its own SLA clocks and history).
    pub resolved: Vec<String>,
    /// Finished already, or refused, with why.
    pub skipped: Vec<SkippedDto>,
}

/// Resolves every open linked case with one public reply (agents): mass
/// incident handling.
#[utoipa::path(post, path = "/api/v1/operational-messages/{id}/resolve-cases", request_body = ResolveRequest,
    params(("id" = i64, Path, description = "Message id")),
    responses(
        (status = 200, description = "What was resolved and what was not.", body = ResolvedDto),
        (status = 404, description = "No such message.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn resolve_linked_cases(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ResolveRequest>,
) -> Result<Json<ResolvedDto>, ApiError> {
    let done = status::resolve_linked(&state, user.actor(), id, &req.body.0).await?;
    Ok(Json(ResolvedDto {
        resolved: done.resolved,
        skipped: done
            .skipped
            .into_iter()
            .map(|(case, reason)| SkippedDto { case, reason })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct ConcernsDto {
    /// False if the caller had said so already.
    pub new: bool,
}

/// "This concerns me too": the caller is counted as affected and told of
/// every update, instead of reporting a case of their own.
#[utoipa::path(post, path = "/api/v1/operational-messages/{id}/affected",
    params(("id" = i64, Path, description = "Message id")),
    responses(
        (status = 200, description = "Counted; the caller follows the message.", body = ConcernsDto),
        (status = 404, description = "No such message the caller may see.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The message is resolved.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn concerns_me_too(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ConcernsDto>, ApiError> {
    let new = status::concerns_me(&state, &user.0, id).await?;
    Ok(Json(ConcernsDto { new }))
}

#[derive(Serialize, ToSchema)]
pub struct SubscriptionDto {
    pub id: i64,
    pub service_id: Option<i64>,
    pub service: Option<String>,
    pub operational_message_id: Option<i64>,
    pub operational_message: Option<String>,
    /// Made for this organisation (its contacts are told).
    pub organization: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
}

async fn subscriptions(state: &AppState, user_id: i64) -> Result<Vec<SubscriptionDto>, WebError> {
    Ok(state
        .store
        .subscriptions_of(user_id)
        .await?
        .into_iter()
        .map(|s| SubscriptionDto {
            id: s.id,
            service_id: s.service_id,
            service: s.service_name,
            operational_message_id: s.message_id,
            operational_message: s.message_title,
            organization: s.org_name,
            created_at: rfc3339(s.created_at),
        })
        .collect())
}

/// What the caller follows.
#[utoipa::path(get, path = "/api/v1/subscriptions",
    responses((status = 200, description = "Oldest first.", body = Vec<SubscriptionDto>)),
    security(("bearer" = [])))]
async fn list_subscriptions(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<SubscriptionDto>>, ApiError> {
    Ok(Json(subscriptions(&state, user.0.id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscribeRequest {
    /// A service to follow (or `operational_message_id`).
    #[serde(default, deserialize_with = "super::whole::opt")]
    #[schema(value_type = Option<i64>)]
    pub service_id: Option<i64>,
    /// A message to follow.
    #[serde(default, deserialize_with = "super::whole::opt")]
    #[schema(value_type = Option<i64>)]
    pub operational_message_id: Option<i64>,
    /// For the caller's organisation (its contacts only).
    #[serde(default)]
    pub for_organization: Option<bool>,
}

/// Follows a service or a message: every update comes in the app, and by
/// e-mail unless `status_update` is turned off (`/api/v1/me/mail`).
#[utoipa::path(post, path = "/api/v1/subscriptions", request_body = SubscribeRequest,
    responses(
        (status = 201, description = "Following; what the caller follows now.", body = Vec<SubscriptionDto>),
        (status = 422, description = "Neither or both of `service_id` and `operational_message_id`, an unknown one, or `for_organization` by someone who is not the organisation's contact.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn subscribe(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<SubscribeRequest>,
) -> Result<Response, ApiError> {
    let follows = match (req.service_id, req.operational_message_id) {
        (Some(s), None) => Follows::Service(s),
        (None, Some(m)) => Follows::Message(m),
        _ => return Err(WebError::invalid("service_id", "error-one-of-service-message").into()),
    };
    status::subscribe(
        &state,
        &user.0,
        follows,
        req.for_organization.unwrap_or(false),
    )
    .await
    .map_err(|e| match e {
        WebError::NotFound => WebError::invalid("operational_message_id", "error-unknown"),
        e => e,
    })?;
    Ok((
        StatusCode::CREATED,
        Json(subscriptions(&state, user.0.id).await?),
    )
        .into_response())
}

/// Stops following.
#[utoipa::path(delete, path = "/api/v1/subscriptions/{id}",
    params(("id" = i64, Path, description = "Subscription id")),
    responses(
        (status = 204, description = "No longer following."),
        (status = 404, description = "No such subscription of the caller's.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn unsubscribe(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .unsubscribe(user.0.id, id)
        .await
        .map_err(WebError::from)?;
    Ok(StatusCode::NO_CONTENT)
}
