//! Cases over the API: register, list, read, change, converse, attach,
//! confirm and reopen. Every change goes through `casework::apply`, as the
//! pages' do.

use super::schema::{
    ChannelSchema, KindSchema, Line, MessageKindSchema, PrioritySchema, StatusSchema, Text,
};
use super::{ApiJson, ApiPath, Person, range, rfc3339, unknown_value};
use crate::AppState;
use crate::access::{readable_attachment, readable_case};
use crate::auth::ApiUser;
use crate::casework::{self, Source};
use crate::error::{ApiError, WebError, unknown_as};
use crate::files;
use crate::i18n::Msg;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use skranke_core::change::{Change, MessageKind, NewMessage, Update, initial_priority};
use skranke_core::{CaseKind, Channel, ImpactAnswers, NewCaseInput, Priority, Status};
use skranke_store::{Attachment, BasedOn, Case, CaseFilter, CaseSort, Message, Queue};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Longest search text, in characters.
pub const Q_MAX: usize = 200;
/// Highest page number: deep pages are for cursors (not offsets) to serve.
pub const PAGE_MAX: i64 = 100_000;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_cases, create_case))
        .routes(routes!(get_case, update_case))
        .routes(routes!(list_messages, add_message))
        .routes(routes!(list_attachments))
        .routes(routes!(download_attachment))
        .routes(routes!(confirm_case))
        .routes(routes!(reopen_case))
        .routes(routes!(list_copied, copy_person))
        .routes(routes!(uncopy_person))
}

#[derive(Serialize, ToSchema)]
pub struct CaseDto {
    /// The human-facing number, e.g. `2026-000123`.
    pub number: String,
    #[schema(value_type = KindSchema)]
    pub kind: CaseKind,
    pub title: String,
    pub description: String,
    #[schema(value_type = StatusSchema)]
    pub status: Status,
    #[schema(value_type = PrioritySchema)]
    pub priority: Priority,
    /// The priority at registration: the impact rule's suggestion, or an agent's choice.
    #[schema(value_type = PrioritySchema)]
    pub suggested_priority: Priority,
    /// The handler has set or kept the priority.
    pub priority_confirmed: bool,
    #[schema(value_type = ChannelSchema)]
    pub channel: Channel,
    pub requester: Person,
    pub requester_username: String,
    pub computer_name: String,
    pub organization: Option<String>,
    pub unit: Option<String>,
    pub service: Option<String>,
    pub handler: Option<Person>,
    pub team: Option<String>,
    #[schema(format = DateTime)]
    pub registered_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    #[schema(format = DateTime)]
    pub resolved_at: Option<String>,
    /// The earlier case this one follows up.
    pub follows: Option<String>,
    /// Changes with every update: send it back (`version`, or `If-Match`
    /// with the `ETag`) so that a change made since is not overwritten.
    pub version: i64,
    pub sla: SlaDto,
}

/// One SLA clock as it stood after the case's last change.
#[derive(Serialize, ToSchema)]
pub struct ClockDto {
    #[schema(format = DateTime)]
    pub due: Option<String>,
    #[schema(format = DateTime)]
    pub met_at: Option<String>,
    pub breached: bool,
    /// Highest escalation level reached (0–3).
    #[schema(minimum = 0, maximum = 3)]
    pub level: i64,
}

#[derive(Serialize, ToSchema)]
pub struct SlaDto {
    /// Svartid: met by the first public reply from an agent.
    pub response: ClockDto,
    /// Løsningstid: met when the case is resolved.
    pub resolution: ClockDto,
    /// The resolution clock is paused (waiting for the requester or a supplier).
    pub paused: bool,
    /// Open time spent paused, in seconds of the resolution clock's calendar.
    pub paused_seconds: i64,
    #[schema(format = DateTime)]
    pub agreed_deadline: Option<String>,
}

impl From<Case> for CaseDto {
    fn from(c: Case) -> CaseDto {
        CaseDto {
            handler: c.handler_id.map(|id| Person {
                id,
                name: c.handler_name.clone().unwrap_or_default(),
            }),
            number: c.number,
            kind: c.kind,
            title: c.title,
            description: c.description,
            status: c.status,
            priority: c.priority,
            suggested_priority: c.suggested_priority,
            priority_confirmed: c.priority_confirmed,
            channel: c.channel,
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
            follows: c.follows_number,
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

/// A case with its `ETag` (the version), as GET and PATCH answer.
fn case_response(status: StatusCode, case: Case) -> Response {
    let etag = format!("\"{}\"", case.version);
    let mut res = (status, Json(CaseDto::from(case))).into_response();
    if let Ok(v) = header::HeaderValue::from_str(&etag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

/// The portal's impact questions; the priority follows from the answers.
#[derive(Deserialize, Serialize, ToSchema, Default, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct ImpactDto {
    /// An application needed for life-and-health services is down.
    #[serde(default)]
    pub life_and_health: bool,
    /// A whole system is down for at least one unit (virksomhet/faggruppe).
    #[serde(default)]
    pub whole_unit_down: bool,
    /// An electronic service citizens use is affected.
    #[serde(default)]
    pub citizen_service: bool,
    /// A system is down for at least one user.
    #[serde(default)]
    pub system_down_for_user: bool,
}

impl From<ImpactDto> for ImpactAnswers {
    fn from(i: ImpactDto) -> ImpactAnswers {
        ImpactAnswers {
            life_and_health: i.life_and_health,
            whole_unit_down: i.whole_unit_down,
            citizen_service: i.citizen_service,
            system_down_for_user: i.system_down_for_user,
        }
    }
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCaseRequest {
    /// Default `fault`.
    #[serde(default)]
    #[schema(value_type = Option<KindSchema>)]
    pub kind: Option<CaseKind>,
    pub title: Line<200>,
    pub description: Text<20000>,
    /// Letters, digits, `-`, `_` and `.` only.
    #[serde(default)]
    #[schema(max_length = 64, pattern = r"^\s*[A-Za-z0-9._-]*\s*$")]
    pub computer_name: String,
    /// Defaults to the requester's username.
    #[serde(default)]
    #[schema(max_length = 64)]
    pub requester_username: String,
    #[serde(default, deserialize_with = "super::whole::opt")]
    pub service_id: Option<i64>,
    /// The answers that set the priority (requesters; without them, `low`).
    #[serde(default)]
    pub impact: Option<ImpactDto>,
    /// Agents only: the priority, set directly. A requester sending it gets 422.
    #[serde(default)]
    #[schema(value_type = Option<PrioritySchema>)]
    pub priority: Option<Priority>,
    /// Agents only: the username of the person the case is registered for.
    #[serde(default)]
    pub requester: Option<String>,
    /// The number of an earlier case of the same requester that this follows up.
    #[serde(default)]
    pub follows: Option<String>,
}

/// The request's `Idempotency-Key`, if it has one, with a digest of the request.
fn idempotency(
    headers: &HeaderMap,
    user: &ApiUser,
    request: &[&[u8]],
) -> Result<Option<skranke_store::IdempotencyKey>, WebError> {
    let Some(v) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let key = v.to_str().map_err(|_| {
        WebError::invalid_msg(
            IDEMPOTENCY_KEY,
            crate::texts::about(IDEMPOTENCY_KEY, "error-idempotency-key")
                .arg("max", casework::IDEMPOTENCY_KEY_MAX),
        )
    })?;
    casework::idempotency_key(IDEMPOTENCY_KEY, user.0.id, key, request).map(Some)
}

const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// Marks an answer that repeats an earlier request's result.
fn replayed(mut res: Response, replayed: bool) -> Response {
    if replayed {
        res.headers_mut().insert(
            header::HeaderName::from_static("idempotent-replayed"),
            header::HeaderValue::from_static("true"),
        );
    }
    res
}

/// A new case with the report's files: a schema only (the handler reads
/// the parts one by one).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct NewCaseUpload {
    /// The case, as JSON.
    case: NewCaseRequest,
    /// Files (none, one or more).
    #[serde(default)]
    #[schema(value_type = Vec<String>, format = Binary)]
    attachment: Vec<Vec<u8>>,
}

/// A multipart body's part that the operation does not take.
fn unknown_part(name: &str) -> ApiError {
    WebError::invalid_msg(name, Msg::new("error-unknown-field").arg("field", name)).into()
}

/// A new case in JSON, or in a multipart form with its files.
struct CaseSubmission {
    request: NewCaseRequest,
    /// The request as its idempotency fingerprint sees it.
    raw: Vec<u8>,
    files: Vec<files::Upload>,
}

impl FromRequest<AppState> for CaseSubmission {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let multipart = files::is_multipart(req.headers());
        if !multipart {
            let ApiJson(request) = ApiJson::<NewCaseRequest>::from_request(req, state).await?;
            let raw = serde_json::to_vec(&request).unwrap_or_default();
            return Ok(CaseSubmission {
                request,
                raw,
                files: Vec::new(),
            });
        }
        let mut mp = Multipart::from_request(req, state)
            .await
            .map_err(|e| WebError::Malformed(e.body_text()))?;
        let mut request = None;
        let mut files = Vec::new();
        let max = state.config.cases.max_attachment_bytes;
        while let Some(field) = mp.next_field().await.map_err(files::multipart_error)? {
            match field.name().unwrap_or("") {
                "case" => {
                    let text = files::text(field).await?;
                    let r: NewCaseRequest = serde_json::from_str(&text).map_err(|e| {
                        WebError::invalid_msg(
                            "case",
                            Msg::new("error-malformed").arg("detail", e.to_string()),
                        )
                    })?;
                    request = Some(r);
                }
                "attachment" => {
                    if let Some(u) = files::upload(field, max).await? {
                        files.push(u);
                    }
                }
                other => return Err(unknown_part(other)),
            }
        }
        let request = request.ok_or_else(|| WebError::invalid("case", "error-required"))?;
        let mut raw = serde_json::to_vec(&request).unwrap_or_default();
        for f in &files {
            raw.extend_from_slice(&Sha256::digest(&f.bytes));
        }
        Ok(CaseSubmission {
            request,
            raw,
            files,
        })
    }
}

/// Register a case, with the report's files if it comes as multipart.
///
/// Answers 201 with the case, including its number and handler. Sent again
/// with the same `Idempotency-Key` (by the same user, within 24 hours), it
/// answers with the case the first request registered and stores nothing.
#[utoipa::path(post, path = "/api/v1/cases",
    request_body(content(
        (NewCaseRequest = "application/json"),
        (NewCaseUpload = "multipart/form-data"),
    )),
    params(
        ("Idempotency-Key" = Option<String>, Header, max_length = 255,
            description = "Makes a retry safe: the same key again answers with the first result"),
    ),
    responses(
        (status = 201, description = "The case as registered (or as the first request with this key registered it).", body = CaseDto,
            headers(("Idempotent-Replayed" = String, description = "`true` when this repeats an earlier request's result"))),
    ),
    security(("bearer" = [])))]
async fn create_case(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    upload: CaseSubmission,
) -> Result<Response, ApiError> {
    let req = upload.request;
    let idem = idempotency(&headers, &user, &[b"POST /api/v1/cases", &upload.raw])?;
    let actor = user.actor();
    let requester = match &req.requester {
        Some(username) if actor.kind.is_staff() => state
            .store
            .user_by_username(username)
            .await
            .map_err(|e| unknown_as("requester", e))?,
        Some(_) => {
            return Err(WebError::invalid("requester", "error-register-for-others").into());
        }
        None => user.0.clone(),
    };
    casework::refuse_non_customer(&requester)?;
    let (priority, confirmed) =
        initial_priority(actor, req.priority, req.impact.map(ImpactAnswers::from))
            .map_err(WebError::from)?;
    let follows_id = match &req.follows {
        Some(n) => Some(
            readable_case(&state, requester_actor(&requester), n)
                .await
                .map_err(|_| WebError::invalid("follows", "error-follows-not-theirs"))?
                .id,
        ),
        None => None,
    };
    let input = NewCaseInput {
        kind: req.kind.unwrap_or(CaseKind::Fault),
        title: req.title.0,
        description: req.description.0,
        requester_username: req.requester_username,
        computer_name: req.computer_name,
        service_id: req.service_id,
        suggested_priority: priority,
        priority_confirmed: confirmed,
        channel: Channel::Api,
        follows_id,
    }
    .validate()
    .map_err(|errors| casework::validation_error(&errors))?;
    let attachments = files::store_all(state.files.as_ref(), upload.files).await?;
    let r = casework::register(
        &state,
        &user.0,
        &requester,
        input,
        attachments,
        Vec::new(),
        Source::keyed(idem),
    )
    .await?;
    Ok(replayed(
        case_response(StatusCode::CREATED, r.case),
        r.replayed,
    ))
}

fn requester_actor(u: &skranke_store::User) -> skranke_core::Actor {
    skranke_core::Actor {
        user_id: u.id,
        kind: u.kind,
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Agents: `mine`, `unassigned`, `team`, `open` or `all` (default). Requesters always see their own.
    #[param(value_type = Option<String>, pattern = "^(mine|unassigned|team|open|all)$")]
    pub queue: Option<String>,
    #[param(value_type = Option<StatusSchema>)]
    pub status: Option<Status>,
    #[param(value_type = Option<PrioritySchema>)]
    pub priority: Option<Priority>,
    /// Matches the number or the title.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// `newest` (default), `deadline` (nearest due first), `oldest`, `priority` or `updated`.
    #[param(value_type = Option<String>, pattern = "^(newest|deadline|oldest|priority|updated)$")]
    pub sort: Option<String>,
    /// From 1.
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CaseList {
    pub items: Vec<CaseDto>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// A rejected query string names the parameter at fault.
pub fn query_error(e: QueryRejection) -> WebError {
    let text = e.body_text();
    let field = text
        .split('`')
        .nth(1)
        .filter(|_| text.contains("field `"))
        .or_else(|| text.split_once(": ").and_then(|(_, r)| r.split(':').next()))
        .unwrap_or("query")
        .trim()
        .to_owned();
    WebError::invalid_msg(
        &field,
        crate::i18n::Msg::new("error-malformed").arg("detail", text),
    )
}

/// List cases: a requester's own, or any for agents, with filters and paging.
#[utoipa::path(get, path = "/api/v1/cases", params(ListQuery),
    responses((status = 200, description = "One page of cases and how many match in all.", body = CaseList)),
    security(("bearer" = [])))]
async fn list_cases(
    State(state): State<AppState>,
    user: ApiUser,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<CaseList>, ApiError> {
    let Query(q) = query.map_err(query_error)?;
    let staff = user.0.kind.is_staff();
    let queue = match q.queue.as_deref() {
        // A requester's list is their own, whatever queue they name.
        Some("all" | "mine" | "unassigned" | "team" | "open") | None if !staff => None,
        None | Some("all") => Some(Queue::All),
        Some("mine") => Some(Queue::Mine(user.0.id)),
        Some("unassigned") => Some(Queue::Unassigned),
        Some("team") => Some(Queue::Team(user.0.team_id.unwrap_or(-1))),
        Some("open") => Some(Queue::AllOpen),
        Some(other) => {
            return Err(unknown_value("queue", other).into());
        }
    };
    let per_page = q.per_page.unwrap_or(50);
    if !(1..=200).contains(&per_page) {
        return Err(range("per_page", 1, 200).into());
    }
    let page = q.page.unwrap_or(1);
    if !(1..=PAGE_MAX).contains(&page) {
        return Err(range("page", 1, PAGE_MAX).into());
    }
    if q.q.as_deref().is_some_and(|t| t.chars().count() > Q_MAX) {
        return Err(WebError::invalid_msg(
            "q",
            crate::texts::validation_msg("q", skranke_core::case::ValidationCode::TooLong(Q_MAX)),
        )
        .into());
    }
    let sort = match q.sort.as_deref() {
        None | Some("newest") => CaseSort::Newest,
        Some("deadline") => CaseSort::Deadline,
        Some("oldest") => CaseSort::Oldest,
        Some("priority") => CaseSort::Priority,
        Some("updated") => CaseSort::Updated,
        Some(other) => {
            return Err(unknown_value("sort", other).into());
        }
    };
    let filter = CaseFilter {
        requester_id: (!staff).then_some(user.0.id),
        queue,
        status: q.status,
        priority: q.priority,
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
#[utoipa::path(get, path = "/api/v1/cases/{number}",
    params(("number" = String, Path, description = "Case number, e.g. `2026-000123`")),
    responses(
        (status = 200, description = "The case; its `ETag` is its version.", body = CaseDto,
            headers(("ETag" = String, description = "The case's version, for `If-Match`"))),
        (status = 404, description = "No such case, or not yours.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn get_case(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(number): ApiPath<String>,
) -> Result<Response, ApiError> {
    let case = readable_case(&state, user.actor(), &number).await?;
    Ok(case_response(StatusCode::OK, case))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    #[serde(default)]
    #[schema(value_type = Option<StatusSchema>)]
    pub status: Option<Status>,
    /// Setting it (even to the same value) confirms the priority.
    #[serde(default)]
    #[schema(value_type = Option<PrioritySchema>)]
    pub priority: Option<Priority>,
    /// The handler's username; an empty string leaves the case unassigned.
    #[serde(default)]
    pub handler: Option<String>,
    /// The `version` last read. Required, unless `If-Match` carries it.
    #[serde(default, deserialize_with = "super::whole::opt")]
    pub version: Option<i64>,
    /// An agreed resolution deadline; needs `agreed_deadline_reason`.
    #[serde(default)]
    #[schema(format = DateTime)]
    pub agreed_deadline: Option<String>,
    #[serde(default)]
    pub agreed_deadline_reason: Option<Line<500>>,
}

/// The version a change is based on: `If-Match` or the body's `version`.
fn based_on(headers: &HeaderMap, body: Option<i64>) -> Result<BasedOn, WebError> {
    match headers.get(header::IF_MATCH) {
        Some(v) => v
            .to_str()
            .ok()
            .map(|s| s.trim().trim_start_matches("W/").trim_matches('"'))
            .and_then(|s| s.parse().ok())
            .map(BasedOn::Version)
            .ok_or_else(|| WebError::invalid("If-Match", "error-if-match")),
        None => Ok(body.map_or(BasedOn::Unknown, BasedOn::Version)),
    }
}

/// Change status, priority, handler or agreed deadline (agents only), all or nothing.
#[utoipa::path(patch, path = "/api/v1/cases/{number}",
    params(
        ("number" = String, Path, description = "Case number"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` last read, instead of `version` in the body"),
    ),
    request_body = UpdateRequest,
    responses(
        (status = 200, description = "The case after the change.", body = CaseDto,
            headers(("ETag" = String, description = "The case's new version"))),
        (status = 404, description = "No such case, or not yours.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The case changed since `version`, or its status does not allow this.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` is not the case's current version.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 428, description = "Neither `version` nor `If-Match` was sent.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn update_case(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(number): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<UpdateRequest>,
) -> Result<Response, ApiError> {
    let case = readable_case(&state, user.actor(), &number).await?;
    let version = based_on(&headers, req.version)?;
    let if_match = headers.contains_key(header::IF_MATCH);
    let handler = match req.handler.as_deref() {
        None => None,
        Some("") => Some(None),
        Some(username) => {
            let h = state
                .store
                .user_by_username(username)
                .await
                .map_err(|e| unknown_as("handler", e))?;
            Some(Some(casework::candidate_of(h)))
        }
    };
    let agreed_deadline = match (&req.agreed_deadline, &req.agreed_deadline_reason) {
        (Some(d), reason) => {
            let at = d
                .parse::<jiff::Timestamp>()
                .map_err(|_| WebError::invalid("agreed_deadline", "error-rfc3339"))?;
            Some((at, reason.as_ref().map(|r| r.0.clone()).unwrap_or_default()))
        }
        (None, Some(_)) => {
            return Err(WebError::invalid("agreed_deadline", "error-deadline-with-reason").into());
        }
        (None, None) => None,
    };
    let change = Change::Update(Update {
        status: req.status,
        priority: req.priority,
        handler,
        agreed_deadline,
    });
    let changed = casework::apply(
        &state,
        user.actor(),
        &case,
        change,
        version,
        &[],
        Source::default(),
    )
    .await
    .map_err(|e| match e {
        // A failed `If-Match` is 412, as HTTP has it; a stale `version` 409.
        WebError::Conflict { field, .. } if if_match && field == "version" => {
            WebError::PreconditionFailed
        }
        e => e,
    })?;
    Ok(case_response(StatusCode::OK, changed.case))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    pub body: Text<20000>,
    /// An internal note (agents only), not shown to the requester.
    #[serde(default)]
    pub internal: bool,
    /// Agents: a status to set with the message (e.g. `waiting_customer`).
    #[serde(default)]
    #[schema(value_type = Option<StatusSchema>)]
    pub status: Option<Status>,
    /// Agents: send a public reply to a closed case anyway (it stays
    /// closed). Without it such a reply is refused with 409.
    #[serde(default)]
    pub confirm_closed: bool,
}

/// The same as `MessageRequest`, with files: a schema only (the handler
/// reads the parts one by one).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct MessageUpload {
    /// Optional when files come with it.
    #[serde(default)]
    #[schema(max_length = 20000)]
    body: String,
    /// An internal note (agents only).
    #[serde(default)]
    internal: bool,
    #[serde(default)]
    #[schema(value_type = StatusSchema)]
    status: String,
    /// Agents: send a public reply to a closed case anyway.
    #[serde(default)]
    confirm_closed: bool,
    /// Files (none, one or more).
    #[serde(default)]
    #[schema(value_type = Vec<String>, format = Binary)]
    attachment: Vec<Vec<u8>>,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentDto {
    pub id: i64,
    pub filename: String,
    /// As the uploader declared it; downloads are always `application/octet-stream`.
    pub content_type: String,
    pub size: i64,
    pub internal: bool,
    pub message_id: Option<i64>,
    pub uploader: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    /// Where to download it.
    pub href: String,
}

impl From<&Attachment> for AttachmentDto {
    fn from(a: &Attachment) -> AttachmentDto {
        AttachmentDto {
            id: a.id,
            filename: a.filename.clone(),
            content_type: a.content_type.clone(),
            size: a.size,
            internal: a.internal,
            message_id: a.message_id,
            uploader: a.uploader_name.clone(),
            created_at: rfc3339(a.created_at),
            href: format!("/api/v1/attachments/{}", a.id),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MessageDto {
    pub id: i64,
    #[schema(value_type = MessageKindSchema)]
    pub kind: MessageKind,
    pub author: Person,
    pub internal: bool,
    pub body: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    pub attachments: Vec<AttachmentDto>,
}

fn message_dto(m: Message, attachments: &[Attachment]) -> MessageDto {
    MessageDto {
        attachments: attachments
            .iter()
            .filter(|a| a.message_id == Some(m.id))
            .map(AttachmentDto::from)
            .collect(),
        id: m.id,
        kind: m.kind,
        author: Person {
            id: m.author_id,
            name: m.author_name,
        },
        internal: m.internal,
        body: m.body,
        created_at: rfc3339(m.created_at),
    }
}

/// A message in JSON, or in a multipart form with files.
struct MessageInput {
    request: MessageRequest,
    files: Vec<files::Upload>,
}

impl FromRequest<AppState> for MessageInput {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let multipart = files::is_multipart(req.headers());
        if !multipart {
            let ApiJson(request) = ApiJson::<MessageRequest>::from_request(req, state).await?;
            return Ok(MessageInput {
                request,
                files: Vec::new(),
            });
        }
        let mut mp = Multipart::from_request(req, state)
            .await
            .map_err(|e| WebError::Malformed(e.body_text()))?;
        let mut request = MessageRequest {
            body: Text(String::new()),
            internal: false,
            status: None,
            confirm_closed: false,
        };
        let mut files = Vec::new();
        let max = state.config.cases.max_attachment_bytes;
        while let Some(field) = mp.next_field().await.map_err(files::multipart_error)? {
            match field.name().unwrap_or("") {
                "body" => request.body = Text(files::text(field).await?),
                name @ ("internal" | "confirm_closed") => {
                    let name = name.to_owned();
                    let v = match files::text(field).await?.as_str() {
                        "on" | "true" => true,
                        "off" | "false" | "" => false,
                        _ => return Err(WebError::invalid(&name, "error-not-boolean").into()),
                    };
                    if name == "internal" {
                        request.internal = v;
                    } else {
                        request.confirm_closed = v;
                    }
                }
                "status" => {
                    let s = files::text(field).await?;
                    request.status = Some(s.parse().map_err(|_| unknown_value("status", &s))?);
                }
                "attachment" => {
                    if let Some(u) = files::upload(field, max).await? {
                        files.push(u);
                    }
                }
                other => return Err(unknown_part(other)),
            }
        }
        Ok(MessageInput { request, files })
    }
}

/// Add a public reply, an internal note (agents) or the requester's message, with files.
///
/// A requester's message resumes a case waiting for them and reopens a
/// resolved one inside the reopen window; on a closed case, or a resolved
/// one past the window, it is refused with 409: report a new case that
/// `follows` this one instead.
#[utoipa::path(post, path = "/api/v1/cases/{number}/messages",
    params(
        ("number" = String, Path, description = "Case number"),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255,
            description = "Makes a retry safe: the same key again answers with the first result"),
    ),
    request_body(content(
        (MessageRequest = "application/json"),
        (MessageUpload = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "The message as stored.", body = MessageDto,
            headers(("Idempotent-Replayed" = String, description = "`true` when this repeats an earlier request's result"))),
        (status = 404, description = "No such case, or not yours.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The case takes no more messages from you (closed, or past the reopen window).", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn add_message(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(number): ApiPath<String>,
    headers: HeaderMap,
    input: MessageInput,
) -> Result<Response, ApiError> {
    let case = readable_case(&state, user.actor(), &number).await?;
    let r = input.request;
    let digests: Vec<[u8; 32]> = input
        .files
        .iter()
        .map(|f| Sha256::digest(&f.bytes).into())
        .collect();
    let mut request: Vec<&[u8]> = vec![
        b"POST messages",
        case.number.as_bytes(),
        r.body.0.as_bytes(),
        if r.internal { b"internal" } else { b"public" },
        r.status.map_or("", |s| s.key()).as_bytes(),
        if r.confirm_closed { b"confirm" } else { b"" },
    ];
    request.extend(digests.iter().map(|d| d.as_slice()));
    let idem = idempotency(&headers, &user, &request)?;
    let attachments = files::store_all(state.files.as_ref(), input.files).await?;
    let change = Change::Message(NewMessage {
        internal: r.internal,
        body: r.body.0,
        attachments: attachments.len(),
        status: r.status,
        confirm_closed: r.confirm_closed,
    });
    let changed = casework::apply(
        &state,
        user.actor(),
        &case,
        change,
        BasedOn::Latest,
        &attachments,
        Source::keyed(idem),
    )
    .await?;
    let id = changed
        .message_id
        .ok_or_else(|| WebError::Internal("no message stored".into()))?;
    let (messages, stored) = tokio::try_join!(
        state.store.messages(case.id, true),
        state.store.attachments(case.id, true)
    )?;
    let message = messages
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(WebError::NotFound)?;
    let res = (StatusCode::CREATED, Json(message_dto(message, &stored))).into_response();
    Ok(replayed(res, changed.replayed))
}

/// The conversation: public replies and the requester's messages, and internal notes for agents.
#[utoipa::path(get, path = "/api/v1/cases/{number}/messages",
    params(("number" = String, Path, description = "Case number")),
    responses(
        (status = 200, description = "Oldest first.", body = Vec<MessageDto>),
        (status = 404, description = "No such case, or not yours.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn list_messages(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(number): ApiPath<String>,
) -> Result<Json<Vec<MessageDto>>, ApiError> {
    let case = readable_case(&state, user.actor(), &number).await?;
    let staff = user.0.kind.is_staff();
    let (messages, attachments) = tokio::try_join!(
        state.store.messages(case.id, staff),
        state.store.attachments(case.id, staff)
    )?;
    Ok(Json(
        messages
            .into_iter()
            .map(|m| message_dto(m, &attachments))
            .collect(),
    ))
}

/// The case's files (internal notes' files for agents only).
#[utoipa::path(get, path = "/api/v1/cases/{number}/attachments",
    params(("number" = String, Path, description = "Case number")),
    responses(
        (status = 200, description = "Oldest first.", body = Vec<AttachmentDto>),
        (status = 404, description = "No such case, or not yours.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn list_attachments(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(number): ApiPath<String>,
) -> Result<Json<Vec<AttachmentDto>>, ApiError> {
    let case = readable_case(&state, user.actor(), &number).await?;
    let list = state
        .store
        .attachments(case.id, user.0.kind.is_staff())
        .await?;
    Ok(Json(list.iter().map(AttachmentDto::from).collect()))
}

/// Download a file: an image whose bytes are a PNG, JPEG, GIF or WebP
/// comes with that type (`inline`), anything else as
/// `application/octet-stream` (`attachment`).
#[utoipa::path(get, path = "/api/v1/attachments/{id}",
    params(("id" = i64, Path, description = "Attachment id")),
    responses(
        (status = 200, description = "The file's bytes.",
            content(
                (Vec<u8> = "application/octet-stream"),
                (Vec<u8> = "image/png"),
                (Vec<u8> = "image/jpeg"),
                (Vec<u8> = "image/gif"),
                (Vec<u8> = "image/webp"),
            ),
            headers(("Content-Disposition" = String, description = "`inline` (images) or `attachment`, with the file name"))),
        (status = 404, description = "No such file, or not yours.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn download_attachment(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let a = readable_attachment(&state, user.actor(), id).await?;
    Ok(files::download(state.files.as_ref(), &a).await?)
}

/// The requester confirms that a resolved case is solved: it is closed.
#[utoipa::path(post, path = "/api/v1/cases/{number}/confirm",
    params(("number" = String, Path, description = "Case number")),
    responses(
        (status = 200, description = "The case, now closed.", body = CaseDto),
        (status = 404, description = "No such case, or not yours.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The case is not resolved.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn confirm_case(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(number): ApiPath<String>,
) -> Result<Response, ApiError> {
    transition(&state, &user, &number, Change::Confirm).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenRequest {
    /// Why the case is not solved after all; it goes into the history.
    pub reason: Line<500>,
}

/// The requester reopens a resolved or closed case inside the reopen
/// window, saying why.
#[utoipa::path(post, path = "/api/v1/cases/{number}/reopen",
    params(("number" = String, Path, description = "Case number")),
    request_body = ReopenRequest,
    responses(
        (status = 200, description = "The case, in progress again.", body = CaseDto),
        (status = 404, description = "No such case, or not yours.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The case is not finished, or the reopen window has passed.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn reopen_case(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(number): ApiPath<String>,
    ApiJson(r): ApiJson<ReopenRequest>,
) -> Result<Response, ApiError> {
    let change = Change::Reopen { reason: r.reason.0 };
    transition(&state, &user, &number, change).await
}

/// Someone copied on a case: they get the mail the requester gets, may
/// read the case and write on it.
#[derive(Serialize, ToSchema)]
pub struct CopiedDto {
    pub id: i64,
    pub name: String,
    pub email: String,
}

fn copied_dtos(list: Vec<skranke_store::Copied>) -> Json<Vec<CopiedDto>> {
    Json(
        list.into_iter()
            .map(|c| CopiedDto {
                id: c.id,
                name: c.full_name,
                email: c.email,
            })
            .collect(),
    )
}

/// The people copied on the case.
#[utoipa::path(get, path = "/api/v1/cases/{number}/copied",
    params(("number" = String, Path, description = "Case number")),
    responses(
        (status = 200, description = "In the order they were copied.", body = Vec<CopiedDto>),
        (status = 404, description = "No such case, or not yours.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn list_copied(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(number): ApiPath<String>,
) -> Result<Json<Vec<CopiedDto>>, ApiError> {
    let case = readable_case(&state, user.actor(), &number).await?;
    Ok(copied_dtos(state.store.copied(case.id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CopyRequest {
    /// The person's e-mail address: a customer, or someone at an
    /// organisation's mail domain (registered as a customer then).
    pub email: Line<254>,
}

/// Copy someone on the case (agents and the requester). Copying someone
/// already copied changes nothing.
#[utoipa::path(post, path = "/api/v1/cases/{number}/copied",
    params(("number" = String, Path, description = "Case number")),
    request_body = CopyRequest,
    responses(
        (status = 200, description = "Everyone copied now.", body = Vec<CopiedDto>),
        (status = 403, description = "Only agents and the requester copy people.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not yours.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an e-mail address, no customer there, not someone who can be copied (a pupil, an agent, the requester, inactive), or 20 copied already.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn copy_person(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(number): ApiPath<String>,
    ApiJson(r): ApiJson<CopyRequest>,
) -> Result<Json<Vec<CopiedDto>>, ApiError> {
    let case = readable_case(&state, user.actor(), &number).await?;
    casework::copy_by_address(&state, user.actor(), &case, &r.email.0).await?;
    Ok(copied_dtos(state.store.copied(case.id).await?))
}

/// Stop copying someone (agents, the requester, or the person themself).
#[utoipa::path(delete, path = "/api/v1/cases/{number}/copied/{user_id}",
    params(
        ("number" = String, Path, description = "Case number"),
        ("user_id" = i64, Path, description = "The person copied"),
    ),
    responses(
        (status = 200, description = "Everyone still copied.", body = Vec<CopiedDto>),
        (status = 403, description = "Only agents, the requester and the person themself.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not yours.", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn uncopy_person(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((number, user_id)): ApiPath<(String, i64)>,
) -> Result<Json<Vec<CopiedDto>>, ApiError> {
    let case = readable_case(&state, user.actor(), &number).await?;
    casework::apply(
        &state,
        user.actor(),
        &case,
        Change::Uncopy(user_id),
        BasedOn::Latest,
        &[],
        Source::default(),
    )
    .await?;
    Ok(copied_dtos(state.store.copied(case.id).await?))
}

async fn transition(
    state: &AppState,
    user: &ApiUser,
    number: &str,
    change: Change,
) -> Result<Response, ApiError> {
    let case = readable_case(state, user.actor(), number).await?;
    let changed = casework::apply(
        state,
        user.actor(),
        &case,
        change,
        BasedOn::Latest,
        &[],
        Source::default(),
    )
    .await?;
    Ok(case_response(StatusCode::OK, changed.case))
}
