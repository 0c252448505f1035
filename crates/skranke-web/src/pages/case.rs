use super::{Form, opt_id};
use crate::AppState;
use crate::access::readable_case;
use crate::auth::CurrentUser;
use crate::casework;
use crate::error::WebError;
use crate::files;
use crate::texts;
use crate::views::{CasePage, Nav, clock_views, priority_infos};
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use skranke_core::{Priority, Status};
use skranke_store::{Case, NewAttachment};

pub async fn case_page(
    state: &AppState,
    user: &CurrentUser,
    case: Case,
    error: Option<String>,
) -> Result<CasePage, WebError> {
    let staff = user.is_staff();
    let own = case.requester_id == user.user.id;
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
        may_confirm: own && case.status == Status::Resolved,
        may_reopen: own
            && case.status.is_finished()
            && casework::within_reopen_window(state, &case),
        case,
        messages,
        attachments,
        history,
        agents,
        priorities: priority_infos(&state.config),
        statuses: Status::ALL.to_vec(),
        error,
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
    Path(number): Path<String>,
) -> Result<CasePage, WebError> {
    let case = readable_case(&state, user.actor(), &number).await?;
    case_page(&state, &user, case, None).await
}

/// A multipart reply: the text, the internal flag and at most one file.
struct Reply {
    csrf: String,
    body: String,
    internal: bool,
    file: Option<(String, String, Vec<u8>)>,
}

async fn read_reply(mut mp: Multipart) -> Result<Reply, WebError> {
    let mut r = Reply {
        csrf: String::new(),
        body: String::new(),
        internal: false,
        file: None,
    };
    let too_large = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::TooLarge
        } else {
            WebError::invalid("form", e.body_text())
        }
    };
    while let Some(field) = mp.next_field().await.map_err(too_large)? {
        match field.name().unwrap_or("") {
            "csrf" => r.csrf = field.text().await.map_err(too_large)?,
            "body" => r.body = field.text().await.map_err(too_large)?,
            "internal" => r.internal = field.text().await.map_err(too_large)? == "on",
            "attachment" => {
                let name = field.file_name().unwrap_or("").to_owned();
                let ctype = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_owned();
                let bytes = field.bytes().await.map_err(too_large)?;
                if !name.is_empty() && !bytes.is_empty() {
                    r.file = Some((files::clean_filename(&name), ctype, bytes.to_vec()));
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
    Path(number): Path<String>,
    mp: Multipart,
) -> Result<Response, WebError> {
    let case = readable_case(&state, user.actor(), &number).await?;
    let reply = read_reply(mp).await?;
    user.check_csrf(&reply.csrf)?;
    let internal = reply.internal && user.is_staff();
    let body = reply.body.trim();
    if body.is_empty() && reply.file.is_none() {
        let page = case_page(&state, &user, case, Some(texts::MESSAGE_EMPTY.into())).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    casework::check_body(body, false)?;
    if let Some((_, _, bytes)) = &reply.file
        && bytes.len() > state.config.cases.max_attachment_bytes
    {
        return Err(WebError::TooLarge);
    }
    add(&state, &user, &case, body, internal, reply.file).await?;
    Ok(Redirect::to(&format!("/cases/{}", case.number)).into_response())
}

/// Stores the file (if any), then the message; removes the file again if
/// the message could not be committed, so nothing is left half-written.
pub async fn add(
    state: &AppState,
    user: &CurrentUser,
    case: &Case,
    body: &str,
    internal: bool,
    file: Option<(String, String, Vec<u8>)>,
) -> Result<i64, WebError> {
    let mut attachments = Vec::new();
    if let Some((filename, content_type, bytes)) = file {
        let stored = files::save(state.files.as_ref(), &bytes)
            .await
            .map_err(|e| WebError::Internal(e.to_string()))?;
        attachments.push(NewAttachment {
            filename,
            content_type,
            size: stored.size,
            storage_key: stored.key,
            sha256: stored.sha256,
        });
    }
    let status = if internal {
        None
    } else {
        case.status.after_public_reply(user.is_staff())
    };
    let result = state
        .store
        .add_message(
            case.id,
            user.user.id,
            internal,
            body,
            &attachments,
            status,
            Timestamp::now(),
        )
        .await;
    if result.is_err() {
        for a in &attachments {
            state.files.delete(&a.storage_key).await;
        }
    }
    Ok(result?)
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

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    Form(f): Form<UpdateForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    if !user.is_staff() {
        return Err(WebError::Forbidden);
    }
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
    let handler = match &f.handler {
        Some(h) => Some(opt_id("handler", h)?),
        None => None,
    };
    let version = opt_id("version", &f.version)?;
    let changes = casework::agent_changes(&case, status, priority, handler, version)?;
    state
        .store
        .update_case(case.id, user.user.id, &changes, Timestamp::now())
        .await?;
    Ok(Redirect::to(&format!("/cases/{}", case.number)).into_response())
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
    reopen: bool,
) -> Result<Response, WebError> {
    user.check_csrf(csrf)?;
    let case = readable_case(state, user.actor(), number).await?;
    if case.requester_id != user.user.id {
        return Err(WebError::Forbidden);
    }
    let to = if reopen {
        case.status
            .requester_reopen(casework::within_reopen_window(state, &case))
    } else {
        case.status.requester_confirm()
    }
    .map_err(casework::transition_error)?;
    let changes = skranke_store::CaseChanges {
        status: Some(to),
        ..Default::default()
    };
    state
        .store
        .update_case(case.id, user.user.id, &changes, Timestamp::now())
        .await?;
    Ok(Redirect::to(&format!("/cases/{}", case.number)).into_response())
}

pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    requester_transition(&state, &user, &number, &f.csrf, false).await
}

pub async fn reopen(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    requester_transition(&state, &user, &number, &f.csrf, true).await
}

/// Serves an attachment as a download, never for the browser to render.
pub async fn attachment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let (a, requester) = state.store.attachment(id).await?;
    if !user.actor().may_read_case(requester) || (a.internal && !user.is_staff()) {
        return Err(WebError::NotFound);
    }
    let bytes = state
        .files
        .get(&a.storage_key)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let ascii: String = a
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = a
        .filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'".to_owned(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
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
    Path(number): Path<String>,
    Form(f): Form<DeadlineForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    if !user.is_staff() {
        return Err(WebError::Forbidden);
    }
    let case = readable_case(&state, user.actor(), &number).await?;
    let result = async {
        let deadline = casework::parse_deadline(&state, &f.deadline)?;
        casework::set_agreed_deadline(
            &state,
            &user.user,
            &case,
            deadline,
            &f.reason,
            opt_id("version", &f.version)?,
        )
        .await
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{}", case.number)).into_response()),
        Err(e @ WebError::Invalid { .. }) => {
            let page = case_page(&state, &user, case, Some(e.message())).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}
