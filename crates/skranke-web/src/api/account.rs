//! The caller's own account over the API: who am I, API tokens, the
//! password, sessions, notifications and which of them come by e-mail.

use super::schema::{Line, LocaleSchema, UserKindSchema};
use super::{ApiJson, ApiPath, rfc3339};
use crate::AppState;
use crate::account::{self, TOKEN_DAYS, TokenRequest};
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem, WebError};
use crate::i18n::Lang;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use skranke_core::UserKind;
use skranke_core::audit::AuditEvent;
use skranke_store::{TokenInfo, User};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me, update_me))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(delete_token))
        .routes(routes!(change_password))
        .routes(routes!(end_sessions))
        .routes(routes!(mail_choices, set_mail_choices))
        .routes(routes!(list_notifications))
        .routes(routes!(read_notifications))
        .routes(routes!(read_notification))
}

/// A person as the API shows them in full.
/// What a person may change about themselves here.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeUpdate {
    /// The language of pages, notifications and API error details;
    /// `null` (or absent): the request's `Accept-Language`.
    #[serde(default)]
    #[schema(value_type = Option<LocaleSchema>)]
    pub locale: Option<Lang>,
}

/// Choose the language, as on the account page.
#[utoipa::path(patch, path = "/api/v1/me", request_body = MeUpdate,
    responses(
        (status = 200, description = "Changed; the account as it is now.", body = UserDto),
        (status = 422, description = "Not a language we have.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn update_me(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<MeUpdate>,
) -> Result<Json<UserDto>, ApiError> {
    state
        .store
        .set_locale(user.0.id, req.locale.map(Lang::code))
        .await
        .map_err(WebError::from)?;
    let me = state.store.user(user.0.id).await.map_err(WebError::from)?;
    Ok(Json(me.into()))
}

#[derive(Serialize, ToSchema)]
pub struct UserDto {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    #[schema(value_type = UserKindSchema)]
    pub kind: UserKind,
    pub organization: Option<String>,
    pub unit: Option<String>,
    pub team: Option<String>,
    pub team_id: Option<i64>,
    pub active: bool,
    /// An admin reset the password; it must be changed at the next login.
    pub must_change_password: bool,
    /// The language they chose; `null`: their browser's (`Accept-Language`).
    #[schema(value_type = Option<LocaleSchema>)]
    pub locale: Option<Lang>,
    /// Speaks for their organisation (may subscribe for it).
    pub org_contact: bool,
}

impl From<User> for UserDto {
    fn from(u: User) -> UserDto {
        UserDto {
            id: u.id,
            username: u.username,
            name: u.full_name,
            email: u.email,
            phone: u.phone,
            kind: u.kind,
            organization: u.org_name,
            unit: u.unit_name,
            team: u.team_name,
            team_id: u.team_id,
            active: u.active,
            must_change_password: u.must_change_password,
            locale: u.locale.as_deref().and_then(Lang::parse),
            org_contact: u.org_contact,
        }
    }
}

/// The token's user.
#[utoipa::path(get, path = "/api/v1/me",
    responses((status = 200, description = "Who the token belongs to.", body = UserDto)),
    security(("bearer" = [])))]
async fn me(user: ApiUser) -> Json<UserDto> {
    Json(user.0.into())
}

#[derive(Serialize, ToSchema)]
pub struct TokenDto {
    pub id: i64,
    pub name: String,
    /// `read`, or `read write`.
    pub scopes: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
    #[schema(format = DateTime)]
    pub last_used_at: Option<String>,
}

impl From<TokenInfo> for TokenDto {
    fn from(t: TokenInfo) -> TokenDto {
        TokenDto {
            id: t.id,
            name: t.name,
            scopes: t.scopes,
            created_at: rfc3339(t.created_at),
            expires_at: t.expires_at.map(rfc3339),
            last_used_at: t.last_used_at.map(rfc3339),
        }
    }
}

/// The caller's API tokens (not their secrets).
#[utoipa::path(get, path = "/api/v1/me/tokens",
    responses((status = 200, description = "Oldest first.", body = Vec<TokenDto>)),
    security(("bearer" = [])))]
async fn list_tokens(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<TokenDto>>, ApiError> {
    let tokens = state.store.list_api_tokens(user.0.id).await?;
    Ok(Json(tokens.into_iter().map(TokenDto::from).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenRequest {
    pub name: Line<100>,
    /// May also change things (scope `write`); default read only.
    #[serde(default)]
    pub write: bool,
    /// Default 365.
    #[serde(default, deserialize_with = "super::whole::opt")]
    #[schema(minimum = 1, maximum = 366)]
    pub expires_in_days: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct NewTokenDto {
    /// The secret, shown this once: send it as `Authorization: Bearer <token>`.
    pub token: String,
    pub scopes: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
}

/// Make an API token for the caller.
#[utoipa::path(post, path = "/api/v1/me/tokens", request_body = NewTokenRequest,
    responses((status = 201, description = "The new token, its secret shown this once.", body = NewTokenDto)),
    security(("bearer" = [])))]
async fn create_token(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<NewTokenRequest>,
) -> Result<(StatusCode, Json<NewTokenDto>), ApiError> {
    let write = req.write;
    let r = TokenRequest {
        name: req.name.0,
        write,
        days: req.expires_in_days.unwrap_or(TOKEN_DAYS[0]),
    };
    let (token, _, expires) =
        account::create_token_for(&state, user.0.id, r, user.audit(AuditEvent::TokenCreated))
            .await?;
    Ok((
        StatusCode::CREATED,
        Json(NewTokenDto {
            token,
            scopes: if write { "read write" } else { "read" }.into(),
            expires_at: expires.to_string(),
        }),
    ))
}

/// Delete one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}",
    params(("id" = i64, Path, description = "Token id")),
    responses(
        (status = 204, description = "Deleted; it no longer authenticates."),
        (status = 404, description = "No such token of yours.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn delete_token(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .delete_api_token(
            user.0.id,
            id,
            &user.audit(AuditEvent::TokenDeleted),
            Timestamp::now(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordRequest {
    #[schema(max_length = 256)]
    pub current: String,
    /// At least 12 characters, and not easy to guess.
    #[schema(min_length = 12, max_length = 256)]
    pub new: String,
}

/// Change the caller's password. Every browser session of theirs ends;
/// tokens stay valid.
#[utoipa::path(post, path = "/api/v1/me/password", request_body = PasswordRequest,
    responses(
        (status = 204, description = "Changed."),
        (status = 429, description = "Too many wrong passwords; see `Retry-After`.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn change_password(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<PasswordRequest>,
) -> Result<StatusCode, ApiError> {
    account::change_own_password(&state, &user.0, &user.1, &req.current, &req.new, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End every browser session of the caller ("log out everywhere").
#[utoipa::path(delete, path = "/api/v1/me/sessions",
    responses((status = 204, description = "Every session ended.")),
    security(("bearer" = [])))]
async fn end_sessions(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .delete_sessions_of(
            user.0.id,
            &user.audit(AuditEvent::LogoutEverywhere),
            Timestamp::now(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct NotificationDto {
    pub id: i64,
    /// For the desk `assigned`, `requester_replied`, `reopened` or
    /// `escalated`; for a requester and the people copied `received`,
    /// `replied`, `waiting_for_you`, `resolved` or `copied`; for anyone
    /// `status_update` (an operational message they follow).
    #[schema(value_type = super::schema::NoticeKindSchema)]
    pub kind: skranke_core::notice::NoticeKind,
    /// The case's number, if it is about a case.
    pub case: Option<String>,
    /// The operational message's id, if it is about one.
    pub operational_message: Option<i64>,
    /// What happened, in the caller's language.
    pub text: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub read_at: Option<String>,
}

/// One kind of notice the caller can get, and whether it comes by e-mail.
#[derive(Serialize, ToSchema)]
pub struct MailChoiceDto {
    #[schema(value_type = super::schema::NoticeKindSchema)]
    pub kind: skranke_core::notice::NoticeKind,
    /// Its name, in the caller's language.
    pub label: String,
    pub email: bool,
}

async fn choices_of(state: &AppState, user: &User) -> Result<Vec<MailChoiceDto>, WebError> {
    use crate::texts::Label;
    Ok(account::mail_choices(state, user)
        .await?
        .into_iter()
        .map(|(kind, email)| MailChoiceDto {
            label: kind.label(),
            kind,
            email,
        })
        .collect())
}

/// Which notices come by e-mail: every one the caller can get (a requester
/// the four about their cases, the desk all), as on the account page.
#[utoipa::path(get, path = "/api/v1/me/mail",
    responses((status = 200, description = "Each kind and whether it comes by e-mail.", body = Vec<MailChoiceDto>)),
    security(("bearer" = [])))]
async fn mail_choices(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<MailChoiceDto>>, ApiError> {
    Ok(Json(choices_of(&state, &user.0).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailChoicesUpdate {
    /// The kinds not wanted by e-mail; every other comes. In the app every
    /// notice is shown still. A kind the caller never gets changes nothing.
    #[schema(value_type = Vec<super::schema::NoticeKindSchema>)]
    pub email_off: Vec<skranke_core::notice::NoticeKind>,
}

/// Choose which notices come by e-mail.
#[utoipa::path(put, path = "/api/v1/me/mail", request_body = MailChoicesUpdate,
    responses(
        (status = 200, description = "Saved; the choices as they are now.", body = Vec<MailChoiceDto>),
        (status = 422, description = "`email_off` missing, or naming something that is not a kind.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn set_mail_choices(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<MailChoicesUpdate>,
) -> Result<Json<Vec<MailChoiceDto>>, ApiError> {
    account::set_mail_choices(&state, &user.0, &req.email_off).await?;
    Ok(Json(choices_of(&state, &user.0).await?))
}

/// The caller's notifications (what the desk did on their cases; for the
/// desk, also what happened to the cases they handle), newest first. The
/// same notices come by e-mail unless turned off (`/api/v1/me/mail`).
#[utoipa::path(get, path = "/api/v1/notifications",
    responses((status = 200, description = "The latest 200.", body = Vec<NotificationDto>)),
    security(("bearer" = [])))]
async fn list_notifications(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<NotificationDto>>, ApiError> {
    let items = state.store.notifications(user.0.id, 200).await?;
    Ok(Json(
        items
            .into_iter()
            .map(|n| NotificationDto {
                text: crate::notify::notification_text(&state.config, &n),
                id: n.id,
                kind: n.kind,
                case: n.case_number,
                operational_message: n.op_message_id,
                created_at: rfc3339(n.created_at),
                read_at: n.read_at.map(rfc3339),
            })
            .collect(),
    ))
}

/// Mark every notification of the caller read.
#[utoipa::path(post, path = "/api/v1/notifications/read",
    responses((status = 204, description = "All read.")),
    security(("bearer" = [])))]
async fn read_notifications(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .mark_notifications_read(user.0.id, Timestamp::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mark one of the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read",
    params(("id" = i64, Path, description = "Notification id")),
    responses(
        (status = 204, description = "Read."),
        (status = 404, description = "No such notification of yours.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
async fn read_notification(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .mark_notification_read(user.0.id, id, Timestamp::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
