//! What admins do, for the admin page, the API and the CLI alike: people,
//! organizations, units, teams, services and password resets. Each check
//! is here once; each change is audited in its own transaction.

use crate::AppState;
use crate::auth;
use crate::casework::validation_error;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::password;
use jiff::Timestamp;
use skranke_core::UserKind;
use skranke_core::audit::{AuditEntry, AuditEvent};
use skranke_core::case::{ValidationCode, ValidationError, identifier, line, text};
use skranke_store::NewUser;

pub const NAME_MAX: usize = 200;
pub const USERNAME_MAX: usize = 64;
pub const EMAIL_MAX: usize = 254;
pub const PHONE_MAX: usize = 40;

fn name_field(field: &'static str, v: &str, max: usize) -> Result<String, WebError> {
    let mut errors = Vec::new();
    let v = line(field, v, true, max, &mut errors);
    checked(v, &errors)
}

fn checked<T>(value: T, errors: &[ValidationError]) -> Result<T, WebError> {
    match errors.first() {
        None => Ok(value),
        Some(_) => Err(validation_error(errors)),
    }
}

/// A person to create, as an admin or the CLI gives it.
#[derive(Debug, Clone, Default)]
pub struct UserRequest {
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub kind: String,
    pub org_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub team_id: Option<i64>,
    /// Empty: the person cannot log in with a password (yet).
    pub password: String,
}

/// Checks a new user's fields and password.
pub fn check_user(r: &UserRequest) -> Result<NewUser, WebError> {
    let mut e = Vec::new();
    let username = identifier("username", &r.username, true, USERNAME_MAX, &mut e);
    if e.first()
        .is_some_and(|e| e.code == ValidationCode::InvalidChars)
    {
        return Err(WebError::invalid("username", "error-username-chars"));
    }
    let full_name = line("full_name", &r.full_name, true, NAME_MAX, &mut e);
    let email = text("email", &r.email, true, EMAIL_MAX, &mut e).to_lowercase();
    let phone = line("phone", &r.phone, false, PHONE_MAX, &mut e);
    checked((), &e)?;
    let valid_email = email.split_once('@').is_some_and(|(l, d)| {
        !l.is_empty() && d.contains('.') && !email.contains(char::is_whitespace)
    });
    if !valid_email {
        return Err(WebError::invalid("email", "error-email"));
    }
    let kind: UserKind = r
        .kind
        .parse()
        .map_err(|_| WebError::invalid("kind", "error-must-choose"))?;
    if !r.password.is_empty() {
        password::check(&r.password, &[&username, &full_name, &email])
            .map_err(|p| WebError::invalid("password", p.key()))?;
    }
    Ok(NewUser {
        username,
        full_name,
        email,
        phone,
        kind,
        org_id: r.org_id,
        unit_id: r.unit_id,
        team_id: r.team_id,
        password_hash: None,
        must_change_password: false,
    })
}

/// Creates a user; returns the id.
pub async fn create_user(
    state: &AppState,
    r: UserRequest,
    entry: AuditEntry,
) -> Result<i64, WebError> {
    let mut new = check_user(&r)?;
    if let Some(unit) = new.unit_id
        && new.org_id.is_none()
    {
        let orgs = state.store.list_orgs().await?;
        new.org_id = orgs
            .iter()
            .find(|o| o.units.iter().any(|u| u.id == unit))
            .map(|o| o.id);
    }
    if !r.password.is_empty() {
        new.password_hash = Some(auth::hash_new_password(state, &r.password).await?);
    }
    let mut entry = AuditEntry {
        event: AuditEvent::UserCreated,
        ..entry
    };
    entry.subject = new.username.clone();
    entry.detail = new.kind.key().into();
    Ok(state
        .store
        .create_user(&new, &entry, Timestamp::now())
        .await?)
}

pub async fn set_active(
    state: &AppState,
    actor_id: i64,
    id: i64,
    active: bool,
    entry: AuditEntry,
) -> Result<(), WebError> {
    if id == actor_id && !active {
        return Err(WebError::conflict(
            "active",
            Msg::new("error-cannot-deactivate-self"),
        ));
    }
    let event = if active {
        AuditEvent::UserActivated
    } else {
        AuditEvent::UserDeactivated
    };
    let entry = AuditEntry {
        event,
        subject_id: Some(id),
        ..entry
    };
    Ok(state
        .store
        .set_user_active(id, active, &entry, Timestamp::now())
        .await?)
}

pub async fn set_team(
    state: &AppState,
    id: i64,
    team: Option<i64>,
    entry: AuditEntry,
) -> Result<(), WebError> {
    let entry = AuditEntry {
        event: AuditEvent::UserTeamChanged,
        subject_id: Some(id),
        detail: team.map(|t| t.to_string()).unwrap_or_default(),
        ..entry
    };
    Ok(state
        .store
        .set_user_team(id, team, &entry, Timestamp::now())
        .await?)
}

/// Makes a customer their organisation's contact (who may subscribe to
/// operational messages for it), or not. Staff and people of no
/// organisation cannot be one.
pub async fn set_org_contact(
    state: &AppState,
    id: i64,
    contact: bool,
    entry: AuditEntry,
) -> Result<(), WebError> {
    let target = state.store.user(id).await?;
    if contact && (target.org_id.is_none() || !target.kind.is_customer() || target.kind.is_staff())
    {
        return Err(WebError::invalid("org_contact", "error-not-org-member"));
    }
    let entry = AuditEntry {
        event: AuditEvent::OrgContactChanged,
        subject_id: Some(id),
        detail: contact.to_string(),
        ..entry
    };
    Ok(state
        .store
        .set_org_contact(id, contact, &entry, Timestamp::now())
        .await?)
}

/// Sets a one-time password that must be changed at the next login, and
/// ends the user's sessions. Returns the password, to be shown once.
pub async fn reset_password(
    state: &AppState,
    id: i64,
    entry: AuditEntry,
) -> Result<String, WebError> {
    let password = auth::one_time_password();
    let hash = auth::hash_new_password(state, &password).await?;
    let entry = AuditEntry {
        event: AuditEvent::PasswordReset,
        subject_id: Some(id),
        ..entry
    };
    state
        .store
        .set_password(id, &hash, true, None, &entry, Timestamp::now())
        .await?;
    Ok(password)
}

/// E-mail domains as typed: separated by commas, spaces or semicolons.
pub fn parse_domains(text: &str) -> Result<Vec<String>, WebError> {
    let domains: Vec<String> = text
        .split([',', ' ', ';'])
        .map(|d| d.trim().trim_start_matches('@').to_lowercase())
        .filter(|d| !d.is_empty())
        .collect();
    let bad = |d: &String| {
        !d.contains('.')
            || d.len() > 253
            || !d
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-".contains(c))
    };
    if domains.iter().any(bad) {
        return Err(WebError::invalid("domains", "error-domains"));
    }
    Ok(domains)
}

pub async fn create_org(
    state: &AppState,
    name: &str,
    domains: &[String],
    entry: AuditEntry,
) -> Result<i64, WebError> {
    let name = name_field("name", name, NAME_MAX)?;
    let entry = AuditEntry {
        event: AuditEvent::OrganizationCreated,
        subject: name.clone(),
        detail: domains.join(", "),
        ..entry
    };
    Ok(state
        .store
        .create_org(&name, domains, &entry, Timestamp::now())
        .await?)
}

pub async fn create_unit(
    state: &AppState,
    org_id: i64,
    name: &str,
    entry: AuditEntry,
) -> Result<i64, WebError> {
    let name = name_field("name", name, NAME_MAX)?;
    let entry = AuditEntry {
        event: AuditEvent::UnitCreated,
        subject: name.clone(),
        detail: format!("organization {org_id}"),
        ..entry
    };
    Ok(state
        .store
        .create_unit(org_id, &name, &entry, Timestamp::now())
        .await?)
}

/// What has only a name: teams and services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    Team,
    Service,
}

pub async fn create_named(
    state: &AppState,
    what: Named,
    name: &str,
    entry: AuditEntry,
) -> Result<i64, WebError> {
    let name = name_field("name", name, NAME_MAX)?;
    let event = match what {
        Named::Team => AuditEvent::TeamCreated,
        Named::Service => AuditEvent::ServiceCreated,
    };
    let entry = AuditEntry {
        event,
        subject: name.clone(),
        ..entry
    };
    let now = Timestamp::now();
    Ok(match what {
        Named::Team => state.store.create_team(&name, &entry, now).await?,
        Named::Service => state.store.create_service(&name, &entry, now).await?,
    })
}

/// A service's description as an admin gives it (page or API).
#[derive(Debug, Clone, Default)]
pub struct ServiceInput {
    pub name: String,
    pub category: String,
    /// Sections 1–6 in the form's order.
    pub sections: [String; 6],
    pub roles: Vec<(skranke_core::catalog::Role, String)>,
}

/// Creates or replaces the service with this key: checked first (nothing
/// written on a problem), then one audited write, as the CLI import.
pub async fn save_service(
    state: &AppState,
    key: &str,
    input: ServiceInput,
    entry: AuditEntry,
) -> Result<skranke_store::Imported, WebError> {
    use skranke_core::catalog::{self, CatalogService, Description, Role, SECTIONS};
    if !catalog::valid_key(key) {
        return Err(WebError::invalid("key", "error-invalid-key"));
    }
    let mut errors = Vec::new();
    let name = skranke_core::case::line("name", &input.name, true, 200, &mut errors);
    let category = skranke_core::case::line("category", &input.category, false, 200, &mut errors);
    let sections = SECTIONS
        .iter()
        .zip(input.sections.iter())
        .map(|((k, _), body)| {
            (
                *k,
                skranke_core::case::text(k, body, false, 20_000, &mut errors),
            )
        })
        .collect();
    let mut roles: Vec<(Role, String)> = Vec::new();
    for (role, holder) in input.roles {
        if roles.iter().any(|(r, _)| *r == role) {
            return Err(WebError::invalid("roles", "error-role-twice"));
        }
        roles.push((
            role,
            skranke_core::case::line("roles", &holder, true, 200, &mut errors),
        ));
    }
    if !errors.is_empty() {
        return Err(crate::casework::validation_error(&errors));
    }
    roles.sort_by_key(|(r, _)| Role::ALL.iter().position(|x| x == r));
    // The status line is the form's snapshot of the live status; keep it.
    let status_line = state
        .store
        .catalog_service(key)
        .await
        .ok()
        .and_then(|s| s.description.status_line);
    let service = CatalogService {
        key: key.to_owned(),
        description: Description {
            name: name.clone(),
            status_line,
            sections,
            roles,
        },
        name,
        category,
    };
    Ok(state
        .store
        .import_service(&service, &entry, Timestamp::now())
        .await?)
}
