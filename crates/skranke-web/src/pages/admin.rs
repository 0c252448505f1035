use super::{Form, PagePath, opt_id};
use crate::AppState;
use crate::admin::{self, Named};
use crate::auth::{Admin, CurrentUser};
use crate::error::WebError;
use crate::views::{AdminPage, AuditPage, Nav};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use skranke_core::UserKind;
use skranke_core::audit::AuditEvent;

async fn render(
    state: &AppState,
    user: &CurrentUser,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, WebError> {
    let (users, orgs, teams, services, sla_errors) = tokio::try_join!(
        state.store.list_users(),
        state.store.list_orgs(),
        state.store.list_teams(),
        state.store.list_services(),
        state.store.sla_errors(100)
    )?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = AdminPage {
        nav: Nav::of(user),
        users,
        orgs,
        teams,
        services,
        sla_errors,
        kinds: UserKind::ALL.to_vec(),
        error,
        notice,
    };
    Ok((status, page).into_response())
}

pub async fn page(State(state): State<AppState>, Admin(user): Admin) -> Result<Response, WebError> {
    render(&state, &user, None, None).await
}

/// Runs an admin action: bad input and conflicts are shown on the admin
/// page; success goes back to it.
async fn act(
    state: &AppState,
    user: &CurrentUser,
    result: Result<(), WebError>,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(Redirect::to("/admin").into_response()),
        Err(e @ (WebError::Invalid { .. } | WebError::Conflict { .. })) => {
            render(state, user, Some(e.message()), None).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct UserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    team_id: String,
    #[serde(default)]
    password: String,
}

pub async fn create_user(
    State(state): State<AppState>,
    Admin(user): Admin,
    Form(f): Form<UserForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let result = async {
        let r = admin::UserRequest {
            username: f.username,
            full_name: f.full_name,
            email: f.email,
            phone: f.phone,
            kind: f.kind,
            org_id: opt_id("org_id", &f.org_id)?,
            unit_id: opt_id("unit_id", &f.unit_id)?,
            team_id: opt_id("team_id", &f.team_id)?,
            password: f.password,
        };
        admin::create_user(&state, r, user.audit(AuditEvent::UserCreated)).await?;
        Ok(())
    }
    .await;
    act(&state, &user, result).await
}

#[derive(Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    active: String,
}

pub async fn set_active(
    State(state): State<AppState>,
    Admin(user): Admin,
    PagePath(id): PagePath<i64>,
    Form(f): Form<ActiveForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let active = f.active == "true";
    let result = admin::set_active(
        &state,
        user.user.id,
        id,
        active,
        user.audit(AuditEvent::UserActivated),
    )
    .await;
    act(&state, &user, result).await
}

#[derive(Deserialize)]
pub struct TeamForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    team_id: String,
}

pub async fn set_team(
    State(state): State<AppState>,
    Admin(user): Admin,
    PagePath(id): PagePath<i64>,
    Form(f): Form<TeamForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let result = async {
        let team = opt_id("team_id", &f.team_id)?;
        admin::set_team(&state, id, team, user.audit(AuditEvent::UserTeamChanged)).await
    }
    .await;
    act(&state, &user, result).await
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// Sets a one-time password and shows it, this once.
pub async fn reset_password(
    State(state): State<AppState>,
    Admin(user): Admin,
    PagePath(id): PagePath<i64>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let target = state.store.user(id).await?;
    let password = admin::reset_password(&state, id, user.audit(AuditEvent::PasswordReset)).await?;
    let ui = crate::texts::ui();
    let notice = format!(
        "{} {}: {password}. {}",
        ui.one_time_password_for, target.username, ui.one_time_password_hint
    );
    render(&state, &user, None, Some(notice)).await
}

#[derive(Deserialize)]
pub struct NameForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    domains: String,
}

pub async fn create_org(
    State(state): State<AppState>,
    Admin(user): Admin,
    Form(f): Form<NameForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let result = async {
        let domains = admin::parse_domains(&f.domains)?;
        admin::create_org(
            &state,
            &f.name,
            &domains,
            user.audit(AuditEvent::OrganizationCreated),
        )
        .await?;
        Ok(())
    }
    .await;
    act(&state, &user, result).await
}

pub async fn create_unit(
    State(state): State<AppState>,
    Admin(user): Admin,
    PagePath(org_id): PagePath<i64>,
    Form(f): Form<NameForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let result = admin::create_unit(&state, org_id, &f.name, user.audit(AuditEvent::UnitCreated))
        .await
        .map(|_| ());
    act(&state, &user, result).await
}

pub async fn create_team(
    State(state): State<AppState>,
    Admin(user): Admin,
    Form(f): Form<NameForm>,
) -> Result<Response, WebError> {
    create_named(&state, &user, &f, Named::Team).await
}

pub async fn create_service(
    State(state): State<AppState>,
    Admin(user): Admin,
    Form(f): Form<NameForm>,
) -> Result<Response, WebError> {
    create_named(&state, &user, &f, Named::Service).await
}

async fn create_named(
    state: &AppState,
    user: &CurrentUser,
    f: &NameForm,
    what: Named,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let result = admin::create_named(state, what, &f.name, user.audit(AuditEvent::TeamCreated))
        .await
        .map(|_| ());
    act(state, user, result).await
}

#[derive(Deserialize)]
pub struct AuditQuery {
    before: Option<i64>,
}

/// The security log, newest first, a page at a time.
pub async fn audit(
    State(state): State<AppState>,
    Admin(user): Admin,
    Query(q): Query<AuditQuery>,
) -> Result<AuditPage, WebError> {
    let rows = state.store.audit_log(q.before, AUDIT_PAGE).await?;
    let older = (rows.len() as i64 == AUDIT_PAGE)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    Ok(AuditPage {
        nav: Nav::of(&user),
        rows,
        older,
    })
}

const AUDIT_PAGE: i64 = 100;
