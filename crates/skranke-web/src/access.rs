//! Authorization of case reads, in one place for pages and API alike.

use crate::AppState;
use crate::error::WebError;
use skranke_core::{Actor, CaseNumber};
use skranke_store::{Attachment, Case};

/// The case with this number if the actor may read it. A requester asking
/// for someone else's case gets `NotFound`, exactly as for a case that does
/// not exist, so numbers cannot be probed.
pub async fn readable_case(state: &AppState, actor: Actor, number: &str) -> Result<Case, WebError> {
    let number: CaseNumber = number.parse().map_err(|_| WebError::NotFound)?;
    let case = state.store.case_by_number(&number.to_string()).await?;
    if may_read(state, actor, case.id, case.requester_id).await? {
        Ok(case)
    } else {
        Err(WebError::NotFound)
    }
}

/// Core's rule for reading a case; who is copied is looked up only when
/// it can matter (not for staff, not for the requester).
async fn may_read(
    state: &AppState,
    actor: Actor,
    case_id: i64,
    requester_id: i64,
) -> Result<bool, WebError> {
    if actor.may_read_case(requester_id, &[]) {
        return Ok(true);
    }
    let copied = state.store.copied_ids(case_id).await?;
    Ok(actor.may_read_case(requester_id, &copied))
}

/// An attachment the actor may read: of a case they may read, and not of
/// an internal note unless they are staff. Anything else is `NotFound`.
pub async fn readable_attachment(
    state: &AppState,
    actor: Actor,
    id: i64,
) -> Result<Attachment, WebError> {
    let (a, requester) = state.store.attachment(id).await?;
    if (!a.internal || actor.kind.is_staff())
        && may_read(state, actor, a.case_id, requester).await?
    {
        Ok(a)
    } else {
        Err(WebError::NotFound)
    }
}

/// A whole e-mail of a case, for whoever may read the case; one held in
/// quarantine, for admins.
pub async fn readable_mail(
    state: &AppState,
    actor: Actor,
    id: i64,
) -> Result<skranke_store::CaseMail, WebError> {
    let m = state.store.case_mail(id).await?;
    // A held message has no case: it is the admins' to review.
    let readable = match (m.requester_id, m.case_id) {
        (Some(requester), Some(case)) => may_read(state, actor, case, requester).await?,
        _ => actor.kind == skranke_core::UserKind::Admin,
    };
    if readable {
        Ok(m)
    } else {
        Err(WebError::NotFound)
    }
}
