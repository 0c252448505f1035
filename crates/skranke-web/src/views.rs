//! Template structs: what each page shows. Askama checks the templates
//! against these at compile time and escapes every value. Texts come from
//! the catalogue (`t("key")` in a template, see `i18n::Tr`).

use crate::auth::CurrentUser;
use crate::i18n::{Msg, Tr};
use crate::texts::{self, Label};
use askama::Template;
use askama_web::WebTemplate;
use jiff::tz::TimeZone;
use skranke_core::config::ContactConfig;
use skranke_core::{CaseKind, Config, Priority, Status, UserKind};
use skranke_store::{
    Attachment, AuditRow, Case, EscalationRow, HistoryEntry, Message, Organization, Service,
    SlaError, SlaSettings, Team, TokenInfo, User,
};
use std::sync::OnceLock;

static DISPLAY_TZ: OnceLock<TimeZone> = OnceLock::new();

pub fn set_display_zone(tz: TimeZone) {
    let _ = DISPLAY_TZ.set(tz);
}

/// The time zone dates are shown in (the opening hours' zone).
pub fn display_zone() -> TimeZone {
    DISPLAY_TZ.get().cloned().unwrap_or(TimeZone::UTC)
}

/// A stored instant (epoch ms) as the reader writes dates.
pub trait Local {
    /// "02.12.2026 10:15"
    fn local(&self) -> String;
    /// "tirsdag 2. desember kl. 10:15"
    fn long(&self) -> String;
}

impl Local for i64 {
    fn local(&self) -> String {
        texts::datetime_short(*self)
    }
    fn long(&self) -> String {
        texts::datetime_long(*self)
    }
}

/// The problems of a form, each at its field: the summary at the top
/// links to `#<prefix><field>`, the input names `e-<prefix><field>` as its
/// description.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    pub prefix: String,
    items: Vec<(String, String)>,
}

impl FormErrors {
    pub fn new(prefix: impl Into<String>) -> FormErrors {
        FormErrors {
            prefix: prefix.into(),
            items: Vec::new(),
        }
    }

    /// One error, at its field.
    pub fn of(prefix: impl Into<String>, field: &str, msg: &Msg) -> FormErrors {
        let mut e = FormErrors::new(prefix);
        e.add(field, msg);
        e
    }

    pub fn add(&mut self, field: &str, msg: &Msg) {
        if !self.has(field) {
            self.items.push((field.to_owned(), msg.text()));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn has(&self, field: &str) -> bool {
        self.items.iter().any(|(f, _)| f == field)
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// `(element id, message)` for the summary's links.
    pub fn links(&self) -> Vec<(String, &str)> {
        self.items
            .iter()
            .map(|(f, m)| (format!("{}{f}", self.prefix), m.as_str()))
            .collect()
    }
}

/// One SLA clock of a case as an agent reads it at a glance.
pub struct ClockView {
    pub label: String,
    /// `running`, `paused`, `breached`, `met`, `met-late` or `none`.
    pub state: &'static str,
    /// "2 arbeidsdager igjen", "Overskredet med 3 t", "Oppfylt …".
    pub text: String,
    /// When it falls due, short ("" when met or paused).
    pub due: String,
    pub level: i64,
    /// "Eskalert nivå 3", or "".
    pub level_text: String,
}

/// Both clocks of a case at `now`: time left or overrun, counted in the
/// clock's own calendar (opening hours where that applies).
pub fn clock_views(case: &Case, sla: &SlaSettings, now: jiff::Timestamp) -> [ClockView; 2] {
    let terms = sla.policy.terms(case.priority);
    let now_s = now.as_second();
    let one = |label: String,
               cal_key,
               due: Option<i64>,
               met_at: Option<i64>,
               breached: bool,
               paused: bool,
               level: i64| {
        let cal = sla.policy.calendar(cal_key);
        let words = |secs| texts::span(cal.span(secs));
        let mut due_text = due.map(|d| d.local()).unwrap_or_default();
        let (state, text) = match (met_at, due) {
            (Some(m), _) if breached => (
                "met-late",
                Msg::new("clock-met-late").arg("at", m.local()).text(),
            ),
            (Some(m), _) => ("met", Msg::new("clock-met").arg("at", m.local()).text()),
            (None, None) => ("none", "–".to_owned()),
            (None, Some(d)) => {
                let d = d.div_euclid(1000);
                if paused {
                    // The stored due assumed a resumption when it was computed.
                    let from = case.sla_synced_at.map_or(now_s, |t| t.div_euclid(1000));
                    due_text = String::new();
                    (
                        "paused",
                        Msg::new("clock-paused")
                            .arg("left", words(cal.open_time(from, d)))
                            .text(),
                    )
                } else if d > now_s {
                    (
                        "running",
                        Msg::new("clock-left")
                            .arg("left", words(cal.open_time(now_s, d)))
                            .text(),
                    )
                } else {
                    (
                        "breached",
                        Msg::new("clock-overdue")
                            .arg("over", words(cal.open_time(d, now_s)))
                            .text(),
                    )
                }
            }
        };
        ClockView {
            label,
            state,
            text,
            due: due_text,
            level,
            level_text: if level > 0 {
                Msg::new("escalated-level").arg("level", level).text()
            } else {
                String::new()
            },
        }
    };
    [
        one(
            crate::i18n::t("response-time"),
            terms.response.calendar,
            case.response_due,
            case.response_met_at,
            case.response_breached,
            false,
            case.response_level,
        ),
        one(
            crate::i18n::t("resolution-time"),
            terms.resolution.calendar,
            case.resolution_due,
            case.resolution_met_at,
            case.resolution_breached,
            case.resolution_paused,
            case.resolution_level,
        ),
    ]
}

/// What a requester is told about when to expect an answer and a
/// solution, in plain words and without the desk's own terms.
pub fn requester_deadlines(case: &Case, now: jiff::Timestamp) -> Vec<String> {
    let mut out = Vec::new();
    if case.status.is_finished() {
        return out;
    }
    let now_ms = now.as_millisecond();
    if case.response_met_at.is_none()
        && let Some(due) = case.response_due
    {
        let key = if due > now_ms {
            "expect-answer"
        } else {
            "expect-answer-late"
        };
        out.push(Msg::new(key).arg("when", due.long()).text());
    }
    let resolution = match case.status {
        Status::WaitingCustomer => Some(Msg::new("expect-waiting-you")),
        Status::WaitingSupplier => Some(Msg::new("expect-waiting-supplier")),
        _ => match (case.agreed_deadline, case.resolution_due) {
            (Some(agreed), _) => Some(Msg::new("expect-agreed").arg("when", agreed.long())),
            (None, Some(due)) if due > now_ms => {
                Some(Msg::new("expect-solution").arg("date", texts::date_long(due)))
            }
            (None, Some(due)) => {
                Some(Msg::new("expect-solution-late").arg("date", texts::date_long(due)))
            }
            (None, None) => None,
        },
    };
    out.extend(resolution.map(|m| m.text()));
    out
}

/// Open time the resolution clock has spent paused, up to now.
pub fn paused_until_now(case: &Case, sla: &SlaSettings, now: jiff::Timestamp) -> i64 {
    let mut total = case.paused_seconds;
    if case.resolution_paused && case.resolution_met_at.is_none() {
        let cal = sla
            .policy
            .calendar(sla.policy.terms(case.priority).resolution.calendar);
        let from = case
            .sla_synced_at
            .map_or(now.as_second(), |t| t.div_euclid(1000));
        total += cal.open_time(from, now.as_second());
    }
    total
}

/// The header's view of the user.
#[derive(Debug, Clone)]
pub struct Nav {
    pub name: String,
    pub kind: UserKind,
    pub csrf: String,
    /// Notifications not yet read.
    pub unread: i64,
}

impl Nav {
    pub fn of(u: &CurrentUser) -> Nav {
        Nav {
            name: u.user.full_name.clone(),
            kind: u.user.kind,
            csrf: u.csrf.clone(),
            unread: u.unread,
        }
    }
    pub fn is_staff(&self) -> bool {
        self.kind.is_staff()
    }
    pub fn is_admin(&self) -> bool {
        self.kind == UserKind::Admin
    }
    /// Customers report; pupils and guardians are helped by their school.
    pub fn may_report(&self) -> bool {
        self.kind.is_customer()
    }
}

/// A priority as shown where one is chosen: label, targets and definition.
pub struct PriorityInfo {
    pub key: &'static str,
    pub label: String,
    pub response: String,
    pub resolution: String,
    pub definition: String,
}

pub fn priority_infos(config: &Config) -> Vec<PriorityInfo> {
    Priority::ALL
        .iter()
        .map(|p| {
            let pc = config.priority(*p);
            PriorityInfo {
                key: p.key(),
                label: p.label(),
                response: amount(pc.response),
                resolution: amount(pc.resolution),
                definition: pc.definition.clone(),
            }
        })
        .collect()
}

fn amount(a: skranke_core::config::Amount) -> String {
    use skranke_core::config::Unit;
    let key = match a.unit {
        Unit::Seconds => "amount-seconds",
        Unit::Minutes => "amount-minutes",
        Unit::Hours => "amount-hours",
        Unit::Days => "amount-days",
    };
    Msg::new(key).arg("count", i64::from(a.value)).text()
}

/// An attachment as a page lists it.
pub struct AttachmentView {
    pub id: i64,
    pub filename: String,
    pub size: String,
    /// An image whose bytes were checked: shown inline.
    pub image: bool,
}

impl AttachmentView {
    pub fn of(a: &Attachment) -> AttachmentView {
        AttachmentView {
            id: a.id,
            filename: a.filename.clone(),
            size: texts::size(a.size),
            image: crate::files::is_previewable(&a.content_type),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub nav: Option<Nav>,
    pub status: u16,
    pub message: String,
}

impl ErrorPage {
    pub fn heading_key(&self) -> &'static str {
        match self.status {
            404 => "error-heading-404",
            403 => "error-heading-403",
            500..=599 => "error-heading-500",
            _ => "error-heading",
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub csrf: String,
    pub username: String,
    pub error: Option<String>,
    /// "Du er logget ut."
    pub notice: Option<String>,
}

pub struct HoursRow {
    pub day: String,
    pub hours: String,
}

/// A case in the requester's own list.
pub struct PortalRow {
    pub case: Case,
    /// A message from someone else the reader has not seen yet.
    pub new_reply: bool,
    /// Someone else's case the reader is copied on.
    pub copied: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal.html")]
pub struct PortalPage {
    pub nav: Nav,
    /// The operational messages active now (the status, in the portal).
    pub ops: Vec<crate::pages::status::MessageView>,
    pub rows: Vec<PortalRow>,
    pub open_now: bool,
    pub hours: Vec<HoursRow>,
    pub contact: ContactConfig,
}

/// The values of the new-case form, kept when it is shown again with errors.
#[derive(Default)]
pub struct CaseFormValues {
    pub kind: String,
    pub title: String,
    pub description: String,
    pub computer_name: String,
    pub requester_username: String,
    pub service_id: Option<i64>,
    pub life_and_health: bool,
    pub whole_unit_down: bool,
    pub citizen_service: bool,
    pub system_down_for_user: bool,
    /// The number of an earlier case this report follows up.
    pub follows: String,
    /// The form's one-time token: posted twice, it registers one case.
    pub form_token: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "new_case.html")]
pub struct NewCasePage {
    pub nav: Nav,
    pub action: &'static str,
    /// Phone intake: the caller the agent registers for.
    pub caller: Option<User>,
    pub services: Vec<Service>,
    pub priorities: Vec<PriorityInfo>,
    pub values: CaseFormValues,
    pub errors: FormErrors,
    /// Why this person cannot report here (pupils and guardians).
    pub refused: bool,
    pub kinds: Vec<CaseKind>,
    pub max_attachment_bytes: usize,
    /// Operational messages the reporter should see first.
    pub ops: Vec<crate::pages::status::ReportMessage>,
}

impl NewCasePage {
    pub fn max_attachment(&self) -> String {
        texts::size(self.max_attachment_bytes as i64)
    }
}

/// A message of the conversation with its files.
pub struct MessageView {
    pub message: Message,
    pub attachments: Vec<AttachmentView>,
    /// Written since the reader last looked.
    pub new: bool,
}

/// The reply form as typed, with its problems.
#[derive(Default)]
pub struct ReplyForm {
    pub body: String,
    pub internal: bool,
    pub errors: FormErrors,
    /// The case is closed: ask the agent to confirm sending anyway.
    pub ask_closed: bool,
    /// The status the agent asked for with the reply.
    pub status: String,
}

/// An agent's edit refused because the case changed meanwhile.
#[derive(Default)]
pub struct Conflict {
    /// What changed since the form was shown, one line per change.
    pub changes: Vec<String>,
}

/// A whole e-mail of a case, as a download link.
pub struct MailView {
    pub id: i64,
    pub name: String,
    pub size: String,
    pub received: String,
}

/// The keys the handling forms show selected: the case's own, or what a
/// refused edit had chosen.
pub struct ChosenView {
    pub status: String,
    pub priority: String,
    pub handler: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "case.html")]
pub struct CasePage {
    pub nav: Nav,
    pub case: Case,
    pub messages: Vec<MessageView>,
    /// Files that came with the report itself.
    pub case_attachments: Vec<AttachmentView>,
    /// The e-mails the case came from or was answered with, whole.
    pub mails: Vec<MailView>,
    pub history: Vec<HistoryEntry>,
    pub agents: Vec<User>,
    pub priorities: Vec<PriorityInfo>,
    pub statuses: Vec<Status>,
    /// Statuses a reply may set at once ("Send og sett status").
    pub reply_statuses: Vec<Status>,
    pub may_confirm: bool,
    pub may_reopen: bool,
    /// The people copied, and whether the reader may copy more.
    pub copied: Vec<CopiedView>,
    pub may_copy: bool,
    /// The copy form as typed.
    pub copy_email: String,
    pub copy_errors: FormErrors,
    pub reply: ReplyForm,
    /// The handling forms' problems (status, priority, handler, deadline).
    pub edit_errors: FormErrors,
    pub conflict: Option<Conflict>,
    /// The reopening form as typed.
    pub reopen_reason: String,
    pub reopen_errors: FormErrors,
    pub reopen_refused: Option<String>,
    /// The reply form's one-time token.
    pub form_token: String,
    /// Offer a new report that follows up this (closed) case.
    pub follow_up: bool,
    pub max_attachment_bytes: usize,
    pub clocks: [ClockView; 2],
    /// The requester's view of the deadlines, in words.
    pub expectations: Vec<String>,
    pub escalations: Vec<EscalationRow>,
    pub paused: String,
    /// The agreed-deadline form as typed.
    pub deadline: String,
    pub deadline_reason: String,
    /// What the status, priority and handler selects show selected.
    pub chosen: ChosenView,
    /// Staff: the operational messages the case is linked to, and the
    /// open ones it may be linked to (id, title).
    pub op_linked: Vec<(i64, String)>,
    pub op_open: Vec<(i64, String)>,
}

impl CasePage {
    pub fn max_attachment(&self) -> String {
        texts::size(self.max_attachment_bytes as i64)
    }

    pub fn new_count(&self) -> usize {
        self.messages.iter().filter(|m| m.new).count()
    }

    pub fn escalation_text(&self, e: &EscalationRow) -> String {
        let key = if e.late {
            "escalation-line-late"
        } else {
            "escalation-line"
        };
        Msg::new(key)
            .arg("clock", texts::clock_label(&e.clock))
            .arg("level", e.level)
            .arg("at", e.reached_at.local())
            .arg("recorded", e.recorded_at.local())
            .text()
    }

    pub fn history_text(&self, h: &HistoryEntry) -> String {
        history_text(h)
    }
}

/// One history entry as a sentence.
pub fn history_text(h: &HistoryEntry) -> String {
    use skranke_core::history::HistoryField as F;
    let value = |field: Option<F>, v: &Option<String>| -> String {
        let Some(v) = v else { return "–".into() };
        match field {
            Some(F::Status) => v.parse::<Status>().map_or(v.clone(), |s| s.label()),
            Some(F::Priority | F::PriorityConfirmed) => {
                v.parse::<Priority>().map_or(v.clone(), |s| s.label())
            }
            Some(F::AgreedDeadline) => v.parse::<i64>().map_or(v.clone(), |ms| ms.local()),
            _ => v.clone(),
        }
    };
    let field = h.field.parse::<F>().ok();
    let text = match field {
        Some(F::Created) => Msg::new("history-created").arg("number", value(None, &h.new_value)),
        Some(F::PublicReply) => Msg::new("history-public-reply"),
        Some(F::InternalNote) => Msg::new("history-internal-note"),
        Some(F::RequesterMessage) => Msg::new("history-requester-message"),
        Some(F::PriorityConfirmed) => {
            Msg::new("history-priority-confirmed").arg("priority", value(field, &h.new_value))
        }
        _ => Msg::new("history-change")
            .arg("field", texts::field_arg(&h.field))
            .arg("old", value(field, &h.old_value))
            .arg("new", value(field, &h.new_value)),
    }
    .text();
    let caused = h.from_message && field == Some(F::Status);
    match (&h.note, caused) {
        (Some(n), true) => Msg::new("history-note-after-message")
            .arg("text", text)
            .arg("note", n.as_str())
            .text(),
        (Some(n), false) => Msg::new("history-note")
            .arg("text", text)
            .arg("note", n.as_str())
            .text(),
        (None, true) => Msg::new("history-after-message").arg("text", text).text(),
        (None, false) => text,
    }
}

/// Someone copied on a case, as its page shows them.
pub struct CopiedView {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// The reader may stop copying them.
    pub may_remove: bool,
}

pub struct QueueRow {
    pub case: Case,
    pub clocks: [ClockView; 2],
}

/// A notification as its list shows it.
pub struct NotificationView {
    pub id: i64,
    pub text: String,
    /// Its case or operational message.
    pub href: String,
    pub created_at: i64,
    pub unread: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications.html")]
pub struct NotificationsPage {
    pub nav: Nav,
    pub items: Vec<NotificationView>,
}

impl NotificationsPage {
    pub fn unread(&self) -> usize {
        self.items.iter().filter(|n| n.unread).count()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "queue.html")]
pub struct QueuePage {
    pub nav: Nav,
    pub queue: &'static str,
    pub queues: Vec<&'static str>,
    pub rows: Vec<QueueRow>,
    pub total: i64,
    pub status: String,
    pub priority: String,
    pub q: String,
    pub sort: String,
    pub page: i64,
    pub pages: i64,
    pub statuses: Vec<Status>,
    pub priorities: Vec<Priority>,
}

impl QueuePage {
    /// The query string for another page of the same listing.
    pub fn page_link(&self, page: i64) -> String {
        let enc = |s: &str| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
        };
        format!(
            "?queue={}&status={}&priority={}&q={}&sort={}&page={page}",
            self.queue,
            enc(&self.status),
            enc(&self.priority),
            enc(&self.q),
            enc(&self.sort)
        )
    }

    pub fn queue_label(&self, key: &str) -> String {
        crate::i18n::t(&format!("queue-{key}"))
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "phone.html")]
pub struct PhonePage {
    pub nav: Nav,
    pub q: String,
    pub results: Vec<User>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin.html")]
pub struct AdminPage {
    pub nav: Nav,
    pub users: Vec<User>,
    pub orgs: Vec<Organization>,
    pub teams: Vec<Team>,
    pub services: Vec<Service>,
    /// Cases the SLA engine cannot replay, set aside by the scheduler.
    pub sla_errors: Vec<SlaError>,
    pub kinds: Vec<UserKind>,
    /// Which form the errors belong to (`user`, `org`, `unit-<id>`, `team`,
    /// `service`, `row`), so each shows its own.
    pub form: String,
    pub errors: FormErrors,
    /// What the failed form held.
    /// The new-user form as typed (the password left out).
    pub user_values: crate::admin::UserRequest,
    pub name_value: String,
    pub domains_value: String,
    pub notice: Option<String>,
}

/// What was typed into the new-token form.
pub struct TokenValues {
    pub name: String,
    pub days: String,
    pub write: bool,
}

impl Default for TokenValues {
    fn default() -> Self {
        TokenValues {
            name: String::new(),
            days: String::new(),
            write: true,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub nav: Nav,
    pub tokens: Vec<TokenInfo>,
    /// A token just made (shown this once) and when it runs out (epoch ms).
    pub new_token: Option<(String, i64)>,
    pub errors: FormErrors,
    pub token: TokenValues,
    pub token_days: Vec<i64>,
    pub locale: Option<String>,
    pub languages: Vec<crate::i18n::Lang>,
    /// Each notice the person can get, and whether it comes by e-mail.
    pub mail: Vec<(skranke_core::notice::NoticeKind, bool)>,
    /// The services and operational messages the person follows.
    pub subscriptions: Vec<skranke_store::Subscription>,
}

#[derive(Template, WebTemplate)]
#[template(path = "password.html")]
pub struct PasswordPage {
    pub nav: Nav,
    /// An admin reset the password: it must be changed now.
    pub forced: bool,
    pub errors: FormErrors,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_mail.html")]
pub struct MailPage {
    pub nav: Nav,
    pub held: Vec<skranke_store::QuarantinedMail>,
    pub sent: Vec<skranke_store::OutgoingRow>,
    /// Whether mail goes out at all (`[mail.outbound]`).
    pub goes_out: bool,
}

impl MailPage {
    pub fn hold_label(&self, m: &skranke_store::QuarantinedMail) -> String {
        crate::texts::hold_label(m.hold)
    }

    pub fn kind_label(&self, r: &skranke_store::OutgoingRow) -> String {
        r.kind
            .parse::<skranke_core::notice::NoticeKind>()
            .map_or_else(|_| crate::i18n::t("mail-kind-auto-reply"), |k| k.label())
    }

    pub fn state_label(&self, r: &skranke_store::OutgoingRow) -> String {
        let key = if r.bounced_at.is_some() {
            "mail-state-bounced"
        } else if r.sent_at.is_some() {
            "mail-state-sent"
        } else if r.failed_at.is_some() {
            "mail-state-failed"
        } else {
            "mail-state-pending"
        };
        crate::i18n::t(key)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub nav: Nav,
    pub rows: Vec<AuditRow>,
    /// The id to page on from, when there are older entries.
    pub older: Option<i64>,
}

impl AuditPage {
    pub fn event_label(&self, r: &AuditRow) -> String {
        r.event
            .parse::<skranke_core::audit::AuditEvent>()
            .map_or_else(|_| r.event.clone(), |e| e.label())
    }
}

/// Used by every template: the flash message the session had waiting.
pub trait Flash {
    fn flash(&self) -> Option<String> {
        crate::context::flash().map(|m| m.text())
    }
    /// Where the language chooser returns to.
    fn here(&self) -> String {
        crate::context::path()
    }
    /// The session's CSRF token, for the forms every page has.
    fn page_csrf(&self) -> Option<String> {
        crate::context::nav().map(|n| n.csrf)
    }
    fn languages(&self) -> [crate::i18n::Lang; 2] {
        crate::i18n::Lang::ALL
    }
}

impl<T: Tr + ?Sized> Flash for T {}
