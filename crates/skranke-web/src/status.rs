//! What the status pages, the desk's message pages and the API share:
//! reading the service status and the operational messages as a reader
//! may see them, and every change to a message, through the rules in
//! `skranke_core::operational`.

use crate::AppState;
use crate::casework::{self, validation_error};
use crate::error::WebError;
use crate::i18n::Msg;
use jiff::Timestamp;
use skranke_core::Actor;
use skranke_core::Status;
use skranke_core::change::{Change, NewMessage};
use skranke_core::operational::{self, Follows, OpInput, OpPatch, OpState, Reader, ServiceStatus};
use skranke_store::{BasedOn, Case, EditOpMessage, NewOpMessage, OpRecord, Service, User};

/// Who reads: staff, a customer of an organisation, or nobody logged in.
pub fn reader_of(user: Option<&User>) -> Reader {
    user.map_or(Reader::Public, |u| Reader::of(u.kind, u.org_id))
}

/// One service and how it is now.
pub struct ServiceLine {
    pub service: Service,
    pub status: ServiceStatus,
    /// An active message on it has passed its expected end.
    pub overdue: bool,
}

/// The status board: every service, and the messages active and ahead.
pub struct Board {
    pub services: Vec<ServiceLine>,
    pub active: Vec<OpRecord>,
    pub upcoming: Vec<OpRecord>,
}

pub async fn board(state: &AppState, reader: Reader, now: Timestamp) -> Result<Board, WebError> {
    let records: Vec<OpRecord> = state
        .store
        .op_messages(false)
        .await?
        .into_iter()
        .filter(|r| r.rules().visible_to(reader))
        .collect();
    let rules: Vec<_> = records.iter().map(OpRecord::rules).collect();
    let services = state
        .store
        .list_services()
        .await?
        .into_iter()
        .map(|service| ServiceLine {
            status: operational::service_status(service.id, &rules, reader, now),
            overdue: rules
                .iter()
                .any(|m| m.names_service(service.id) && m.is_overdue(now)),
            service,
        })
        .collect();
    let (mut active, mut upcoming) = (Vec::new(), Vec::new());
    for r in records {
        let m = r.rules();
        if m.is_active(now) {
            active.push(r);
        } else if m.is_upcoming(now) {
            upcoming.push(r);
        }
    }
    upcoming.sort_by_key(|r| r.row.starts_at);
    Ok(Board {
        services,
        active,
        upcoming,
    })
}

/// A catalog service's id, by its key, and its status now as the reader
/// sees it (the catalog page and the API's service share this).
pub async fn of_service(
    state: &AppState,
    reader: Reader,
    key: &str,
) -> Result<(i64, ServiceStatus), WebError> {
    let id = state
        .store
        .catalog_entries()
        .await?
        .into_iter()
        .find(|e| e.key.as_deref() == Some(key))
        .map(|e| e.id)
        .ok_or(WebError::NotFound)?;
    let rules: Vec<_> = list(state, reader, false)
        .await?
        .iter()
        .map(OpRecord::rules)
        .collect();
    let now = Timestamp::now();
    Ok((id, operational::service_status(id, &rules, reader, now)))
}

/// A message the reader may see; any other is "not found".
pub async fn visible(state: &AppState, reader: Reader, id: i64) -> Result<OpRecord, WebError> {
    match state.store.op_message(id).await {
        Ok(r) if r.rules().visible_to(reader) => Ok(r),
        Ok(_) | Err(skranke_store::StoreError::NotFound) => Err(WebError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// Every message the reader may see, newest first.
pub async fn list(
    state: &AppState,
    reader: Reader,
    with_resolved: bool,
) -> Result<Vec<OpRecord>, WebError> {
    Ok(state
        .store
        .op_messages(with_resolved)
        .await?
        .into_iter()
        .filter(|r| r.rules().visible_to(reader))
        .collect())
}

fn may_write(actor: Actor) -> Result<(), WebError> {
    if operational::may_write(actor) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// Publishes (or drafts) a message; one made from a case is linked to it.
pub async fn create(
    state: &AppState,
    actor: Actor,
    input: OpInput,
    from_case: Option<&Case>,
) -> Result<i64, WebError> {
    may_write(actor)?;
    let now = Timestamp::now();
    let (fields, op_state) = operational::create(input, now).map_err(|e| validation_error(&e))?;
    let id = state
        .store
        .create_op_message(&NewOpMessage {
            fields,
            state: op_state,
            actor_id: actor.user_id,
            from_case: from_case.map(|c| c.id),
            now,
        })
        .await?;
    state.mail_wake.notify_one();
    Ok(id)
}

/// Edits a message as it was at `version` (the one the editor saw).
pub async fn edit(
    state: &AppState,
    actor: Actor,
    id: i64,
    version: Option<i64>,
    patch: OpPatch,
    note: &str,
) -> Result<OpRecord, WebError> {
    may_write(actor)?;
    let record = visible(state, Reader::Staff, id).await?;
    let version = version.ok_or(WebError::PreconditionRequired)?;
    if version != record.row.version {
        return Err(stale());
    }
    let note = operational::update_body(note).or_else(|e| {
        if note.trim().is_empty() {
            Ok(String::new())
        } else {
            Err(e)
        }
    });
    let note = note.map_err(|e| validation_error(&e))?;
    let now = Timestamp::now();
    let (after, diff) =
        operational::edit(&record.rules(), patch, now).map_err(|e| validation_error(&e))?;
    if !diff.is_empty() {
        state
            .store
            .edit_op_message(&EditOpMessage {
                after: &after,
                diff: &diff,
                version,
                actor_id: actor.user_id,
                note: &note,
                now,
            })
            .await
            .map_err(|e| match e {
                skranke_store::StoreError::Conflict("version") => stale(),
                e => e.into(),
            })?;
        state.mail_wake.notify_one();
    }
    Ok(state.store.op_message(id).await?)
}

fn stale() -> WebError {
    WebError::conflict("version", Msg::new("error-op-changed"))
}

/// A public update of a message; with `state`, the update says why it
/// changed (resolved, say).
pub async fn add_update(
    state: &AppState,
    actor: Actor,
    id: i64,
    body: &str,
    new_state: Option<OpState>,
) -> Result<OpRecord, WebError> {
    may_write(actor)?;
    let body = operational::update_body(body).map_err(|e| validation_error(&e))?;
    let record = visible(state, Reader::Staff, id).await?;
    let now = Timestamp::now();
    match new_state.filter(|s| *s != record.rules().state_at(now)) {
        Some(s) => {
            edit(
                state,
                actor,
                id,
                Some(record.row.version),
                OpPatch {
                    state: Some(s),
                    ..OpPatch::default()
                },
                &body,
            )
            .await
        }
        None => {
            state
                .store
                .add_op_update(&record.rules(), actor.user_id, &body, now)
                .await?;
            state.mail_wake.notify_one();
            Ok(state.store.op_message(id).await?)
        }
    }
}

/// Links a case to a message (staff only; the case by its number).
pub async fn link_case(
    state: &AppState,
    actor: Actor,
    id: i64,
    number: &str,
) -> Result<Case, WebError> {
    may_write(actor)?;
    visible(state, Reader::Staff, id).await?;
    let case = crate::access::readable_case(state, actor, number.trim())
        .await
        .map_err(|_| WebError::invalid("case", "error-unknown"))?;
    state
        .store
        .link_op_case(id, case.id, actor.user_id, Timestamp::now())
        .await?;
    Ok(case)
}

pub async fn unlink_case(
    state: &AppState,
    actor: Actor,
    id: i64,
    number: &str,
) -> Result<(), WebError> {
    may_write(actor)?;
    let case = crate::access::readable_case(state, actor, number).await?;
    if state
        .store
        .unlink_op_case(id, case.id, actor.user_id, Timestamp::now())
        .await?
    {
        Ok(())
    } else {
        Err(WebError::NotFound)
    }
}

/// What resolving the linked cases together did.
#[derive(Debug, Default)]
pub struct MassResolution {
    pub resolved: Vec<String>,
    /// Cases that were finished already, or refused (with why).
    pub skipped: Vec<(String, String)>,
}

/// Resolves every open case linked to the message with the same public
/// reply: one change per case, as if each were resolved by hand (its own
/// SLA clocks, history and notices).
pub async fn resolve_linked(
    state: &AppState,
    actor: Actor,
    id: i64,
    body: &str,
) -> Result<MassResolution, WebError> {
    may_write(actor)?;
    visible(state, Reader::Staff, id).await?;
    let body = operational::update_body(body).map_err(|e| validation_error(&e))?;
    let mut out = MassResolution::default();
    for case in state.store.op_cases(id).await? {
        if case.status.is_finished() {
            out.skipped
                .push((case.number.clone(), crate::i18n::t("op-case-finished")));
            continue;
        }
        let change = Change::Message(NewMessage {
            internal: false,
            body: body.clone(),
            status: Some(Status::Resolved),
            ..NewMessage::default()
        });
        match casework::apply(
            state,
            actor,
            &case,
            change,
            BasedOn::Latest,
            &[],
            casework::Source::default(),
        )
        .await
        {
            Ok(_) => out.resolved.push(case.number),
            Err(e) => out.skipped.push((case.number, e.message())),
        }
    }
    Ok(out)
}

/// A fresh secret for a subscription's unsubscribe link.
pub fn token() -> String {
    crate::auth::generate_token()
}

/// "This concerns me too": counted as affected, and told of every update.
pub async fn concerns_me(state: &AppState, user: &User, id: i64) -> Result<bool, WebError> {
    let record = visible(state, reader_of(Some(user)), id).await?;
    if !record.rules().is_active(Timestamp::now()) && !record.rules().is_upcoming(Timestamp::now())
    {
        return Err(WebError::conflict("state", Msg::new("error-op-not-open")));
    }
    Ok(state
        .store
        .mark_affected(id, user.id, &token(), Timestamp::now())
        .await?)
}

/// Follows a service or a message, for oneself or (a contact) one's organisation.
pub async fn subscribe(
    state: &AppState,
    user: &User,
    follows: Follows,
    for_org: bool,
) -> Result<i64, WebError> {
    match follows {
        Follows::Message(id) => {
            visible(state, reader_of(Some(user)), id).await?;
        }
        Follows::Service(id) => {
            if !state
                .store
                .list_services()
                .await?
                .iter()
                .any(|s| s.id == id)
            {
                return Err(WebError::invalid("service", "error-unknown"));
            }
        }
    }
    let org = if for_org {
        let Some(org) = user.org_id else {
            return Err(WebError::invalid(
                "for_organization",
                "error-not-org-contact",
            ));
        };
        if !operational::may_subscribe_for_org(
            Actor {
                user_id: user.id,
                kind: user.kind,
            },
            user.org_id,
            user.org_contact,
            org,
        ) {
            return Err(WebError::invalid(
                "for_organization",
                "error-not-org-contact",
            ));
        }
        Some(org)
    } else {
        None
    };
    Ok(state
        .store
        .subscribe(user.id, follows, org, &token(), Timestamp::now())
        .await?)
}
