//! Every change to a registered case, decided in one place: `decide` takes
//! the case as it is, who acts, what they ask for and the time, and returns
//! the new state with its history entries, or an error naming the field.
//! The store persists a decision in one transaction; the pages and the API
//! both call this, so they cannot disagree.

use crate::case::{MESSAGE_MAX, ValidationCode, line, text};
use crate::history::{HistoryEvent, HistoryField};
use crate::priority::ImpactAnswers;
use crate::status::TransitionError;
use crate::{Actor, Priority, Status, UserKind};
use jiff::{SignedDuration, Timestamp};

/// Longest reason for an agreed deadline, in characters.
pub const REASON_MAX: usize = 500;

/// Most people copied on one case.
pub const COPIED_MAX: usize = 20;

/// Someone a case refers to: the id, and the name its history shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub name: String,
}

/// A case as the rules of change see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseState {
    pub requester_id: i64,
    pub status: Status,
    pub priority: Priority,
    pub priority_confirmed: bool,
    pub handler: Option<Person>,
    pub team: Option<i64>,
    /// The last entry into `resolved`/`closed` from an open status.
    pub resolved_at: Option<Timestamp>,
    pub agreed_deadline: Option<Timestamp>,
    /// People copied on the case: they hear what the requester hears, may
    /// read it and write on it, but not confirm or reopen it.
    pub copied: Vec<Person>,
}

impl CaseState {
    pub fn is_copied(&self, user_id: i64) -> bool {
        self.copied.iter().any(|p| p.id == user_id)
    }
}

/// Someone proposed as the handler, as the store found them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub person: Person,
    pub kind: UserKind,
    pub active: bool,
    pub team: Option<i64>,
}

/// An agent's edit of a case: any of its fields, at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Update {
    pub status: Option<Status>,
    /// Setting it, even to the same value, confirms the priority.
    pub priority: Option<Priority>,
    /// `Some(None)` leaves the case unassigned.
    pub handler: Option<Option<Candidate>>,
    /// An agreed resolution deadline and its reason.
    pub agreed_deadline: Option<(Timestamp, String)>,
}

/// A reply, note or requester's message, and what it implies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewMessage {
    /// An internal note (agents only).
    pub internal: bool,
    pub body: String,
    /// How many files come with it: a message of files alone needs no text.
    pub attachments: usize,
    /// Agents: a status to set with the message (asking a question and
    /// waiting for the answer, say).
    pub status: Option<Status>,
    /// Agents: a reply to a closed case is sent only when confirmed (it
    /// reaches the requester but does not reopen the case).
    pub confirm_closed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Update(Update),
    Message(NewMessage),
    /// The requester confirms that a resolved case is solved.
    Confirm,
    /// The requester reopens a finished case inside the reopen window,
    /// saying why (the reason goes into the history).
    Reopen {
        reason: String,
    },
    /// Copy someone on the case (staff or the requester do this).
    Copy(Candidate),
    /// Stop copying someone (staff, the requester, or they themselves).
    Uncopy(i64),
}

/// The configured rules a decision depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub reopen_window: SignedDuration,
}

impl Rules {
    pub fn from_config(config: &crate::Config) -> Rules {
        Rules {
            reopen_window: SignedDuration::from_hours(
                24 * i64::from(config.cases.reopen_window_days),
            ),
        }
    }
}

/// Which kind of message a change stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// From an agent to the requester.
    PublicReply,
    InternalNote,
    /// From the requester.
    RequesterMessage,
}

impl MessageKind {
    pub const ALL: [MessageKind; 3] = [
        Self::PublicReply,
        Self::InternalNote,
        Self::RequesterMessage,
    ];

    pub fn key(self) -> &'static str {
        self.field().key()
    }

    pub fn field(self) -> HistoryField {
        match self {
            Self::PublicReply => HistoryField::PublicReply,
            Self::InternalNote => HistoryField::InternalNote,
            Self::RequesterMessage => HistoryField::RequesterMessage,
        }
    }

    pub fn is_internal(self) -> bool {
        self == Self::InternalNote
    }
}

crate::key_from_str!(MessageKind);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub state: CaseState,
    /// In the order they happen; empty when nothing changes.
    pub events: Vec<HistoryEvent>,
    /// The message to store, with its text as kept.
    pub message: Option<(MessageKind, String)>,
}

/// Why a change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    /// This person may not make this change at all.
    #[error("not allowed")]
    Forbidden,
    #[error("{field}: {code}")]
    Invalid {
        field: &'static str,
        code: ValidationCode,
    },
    /// The case's status does not allow it.
    #[error("status: {0}")]
    Transition(TransitionError),
}

impl ChangeError {
    fn invalid(field: &'static str, code: ValidationCode) -> ChangeError {
        ChangeError::Invalid { field, code }
    }
}

fn ms(t: Timestamp) -> String {
    t.as_millisecond().to_string()
}

struct Draft {
    state: CaseState,
    events: Vec<HistoryEvent>,
    now: Timestamp,
}

impl Draft {
    fn push(
        &mut self,
        by: Option<i64>,
        field: HistoryField,
        old: Option<String>,
        new: Option<String>,
    ) {
        self.events
            .push(HistoryEvent::new(by, field).values(old, new));
    }

    fn set_status(&mut self, by: Option<i64>, to: Status, from_message: bool) {
        let from = self.state.status;
        if from == to {
            return;
        }
        if to.is_finished() && from.is_open() {
            self.state.resolved_at = Some(self.now);
        } else if to.is_open() {
            self.state.resolved_at = None;
        }
        self.state.status = to;
        let mut e = HistoryEvent::new(by, HistoryField::Status)
            .values(Some(from.key().into()), Some(to.key().into()));
        e.from_message = from_message;
        self.events.push(e);
    }

    fn within_reopen_window(&self, rules: &Rules) -> bool {
        self.state
            .resolved_at
            .is_some_and(|at| at + rules.reopen_window > self.now)
    }
}

/// Decides a change. `now` is the instant of the change.
pub fn decide(
    case: &CaseState,
    actor: Actor,
    change: Change,
    rules: &Rules,
    now: Timestamp,
) -> Result<Decision, ChangeError> {
    let mut d = Draft {
        state: case.clone(),
        events: Vec::new(),
        now,
    };
    let staff = actor.kind.is_staff();
    let own = actor.user_id == case.requester_id;
    let copied = case.is_copied(actor.user_id);
    let by = Some(actor.user_id);
    let mut message = None;
    match change {
        Change::Update(u) => {
            if !staff {
                return Err(ChangeError::Forbidden);
            }
            update(&mut d, by, u)?;
        }
        Change::Message(m) => {
            if !staff && !own && !copied {
                return Err(ChangeError::Forbidden);
            }
            if !staff && m.internal {
                return Err(ChangeError::invalid("internal", ValidationCode::NotAllowed));
            }
            if !staff && m.status.is_some() {
                return Err(ChangeError::invalid("status", ValidationCode::NotAllowed));
            }
            let kind = match (staff, m.internal) {
                (true, true) => MessageKind::InternalNote,
                (true, false) => MessageKind::PublicReply,
                (false, _) => MessageKind::RequesterMessage,
            };
            // What the requester's message does to the case, or why it is refused.
            let implied = match (kind, d.state.status) {
                (MessageKind::RequesterMessage, Status::WaitingCustomer) => {
                    Some(Status::InProgress)
                }
                (MessageKind::RequesterMessage, Status::Resolved)
                    if d.within_reopen_window(rules) =>
                {
                    Some(Status::InProgress)
                }
                (MessageKind::RequesterMessage, Status::Resolved) => {
                    return Err(ChangeError::Transition(TransitionError::ReopenWindowPassed));
                }
                (MessageKind::RequesterMessage, Status::Closed) => {
                    return Err(ChangeError::Transition(TransitionError::Closed));
                }
                // An agent's first reply starts the work.
                (MessageKind::PublicReply, Status::New) if m.status.is_none() => {
                    Some(Status::InProgress)
                }
                (MessageKind::PublicReply, Status::Closed)
                    if !m.confirm_closed && m.status.is_none() =>
                {
                    return Err(ChangeError::Transition(TransitionError::ClosedReply));
                }
                _ => None,
            };
            let mut errors = Vec::new();
            let body = text(
                "body",
                &m.body,
                m.attachments == 0,
                MESSAGE_MAX,
                &mut errors,
            );
            if let Some(e) = errors.first() {
                return Err(ChangeError::invalid(e.field, e.code));
            }
            let mut e = HistoryEvent::new(by, kind.field());
            e.from_message = true;
            d.events.push(e);
            if let Some(to) = m.status.filter(|s| *s != d.state.status) {
                let to = d
                    .state
                    .status
                    .agent_transition(to)
                    .map_err(ChangeError::Transition)?;
                d.set_status(by, to, false);
            } else if let Some(to) = implied {
                d.set_status(None, to, true);
            }
            message = Some((kind, body));
        }
        Change::Confirm => {
            if !own {
                return Err(ChangeError::Forbidden);
            }
            let to = d
                .state
                .status
                .requester_confirm()
                .map_err(ChangeError::Transition)?;
            d.set_status(by, to, false);
        }
        Change::Reopen { reason } => {
            if !own {
                return Err(ChangeError::Forbidden);
            }
            let within = d.within_reopen_window(rules);
            let to = d
                .state
                .status
                .requester_reopen(within)
                .map_err(ChangeError::Transition)?;
            let mut errors = Vec::new();
            let reason = line("reason", &reason, true, REASON_MAX, &mut errors);
            if let Some(e) = errors.first() {
                return Err(ChangeError::invalid(e.field, e.code));
            }
            d.set_status(by, to, false);
            if let Some(e) = d.events.last_mut() {
                e.note = Some(reason);
            }
        }
        Change::Copy(c) => {
            if !may_copy(case, actor) {
                return Err(ChangeError::Forbidden);
            }
            if !copyable(&c, case.requester_id) {
                return Err(ChangeError::invalid("copied", ValidationCode::NotCopyable));
            }
            if !d.state.is_copied(c.person.id) {
                if d.state.copied.len() >= COPIED_MAX {
                    return Err(ChangeError::invalid(
                        "copied",
                        ValidationCode::TooMany(COPIED_MAX),
                    ));
                }
                d.push(by, HistoryField::Copied, None, Some(c.person.name.clone()));
                d.state.copied.push(c.person);
            }
        }
        Change::Uncopy(id) => {
            if !staff && !own && actor.user_id != id {
                return Err(ChangeError::Forbidden);
            }
            if let Some(i) = d.state.copied.iter().position(|p| p.id == id) {
                let gone = d.state.copied.remove(i);
                d.push(by, HistoryField::Copied, Some(gone.name), None);
            }
        }
    }
    Ok(Decision {
        state: d.state,
        events: d.events,
        message,
    })
}

fn update(d: &mut Draft, by: Option<i64>, u: Update) -> Result<(), ChangeError> {
    // The order of the entries is the order the SLA engine applies them at
    // one instant: a corrected priority applies before a resolution.
    if let Some(p) = u.priority {
        if p != d.state.priority {
            let old = d.state.priority.key().into();
            d.push(by, HistoryField::Priority, Some(old), Some(p.key().into()));
        } else if !d.state.priority_confirmed {
            d.push(
                by,
                HistoryField::PriorityConfirmed,
                None,
                Some(p.key().into()),
            );
        }
        d.state.priority = p;
        d.state.priority_confirmed = true;
    }
    match u.handler {
        None => {}
        Some(None) => {
            if let Some(old) = d.state.handler.take() {
                d.push(by, HistoryField::Handler, Some(old.name), None);
                d.state.team = None;
            }
        }
        Some(Some(c)) => {
            if c.kind != UserKind::Agent || !c.active {
                return Err(ChangeError::invalid(
                    "handler",
                    ValidationCode::NotActiveAgent,
                ));
            }
            if d.state.handler.as_ref().map(|h| h.id) != Some(c.person.id) {
                let old = d.state.handler.as_ref().map(|h| h.name.clone());
                d.push(by, HistoryField::Handler, old, Some(c.person.name.clone()));
                d.state.handler = Some(c.person);
                d.state.team = c.team;
            }
        }
    }
    if let Some((deadline, reason)) = u.agreed_deadline {
        let mut errors = Vec::new();
        let reason = line(
            "agreed_deadline_reason",
            &reason,
            true,
            REASON_MAX,
            &mut errors,
        );
        if let Some(e) = errors.first() {
            return Err(ChangeError::invalid(e.field, e.code));
        }
        // Whole seconds, as the SLA engine counts.
        if deadline.as_second() < d.now.as_second() {
            return Err(ChangeError::invalid(
                "agreed_deadline",
                ValidationCode::InPast,
            ));
        }
        let mut e = HistoryEvent::new(by, HistoryField::AgreedDeadline)
            .values(d.state.agreed_deadline.map(ms), Some(ms(deadline)));
        e.note = Some(reason);
        d.events.push(e);
        d.state.agreed_deadline = Some(deadline);
    }
    if let Some(to) = u.status.filter(|s| *s != d.state.status) {
        let to = d
            .state
            .status
            .agent_transition(to)
            .map_err(ChangeError::Transition)?;
        d.set_status(by, to, false);
    }
    Ok(())
}

/// Whether `decide` would accept this change now: what a page asks
/// before it offers a button. (Give a change its text too: a reopening
/// without a reason is refused for the reason, not the button.)
pub fn allowed(
    case: &CaseState,
    actor: Actor,
    change: Change,
    rules: &Rules,
    now: Timestamp,
) -> bool {
    decide(case, actor, change, rules, now).is_ok()
}

/// A new case's priority and whether it is confirmed: an agent may set it;
/// a requester answers the impact questions (or not: then the rule's
/// default, Lav) and the priority follows, for the handler to confirm.
pub fn initial_priority(
    creator: Actor,
    priority: Option<Priority>,
    impact: Option<ImpactAnswers>,
) -> Result<(Priority, bool), ChangeError> {
    match priority {
        Some(_) if !creator.kind.is_staff() => {
            Err(ChangeError::invalid("priority", ValidationCode::NotAllowed))
        }
        Some(p) => Ok((p, true)),
        None => Ok((impact.unwrap_or_default().suggested_priority(), false)),
    }
}

/// The first entries of a new case's history: registered and prioritised
/// by whoever registered it, and handed to a handler by the system.
pub fn registration_events(
    creator: i64,
    number: &str,
    priority: Priority,
    handler: Option<&Person>,
    copied: &[Person],
) -> Vec<HistoryEvent> {
    let mut events = vec![
        HistoryEvent::new(Some(creator), HistoryField::Created).values(None, Some(number.into())),
        HistoryEvent::new(Some(creator), HistoryField::Priority)
            .values(None, Some(priority.key().into())),
        HistoryEvent::new(None, HistoryField::Handler)
            .values(None, handler.map(|h| h.name.clone())),
    ];
    events.extend(copied.iter().map(|p| {
        HistoryEvent::new(Some(creator), HistoryField::Copied).values(None, Some(p.name.clone()))
    }));
    events
}

/// Whether the actor may copy people on the case: staff and the requester.
pub fn may_copy(case: &CaseState, actor: Actor) -> bool {
    actor.kind.is_staff() || actor.user_id == case.requester_id
}

/// Whether this person can be copied on a case of `requester_id`: an
/// active customer other than the requester (staff read every case
/// already; pupils and guardians have none).
pub fn copyable(c: &Candidate, requester_id: i64) -> bool {
    c.kind.is_customer() && !c.kind.is_staff() && c.active && c.person.id != requester_id
}

#[cfg(test)]
mod tests {
    use super::*;

    const KARI: i64 = 1;
    const ANNE: i64 = 9;

    fn now() -> Timestamp {
        "2026-12-01T09:00:00Z".parse().unwrap()
    }

    fn rules() -> Rules {
        Rules {
            reopen_window: SignedDuration::from_hours(24 * 14),
        }
    }

    fn case(status: Status) -> CaseState {
        CaseState {
            requester_id: KARI,
            status,
            priority: Priority::Low,
            priority_confirmed: false,
            handler: Some(Person {
                id: ANNE,
                name: "Anne".into(),
            }),
            team: Some(3),
            resolved_at: status
                .is_finished()
                .then(|| now() - SignedDuration::from_hours(24)),
            agreed_deadline: None,
            copied: Vec::new(),
        }
    }

    fn kari() -> Actor {
        Actor {
            user_id: KARI,
            kind: UserKind::Employee,
        }
    }

    fn anne() -> Actor {
        Actor {
            user_id: ANNE,
            kind: UserKind::Agent,
        }
    }

    fn say(body: &str) -> Change {
        Change::Message(NewMessage {
            body: body.into(),
            ..NewMessage::default()
        })
    }

    fn fields(d: &Decision) -> Vec<(Option<i64>, HistoryField, Option<String>)> {
        d.events
            .iter()
            .map(|e| (e.by, e.field, e.new.clone()))
            .collect()
    }

    fn per(kind: UserKind, active: bool) -> Candidate {
        Candidate {
            person: Person {
                id: 2,
                name: "Per".into(),
            },
            kind,
            active,
            team: None,
        }
    }

    #[test]
    fn a_copied_person_writes_as_the_requester_does_but_cannot_close_or_reopen() {
        let per_acts = Actor {
            user_id: 2,
            kind: UserKind::Employee,
        };
        let open = case(Status::WaitingCustomer);
        assert_eq!(
            decide(&open, per_acts, say("Jeg også"), &rules(), now()),
            Err(ChangeError::Forbidden),
            "not copied: not theirs to write on"
        );
        let d = decide(
            &open,
            kari(),
            Change::Copy(per(UserKind::Employee, true)),
            &rules(),
            now(),
        )
        .unwrap();
        assert_eq!(
            fields(&d),
            [(Some(KARI), HistoryField::Copied, Some("Per".into()))]
        );
        let copied = d.state;
        let again = decide(
            &copied,
            anne(),
            Change::Copy(per(UserKind::Employee, true)),
            &rules(),
            now(),
        )
        .unwrap();
        assert!(again.events.is_empty(), "copied once");
        let d = decide(&copied, per_acts, say("Jeg også"), &rules(), now()).unwrap();
        assert_eq!(
            d.message.unwrap().0,
            MessageKind::RequesterMessage,
            "never the desk's response"
        );
        assert_eq!(
            d.state.status,
            Status::InProgress,
            "an answer from the customer's side"
        );
        let mut resolved = copied.clone();
        resolved.status = Status::Resolved;
        resolved.resolved_at = Some(now() - SignedDuration::from_hours(1));
        assert_eq!(
            decide(&resolved, per_acts, Change::Confirm, &rules(), now()),
            Err(ChangeError::Forbidden)
        );
        assert_eq!(
            decide(
                &copied,
                per_acts,
                Change::Copy(per(UserKind::Employee, true)),
                &rules(),
                now()
            ),
            Err(ChangeError::Forbidden),
            "only the requester and the desk copy people"
        );
        let d = decide(&copied, per_acts, Change::Uncopy(2), &rules(), now()).unwrap();
        assert!(
            d.state.copied.is_empty(),
            "one may stop being copied oneself"
        );
        assert_eq!(fields(&d), [(Some(2), HistoryField::Copied, None)]);
    }

    #[test]
    fn only_active_customers_other_than_the_requester_are_copied() {
        let open = case(Status::InProgress);
        let refused = |c| decide(&open, anne(), Change::Copy(c), &rules(), now());
        let not = Err(ChangeError::invalid("copied", ValidationCode::NotCopyable));
        assert_eq!(refused(per(UserKind::Pupil, true)), not);
        assert_eq!(refused(per(UserKind::Agent, true)), not);
        assert_eq!(refused(per(UserKind::Employee, false)), not);
        let mut kari_self = per(UserKind::Employee, true);
        kari_self.person.id = KARI;
        assert_eq!(refused(kari_self), not);
        let mut full = open.clone();
        full.copied = (100..100 + COPIED_MAX as i64)
            .map(|id| Person {
                id,
                name: format!("#{id}"),
            })
            .collect();
        assert_eq!(
            decide(
                &full,
                anne(),
                Change::Copy(per(UserKind::Employee, true)),
                &rules(),
                now()
            ),
            Err(ChangeError::invalid(
                "copied",
                ValidationCode::TooMany(COPIED_MAX)
            ))
        );
    }

    #[test]
    fn a_requesters_message_is_its_own_kind_and_resumes_a_waiting_case() {
        let d = decide(
            &case(Status::WaitingCustomer),
            kari(),
            say("Her er svaret"),
            &rules(),
            now(),
        )
        .unwrap();
        assert_eq!(
            d.message,
            Some((MessageKind::RequesterMessage, "Her er svaret".into()))
        );
        assert_eq!(d.state.status, Status::InProgress);
        assert_eq!(
            fields(&d),
            [
                (Some(KARI), HistoryField::RequesterMessage, None),
                (None, HistoryField::Status, Some("in_progress".into())),
            ],
            "the status change is the system's, caused by the message"
        );
        assert!(d.events.iter().all(|e| e.from_message));
        // On a case in progress it changes nothing else.
        let d = decide(
            &case(Status::InProgress),
            kari(),
            say("Og en ting til"),
            &rules(),
            now(),
        )
        .unwrap();
        assert_eq!(d.state.status, Status::InProgress);
        assert_eq!(d.events.len(), 1);
    }

    #[test]
    fn a_requesters_message_reopens_a_resolved_case_inside_the_window_only() {
        let d = decide(
            &case(Status::Resolved),
            kari(),
            say("Det virker ikke likevel"),
            &rules(),
            now(),
        )
        .unwrap();
        assert_eq!(d.state.status, Status::InProgress);
        assert_eq!(d.state.resolved_at, None);
        let mut old = case(Status::Resolved);
        old.resolved_at = Some(now() - SignedDuration::from_hours(24 * 15));
        assert_eq!(
            decide(&old, kari(), say("Hallo?"), &rules(), now()),
            Err(ChangeError::Transition(TransitionError::ReopenWindowPassed))
        );
        assert_eq!(
            decide(
                &case(Status::Closed),
                kari(),
                say("Hallo?"),
                &rules(),
                now()
            ),
            Err(ChangeError::Transition(TransitionError::Closed))
        );
    }

    #[test]
    fn requesters_write_no_internal_notes_and_set_no_status() {
        let note = Change::Message(NewMessage {
            internal: true,
            body: "x".into(),
            ..NewMessage::default()
        });
        assert_eq!(
            decide(&case(Status::New), kari(), note, &rules(), now()),
            Err(ChangeError::Invalid {
                field: "internal",
                code: ValidationCode::NotAllowed
            })
        );
        let other = Actor {
            user_id: 2,
            kind: UserKind::Employee,
        };
        assert_eq!(
            decide(&case(Status::New), other, say("x"), &rules(), now()),
            Err(ChangeError::Forbidden)
        );
        let update = Change::Update(Update {
            status: Some(Status::Closed),
            ..Update::default()
        });
        assert_eq!(
            decide(&case(Status::New), kari(), update, &rules(), now()),
            Err(ChangeError::Forbidden)
        );
    }

    #[test]
    fn an_agents_first_reply_starts_the_work_and_notes_change_nothing() {
        let d = decide(
            &case(Status::New),
            anne(),
            say("Vi ser på det"),
            &rules(),
            now(),
        )
        .unwrap();
        assert_eq!(d.message.unwrap().0, MessageKind::PublicReply);
        assert_eq!(d.state.status, Status::InProgress);
        let note = Change::Message(NewMessage {
            internal: true,
            body: "notat".into(),
            ..NewMessage::default()
        });
        let d = decide(&case(Status::New), anne(), note, &rules(), now()).unwrap();
        assert_eq!(d.message.unwrap().0, MessageKind::InternalNote);
        assert_eq!(d.state.status, Status::New);
        // A reply that asks a question waits for the answer.
        let ask = Change::Message(NewMessage {
            body: "Hvilken skriver?".into(),
            status: Some(Status::WaitingCustomer),
            ..NewMessage::default()
        });
        let d = decide(&case(Status::New), anne(), ask, &rules(), now()).unwrap();
        assert_eq!(d.state.status, Status::WaitingCustomer);
        assert_eq!(d.events[1].by, Some(ANNE));
    }

    #[test]
    fn an_agents_reply_to_a_closed_case_is_sent_only_when_confirmed() {
        let reply = |confirm_closed| {
            Change::Message(NewMessage {
                body: "Til orientering".into(),
                confirm_closed,
                ..NewMessage::default()
            })
        };
        assert_eq!(
            decide(&case(Status::Closed), anne(), reply(false), &rules(), now()),
            Err(ChangeError::Transition(TransitionError::ClosedReply))
        );
        let d = decide(&case(Status::Closed), anne(), reply(true), &rules(), now()).unwrap();
        assert_eq!(
            d.state.status,
            Status::Closed,
            "it does not reopen the case"
        );
        assert_eq!(d.message.unwrap().0, MessageKind::PublicReply);
        let note = Change::Message(NewMessage {
            internal: true,
            body: "notat".into(),
            ..NewMessage::default()
        });
        assert!(decide(&case(Status::Closed), anne(), note, &rules(), now()).is_ok());
    }

    #[test]
    fn empty_messages_need_a_file() {
        assert!(matches!(
            decide(&case(Status::New), kari(), say("  "), &rules(), now()),
            Err(ChangeError::Invalid { field: "body", .. })
        ));
        let file_only = Change::Message(NewMessage {
            attachments: 1,
            ..NewMessage::default()
        });
        let d = decide(&case(Status::New), kari(), file_only, &rules(), now()).unwrap();
        assert_eq!(
            d.message,
            Some((MessageKind::RequesterMessage, String::new()))
        );
    }

    #[test]
    fn an_update_is_decided_whole_or_not_at_all() {
        let bad = Change::Update(Update {
            status: Some(Status::WaitingSupplier),
            priority: Some(Priority::High),
            agreed_deadline: Some((now() - SignedDuration::from_hours(1), "avtalt".into())),
            ..Update::default()
        });
        assert_eq!(
            decide(&case(Status::InProgress), anne(), bad, &rules(), now()),
            Err(ChangeError::Invalid {
                field: "agreed_deadline",
                code: ValidationCode::InPast
            })
        );
        let deadline = now() + SignedDuration::from_hours(48);
        let good = Change::Update(Update {
            status: Some(Status::WaitingSupplier),
            priority: Some(Priority::High),
            agreed_deadline: Some((deadline, " Avtalt\nmed bruker ".into())),
            ..Update::default()
        });
        let d = decide(&case(Status::InProgress), anne(), good, &rules(), now()).unwrap();
        assert_eq!(
            d.events.iter().map(|e| e.field).collect::<Vec<_>>(),
            [
                HistoryField::Priority,
                HistoryField::AgreedDeadline,
                HistoryField::Status
            ]
        );
        assert_eq!(d.events[1].note.as_deref(), Some("Avtalt med bruker"));
        assert_eq!(d.state.agreed_deadline, Some(deadline));
        assert!(d.state.priority_confirmed);
        let no_reason = Change::Update(Update {
            agreed_deadline: Some((deadline, "  ".into())),
            ..Update::default()
        });
        assert!(matches!(
            decide(
                &case(Status::InProgress),
                anne(),
                no_reason,
                &rules(),
                now()
            ),
            Err(ChangeError::Invalid {
                field: "agreed_deadline_reason",
                ..
            })
        ));
    }

    #[test]
    fn handlers_must_be_active_agents_and_bring_their_team() {
        let bob = |kind, active| Candidate {
            person: Person {
                id: 10,
                name: "Bob".into(),
            },
            kind,
            active,
            team: Some(7),
        };
        for (kind, active) in [(UserKind::Employee, true), (UserKind::Agent, false)] {
            let u = Change::Update(Update {
                handler: Some(Some(bob(kind, active))),
                ..Update::default()
            });
            assert!(decide(&case(Status::New), anne(), u, &rules(), now()).is_err());
        }
        let u = Change::Update(Update {
            handler: Some(Some(bob(UserKind::Agent, true))),
            ..Update::default()
        });
        let d = decide(&case(Status::New), anne(), u, &rules(), now()).unwrap();
        assert_eq!(d.state.team, Some(7));
        assert_eq!(d.events[0].old.as_deref(), Some("Anne"));
        let u = Change::Update(Update {
            handler: Some(None),
            ..Update::default()
        });
        let d = decide(&case(Status::New), anne(), u, &rules(), now()).unwrap();
        assert_eq!((d.state.handler, d.state.team), (None, None));
    }

    #[test]
    fn same_values_change_nothing_but_a_first_confirmation() {
        let same = Update {
            status: Some(Status::InProgress),
            priority: Some(Priority::Low),
            handler: Some(Some(Candidate {
                person: Person {
                    id: ANNE,
                    name: "Anne".into(),
                },
                kind: UserKind::Agent,
                active: true,
                team: Some(3),
            })),
            agreed_deadline: None,
        };
        let d = decide(
            &case(Status::InProgress),
            anne(),
            Change::Update(same.clone()),
            &rules(),
            now(),
        )
        .unwrap();
        assert_eq!(
            fields(&d),
            [(
                Some(ANNE),
                HistoryField::PriorityConfirmed,
                Some("low".into())
            )]
        );
        let mut confirmed = case(Status::InProgress);
        confirmed.priority_confirmed = true;
        let d = decide(&confirmed, anne(), Change::Update(same), &rules(), now()).unwrap();
        assert!(d.events.is_empty());
    }

    #[test]
    fn confirm_and_reopen_are_the_requesters() {
        let d = decide(
            &case(Status::Resolved),
            kari(),
            Change::Confirm,
            &rules(),
            now(),
        )
        .unwrap();
        assert_eq!(d.state.status, Status::Closed);
        assert!(
            d.state.resolved_at.is_some(),
            "closing keeps the resolution time"
        );
        let reopen = |reason: &str| Change::Reopen {
            reason: reason.into(),
        };
        let d = decide(
            &case(Status::Closed),
            kari(),
            reopen("  Skriveren skriver fortsatt ikke "),
            &rules(),
            now(),
        )
        .unwrap();
        assert_eq!(
            (d.state.status, d.state.resolved_at),
            (Status::InProgress, None)
        );
        assert_eq!(
            d.events.last().and_then(|e| e.note.as_deref()),
            Some("Skriveren skriver fortsatt ikke"),
            "the reason goes into the history"
        );
        assert_eq!(
            decide(&case(Status::Closed), kari(), reopen(" "), &rules(), now()),
            Err(ChangeError::Invalid {
                field: "reason",
                code: ValidationCode::Required
            })
        );
        assert_eq!(
            decide(
                &case(Status::InProgress),
                kari(),
                reopen(""),
                &rules(),
                now()
            ),
            Err(ChangeError::Transition(TransitionError::NotFinished)),
            "the status decides before the text does"
        );
        assert_eq!(
            decide(
                &case(Status::Resolved),
                anne(),
                Change::Confirm,
                &rules(),
                now()
            ),
            Err(ChangeError::Forbidden)
        );
        assert_eq!(
            decide(
                &case(Status::InProgress),
                kari(),
                Change::Confirm,
                &rules(),
                now()
            ),
            Err(ChangeError::Transition(TransitionError::NotResolved))
        );
    }

    #[test]
    fn requesters_do_not_pick_a_priority() {
        let agent = anne();
        assert_eq!(
            initial_priority(kari(), Some(Priority::High), None),
            Err(ChangeError::Invalid {
                field: "priority",
                code: ValidationCode::NotAllowed
            })
        );
        assert_eq!(
            initial_priority(kari(), None, None),
            Ok((Priority::Low, false))
        );
        let impact = ImpactAnswers {
            whole_unit_down: true,
            ..ImpactAnswers::default()
        };
        assert_eq!(
            initial_priority(kari(), None, Some(impact)),
            Ok((Priority::High, false))
        );
        assert_eq!(
            initial_priority(agent, Some(Priority::Critical), None),
            Ok((Priority::Critical, true))
        );
    }

    #[test]
    fn the_system_assigns_the_handler_at_registration() {
        let anne = Person {
            id: ANNE,
            name: "Anne".into(),
        };
        let events = registration_events(KARI, "2026-000001", Priority::Low, Some(&anne), &[]);
        assert_eq!(
            events.iter().map(|e| (e.by, e.field)).collect::<Vec<_>>(),
            [
                (Some(KARI), HistoryField::Created),
                (Some(KARI), HistoryField::Priority),
                (None, HistoryField::Handler),
            ]
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn status() -> impl Strategy<Value = Status> {
            prop::sample::select(Status::ALL.to_vec())
        }

        fn priority() -> impl Strategy<Value = Priority> {
            prop::sample::select(Priority::ALL.to_vec())
        }

        fn state() -> impl Strategy<Value = CaseState> {
            (
                status(),
                priority(),
                any::<bool>(),
                0i64..(24 * 30),
                any::<bool>(),
                any::<bool>(),
            )
                .prop_map(
                    |(status, priority, confirmed, hours_ago, handled, copied)| {
                        CaseState {
                            requester_id: KARI,
                            status,
                            priority,
                            priority_confirmed: confirmed,
                            handler: handled.then(|| Person {
                                id: ANNE,
                                name: "Anne".into(),
                            }),
                            team: handled.then_some(3),
                            resolved_at: status
                                .is_finished()
                                .then(|| now() - SignedDuration::from_hours(hours_ago)),
                            agreed_deadline: None,
                            // User 2, an employee, copied or not.
                            copied: if copied {
                                vec![Person {
                                    id: 2,
                                    name: "Per".into(),
                                }]
                            } else {
                                Vec::new()
                            },
                        }
                    },
                )
        }

        fn actor() -> impl Strategy<Value = Actor> {
            prop::sample::select(vec![
                kari(),
                anne(),
                Actor {
                    user_id: 2,
                    kind: UserKind::Employee,
                },
                Actor {
                    user_id: 3,
                    kind: UserKind::Admin,
                },
            ])
        }

        fn change() -> impl Strategy<Value = Change> {
            prop_oneof![
                (
                    prop::option::of(status()),
                    prop::option::of(priority()),
                    any::<bool>(),
                    -48i64..48
                )
                    .prop_map(
                        |(status, priority, unassign, hours)| Change::Update(Update {
                            status,
                            priority,
                            handler: unassign.then_some(None),
                            agreed_deadline: (hours % 3 == 0).then(|| (
                                now() + SignedDuration::from_hours(hours),
                                "avtalt".to_owned()
                            )),
                        })
                    ),
                (
                    any::<bool>(),
                    "[ a-z]{0,8}",
                    0usize..2,
                    prop::option::of(status()),
                    any::<bool>()
                )
                    .prop_map(
                        |(internal, body, attachments, status, confirm_closed)| {
                            Change::Message(NewMessage {
                                internal,
                                body,
                                attachments,
                                status,
                                confirm_closed,
                            })
                        }
                    ),
                Just(Change::Confirm),
                "[ a-z]{0,4}".prop_map(|reason| Change::Reopen { reason }),
                (
                    2i64..5,
                    prop::sample::select(vec![
                        UserKind::Employee,
                        UserKind::Agent,
                        UserKind::Pupil
                    ]),
                    any::<bool>()
                )
                    .prop_map(|(id, kind, active)| Change::Copy(Candidate {
                        person: Person {
                            id,
                            name: format!("#{id}")
                        },
                        kind,
                        active,
                        team: None,
                    })),
                (1i64..5).prop_map(Change::Uncopy),
            ]
        }

        proptest! {
            #[test]
            fn every_decision_keeps_the_case_consistent(case in state(), who in actor(), c in change()) {
                let Ok(d) = decide(&case, who, c, &rules(), now()) else { return Ok(()) };
                // Finished exactly when it has a resolution time.
                prop_assert_eq!(d.state.resolved_at.is_some(), d.state.status.is_finished());
                // Status entries chain from the old status to the new one.
                let mut at = case.status;
                for e in d.events.iter().filter(|e| e.field == HistoryField::Status) {
                    prop_assert_eq!(e.old.as_deref(), Some(at.key()));
                    at = e.new.as_deref().unwrap().parse().unwrap();
                }
                prop_assert_eq!(at, d.state.status);
                if d.events.is_empty() {
                    prop_assert_eq!(&d.state, &case);
                }
                // What only agents may do, only agents did; messages are of their author's kind.
                for e in &d.events {
                    let by_system = e.by.is_none();
                    prop_assert!(by_system || e.by == Some(who.user_id));
                    match e.field {
                        HistoryField::Priority | HistoryField::PriorityConfirmed | HistoryField::Handler
                        | HistoryField::AgreedDeadline | HistoryField::PublicReply | HistoryField::InternalNote => {
                            prop_assert!(who.kind.is_staff())
                        }
                        HistoryField::RequesterMessage => prop_assert!(
                            !who.kind.is_staff() && (who.user_id == KARI || case.is_copied(who.user_id))
                        ),
                        HistoryField::Copied => prop_assert!(
                            who.kind.is_staff() || who.user_id == KARI || case.is_copied(who.user_id)
                        ),
                        HistoryField::Status => prop_assert!(
                            who.kind.is_staff() || who.user_id == KARI || case.is_copied(who.user_id)
                        ),
                        HistoryField::Created => prop_assert!(false, "no change creates a case"),
                    }
                }
                // Only active customers are copied, never the requester, never twice.
                for p in &d.state.copied {
                    prop_assert_ne!(p.id, KARI);
                    prop_assert_eq!(d.state.copied.iter().filter(|q| q.id == p.id).count(), 1);
                }
                // Nobody is notified of what they did themselves.
                for n in crate::notice::of_change(&case, &d, who) {
                    prop_assert_ne!(n.user_id, who.user_id);
                }
                // A refused requester's message on a closed case never gets here.
                if matches!(case.status, Status::Closed) && d.message.as_ref().is_some_and(|m| m.0 == MessageKind::RequesterMessage) {
                    prop_assert!(false, "a closed case took a requester's message");
                }
            }
        }
    }
}
