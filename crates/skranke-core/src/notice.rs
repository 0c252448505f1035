//! Who inside Skranke is told what when a case changes: the handler, of
//! what others did to their case. (Escalations have their own ladder in
//! `sla`; these are the everyday ones.)

use crate::Actor;
use crate::change::{CaseState, Decision, MessageKind, Person};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// A case was given to me (by the system or a colleague).
    Assigned,
    /// The requester wrote on my case.
    RequesterReplied,
    /// My finished case is open again.
    Reopened,
    /// My case reached an escalation level.
    Escalated,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 4] = [
        Self::Assigned,
        Self::RequesterReplied,
        Self::Reopened,
        Self::Escalated,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Assigned => "assigned",
            Self::RequesterReplied => "requester_replied",
            Self::Reopened => "reopened",
            Self::Escalated => "escalated",
        }
    }
}

crate::key_from_str!(NoticeKind);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub user_id: i64,
    pub kind: NoticeKind,
}

/// What a decided change tells the handler. Nobody is told of what they
/// did themselves; a reopening says more than the message that caused it.
pub fn of_change(before: &CaseState, d: &Decision, actor: Actor) -> Vec<Notice> {
    let mut out = Vec::new();
    let Some(handler) = &d.state.handler else {
        return out;
    };
    let tell = |kind| Notice {
        user_id: handler.id,
        kind,
    };
    if before.handler.as_ref().map(|h| h.id) != Some(handler.id) && handler.id != actor.user_id {
        out.push(tell(NoticeKind::Assigned));
    }
    if handler.id == actor.user_id {
        return out;
    }
    if before.status.is_finished() && d.state.status.is_open() {
        out.push(tell(NoticeKind::Reopened));
    } else if d
        .message
        .as_ref()
        .is_some_and(|(k, _)| *k == MessageKind::RequesterMessage)
    {
        out.push(tell(NoticeKind::RequesterReplied));
    }
    out
}

/// A new case tells its handler, unless they registered it themselves.
pub fn of_registration(creator: i64, handler: Option<&Person>) -> Vec<Notice> {
    handler
        .filter(|h| h.id != creator)
        .map(|h| Notice {
            user_id: h.id,
            kind: NoticeKind::Assigned,
        })
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::{Candidate, Change, NewMessage, Rules, Update, decide};
    use crate::{Priority, Status, UserKind};
    use jiff::{SignedDuration, Timestamp};

    const KARI: i64 = 1;
    const ANNE: i64 = 9;
    const OLA: i64 = 10;

    fn now() -> Timestamp {
        "2026-12-01T09:00:00Z".parse().unwrap()
    }

    fn rules() -> Rules {
        Rules {
            reopen_window: SignedDuration::from_hours(24 * 14),
        }
    }

    fn person(id: i64) -> Person {
        Person {
            id,
            name: format!("#{id}"),
        }
    }

    fn case(status: Status) -> CaseState {
        CaseState {
            requester_id: KARI,
            status,
            priority: Priority::Low,
            priority_confirmed: true,
            handler: Some(person(ANNE)),
            team: None,
            resolved_at: status
                .is_finished()
                .then(|| now() - SignedDuration::from_hours(1)),
            agreed_deadline: None,
        }
    }

    fn actor(user_id: i64, kind: UserKind) -> Actor {
        Actor { user_id, kind }
    }

    fn notices(before: &CaseState, who: Actor, change: Change) -> Vec<(i64, NoticeKind)> {
        let d = decide(before, who, change, &rules(), now()).unwrap();
        of_change(before, &d, who)
            .into_iter()
            .map(|n| (n.user_id, n.kind))
            .collect()
    }

    fn say(body: &str) -> Change {
        Change::Message(NewMessage {
            body: body.into(),
            ..NewMessage::default()
        })
    }

    #[test]
    fn the_handler_hears_of_the_requester_and_of_reopenings_once() {
        let kari = actor(KARI, UserKind::Employee);
        assert_eq!(
            notices(&case(Status::InProgress), kari, say("Hei")),
            [(ANNE, NoticeKind::RequesterReplied)]
        );
        assert_eq!(
            notices(&case(Status::Resolved), kari, say("Virker ikke")),
            [(ANNE, NoticeKind::Reopened)],
            "a reply that reopens is one notice"
        );
        assert_eq!(
            notices(
                &case(Status::Closed),
                kari,
                Change::Reopen {
                    reason: "Igjen".into()
                }
            ),
            [(ANNE, NoticeKind::Reopened)]
        );
        let mut unassigned = case(Status::InProgress);
        unassigned.handler = None;
        assert_eq!(notices(&unassigned, kari, say("Hei")), []);
    }

    #[test]
    fn nobody_hears_of_their_own_doing_and_a_new_handler_hears_of_the_case() {
        let anne = actor(ANNE, UserKind::Agent);
        assert_eq!(notices(&case(Status::InProgress), anne, say("Svar")), []);
        let to_ola = Change::Update(Update {
            handler: Some(Some(Candidate {
                person: person(OLA),
                kind: UserKind::Agent,
                active: true,
                team: None,
            })),
            ..Update::default()
        });
        assert_eq!(
            notices(&case(Status::InProgress), anne, to_ola.clone()),
            [(OLA, NoticeKind::Assigned)]
        );
        let ola = actor(OLA, UserKind::Agent);
        assert_eq!(
            notices(&case(Status::InProgress), ola, to_ola),
            [],
            "taking a case oneself"
        );
        assert_eq!(
            of_registration(KARI, Some(&person(ANNE))),
            [Notice {
                user_id: ANNE,
                kind: NoticeKind::Assigned
            }]
        );
        assert_eq!(of_registration(ANNE, Some(&person(ANNE))), []);
        assert_eq!(of_registration(KARI, None), []);
    }
}
