//! E-mail over the API: a message as it came, the quarantine admins
//! review (release as a case, delete), and the mail Skranke sent. The
//! admin page does the same through the same functions (`crate::inbound`).

use super::{ApiPath, rfc3339};
use crate::AppState;
use crate::access::readable_mail;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::files;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use skranke_core::audit::AuditEvent;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(download_mail))
        .routes(routes!(quarantine))
        .routes(routes!(release))
        .routes(routes!(delete))
        .routes(routes!(outgoing))
}

/// An e-mail as it came (the message a case was made from, a requester's
/// answer by mail, or one held in quarantine), as `message/rfc822`. Its id
/// is in the case page's link; a requester gets only their own cases'
/// mail, and only admins get held mail.
#[utoipa::path(get, path = "/api/v1/mail/{id}",
    params(("id" = i64, Path, description = "Inbound mail id")),
    responses(
        (status = 200, description = "The message's bytes.", content_type = "message/rfc822", body = Vec<u8>,
            headers(("Content-Disposition" = String, description = "`attachment` with a file name"))),
        (status = 404, description = "No such mail, or not yours.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn download_mail(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let m = readable_mail(&state, user.actor(), id).await?;
    Ok(files::download_mail(state.files.as_ref(), &m).await?)
}

/// A message held in quarantine.
#[derive(Serialize, ToSchema)]
pub struct HeldMailDto {
    pub id: i64,
    #[schema(format = DateTime)]
    pub received_at: String,
    /// The envelope sender (`MAIL FROM`); empty for a bounce.
    pub envelope_from: Option<String>,
    /// The `From` address, when the message could be read.
    pub sender: Option<String>,
    pub subject: Option<String>,
    /// Bytes.
    pub size: i64,
    /// Why it is held: `unreadable` (its MIME), `no_sender`,
    /// `not_customer` (a pupil, a guardian, `[mail] not_customers`),
    /// `unknown_domain`, or `not_a_case` (it could not be made one).
    pub hold: String,
    /// Why, in the reader's language.
    pub hold_label: String,
    /// The detail, as the software found it (a parse error, a domain).
    pub reason: Option<String>,
}

/// The mail held in quarantine, newest first (200 at most; admins).
#[utoipa::path(get, path = "/api/v1/mail/quarantine",
    responses((status = 200, description = "Newest first.", body = Vec<HeldMailDto>)),
    security(("bearer" = [])))]
async fn quarantine(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<HeldMailDto>>, ApiError> {
    user.require_admin()?;
    let rows = state.store.quarantined_mail(200).await?;
    Ok(Json(
        rows.into_iter()
            .map(|m| HeldMailDto {
                id: m.id,
                received_at: rfc3339(m.received_at),
                envelope_from: m.envelope_from,
                sender: m.sender,
                subject: m.subject,
                size: m.size,
                hold: m.hold.key().to_owned(),
                hold_label: crate::texts::hold_label(m.hold),
                reason: m.reason,
            })
            .collect(),
    ))
}

/// The case a released message became.
#[derive(Serialize, ToSchema)]
pub struct ReleasedDto {
    /// Its number.
    pub case: String,
}

/// Releases a held message: it is made a case now, also from an unknown
/// domain or written by a machine. A pupil's or guardian's mail (by their
/// account or `[mail] not_customers`) cannot be a case: it stays held
/// (409, why).
#[utoipa::path(post, path = "/api/v1/mail/quarantine/{id}/release",
    params(("id" = i64, Path, description = "Inbound mail id")),
    responses(
        (status = 201, description = "It is a case now (or a reply on the case it answers).", body = ReleasedDto),
        (status = 404, description = "No such mail in quarantine.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It cannot be a case and is held again; `detail` says why.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn release(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<ReleasedDto>), ApiError> {
    user.require_admin()?;
    let case = crate::inbound::release(&state, user.audit(AuditEvent::MailReleased), id).await?;
    Ok((StatusCode::CREATED, Json(ReleasedDto { case })))
}

/// Deletes a held message and its file for good.
#[utoipa::path(delete, path = "/api/v1/mail/quarantine/{id}",
    params(("id" = i64, Path, description = "Inbound mail id")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, description = "No such mail in quarantine.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn delete(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    user.require_admin()?;
    crate::inbound::delete(&state, user.audit(AuditEvent::MailDeleted), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A mail Skranke sent, is sending, or gave up on.
#[derive(Serialize, ToSchema)]
pub struct OutgoingDto {
    pub id: i64,
    /// The notice (`received`, `replied`, `waiting_for_you`, `resolved`,
    /// `copied`, `assigned`, `requester_replied`, `reopened`, `escalated`) or
    /// `auto_reply` (to a sender who is not a customer).
    pub kind: String,
    pub recipient: String,
    pub case: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    pub attempts: i64,
    #[schema(format = DateTime)]
    pub sent_at: Option<String>,
    /// Given up: refused for good by the relay, or too many attempts.
    #[schema(format = DateTime)]
    pub failed_at: Option<String>,
    pub last_error: Option<String>,
    /// A delivery status notification said it did not arrive.
    #[schema(format = DateTime)]
    pub bounced_at: Option<String>,
    pub bounce: Option<String>,
}

/// The newest mail Skranke sent or is sending (200 at most; admins).
#[utoipa::path(get, path = "/api/v1/mail/outgoing",
    responses((status = 200, description = "Newest first.", body = Vec<OutgoingDto>)),
    security(("bearer" = [])))]
async fn outgoing(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<OutgoingDto>>, ApiError> {
    user.require_admin()?;
    let rows = state.store.outgoing_mail(200).await?;
    Ok(Json(
        rows.into_iter()
            .map(|m| OutgoingDto {
                id: m.id,
                kind: m.kind,
                recipient: m.recipient,
                case: m.number,
                created_at: rfc3339(m.created_at),
                attempts: m.attempts,
                sent_at: m.sent_at.map(rfc3339),
                failed_at: m.failed_at.map(rfc3339),
                last_error: m.last_error,
                bounced_at: m.bounced_at.map(rfc3339),
                bounce: m.bounce,
            })
            .collect(),
    ))
}
