//! The JSON API under `/api/v1`, authenticated by bearer tokens, and its
//! OpenAPI document generated from these handlers and types.

use crate::AppState;
use crate::access::readable_case;
use crate::auth::ApiUser;
use crate::casework;
use crate::error::{ApiError, Problem, WebError};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use skranke_core::{Channel, NewCaseInput, Priority, Status};
use skranke_store::{Case, CaseFilter, CaseSort, Message, Queue};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/v1/cases", get(list_cases).post(create_case))
        .route("/v1/cases/{number}", get(get_case).patch(update_case))
        .route(
            "/v1/cases/{number}/messages",
            get(list_messages).post(add_message),
        )
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Skranke API", description = "Kundeservice: cases, replies and notes."),
    paths(create_case, list_cases, get_case, update_case, add_message, list_messages),
    components(schemas(NewCaseRequest, CaseDto, CaseList, UpdateRequest, MessageRequest, MessageDto, Person, Problem, ClockDto, SlaDto)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
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
    if !matches!(e, JsonRejection::JsonDataError(_)) {
        return WebError::Malformed(text);
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
    WebError::Invalid {
        field,
        message: detail,
    }
}

/// A person as the API shows them.
#[derive(Serialize, ToSchema)]
pub struct Person {
    pub id: i64,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct CaseDto {
    /// The human-facing number, e.g. `2026-000123`.
    pub number: String,
    /// `fault` or `order`.
    pub kind: String,
    pub title: String,
    pub description: String,
    /// `new`, `in_progress`, `waiting_customer`, `waiting_supplier`, `resolved` or `closed`.
    pub status: String,
    /// `critical`, `high`, `medium` or `low`.
    pub priority: String,
    pub suggested_priority: String,
    pub priority_confirmed: bool,
    /// `web`, `email`, `phone` or `api`.
    pub channel: String,
    pub requester: Person,
    pub requester_username: String,
    pub computer_name: String,
    pub organization: Option<String>,
    pub unit: Option<String>,
    pub service: Option<String>,
    pub handler: Option<Person>,
    pub team: Option<String>,
    /// RFC 3339, UTC.
    pub registered_at: String,
    pub updated_at: String,
    pub resolved_at: Option<String>,
    /// Changes with every update; send it back as `version` to refuse lost updates.
    pub version: i64,
    pub sla: SlaDto,
}

/// One SLA clock as it stood after the case's last change.
#[derive(Serialize, ToSchema)]
pub struct ClockDto {
    pub due: Option<String>,
    pub met_at: Option<String>,
    pub breached: bool,
    /// Highest escalation level reached (0–3).
    pub level: i64,
}

#[derive(Serialize, ToSchema)]
pub struct SlaDto {
    pub response: ClockDto,
    pub resolution: ClockDto,
    /// The resolution clock is paused (waiting for the requester or a supplier).
    pub paused: bool,
    /// Open time spent paused, in seconds of the resolution clock's calendar.
    pub paused_seconds: i64,
    pub agreed_deadline: Option<String>,
}

fn rfc3339(ms: i64) -> String {
    skranke_store::from_ms(ms).to_string()
}

impl From<Case> for CaseDto {
    fn from(c: Case) -> CaseDto {
        CaseDto {
            handler: c.handler_id.map(|id| Person {
                id,
                name: c.handler_name.clone().unwrap_or_default(),
            }),
            number: c.number,
            kind: c.kind.key().into(),
            title: c.title,
            description: c.description,
            status: c.status.key().into(),
            priority: c.priority.key().into(),
            suggested_priority: c.suggested_priority.key().into(),
            priority_confirmed: c.priority_confirmed,
            channel: c.channel.key().into(),
            requester: Person {
                id: c.requester_id,
                name: c.requester_name,
            },
            requester_username: c.requester_username,
            computer_name: c.computer_name,
            organization: c.org_name,
            unit: c.unit_name,
            service: c.service_name,
            team: c.team_name,
            registered_at: rfc3339(c.registered_at),
            updated_at: rfc3339(c.updated_at),
            resolved_at: c.resolved_at.map(rfc3339),
            version: c.version,
            sla: SlaDto {
                response: ClockDto {
                    due: c.response_due.map(rfc3339),
                    met_at: c.response_met_at.map(rfc3339),
                    breached: c.response_breached,
                    level: c.response_level,
                },
                resolution: ClockDto {
                    due: c.resolution_due.map(rfc3339),
                    met_at: c.resolution_met_at.map(rfc3339),
                    breached: c.resolution_breached,
                    level: c.resolution_level,
                },
                paused: c.resolution_paused,
                paused_seconds: c.paused_seconds,
                agreed_deadline: c.agreed_deadline.map(rfc3339),
            },
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCaseRequest {
    /// `fault` (default) or `order`.
    #[serde(default)]
    pub kind: Option<String>,
    pub title: String,
    pub description: String,
    #[serde(default)]
    pub computer_name: String,
    /// Defaults to the requester's username.
    #[serde(default)]
    pub requester_username: String,
    #[serde(default)]
    pub service_id: Option<i64>,
    /// The suggested priority (default `low`); the handler confirms or changes it.
    #[serde(default)]
    pub priority: Option<String>,
    /// Agents only: the username of the person the case is registered for.
    #[serde(default)]
    pub requester: Option<String>,
}

fn parse_key<T: std::str::FromStr>(field: &str, v: &str) -> Result<T, WebError> {
    v.parse()
        .map_err(|_| WebError::invalid(field, format!("unknown value `{v}`")))
}

/// Register a case. Answers 201 with the case, including its number and handler.
#[utoipa::path(post, path = "/api/v1/cases", request_body = NewCaseRequest,
    responses((status = 201, body = CaseDto), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn create_case(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<NewCaseRequest>,
) -> Result<(StatusCode, Json<CaseDto>), ApiError> {
    let requester = match &req.requester {
        Some(username) if user.0.kind.is_staff() => state
            .store
            .user_by_username(username)
            .await
            .map_err(|_| WebError::invalid("requester", "no such user"))?,
        Some(_) => {
            return Err(
                WebError::invalid("requester", "only agents register cases for others").into(),
            );
        }
        None => user.0.clone(),
    };
    casework::refuse_non_customer(&requester)?;
    let input = NewCaseInput {
        kind: parse_key("kind", req.kind.as_deref().unwrap_or("fault"))?,
        title: req.title,
        description: req.description,
        requester_username: req.requester_username,
        computer_name: req.computer_name,
        service_id: req.service_id,
        suggested_priority: parse_key::<Priority>(
            "priority",
            req.priority.as_deref().unwrap_or("low"),
        )?,
        channel: Channel::Api,
    }
    .validate()
    .map_err(|errors| {
        let e = &errors[0];
        WebError::invalid(e.field, e.code.to_string())
    })?;
    let case = casework::register(&state, &user.0, &requester, input).await?;
    Ok((StatusCode::CREATED, Json(case.into())))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Agents: `mine`, `unassigned`, `team`, `open` or `all` (default). Requesters always see their own.
    pub queue: Option<String>,
    pub status: Option<String>,
    pub priority: Option<String>,
    /// Matches the number or the title.
    pub q: Option<String>,
    /// `newest` (default), `deadline` (nearest due first), `oldest`, `priority` or `updated`.
    pub sort: Option<String>,
    /// From 1.
    pub page: Option<i64>,
    /// 1–200, default 50.
    pub per_page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CaseList {
    pub items: Vec<CaseDto>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// List cases: a requester's own, or any for agents, with filters and paging.
#[utoipa::path(get, path = "/api/v1/cases", params(ListQuery),
    responses((status = 200, body = CaseList), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn list_cases(
    State(state): State<AppState>,
    user: ApiUser,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<CaseList>, ApiError> {
    let Query(q) = query.map_err(|e| WebError::invalid("query", e.body_text()))?;
    let staff = user.0.kind.is_staff();
    let queue = match q.queue.as_deref() {
        _ if !staff => None,
        None | Some("all") => Some(Queue::All),
        Some("mine") => Some(Queue::Mine(user.0.id)),
        Some("unassigned") => Some(Queue::Unassigned),
        Some("team") => Some(Queue::Team(user.0.team_id.unwrap_or(-1))),
        Some("open") => Some(Queue::AllOpen),
        Some(other) => {
            return Err(WebError::invalid("queue", format!("unknown value `{other}`")).into());
        }
    };
    let per_page = q.per_page.unwrap_or(50);
    if !(1..=200).contains(&per_page) {
        return Err(WebError::invalid("per_page", "must be 1 to 200").into());
    }
    let page = q.page.unwrap_or(1);
    if page < 1 {
        return Err(WebError::invalid("page", "must be 1 or more").into());
    }
    let sort = match q.sort.as_deref() {
        None | Some("newest") => CaseSort::Newest,
        Some("deadline") => CaseSort::Deadline,
        Some("oldest") => CaseSort::Oldest,
        Some("priority") => CaseSort::Priority,
        Some("updated") => CaseSort::Updated,
        Some(other) => {
            return Err(WebError::invalid("sort", format!("unknown value `{other}`")).into());
        }
    };
    let filter = CaseFilter {
        requester_id: (!staff).then_some(user.0.id),
        queue,
        status: q
            .status
            .as_deref()
            .map(|s| parse_key::<Status>("status", s))
            .transpose()?,
        priority: q
            .priority
            .as_deref()
            .map(|s| parse_key::<Priority>("priority", s))
            .transpose()?,
        text: q.q,
        sort,
        limit: per_page,
        offset: (page - 1) * per_page,
    };
    let (cases, total) = state.store.list_cases(&filter).await?;
    Ok(Json(CaseList {
        items: cases.into_iter().map(CaseDto::from).collect(),
        total,
        page,
        per_page,
    }))
}

/// One case. Another requester's case answers 404, as a missing one does.
#[utoipa::path(get, path = "/api/v1/cases/{number}", params(("number" = String, Path, description = "Case number")),
    responses((status = 200, body = CaseDto), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn get_case(
    State(state): State<AppState>,
    user: ApiUser,
    Path(number): Path<String>,
) -> Result<Json<CaseDto>, ApiError> {
    Ok(Json(
        readable_case(&state, user.actor(), &number).await?.into(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    pub status: Option<String>,
    /// Setting it (even to the same value) confirms the priority.
    pub priority: Option<String>,
    /// The handler's username; an empty string leaves the case unassigned.
    pub handler: Option<String>,
    /// The `version` last read; the update is refused with 409 if the case changed since.
    pub version: Option<i64>,
    /// An agreed resolution deadline (RFC 3339); needs `agreed_deadline_reason`.
    pub agreed_deadline: Option<String>,
    pub agreed_deadline_reason: Option<String>,
}

/// Change status, priority or handler (agents only).
#[utoipa::path(patch, path = "/api/v1/cases/{number}", params(("number" = String, Path, description = "Case number")),
    request_body = UpdateRequest,
    responses((status = 200, body = CaseDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn update_case(
    State(state): State<AppState>,
    user: ApiUser,
    Path(number): Path<String>,
    ApiJson(req): ApiJson<UpdateRequest>,
) -> Result<Json<CaseDto>, ApiError> {
    let case = readable_case(&state, user.actor(), &number).await?;
    if !user.0.kind.is_staff() {
        return Err(WebError::Forbidden.into());
    }
    let status = req
        .status
        .as_deref()
        .map(|s| parse_key::<Status>("status", s))
        .transpose()?;
    let priority = req
        .priority
        .as_deref()
        .map(|s| parse_key::<Priority>("priority", s))
        .transpose()?;
    let handler = match req.handler.as_deref() {
        None => None,
        Some("") => Some(None),
        Some(username) => {
            let h = state
                .store
                .user_by_username(username)
                .await
                .map_err(|_| WebError::invalid("handler", "no such user"))?;
            Some(Some(h.id))
        }
    };
    let deadline = match &req.agreed_deadline {
        Some(d) => Some(
            d.parse::<Timestamp>()
                .map_err(|_| WebError::invalid("agreed_deadline", "must be an RFC 3339 instant"))?,
        ),
        None if req.agreed_deadline_reason.is_some() => {
            return Err(WebError::invalid("agreed_deadline", "is required with a reason").into());
        }
        None => None,
    };
    let changes = casework::agent_changes(&case, status, priority, handler, req.version)?;
    let mut case = case;
    if changes.status.is_some() || changes.priority.is_some() || changes.handler.is_some() {
        case = state
            .store
            .update_case(case.id, user.0.id, &changes, Timestamp::now())
            .await?;
    }
    if let Some(d) = deadline {
        let reason = req
            .agreed_deadline_reason
            .as_deref()
            .filter(|r| !r.trim().is_empty())
            .ok_or_else(|| WebError::invalid("agreed_deadline_reason", "is required"))?;
        let version = req.version.map(|_| case.version);
        case = casework::set_agreed_deadline(&state, &user.0, &case, d, reason, version).await?;
    }
    Ok(Json(case.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    pub body: String,
    /// An internal note (agents only), not shown to the requester.
    #[serde(default)]
    pub internal: bool,
}

#[derive(Serialize, ToSchema)]
pub struct MessageDto {
    pub id: i64,
    pub author: Person,
    pub internal: bool,
    pub body: String,
    pub created_at: String,
}

impl From<Message> for MessageDto {
    fn from(m: Message) -> MessageDto {
        MessageDto {
            id: m.id,
            author: Person {
                id: m.author_id,
                name: m.author_name,
            },
            internal: m.internal,
            body: m.body,
            created_at: rfc3339(m.created_at),
        }
    }
}

/// Add a public reply, or an internal note (agents only).
#[utoipa::path(post, path = "/api/v1/cases/{number}/messages", params(("number" = String, Path, description = "Case number")),
    request_body = MessageRequest,
    responses((status = 201, body = MessageDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn add_message(
    State(state): State<AppState>,
    user: ApiUser,
    Path(number): Path<String>,
    ApiJson(req): ApiJson<MessageRequest>,
) -> Result<(StatusCode, Json<MessageDto>), ApiError> {
    let case = readable_case(&state, user.actor(), &number).await?;
    let staff = user.0.kind.is_staff();
    if req.internal && !staff {
        return Err(WebError::invalid("internal", "only agents write internal notes").into());
    }
    let body = req.body.trim();
    casework::check_body(body, true)?;
    let status = if req.internal {
        None
    } else {
        case.status.after_public_reply(staff)
    };
    let id = state
        .store
        .add_message(
            case.id,
            user.0.id,
            req.internal,
            body,
            &[],
            status,
            Timestamp::now(),
        )
        .await?;
    let message = state
        .store
        .messages(case.id, true)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(WebError::NotFound)?;
    Ok((StatusCode::CREATED, Json(message.into())))
}

/// The conversation: public replies, and internal notes for agents.
#[utoipa::path(get, path = "/api/v1/cases/{number}/messages", params(("number" = String, Path, description = "Case number")),
    responses((status = 200, body = Vec<MessageDto>), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn list_messages(
    State(state): State<AppState>,
    user: ApiUser,
    Path(number): Path<String>,
) -> Result<Json<Vec<MessageDto>>, ApiError> {
    let case = readable_case(&state, user.actor(), &number).await?;
    let messages = state
        .store
        .messages(case.id, user.0.kind.is_staff())
        .await?;
    Ok(Json(messages.into_iter().map(MessageDto::from).collect()))
}
