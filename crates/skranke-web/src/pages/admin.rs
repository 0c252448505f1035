//! The admin page and its forms, and the security log.

use super::{CsrfForm, Form, PagePath, opt_id};
use crate::AppState;
use crate::admin::{self, Named};
use crate::auth::{Admin, CurrentUser};
use crate::error::WebError;
use crate::i18n::Msg;
use crate::views::{AdminPage, AuditPage, FormErrors, MailPage, Nav};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use skranke_core::UserKind;
use skranke_core::audit::AuditEvent;

/// A form of the admin page shown again: which one, its problems and
/// what it held.
#[derive(Default)]
struct Again {
    form: String,
    errors: FormErrors,
    user: admin::UserRequest,
    name: String,
    domains: String,
    notice: Option<String>,
}

async fn render(state: &AppState, user: &CurrentUser, again: Again) -> Result<Response, WebError> {
    let (users, orgs, teams, services, sla_errors) = tokio::try_join!(
        state.store.list_users(),
        state.store.list_orgs(),
        state.store.list_teams(),
        state.store.list_services(),
        state.store.sla_errors(100)
    )?;
    let status = if again.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = AdminPage {
        nav: Nav::of(user),
        users,
        orgs,
        teams,
        services,
        sla_errors,
        kinds: UserKind::ALL.to_vec(),
        form: again.form,
        errors: again.errors,
        user_values: again.user,
        name_value: again.name,
        domains_value: again.domains,
        notice: again.notice,
    };
    Ok((status, page).into_response())
}

pub async fn page(State(state): State<AppState>, Admin(user): Admin) -> Result<Response, WebError> {
    render(&state, &user, Again::default()).await
}

/// Runs an admin action: success says so on the admin page; bad input
/// and conflicts show the form again at its field, as typed.
async fn act(
    state: &AppState,
    user: &CurrentUser,
    result: Result<Msg, WebError>,
    mut again: Again,
) -> Result<Response, WebError> {
    match result {
        Ok(done) => {
            user.confirm(state, done).await;
            Ok(Redirect::to("/admin").into_response())
        }
        Err(e @ (WebError::Invalid { .. } | WebError::Conflict { .. })) => {
            // A row's change has no field of its own: the table is the place.
            let field = match again.form.as_str() {
                "row" => "users".to_owned(),
                _ => e.field_name().unwrap_or("name").to_owned(),
            };
            again.errors.add(&field, &e.msg());
            render(state, user, again).await
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
    // What was typed, shown again on a refusal (never the password).
    let typed = admin::UserRequest {
        username: f.username,
        full_name: f.full_name,
        email: f.email,
        phone: f.phone,
        kind: f.kind,
        org_id: f.org_id.trim().parse().ok(),
        unit_id: f.unit_id.trim().parse().ok(),
        team_id: f.team_id.trim().parse().ok(),
        password: String::new(),
    };
    let again = Again {
        form: "user".into(),
        errors: FormErrors::new("u-"),
        user: typed.clone(),
        ..Again::default()
    };
    let result = async {
        let r = admin::UserRequest {
            org_id: opt_id("org_id", &f.org_id)?,
            unit_id: opt_id("unit_id", &f.unit_id)?,
            team_id: opt_id("team_id", &f.team_id)?,
            password: f.password,
            ..typed
        };
        let username = r.username.trim().to_owned();
        admin::create_user(&state, r, user.audit(AuditEvent::UserCreated)).await?;
        Ok(Msg::new("flash-user-created").arg("username", username))
    }
    .await;
    act(&state, &user, result, again).await
}

#[derive(Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    active: String,
}

/// A change to one row of the users table: its errors show at the top.
fn row_again() -> Again {
    Again {
        form: "row".into(),
        errors: FormErrors::new(""),
        ..Again::default()
    }
}

pub async fn set_active(
    State(state): State<AppState>,
    Admin(user): Admin,
    PagePath(id): PagePath<i64>,
    Form(f): Form<ActiveForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let active = f.active == "true";
    let result = async {
        let target = state.store.user(id).await?;
        admin::set_active(
            &state,
            user.user.id,
            id,
            active,
            user.audit(AuditEvent::UserActivated),
        )
        .await?;
        let key = if active {
            "flash-user-activated"
        } else {
            "flash-user-deactivated"
        };
        Ok(Msg::new(key).arg("username", target.username))
    }
    .await;
    act(&state, &user, result, row_again()).await
}

/// Makes a customer their organisation's contact, or not (`active`: `true`/`false`).
pub async fn set_org_contact(
    State(state): State<AppState>,
    Admin(user): Admin,
    PagePath(id): PagePath<i64>,
    Form(f): Form<ActiveForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let contact = f.active == "true";
    let result = async {
        let target = state.store.user(id).await?;
        admin::set_org_contact(
            &state,
            id,
            contact,
            user.audit(AuditEvent::OrgContactChanged),
        )
        .await?;
        let key = if contact {
            "flash-org-contact-made"
        } else {
            "flash-org-contact-removed"
        };
        Ok(Msg::new(key).arg("username", target.username))
    }
    .await;
    act(&state, &user, result, row_again()).await
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
        let target = state.store.user(id).await?;
        let team = opt_id("team_id", &f.team_id)?;
        admin::set_team(&state, id, team, user.audit(AuditEvent::UserTeamChanged)).await?;
        Ok(Msg::new("flash-team-set").arg("username", target.username))
    }
    .await;
    act(&state, &user, result, row_again()).await
}

/// Sets a one-time password and shows it, this once (on this answer,
/// not a redirect).
pub async fn reset_password(
    State(state): State<AppState>,
    Admin(user): Admin,
    PagePath(id): PagePath<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let target = state.store.user(id).await?;
    let password = admin::reset_password(&state, id, user.audit(AuditEvent::PasswordReset)).await?;
    let notice = Msg::new("one-time-password")
        .arg("username", target.username)
        .arg("password", password)
        .text();
    let again = Again {
        notice: Some(notice),
        ..Again::default()
    };
    render(&state, &user, again).await
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

fn name_again(form: String, prefix: String, f: &NameForm) -> Again {
    Again {
        form,
        errors: FormErrors::new(prefix),
        name: f.name.clone(),
        domains: f.domains.clone(),
        ..Again::default()
    }
}

pub async fn create_org(
    State(state): State<AppState>,
    Admin(user): Admin,
    Form(f): Form<NameForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let again = name_again("org".into(), "org-".into(), &f);
    let result = async {
        let domains = admin::parse_domains(&f.domains)?;
        admin::create_org(
            &state,
            &f.name,
            &domains,
            user.audit(AuditEvent::OrganizationCreated),
        )
        .await?;
        Ok(Msg::new("flash-created").arg("name", f.name.trim()))
    }
    .await;
    act(&state, &user, result, again).await
}

pub async fn create_unit(
    State(state): State<AppState>,
    Admin(user): Admin,
    PagePath(org_id): PagePath<i64>,
    Form(f): Form<NameForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let again = name_again(format!("unit-{org_id}"), format!("unit-{org_id}-"), &f);
    let result = admin::create_unit(&state, org_id, &f.name, user.audit(AuditEvent::UnitCreated))
        .await
        .map(|_| Msg::new("flash-created").arg("name", f.name.trim()));
    act(&state, &user, result, again).await
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
    let (form, prefix) = match what {
        Named::Team => ("team", "team-"),
        Named::Service => ("service", "service-"),
    };
    let again = name_again(form.into(), prefix.into(), f);
    let result = admin::create_named(state, what, &f.name, user.audit(AuditEvent::TeamCreated))
        .await
        .map(|_| Msg::new("flash-created").arg("name", f.name.trim()));
    act(state, user, result, again).await
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

/// Mail: what is held in quarantine, and what Skranke sent (or could not).
pub async fn mail(State(state): State<AppState>, Admin(user): Admin) -> Result<MailPage, WebError> {
    let (held, sent) = tokio::try_join!(
        state.store.quarantined_mail(200),
        state.store.outgoing_mail(200)
    )?;
    Ok(MailPage {
        nav: Nav::of(&user),
        held,
        sent,
        goes_out: state.config.mail_goes_out(),
    })
}

pub async fn release_mail(
    State(state): State<AppState>,
    Admin(user): Admin,
    PagePath(id): PagePath<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Redirect, WebError> {
    user.check_csrf(&f.csrf)?;
    // A mail that stays held says why on the page, as a refused form does.
    let done = match crate::inbound::release(&state, user.audit(AuditEvent::MailReleased), id).await
    {
        Ok(number) => Msg::new("flash-mail-released").arg("number", number),
        Err(WebError::Conflict { msg, .. }) => msg,
        Err(e) => return Err(e),
    };
    user.confirm(&state, done).await;
    Ok(Redirect::to("/admin/mail"))
}

pub async fn delete_mail(
    State(state): State<AppState>,
    Admin(user): Admin,
    PagePath(id): PagePath<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Redirect, WebError> {
    user.check_csrf(&f.csrf)?;
    crate::inbound::delete(&state, user.audit(AuditEvent::MailDeleted), id).await?;
    user.confirm(&state, Msg::new("flash-mail-deleted")).await;
    Ok(Redirect::to("/admin/mail"))
}
