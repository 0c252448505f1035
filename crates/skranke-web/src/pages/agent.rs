use super::PagePath;
use super::portal::{CaseUpload, new_case_page, submit};
use crate::AppState;
use crate::auth::Staff;
use crate::error::WebError;
use crate::views::{CaseFormValues, FormErrors, Nav, PhonePage, QueuePage, QueueRow, clock_views};
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use skranke_core::{Channel, Priority, Status};
use skranke_store::{CaseFilter, CaseSort, Queue};

const PAGE_SIZE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    queue: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    page: Option<i64>,
}

pub async fn queue(
    State(state): State<AppState>,
    Staff(user): Staff,
    Query(qq): Query<QueueQuery>,
) -> Result<QueuePage, WebError> {
    let (key, queue) = match qq.queue.as_str() {
        "unassigned" => ("unassigned", Queue::Unassigned),
        // An agent without a team has an empty team queue.
        "team" => ("team", Queue::Team(user.user.team_id.unwrap_or(-1))),
        "open" => ("open", Queue::AllOpen),
        "all" => ("all", Queue::All),
        _ => ("mine", Queue::Mine(user.user.id)),
    };
    let sort = match qq.sort.as_str() {
        "oldest" => CaseSort::Oldest,
        "priority" => CaseSort::Priority,
        "updated" => CaseSort::Updated,
        "newest" => CaseSort::Newest,
        _ => CaseSort::Deadline,
    };
    let page = qq.page.unwrap_or(1).clamp(1, crate::api::PAGE_MAX);
    let q: String = qq.q.chars().take(crate::api::Q_MAX).collect();
    let filter = CaseFilter {
        queue: Some(queue),
        status: qq.status.parse().ok(),
        priority: qq.priority.parse().ok(),
        text: Some(q.clone()),
        sort,
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
        ..CaseFilter::default()
    };
    let (cases, total) = state.store.list_cases(&filter).await?;
    let now = jiff::Timestamp::now();
    let rows = cases
        .into_iter()
        .map(|case| QueueRow {
            clocks: clock_views(&case, state.store.sla(), now),
            case,
        })
        .collect();
    Ok(QueuePage {
        nav: Nav::of(&user),
        queue: key,
        queues: vec!["mine", "unassigned", "team", "open", "all"],
        rows,
        total,
        status: filter
            .status
            .map(|s| s.key().to_owned())
            .unwrap_or_default(),
        priority: filter
            .priority
            .map(|p| p.key().to_owned())
            .unwrap_or_default(),
        q,
        sort: match sort {
            CaseSort::Deadline => "deadline",
            CaseSort::Newest => "newest",
            CaseSort::Oldest => "oldest",
            CaseSort::Priority => "priority",
            CaseSort::Updated => "updated",
        }
        .into(),
        page,
        pages: (total + PAGE_SIZE - 1) / PAGE_SIZE,
        statuses: Status::ALL.to_vec(),
        priorities: Priority::ALL.to_vec(),
    })
}

#[derive(Deserialize)]
pub struct PhoneQuery {
    #[serde(default)]
    q: String,
}

pub async fn phone_search(
    State(state): State<AppState>,
    Staff(user): Staff,
    Query(pq): Query<PhoneQuery>,
) -> Result<PhonePage, WebError> {
    let q: String = pq.q.trim().chars().take(100).collect();
    let results = if q.chars().count() >= 2 {
        state.store.search_users(&q, 25).await?
    } else {
        Vec::new()
    };
    Ok(PhonePage {
        nav: Nav::of(&user),
        q,
        results,
    })
}

pub async fn phone_form(
    State(state): State<AppState>,
    Staff(user): Staff,
    PagePath(user_id): PagePath<i64>,
) -> Result<Response, WebError> {
    use axum::response::IntoResponse;
    let caller = state.store.user(user_id).await?;
    let values = CaseFormValues {
        kind: "fault".into(),
        requester_username: caller.username.clone(),
        ..CaseFormValues::default()
    };
    let refused = !caller.kind.is_customer();
    let page = new_case_page(&state, &user, Some(caller), values, FormErrors::new("")).await?;
    let status = if refused {
        axum::http::StatusCode::FORBIDDEN
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, page).into_response())
}

/// An agent registers a case for a caller: channel `phone`.
pub async fn phone_create(
    State(state): State<AppState>,
    Staff(user): Staff,
    upload: CaseUpload,
) -> Result<Response, WebError> {
    let f = &upload.form;
    user.check_csrf(&f.csrf)?;
    let requester_id = super::opt_id("requester", &f.requester_id)?
        .ok_or_else(|| WebError::invalid("requester", "error-must-choose"))?;
    let caller = state
        .store
        .user(requester_id)
        .await
        .map_err(|e| crate::error::unknown_as("requester", e))?;
    crate::casework::refuse_non_customer(&caller)?;
    submit(&state, &user, &caller, upload, Channel::Phone).await
}
