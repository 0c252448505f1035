//! People: who they are to Kundeservice and what they may do.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserKind {
    Employee,
    Pupil,
    Guardian,
    Agent,
    Admin,
}

impl UserKind {
    pub const ALL: [UserKind; 5] = [
        Self::Employee,
        Self::Pupil,
        Self::Guardian,
        Self::Agent,
        Self::Admin,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Employee => "employee",
            Self::Pupil => "pupil",
            Self::Guardian => "guardian",
            Self::Agent => "agent",
            Self::Admin => "admin",
        }
    }

    /// Pupils and guardians are not customers of Kundeservice (section 1);
    /// they go to their school instead.
    pub fn is_customer(self) -> bool {
        !matches!(self, Self::Pupil | Self::Guardian)
    }

    /// Staff work cases; admins are staff too.
    pub fn is_staff(self) -> bool {
        matches!(self, Self::Agent | Self::Admin)
    }
}

crate::key_from_str!(UserKind);

/// The person acting in a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub kind: UserKind,
}

impl Actor {
    /// The one rule for reading a case: staff read all, a requester only
    /// their own and those they are copied on. Callers answer "not found"
    /// when this is false so that a case's existence is not revealed.
    pub fn may_read_case(&self, requester_id: i64, copied: &[i64]) -> bool {
        self.kind.is_staff() || self.user_id == requester_id || copied.contains(&self.user_id)
    }

    pub fn may_create_case(&self) -> bool {
        self.kind.is_customer()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requesters_read_only_their_own_cases() {
        let a = Actor {
            user_id: 1,
            kind: UserKind::Employee,
        };
        assert!(a.may_read_case(1, &[]));
        assert!(!a.may_read_case(2, &[]));
        assert!(a.may_read_case(2, &[3, 1]), "copied on it");
        let agent = Actor {
            user_id: 9,
            kind: UserKind::Agent,
        };
        assert!(agent.may_read_case(1, &[]));
    }

    #[test]
    fn pupils_and_guardians_are_not_customers() {
        for k in UserKind::ALL {
            let a = Actor {
                user_id: 1,
                kind: k,
            };
            assert_eq!(
                a.may_create_case(),
                !matches!(k, UserKind::Pupil | UserKind::Guardian)
            );
        }
    }
}
