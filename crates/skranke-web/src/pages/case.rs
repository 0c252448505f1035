//! The case page and what is done on it: replies and notes, the agent's
//! handling (status, priority, handler, agreed deadline), and the
//! requester's confirmation or reopening. A refused change shows the page
//! again with what was typed and the reason at its field.

use super::{CsrfForm, Form, PagePath, opt_id};
use crate::AppState;
use crate::access::{readable_attachment, readable_case, readable_mail};
use crate::auth::CurrentUser;
use crate::casework::{self, Source};
use crate::error::WebError;
use crate::files::{self, FormFile};
use crate::i18n::Msg;
use crate::texts::{self, Label};
use crate::views::{
    AttachmentView, CasePage, Conflict, FormErrors, Local, MessageView, Nav, ReplyForm,
    clock_views, history_text, priority_infos, requester_deadlines,
};
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use skranke_core::change::{self, Change, NewMessage, Rules, Update};
use skranke_core::{Priority, Status};
use skranke_store::{BasedOn, Case};

/// What the page shows again after a refusal.
#[derive(Default)]
pub struct Again {
    pub reply: ReplyForm,
    pub edit_errors: FormErrors,
    pub conflict: Option<Conflict>,
    pub reopen_reason: String,
    pub reopen_errors: FormErrors,
    /// Why the case could not be reopened (its status, not the text).
    pub reopen_refused: Option<String>,
    pub follow_up: bool,
    pub deadline: Option<String>,
    pub deadline_reason: String,
    /// What the handling forms had chosen (status, priority, handler keys).
    pub chosen: Chosen,
    pub copy_email: String,
    pub copy_errors: FormErrors,
}

/// An edit's choices as sent, shown again when it is refused.
#[derive(Default)]
pub struct Chosen {
    pub status: Option<String>,
    pub priority: Option<String>,
    pub handler: Option<String>,
}

/// The statuses a reply may set at once, in the order the buttons show.
const REPLY_STATUSES: [Status; 5] = [
    Status::WaitingCustomer,
    Status::Resolved,
    Status::InProgress,
    Status::WaitingSupplier,
    Status::Closed,
];

pub async fn case_page(
    state: &AppState,
    user: &CurrentUser,
    case: Case,
    again: Again,
) -> Result<CasePage, WebError> {
    let staff = user.is_staff();
    let (messages, attachments, seen_at, mails, copied) = tokio::try_join!(
        state.store.messages(case.id, staff),
        state.store.attachments(case.id, staff),
        state.store.seen_at(user.user.id, case.id),
        state.store.mail_of_case(case.id),
        state.store.copied(case.id)
    )?;
    let mails = mails
        .iter()
        .map(|m| crate::views::MailView {
            id: m.id,
            name: files::mail_filename(m.id),
            size: texts::size(m.size),
            received: texts::datetime_short(m.received_at),
        })
        .collect();
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
    // The requester or someone copied: whoever reads it from the customer's side.
    let own = !staff;
    let seen = seen_at.unwrap_or(0);
    let messages: Vec<MessageView> = messages
        .into_iter()
        .map(|m| MessageView {
            attachments: attachments
                .iter()
                .filter(|a| a.message_id == Some(m.id))
                .map(AttachmentView::of)
                .collect(),
            // What the desk wrote since the requester last looked.
            new: own && m.author_id != user.user.id && m.created_at > seen,
            message: m,
        })
        .collect();
    if own && (messages.iter().any(|m| m.new) || seen_at.is_none()) {
        state
            .store
            .mark_case_seen(user.user.id, case.id, now)
            .await?;
    }
    let case_attachments = attachments
        .iter()
        .filter(|a| a.message_id.is_none())
        .map(AttachmentView::of)
        .collect();
    let rules = Rules::from_config(&state.config);
    let case_state = case.state(
        copied
            .iter()
            .map(|c| change::Person {
                id: c.id,
                name: c.full_name.clone(),
            })
            .collect(),
    );
    let may = |change| change::allowed(&case_state, user.actor(), change, &rules, now);
    let copied = copied
        .into_iter()
        .map(|c| crate::views::CopiedView {
            may_remove: may(Change::Uncopy(c.id)),
            id: c.id,
            name: c.full_name,
            email: c.email,
        })
        .collect();
    let may_copy = change::may_copy(&case_state, user.actor());
    let reopen = Change::Reopen { reason: "-".into() };
    let reply_statuses = if staff {
        REPLY_STATUSES
            .into_iter()
            .filter(|s| *s != case.status && case.status.agent_transition(*s).is_ok())
            .collect()
    } else {
        Vec::new()
    };
    let deadline = again.deadline.unwrap_or_else(|| {
        let tomorrow = now + jiff::SignedDuration::from_hours(24);
        texts::datetime_input(tomorrow.as_millisecond())
    });
    let chosen = crate::views::ChosenView {
        status: (again.chosen.status)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| case.status.key().to_owned()),
        priority: (again.chosen.priority)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| case.priority.key().to_owned()),
        handler: (again.chosen.handler)
            .unwrap_or_else(|| case.handler_id.map(|h| h.to_string()).unwrap_or_default()),
    };
    let sla = state.store.sla();
    let (op_linked, op_open) = super::status::of_case(state, case.id, &user.user).await?;
    Ok(CasePage {
        op_linked,
        op_open,
        chosen,
        clocks: clock_views(&case, sla, now),
        expectations: if staff {
            Vec::new()
        } else {
            requester_deadlines(&case, now)
        },
        escalations,
        paused: texts::span(
            sla.policy
                .calendar(sla.policy.terms(case.priority).resolution.calendar)
                .span(crate::views::paused_until_now(&case, sla, now)),
        ),
        nav: Nav::of(user),
        may_confirm: may(Change::Confirm),
        may_reopen: may(reopen),
        copied,
        may_copy,
        copy_email: again.copy_email,
        copy_errors: again.copy_errors,
        reply_statuses,
        messages,
        case_attachments,
        mails,
        history,
        agents,
        priorities: priority_infos(&state.config),
        statuses: Status::ALL.to_vec(),
        reply: again.reply,
        edit_errors: again.edit_errors,
        conflict: again.conflict,
        reopen_reason: again.reopen_reason,
        reopen_errors: again.reopen_errors,
        reopen_refused: again.reopen_refused,
        form_token: crate::auth::generate_token(),
        follow_up: again.follow_up,
        max_attachment_bytes: state.config.cases.max_attachment_bytes,
        deadline,
        deadline_reason: again.deadline_reason,
        case,
    })
}

fn answer(status: StatusCode, page: CasePage) -> Response {
    (status, page).into_response()
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(number): PagePath<String>,
) -> Result<CasePage, WebError> {
    let case = readable_case(&state, user.actor(), &number).await?;
    case_page(&state, &user, case, Again::default()).await
}

/// A multipart reply: the text, the internal flag, the status the pressed
/// button sets, the closed-case confirmation and the files.
#[derive(Default)]
struct Reply {
    csrf: String,
    /// The form's one-time token: a double click sends one message.
    form_token: String,
    body: String,
    internal: bool,
    status: String,
    confirm_closed: bool,
    files: Vec<files::Upload>,
    too_big: Vec<String>,
}

async fn read_reply(mut mp: Multipart, max_file: usize) -> Result<Reply, WebError> {
    let mut r = Reply::default();
    while let Some(field) = mp.next_field().await.map_err(files::multipart_error)? {
        match field.name().unwrap_or("") {
            "csrf" => r.csrf = files::text(field).await?,
            "form_token" => r.form_token = files::text(field).await?,
            "body" => r.body = files::text(field).await?,
            "internal" => r.internal = files::text(field).await? == "on",
            "status" => r.status = files::text(field).await?,
            "confirm_closed" => r.confirm_closed = files::text(field).await? == "yes",
            "attachment" => match files::form_file(field, max_file).await? {
                FormFile::None => {}
                FormFile::File(u) => r.files.push(u),
                FormFile::TooBig { name } => r.too_big.push(name),
            },
            _ => {}
        }
    }
    Ok(r)
}

fn parse_status(field: &str, s: &str) -> Result<Option<Status>, WebError> {
    match s {
        "" => Ok(None),
        s => s
            .parse::<Status>()
            .map(Some)
            .map_err(|_| WebError::invalid(field, "error-invalid-choice")),
    }
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
    let status = parse_status("status", &reply.status)?;
    let mut form = ReplyForm {
        body: reply.body.clone(),
        internal: reply.internal,
        errors: FormErrors::new("reply-"),
        ask_closed: false,
        status: reply.status.clone(),
    };
    if !reply.too_big.is_empty() {
        for name in &reply.too_big {
            form.errors.add(
                "attachment",
                &files::too_big_msg(name, state.config.cases.max_attachment_bytes),
            );
        }
        let again = Again {
            reply: form,
            ..Again::default()
        };
        let page = case_page(&state, &user, case, again).await?;
        return Ok(answer(StatusCode::UNPROCESSABLE_ENTITY, page));
    }
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
        confirm_closed: reply.confirm_closed,
    });
    let before = case.status;
    match casework::apply(
        &state,
        user.actor(),
        &case,
        change,
        BasedOn::Latest,
        &attachments,
        Source::keyed(idem),
    )
    .await
    {
        Ok(changed) => {
            let after = changed.case.status;
            let msg = if !user.is_staff() {
                if before.is_finished() && after.is_open() {
                    Msg::new("flash-message-reopened")
                } else {
                    Msg::new("flash-message-sent")
                }
            } else if reply.internal {
                Msg::new("flash-note-saved")
            } else if before != after {
                Msg::new("flash-reply-status").arg("status", after.label_msg())
            } else {
                Msg::new("flash-reply-sent")
            };
            user.confirm(&state, msg).await;
            Ok(Redirect::to(&format!("/cases/{}#conversation", case.number)).into_response())
        }
        Err(e @ (WebError::Invalid { .. } | WebError::Conflict { .. })) => {
            let closed_reply = matches!(
                &e,
                WebError::Conflict { msg, .. } if msg.key == "error-closed-reply"
            );
            let follow_up = matches!(&e, WebError::Conflict { .. }) && !user.is_staff();
            form.ask_closed = closed_reply;
            if !closed_reply {
                let field = match e.field_name() {
                    Some("internal") => "internal",
                    _ => "body",
                };
                form.errors.add(field, &e.msg());
            }
            let again = Again {
                reply: form,
                follow_up,
                ..Again::default()
            };
            let status = e.status();
            let page = case_page(&state, &user, case, again).await?;
            Ok(answer(status, page))
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

/// What an agent's edit did, in a sentence.
fn edit_confirmation(before: &Case, after: &Case) -> Msg {
    if before.handler_id != after.handler_id {
        return match &after.handler_name {
            Some(h) => Msg::new("flash-assigned").arg("handler", h.as_str()),
            None => Msg::new("flash-unassigned"),
        };
    }
    if before.priority != after.priority {
        return Msg::new("flash-priority").arg("priority", after.priority.label_msg());
    }
    if !before.priority_confirmed && after.priority_confirmed {
        return Msg::new("flash-priority-confirmed").arg("priority", after.priority.label_msg());
    }
    if before.status != after.status {
        return Msg::new("flash-status").arg("status", after.status.label_msg());
    }
    if before.agreed_deadline != after.agreed_deadline
        && let Some(d) = after.agreed_deadline
    {
        return Msg::new("flash-deadline").arg("when", d.long());
    }
    Msg::new("flash-unchanged")
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(number): PagePath<String>,
    Form(f): Form<UpdateForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let case = readable_case(&state, user.actor(), &number).await?;
    let fields = async {
        let status = parse_status("status", &f.status)?;
        let priority = match f.priority.as_str() {
            "" => None,
            p => Some(
                p.parse::<Priority>()
                    .map_err(|_| WebError::invalid("priority", "error-invalid-choice"))?,
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
        Ok(Change::Update(Update {
            status,
            priority,
            handler,
            agreed_deadline: None,
        }))
    }
    .await;
    let again = || Again {
        chosen: Chosen {
            status: Some(f.status.clone()),
            priority: Some(f.priority.clone()),
            handler: f.handler.clone(),
        },
        ..Again::default()
    };
    match fields {
        Ok(change) => edit(&state, &user, case, change, &f.version, again()).await,
        Err(e) => refused_edit(&state, &user, case, e, again()).await,
    }
}

/// Applies an agent's edit; a refusal is shown at the handling forms,
/// with what changed meanwhile when the case moved on under the form.
async fn edit(
    state: &AppState,
    user: &CurrentUser,
    case: Case,
    change: Change,
    version: &str,
    again: Again,
) -> Result<Response, WebError> {
    let result = async {
        let version = form_version(version)?;
        casework::apply(
            state,
            user.actor(),
            &case,
            change,
            version,
            &[],
            Source::default(),
        )
        .await
    }
    .await;
    match result {
        Ok(changed) => {
            user.confirm(state, edit_confirmation(&case, &changed.case))
                .await;
            Ok(Redirect::to(&format!("/cases/{}", case.number)).into_response())
        }
        Err(e) => {
            let mut again = again;
            if matches!(&e, WebError::Conflict { field, .. } if field == "version") {
                let seen = version.trim().parse::<i64>().unwrap_or(i64::MAX);
                let changes = state
                    .store
                    .history_since(case.id, seen)
                    .await?
                    .iter()
                    .map(|h| {
                        Msg::new("changed-meanwhile-line")
                            .arg("at", h.at.local())
                            .arg(
                                "actor",
                                h.actor_name
                                    .clone()
                                    .unwrap_or_else(|| crate::i18n::t("system")),
                            )
                            .arg("change", history_text(h))
                            .text()
                    })
                    .collect();
                again.conflict = Some(Conflict { changes });
            }
            // The page shows the case as it is now.
            let case = state.store.case_by_number(&case.number).await?;
            refused_edit(state, user, case, e, again).await
        }
    }
}

async fn refused_edit(
    state: &AppState,
    user: &CurrentUser,
    case: Case,
    e: WebError,
    mut again: Again,
) -> Result<Response, WebError> {
    if !matches!(e, WebError::Invalid { .. } | WebError::Conflict { .. }) {
        return Err(e);
    }
    let field = match e.field_name() {
        Some("agreed_deadline") => "deadline",
        Some("agreed_deadline_reason") => "reason",
        Some(f @ ("priority" | "handler" | "status" | "version")) => f,
        _ => "status",
    };
    if again.conflict.is_none() || field != "version" {
        again.edit_errors = FormErrors::new("edit-");
        again.edit_errors.add(field, &e.msg());
    }
    let status = e.status();
    let page = case_page(state, user, case, again).await?;
    Ok(answer(status, page))
}

pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(number): PagePath<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let case = readable_case(&state, user.actor(), &number).await?;
    casework::apply(
        &state,
        user.actor(),
        &case,
        Change::Confirm,
        BasedOn::Latest,
        &[],
        Source::default(),
    )
    .await?;
    user.confirm(&state, Msg::new("flash-confirmed")).await;
    Ok(Redirect::to(&format!("/cases/{}", case.number)).into_response())
}

#[derive(Deserialize)]
pub struct CopyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

/// Copies someone on the case by their e-mail address.
pub async fn copy(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(number): PagePath<String>,
    Form(f): Form<CopyForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let case = readable_case(&state, user.actor(), &number).await?;
    match casework::copy_by_address(&state, user.actor(), &case, &f.email).await {
        Ok(changed) => {
            let name = state
                .store
                .copied(changed.case.id)
                .await?
                .into_iter()
                .find(|c| c.email.eq_ignore_ascii_case(f.email.trim()))
                .map_or_else(|| f.email.trim().to_owned(), |c| c.full_name);
            user.confirm(&state, Msg::new("flash-copied").arg("name", name))
                .await;
            Ok(Redirect::to(&format!("/cases/{}#copied-heading", case.number)).into_response())
        }
        Err(e @ WebError::Invalid { .. }) => {
            let again = Again {
                copy_errors: FormErrors::of("copy-", "email", &e.msg()),
                copy_email: f.email,
                ..Again::default()
            };
            let page = case_page(&state, &user, case, again).await?;
            Ok(answer(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e),
    }
}

/// Stops copying someone on the case.
pub async fn uncopy(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath((number, user_id)): PagePath<(String, i64)>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let case = readable_case(&state, user.actor(), &number).await?;
    let name = state
        .store
        .copied(case.id)
        .await?
        .into_iter()
        .find(|c| c.id == user_id)
        .map(|c| c.full_name)
        .ok_or(WebError::NotFound)?;
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
    user.confirm(&state, Msg::new("flash-uncopied").arg("name", name))
        .await;
    // One who removed themself may no longer read the case.
    let back = if readable_case(&state, user.actor(), &number).await.is_ok() {
        format!("/cases/{}#copied-heading", case.number)
    } else {
        "/".to_owned()
    };
    Ok(Redirect::to(&back).into_response())
}

#[derive(Deserialize)]
pub struct ReopenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// The requester reopens a finished case, saying why.
pub async fn reopen(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(number): PagePath<String>,
    Form(f): Form<ReopenForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let case = readable_case(&state, user.actor(), &number).await?;
    let change = Change::Reopen {
        reason: f.reason.clone(),
    };
    match casework::apply(
        &state,
        user.actor(),
        &case,
        change,
        BasedOn::Latest,
        &[],
        Source::default(),
    )
    .await
    {
        Ok(_) => {
            user.confirm(&state, Msg::new("flash-reopened")).await;
            Ok(Redirect::to(&format!("/cases/{}", case.number)).into_response())
        }
        Err(e @ (WebError::Invalid { .. } | WebError::Conflict { .. })) => {
            let refused = matches!(e, WebError::Conflict { .. });
            let again = Again {
                reply: ReplyForm {
                    // What a new report following this one would start from.
                    body: f.reason.clone(),
                    ..ReplyForm::default()
                },
                reopen_reason: f.reason,
                reopen_errors: if refused {
                    FormErrors::new("reopen-")
                } else {
                    FormErrors::of("reopen-", "reason", &e.msg())
                },
                reopen_refused: refused.then(|| e.message()),
                follow_up: refused,
                ..Again::default()
            };
            let status = e.status();
            let page = case_page(&state, &user, case, again).await?;
            Ok(answer(status, page))
        }
        Err(e) => Err(e),
    }
}

/// An attachment: an image inline, anything else as a download.
pub async fn attachment(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(id): PagePath<i64>,
) -> Result<Response, WebError> {
    let a = readable_attachment(&state, user.actor(), id).await?;
    files::download(state.files.as_ref(), &a).await
}

/// A case's e-mail as it came, to download.
pub async fn original_mail(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(id): PagePath<i64>,
) -> Result<Response, WebError> {
    let m = readable_mail(&state, user.actor(), id).await?;
    files::download_mail(state.files.as_ref(), &m).await
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
    let again = Again {
        deadline: Some(f.deadline.clone()),
        deadline_reason: f.reason.clone(),
        ..Again::default()
    };
    let deadline = match casework::parse_deadline(&state, "agreed_deadline", &f.deadline) {
        Ok(d) => d,
        Err(e) => return refused_edit(&state, &user, case, e, again).await,
    };
    let change = Change::Update(Update {
        agreed_deadline: Some((deadline, f.reason.clone())),
        ..Update::default()
    });
    edit(&state, &user, case, change, &f.version, again).await
}
