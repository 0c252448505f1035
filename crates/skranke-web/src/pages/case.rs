use super::{Form, PagePath, opt_id};
use crate::AppState;
use crate::access::{readable_attachment, readable_case};
use crate::auth::CurrentUser;
use crate::casework;
use crate::error::WebError;
use crate::files;
use crate::views::{CasePage, Nav, clock_views, priority_infos};
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use skranke_core::change::{self, Change, NewMessage, Rules, Update};
use skranke_core::{Priority, Status};
use skranke_store::{BasedOn, Case};

/// What the reply form shows again after a refusal: the text as typed,
/// and whether to offer a new report following up this case.
#[derive(Default)]
pub struct ReplyState {
    pub error: Option<String>,
    pub draft: String,
    pub follow_up: bool,
}

pub async fn case_page(
    state: &AppState,
    user: &CurrentUser,
    case: Case,
    reply: ReplyState,
) -> Result<CasePage, WebError> {
    let staff = user.is_staff();
    let (messages, attachments) = tokio::try_join!(
        state.store.messages(case.id, staff),
        state.store.attachments(case.id, staff)
    )?;
    let (history, agents, escalations) = if staff {
        tokio::try_join!(
            state.store.history(case.id),
            state.store.list_agents(),
            state.store.escalations_of(case.id)
        )?
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let now = Timestamp::now();
    let tomorrow = (now + jiff::SignedDuration::from_hours(24))
        .to_zoned_datetime(state.hours.tz.clone())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string();
    let rules = Rules::from_config(&state.config);
    let may = |change| change::allowed(&case.state(), user.actor(), change, &rules, now);
    Ok(CasePage {
        clocks: clock_views(&case, state.store.sla(), now),
        escalations,
        paused: crate::texts::span(crate::views::paused_until_now(
            &case,
            state.store.sla(),
            now,
        )),
        deadline_default: tomorrow,
        nav: Nav::of(user),
        may_confirm: may(Change::Confirm),
        may_reopen: may(Change::Reopen),
        case,
        messages,
        attachments,
        history,
        agents,
        priorities: priority_infos(&state.config),
        statuses: Status::ALL.to_vec(),
        error: reply.error,
        draft: reply.draft,
        form_token: crate::auth::generate_token(),
        follow_up: reply.follow_up,
        max_attachment_mb: state
            .config
            .cases
            .max_attachment_bytes
            .div_ceil(1024 * 1024),
    })
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(number): PagePath<String>,
) -> Result<CasePage, WebError> {
    let case = readable_case(&state, user.actor(), &number).await?;
    case_page(&state, &user, case, ReplyState::default()).await
}

/// A multipart reply: the text, the internal flag, the status to set and the files.
struct Reply {
    csrf: String,
    /// The form's one-time token: a double click sends one message.
    form_token: String,
    body: String,
    internal: bool,
    status: String,
    files: Vec<files::Upload>,
}

async fn read_reply(mut mp: Multipart, max_file: usize) -> Result<Reply, WebError> {
    let mut r = Reply {
        csrf: String::new(),
        form_token: String::new(),
        body: String::new(),
        internal: false,
        status: String::new(),
        files: Vec::new(),
    };
    while let Some(field) = mp.next_field().await.map_err(files::multipart_error)? {
        match field.name().unwrap_or("") {
            "csrf" => r.csrf = files::text(field).await?,
            "form_token" => r.form_token = files::text(field).await?,
            "body" => r.body = files::text(field).await?,
            "internal" => r.internal = files::text(field).await? == "on",
            "status" => r.status = files::text(field).await?,
            "attachment" => {
                if let Some(upload) = files::upload(field, max_file).await? {
                    r.files.push(upload);
                }
            }
            _ => {}
        }
    }
    Ok(r)
}

pub async fn add_message(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(number): PagePath<String>,
    mp: Multipart,
) -> Result<Response, WebError> {
    let case = readable_case(&state, user.actor(), &number).await?;
    let reply = read_reply(mp, state.config.cases.max_attachment_bytes).await?;
    user.check_csrf(&reply.csrf)?;
    let status = match reply.status.as_str() {
        "" => None,
        s => Some(
            s.parse::<Status>()
                .map_err(|_| WebError::invalid("status", "er ikke en gyldig status."))?,
        ),
    };
    let idem = match reply.form_token.as_str() {
        "" => None,
        t => Some(casework::idempotency_key(
            "form_token",
            user.user.id,
            &format!("form:{t}"),
            &[b"reply", case.number.as_bytes()],
        )?),
    };
    let attachments = files::store_all(state.files.as_ref(), reply.files).await?;
    let change = Change::Message(NewMessage {
        internal: reply.internal,
        body: reply.body.clone(),
        attachments: attachments.len(),
        status,
    });
    match casework::apply(
        &state,
        user.actor(),
        &case,
        change,
        BasedOn::Latest,
        &attachments,
        idem,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{}", case.number)).into_response()),
        Err(e @ (WebError::Invalid { .. } | WebError::Conflict { .. })) => {
            let follow_up = matches!(&e, WebError::Conflict { .. }) && !user.is_staff();
            let reply = ReplyState {
                error: Some(e.message()),
                draft: reply.body,
                follow_up,
            };
            let status = e.status();
            let page = case_page(&state, &user, case, reply).await?;
            Ok((status, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct UpdateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    priority: String,
    handler: Option<String>,
}

/// The `version` every form that edits a case carries.
fn form_version(v: &str) -> Result<BasedOn, WebError> {
    Ok(opt_id("version", v)?.map_or(BasedOn::Unknown, BasedOn::Version))
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(number): PagePath<String>,
    Form(f): Form<UpdateForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let case = readable_case(&state, user.actor(), &number).await?;
    let status = match f.status.as_str() {
        "" => None,
        s => Some(
            s.parse::<Status>()
                .map_err(|_| WebError::invalid("status", "er ikke en gyldig status."))?,
        ),
    };
    let priority = match f.priority.as_str() {
        "" => None,
        p => Some(
            p.parse::<Priority>()
                .map_err(|_| WebError::invalid("priority", "er ikke en gyldig prioritet."))?,
        ),
    };
    let handler = match f
        .handler
        .as_deref()
        .map(|h| opt_id("handler", h))
        .transpose()?
    {
        None => None,
        Some(None) => Some(None),
        Some(Some(id)) => Some(Some(casework::candidate(&state, id).await?)),
    };
    let change = Change::Update(Update {
        status,
        priority,
        handler,
        agreed_deadline: None,
    });
    edit(&state, &user, case, change, &f.version).await
}

/// Applies an agent's edit; refusals are shown on the case page.
async fn edit(
    state: &AppState,
    user: &CurrentUser,
    case: Case,
    change: Change,
    version: &str,
) -> Result<Response, WebError> {
    let result = async {
        let version = form_version(version)?;
        casework::apply(state, user.actor(), &case, change, version, &[], None).await
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{}", case.number)).into_response()),
        Err(e @ (WebError::Invalid { .. } | WebError::Conflict { .. })) => {
            let status = e.status();
            let reply = ReplyState {
                error: Some(e.message()),
                ..ReplyState::default()
            };
            let page = case_page(state, user, case, reply).await?;
            Ok((status, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn requester_transition(
    state: &AppState,
    user: &CurrentUser,
    number: &str,
    csrf: &str,
    change: Change,
) -> Result<Response, WebError> {
    user.check_csrf(csrf)?;
    let case = readable_case(state, user.actor(), number).await?;
    casework::apply(
        state,
        user.actor(),
        &case,
        change,
        BasedOn::Latest,
        &[],
        None,
    )
    .await?;
    Ok(Redirect::to(&format!("/cases/{}", case.number)).into_response())
}

pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(number): PagePath<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    requester_transition(&state, &user, &number, &f.csrf, Change::Confirm).await
}

pub async fn reopen(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(number): PagePath<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    requester_transition(&state, &user, &number, &f.csrf, Change::Reopen).await
}

/// Serves an attachment as a download, never for the browser to render.
pub async fn attachment(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(id): PagePath<i64>,
) -> Result<Response, WebError> {
    let a = readable_attachment(&state, user.actor(), id).await?;
    files::download(state.files.as_ref(), &a).await
}

#[derive(Deserialize)]
pub struct DeadlineForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    reason: String,
}

/// An agent sets an agreed deadline (avtalt frist) with a required reason.
pub async fn set_deadline(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(number): PagePath<String>,
    Form(f): Form<DeadlineForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let case = readable_case(&state, user.actor(), &number).await?;
    let deadline = match casework::parse_deadline(&state, "agreed_deadline", &f.deadline) {
        Ok(d) => d,
        Err(e) => {
            let reply = ReplyState {
                error: Some(e.message()),
                ..ReplyState::default()
            };
            let page = case_page(&state, &user, case, reply).await?;
            return Ok((e.status(), page).into_response());
        }
    };
    let change = Change::Update(Update {
        agreed_deadline: Some((deadline, f.reason.clone())),
        ..Update::default()
    });
    edit(&state, &user, case, change, &f.version).await
}
