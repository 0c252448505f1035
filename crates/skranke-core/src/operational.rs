//! Operational messages (driftsmeldinger): what the desk tells users about
//! outages, planned maintenance and changes, and the service status they
//! cause. The rules of who sees which message, how a message moves from
//! planned to active to resolved (a planned one becomes active at its start
//! by itself), which status a service has at a moment, and what an edit
//! changed all live here; storage keeps what these functions decide.

use crate::case::{ValidationCode, ValidationError, line, text};
use crate::{Actor, UserKind};
use jiff::Timestamp;

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 20_000;
/// More named services or organisations than a message can sensibly name.
pub const SCOPE_MAX: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    /// Driftsproblem: something is broken now.
    Outage,
    /// Planlagt vedlikehold.
    Maintenance,
    /// Endring: a change users should know of.
    Change,
}

impl OpKind {
    pub const ALL: [OpKind; 3] = [Self::Outage, Self::Maintenance, Self::Change];

    pub fn key(self) -> &'static str {
        match self {
            Self::Outage => "outage",
            Self::Maintenance => "maintenance",
            Self::Change => "change",
        }
    }
}
crate::key_from_str!(OpKind);

/// How badly an outage or a change hits the services it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Degraded,
    Unavailable,
}

impl Severity {
    pub const ALL: [Severity; 2] = [Self::Degraded, Self::Unavailable];

    pub fn key(self) -> &'static str {
        match self {
            Self::Degraded => "degraded",
            Self::Unavailable => "unavailable",
        }
    }
}
crate::key_from_str!(Severity);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpState {
    /// Announced ahead of its start.
    Planned,
    Active,
    Resolved,
}

impl OpState {
    pub const ALL: [OpState; 3] = [Self::Planned, Self::Active, Self::Resolved];

    pub fn key(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Active => "active",
            Self::Resolved => "resolved",
        }
    }

    /// The moves a message may make. A resolved problem that comes back
    /// is active again (the same message, not a new one).
    pub fn may_become(self, to: OpState) -> bool {
        use OpState::*;
        matches!(
            (self, to),
            (Planned, Active) | (Planned, Resolved) | (Active, Resolved) | (Resolved, Active)
        ) || self == to
    }
}
crate::key_from_str!(OpState);

/// A service's status, ordered from best to worst: the worst active
/// message wins. An unplanned problem outranks planned maintenance.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ServiceStatus {
    Available,
    Maintenance,
    Degraded,
    Unavailable,
}

impl ServiceStatus {
    pub const ALL: [ServiceStatus; 4] = [
        Self::Available,
        Self::Maintenance,
        Self::Degraded,
        Self::Unavailable,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Available => "available",
            Self::Maintenance => "maintenance",
            Self::Degraded => "degraded",
            Self::Unavailable => "unavailable",
        }
    }
}
crate::key_from_str!(ServiceStatus);

/// The fields of a message that an agent writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpFields {
    pub kind: OpKind,
    pub title: String,
    /// Markdown.
    pub body: String,
    /// For outages and changes; a change without one is information only.
    pub severity: Option<Severity>,
    /// Empty: every service.
    pub services: Vec<i64>,
    /// Empty: every organisation.
    pub orgs: Vec<i64>,
    pub starts_at: Timestamp,
    /// When it is expected to be over.
    pub ends_at: Option<Timestamp>,
    /// Drafts are seen by staff only.
    pub published: bool,
}

/// A message as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpMessage {
    pub id: i64,
    pub fields: OpFields,
    /// The state as last written; see `state_at` for the state at a moment.
    pub state: OpState,
}

impl OpMessage {
    /// The state at `now`: a planned message whose start has come is active.
    pub fn state_at(&self, now: Timestamp) -> OpState {
        match self.state {
            OpState::Planned if self.fields.starts_at <= now => OpState::Active,
            s => s,
        }
    }

    pub fn is_active(&self, now: Timestamp) -> bool {
        self.fields.published && self.state_at(now) == OpState::Active
    }

    /// Announced and still ahead ("upcoming maintenance shows ahead of time").
    pub fn is_upcoming(&self, now: Timestamp) -> bool {
        self.fields.published && self.state_at(now) == OpState::Planned
    }

    /// Still open after the time it was expected to be over.
    pub fn is_overdue(&self, now: Timestamp) -> bool {
        self.is_active(now) && self.fields.ends_at.is_some_and(|end| end < now)
    }

    /// The status it gives the services it names while active.
    pub fn causes(&self) -> ServiceStatus {
        match (self.fields.kind, self.fields.severity) {
            (OpKind::Maintenance, _) => ServiceStatus::Maintenance,
            (_, Some(Severity::Unavailable)) => ServiceStatus::Unavailable,
            (_, Some(Severity::Degraded)) => ServiceStatus::Degraded,
            (_, None) => ServiceStatus::Available,
        }
    }

    pub fn names_service(&self, service_id: i64) -> bool {
        self.fields.services.is_empty() || self.fields.services.contains(&service_id)
    }

    pub fn names_org(&self, org_id: Option<i64>) -> bool {
        self.fields.orgs.is_empty() || org_id.is_some_and(|o| self.fields.orgs.contains(&o))
    }

    /// Whether a reader sees it: staff see everything, drafts included;
    /// a customer the published messages for everyone or their
    /// organisation; someone not logged in the published ones for everyone.
    pub fn visible_to(&self, reader: Reader) -> bool {
        match reader {
            Reader::Staff => true,
            Reader::Customer { org_id } => self.fields.published && self.names_org(org_id),
            Reader::Public => self.fields.published && self.fields.orgs.is_empty(),
        }
    }
}

/// Who reads the status and the messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Staff,
    Customer { org_id: Option<i64> },
    Public,
}

impl Reader {
    pub fn of(kind: UserKind, org_id: Option<i64>) -> Reader {
        if kind.is_staff() {
            Reader::Staff
        } else {
            Reader::Customer { org_id }
        }
    }
}

/// A service's status at `now`, from the messages its reader may see.
pub fn service_status(
    service_id: i64,
    messages: &[OpMessage],
    reader: Reader,
    now: Timestamp,
) -> ServiceStatus {
    messages
        .iter()
        .filter(|m| m.is_active(now) && m.names_service(service_id) && m.visible_to(reader))
        .map(OpMessage::causes)
        .max()
        .unwrap_or(ServiceStatus::Available)
}

/// Agents and admins publish and edit messages; nobody else.
pub fn may_write(actor: Actor) -> bool {
    actor.kind.is_staff()
}

/// What an agent sends to create a message; unset times default to now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpInput {
    pub kind: Option<OpKind>,
    pub title: String,
    pub body: String,
    pub severity: Option<Severity>,
    pub services: Vec<i64>,
    pub orgs: Vec<i64>,
    pub starts_at: Option<Timestamp>,
    pub ends_at: Option<Timestamp>,
    pub published: bool,
}

/// A new message's fields and first state, or every problem with them.
/// A message starting later is planned; one that has started is active.
pub fn create(input: OpInput, now: Timestamp) -> Result<(OpFields, OpState), Vec<ValidationError>> {
    let mut input = input;
    input.starts_at.get_or_insert(now);
    let mut errors = Vec::new();
    let fields = check(input, &mut errors);
    match fields {
        Some(f) if errors.is_empty() => {
            let state = if f.starts_at > now {
                OpState::Planned
            } else {
                OpState::Active
            };
            Ok((f, state))
        }
        _ => Err(errors),
    }
}

fn check(input: OpInput, errors: &mut Vec<ValidationError>) -> Option<OpFields> {
    let title = line("title", &input.title, true, TITLE_MAX, errors);
    let body = text("body", &input.body, true, BODY_MAX, errors);
    let Some(kind) = input.kind else {
        errors.push(ValidationError {
            field: "kind",
            code: ValidationCode::Required,
        });
        return None;
    };
    let severity = match kind {
        OpKind::Maintenance => None,
        OpKind::Outage if input.severity.is_none() => {
            errors.push(ValidationError {
                field: "severity",
                code: ValidationCode::Required,
            });
            None
        }
        _ => input.severity,
    };
    for (field, list) in [("services", &input.services), ("orgs", &input.orgs)] {
        if list.len() > SCOPE_MAX {
            errors.push(ValidationError {
                field,
                code: ValidationCode::TooMany(SCOPE_MAX),
            });
        }
    }
    let starts_at = input.starts_at?;
    if input.ends_at.is_some_and(|end| end <= starts_at) {
        errors.push(ValidationError {
            field: "ends_at",
            code: ValidationCode::BeforeStart,
        });
    }
    let mut services = input.services;
    services.sort_unstable();
    services.dedup();
    let mut orgs = input.orgs;
    orgs.sort_unstable();
    orgs.dedup();
    Some(OpFields {
        kind,
        title,
        body,
        severity,
        services,
        orgs,
        starts_at,
        ends_at: input.ends_at,
        published: input.published,
    })
}

/// The parts of a message an edit sets; `None` keeps a part as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpPatch {
    pub title: Option<String>,
    pub body: Option<String>,
    /// `Some(None)` clears it (a change that is information only).
    pub severity: Option<Option<Severity>>,
    pub services: Option<Vec<i64>>,
    pub orgs: Option<Vec<i64>>,
    pub starts_at: Option<Timestamp>,
    /// `Some(None)` clears the expected end.
    pub ends_at: Option<Option<Timestamp>>,
    /// A draft may be published; a published message is not taken back.
    pub published: Option<bool>,
    pub state: Option<OpState>,
}

/// One field an edit changed, as the message's history keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpDiff {
    pub field: &'static str,
    pub old: String,
    pub new: String,
}

/// The message after an edit and what changed, or why it may not be made.
pub fn edit(
    current: &OpMessage,
    patch: OpPatch,
    now: Timestamp,
) -> Result<(OpMessage, Vec<OpDiff>), Vec<ValidationError>> {
    let f = &current.fields;
    if current.fields.published && patch.published == Some(false) {
        return Err(vec![ValidationError {
            field: "published",
            code: ValidationCode::NotAllowed,
        }]);
    }
    let input = OpInput {
        kind: Some(f.kind),
        title: patch.title.unwrap_or_else(|| f.title.clone()),
        body: patch.body.unwrap_or_else(|| f.body.clone()),
        severity: patch.severity.unwrap_or(f.severity),
        services: patch.services.unwrap_or_else(|| f.services.clone()),
        orgs: patch.orgs.unwrap_or_else(|| f.orgs.clone()),
        starts_at: Some(patch.starts_at.unwrap_or(f.starts_at)),
        ends_at: patch.ends_at.unwrap_or(f.ends_at),
        published: patch.published.unwrap_or(f.published),
    };
    let mut errors = Vec::new();
    let fields = check(input, &mut errors);
    let before = current.state_at(now);
    let state = patch.state.unwrap_or(before);
    if !before.may_become(state) {
        errors.push(ValidationError {
            field: "state",
            code: ValidationCode::NotAllowed,
        });
    }
    let Some(fields) = fields.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    let after = OpMessage {
        id: current.id,
        fields,
        state,
    };
    let diff = diff(current, &after, now);
    Ok((after, diff))
}

fn ids(list: &[i64]) -> String {
    list.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

fn instant(t: Option<Timestamp>) -> String {
    t.map(|t| t.as_millisecond().to_string())
        .unwrap_or_default()
}

/// What differs between two versions of a message (the state compared as
/// it stood at `now`, so that a start passed by is no change of ours).
pub fn diff(before: &OpMessage, after: &OpMessage, now: Timestamp) -> Vec<OpDiff> {
    let (a, b) = (&before.fields, &after.fields);
    let sev = |s: Option<Severity>| s.map(|s| s.key().to_owned()).unwrap_or_default();
    let pairs = [
        ("title", a.title.clone(), b.title.clone()),
        ("body", a.body.clone(), b.body.clone()),
        ("severity", sev(a.severity), sev(b.severity)),
        ("services", ids(&a.services), ids(&b.services)),
        ("orgs", ids(&a.orgs), ids(&b.orgs)),
        (
            "starts_at",
            instant(Some(a.starts_at)),
            instant(Some(b.starts_at)),
        ),
        ("ends_at", instant(a.ends_at), instant(b.ends_at)),
        (
            "published",
            a.published.to_string(),
            b.published.to_string(),
        ),
        (
            "state",
            before.state_at(now).key().to_owned(),
            after.state.key().to_owned(),
        ),
    ];
    pairs
        .into_iter()
        .filter(|(_, old, new)| old != new)
        .map(|(field, old, new)| OpDiff { field, old, new })
        .collect()
}

/// A public update's text, checked and kept trimmed.
pub fn update_body(body: &str) -> Result<String, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let kept = text("body", body, true, BODY_MAX, &mut errors);
    if errors.is_empty() {
        Ok(kept)
    } else {
        Err(errors)
    }
}

/// What a subscription follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Follows {
    Service(i64),
    Message(i64),
}

/// Who gets an update of a message: every subscriber of the message or of
/// a service it names, who may see it. A subscription made for an
/// organisation reaches the organisation's contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subscriber {
    pub subscription_id: i64,
    pub user_id: i64,
    pub kind: UserKind,
    pub org_id: Option<i64>,
    pub active: bool,
    pub follows: Follows,
}

/// The people an update of `message` reaches, once each, in id order,
/// each with the subscription it reaches them by (the first that does).
pub fn recipients(message: &OpMessage, subscribers: &[Subscriber]) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = subscribers
        .iter()
        .filter(|s| s.active)
        .filter(|s| match s.follows {
            Follows::Message(id) => id == message.id,
            Follows::Service(id) => message.names_service(id),
        })
        .filter(|s| message.visible_to(Reader::of(s.kind, s.org_id)) && message.fields.published)
        .map(|s| (s.user_id, s.subscription_id))
        .collect();
    out.sort_unstable();
    out.dedup_by_key(|(user, _)| *user);
    out
}

/// Whether `actor` may subscribe on behalf of organisation `org_id`: its
/// contacts may (and staff).
pub fn may_subscribe_for_org(
    actor: Actor,
    actor_org: Option<i64>,
    is_contact: bool,
    org_id: i64,
) -> bool {
    actor.kind.is_staff() || (is_contact && actor_org == Some(org_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn input(kind: OpKind) -> OpInput {
        OpInput {
            kind: Some(kind),
            title: "E-post er nede".into(),
            body: "Vi jobber med saken.".into(),
            severity: Some(Severity::Unavailable),
            starts_at: Some(at("2026-12-02T08:00:00Z")),
            published: true,
            ..OpInput::default()
        }
    }

    fn message(kind: OpKind, now: Timestamp) -> OpMessage {
        let (fields, state) = create(input(kind), now).unwrap();
        OpMessage {
            id: 1,
            fields,
            state,
        }
    }

    #[test]
    fn planned_maintenance_becomes_active_at_its_start() {
        let before = at("2026-12-01T12:00:00Z");
        let m = message(OpKind::Maintenance, before);
        assert_eq!(m.state, OpState::Planned);
        assert!(m.is_upcoming(before));
        assert_eq!(
            service_status(7, std::slice::from_ref(&m), Reader::Public, before),
            ServiceStatus::Available
        );
        let start = at("2026-12-02T08:00:00Z");
        assert_eq!(m.state_at(start), OpState::Active);
        assert!(!m.is_upcoming(start));
        assert_eq!(
            service_status(7, &[m], Reader::Public, start),
            ServiceStatus::Maintenance
        );
    }

    #[test]
    fn the_worst_active_message_sets_the_status() {
        let now = at("2026-12-03T00:00:00Z");
        let mut degraded = message(OpKind::Outage, now);
        degraded.fields.severity = Some(Severity::Degraded);
        degraded.fields.services = vec![1, 2];
        let mut down = message(OpKind::Outage, now);
        down.fields.services = vec![2];
        let maint = message(OpKind::Maintenance, now);
        let all = [degraded, down, maint];
        assert_eq!(
            service_status(1, &all, Reader::Staff, now),
            ServiceStatus::Degraded
        );
        assert_eq!(
            service_status(2, &all, Reader::Staff, now),
            ServiceStatus::Unavailable
        );
        assert_eq!(
            service_status(3, &all, Reader::Staff, now),
            ServiceStatus::Maintenance
        );
        let mut resolved = all[1].clone();
        resolved.state = OpState::Resolved;
        assert_eq!(
            service_status(2, &[resolved], Reader::Staff, now),
            ServiceStatus::Available
        );
    }

    #[test]
    fn drafts_and_other_organisations_messages_are_hidden() {
        let now = at("2026-12-03T00:00:00Z");
        let mut m = message(OpKind::Outage, now);
        m.fields.published = false;
        assert!(m.visible_to(Reader::Staff));
        assert!(!m.visible_to(Reader::Customer { org_id: Some(1) }));
        assert!(!m.visible_to(Reader::Public));
        assert_eq!(
            service_status(1, std::slice::from_ref(&m), Reader::Public, now),
            ServiceStatus::Available,
            "a draft gives no status"
        );
        m.fields.published = true;
        m.fields.orgs = vec![1];
        assert!(m.visible_to(Reader::Customer { org_id: Some(1) }));
        assert!(!m.visible_to(Reader::Customer { org_id: Some(2) }));
        assert!(!m.visible_to(Reader::Public));
    }

    #[test]
    fn overdue_when_the_expected_end_has_passed() {
        let start = at("2026-12-02T08:00:00Z");
        let mut m = message(OpKind::Outage, start);
        m.fields.ends_at = Some(at("2026-12-02T10:00:00Z"));
        assert!(!m.is_overdue(at("2026-12-02T09:59:00Z")));
        assert!(m.is_overdue(at("2026-12-02T10:01:00Z")));
        m.state = OpState::Resolved;
        assert!(!m.is_overdue(at("2026-12-02T10:01:00Z")));
    }

    #[test]
    fn creation_checks_every_field() {
        let now = at("2026-12-01T12:00:00Z");
        let mut bad = input(OpKind::Outage);
        bad.title = " ".into();
        bad.severity = None;
        bad.ends_at = Some(at("2026-12-01T00:00:00Z"));
        let fields: Vec<_> = create(bad, now)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["title", "severity", "ends_at"]);
        let mut none = input(OpKind::Outage);
        none.kind = None;
        assert_eq!(create(none, now).unwrap_err()[0].field, "kind");
        let mut info = input(OpKind::Change);
        info.severity = None;
        let (f, _) = create(info, now).unwrap();
        let m = OpMessage {
            id: 1,
            fields: f,
            state: OpState::Active,
        };
        assert_eq!(m.causes(), ServiceStatus::Available, "information only");
    }

    #[test]
    fn edits_record_what_changed_and_keep_to_the_states() {
        let now = at("2026-12-02T09:00:00Z");
        let m = message(OpKind::Maintenance, at("2026-12-01T00:00:00Z"));
        let (after, diff) = edit(
            &m,
            OpPatch {
                title: Some("Nytt tidspunkt".into()),
                state: Some(OpState::Resolved),
                ..OpPatch::default()
            },
            now,
        )
        .unwrap();
        assert_eq!(after.state, OpState::Resolved);
        let fields: Vec<_> = diff.iter().map(|d| d.field).collect();
        assert_eq!(fields, ["title", "state"]);
        assert_eq!(diff[1].old, "active", "it had become active by its start");
        let back = edit(
            &after,
            OpPatch {
                state: Some(OpState::Planned),
                ..OpPatch::default()
            },
            now,
        );
        assert_eq!(back.unwrap_err()[0].field, "state");
        let unpublish = edit(
            &after,
            OpPatch {
                published: Some(false),
                ..OpPatch::default()
            },
            now,
        );
        assert_eq!(unpublish.unwrap_err()[0].field, "published");
    }

    #[test]
    fn updates_reach_subscribers_who_may_see_them_once() {
        let now = at("2026-12-02T09:00:00Z");
        let mut m = message(OpKind::Outage, now);
        m.fields.services = vec![5];
        m.fields.orgs = vec![1];
        let sub = |user_id, org_id, follows| Subscriber {
            subscription_id: user_id * 10,
            user_id,
            kind: UserKind::Employee,
            org_id,
            active: true,
            follows,
        };
        let subs = [
            sub(10, Some(1), Follows::Service(5)),
            sub(10, Some(1), Follows::Message(1)),
            sub(11, Some(2), Follows::Service(5)),
            sub(12, Some(1), Follows::Service(6)),
            sub(13, Some(1), Follows::Message(2)),
            Subscriber {
                active: false,
                ..sub(14, Some(1), Follows::Message(1))
            },
        ];
        assert_eq!(recipients(&m, &subs), [(10, 100)]);
        m.fields.published = false;
        assert!(recipients(&m, &subs).is_empty(), "drafts reach nobody");
    }

    proptest! {
        #[test]
        fn status_is_the_worst_visible_cause(
            causes in proptest::collection::vec((0u8..3, proptest::option::of(0u8..2), any::<bool>()), 0..8)
        ) {
            let now = at("2026-12-03T00:00:00Z");
            let msgs: Vec<OpMessage> = causes.iter().enumerate().map(|(i, (k, s, resolved))| {
                let mut m = message(OpKind::ALL[usize::from(*k)], now);
                m.id = i64::try_from(i).unwrap();
                m.fields.severity = s.map(|s| Severity::ALL[usize::from(s)]);
                if *resolved { m.state = OpState::Resolved; }
                m
            }).collect();
            let status = service_status(1, &msgs, Reader::Public, now);
            let expected = msgs.iter().filter(|m| m.state == OpState::Active).map(OpMessage::causes).max().unwrap_or(ServiceStatus::Available);
            prop_assert_eq!(status, expected);
            for m in msgs.iter().filter(|m| m.state == OpState::Active) {
                prop_assert!(status >= m.causes());
            }
        }
    }
}
