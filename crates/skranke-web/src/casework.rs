//! What the portal, phone intake and the API share when they act on cases:
//! the checks that come before the store is asked to write.

use crate::AppState;
use crate::error::WebError;
use crate::texts;
use jiff::{SignedDuration, Timestamp};
use skranke_core::case::{MESSAGE_MAX, ValidationError, check_text};
use skranke_core::status::TransitionError;
use skranke_core::{NewCaseInput, Priority, Status};
use skranke_store::{Case, CaseChanges, CreateCase, User};

pub fn validation_error(errors: &[ValidationError]) -> WebError {
    let first = &errors[0];
    WebError::invalid(first.field, texts::validation_message(first.code))
}

pub fn validation_messages(errors: &[ValidationError]) -> Vec<String> {
    errors
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                texts::field_label(e.field),
                texts::validation_message(e.code)
            )
        })
        .collect()
}

/// Registers a case for `requester`, entered by `creator` (the requester
/// themself, or an agent on the phone). `input` comes from `validate`.
/// Pupils and guardians are refused before anything is written.
pub async fn register(
    state: &AppState,
    creator: &User,
    requester: &User,
    mut input: NewCaseInput,
) -> Result<Case, WebError> {
    refuse_non_customer(requester)?;
    if input.requester_username.is_empty() {
        input.requester_username = requester.username.clone();
    }
    let now = Timestamp::now();
    let year = now.to_zoned_datetime(state.hours.tz.clone()).year();
    let create = CreateCase {
        input,
        requester_id: requester.id,
        created_by: creator.id,
        year,
        now,
    };
    Ok(state.store.create_case(create).await?)
}

pub fn refuse_non_customer(requester: &User) -> Result<(), WebError> {
    if requester.kind.is_customer() {
        Ok(())
    } else {
        Err(WebError::Refused(texts::NOT_CUSTOMER))
    }
}

pub fn check_body(body: &str, required: bool) -> Result<(), WebError> {
    let mut errors = Vec::new();
    check_text("body", body, required, MESSAGE_MAX, &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(validation_error(&errors))
    }
}

pub fn transition_error(e: TransitionError) -> WebError {
    let message = match e {
        TransitionError::Unchanged(_) => "saken har allerede denne statusen.",
        TransitionError::BackToNew => "en sak kan ikke settes tilbake til «Ny».",
        TransitionError::NotResolved => "bare en løst sak kan bekreftes.",
        TransitionError::NotFinished => "bare en løst eller lukket sak kan gjenåpnes.",
        TransitionError::ReopenWindowPassed => texts::REOPEN_WINDOW_PASSED,
    };
    WebError::Conflict {
        field: "status".into(),
        message: message.into(),
    }
}

/// An agent's changes, checked against the domain's transition rules.
pub fn agent_changes(
    case: &Case,
    status: Option<Status>,
    priority: Option<Priority>,
    handler: Option<Option<i64>>,
    expected_version: Option<i64>,
) -> Result<CaseChanges, WebError> {
    let status = match status.filter(|s| *s != case.status) {
        Some(s) => Some(case.status.agent_transition(s).map_err(transition_error)?),
        None => None,
    };
    Ok(CaseChanges {
        expected_version,
        status,
        priority,
        handler,
    })
}

/// Whether the requester may still reopen this finished case.
pub fn within_reopen_window(state: &AppState, case: &Case) -> bool {
    let days = i64::from(state.config.cases.reopen_window_days);
    case.resolved_at.is_some_and(|at| {
        skranke_store::from_ms(at) + SignedDuration::from_hours(24 * days) > Timestamp::now()
    })
}

/// A deadline typed in a form: local time (`2026-12-01T10:00`) or RFC 3339.
pub fn parse_deadline(state: &AppState, text: &str) -> Result<Timestamp, WebError> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts);
    }
    let dt: jiff::civil::DateTime = text
        .parse()
        .map_err(|_| WebError::invalid("deadline", "er ikke et gyldig tidspunkt."))?;
    state
        .hours
        .tz
        .to_timestamp(dt)
        .map_err(|_| WebError::invalid("deadline", "er ikke et gyldig tidspunkt."))
}

/// Sets an agreed deadline after checking it: a reason is required, and the
/// deadline may not lie before the moment it is set.
pub async fn set_agreed_deadline(
    state: &AppState,
    actor: &User,
    case: &Case,
    deadline: Timestamp,
    reason: &str,
    expected_version: Option<i64>,
) -> Result<Case, WebError> {
    let reason = reason.trim();
    let mut errors = Vec::new();
    check_text("reason", reason, true, 500, &mut errors);
    if !errors.is_empty() {
        return Err(validation_error(&errors));
    }
    let now = Timestamp::now();
    // Whole seconds, as the SLA engine counts.
    if deadline.as_second() < now.as_second() {
        return Err(WebError::invalid("deadline", "kan ikke ligge før nå."));
    }
    Ok(state
        .store
        .set_agreed_deadline(case.id, actor.id, deadline, reason, expected_version, now)
        .await?)
}
