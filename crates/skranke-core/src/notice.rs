//! Who is told what when a case changes: the handler, of what others did
//! to their case; the requester and the people copied, of what the desk
//! did (the receipt, a reply, a wait for an answer, the resolution). Each notice is shown
//! in the app and sent by e-mail unless its reader turned that kind off.
//! (Escalations have their own ladder in `sla`; these are the everyday ones.)

use crate::change::{CaseState, Decision, MessageKind, Person};
use crate::{Actor, Status, UserKind};

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
    /// My case is registered: its number and handler (the receipt).
    Received,
    /// Someone answered on my case: the desk, or (to the requester and
    /// the people copied) one of the others on the customer's side.
    Replied,
    /// The desk waits for my answer.
    WaitingForYou,
    /// My case is resolved: confirm it, or answer to reopen it.
    Resolved,
    /// I am copied on someone's case from now on.
    Copied,
    /// An operational message I follow was published or updated.
    StatusUpdate,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 10] = [
        Self::Assigned,
        Self::RequesterReplied,
        Self::Reopened,
        Self::Escalated,
        Self::Received,
        Self::Replied,
        Self::WaitingForYou,
        Self::Resolved,
        Self::Copied,
        Self::StatusUpdate,
    ];

    /// What the requester of a case, and the people copied, are told (the
    /// rest are for the desk).
    pub const REQUESTER: [NoticeKind; 6] = [
        Self::Received,
        Self::Replied,
        Self::WaitingForYou,
        Self::Resolved,
        Self::Copied,
        Self::StatusUpdate,
    ];

    pub fn is_requesters(self) -> bool {
        Self::REQUESTER.contains(&self)
    }

    /// Whether the mail is a person's words (a reply) rather than the
    /// system's: automatic mail is marked so, and never answered by
    /// other systems' auto-replies.
    pub fn is_automatic(self) -> bool {
        self != Self::Replied
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Assigned => "assigned",
            Self::RequesterReplied => "requester_replied",
            Self::Reopened => "reopened",
            Self::Escalated => "escalated",
            Self::Received => "received",
            Self::Replied => "replied",
            Self::WaitingForYou => "waiting_for_you",
            Self::Resolved => "resolved",
            Self::Copied => "copied",
            Self::StatusUpdate => "status_update",
        }
    }
}

crate::key_from_str!(NoticeKind);

/// The kinds of notice a person of this kind can receive, and so choose
/// to have by e-mail or not.
pub fn choices(kind: UserKind) -> &'static [NoticeKind] {
    if kind.is_staff() {
        &NoticeKind::ALL
    } else {
        &NoticeKind::REQUESTER
    }
}

/// Whether a person who turned off `off` (space-separated keys, as
/// stored) wants this notice by e-mail.
pub fn mail_wanted(off: &str, kind: NoticeKind) -> bool {
    !off.split_whitespace().any(|k| k == kind.key())
}

/// The stored form of the kinds a person does not want by e-mail.
pub fn mail_off(kinds: &[NoticeKind]) -> String {
    NoticeKind::ALL
        .iter()
        .filter(|k| kinds.contains(k))
        .map(|k| k.key())
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub user_id: i64,
    pub kind: NoticeKind,
    /// It carries the public message of the change (the reply's words).
    pub with_message: bool,
}

/// What a decided change tells the handler, the requester and the people
/// copied. Nobody is told of what they did themselves; every message but
/// an internal note reaches the customer's side (the desk's replies, and
/// what the requester and the people copied write to each other); a
/// reopening says more than the message that caused it, a resolution or
/// a wait more than the reply that came with it (which the notice then
/// carries).
pub fn of_change(before: &CaseState, d: &Decision, actor: Actor) -> Vec<Notice> {
    let mut out = Vec::new();
    let public = d
        .message
        .as_ref()
        .is_some_and(|(k, _)| *k != MessageKind::InternalNote);
    let entered = |s: Status| before.status != s && d.state.status == s;
    let kind = if entered(Status::Resolved) {
        Some(NoticeKind::Resolved)
    } else if entered(Status::WaitingCustomer) {
        Some(NoticeKind::WaitingForYou)
    } else {
        public.then_some(NoticeKind::Replied)
    };
    // Someone newly copied hears of it (who copied them is not them).
    out.extend(
        d.state
            .copied
            .iter()
            .filter(|p| !before.is_copied(p.id) && p.id != actor.user_id)
            .map(|p| Notice {
                user_id: p.id,
                kind: NoticeKind::Copied,
                with_message: false,
            }),
    );
    if let Some(kind) = kind {
        let customers =
            std::iter::once(before.requester_id).chain(d.state.copied.iter().map(|p| p.id));
        out.extend(
            customers
                .filter(|id| *id != actor.user_id)
                .map(|user_id| Notice {
                    user_id,
                    kind,
                    with_message: public,
                }),
        );
    }
    let Some(handler) = &d.state.handler else {
        return out;
    };
    let tell = |kind| Notice {
        user_id: handler.id,
        kind,
        with_message: false,
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

/// A new case gives its requester and the people copied a receipt (also
/// when an agent took it on the phone: the number is what they refer to),
/// and tells its handler unless they registered it themselves.
pub fn of_registration(
    requester: i64,
    copied: &[i64],
    creator: i64,
    handler: Option<&Person>,
) -> Vec<Notice> {
    let receipt = |user_id| Notice {
        user_id,
        kind: NoticeKind::Received,
        with_message: false,
    };
    std::iter::once(requester)
        .chain(copied.iter().copied())
        .map(receipt)
        .chain(handler.filter(|h| h.id != creator).map(|h| Notice {
            user_id: h.id,
            kind: NoticeKind::Assigned,
            with_message: false,
        }))
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
            copied: Vec::new(),
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
    fn the_people_copied_hear_what_the_requester_hears_and_the_handler_hears_them() {
        let mut open = case(Status::InProgress);
        open.copied = vec![person(OLA + 1)];
        let anne = actor(ANNE, UserKind::Agent);
        assert_eq!(
            notices(&open, anne, say("Svar")),
            [(KARI, NoticeKind::Replied), (OLA + 1, NoticeKind::Replied)]
        );
        let per = actor(OLA + 1, UserKind::Employee);
        assert_eq!(
            notices(&open, per, say("Fra kollega")),
            [
                (KARI, NoticeKind::Replied),
                (ANNE, NoticeKind::RequesterReplied)
            ],
            "the requester and the handler hear of a colleague's words; nobody of their own"
        );
        let kari = actor(KARI, UserKind::Employee);
        assert_eq!(
            notices(&open, kari, say("Takk")),
            [
                (OLA + 1, NoticeKind::Replied),
                (ANNE, NoticeKind::RequesterReplied)
            ],
            "the people copied hear of the requester's words"
        );
        assert_eq!(
            of_registration(KARI, &[OLA + 1], KARI, None)
                .into_iter()
                .map(|n| (n.user_id, n.kind))
                .collect::<Vec<_>>(),
            [
                (KARI, NoticeKind::Received),
                (OLA + 1, NoticeKind::Received)
            ],
            "everyone copied gets the receipt"
        );
        let copy_ola = Change::Copy(Candidate {
            person: person(OLA + 2),
            kind: UserKind::Employee,
            active: true,
            team: None,
        });
        assert_eq!(
            notices(&open, anne, copy_ola.clone()),
            [(OLA + 2, NoticeKind::Copied)],
            "one newly copied hears of it, nobody else"
        );
        let mut already = open.clone();
        already.copied.push(person(OLA + 2));
        assert_eq!(notices(&already, anne, copy_ola), [], "nor twice");
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
        assert_eq!(
            notices(&case(Status::InProgress), anne, say("Svar")),
            [(KARI, NoticeKind::Replied)],
            "the handler's own reply tells only the requester"
        );
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
        let registered = |creator, handler: Option<Person>| -> Vec<(i64, NoticeKind)> {
            of_registration(KARI, &[], creator, handler.as_ref())
                .into_iter()
                .map(|n| (n.user_id, n.kind))
                .collect()
        };
        assert_eq!(
            registered(KARI, Some(person(ANNE))),
            [(KARI, NoticeKind::Received), (ANNE, NoticeKind::Assigned)]
        );
        assert_eq!(
            registered(ANNE, Some(person(ANNE))),
            [(KARI, NoticeKind::Received)],
            "an agent taking a call gets no notice of it, the caller a receipt"
        );
        assert_eq!(registered(KARI, None), [(KARI, NoticeKind::Received)]);
    }

    #[test]
    fn the_requester_hears_of_replies_waits_and_resolutions_and_of_nothing_internal() {
        let anne = actor(ANNE, UserKind::Agent);
        let with_status = |internal, status| {
            Change::Message(NewMessage {
                body: "Tekst".into(),
                internal,
                status: Some(status),
                ..NewMessage::default()
            })
        };
        let open = case(Status::InProgress);
        let d = decide(
            &open,
            anne,
            with_status(false, Status::WaitingCustomer),
            &rules(),
            now(),
        )
        .unwrap();
        assert_eq!(
            of_change(&open, &d, anne),
            [Notice {
                user_id: KARI,
                kind: NoticeKind::WaitingForYou,
                with_message: true
            }],
            "a question that waits for the answer is one notice, carrying the question"
        );
        let d = decide(
            &open,
            anne,
            with_status(true, Status::Resolved),
            &rules(),
            now(),
        )
        .unwrap();
        assert_eq!(
            of_change(&open, &d, anne),
            [Notice {
                user_id: KARI,
                kind: NoticeKind::Resolved,
                with_message: false
            }],
            "an internal note never reaches the requester, the resolution does"
        );
        assert_eq!(
            notices(
                &open,
                anne,
                Change::Message(NewMessage {
                    body: "Notat".into(),
                    internal: true,
                    ..NewMessage::default()
                })
            ),
            []
        );
    }

    #[test]
    fn mail_choices_are_kept_as_keys_and_only_turned_off_kinds_are_left_out() {
        let off = mail_off(&[NoticeKind::Resolved, NoticeKind::Received]);
        assert_eq!(off, "received resolved");
        assert!(!mail_wanted(&off, NoticeKind::Resolved));
        assert!(!mail_wanted(&off, NoticeKind::Received));
        assert!(mail_wanted(&off, NoticeKind::Replied));
        assert!(mail_wanted("", NoticeKind::Escalated));
        assert_eq!(choices(UserKind::Employee), NoticeKind::REQUESTER);
        assert_eq!(choices(UserKind::Agent).len(), NoticeKind::ALL.len());
        assert!(NoticeKind::REQUESTER.iter().all(|k| k.is_requesters()));
        assert!(!NoticeKind::Replied.is_automatic());
        assert!(NoticeKind::Received.is_automatic());
    }
}
