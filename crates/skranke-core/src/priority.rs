//! The four priorities of the service description and the rule that suggests
//! one from a requester's answers about impact.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Critical,
    High,
    Medium,
    Low,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Self::Critical, Self::High, Self::Medium, Self::Low];

    pub fn key(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        }
    }
}

crate::key_from_str!(Priority);

/// The portal's impact questions. Each follows from one row of the
/// priority table's definitions (section 1, PRIORITERING).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImpactAnswers {
    /// An application needed for life-and-health services is down.
    pub life_and_health: bool,
    /// A whole system is down for at least one unit (virksomhet/faggruppe).
    pub whole_unit_down: bool,
    /// An electronic service citizens use in dialogue with the municipality is affected.
    pub citizen_service: bool,
    /// A system is down for at least one user.
    pub system_down_for_user: bool,
}

impl ImpactAnswers {
    /// The highest priority whose definition the answers meet.
    pub fn suggested_priority(self) -> Priority {
        if self.life_and_health {
            Priority::Critical
        } else if self.whole_unit_down || self.citizen_service {
            Priority::High
        } else if self.system_down_for_user {
            Priority::Medium
        } else {
            Priority::Low
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for p in Priority::ALL {
            assert_eq!(p.key().parse::<Priority>(), Ok(p));
        }
        assert!("urgent".parse::<Priority>().is_err());
    }

    #[test]
    fn the_most_severe_answer_wins() {
        let mut a = ImpactAnswers::default();
        assert_eq!(a.suggested_priority(), Priority::Low);
        a.system_down_for_user = true;
        assert_eq!(a.suggested_priority(), Priority::Medium);
        a.citizen_service = true;
        assert_eq!(a.suggested_priority(), Priority::High);
        a.citizen_service = false;
        a.whole_unit_down = true;
        assert_eq!(a.suggested_priority(), Priority::High);
        a.life_and_health = true;
        assert_eq!(a.suggested_priority(), Priority::Critical);
    }
}
