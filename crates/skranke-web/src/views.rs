//! Template structs: what each page shows. Askama checks the templates
//! against these at compile time and escapes every value.

use crate::auth::CurrentUser;
use crate::texts::{self, Label};
use askama::Template;
use askama_web::WebTemplate;
use jiff::tz::TimeZone;
use skranke_core::config::ContactConfig;
use skranke_core::{CaseKind, Config, Priority, Status, UserKind};
use skranke_store::{
    Attachment, AuditRow, Case, EscalationRow, HistoryEntry, Message, Notification, Organization,
    Service, SlaError, SlaSettings, Team, TokenInfo, User,
};
use std::sync::OnceLock;

static DISPLAY_TZ: OnceLock<TimeZone> = OnceLock::new();

pub fn set_display_zone(tz: TimeZone) {
    let _ = DISPLAY_TZ.set(tz);
}

/// Local date and time of a stored instant (epoch ms), as Norwegians write it.
pub trait Local {
    fn local(&self) -> String;
}

impl Local for i64 {
    fn local(&self) -> String {
        let tz = DISPLAY_TZ.get().cloned().unwrap_or(TimeZone::UTC);
        skranke_store::from_ms(*self)
            .to_zoned_datetime(tz)
            .strftime("%d.%m.%Y %H:%M")
            .to_string()
    }
}

/// One SLA clock of a case as the queue and the case page show it.
pub struct ClockView {
    pub label: &'static str,
    /// `running`, `paused`, `breached`, `met` or `met-late`.
    pub state: &'static str,
    pub text: String,
    pub due: String,
    pub level: i64,
}

/// Both clocks of a case at `now`: time left or overrun, counted in the
/// clock's own calendar (opening hours where that applies).
pub fn clock_views(case: &Case, sla: &SlaSettings, now: jiff::Timestamp) -> [ClockView; 2] {
    let terms = sla.policy.terms(case.priority);
    let now_s = now.as_second();
    let one = |label: &'static str,
               cal_key,
               due: Option<i64>,
               met_at: Option<i64>,
               breached: bool,
               paused: bool,
               level: i64| {
        let cal = sla.policy.calendar(cal_key);
        let mut due_text = due.map(|d| d.local()).unwrap_or_default();
        let (state, text) = match (met_at, due) {
            (Some(m), _) if breached => ("met-late", format!("Oppfylt {} (for sent)", m.local())),
            (Some(m), _) => ("met", format!("Oppfylt {}", m.local())),
            (None, None) => ("running", "–".to_owned()),
            (None, Some(d)) => {
                let d = d.div_euclid(1000);
                if paused {
                    // The stored due assumed a resumption when it was computed; move it to now.
                    let from = case.sla_synced_at.map_or(now_s, |t| t.div_euclid(1000));
                    let left = cal.open_time(from, d);
                    due_text = format!(
                        "{} hvis gjenopptatt nå",
                        (cal.add(now_s, left) * 1000).local()
                    );
                    ("paused", format!("På pause, {} igjen", texts::span(left)))
                } else if d > now_s {
                    (
                        "running",
                        format!("{} igjen", texts::span(cal.open_time(now_s, d))),
                    )
                } else {
                    (
                        "breached",
                        format!("Overskredet {}", texts::span(cal.open_time(d, now_s))),
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
        }
    };
    [
        one(
            "Svartid",
            terms.response.calendar,
            case.response_due,
            case.response_met_at,
            case.response_breached,
            false,
            case.response_level,
        ),
        one(
            "Løsningstid",
            terms.resolution.calendar,
            case.resolution_due,
            case.resolution_met_at,
            case.resolution_breached,
            case.resolution_paused,
            case.resolution_level,
        ),
    ]
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
pub struct Nav {
    pub name: String,
    pub kind: UserKind,
    pub csrf: String,
}

impl Nav {
    pub fn of(u: &CurrentUser) -> Nav {
        Nav {
            name: u.user.full_name.clone(),
            kind: u.user.kind,
            csrf: u.csrf.clone(),
        }
    }
    pub fn is_staff(&self) -> bool {
        self.kind.is_staff()
    }
    pub fn is_admin(&self) -> bool {
        self.kind == UserKind::Admin
    }
}

/// A priority as shown where one is chosen: label, targets and definition.
pub struct PriorityInfo {
    pub key: &'static str,
    pub label: &'static str,
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
                response: amount_nb(pc.response),
                resolution: amount_nb(pc.resolution),
                definition: pc.definition.clone(),
            }
        })
        .collect()
}

fn amount_nb(a: skranke_core::config::Amount) -> String {
    use skranke_core::config::Unit;
    let (one, many) = match a.unit {
        Unit::Seconds => ("sekund", "sekunder"),
        Unit::Minutes => ("minutt", "min"),
        Unit::Hours => ("time", "timer"),
        Unit::Days => ("dag", "dager"),
    };
    format!("{} {}", a.value, if a.value == 1 { one } else { many })
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub status: u16,
    pub message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub csrf: String,
    pub username: String,
    pub error: Option<String>,
}

pub struct HoursRow {
    pub day: &'static str,
    pub hours: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal.html")]
pub struct PortalPage {
    pub nav: Nav,
    pub cases: Vec<Case>,
    pub open_now: bool,
    pub hours: Vec<HoursRow>,
    pub contact: ContactConfig,
    pub may_report: bool,
    pub not_customer: &'static str,
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
    pub errors: Vec<String>,
    pub refused: Option<&'static str>,
    pub kinds: Vec<CaseKind>,
}

#[derive(Template, WebTemplate)]
#[template(path = "case.html")]
pub struct CasePage {
    pub nav: Nav,
    pub case: Case,
    pub messages: Vec<Message>,
    pub attachments: Vec<Attachment>,
    pub history: Vec<HistoryEntry>,
    pub agents: Vec<User>,
    pub priorities: Vec<PriorityInfo>,
    pub statuses: Vec<Status>,
    pub may_confirm: bool,
    pub may_reopen: bool,
    pub error: Option<String>,
    /// The reply as typed, shown again after a refusal.
    pub draft: String,
    /// The reply form's one-time token.
    pub form_token: String,
    /// Offer a new report that follows up this (closed) case.
    pub follow_up: bool,
    pub max_attachment_mb: usize,
    pub clocks: [ClockView; 2],
    pub escalations: Vec<EscalationRow>,
    pub paused: String,
    pub deadline_default: String,
}

impl CasePage {
    pub fn attachments_of(&self, message_id: i64) -> Vec<&Attachment> {
        self.attachments
            .iter()
            .filter(|a| a.message_id == Some(message_id))
            .collect()
    }

    pub fn history_text(&self, h: &HistoryEntry) -> String {
        use skranke_core::history::HistoryField as F;
        let value = |field: Option<F>, v: &Option<String>| -> String {
            let Some(v) = v else { return "–".into() };
            match field {
                Some(F::Status) => v
                    .parse::<Status>()
                    .map(|s| s.label().to_owned())
                    .unwrap_or(v.clone()),
                Some(F::Priority | F::PriorityConfirmed) => v
                    .parse::<Priority>()
                    .map(|s| s.label().to_owned())
                    .unwrap_or(v.clone()),
                Some(F::AgreedDeadline) => {
                    v.parse::<i64>().map(|ms| ms.local()).unwrap_or(v.clone())
                }
                _ => v.clone(),
            }
        };
        let field = h.field.parse::<F>().ok();
        let text = match field {
            Some(F::Created) => format!("Sak {} registrert", value(None, &h.new_value)),
            Some(F::PublicReply) => "Svar til innmelder".into(),
            Some(F::InternalNote) => "Internt notat".into(),
            Some(F::RequesterMessage) => "Melding fra innmelder".into(),
            Some(F::PriorityConfirmed) => {
                format!("Prioritet bekreftet: {}", value(field, &h.new_value))
            }
            _ => format!(
                "{}: {} → {}",
                texts::field_label(&h.field),
                value(field, &h.old_value),
                value(field, &h.new_value)
            ),
        };
        let caused = h.from_message && field == Some(F::Status);
        match &h.note {
            Some(n) if caused => format!("{text} ({}; {n})", texts::ui().after_message),
            Some(n) => format!("{text} ({n})"),
            None if caused => format!("{text} ({})", texts::ui().after_message),
            None => text,
        }
    }
}

pub struct QueueRow {
    pub case: Case,
    pub clocks: [ClockView; 2],
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications.html")]
pub struct NotificationsPage {
    pub nav: Nav,
    pub items: Vec<Notification>,
}

#[derive(Template, WebTemplate)]
#[template(path = "queue.html")]
pub struct QueuePage {
    pub nav: Nav,
    pub queue: &'static str,
    pub queues: Vec<(&'static str, &'static str)>,
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
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect::<String>()
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
    pub error: Option<String>,
    pub notice: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub nav: Nav,
    pub tokens: Vec<TokenInfo>,
    /// A token just made (shown this once) and when it runs out (epoch ms).
    pub new_token: Option<(String, i64)>,
    pub error: Option<String>,
    pub notice: Option<&'static str>,
    pub token_days: Vec<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "password.html")]
pub struct PasswordPage {
    pub nav: Nav,
    /// An admin reset the password: it must be changed now.
    pub forced: bool,
    pub error: Option<String>,
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
    pub fn event_label(&self, r: &AuditRow) -> &'static str {
        r.event
            .parse::<skranke_core::audit::AuditEvent>()
            .map_or("?", |e| e.label())
    }
}
