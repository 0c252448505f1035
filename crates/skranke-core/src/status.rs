//! Case statuses and which moves between them are allowed, for whom.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    InProgress,
    WaitingCustomer,
    WaitingSupplier,
    Resolved,
    Closed,
}

/// Why a status change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("the case already has status `{0}`")]
    Unchanged(Status),
    #[error("a case cannot go back to `new`")]
    BackToNew,
    #[error("only a resolved case can be confirmed")]
    NotResolved,
    #[error("only a resolved or closed case can be reopened")]
    NotFinished,
    #[error("the reopen window has passed")]
    ReopenWindowPassed,
    /// A closed case takes no more messages from the requester.
    #[error("the case is closed")]
    Closed,
    /// An agent's reply to a closed case must be confirmed first.
    #[error("the case is closed: confirm to reply anyway")]
    ClosedReply,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Self::New,
        Self::InProgress,
        Self::WaitingCustomer,
        Self::WaitingSupplier,
        Self::Resolved,
        Self::Closed,
    ];
    /// Statuses in which the case still needs work (it counts towards a handler's load).
    pub const OPEN: [Status; 4] = [
        Self::New,
        Self::InProgress,
        Self::WaitingCustomer,
        Self::WaitingSupplier,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::InProgress => "in_progress",
            Self::WaitingCustomer => "waiting_customer",
            Self::WaitingSupplier => "waiting_supplier",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
        }
    }

    pub fn is_open(self) -> bool {
        !self.is_finished()
    }

    pub fn is_finished(self) -> bool {
        matches!(self, Self::Resolved | Self::Closed)
    }

    /// An agent may move a case to any other status but `new`: `new` means
    /// "nobody has looked at it yet", which stops being true once anyone has.
    pub fn agent_transition(self, to: Status) -> Result<Status, TransitionError> {
        if self == to {
            Err(TransitionError::Unchanged(to))
        } else if to == Self::New {
            Err(TransitionError::BackToNew)
        } else {
            Ok(to)
        }
    }

    /// The requester confirms that a resolved case is solved: it is closed.
    pub fn requester_confirm(self) -> Result<Status, TransitionError> {
        match self {
            Self::Resolved => Ok(Self::Closed),
            _ => Err(TransitionError::NotResolved),
        }
    }

    /// The requester reopens a finished case within the reopen window.
    /// `within_window` is decided by the caller from the time of resolution.
    pub fn requester_reopen(self, within_window: bool) -> Result<Status, TransitionError> {
        if !self.is_finished() {
            Err(TransitionError::NotFinished)
        } else if !within_window {
            Err(TransitionError::ReopenWindowPassed)
        } else {
            Ok(Self::InProgress)
        }
    }
}

crate::key_from_str!(Status);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_never_move_back_to_new() {
        for from in Status::ALL {
            assert!(from.agent_transition(Status::New).is_err());
        }
        assert_eq!(
            Status::New.agent_transition(Status::Resolved),
            Ok(Status::Resolved)
        );
        assert_eq!(
            Status::Closed.agent_transition(Status::InProgress),
            Ok(Status::InProgress)
        );
        assert!(Status::Closed.agent_transition(Status::Closed).is_err());
    }

    #[test]
    fn requester_confirms_only_resolved_cases() {
        assert_eq!(Status::Resolved.requester_confirm(), Ok(Status::Closed));
        for s in [Status::New, Status::InProgress, Status::Closed] {
            assert_eq!(s.requester_confirm(), Err(TransitionError::NotResolved));
        }
    }

    #[test]
    fn reopen_needs_a_finished_case_inside_the_window() {
        assert_eq!(
            Status::Resolved.requester_reopen(true),
            Ok(Status::InProgress)
        );
        assert_eq!(
            Status::Closed.requester_reopen(true),
            Ok(Status::InProgress)
        );
        assert_eq!(
            Status::Resolved.requester_reopen(false),
            Err(TransitionError::ReopenWindowPassed)
        );
        assert_eq!(
            Status::InProgress.requester_reopen(true),
            Err(TransitionError::NotFinished)
        );
    }

    #[test]
    fn keys_round_trip() {
        assert!(Status::ALL.iter().all(|s| s.key().parse() == Ok(*s)));
    }
}
