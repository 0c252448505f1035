//! What the portal, phone intake and the API share when they act on cases:
//! registration, and every change through the one rule in
//! `skranke_core::change`.

use crate::AppState;
use crate::error::{WebError, unknown_as};
use crate::texts;
use jiff::Timestamp;
use sha2::{Digest, Sha256};
use skranke_core::case::ValidationError;
use skranke_core::change::{Candidate, Change, Person, Rules};
use skranke_core::{Actor, NewCaseInput};
use skranke_store::{
    BasedOn, Case, ChangeCase, Changed, CreateCase, IdempotencyKey, NewAttachment, Registered, User,
};

pub fn validation_error(errors: &[ValidationError]) -> WebError {
    let first = &errors[0];
    WebError::invalid_msg(first.field, texts::validation_msg(first.field, first.code))
}

/// Where a case or a change comes from, beside who makes it: the
/// request's idempotency key, and the inbound mail it is made of.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub idempotency: Option<IdempotencyKey>,
    pub mail: Option<i64>,
}

impl Source {
    pub fn keyed(idempotency: Option<IdempotencyKey>) -> Source {
        Source {
            idempotency,
            mail: None,
        }
    }
}

/// Registers a case for `requester`, entered by `creator` (the requester
/// themself, or an agent on the phone), with the report's files (stored
/// already; removed again if the case is not registered, or was by an
/// earlier request) and the people `copied` (each `change::copyable`).
/// `input` comes from `validate`. Pupils and guardians are refused before
/// anything is written.
pub async fn register(
    state: &AppState,
    creator: &User,
    requester: &User,
    mut input: NewCaseInput,
    attachments: Vec<NewAttachment>,
    copied: Vec<Person>,
    source: Source,
) -> Result<Registered, WebError> {
    if let Err(e) = refuse_non_customer(requester) {
        for a in &attachments {
            state.files.delete(&a.storage_key).await;
        }
        return Err(e);
    }
    if input.requester_username.is_empty() {
        input.requester_username = requester.username.clone();
    }
    let now = Timestamp::now();
    let year = now.to_zoned_datetime(state.hours.tz.clone()).year();
    let keys: Vec<String> = attachments.iter().map(|a| a.storage_key.clone()).collect();
    let create = CreateCase {
        input,
        requester_id: requester.id,
        created_by: creator.id,
        year,
        now,
        idempotency: source.idempotency,
        attachments,
        from_mail: source.mail,
        copied,
    };
    let result = state.store.create_case(create).await;
    if result.as_ref().map_or(true, |r| r.replayed) {
        for k in &keys {
            state.files.delete(k).await;
        }
    } else {
        // The receipt (and the handler's notice) is queued: send it now.
        state.mail_wake.notify_one();
    }
    Ok(result?)
}

pub fn refuse_non_customer(requester: &User) -> Result<(), WebError> {
    if requester.kind.is_customer() {
        Ok(())
    } else {
        Err(WebError::Refused(crate::i18n::Msg::new(
            "error-not-customer",
        )))
    }
}

/// A proposed handler, by user id: unknown ids name the field.
pub async fn candidate(state: &AppState, id: i64) -> Result<Candidate, WebError> {
    let u = state
        .store
        .user(id)
        .await
        .map_err(|e| unknown_as("handler", e))?;
    Ok(candidate_of(u))
}

pub fn candidate_of(u: User) -> Candidate {
    Candidate {
        person: Person {
            id: u.id,
            name: u.full_name,
        },
        kind: u.kind,
        active: u.active,
        team: u.team_id,
    }
}

/// Applies a change to a case as `skranke_core::change::decide` rules,
/// with its files (stored already), in one transaction. The files are
/// removed again if the change is refused or not committed.
pub async fn apply(
    state: &AppState,
    actor: Actor,
    case: &Case,
    change: Change,
    based_on: BasedOn,
    attachments: &[NewAttachment],
    source: Source,
) -> Result<Changed, WebError> {
    let result = state
        .store
        .change_case(
            ChangeCase {
                case_id: case.id,
                actor,
                change,
                based_on,
                attachments,
                now: Timestamp::now(),
                idempotency: source.idempotency,
                from_mail: source.mail,
            },
            &Rules::from_config(&state.config),
        )
        .await;
    // Files the change did not keep: refused, or sent again (the first
    // request's files are the ones kept).
    if result.as_ref().map_or(true, |c| c.replayed) {
        for a in attachments {
            state.files.delete(&a.storage_key).await;
        }
    } else {
        state.mail_wake.notify_one();
    }
    Ok(result?)
}

/// Copies the customer with this e-mail address on the case (registered
/// first if new and their domain is an organisation's).
pub async fn copy_by_address(
    state: &AppState,
    actor: Actor,
    case: &Case,
    email: &str,
) -> Result<Changed, WebError> {
    // Asked before anyone is registered from the address.
    if !skranke_core::change::may_copy(&case.state(Vec::new()), actor) {
        return Err(WebError::Forbidden);
    }
    let address = skranke_core::mail::address(email)
        .ok_or_else(|| WebError::invalid("email", "error-email"))?;
    let user = crate::inbound::customer_by_address(state, &address, None)
        .await?
        .ok_or_else(|| WebError::invalid("email", "error-no-customer"))?;
    let change = Change::Copy(candidate_of(user));
    apply(
        state,
        actor,
        case,
        change,
        BasedOn::Latest,
        &[],
        Source::default(),
    )
    .await
}

/// Longest idempotency key, in characters.
pub const IDEMPOTENCY_KEY_MAX: usize = 255;

/// An idempotency key from a client (`Idempotency-Key`, or a form's
/// one-time token) and a digest of what it asks for.
pub fn idempotency_key(
    field: &str,
    user_id: i64,
    key: &str,
    request: &[&[u8]],
) -> Result<IdempotencyKey, WebError> {
    if key.is_empty()
        || key.len() > IDEMPOTENCY_KEY_MAX
        || !key.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(WebError::invalid_msg(
            field,
            texts::about(field, "error-idempotency-key").arg("max", IDEMPOTENCY_KEY_MAX),
        ));
    }
    let mut digest = Sha256::new();
    for part in request {
        digest.update((part.len() as u64).to_be_bytes());
        digest.update(part);
    }
    Ok(IdempotencyKey {
        user_id,
        key: key.to_owned(),
        fingerprint: hex::encode(digest.finalize()),
    })
}

/// A deadline typed in a form, in local time ("02.12.2026 10:15") or RFC 3339.
pub fn parse_deadline(state: &AppState, field: &str, text: &str) -> Result<Timestamp, WebError> {
    if text.trim().is_empty() {
        return Err(WebError::invalid(field, "error-required"));
    }
    texts::parse_datetime_input(text, &state.hours.tz).ok_or_else(|| {
        WebError::invalid_msg(
            field,
            texts::about(field, "error-datetime").arg(
                "example",
                texts::datetime_input(Timestamp::now().as_millisecond()),
            ),
        )
    })
}
