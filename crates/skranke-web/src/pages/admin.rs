use super::{Form, opt_id};
use crate::AppState;
use crate::auth::{Admin, CurrentUser, hash_password};
use crate::error::WebError;
use crate::views::{AdminPage, Nav};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use skranke_core::UserKind;
use skranke_core::case::check_text;
use skranke_store::NewUser;

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

fn name_field(field: &'static str, v: &str, max: usize) -> Result<String, WebError> {
    let v = v.trim();
    let mut errors = Vec::new();
    check_text(field, v, true, max, &mut errors);
    if errors.is_empty() {
        Ok(v.to_owned())
    } else {
        Err(crate::casework::validation_error(&errors))
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

/// Checks a new user's fields; shared by the admin page and the CLI's rules.
pub fn check_new_user(
    username: &str,
    full_name: &str,
    email: &str,
    kind: &str,
    password: &str,
) -> Result<(String, String, String, UserKind), WebError> {
    let username = name_field("username", username, 64)?;
    if !username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(WebError::invalid(
            "username",
            "kan bare inneholde bokstaver a–z, tall, punktum, bindestrek og understrek.",
        ));
    }
    let full_name = name_field("full_name", full_name, 200)?;
    let email = name_field("email", email, 254)?;
    let valid_email = email.split_once('@').is_some_and(|(l, d)| {
        !l.is_empty() && d.contains('.') && !email.contains(char::is_whitespace)
    });
    if !valid_email {
        return Err(WebError::invalid(
            "email",
            "er ikke en gyldig e-postadresse.",
        ));
    }
    let kind: UserKind = kind
        .parse()
        .map_err(|_| WebError::invalid("kind", "må velges."))?;
    if !password.is_empty() && password.chars().count() < 10 {
        return Err(WebError::invalid("password", "må ha minst 10 tegn."));
    }
    Ok((username, full_name, email.to_lowercase(), kind))
}

pub async fn create_user(
    State(state): State<AppState>,
    Admin(user): Admin,
    Form(f): Form<UserForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let result = async {
        let (username, full_name, email, kind) =
            check_new_user(&f.username, &f.full_name, &f.email, &f.kind, &f.password)?;
        let unit_id = opt_id("unit_id", &f.unit_id)?;
        let mut org_id = opt_id("org_id", &f.org_id)?;
        if let Some(unit) = unit_id
            && org_id.is_none()
        {
            let orgs = state.store.list_orgs().await?;
            org_id = orgs
                .iter()
                .find(|o| o.units.iter().any(|u| u.id == unit))
                .map(|o| o.id);
        }
        let password_hash = if f.password.is_empty() {
            None
        } else {
            let pw = f.password.clone();
            Some(
                tokio::task::spawn_blocking(move || hash_password(&pw))
                    .await
                    .map_err(|e| WebError::Internal(e.to_string()))?
                    .map_err(WebError::Internal)?,
            )
        };
        let new = NewUser {
            username,
            full_name,
            email,
            phone: f.phone.trim().chars().take(40).collect(),
            kind,
            org_id,
            unit_id,
            team_id: opt_id("team_id", &f.team_id)?,
            password_hash,
        };
        state.store.create_user(&new, Timestamp::now()).await?;
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
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let result = async {
        if id == user.user.id {
            return Err(WebError::invalid(
                "username",
                "du kan ikke deaktivere deg selv.",
            ));
        }
        state.store.set_user_active(id, f.active == "true").await?;
        Ok(())
    }
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
    Path(id): Path<i64>,
    Form(f): Form<TeamForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let result = async {
        let team = opt_id("team_id", &f.team_id)?;
        state.store.set_user_team(id, team).await?;
        Ok(())
    }
    .await;
    act(&state, &user, result).await
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
        let name = name_field("name", &f.name, 200)?;
        let domains: Vec<String> = f
            .domains
            .split([',', ' ', ';'])
            .map(|d| d.trim().trim_start_matches('@').to_lowercase())
            .filter(|d| !d.is_empty())
            .collect();
        if domains.iter().any(|d| {
            !d.contains('.')
                || d.len() > 253
                || !d
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-".contains(c))
        }) {
            return Err(WebError::invalid(
                "domains",
                "må være domener som kommune-a.example.",
            ));
        }
        state
            .store
            .create_org(&name, &domains, Timestamp::now())
            .await?;
        Ok(())
    }
    .await;
    act(&state, &user, result).await
}

pub async fn create_unit(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(org_id): Path<i64>,
    Form(f): Form<NameForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let result = async {
        let name = name_field("name", &f.name, 200)?;
        state.store.create_unit(org_id, &name).await?;
        Ok(())
    }
    .await;
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

enum Named {
    Team,
    Service,
}

async fn create_named(
    state: &AppState,
    user: &CurrentUser,
    f: &NameForm,
    what: Named,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let result = async {
        let name = name_field("name", &f.name, 200)?;
        match what {
            Named::Team => state.store.create_team(&name).await?,
            Named::Service => state.store.create_service(&name).await?,
        };
        Ok(())
    }
    .await;
    act(state, user, result).await
}
