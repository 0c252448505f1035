//! Security events that the audit log keeps: who logged in or failed to,
//! who changed a password or a token, and what admins changed.

/// One kind of event, stored by its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditEvent {
    LoginSucceeded,
    LoginFailed,
    /// Refused before the password was checked: too many failures.
    LoginThrottled,
    Logout,
    /// Every session of the user ended at once.
    LogoutEverywhere,
    PasswordChanged,
    /// An admin set a one-time password.
    PasswordReset,
    TokenCreated,
    TokenDeleted,
    UserCreated,
    UserActivated,
    UserDeactivated,
    UserTeamChanged,
    /// An admin made someone their organisation's contact, or not.
    OrgContactChanged,
    OrganizationCreated,
    UnitCreated,
    TeamCreated,
    ServiceCreated,
    /// A service's description was imported over the one it had.
    ServiceUpdated,
    /// An admin let a held e-mail through, to become a case.
    MailReleased,
    /// An admin deleted a held e-mail.
    MailDeleted,
}

impl AuditEvent {
    pub const ALL: [AuditEvent; 21] = [
        Self::LoginSucceeded,
        Self::LoginFailed,
        Self::LoginThrottled,
        Self::Logout,
        Self::LogoutEverywhere,
        Self::PasswordChanged,
        Self::PasswordReset,
        Self::TokenCreated,
        Self::TokenDeleted,
        Self::UserCreated,
        Self::UserActivated,
        Self::UserDeactivated,
        Self::UserTeamChanged,
        Self::OrgContactChanged,
        Self::OrganizationCreated,
        Self::UnitCreated,
        Self::TeamCreated,
        Self::ServiceCreated,
        Self::ServiceUpdated,
        Self::MailReleased,
        Self::MailDeleted,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::LoginSucceeded => "login_succeeded",
            Self::LoginFailed => "login_failed",
            Self::LoginThrottled => "login_throttled",
            Self::Logout => "logout",
            Self::LogoutEverywhere => "logout_everywhere",
            Self::PasswordChanged => "password_changed",
            Self::PasswordReset => "password_reset",
            Self::TokenCreated => "token_created",
            Self::TokenDeleted => "token_deleted",
            Self::UserCreated => "user_created",
            Self::UserActivated => "user_activated",
            Self::UserDeactivated => "user_deactivated",
            Self::UserTeamChanged => "user_team_changed",
            Self::OrgContactChanged => "org_contact_changed",
            Self::OrganizationCreated => "organization_created",
            Self::UnitCreated => "unit_created",
            Self::TeamCreated => "team_created",
            Self::ServiceCreated => "service_created",
            Self::ServiceUpdated => "service_updated",
            Self::MailReleased => "mail_released",
            Self::MailDeleted => "mail_deleted",
        }
    }
}

crate::key_from_str!(AuditEvent);

/// An event to record: who did it (`None`: someone not logged in, or the
/// system), whom or what it is about, and from which address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub event: AuditEvent,
    pub actor_id: Option<i64>,
    pub subject_id: Option<i64>,
    /// What the event is about, as typed or named: a username tried, a token's name.
    pub subject: String,
    pub address: String,
    pub detail: String,
}

impl AuditEntry {
    pub fn new(event: AuditEvent, actor_id: Option<i64>) -> AuditEntry {
        AuditEntry {
            event,
            actor_id,
            subject_id: None,
            subject: String::new(),
            address: String::new(),
            detail: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for e in AuditEvent::ALL {
            assert_eq!(e.key().parse::<AuditEvent>(), Ok(e));
        }
    }
}
