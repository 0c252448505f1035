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
    if actor.may_read_case(case.requester_id, &copied(state, case.id).await?) {
        Ok(case)
    } else {
        Err(WebError::NotFound)
    }
}

/// The ids of the people copied on a case.
async fn copied(state: &AppState, case_id: i64) -> Result<Vec<i64>, WebError> {
    Ok(state
        .store
        .copied(case_id)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect())
}

/// An attachment the actor may read: of a case they may read, and not of
/// an internal note unless they are staff. Anything else is `NotFound`.
pub async fn readable_attachment(
    state: &AppState,
    actor: Actor,
    id: i64,
) -> Result<Attachment, WebError> {
    let (a, requester) = state.store.attachment(id).await?;
    let copied = copied(state, a.case_id).await?;
    if actor.may_read_case(requester, &copied) && (!a.internal || actor.kind.is_staff()) {
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
        (Some(requester), Some(case)) => {
            actor.may_read_case(requester, &copied(state, case).await?)
        }
        _ => actor.kind == skranke_core::UserKind::Admin,
    };
    if readable {
        Ok(m)
    } else {
        Err(WebError::NotFound)
    }
}
